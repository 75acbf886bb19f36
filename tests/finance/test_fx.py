"""FX conversion with dated rates, and the split of a return into local and currency parts."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.fx import (
    FxRate,
    FxRateTable,
    MissingRateError,
    ReturnSplit,
    combine_returns,
    currency_return,
    split_return,
)

MON, TUE, WED, FRI, SAT = (date(2024, 1, d) for d in (1, 2, 3, 5, 6))

TABLE = FxRateTable(
    {
        ("EUR", "USD"): [(TUE, Decimal("1.10")), (FRI, Decimal("1.0950"))],
        "USD/JPY": {WED: "150"},
        "GBP/USD": [(MON, 1.27)],
    },
    pivot="USD",
)


# --------------------------------------------------------------------------- lookups


def test_direct_rate_is_the_last_quote_on_or_before_the_date() -> None:
    assert TABLE.rate("EUR", "USD", TUE) == Decimal("1.10")
    assert TABLE.rate("EUR", "USD", WED) == Decimal("1.10")
    # Saturday has no quote: Friday's applies.
    assert TABLE.lookup("EUR", "USD", SAT) == FxRate("EUR", "USD", Decimal("1.0950"), FRI, "direct")


def test_inverse_rate_divides_one_by_the_quote() -> None:
    quote = TABLE.lookup("USD", "EUR", WED)
    assert quote.route == "inverse" and quote.as_of == TUE
    assert quote.rate == Decimal(1) / Decimal("1.10")
    assert quote.rate * Decimal("1.10") == pytest.approx(Decimal(1), abs=Decimal("1e-27"))


def test_cross_rate_goes_through_the_pivot() -> None:
    # EUR→USD 1.10 (Tuesday) × USD→JPY 150 (Wednesday) = 165 yen per euro, dated by the older leg.
    quote = TABLE.lookup("EUR", "JPY", WED)
    assert quote == FxRate("EUR", "JPY", Decimal("165.0"), TUE, "cross", via="USD")
    # And back: (1 / 150) × (1 / 1.10) = 1/165.
    assert TABLE.rate("JPY", "EUR", WED) == pytest.approx(
        Decimal(1) / Decimal(165), rel=Decimal("1e-26")
    )


def test_same_currency_converts_at_one() -> None:
    assert TABLE.lookup("CHF", "CHF", MON) == FxRate("CHF", "CHF", Decimal(1), MON, "identity")


def test_convert_multiplies_exactly_and_does_not_round_to_the_cent() -> None:
    # shared/CONVENTIONS.md: amounts are rounded to the cent only where a convention says so.
    assert TABLE.convert(Decimal("1234.57"), "EUR", "USD", TUE) == Decimal("1358.0270")
    assert TABLE.convert(Decimal("100.00"), "EUR", "JPY", WED) == Decimal("16500.0000")


def test_a_float_rate_is_read_as_written() -> None:
    assert TABLE.rate("GBP", "USD", MON) == Decimal("1.27")


def test_the_fresher_of_direct_and_inverse_quotes_wins() -> None:
    table = FxRateTable(
        {"EUR/USD": [(MON, Decimal("1.10"))], "USD/EUR": [(WED, Decimal("0.8"))]}, pivot=None
    )
    assert table.lookup("EUR", "USD", TUE).route == "direct"
    assert table.lookup("EUR", "USD", WED) == FxRate("EUR", "USD", Decimal("1.25"), WED, "inverse")


def test_precision_does_not_depend_on_the_callers_decimal_context() -> None:
    with localcontext() as context:
        context.prec = 5
        assert TABLE.rate("USD", "EUR", WED) == Decimal("0.9090909090909090909090909091")


# --------------------------------------------------------------------------- missing rates


def test_no_rate_before_the_first_quote_is_a_clear_error() -> None:
    with pytest.raises(MissingRateError, match="no EUR/USD rate on or before 2024-01-01"):
        TABLE.rate("EUR", "USD", MON)


def test_no_cross_rate_when_a_leg_is_missing() -> None:
    # On Tuesday USD/JPY is not quoted yet.
    with pytest.raises(
        MissingRateError,
        match=r"no EUR/JPY rate on or before 2024-01-02 \(direct, inverse, or through USD\)",
    ):
        TABLE.rate("EUR", "JPY", TUE)


def test_stale_quotes_are_not_used_when_a_maximum_age_is_set() -> None:
    table = FxRateTable({"EUR/USD": [(MON, Decimal("1.1"))]}, max_age_days=3)
    assert table.rate("EUR", "USD", date(2024, 1, 4)) == Decimal("1.1")
    with pytest.raises(MissingRateError, match="within 3 days"):
        table.rate("EUR", "USD", FRI)


def test_missing_rate_is_a_value_error() -> None:
    assert issubclass(MissingRateError, ValueError)


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ({"EURO/USD": [(MON, 1)]}, "three-letter ISO 4217 code"),
        ({"eur/usd": [(MON, 1)]}, "three-letter ISO 4217 code"),
        ({"EUR/EUR": [(MON, 1)]}, "two different currencies"),
        ({"EUR/USD": [(MON, 0)]}, "positive number"),
        ({"EUR/USD": [(MON, "abc")]}, "is not a number"),
        ({"EUR/USD": [(MON, 1), (MON, 2)]}, "two EUR/USD quotes on 2024-01-01"),
        ({"EUR/USD": [("2024-01-01", 1)]}, "expected a date"),
        ({"EUR/USD": [], ("EUR", "USD"): []}, "given twice"),
    ],
)
def test_the_table_refuses_malformed_quotes(series: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FxRateTable(series)


def test_convert_refuses_float_amounts() -> None:
    with pytest.raises(ValueError, match="Decimal or int"):
        TABLE.convert(1.5, "EUR", "USD", TUE)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- returns


def test_base_return_compounds_local_and_currency_returns() -> None:
    # CFA Institute, "Currency Management": R_DC = (1 + R_FC)(1 + R_FX) − 1.
    # A 10% local return and a 5% fall of the local currency: 1.10 × 0.95 − 1 = 4.5%.
    assert combine_returns(0.10, -0.05) == pytest.approx(0.045)
    split = split_return(0.045, 0.10)
    assert split.currency == pytest.approx(-0.05)
    assert split.interaction == pytest.approx(-0.005)
    assert split.local + split.currency + split.interaction == pytest.approx(0.045)


def test_currency_return_from_two_rates() -> None:
    # EUR/USD from 1.10 to 1.045: a dollar investor holding euros loses 5%.
    assert currency_return(Decimal("1.10"), Decimal("1.045")) == pytest.approx(-0.05)


def test_split_refuses_a_total_local_loss() -> None:
    with pytest.raises(ValueError, match="-100%"):
        split_return(-0.5, -1.0)
    with pytest.raises(ValueError, match="at least -100%"):
        combine_returns(-1.5, 0.0)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=-0.99, max_value=5.0),
    st.floats(min_value=-0.9, max_value=2.0),
)
def test_splitting_then_combining_gives_back_the_base_return(local: float, fx: float) -> None:
    base = combine_returns(local, fx)
    split = split_return(base, local)
    assert split == ReturnSplit(local=local, currency=pytest.approx(fx, abs=1e-12))  # type: ignore[arg-type]
    assert split.base == pytest.approx(base, abs=1e-12)
    assert math.isclose(split.local + split.currency + split.interaction, base, abs_tol=1e-12)
