"""HTTP for portfolio companies, investments, valuations, realizations and NAV: parse, call one
service function, shape the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from fundhouse.funds.accounts import capital_accounts
from fundhouse.funds.accounts.schemas import (
    NavOut,
)
from fundhouse.funds.investments import service as valuations
from fundhouse.funds.investments.schemas import (
    CompanyCreate,
    CompanyOut,
    InvestmentCreate,
    InvestmentOut,
    RealizationCreate,
    ValuationCreate,
    ValuationOut,
)
from fundhouse.funds.register.service import today
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.http import (
    LIST_OF_PARENT,
    READ,
    WRITE,
    AsOf,
    Cursor,
    Limit,
    ListFormat,
    csv_response,
)
from fundhouse.platform.idempotency import (
    IdempotencyKeyHeader,
    run_idempotent,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()


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
    responses=LIST_OF_PARENT,
)
def list_companies(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("valuation:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
