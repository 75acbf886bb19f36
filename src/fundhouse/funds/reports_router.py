"""HTTP for fund reporting and data import: LP statements, the quarterly fund report, imports.

Parse, call one service function, shape the answer. Files go out as attachments with their
media type; problems come back as problem+json like everywhere else.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from fundhouse.funds.imports import service as imports
from fundhouse.funds.imports.service import ImportKind, ImportResult
from fundhouse.funds.models import DocumentFormat
from fundhouse.funds.reporting import reports, statements
from fundhouse.funds.reporting.statements import (
    BatchStarted,
    Document,
    StatementBatchCreate,
    StatementCreate,
    StatementFilters,
    StatementOut,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.idempotency import IdempotencyKeyHeader, idempotent, remember
from fundhouse.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=1000)]
ListFormat = Annotated[
    Literal["json", "csv"],
    Query(description="``csv`` exports every matching row as CSV instead of one page."),
]

READ = problem_responses(401, 403, 404, 422)
WRITE = problem_responses(401, 403, 404, 409, 422)
LIST: dict[int | str, dict[str, Any]] = {
    **problem_responses(401, 403, 404, 422),
    200: {"content": {"text/csv": {}}, "description": "A page, or CSV with format=csv"},
}
FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {statements.PDF_TYPE: {}, statements.XLSX_TYPE: {}},
        "description": "The document as PDF or XLSX",
    }
}
CSV_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "The template as CSV"}
}


def attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def document_response(document: Document) -> Response:
    return attachment(document.content, document.content_type, document.filename)


# --- LP statements -----------------------------------------------------------------------


@router.post(
    "/funds/{fund_id}/statements",
    tags=["statements"],
    summary="Make one LP's capital account statement for a quarter (again: replaces it)",
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
    responses=LIST,
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
    return document_response(statements.my_statement_download(db, actor, statement_id))


# --- the quarterly report ----------------------------------------------------------------


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
    period_end: Annotated[date, Query(description="The last day of a calendar quarter")],
    format: Annotated[Literal["pdf", "xlsx"], Query(description="pdf (default) or xlsx")] = "pdf",
) -> Response:
    document = reports.quarterly_report(db, actor, fund_id, period_end, DocumentFormat(format))
    return document_response(document)


# --- imports -----------------------------------------------------------------------------


def _columns_doc() -> str:
    lines = []
    for kind, columns in imports.COLUMNS.items():
        described = "; ".join(
            f"`{c.name}`{' (required)' if c.required else ''}: {c.description}" for c in columns
        )
        lines.append(f"- **{kind.value}**: {described}.")
    return "\n".join(lines)


@router.post(
    "/funds/{fund_id}/imports/{kind}",
    tags=["imports"],
    summary="Import investors, commitments or historical cash flows from CSV or XLSX",
    description=(
        "The whole file is validated first: any bad row gives 422 with every problem in "
        "`errors` (fields such as `row 7: amount`) and nothing is saved. A clean file is applied "
        "in one transaction (201), or only tried and rolled back with `dry_run=true` (200).\n\n"
        "Columns (the first row names them):\n\n" + _columns_doc()
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=ImportResult,
    responses={200: {"model": ImportResult, "description": "A dry run"}, **WRITE},
)
def import_file(
    fund_id: uuid.UUID,
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="The rows as CSV (UTF-8) or XLSX")],
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("import:write")],
    dry_run: Annotated[
        bool, Query(description="Validate and try the import, then save nothing")
    ] = False,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    content = file.file.read(imports.MAX_BYTES + 1)
    fingerprint = {"dry_run": dry_run, "sha256": hashlib.sha256(content).hexdigest()}
    replay = idempotent(db, actor, request, idempotency_key, fingerprint)
    if replay is not None:
        return replay
    result = imports.import_file(db, actor, fund_id, kind, file.filename, content, dry_run=dry_run)
    code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
    return remember(db, actor, idempotency_key, code, result)


@router.get(
    "/imports/templates/{kind}.csv",
    tags=["imports"],
    summary="The CSV template of an import: its columns and an example row",
    response_class=Response,
    responses={**CSV_FILE, **problem_responses(401, 403, 422)},
)
def import_template(
    kind: ImportKind, actor: Annotated[Actor, requires("import:write")]
) -> Response:
    return attachment(
        imports.template_csv(kind), "text/csv; charset=utf-8", f"{kind.value}-template.csv"
    )
