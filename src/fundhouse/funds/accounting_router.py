"""HTTP for fund accounting: distributions, fees and expenses, the portfolio, NAV, capital
accounts, performance, benchmarks and the LP portal's views of them.

Parse, call one service function, shape the answer. Lists take ``limit``/``cursor`` and
``format=csv`` exports every row instead of a page. The POSTs that move money take an
``Idempotency-Key``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from fundhouse.funds.accounting_schemas import (
    BenchmarkCreate,
    BenchmarkOut,
    CapitalAccountOut,
    CapitalReconciliationOut,
    CarryAccrualCreate,
    CarryAccrualOut,
    ClawbackOut,
    CompanyCreate,
    CompanyOut,
    DashboardOut,
    DisbursementCreate,
    DisbursementFilters,
    DisbursementOut,
    DistributionCreate,
    DistributionDetailOut,
    DistributionFilters,
    DistributionOut,
    DistributionPay,
    DistributionPreviewOut,
    ExpenseCreate,
    ExpenseDetailOut,
    ExpenseOut,
    FeeRunCreate,
    FeeRunDetailOut,
    FeeRunOut,
    FundPerformanceOut,
    InvestmentCreate,
    InvestmentOut,
    InvestorPerformanceOut,
    JCurveOut,
    LevelsUploadedOut,
    NavOut,
    PayablesOut,
    PortalDistributionOut,
    PortalPerformanceOut,
    RealizationCreate,
    TransactionFeeCreate,
    TransactionFeeOut,
    ValuationCreate,
    ValuationOut,
)
from fundhouse.funds.accounts import capital_accounts, performance
from fundhouse.funds.distributions import service as distributions
from fundhouse.funds.export import csv_of
from fundhouse.funds.fees import disbursements
from fundhouse.funds.fees import service as fund_fees
from fundhouse.funds.investments import service as valuations
from fundhouse.funds.register.service import today
from fundhouse.funds.router import (
    LIST,
    PDF,
    READ,
    WRITE,
    Cursor,
    Format,
    Limit,
    csv_response,
    pdf_response,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.cache import Cache, get_cache
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.idempotency import (
    IdempotencyKeyHeader,
    idempotent,
    remember,
    run_idempotent,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()

LIST_OF_FUND: dict[int | str, dict[str, Any]] = {**LIST, **problem_responses(404)}
PORTAL = problem_responses(401, 403, 422)
PORTAL_LIST: dict[int | str, dict[str, Any]] = {
    **PORTAL,
    200: {"content": {"text/csv": {}}, "description": "The list, or CSV with format=csv"},
}
AsOf = Annotated[date | None, Query(description="The valuation date (default: today)")]
Start = Annotated[
    date | None, Query(description="First day of the period (default: since inception)")
]
End = Annotated[date | None, Query(description="Last day of the period (default: today)")]


# --- distributions -----------------------------------------------------------------------


@router.post(
    "/funds/{fund_id}/distributions/preview",
    tags=["distributions"],
    summary="Each partner's share of a distribution through the waterfall (saves nothing)",
    response_model=DistributionPreviewOut,
    responses=WRITE,
)
def preview_distribution(
    fund_id: uuid.UUID,
    body: DistributionCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:write")],
) -> object:
    return distributions.preview_distribution(db, actor, fund_id, body)


@router.post(
    "/funds/{fund_id}/distributions",
    tags=["distributions"],
    summary="Draft a distribution with its waterfall allocation",
    status_code=status.HTTP_201_CREATED,
    response_model=DistributionDetailOut,
    responses=WRITE,
)
def create_distribution(
    fund_id: uuid.UUID,
    body: DistributionCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:write")],
) -> object:
    return distributions.create_distribution(db, actor, fund_id, body)


@router.get(
    "/funds/{fund_id}/distributions",
    tags=["distributions"],
    summary="The fund's distributions",
    response_model=Page[DistributionOut],
    responses=LIST_OF_FUND,
)
def list_distributions(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:read")],
    filters: Annotated[DistributionFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = distributions.export_distributions_csv(db, actor, fund_id, filters)
        return csv_response(text, "distributions")
    return distributions.list_distributions(db, actor, fund_id, filters, limit=limit, cursor=cursor)


@router.get(
    "/distributions/{distribution_id}",
    tags=["distributions"],
    summary="A distribution with its tiers and each partner's share",
    response_model=DistributionDetailOut,
    responses=READ,
)
def get_distribution(
    distribution_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:read")],
) -> object:
    return distributions.get_distribution(db, actor, distribution_id)


@router.post(
    "/distributions/{distribution_id}/approve",
    tags=["distributions"],
    summary="Approve a draft distribution (not its author: maker/checker)",
    response_model=DistributionDetailOut,
    responses=WRITE,
)
def approve_distribution(
    distribution_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:approve")],
) -> object:
    return distributions.approve_distribution(db, actor, distribution_id)


@router.post(
    "/distributions/{distribution_id}/issue",
    tags=["distributions"],
    summary="Issue an approved distribution: post the partners' shares",
    response_model=DistributionDetailOut,
    responses=WRITE,
)
def issue_distribution(
    distribution_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:write")],
) -> object:
    return distributions.issue_distribution(db, actor, distribution_id)


@router.post(
    "/distributions/{distribution_id}/pay",
    tags=["distributions"],
    summary="Pay an issued distribution (send an Idempotency-Key)",
    response_model=DistributionDetailOut,
    responses=WRITE,
)
def pay_distribution(
    distribution_id: uuid.UUID,
    body: DistributionPay,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return run_idempotent(
        db,
        actor,
        request,
        idempotency_key,
        body,
        status.HTTP_200_OK,
        lambda: distributions.pay_distribution(db, actor, distribution_id, body),
    )


@router.post(
    "/distributions/{distribution_id}/cancel",
    tags=["distributions"],
    summary="Cancel a draft or approved distribution",
    response_model=DistributionDetailOut,
    responses=WRITE,
)
def cancel_distribution(
    distribution_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:write")],
) -> object:
    return distributions.cancel_distribution(db, actor, distribution_id)


@router.get(
    "/distributions/{distribution_id}/notices/{investor_id}.pdf",
    tags=["distributions"],
    summary="One partner's notice of a distribution, as PDF",
    response_class=Response,
    responses={**PDF, **READ},
)
def distribution_notice(
    distribution_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:read")],
) -> Response:
    return pdf_response(distributions.distribution_notice(db, actor, distribution_id, investor_id))


@router.get(
    "/funds/{fund_id}/clawback",
    tags=["distributions"],
    summary="The GP's clawback if the fund ended now (computed, not booked)",
    response_model=ClawbackOut,
    responses=READ,
)
def clawback(
    fund_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("distribution:read")]
) -> object:
    return distributions.compute_clawback(db, actor, fund_id)


@router.post(
    "/funds/{fund_id}/carry-accruals",
    tags=["distributions"],
    summary="Accrue carried interest by hypothetical liquidation at a date",
    response_model=CarryAccrualOut,
    responses=WRITE,
)
def accrue_carry(
    fund_id: uuid.UUID,
    body: CarryAccrualCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:write")],
) -> object:
    return distributions.accrue_carried_interest(db, actor, fund_id, body)


# --- management fees and expenses --------------------------------------------------------


@router.post(
    "/funds/{fund_id}/fee-runs",
    tags=["fees"],
    summary="Bill a management fee installment (preview, or post; send an Idempotency-Key)",
    response_model=FeeRunDetailOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": FeeRunDetailOut, "description": "A preview"}, **WRITE},
)
def run_fees(
    fund_id: uuid.UUID,
    body: FeeRunCreate,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    replay = idempotent(db, actor, request, idempotency_key, body)
    if replay is not None:
        return replay
    run = fund_fees.run_fees(db, actor, fund_id, body)
    code = status.HTTP_200_OK if body.preview else status.HTTP_201_CREATED
    return remember(db, actor, idempotency_key, code, run)


@router.get(
    "/funds/{fund_id}/fee-runs",
    tags=["fees"],
    summary="The fund's management fee runs",
    response_model=Page[FeeRunOut],
    responses=LIST_OF_FUND,
)
def list_fee_runs(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(fund_fees.export_fee_runs_csv(db, actor, fund_id), "fee-runs")
    return fund_fees.list_fee_runs(db, actor, fund_id, limit=limit, cursor=cursor)


@router.post(
    "/funds/{fund_id}/transaction-fees",
    tags=["fees"],
    summary="Record a transaction fee the manager received (it offsets management fees)",
    status_code=status.HTTP_201_CREATED,
    response_model=TransactionFeeOut,
    responses=WRITE,
)
def record_transaction_fee(
    fund_id: uuid.UUID,
    body: TransactionFeeCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:write")],
) -> object:
    return fund_fees.record_transaction_fee(db, actor, fund_id, body)


@router.get(
    "/funds/{fund_id}/transaction-fees",
    tags=["fees"],
    summary="The fund's transaction fees",
    response_model=Page[TransactionFeeOut],
    responses=LIST_OF_FUND,
)
def list_transaction_fees(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = fund_fees.export_transaction_fees_csv(db, actor, fund_id)
        return csv_response(text, "transaction-fees")
    return fund_fees.list_transaction_fees(db, actor, fund_id, limit=limit, cursor=cursor)


@router.post(
    "/funds/{fund_id}/expenses",
    tags=["fees"],
    summary="Record a fund expense, charged to the partners pro rata to commitments",
    status_code=status.HTTP_201_CREATED,
    response_model=ExpenseDetailOut,
    responses=WRITE,
)
def create_expense(
    fund_id: uuid.UUID,
    body: ExpenseCreate,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return run_idempotent(
        db,
        actor,
        request,
        idempotency_key,
        body,
        status.HTTP_201_CREATED,
        lambda: fund_fees.create_expense(db, actor, fund_id, body),
    )


@router.get(
    "/funds/{fund_id}/expenses",
    tags=["fees"],
    summary="The fund's expenses",
    response_model=Page[ExpenseOut],
    responses=LIST_OF_FUND,
)
def list_expenses(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(fund_fees.export_expenses_csv(db, actor, fund_id), "expenses")
    return fund_fees.list_expenses(db, actor, fund_id, limit=limit, cursor=cursor)


@router.post(
    "/fee-runs/{fee_run_id}/cancel",
    tags=["fees"],
    summary="Cancel a fee run billed by mistake (its entry is reversed)",
    response_model=FeeRunOut,
    responses=WRITE,
)
def cancel_fee_run(
    fee_run_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:write")],
) -> object:
    return fund_fees.cancel_fee_run(db, actor, fee_run_id)


@router.post(
    "/expenses/{expense_id}/cancel",
    tags=["fees"],
    summary="Cancel an expense recorded by mistake (its entry is reversed)",
    response_model=ExpenseOut,
    responses=WRITE,
)
def cancel_expense(
    expense_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:write")],
) -> object:
    return fund_fees.cancel_expense(db, actor, expense_id)


# --- disbursements: payables paid out of cash ----------------------------------------------


@router.post(
    "/funds/{fund_id}/disbursements",
    tags=["fees"],
    summary="Pay management fees, an expense or withheld tax out of the fund's cash",
    status_code=status.HTTP_201_CREATED,
    response_model=DisbursementOut,
    responses=WRITE,
)
def create_disbursement(
    fund_id: uuid.UUID,
    body: DisbursementCreate,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return run_idempotent(
        db,
        actor,
        request,
        idempotency_key,
        body,
        status.HTTP_201_CREATED,
        lambda: disbursements.create_disbursement(db, actor, fund_id, body),
    )


@router.get(
    "/funds/{fund_id}/disbursements",
    tags=["fees"],
    summary="What the fund paid out of its cash to settle its payables",
    response_model=Page[DisbursementOut],
    responses=LIST_OF_FUND,
)
def list_disbursements(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:read")],
    filters: Annotated[DisbursementFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = disbursements.export_disbursements_csv(db, actor, fund_id, filters)
        return csv_response(text, "disbursements")
    return disbursements.list_disbursements(db, actor, fund_id, filters, limit=limit, cursor=cursor)


@router.get(
    "/funds/{fund_id}/payables",
    tags=["fees"],
    summary="The fund's cash, fees payable, and each expense or withholding left to pay",
    response_model=PayablesOut,
    responses=READ,
)
def list_payables(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:read")],
    as_of: AsOf = None,
) -> PayablesOut:
    return disbursements.list_payables(db, actor, fund_id, as_of or today())


# --- portfolio and NAV -------------------------------------------------------------------


@router.post(
    "/funds/{fund_id}/portfolio-companies",
    tags=["portfolio"],
    summary="Add a portfolio company",
    status_code=status.HTTP_201_CREATED,
    response_model=CompanyOut,
    responses=WRITE,
)
def create_company(
    fund_id: uuid.UUID,
    body: CompanyCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:write")],
) -> object:
    return valuations.create_company(db, actor, fund_id, body)


@router.get(
    "/funds/{fund_id}/portfolio-companies",
    tags=["portfolio"],
    summary="The fund's portfolio companies with cost, fair value and gains",
    response_model=Page[CompanyOut],
    responses=LIST_OF_FUND,
)
def list_companies(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = valuations.export_companies_csv(db, actor, fund_id)
        return csv_response(text, "portfolio-companies")
    return valuations.list_companies(db, actor, fund_id, limit=limit, cursor=cursor)


@router.post(
    "/portfolio-companies/{company_id}/investments",
    tags=["portfolio"],
    summary="Record a purchase at cost (send an Idempotency-Key)",
    status_code=status.HTTP_201_CREATED,
    response_model=InvestmentOut,
    responses=WRITE,
)
def record_investment(
    company_id: uuid.UUID,
    body: InvestmentCreate,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return run_idempotent(
        db,
        actor,
        request,
        idempotency_key,
        body,
        status.HTTP_201_CREATED,
        lambda: valuations.record_investment(db, actor, company_id, body),
    )


@router.post(
    "/portfolio-companies/{company_id}/valuations",
    tags=["portfolio"],
    summary="Record a company's fair value at a date",
    status_code=status.HTTP_201_CREATED,
    response_model=ValuationOut,
    responses=WRITE,
)
def record_valuation(
    company_id: uuid.UUID,
    body: ValuationCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:write")],
) -> object:
    return valuations.record_valuation(db, actor, company_id, body)


@router.post(
    "/portfolio-companies/{company_id}/realizations",
    tags=["portfolio"],
    summary="Record a sale, write-off or income (send an Idempotency-Key)",
    status_code=status.HTTP_201_CREATED,
    response_model=InvestmentOut,
    responses=WRITE,
)
def record_realization(
    company_id: uuid.UUID,
    body: RealizationCreate,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return run_idempotent(
        db,
        actor,
        request,
        idempotency_key,
        body,
        status.HTTP_201_CREATED,
        lambda: valuations.record_realization(db, actor, company_id, body),
    )


@router.get(
    "/funds/{fund_id}/nav",
    tags=["portfolio"],
    summary="The fund's NAV (net assets in the ledger) at a date",
    response_model=NavOut,
    responses=READ,
)
def get_nav(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:read")],
    as_of: AsOf = None,
) -> object:
    return capital_accounts.get_nav(db, actor, fund_id, as_of or today())


# --- capital accounts --------------------------------------------------------------------


@router.get(
    "/funds/{fund_id}/capital-accounts",
    tags=["capital-accounts"],
    summary="Every partner's capital account for a period",
    response_model=Page[CapitalAccountOut],
    responses=LIST_OF_FUND,
)
def list_capital_accounts(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("ledger:read")],
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    end = end or today()
    if format == "csv":
        text = capital_accounts.export_capital_accounts_csv(db, actor, fund_id, start, end)
        return csv_response(text, "capital-accounts")
    return capital_accounts.list_capital_accounts(
        db, actor, fund_id, start, end, limit=limit, cursor=cursor
    )


@router.get(
    "/funds/{fund_id}/capital-accounts/{investor_id}",
    tags=["capital-accounts"],
    summary="One partner's capital account for a period",
    response_model=CapitalAccountOut,
    responses=READ,
)
def get_capital_account(
    fund_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("ledger:read")],
    start: Start = None,
    end: End = None,
) -> object:
    return capital_accounts.get_capital_account(
        db, actor, fund_id, investor_id, start, end or today()
    )


@router.get(
    "/funds/{fund_id}/reconciliation",
    tags=["capital-accounts"],
    summary="The partners' capital accounts against the trial balance",
    response_model=CapitalReconciliationOut,
    responses=READ,
)
def reconcile(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("ledger:read")],
    as_of: AsOf = None,
) -> object:
    return capital_accounts.reconcile(db, actor, fund_id, as_of or today())


# --- performance -------------------------------------------------------------------------


@router.get(
    "/funds/{fund_id}/performance",
    tags=["performance"],
    summary="The fund's net and gross performance, and PMEs against a benchmark",
    response_model=FundPerformanceOut,
    responses=READ,
)
def fund_performance(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("performance:read")],
    as_of: AsOf = None,
    benchmark_id: uuid.UUID | None = None,
) -> object:
    return performance.fund_performance(db, actor, fund_id, as_of, benchmark_id)


@router.get(
    "/funds/{fund_id}/performance/investors",
    tags=["performance"],
    summary="Each partner's net performance",
    response_model=Page[InvestorPerformanceOut],
    responses=LIST_OF_FUND,
)
def investor_performance(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("performance:read")],
    as_of: AsOf = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = performance.export_investor_performance_csv(db, actor, fund_id, as_of)
        return csv_response(text, "investor-performance")
    return performance.investor_performance(db, actor, fund_id, as_of, limit=limit, cursor=cursor)


@router.get(
    "/funds/{fund_id}/j-curve",
    tags=["performance"],
    summary="Cumulative called, distributed and NAV by quarter",
    response_model=JCurveOut,
    responses=READ,
)
def j_curve(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("performance:read")],
    cache: Annotated[Cache, Depends(get_cache)],
    as_of: AsOf = None,
) -> object:
    return performance.j_curve(db, actor, fund_id, as_of, cache=cache)


@router.get(
    "/funds/{fund_id}/dashboard",
    tags=["performance"],
    summary="The fund page's figures in one answer",
    response_model=DashboardOut,
    responses=READ,
)
def dashboard(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fund:read", "performance:read")],
    cache: Annotated[Cache, Depends(get_cache)],
    as_of: AsOf = None,
) -> object:
    return performance.dashboard(db, actor, fund_id, as_of, cache=cache)


# --- benchmarks --------------------------------------------------------------------------


@router.post(
    "/benchmarks",
    tags=["performance"],
    summary="Create a benchmark index",
    status_code=status.HTTP_201_CREATED,
    response_model=BenchmarkOut,
    responses=problem_responses(401, 403, 409, 422),
)
def create_benchmark(
    body: BenchmarkCreate, db: DbSession, actor: Annotated[Actor, requires("report:write")]
) -> object:
    return performance.create_benchmark(db, actor, body)


@router.post(
    "/benchmarks/{benchmark_id}/levels",
    tags=["performance"],
    summary="Upload a benchmark's levels (CSV with columns date and level)",
    response_model=LevelsUploadedOut,
    responses=WRITE,
)
def upload_levels(
    benchmark_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="date,level rows as CSV")],
    db: DbSession,
    actor: Annotated[Actor, requires("report:write")],
) -> object:
    content = file.file.read(performance.MAX_LEVELS_BYTES + 1)
    return performance.upload_levels(db, actor, benchmark_id, content)


@router.get(
    "/benchmarks",
    tags=["performance"],
    summary="The organization's benchmarks",
    response_model=Page[BenchmarkOut],
    responses=LIST,
)
def list_benchmarks(
    db: DbSession,
    actor: Annotated[Actor, requires("performance:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(performance.export_benchmarks_csv(db, actor), "benchmarks")
    return performance.list_benchmarks(db, actor, limit=limit, cursor=cursor)


# --- LP portal ---------------------------------------------------------------------------


@router.get(
    "/portal/capital-account",
    tags=["portal"],
    summary="My capital accounts for a period",
    response_model=list[CapitalAccountOut],
    responses=PORTAL,
)
def my_capital_accounts(
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
    start: Start = None,
    end: End = None,
) -> object:
    return performance.my_capital_accounts(db, actor, start, end)


@router.get(
    "/portal/distributions",
    tags=["portal"],
    summary="My shares of issued distributions",
    response_model=list[PortalDistributionOut],
    responses=PORTAL_LIST,
)
def my_distributions(
    db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")], format: Format = "json"
) -> object:
    rows = distributions.my_distributions(db, actor)
    if format == "csv":
        text = csv_of(distributions.PORTAL_DISTRIBUTION_CSV_COLUMNS, rows)
        return csv_response(text, "my-distributions")
    return rows


@router.get(
    "/portal/distributions/{distribution_id}/notices/{investor_id}.pdf",
    tags=["portal"],
    summary="My notice of a distribution, as PDF",
    response_class=Response,
    responses={**PDF, **READ},
)
def my_distribution_notice(
    distribution_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
) -> Response:
    notice = distributions.my_distribution_notice(db, actor, distribution_id, investor_id)
    return pdf_response(notice)


@router.get(
    "/portal/performance",
    tags=["portal"],
    summary="My performance in each fund",
    response_model=list[PortalPerformanceOut],
    responses=PORTAL,
)
def my_performance(
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
    as_of: AsOf = None,
) -> object:
    return performance.my_performance(db, actor, as_of)
