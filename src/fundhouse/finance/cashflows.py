"""Dated cash flows: XNPV, XIRR and XIRR for many series at once.

Convention (shared/CONVENTIONS.md, "Cash flows and returns"): time is actual/365 from the
earliest date, as in Excel's XNPV and XIRR, so a flow on date d is discounted by
(1 + rate) ** ((d - d0).days / 365). Flows on the same date are added exactly before anything
else, and the order in which flows are given never matters (beyond the last digits of float
rounding, within the solver's tolerance). When no rate makes the net present
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
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias, overload

import numpy as np
import pyxirr
from numpy.typing import NDArray
from scipy.optimize import brentq

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

_X_MIN = -800.0
"""Lower search bound on ln(1 + rate): below about -37, 1 + rate rounds to 0 in float64."""

_X_MAX = 800.0
"""Upper search bound on ln(1 + rate): above about 709.78, the rate overflows float64."""

_X_TOLERANCE = 1e-14
"""Convergence tolerance on ln(1 + rate), relative to max(1, |x|)."""

_MAX_ITERATIONS = 200

_ROUND_OFF = 4.0 * np.finfo(np.float64).eps
"""An NPV this small relative to Σ|terms| is zero up to rounding: the iteration stops there."""

_RESIDUAL_TOLERANCE = 1e-9
"""A candidate root is accepted when |NPV| ≤ this × Σ|discounted amounts|."""

_MAX_POLISH_STEPS = 60
"""Newton steps converge in two or three from a good candidate; a double root needs more."""

_SCAN_POINTS = 801
"""Coarse grid size when searching for every root of a series with several sign changes."""

_DIP_POINTS = 257
"""Fine grid size across a dip of |NPV| that may hide two close roots."""

_SCAN_SPAN = 60.0
"""The grid covers x · t_max in [-span, span]: growth factors up to e**60 over the series."""


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


def _exact_sum(amounts: Sequence[Amount]) -> float:
    """Add amounts exactly (as fractions) and round once, so same-day netting leaves no dust."""
    if len(amounts) == 1:
        return float(amounts[0])
    return float(sum((Fraction(a) for a in amounts), Fraction(0)))


def _aggregate(pairs: Sequence[tuple[date, Amount]]) -> _Flows:
    by_day: dict[int, list[Amount]] = {}
    for d, a in pairs:
        by_day.setdefault(d.toordinal(), []).append(a)
    ordinals = sorted(by_day)
    origin = ordinals[0]
    return _Flows(
        epoch_day=origin - _EPOCH_ORDINAL,
        days=np.array([o - origin for o in ordinals], dtype=np.int64),
        amounts=np.array([_exact_sum(by_day[o]) for o in ordinals], dtype=np.float64),
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


_NO_SIGN_CHANGE = {
    "positive": "no sign change: every cash flow is positive or zero",
    "negative": "no sign change: every cash flow is negative or zero",
    None: "no sign change: every cash flow is zero",
}


def _no_sign_change_reason(amounts: NDArray[np.float64]) -> str:
    if amounts.size == 0:
        return "no cash flows"
    if np.any(amounts > 0.0):
        return _NO_SIGN_CHANGE["positive"]
    return _NO_SIGN_CHANGE["negative" if np.any(amounts < 0.0) else None]


def _no_root_reason(changes: int) -> str:
    return f"no rate makes the net present value zero (the flows change sign {changes} times)"


def _rate_from_x(x: float) -> IrrResult:
    try:
        rate = math.expm1(x)
    except OverflowError:
        rate = math.inf
    if not math.isfinite(rate):
        return IrrResult(None, "the rate is too large to represent (more than 1e308)")
    if rate <= -1.0:
        return IrrResult(None, "the rate is too close to -100% to represent")
    return IrrResult(rate)


_quiet_float_errors = np.errstate(divide="ignore", invalid="ignore", over="ignore")
"""Division by a zero slope or overflow gives inf or NaN, which the iterations test for."""


@dataclass(frozen=True, slots=True)
class _Rows:
    """Series as rows of a matrix padded with zero amounts: the non-zero flows of each row in
    date order, ``years`` counted from the row's first one."""

    years: NDArray[np.float64]
    amounts: NDArray[np.float64]
    t_max: NDArray[np.float64]
    sign_last: NDArray[np.float64]
    changes: NDArray[np.int64]
    weights: NDArray[np.float64]
    """Per row, the amounts a, −a·t and |a|: one matrix product with the discount factors gives
    NPV, its slope in x and Σ|terms| together."""

    @classmethod
    def of(cls, years: NDArray[np.float64], amounts: NDArray[np.float64]) -> _Rows:
        signs = np.sign(amounts)
        both = (signs[:, 1:] != 0.0) & (signs[:, :-1] != 0.0)
        changes = np.count_nonzero(both & (signs[:, 1:] != signs[:, :-1]), axis=1)
        last = amounts.shape[1] - 1 - np.argmax(signs[:, ::-1] != 0.0, axis=1)
        return cls(
            years=years,
            amounts=amounts,
            t_max=years.max(axis=1),
            sign_last=signs[np.arange(len(signs)), last],
            changes=changes.astype(np.int64),
            weights=np.stack((amounts, -amounts * years, np.abs(amounts)), axis=1),
        )

    def evaluate(
        self, rows: NDArray[np.intp], x: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """NPV, its slope in x and Σ|terms| at x = ln(1 + rate), for the given rows.

        All three are scaled by one positive factor per row, which keeps every exponent ≤ 0 so
        nothing overflows, and changes neither signs nor the Newton step NPV / slope.
        """
        every = rows.size == self.t_max.size
        years = self.years if every else self.years[rows]
        weights = self.weights if every else self.weights[rows]
        exponent = years * -x[:, None]
        negative = x < 0.0
        if negative.any():
            exponent += np.where(negative, x * self.t_max[rows], 0.0)[:, None]
        sums = np.einsum("ikj,ij->ki", weights, np.exp(exponent, out=exponent))
        return sums[0], sums[1], sums[2]


@_quiet_float_errors
def _polish(table: _Rows, rows: NDArray[np.intp], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Refine candidate roots with Newton steps in x; NaN where a candidate is not a root.

    A candidate is kept when |NPV| ≤ 1e-9 · Σ|terms| at its best point, a double root (where
    Newton slows to linear convergence) included.
    """
    best = x.copy()
    best_residual = np.full(x.size, np.inf)
    active = np.arange(x.size)
    current = x.copy()
    for _ in range(_MAX_POLISH_STEPS):
        if active.size == 0:
            break
        npv, slope, magnitude = table.evaluate(rows[active], current[active])
        residual = np.abs(npv) / magnitude
        better = residual < best_residual[active]
        best[active[better]] = current[active[better]]
        best_residual[active[better]] = residual[better]
        step = npv / slope
        moved = current[active] - step
        stop = (
            (residual > best_residual[active])
            | (npv == 0.0)
            | ~np.isfinite(moved)
            | (np.abs(step) <= _X_TOLERANCE * np.maximum(1.0, np.abs(moved)))
        )
        current[active] = np.where(stop, current[active], moved)
        active = active[~stop]
    return np.where(best_residual <= _RESIDUAL_TOLERANCE, best, np.nan)


def _first_estimate(table: _Rows, rows: NDArray[np.intp]) -> NDArray[np.float64]:
    """A starting x for Newton's method: the x at which P·exp(−x·t̄₊) = N·exp(−x·t̄₋), P and N
    the totals of the positive and negative amounts and t̄₊, t̄₋ their amount-weighted mean
    times, so x = ln(P / N) / (t̄₊ − t̄₋). Exact for two flows, close for more."""
    amounts, years = table.amounts[rows], table.years[rows]
    inflow = np.where(amounts > 0.0, amounts, 0.0)
    outflow = np.where(amounts < 0.0, -amounts, 0.0)
    total_in, total_out = inflow.sum(axis=1), outflow.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_in = np.einsum("ij,ij->i", inflow, years) / total_in
        mean_out = np.einsum("ij,ij->i", outflow, years) / total_out
        estimate = np.log(total_in / total_out) / (mean_in - mean_out)
    return np.where(np.isfinite(estimate), estimate, 0.0)


@_quiet_float_errors
def _bracketed(table: _Rows, rows: NDArray[np.intp]) -> NDArray[np.float64]:
    """ln(1 + IRR) for rows whose amounts change sign exactly once.

    With one sign change, g(x) = sign(last flow) · NPV(x) is positive left of the one root and
    negative right of it, so the root is bracketed in [_X_MIN, _X_MAX] and found by Newton's
    method kept inside the bracket, with bisection whenever a Newton step leaves it or fails to
    halve the step before last ("rtsafe", Press et al., Numerical Recipes, 3rd ed., §9.4),
    starting from :func:`_first_estimate`. Rows whose root lies beyond the bounds come back
    as ±inf.
    """
    n = rows.size
    sign_all = table.sign_last[rows]
    g_low = sign_all * table.evaluate(rows, np.full(n, _X_MIN))[0]
    g_high = sign_all * table.evaluate(rows, np.full(n, _X_MAX))[0]
    result = np.full(n, np.nan)
    result[g_low <= 0.0] = -np.inf
    result[g_high >= 0.0] = np.inf

    active = np.flatnonzero(np.isnan(result))
    lo = np.full(active.size, _X_MIN)
    hi = np.full(active.size, _X_MAX)
    x = np.clip(_first_estimate(table, rows[active]), _X_MIN / 2, _X_MAX / 2)
    step = np.full(active.size, _X_MAX - _X_MIN)
    step_before = step.copy()
    sign = sign_all[active]

    for _ in range(_MAX_ITERATIONS):
        if active.size == 0:
            break
        npv, slope, magnitude = table.evaluate(rows[active], x)
        at_root = np.abs(npv) <= _ROUND_OFF * magnitude
        g = sign * npv
        lo = np.where(g > 0.0, x, lo)
        hi = np.where(g < 0.0, x, hi)
        newton = x - npv / slope
        use_bisection = (
            ~np.isfinite(newton)
            | (newton <= lo)
            | (newton >= hi)
            | (np.abs(2.0 * npv) > np.abs(step_before * slope))
        )
        x_next = np.where(use_bisection, 0.5 * (lo + hi), newton)
        step_before = step
        step = x_next - x
        tolerance = _X_TOLERANCE * np.maximum(1.0, np.abs(x_next))
        done = at_root | (np.abs(step) <= tolerance) | (hi - lo <= tolerance)
        result[active[done]] = np.where(at_root, x, x_next)[done]
        keep = ~done
        active, x, lo, hi = active[keep], x_next[keep], lo[keep], hi[keep]
        step, step_before, sign = step[keep], step_before[keep], sign[keep]
    result[active] = x
    return result


@_quiet_float_errors
def _newton_from_guess(table: _Rows, rows: NDArray[np.intp], guess: float) -> NDArray[np.float64]:
    """Excel's iteration: Newton's method on NPV(rate) from the guess, at most 100 steps
    (Microsoft, XIRR documentation), then polished in x. NaN where it fails or does not end
    on a root."""
    n = rows.size
    rate = np.full(n, guess)
    converged = np.zeros(n, dtype=bool)
    active = np.arange(n)
    for _ in range(100):
        if active.size == 0:
            break
        current = rate[active]
        npv, slope, _ = table.evaluate(rows[active], np.log1p(current))
        step = npv * (1.0 + current) / slope
        moved = current - step
        failed = ~np.isfinite(moved) | (moved <= -1.0)
        done = ~failed & (np.abs(step) <= 1e-12 * np.maximum(1.0, np.abs(current)))
        rate[active] = np.where(failed, np.nan, moved)
        converged[active[done]] = True
        active = active[~(failed | done)]
    found = np.flatnonzero(converged)
    result = np.full(n, np.nan)
    if found.size:
        result[found] = _polish(table, rows[found], np.log1p(rate[found]))
    return result


def _scaled_npv(
    years: NDArray[np.float64], amounts: NDArray[np.float64], grid: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """NPV and NPV / Σ|terms| at each x of a grid, each point scaled so nothing overflows."""
    exponent = -grid[:, None] * years[None, :]
    terms = amounts[None, :] * np.exp(exponent - exponent.max(axis=1, keepdims=True))
    npv = terms.sum(axis=1)
    return npv, np.abs(npv) / np.abs(terms).sum(axis=1)


def _roots_on_grid(
    years: NDArray[np.float64], amounts: NDArray[np.float64], grid: NDArray[np.float64]
) -> tuple[list[float], NDArray[np.float64], NDArray[np.float64]]:
    """Roots where the NPV changes sign between grid points (refined by Brent's method),
    with the sign and relative size of the NPV on the grid."""

    def npv_at(x: float) -> float:
        return float(_scaled_npv(years, amounts, np.array([x]))[0][0])

    npv, relative = _scaled_npv(years, amounts, grid)
    signs = np.sign(npv)
    roots = [float(grid[i]) for i in np.flatnonzero(signs == 0.0)]
    for i in np.flatnonzero(signs[:-1] * signs[1:] < 0.0):
        lo, hi = float(grid[i]), float(grid[i + 1])
        roots.append(float(brentq(npv_at, lo, hi, xtol=_X_TOLERANCE, rtol=_X_TOLERANCE)))
    return roots, signs, relative


def _scan_roots(table: _Rows, row: int) -> list[float]:
    """Every root in x that a grid reveals, for flows that change sign several times.

    A coarse grid over growth factors e**±60 across the series finds the sign changes; where
    |NPV| / Σ|terms| dips between two points of the same sign, a fine grid over that dip looks
    for a close pair of roots, and Newton's method for a double root.
    """
    keep = table.amounts[row] != 0.0
    years, amounts = table.years[row][keep], table.amounts[row][keep]
    span = _SCAN_SPAN / table.t_max[row]
    grid = np.linspace(-span, span, _SCAN_POINTS)
    roots, signs, relative = _roots_on_grid(years, amounts, grid)
    dips = 1 + np.flatnonzero(
        (relative[1:-1] < relative[:-2])
        & (relative[1:-1] <= relative[2:])
        & (signs[:-2] == signs[1:-1])
        & (signs[1:-1] == signs[2:])
    )
    for i in dips:
        fine = np.linspace(grid[i - 1], grid[i + 1], _DIP_POINTS)
        found = _roots_on_grid(years, amounts, fine)[0]
        if not found:
            touch = float(_polish(table, np.array([row]), np.array([grid[i]]))[0])
            found = [] if math.isnan(touch) else [touch]
        roots += [x for x in found if all(abs(x - r) > 1e-9 * max(1.0, abs(x)) for r in roots)]
    return roots


def _solve_rows(table: _Rows, guess: float) -> NDArray[np.float64]:
    """ln(1 + IRR) of every row (each with at least one sign change); NaN where none exists.

    One sign change: the unique root, by :func:`_bracketed`. Several: the root Excel's Newton
    iteration reaches from the guess; failing that, the root nearest the guess that a scan
    finds; NaN when the scan finds none.
    """
    result = np.full(table.amounts.shape[0], np.nan)
    single = np.flatnonzero(table.changes == 1)
    if single.size:
        result[single] = _bracketed(table, single)
    several = np.flatnonzero(table.changes >= 2)
    if several.size:
        result[several] = _newton_from_guess(table, several, guess)
        target = math.log1p(guess)
        for row in several[np.isnan(result[several])]:
            roots = _scan_roots(table, int(row))
            if roots:
                result[row] = min(roots, key=lambda root: (abs(root - target), root))
    return result


def _result(x: float, changes: int) -> IrrResult:
    return IrrResult(None, _no_root_reason(changes)) if math.isnan(x) else _rate_from_x(x)


def _polish_one(years: NDArray[np.float64], amounts: NDArray[np.float64], x: float) -> float:
    """:func:`_polish` for one series, a candidate at a time: Newton steps in x from the
    candidate, keeping the point of smallest |NPV| / Σ|terms|; NaN unless that is ≤ 1e-9.

    Each step costs one exponential and one matrix product (NPV, its slope and Σ|terms| at
    once), each scaled so that no exponent is positive.
    """
    weights = np.empty((3, amounts.size))
    weights[0] = amounts
    np.multiply(amounts, -years, out=weights[1])
    np.abs(amounts, out=weights[2])
    t_max = float(years[-1])
    best, best_residual = math.nan, math.inf
    for _ in range(_MAX_POLISH_STEPS):
        exponent = np.multiply(years if x >= 0.0 else years - t_max, -x)
        npv, slope, magnitude = weights.dot(np.exp(exponent, out=exponent)).tolist()
        residual = abs(npv) / magnitude if magnitude > 0.0 else math.inf
        if residual > best_residual:
            break
        best, best_residual = x, residual
        if npv == 0.0 or slope == 0.0:
            break
        step = npv / slope
        moved = x - step
        if not math.isfinite(moved) or abs(step) <= _X_TOLERANCE * max(1.0, abs(moved)):
            break
        x = moved
    return best if best_residual <= _RESIDUAL_TOLERANCE else math.nan


def _solve(series: _Flows, guess: float) -> IrrResult:
    """XIRR of one aggregated series.

    Flows with one sign change have one IRR: pyxirr's Newton iteration (Excel's method) finds
    it fast, and its answer is polished and accepted only if it is a root; otherwise the
    bracketed solver cannot miss it. Flows with several sign changes take exactly the path of
    :func:`xirr_many`, so the two always pick the same one of several IRRs.
    """
    keep = series.amounts != 0.0
    amounts = series.amounts[keep]
    is_negative = amounts < 0.0
    changes = int(np.add.reduce(is_negative[1:] != is_negative[:-1]))
    if changes == 0:
        return IrrResult(None, _no_sign_change_reason(series.amounts))
    days = series.days[keep]
    years = (days - days[0]) / DAYS_PER_YEAR
    if changes == 1:
        dates = (days + series.epoch_day).view("datetime64[D]")
        candidate = pyxirr.xirr(dates, amounts, guess=guess, silent=True)
        if candidate is not None and math.isfinite(candidate) and candidate > -1.0:
            x = _polish_one(years, amounts, math.log1p(candidate))
            if not math.isnan(x):
                return _rate_from_x(x)
    table = _Rows.of(years[None, :], amounts[None, :])
    return _result(float(_solve_rows(table, guess)[0]), changes)


_QUICK_NUMBERS = frozenset({float, int})
_QUICK_ITEMS = frozenset({tuple, list})


def _quick_columns(flows: object, amounts: object) -> tuple[Sequence[Any], Sequence[Any]] | None:
    """Dates and amounts of input in a form pyxirr reads as given: (date, amount) pairs in a
    list or tuple, a dict, a list or tuple of dates with one of amounts, or ``datetime64[D]``
    and float64 arrays; None otherwise."""
    if amounts is None:
        if type(flows) is dict:
            return tuple(flows), tuple(flows.values())
        if (type(flows) is list or type(flows) is tuple) and flows:
            if not set(map(type, flows)) <= _QUICK_ITEMS:  # type: ignore[arg-type]
                return None
            try:
                dates, values = zip(*flows, strict=True)  # type: ignore[misc]
            except ValueError:
                return None
            return dates, values
        return None
    if (type(flows) is list or type(flows) is tuple) and (
        type(amounts) is list or type(amounts) is tuple
    ):
        return flows, amounts  # type: ignore[return-value]
    if (
        isinstance(flows, np.ndarray)
        and isinstance(amounts, np.ndarray)
        and flows.dtype == _DAY
        and amounts.dtype == np.float64
        and flows.ndim == amounts.ndim == 1
    ):
        return flows.tolist(), amounts.tolist()  # NaT and years beyond 9999 are not dates
    return None


def _quick_xirr(flows: object, amounts: object, guess: float) -> IrrResult | None:
    """The XIRR of sound input whose flows change sign exactly once, by pyxirr, verified; None
    for anything else, which then takes the exact path (that also names every fault and reason).

    Exactly one sign change after same-day netting is decided without netting or sorting: every
    non-zero amount of one sign falls strictly before every non-zero amount of the other. Flows
    of a day then share one sign, so adding them exactly or in float gives the same sign, and
    the NPV, which netting never changes, has one root: the one every solver here finds.

    pyxirr reads the input as given. Its rate is accepted when |NPV| ≤ 1e-9 · m · Σ|a|, m the
    smallest discount factor of any flow (1 for a negative rate, (1 + rate) ** −T otherwise, T
    the span in years from the earliest date): m · Σ|a| ≤ Σ|discounted amounts|, so a rate that
    passes also passes the exact path's test, |NPV| ≤ 1e-9 · Σ|discounted amounts|.

    pyxirr stops within about 1e-10 of the root in x = ln(1 + rate). With one sign change,
    |dNPV/dx| ≥ g · Σ|discounted amounts| / 2 at the root, g the years between the last flow of
    one sign and the first of the other, so the rate is within 2 |NPV| / (g · m · Σ|a|) of it
    in x. Within 1e-14 · max(1, |x|), the exact path's tolerance, it is returned as it is;
    otherwise it is refined by the exact path's Newton steps in x (:func:`_polish_one`).
    """
    columns = _quick_columns(flows, amounts)
    if columns is None:
        return None
    dates, values = columns
    if not dates or len(dates) != len(values) or set(map(type, dates)) != {date}:
        return None
    kinds = set(map(type, values))
    try:
        if kinds <= _QUICK_NUMBERS:
            if not math.isfinite(sum(values)):
                return None
        elif kinds == {Decimal}:
            if not sum(values, Decimal(0)).is_finite():
                return None
        else:
            return None
    except (ArithmeticError, OverflowError):  # a signaling NaN, or ints too large for float
        return None
    negative = [d for d, a in zip(dates, values, strict=True) if a < 0]
    positive = [d for d, a in zip(dates, values, strict=True) if a > 0]
    if not negative or not positive:
        return None
    last_negative, last_positive = max(negative), max(positive)
    first_negative, first_positive = min(negative), min(positive)
    if last_negative < first_positive:
        gap = (first_positive - last_negative).days
    elif last_positive < first_negative:
        gap = (first_negative - last_positive).days
    else:
        return None
    last = max(last_negative, last_positive)
    given = (flows,) if amounts is None else (flows, amounts)
    try:
        rate = pyxirr.xirr(*given, guess=guess, silent=True)
        if rate is None or not -1.0 < rate < math.inf:
            return None
        npv = pyxirr.xnpv(rate, *given, silent=True)
        span = (last - min(dates)).days / DAYS_PER_YEAR
        smallest = 1.0 if rate < 0.0 else math.exp(-math.log1p(rate) * span)
        magnitude = float(sum(map(abs, values)))
    except (ArithmeticError, TypeError, ValueError, pyxirr.InvalidPaymentsError):
        return None
    if npv is None or not abs(npv) <= _RESIDUAL_TOLERANCE * smallest * magnitude:
        return None
    x = math.log1p(rate)
    if abs(npv) * 2.0 * DAYS_PER_YEAR <= _X_TOLERANCE * max(1.0, abs(x)) * (
        smallest * magnitude * gap
    ):
        return IrrResult(rate)
    ordinals = np.fromiter(map(date.toordinal, dates), np.int64, len(dates))
    floats = np.fromiter(map(float, values), np.float64, len(values))
    order = ordinals.argsort(kind="stable")
    ordinals, floats = ordinals[order], floats[order]
    x = _polish_one((ordinals - ordinals[0]) / DAYS_PER_YEAR, floats, x)
    return None if math.isnan(x) else _rate_from_x(x)


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

    Actual/365 from the earliest date (shared/CONVENTIONS.md). The flows are solved first by
    pyxirr's Newton iteration from ``guess`` (Excel's method and default guess, 0.1), whose
    answer is refined and accepted only if it is a root; otherwise by a bracketing search that
    cannot miss the single root of flows with one sign change, and a scan for every root when
    they change sign several times, keeping the root nearest the guess. Flows with several sign
    changes can have several IRRs (or none): the rate returned is then one of them.

    Returns ``IrrResult(rate, None)`` or ``IrrResult(None, reason)``; raises ValueError only on
    malformed input.
    """
    start = _check_guess(guess)
    quick = _quick_xirr(flows, amounts, start)
    if quick is not None:
        return quick
    series = _series(flows, amounts)
    if series is None:
        return IrrResult(None, "no cash flows")
    return _solve(series, start)


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


def _fault_in(flows: object, i: int) -> ValueError | None:
    """The precise error for series ``i``, found by validating it flow by flow; None if sound."""
    try:
        _pairs(flows, None)  # type: ignore[arg-type]
    except ValueError as error:
        return ValueError(f"series {i}, {error}")
    return None


def _is_signaling(amount: object) -> bool:
    return isinstance(amount, Decimal) and amount.is_snan()


def _columns(
    series: Sequence[Iterable[tuple[date, Amount]] | Mapping[date, Amount]],
) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.float64], list[object]]:
    """Owner index, date ordinal and float amount of every flow, plus the raw amounts.

    Shapes and types are checked per distinct type rather than per item, so a clean batch
    costs little more than the conversion to floats; any fault is reported precisely.
    """
    materialized: list[Sequence[object]] = []
    dates: list[object] = []
    amounts: list[object] = []
    for i, flows in enumerate(series):
        if isinstance(flows, str | bytes):
            raise ValueError(f"series {i}: expected (date, amount) pairs, not text")
        pairs = list(flows.items() if isinstance(flows, Mapping) else flows)
        materialized.append(pairs)
        if pairs:
            try:
                flow_dates, flow_amounts = zip(*pairs, strict=True)
            except (TypeError, ValueError):
                raise _fault_in(pairs, i) or ValueError(f"series {i}: malformed") from None
            dates.extend(flow_dates)
            amounts.extend(flow_amounts)
    owners = np.repeat(np.arange(len(materialized), dtype=np.intp), list(map(len, materialized)))

    def fault(position: int) -> ValueError:
        owner = int(owners[position])
        found = _fault_in(materialized[owner], owner)
        return found or ValueError(f"series {owner}: malformed")

    try:
        ordinals = np.fromiter(map(date.toordinal, dates), dtype=np.int64, count=len(dates))  # type: ignore[arg-type]
    except TypeError:
        raise fault(next(k for k, d in enumerate(dates) if not isinstance(d, date))) from None
    try:  # money usually comes all in Decimal: convert and type-check in one pass
        values = np.fromiter(map(Decimal.__float__, amounts), dtype=np.float64, count=len(amounts))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        for kind in set(map(type, amounts)):
            if issubclass(kind, bool) or not issubclass(kind, Decimal | numbers.Real):
                raise fault(next(k for k, a in enumerate(amounts) if type(a) is kind)) from None
        try:
            values = np.fromiter(map(float, amounts), dtype=np.float64, count=len(amounts))  # type: ignore[arg-type]
        except ValueError:
            raise fault(next(k for k, a in enumerate(amounts) if _is_signaling(a))) from None
    if not np.all(np.isfinite(values)):
        raise fault(int(np.flatnonzero(~np.isfinite(values))[0]))
    return owners, ordinals, values, amounts


def _net_same_day(
    owners: NDArray[np.intp],
    ordinals: NDArray[np.int64],
    values: NDArray[np.float64],
    raw_amounts: list[object],
) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.float64]]:
    """One entry per series and date, sorted by series then date: owner, date ordinal and
    amount, where several flows on one day are added exactly (as fractions), then rounded."""
    order = np.argsort((owners.astype(np.int64) << 32) | ordinals, kind="stable")
    owners_sorted, ordinals_sorted = owners[order], ordinals[order]
    starts = np.flatnonzero(
        np.r_[True, (owners_sorted[1:] != owners_sorted[:-1]) | (np.diff(ordinals_sorted) != 0)]
    )
    sums = np.add.reduceat(values[order], starts)
    sizes = np.diff(np.r_[starts, order.size])
    for g in np.flatnonzero(sizes > 1):
        members = order[starts[g] : starts[g] + sizes[g]]
        sums[g] = _exact_sum([raw_amounts[k] for k in members])  # type: ignore[misc]
    return owners_sorted[starts], ordinals_sorted[starts], sums


def _padded(owner: NDArray[np.intp], day: NDArray[np.int64], amount: NDArray[np.float64]) -> _Rows:
    """A matrix with one row per owner, in order: years from the row's first flow, amounts,
    padded with zero amounts on the right."""
    row = np.r_[0, np.cumsum(owner[1:] != owner[:-1])]
    row_start = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    counts = np.diff(np.r_[row_start, row.size])
    column = np.arange(row.size) - np.repeat(row_start, counts)
    first_day = np.repeat(day[row_start], counts)
    years = np.zeros((row_start.size, int(counts.max())))
    amounts = np.zeros_like(years)
    years[row, column] = (day - first_day) / DAYS_PER_YEAR
    amounts[row, column] = amount
    return _Rows.of(years, amounts)


def xirr_many(
    series: Sequence[Iterable[tuple[date, Amount]] | Mapping[date, Amount]],
    *,
    guess: float = DEFAULT_GUESS,
) -> IrrBatch:
    """XIRR of each series (e.g. every LP of a fund), in one vectorized pass.

    Each series is a sequence of (date, amount) pairs or a mapping of date to amount, validated
    and with same-day flows added exactly, as for a single series. The series become the rows
    of a padded NumPy matrix: those whose flows change sign once (calls, then distributions)
    are solved together by a bracketed Newton iteration; those that change sign several times
    by Excel's Newton iteration from the guess, also together, and the few where it fails by a
    scan one by one. Each answer is :func:`solve_xirr`'s: the same root, to about 1e-12.
    """
    start = _check_guess(guess)
    n = len(series)
    owners, ordinals, values, raw_amounts = _columns(series)
    rates = np.full(n, np.nan)
    if owners.size == 0:
        return IrrBatch(rates, ("no cash flows",) * n)
    group_owner, group_day, sums = _net_same_day(owners, ordinals, values, raw_amounts)

    present = np.zeros(n, dtype=bool)
    present[group_owner] = True
    reasons: list[str | None] = [None if has_flows else "no cash flows" for has_flows in present]

    nonzero = sums != 0.0
    nz_owner, nz_day, nz_amount = group_owner[nonzero], group_day[nonzero], sums[nonzero]
    nz_sign = np.sign(nz_amount)
    flips = (nz_owner[1:] == nz_owner[:-1]) & (nz_sign[1:] != nz_sign[:-1])
    changes = np.bincount(nz_owner[1:][flips], minlength=n)

    positive = np.bincount(group_owner[sums > 0.0], minlength=n) > 0
    negative = np.bincount(group_owner[sums < 0.0], minlength=n) > 0
    for i in np.flatnonzero(present & (changes == 0)):
        kind = "positive" if positive[i] else "negative" if negative[i] else None
        reasons[i] = _NO_SIGN_CHANGE[kind]

    rows = np.flatnonzero(changes >= 1)
    if rows.size:
        take = (changes >= 1)[nz_owner]
        xs = _solve_rows(_padded(nz_owner[take], nz_day[take], nz_amount[take]), start)
        with np.errstate(over="ignore", invalid="ignore"):
            found = np.expm1(xs)
        representable = np.isfinite(found) & (found > -1.0)
        rates[rows[representable]] = found[representable]
        for k in np.flatnonzero(~representable):
            reasons[rows[k]] = _result(float(xs[k]), int(changes[rows[k]])).reason
    return IrrBatch(rates, tuple(reasons))
