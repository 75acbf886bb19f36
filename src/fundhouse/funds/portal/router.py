"""HTTP for the LP portal. Every route here serves a limited partner and answers only what is
its own (``portal.service`` applies that rule once for all of them).

Each route parses, calls one service function and shapes the answer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response

from fundhouse.funds.accounts import performance
from fundhouse.funds.accounts.schemas import (
    CapitalAccountOut,
)
from fundhouse.funds.calls.schemas import (
    PaymentOut,
)
from fundhouse.funds.distributions import service as distributions
from fundhouse.funds.portal import service as portal
from fundhouse.funds.portal.schemas import (
    PortalCallOut,
    PortalDistributionOut,
    PortalInvestorOut,
    PortalPerformanceOut,
)
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import (
    CommitmentOut,
)
from fundhouse.funds.reporting import statements
from fundhouse.funds.reporting.notices import Notice
from fundhouse.funds.reporting.statements import (
    StatementOut,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.export import csv_of
from fundhouse.platform.http import (
    PDF_TYPE,
    READ,
    XLSX_TYPE,
    AsOf,
    Cursor,
    End,
    Limit,
    ListFormat,
    Start,
    attachment,
    csv_response,
    file_responses,
    inline_pdf,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()

PORTAL = problem_responses(401, 403, 422)


PORTAL_LIST: dict[int | str, dict[str, Any]] = {
    **PORTAL,
    200: {"content": {"text/csv": {}}, "description": "The list, or CSV with format=csv"},
}


FILE = file_responses("The document as PDF or XLSX", PDF_TYPE, XLSX_TYPE)


def notice_pdf(notice: Notice) -> Response:
    return inline_pdf(notice.content, notice.filename)


@router.get(
    "/portal/investors",
    tags=["portal"],
    summary="The investors I represent",
    response_model=list[PortalInvestorOut],
    responses=PORTAL,
)
def my_investors(db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")]) -> object:
    return portal.my_investors(db, actor)


@router.get(
    "/portal/commitments",
    tags=["portal"],
    summary="My commitments",
    response_model=list[CommitmentOut],
    responses=PORTAL_LIST,
)
def my_commitments(
    db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")], format: ListFormat = "json"
) -> object:
    rows = portal.my_commitments(db, actor)
    if format == "csv":
        return csv_response(csv_of(service.COMMITMENT_CSV_COLUMNS, rows), "my-commitments")
    return rows


@router.get(
    "/portal/capital-calls",
    tags=["portal"],
    summary="My shares of issued capital calls",
    response_model=list[PortalCallOut],
    responses=PORTAL_LIST,
)
def my_calls(
    db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")], format: ListFormat = "json"
) -> object:
    rows = portal.my_calls(db, actor)
    if format == "csv":
        return csv_response(csv_of(portal.CALL_CSV_COLUMNS, rows), "my-capital-calls")
    return rows


@router.get(
    "/portal/capital-calls/{call_id}/notices/{investor_id}.pdf",
    tags=["portal"],
    summary="My notice of a call, as PDF",
    response_class=Response,
    responses={**file_responses("The notice as PDF", PDF_TYPE), **READ},
)
def my_call_notice(
    call_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
) -> Response:
    return notice_pdf(portal.my_call_notice(db, actor, call_id, investor_id))


@router.get(
    "/portal/payments",
    tags=["portal"],
    summary="My payments",
    response_model=Page[PaymentOut],
    responses=PORTAL_LIST,
)
def my_payments(
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
) -> object:
    if format == "csv":
        return csv_response(portal.export_my_payments_csv(db, actor), "my-payments")
    return portal.my_payments(db, actor, limit=limit, cursor=cursor)


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
    db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")], format: ListFormat = "json"
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
    responses={**file_responses("The notice as PDF", PDF_TYPE), **READ},
)
def my_distribution_notice(
    distribution_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
) -> Response:
    notice = distributions.my_distribution_notice(db, actor, distribution_id, investor_id)
    return notice_pdf(notice)


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


@router.get(
    "/portal/statements",
    tags=["portal"],
    summary="My capital account statements",
    response_model=Page[StatementOut],
    responses=problem_responses(401, 403, 422),
)
def my_statements(
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> object:
    return statements.my_statements(db, actor, limit=limit, cursor=cursor)


@router.get(
    "/portal/statements/{statement_id}/download",
    tags=["portal"],
    summary="One of my statements' file",
    response_class=Response,
    responses={**FILE, **READ},
)
def my_statement_download(
    statement_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
) -> Response:
    document = statements.my_statement_download(db, actor, statement_id)
    return attachment(document.content, document.content_type, document.filename)
