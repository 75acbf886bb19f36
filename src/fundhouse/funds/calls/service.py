"""Capital calls and the LPs' payments against them.

Workflow (maker/checker): a call is drafted with its allocation across the LPs, approved by
someone other than its author who holds ``capital_call:approve``, issued, then paid by the
LPs in one or several payments: draft → approved → issued → partially_paid → paid. A draft or
approved call can be cancelled; an issued call only while nothing was paid against it, by a
reversing ledger entry.

Allocation (CONVENTIONS.md, "Capital calls"): pro rata to commitments, or to unfunded
commitments when the call's basis says so; no LP is called beyond its unfunded commitment
(water-filling, then one rounding to the currency's minor unit by largest remainder, ties to
the earlier commitment). A call above the fund's total unfunded commitment is refused.

Ledger postings, in the fund's book (party = the investor):

* issue: Dr 1100 contributions receivable / Cr 3000 partners' capital — contributions, one
  pair per LP, dated the call date. The purpose (investment, management fee, expenses) does
  not change the posting: capital called for fees or expenses is paid-in capital like any
  other (ILPA: it counts toward paid-in capital, PIC). The fee or expense itself is recognised
  by its own entry (Dr 5000/5100 per partner), posted by the fee run or the expense.
* payment: Dr 1000 cash / Cr 1100 contributions receivable for the payer, dated the day the
  money was received.
* issuing an equalization call (a late closer's catch-up, see
  :mod:`fundhouse.funds.equalization`): the same pair for the fees and capital it catches up,
  the fees also as the late closer's management fee (Dr 5000 per LP / Cr 2100), and Dr 1100 for
  its equalization interest / Cr 4300 equalization interest income of each LP admitted earlier,
  pro rata to their commitments.
* cancelling an issued, unpaid call: the reversal of its issue entry.
* reversing a payment recorded by mistake: the reversal of its entry.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from fundhouse.finance.allocation import allocate, allocate_capped
from fundhouse.funds import postings
from fundhouse.funds.calls.schemas import (
    AllocationOut,
    AllocationStatus,
    CallCreate,
    CallDetailOut,
    CallFilters,
    CallOut,
    CallPreviewLine,
    CallPreviewOut,
    EqualizationItemOut,
    InvestorShareOut,
    PaymentCreate,
    PaymentFilters,
    PaymentOut,
    PaymentRecorded,
)
from fundhouse.funds.models import (
    BankReconciliationLine,
    CallAllocation,
    CallBasis,
    CallPurpose,
    CallStatus,
    CapitalCall,
    Close,
    Commitment,
    CommitmentStatus,
    Distribution,
    DistributionStatus,
    EqualizationKind,
    Fund,
    MatchStatus,
    Payment,
    PaymentMethod,
)
from fundhouse.funds.register.service import (
    Position,
    commitment_positions,
    get_fund_row,
    money,
    quantum_of,
    rows_or_page,
    today,
)
from fundhouse.ledger import service as ledger
from fundhouse.platform import audit, events
from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import Conflict, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page, parse_sort

_ZERO = Decimal(0)
OPEN_STATUSES = (CallStatus.ISSUED, CallStatus.PARTIALLY_PAID)
"""Issued calls still waiting for money."""


def payment_reference(call_number: int, investor_id: uuid.UUID) -> str:
    """The reference an LP is asked to quote on its wire (printed on its notice); the bank
    reconciliation recognises the call and the investor from it."""
    return f"CALL {call_number} {investor_id.hex[:8].upper()}"


def is_overdue(call: CapitalCall, on: date) -> bool:
    """Issued, not fully paid, and its due date has passed."""
    return call.status in OPEN_STATUSES and call.due_date < on


def allocation_status(amount_due: Decimal, paid: Decimal) -> AllocationStatus:
    """One LP's own status on a call, from what its share asks and what it paid."""
    if paid >= amount_due:
        return AllocationStatus.PAID
    return AllocationStatus.PARTIALLY_PAID if paid > 0 else AllocationStatus.UNPAID


# --- reading -----------------------------------------------------------------------------


def _detail_query() -> Select[CapitalCall]:
    return select(CapitalCall).options(
        joinedload(CapitalCall.fund),
        selectinload(CapitalCall.allocations).joinedload(CallAllocation.investor),
        selectinload(CapitalCall.allocations).selectinload(CallAllocation.payments),
        selectinload(CapitalCall.equalization_items),
    )


def get_call_row(
    db: Session, actor: Actor, call_id: uuid.UUID, *, for_update: bool = False
) -> CapitalCall:
    """The call with its fund and allocations (and their investors), in the actor's
    organization, or :class:`NotFound`."""
    stmt = _detail_query().where(CapitalCall.id == call_id, CapitalCall.org_id == actor.org_id)
    if for_update:
        stmt = stmt.with_for_update(of=CapitalCall)
    call = db.scalar(stmt)
    if call is None:
        raise NotFound("No such capital call.")
    return call


def allocation_out(call: CapitalCall, allocation: CallAllocation) -> AllocationOut:
    return AllocationOut(
        id=allocation.id,
        commitment_id=allocation.commitment_id,
        investor_id=allocation.investor_id,
        investor_name=allocation.investor.name,
        sequence=allocation.sequence,
        amount=allocation.amount,
        equalization_interest=allocation.equalization_interest,
        amount_due=allocation.amount_due,
        paid_amount=allocation.paid_amount,
        outstanding=allocation.outstanding,
        status=allocation_status(allocation.amount_due, allocation.paid_amount),
        payment_reference=payment_reference(call.number, allocation.investor_id),
    )


def _call_fields(call: CapitalCall, due: Decimal, paid: Decimal) -> dict[str, Any]:
    return {
        "id": call.id,
        "fund_id": call.fund_id,
        "fund_name": call.fund.name,
        "currency": call.fund.currency,
        "number": call.number,
        "purpose": call.purpose,
        "basis": call.basis,
        "amount": call.amount,
        "amount_due": due,
        "paid_amount": paid,
        "outstanding": due - paid,
        "call_date": call.call_date,
        "due_date": call.due_date,
        "status": call.status,
        "is_overdue": is_overdue(call, today()),
        "description": call.description,
        "created_by": call.created_by,
        "approved_by": call.approved_by,
        "approved_at": call.approved_at,
        "issued_at": call.issued_at,
        "cancelled_at": call.cancelled_at,
        "paid_at": call.paid_at,
        "ledger_entry_id": call.ledger_entry_id,
        "created_at": call.created_at,
    }


def call_detail_out(call: CapitalCall) -> CallDetailOut:
    """Needs the call's fund and allocations (with investors) loaded."""
    due = sum((a.amount_due for a in call.allocations), _ZERO)
    paid = sum((a.paid_amount for a in call.allocations), _ZERO)
    name_of = {a.commitment_id: a.investor.name for a in call.allocations}
    return CallDetailOut(
        **_call_fields(call, due, paid),
        allocations=[allocation_out(call, a) for a in call.allocations],
        equalization=[
            EqualizationItemOut(
                commitment_id=item.commitment_id,
                investor_name=name_of.get(item.commitment_id, ""),
                kind=item.kind,
                source_call_id=item.source_call_id,
                source_fee_run_id=item.source_fee_run_id,
                due_date=item.source_due_date,
                amount=item.principal,
                rate=item.rate,
                days=item.days,
                interest=item.interest,
            )
            for item in call.equalization_items
        ],
    )


def get_call(db: Session, actor: Actor, call_id: uuid.UUID) -> CallDetailOut:
    require(actor, "capital_call:read")
    return call_detail_out(get_call_row(db, actor, call_id))


CALL_CSV_COLUMNS = (
    "id",
    "fund_name",
    "number",
    "purpose",
    "basis",
    "currency",
    "amount",
    "amount_due",
    "paid_amount",
    "outstanding",
    "call_date",
    "due_date",
    "status",
    "is_overdue",
    "description",
    "approved_at",
    "issued_at",
)


def list_calls(
    db: Session,
    actor: Actor,
    filters: CallFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[CallOut]:
    """The organization's calls (or one fund's), filtered by status, purpose, overdue and due
    dates; sorted by ``call_date`` (default, newest first), ``due_date``, ``number`` or
    ``created_at``. Filtered by ``investor_id``, each call also carries that investor's own
    share (``investor_share``). Two queries for any page size."""
    require(actor, "capital_call:read")
    f = filters
    column, descending = parse_sort(
        f.sort,
        {
            "call_date": CapitalCall.call_date,
            "due_date": CapitalCall.due_date,
            "number": CapitalCall.number,
            "created_at": CapitalCall.created_at,
        },
        "-call_date",
    )
    stmt = (
        select(CapitalCall)
        .options(joinedload(CapitalCall.fund))
        .where(CapitalCall.org_id == actor.org_id)
    )
    if f.fund_id is not None:
        stmt = stmt.where(CapitalCall.fund_id == f.fund_id)
    if f.investor_id is not None:
        shares = select(CallAllocation.call_id).where(CallAllocation.investor_id == f.investor_id)
        stmt = stmt.where(CapitalCall.id.in_(shares))
    if f.status is not None:
        stmt = stmt.where(CapitalCall.status == f.status)
    if f.purpose is not None:
        stmt = stmt.where(CapitalCall.purpose == f.purpose)
    late = CapitalCall.status.in_(OPEN_STATUSES) & (CapitalCall.due_date < today())
    if f.overdue is True:
        stmt = stmt.where(late)
    elif f.overdue is False:
        stmt = stmt.where(~late)
    if f.due_from is not None:
        stmt = stmt.where(CapitalCall.due_date >= f.due_from)
    if f.due_to is not None:
        stmt = stmt.where(CapitalCall.due_date <= f.due_to)
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=column,
        id_column=CapitalCall.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    due: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    paid: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    own_due: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    own_paid: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    if rows:
        ids = [c.id for c in rows]
        share_rows = db.execute(
            select(
                CallAllocation.call_id,
                CallAllocation.investor_id,
                CallAllocation.amount,
                CallAllocation.equalization_interest,
            ).where(CallAllocation.call_id.in_(ids))
        )
        for call_id, investor_id, amount, interest in share_rows:
            due[call_id] += amount + interest
            if investor_id == f.investor_id:
                own_due[call_id] += amount + interest
        received = db.execute(
            select(Payment.call_id, Payment.investor_id, Payment.amount).where(
                Payment.call_id.in_(ids), Payment.reversed_at.is_(None)
            )
        )
        for call_id, investor_id, amount in received:
            paid[call_id] += amount
            if investor_id == f.investor_id:
                own_paid[call_id] += amount
    on = today()
    items = [
        CallOut(
            **_call_fields(c, due[c.id], paid[c.id]),
            investor_share=None
            if f.investor_id is None
            else _investor_share(c, f.investor_id, own_due[c.id], own_paid[c.id], on),
        )
        for c in rows
    ]
    return Page[CallOut](items=items, next_cursor=next_cursor)


def _investor_share(
    call: CapitalCall, investor_id: uuid.UUID, due: Decimal, paid: Decimal, on: date
) -> InvestorShareOut:
    return InvestorShareOut(
        investor_id=investor_id,
        amount_due=due,
        paid_amount=paid,
        outstanding=due - paid,
        status=allocation_status(due, paid),
        is_overdue=is_overdue(call, on) and due > paid,
    )


def export_calls_csv(db: Session, actor: Actor, filters: CallFilters) -> str:
    return csv_of(CALL_CSV_COLUMNS, list_calls(db, actor, filters, everything=True).items)


# --- allocation --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedAllocation:
    commitment: Commitment
    position: Position
    amount: Decimal
    capped: bool


def plan_call(
    db: Session, fund: Fund, amount: Decimal, basis: CallBasis
) -> tuple[list[PlannedAllocation], Decimal]:
    """Each active commitment's share of a call of ``amount``, and the fund's total unfunded.

    CONVENTIONS.md "Capital calls": weights are the commitments (or the unfunded commitments),
    caps the unfunded commitments, water-filled in exact fractions and rounded once to the
    currency's minor unit; ties go to the earlier commitment (``sequence``).
    """
    amount = money(amount, fund.currency, "amount")
    commitments = list(
        db.scalars(
            select(Commitment)
            .options(joinedload(Commitment.investor))
            .where(Commitment.fund_id == fund.id, Commitment.status == CommitmentStatus.ACTIVE)
            .order_by(Commitment.sequence)
        )
    )
    positions = commitment_positions(db, commitments)
    room = {c.id: max(positions[c.id].unfunded, _ZERO) for c in commitments}
    total_unfunded = sum(room.values(), _ZERO)
    if amount > total_unfunded:
        raise Invalid(
            f"The call ({amount} {fund.currency}) exceeds the fund's total unfunded commitment "
            f"({total_unfunded} {fund.currency}).",
            field="amount",
        )
    weights = {
        c.id: (c.amount if basis == CallBasis.COMMITMENT else room[c.id]) for c in commitments
    }
    allocation = allocate_capped(amount, weights, room, quantum_of(fund.currency))
    shares = allocation.by_key()
    capped = dict(zip(allocation.keys, allocation.capped, strict=True))
    plan = [
        PlannedAllocation(c, positions[c.id], shares[c.id], capped[c.id] and room[c.id] > 0)
        for c in commitments
    ]
    return plan, total_unfunded


def _preview_line(line: PlannedAllocation) -> CallPreviewLine:
    return CallPreviewLine(
        commitment_id=line.commitment.id,
        investor_id=line.commitment.investor_id,
        investor_name=line.commitment.investor.name,
        sequence=line.commitment.sequence,
        commitment=line.commitment.amount,
        unfunded_before=line.position.unfunded,
        amount=line.amount,
        unfunded_after=line.position.unfunded - line.amount,
        capped=line.capped,
    )


def _check_purpose(data: CallCreate) -> None:
    if data.purpose == CallPurpose.EQUALIZATION:
        raise Invalid(
            "Equalization calls are made from a subsequent close "
            "(POST /funds/{fund_id}/closes/{close_id}/equalization).",
            field="purpose",
        )


def check_call_date(fund: Fund, call_date: date) -> None:
    """A call cannot be dated before the fund's initial close: nobody had committed yet."""
    if fund.initial_close_date is not None and call_date < fund.initial_close_date:
        raise Invalid(
            f"A capital call cannot be dated before the fund's initial close "
            f"({fund.initial_close_date}).",
            field="call_date",
        )


def preview_call(db: Session, actor: Actor, fund_id: uuid.UUID, data: CallCreate) -> CallPreviewOut:
    """What each LP would be called for; saves nothing."""
    require(actor, "capital_call:write")
    _check_purpose(data)
    fund = get_fund_row(db, actor, fund_id)
    check_call_date(fund, data.call_date)
    amount = money(data.amount, fund.currency, "amount")
    plan, total_unfunded = plan_call(db, fund, amount, data.basis)
    return CallPreviewOut(
        fund_id=fund.id,
        currency=fund.currency,
        purpose=data.purpose,
        basis=data.basis,
        amount=amount,
        total_unfunded=total_unfunded,
        lines=[_preview_line(line) for line in plan],
    )


def next_call_number(db: Session, fund_id: uuid.UUID) -> int:
    last = db.scalar(select(func.max(CapitalCall.number)).where(CapitalCall.fund_id == fund_id))
    return (last or 0) + 1


def call_snapshot(call: CapitalCall) -> dict[str, Any]:
    return {
        **audit.snapshot(call),
        "allocations": [
            {"commitment_id": a.commitment_id, "investor_id": a.investor_id, "amount": a.amount}
            for a in call.allocations
        ],
    }


def create_call(db: Session, actor: Actor, fund_id: uuid.UUID, data: CallCreate) -> CallDetailOut:
    """Draft a call with its allocation (LPs with a zero share get no allocation); refused
    when dated before the fund's initial close."""
    require(actor, "capital_call:write")
    _check_purpose(data)
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    check_call_date(fund, data.call_date)
    amount = money(data.amount, fund.currency, "amount")
    plan, _ = plan_call(db, fund, amount, data.basis)
    zero = quantum_of(fund.currency) * 0
    call = CapitalCall(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        number=next_call_number(db, fund.id),
        purpose=data.purpose,
        basis=data.basis,
        amount=amount,
        call_date=data.call_date,
        due_date=data.due_date,
        status=CallStatus.DRAFT,
        description=data.description,
        created_by=actor.user_id,
    )
    db.add(call)
    db.flush()
    db.add_all(
        CallAllocation(
            org_id=actor.org_id,
            call_id=call.id,
            commitment_id=line.commitment.id,
            investor_id=line.commitment.investor_id,
            sequence=line.commitment.sequence,
            amount=line.amount,
            equalization_interest=zero,
        )
        for line in plan
        if line.amount > 0
    )
    db.flush()
    db.expire(call)
    call = get_call_row(db, actor, call.id)
    audit.record(db, actor, "capital_call.created", call, after=call_snapshot(call))
    return call_detail_out(call)


# --- workflow ----------------------------------------------------------------------------


def _event_payload(call: CapitalCall) -> dict[str, Any]:
    return {
        "call_id": call.id,
        "fund_id": call.fund_id,
        "number": call.number,
        "purpose": call.purpose,
        "amount": call.amount,
        "currency": call.fund.currency,
        "due_date": call.due_date,
    }


def approve_call(db: Session, actor: Actor, call_id: uuid.UUID) -> CallDetailOut:
    """Approve a drafted call. The approver must not be the call's author (maker/checker)."""
    call = get_call_row(db, actor, call_id, for_update=True)
    require(actor, "capital_call:approve")
    if call.status != CallStatus.DRAFT:
        raise Conflict(f"Only a draft call can be approved; this one is {call.status.value}.")
    if call.created_by == actor.user_id:
        raise Conflict("A capital call must be approved by someone other than its author.")
    before = audit.snapshot(call)
    call.status = CallStatus.APPROVED
    call.approved_by = actor.user_id
    call.approved_at = utcnow()
    db.flush()
    audit.record(db, actor, "capital_call.approved", call, before=before)
    events.emit(db, "capital_call.approved", _event_payload(call), org_id=actor.org_id)
    return call_detail_out(call)


def issue_call(db: Session, actor: Actor, call_id: uuid.UUID) -> CallDetailOut:
    """Issue an approved call: its allocations become receivable from the LPs.

    The allocations were computed when the call was drafted; if another call issued since then
    left an LP less unfunded commitment than its share, the call is refused (cancel it and
    draft it again).
    """
    call = get_call_row(db, actor, call_id, for_update=True)
    require(actor, "capital_call:write")
    if call.status != CallStatus.APPROVED:
        raise Conflict(f"Only an approved call can be issued; this one is {call.status.value}.")
    fund = get_fund_row(db, actor, call.fund_id, for_update=True)
    commitments = list(
        db.scalars(
            select(Commitment).where(Commitment.id.in_([a.commitment_id for a in call.allocations]))
        )
    )
    positions = commitment_positions(db, commitments)
    short = [a for a in call.allocations if a.amount > positions[a.commitment_id].unfunded]
    if short:
        names = ", ".join(a.investor.name for a in short)
        raise Conflict(
            f"Since this call was drafted, other calls left {names} less unfunded commitment "
            "than their share; cancel this call and draft it again."
        )
    lines: list[ledger.Line] = []
    for a in call.allocations:
        lines += postings.call_issued(fund.currency, {a.investor_id: a.amount})
    if call.purpose == CallPurpose.EQUALIZATION:
        lines += _equalization_fee_lines(call, fund)
        lines += _equalization_interest_lines(db, call, fund)
    entry = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=call.call_date,
        memo=f"Capital call #{call.number} ({call.purpose.value.replace('_', ' ')})",
        lines=lines,
        source_type="capital_call",
        source_id=call.id,
    )
    before = audit.snapshot(call)
    call.status = CallStatus.ISSUED
    call.issued_by = actor.user_id
    call.issued_at = utcnow()
    call.ledger_entry_id = entry.id
    db.flush()
    # Each LP's notice is rendered now, as of the call date, and kept as issued. Imported here
    # because the notices read calls through this module.
    from fundhouse.funds.reporting.notices import keep_call_notices

    keep_call_notices(db, actor, call)
    audit.record(db, actor, "capital_call.issued", call, before=before)
    events.emit(db, "capital_call.issued", _event_payload(call), org_id=actor.org_id)
    return call_detail_out(call)


# --- equalization of late closers ----------------------------------------------------------


def earlier_commitments(db: Session, fund_id: uuid.UUID, close: Close) -> list[Commitment]:
    """Active commitments admitted at closes before ``close`` (with their close), in creation
    order (amounts are compared in Python: SQLite keeps decimals as text)."""
    rows = list(
        db.scalars(
            select(Commitment)
            .join(Close, Close.id == Commitment.close_id)
            .options(contains_eager(Commitment.close))
            .where(
                Commitment.fund_id == fund_id,
                Commitment.status == CommitmentStatus.ACTIVE,
                Close.number < close.number,
            )
            .order_by(Commitment.sequence)
        )
    )
    return [c for c in rows if c.amount > 0]


def _equalization_fee_lines(call: CapitalCall, fund: Fund) -> list[ledger.Line]:
    """The late closers' fee catch-up is their management fee: Dr 5000 per LP / Cr 2100."""
    investor_of = {a.commitment_id: a.investor_id for a in call.allocations}
    fee_of: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for item in call.equalization_items:
        if item.kind == EqualizationKind.FEE:
            fee_of[investor_of[item.commitment_id]] += item.principal
    return postings.management_fee(fund.currency, {i: fee for i, fee in fee_of.items() if fee > 0})


def _equalization_interest_lines(db: Session, call: CapitalCall, fund: Fund) -> list[ledger.Line]:
    """Dr the late closers' receivable for their interest, Cr equalization interest income of
    the LPs admitted earlier, pro rata to their commitments (allocation rule, to the cent)."""
    interest = sum((a.equalization_interest for a in call.allocations), _ZERO)
    if interest == 0:
        return []
    close = db.scalars(select(Close).where(Close.id == call.close_id)).one()
    earlier = earlier_commitments(db, fund.id, close)
    shares = allocate(
        interest, {c.id: c.amount for c in earlier}, quantum_of(fund.currency)
    ).by_key()
    owed: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for a in call.allocations:
        owed[a.investor_id] += a.equalization_interest
    earned: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for c in earlier:
        earned[c.investor_id] += shares[c.id]
    return postings.equalization_interest(fund.currency, owed, earned)


def cancel_call(db: Session, actor: Actor, call_id: uuid.UUID) -> CallDetailOut:
    """Cancel a draft or approved call, or an issued call nothing was paid against (its issue
    entry is reversed)."""
    call = get_call_row(db, actor, call_id, for_update=True)
    require(actor, "capital_call:write")
    paid = sum((a.paid_amount for a in call.allocations), _ZERO)
    if call.status not in (CallStatus.DRAFT, CallStatus.APPROVED, CallStatus.ISSUED) or paid:
        raise Conflict(
            f"This call is {call.status.value}"
            + (" and has payments" if paid else "")
            + "; only a call with no payments can be cancelled."
        )
    before = audit.snapshot(call)
    if call.ledger_entry_id is not None:
        ledger.reverse_entry(
            db,
            actor,
            call.ledger_entry_id,
            entry_date=max(today(), call.call_date),
            memo=f"Capital call #{call.number} cancelled",
        )
    call.status = CallStatus.CANCELLED
    call.cancelled_at = utcnow()
    db.flush()
    audit.record(db, actor, "capital_call.cancelled", call, before=before)
    events.emit(db, "capital_call.cancelled", _event_payload(call), org_id=actor.org_id)
    return call_detail_out(call)


# --- payments ----------------------------------------------------------------------------


def _payment_query() -> Select[Payment]:
    return select(Payment).options(
        joinedload(Payment.call).joinedload(CapitalCall.fund), joinedload(Payment.investor)
    )


def payment_out(payment: Payment) -> PaymentOut:
    """Needs the payment's call (with its fund) and investor loaded."""
    return PaymentOut(
        id=payment.id,
        fund_id=payment.fund_id,
        fund_name=payment.call.fund.name,
        call_id=payment.call_id,
        call_number=payment.call.number,
        call_allocation_id=payment.call_allocation_id,
        investor_id=payment.investor_id,
        investor_name=payment.investor.name,
        currency=payment.call.fund.currency,
        amount=payment.amount,
        received_date=payment.received_date,
        reference=payment.reference,
        method=payment.method,
        ledger_entry_id=payment.ledger_entry_id,
        created_at=payment.created_at,
        status="reversed" if payment.is_reversed else "received",
        reversed_at=payment.reversed_at,
        reversal_entry_id=payment.reversal_entry_id,
    )


def apply_payment(
    db: Session,
    actor: Actor,
    call: CapitalCall,
    allocation: CallAllocation,
    *,
    amount: Decimal,
    received_date: date,
    reference: str | None,
    method: PaymentMethod,
) -> Payment:
    """Record money received against one allocation of a locked, issued call: the payment,
    its ledger entry, the allocation's paid amount and the call's status.

    Refused: an amount finer than the currency allows or above what is outstanding (an
    overpayment), a date before the call or in the future.
    """
    currency = call.fund.currency
    if call.status not in OPEN_STATUSES and call.status != CallStatus.PAID:
        raise Conflict(
            f"Payments are recorded against issued calls; this one is {call.status.value}."
        )
    amount = money(amount, currency, "amount")
    if amount > allocation.outstanding:
        raise Invalid(
            f"The payment ({amount} {currency}) exceeds what {allocation.investor.name} still "
            f"owes on call #{call.number} ({allocation.outstanding} {currency}).",
            field="amount",
        )
    if received_date < call.call_date:
        raise Invalid(
            f"A payment cannot be received before the call date ({call.call_date}).",
            field="received_date",
        )
    if received_date > today():
        raise Invalid("A payment cannot be received in the future.", field="received_date")
    payment = Payment(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=call.fund_id,
        call_id=call.id,
        call_allocation_id=allocation.id,
        investor_id=allocation.investor_id,
        amount=amount,
        received_date=received_date,
        reference=reference,
        method=method,
        created_by=actor.user_id,
    )
    db.add(payment)
    allocation.payments.append(payment)
    db.flush()
    entry = ledger.post_entry(
        db,
        actor,
        call.fund.book_id,
        entry_date=received_date,
        memo=f"Payment of capital call #{call.number} by {allocation.investor.name}"[:500],
        lines=postings.contributions_received(currency, {allocation.investor_id: amount}),
        source_type="payment",
        source_id=payment.id,
    )
    payment.ledger_entry_id = entry.id
    before = audit.snapshot(call)
    if all(a.outstanding == 0 for a in call.allocations):
        call.status = CallStatus.PAID
        call.paid_at = utcnow()
    else:
        call.status = CallStatus.PARTIALLY_PAID
    db.flush()
    audit.record(db, actor, "payment.recorded", payment)
    if call.status != before["status"]:
        audit.record(db, actor, "capital_call.status_changed", call, before=before)
    events.emit(
        db,
        "payment.recorded",
        {
            "payment_id": payment.id,
            "call_id": call.id,
            "fund_id": call.fund_id,
            "investor_id": allocation.investor_id,
            "amount": amount,
            "currency": currency,
            "call_status": call.status,
        },
        org_id=actor.org_id,
    )
    return payment


def reverse_payment(db: Session, actor: Actor, payment_id: uuid.UUID) -> CallDetailOut:
    """Undo a payment recorded by mistake: its entry is reversed (dated today, or the day it
    was received if later), the LP owes that amount again and the call's status follows; the
    payment is kept, marked reversed with its reversing entry, so the LP's payment history
    shows both. A bank statement line it was recorded from is matched again, not applied.

    Refused when a distribution was issued since the payment was received: its waterfall
    counts this capital (cancel it first).
    """
    require(actor, "payment:write")
    payment = db.scalar(
        select(Payment).where(Payment.id == payment_id, Payment.org_id == actor.org_id)
    )
    if payment is None:
        raise NotFound("No such payment.")
    if payment.is_reversed:
        raise Conflict("This payment was reversed already.")
    call = get_call_row(db, actor, payment.call_id, for_update=True)
    since = db.scalar(
        select(Distribution.number)
        .where(
            Distribution.fund_id == call.fund_id,
            Distribution.status.in_((DistributionStatus.ISSUED, DistributionStatus.PAID)),
            Distribution.distribution_date >= payment.received_date,
        )
        .order_by(Distribution.number)
        .limit(1)
    )
    if since is not None:
        raise Conflict(
            f"Distribution #{since} was issued since this payment was received and counts it "
            "in its waterfall; cancel the distribution first."
        )
    allocation = next(a for a in call.allocations if a.id == payment.call_allocation_id)
    snapshot = audit.snapshot(payment)
    before = audit.snapshot(call)
    reversal = None
    if payment.ledger_entry_id is not None:
        reversal = ledger.reverse_entry(
            db,
            actor,
            payment.ledger_entry_id,
            entry_date=max(today(), payment.received_date),
            memo=f"Payment of capital call #{call.number} by {allocation.investor.name} reversed"[
                :500
            ],
        )
    for line in db.scalars(
        select(BankReconciliationLine).where(BankReconciliationLine.payment_id == payment.id)
    ):
        line.payment_id = None
        line.status = MatchStatus.MATCHED
    payment.reversed_at = utcnow()
    payment.reversed_by = actor.user_id
    payment.reversal_entry_id = reversal.id if reversal is not None else None
    # ``payment`` is the very object in ``allocation.payments`` (one object per row in a
    # session), so the allocation's paid amount leaves it out from here on.
    paid = sum((a.paid_amount for a in call.allocations), _ZERO)
    call.status = CallStatus.PARTIALLY_PAID if paid else CallStatus.ISSUED
    call.paid_at = None
    db.flush()
    audit.record(db, actor, "payment.reversed", payment, before=snapshot)
    if call.status != before["status"]:
        audit.record(db, actor, "capital_call.status_changed", call, before=before)
    events.emit(
        db,
        "payment.reversed",
        {
            "payment_id": payment_id,
            "call_id": call.id,
            "fund_id": call.fund_id,
            "investor_id": allocation.investor_id,
            "amount": payment.amount,
            "currency": call.fund.currency,
            "call_status": call.status,
        },
        org_id=actor.org_id,
    )
    return call_detail_out(call)


def _allocation_of(
    call: CapitalCall, investor_id: uuid.UUID, commitment_id: uuid.UUID | None
) -> CallAllocation:
    mine = [a for a in call.allocations if a.investor_id == investor_id]
    if not mine:
        raise Invalid("This investor has no share of this call.", field="investor_id")
    if commitment_id is not None:
        mine = [a for a in mine if a.commitment_id == commitment_id]
        if not mine:
            raise Invalid(
                "This commitment is not the investor's share of this call.", field="commitment_id"
            )
    if len(mine) > 1:
        raise Invalid(
            "The investor has several commitments in this call; name the one paid.",
            field="commitment_id",
        )
    return mine[0]


def record_payment(
    db: Session, actor: Actor, call_id: uuid.UUID, data: PaymentCreate
) -> PaymentRecorded:
    """Record an LP's payment (partial or in full) against its share of an issued call."""
    call = get_call_row(db, actor, call_id, for_update=True)
    require(actor, "payment:write")
    allocation = _allocation_of(call, data.investor_id, data.commitment_id)
    payment = apply_payment(
        db,
        actor,
        call,
        allocation,
        amount=data.amount,
        received_date=data.received_date,
        reference=data.reference,
        method=data.method,
    )
    payment = db.scalars(_payment_query().where(Payment.id == payment.id)).one()
    return PaymentRecorded(
        **payment_out(payment).model_dump(),
        call_status=call.status,
        allocation_outstanding=allocation.outstanding,
    )


PAYMENT_CSV_COLUMNS = (
    "id",
    "received_date",
    "fund_name",
    "call_number",
    "investor_id",
    "investor_name",
    "currency",
    "amount",
    "method",
    "reference",
    "ledger_entry_id",
    "created_at",
)


def list_payments(
    db: Session,
    actor: Actor,
    filters: PaymentFilters,
    *,
    investor_ids: list[uuid.UUID] | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
    permission: str = "payment:read",
) -> Page[PaymentOut]:
    """Payments of the organization, filtered by fund, call, investor and received dates;
    sorted by ``received_date`` (default, newest first) or ``created_at``. One query."""
    require(actor, permission)
    f = filters
    column, descending = parse_sort(
        f.sort,
        {"received_date": Payment.received_date, "created_at": Payment.created_at},
        "-received_date",
    )
    stmt = _payment_query().where(Payment.org_id == actor.org_id)
    if f.fund_id is not None:
        stmt = stmt.where(Payment.fund_id == f.fund_id)
    if f.call_id is not None:
        stmt = stmt.where(Payment.call_id == f.call_id)
    if f.investor_id is not None:
        stmt = stmt.where(Payment.investor_id == f.investor_id)
    if investor_ids is not None:
        stmt = stmt.where(Payment.investor_id.in_(investor_ids))
    if f.received_from is not None:
        stmt = stmt.where(Payment.received_date >= f.received_from)
    if f.received_to is not None:
        stmt = stmt.where(Payment.received_date <= f.received_to)
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=column,
        id_column=Payment.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[PaymentOut](items=[payment_out(p) for p in rows], next_cursor=next_cursor)


def export_payments_csv(db: Session, actor: Actor, filters: PaymentFilters) -> str:
    return csv_of(PAYMENT_CSV_COLUMNS, list_payments(db, actor, filters, everything=True).items)
