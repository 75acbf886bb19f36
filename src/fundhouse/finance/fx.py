"""Currency conversion with dated rates, and the split of a return into local and currency parts.

A quote ("EUR", "USD") at 1.0842 means one euro buys 1.0842 dollars (market notation EUR/USD).
The rate for a day is the last quote on or before it. A conversion uses, in order: the same
currency (rate 1); the pair quoted either way round, whichever quote is more recent (the direct
one on a tie), inverted when quoted the other way; otherwise both legs through the pivot
currency (triangulation, e.g. EUR→USD→JPY). No rate is a :class:`MissingRateError`, never a
guess.

Rates and converted amounts are ``Decimal``: a product is exact, an inverse is rounded to 28
significant digits, and nothing is rounded to the cent here (shared/CONVENTIONS.md: rounding
happens only where a convention says so).
"""

from __future__ import annotations

import bisect
import itertools
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Literal, TypeAlias

__all__ = [
    "FxRate",
    "FxRateTable",
    "MissingRateError",
    "ReturnSplit",
    "combine_returns",
    "currency_return",
    "split_return",
]

RateLike: TypeAlias = Decimal | int | float | str
"""A quoted rate: a Decimal or its text; a float is read by its shortest repr (1.1 → "1.1")."""

QuoteSeries: TypeAlias = Iterable[tuple[date, RateLike]] | Mapping[date, RateLike]
"""One pair's quotes: (date, rate) pairs in any order, or a mapping of date to rate."""

Route: TypeAlias = Literal["identity", "direct", "inverse", "cross"]

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Fixed precision for FX arithmetic, whatever the caller's decimal context."""

_CURRENCY = re.compile(r"[A-Z]{3}")


class MissingRateError(ValueError):
    """No rate converts between two currencies on a date."""


@dataclass(frozen=True, slots=True)
class FxRate:
    """The rate used for a conversion and where it came from.

    ``rate`` is units of ``to_currency`` per one ``from_currency``; ``as_of`` is the date of the
    quote used (the older leg's for a cross rate); ``via`` is the pivot of a cross rate.
    """

    from_currency: str
    to_currency: str
    rate: Decimal
    as_of: date
    route: Route
    via: str | None = None


def _currency(code: object, name: str) -> str:
    if not isinstance(code, str) or not _CURRENCY.fullmatch(code):
        raise ValueError(f"{name} must be a three-letter ISO 4217 code such as USD, not {code!r}")
    return code


def _rate(value: object, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{where}: a rate must be a number, not {value!r}")
    if isinstance(value, Decimal):
        rate = value
    elif isinstance(value, numbers.Integral):
        rate = Decimal(int(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: a rate must be finite, not {value!r}")
        rate = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            rate = Decimal(value.strip())
        except ArithmeticError:
            raise ValueError(f"{where}: {value!r} is not a number") from None
    else:
        raise ValueError(f"{where}: a rate must be a Decimal, int, float or text, not {value!r}")
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"{where}: a rate must be a positive number, not {value!r}")
    return rate


def _pair(key: object) -> tuple[str, str]:
    """("EUR", "USD") or "EUR/USD"."""
    if isinstance(key, str) and "/" in key:
        key = tuple(part.strip() for part in key.split("/"))
    if not isinstance(key, tuple) or len(key) != 2:
        raise ValueError(f'a pair is ("EUR", "USD") or "EUR/USD", not {key!r}')
    pair = (_currency(key[0], "currency"), _currency(key[1], "currency"))
    if pair[0] == pair[1]:
        raise ValueError(f"a pair needs two different currencies, not {key!r}")
    return pair


@dataclass(frozen=True, slots=True)
class _Quotes:
    dates: tuple[date, ...]
    rates: tuple[Decimal, ...]

    def on_or_before(self, on: date) -> tuple[date, Decimal] | None:
        position = bisect.bisect_right(self.dates, on) - 1
        if position < 0:
            return None
        return self.dates[position], self.rates[position]


class FxRateTable:
    """Dated FX quotes by currency pair, with lookups on or before a date.

    ``series`` maps a pair, ("EUR", "USD") or "EUR/USD", to its (date, rate) quotes in any
    order (or a mapping of date to rate). ``pivot`` is the currency through which two others
    are crossed when neither quotes the other (None: no triangulation). With ``max_age_days``,
    a quote older than that many days before the date asked for is not used.

    The table does not change after it is built.
    """

    __slots__ = ("_max_age_days", "_pivot", "_quotes")

    def __init__(
        self,
        series: Mapping[tuple[str, str] | str, QuoteSeries],
        *,
        pivot: str | None = "USD",
        max_age_days: int | None = None,
    ) -> None:
        if not isinstance(series, Mapping):
            raise ValueError("series must map currency pairs to dated rates")
        self._pivot = None if pivot is None else _currency(pivot, "pivot")
        if max_age_days is not None and (
            isinstance(max_age_days, bool)
            or not isinstance(max_age_days, numbers.Integral)
            or max_age_days < 0
        ):
            raise ValueError(
                f"max_age_days must be a whole number of days ≥ 0, not {max_age_days!r}"
            )
        self._max_age_days = None if max_age_days is None else int(max_age_days)
        quotes: dict[tuple[str, str], _Quotes] = {}
        for key, observations in series.items():
            pair = _pair(key)
            if pair in quotes:
                raise ValueError(f"the pair {pair[0]}/{pair[1]} is given twice")
            items = observations.items() if isinstance(observations, Mapping) else observations
            points: list[tuple[date, Decimal]] = []
            for i, item in enumerate(items):
                where = f"{pair[0]}/{pair[1]} quote {i}"
                if not isinstance(item, tuple | list) or len(item) != 2:
                    raise ValueError(f"{where}: expected a (date, rate) pair, not {item!r}")
                if not isinstance(item[0], date):
                    raise ValueError(f"{where}: expected a date, not {item[0]!r}")
                points.append((item[0], _rate(item[1], where)))
            points.sort(key=lambda point: point[0])
            for (earlier, _), (later, _) in itertools.pairwise(points):
                if earlier == later:
                    raise ValueError(f"two {pair[0]}/{pair[1]} quotes on {later}: keep one")
            quotes[pair] = _Quotes(tuple(d for d, _ in points), tuple(r for _, r in points))
        self._quotes = quotes

    @property
    def pivot(self) -> str | None:
        """The currency through which two others are crossed, or None."""
        return self._pivot

    @property
    def max_age_days(self) -> int | None:
        """The oldest a quote may be, in days before the date asked for, or None."""
        return self._max_age_days

    def _quote(self, from_currency: str, to_currency: str, on: date) -> FxRate | None:
        """The fresher of the direct and the inverted quote, or None."""
        found: list[FxRate] = []
        direct = self._quotes.get((from_currency, to_currency))
        if direct is not None and (hit := direct.on_or_before(on)) is not None:
            found.append(FxRate(from_currency, to_currency, hit[1], hit[0], "direct"))
        inverse = self._quotes.get((to_currency, from_currency))
        if inverse is not None and (hit := inverse.on_or_before(on)) is not None:
            rate = _CONTEXT.divide(Decimal(1), hit[1])
            found.append(FxRate(from_currency, to_currency, rate, hit[0], "inverse"))
        if self.max_age_days is not None:
            found = [q for q in found if (on - q.as_of).days <= self.max_age_days]
        if not found:
            return None
        return max(found, key=lambda quote: (quote.as_of, quote.route == "direct"))

    def lookup(self, from_currency: str, to_currency: str, on: date) -> FxRate:
        """The rate converting ``from_currency`` into ``to_currency`` on ``on``, with its
        source; MissingRateError when there is none."""
        source = _currency(from_currency, "from_currency")
        target = _currency(to_currency, "to_currency")
        if not isinstance(on, date):
            raise ValueError(f"expected a date, not {on!r}")
        if source == target:
            return FxRate(source, target, Decimal(1), on, "identity")
        quote = self._quote(source, target, on)
        if quote is not None:
            return quote
        pivot = self.pivot
        if pivot is not None and pivot not in (source, target):
            first = self._quote(source, pivot, on)
            second = self._quote(pivot, target, on)
            if first is not None and second is not None:
                rate = _CONTEXT.multiply(first.rate, second.rate)
                as_of = min(first.as_of, second.as_of)
                return FxRate(source, target, rate, as_of, "cross", via=pivot)
        stale = "" if self.max_age_days is None else f" within {self.max_age_days} days"
        through = "" if pivot is None or pivot in (source, target) else f", or through {pivot}"
        raise MissingRateError(
            f"no {source}/{target} rate on or before {on}{stale} (direct, inverse{through})"
        )

    def rate(self, from_currency: str, to_currency: str, on: date) -> Decimal:
        """Units of ``to_currency`` per one ``from_currency`` on ``on``."""
        return self.lookup(from_currency, to_currency, on).rate

    def convert(
        self, amount: Decimal | int, from_currency: str, to_currency: str, on: date
    ) -> Decimal:
        """``amount`` of ``from_currency`` in ``to_currency`` at the rate for ``on``; not rounded
        (round to the currency's minor unit where a convention says so)."""
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise ValueError(f"amount must be a Decimal or int, not {amount!r}")
        value = Decimal(amount)
        if not value.is_finite():
            raise ValueError(f"amount must be finite, not {amount!r}")
        return _CONTEXT.multiply(value, self.rate(from_currency, to_currency, on))


# --------------------------------------------------------------------------- returns


def _return(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, not {value!r}")
    result = float(value)
    if not math.isfinite(result) or result < -1.0:
        raise ValueError(f"{name} must be a finite return of at least -100%, not {value!r}")
    return result


@dataclass(frozen=True, slots=True)
class ReturnSplit:
    """A base-currency return split so that (1 + base) = (1 + local) × (1 + currency).

    ``interaction`` = local × currency is the cross term of the arithmetic split
    base = local + currency + interaction.
    """

    local: float
    currency: float

    @property
    def interaction(self) -> float:
        return self.local * self.currency

    @property
    def base(self) -> float:
        return (1.0 + self.local) * (1.0 + self.currency) - 1.0


def currency_return(rate_start: RateLike, rate_end: RateLike) -> float:
    """The return from holding one unit of a local currency, measured in the base currency:
    r_fx = S_end / S_start − 1, S in base-currency units per local unit (CFA Institute,
    "Currency Management": R_DC = (1 + R_FC)(1 + R_FX) − 1)."""
    start = _rate(rate_start, "rate_start")
    end = _rate(rate_end, "rate_end")
    return float(_CONTEXT.divide(end, start)) - 1.0


def combine_returns(local_return: float, currency_return: float) -> float:
    """The base-currency return of a local return and a currency return:
    (1 + r_local)(1 + r_fx) − 1 (CFA Institute, "Currency Management")."""
    local = _return(local_return, "local_return")
    currency = _return(currency_return, "currency_return")
    return (1.0 + local) * (1.0 + currency) - 1.0


def split_return(base_return: float, local_return: float) -> ReturnSplit:
    """Split a base-currency return into its local part and currency part:
    r_fx = (1 + r_base) / (1 + r_local) − 1 (CFA Institute, "Currency Management").

    ValueError when the local return is −100%: the currency part is then undefined.
    """
    base = _return(base_return, "base_return")
    local = _return(local_return, "local_return")
    if local == -1.0:
        raise ValueError("a local return of -100% leaves no currency part to measure")
    return ReturnSplit(local=local, currency=(1.0 + base) / (1.0 + local) - 1.0)
