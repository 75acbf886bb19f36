"""HTTP for fund administration: parse, call one service function, shape the answer.

Lists take ``limit``/``cursor``, filters and ``sort``, and ``format=csv`` exports every
matching row as CSV instead of a page.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from fundhouse.funds.calls import equalization, reconciliation
from fundhouse.funds.calls import service as calls
from fundhouse.funds.export import csv_of
from fundhouse.funds.portal import service as portal
from fundhouse.funds.register import service
from fundhouse.funds.reporting import notices
from fundhouse.funds.schemas import (
    CallCreate,
    CallDetailOut,
    CallFilters,
    CallOut,
    CallPreviewOut,
    CloseCreate,
    CloseOut,
    CommitmentCreate,
    CommitmentFilters,
    CommitmentOut,
    CommitmentUpdate,
    EqualizationCreate,
    FundCreate,
    FundDetailOut,
    FundFilters,
    FundOut,
    FundUpdate,
    InvestorCreate,
    InvestorFilters,
    InvestorOut,
    InvestorUpdate,
    InvestorUserCreate,
    InvestorUserOut,
    PaymentCreate,
    PaymentFilters,
    PaymentOut,
    PaymentRecorded,
    PortalCallOut,
    PortalInvestorOut,
    ReconciliationLineResolve,
    ReconciliationOut,
    TransferCreate,
    TransferOut,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.idempotency import (
    IdempotencyKeyHeader,
    idempotent,
    remember,
    run_idempotent,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=1000)]
Format = Annotated[
    Literal["json", "csv"],
    Query(description="``csv`` exports every matching row as CSV instead of one page."),
]

READ = problem_responses(401, 403, 404, 422)
WRITE = problem_responses(401, 403, 404, 409, 422)
LIST: dict[int | str, dict[str, Any]] = {
    **problem_responses(401, 403, 422),
    200: {"content": {"text/csv": {}}, "description": "A page, or CSV with format=csv"},
}
LIST_OF_INVESTOR: dict[int | str, dict[str, Any]] = {**LIST, **problem_responses(404)}


def csv_response(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# --- funds -------------------------------------------------------------------------------


@router.post(
    "/funds",
    tags=["funds"],
    summary="Create a fund (and its ledger book)",
    status_code=status.HTTP_201_CREATED,
    response_model=FundOut,
    responses=WRITE,
)
def create_fund(
    body: FundCreate, db: DbSession, actor: Annotated[Actor, requires("fund:write")]
) -> object:
    return service.create_fund(db, actor, body)


@router.get(
    "/funds", tags=["funds"], summary="List funds", response_model=Page[FundOut], responses=LIST
)
def list_funds(
    db: DbSession,
    actor: Annotated[Actor, requires("fund:read")],
    filters: Annotated[FundFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(service.export_funds_csv(db, actor, filters), "funds")
    return service.list_funds(db, actor, filters, limit=limit, cursor=cursor)


@router.get(
    "/funds/{fund_id}",
    tags=["funds"],
    summary="A fund with its totals",
    response_model=FundDetailOut,
    responses=READ,
)
def get_fund(
    fund_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("fund:read")]
) -> object:
    return service.get_fund(db, actor, fund_id)


@router.patch(
    "/funds/{fund_id}",
    tags=["funds"],
    summary="Change a fund's attributes or terms",
    response_model=FundOut,
    responses=WRITE,
)
def update_fund(
    fund_id: uuid.UUID,
    body: FundUpdate,
    db: DbSession,
    actor: Annotated[Actor, requires("fund:write")],
) -> object:
    return service.update_fund(db, actor, fund_id, body)


@router.post(
    "/funds/{fund_id}/closes",
    tags=["funds"],
    summary="Hold the fund's next close",
    status_code=status.HTTP_201_CREATED,
    response_model=CloseOut,
    responses=WRITE,
)
def create_close(
    fund_id: uuid.UUID,
    body: CloseCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("fund:write")],
) -> object:
    return service.create_close(db, actor, fund_id, body.close_date)


@router.get(
    "/funds/{fund_id}/closes",
    tags=["funds"],
    summary="The fund's closes",
    response_model=list[CloseOut],
    responses=READ,
)
def list_closes(
    fund_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("fund:read")]
) -> object:
    return service.list_closes(db, actor, fund_id)


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


# --- commitments -------------------------------------------------------------------------


@router.post(
    "/funds/{fund_id}/commitments",
    tags=["commitments"],
    summary="Admit an investor's commitment",
    status_code=status.HTTP_201_CREATED,
    response_model=CommitmentOut,
    responses=WRITE,
)
def create_commitment(
    fund_id: uuid.UUID,
    body: CommitmentCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:write")],
) -> object:
    return service.create_commitment(db, actor, fund_id, body)


@router.get(
    "/funds/{fund_id}/commitments",
    tags=["commitments"],
    summary="The fund's commitments with called, contributed and unfunded amounts",
    response_model=Page[CommitmentOut],
    responses={**LIST, **problem_responses(404)},
)
def list_commitments(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:read")],
    filters: Annotated[CommitmentFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = service.export_commitments_csv(db, actor, fund_id, filters)
        return csv_response(text, "commitments")
    return service.list_commitments(db, actor, fund_id, filters, limit=limit, cursor=cursor)


@router.get(
    "/commitments/{commitment_id}",
    tags=["commitments"],
    summary="A commitment",
    response_model=CommitmentOut,
    responses=READ,
)
def get_commitment(
    commitment_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:read")],
) -> object:
    return service.get_commitment(db, actor, commitment_id)


@router.patch(
    "/commitments/{commitment_id}",
    tags=["commitments"],
    summary="Change a commitment's amount",
    response_model=CommitmentOut,
    responses=WRITE,
)
def update_commitment(
    commitment_id: uuid.UUID,
    body: CommitmentUpdate,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:write")],
) -> object:
    return service.update_commitment(db, actor, commitment_id, body)


@router.post(
    "/funds/{fund_id}/transfers",
    tags=["commitments"],
    summary="Transfer (part of) an LP's interest to another investor",
    status_code=status.HTTP_201_CREATED,
    response_model=TransferOut,
    responses=WRITE,
)
def create_transfer(
    fund_id: uuid.UUID,
    body: TransferCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:write")],
) -> object:
    return service.create_transfer(db, actor, fund_id, body)


@router.get(
    "/funds/{fund_id}/transfers",
    tags=["commitments"],
    summary="The fund's transfers of interest",
    response_model=list[TransferOut],
    responses=READ,
)
def list_transfers(
    fund_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("commitment:read")]
) -> object:
    return service.list_transfers(db, actor, fund_id)


# --- investors ---------------------------------------------------------------------------


@router.post(
    "/investors",
    tags=["investors"],
    summary="Create an investor",
    status_code=status.HTTP_201_CREATED,
    response_model=InvestorOut,
    responses=WRITE,
)
def create_investor(
    body: InvestorCreate, db: DbSession, actor: Annotated[Actor, requires("investor:write")]
) -> object:
    return service.create_investor(db, actor, body)


@router.get(
    "/investors",
    tags=["investors"],
    summary="List investors (tax and bank details masked without investor:read_sensitive)",
    response_model=Page[InvestorOut],
    responses=LIST,
)
def list_investors(
    db: DbSession,
    actor: Annotated[Actor, requires("investor:read")],
    filters: Annotated[InvestorFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(service.export_investors_csv(db, actor, filters), "investors")
    return service.list_investors(db, actor, filters, limit=limit, cursor=cursor)


@router.get(
    "/investors/{investor_id}",
    tags=["investors"],
    summary="An investor",
    response_model=InvestorOut,
    responses=READ,
)
def get_investor(
    investor_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("investor:read")]
) -> object:
    return service.get_investor(db, actor, investor_id)


@router.get(
    "/investors/{investor_id}/commitments",
    tags=["investors"],
    summary="The investor's commitments in every fund, with what each has called and paid",
    response_model=Page[CommitmentOut],
    responses=LIST_OF_INVESTOR,
)
def list_investor_commitments(
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: Format = "json",
) -> object:
    if format == "csv":
        text = service.export_investor_commitments_csv(db, actor, investor_id)
        return csv_response(text, "investor-commitments")
    return service.list_investor_commitments(db, actor, investor_id, limit=limit, cursor=cursor)


@router.patch(
    "/investors/{investor_id}",
    tags=["investors"],
    summary="Change an investor",
    response_model=InvestorOut,
    responses=WRITE,
)
def update_investor(
    investor_id: uuid.UUID,
    body: InvestorUpdate,
    db: DbSession,
    actor: Annotated[Actor, requires("investor:write")],
) -> object:
    return service.update_investor(db, actor, investor_id, body)


@router.get(
    "/investors/{investor_id}/users",
    tags=["investors"],
    summary="The users who see this investor in the LP portal",
    response_model=list[InvestorUserOut],
    responses=READ,
)
def list_investor_users(
    investor_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("investor:read")]
) -> object:
    return service.list_investor_users(db, actor, investor_id)


@router.post(
    "/investors/{investor_id}/users",
    tags=["investors"],
    summary="Let a user see this investor in the LP portal",
    status_code=status.HTTP_201_CREATED,
    response_model=InvestorUserOut,
    responses=WRITE,
)
def link_investor_user(
    investor_id: uuid.UUID,
    body: InvestorUserCreate,
    db: DbSession,
    actor: Annotated[Actor, requires("investor:write")],
) -> object:
    return service.link_investor_user(db, actor, investor_id, body.user_id)


@router.delete(
    "/investors/{investor_id}/users/{user_id}",
    tags=["investors"],
    summary="Stop a user seeing this investor in the LP portal",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE,
)
def unlink_investor_user(
    investor_id: uuid.UUID,
    user_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("investor:write")],
) -> Response:
    service.unlink_investor_user(db, actor, investor_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- capital calls -----------------------------------------------------------------------


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
    format: Format = "json",
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


# --- payments ----------------------------------------------------------------------------


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
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(calls.export_payments_csv(db, actor, filters), "payments")
    return calls.list_payments(db, actor, filters, limit=limit, cursor=cursor)


# --- notices -----------------------------------------------------------------------------

PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The notice as PDF"}
}


def pdf_response(notice: notices.Notice) -> Response:
    return Response(
        notice.content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{notice.filename}"'},
    )


@router.get(
    "/capital-calls/{call_id}/notices/{investor_id}.pdf",
    tags=["capital-calls"],
    summary="One LP's notice of a call, as PDF",
    response_class=Response,
    responses={**PDF, **READ},
)
def call_notice(
    call_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("capital_call:read")],
) -> Response:
    return pdf_response(notices.call_notice(db, actor, call_id, investor_id))


# --- bank reconciliation -----------------------------------------------------------------


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
    content = file.file.read(reconciliation.MAX_BYTES + 1)
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


# --- LP portal ---------------------------------------------------------------------------

PORTAL = problem_responses(401, 403)
PORTAL_LIST: dict[int | str, dict[str, Any]] = {
    **PORTAL,
    200: {"content": {"text/csv": {}}, "description": "The list, or CSV with format=csv"},
}


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
    db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")], format: Format = "json"
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
    db: DbSession, actor: Annotated[Actor, requires("lp_portal:read")], format: Format = "json"
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
    responses={**PDF, **READ},
)
def my_call_notice(
    call_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("lp_portal:read")],
) -> Response:
    return pdf_response(portal.my_call_notice(db, actor, call_id, investor_id))


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
    format: Format = "json",
) -> object:
    if format == "csv":
        return csv_response(portal.export_my_payments_csv(db, actor), "my-payments")
    return portal.my_payments(db, actor, limit=limit, cursor=cursor)
