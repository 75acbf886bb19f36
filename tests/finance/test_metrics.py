"""Fund multiples, IRR inputs and public-market equivalents.

The PME definitions pinned here are those of shared/CONVENTIONS.md, "Fund performance":
Kaplan-Schoar, Long-Nickels (the IRR may not exist) and Direct Alpha (discrete and continuous).
Expected values are worked by hand in each test from the formulas of the cited papers.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.cashflows import solve_xirr
from fundhouse.finance.metrics import (
    DirectAlpha,
    FundMultiples,
    IndexSeries,
    direct_alpha,
    dpi,
    fund_multiples,
    gross_irr_flows,
    kaplan_schoar_pme,
    long_nickels_pme,
    moic,
    net_irr_flows,
    pic,
    rvpi,
    tvpi,
)

Y0, Y1, Y2 = date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)  # 365 days apart


def positive_root(a: float, b: float, c: float) -> float:
    """The positive root of a·v² + b·v + c = 0."""
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


# --------------------------------------------------------------------------- multiples


def test_ilpa_multiples_of_a_fund_midway() -> None:
    # Committed 100, paid in 60, distributed 30, NAV 50:
    # PIC 60/100, DPI 30/60, RVPI 50/60, TVPI (30 + 50)/60 (ILPA; shared/CONVENTIONS.md).
    multiples = fund_multiples(Decimal(100), Decimal(60), Decimal(30), Decimal(50))
    assert multiples == FundMultiples(pic=0.6, dpi=0.5, rvpi=50 / 60, tvpi=80 / 60)
    assert multiples.tvpi == pytest.approx(multiples.dpi + multiples.rvpi)  # type: ignore[operator]


def test_multiples_are_undefined_before_capital_is_paid_in() -> None:
    assert fund_multiples(100, 0, 0, 0) == FundMultiples(pic=0.0, dpi=None, rvpi=None, tvpi=None)
    assert pic(0, 0) is None


def test_single_multiples_and_moic() -> None:
    assert pic(Decimal("25.5"), Decimal(100)) == 0.255
    assert dpi(Decimal(90), Decimal(60)) == 1.5
    assert rvpi(Decimal(-6), Decimal(60)) == -0.1
    assert tvpi(Decimal(30), Decimal(45), Decimal(50)) == 1.5
    # Invested 10, sold part for 12, rest marked at 13: (12 + 13) / 10.
    assert moic(Decimal(12), Decimal(13), Decimal(10)) == 2.5
    assert moic(0, 0, 0) is None


def test_multiples_are_exact_ratios_rounded_once() -> None:
    # One third computed from Decimal inputs is the float nearest to 1/3, not a float of a
    # rounded Decimal quotient.
    assert dpi(Decimal(1), Decimal(3)) == 1 / 3


def test_multiples_refuse_negative_or_non_numeric_amounts() -> None:
    with pytest.raises(ValueError, match="paid_in must be zero or positive"):
        dpi(Decimal(1), Decimal(-3))
    with pytest.raises(ValueError, match="must be a Decimal"):
        dpi("1", Decimal(3))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- IRR inputs


def test_net_irr_flows_put_the_nav_last_as_a_distribution() -> None:
    flows = net_irr_flows([(Y0, Decimal(100))], [(Y1, Decimal(60))], Decimal(80), Y2)
    assert flows == [(Y0, Decimal(-100)), (Y1, Decimal(60)), (Y2, Decimal(80))]
    # −100 + 60v + 80v² = 0 → v = positive root; IRR = 1/v − 1 = 24.34%.
    expected = 1 / positive_root(80, 60, -100) - 1
    assert solve_xirr(flows).rate == pytest.approx(expected, rel=1e-12)


def test_gross_irr_flows_use_investments_proceeds_and_unrealized_value() -> None:
    flows = gross_irr_flows([(Y0, 100)], [(Y2, 121)], 0, Y2)
    assert flows == [(Y0, Decimal(-100)), (Y2, Decimal(121)), (Y2, Decimal(0))]
    assert solve_xirr(flows).rate == pytest.approx(0.10, rel=1e-12)


def test_irr_inputs_refuse_flows_after_the_valuation_date_and_negative_amounts() -> None:
    with pytest.raises(ValueError, match="after the valuation date"):
        net_irr_flows([(Y2, 100)], [], 0, Y1)
    with pytest.raises(ValueError, match="contribution 0 must be zero or positive"):
        net_irr_flows([(Y0, -100)], [], 0, Y1)


# --------------------------------------------------------------------------- index

INDEX = IndexSeries.from_levels({Y0: 100, Y1: 120, Y2: 130})


def test_index_level_is_the_last_one_on_or_before_the_date() -> None:
    friday, saturday = date(2024, 1, 5), date(2024, 1, 6)
    index = IndexSeries.from_levels([(date(2024, 1, 8), 101.5), (friday, Decimal("100.25"))])
    assert index.level_on_or_before(friday) == 100.25
    assert index.level_on_or_before(saturday) == 100.25
    assert index.level_on_or_before(date(2030, 1, 1)) == 101.5
    with pytest.raises(ValueError, match="no index level on or before 2024-01-04"):
        index.level_on_or_before(date(2024, 1, 4))


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([(Y0, 100), (Y0, 101)], "two index levels on"),
        ([(Y0, 0)], "must be a positive number"),
        ([(Y0, math.nan)], "must be a positive number"),
        ([], "at least one level"),
        ([("2021-01-01", 100)], "expected a date"),
    ],
)
def test_index_series_refuses_bad_levels(levels: list[tuple[object, object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IndexSeries.from_levels(levels)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- PME

# One fund through the whole section: 100 called on Y0 (index 100), 60 distributed on Y1
# (index 120), NAV 80 on Y2 (index 130).
CONTRIBUTIONS = [(Y0, Decimal(100))]
DISTRIBUTIONS = [(Y1, Decimal(60))]
NAV = Decimal(80)


def test_kaplan_schoar_pme_by_hand() -> None:
    # Kaplan & Schoar 2005: [60 × 130/120 + 80] / [100 × 130/100] = (65 + 80) / 130 = 1.1154.
    pme = kaplan_schoar_pme(CONTRIBUTIONS, DISTRIBUTIONS, NAV, Y2, INDEX)
    assert pme == pytest.approx(145 / 130, rel=1e-14)


def test_kaplan_schoar_pme_of_a_second_fund_by_hand() -> None:
    # 100 called at index 100, 150 distributed at index 120, NAV 50 at index 150:
    # (150 × 150/120 + 50) / (100 × 150/100) = 237.5 / 150.
    index = {Y0: 100, Y1: 120, Y2: 150}
    pme = kaplan_schoar_pme([(Y0, 100)], [(Y1, 150)], 50, Y2, index)
    assert pme == pytest.approx(237.5 / 150, rel=1e-14)


def test_kaplan_schoar_pme_is_undefined_without_contributions() -> None:
    assert kaplan_schoar_pme([], [], 0, Y2, INDEX) is None


def test_long_nickels_pme_by_hand() -> None:
    # Long & Nickels 1996: buy 100/100 = 1 unit, sell 60/120 = 0.5 unit; the remaining 0.5 unit
    # is worth 0.5 × 130 = 65 at T and replaces the NAV: −100 + 60v + 65v² = 0.
    result = long_nickels_pme(CONTRIBUTIONS, DISTRIBUTIONS, NAV, Y2, INDEX)
    assert result.replicated_value == pytest.approx(65.0, rel=1e-14)
    assert result.rate == pytest.approx(1 / positive_root(65, 60, -100) - 1, rel=1e-12)


def test_long_nickels_pme_of_an_index_held_throughout_is_the_index_return() -> None:
    # One contribution, no distributions: the replicated value is 100 × 110/100, so the PME is
    # the index's own annual return over two years, √1.1 − 1.
    index = {date(2010, 1, 1): 100, date(2012, 1, 1): 110}
    result = long_nickels_pme([(date(2010, 1, 1), 100)], [], 121, date(2012, 1, 1), index)
    assert result.rate == pytest.approx(math.sqrt(1.1) - 1, rel=1e-12)


def test_long_nickels_pme_says_when_no_rate_exists() -> None:
    # The index halves, then the fund distributes its full cost: 100/50 = 2 units are sold of
    # the 1 bought, so the position is short 1 unit, worth −100 when the index is back at 100.
    # Series −100, +100, −100: NPV = −100(1 − v + v²) < 0 always, so there is no PME.
    index = {Y0: 100, Y1: 50, Y2: 100}
    result = long_nickels_pme([(Y0, 100)], [(Y1, 100)], 0, Y2, index)
    assert result.replicated_value == pytest.approx(-100.0)
    assert result.rate is None
    assert result.irr.reason is not None and "no rate" in result.irr.reason


def test_direct_alpha_by_hand() -> None:
    # Gredil, Griffiths & Stucke 2014: compound flows to T by the index: −100 × 130/100 = −130
    # on Y0, +60 × 130/120 = +65 on Y1, NAV +80 on Y2. −130 + 65v + 80v² = 0.
    result = direct_alpha(CONTRIBUTIONS, DISTRIBUTIONS, NAV, Y2, INDEX)
    v = positive_root(80, 65, -130)
    assert result.rate == pytest.approx(1 / v - 1, rel=1e-12)  # 7.334%
    assert result.continuous_rate == pytest.approx(-math.log(v), rel=1e-12)  # 7.077%
    assert result.reason is None


def test_direct_alpha_of_a_single_investment_by_hand() -> None:
    # 100 in on 2010-01-01 (index 100), NAV 121 two years later (index 110): the compounded
    # contribution is −110, so 110(1 + a)² = 121, a = √1.1 − 1 = 4.881%, ln(1 + a) = ln(1.1)/2.
    index = {date(2010, 1, 1): 100, date(2012, 1, 1): 110}
    result = direct_alpha([(date(2010, 1, 1), 100)], [], 121, date(2012, 1, 1), index)
    assert result.rate == pytest.approx(math.sqrt(1.1) - 1, rel=1e-12)
    assert result.continuous_rate == pytest.approx(math.log(1.1) / 2, rel=1e-12)


def test_direct_alpha_without_a_solution_gives_the_reason() -> None:
    result = direct_alpha([], [(Y1, 10)], 5, Y2, INDEX)
    assert result == DirectAlpha(
        rate=None,
        continuous_rate=None,
        reason="no sign change: every cash flow is positive or zero",
    )


def test_pmes_refuse_flows_before_the_index_starts() -> None:
    with pytest.raises(ValueError, match="no index level on or before 2020-06-30"):
        kaplan_schoar_pme([(date(2020, 6, 30), 100)], [], 80, Y2, INDEX)


# --------------------------------------------------------------------------- properties


@st.composite
def index_fund(draw: st.DrawFn) -> tuple[list, list, float, date, dict]:
    """A fund that simply buys and sells the index: every PME must call it a tie."""
    start = date(2010, 1, 1)
    steps = draw(st.lists(st.floats(min_value=-0.3, max_value=0.3), min_size=2, max_size=12))
    levels, level = {}, 100.0
    for i, step in enumerate(steps):
        level *= 1 + step
        levels[start + timedelta(days=91 * i)] = level
    dates = sorted(levels)
    units, contributions, distributions = 0.0, [], []
    for d in dates[:-1]:
        if units == 0.0 or draw(st.booleans()):
            bought = draw(st.floats(min_value=0.1, max_value=10))
            units += bought
            contributions.append((d, bought * levels[d]))
        else:
            sold = units * draw(st.floats(min_value=0.0, max_value=0.9))
            units -= sold
            distributions.append((d, sold * levels[d]))
    end = dates[-1]
    return contributions, distributions, units * levels[end], end, levels


@settings(max_examples=100, deadline=None)
@given(index_fund())
def test_a_fund_that_holds_the_index_ties_with_it(fund: tuple) -> None:
    contributions, distributions, nav, end, levels = fund
    assert kaplan_schoar_pme(contributions, distributions, nav, end, levels) == pytest.approx(
        1.0, rel=1e-9
    )
    alpha = direct_alpha(contributions, distributions, nav, end, levels)
    assert alpha.rate == pytest.approx(0.0, abs=1e-9)
    long_nickels = long_nickels_pme(contributions, distributions, nav, end, levels)
    assert long_nickels.replicated_value == pytest.approx(nav, rel=1e-9)
    fund_irr = solve_xirr(net_irr_flows(contributions, distributions, nav, end)).rate
    if fund_irr is None:
        assert long_nickels.rate is None
    else:
        assert long_nickels.rate == pytest.approx(fund_irr, rel=1e-9, abs=1e-12)
