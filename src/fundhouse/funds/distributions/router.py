"""HTTP for distributions through the waterfall, their notices, clawback and carry accruals: parse,
call one service function, shape the answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from fundhouse.funds.distributions import service as distributions
from fundhouse.funds.distributions.schemas import (
    CarryAccrualCreate,
    CarryAccrualOut,
    ClawbackOut,
    DistributionCreate,
    DistributionDetailOut,
    DistributionFilters,
    DistributionOut,
    DistributionPay,
    DistributionPreviewOut,
)
from fundhouse.funds.reporting.notices import Notice
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.http import (
    LIST_OF_PARENT,
    PDF_TYPE,
    READ,
    WRITE,
    Cursor,
    Limit,
    ListFormat,
    csv_response,
    file_responses,
    inline_pdf,
)
from fundhouse.platform.idempotency import (
    IdempotencyKeyHeader,
    run_idempotent,
)
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

router = APIRouter()

PORTAL = problem_responses(401, 403, 422)


PORTAL_LIST: dict[int | str, dict[str, Any]] = {
    **PORTAL,
    200: {"content": {"text/csv": {}}, "description": "The list, or CSV with format=csv"},
}


def notice_pdf(notice: Notice) -> Response:
    return inline_pdf(notice.content, notice.filename)


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
    responses=LIST_OF_PARENT,
)
def list_distributions(
    fund_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:read")],
    filters: Annotated[DistributionFilters, Query()],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    format: ListFormat = "json",
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
    responses={**file_responses("The notice as PDF", PDF_TYPE), **READ},
)
def distribution_notice(
    distribution_id: uuid.UUID,
    investor_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("distribution:read")],
) -> Response:
    return notice_pdf(distributions.distribution_notice(db, actor, distribution_id, investor_id))


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
