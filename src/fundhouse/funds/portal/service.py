"""The LP portal: an LP user sees its own investors' commitments, calls, notices and payments.

The user reaches only the investors it is linked to (``investor_users``); anything else,
another LP's investor, call share or notice, is "not found", exactly as if it did not exist.
Calls show once issued: drafts and approved calls are the fund's internal business.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from fundhouse.funds.calls.schemas import PaymentFilters, PaymentOut
from fundhouse.funds.calls.service import (
    PAYMENT_CSV_COLUMNS,
    allocation_status,
    get_call_row,
    is_overdue,
    list_payments,
    payment_reference,
)
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CallAllocation,
    CapitalCall,
    Commitment,
    Investor,
)
from fundhouse.funds.portal.schemas import PortalCallOut, PortalInvestorOut
from fundhouse.funds.register.schemas import CommitmentOut
from fundhouse.funds.register.service import commitments_out, portal_investor_ids, today
from fundhouse.funds.reporting.notices import Notice, call_notice_of
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

API_PREFIX = "/api/v1"


def _my_investors(db: Session, actor: Actor) -> list[uuid.UUID]:
    require(actor, "lp_portal:read")
    return portal_investor_ids(db, actor)


def my_investors(db: Session, actor: Actor) -> list[PortalInvestorOut]:
    mine = _my_investors(db, actor)
    rows = db.scalars(select(Investor).where(Investor.id.in_(mine)).order_by(Investor.name))
    return [
        PortalInvestorOut(id=i.id, kind=i.kind, name=i.name, email=i.email, country=i.country)
        for i in rows
    ]


def my_commitments(db: Session, actor: Actor) -> list[CommitmentOut]:
    mine = _my_investors(db, actor)
    rows = db.scalars(
        select(Commitment)
        .options(
            joinedload(Commitment.investor),
            joinedload(Commitment.close),
            joinedload(Commitment.fund),
        )
        .where(Commitment.investor_id.in_(mine), Commitment.org_id == actor.org_id)
        .order_by(Commitment.created_at, Commitment.id)
    )
    return commitments_out(db, list(rows))


def notice_url(call_id: uuid.UUID, investor_id: uuid.UUID) -> str:
    return f"{API_PREFIX}/portal/capital-calls/{call_id}/notices/{investor_id}.pdf"


def my_calls(db: Session, actor: Actor) -> list[PortalCallOut]:
    """The LP's shares of issued calls, newest first, each with the LP's own status (paid in
    full while others still owe is ``paid``) and its own overdue flag."""
    mine = _my_investors(db, actor)
    rows = db.scalars(
        select(CallAllocation)
        .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
        .options(
            joinedload(CallAllocation.call).joinedload(CapitalCall.fund),
            joinedload(CallAllocation.investor),
            selectinload(CallAllocation.payments),
        )
        .where(
            CallAllocation.investor_id.in_(mine),
            CallAllocation.org_id == actor.org_id,
            CapitalCall.status.in_(CALLED_STATUSES),
        )
        .order_by(CapitalCall.call_date.desc(), CapitalCall.number.desc(), CallAllocation.sequence)
    )
    on = today()
    return [
        PortalCallOut(
            call_id=a.call_id,
            fund_id=a.call.fund_id,
            fund_name=a.call.fund.name,
            currency=a.call.fund.currency,
            number=a.call.number,
            purpose=a.call.purpose,
            call_date=a.call.call_date,
            due_date=a.call.due_date,
            status=a.call.status,
            is_overdue=is_overdue(a.call, on) and a.outstanding > 0,
            investor_id=a.investor_id,
            investor_name=a.investor.name,
            commitment_id=a.commitment_id,
            amount=a.amount,
            equalization_interest=a.equalization_interest,
            amount_due=a.amount_due,
            paid_amount=a.paid_amount,
            outstanding=a.outstanding,
            allocation_status=allocation_status(a.amount_due, a.paid_amount),
            payment_reference=payment_reference(a.call.number, a.investor_id),
            notice_url=notice_url(a.call_id, a.investor_id),
        )
        for a in rows
    ]


def my_call_notice(db: Session, actor: Actor, call_id: uuid.UUID, investor_id: uuid.UUID) -> Notice:
    """The LP's own notice of an issued call, exactly as it was issued; any other investor or
    call is not found."""
    if investor_id not in _my_investors(db, actor):
        raise NotFound("No such notice.")
    call = get_call_row(db, actor, call_id)
    if call.status not in CALLED_STATUSES:
        raise NotFound("No such notice.")
    return call_notice_of(db, actor, call, investor_id)


CALL_CSV_COLUMNS = (
    "fund_name",
    "number",
    "purpose",
    "call_date",
    "due_date",
    "status",
    "is_overdue",
    "investor_name",
    "currency",
    "amount",
    "equalization_interest",
    "amount_due",
    "paid_amount",
    "outstanding",
    "allocation_status",
    "payment_reference",
    "call_id",
    "investor_id",
)


def my_payments(
    db: Session, actor: Actor, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> Page[PaymentOut]:
    mine = _my_investors(db, actor)
    return list_payments(
        db,
        actor,
        PaymentFilters(),
        investor_ids=mine,
        limit=limit,
        cursor=cursor,
        permission="lp_portal:read",
    )


def export_my_payments_csv(db: Session, actor: Actor) -> str:
    mine = _my_investors(db, actor)
    page = list_payments(
        db,
        actor,
        PaymentFilters(),
        investor_ids=mine,
        everything=True,
        permission="lp_portal:read",
    )
    return csv_of(PAYMENT_CSV_COLUMNS, page.items)
