"""HTTP for management fee runs, transaction fees, fund expenses, payables and disbursements:
parse, call one service function, shape the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse

from fundhouse.funds.fees import disbursements
from fundhouse.funds.fees import service as fund_fees
from fundhouse.funds.fees.schemas import (
    DisbursementCreate,
    DisbursementFilters,
    DisbursementOut,
    ExpenseCreate,
    ExpenseDetailOut,
    ExpenseOut,
    FeeRunCreate,
    FeeRunDetailOut,
    FeeRunOut,
    PayablesOut,
    TransactionFeeCancel,
    TransactionFeeCreate,
    TransactionFeeOut,
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
    idempotent,
    remember,
    run_idempotent,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()


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
    responses=LIST_OF_PARENT,
)
def list_fee_runs(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
        lambda: fund_fees.record_transaction_fee(db, actor, fund_id, body),
    )


@router.get(
    "/funds/{fund_id}/transaction-fees",
    tags=["fees"],
    summary="The fund's transaction fees",
    response_model=Page[TransactionFeeOut],
    responses=LIST_OF_PARENT,
)
def list_transaction_fees(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
    responses=LIST_OF_PARENT,
)
def list_expenses(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("fee:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
    "/transaction-fees/{transaction_fee_id}/cancel",
    tags=["fees"],
    summary="Cancel a transaction fee recorded by mistake (kept, marked cancelled; it no longer "
    "offsets management fees)",
    response_model=TransactionFeeOut,
    responses=WRITE,
)
def cancel_transaction_fee(
    transaction_fee_id: uuid.UUID,
    body: TransactionFeeCancel,
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
        status.HTTP_200_OK,
        lambda: fund_fees.cancel_transaction_fee(db, actor, transaction_fee_id, body),
    )


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
    responses=LIST_OF_PARENT,
)
def list_disbursements(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("payment:read")],
    filters: Annotated[DisbursementFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
