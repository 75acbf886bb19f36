"""Management fee runs and fund expenses, and their postings.

Management fees (CONVENTIONS.md "Management fees and late closers"; the computation is
:func:`fundhouse.finance.fees.compute_management_fees`): a fee run bills the installment due on
one billing date, the initial close (the first stub) or the first day of a calendar quarter.
The schedule is computed from the initial close with the fund's terms, so offsets carried
forward from earlier quarters are applied exactly as they were:

* the LPs billed are the fund's active commitments other than the GP's (the GP pays no fee on
  its own commitment), in ``sequence`` order; a late closer pays the installments due before
  its close through its equalization call, not here;
* the base after the investment period is the cost of unrealized investments (or the NAV, by
  the fund's ``post_period_basis``) at the start of each (sub)period, before that day's
  transactions;
* transaction fees received from portfolio companies offset the first installment due after
  them (``fee_offset_rate``), carried forward while they exceed it.

Each LP's fee is the finance core's share of the net installment; its offset is the
installment's offset split by the allocation rule on the same weights (commitments), and its
gross fee the sum of both, so gross, offset and net each sum exactly to the installment's.

Postings (dated the billing date, the fee being billed in advance): Dr 5000 management fee
expense per LP (gross) / Cr 5300 management fee offset per LP (the offset) / Cr 2100 management
fees payable (net). With ``call`` the run also drafts a capital call (purpose management_fee)
for each LP's net fee, which then goes through the calls' own approval and issue.

A fee run or an expense recorded by mistake is cancelled by the reversal of its entry, while
nothing of it was paid (see :func:`cancel_fee_run` and :func:`cancel_expense`).

Fund expenses are charged to every partner admitted by the expense date, the GP's commitment
included, pro rata to commitments (:func:`fundhouse.finance.allocation.allocate`): Dr 5100
fund expenses per partner / Cr 2200 accrued expenses payable, dated the expense date.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from fundhouse.finance import fees
from fundhouse.finance.allocation import allocate
from fundhouse.funds import postings
from fundhouse.funds.accounts.capital_accounts import money_of, nav_by_date
from fundhouse.funds.calls.service import cancel_call, get_call_row, next_call_number
from fundhouse.funds.fees.schemas import (
    ExpenseAllocationOut,
    ExpenseCreate,
    ExpenseDetailOut,
    ExpenseOut,
    FeeInstallmentOut,
    FeePeriodOut,
    FeeRunCreate,
    FeeRunDetailOut,
    FeeRunOut,
    TransactionFeeCancel,
    TransactionFeeCreate,
    TransactionFeeOut,
)
from fundhouse.funds.investments.service import invested_cost_series
from fundhouse.funds.models import (
    CallAllocation,
    CallBasis,
    CallPurpose,
    CallStatus,
    CapitalCall,
    Close,
    Commitment,
    CommitmentStatus,
    Disbursement,
    EqualizationItem,
    ExpenseStatus,
    FeeBasis,
    FeeInstallment,
    FeeRun,
    FeeRunStatus,
    Fund,
    FundExpense,
    FundExpenseAllocation,
    PortfolioCompany,
    TransactionFee,
)
from fundhouse.funds.register.service import (
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
from fundhouse.platform.errors import Conflict, FieldError, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

_ZERO = Decimal(0)
_BASIS_NAMES = {
    fees.FeeBasis.COMMITMENTS: "commitment",
    fees.FeeBasis.INVESTED_COST: "invested_cost",
    fees.FeeBasis.NAV: "nav",
}


# --- the fee schedule --------------------------------------------------------------------


def fee_terms(fund: Fund) -> fees.FeeTerms:
    try:
        return fees.FeeTerms(
            investment_period_rate=fund.investment_period_rate,
            post_investment_period_rate=fund.post_period_rate,
            investment_period_years=fund.investment_period_years,
            investment_period_end=fund.investment_period_end,
            post_investment_period_basis=(
                fees.FeeBasis.NAV
                if fund.post_period_basis == FeeBasis.NAV
                else fees.FeeBasis.INVESTED_COST
            ),
            offset_rate=fund.fee_offset_rate,
            equalization_rate=fund.equalization_rate,
            quantum=quantum_of(fund.currency),
        )
    except ValueError as exc:
        raise Conflict(f"The fund's fee terms cannot be applied: {exc}.") from exc


def _next_quarter(day: date) -> date:
    month = 3 * ((day.month - 1) // 3) + 4
    return date(day.year + 1, 1, 1) if month > 12 else date(day.year, month, 1)


def _start_of_day_series(points: Sequence[tuple[date, Decimal]]) -> list[fees.BasisValue]:
    """A value known at the end of a day applies from the next day on (the start of a
    period is before that day's transactions)."""
    return [fees.BasisValue(day + timedelta(days=1), max(value, _ZERO)) for day, value in points]


@dataclass(frozen=True)
class Billed:
    commitment: Commitment
    gross: Decimal
    offset: Decimal
    net: Decimal
    base: Decimal


@dataclass(frozen=True)
class FeeBill:
    installment: fees.FeeInstallment
    lines: list[Billed]


def fee_basis_series(db: Session, fund: Fund, until: date) -> dict[str, list[fees.BasisValue]]:
    """The base of the fees after the investment period, as the finance core's keyword: the
    cost of unrealized investments, or the NAV, each value applying from the next day on."""
    if fund.post_period_basis == FeeBasis.NAV:
        return {"nav": _start_of_day_series(nav_by_date(db, fund, until))}
    return {"invested_cost": _start_of_day_series(invested_cost_series(db, fund))}


def compute_fee_bill(
    db: Session, fund: Fund, period_start: date, *, leaving_out: uuid.UUID | None = None
) -> FeeBill:
    """The installment due on ``period_start`` and each LP's share of it; ``leaving_out``
    computes it as if that transaction fee had not been received."""
    initial_close = fund.initial_close_date
    if initial_close is None:
        raise Conflict("The fund has no initial close yet: there is nothing to bill.")
    rows = db.execute(
        select(Commitment, Close.close_date)
        .join(Close, Close.id == Commitment.close_id)
        .options(joinedload(Commitment.investor))
        .where(
            Commitment.fund_id == fund.id,
            Commitment.status == CommitmentStatus.ACTIVE,
            Commitment.is_gp.is_(False),
            Commitment.amount > 0,
        )
        .order_by(Commitment.sequence)
    ).all()
    if not rows:
        raise Conflict("The fund has no LP commitment to bill.")
    until = _next_quarter(period_start)
    terms = fee_terms(fund)
    basis = fee_basis_series(db, fund, until)
    offsets = [
        fees.TransactionFee(received, amount)
        for received, amount in db.execute(
            select(TransactionFee.received_date, TransactionFee.amount).where(
                TransactionFee.fund_id == fund.id,
                TransactionFee.cancelled_at.is_(None),
                TransactionFee.id != leaving_out if leaving_out else true(),
            )
        )
    ]
    try:
        schedule = fees.compute_management_fees(
            terms,
            initial_close,
            [fees.Commitment(c.id, c.amount, close) for c, close in rows],
            until,
            transaction_fees=offsets,
            **basis,
        )
    except ValueError as exc:
        raise Conflict(f"The management fee cannot be computed: {exc}.") from exc
    installment = next((i for i in schedule.installments if i.due_date == period_start), None)
    if installment is None:
        raise Invalid(
            f"{period_start} is not a billing date of this fund: bill the initial close "
            f"({initial_close}) or the first day of a later quarter.",
            field="period_start",
        )
    billed = [(c, close) for c, close in rows if close < period_start or close == initial_close]
    quantum = quantum_of(fund.currency)
    weights = {c.id: c.amount for c, _ in billed}
    offset = allocate(installment.offset, weights, quantum).by_key()
    total_billed = sum(weights.values(), _ZERO)
    first = installment.periods[0]
    lines = []
    for c, _close in billed:
        net = installment.by_lp[c.id]
        base = c.amount
        if first.basis != fees.FeeBasis.COMMITMENTS:
            base = money_of(fund, first.base * c.amount / total_billed)
        lines.append(Billed(c, net + offset[c.id], offset[c.id], net, base))
    return FeeBill(installment, lines)


# --- fee runs ----------------------------------------------------------------------------


def _basis_label(installment: fees.FeeInstallment) -> str:
    names: list[str] = []
    for p in installment.periods:
        name = _BASIS_NAMES[p.basis]
        if name not in names:
            names.append(name)
    return "+".join(names)


def _days(installment: fees.FeeInstallment) -> int | None:
    if len(installment.periods) == 1 and installment.periods[0].is_full_quarter:
        return None
    return sum(p.days for p in installment.periods)


def _run_out(
    fund: Fund,
    run: FeeRun | None,
    installment: fees.FeeInstallment,
    lines: Sequence[FeeInstallmentOut],
) -> FeeRunDetailOut:
    m = lambda v: money_of(fund, v)  # noqa: E731
    return FeeRunDetailOut(
        id=run.id if run else None,
        fund_id=fund.id,
        currency=fund.currency,
        period_start=installment.first_day,
        period_end=installment.last_day,
        due_date=installment.due_date,
        status=run.status if run else None,
        gross_amount=m(installment.gross),
        offset_amount=m(installment.offset),
        total_amount=m(installment.net),
        capital_call_id=run.capital_call_id if run else None,
        ledger_entry_id=run.ledger_entry_id if run else None,
        created_at=run.created_at if run else None,
        periods=[
            FeePeriodOut(
                first_day=p.first_day,
                last_day=p.last_day,
                days=p.days,
                basis=_BASIS_NAMES[p.basis],
                base=m(p.base),
                rate=p.rate,
                is_full_quarter=p.is_full_quarter,
            )
            for p in installment.periods
        ],
        installments=list(lines),
    )


def _line_out(fund: Fund, installment: fees.FeeInstallment, b: Billed) -> FeeInstallmentOut:
    return FeeInstallmentOut(
        commitment_id=b.commitment.id,
        investor_id=b.commitment.investor_id,
        investor_name=b.commitment.investor.name,
        basis=_basis_label(installment),
        base_amount=money_of(fund, b.base),
        rate=installment.periods[0].rate,
        days=_days(installment),
        gross_amount=money_of(fund, b.gross),
        offset_amount=money_of(fund, b.offset),
        amount=money_of(fund, b.net),
    )


def _per_investor(lines: Sequence[Billed], amount: str) -> dict[uuid.UUID, Decimal]:
    totals: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for b in lines:
        totals[b.commitment.investor_id] += getattr(b, amount)
    return {k: v for k, v in totals.items() if v}


def fee_lines(fund: Fund, bill: FeeBill) -> list[ledger.Line]:
    """Dr 5000 per LP (gross) / Cr 5300 per LP (offset) / Cr 2100 (net)."""
    return postings.management_fee(
        fund.currency, _per_investor(bill.lines, "gross"), _per_investor(bill.lines, "offset")
    )


def _draft_fee_call(
    db: Session,
    actor: Actor,
    fund: Fund,
    bill: FeeBill,
    call_date: date,
    due_date: date,
) -> CapitalCall:
    """A draft capital call (purpose management_fee) of each LP's net fee: it follows the
    calls' workflow from there. Refused when a fee exceeds the LP's unfunded commitment."""
    charged = [b for b in bill.lines if b.net > 0]
    if not charged:
        raise Conflict("The installment is fully offset: there is no fee to call.")
    positions = commitment_positions(db, [b.commitment for b in charged])
    short = [b for b in charged if b.net > positions[b.commitment.id].unfunded]
    if short:
        names = ", ".join(b.commitment.investor.name for b in short)
        raise Conflict(f"The fee exceeds the unfunded commitment of {names}: it cannot be called.")
    installment = bill.installment
    call = CapitalCall(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        number=next_call_number(db, fund.id),
        purpose=CallPurpose.MANAGEMENT_FEE,
        basis=CallBasis.COMMITMENT,
        amount=installment.net,
        call_date=call_date,
        due_date=due_date,
        status=CallStatus.DRAFT,
        description=f"Management fee {installment.first_day} to {installment.last_day}",
        created_by=actor.user_id,
    )
    db.add(call)
    db.flush()
    zero = quantum_of(fund.currency) * 0
    db.add_all(
        CallAllocation(
            org_id=actor.org_id,
            call_id=call.id,
            commitment_id=b.commitment.id,
            investor_id=b.commitment.investor_id,
            sequence=b.commitment.sequence,
            amount=b.net,
            equalization_interest=zero,
        )
        for b in charged
    )
    db.flush()
    db.expire(call)
    call = get_call_row(db, actor, call.id)
    audit.record(
        db,
        actor,
        "capital_call.created",
        call,
        after={
            **audit.snapshot(call),
            "allocations": [
                {"commitment_id": a.commitment_id, "investor_id": a.investor_id, "amount": a.amount}
                for a in call.allocations
            ],
        },
    )
    return call


def run_fees(db: Session, actor: Actor, fund_id: uuid.UUID, data: FeeRunCreate) -> FeeRunDetailOut:
    """Bill the installment due on ``data.period_start``: a preview, or the fee run posted to
    the ledger (and, with ``call``, a draft capital call for it)."""
    require(actor, "fee:write")
    if data.call and data.preview:
        raise Invalid("A preview cannot call the fee; send call without preview.", field="call")
    fund = get_fund_row(db, actor, fund_id, for_update=not data.preview)
    bill = compute_fee_bill(db, fund, data.period_start)
    installment = bill.installment
    lines = [_line_out(fund, installment, b) for b in bill.lines]
    if data.preview:
        return _run_out(fund, None, installment, lines)
    call_date = data.call_date or data.period_start
    due_date = data.due_date or call_date
    if due_date < call_date:
        raise Invalid("due_date must not be before call_date.", field="due_date")
    taken = db.scalar(
        select(FeeRun.id).where(
            FeeRun.fund_id == fund.id,
            FeeRun.period_start == installment.first_day,
            FeeRun.status != FeeRunStatus.CANCELLED,
        )
    )
    if taken is not None:
        raise Conflict(
            f"The fees of the period starting {installment.first_day} were billed already.",
            errors=[FieldError(field="period_start", message="already billed")],
        )
    run = FeeRun(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        period_start=installment.first_day,
        period_end=installment.last_day,
        due_date=installment.due_date,
        status=FeeRunStatus.POSTED,
        total_amount=installment.net,
        created_by=actor.user_id,
    )
    db.add(run)
    db.flush()
    db.add_all(
        FeeInstallment(
            org_id=actor.org_id,
            fee_run_id=run.id,
            fund_id=fund.id,
            commitment_id=line.commitment_id,
            investor_id=line.investor_id,
            period_start=installment.first_day,
            period_end=installment.last_day,
            basis=line.basis,
            base_amount=line.base_amount,
            rate=line.rate,
            days=line.days,
            gross_amount=line.gross_amount,
            offset_amount=line.offset_amount,
            amount=line.amount,
        )
        for line in lines
    )
    posting = fee_lines(fund, bill)
    if posting:
        entry = ledger.post_entry(
            db,
            actor,
            fund.book_id,
            entry_date=installment.due_date,
            memo=f"Management fee {installment.first_day} to {installment.last_day}",
            lines=posting,
            source_type="fee_run",
            source_id=run.id,
        )
        run.ledger_entry_id = entry.id
    if data.call:
        run.capital_call_id = _draft_fee_call(db, actor, fund, bill, call_date, due_date).id
    db.flush()
    audit.record(
        db,
        actor,
        "fee_run.posted",
        run,
        after={
            **audit.snapshot(run),
            "gross_amount": installment.gross,
            "offset_amount": installment.offset,
            "installments": [
                {"commitment_id": line.commitment_id, "amount": line.amount} for line in lines
            ],
        },
    )
    events.emit(
        db,
        "fee_run.posted",
        {
            "fee_run_id": run.id,
            "fund_id": fund.id,
            "period_start": run.period_start,
            "total_amount": run.total_amount,
            "currency": fund.currency,
            "capital_call_id": run.capital_call_id,
        },
        org_id=actor.org_id,
    )
    return _run_out(fund, run, installment, lines)


FEE_RUN_CSV_COLUMNS = (
    "id",
    "period_start",
    "period_end",
    "due_date",
    "status",
    "currency",
    "gross_amount",
    "offset_amount",
    "total_amount",
    "capital_call_id",
    "ledger_entry_id",
    "created_at",
)


def list_fee_runs(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[FeeRunOut]:
    """The fund's fee runs, latest period first (two queries for any page size)."""
    require(actor, "fee:read")
    fund = get_fund_row(db, actor, fund_id)
    rows, next_cursor = rows_or_page(
        db,
        select(FeeRun).options(selectinload(FeeRun.installments)).where(FeeRun.fund_id == fund.id),
        sort_column=FeeRun.period_start,
        id_column=FeeRun.id,
        descending=True,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    items = [_fee_run_out(fund, run) for run in rows]
    return Page[FeeRunOut](items=items, next_cursor=next_cursor)


def _fee_run_out(fund: Fund, run: FeeRun) -> FeeRunOut:
    """Needs the run's installments loaded."""
    gross = sum((i.gross_amount for i in run.installments), _ZERO)
    offset = sum((i.offset_amount for i in run.installments), _ZERO)
    return FeeRunOut(
        id=run.id,
        fund_id=fund.id,
        currency=fund.currency,
        period_start=run.period_start,
        period_end=run.period_end,
        due_date=run.due_date,
        status=run.status,
        gross_amount=money_of(fund, gross),
        offset_amount=money_of(fund, offset),
        total_amount=money_of(fund, run.total_amount),
        capital_call_id=run.capital_call_id,
        ledger_entry_id=run.ledger_entry_id,
        created_at=run.created_at,
    )


def cancel_fee_run(db: Session, actor: Actor, fee_run_id: uuid.UUID) -> FeeRunOut:
    """Cancel a posted fee run billed by mistake: its entry is reversed (dated today, or its
    billing date if later) and the period can be billed again. Its draft or approved fee call
    is cancelled with it.

    Refused when the fees were paid to the manager, when its fee call was issued (cancel the
    call first, which is possible while nothing is paid against it), or when an equalization
    call catches the installment up.
    """
    require(actor, "fee:write")
    run = db.scalar(
        select(FeeRun)
        .options(selectinload(FeeRun.installments))
        .where(FeeRun.id == fee_run_id, FeeRun.org_id == actor.org_id)
    )
    if run is None:
        raise NotFound("No such fee run.")
    fund = get_fund_row(db, actor, run.fund_id, for_update=True)
    if run.status != FeeRunStatus.POSTED:
        raise Conflict(f"This fee run is {run.status.value}; only a posted one can be cancelled.")
    if db.scalar(select(Disbursement.id).where(Disbursement.fee_run_id == run.id).limit(1)):
        raise Conflict("These fees were paid to the manager; the fee run cannot be cancelled.")
    catching_up = db.scalar(
        select(CapitalCall.number)
        .join(EqualizationItem, EqualizationItem.call_id == CapitalCall.id)
        .where(
            EqualizationItem.source_fee_run_id == run.id,
            CapitalCall.status != CallStatus.CANCELLED,
        )
        .limit(1)
    )
    if catching_up is not None:
        raise Conflict(f"Equalization call #{catching_up} catches this fee up; cancel it first.")
    if run.capital_call_id is not None:
        call = get_call_row(db, actor, run.capital_call_id)
        if call.status in (CallStatus.DRAFT, CallStatus.APPROVED):
            cancel_call(db, actor, call.id)
        elif call.status != CallStatus.CANCELLED:
            raise Conflict(
                f"Capital call #{call.number} called this fee and is {call.status.value}: "
                "cancel it first."
            )
    before = audit.snapshot(run)
    if run.ledger_entry_id is not None:
        ledger.reverse_entry(
            db,
            actor,
            run.ledger_entry_id,
            entry_date=max(today(), run.due_date),
            memo=f"Management fee {run.period_start} to {run.period_end} cancelled",
        )
    run.status = FeeRunStatus.CANCELLED
    db.flush()
    audit.record(db, actor, "fee_run.cancelled", run, before=before)
    events.emit(
        db,
        "fee_run.cancelled",
        {"fee_run_id": run.id, "fund_id": fund.id, "period_start": run.period_start},
        org_id=actor.org_id,
    )
    return _fee_run_out(fund, run)


def export_fee_runs_csv(db: Session, actor: Actor, fund_id: uuid.UUID) -> str:
    return csv_of(FEE_RUN_CSV_COLUMNS, list_fee_runs(db, actor, fund_id, everything=True).items)


# --- transaction fees --------------------------------------------------------------------


def _company_of_fund(db: Session, fund: Fund, company_id: uuid.UUID | None) -> None:
    if company_id is None:
        return
    found = db.scalar(
        select(PortfolioCompany.id).where(
            PortfolioCompany.id == company_id, PortfolioCompany.fund_id == fund.id
        )
    )
    if found is None:
        raise Invalid("No such portfolio company of this fund.", field="company_id")


def _transaction_fee_out(fund: Fund, fee: TransactionFee) -> TransactionFeeOut:
    return TransactionFeeOut(
        id=fee.id,
        fund_id=fund.id,
        currency=fund.currency,
        company_id=fee.company_id,
        received_date=fee.received_date,
        amount=money_of(fund, fee.amount),
        description=fee.description,
        status="recorded" if fee.cancelled_at is None else "cancelled",
        cancelled_at=fee.cancelled_at,
        cancellation_reason=fee.cancellation_reason,
        created_at=fee.created_at,
    )


def record_transaction_fee(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: TransactionFeeCreate
) -> TransactionFeeOut:
    """Record a transaction fee the manager received. The fund's books do not change (the
    manager, not the fund, received it); the next fee run offsets it."""
    require(actor, "fee:write")
    fund = get_fund_row(db, actor, fund_id)
    amount = money(data.amount, fund.currency, "amount")
    _company_of_fund(db, fund, data.company_id)
    fee = TransactionFee(
        org_id=actor.org_id,
        fund_id=fund.id,
        company_id=data.company_id,
        received_date=data.received_date,
        amount=amount,
        description=data.description,
    )
    db.add(fee)
    db.flush()
    audit.record(db, actor, "transaction_fee.recorded", fee)
    return _transaction_fee_out(fund, fee)


def cancel_transaction_fee(
    db: Session, actor: Actor, fee_id: uuid.UUID, data: TransactionFeeCancel
) -> TransactionFeeOut:
    """Cancel a transaction fee recorded by mistake: it is kept, marked cancelled with who did
    it and why, and offsets no later management fee.

    The fee never was in the fund's books (the manager received it), so there is no entry of
    its own to reverse; its money reached the books only through the fee runs it offset. So
    the cancellation is refused while a posted fee run's offset would change without it: cancel
    that fee run first (its entry is reversed), then this fee, then bill the period again.
    """
    require(actor, "fee:write")
    fee = db.scalar(
        select(TransactionFee).where(
            TransactionFee.id == fee_id, TransactionFee.org_id == actor.org_id
        )
    )
    if fee is None:
        raise NotFound("No such transaction fee.")
    fund = get_fund_row(db, actor, fee.fund_id, for_update=True)
    if fee.cancelled_at is not None:
        raise Conflict("This transaction fee was cancelled already.")
    later_runs = db.scalars(
        select(FeeRun)
        .options(selectinload(FeeRun.installments))
        .where(
            FeeRun.fund_id == fund.id,
            FeeRun.status == FeeRunStatus.POSTED,
            FeeRun.due_date > fee.received_date,
        )
        .order_by(FeeRun.due_date)
    )
    for run in later_runs:
        offset = sum((i.offset_amount for i in run.installments), _ZERO)
        without = compute_fee_bill(db, fund, run.period_start, leaving_out=fee.id)
        if money_of(fund, without.installment.offset) != offset:
            raise Conflict(
                f"The management fee billed for {run.period_start} to {run.period_end} was "
                "reduced by this transaction fee: cancel that fee run first, then this fee."
            )
    before = audit.snapshot(fee)
    fee.cancelled_at = utcnow()
    fee.cancelled_by = actor.user_id
    fee.cancellation_reason = data.reason
    db.flush()
    audit.record(db, actor, "transaction_fee.cancelled", fee, before=before)
    events.emit(
        db,
        "transaction_fee.cancelled",
        {"transaction_fee_id": fee.id, "fund_id": fund.id, "amount": fee.amount},
        org_id=actor.org_id,
    )
    return _transaction_fee_out(fund, fee)


TRANSACTION_FEE_CSV_COLUMNS = (
    "id",
    "received_date",
    "company_id",
    "currency",
    "amount",
    "description",
    "status",
    "cancelled_at",
    "cancellation_reason",
    "created_at",
)


def list_transaction_fees(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[TransactionFeeOut]:
    """The fund's transaction fees, newest first."""
    require(actor, "fee:read")
    fund = get_fund_row(db, actor, fund_id)
    rows, next_cursor = rows_or_page(
        db,
        select(TransactionFee).where(TransactionFee.fund_id == fund.id),
        sort_column=TransactionFee.received_date,
        id_column=TransactionFee.id,
        descending=True,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[TransactionFeeOut](
        items=[_transaction_fee_out(fund, f) for f in rows], next_cursor=next_cursor
    )


def export_transaction_fees_csv(db: Session, actor: Actor, fund_id: uuid.UUID) -> str:
    page = list_transaction_fees(db, actor, fund_id, everything=True)
    return csv_of(TRANSACTION_FEE_CSV_COLUMNS, page.items)


# --- fund expenses -----------------------------------------------------------------------


def _expense_fields(fund: Fund, e: FundExpense) -> dict[str, Any]:
    return {
        "id": e.id,
        "fund_id": fund.id,
        "currency": fund.currency,
        "company_id": e.company_id,
        "expense_date": e.expense_date,
        "amount": money_of(fund, e.amount),
        "category": e.category,
        "vendor": e.vendor,
        "description": e.description,
        "status": e.status,
        "ledger_entry_id": e.ledger_entry_id,
        "created_at": e.created_at,
    }


def create_expense(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: ExpenseCreate
) -> ExpenseDetailOut:
    """Record a fund expense, charge it to the partners pro rata to commitments and post it
    (Dr 5100 per partner / Cr 2200)."""
    require(actor, "fee:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    amount = money(data.amount, fund.currency, "amount")
    _company_of_fund(db, fund, data.company_id)
    partners = list(
        db.scalars(
            select(Commitment)
            .join(Close, Close.id == Commitment.close_id)
            .options(joinedload(Commitment.investor))
            .where(
                Commitment.fund_id == fund.id,
                Commitment.status == CommitmentStatus.ACTIVE,
                Commitment.amount > 0,
                Close.close_date <= data.expense_date,
            )
            .order_by(Commitment.sequence)
        )
    )
    if not partners:
        raise Conflict(
            f"No partner was admitted by {data.expense_date}: the expense has no one to charge.",
            errors=[FieldError(field="expense_date", message="before the first close")],
        )
    shares = allocate(amount, {c.id: c.amount for c in partners}, quantum_of(fund.currency))
    expense = FundExpense(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        company_id=data.company_id,
        expense_date=data.expense_date,
        amount=amount,
        category=data.category,
        vendor=data.vendor,
        description=data.description,
        status=ExpenseStatus.POSTED,
        created_by=actor.user_id,
    )
    db.add(expense)
    db.flush()
    allocations = [
        FundExpenseAllocation(
            org_id=actor.org_id,
            expense_id=expense.id,
            commitment_id=c.id,
            investor_id=c.investor_id,
            amount=shares.amount_for(c.id),
        )
        for c in partners
        if shares.amount_for(c.id)
    ]
    db.add_all(allocations)
    per_investor: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for a in allocations:
        per_investor[a.investor_id] += a.amount
    lines = postings.fund_expense(fund.currency, per_investor)
    entry = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=data.expense_date,
        memo=f"Fund expense: {data.category}" + (f" ({data.vendor})" if data.vendor else ""),
        lines=lines,
        source_type="fund_expense",
        source_id=expense.id,
    )
    expense.ledger_entry_id = entry.id
    db.flush()
    audit.record(
        db,
        actor,
        "fund_expense.posted",
        expense,
        after={
            **audit.snapshot(expense),
            "allocations": [
                {"commitment_id": a.commitment_id, "amount": a.amount} for a in allocations
            ],
        },
    )
    events.emit(
        db,
        "fund_expense.posted",
        {
            "expense_id": expense.id,
            "fund_id": fund.id,
            "amount": amount,
            "currency": fund.currency,
            "expense_date": data.expense_date,
        },
        org_id=actor.org_id,
    )
    names = {c.id: c.investor.name for c in partners}
    return ExpenseDetailOut(
        **_expense_fields(fund, expense),
        allocations=[
            ExpenseAllocationOut(
                commitment_id=a.commitment_id,
                investor_id=a.investor_id,
                investor_name=names[a.commitment_id],
                amount=money_of(fund, a.amount),
            )
            for a in allocations
        ],
    )


EXPENSE_CSV_COLUMNS = (
    "id",
    "expense_date",
    "category",
    "vendor",
    "company_id",
    "currency",
    "amount",
    "status",
    "description",
    "ledger_entry_id",
    "created_at",
)


def cancel_expense(db: Session, actor: Actor, expense_id: uuid.UUID) -> ExpenseOut:
    """Cancel a posted expense recorded by mistake: its entry is reversed (dated today, or its
    date if later). Refused once any of it was paid to the vendor."""
    require(actor, "fee:write")
    expense = db.scalar(
        select(FundExpense).where(FundExpense.id == expense_id, FundExpense.org_id == actor.org_id)
    )
    if expense is None:
        raise NotFound("No such expense.")
    fund = get_fund_row(db, actor, expense.fund_id, for_update=True)
    if expense.status != ExpenseStatus.POSTED:
        raise Conflict(
            f"This expense is {expense.status.value}; only a posted one can be cancelled."
        )
    if db.scalar(select(Disbursement.id).where(Disbursement.expense_id == expense.id).limit(1)):
        raise Conflict("This expense was paid (in part or in full); it cannot be cancelled.")
    before = audit.snapshot(expense)
    if expense.ledger_entry_id is not None:
        ledger.reverse_entry(
            db,
            actor,
            expense.ledger_entry_id,
            entry_date=max(today(), expense.expense_date),
            memo=f"Expense cancelled: {expense.category}"[:500],
        )
    expense.status = ExpenseStatus.CANCELLED
    db.flush()
    audit.record(db, actor, "expense.cancelled", expense, before=before)
    events.emit(
        db,
        "expense.cancelled",
        {"expense_id": expense.id, "fund_id": fund.id},
        org_id=actor.org_id,
    )
    return ExpenseOut(**_expense_fields(fund, expense))


def list_expenses(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[ExpenseOut]:
    """The fund's expenses, newest first (one query for any page size)."""
    require(actor, "fee:read")
    fund = get_fund_row(db, actor, fund_id)
    rows, next_cursor = rows_or_page(
        db,
        select(FundExpense).where(FundExpense.fund_id == fund.id),
        sort_column=FundExpense.expense_date,
        id_column=FundExpense.id,
        descending=True,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[ExpenseOut](
        items=[ExpenseOut(**_expense_fields(fund, e)) for e in rows], next_cursor=next_cursor
    )


def export_expenses_csv(db: Session, actor: Actor, fund_id: uuid.UUID) -> str:
    return csv_of(EXPENSE_CSV_COLUMNS, list_expenses(db, actor, fund_id, everything=True).items)
