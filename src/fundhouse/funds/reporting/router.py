"""HTTP for LP statements and the quarterly fund report: parse, call one service function, shape
the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from fundhouse.funds.models import DocumentFormat
from fundhouse.funds.reporting import reports, statements
from fundhouse.funds.reporting.statements import (
    BatchStarted,
    Document,
    StatementBatchCreate,
    StatementCreate,
    StatementFilters,
    StatementOut,
    StatementRelease,
    StatementsReleased,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.http import (
    LIST_OF_PARENT,
    PDF_TYPE,
    READ,
    WRITE,
    XLSX_TYPE,
    Cursor,
    Limit,
    ListFormat,
    attachment,
    file_responses,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page
from fundhouse.platform.schemas import IsoDate

router = APIRouter()

FILE = file_responses("The document as PDF or XLSX", PDF_TYPE, XLSX_TYPE)


def document_response(document: Document) -> Response:
    return attachment(document.content, document.content_type, document.filename)


@router.post(
    "/funds/{fund_id}/statements",
    tags=["statements"],
    summary="Make one LP's capital account statement for a quarter (again: replaces its "
    "draft; a released one is kept, 409)",
    status_code=status.HTTP_201_CREATED,
    response_model=StatementOut,
    responses=WRITE,
)
def generate_statement(
    fund_id: uuid.UUID,
    body: StatementCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("report:write")],
) -> object:
    return statements.generate_statement(db, actor, fund_id, body)


@router.post(
    "/funds/{fund_id}/statements/batch",
    tags=["statements"],
    summary="Make every LP's statements of a quarter in the background",
    description="Answers at once with the job to follow at `GET /jobs/{job_id}` (its progress "
    "counts the LPs done).",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchStarted,
    responses=WRITE,
)
def start_statement_batch(
    fund_id: uuid.UUID,
    body: StatementBatchCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("report:write")],
) -> object:
    return statements.start_statement_batch(db, actor, fund_id, body)


@router.get(
    "/funds/{fund_id}/statements",
    tags=["statements"],
    summary="The fund's statements (filter by investor, quarter, kind, document format)",
    response_model=Page[StatementOut],
    responses=LIST_OF_PARENT,
)
def list_statements(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("report:read")],
    filters: Annotated[StatementFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
) -> object:
    if format == "csv":
        text = statements.export_statements_csv(db, actor, fund_id, filters)
        return attachment(text, "text/csv; charset=utf-8", "statements.csv")
    return statements.list_statements(db, actor, fund_id, filters, limit=limit, cursor=cursor)


@router.post(
    "/funds/{fund_id}/statements/release",
    tags=["statements"],
    summary="Release a quarter's statements to their LPs: all, one batch's, or selected LPs'",
    description="Until released a statement is a draft its LP does not see in the portal. "
    "Releasing is audited, with each file's checksum. Statements released before are left as "
    "they are and counted in `already_released`; a selection of which every statement was "
    "released already is refused with 409, as is a batch still running.",
    response_model=StatementsReleased,
    responses=WRITE,
)
def release_statements(
    fund_id: uuid.UUID,
    body: StatementRelease,
    db: DbSession,
    actor: Annotated[Actor, requires("report:write")],
) -> object:
    return statements.release_statements(db, actor, fund_id, body)


@router.post(
    "/statements/{statement_id}/release",
    tags=["statements"],
    summary="Release one statement to its LP",
    description="Refused with 409 when it was released already (release is not repeated).",
    response_model=StatementOut,
    responses=WRITE,
)
def release_statement(
    statement_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("report:write")]
) -> object:
    return statements.release_statement(db, actor, statement_id)


@router.get(
    "/statements/{statement_id}/download",
    tags=["statements"],
    summary="A statement's file",
    response_class=Response,
    responses={**FILE, **READ},
)
def download_statement(
    statement_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("report:read")]
) -> Response:
    return document_response(statements.download_statement(db, actor, statement_id))


@router.get(
    "/funds/{fund_id}/reports/quarterly",
    tags=["reports"],
    summary="The fund's quarterly report: summary, capital activity, investments, partners",
    response_class=Response,
    responses={**FILE, **READ},
)
def quarterly_report(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("report:read", "performance:read")],
    period_end: Annotated[IsoDate, Query(description="The last day of a calendar quarter")],
    format: Annotated[Literal["pdf", "xlsx"], Query(description="pdf (default) or xlsx")] = "pdf",
) -> Response:
    document = reports.quarterly_report(db, actor, fund_id, period_end, DocumentFormat(format))
    return document_response(document)
