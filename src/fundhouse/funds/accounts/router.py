"""HTTP for capital accounts, their reconciliation, performance, the J-curve, the dashboard and
benchmarks.

Each route parses, calls one service function and shapes the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile, status

from fundhouse.funds.accounts import capital_accounts, document_check, performance
from fundhouse.funds.accounts.schemas import (
    BenchmarkCreate,
    BenchmarkOut,
    CapitalAccountOut,
    CapitalReconciliationOut,
    DashboardOut,
    FundPerformanceOut,
    InvestorPerformanceOut,
    JCurveOut,
    LevelsUploadedOut,
)
from fundhouse.funds.register.service import today
from fundhouse.platform.access import Actor
from fundhouse.platform.cache import Cache, get_cache
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.http import (
    LIST,
    LIST_OF_PARENT,
    READ,
    WRITE,
    AsOf,
    Cursor,
    End,
    Limit,
    ListFormat,
    Start,
    csv_response,
    read_upload,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()


@router.get(
    "/funds/{fund_id}/capital-accounts",
    tags=["capital-accounts"],
    summary="Every partner's capital account for a period",
    response_model=Page[CapitalAccountOut],
    responses=LIST_OF_PARENT,
)
def list_capital_accounts(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("ledger:read")],
    start: Start = None,
    end: End = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
    summary="The partners' capital accounts against the trial balance and the source documents",
    response_model=CapitalReconciliationOut,
    responses=READ,
)
def reconcile(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("ledger:read")],
    as_of: AsOf = None,
) -> object:
    return document_check.reconcile(db, actor, fund_id, as_of or today())


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
    responses=LIST_OF_PARENT,
)
def investor_performance(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("performance:read")],
    as_of: AsOf = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
    content = read_upload(file, performance.MAX_LEVELS_BYTES)
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
    format: ListFormat = "json",
) -> object:
    if format == "csv":
        return csv_response(performance.export_benchmarks_csv(db, actor), "benchmarks")
    return performance.list_benchmarks(db, actor, limit=limit, cursor=cursor)
