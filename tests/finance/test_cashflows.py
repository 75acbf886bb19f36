"""XNPV and XIRR: Excel's documented examples, hand-solved series and invariants.

Conventions pinned here are those of shared/CONVENTIONS.md, "Cash flows and returns": actual/365
from the earliest date like Excel, and a clear "no solution" result when the flows do not change
sign or no rate solves them.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance import _xirr, cashflows
from fundhouse.finance.cashflows import IrrBatch, IrrResult, solve_xirr, xirr, xirr_many, xnpv

# Microsoft Support, "XIRR function" and "XNPV function": the same five flows in both examples.
EXCEL_DATES = [
    date(2008, 1, 1),
    date(2008, 3, 1),
    date(2008, 10, 30),
    date(2009, 2, 15),
    date(2009, 4, 1),
]
EXCEL_AMOUNTS = [Decimal(-10000), Decimal(2750), Decimal(4250), Decimal(3250), Decimal(2750)]
EXCEL_FLOWS = list(zip(EXCEL_DATES, EXCEL_AMOUNTS, strict=True))


def years_apart(*years: int) -> list[date]:
    """1 January of non-leap-spanning years, so every gap is a whole number of 365-day years."""
    return [date(year, 1, 1) for year in years]


# --------------------------------------------------------------------------- worked examples


def test_xirr_matches_excel_documentation_example() -> None:
    # Excel's XIRR documentation gives 0.373362535 (37.34%); Excel iterates to 0.000001%,
    # so its printed value is good to about 1e-8.
    assert xirr(EXCEL_DATES, EXCEL_AMOUNTS) == pytest.approx(0.373362535, abs=1e-8)


def test_xnpv_matches_excel_documentation_example() -> None:
    # Excel's XNPV documentation: =XNPV(0.09, values, dates) = 2086.65.
    assert round(xnpv(0.09, EXCEL_DATES, EXCEL_AMOUNTS), 2) == 2086.65


def test_xnpv_discounts_from_the_earliest_date_whatever_the_order() -> None:
    # shared/CONVENTIONS.md: actual/365 from the earliest date. 110 one 365-day year after
    # the earliest flow, at 10%, is worth exactly 100 then.
    flows = [(date(2022, 1, 1), Decimal(110)), (date(2021, 1, 1), Decimal(-100))]
    assert xnpv(0.10, flows) == pytest.approx(0.0, abs=1e-12)
    assert xnpv(0.10, {date(2021, 1, 1): 0, date(2022, 1, 1): 110}) == pytest.approx(100.0)


def test_xnpv_counts_leap_days_as_actual_days() -> None:
    # 2020 is a leap year: 366 days, so the exponent is 366/365, not 1.
    flows = [(date(2020, 1, 1), 0), (date(2021, 1, 1), 100)]
    assert xnpv(0.05, flows) == pytest.approx(100 / 1.05 ** (366 / 365), rel=1e-14)


def test_xnpv_of_no_flows_is_zero() -> None:
    assert xnpv(0.1, []) == 0.0


def test_xirr_of_a_one_year_doubling_is_100_percent() -> None:
    assert xirr([(date(2021, 1, 1), -100), (date(2022, 1, 1), 200)]) == pytest.approx(1.0)


def test_xirr_accepts_pairs_mapping_and_separate_dates_and_amounts_alike() -> None:
    as_mapping = dict(EXCEL_FLOWS)
    expected = xirr(EXCEL_FLOWS)
    assert xirr(as_mapping) == expected
    assert xirr(EXCEL_DATES, EXCEL_AMOUNTS) == expected


def test_same_day_flows_are_added_exactly() -> None:
    # Decimal money nets to exactly zero on the day (0.1 + 0.2 − 0.3), so nothing is invested:
    # no sign change, where float addition would leave 5.5e-17 of dust and an absurd IRR.
    day = date(2021, 1, 1)
    flows = [
        (day, Decimal("-0.3")),
        (day, Decimal("0.1")),
        (day, Decimal("0.2")),
        (date(2022, 1, 1), Decimal(100)),
    ]
    assert solve_xirr(flows) == IrrResult(
        None, "no sign change: every cash flow is positive or zero"
    )
    split = [(day, Decimal(-60)), (day, Decimal(-40)), (date(2022, 1, 1), Decimal(110))]
    assert xirr(split) == pytest.approx(0.10, rel=1e-12)


def test_two_irrs_gives_the_one_newton_reaches_from_the_guess() -> None:
    # −100, +230, −132 a year apart: 132v² − 230v + 100 = 0 with v = 1/(1+r) gives
    # v = (230 ± 10) / 264, so r = 10% or r = 20%. Excel's Newton from its guess 0.1 finds 10%.
    flows = list(zip(years_apart(2021, 2022, 2023), [-100, 230, -132], strict=True))
    assert xirr(flows) == pytest.approx(0.10, rel=1e-12)
    assert xirr(flows, guess=0.3) == pytest.approx(0.20, rel=1e-12)


def test_xirr_converges_beyond_excels_reach_on_extreme_rates() -> None:
    # Ten-fold in 30 days: r = 10 ** (365 / 30) − 1 ≈ 1.47e12, far from Excel's guess.
    flows = [(date(2020, 1, 1), -100), (date(2020, 1, 31), 1000)]
    assert xirr(flows) == pytest.approx(10 ** (365 / 30) - 1, rel=1e-12)
    # Nearly everything lost in a year: r = 1/1000 − 1.
    loss = [(date(2021, 1, 1), -1000), (date(2022, 1, 1), 1)]
    assert xirr(loss) == pytest.approx(-0.999, rel=1e-12)


# --------------------------------------------------------------------------- no solution


@pytest.mark.parametrize(
    ("amounts", "reason"),
    [
        ([100, 50], "no sign change: every cash flow is positive or zero"),
        ([-100, 0, -50], "no sign change: every cash flow is negative or zero"),
        ([0, 0], "no sign change: every cash flow is zero"),
    ],
)
def test_flows_that_do_not_change_sign_have_no_irr(amounts: list[int], reason: str) -> None:
    dates = years_apart(2021, 2022, 2023)[: len(amounts)]
    assert solve_xirr(dates, amounts) == IrrResult(None, reason)
    assert xirr(dates, amounts) is None


def test_no_flows_have_no_irr() -> None:
    assert solve_xirr([]) == IrrResult(None, "no cash flows")


def test_flows_whose_npv_never_reaches_zero_have_no_irr() -> None:
    # −100, +100, −100 a year apart: NPV = −100(1 − v + v²) < 0 for every v > 0
    # (the quadratic's discriminant 1 − 4 is negative), so no rate exists.
    flows = list(zip(years_apart(2021, 2022, 2023), [-100, 100, -100], strict=True))
    result = solve_xirr(flows)
    assert result.rate is None
    assert result.reason == (
        "no rate makes the net present value zero (the flows change sign 2 times)"
    )


def test_a_rate_beyond_float_range_is_no_solution_not_infinity() -> None:
    # A hundred-million-fold in one day: (1e8) ** 365 overflows float64.
    result = solve_xirr([(date(2020, 1, 1), -1), (date(2020, 1, 2), 100_000_000)])
    assert result == IrrResult(None, "the rate is too large to represent (more than 1e308)")


def test_a_rate_indistinguishable_from_minus_100_percent_is_no_solution() -> None:
    result = solve_xirr([(date(2021, 1, 1), -100), (date(2022, 1, 1), Decimal("1e-20"))])
    assert result == IrrResult(None, "the rate is too close to -100% to represent")


def test_irr_result_holds_a_rate_or_a_reason() -> None:
    assert IrrResult(0.1).has_solution
    assert not IrrResult(None, "no cash flows").has_solution
    with pytest.raises(ValueError, match="either a rate or a reason"):
        IrrResult(None)
    with pytest.raises(ValueError, match="either a rate or a reason"):
        IrrResult(0.1, "both")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("flows", "message"),
    [
        ([(date(2021, 1, 1), "100")], "amount must be a Decimal, int or float"),
        ([(date(2021, 1, 1), True)], "amount must be a Decimal, int or float"),
        ([(date(2021, 1, 1), float("nan"))], "amount must be finite"),
        ([(date(2021, 1, 1), Decimal("Infinity"))], "amount must be finite"),
        ([("2021-01-01", 100)], "expected a date"),
        ([(date(2021, 1, 1), 1, 2)], "expected a \\(date, amount\\) pair"),
        ("2021-01-01", "not text"),
    ],
)
def test_malformed_flows_are_refused_with_a_clear_message(flows: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve_xirr(flows)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=message):
        xirr_many([flows])  # type: ignore[list-item]


def test_dates_and_amounts_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 dates but 1 amounts"):
        xirr(EXCEL_DATES[:2], EXCEL_AMOUNTS[:1])


@pytest.mark.parametrize("rate", [-1.0, -2.0, math.inf, math.nan])
def test_xnpv_refuses_rates_at_or_below_minus_100_percent(rate: float) -> None:
    with pytest.raises(ValueError, match="rate must be"):
        xnpv(rate, EXCEL_FLOWS)


@pytest.mark.parametrize("guess", [-1.0, math.nan])
def test_xirr_refuses_a_guess_that_is_not_a_rate(guess: float) -> None:
    with pytest.raises(ValueError, match="guess must be"):
        xirr(EXCEL_FLOWS, guess=guess)


# --------------------------------------------------------------------------- many series


def test_xirr_many_answers_each_series_in_order() -> None:
    two_irrs = list(zip(years_apart(2021, 2022, 2023), [-100, 230, -132], strict=True))
    batch = xirr_many(
        [
            EXCEL_FLOWS,
            [],
            [(date(2021, 1, 1), 5)],
            dict(two_irrs),
            [(date(2021, 1, 1), -100), (date(2022, 1, 1), 200)],
        ]
    )
    assert isinstance(batch, IrrBatch)
    assert len(batch) == 5
    assert batch[0].rate == pytest.approx(0.373362535, abs=1e-8)
    assert batch[1] == IrrResult(None, "no cash flows")
    assert batch[2] == IrrResult(None, "no sign change: every cash flow is positive or zero")
    assert batch[3].rate == pytest.approx(0.10, rel=1e-12)
    assert batch[4].rate == pytest.approx(1.0, rel=1e-12)
    assert np.isnan(batch.rates[1]) and np.isnan(batch.rates[2])
    assert [r.has_solution for r in batch] == [True, False, False, True, True]


def test_xirr_many_of_nothing_is_empty() -> None:
    assert len(xirr_many([])) == 0


def test_xirr_many_names_the_faulty_series() -> None:
    with pytest.raises(ValueError, match="series 1, flow 0: expected a date"):
        xirr_many([EXCEL_FLOWS, [("soon", 1)]])  # type: ignore[list-item]


# --------------------------------------------------------------------------- properties

START = date(2000, 1, 1)
cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
offsets = st.integers(min_value=0, max_value=40 * 365)


@st.composite
def investments(draw: st.DrawFn) -> list[tuple[date, Decimal]]:
    """Calls then distributions: one sign change, so exactly one IRR exists."""
    calls = draw(st.lists(st.tuples(offsets, cents), min_size=1, max_size=10))
    later = max(day for day, _ in calls) + 1
    back = draw(
        st.lists(
            st.tuples(st.integers(min_value=later, max_value=later + 20 * 365), cents),
            min_size=1,
            max_size=10,
        )
    )
    return [(START + timedelta(days=d), -a) for d, a in calls] + [
        (START + timedelta(days=d), a) for d, a in back
    ]


@st.composite
def any_flows(draw: st.DrawFn) -> list[tuple[date, Decimal]]:
    signed = st.decimals(min_value=Decimal(-1000000), max_value=Decimal(1000000), places=2)
    pairs = draw(st.lists(st.tuples(offsets, signed), min_size=1, max_size=12))
    return [(START + timedelta(days=d), a) for d, a in pairs]


def relative_npv(rate: float, flows: list[tuple[date, Decimal]]) -> float:
    """|NPV| / Σ|discounted amounts| at a rate, scaled in log space so nothing overflows."""
    first = min(d for d, _ in flows)
    years = np.array([(d - first).days / 365 for d, _ in flows])
    amounts = np.array([float(a) for _, a in flows])
    exponent = -math.log1p(rate) * years
    terms = amounts * np.exp(exponent - exponent.max())
    return float(abs(terms.sum()) / np.abs(terms).sum())


def is_root(rate: float, flows: list[tuple[date, Decimal]]) -> bool:
    """NPV is zero at the rate, or changes sign within a few ulps of it: a root to the
    precision a float64 rate can carry (near −100%, 1 + rate keeps few significant digits,
    and as the rate falls to −100% the NPV takes the sign of the last flow)."""
    if relative_npv(rate, flows) < 1e-9:
        return True
    first = min(d for d, _ in flows)
    years = np.array([(d - first).days / 365 for d, _ in flows])
    amounts = np.array([float(a) for _, a in flows])

    def npv_sign(r: float) -> float:
        if r <= -1.0:
            latest = years == years[amounts != 0].max()
            return float(np.sign(amounts[latest].sum()))
        exponent = -math.log1p(r) * years
        return float(np.sign(np.dot(amounts, np.exp(exponent - exponent.max()))))

    below, above = rate, rate
    for _ in range(4):
        below, above = math.nextafter(below, -math.inf), math.nextafter(above, math.inf)
    return npv_sign(below) * npv_sign(above) <= 0


@settings(max_examples=150, deadline=None)
@given(investments())
def test_an_investment_always_has_an_irr_and_npv_is_zero_there(
    flows: list[tuple[date, Decimal]],
) -> None:
    result = solve_xirr(flows)
    if result.reason is not None:
        assert result.reason.startswith("the rate is too")
        return
    assert result.rate is not None
    assert is_root(result.rate, flows)


@settings(max_examples=150, deadline=None)
@given(any_flows())
def test_any_rate_found_makes_npv_zero(flows: list[tuple[date, Decimal]]) -> None:
    rate = xirr(flows)
    if rate is not None:
        assert rate > -1.0
        assert is_root(rate, flows)


@settings(max_examples=100, deadline=None)
@given(any_flows(), st.randoms(use_true_random=False))
def test_xirr_does_not_depend_on_the_order_of_flows(
    flows: list[tuple[date, Decimal]], random: object
) -> None:
    """The same answer in any order, to the last digit: flows are sorted by date and same-day
    amounts added exactly before the solver sees them."""
    shuffled = list(flows)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert solve_xirr(shuffled) == solve_xirr(flows)


@settings(max_examples=100, deadline=None)
@given(investments(), st.integers(min_value=1, max_value=10**6))
def test_scaling_every_flow_leaves_the_irr_unchanged(
    flows: list[tuple[date, Decimal]], factor: int
) -> None:
    scaled = [(d, a * factor) for d, a in flows]
    original, larger = xirr(flows), xirr(scaled)
    if original is None:
        assert larger is None
    else:
        assert larger == pytest.approx(original, rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(offsets, cents), min_size=1, max_size=12), st.booleans())
def test_flows_of_one_sign_have_no_irr(pairs: list[tuple[int, Decimal]], negative: bool) -> None:
    flows = [(START + timedelta(days=d), -a if negative else a) for d, a in pairs]
    result = solve_xirr(flows)
    assert result.rate is None
    assert result.reason is not None and result.reason.startswith("no sign change")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(investments(), any_flows()), min_size=1, max_size=25))
def test_xirr_many_agrees_with_xirr_series_by_series(
    many: list[list[tuple[date, Decimal]]],
) -> None:
    batch = xirr_many(many)
    for flows, result in zip(many, batch, strict=True):
        single = solve_xirr(flows)
        assert result.reason == single.reason
        if single.rate is not None:
            assert result.rate == pytest.approx(single.rate, rel=1e-10, abs=1e-12)


# --------------------------------------------------------------------------- NumPy and float input


def as_arrays(flows: list[tuple[date, object]]) -> tuple[np.ndarray, np.ndarray]:
    days = np.array([d for d, _ in flows], dtype="datetime64[D]")
    return days, np.array([float(a) for _, a in flows])  # type: ignore[arg-type]


def test_numpy_columns_give_the_excel_example() -> None:
    days, amounts = as_arrays(EXCEL_FLOWS)
    assert xirr(days, amounts) == pytest.approx(0.373362535, abs=1e-8)
    assert xnpv(0.09, days, amounts) == pytest.approx(xnpv(0.09, EXCEL_FLOWS), rel=1e-15)


@pytest.mark.parametrize(
    ("amounts", "reason"),
    [
        ([100.0, 50.0], "no sign change: every cash flow is positive or zero"),
        ([-100.0, 0.0, -50.0], "no sign change: every cash flow is negative or zero"),
        ([0.0, 0.0], "no sign change: every cash flow is zero"),
        (
            [-100.0, 100.0, -100.0],
            "no rate makes the net present value zero (the flows change sign 2 times)",
        ),
    ],
)
def test_float_and_numpy_input_give_the_same_reasons(amounts: list[float], reason: str) -> None:
    """shared/CONVENTIONS.md, "Cash flows and returns": a clear "no solution" result, whatever
    the form of the input."""
    dates = years_apart(2021, 2022, 2023)[: len(amounts)]
    days = np.array(dates, dtype="datetime64[D]")
    assert solve_xirr(dates, amounts) == IrrResult(None, reason)
    assert solve_xirr(days, np.array(amounts)) == IrrResult(None, reason)
    assert solve_xirr(list(zip(dates, amounts, strict=True))) == IrrResult(None, reason)


def test_same_day_floats_are_added_exactly_on_the_fast_path() -> None:
    """shared/CONVENTIONS.md: same-day flows are added before anything else, exactly: the sum
    of the floats given, rounded once (math.fsum), as Fractions would give it."""
    day = date(2021, 1, 1)
    parts = [1e16, 1.0, -1e16, -100.0]  # left to right in float: 1e16 + 1 is 1e16, so -100
    flows = [(day, a) for a in parts] + [(date(2022, 1, 1), 109.0)]
    days, amounts = as_arrays(flows)
    expected = 109.0 / 99.0 - 1.0
    assert xirr(flows) == pytest.approx(expected, rel=1e-12)
    assert xirr(days, amounts) == pytest.approx(expected, rel=1e-12)
    assert xirr_many([flows])[0].rate == pytest.approx(expected, rel=1e-12)


def test_the_rate_from_the_fast_path_is_a_verified_root() -> None:
    """shared/CONVENTIONS.md: never a number that is not a root."""
    days, amounts = as_arrays(EXCEL_FLOWS)
    rate = xirr(days, amounts)
    assert rate is not None
    assert is_root(rate, EXCEL_FLOWS)  # type: ignore[arg-type]
    assert rate == pytest.approx(xirr(EXCEL_FLOWS), rel=1e-13)


def test_the_fast_path_keeps_rates_beyond_float_range_as_no_solution() -> None:
    days = np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]")
    result = solve_xirr(days, np.array([-1.0, 1e8]))
    assert result == IrrResult(None, "the rate is too large to represent (more than 1e308)")


@pytest.mark.parametrize(
    ("dates", "amounts", "message"),
    [
        (np.array(["2021-01-01", "NaT"], dtype="datetime64[D]"), [-1.0, 2.0], "expected a date"),
        (EXCEL_DATES[:2], np.array([True, False]), "amount must be a Decimal, int or float"),
        (EXCEL_DATES[:2], [-1.0, math.inf], "amount must be finite"),
        (EXCEL_DATES[:2], np.array([-1.0, math.nan]), "amount must be finite"),
        (EXCEL_DATES[:2], [-1.0, True], "amount must be a Decimal, int or float"),
        (["2021-01-01", "2021-02-01"], [-1.0, 2.0], "expected a date"),
    ],
)
def test_float_and_numpy_input_is_checked_like_any_other(
    dates: object, amounts: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        solve_xirr(dates, amounts)  # type: ignore[call-overload]


@settings(max_examples=100, deadline=None)
@given(any_flows())
def test_float_columns_and_decimal_pairs_give_the_same_answer(
    flows: list[tuple[date, Decimal]],
) -> None:
    """Cents are exact in Decimal and close in float: the answers agree, reasons included,
    except where same-day cents net to zero in Decimal but not in binary."""
    days, amounts = as_arrays(flows)
    exact, fast = solve_xirr(flows), solve_xirr(days, amounts)
    if len(set(days.tolist())) < len(days):
        return
    assert fast.reason == exact.reason
    if exact.rate is not None:
        assert fast.rate == pytest.approx(exact.rate, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- compiled reader


def checked(flows: object, amounts: object = None, guess: float = 0.1) -> IrrResult:
    """The checked path alone: every flow validated in Python, same-day amounts added as
    Fractions, then the netted series solved."""
    found = cashflows._solve_checked(flows, amounts, guess)
    return IrrResult(found) if isinstance(found, float) else IrrResult(None, found)


def read_directly(flows: object, amounts: object = None, guess: float = 0.1) -> IrrResult:
    """The compiled reader alone; it must not decline the input."""
    found = _xirr.solve(flows, amounts, guess)
    assert found is not None, "the compiled reader declined input it should read"
    return IrrResult(found) if isinstance(found, float) else IrrResult(None, found)


near_days = st.integers(min_value=0, max_value=40)
"""Offsets this close put several flows on one day and make several sign changes common."""


@st.composite
def mixed_flows(draw: st.DrawFn) -> list[tuple[date, Decimal]]:
    signed = st.decimals(min_value=Decimal(-1000000), max_value=Decimal(1000000), places=2)
    days = st.one_of(offsets, near_days)
    pairs = draw(st.lists(st.tuples(days, signed), min_size=1, max_size=20))
    return [(START + timedelta(days=d), a) for d, a in pairs]


@settings(max_examples=200, deadline=None)
@given(
    mixed_flows(),
    st.sampled_from([Decimal, float, int]),
    st.sampled_from([0.1, -0.5, 0.3, 3.0]),
)
def test_the_compiled_reader_and_the_checked_path_give_the_same_answer(
    flows: list[tuple[date, Decimal]], kind: type, guess: float
) -> None:
    """Same rate to the last digit and same reason, same-day netting and several sign changes
    included, in every form of input the compiled reader takes."""
    given_flows = [(d, kind(a)) for d, a in flows]
    expected = checked(given_flows, guess=guess)
    dates = [d for d, _ in given_flows]
    amounts = [a for _, a in given_flows]
    assert read_directly(given_flows, guess=guess) == expected
    assert read_directly(tuple(given_flows), guess=guess) == expected
    assert read_directly([list(pair) for pair in given_flows], guess=guess) == expected
    assert read_directly(dates, amounts, guess=guess) == expected
    assert read_directly(tuple(dates), tuple(amounts), guess=guess) == expected
    assert solve_xirr(given_flows, guess=guess) == expected
    assert xirr_many([given_flows], guess=guess)[0] == expected
    if len(set(dates)) == len(dates):
        assert read_directly(dict(given_flows), guess=guess) == expected
    if kind is not Decimal:
        days = np.array(dates, dtype="datetime64[D]")
        assert solve_xirr(days, np.array(amounts), guess=guess) == expected


@pytest.mark.parametrize(
    ("flows", "reason"),
    [
        ([(date(2021, 1, 1), 5.0)], "no sign change: every cash flow is positive or zero"),
        (
            [(date(2021, 1, 1), -5), (date(2020, 1, 1), 0)],
            "no sign change: every cash flow is negative or zero",
        ),
        (
            [(date(2021, 1, 1), 0.0), (date(2022, 1, 1), -0.0)],
            "no sign change: every cash flow is zero",
        ),
        (
            [
                (date(2021, 1, 1), Decimal("0.1")),
                (date(2021, 1, 1), Decimal("-0.1")),
                (date(2022, 1, 1), Decimal(3)),
            ],
            "no sign change: every cash flow is positive or zero",
        ),
        (
            list(zip(years_apart(2023, 2021, 2022), [-100.0, -100.0, 100.0], strict=True)),
            "no rate makes the net present value zero (the flows change sign 2 times)",
        ),
        ([], "no cash flows"),
        ({}, "no cash flows"),
    ],
)
def test_the_compiled_reader_gives_the_checked_paths_reasons(flows: object, reason: str) -> None:
    assert read_directly(flows) == checked(flows) == IrrResult(None, reason)


def test_many_flows_in_any_order_give_the_same_rate_as_the_checked_path() -> None:
    """Past 32 flows the reader sorts differently, past 64 it reads into the heap. Calls in the
    first eight years, distributions after, several on some days."""
    rng = np.random.default_rng(5)
    for count in (20, 40, 100, 1_000):
        offsets = rng.integers(0, 12 * 365, count)
        days = [START + timedelta(days=int(d)) for d in offsets]
        sizes = rng.uniform(10.0, 200.0, count).round(2)
        amounts = np.where(offsets < 8 * 365, -sizes, 2.0 * sizes).tolist()
        flows = list(zip(days, amounts, strict=True))
        expected = checked(flows)
        assert expected.rate is not None
        assert read_directly(flows) == expected
        assert read_directly(sorted(flows)) == expected
        assert xirr_many([flows, sorted(flows)])[1] == expected


def test_datetimes_and_numpy_floats_are_read_as_their_dates_and_values() -> None:
    flows = [(datetime(2021, 1, 1, 15, 30), np.float64(-100)), (date(2022, 1, 1), 110)]
    assert read_directly(flows) == checked(flows)
    assert read_directly(flows).rate == pytest.approx(0.10, rel=1e-12)


def test_when_excels_iteration_fails_the_scan_gives_the_irr_nearest_the_guess() -> None:
    # −100, +230, −132 a year apart have IRRs of 10% and 20%. From a guess of 300% Excel's
    # first Newton step lands below −100%, so every root is searched for and 20% is nearest.
    flows = list(zip(years_apart(2021, 2022, 2023), [-100, 230, -132], strict=True))
    assert read_directly(flows, guess=3.0).rate == pytest.approx(0.20, rel=1e-12)
    assert checked(flows, guess=3.0) == read_directly(flows, guess=3.0)


def test_a_double_root_is_found_where_the_npv_only_touches_zero() -> None:
    # 100, −220, 121 a year apart: NPV = 121 (v − 1/1.1)² with v = 1/(1 + r), zero only at 10%
    # without changing sign; near a double root a float rate is good to about 1e-8.
    flows = list(zip(years_apart(2021, 2022, 2023), [100, -220, 121], strict=True))
    for guess in (0.1, 3.0, -0.5):
        assert read_directly(flows, guess=guess).rate == pytest.approx(0.10, abs=1e-7)


@pytest.mark.parametrize(
    "amount",
    [
        math.nan,
        math.inf,
        True,
        "100",
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("-Infinity"),
        Fraction(1, 3),
        np.int64(5),
        10**400,
    ],
)
def test_the_compiled_reader_leaves_other_amounts_to_the_checked_path(amount: object) -> None:
    """Faults are named by the checked path; other numbers it converts as it always has."""
    flows = [(date(2021, 1, 1), -1), (date(2022, 1, 1), amount)]
    assert _xirr.solve(flows, None, 0.1) is None
    assert _xirr.solve_many([flows], 0.1)[2] == [0]


@pytest.mark.parametrize(
    ("flows", "amounts"),
    [
        ([("2021-01-01", -1), (date(2022, 1, 1), 2)], None),
        ([(date(2021, 1, 1), -1, 0)], None),
        ([date(2021, 1, 1)], [-1, 2]),
        (iter([(date(2021, 1, 1), -1), (date(2022, 1, 1), 2)]), None),
        ({date(2021, 1, 1): -1}, [2]),
        ([{date(2021, 1, 1): -1, 2.0: 3.0}], None),
    ],
)
def test_the_compiled_reader_leaves_other_shapes_to_the_checked_path(
    flows: object, amounts: object
) -> None:
    assert _xirr.solve(flows, amounts, 0.1) is None


def test_xirr_many_solves_what_the_compiled_reader_leaves_like_solve_xirr() -> None:
    two_irrs = list(zip(years_apart(2021, 2022, 2023), [-100, 230, -132], strict=True))
    many: list[object] = [
        EXCEL_FLOWS,
        (pair for pair in EXCEL_FLOWS),
        [(d, Fraction(a)) for d, a in two_irrs],
        [(d, np.int64(a)) for d, a in two_irrs],
        [],
        dict(two_irrs),
    ]
    batch = xirr_many(many)  # type: ignore[arg-type]
    assert batch[0] == batch[1] == solve_xirr(EXCEL_FLOWS)
    assert batch[2] == batch[3] == batch[5] == solve_xirr(two_irrs)
    assert batch[4] == IrrResult(None, "no cash flows")
