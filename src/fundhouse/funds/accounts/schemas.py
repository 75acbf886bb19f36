"""The API shapes of NAV, capital accounts, performance, the dashboard, benchmarks."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel

from fundhouse.funds.common import (
    CurrencyCode,
    Input,
    LongText,
    Name,
)
from fundhouse.funds.models import (
    CallStatus,
    DistributionStatus,
)
from fundhouse.platform.schemas import Money


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


class DocumentDifferenceOut(BaseModel):
    """One partner's capital account line where the ledger and the source documents disagree:
    ``difference`` = ``from_ledger`` − ``from_documents`` (effects on capital, credit
    positive)."""

    investor_id: uuid.UUID
    investor_name: str | None
    """None for a party of the ledger that is no investor of the organization."""
    line: str
    """A capital account line, as in the capital account statement (``contributions``,
    ``distributions``, ``management_fees``, ... ``carried_interest``)."""
    from_documents: Money
    from_ledger: Money
    difference: Money


class CapitalReconciliationOut(BaseModel):
    """Capital accounts against the ledger at ``as_of``: the partners' capital accounts add
    up to the partners' equity of the trial balance and to the fund's net assets; and each
    partner's capital account lines, computed a second way from the source documents alone
    (calls, distributions, fee runs, expenses, valuations and realizations, transfers), agree
    with the ledger's (``documents_agree``; every disagreement in ``document_differences``)."""

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
    """The capital accounts add up to the trial balance and the net assets."""
    documents_agree: bool | None = None
    """Every partner's capital account lines are what the source documents imply (None where
    the check did not run; the reconciliation endpoint always runs it)."""
    document_differences: list[DocumentDifferenceOut] = []


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
