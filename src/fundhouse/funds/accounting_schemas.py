"""The API's shapes for fund accounting: distributions, fees and expenses, the portfolio, NAV,
capital accounts, performance and benchmarks.

Amounts travel as decimal strings (:data:`~fundhouse.platform.schemas.Money`); multiples and
rates are plain numbers (``0.1523`` is 15.23%) and ``null`` where undefined, with a reason
beside each rate that can have no solution. Request bodies refuse unknown fields.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from fundhouse.funds.models import (
    CallStatus,
    CompanyStatus,
    DisbursementKind,
    DistributionSource,
    DistributionStatus,
    ExpenseStatus,
    FeeRunStatus,
    InvestmentKind,
    WaterfallTier,
    WaterfallType,
)
from fundhouse.funds.schemas import (
    CountryCode,
    CurrencyCode,
    Input,
    LongText,
    Name,
    PositiveMoney,
    ShortText,
)
from fundhouse.platform.schemas import Money

NonNegativeMoney = Annotated[Money, Field(ge=0, allow_inf_nan=False)]
Category = Annotated[str, Field(min_length=1, max_length=60)]


# --- distributions -----------------------------------------------------------------------


class DistributionCreate(Input):
    """Proceeds to distribute through the fund's waterfall on ``distribution_date``.

    ``company_id`` names the realized deal; an American (deal-by-deal) fund needs it.
    ``recallable_amount`` (with ``recallable``) is the part the LPs may be called for again:
    it adds back to their unfunded commitments, pro rata to what each receives.
    """

    source: DistributionSource
    gross_amount: PositiveMoney
    distribution_date: date
    company_id: uuid.UUID | None = None
    recallable: bool = False
    recallable_amount: NonNegativeMoney = Field(default=Decimal(0), validate_default=True)
    description: LongText | None = None

    @field_validator("recallable_amount")
    @classmethod
    def _recallable_fits_flag(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        recallable = info.data.get("recallable")
        if value > 0 and not recallable:
            raise ValueError("a recallable_amount needs recallable set to true")
        if recallable and value == 0:
            raise ValueError("a recallable distribution names its recallable_amount")
        return value


class DistributionPay(Input):
    paid_date: date


class TierOut(BaseModel):
    """What one waterfall tier paid: to the LPs (with the GP's own commitment in tiers 1-2),
    to the GP (its commitment's share plus its carry) and the GP's carry alone."""

    tier: WaterfallTier
    lp_amount: Money
    gp_amount: Money
    gp_carry: Money
    amount: Money


class DistributionAllocationOut(BaseModel):
    investor_id: uuid.UUID
    investor_name: str
    commitment_id: uuid.UUID | None
    is_gp: bool
    """True on the GP's carried interest rows."""
    tier: WaterfallTier
    amount: Money
    withholding_amount: Money
    net_amount: Money
    recallable_amount: Money


class DistributionPartnerOut(BaseModel):
    """One partner's share of a distribution, all tiers together."""

    investor_id: uuid.UUID
    investor_name: str
    is_gp: bool
    amount: Money
    carried_interest: Money
    withholding_amount: Money
    net_amount: Money
    recallable_amount: Money


class WaterfallOut(BaseModel):
    tiers: list[TierOut]
    partners: list[DistributionPartnerOut]
    allocations: list[DistributionAllocationOut]


class DistributionPreviewOut(WaterfallOut):
    fund_id: uuid.UUID
    currency: str
    waterfall_type: WaterfallType
    source: DistributionSource
    gross_amount: Money
    distribution_date: date
    company_id: uuid.UUID | None
    recallable_amount: Money


class DistributionOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    number: int
    source: DistributionSource
    company_id: uuid.UUID | None
    gross_amount: Money
    distribution_date: date
    status: DistributionStatus
    recallable: bool
    recallable_amount: Money
    description: str | None
    created_by: uuid.UUID
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    issued_at: datetime | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    ledger_entry_id: uuid.UUID | None
    payment_ledger_entry_id: uuid.UUID | None
    created_at: datetime


class DistributionDetailOut(DistributionOut, WaterfallOut):
    pass


class DistributionFilters(BaseModel):
    status: DistributionStatus | None = None
    source: DistributionSource | None = None
    sort: str | None = Field(
        default=None, max_length=60, description="-distribution_date (default), number"
    )


class ClawbackOut(BaseModel):
    """The GP's clawback at fund end (CONVENTIONS.md "Clawback"), computed, not booked."""

    fund_id: uuid.UUID
    currency: str
    carry_received: Money
    entitlement: Money
    excess_carry: Money
    carry_after_tax: Money
    amount: Money
    by_investor: dict[uuid.UUID, Money]


class CarryAccrualCreate(Input):
    as_of: date
    preview: bool = False


class CarryAccrualLine(BaseModel):
    investor_id: uuid.UUID
    investor_name: str
    accrued_before: Money
    accrued_after: Money
    change: Money


class CarryAccrualOut(BaseModel):
    """Carried interest accrued by hypothetical liquidation at ``as_of``: what the GP would
    receive, beyond the carry already paid, if the net assets were distributed that day."""

    fund_id: uuid.UUID
    currency: str
    as_of: date
    nav: Money
    liquidation_amount: Money
    accrued_before: Money
    accrued_after: Money
    change: Money
    lines: list[CarryAccrualLine]
    ledger_entry_id: uuid.UUID | None


# --- management fees and expenses ---------------------------------------------------------


class FeeRunCreate(Input):
    """Bill the management fee installment due on ``period_start`` (the initial close for the
    first stub, else the first day of a calendar quarter). ``preview`` computes it and saves
    nothing; ``call`` also drafts a capital call (purpose management_fee) for each LP's fee."""

    period_start: date
    preview: bool = False
    call: bool = False
    call_date: date | None = Field(default=None, description="Default: period_start")
    due_date: date | None = Field(default=None, description="Default: the call date")


class FeePeriodOut(BaseModel):
    first_day: date
    last_day: date
    days: int
    basis: str
    base: Money
    rate: Decimal
    is_full_quarter: bool


class FeeInstallmentOut(BaseModel):
    commitment_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    basis: str
    base_amount: Money
    rate: Decimal
    days: int | None
    gross_amount: Money
    offset_amount: Money
    amount: Money


class FeeRunOut(BaseModel):
    id: uuid.UUID | None
    """None on a preview."""
    fund_id: uuid.UUID
    currency: str
    period_start: date
    period_end: date
    due_date: date
    status: FeeRunStatus | None
    gross_amount: Money
    offset_amount: Money
    total_amount: Money
    capital_call_id: uuid.UUID | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime | None


class FeeRunDetailOut(FeeRunOut):
    periods: list[FeePeriodOut]
    installments: list[FeeInstallmentOut]


class TransactionFeeCreate(Input):
    """A transaction (deal, monitoring, director) fee the manager received from a portfolio
    company: it offsets the next management fee installment."""

    received_date: date
    amount: PositiveMoney
    company_id: uuid.UUID | None = None
    description: LongText | None = None


class TransactionFeeOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    company_id: uuid.UUID | None
    received_date: date
    amount: Money
    description: str | None
    created_at: datetime


class ExpenseCreate(Input):
    expense_date: date
    amount: PositiveMoney
    category: Category
    vendor: ShortText | None = None
    description: LongText | None = None
    company_id: uuid.UUID | None = Field(
        default=None, description="The deal it belongs to (American waterfall)"
    )


class ExpenseAllocationOut(BaseModel):
    commitment_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    amount: Money


class ExpenseOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    company_id: uuid.UUID | None
    expense_date: date
    amount: Money
    category: str
    vendor: str | None
    description: str | None
    status: ExpenseStatus
    ledger_entry_id: uuid.UUID | None
    created_at: datetime


class ExpenseDetailOut(ExpenseOut):
    allocations: list[ExpenseAllocationOut]


# --- disbursements ----------------------------------------------------------------------


class DisbursementCreate(Input):
    """Pay a payable out of the fund's cash: management fees (optionally one fee run's), an
    expense, or the tax a distribution withheld."""

    kind: DisbursementKind
    paid_date: date
    amount: PositiveMoney | None = Field(
        default=None,
        description="Default: all that is payable (the fees payable, the expense's unpaid "
        "part, the distribution's withholding).",
    )
    payee: ShortText | None = Field(
        default=None, description="Who is paid; an expense's vendor by default."
    )
    reference: ShortText | None = None
    fee_run_id: uuid.UUID | None = None
    expense_id: uuid.UUID | None = None
    distribution_id: uuid.UUID | None = None


class DisbursementFilters(BaseModel):
    kind: DisbursementKind | None = None


class DisbursementOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    kind: DisbursementKind
    fee_run_id: uuid.UUID | None
    expense_id: uuid.UUID | None
    distribution_id: uuid.UUID | None
    paid_date: date
    amount: Money
    payee: str
    reference: str | None
    ledger_entry_id: uuid.UUID
    created_at: datetime


class PayableOut(BaseModel):
    """One expense not fully paid, or one distribution's withholding not remitted."""

    kind: DisbursementKind
    expense_id: uuid.UUID | None = None
    distribution_id: uuid.UUID | None = None
    item_date: date
    description: str
    amount: Money
    outstanding: Money


class PayablesOut(BaseModel):
    fund_id: uuid.UUID
    currency: str
    as_of: date
    cash: Money
    management_fees_payable: Money
    items: list[PayableOut]


# --- portfolio and NAV -------------------------------------------------------------------


class CompanyCreate(Input):
    name: Name
    sector: ShortText | None = None
    country: CountryCode | None = None
    description: LongText | None = None


class CompanyOut(BaseModel):
    """A portfolio company with its position, derived from its transactions and valuations."""

    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    name: str
    sector: str | None
    country: str | None
    description: str | None
    status: CompanyStatus
    invested: Money
    """Everything ever paid into it (Σ purchases)."""
    cost: Money
    """Cost of what is still held."""
    unrealized: Money
    fair_value: Money
    proceeds: Money
    realized_gain: Money
    last_valuation_date: date | None
    created_at: datetime


class InvestmentCreate(Input):
    transaction_date: date
    cost_amount: PositiveMoney
    instrument: Annotated[str, Field(max_length=60)] | None = None
    description: LongText | None = None


class RealizationCreate(Input):
    """A sale (proceeds for ``cost_amount`` of basis), a write-off (basis released with no
    proceeds) or income (a dividend or interest: proceeds, no basis)."""

    kind: Literal["sale", "write_off", "income"]
    transaction_date: date
    cost_amount: NonNegativeMoney = Field(
        default=Decimal(0),
        validate_default=True,
        description="Cost released; for a write-off, 0 writes off all the cost held",
    )
    proceeds_amount: NonNegativeMoney = Field(default=Decimal(0), validate_default=True)
    description: LongText | None = None

    @field_validator("cost_amount")
    @classmethod
    def _cost_fits_kind(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if info.data.get("kind") == "income" and value:
            raise ValueError("income releases no cost")
        return value

    @field_validator("proceeds_amount")
    @classmethod
    def _proceeds_fit_kind(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        kind = info.data.get("kind")
        if kind == "income" and not value:
            raise ValueError("income needs an amount")
        if kind == "write_off" and value:
            raise ValueError("a write-off has no proceeds; record a sale")
        if kind == "sale" and not value and not info.data.get("cost_amount"):
            raise ValueError("a sale releases cost or brings proceeds")
        return value


class ValuationCreate(Input):
    as_of: date
    fair_value: NonNegativeMoney
    method: Annotated[str, Field(max_length=60)] | None = None
    notes: LongText | None = None


class InvestmentOut(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    kind: InvestmentKind
    transaction_date: date
    cost_amount: Money
    proceeds_amount: Money
    realized_gain: Money
    unrealized_released: Money
    instrument: str | None
    description: str | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime


class ValuationOut(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    as_of: date
    fair_value: Money
    cost: Money
    unrealized: Money
    change: Money
    method: str | None
    notes: str | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime


class AccountLineOut(BaseModel):
    code: str
    name: str
    balance: Money
    """Debit positive, credit negative."""


class NavOut(BaseModel):
    """The fund's net asset value: its assets less its liabilities in the ledger."""

    fund_id: uuid.UUID
    currency: str
    as_of: date
    assets: Money
    liabilities: Money
    nav: Money
    accounts: list[AccountLineOut]


# --- capital accounts --------------------------------------------------------------------


class CapitalAccountOut(BaseModel):
    """One partner's capital account for a period (ILPA Reporting Template, capital account
    statement). Each line is its effect on the partner's capital: contributions and gains
    positive, distributions, fees, expenses, losses and carry paid to the GP negative.
    ``ending_balance`` = ``beginning_balance`` + every line."""

    fund_id: uuid.UUID
    fund_name: str
    currency: str
    investor_id: uuid.UUID
    investor_name: str
    is_gp: bool
    start: date | None
    end: date
    beginning_balance: Money
    contributions: Money
    distributions: Money
    management_fees: Money
    fee_offsets: Money
    expenses: Money
    realized_gains: Money
    unrealized_gains: Money
    income: Money
    equalization_interest: Money
    carried_interest: Money
    ending_balance: Money


class CapitalReconciliationOut(BaseModel):
    """Capital accounts against the ledger at ``as_of``: the partners' capital accounts add
    up to the partners' equity of the trial balance and to the fund's net assets."""

    fund_id: uuid.UUID
    currency: str
    as_of: date
    lp_capital: Money
    gp_capital: Money
    partners_capital: Money
    partners_equity: Money
    """Equity, income and expense accounts of the trial balance (credit positive)."""
    net_assets: Money
    equity_difference: Money
    nav_difference: Money
    trial_balance_balanced: bool
    unknown_partners: list[uuid.UUID]
    """Partners in the ledger that are not investors of the fund (none when it reconciles)."""
    reconciles: bool


# --- performance -------------------------------------------------------------------------


class PmeOut(BaseModel):
    """Public market equivalents against a benchmark (CONVENTIONS.md "Fund performance")."""

    benchmark_id: uuid.UUID
    benchmark_name: str
    kaplan_schoar: float | None
    long_nickels_irr: float | None
    long_nickels_reason: str | None
    direct_alpha: float | None
    direct_alpha_continuous: float | None
    direct_alpha_reason: str | None


class FundPerformanceOut(BaseModel):
    """Net figures are the LPs' (the GP's own commitment and carry left out); gross figures
    are the fund's own investments."""

    fund_id: uuid.UUID
    currency: str
    as_of: date
    committed: Money
    paid_in: Money
    distributed: Money
    nav: Money
    """The LPs' share of the net assets (their capital accounts)."""
    fund_nav: Money
    pic: float | None
    dpi: float | None
    rvpi: float | None
    tvpi: float | None
    net_irr: float | None
    net_irr_reason: str | None
    invested: Money
    realized_value: Money
    unrealized_value: Money
    moic: float | None
    gross_irr: float | None
    gross_irr_reason: str | None
    pme: PmeOut | None


class InvestorPerformanceOut(BaseModel):
    investor_id: uuid.UUID
    investor_name: str
    is_gp: bool
    committed: Money
    paid_in: Money
    distributed: Money
    nav: Money
    pic: float | None
    dpi: float | None
    rvpi: float | None
    tvpi: float | None
    irr: float | None
    irr_reason: str | None


class JCurvePoint(BaseModel):
    """Cumulative figures at a quarter end (the last point: the as-of date)."""

    date: date
    called: Money
    distributed: Money
    nav: Money
    net_cash_flow: Money
    """Distributed less called: the J-curve of the partners' cash."""


class JCurveOut(BaseModel):
    fund_id: uuid.UUID
    currency: str
    points: list[JCurvePoint]


class LastCallOut(BaseModel):
    id: uuid.UUID
    number: int
    call_date: date
    amount: Money
    status: CallStatus


class LastDistributionOut(BaseModel):
    id: uuid.UUID
    number: int
    distribution_date: date
    gross_amount: Money
    status: DistributionStatus


class DashboardOut(BaseModel):
    """The fund page's figures in one answer. Commitments, called, uncalled, distributed and
    NAV are the whole fund's; the multiples and the net IRR are the LPs'."""

    fund_id: uuid.UUID
    name: str
    currency: str
    as_of: date
    commitments: Money
    called: Money
    uncalled: Money
    distributed: Money
    nav: Money
    paid_in: Money
    dpi: float | None
    rvpi: float | None
    tvpi: float | None
    net_irr: float | None
    investors: int
    last_call: LastCallOut | None
    last_distribution: LastDistributionOut | None
    j_curve: list[JCurvePoint]


class BenchmarkCreate(Input):
    name: Name
    currency: CurrencyCode | None = None
    description: LongText | None = None


class BenchmarkOut(BaseModel):
    id: uuid.UUID
    name: str
    currency: str | None
    description: str | None
    levels: int
    first_date: date | None
    last_date: date | None
    created_at: datetime


class LevelsUploadedOut(BaseModel):
    benchmark_id: uuid.UUID
    received: int
    created: int
    updated: int
    first_date: date
    last_date: date


# --- LP portal ---------------------------------------------------------------------------


class PortalDistributionOut(BaseModel):
    """One of the LP's own shares of an issued distribution."""

    distribution_id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    number: int
    distribution_date: date
    status: DistributionStatus
    investor_id: uuid.UUID
    investor_name: str
    amount: Money
    withholding_amount: Money
    net_amount: Money
    recallable_amount: Money
    notice_url: str


class PortalPerformanceOut(InvestorPerformanceOut):
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    as_of: date
