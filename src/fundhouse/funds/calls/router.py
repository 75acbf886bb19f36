"""HTTP for capital calls, their notices and payments, equalization calls, bank reconciliation:
parse, call one service function, shape the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from fundhouse.funds.calls import equalization, reconciliation
from fundhouse.funds.calls import service as calls
from fundhouse.funds.calls.schemas import (
    CallCreate,
    CallDetailOut,
    CallFilters,
    CallOut,
    CallPreviewOut,
    EqualizationCreate,
    PaymentCreate,
    PaymentFilters,
    PaymentOut,
    PaymentRecorded,
    ReconciliationLineResolve,
    ReconciliationOut,
)
from fundhouse.funds.reporting import notices
from fundhouse.funds.reporting.notices import Notice
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.http import (
    LIST,
    PDF_TYPE,
    READ,
    WRITE,
    Cursor,
    Limit,
    ListFormat,
    csv_response,
    file_responses,
    inline_pdf,
    read_upload,
)
from fundhouse.platform.idempotency import (
    IdempotencyKeyHeader,
    idempotent,
    remember,
    run_idempotent,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()


def notice_pdf(notice: Notice) -> Response:
    return inline_pdf(notice.content, notice.filename)


@router.post(
    "/funds/{fund_id}/closes/{close_id}/equalization",
    tags=["capital-calls"],
    summary="Draft the equalization call of a subsequent close (late closers' catch-up)",
    status_code=status.HTTP_201_CREATED,
    response_model=CallDetailOut,
    responses=WRITE,
)
def equalize_close(
    fund_id: uuid.UUID,
    close_id: uuid.UUID,
    body: EqualizationCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:write")],
) -> object:
    return equalization.equalize_close(db, actor, fund_id, close_id, body)


@router.post(
    "/funds/{fund_id}/capital-calls/preview",
    tags=["capital-calls"],
    summary="What each LP would be called for (saves nothing)",
    response_model=CallPreviewOut,
    responses=WRITE,
)
def preview_call(
    fund_id: uuid.UUID,
    body: CallCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:write")],
) -> object:
    return calls.preview_call(db, actor, fund_id, body)


@router.post(
    "/funds/{fund_id}/capital-calls",
    tags=["capital-calls"],
    summary="Draft a capital call with its allocation across the LPs",
    status_code=status.HTTP_201_CREATED,
    response_model=CallDetailOut,
    responses=WRITE,
)
def create_call(
    fund_id: uuid.UUID,
    body: CallCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:write")],
) -> object:
    return calls.create_call(db, actor, fund_id, body)


@router.get(
    "/capital-calls",
    tags=["capital-calls"],
    summary="List capital calls",
    response_model=Page[CallOut],
    responses=LIST,
)
def list_calls(
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:read")],
    filters: Annotated[CallFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
) -> object:
    if format == "csv":
        return csv_response(calls.export_calls_csv(db, actor, filters), "capital-calls")
    return calls.list_calls(db, actor, filters, limit=limit, cursor=cursor)


@router.get(
    "/capital-calls/{call_id}",
    tags=["capital-calls"],
    summary="A capital call with its allocations",
    response_model=CallDetailOut,
    responses=READ,
)
def get_call(
    call_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("capital_call:read")]
) -> object:
    return calls.get_call(db, actor, call_id)


@router.post(
    "/capital-calls/{call_id}/approve",
    tags=["capital-calls"],
    summary="Approve a draft call (not its author: maker/checker)",
    response_model=CallDetailOut,
    responses=WRITE,
)
def approve_call(
    call_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:approve")],
) -> object:
    return calls.approve_call(db, actor, call_id)


@router.post(
    "/capital-calls/{call_id}/issue",
    tags=["capital-calls"],
    summary="Issue an approved call: post the LPs' receivables",
    response_model=CallDetailOut,
    responses=WRITE,
)
def issue_call(
    call_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("capital_call:write")]
) -> object:
    return calls.issue_call(db, actor, call_id)


@router.post(
    "/capital-calls/{call_id}/cancel",
    tags=["capital-calls"],
    summary="Cancel a call that has no payments",
    response_model=CallDetailOut,
    responses=WRITE,
)
def cancel_call(
    call_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("capital_call:write")]
) -> object:
    return calls.cancel_call(db, actor, call_id)


@router.post(
    "/capital-calls/{call_id}/payments",
    tags=["payments"],
    summary="Record an LP's payment of its share of a call (send an Idempotency-Key)",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentRecorded,
    responses=WRITE,
)
def record_payment(
    call_id: uuid.UUID,
    body: PaymentCreate,
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
        lambda: calls.record_payment(db, actor, call_id, body),
    )


@router.get(
    "/payments",
    tags=["payments"],
    summary="List payments",
    response_model=Page[PaymentOut],
    responses=LIST,
)
def list_payments(
    db: DbSession,
    actor: Annotated[Actor, requires("payment:read")],
    filters: Annotated[PaymentFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
) -> object:
    if format == "csv":
        return csv_response(calls.export_payments_csv(db, actor, filters), "payments")
    return calls.list_payments(db, actor, filters, limit=limit, cursor=cursor)


@router.get(
    "/capital-calls/{call_id}/notices/{investor_id}.pdf",
    tags=["capital-calls"],
    summary="One LP's notice of a call, as PDF",
    response_class=Response,
    responses={**file_responses("The notice as PDF", PDF_TYPE), **READ},
)
def call_notice(
    call_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:read")],
) -> Response:
    return notice_pdf(notices.call_notice(db, actor, call_id, investor_id))


@router.post(
    "/funds/{fund_id}/reconciliations",
    tags=["reconciliations"],
    summary="Match a bank statement (CSV: date, amount, reference, payer name) against the "
    "expected call payments",
    status_code=status.HTTP_201_CREATED,
    response_model=ReconciliationOut,
    responses=WRITE,
)
def create_reconciliation(
    fund_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="The bank statement as CSV")],
    db: DbSession,
    actor: Annotated[Actor, requires("payment:write")],
) -> object:
    content = read_upload(file, reconciliation.MAX_BYTES)
    return reconciliation.create_reconciliation(db, actor, fund_id, file.filename, content)


@router.get(
    "/reconciliations/{reconciliation_id}",
    tags=["reconciliations"],
    summary="A reconciliation and its lines",
    response_model=ReconciliationOut,
    responses=READ,
)
def get_reconciliation(
    reconciliation_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:read")],
) -> object:
    return reconciliation.get_reconciliation(db, actor, reconciliation_id)


@router.patch(
    "/reconciliations/{reconciliation_id}/lines/{line_no}",
    tags=["reconciliations"],
    summary="Match a line by hand to an open share of a call",
    response_model=ReconciliationOut,
    responses=WRITE,
)
def resolve_reconciliation_line(
    reconciliation_id: uuid.UUID,
    line_no: int,
    body: ReconciliationLineResolve,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:write")],
) -> object:
    return reconciliation.resolve_line(
        db, actor, reconciliation_id, line_no, body.call_allocation_id
    )


@router.post(
    "/reconciliations/{reconciliation_id}/apply",
    tags=["reconciliations"],
    summary="Record a payment for every matched line (again: records nothing more)",
    response_model=ReconciliationOut,
    responses=WRITE,
)
def apply_reconciliation(
    reconciliation_id: uuid.UUID,
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    replay = idempotent(db, actor, request, idempotency_key, None)
    if replay is not None:
        return replay
    result = reconciliation.apply_reconciliation(db, actor, reconciliation_id)
    return remember(db, actor, idempotency_key, status.HTTP_200_OK, result)


@router.post(
    "/payments/{payment_id}/reverse",
    tags=["payments"],
    summary="Reverse a payment recorded by mistake (the LP owes it again)",
    response_model=CallDetailOut,
    responses=WRITE,
)
def reverse_payment(
    payment_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:write")],
) -> object:
    return calls.reverse_payment(db, actor, payment_id)
