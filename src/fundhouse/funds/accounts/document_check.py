"""The partners' capital accounts computed a second way, from the source documents alone, and
compared with the ledger.

The capital accounts of :mod:`fundhouse.funds.accounts.capital_accounts` are read from the
ledger. This module does not read them: it reads the documents every movement of capital comes
from (issued and cancelled capital calls and their equalization items, distributions and their
allocation rows, fee runs and their installments, fund expenses and their allocations,
investments, realizations and valuations, transfers of interest) and works out, per partner and
per capital account line, what the ledger must hold if every posting came from one of them. A
posting that bypassed the documents (a manual entry on a partner's capital account, a changed
amount) shows up as a difference of its partner and line.

What each document implies (the postings documented in each workflow's module, restated here
from the documents, without calling the posting code):

* an issued call: each allocation's amount to the partner's contributions (3000); an
  equalization call also charges each late closer the fees it catches up (5000) and credits
  its equalization interest to the partners admitted at earlier closes, pro rata to their
  commitments (4300). Cancelled after issue: the same, reversed on the day it was cancelled.
* payments move receivables to cash and touch no capital account; a reversed payment leaves
  nothing (its row is gone and its entry reversed).
* an issued distribution: each allocation row to the partner's distributions (3100); the carry
  it pays (the GP's rows) to the GP's carried interest (3200) and out of the LPs' (5200), split
  among the LPs pro rata to the capital they paid in by its date (per deal for a deal-by-deal
  fund), the waterfall's own weights. Cancelled after issue: reversed on the day cancelled.
* a fee run: each LP's gross fee (5000) and offset (5300); an expense: each partner's share
  (5100); cancelled: reversed on the day cancelled.
* valuations and realizations: each company's position replayed in recording order gives the
  change in unrealized appreciation (4100), the realized gain (4000), the appreciation released
  (4100) and income (4200); each amount is split among the partners pro rata to their capital
  before carry on its date as the documents recorded before it give it (by commitment before
  anyone has capital), by the allocation rule of CONVENTIONS.md.
* a transfer of interest: its called capital from the transferor's contributions to the
  transferee's, and the same share of each other line of the transferor's capital account.
* carry accrued by hypothetical liquidation has no document of its own: its entries (source
  ``carry_accrual``) are their own record. Only their postings on the carried-interest accounts
  (3200, 5200) count as documented; anything else such an entry posts is reported.

Everything is replayed in the order it was recorded (each document's timestamps), so that a
split computed from balances uses the balances of that moment. A constant number of queries
per fund, whatever its size.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundhouse.finance.allocation import allocate
from fundhouse.funds.accounts import capital_accounts
from fundhouse.funds.accounts.schemas import CapitalReconciliationOut, DocumentDifferenceOut
from fundhouse.funds.models import (
    CallAllocation,
    CallPurpose,
    CallStatus,
    CapitalCall,
    Close,
    Commitment,
    CommitmentTransfer,
    Distribution,
    DistributionAllocation,
    DistributionStatus,
    EqualizationItem,
    EqualizationKind,
    ExpenseStatus,
    FeeInstallment,
    FeeRun,
    FeeRunStatus,
    Fund,
    FundExpense,
    FundExpenseAllocation,
    Investment,
    InvestmentKind,
    Investor,
    Payment,
    Valuation,
    WaterfallType,
)
from fundhouse.funds.register.service import get_fund_row, quantum_of
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.service import SumBy
from fundhouse.platform.access import Actor, require

_ZERO = Decimal(0)
_EXACT = ledger.EXACT_CONTEXT

A = FundAccount
LINE_CODES: dict[str, tuple[str, ...]] = {
    "contributions": (A.CAPITAL_CONTRIBUTIONS,),
    "distributions": (A.CAPITAL_DISTRIBUTIONS,),
    "management_fees": (A.MANAGEMENT_FEE_EXPENSE,),
    "fee_offsets": (A.MANAGEMENT_FEE_OFFSET,),
    "expenses": (A.FUND_EXPENSES,),
    "realized_gains": (A.REALIZED_GAIN,),
    "unrealized_gains": (A.CHANGE_IN_UNREALIZED_APPRECIATION,),
    "income": (A.DIVIDEND_AND_INTEREST_INCOME,),
    "equalization_interest": (A.EQUALIZATION_INTEREST_INCOME,),
    "carried_interest": (A.CARRIED_INTEREST_GP, A.CARRIED_INTEREST_ALLOCATION),
}
"""The capital account lines (as in the capital account statement) and their partner accounts."""

CARRY_CODES = (A.CARRIED_INTEREST_GP, A.CARRIED_INTEREST_ALLOCATION)
BEFORE_CARRY = tuple(c for codes in LINE_CODES.values() for c in codes if c not in CARRY_CODES)
"""A partner's capital before carry: the weight of its share of gains."""
MOVED_BY_TRANSFER = tuple(
    c for codes in LINE_CODES.values() for c in codes if c != A.CAPITAL_CONTRIBUTIONS
)
"""The lines a transfer of interest moves pro rata to the contributions it moves."""
CARRY_ACCRUAL = "carry_accrual"
"""The ``source_type`` of carry accrual entries, the one movement with no document table."""

CAPITAL_PURPOSE_KINDS = {CallPurpose.MANAGEMENT_FEE: "fee", CallPurpose.EXPENSES: "expense"}


# --- the documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Commitment:
    id: uuid.UUID
    investor_id: uuid.UUID
    amount: Decimal
    sequence: int
    is_gp: bool
    close_number: int
    created_at: datetime


@dataclass(frozen=True)
class _Contribution:
    """Capital a partner paid in, as the waterfall counts it (its carry weights)."""

    commitment_id: uuid.UUID
    on: date
    amount: Decimal
    kind: str
    deal: uuid.UUID | None = None


@dataclass
class _Documents:
    """Every document of one fund that moves capital, loaded in a fixed number of queries."""

    fund: Fund
    commitments: list[_Commitment]
    calls: list[Any]
    allocations: dict[uuid.UUID, list[Any]]
    fee_items: dict[uuid.UUID, list[Any]]
    payments: list[Any]
    distributions: list[Any]
    distribution_rows: dict[uuid.UUID, list[Any]]
    fee_runs: list[Any]
    installments: dict[uuid.UUID, list[Any]]
    expenses: list[Any]
    expense_shares: dict[uuid.UUID, list[Any]]
    investments: list[Any]
    valuations: list[Any]
    transfers: list[Any]
    accruals: list[ledger.PartnerPosting]


def _grouped(rows: Iterable[Any], key: str) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


def load_documents(db: Session, fund: Fund) -> _Documents:
    """The fund's documents (fifteen queries, whatever the number of partners or documents)."""
    commitments = [
        _Commitment(c.id, c.investor_id, c.amount, c.sequence, c.is_gp, c.number, c.created_at)
        for c in db.execute(
            select(
                Commitment.id,
                Commitment.investor_id,
                Commitment.amount,
                Commitment.sequence,
                Commitment.is_gp,
                Close.number,
                Commitment.created_at,
            )
            .join(Close, Close.id == Commitment.close_id)
            .where(Commitment.fund_id == fund.id)
            .order_by(Commitment.sequence)
        )
    ]
    calls = db.execute(
        select(
            CapitalCall.id,
            CapitalCall.purpose,
            CapitalCall.status,
            CapitalCall.call_date,
            CapitalCall.issued_at,
            CapitalCall.cancelled_at,
            CapitalCall.close_id,
        ).where(CapitalCall.fund_id == fund.id, CapitalCall.issued_at.is_not(None))
    ).all()
    allocations = db.execute(
        select(
            CallAllocation.id,
            CallAllocation.call_id,
            CallAllocation.commitment_id,
            CallAllocation.investor_id,
            CallAllocation.amount,
            CallAllocation.equalization_interest,
        )
        .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
        .where(CapitalCall.fund_id == fund.id)
        .order_by(CallAllocation.sequence)
    ).all()
    fee_items = db.execute(
        select(EqualizationItem.call_id, EqualizationItem.commitment_id, EqualizationItem.principal)
        .join(CapitalCall, CapitalCall.id == EqualizationItem.call_id)
        .where(CapitalCall.fund_id == fund.id, EqualizationItem.kind == EqualizationKind.FEE)
    ).all()
    payments = db.execute(
        select(
            Payment.id,
            Payment.call_allocation_id,
            Payment.amount,
            Payment.received_date,
            Payment.created_at,
        )
        .where(Payment.fund_id == fund.id, Payment.reversed_at.is_(None))
        .order_by(Payment.received_date, Payment.created_at, Payment.id)
    ).all()
    distributions = db.execute(
        select(
            Distribution.id,
            Distribution.distribution_date,
            Distribution.company_id,
            Distribution.status,
            Distribution.issued_at,
            Distribution.cancelled_at,
        ).where(Distribution.fund_id == fund.id, Distribution.issued_at.is_not(None))
    ).all()
    distribution_rows = db.execute(
        select(
            DistributionAllocation.distribution_id,
            DistributionAllocation.investor_id,
            DistributionAllocation.is_gp,
            DistributionAllocation.amount,
        )
        .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
        .where(Distribution.fund_id == fund.id)
    ).all()
    fee_runs = db.execute(
        select(
            FeeRun.id, FeeRun.due_date, FeeRun.status, FeeRun.created_at, FeeRun.updated_at
        ).where(FeeRun.fund_id == fund.id, FeeRun.status != FeeRunStatus.DRAFT)
    ).all()
    installments = db.execute(
        select(
            FeeInstallment.fee_run_id,
            FeeInstallment.investor_id,
            FeeInstallment.gross_amount,
            FeeInstallment.offset_amount,
        ).where(FeeInstallment.fund_id == fund.id)
    ).all()
    expenses = db.execute(
        select(
            FundExpense.id,
            FundExpense.expense_date,
            FundExpense.company_id,
            FundExpense.status,
            FundExpense.created_at,
            FundExpense.updated_at,
        ).where(FundExpense.fund_id == fund.id, FundExpense.status != ExpenseStatus.DRAFT)
    ).all()
    expense_shares = db.execute(
        select(
            FundExpenseAllocation.expense_id,
            FundExpenseAllocation.commitment_id,
            FundExpenseAllocation.investor_id,
            FundExpenseAllocation.amount,
        )
        .join(FundExpense, FundExpense.id == FundExpenseAllocation.expense_id)
        .where(FundExpense.fund_id == fund.id)
    ).all()
    investments = db.execute(
        select(
            Investment.id,
            Investment.company_id,
            Investment.kind,
            Investment.transaction_date,
            Investment.cost_amount,
            Investment.proceeds_amount,
            Investment.created_at,
        ).where(Investment.fund_id == fund.id)
    ).all()
    valuations = db.execute(
        select(
            Valuation.id,
            Valuation.company_id,
            Valuation.as_of,
            Valuation.fair_value,
            Valuation.created_at,
        ).where(Valuation.fund_id == fund.id)
    ).all()
    transfers = db.execute(
        select(
            CommitmentTransfer.from_commitment_id,
            CommitmentTransfer.to_commitment_id,
            CommitmentTransfer.from_investor_id,
            CommitmentTransfer.to_investor_id,
            CommitmentTransfer.transfer_date,
            CommitmentTransfer.called_amount,
            CommitmentTransfer.amount,
            CommitmentTransfer.created_at,
        )
        .where(CommitmentTransfer.fund_id == fund.id)
        .order_by(CommitmentTransfer.transfer_date, CommitmentTransfer.created_at)
    ).all()
    accruals = ledger.partner_postings_of_source(
        db, fund.book_id, CARRY_ACCRUAL, currency=fund.currency, account_codes=CARRY_CODES
    )
    return _Documents(
        fund=fund,
        commitments=commitments,
        calls=list(calls),
        allocations=_grouped(allocations, "call_id"),
        fee_items=_grouped(fee_items, "call_id"),
        payments=list(payments),
        distributions=list(distributions),
        distribution_rows=_grouped(distribution_rows, "distribution_id"),
        fee_runs=list(fee_runs),
        installments=_grouped(installments, "fee_run_id"),
        expenses=list(expenses),
        expense_shares=_grouped(expense_shares, "expense_id"),
        investments=list(investments),
        valuations=list(valuations),
        transfers=list(transfers),
        accruals=list(accruals),
    )


# --- the replay --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Posting:
    """One documented effect on a partner account: debit positive, like the ledger's."""

    on: date
    investor_id: uuid.UUID
    code: str
    amount: Decimal


@dataclass
class _Event:
    """A document's effect, at the moment it was recorded."""

    recorded: datetime
    rank: int
    postings: Callable[[_Book], list[_Posting]]


class _Book:
    """The partner accounts as the documents recorded so far build them."""

    def __init__(self) -> None:
        self.postings: list[_Posting] = []

    def balances(self, on: date, codes: Iterable[str]) -> dict[tuple[uuid.UUID, str], Decimal]:
        wanted = set(codes)
        out: dict[tuple[uuid.UUID, str], Decimal] = defaultdict(lambda: _ZERO)
        with localcontext(_EXACT):
            for p in self.postings:
                if p.on <= on and p.code in wanted:
                    out[(p.investor_id, p.code)] += p.amount
        return out


def _reversed(postings: list[_Posting], on: date) -> list[_Posting]:
    return [_Posting(on, p.investor_id, p.code, -p.amount) for p in postings]


def _constant(postings: list[_Posting]) -> Callable[[_Book], list[_Posting]]:
    return lambda _book: postings


def _reversal(postings: list[_Posting], on: date) -> Callable[[_Book], list[_Posting]]:
    """The reversal of ``postings`` (read when replayed: a distribution's are computed then)."""
    return lambda _book: _reversed(postings, on)


def _cancel_day(when: datetime | None, posted_on: date) -> date:
    """A cancellation's reversal is dated the day it was made, never before the original."""
    return max(when.date(), posted_on) if when is not None else posted_on


class DocumentReplay:
    """Builds the events of one fund's documents and replays them in recording order."""

    def __init__(self, docs: _Documents) -> None:
        self.docs = docs
        self.fund = docs.fund
        self.quantum = quantum_of(docs.fund.currency)
        self.commitment_of = {c.id: c for c in docs.commitments}
        self.events: list[_Event] = []

    # partners and their weights

    def partner_order(self) -> list[tuple[uuid.UUID, Decimal]]:
        """Partners (investors with a commitment, then the GP) by first commitment, with the
        total of their commitments: the order in which allocation ties are broken."""
        committed: dict[uuid.UUID, Decimal] = {}
        for c in self.docs.commitments:
            committed[c.investor_id] = committed.get(c.investor_id, _ZERO) + c.amount
        gp = self.fund.gp_investor_id
        if gp is not None and gp not in committed:
            committed[gp] = _ZERO
        return list(committed.items())

    def split_by_capital(self, book: _Book, total: Decimal, on: date) -> dict[uuid.UUID, Decimal]:
        """``total`` among the partners pro rata to their capital before carry on ``on`` (by
        commitment before anyone has capital)."""
        balances = book.balances(on, BEFORE_CARRY)
        capital: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
        for (investor_id, _code), amount in balances.items():
            capital[investor_id] -= amount
        order = self.partner_order()
        weights = {i: max(capital.get(i, _ZERO), _ZERO) for i, _ in order}
        if not any(weights.values()):
            weights = {i: max(c, _ZERO) for i, c in order}
        if not any(weights.values()) or not total:
            return {}
        return {k: v for k, v in allocate(total, weights, self.quantum).by_key().items() if v}

    # events

    def add(self, recorded: datetime, rank: int, postings: Callable[[_Book], list[_Posting]]):
        self.events.append(_Event(recorded, rank, postings))

    def build(self) -> None:
        self._calls()
        self._distributions()
        self._fee_runs()
        self._expenses()
        self._portfolio()
        self._transfers()
        self._accruals()

    def _fixed(self, recorded: datetime, postings: list[_Posting], cancelled: Any = None) -> None:
        """A document with fixed postings, and their reversal if it was cancelled after."""
        self.add(recorded, 0, _constant(postings))
        if cancelled is not None:
            cancelled_at, on = cancelled
            self.add(cancelled_at, 1, _reversal(postings, on))

    def _calls(self) -> None:
        for call in self.docs.calls:
            rows = self.docs.allocations.get(call.id, [])
            postings = [
                _Posting(call.call_date, a.investor_id, A.CAPITAL_CONTRIBUTIONS, -a.amount)
                for a in rows
                if a.amount
            ]
            if call.purpose == CallPurpose.EQUALIZATION:
                postings += self._equalization(call, rows)
            cancelled = None
            if call.status == CallStatus.CANCELLED:
                on = _cancel_day(call.cancelled_at, call.call_date)
                cancelled = (call.cancelled_at or call.issued_at, on)
            self._fixed(call.issued_at, postings, cancelled)

    def _equalization(self, call: Any, rows: list[Any]) -> list[_Posting]:
        """A late closer's fee catch-up (5000), and its equalization interest credited to the
        partners admitted at earlier closes pro rata to their commitments (4300)."""
        out = []
        for item in self.docs.fee_items.get(call.id, []):
            investor = self.commitment_of[item.commitment_id].investor_id
            if item.principal:
                out.append(
                    _Posting(call.call_date, investor, A.MANAGEMENT_FEE_EXPENSE, item.principal)
                )
        interest = sum((a.equalization_interest for a in rows), _ZERO)
        late = {self.commitment_of[a.commitment_id].close_number for a in rows}
        if not interest or not late:
            return out
        close_number = min(late)
        then = {c.id: self.committed_at(c, call.issued_at) for c in self.docs.commitments}
        earlier = [
            c for c in self.docs.commitments if then[c.id] > 0 and c.close_number < close_number
        ]
        if not earlier:
            return out
        shares = allocate(interest, {c.id: then[c.id] for c in earlier}, self.quantum).by_key()
        for c in earlier:
            if shares[c.id]:
                out.append(
                    _Posting(
                        call.call_date,
                        c.investor_id,
                        A.EQUALIZATION_INTEREST_INCOME,
                        -shares[c.id],
                    )
                )
        return out

    def committed_at(self, c: _Commitment, moment: datetime) -> Decimal:
        """A commitment's amount at ``moment``: none before it was made, and what transfers
        recorded since took out of it added back."""
        if c.created_at > moment:
            return _ZERO
        later = (
            t.amount
            for t in self.docs.transfers
            if t.from_commitment_id == c.id and t.created_at > moment
        )
        return c.amount + sum(later, _ZERO)

    def _distributions(self) -> None:
        for d in self.docs.distributions:
            rows = self.docs.distribution_rows.get(d.id, [])

            def declared(book: _Book, d: Any = d, rows: list[Any] = rows) -> list[_Posting]:
                out = [
                    _Posting(d.distribution_date, r.investor_id, A.CAPITAL_DISTRIBUTIONS, r.amount)
                    for r in rows
                    if r.amount
                ]
                carry = sum((r.amount for r in rows if r.is_gp), _ZERO)
                if carry and self.fund.gp_investor_id is not None:
                    out.append(
                        _Posting(
                            d.distribution_date,
                            self.fund.gp_investor_id,
                            A.CARRIED_INTEREST_GP,
                            -carry,
                        )
                    )
                    for investor_id, share in self.carry_split(d, carry).items():
                        out.append(
                            _Posting(
                                d.distribution_date,
                                investor_id,
                                A.CARRIED_INTEREST_ALLOCATION,
                                share,
                            )
                        )
                return out

            posted: list[_Posting] = []

            def issue(
                book: _Book,
                declared: Callable[..., list[_Posting]] = declared,
                posted: list[_Posting] = posted,
            ) -> list[_Posting]:
                posted.extend(declared(book))
                return posted

            self.add(d.issued_at, 0, issue)
            if d.status == DistributionStatus.CANCELLED:
                on = _cancel_day(d.cancelled_at, d.distribution_date)
                self.add(
                    d.cancelled_at or d.issued_at,
                    1,
                    _reversal(posted, on),
                )

    # the waterfall's weights for the carry a distribution pays

    def carry_split(self, d: Any, carry: Decimal) -> dict[uuid.UUID, Decimal]:
        """The carry among the LPs pro rata to the capital they had paid in by the
        distribution's date (per deal for a deal-by-deal fund), as recorded when issued."""
        fund = self.fund
        gp_key: Hashable = next(
            (
                c.id
                for c in self.docs.commitments
                if c.is_gp and c.investor_id == fund.gp_investor_id
            ),
            "gp-carry",
        )
        contributions = self._transferred(self._paid(d.issued_at), d.issued_at)
        deal_by_deal = fund.waterfall_type == WaterfallType.AMERICAN
        if deal_by_deal:
            contributions = self._deals(contributions, d.issued_at)
        weights = {c.id: _ZERO for c in self.docs.commitments if c.id != gp_key}
        for c in contributions:
            if c.on > d.distribution_date or c.commitment_id == gp_key:
                continue
            if c.commitment_id not in weights:
                continue
            if deal_by_deal and c.deal != d.company_id:
                continue
            if not fund.return_of_capital_includes_fees and c.kind != "capital":
                continue
            weights[c.commitment_id] += c.amount
        if not any(weights.values()):
            weights = {c.id: c.amount for c in self.docs.commitments if c.id != gp_key}
        if not any(weights.values()):
            return {}
        out: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
        for key, amount in allocate(carry, weights, self.quantum).by_key().items():
            if amount:
                out[self.commitment_of[key].investor_id] += amount
        return dict(out)

    def _paid(self, before: datetime) -> list[_Contribution]:
        """Capital paid against issued calls by ``before``, capped at each allocation."""
        purpose = {c.id: c.purpose for c in self.docs.calls}
        allocation = {a.id: a for rows in self.docs.allocations.values() for a in rows}
        left: dict[uuid.UUID, Decimal] = {}
        out = []
        for p in self.docs.payments:
            a = allocation.get(p.call_allocation_id)
            if a is None or a.call_id not in purpose or p.created_at >= before:
                continue
            room = left.get(a.id, a.amount)
            part = min(p.amount, room)
            left[a.id] = room - part
            if part > 0:
                kind = CAPITAL_PURPOSE_KINDS.get(purpose[a.call_id], "capital")
                out.append(_Contribution(a.commitment_id, p.received_date, part, kind))
        return out

    def _transferred(self, paid: list[_Contribution], before: datetime) -> list[_Contribution]:
        """Each transfer moves the transferor's contributions to date to the transferee, pro
        rata, keeping their dates."""
        out = list(paid)
        for t in self.docs.transfers:
            if t.created_at >= before:
                continue
            held = [
                i
                for i, c in enumerate(out)
                if c.commitment_id == t.from_commitment_id and c.on <= t.transfer_date
            ]
            total = sum((out[i].amount for i in held), _ZERO)
            moved = min(t.called_amount, total)
            if not moved:
                continue
            parts = allocate(moved, [out[i].amount for i in held], self.quantum)
            for i, part in zip(held, parts, strict=True):
                c = out[i]
                out[i] = _Contribution(c.commitment_id, c.on, c.amount - part, c.kind, c.deal)
                if part:
                    out.append(_Contribution(t.to_commitment_id, c.on, part, c.kind, c.deal))
        return [c for c in out if c.amount > 0]

    def _deals(self, paid: list[_Contribution], before: datetime) -> list[_Contribution]:
        """Deal by deal: each purchase split by the capital paid in by its date, and the
        expenses charged to a deal."""
        out = []
        capital = sorted((c for c in paid if c.kind == "capital"), key=lambda c: c.on)
        purchases = sorted(
            (
                i
                for i in self.docs.investments
                if i.kind == InvestmentKind.PURCHASE and i.created_at < before
            ),
            key=lambda i: (i.transaction_date, i.created_at),
        )
        for i in purchases:
            weights = {c.id: _ZERO for c in self.docs.commitments}
            for c in capital:
                if c.on > i.transaction_date:
                    break
                if c.commitment_id in weights:
                    weights[c.commitment_id] += c.amount
            if not any(weights.values()):
                weights = {c.id: c.amount for c in self.docs.commitments}
            for key, part in allocate(i.cost_amount, weights, self.quantum).by_key().items():
                if part:
                    out.append(
                        _Contribution(key, i.transaction_date, part, "capital", i.company_id)
                    )
        for e in self.docs.expenses:
            live = e.status == ExpenseStatus.POSTED or e.updated_at > before
            if e.company_id is None or e.created_at >= before or not live:
                continue
            for s in self.docs.expense_shares.get(e.id, []):
                if s.amount:
                    out.append(
                        _Contribution(
                            s.commitment_id, e.expense_date, s.amount, "expense", e.company_id
                        )
                    )
        return out

    def _fee_runs(self) -> None:
        for run in self.docs.fee_runs:
            postings = []
            for i in self.docs.installments.get(run.id, []):
                if i.gross_amount:
                    postings.append(
                        _Posting(
                            run.due_date, i.investor_id, A.MANAGEMENT_FEE_EXPENSE, i.gross_amount
                        )
                    )
                if i.offset_amount:
                    postings.append(
                        _Posting(
                            run.due_date, i.investor_id, A.MANAGEMENT_FEE_OFFSET, -i.offset_amount
                        )
                    )
            cancelled = None
            if run.status == FeeRunStatus.CANCELLED:
                cancelled = (run.updated_at, _cancel_day(run.updated_at, run.due_date))
            self._fixed(run.created_at, postings, cancelled)

    def _expenses(self) -> None:
        for e in self.docs.expenses:
            postings = [
                _Posting(e.expense_date, s.investor_id, A.FUND_EXPENSES, s.amount)
                for s in self.docs.expense_shares.get(e.id, [])
                if s.amount
            ]
            cancelled = None
            if e.status == ExpenseStatus.CANCELLED:
                cancelled = (e.updated_at, _cancel_day(e.updated_at, e.expense_date))
            self._fixed(e.created_at, postings, cancelled)

    def _portfolio(self) -> None:
        """Each company's transactions and valuations, replayed in the order recorded."""
        by_company: dict[uuid.UUID, list[tuple[date, datetime, int, Any]]] = defaultdict(list)
        for i in self.docs.investments:
            by_company[i.company_id].append((i.transaction_date, i.created_at, 0, i))
        for v in self.docs.valuations:
            by_company[v.company_id].append((v.as_of, v.created_at, 1, v))
        for events in by_company.values():
            events.sort(key=lambda e: (e[0], e[1], e[2]))
            cost = unrealized = _ZERO
            for on, recorded, is_valuation, doc in events:
                amounts: list[tuple[str, Decimal]] = []
                if is_valuation:
                    change = doc.fair_value - cost - unrealized
                    unrealized += change
                    amounts.append((A.CHANGE_IN_UNREALIZED_APPRECIATION, change))
                elif doc.kind == InvestmentKind.PURCHASE:
                    cost += doc.cost_amount
                elif doc.kind == InvestmentKind.INCOME:
                    amounts.append((A.DIVIDEND_AND_INTEREST_INCOME, doc.proceeds_amount))
                else:
                    taken = doc.cost_amount
                    if taken >= cost:
                        released = unrealized
                    else:
                        released = (unrealized * taken / cost).quantize(self.quantum, ROUND_HALF_UP)
                    cost -= taken
                    unrealized -= released
                    amounts.append((A.REALIZED_GAIN, doc.proceeds_amount - taken))
                    amounts.append((A.CHANGE_IN_UNREALIZED_APPRECIATION, -released))
                amounts = [(code, amount) for code, amount in amounts if amount]
                if amounts:
                    self.add(recorded, 0, self._allocated(on, amounts))

    def _allocated(
        self, on: date, amounts: list[tuple[str, Decimal]]
    ) -> Callable[[_Book], list[_Posting]]:
        def postings(book: _Book) -> list[_Posting]:
            out = []
            for code, total in amounts:
                for investor_id, share in self.split_by_capital(book, total, on).items():
                    out.append(_Posting(on, investor_id, code, -share))
            return out

        return postings

    def _transfers(self) -> None:
        for t in self.docs.transfers:

            def moved(book: _Book, t: Any = t) -> list[_Posting]:
                on = t.transfer_date
                codes = (A.CAPITAL_CONTRIBUTIONS, *MOVED_BY_TRANSFER)
                balances = book.balances(on, codes)
                called = -balances.get((t.from_investor_id, A.CAPITAL_CONTRIBUTIONS), _ZERO)
                moves: list[tuple[str, Decimal]] = []
                if t.called_amount:
                    moves.append((A.CAPITAL_CONTRIBUTIONS, -t.called_amount))
                for code in MOVED_BY_TRANSFER:
                    balance = balances.get((t.from_investor_id, code), _ZERO)
                    share = self._share(balance, t.called_amount, called)
                    if share:
                        moves.append((code, share))
                out = []
                for code, amount in moves:
                    out.append(_Posting(on, t.from_investor_id, code, -amount))
                    out.append(_Posting(on, t.to_investor_id, code, amount))
                return out

            self.add(t.created_at, 0, moved)

    def _share(self, total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
        """``part / whole`` of ``total`` by the allocation rule (the two shares sum to it)."""
        if whole <= 0 or total == 0:
            return _ZERO
        if part >= whole:
            return total
        split = allocate(total, {"moved": part, "kept": whole - part}, self.quantum)
        return split.amount_for("moved")

    def _accruals(self) -> None:
        entries: dict[uuid.UUID, list[Any]] = _grouped(self.docs.accruals, "entry_id")
        for rows in entries.values():
            postings = [_Posting(r.entry_date, r.party_id, r.account_code, r.amount) for r in rows]
            self.add(rows[0].recorded_at, 0, _constant(postings))

    def replay(self) -> _Book:
        book = _Book()
        for event in sorted(self.events, key=lambda e: (e.recorded, e.rank)):
            book.postings.extend(event.postings(book))
        return book


# --- the comparison ----------------------------------------------------------------------


def lines_of(
    balances: dict[tuple[uuid.UUID, str], Decimal],
) -> dict[tuple[uuid.UUID, str], Decimal]:
    """Balances by (partner, account), debit positive, as (partner, line) effects on capital."""
    line_of = {code: line for line, codes in LINE_CODES.items() for code in codes}
    out: dict[tuple[uuid.UUID, str], Decimal] = defaultdict(lambda: _ZERO)
    with localcontext(_EXACT):
        for (investor_id, code), amount in balances.items():
            line = line_of.get(code)
            if line is not None:
                out[(investor_id, line)] -= amount
    return dict(out)


def booked_balances(db: Session, fund: Fund, as_of: date) -> dict[tuple[uuid.UUID, str], Decimal]:
    """Each partner's balances of the capital account lines' accounts at ``as_of``, as the
    ledger holds them: the one thing read from the ledger (one grouped query)."""
    return ledger.net_totals(
        db,
        fund.book_id,
        fund.currency,
        [SumBy.PARTY, SumBy.ACCOUNT],
        as_of=as_of,
        account_codes=[c for codes in LINE_CODES.values() for c in codes],
    )


def documented_lines(db: Session, fund: Fund, as_of: date) -> dict[tuple[uuid.UUID, str], Decimal]:
    """Each partner's capital account lines at ``as_of`` as the documents alone imply them."""
    replay = DocumentReplay(load_documents(db, fund))
    replay.build()
    book = replay.replay()
    codes = [c for codes in LINE_CODES.values() for c in codes]
    return lines_of(book.balances(as_of, codes))


def compare(
    fund: Fund,
    documented: dict[tuple[uuid.UUID, str], Decimal],
    booked: dict[tuple[uuid.UUID, str], Decimal],
    names: dict[uuid.UUID, str],
) -> list[DocumentDifferenceOut]:
    """Every (partner, line) whose documents and ledger disagree, by partner name then line."""
    quantum = quantum_of(fund.currency)
    order = {line: i for i, line in enumerate(LINE_CODES)}
    out = []
    for key in set(documented) | set(booked):
        doc, led = documented.get(key, _ZERO), booked.get(key, _ZERO)
        if doc == led:
            continue
        investor_id, line = key
        out.append(
            DocumentDifferenceOut(
                investor_id=investor_id,
                investor_name=names.get(investor_id),
                line=line,
                from_documents=doc.quantize(quantum) + quantum * 0,
                from_ledger=led.quantize(quantum) + quantum * 0,
                difference=(led - doc).quantize(quantum) + quantum * 0,
            )
        )
    out.sort(key=lambda d: (d.investor_name or "", str(d.investor_id), order[d.line]))
    return out


def reconcile(
    db: Session, actor: Actor, fund_id: uuid.UUID, as_of: date
) -> CapitalReconciliationOut:
    """The capital accounts against the trial balance (see :func:`capital_accounts.reconcile`)
    and against the source documents: every partner and line where the ledger holds something
    the documents do not explain, or misses something they do."""
    require(actor, "ledger:read")
    check = capital_accounts.reconcile(db, actor, fund_id, as_of)
    fund = get_fund_row(db, actor, fund_id)
    booked = lines_of(booked_balances(db, fund, as_of))
    documented = documented_lines(db, fund, as_of)
    parties = {investor_id for investor_id, _ in (*booked, *documented)}
    names = (
        dict(
            db.execute(
                select(Investor.id, Investor.name).where(
                    Investor.org_id == fund.org_id, Investor.id.in_(parties)
                )
            ).all()
        )
        if parties
        else {}
    )
    differences = compare(fund, documented, booked, names)
    return check.model_copy(
        update={"documents_agree": not differences, "document_differences": differences}
    )
