"""Dated cash flows: XNPV, XIRR and XIRR for many series at once.

Convention (shared/CONVENTIONS.md, "Cash flows and returns"): time is actual/365 from the
earliest date, as in Excel's XNPV and XIRR, so a flow on date d is discounted by
(1 + rate) ** ((d - d0).days / 365). Flows on the same date are added exactly before anything
else, so the order in which flows are given never matters. When no rate makes the net present
value zero, or the flows never change sign, the answer is an explicit "no solution" with its
reason, never an exception from inside a solver and never a number that is not a root.

Flows are given either as (date, amount) pairs (or a mapping of date to amount) or as
separate sequences of dates and amounts. Amounts may be ``Decimal``, ``int`` or ``float``;
the rate is a float64 (an annual effective rate, 0.1 meaning 10%).

Solving works on x = ln(1 + rate), where the net present value is a sum of exponentials,
NPV(x) = Σ a_i · exp(-x · t_i). Descartes' rule of signs holds for such sums as for polynomials
(Pólya & Szegő, "Problems and Theorems in Analysis II", part V): NPV has no more real roots
than the time-ordered amounts have sign changes. So there is no IRR without a sign change,
exactly one with a single sign change (an ordinary investment, or an ordinary loan), and
possibly several, or none, otherwise.

The solver and the reading of the common forms of input (pairs, a dict, or two lists of
``date`` with ``float``, ``int`` or ``Decimal``) are compiled (:mod:`fundhouse.finance._xirr`),
as reading flows one Python object at a time would cost more than solving them. Any other
input, and any input with a fault, takes the checked path here, which validates flow by flow,
names the fault, adds same-day amounts exactly, and hands the netted series to the same solver.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeAlias, overload

import numpy as np
from numpy.typing import NDArray

from fundhouse.finance import _xirr
from fundhouse.finance._xirr import exact_sum

__all__ = [
    "Amount",
    "IrrBatch",
    "IrrResult",
    "solve_xirr",
    "xirr",
    "xirr_many",
    "xnpv",
]

Amount: TypeAlias = Decimal | int | float
"""A cash amount: ``Decimal`` for money; ``int`` and ``float`` are accepted too."""

DAYS_PER_YEAR = 365.0
"""Excel's XNPV and XIRR divide actual days by 365, leap years included."""

DEFAULT_GUESS = 0.1
"""Excel's default guess for XIRR."""


@dataclass(frozen=True, slots=True)
class IrrResult:
    """An internal rate of return, or the reason there is none.

    Exactly one of ``rate`` and ``reason`` is set. ``rate`` is an annual effective rate
    (0.1 means 10%) on actual/365.
    """

    rate: float | None
    reason: str | None = None

    def __post_init__(self) -> None:
        if (self.rate is None) == (self.reason is None):
            raise ValueError("an IrrResult has either a rate or a reason, not both or neither")

    @property
    def has_solution(self) -> bool:
        """Whether a rate solves NPV = 0."""
        return self.rate is not None


@dataclass(frozen=True, slots=True, eq=False)
class IrrBatch:
    """The XIRRs of many series: ``rates[i]`` is NaN exactly where ``reasons[i]`` says why.

    Indexing and iteration give one :class:`IrrResult` per series, in the order given.
    """

    rates: NDArray[np.float64]
    reasons: tuple[str | None, ...] = field(repr=False)

    def __post_init__(self) -> None:
        if self.rates.ndim != 1 or len(self.rates) != len(self.reasons):
            raise ValueError("rates and reasons must be one-dimensional and of the same length")

    def __len__(self) -> int:
        return len(self.reasons)

    def __getitem__(self, index: int) -> IrrResult:
        reason = self.reasons[index]
        if reason is not None:
            return IrrResult(None, reason)
        return IrrResult(float(self.rates[index]))

    def __iter__(self) -> Iterator[IrrResult]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True, slots=True)
class _Flows:
    """Flows of one series, same-day amounts added exactly, in date order: ``days`` counted
    from the earliest date, ``epoch_day`` (days since 1970-01-01)."""

    epoch_day: int
    days: NDArray[np.int64]
    amounts: NDArray[np.float64]


# --------------------------------------------------------------------------- validation


def _check_amount(amount: object, where: str) -> Amount:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | numbers.Real):
        raise ValueError(f"{where}: amount must be a Decimal, int or float, not {amount!r}")
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise ValueError(f"{where}: amount must be finite, not {amount}")
    elif not math.isfinite(amount):
        raise ValueError(f"{where}: amount must be finite, not {amount}")
    return amount  # type: ignore[return-value]


def _check_date(value: object, where: str) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{where}: expected a date, not {value!r}")
    return value


def _pairs(
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount] | Iterable[date],
    amounts: Iterable[Amount] | None,
) -> list[tuple[date, Amount]]:
    """Validate either form of input and return (date, amount) pairs."""
    if isinstance(flows, str | bytes):
        raise ValueError("flows must be (date, amount) pairs or dates with amounts, not text")
    if isinstance(flows, np.ndarray) and flows.dtype.kind == "M":
        flows = flows.astype("datetime64[D]").tolist()
    if amounts is None:
        items: Iterable[object] = flows.items() if isinstance(flows, Mapping) else flows
        pairs: list[tuple[date, Amount]] = []
        for i, item in enumerate(items):
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise ValueError(f"flow {i}: expected a (date, amount) pair, not {item!r}")
            where = f"flow {i}"
            pairs.append((_check_date(item[0], where), _check_amount(item[1], where)))
        return pairs
    dates = list(flows)
    values = list(amounts)
    if len(dates) != len(values):
        raise ValueError(f"{len(dates)} dates but {len(values)} amounts: they must pair up")
    return [
        (_check_date(d, f"flow {i}"), _check_amount(a, f"flow {i}"))
        for i, (d, a) in enumerate(zip(dates, values, strict=True))
    ]


def _aggregate(pairs: Sequence[tuple[date, Amount]]) -> _Flows:
    by_day: dict[int, list[Amount]] = {}
    for d, a in pairs:
        by_day.setdefault(d.toordinal(), []).append(a)
    ordinals = sorted(by_day)
    origin = ordinals[0]
    return _Flows(
        epoch_day=origin - _EPOCH_ORDINAL,
        days=np.array([o - origin for o in ordinals], dtype=np.int64),
        amounts=np.array([exact_sum(by_day[o]) for o in ordinals], dtype=np.float64),
    )


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FIRST_ORDINAL = date.min.toordinal()
_LAST_ORDINAL = date.max.toordinal()
_DAY = np.dtype("datetime64[D]")

_BINARY_FLOATS = frozenset({float, np.float64, np.float32})
_PLAIN_NUMBERS = _BINARY_FLOATS | {int, np.int64, np.int32}
"""Amount types converted without a per-flow check: ``bool`` and ``Decimal`` are not among
them (a bool is refused; Decimals take the exact path)."""


def _plain_columns(
    flows: object, amounts: object
) -> tuple[NDArray[np.int64], NDArray[np.float64], bool] | None:
    """Date ordinals and float amounts of input that needs no check flow by flow, and whether
    the floats are the amounts exactly (every amount a binary float).

    That input is dates (or a ``datetime64`` array) with ``float`` or ``int`` amounts (or a
    numeric array), as pairs, a mapping or two columns. The checks run once per column: types
    as a set, finiteness on the sum (a finite sum has no infinity or NaN in it). Anything else,
    ``Decimal`` money included, gives None and takes :func:`_pairs`, which also names any fault.
    """
    dates: object
    values: object
    try:
        if amounts is None:
            if isinstance(flows, Mapping):
                dates, values = list(flows.keys()), list(flows.values())
            elif isinstance(flows, list | tuple) and set(map(type, flows)) <= {tuple, list}:
                dates, values = zip(*flows, strict=True) if flows else ((), ())
            else:
                return None
        else:
            dates, values = flows, amounts
        if isinstance(values, np.ndarray):
            if values.ndim != 1 or values.dtype.kind not in "fiu":
                return None
            exact = values.dtype.kind == "f"
            floats = values if values.dtype == np.float64 else values.astype(np.float64)
        elif isinstance(values, list | tuple):
            kinds = set(map(type, values))
            if not kinds <= _PLAIN_NUMBERS:
                return None
            exact = kinds <= _BINARY_FLOATS
            floats = np.array(values, dtype=np.float64)
        else:
            return None
        if isinstance(dates, np.ndarray):
            if dates.ndim != 1 or dates.dtype.kind != "M":
                return None
            days = dates if dates.dtype == _DAY else dates.astype(_DAY)
            ordinals = days.view(np.int64) + _EPOCH_ORDINAL
        elif isinstance(dates, list | tuple):
            ordinals = np.fromiter(map(date.toordinal, dates), np.int64, len(dates))  # type: ignore[arg-type]
        else:
            return None
    except (TypeError, ValueError, OverflowError):
        return None
    if ordinals.size != floats.size or not math.isfinite(np.add.reduce(floats)):
        return None
    return ordinals, floats, exact


def _aggregate_plain(
    ordinals: NDArray[np.int64], floats: NDArray[np.float64], exact: bool
) -> _Flows | None:
    """:func:`_aggregate` for converted columns. Same-day binary floats are added by
    ``math.fsum``, which rounds their exact sum once, as the exact path does; None when
    same-day amounts include integers, which only the exact path adds without loss."""
    order = ordinals.argsort(kind="stable")
    ordinals, floats = ordinals[order], floats[order]
    if not _FIRST_ORDINAL <= ordinals[0] <= ordinals[-1] <= _LAST_ORDINAL:
        return None  # NaT, or beyond the years 1 to 9999
    same_day = ordinals[1:] == ordinals[:-1]
    if np.logical_or.reduce(same_day):
        if not exact:
            return None
        starts = np.flatnonzero(np.r_[True, ~same_day])
        sizes = np.diff(np.r_[starts, ordinals.size])
        sums = np.add.reduceat(floats, starts)
        for g in np.flatnonzero(sizes > 1):
            sums[g] = math.fsum(floats[starts[g] : starts[g] + sizes[g]].tolist())
        ordinals, floats = ordinals[starts], sums
    origin = int(ordinals[0])
    return _Flows(epoch_day=origin - _EPOCH_ORDINAL, days=ordinals - origin, amounts=floats)


def _series(
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount] | Iterable[date],
    amounts: Iterable[Amount] | None,
) -> _Flows | None:
    """One validated series with same-day flows added exactly; None when it has no flows."""
    plain = _plain_columns(flows, amounts)
    if plain is not None and plain[0].size:
        series = _aggregate_plain(*plain)
        if series is not None:
            return series
    pairs = _pairs(flows, amounts)
    return _aggregate(pairs) if pairs else None


def _check_guess(guess: float) -> float:
    if type(guess) is float and -1.0 < guess < math.inf:
        return guess
    if isinstance(guess, bool) or not isinstance(guess, numbers.Real):
        raise ValueError(f"guess must be a number, not {guess!r}")
    value = float(guess)
    if not math.isfinite(value) or value <= -1.0:
        raise ValueError(f"guess must be a finite rate above -100%, not {guess!r}")
    return value


# --------------------------------------------------------------------------- XNPV


@overload
def xnpv(rate: float, flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount], /) -> float: ...


@overload
def xnpv(rate: float, dates: Iterable[date], amounts: Iterable[Amount], /) -> float: ...


def xnpv(
    rate: float,
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount] | Iterable[date],
    amounts: Iterable[Amount] | None = None,
    /,
) -> float:
    """Net present value of dated flows at an annual rate, as Excel's XNPV.

    XNPV = Σ a_i / (1 + rate) ** ((d_i - d_0) / 365), d_0 the earliest date (Excel XNPV
    documentation; shared/CONVENTIONS.md). The discount factors are irrational, so the value is
    a float64, not a Decimal: round it only where it is shown. No flows give 0.0.

    Raises ValueError when the rate is not above -100% or an input is malformed.
    """
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not math.isfinite(rate):
        raise ValueError(f"rate must be a finite number, not {rate!r}")
    if rate <= -1.0:
        raise ValueError(f"rate must be above -100%, not {rate!r}")
    series = _series(flows, amounts)
    if series is None:
        return 0.0
    years = series.days / DAYS_PER_YEAR
    discount = np.exp(-math.log1p(float(rate)) * years)
    return math.fsum((series.amounts * discount).tolist())


# --------------------------------------------------------------------------- XIRR


def _listed(column: object) -> object:
    """A one-dimensional NumPy column as the list the compiled reader takes (``datetime64`` as
    dates, where NaT and years beyond 9999 are not dates; floats or ints as Python numbers),
    anything else as it is; None for an array of any other kind."""
    if not isinstance(column, np.ndarray):
        return column
    if column.ndim != 1:
        return None
    kind = column.dtype.kind
    if kind == "M":
        return column.astype(_DAY, copy=False).tolist()
    if kind in "iu" or (kind == "f" and column.dtype.itemsize <= 8):
        return column.tolist()
    return None


def _solve_checked(flows: object, amounts: object, guess: float) -> float | str:
    """The rate or the reason for any input, validated flow by flow: a fault raises ValueError
    naming the flow; same-day amounts are added exactly before the compiled solver runs."""
    series = _series(flows, amounts)  # type: ignore[arg-type]
    if series is None:
        return _xirr.NO_FLOWS
    return _xirr.solve_days(series.days, series.amounts, guess)


@overload
def solve_xirr(
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount],
    /,
    *,
    guess: float = DEFAULT_GUESS,
) -> IrrResult: ...


@overload
def solve_xirr(
    dates: Iterable[date], amounts: Iterable[Amount], /, *, guess: float = DEFAULT_GUESS
) -> IrrResult: ...


def solve_xirr(
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount] | Iterable[date],
    amounts: Iterable[Amount] | None = None,
    /,
    *,
    guess: float = DEFAULT_GUESS,
) -> IrrResult:
    """The annual rate r with XNPV(r) = 0, as Excel's XIRR, or the reason there is none.

    Actual/365 from the earliest date (shared/CONVENTIONS.md). Flows that change sign once
    have one IRR, found by Newton's method kept inside a bracket that cannot miss it
    (Press et al., Numerical Recipes, 3rd ed., §9.4). Flows that change sign several times
    can have several IRRs, or none: Excel's Newton iteration from ``guess`` (Excel's method and
    default guess, 0.1) gives the rate when it ends on a root; otherwise a scan for every root
    gives the one nearest the guess. Every rate is checked to be a root: |NPV| ≤ 1e-9 ·
    Σ|discounted amounts|, or a sign change of the NPV within the solver's tolerance.

    Returns ``IrrResult(rate, None)`` or ``IrrResult(None, reason)``; raises ValueError only on
    malformed input.
    """
    start = _check_guess(guess)
    if type(flows) is np.ndarray or type(amounts) is np.ndarray:
        dates, values = _listed(flows), _listed(amounts)
        found = None if dates is None or values is None else _xirr.solve(dates, values, start)
    else:
        found = _xirr.solve(flows, amounts, start)
    if found is None:
        found = _solve_checked(flows, amounts, start)
    return IrrResult(found) if isinstance(found, float) else IrrResult(None, found)


@overload
def xirr(
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount],
    /,
    *,
    guess: float = DEFAULT_GUESS,
) -> float | None: ...


@overload
def xirr(
    dates: Iterable[date], amounts: Iterable[Amount], /, *, guess: float = DEFAULT_GUESS
) -> float | None: ...


def xirr(
    flows: Iterable[tuple[date, Amount]] | Mapping[date, Amount] | Iterable[date],
    amounts: Iterable[Amount] | None = None,
    /,
    *,
    guess: float = DEFAULT_GUESS,
) -> float | None:
    """Excel's XIRR: the annual rate that makes XNPV zero, or None when there is none.

    Same rules as :func:`solve_xirr`, which also says why there is no solution.
    """
    if amounts is None:
        return solve_xirr(flows, guess=guess).rate  # type: ignore[arg-type]
    return solve_xirr(flows, amounts, guess=guess).rate  # type: ignore[arg-type]


# --------------------------------------------------------------------------- many series


def _solve_one_of(flows: object, i: int, guess: float) -> float | str:
    """:func:`_solve_checked` for series ``i`` of a batch, which any fault names."""
    if isinstance(flows, str | bytes):
        raise ValueError(f"series {i}: expected (date, amount) pairs, not text")
    try:
        return _solve_checked(flows, None, guess)
    except ValueError as error:
        raise ValueError(f"series {i}, {error}") from None


def xirr_many(
    series: Sequence[Iterable[tuple[date, Amount]] | Mapping[date, Amount]],
    *,
    guess: float = DEFAULT_GUESS,
) -> IrrBatch:
    """XIRR of each series (e.g. every LP of a fund), in one compiled pass.

    Each series is a sequence of (date, amount) pairs or a mapping of date to amount, validated
    and with same-day flows added exactly, as for a single series, and each answer is exactly
    :func:`solve_xirr`'s. A faulty series raises ValueError naming the series and the flow.
    """
    start = _check_guess(guess)
    listed = series if type(series) is list or type(series) is tuple else list(series)
    rates, reasons, declined = _xirr.solve_many(listed, start)
    for i in declined:
        found = _solve_one_of(listed[i], i, start)
        if isinstance(found, float):
            rates[i] = found
        else:
            reasons[i] = found
    return IrrBatch(rates, tuple(reasons))
