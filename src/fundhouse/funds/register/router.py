"""HTTP for the fund register: funds, investors and their users, closes, commitments, transfers of
interest.

Each route parses, calls one service function and shapes the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import (
    CloseCreate,
    CloseOut,
    CommitmentCreate,
    CommitmentFilters,
    CommitmentOut,
    CommitmentUpdate,
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
    TransferCreate,
    TransferOut,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.http import (
    LIST,
    LIST_OF_PARENT,
    READ,
    WRITE,
    Cursor,
    Limit,
    ListFormat,
    csv_response,
)
from fundhouse.platform.idempotency import IdempotencyKeyHeader, run_idempotent
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()


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
    format: ListFormat = "json",
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
    format: ListFormat = "json",
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
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:write")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return run_idempotent(
        db,
        actor,
        request,
        idempotency_key,
        body,
        status.HTTP_201_CREATED,
        lambda: TransferOut.model_validate(service.create_transfer(db, actor, fund_id, body)),
    )


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
    format: ListFormat = "json",
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
    responses=LIST_OF_PARENT,
)
def list_investor_commitments(
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("commitment:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
