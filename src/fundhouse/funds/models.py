"""The tables of fund administration.

A fund has LP investors (and its GP) who commit capital at closes. Capital calls draw on those
commitments, payments settle the calls, distributions go back through the fund's waterfall,
management fees and fund expenses are charged to the partners, portfolio companies are bought,
valued and sold, and statements report it all to each LP.

Every movement of money also posts one balanced entry to the fund's ledger book
(``ledger_books``, owner_type ``"fund"``); the ``*ledger_entry_id`` columns link each record to
the entry it posted. Balances (contributed capital, NAV, capital accounts) are derived from the
ledger and from these records, never stored twice. Amounts are exact ``Decimal`` values in the
fund's currency; rates are exact decimal fractions (``0.08`` is 8%). Rules on amounts (positive,
within the currency's minor unit, never above what is owed) live in the services, not in CHECK
constraints: SQLite keeps decimals as text, where SQL comparisons with numbers are textual.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundhouse.platform.crypto import EncryptedString
from fundhouse.platform.db import Base, IdMixin, TenantMixin, TimestampMixin


def _enum(kind: type[StrEnum], name: str) -> Enum:
    """A portable enum column: stored as its value in a VARCHAR with a CHECK constraint."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=30,
        create_constraint=True,
        values_callable=lambda members: [m.value for m in members],
    )


# --- enumerations ------------------------------------------------------------------------


class FundStatus(StrEnum):
    FUNDRAISING = "fundraising"
    INVESTING = "investing"
    HARVESTING = "harvesting"
    LIQUIDATED = "liquidated"


class WaterfallType(StrEnum):
    EUROPEAN = "european"
    """Whole fund: every distribution runs the tiers on all of the fund's contributions."""
    AMERICAN = "american"
    """Deal by deal: a realized deal runs the tiers on that deal's own contributions."""


class Compounding(StrEnum):
    COMPOUND = "compound"
    SIMPLE = "simple"


class FeeBasis(StrEnum):
    """What the management fee is charged on after the investment period."""

    INVESTED_COST = "invested_cost"
    NAV = "nav"


class InvestorKind(StrEnum):
    INDIVIDUAL = "individual"
    ENTITY = "entity"


class CommitmentStatus(StrEnum):
    ACTIVE = "active"
    TRANSFERRED = "transferred"
    """All of it was transferred to another investor; it keeps its history."""


class TransferStatus(StrEnum):
    COMPLETED = "completed"


class CallPurpose(StrEnum):
    INVESTMENT = "investment"
    MANAGEMENT_FEE = "management_fee"
    EXPENSES = "expenses"
    EQUALIZATION = "equalization"
    """A late closer's share of the calls made before it was admitted, with interest."""


class CallBasis(StrEnum):
    COMMITMENT = "commitment"
    UNFUNDED = "unfunded"


class CallStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


CALLED_STATUSES = frozenset({CallStatus.ISSUED, CallStatus.PARTIALLY_PAID, CallStatus.PAID})
"""Calls that draw on the commitments: issued to the LPs and not cancelled."""


class PaymentMethod(StrEnum):
    WIRE = "wire"
    ACH = "ach"
    CHECK = "check"
    OTHER = "other"


class ReconciliationStatus(StrEnum):
    MATCHED = "matched"
    """Lines were matched against the expected payments; nothing recorded yet."""
    APPLIED = "applied"
    """The matched lines were recorded as payments."""


class MatchStatus(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMBIGUOUS = "ambiguous"
    APPLIED = "applied"


class DistributionSource(StrEnum):
    EXIT = "exit"
    DIVIDEND = "dividend"
    INTEREST = "interest"
    OTHER = "other"


class DistributionStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    ISSUED = "issued"
    PAID = "paid"
    CANCELLED = "cancelled"


class WaterfallTier(StrEnum):
    RETURN_OF_CAPITAL = "return_of_capital"
    PREFERRED_RETURN = "preferred_return"
    CATCH_UP = "catch_up"
    CARRIED_INTEREST = "carried_interest"
    """The 80/20 split tier: the LPs' and the GP's shares both carry this tier."""


class CompanyStatus(StrEnum):
    ACTIVE = "active"
    EXITED = "exited"
    WRITTEN_OFF = "written_off"


class InvestmentKind(StrEnum):
    PURCHASE = "purchase"
    """Cost paid into a company: ``cost_amount`` added, cash out."""
    SALE = "sale"
    """A realization: ``proceeds_amount`` in, ``cost_amount`` of basis released."""
    WRITE_OFF = "write_off"
    """``cost_amount`` of basis released with no proceeds."""
    INCOME = "income"
    """A dividend or interest from the company: ``proceeds_amount`` in, no basis change."""


class FeeRunStatus(StrEnum):
    DRAFT = "draft"
    POSTED = "posted"
    CANCELLED = "cancelled"


class EqualizationKind(StrEnum):
    FEE = "fee"
    """A management fee installment billed before the close (posted as the late closer's fee)."""
    CAPITAL_CALL = "capital_call"
    """The late closer's share of an earlier capital call (investments or expenses)."""


class DisbursementKind(StrEnum):
    MANAGEMENT_FEE = "management_fee"
    """A fee run's fees paid to the manager: Dr 2100 / Cr 1000."""
    EXPENSE = "expense"
    """A fund expense paid to its vendor: Dr 2200 / Cr 1000."""
    WITHHOLDING_TAX = "withholding_tax"
    """Tax withheld from a distribution, remitted to the tax authority: Dr 2300 per LP / Cr 1000."""


class ExpenseStatus(StrEnum):
    DRAFT = "draft"
    POSTED = "posted"
    CANCELLED = "cancelled"


class StatementKind(StrEnum):
    CAPITAL_ACCOUNT = "capital_account"
    """ILPA-style capital account statement of one LP for one period."""
    FUND_REPORT = "fund_report"
    """A fund-level report (performance, schedule of investments) for all LPs."""


class DocumentFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"


class StatementStatus(StrEnum):
    QUEUED = "queued"
    READY = "ready"
    FAILED = "failed"


class NoticeKind(StrEnum):
    CAPITAL_CALL = "capital_call"
    DISTRIBUTION = "distribution"


# --- funds -------------------------------------------------------------------------------


class Fund(IdMixin, TenantMixin, TimestampMixin, Base):
    """A fund with its economic terms.

    The waterfall and fee terms default to CONVENTIONS.md (8% compounding hurdle, 100%
    catch-up, 20% carry, 2% on commitments in a five-year investment period then 1.5% on
    invested cost, 100% fee offset, 8% simple equalization interest).
    """

    __tablename__ = "funds"
    __table_args__ = (
        UniqueConstraint("org_id", "name", name="uq_funds_org_name"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
    )

    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3))
    vintage: Mapped[int | None] = mapped_column(Integer)
    strategy: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[FundStatus] = mapped_column(
        _enum(FundStatus, "fund_status"), default=FundStatus.FUNDRAISING
    )
    description: Mapped[str | None] = mapped_column(Text)
    target_size: Mapped[Decimal | None]
    initial_close_date: Mapped[date | None]
    investment_period_end: Mapped[date | None]
    term_years: Mapped[int] = mapped_column(Integer, default=10)

    # Waterfall terms (CONVENTIONS.md, "Distribution waterfall").
    waterfall_type: Mapped[WaterfallType] = mapped_column(
        _enum(WaterfallType, "waterfall_type"), default=WaterfallType.EUROPEAN
    )
    hurdle_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.08"))
    compounding: Mapped[Compounding] = mapped_column(
        _enum(Compounding, "compounding"), default=Compounding.COMPOUND
    )
    catch_up_rate: Mapped[Decimal] = mapped_column(default=Decimal("1"))
    carry_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.20"))
    return_of_capital_includes_fees: Mapped[bool] = mapped_column(default=True)
    clawback_tax_rate: Mapped[Decimal] = mapped_column(default=Decimal("0"))

    # Management fee terms (CONVENTIONS.md, "Management fees and late closers").
    investment_period_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.02"))
    post_period_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.015"))
    post_period_basis: Mapped[FeeBasis] = mapped_column(
        _enum(FeeBasis, "fee_basis"), default=FeeBasis.INVESTED_COST
    )
    investment_period_years: Mapped[int] = mapped_column(Integer, default=5)
    fee_offset_rate: Mapped[Decimal] = mapped_column(default=Decimal("1"))
    equalization_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.08"))

    # Wire instructions printed on capital call notices (not personal data: the fund's own).
    bank_instructions: Mapped[str | None] = mapped_column(Text)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_books.id"), unique=True)
    gp_investor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("investors.id", ondelete="SET NULL")
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    gp_investor: Mapped[Investor | None] = relationship(lazy="raise")


# --- investors ---------------------------------------------------------------------------


class Investor(IdMixin, TenantMixin, TimestampMixin, Base):
    """A limited partner (or the GP's investing entity): a person or an organization.

    ``tax_id``, ``bank_account`` and ``bank_routing`` are encrypted at rest (one key per purpose)
    and shown only to holders of ``investor:read_sensitive``.
    """

    __tablename__ = "investors"
    __table_args__ = (
        Index("ix_investors_org_id_name", "org_id", "name"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    kind: Mapped[InvestorKind] = mapped_column(_enum(InvestorKind, "investor_kind"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
    tax_id: Mapped[str | None] = mapped_column("tax_id_encrypted", EncryptedString("tax_id"))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    bank_account: Mapped[str | None] = mapped_column(
        "bank_account_encrypted", EncryptedString("bank_account")
    )
    bank_routing: Mapped[str | None] = mapped_column(
        "bank_routing_encrypted", EncryptedString("bank_account")
    )
    withholding_rate: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    """Tax withheld from this investor's distributions (a fraction, e.g. ``0.30``)."""
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class InvestorUser(IdMixin, TenantMixin, TimestampMixin, Base):
    """Links a user (role ``limited_partner``) to an investor it may see in the LP portal."""

    __tablename__ = "investor_users"
    __table_args__ = (
        UniqueConstraint("investor_id", "user_id", name="uq_investor_users_investor_user"),
    )

    investor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("investors.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )

    investor: Mapped[Investor] = relationship(lazy="raise")


# --- closes and commitments --------------------------------------------------------------


class Close(IdMixin, TenantMixin, TimestampMixin, Base):
    """A closing of the fund: the date a group of commitments was admitted (1 = initial)."""

    __tablename__ = "closes"
    __table_args__ = (UniqueConstraint("fund_id", "number", name="uq_closes_fund_number"),)

    fund_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funds.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    close_date: Mapped[date]
    is_initial: Mapped[bool] = mapped_column(default=False)


class Commitment(IdMixin, TenantMixin, TimestampMixin, Base):
    """An investor's commitment to a fund, admitted at one close.

    ``sequence`` numbers a fund's commitments 1, 2, 3 ... in creation order; allocations break
    ties in that order (CONVENTIONS.md, "Allocation of a total across parties"). What has been
    called and what is unfunded are derived from the call allocations, transfers and recallable
    distributions, never stored.
    """

    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("fund_id", "sequence", name="uq_commitments_fund_sequence"),
        Index("ix_commitments_fund_id_investor_id", "fund_id", "investor_id"),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"), index=True)
    close_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("closes.id"), index=True)
    amount: Mapped[Decimal]
    is_gp: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[CommitmentStatus] = mapped_column(
        _enum(CommitmentStatus, "commitment_status"), default=CommitmentStatus.ACTIVE
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    investor: Mapped[Investor] = relationship(lazy="raise")
    close: Mapped[Close] = relationship(lazy="raise")
    fund: Mapped[Fund] = relationship(lazy="raise")


class CommitmentTransfer(IdMixin, TenantMixin, TimestampMixin, Base):
    """A transfer of (part of) an LP's interest to another investor.

    The transferee gets a new commitment of ``amount``; the transferor's commitment shrinks by
    it. ``called_amount`` is the part of the transferor's called capital that moves with it (pro
    rata), and the ledger entry moves the matching share of its capital account.
    """

    __tablename__ = "commitment_transfers"

    fund_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funds.id", ondelete="CASCADE"), index=True
    )
    from_commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    to_commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    from_investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"))
    to_investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"))
    transfer_date: Mapped[date]
    amount: Mapped[Decimal]
    called_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    recallable_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    status: Mapped[TransferStatus] = mapped_column(
        _enum(TransferStatus, "transfer_status"), default=TransferStatus.COMPLETED
    )
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


# --- capital calls and payments ----------------------------------------------------------


class CapitalCall(IdMixin, TenantMixin, TimestampMixin, Base):
    """A call for capital: drafted, approved by someone else, issued, then paid by the LPs."""

    __tablename__ = "capital_calls"
    __table_args__ = (
        UniqueConstraint("fund_id", "number", name="uq_capital_calls_fund_number"),
        Index("ix_capital_calls_org_id_status_due_date", "org_id", "status", "due_date"),
        CheckConstraint("due_date >= call_date", name="due_after_call"),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[CallPurpose] = mapped_column(_enum(CallPurpose, "call_purpose"))
    basis: Mapped[CallBasis] = mapped_column(
        _enum(CallBasis, "call_basis"), default=CallBasis.COMMITMENT
    )
    amount: Mapped[Decimal]
    """The capital called (contributions); excludes equalization interest."""
    call_date: Mapped[date]
    due_date: Mapped[date]
    status: Mapped[CallStatus] = mapped_column(
        _enum(CallStatus, "call_status"), default=CallStatus.DRAFT
    )
    description: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    close_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("closes.id"))
    """For an equalization call: the subsequent close whose late closers it catches up."""
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))

    fund: Mapped[Fund] = relationship(lazy="raise")
    allocations: Mapped[list[CallAllocation]] = relationship(
        back_populates="call", lazy="raise", order_by="CallAllocation.sequence"
    )
    equalization_items: Mapped[list[EqualizationItem]] = relationship(
        foreign_keys="EqualizationItem.call_id",
        lazy="raise",
        order_by="(EqualizationItem.source_due_date, EqualizationItem.kind)",
    )


class CallAllocation(IdMixin, TenantMixin, Base):
    """One LP's share of a call: what it owes (``amount`` plus equalization interest) and
    what it has paid so far.

    What it paid is not kept as a balance: it is the sum of its payments that were not
    reversed, each of which is one posting to contributions receivable. Load ``payments``
    with the allocation (``selectinload``) to read it.
    """

    __tablename__ = "call_allocations"
    __table_args__ = (
        UniqueConstraint("call_id", "commitment_id", name="uq_call_allocations_call_commitment"),
        Index("ix_call_allocations_investor_id", "investor_id"),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("capital_calls.id", ondelete="CASCADE"))
    commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    """The commitment's sequence, copied so allocations list in the tie-break order."""
    amount: Mapped[Decimal]
    """Capital called from this commitment (a contribution)."""
    equalization_interest: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    """Interest a late closer owes the earlier LPs (not a contribution, not fee income)."""

    call: Mapped[CapitalCall] = relationship(back_populates="allocations", lazy="raise")
    commitment: Mapped[Commitment] = relationship(lazy="raise")
    investor: Mapped[Investor] = relationship(lazy="raise")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="allocation", lazy="raise", order_by="(Payment.received_date, Payment.id)"
    )

    @property
    def amount_due(self) -> Decimal:
        return self.amount + self.equalization_interest

    @property
    def paid_amount(self) -> Decimal:
        """The sum of the payments against this share that were not reversed."""
        return sum(
            (p.amount for p in self.payments if p.reversed_at is None),
            self.amount * 0,
        )

    @property
    def outstanding(self) -> Decimal:
        return self.amount_due - self.paid_amount


class EqualizationItem(IdMixin, TenantMixin, Base):
    """How an equalization call's amount for one late closer was made up: one installment due
    before its close (``principal``: a fee installment on its own commitment, or its share of an
    earlier capital call) and the interest on it from that due date to the close date
    (CONVENTIONS.md, "A late closer pays every installment ...")."""

    __tablename__ = "equalization_items"

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("capital_calls.id", ondelete="CASCADE"), index=True
    )
    commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    kind: Mapped[EqualizationKind] = mapped_column(
        _enum(EqualizationKind, "equalization_kind"), default=EqualizationKind.CAPITAL_CALL
    )
    source_call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("capital_calls.id"))
    """The earlier capital call caught up (kind capital_call)."""
    source_fee_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fee_runs.id"))
    """The fee run that billed the installment to the earlier LPs (kind fee)."""
    source_due_date: Mapped[date]
    principal: Mapped[Decimal]
    rate: Mapped[Decimal]
    days: Mapped[int] = mapped_column(Integer)
    interest: Mapped[Decimal]


class Payment(IdMixin, TenantMixin, TimestampMixin, Base):
    """Money an LP paid against its share of a call (Dr cash / Cr contributions receivable)."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_fund_id_received_date", "fund_id", "received_date"),
        Index("ix_payments_call_id", "call_id"),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("capital_calls.id"))
    call_allocation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("call_allocations.id"), index=True
    )
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"), index=True)
    amount: Mapped[Decimal]
    received_date: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[PaymentMethod] = mapped_column(
        _enum(PaymentMethod, "payment_method"), default=PaymentMethod.WIRE
    )
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    reversed_at: Mapped[datetime | None]
    """Set when the payment was undone by a reversing entry; the payment itself is kept."""
    reversed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    reversal_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))

    call: Mapped[CapitalCall] = relationship(lazy="raise", foreign_keys=[call_id])
    allocation: Mapped[CallAllocation] = relationship(back_populates="payments", lazy="raise")
    investor: Mapped[Investor] = relationship(lazy="raise")

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class BankReconciliation(IdMixin, TenantMixin, TimestampMixin, Base):
    """One uploaded bank statement matched against the fund's expected call payments."""

    __tablename__ = "bank_reconciliations"

    fund_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funds.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[ReconciliationStatus] = mapped_column(
        _enum(ReconciliationStatus, "reconciliation_status"), default=ReconciliationStatus.MATCHED
    )
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    applied_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime | None]

    lines: Mapped[list[BankReconciliationLine]] = relationship(
        back_populates="reconciliation", lazy="raise", order_by="BankReconciliationLine.line_no"
    )


class BankReconciliationLine(IdMixin, TenantMixin, Base):
    """One credit line of a bank statement and what it was matched to."""

    __tablename__ = "bank_reconciliation_lines"
    __table_args__ = (
        UniqueConstraint(
            "reconciliation_id", "line_no", name="uq_bank_reconciliation_lines_rec_line"
        ),
    )

    reconciliation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bank_reconciliations.id", ondelete="CASCADE")
    )
    line_no: Mapped[int] = mapped_column(Integer)
    transaction_date: Mapped[date]
    amount: Mapped[Decimal]
    reference: Mapped[str | None] = mapped_column(String(500))
    payer_name: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[MatchStatus] = mapped_column(_enum(MatchStatus, "match_status"))
    match_reason: Mapped[str | None] = mapped_column(String(300))
    call_allocation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("call_allocations.id"))
    candidate_allocation_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    """The payment recorded from this line when the reconciliation was applied."""

    reconciliation: Mapped[BankReconciliation] = relationship(back_populates="lines", lazy="raise")
    allocation: Mapped[CallAllocation | None] = relationship(lazy="raise")


# --- portfolio ---------------------------------------------------------------------------


class PortfolioCompany(IdMixin, TenantMixin, TimestampMixin, Base):
    """A company the fund invested in: a deal, for the American waterfall."""

    __tablename__ = "portfolio_companies"
    __table_args__ = (UniqueConstraint("fund_id", "name", name="uq_portfolio_companies_fund_name"),)

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CompanyStatus] = mapped_column(
        _enum(CompanyStatus, "company_status"), default=CompanyStatus.ACTIVE
    )


class Investment(IdMixin, TenantMixin, TimestampMixin, Base):
    """One portfolio transaction: a purchase at cost, a sale, a write-off or income.

    Invested cost of a company = Σ purchase ``cost_amount`` − Σ sale/write-off ``cost_amount``.
    """

    __tablename__ = "investments"
    __table_args__ = (
        Index("ix_investments_fund_id_transaction_date", "fund_id", "transaction_date"),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("portfolio_companies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[InvestmentKind] = mapped_column(_enum(InvestmentKind, "investment_kind"))
    transaction_date: Mapped[date]
    cost_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    proceeds_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    instrument: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    company: Mapped[PortfolioCompany] = relationship(lazy="raise")


class Valuation(IdMixin, TenantMixin, TimestampMixin, Base):
    """A company's fair value at a quarter end; the change against cost is unrealized."""

    __tablename__ = "valuations"
    __table_args__ = (UniqueConstraint("company_id", "as_of", name="uq_valuations_company_as_of"),)

    fund_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funds.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("portfolio_companies.id", ondelete="CASCADE")
    )
    as_of: Mapped[date]
    fair_value: Mapped[Decimal]
    method: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    company: Mapped[PortfolioCompany] = relationship(lazy="raise")


class TransactionFee(IdMixin, TenantMixin, TimestampMixin, Base):
    """A transaction (deal, monitoring, director) fee the manager received from a portfolio
    company: it offsets management fees (CONVENTIONS.md, "Fee offsets")."""

    __tablename__ = "transaction_fees"

    fund_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funds.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("portfolio_companies.id", ondelete="SET NULL")
    )
    received_date: Mapped[date]
    amount: Mapped[Decimal]
    description: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    """Set when the fee was cancelled as recorded by mistake; the record is kept and no longer
    offsets management fees."""
    cancelled_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    cancellation_reason: Mapped[str | None] = mapped_column(Text)


# --- distributions -----------------------------------------------------------------------


class Distribution(IdMixin, TenantMixin, TimestampMixin, Base):
    """Money returned to the partners through the fund's waterfall (maker/checker like calls).

    ``company_id`` names the deal for an American (deal-by-deal) waterfall. ``recallable_amount``
    of what the LPs receive may be called again: it adds back to their unfunded commitments.
    """

    __tablename__ = "distributions"
    __table_args__ = (
        UniqueConstraint("fund_id", "number", name="uq_distributions_fund_number"),
        Index("ix_distributions_org_id_status", "org_id", "status"),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[DistributionSource] = mapped_column(
        _enum(DistributionSource, "distribution_source")
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("portfolio_companies.id", ondelete="SET NULL")
    )
    gross_amount: Mapped[Decimal]
    distribution_date: Mapped[date]
    status: Mapped[DistributionStatus] = mapped_column(
        _enum(DistributionStatus, "distribution_status"), default=DistributionStatus.DRAFT
    )
    recallable: Mapped[bool] = mapped_column(default=False)
    recallable_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    description: Mapped[str | None] = mapped_column(Text)
    waterfall_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The waterfall's inputs and tier results, kept to explain the allocation later."""
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    """The declaration: Dr partners' capital — distributions / Cr distributions payable."""
    payment_ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("journal_entries.id")
    )
    """The payout: Dr distributions payable / Cr cash and withholding tax payable."""

    allocations: Mapped[list[DistributionAllocation]] = relationship(
        back_populates="distribution", lazy="raise"
    )


class DistributionAllocation(IdMixin, TenantMixin, Base):
    """One party's amount of one waterfall tier of a distribution (LP or the GP)."""

    __tablename__ = "distribution_allocations"
    __table_args__ = (
        UniqueConstraint(
            "distribution_id",
            "investor_id",
            "commitment_id",
            "tier",
            name="uq_distribution_allocations_party_tier",
        ),
        Index("ix_distribution_allocations_investor_id", "investor_id"),
    )

    distribution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("distributions.id", ondelete="CASCADE")
    )
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"))
    commitment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commitments.id"), index=True
    )
    is_gp: Mapped[bool] = mapped_column(default=False)
    """True for the GP's carried interest (and catch-up); the GP's own commitment is an LP-like
    party and has ``is_gp`` False on its return-of-capital and preferred-return rows."""
    tier: Mapped[WaterfallTier] = mapped_column(_enum(WaterfallTier, "waterfall_tier"))
    amount: Mapped[Decimal]
    withholding_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    net_amount: Mapped[Decimal]
    recallable_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))

    distribution: Mapped[Distribution] = relationship(back_populates="allocations", lazy="raise")
    investor: Mapped[Investor] = relationship(lazy="raise")
    commitment: Mapped[Commitment | None] = relationship(lazy="raise")


# --- management fees and fund expenses ---------------------------------------------------


class FeeRun(IdMixin, TenantMixin, TimestampMixin, Base):
    """The management fees of one billing period (a calendar quarter or the first stub)."""

    __tablename__ = "fee_runs"
    __table_args__ = (
        # One live run per period: a cancelled run leaves its period free to bill again.
        Index(
            "uq_fee_runs_fund_period_start_live",
            "fund_id",
            "period_start",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_date: Mapped[date]
    status: Mapped[FeeRunStatus] = mapped_column(
        _enum(FeeRunStatus, "fee_run_status"), default=FeeRunStatus.DRAFT
    )
    total_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    capital_call_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("capital_calls.id"))
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    installments: Mapped[list[FeeInstallment]] = relationship(
        back_populates="fee_run", lazy="raise"
    )


class FeeInstallment(IdMixin, TenantMixin, Base):
    """One LP's fee for one (sub)period: ``gross_amount`` = rate × base × time, less offset."""

    __tablename__ = "fee_installments"
    __table_args__ = (Index("ix_fee_installments_investor_id", "investor_id"),)

    fee_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("fee_runs.id", ondelete="CASCADE"), index=True
    )
    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    basis: Mapped[str] = mapped_column(String(30))
    """``commitment``, ``invested_cost`` or ``nav``."""
    base_amount: Mapped[Decimal]
    rate: Mapped[Decimal]
    days: Mapped[int | None] = mapped_column(Integer)
    """Days in a partial period (None for a full quarter billed at rate/4)."""
    gross_amount: Mapped[Decimal]
    offset_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    amount: Mapped[Decimal]
    """What the LP is charged: gross less offset, never negative."""

    fee_run: Mapped[FeeRun] = relationship(back_populates="installments", lazy="raise")


class FundExpense(IdMixin, TenantMixin, TimestampMixin, Base):
    """A fund expense (legal, audit, administration ...) charged to the partners."""

    __tablename__ = "fund_expenses"
    __table_args__ = (Index("ix_fund_expenses_fund_id_expense_date", "fund_id", "expense_date"),)

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("portfolio_companies.id", ondelete="SET NULL")
    )
    """The deal it belongs to, for an American waterfall; None for a fund-wide expense."""
    expense_date: Mapped[date]
    amount: Mapped[Decimal]
    category: Mapped[str] = mapped_column(String(60))
    vendor: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ExpenseStatus] = mapped_column(
        _enum(ExpenseStatus, "expense_status"), default=ExpenseStatus.DRAFT
    )
    ledger_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    allocations: Mapped[list[FundExpenseAllocation]] = relationship(
        back_populates="expense", lazy="raise"
    )


class Disbursement(IdMixin, TenantMixin, TimestampMixin, Base):
    """Money the fund paid out of its cash to settle a payable: a fee run's fees to the
    manager, an expense to its vendor, or the tax withheld from a distribution."""

    __tablename__ = "disbursements"
    __table_args__ = (Index("ix_disbursements_fund_id_paid_date", "fund_id", "paid_date"),)

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    kind: Mapped[DisbursementKind] = mapped_column(_enum(DisbursementKind, "disbursement_kind"))
    fee_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fee_runs.id"), index=True)
    expense_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fund_expenses.id"), index=True)
    distribution_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("distributions.id"), index=True
    )
    paid_date: Mapped[date]
    amount: Mapped[Decimal]
    payee: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(200))
    ledger_entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class FundExpenseAllocation(IdMixin, TenantMixin, Base):
    """One LP's share of a fund expense."""

    __tablename__ = "fund_expense_allocations"

    expense_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("fund_expenses.id", ondelete="CASCADE"), index=True
    )
    commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"))
    amount: Mapped[Decimal]

    expense: Mapped[FundExpense] = relationship(back_populates="allocations", lazy="raise")


# --- benchmarks --------------------------------------------------------------------------


class BenchmarkIndex(IdMixin, TenantMixin, TimestampMixin, Base):
    """A public market index (total return levels) for PME comparisons."""

    __tablename__ = "benchmark_indices"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_benchmark_indices_org_name"),)

    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(Text)


class IndexLevel(IdMixin, TenantMixin, Base):
    __tablename__ = "index_levels"
    __table_args__ = (
        UniqueConstraint("index_id", "level_date", name="uq_index_levels_index_date"),
    )

    index_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("benchmark_indices.id", ondelete="CASCADE")
    )
    level_date: Mapped[date]
    level: Mapped[Decimal]


# --- statements --------------------------------------------------------------------------


class Statement(IdMixin, TenantMixin, TimestampMixin, Base):
    """A generated document for one LP (or the fund) and one period.

    Small documents are kept in ``content``; larger ones in document storage under
    ``storage_key``. ``job_id`` is the background job that produced it.
    """

    __tablename__ = "statements"
    __table_args__ = (
        Index("ix_statements_fund_id_period_end", "fund_id", "period_end"),
        Index("ix_statements_investor_id", "investor_id"),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    investor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("investors.id"))
    kind: Mapped[StatementKind] = mapped_column(_enum(StatementKind, "statement_kind"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    format: Mapped[DocumentFormat] = mapped_column(_enum(DocumentFormat, "document_format"))
    status: Mapped[StatementStatus] = mapped_column(
        _enum(StatementStatus, "statement_status"), default=StatementStatus.QUEUED
    )
    filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    storage_key: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    generated_at: Mapped[datetime | None]
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    released_at: Mapped[datetime | None]
    """When the statement was released to its LP; unreleased statements are drafts the LP
    never sees."""
    released_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class NoticeDocument(IdMixin, TenantMixin, TimestampMixin, Base):
    """The notice one LP was sent for an issued call or distribution, kept as issued.

    A notice is a document of its date: it is rendered once, when the call or distribution is
    issued (or, for one issued before notices were kept, on its first download, as of its
    date), and every later download serves these bytes, checked against ``sha256``. Small files
    are kept in ``content``, larger ones in document storage under ``storage_key``.
    """

    __tablename__ = "notice_documents"
    __table_args__ = (
        UniqueConstraint("call_id", "investor_id", name="uq_notice_documents_call_investor"),
        UniqueConstraint(
            "distribution_id", "investor_id", name="uq_notice_documents_distribution_investor"
        ),
    )

    fund_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funds.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[NoticeKind] = mapped_column(_enum(NoticeKind, "notice_kind"))
    call_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("capital_calls.id", ondelete="CASCADE")
    )
    distribution_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("distributions.id", ondelete="CASCADE")
    )
    investor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("investors.id"), index=True)
    notice_date: Mapped[date]
    """The date the notice speaks as of: the call date or the distribution date."""
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    storage_key: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
