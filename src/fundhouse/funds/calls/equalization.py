"""Late closers: the equalization call of a subsequent close.

CONVENTIONS.md, "Management fees and late closers": a late closer pays every installment (fees
and capital calls) due on or before its close date on its own commitment, as if it had been
admitted at the initial close, plus equalization interest from each installment's due date to
its close date; that interest goes to the LPs admitted earlier, pro rata, and is not fee
income. The arithmetic is the finance core's
:func:`fundhouse.finance.fees.compute_late_closer_catch_up`; this module picks what it runs on:

* the fee installments the fund billed its earlier LPs: the due dates of its posted fee runs
  on or before the close date (a fee not billed to anyone is not caught up), computed on the
  late commitment by the fund's fee terms (offsets are not passed on). The GP's own commitment
  pays no fee;
* the earlier capital calls issued and due on or before the close date, other than fee calls
  (a fee is caught up as a fee installment, not again as the call that collected it) and other
  equalization calls: each at the percentage of commitment it drew.

The equalization call then follows the calls' workflow (approval by someone else, issue,
payments). Each late closer's allocation is its fees plus its capital; its interest is on top.
Issue posts, besides the contribution pair of every call (Dr 1100 / Cr 3000 per LP):

* the fee catch-up as the late closer's management fee: Dr 5000 per LP / Cr 2100 management
  fees payable;
* the interest: Dr 1100 per late closer / Cr 4300 equalization interest income of each LP
  admitted earlier, pro rata to commitments.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from fundhouse.finance import fees
from fundhouse.funds.calls.schemas import CallDetailOut, EqualizationCreate
from fundhouse.funds.calls.service import (
    call_detail_out,
    call_snapshot,
    check_call_date,
    earlier_commitments,
    get_call_row,
    next_call_number,
)
from fundhouse.funds.fees.service import fee_basis_series, fee_terms
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CallAllocation,
    CallBasis,
    CallPurpose,
    CallStatus,
    CapitalCall,
    Close,
    Commitment,
    CommitmentStatus,
    EqualizationItem,
    EqualizationKind,
    FeeRun,
    FeeRunStatus,
)
from fundhouse.funds.register.service import commitment_positions, get_fund_row, quantum_of
from fundhouse.platform import audit
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import Conflict, Invalid, NotFound


def equalize_close(
    db: Session, actor: Actor, fund_id: uuid.UUID, close_id: uuid.UUID, data: EqualizationCreate
) -> CallDetailOut:
    """Draft the equalization call of a subsequent close (see the module's docstring)."""
    require(actor, "capital_call:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    close = db.scalar(select(Close).where(Close.id == close_id, Close.fund_id == fund.id))
    if close is None:
        raise NotFound("No such close of this fund.")
    if close.is_initial or fund.initial_close_date is None:
        raise Conflict("The initial close has nobody to equalize.")
    check_call_date(fund, data.call_date)
    if data.call_date < close.close_date:
        raise Invalid(
            f"An equalization call cannot be dated before the close it equalizes "
            f"({close.close_date}).",
            field="call_date",
        )
    existing = db.scalar(
        select(CapitalCall.number).where(
            CapitalCall.close_id == close.id, CapitalCall.status != CallStatus.CANCELLED
        )
    )
    if existing is not None:
        raise Conflict(f"Capital call #{existing} equalizes this close already.")
    late = [
        c
        for c in db.scalars(
            select(Commitment)
            .options(joinedload(Commitment.investor))
            .where(Commitment.close_id == close.id, Commitment.status == CommitmentStatus.ACTIVE)
            .order_by(Commitment.sequence)
        )
        if c.amount > 0
    ]
    earlier = earlier_commitments(db, fund.id, close)
    if not late or not earlier:
        raise Conflict("Nothing to equalize: no LP joined at this close, or none before it.")

    closed_on = close.close_date
    earlier_calls = list(
        db.scalars(
            select(CapitalCall)
            .options(selectinload(CapitalCall.allocations).joinedload(CallAllocation.commitment))
            .where(
                CapitalCall.fund_id == fund.id,
                CapitalCall.status.in_(CALLED_STATUSES),
                CapitalCall.purpose.not_in((CallPurpose.EQUALIZATION, CallPurpose.MANAGEMENT_FEE)),
                CapitalCall.due_date <= closed_on,
            )
            .order_by(CapitalCall.due_date, CapitalCall.number)
        )
    )
    fee_runs = {
        run.due_date: run
        for run in db.scalars(
            select(FeeRun).where(
                FeeRun.fund_id == fund.id,
                FeeRun.status == FeeRunStatus.POSTED,
                FeeRun.due_date <= closed_on,
            )
        )
    }
    terms = fee_terms(fund)
    basis = fee_basis_series(db, fund, closed_on) if fee_runs else {}
    zero = quantum_of(fund.currency) * 0
    earlier_lps = [
        fees.Commitment(c.id, c.amount, c.close.close_date) for c in earlier if not c.is_gp
    ] or [fees.Commitment(c.id, c.amount, c.close.close_date) for c in earlier]
    prior_calls = [
        fees.PriorCapitalCall(
            call.due_date,
            sum((a.amount for a in call.allocations), zero),
            sum((a.commitment.amount for a in call.allocations), zero),
        )
        for call in earlier_calls
    ]
    drawn = [
        (call, prior)
        for call, prior in zip(earlier_calls, prior_calls, strict=True)
        if prior.called_commitments
    ]

    items: list[EqualizationItem] = []
    principal_of: dict[uuid.UUID, Decimal] = {}
    interest_of: dict[uuid.UUID, Decimal] = {}
    for commitment in late:
        try:
            catch_up = fees.compute_late_closer_catch_up(
                terms,
                fund.initial_close_date,
                fees.Commitment(commitment.id, commitment.amount, closed_on),
                earlier_lps,
                [p for _, p in drawn],
                fee_due_dates=set() if commitment.is_gp else set(fee_runs),
                **basis,
            )
        except ValueError as exc:
            name = commitment.investor.name
            raise Conflict(f"The catch-up of {name} cannot be computed: {exc}.") from exc
        # The core lists the calls in the order given (due date, then number) among the fees.
        sources = iter(c for c, _ in drawn)
        for item in catch_up.items:
            fee = item.kind is fees.CatchUpKind.FEE
            source_call = None if fee else next(sources)
            if item.amount == 0 and item.interest == 0:
                continue
            items.append(
                EqualizationItem(
                    org_id=actor.org_id,
                    commitment_id=commitment.id,
                    kind=EqualizationKind.FEE if fee else EqualizationKind.CAPITAL_CALL,
                    source_call_id=None if source_call is None else source_call.id,
                    source_fee_run_id=fee_runs[item.due_date].id if fee else None,
                    source_due_date=item.due_date,
                    principal=item.amount,
                    rate=fund.equalization_rate,
                    days=item.days,
                    interest=item.interest,
                )
            )
        principal_of[commitment.id] = catch_up.fees + catch_up.capital
        interest_of[commitment.id] = catch_up.interest

    positions = commitment_positions(db, late)
    short = [c for c in late if principal_of[c.id] > positions[c.id].unfunded]
    if short:
        names = ", ".join(c.investor.name for c in short)
        raise Conflict(f"{names} has less unfunded commitment than its catch-up.")
    total = sum(principal_of.values(), zero)
    if total == 0:
        raise Conflict("Nothing to equalize: nothing was billed or called before this close.")
    call = _draft_call(db, actor, fund.id, close.id, data, total)
    for row in items:
        row.call_id = call.id
    db.add_all(items)
    db.add_all(
        CallAllocation(
            org_id=actor.org_id,
            call_id=call.id,
            commitment_id=c.id,
            investor_id=c.investor_id,
            sequence=c.sequence,
            amount=principal_of[c.id],
            equalization_interest=interest_of[c.id],
        )
        for c in late
        if principal_of[c.id] or interest_of[c.id]
    )
    db.flush()
    db.expire(call)
    call = get_call_row(db, actor, call.id)
    audit.record(db, actor, "capital_call.created", call, after=call_snapshot(call))
    return call_detail_out(call)


def _draft_call(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    close_id: uuid.UUID,
    data: EqualizationCreate,
    total: Decimal,
) -> CapitalCall:
    call = CapitalCall(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund_id,
        number=next_call_number(db, fund_id),
        purpose=CallPurpose.EQUALIZATION,
        basis=CallBasis.COMMITMENT,
        amount=total,
        call_date=data.call_date,
        due_date=data.due_date,
        status=CallStatus.DRAFT,
        description=data.description,
        close_id=close_id,
        created_by=actor.user_id,
    )
    db.add(call)
    db.flush()
    return call
