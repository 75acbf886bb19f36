"""Fund performance: multiples, the flow series behind gross and net IRR, and public-market
equivalents (Kaplan-Schoar, Long-Nickels, Direct Alpha) against a benchmark index.

Conventions (shared/CONVENTIONS.md, "Fund performance"): TVPI = (distributions + NAV) / paid-in;
DPI, RVPI and PIC as ILPA defines them; the PMEs exactly as written there. Amounts are
``Decimal`` money given as positive numbers (contributions paid in, distributions paid out);
multiples and rates are float64. A multiple whose denominator is zero (nothing paid in yet) is
None: it is undefined, not zero.

Index levels are looked up on or before each date (the last close known on that day), so a
flow on a weekend uses the Friday close.
"""

from __future__ import annotations

import bisect
import itertools
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

from fundhouse.finance.cashflows import Amount, IrrResult, solve_xirr

__all__ = [
    "DirectAlpha",
    "FundMultiples",
    "IndexSeries",
    "LongNickelsPme",
    "direct_alpha",
    "dpi",
    "fund_multiples",
    "gross_irr_flows",
    "kaplan_schoar_pme",
    "long_nickels_pme",
    "moic",
    "net_irr_flows",
    "pic",
    "rvpi",
    "tvpi",
]

Level: TypeAlias = Decimal | int | float
DatedAmounts: TypeAlias = Iterable[tuple[date, Amount]]


# --------------------------------------------------------------------------- validation


def _money(value: object, name: str, *, allow_negative: bool = False) -> Decimal:
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
    if amount < 0 and not allow_negative:
        raise ValueError(f"{name} must be zero or positive, not {value!r}")
    return amount


def _flows(items: DatedAmounts, name: str, until: date) -> list[tuple[date, Decimal]]:
    """Dated positive amounts, none after ``until``."""
    if isinstance(items, Mapping):
        items = items.items()
    pairs: list[tuple[date, Decimal]] = []
    for i, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValueError(f"{name} {i}: expected a (date, amount) pair, not {item!r}")
        when, amount = item
        if not isinstance(when, date):
            raise ValueError(f"{name} {i}: expected a date, not {when!r}")
        if when > until:
            raise ValueError(f"{name} {i} on {when} is after the valuation date {until}")
        pairs.append((when, _money(amount, f"{name} {i}")))
    return pairs


def _valuation_date(value: object) -> date:
    if not isinstance(value, date):
        raise ValueError(f"the valuation date must be a date, not {value!r}")
    return value


def _ratio(numerator: Decimal, denominator: Decimal) -> float | None:
    """numerator / denominator rounded once to float, or None when the denominator is zero."""
    if denominator == 0:
        return None
    return float(Fraction(numerator) / Fraction(denominator))


# --------------------------------------------------------------------------- multiples


def pic(paid_in: Amount, committed: Amount) -> float | None:
    """PIC, paid-in capital / committed capital (ILPA Reporting Template). None without
    commitments."""
    return _ratio(_money(paid_in, "paid_in"), _money(committed, "committed"))


def dpi(distributions: Amount, paid_in: Amount) -> float | None:
    """DPI, cumulative distributions / paid-in capital (ILPA). None before any paid-in."""
    return _ratio(_money(distributions, "distributions"), _money(paid_in, "paid_in"))


def rvpi(nav: Amount, paid_in: Amount) -> float | None:
    """RVPI, residual value (NAV) / paid-in capital (ILPA). None before any paid-in."""
    residual = _money(nav, "nav", allow_negative=True)
    return _ratio(residual, _money(paid_in, "paid_in"))


def tvpi(distributions: Amount, nav: Amount, paid_in: Amount) -> float | None:
    """TVPI, (distributions + NAV) / paid-in capital = DPI + RVPI (shared/CONVENTIONS.md).
    None before any paid-in."""
    total = _money(distributions, "distributions") + _money(nav, "nav", allow_negative=True)
    return _ratio(total, _money(paid_in, "paid_in"))


def moic(realized_value: Amount, unrealized_value: Amount, invested: Amount) -> float | None:
    """MOIC, (realized + unrealized value) / invested capital: the gross multiple of an
    investment or portfolio, before fees and carry. None when nothing was invested."""
    total = _money(realized_value, "realized_value") + _money(
        unrealized_value, "unrealized_value", allow_negative=True
    )
    return _ratio(total, _money(invested, "invested"))


@dataclass(frozen=True, slots=True)
class FundMultiples:
    """PIC, DPI, RVPI and TVPI of one fund or LP at one date; None where undefined."""

    pic: float | None
    dpi: float | None
    rvpi: float | None
    tvpi: float | None


def fund_multiples(
    committed: Amount, paid_in: Amount, distributions: Amount, nav: Amount
) -> FundMultiples:
    """The four ILPA multiples at once (ILPA Reporting Template; shared/CONVENTIONS.md)."""
    return FundMultiples(
        pic=pic(paid_in, committed),
        dpi=dpi(distributions, paid_in),
        rvpi=rvpi(nav, paid_in),
        tvpi=tvpi(distributions, nav, paid_in),
    )


# --------------------------------------------------------------------------- IRR inputs


def _terminal_series(
    paid: DatedAmounts,
    received: DatedAmounts,
    residual: Amount,
    on: date,
    names: tuple[str, str, str],
) -> list[tuple[date, Decimal]]:
    valuation = _valuation_date(on)
    out = [(d, -amount) for d, amount in _flows(paid, names[0], valuation)]
    out += _flows(received, names[1], valuation)
    out.append((valuation, _money(residual, names[2], allow_negative=True)))
    return out


def net_irr_flows(
    contributions: DatedAmounts,
    distributions: DatedAmounts,
    nav: Amount,
    nav_date: date,
) -> list[tuple[date, Decimal]]:
    """The LPs' flows for net IRR: contributions negative, distributions positive, and the NAV
    as a final positive flow on ``nav_date`` (ILPA: net IRR from the LPs' cash flows and the
    residual NAV). Pass the result to ``cashflows.solve_xirr``."""
    return _terminal_series(
        contributions, distributions, nav, nav_date, ("contribution", "distribution", "nav")
    )


def gross_irr_flows(
    investments: DatedAmounts,
    proceeds: DatedAmounts,
    unrealized_value: Amount,
    valuation_date: date,
) -> list[tuple[date, Decimal]]:
    """The fund's own investment flows for gross IRR: money invested in portfolio companies
    negative, proceeds positive, and the unrealized value as a final flow on
    ``valuation_date``; fees, expenses and carry are not in it (ILPA: gross IRR). Pass the
    result to ``cashflows.solve_xirr``."""
    names = ("investment", "proceeds", "unrealized_value")
    return _terminal_series(investments, proceeds, unrealized_value, valuation_date, names)


# --------------------------------------------------------------------------- index


@dataclass(frozen=True, slots=True)
class IndexSeries:
    """A benchmark index's levels by date (a total-return index for PME), strictly dated.

    Build it with :meth:`from_levels`; look levels up with :meth:`level_on_or_before`.
    """

    dates: tuple[date, ...]
    levels: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.dates) != len(self.levels):
            raise ValueError("an index series needs one level per date")
        if not self.dates:
            raise ValueError("an index series needs at least one level")
        for earlier, later in itertools.pairwise(self.dates):
            if not earlier < later:
                raise ValueError(f"index dates must be strictly increasing ({earlier}, {later})")
        for d, level in zip(self.dates, self.levels, strict=True):
            if not math.isfinite(level) or level <= 0.0:
                raise ValueError(f"index level on {d} must be a positive number, not {level!r}")

    @classmethod
    def from_levels(
        cls, levels: Iterable[tuple[date, Level]] | Mapping[date, Level]
    ) -> IndexSeries:
        """From (date, level) pairs in any order, or a mapping of date to level."""
        items = levels.items() if isinstance(levels, Mapping) else levels
        pairs: list[tuple[date, float]] = []
        for i, item in enumerate(items):
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise ValueError(f"index level {i}: expected a (date, level) pair, not {item!r}")
            when, level = item
            if not isinstance(when, date):
                raise ValueError(f"index level {i}: expected a date, not {when!r}")
            if isinstance(level, bool) or not isinstance(level, Decimal | numbers.Real):
                raise ValueError(f"index level {i}: expected a number, not {level!r}")
            pairs.append((when, float(level)))
        pairs.sort(key=lambda pair: pair[0])
        for (earlier, _), (later, _) in itertools.pairwise(pairs):
            if earlier == later:
                raise ValueError(f"two index levels on {later}: keep one per date")
        return cls(tuple(d for d, _ in pairs), tuple(level for _, level in pairs))

    def level_on_or_before(self, on: date) -> float:
        """The last level dated on or before ``on``; ValueError when the series starts later."""
        if not isinstance(on, date):
            raise ValueError(f"expected a date, not {on!r}")
        position = bisect.bisect_right(self.dates, on) - 1
        if position < 0:
            raise ValueError(
                f"no index level on or before {on}: the index starts on {self.dates[0]}"
            )
        return self.levels[position]


def _index(index: IndexSeries | Iterable[tuple[date, Level]] | Mapping[date, Level]) -> IndexSeries:
    return index if isinstance(index, IndexSeries) else IndexSeries.from_levels(index)


@dataclass(frozen=True, slots=True)
class _Compounded:
    """Fund flows with each amount's index growth factor I_T / I_t to the valuation date."""

    contributions: list[tuple[date, Decimal, float]]
    distributions: list[tuple[date, Decimal, float]]
    nav: Decimal
    nav_date: date


def _compound(
    contributions: DatedAmounts,
    distributions: DatedAmounts,
    nav: Amount,
    nav_date: date,
    index: IndexSeries | Iterable[tuple[date, Level]] | Mapping[date, Level],
) -> _Compounded:
    valuation = _valuation_date(nav_date)
    levels = _index(index)
    final = levels.level_on_or_before(valuation)

    def grow(pairs: list[tuple[date, Decimal]]) -> list[tuple[date, Decimal, float]]:
        return [(d, amount, final / levels.level_on_or_before(d)) for d, amount in pairs]

    return _Compounded(
        contributions=grow(_flows(contributions, "contribution", valuation)),
        distributions=grow(_flows(distributions, "distribution", valuation)),
        nav=_money(nav, "nav", allow_negative=True),
        nav_date=valuation,
    )


# --------------------------------------------------------------------------- PME


def kaplan_schoar_pme(
    contributions: DatedAmounts,
    distributions: DatedAmounts,
    nav: Amount,
    nav_date: date,
    index: IndexSeries | Iterable[tuple[date, Level]] | Mapping[date, Level],
) -> float | None:
    """Kaplan-Schoar PME = [Σ D_t·I_T/I_t + NAV] / Σ C_t·I_T/I_t (Kaplan & Schoar 2005,
    "Private Equity Performance: Returns, Persistence, and Capital Flows"; shared/CONVENTIONS.md).

    Above 1, the fund beat the index. T is ``nav_date``; I is the index level on or before each
    date. None when nothing was contributed.
    """
    fund = _compound(contributions, distributions, nav, nav_date, index)
    paid = math.fsum(float(amount) * growth for _, amount, growth in fund.contributions)
    if paid == 0.0:
        return None
    received = math.fsum(float(amount) * growth for _, amount, growth in fund.distributions)
    return (received + float(fund.nav)) / paid


@dataclass(frozen=True, slots=True)
class LongNickelsPme:
    """The Long-Nickels PME: the IRR of the fund's flows with the index position's value at T
    (``replicated_value``, which may be negative) in place of the NAV, or why there is none."""

    irr: IrrResult
    replicated_value: float

    @property
    def rate(self) -> float | None:
        """The PME as an annual rate, or None when no rate solves the series."""
        return self.irr.rate


def long_nickels_pme(
    contributions: DatedAmounts,
    distributions: DatedAmounts,
    nav: Amount,
    nav_date: date,
    index: IndexSeries | Iterable[tuple[date, Level]] | Mapping[date, Level],
) -> LongNickelsPme:
    """Long-Nickels PME (Long & Nickels 1996, "A Private Investment Benchmark";
    shared/CONVENTIONS.md): buy the index with each contribution and sell it with each
    distribution; the position's value at T, Σ C_t·I_T/I_t − Σ D_t·I_T/I_t, replaces the NAV,
    and the PME is the XIRR of that series. When distributions outrun the index the position
    goes short and no rate may solve the series: the result then says so. Compare the rate with
    the fund's own net IRR; the fund's NAV is validated but does not enter the PME.
    """
    fund = _compound(contributions, distributions, nav, nav_date, index)
    replicated = math.fsum(float(amount) * growth for _, amount, growth in fund.contributions)
    replicated -= math.fsum(float(amount) * growth for _, amount, growth in fund.distributions)
    series: list[tuple[date, Amount]] = [(d, -amount) for d, amount, _ in fund.contributions]
    series += [(d, amount) for d, amount, _ in fund.distributions]
    series.append((fund.nav_date, replicated))
    return LongNickelsPme(irr=solve_xirr(series), replicated_value=replicated)


@dataclass(frozen=True, slots=True)
class DirectAlpha:
    """Direct Alpha: the discrete annual rate a, the continuous rate ln(1 + a), or why none."""

    rate: float | None
    continuous_rate: float | None
    reason: str | None = None


def direct_alpha(
    contributions: DatedAmounts,
    distributions: DatedAmounts,
    nav: Amount,
    nav_date: date,
    index: IndexSeries | Iterable[tuple[date, Level]] | Mapping[date, Level],
) -> DirectAlpha:
    """Direct Alpha (Gredil, Griffiths & Stucke 2014, "Benchmarking Private Equity: The Direct
    Alpha Method"; shared/CONVENTIONS.md): compound every contribution and distribution to T by
    the index, C_t·I_T/I_t and D_t·I_T/I_t, add the NAV at T, and take the XIRR a of that
    series; a is the annual excess return over the index, ln(1 + a) the continuous one.
    """
    fund = _compound(contributions, distributions, nav, nav_date, index)
    series: list[tuple[date, Amount]] = [
        (d, -float(amount) * growth) for d, amount, growth in fund.contributions
    ]
    series += [(d, float(amount) * growth) for d, amount, growth in fund.distributions]
    series.append((fund.nav_date, fund.nav))
    result = solve_xirr(series)
    if result.rate is None:
        return DirectAlpha(rate=None, continuous_rate=None, reason=result.reason)
    return DirectAlpha(rate=result.rate, continuous_rate=math.log1p(result.rate))
