"""Disbursements: the fund pays its payables out of its cash.

What a fee run, an expense or a distribution's withholding made payable is settled here, each
payment one balanced entry dated the day paid:

* management fees to the manager: Dr 2100 management fees payable / Cr 1000 cash, at most the
  fees payable that day (a fee run's own, when the payment names it, at most what is left of it);
* a fund expense to its vendor: Dr 2200 accrued expenses payable / Cr 1000 cash, at most what
  is left unpaid of that expense, on or after its date;
* the tax withheld from a distribution, remitted to the tax authority: Dr 2300 withholding tax
  payable per LP / Cr 1000 cash, all of what that distribution withheld and was not remitted.

The fund cannot pay more than the cash it holds that day. A payment cannot be undone here: a
mistaken one is corrected by a reversing entry in the ledger, like any other.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundhouse.funds import postings
from fundhouse.funds.accounts.capital_accounts import money_of
from fundhouse.funds.fees.schemas import (
    DisbursementCreate,
    DisbursementFilters,
    DisbursementOut,
    PayableOut,
    PayablesOut,
)
from fundhouse.funds.models import (
    Disbursement,
    DisbursementKind,
    Distribution,
    DistributionAllocation,
    DistributionStatus,
    ExpenseStatus,
    FeeRun,
    FeeRunStatus,
    Fund,
    FundExpense,
)
from fundhouse.funds.register.service import get_fund_row, money, rows_or_page
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
from fundhouse.platform import audit, events
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import Conflict, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

_ZERO = Decimal(0)
_PAYABLE = {
    DisbursementKind.MANAGEMENT_FEE: FundAccount.MANAGEMENT_FEES_PAYABLE,
    DisbursementKind.EXPENSE: FundAccount.ACCRUED_EXPENSES_PAYABLE,
    DisbursementKind.WITHHOLDING_TAX: FundAccount.WITHHOLDING_TAX_PAYABLE,
}


def _paid_against(db: Session, column: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    """What was disbursed so far against each fee run, expense or distribution (one query)."""
    if not ids:
        return {}
    totals: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for key, amount in db.execute(
        select(column, Disbursement.amount).where(column.in_(ids))
    ):  # amounts are added in Python: SQLite keeps decimals as text
        totals[key] += amount
    return dict(totals)


def _balance(db: Session, actor: Actor, fund: Fund, code: str, on: date) -> Decimal:
    """The net balance (debits − credits) of one account of the fund's book on ``on``."""
    return ledger.account_balance(db, actor, fund.book_id, code, on, currency=fund.currency)


def _withheld(db: Session, distribution: Distribution) -> dict[uuid.UUID, Decimal]:
    withheld: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for investor_id, amount in db.execute(
        select(DistributionAllocation.investor_id, DistributionAllocation.withholding_amount).where(
            DistributionAllocation.distribution_id == distribution.id
        )
    ):
        withheld[investor_id] += amount
    return {k: v for k, v in withheld.items() if v > 0}


def _fee_run(db: Session, fund: Fund, run_id: uuid.UUID) -> FeeRun:
    run = db.scalar(select(FeeRun).where(FeeRun.id == run_id, FeeRun.fund_id == fund.id))
    if run is None:
        raise Invalid("No such fee run of this fund.", field="fee_run_id")
    if run.status != FeeRunStatus.POSTED:
        raise Conflict(f"This fee run is {run.status.value}: only posted fees are payable.")
    return run


def _expense(db: Session, fund: Fund, expense_id: uuid.UUID) -> FundExpense:
    expense = db.scalar(
        select(FundExpense).where(FundExpense.id == expense_id, FundExpense.fund_id == fund.id)
    )
    if expense is None:
        raise Invalid("No such expense of this fund.", field="expense_id")
    if expense.status != ExpenseStatus.POSTED:
        raise Conflict(f"This expense is {expense.status.value}: only posted ones are payable.")
    return expense


def _distribution(db: Session, fund: Fund, distribution_id: uuid.UUID) -> Distribution:
    distribution = db.scalar(
        select(Distribution).where(
            Distribution.id == distribution_id, Distribution.fund_id == fund.id
        )
    )
    if distribution is None:
        raise Invalid("No such distribution of this fund.", field="distribution_id")
    if distribution.status not in (DistributionStatus.ISSUED, DistributionStatus.PAID):
        raise Conflict(
            f"This distribution is {distribution.status.value}: nothing was withheld yet."
        )
    return distribution


def _out(fund: Fund, d: Disbursement) -> DisbursementOut:
    return DisbursementOut(
        id=d.id,
        fund_id=d.fund_id,
        currency=fund.currency,
        kind=d.kind,
        fee_run_id=d.fee_run_id,
        expense_id=d.expense_id,
        distribution_id=d.distribution_id,
        paid_date=d.paid_date,
        amount=money_of(fund, d.amount),
        payee=d.payee,
        reference=d.reference,
        ledger_entry_id=d.ledger_entry_id,
        created_at=d.created_at,
    )


def _check_references(data: DisbursementCreate) -> None:
    wanted = {
        DisbursementKind.MANAGEMENT_FEE: "fee_run_id",
        DisbursementKind.EXPENSE: "expense_id",
        DisbursementKind.WITHHOLDING_TAX: "distribution_id",
    }
    for kind, field in wanted.items():
        if kind != data.kind and getattr(data, field) is not None:
            raise Invalid(f"A {data.kind.value} payment takes no {field}.", field=field)


def create_disbursement(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: DisbursementCreate
) -> DisbursementOut:
    """Pay a payable out of the fund's cash (see the module's docstring)."""
    require(actor, "payment:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    _check_references(data)
    amount = None if data.amount is None else money(data.amount, fund.currency, "amount")
    lines: list[ledger.Line]
    payee = data.payee
    cur = fund.currency
    if data.kind == DisbursementKind.WITHHOLDING_TAX:
        if data.distribution_id is None:
            raise Invalid(
                "Name the distribution whose withholding is remitted.", field="distribution_id"
            )
        distribution = _distribution(db, fund, data.distribution_id)
        if data.paid_date < distribution.distribution_date:
            raise Invalid("The tax cannot be remitted before it was withheld.", field="paid_date")
        if _paid_against(db, Disbursement.distribution_id, [distribution.id]):
            raise Conflict("The tax withheld from this distribution was remitted already.")
        withheld = _withheld(db, distribution)
        total = sum(withheld.values(), _ZERO)
        if not total:
            raise Conflict("This distribution withheld no tax.")
        if amount is not None and amount != total:
            raise Invalid(
                f"The distribution withheld {money_of(fund, total)} {cur}: remit all of it.",
                field="amount",
            )
        amount = total
        lines = postings.tax_remitted(cur, withheld)
    elif data.kind == DisbursementKind.EXPENSE:
        if data.expense_id is None:
            raise Invalid("Name the expense paid.", field="expense_id")
        expense = _expense(db, fund, data.expense_id)
        if data.paid_date < expense.expense_date:
            raise Invalid("An expense cannot be paid before its date.", field="paid_date")
        left = expense.amount - _paid_against(db, Disbursement.expense_id, [expense.id]).get(
            expense.id, _ZERO
        )
        if left <= 0:
            raise Conflict("This expense is paid already.")
        amount = left if amount is None else amount
        if amount > left:
            raise Invalid(
                f"Only {money_of(fund, left)} {cur} of this expense is unpaid.", field="amount"
            )
        payee = payee or expense.vendor
        lines = postings.expense_paid(cur, amount)
    else:
        payable = -_balance(db, actor, fund, FundAccount.MANAGEMENT_FEES_PAYABLE, data.paid_date)
        if data.fee_run_id is not None:
            run = _fee_run(db, fund, data.fee_run_id)
            if data.paid_date < run.due_date:
                raise Invalid("A fee cannot be paid before it is billed.", field="paid_date")
            paid = _paid_against(db, Disbursement.fee_run_id, [run.id]).get(run.id, _ZERO)
            payable = min(payable, run.total_amount - paid)
        if amount is None:
            amount = payable
        if payable <= 0:
            raise Conflict(f"No management fee is payable on {data.paid_date}.")
        if amount > payable:
            raise Invalid(
                f"Only {money_of(fund, payable)} {cur} of management fees is payable on "
                f"{data.paid_date}.",
                field="amount",
            )
        lines = postings.management_fee_paid(cur, amount)
    if not payee:
        raise Invalid("Name who is paid.", field="payee")
    cash = _balance(db, actor, fund, FundAccount.CASH, data.paid_date)
    if amount > cash:
        raise Conflict(
            f"The fund holds {money_of(fund, cash)} {cur} in cash on {data.paid_date}: "
            f"it cannot pay {money_of(fund, amount)} {cur}."
        )
    row_id = uuid.uuid4()
    entry = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=data.paid_date,
        memo=f"Paid {payee}: {data.kind.value.replace('_', ' ')}"
        + (f" ({data.reference})" if data.reference else ""),
        lines=lines,
        source_type="disbursement",
        source_id=row_id,
    )
    row = Disbursement(
        id=row_id,
        org_id=actor.org_id,
        fund_id=fund.id,
        kind=data.kind,
        fee_run_id=data.fee_run_id,
        expense_id=data.expense_id,
        distribution_id=data.distribution_id,
        paid_date=data.paid_date,
        amount=amount,
        payee=payee,
        reference=data.reference,
        ledger_entry_id=entry.id,
        created_by=actor.user_id,
    )
    db.add(row)
    db.flush()
    audit.record(db, actor, "disbursement.created", row, after=audit.snapshot(row))
    events.emit(
        db,
        "disbursement.created",
        {"fund_id": str(fund.id), "disbursement_id": str(row.id), "kind": row.kind.value},
        org_id=actor.org_id,
    )
    return _out(fund, row)


DISBURSEMENT_CSV_COLUMNS = (
    "id",
    "paid_date",
    "kind",
    "payee",
    "currency",
    "amount",
    "reference",
    "fee_run_id",
    "expense_id",
    "distribution_id",
    "ledger_entry_id",
    "created_at",
)


def list_disbursements(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    filters: DisbursementFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[DisbursementOut]:
    """The fund's disbursements, latest first (one query for any page size)."""
    require(actor, "payment:read")
    fund = get_fund_row(db, actor, fund_id)
    stmt = select(Disbursement).where(Disbursement.fund_id == fund.id)
    if filters.kind is not None:
        stmt = stmt.where(Disbursement.kind == filters.kind)
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=Disbursement.paid_date,
        id_column=Disbursement.id,
        descending=True,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[DisbursementOut](items=[_out(fund, d) for d in rows], next_cursor=next_cursor)


def export_disbursements_csv(
    db: Session, actor: Actor, fund_id: uuid.UUID, filters: DisbursementFilters
) -> str:
    page = list_disbursements(db, actor, fund_id, filters, everything=True)
    return csv_of(DISBURSEMENT_CSV_COLUMNS, page.items)


def list_payables(db: Session, actor: Actor, fund_id: uuid.UUID, as_of: date) -> PayablesOut:
    """What the fund owes on ``as_of`` and what of it is still to pay, item by item: the fees
    payable, each expense not fully paid, each distribution's withholding not remitted (a
    fixed number of queries)."""
    require(actor, "payment:read")
    fund = get_fund_row(db, actor, fund_id)
    m = lambda v: money_of(fund, v)  # noqa: E731
    fees_payable = -_balance(db, actor, fund, FundAccount.MANAGEMENT_FEES_PAYABLE, as_of)
    expenses = list(
        db.scalars(
            select(FundExpense)
            .where(
                FundExpense.fund_id == fund.id,
                FundExpense.status == ExpenseStatus.POSTED,
                FundExpense.expense_date <= as_of,
            )
            .order_by(FundExpense.expense_date)
        )
    )
    expense_paid = _paid_against(db, Disbursement.expense_id, [e.id for e in expenses])
    withheld_by: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    distributions: dict[uuid.UUID, tuple[int, date]] = {}
    for distribution_id, number, on, amount in db.execute(
        select(
            Distribution.id,
            Distribution.number,
            Distribution.distribution_date,
            DistributionAllocation.withholding_amount,
        )
        .join(DistributionAllocation, DistributionAllocation.distribution_id == Distribution.id)
        .where(
            Distribution.fund_id == fund.id,
            Distribution.status.in_((DistributionStatus.ISSUED, DistributionStatus.PAID)),
            Distribution.distribution_date <= as_of,
        )
    ):  # compared in Python: SQLite keeps decimals as text
        if amount > 0:
            withheld_by[distribution_id] += amount
            distributions[distribution_id] = (number, on)
    remitted = _paid_against(db, Disbursement.distribution_id, list(distributions))
    items = [
        PayableOut(
            kind=DisbursementKind.EXPENSE,
            expense_id=e.id,
            item_date=e.expense_date,
            description=" · ".join(x for x in (e.vendor, e.description or e.category) if x),
            amount=m(e.amount),
            outstanding=m(e.amount - expense_paid.get(e.id, _ZERO)),
        )
        for e in expenses
        if e.amount > expense_paid.get(e.id, _ZERO)
    ]
    items += [
        PayableOut(
            kind=DisbursementKind.WITHHOLDING_TAX,
            distribution_id=distribution_id,
            item_date=on,
            description=f"Tax withheld from distribution #{number}",
            amount=m(withheld_by[distribution_id]),
            outstanding=m(withheld_by[distribution_id]),
        )
        for distribution_id, (number, on) in sorted(distributions.items(), key=lambda d: d[1])
        if distribution_id not in remitted
    ]
    return PayablesOut(
        fund_id=fund.id,
        currency=fund.currency,
        as_of=as_of,
        management_fees_payable=m(max(fees_payable, _ZERO)),
        cash=m(_balance(db, actor, fund, FundAccount.CASH, as_of)),
        items=items,
    )


def get_disbursement(db: Session, actor: Actor, disbursement_id: uuid.UUID) -> DisbursementOut:
    require(actor, "payment:read")
    row = db.scalar(
        select(Disbursement).where(
            Disbursement.id == disbursement_id, Disbursement.org_id == actor.org_id
        )
    )
    if row is None:
        raise NotFound("No such disbursement.")
    return _out(get_fund_row(db, actor, row.fund_id), row)
