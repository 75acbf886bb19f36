"""The API shapes of the fund register: funds, investors, closes, commitments, transfers of
interest.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    EmailStr,
    Field,
    StrictBool,
    StringConstraints,
)

from fundhouse.funds.common import (
    CountryCode,
    CurrencyCode,
    Input,
    LongText,
    Name,
    Output,
    PositiveMoney,
    Rate,
    SearchParam,
    Secret,
    ShortText,
    SortParam,
)
from fundhouse.funds.models import (
    CommitmentStatus,
    Compounding,
    FeeBasis,
    FundStatus,
    InvestorKind,
    WaterfallType,
)
from fundhouse.platform.schemas import IsoDate, Money


class FundFilters(BaseModel):
    status: FundStatus | None = None
    currency: CurrencyCode | None = None
    q: SearchParam = Field(default=None, description="A fragment of the name")
    sort: SortParam = Field(default=None, description="name (default), created_at, vintage")


class InvestorFilters(BaseModel):
    kind: InvestorKind | None = None
    country: CountryCode | None = None
    fund_id: uuid.UUID | None = Field(default=None, description="Committed to this fund")
    q: SearchParam = Field(default=None, description="A fragment of the name or e-mail")
    sort: SortParam = Field(default=None, description="name (default), created_at")


class CommitmentFilters(BaseModel):
    investor_id: uuid.UUID | None = None
    close_id: uuid.UUID | None = None
    is_gp: bool | None = None
    status: CommitmentStatus | None = None
    sort: SortParam = Field(default=None, description="sequence (default), created_at")


class FundTerms(Input):
    """The waterfall and fee terms (CONVENTIONS.md defaults)."""

    waterfall_type: WaterfallType = WaterfallType.EUROPEAN
    hurdle_rate: Rate = Decimal("0.08")
    compounding: Compounding = Compounding.COMPOUND
    catch_up_rate: Rate = Decimal("1")
    carry_rate: Rate = Decimal("0.20")
    return_of_capital_includes_fees: StrictBool = True
    clawback_tax_rate: Rate = Decimal("0")
    investment_period_rate: Rate = Decimal("0.02")
    post_period_rate: Rate = Decimal("0.015")
    post_period_basis: FeeBasis = FeeBasis.INVESTED_COST
    investment_period_years: int = Field(default=5, ge=1, le=20)
    fee_offset_rate: Rate = Decimal("1")
    equalization_rate: Rate = Decimal("0.08")


class FundCreate(FundTerms):
    name: Name
    legal_name: ShortText | None = None
    currency: CurrencyCode
    vintage: int | None = Field(default=None, ge=1900, le=2200)
    strategy: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    status: FundStatus = FundStatus.FUNDRAISING
    description: LongText | None = None
    target_size: PositiveMoney | None = None
    initial_close_date: IsoDate | None = None
    investment_period_end: IsoDate | None = None
    term_years: int = Field(default=10, ge=1, le=99)
    bank_instructions: LongText | None = None


class FundUpdate(Input):
    """Any of the fund's attributes except its currency (its book is kept in it)."""

    name: Name | None = None
    legal_name: ShortText | None = None
    vintage: int | None = Field(default=None, ge=1900, le=2200)
    strategy: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    status: FundStatus | None = None
    description: LongText | None = None
    target_size: PositiveMoney | None = None
    initial_close_date: IsoDate | None = None
    investment_period_end: IsoDate | None = None
    term_years: int | None = Field(default=None, ge=1, le=99)
    bank_instructions: LongText | None = None
    waterfall_type: WaterfallType | None = None
    hurdle_rate: Rate | None = None
    compounding: Compounding | None = None
    catch_up_rate: Rate | None = None
    carry_rate: Rate | None = None
    return_of_capital_includes_fees: StrictBool | None = None
    clawback_tax_rate: Rate | None = None
    investment_period_rate: Rate | None = None
    post_period_rate: Rate | None = None
    post_period_basis: FeeBasis | None = None
    investment_period_years: int | None = Field(default=None, ge=1, le=20)
    fee_offset_rate: Rate | None = None
    equalization_rate: Rate | None = None


class FundOut(Output):
    id: uuid.UUID
    name: str
    legal_name: str | None
    currency: str
    vintage: int | None
    strategy: str | None
    status: FundStatus
    description: str | None
    target_size: Money | None
    initial_close_date: date | None
    investment_period_end: date | None
    term_years: int
    waterfall_type: WaterfallType
    hurdle_rate: Rate
    compounding: Compounding
    catch_up_rate: Rate
    carry_rate: Rate
    return_of_capital_includes_fees: bool
    clawback_tax_rate: Rate
    investment_period_rate: Rate
    post_period_rate: Rate
    post_period_basis: FeeBasis
    investment_period_years: int
    fee_offset_rate: Rate
    equalization_rate: Rate
    bank_instructions: str | None
    book_id: uuid.UUID
    gp_investor_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class FundTotals(BaseModel):
    """What the partners committed, what was called and paid, and what is left to call."""

    commitments: Money
    called: Money
    contributed: Money
    unfunded: Money
    investors: int


class FundDetailOut(FundOut):
    totals: FundTotals


class InvestorCreate(Input):
    kind: InvestorKind
    name: Name
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    address: LongText | None = None
    country: CountryCode | None = None
    tax_id: Secret | None = None
    bank_name: ShortText | None = None
    bank_account: Secret | None = None
    bank_routing: Secret | None = None
    withholding_rate: Rate = Decimal("0")
    notes: LongText | None = None


class InvestorUpdate(Input):
    kind: InvestorKind | None = None
    name: Name | None = None
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    address: LongText | None = None
    country: CountryCode | None = None
    tax_id: Secret | None = None
    bank_name: ShortText | None = None
    bank_account: Secret | None = None
    bank_routing: Secret | None = None
    withholding_rate: Rate | None = None
    notes: LongText | None = None


class InvestorOut(BaseModel):
    """An investor. ``tax_id``, ``bank_account`` and ``bank_routing`` are masked to their last
    four characters unless the reader holds ``investor:read_sensitive``
    (``sensitive_visible``)."""

    id: uuid.UUID
    kind: InvestorKind
    name: str
    email: str | None
    phone: str | None
    address: str | None
    country: str | None
    tax_id: str | None
    bank_name: str | None
    bank_account: str | None
    bank_routing: str | None
    sensitive_visible: bool
    withholding_rate: Rate
    notes: str | None
    created_at: datetime
    updated_at: datetime


class InvestorUserCreate(Input):
    user_id: uuid.UUID


class InvestorUserOut(BaseModel):
    id: uuid.UUID
    investor_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    full_name: str
    created_at: datetime


class CloseCreate(Input):
    close_date: IsoDate


class CloseOut(Output):
    id: uuid.UUID
    fund_id: uuid.UUID
    number: int
    close_date: date
    is_initial: bool
    created_at: datetime
    equalization_call_id: uuid.UUID | None = Field(
        default=None, description="The call (not cancelled) that equalizes this close's LPs"
    )
    equalization_call_number: int | None = None


class CommitmentCreate(Input):
    investor_id: uuid.UUID
    amount: PositiveMoney
    close_id: uuid.UUID | None = Field(
        default=None,
        description="The close that admits it; by default the fund's latest close (the "
        "initial close is opened on the fund's initial close date when there is none).",
    )
    is_gp: StrictBool = False


class CommitmentUpdate(Input):
    amount: PositiveMoney


class CommitmentOut(BaseModel):
    """A commitment with what has been called and paid against it (derived, not stored)."""

    id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    investor_id: uuid.UUID
    investor_name: str
    close_id: uuid.UUID
    close_number: int
    close_date: date
    amount: Money
    is_gp: bool
    sequence: int
    status: CommitmentStatus
    called: Money
    contributed: Money
    recallable: Money
    unfunded: Money
    created_at: datetime


class TransferCreate(Input):
    from_commitment_id: uuid.UUID
    to_investor_id: uuid.UUID
    amount: PositiveMoney
    transfer_date: IsoDate


class TransferOut(Output):
    id: uuid.UUID
    fund_id: uuid.UUID
    from_commitment_id: uuid.UUID
    to_commitment_id: uuid.UUID
    from_investor_id: uuid.UUID
    to_investor_id: uuid.UUID
    transfer_date: date
    amount: Money
    called_amount: Money
    recallable_amount: Money
    ledger_entry_id: uuid.UUID | None
    created_at: datetime
