"""Management fees, fee offsets and late-closer equalization.

Convention: ``shared/CONVENTIONS.md`` "Management fees and late closers".

* Calendar quarters, billed in advance on the first day of each quarter; the first (stub)
  period runs from the initial close to the end of its quarter and is billed at the close.
* The investment period runs from the initial close to its fifth anniversary *(term)*;
  during it the fee is a rate *(term: 2%)* on commitments, after it a rate *(term: 1.5%)* on
  the cost of unrealized investments *(term: or NAV)* at the start of the (sub)period.
* A full quarter costs rate / 4 × base; a partial period costs rate × base × days / 365. The
  quarter containing the end of the investment period is split by days at that date, and so
  is any quarter in which a step-down or a fee holiday *(terms)* begins or ends.
* Each installment is rounded half up to the cent, once, after its periods are summed.
* Fee offsets *(term: 100%)*: a transaction fee received on date r reduces the first
  installment due strictly after r; the excess carries forward; a fee is never negative.
* A late closer pays every installment (fees and capital calls) due on or before its close
  date on its own commitment as if admitted at the initial close, plus equalization interest
  *(term: 8% simple, days / 365)* from each due date to its close date; the interest goes to
  the LPs admitted earlier, pro rata to their commitments, and is not fee income.

**Per-LP amounts.** Each installment is computed once for the fund, rounded once, and then
allocated among the LPs billed by their commitments with the allocation rule of
``shared/CONVENTIONS.md``. Computing per LP and rounding each would make the LPs' fees differ
from the fund's installment by stray cents; after the investment period the base (cost or
NAV) is a fund-level figure anyway. An installment is billed to the LPs admitted before its
due date (and, for the first installment, to those admitted at the initial close): an LP
admitted on a due date pays that installment through its late-closer catch-up instead.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from fundhouse.finance.allocation import CENT, AmountsByKey, allocate_quanta, from_quanta

__all__ = [
    "BasisValue",
    "CatchUpItem",
    "CatchUpKind",
    "Commitment",
    "FeeBasis",
    "FeeHoliday",
    "FeeInstallment",
    "FeePeriod",
    "FeeSchedule",
    "FeeTerms",
    "LateCloserCatchUp",
    "PriorCapitalCall",
    "RateStep",
    "TransactionFee",
    "compute_late_closer_catch_up",
    "compute_management_fees",
    "investment_period_end",
]

Key = Hashable

_DAYS_PER_YEAR = 365
_QUARTERS_PER_YEAR = 4


class FeeBasis(StrEnum):
    """What the fee rate applies to."""

    COMMITMENTS = "commitments"
    INVESTED_COST = "invested_cost"
    NAV = "nav"


@dataclass(frozen=True)
class RateStep:
    """A step-down: from ``effective`` on, the fee rate is ``rate`` (the base is unchanged).

    The rate on a day is set by the latest of: the initial close (investment-period rate),
    the end of the investment period (post-period rate) and the steps, taken by date; a step
    on the same day as the end of the investment period wins.
    """

    effective: date
    rate: Decimal


@dataclass(frozen=True)
class FeeHoliday:
    """Days with no fee, from ``start`` to ``end``, both inclusive."""

    start: date
    end: date


@dataclass(frozen=True)
class FeeTerms:
    """A fund's management-fee terms; defaults are those of shared/CONVENTIONS.md.

    ``investment_period_end`` overrides the anniversary given by ``investment_period_years``
    (e.g. when a successor fund ends the investment period early). ``offset_rate`` is the
    share of each transaction fee credited against management fees; ``equalization_rate`` the
    simple annual interest a late closer pays on its catch-up.
    """

    investment_period_rate: Decimal = Decimal("0.02")
    post_investment_period_rate: Decimal = Decimal("0.015")
    investment_period_years: int = 5
    investment_period_end: date | None = None
    post_investment_period_basis: FeeBasis = FeeBasis.INVESTED_COST
    offset_rate: Decimal = Decimal("1")
    step_downs: tuple[RateStep, ...] = ()
    holidays: tuple[FeeHoliday, ...] = ()
    equalization_rate: Decimal = Decimal("0.08")
    quantum: Decimal = CENT

    def __post_init__(self) -> None:
        object.__setattr__(self, "step_downs", tuple(self.step_downs))
        object.__setattr__(self, "holidays", tuple(self.holidays))
        rates = {
            "investment_period_rate": self.investment_period_rate,
            "post_investment_period_rate": self.post_investment_period_rate,
            "offset_rate": self.offset_rate,
            "equalization_rate": self.equalization_rate,
            **{f"step-down rate of {s.effective}": s.rate for s in self.step_downs},
        }
        for name, value in rates.items():
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a non-negative Decimal, got {value!r}")
        if self.offset_rate > 1:
            raise ValueError("offset_rate must be at most 1 (100%)")
        if self.investment_period_years < 0:
            raise ValueError("investment_period_years must not be negative")
        if self.post_investment_period_basis not in (FeeBasis.INVESTED_COST, FeeBasis.NAV):
            raise ValueError("post_investment_period_basis must be invested_cost or nav")
        object.__setattr__(
            self, "post_investment_period_basis", FeeBasis(self.post_investment_period_basis)
        )
        for h in self.holidays:
            if h.end < h.start:
                raise ValueError(f"the fee holiday from {h.start} ends before it starts")
        if not isinstance(self.quantum, Decimal) or not self.quantum > 0:
            raise ValueError("quantum must be a positive Decimal")


@dataclass(frozen=True)
class Commitment:
    """An LP's commitment; ``close_date`` is its admission (``None``: the initial close)."""

    lp: Key
    amount: Decimal
    close_date: date | None = None


@dataclass(frozen=True)
class BasisValue:
    """The cost of unrealized investments (or the NAV) from ``date`` until the next value."""

    date: date
    amount: Decimal


@dataclass(frozen=True)
class TransactionFee:
    """A transaction (deal, monitoring, ...) fee the manager received on ``date``."""

    date: date
    amount: Decimal


@dataclass(frozen=True)
class PriorCapitalCall:
    """A capital call due on ``due_date`` for ``amount``, called pro rata from LPs whose
    commitments totalled ``called_commitments``."""

    due_date: date
    amount: Decimal
    called_commitments: Decimal


@dataclass(frozen=True)
class FeePeriod:
    """A stretch of an installment with one rate and base (``rate`` 0 in a fee holiday)."""

    first_day: date
    last_day: date
    days: int
    basis: FeeBasis
    base: Decimal
    rate: Decimal
    is_full_quarter: bool
    is_holiday: bool


@dataclass(frozen=True)
class FeeInstallment:
    """One quarterly (or stub) installment: gross fee, offset applied, net fee and per LP."""

    due_date: date
    first_day: date
    last_day: date
    periods: tuple[FeePeriod, ...]
    gross: Decimal
    offset: Decimal
    net: Decimal
    by_lp: Mapping[Key, Decimal] = field(compare=False)


@dataclass(frozen=True)
class FeeSchedule:
    """All installments in due-date order, their totals and each LP's total net fee."""

    installments: tuple[FeeInstallment, ...]
    gross: Decimal
    offset: Decimal
    net: Decimal
    unapplied_offset: Decimal
    by_lp: Mapping[Key, Decimal] = field(compare=False)


class CatchUpKind(StrEnum):
    FEE = "fee"
    CAPITAL_CALL = "capital_call"


@dataclass(frozen=True)
class CatchUpItem:
    """One installment a late closer pays: its amount, and the interest on it."""

    kind: CatchUpKind
    due_date: date
    amount: Decimal
    days: int
    interest: Decimal


@dataclass(frozen=True)
class LateCloserCatchUp:
    """What a late closer pays on admission, and who receives the equalization interest."""

    lp: Key
    close_date: date
    items: tuple[CatchUpItem, ...]
    fees: Decimal
    capital: Decimal
    interest: Decimal
    interest_by_lp: Mapping[Key, Decimal] = field(compare=False)

    @property
    def total(self) -> Decimal:
        """Fees, capital and interest: the whole payment due at the close."""
        return self.fees + self.capital + self.interest


def investment_period_end(terms: FeeTerms, initial_close: date) -> date:
    """The first day after the investment period: its end date if set, else the anniversary.

    The anniversary of 29 February in a year without one is 28 February.
    """
    if terms.investment_period_end is not None:
        return terms.investment_period_end
    year = initial_close.year + terms.investment_period_years
    try:
        return initial_close.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def compute_management_fees(
    terms: FeeTerms,
    initial_close: date,
    commitments: Sequence[Commitment],
    until: date,
    *,
    invested_cost: Sequence[BasisValue] = (),
    nav: Sequence[BasisValue] = (),
    transaction_fees: Sequence[TransactionFee] = (),
) -> FeeSchedule:
    """The fund's management-fee installments from the initial close to ``until``.

    Convention: shared/CONVENTIONS.md "Management fees and late closers" (quarterly in
    advance, stub at the initial close, commitments then cost or NAV, days/365 partial
    periods, half-up rounding per installment, offsets carried forward, never negative).
    ``until`` is the first day without fee (e.g. the dissolution date); a last quarter cut by
    it is a partial period. ``commitments`` are in the order they were created (rounding ties
    go to the earlier). The cost or NAV series (chosen by the terms) is a step function: the
    value on a day is the latest one dated on or before it; ``ValueError`` if a period after
    the investment period starts before the first value.
    """
    schedule = _Schedule(terms, initial_close, commitments, invested_cost, nav)
    if until <= initial_close:
        raise ValueError("until must be after the initial close")
    credits = _offset_credits(terms, transaction_fees)
    pending = 0
    next_credit = 0
    installments = []
    lp_totals = [0] * len(schedule.lps)
    for due, first, end in schedule.billing_periods(until):
        billed = [
            c.amount if schedule.is_billed(close, due) else Decimal(0)
            for c, close in zip(schedule.commitments, schedule.close_dates, strict=True)
        ]
        committed = Fraction(sum(billed, Decimal(0)))
        periods, exact = schedule.periods(first, end, committed, Fraction(1))
        gross = _round_half_up(exact, terms.quantum)
        while next_credit < len(credits) and credits[next_credit][0] < due:
            pending += credits[next_credit][1]
            next_credit += 1
        applied = min(gross, pending)
        pending -= applied
        net = gross - applied
        shares = [0] * len(schedule.lps)
        if net:
            shares = allocate_quanta(net, _integer_weights(billed))
            lp_totals = [t + s for t, s in zip(lp_totals, shares, strict=True)]
        installments.append(
            FeeInstallment(
                due_date=due,
                first_day=first,
                last_day=end - timedelta(days=1),
                periods=periods,
                gross=from_quanta(gross, terms.quantum),
                offset=from_quanta(applied, terms.quantum),
                net=from_quanta(net, terms.quantum),
                by_lp=_mapping(schedule.lps, shares, terms.quantum),
            )
        )
    pending += sum(amount for _, amount in credits[next_credit:])
    return FeeSchedule(
        installments=tuple(installments),
        gross=sum((i.gross for i in installments), from_quanta(0, terms.quantum)),
        offset=sum((i.offset for i in installments), from_quanta(0, terms.quantum)),
        net=sum((i.net for i in installments), from_quanta(0, terms.quantum)),
        unapplied_offset=from_quanta(pending, terms.quantum),
        by_lp=_mapping(schedule.lps, lp_totals, terms.quantum),
    )


def compute_late_closer_catch_up(
    terms: FeeTerms,
    initial_close: date,
    late_closer: Commitment,
    earlier_commitments: Sequence[Commitment],
    capital_calls: Sequence[PriorCapitalCall] = (),
    *,
    invested_cost: Sequence[BasisValue] = (),
    nav: Sequence[BasisValue] = (),
    fee_due_dates: Collection[date] | None = None,
) -> LateCloserCatchUp:
    """What a late closer pays at its close, per shared/CONVENTIONS.md "late closers".

    Every fee installment and capital call due on or before its close date, on its own
    commitment as if admitted at the initial close: fees by the fund's terms with its
    commitment as base (after the investment period: its pro-rata share of the cost or NAV),
    each rounded half up; each call at the same percentage of commitment the earlier LPs paid
    (``amount / called_commitments``), rounded half up. Fee offsets are not passed on: they
    reduced the earlier LPs' installments, which the late closer did not bear.

    ``fee_due_dates``, when given, limits the fee installments caught up to those due on these
    dates (the ones the fund billed its earlier LPs); by default every installment due by the
    close is.

    Equalization interest: ``equalization_rate`` simple, days/365, on each installment from
    its due date to the close date, summed exactly and rounded half up once; the total is
    split back over the installments and, as the payment to them, over the earlier LPs
    (``earlier_commitments``, all admitted before the late closer) pro rata to commitments,
    both by the allocation rule. The interest is not fee income.
    """
    close = late_closer.close_date
    if close is None or close <= initial_close:
        raise ValueError("a late closer must close after the initial close")
    if not earlier_commitments:
        raise ValueError("a late closer needs LPs admitted before it")
    for c in earlier_commitments:
        if c.close_date is not None and c.close_date >= close:
            raise ValueError(f"{c.lp!r} was not admitted before the late closer")
    quantum = terms.quantum
    schedule = _Schedule(
        terms, initial_close, [*earlier_commitments, late_closer], invested_cost, nav
    )
    own = Fraction(late_closer.amount)
    if own <= 0:
        raise ValueError("the late closer's commitment must be positive")
    share_of_fund = own / Fraction(schedule.total_commitments)
    items: list[tuple[CatchUpKind, date, int]] = []
    for due, first, end in schedule.billing_periods(None):
        if due > close:
            break
        if fee_due_dates is not None and due not in fee_due_dates:
            continue
        _, exact = schedule.periods(first, end, own, share_of_fund)
        items.append((CatchUpKind.FEE, due, _round_half_up(exact, quantum)))
    for call in sorted(capital_calls, key=lambda c: c.due_date):
        if call.due_date > close:
            continue
        called = Fraction(call.called_commitments)
        if called <= 0 or Fraction(call.amount) < 0:
            raise ValueError(f"the capital call of {call.due_date} needs positive commitments")
        exact = Fraction(call.amount) * own / called
        items.append((CatchUpKind.CAPITAL_CALL, call.due_date, _round_half_up(exact, quantum)))
    items.sort(key=lambda item: (item[1], item[0] is CatchUpKind.CAPITAL_CALL))
    rate = Fraction(terms.equalization_rate)
    interests = [
        Fraction(amount) * rate * (close - due).days / _DAYS_PER_YEAR for _, due, amount in items
    ]
    interest = _half_up(sum(interests, Fraction(0)))
    item_interest = [0] * len(items)
    by_lp = [0] * len(earlier_commitments)
    if interest:
        item_interest = allocate_quanta(interest, _scale(interests))
        by_lp = allocate_quanta(interest, _integer_weights([c.amount for c in earlier_commitments]))
    fees = sum(a for kind, _, a in items if kind is CatchUpKind.FEE)
    capital = sum(a for kind, _, a in items if kind is CatchUpKind.CAPITAL_CALL)
    return LateCloserCatchUp(
        lp=late_closer.lp,
        close_date=close,
        items=tuple(
            CatchUpItem(
                kind=kind,
                due_date=due,
                amount=from_quanta(amount, quantum),
                days=(close - due).days,
                interest=from_quanta(share, quantum),
            )
            for (kind, due, amount), share in zip(items, item_interest, strict=True)
        ),
        fees=from_quanta(fees, quantum),
        capital=from_quanta(capital, quantum),
        interest=from_quanta(interest, quantum),
        interest_by_lp=_mapping([c.lp for c in earlier_commitments], by_lp, quantum),
    )


class _Schedule:
    """The fund's fee calendar: billing periods, rate and base by day, and period splits."""

    def __init__(
        self,
        terms: FeeTerms,
        initial_close: date,
        commitments: Sequence[Commitment],
        invested_cost: Sequence[BasisValue],
        nav: Sequence[BasisValue],
    ) -> None:
        self.terms = terms
        self.initial_close = initial_close
        self.ip_end = investment_period_end(terms, initial_close)
        if not commitments:
            raise ValueError("there must be at least one commitment")
        self.commitments = list(commitments)
        self.lps = [c.lp for c in self.commitments]
        if len(set(self.lps)) != len(self.lps):
            raise ValueError("each LP must have one commitment")
        self.close_dates = [c.close_date or initial_close for c in self.commitments]
        for c, close in zip(self.commitments, self.close_dates, strict=True):
            if not isinstance(c.amount, Decimal) or not c.amount.is_finite() or c.amount < 0:
                raise ValueError(f"the commitment of {c.lp!r} must be a non-negative Decimal")
            if close < initial_close:
                raise ValueError(f"{c.lp!r} closed before the initial close")
        initial = [
            c.amount
            for c, close in zip(commitments, self.close_dates, strict=True)
            if close == initial_close
        ]
        if not sum(initial, Decimal(0)) > 0:
            raise ValueError("the LPs admitted at the initial close must commit a positive amount")
        self.total_commitments = sum((c.amount for c in self.commitments), Decimal(0))
        series = nav if terms.post_investment_period_basis is FeeBasis.NAV else invested_cost
        values = sorted(series, key=lambda v: v.date)
        for v in values:
            if not isinstance(v.amount, Decimal) or not v.amount.is_finite() or v.amount < 0:
                raise ValueError(f"the cost or NAV of {v.date} must be a non-negative Decimal")
        self.basis_dates = [v.date for v in values]
        self.basis_amounts = [v.amount for v in values]
        events = [
            (initial_close, 0, terms.investment_period_rate),
            (self.ip_end, 1, terms.post_investment_period_rate),
            *((s.effective, 2, s.rate) for s in terms.step_downs),
        ]
        events.sort(key=lambda e: (e[0], e[1]))
        self.rate_dates = [e[0] for e in events]
        self.rates = [e[2] for e in events]

    def is_billed(self, close: date, due: date) -> bool:
        return close < due or close == self.initial_close

    def billing_periods(self, until: date | None) -> Iterator[tuple[date, date, date]]:
        """(due date, first day, first day after) of each installment, in order.

        The first runs from the initial close to the end of its quarter, the others are
        calendar quarters; ``until`` (exclusive) cuts the last one, ``None`` runs on.
        """
        start = self.initial_close
        while until is None or start < until:
            end = _next_quarter(start)
            if until is not None:
                end = min(end, until)
            yield start, start, end
            start = end

    def periods(
        self,
        first: date,
        end: date,
        committed: Fraction,
        basis_share: Fraction,
    ) -> tuple[tuple[FeePeriod, ...], Fraction]:
        """Split ``[first, end)`` where the rate, phase or holiday changes; price each part.

        During the investment period the base is ``committed``; after it, the cost or NAV at
        the start of the part times ``basis_share``. Returns the parts and the exact fee.
        """
        cuts = {first, end}
        for day in (self.ip_end, *(s.effective for s in self.terms.step_downs)):
            if first < day < end:
                cuts.add(day)
        for h in self.terms.holidays:
            for day in (h.start, h.end + timedelta(days=1)):
                if first < day < end:
                    cuts.add(day)
        bounds = sorted(cuts)
        parts: list[tuple[date, date, tuple[bool, Decimal, bool]]] = []
        for a, b in itertools.pairwise(bounds):
            state = (a < self.ip_end, self._rate_on(a), self._is_holiday(a))
            if parts and parts[-1][2] == state:
                parts[-1] = (parts[-1][0], b, state)
            else:
                parts.append((a, b, state))
        is_full = len(parts) == 1 and first == _quarter_start(first) and end == _next_quarter(first)
        periods = []
        total = Fraction(0)
        for a, b, (in_ip, rate, holiday) in parts:
            if in_ip:
                basis = FeeBasis.COMMITMENTS
                base = committed
            else:
                basis = self.terms.post_investment_period_basis
                base = self._basis_on(a) * basis_share
            days = (b - a).days
            if not holiday:
                if is_full:
                    total += Fraction(rate) * base / _QUARTERS_PER_YEAR
                else:
                    total += Fraction(rate) * base * days / _DAYS_PER_YEAR
            periods.append(
                FeePeriod(
                    first_day=a,
                    last_day=b - timedelta(days=1),
                    days=days,
                    basis=basis,
                    base=_decimal(base, self.terms.quantum),
                    rate=Decimal(0) if holiday else rate,
                    is_full_quarter=is_full,
                    is_holiday=holiday,
                )
            )
        return tuple(periods), total

    def _rate_on(self, day: date) -> Decimal:
        return self.rates[bisect.bisect_right(self.rate_dates, day) - 1]

    def _is_holiday(self, day: date) -> bool:
        return any(h.start <= day <= h.end for h in self.terms.holidays)

    def _basis_on(self, day: date) -> Fraction:
        i = bisect.bisect_right(self.basis_dates, day)
        if i == 0:
            kind = self.terms.post_investment_period_basis.value
            raise ValueError(f"no {kind} value on or before {day}, needed for the fee")
        return Fraction(self.basis_amounts[i - 1])


def _offset_credits(terms: FeeTerms, fees: Sequence[TransactionFee]) -> list[tuple[date, int]]:
    """Each transaction fee's credit against management fees, in quanta, by date."""
    credits = []
    for f in sorted(fees, key=lambda f: f.date):
        if not isinstance(f.amount, Decimal) or not f.amount.is_finite() or f.amount < 0:
            raise ValueError(f"the transaction fee of {f.date} must be a non-negative Decimal")
        credit = _round_half_up(Fraction(f.amount) * Fraction(terms.offset_rate), terms.quantum)
        credits.append((f.date, credit))
    return credits


def _round_half_up(amount: Fraction, quantum: Decimal) -> int:
    """``amount`` in whole quanta, rounded half up (non-negative amounts)."""
    return _half_up(amount / Fraction(quantum))


def _half_up(quanta: Fraction) -> int:
    """The nearest whole number, halves rounded up (non-negative input)."""
    return math.floor(quanta + Fraction(1, 2))


def _decimal(amount: Fraction, quantum: Decimal) -> Decimal:
    """``amount`` exactly when it has a finite decimal expansion, else rounded half up."""
    den = amount.denominator
    rest, twos, fives = den, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return from_quanta(_round_half_up(amount, quantum), quantum)
    places = max(twos, fives)
    return Decimal(f"{amount.numerator * 10**places // den}E-{places}")


def _integer_weights(amounts: Sequence[Decimal]) -> list[int]:
    return _scale([Fraction(a) for a in amounts])


def _scale(values: Sequence[Fraction]) -> list[int]:
    common = math.lcm(*(v.denominator for v in values)) if values else 1
    return [int(v * common) for v in values]


def _mapping(keys: Sequence[Key], quanta: Sequence[int], quantum: Decimal) -> Mapping[Key, Decimal]:
    return AmountsByKey({key: i for i, key in enumerate(keys)}, list(quanta), quantum)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: date) -> date:
    start = _quarter_start(day)
    if start.month == 10:
        return date(start.year + 1, 1, 1)
    return date(start.year, start.month + 3, 1)
