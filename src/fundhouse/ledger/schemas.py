"""The ledger API's shapes. Amounts travel as decimal strings (:data:`Money`), never floats."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from fundhouse.ledger.models import Account, AccountType, JournalEntry, Posting
from fundhouse.ledger.service import Line, TrialBalance
from fundhouse.platform.schemas import IsoDate, Money

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Memo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class BookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    currency: str
    owner_type: str
    owner_id: uuid.UUID
    created_at: datetime


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    type: AccountType
    is_partner_account: bool
    normal_balance: str = Field(description="debit or credit: the side that increases it")

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            code=account.code,
            name=account.name,
            type=account.type,
            is_partner_account=account.is_partner_account,
            normal_balance="debit" if AccountType(account.type).is_debit_normal else "credit",
        )


class PostingOut(BaseModel):
    line_no: int
    account_code: str
    account_name: str
    party_id: uuid.UUID | None
    party_name: str | None = Field(
        default=None, description="The partner's name, when the line names one"
    )
    amount: Money = Field(description="Signed: a debit is positive, a credit negative")
    debit: Money | None
    credit: Money | None
    currency: str
    memo: str | None

    @classmethod
    def of(cls, posting: Posting, party_names: Mapping[uuid.UUID, str] | None = None) -> PostingOut:
        amount = posting.amount
        party = posting.party_id
        return cls(
            line_no=posting.line_no,
            account_code=posting.account.code,
            account_name=posting.account.name,
            party_id=party,
            party_name=(party_names or {}).get(party) if party is not None else None,
            amount=amount,
            debit=amount if amount > 0 else None,
            credit=amount.copy_negate() if amount < 0 else None,
            currency=posting.currency,
            memo=posting.memo,
        )


class EntryOut(BaseModel):
    id: uuid.UUID
    book_id: uuid.UUID
    number: int
    entry_date: date
    memo: str
    source_type: str
    source_id: uuid.UUID | None
    reverses_entry_id: uuid.UUID | None
    reversed_by_entry_id: uuid.UUID | None
    created_by: uuid.UUID
    created_at: datetime
    postings: list[PostingOut]

    @classmethod
    def of(
        cls, entry: JournalEntry, party_names: Mapping[uuid.UUID, str] | None = None
    ) -> EntryOut:
        """``party_names``: :func:`fundhouse.ledger.service.party_names` of the entries."""
        return cls(
            id=entry.id,
            book_id=entry.book_id,
            number=entry.number,
            entry_date=entry.entry_date,
            memo=entry.memo,
            source_type=entry.source_type,
            source_id=entry.source_id,
            reverses_entry_id=entry.reverses_entry_id,
            reversed_by_entry_id=entry.reversed_by_entry_id,
            created_by=entry.created_by,
            created_at=entry.created_at,
            postings=[PostingOut.of(p, party_names) for p in entry.postings],
        )


class LineIn(BaseModel):
    """One line: a positive ``debit`` or a positive ``credit``, never both."""

    model_config = ConfigDict(extra="forbid")

    account_code: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    debit: Money | None = Field(default=None, gt=0)
    credit: Money | None = Field(default=None, gt=0)
    currency: CurrencyCode
    party_id: uuid.UUID | None = None
    memo: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Self:
        if (self.debit is None) == (self.credit is None):
            raise ValueError("give either a debit or a credit")
        return self

    def to_line(self) -> Line:
        if self.debit is not None:
            return Line.debit(
                self.account_code, self.debit, self.currency, party_id=self.party_id, memo=self.memo
            )
        assert self.credit is not None
        return Line.credit(
            self.account_code, self.credit, self.currency, party_id=self.party_id, memo=self.memo
        )


class EntryIn(BaseModel):
    """A manual (adjusting) entry: debits equal credits in each currency, or 422."""

    model_config = ConfigDict(extra="forbid")

    entry_date: IsoDate
    memo: Memo
    lines: list[LineIn] = Field(min_length=2, max_length=1000)


class ReverseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_date: IsoDate
    memo: Memo


class TrialBalanceRowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account_code: str
    account_name: str
    account_type: AccountType
    currency: str
    debit: Money
    credit: Money


class TrialBalanceOut(BaseModel):
    as_of: date
    rows: list[TrialBalanceRowOut]
    total_debits: dict[str, Money] = Field(description="Per currency")
    total_credits: dict[str, Money] = Field(description="Per currency")
    is_balanced: bool

    @classmethod
    def of(cls, tb: TrialBalance) -> TrialBalanceOut:
        return cls(
            as_of=tb.as_of,
            rows=[TrialBalanceRowOut.model_validate(r) for r in tb.rows],
            total_debits=tb.total_debits,
            total_credits=tb.total_credits,
            is_balanced=tb.is_balanced,
        )
