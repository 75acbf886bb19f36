"""The double-entry ledger's tables: books, their chart of accounts, journal entries, postings.

A book belongs to an owner (a fund, an account ...) that the ledger knows only by type and id.
An entry is immutable once posted: corrections are reversing entries, never edits. Balances are
never stored; they are sums of postings. A posting's ``amount`` is signed: a debit is positive,
a credit negative, so every balanced entry sums to zero per currency.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundhouse.platform.db import Base, IdMixin, TenantMixin, utcnow


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def is_debit_normal(self) -> bool:
        """Assets and expenses grow by debits; liabilities, equity and income by credits."""
        return self in (AccountType.ASSET, AccountType.EXPENSE)


class Book(IdMixin, TenantMixin, Base):
    """One set of books in one base currency, owned by something the ledger does not know."""

    __tablename__ = "ledger_books"
    __table_args__ = (UniqueConstraint("owner_type", "owner_id", name="uq_ledger_books_owner"),)

    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[uuid.UUID]
    last_entry_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    accounts: Mapped[list[Account]] = relationship(
        back_populates="book", lazy="raise", order_by="Account.code"
    )


class Account(IdMixin, TenantMixin, Base):
    """An account of a book's chart. On a partner account every posting names its partner."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("book_id", "code", name="uq_ledger_accounts_book_code"),)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_books.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[AccountType] = mapped_column(
        Enum(
            AccountType,
            name="account_type",
            native_enum=False,
            length=20,
            create_constraint=True,
            values_callable=lambda kinds: [k.value for k in kinds],
        )
    )
    is_partner_account: Mapped[bool] = mapped_column(default=False)

    book: Mapped[Book] = relationship(back_populates="accounts", lazy="raise")


class JournalEntry(IdMixin, TenantMixin, Base):
    """One balanced movement of money, numbered 1, 2, 3 ... without gaps within its book."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("book_id", "number", name="uq_journal_entries_book_number"),
        UniqueConstraint("reverses_entry_id", name="uq_journal_entries_reverses_entry_id"),
        Index("ix_journal_entries_book_date", "book_id", "entry_date"),
        Index("ix_journal_entries_source", "source_type", "source_id"),
    )

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_books.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    entry_date: Mapped[date]
    memo: Mapped[str] = mapped_column(String(500))
    source_type: Mapped[str] = mapped_column(String(60))
    source_id: Mapped[uuid.UUID | None]
    reverses_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    reversed_by_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    postings: Mapped[list[Posting]] = relationship(
        back_populates="entry", lazy="raise", order_by="Posting.line_no"
    )


class Posting(IdMixin, TenantMixin, Base):
    """One line of an entry: a signed amount (debit +, credit −) on one account."""

    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("entry_id", "line_no", name="uq_postings_entry_line"),
        Index("ix_postings_account_party", "account_id", "party_id"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_accounts.id"))
    party_id: Mapped[uuid.UUID | None]
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    memo: Mapped[str | None] = mapped_column(String(500))

    entry: Mapped[JournalEntry] = relationship(back_populates="postings", lazy="raise")
    account: Mapped[Account] = relationship(lazy="raise")
