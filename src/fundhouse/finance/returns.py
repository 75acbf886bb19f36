"""Returns and risk: time- and money-weighted returns, annualization, volatility, ratios, drawdown,
value at risk and benchmark-relative risk.

Money comes in as ``Decimal`` (``int`` and ``float`` are accepted); returns come out as float64
fractions (0.05 means 5%). External flows are movements of value into (+) or out of (−) the
portfolio that are not investment income: deposits, withdrawals, transfers.

Return series for the statistics are one-dimensional sequences of per-period returns (daily,
weekly, monthly ...); the statistics that annualize take ``periods_per_year`` explicitly
(252 for trading days, 52, 12, 4), because a silent default annualizes monthly data as if it
were daily.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from fundhouse.finance.cashflows import DAYS_PER_YEAR, Amount, IrrResult, solve_xirr

__all__ = [
    "Drawdown",
    "FlowTiming",
    "ReturnSeries",
    "RiskMethod",
    "annualize_return",
    "annualized_volatility",
    "beta",
    "conditional_value_at_risk",
    "deannualize_return",
    "link_returns",
    "max_drawdown",
    "modified_dietz_return",
    "money_weighted_return",
    "sharpe_ratio",
    "sortino_ratio",
    "sub_period_returns",
    "time_weighted_return",
    "tracking_error",
    "value_at_risk",
]

FlowTiming: TypeAlias = Literal["start", "end"]
"""When in its day an external flow happens: before the day's market move ("start") or after
it ("end", so the day's closing valuation already includes it)."""

RiskMethod: TypeAlias = Literal["historical", "parametric"]

Returns: TypeAlias = Sequence[float] | NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class ReturnSeries:
    """Per-period returns; ``returns[i]`` is the return of the period ending on ``dates[i]``."""

    dates: tuple[date, ...]
    returns: NDArray[np.float64] = field(repr=False)

    def __post_init__(self) -> None:
        if self.returns.ndim != 1 or len(self.dates) != self.returns.size:
            raise ValueError("a return series needs one return per date")


@dataclass(frozen=True, slots=True)
class Drawdown:
    """The largest fall from a peak: ``depth`` = 1 − trough / peak (0.25 is a 25% fall).

    ``recovery_date`` is the first date after the trough on which the value is back at or above
    the peak, or None when it has not recovered by the end of the series.
    """

    depth: float
    peak_date: date
    peak_value: float
    trough_date: date
    trough_value: float
    recovery_date: date | None


# --------------------------------------------------------------------------- validation


def _money(value: object, name: str) -> Decimal:
    """An amount as an exact Decimal (a float converts exactly, digit for digit of its binary)."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        amount = Decimal(int(value))
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        amount = Decimal(float(value))
    else:
        raise ValueError(f"{name} must be a Decimal, int or float, not {value!r}")
    if not amount.is_finite():
        raise ValueError(f"{name} must be finite, not {value!r}")
    return amount


def _date(value: object, name: str) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{name} must be a date, not {value!r}")
    return value


def _dated_amounts(items: Iterable[tuple[date, Amount]], name: str) -> list[tuple[date, Decimal]]:
    pairs: list[tuple[date, Decimal]] = []
    for i, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValueError(f"{name} {i}: expected a (date, amount) pair, not {item!r}")
        pairs.append((_date(item[0], f"{name} {i}"), _money(item[1], f"{name} {i}")))
    return pairs


def _in_date_order(points: list[tuple[date, Decimal]], name: str) -> list[tuple[date, Decimal]]:
    ordered = sorted(points, key=lambda point: point[0])
    for (earlier, _), (later, _) in itertools.pairwise(ordered):
        if earlier == later:
            raise ValueError(f"two {name} on {later}: keep one per date")
    return ordered


def _summed_by_date(pairs: Iterable[tuple[date, Decimal]]) -> dict[date, Fraction]:
    totals: dict[date, Fraction] = {}
    for d, amount in pairs:
        totals[d] = totals.get(d, Fraction(0)) + Fraction(amount)
    return totals


def _returns(values: Returns, name: str, minimum: int) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, not of shape {array.shape}")
    if array.size < minimum:
        raise ValueError(f"{name} needs at least {minimum} observations, not {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers")
    return array


def _paired(
    returns: Returns, benchmark_returns: Returns
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    portfolio = _returns(returns, "returns", 2)
    benchmark = _returns(benchmark_returns, "benchmark_returns", 2)
    if portfolio.size != benchmark.size:
        raise ValueError(
            f"returns and benchmark_returns must cover the same periods "
            f"({portfolio.size} vs {benchmark.size} observations)"
        )
    return portfolio, benchmark


def _periods_per_year(periods_per_year: float) -> float:
    if (
        isinstance(periods_per_year, bool)
        or not isinstance(periods_per_year, numbers.Real)
        or not math.isfinite(periods_per_year)
        or periods_per_year <= 0
    ):
        raise ValueError(f"periods_per_year must be a positive number, not {periods_per_year!r}")
    return float(periods_per_year)


def _confidence(confidence: float) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real):
        raise ValueError(f"confidence must be a number, not {confidence!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")
    return float(confidence)


def _timing(flow_timing: str) -> FlowTiming:
    if flow_timing not in ("start", "end"):
        raise ValueError(f'flow_timing must be "start" or "end", not {flow_timing!r}')
    return flow_timing  # type: ignore[return-value]


# --------------------------------------------------------------------------- period returns


def sub_period_returns(
    valuations: Iterable[tuple[date, Amount]],
    flows: Iterable[tuple[date, Amount]] = (),
    *,
    flow_timing: FlowTiming = "end",
) -> ReturnSeries:
    """The return of each period between consecutive valuations (e.g. each day).

    With V the valuations and C the external flows of the period's last day, summed:
    end-of-day flows give r = (V_i − C_i) / V_{i−1} − 1, start-of-day flows give
    r = V_i / (V_{i−1} + C_i) − 1 (Bacon, "Practical Portfolio Performance Measurement and
    Attribution", 2nd ed., true time-weighted return). Every flow must fall on a valuation date
    after the first, because a true time-weighted return values the portfolio at each external
    flow (GIPS 2020); a period with no capital at work and no gain has return 0.

    Raises ValueError on duplicate valuation dates, a flow with no valuation, or a period whose
    capital at work is zero with a gain, or negative.
    """
    timing = _timing(flow_timing)
    points = _dated_amounts(valuations, "valuation")
    if len(points) < 2:
        raise ValueError("a return needs at least two valuations")
    points = _in_date_order(points, "valuations")
    dates = [d for d, _ in points]
    flow_totals = _summed_by_date(_dated_amounts(flows, "flow"))
    valued = set(dates[1:])
    for d in sorted(flow_totals):
        if d not in valued:
            raise ValueError(
                f"flow on {d} has no valuation on that date after {dates[0]}: "
                "a time-weighted return needs a valuation at every external flow"
            )

    returns = np.empty(len(points) - 1)
    for i in range(1, len(points)):
        before, after = Fraction(points[i - 1][1]), Fraction(points[i][1])
        flow = flow_totals.get(dates[i], Fraction(0))
        base = before if timing == "end" else before + flow
        gain = after - before - flow
        if base == 0 and gain == 0:
            returns[i - 1] = 0.0
        elif base <= 0:
            raise ValueError(
                f"the period ending {dates[i]} has {'no' if base == 0 else 'negative'} capital "
                "at work: its return is undefined"
            )
        else:
            returns[i - 1] = float(gain / base)
    return ReturnSeries(tuple(dates[1:]), returns)


def link_returns(returns: Returns) -> float:
    """Compound period returns geometrically: Π(1 + r_i) − 1 (Bacon, geometric linking)."""
    array = _returns(returns, "returns", 0)
    return float(np.prod(1.0 + array) - 1.0)


def time_weighted_return(
    valuations: Iterable[tuple[date, Amount]],
    flows: Iterable[tuple[date, Amount]] = (),
    *,
    flow_timing: FlowTiming = "end",
) -> float:
    """True time-weighted return over the whole span of the valuations, not annualized.

    The periods of :func:`sub_period_returns` (daily when the valuations are daily) linked
    geometrically, so external flows do not move the return (GIPS 2020; Bacon).
    """
    return link_returns(sub_period_returns(valuations, flows, flow_timing=flow_timing).returns)


def _period(
    start: date, end: date, flows: Iterable[tuple[date, Amount]]
) -> tuple[int, list[tuple[date, Decimal]]]:
    _date(start, "start")
    _date(end, "end")
    days = (end - start).days
    if days <= 0:
        raise ValueError(f"the period must end after it starts ({start} to {end})")
    pairs = _dated_amounts(flows, "flow")
    for d, _ in pairs:
        if not start < d <= end:
            raise ValueError(f"flow on {d} is outside the period ({start}, {end}]")
    return days, pairs


def modified_dietz_return(
    start_value: Amount,
    end_value: Amount,
    flows: Iterable[tuple[date, Amount]],
    start: date,
    end: date,
    *,
    flow_timing: FlowTiming = "end",
) -> float:
    """Modified Dietz return of one period, not annualized.

    R = (EMV − BMV − ΣCF_i) / (BMV + Σ W_i·CF_i), W_i = (CD − D_i) / CD, where CD is the
    calendar days from the start valuation to the end valuation and D_i the days from the start
    to flow i (GIPS 2020 Glossary, "Modified Dietz"; Dietz 1966). ``start`` and ``end`` are the
    dates of the two valuations; flows fall in (start, end]; a start-of-day flow counts one day
    longer. Computed exactly, then rounded once to float.

    Average capital can be negative (the return then has the opposite sign of the gain); when
    it is zero the return is undefined and ValueError is raised.
    """
    timing = _timing(flow_timing)
    days, pairs = _period(start, end, flows)
    begin = Fraction(_money(start_value, "start_value"))
    finish = Fraction(_money(end_value, "end_value"))
    total_flow = sum((Fraction(amount) for _, amount in pairs), Fraction(0))
    lag = 0 if timing == "end" else 1
    weighted = sum(
        (Fraction(days - (d - start).days + lag, days) * Fraction(a) for d, a in pairs),
        Fraction(0),
    )
    average_capital = begin + weighted
    if average_capital == 0:
        raise ValueError("average capital is zero: the Modified Dietz return is undefined")
    return float((finish - begin - total_flow) / average_capital)


def money_weighted_return(
    start_value: Amount,
    end_value: Amount,
    flows: Iterable[tuple[date, Amount]],
    start: date,
    end: date,
) -> IrrResult:
    """Money-weighted return: the annual XIRR of the investor's side of the period.

    The start value is paid in at ``start``, each external flow into the portfolio is paid in
    (and each withdrawal received) on its date, and the end value is received at ``end``; the
    rate is actual/365 like every XIRR here (shared/CONVENTIONS.md). It is annual: use
    :func:`deannualize_return` for the return over the period itself.
    """
    _, pairs = _period(start, end, flows)
    investor = [(start, -_money(start_value, "start_value"))]
    investor += [(d, -amount) for d, amount in pairs]
    investor.append((end, _money(end_value, "end_value")))
    return solve_xirr(investor)


# --------------------------------------------------------------------------- annualization


def annualize_return(total_return: float, days: int, *, allow_partial_year: bool = False) -> float:
    """The annual rate equivalent to a return over ``days``: (1 + R) ** (365 / days) − 1.

    Actual/365, as XIRR (shared/CONVENTIONS.md). The GIPS standards forbid annualizing a return
    over less than a year, so a shorter period raises ValueError unless ``allow_partial_year``
    is set.
    """
    if isinstance(days, bool) or not isinstance(days, numbers.Integral) or days <= 0:
        raise ValueError(f"days must be a positive whole number, not {days!r}")
    if days < DAYS_PER_YEAR and not allow_partial_year:
        raise ValueError(
            f"a return over {days} days is less than a year and is not annualized (GIPS)"
        )
    total = _rate(total_return, "total_return")
    return float(math.expm1(math.log1p(total) * DAYS_PER_YEAR / int(days)))


def deannualize_return(annual_rate: float, days: int) -> float:
    """The return over ``days`` at an annual rate: (1 + r) ** (days / 365) − 1 (actual/365)."""
    if isinstance(days, bool) or not isinstance(days, numbers.Integral) or days < 0:
        raise ValueError(f"days must be a whole number of days, not {days!r}")
    rate = _rate(annual_rate, "annual_rate")
    return float(math.expm1(math.log1p(rate) * int(days) / DAYS_PER_YEAR))


def _rate(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, not {value!r}")
    rate = float(value)
    if not math.isfinite(rate) or rate <= -1.0:
        raise ValueError(f"{name} must be a finite return above -100%, not {value!r}")
    return rate


# --------------------------------------------------------------------------- risk


def annualized_volatility(returns: Returns, *, periods_per_year: float) -> float:
    """Sample standard deviation of period returns (n − 1) scaled by √periods_per_year.

    The square-root-of-time rule assumes independent returns (Bacon, risk measures; Lo 2002,
    "The Statistics of Sharpe Ratios").
    """
    array = _returns(returns, "returns", 2)
    return float(np.std(array, ddof=1) * math.sqrt(_periods_per_year(periods_per_year)))


def _excess(returns: NDArray[np.float64], other: float | Returns, name: str) -> NDArray[np.float64]:
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        if not math.isfinite(other):
            raise ValueError(f"{name} must be finite")
        return returns - float(other)
    series = _returns(other, name, 1)  # type: ignore[arg-type]
    if series.size != returns.size:
        raise ValueError(f"{name} must be one number or one per return ({returns.size})")
    return returns - series


def sharpe_ratio(
    returns: Returns, *, risk_free: float | Returns = 0.0, periods_per_year: float
) -> float | None:
    """Annualized ex-post Sharpe ratio: mean(r − r_f) / sd(r − r_f) × √periods_per_year.

    ``risk_free`` is the per-period risk-free return, one number or one per period (Sharpe 1994,
    "The Sharpe Ratio", the ex-post ratio of the mean differential return to its standard
    deviation, sample n − 1). None when the excess returns do not vary.
    """
    array = _returns(returns, "returns", 2)
    excess = _excess(array, risk_free, "risk_free")
    deviation = float(np.std(excess, ddof=1))
    if deviation == 0.0:
        return None
    scale = math.sqrt(_periods_per_year(periods_per_year))
    return float(np.mean(excess)) / deviation * scale


def sortino_ratio(
    returns: Returns, *, minimum_acceptable: float = 0.0, periods_per_year: float
) -> float | None:
    """Annualized Sortino ratio: (mean(r) − MAR) / downside deviation × √periods_per_year.

    Downside deviation = √(Σ min(r_i − MAR, 0)² / n) over all n periods, MAR the per-period
    minimum acceptable return (Sortino & Price 1994, "Performance Measurement in a Downside
    Risk Framework"; Bacon, downside risk). None when no period falls below the MAR.
    """
    array = _returns(returns, "returns", 2)
    excess = _excess(array, minimum_acceptable, "minimum_acceptable")
    shortfall = np.minimum(excess, 0.0)
    downside = math.sqrt(float(np.mean(shortfall * shortfall)))
    if downside == 0.0:
        return None
    scale = math.sqrt(_periods_per_year(periods_per_year))
    return float(np.mean(excess)) / downside * scale


def max_drawdown(values: Iterable[tuple[date, Amount]]) -> Drawdown | None:
    """The largest peak-to-trough fall of a dated series of values (a NAV or wealth index).

    depth = max over t of 1 − V_t / max_{s ≤ t} V_s (Bacon, "maximum drawdown"). The peak
    is the last date the series stood at that high before the trough; ties between equal
    depths go to the earliest trough. None when the series never falls below an earlier peak.
    Values must be positive.
    """
    points = _dated_amounts(values, "value")
    if not points:
        raise ValueError("a drawdown needs at least one value")
    points = _in_date_order(points, "values")
    dates = [d for d, _ in points]
    level = np.array([float(v) for _, v in points])
    if np.any(level <= 0.0):
        raise ValueError("values must be positive to measure a drawdown")
    running_peak = np.maximum.accumulate(level)
    depth = 1.0 - level / running_peak
    trough = int(np.argmax(depth))
    if depth[trough] <= 0.0:
        return None
    peak_value = running_peak[trough]
    peak = int(np.flatnonzero(level[: trough + 1] == peak_value)[-1])
    recovered = np.flatnonzero(level[trough + 1 :] >= peak_value)
    return Drawdown(
        depth=float(depth[trough]),
        peak_date=dates[peak],
        peak_value=float(peak_value),
        trough_date=dates[trough],
        trough_value=float(level[trough]),
        recovery_date=dates[trough + 1 + int(recovered[0])] if recovered.size else None,
    )


def _tail(array: NDArray[np.float64], confidence: float) -> NDArray[np.float64]:
    """The k = ⌈n(1 − c)⌉ worst returns, worst first: the empirical (1 − c) quantile and below.

    The 1e-9 keeps float noise from rounding up a whole product: 500 × (1 − 0.99) computes as
    5.000000000000004, and the 99% VaR of 500 returns is the 5th worst, not the 6th.
    """
    k = max(1, math.ceil(array.size * (1.0 - confidence) - 1e-9))
    return np.sort(array)[:k]


def value_at_risk(
    returns: Returns, *, confidence: float = 0.95, method: RiskMethod = "historical"
) -> float:
    """One-period value at risk as a loss fraction (0.02: a 2% loss is not exceeded at c;
    negative when even the tail is a gain).

    Historical: minus the empirical (1 − c) quantile, the k-th worst return with
    k = ⌈n(1 − c)⌉ (the inverse of the empirical distribution function; with 500 returns at 99%,
    the 5th worst). Parametric (Gaussian): −(μ − σ·z_c), z_c = Φ⁻¹(c), μ and σ the sample mean
    and standard deviation (Jorion, "Value at Risk", delta-normal VaR). Scaling to longer
    horizons is left to the caller.
    """
    array = _returns(returns, "returns", 2)
    level = _confidence(confidence)
    if method == "historical":
        return float(-_tail(array, level)[-1])
    if method == "parametric":
        z = NormalDist().inv_cdf(level)
        return float(-(np.mean(array) - np.std(array, ddof=1) * z))
    raise ValueError(f'method must be "historical" or "parametric", not {method!r}')


def conditional_value_at_risk(
    returns: Returns, *, confidence: float = 0.95, method: RiskMethod = "historical"
) -> float:
    """Expected shortfall (CVaR) as a loss fraction: the mean loss at or beyond the VaR.

    Historical: minus the mean of the k = ⌈n(1 − c)⌉ worst returns, so CVaR ≥ VaR (Acerbi &
    Tasche 2002, "On the coherence of expected shortfall"). Parametric (Gaussian):
    −μ + σ·φ(z_c) / (1 − c) (McNeil, Frey & Embrechts, "Quantitative Risk Management",
    expected shortfall of the normal distribution).
    """
    array = _returns(returns, "returns", 2)
    level = _confidence(confidence)
    if method == "historical":
        return float(-np.mean(_tail(array, level)))
    if method == "parametric":
        normal = NormalDist()
        density = normal.pdf(normal.inv_cdf(level))
        return float(-np.mean(array) + np.std(array, ddof=1) * density / (1.0 - level))
    raise ValueError(f'method must be "historical" or "parametric", not {method!r}')


def beta(returns: Returns, benchmark_returns: Returns) -> float | None:
    """Beta to a benchmark: cov(r, b) / var(b) over the same periods (Sharpe 1964, the CAPM;
    Bacon, systematic risk). None when the benchmark does not vary."""
    portfolio, benchmark = _paired(returns, benchmark_returns)
    variance = float(np.var(benchmark, ddof=1))
    if variance == 0.0:
        return None
    covariance = float(np.cov(portfolio, benchmark, ddof=1)[0, 1])
    return covariance / variance


def tracking_error(
    returns: Returns, benchmark_returns: Returns, *, periods_per_year: float
) -> float:
    """Ex-post tracking error: sample standard deviation of r − b, × √periods_per_year
    (Bacon, "tracking error")."""
    portfolio, benchmark = _paired(returns, benchmark_returns)
    active = portfolio - benchmark
    return float(np.std(active, ddof=1) * math.sqrt(_periods_per_year(periods_per_year)))
