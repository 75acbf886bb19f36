"""Returns and risk against textbook examples with known answers, and their invariants."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.returns import (
    Drawdown,
    annualize_return,
    annualized_volatility,
    beta,
    conditional_value_at_risk,
    deannualize_return,
    link_returns,
    max_drawdown,
    modified_dietz_return,
    money_weighted_return,
    sharpe_ratio,
    sortino_ratio,
    sub_period_returns,
    time_weighted_return,
    tracking_error,
    value_at_risk,
)

# CFA Institute curriculum, Level I Quantitative Methods ("Discounted Cash Flow Applications",
# DeFusco et al., Quantitative Investment Analysis): an investor buys a share at $100, buys a
# second at $120 a year later, sells both at $130 after the second year; the stock pays a $2
# dividend per share at the end of each year. Time-weighted return 15.84% a year,
# money-weighted return 13.86%. As external flows of the account (dividends withdrawn):
# day 0 value 100; after year 1 the account holds 2 shares (240) with +120 − 2 = +118 flowed in;
# after year 2 everything (2 × 130 + 2 × 2 = 264) is withdrawn, leaving 0.
Y0, Y1, Y2 = date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)  # 365 days apart
CFA_VALUATIONS = [(Y0, Decimal(100)), (Y1, Decimal(240)), (Y2, Decimal(0))]
CFA_FLOWS = [(Y1, Decimal(118)), (Y2, Decimal(-264))]


# --------------------------------------------------------------------------- TWR


def test_time_weighted_return_matches_cfa_example() -> None:
    periods = sub_period_returns(CFA_VALUATIONS, CFA_FLOWS)
    assert periods.dates == (Y1, Y2)
    # (240 − 118) / 100 − 1 = 22%, then (0 + 264) / 240 − 1 = 10%.
    assert periods.returns == pytest.approx([0.22, 0.10], rel=1e-12)
    total = time_weighted_return(CFA_VALUATIONS, CFA_FLOWS)
    assert total == pytest.approx(1.22 * 1.10 - 1, rel=1e-12)
    assert round(annualize_return(total, (Y2 - Y0).days), 4) == 0.1584


def test_start_of_day_flows_join_the_capital_at_work() -> None:
    # 100 at the close of day 0; 50 deposited at the start of day 1, closing at 165:
    # r = 165 / (100 + 50) − 1 = 10%. Counted at the end of the day, the same numbers give
    # (165 − 50) / 100 − 1 = 15%.
    d0, d1 = date(2024, 3, 1), date(2024, 3, 2)
    valuations = [(d0, 100), (d1, 165)]
    flows = [(d1, 50)]
    assert time_weighted_return(valuations, flows, flow_timing="start") == pytest.approx(0.10)
    assert time_weighted_return(valuations, flows, flow_timing="end") == pytest.approx(0.15)


def test_same_day_flows_are_summed_and_dates_may_come_in_any_order() -> None:
    valuations = [(Y2, Decimal(0)), (Y0, Decimal(100)), (Y1, Decimal(240))]
    flows = [(Y1, Decimal(120)), (Y1, Decimal(-2)), (Y2, Decimal(-264))]
    assert time_weighted_return(valuations, flows) == pytest.approx(0.342, rel=1e-12)


def test_an_account_opened_empty_has_zero_return_until_funded() -> None:
    d0, d1, d2 = date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)
    periods = sub_period_returns([(d0, 0), (d1, 1000), (d2, 1010)], [(d1, 1000)])
    assert periods.returns == pytest.approx([0.0, 0.01])


@pytest.mark.parametrize(
    ("valuations", "flows", "message"),
    [
        ([(Y0, 100)], [], "at least two valuations"),
        ([(Y0, 100), (Y0, 101)], [], "two valuations on"),
        ([(Y0, 100), (Y2, 120)], [(Y1, 10)], "flow on 2022-01-01 has no valuation"),
        ([(Y0, 100), (Y1, 120)], [(Y0, 10)], "flow on 2021-01-01 has no valuation"),
        ([(Y0, 0), (Y1, 120)], [], "no capital at work"),
        ([(Y0, -5), (Y1, 120)], [], "negative capital at work"),
        ([(Y0, 100), (Y1, math.nan)], [], "must be finite"),
        ([(Y0, 100), ("2022-01-01", 120)], [], "must be a date"),
    ],
)
def test_time_weighted_return_refuses_what_it_cannot_measure(
    valuations: list[tuple[object, object]], flows: list[tuple[object, object]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        time_weighted_return(valuations, flows)  # type: ignore[arg-type]


def test_flow_timing_must_be_start_or_end() -> None:
    with pytest.raises(ValueError, match="flow_timing"):
        time_weighted_return(CFA_VALUATIONS, CFA_FLOWS, flow_timing="noon")  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=-0.2, max_value=0.2), st.integers(-5000, 5000)),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["start", "end"]),
)
def test_external_flows_do_not_move_the_time_weighted_return(
    days: list[tuple[float, int]], timing: str
) -> None:
    # The property that defines a time-weighted return (GIPS): deposits and withdrawals at
    # the valuations leave the linked return equal to that of the market moves alone.
    start = date(2024, 1, 1)
    value = 1000.0
    valuations, flows = [(start, value)], []
    for day, (move, wanted) in enumerate(days, start=1):
        when = start + timedelta(days=day)
        if timing == "start":
            flow = max(float(wanted), -value / 2)
            value = (value + flow) * (1 + move)
        else:
            value *= 1 + move
            flow = max(float(wanted), -value / 2)
            value += flow
        valuations.append((when, value))
        flows.append((when, flow))
    expected = math.prod(1 + move for move, _ in days) - 1
    result = time_weighted_return(valuations, flows, flow_timing=timing)  # type: ignore[arg-type]
    assert result == pytest.approx(expected, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- Modified Dietz


def test_modified_dietz_matches_wikipedia_two_year_example() -> None:
    # Wikipedia, "Modified Dietz method", Example: 100 at the start of year 1, 300 at the end
    # of year 2, an inflow of 50 at the end of year 1 (non-leap years): gain 150, average
    # capital 100 + ½ × 50 = 125, return 120%.
    start, middle, end = date(2020, 12, 31), date(2021, 12, 31), date(2022, 12, 31)
    assert modified_dietz_return(100, 300, [(middle, 50)], start, end) == pytest.approx(1.2)


def test_modified_dietz_matches_a_month_with_a_late_flow() -> None:
    # Fincyclopedia, "Modified Dietz Return - an Example": start 500, end 600, a 60 inflow on
    # the 25th of a 30-day month: weight 5/30, return (600 − 500 − 60) / (500 + 10) = 7.84%.
    start, end = date(2023, 5, 31), date(2023, 6, 30)
    result = modified_dietz_return(
        Decimal(500), Decimal(600), [(date(2023, 6, 25), Decimal(60))], start, end
    )
    assert result == pytest.approx(40 / 510, rel=1e-15)
    start_of_day = modified_dietz_return(
        500, 600, [(date(2023, 6, 25), 60)], start, end, flow_timing="start"
    )
    assert start_of_day == pytest.approx(40 / (500 + 60 * 6 / 30), rel=1e-15)


def test_modified_dietz_without_flows_is_the_simple_return() -> None:
    assert modified_dietz_return(200, 210, [], Y0, Y1) == pytest.approx(0.05)


def test_modified_dietz_refuses_zero_average_capital_and_outside_flows() -> None:
    with pytest.raises(ValueError, match="average capital is zero"):
        modified_dietz_return(0, 0, [], Y0, Y1)
    with pytest.raises(ValueError, match="outside the period"):
        modified_dietz_return(100, 110, [(Y2, 5)], Y0, Y1)
    with pytest.raises(ValueError, match="must end after it starts"):
        modified_dietz_return(100, 110, [], Y1, Y0)


# --------------------------------------------------------------------------- MWR


def test_money_weighted_return_matches_cfa_example() -> None:
    # Investor's flows −100, −118, +264 a year apart: IRR 13.86% (CFA example above), on the
    # actual/365 XIRR convention of shared/CONVENTIONS.md.
    result = money_weighted_return(100, 0, CFA_FLOWS, Y0, Y2)
    assert result.rate is not None
    assert round(result.rate, 4) == 0.1386
    # Equivalently, the 264 left in the account as the end value.
    same = money_weighted_return(100, 264, [(Y1, 118)], Y0, Y2)
    assert same.rate == pytest.approx(result.rate, rel=1e-12)


def test_money_weighted_return_says_when_there_is_none() -> None:
    result = money_weighted_return(0, 0, [], Y0, Y1)
    assert result.rate is None and result.reason == "no sign change: every cash flow is zero"


# --------------------------------------------------------------------------- annualization


def test_annualizing_21_percent_over_two_years_gives_10_percent() -> None:
    # Actual/365, the XIRR convention of shared/CONVENTIONS.md: 730 days are two years.
    assert annualize_return(0.21, 730) == pytest.approx(0.10, rel=1e-14)
    assert deannualize_return(0.10, 730) == pytest.approx(0.21, rel=1e-14)


def test_a_return_over_less_than_a_year_is_not_annualized_unless_asked() -> None:
    with pytest.raises(ValueError, match="less than a year"):
        annualize_return(0.05, 182)
    assert annualize_return(0.05, 182, allow_partial_year=True) == pytest.approx(
        1.05 ** (365 / 182) - 1
    )


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-0.99, max_value=10.0), st.integers(min_value=365, max_value=20000))
def test_annualizing_then_deannualizing_returns_the_start(total: float, days: int) -> None:
    annual = annualize_return(total, days)
    assert deannualize_return(annual, days) == pytest.approx(total, rel=1e-9, abs=1e-12)


def test_linking_compounds_returns() -> None:
    assert link_returns([0.10, -0.10]) == pytest.approx(-0.01)
    assert link_returns([]) == 0.0


# --------------------------------------------------------------------------- risk

# Four monthly returns, worked by hand: mean 0.005; deviations 0.005, −0.025, 0.025, −0.005;
# squares sum to 0.0013; sample variance 0.0013 / 3; sd = 0.02081666.
MONTHLY = [0.01, -0.02, 0.03, 0.00]
MONTHLY_SD = math.sqrt(0.0013 / 3)


def test_volatility_is_the_sample_deviation_scaled_by_root_time() -> None:
    assert annualized_volatility(MONTHLY, periods_per_year=12) == pytest.approx(
        MONTHLY_SD * math.sqrt(12), rel=1e-12
    )


def test_sharpe_ratio_of_the_hand_example() -> None:
    # (0.005 − 0) / 0.02081666 × √12 = 0.83205.
    assert sharpe_ratio(MONTHLY, periods_per_year=12) == pytest.approx(
        0.005 / MONTHLY_SD * math.sqrt(12)
    )
    # With a 0.1% monthly risk-free rate the excess mean is 0.004 and the deviation unchanged.
    assert sharpe_ratio(MONTHLY, risk_free=0.001, periods_per_year=12) == pytest.approx(
        0.004 / MONTHLY_SD * math.sqrt(12)
    )
    assert sharpe_ratio([0.01, 0.01, 0.01], periods_per_year=12) is None


def test_sortino_ratio_of_the_hand_example() -> None:
    # Shortfalls below 0: only −0.02; downside deviation √(0.0004 / 4) = 0.01;
    # ratio 0.005 / 0.01 × √12 = 1.7320508 (Sortino & Price 1994).
    assert sortino_ratio(MONTHLY, periods_per_year=12) == pytest.approx(0.5 * math.sqrt(12))
    assert sortino_ratio([0.01, 0.02], periods_per_year=12) is None


def test_beta_and_tracking_error_of_a_levered_copy() -> None:
    benchmark = np.array(MONTHLY)
    assert beta(2 * benchmark + 0.001, benchmark) == pytest.approx(2.0)
    assert tracking_error(benchmark + 0.001, benchmark, periods_per_year=12) == pytest.approx(
        0.0, abs=1e-15
    )
    # Active return 2b − b = b, so the tracking error is the benchmark's own volatility.
    assert tracking_error(2 * benchmark, benchmark, periods_per_year=12) == pytest.approx(
        MONTHLY_SD * math.sqrt(12)
    )
    assert beta(MONTHLY, [0.01, 0.01, 0.01, 0.01]) is None


def test_risk_statistics_refuse_bad_series() -> None:
    with pytest.raises(ValueError, match="at least 2 observations"):
        annualized_volatility([0.01], periods_per_year=12)
    with pytest.raises(ValueError, match="finite"):
        sharpe_ratio([0.01, math.nan], periods_per_year=12)
    with pytest.raises(ValueError, match="same periods"):
        beta([0.01, 0.02, 0.03], [0.01, 0.02])
    with pytest.raises(ValueError, match="periods_per_year"):
        annualized_volatility(MONTHLY, periods_per_year=0)
    with pytest.raises(ValueError, match="one-dimensional"):
        annualized_volatility([[0.01, 0.02]], periods_per_year=12)  # type: ignore[list-item]


# --------------------------------------------------------------------------- drawdown


def test_max_drawdown_reports_peak_trough_and_recovery() -> None:
    days = [date(2024, 1, d) for d in range(1, 9)]
    values = [100, 120, 90, 120, 80, 100, 130, 125]
    # Running peak 120 from 2 Jan (and again 4 Jan); the deepest fall is to 80 on 5 Jan:
    # 1 − 80/120 = 1/3, from the latest high before it (4 Jan), recovered on 7 Jan (130).
    assert max_drawdown(list(zip(days, values, strict=True))) == Drawdown(
        depth=pytest.approx(1 / 3),  # type: ignore[arg-type]
        peak_date=date(2024, 1, 4),
        peak_value=120.0,
        trough_date=date(2024, 1, 5),
        trough_value=80.0,
        recovery_date=date(2024, 1, 7),
    )


def test_max_drawdown_without_recovery_and_without_any_fall() -> None:
    falling = [(date(2024, 1, 1), 100), (date(2024, 1, 2), 50), (date(2024, 1, 3), 75)]
    drawdown = max_drawdown(falling)
    assert drawdown is not None
    assert drawdown.depth == pytest.approx(0.5) and drawdown.recovery_date is None
    rising = [(date(2024, 1, 1), 100), (date(2024, 1, 2), 100), (date(2024, 1, 3), 101)]
    assert max_drawdown(rising) is None


def test_max_drawdown_needs_positive_values() -> None:
    with pytest.raises(ValueError, match="positive"):
        max_drawdown([(date(2024, 1, 1), 100), (date(2024, 1, 2), 0)])


# --------------------------------------------------------------------------- VaR

# One hundred returns −5.0%, −4.9%, ..., +4.9%, shuffled.
HUNDRED = list(np.random.default_rng(7).permutation([i / 1000 for i in range(-50, 50)]))


def test_historical_var_is_the_kth_worst_return() -> None:
    # 95% of 100 observations: k = ⌈100 × 0.05⌉ = 5, the 5th worst is −4.6%.
    assert value_at_risk(HUNDRED, confidence=0.95) == pytest.approx(0.046)
    # 99%: k = 1, the worst, −5.0%.
    assert value_at_risk(HUNDRED, confidence=0.99) == pytest.approx(0.050)


def test_historical_var_of_500_returns_at_99_percent_is_the_fifth_worst() -> None:
    # 500 × (1 − 0.99) is 5.000000000000004 in floating point; the rule still means k = 5.
    returns = list(np.random.default_rng(3).permutation([-i / 10_000 for i in range(1, 501)]))
    assert value_at_risk(returns, confidence=0.99) == pytest.approx(0.0496)


def test_historical_cvar_is_the_mean_of_the_k_worst() -> None:
    # Mean of −5.0, −4.9, −4.8, −4.7, −4.6% = −4.8%.
    assert conditional_value_at_risk(HUNDRED, confidence=0.95) == pytest.approx(0.048)


def test_parametric_var_and_cvar_use_the_normal_quantile() -> None:
    # Returns ±1%: mean 0, sample sd √2 %. Standard normal: z(95%) = 1.6448536,
    # φ(z)/(1 − 0.95) = 2.0627128 (expected shortfall of the normal, McNeil, Frey & Embrechts).
    sd = math.sqrt(2) / 100
    assert value_at_risk([-0.01, 0.01], method="parametric") == pytest.approx(sd * 1.6448536)
    assert conditional_value_at_risk([-0.01, 0.01], method="parametric") == pytest.approx(
        sd * 2.0627128
    )


def test_var_refuses_bad_confidence_and_methods() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        value_at_risk(HUNDRED, confidence=1.0)
    with pytest.raises(ValueError, match="method"):
        value_at_risk(HUNDRED, method="monte carlo")  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=-0.5, max_value=0.5), min_size=2, max_size=200),
    st.sampled_from([0.9, 0.95, 0.975, 0.99]),
)
def test_cvar_is_never_below_var(returns: list[float], confidence: float) -> None:
    for method in ("historical", "parametric"):
        var = value_at_risk(returns, confidence=confidence, method=method)  # type: ignore[arg-type]
        cvar = conditional_value_at_risk(returns, confidence=confidence, method=method)  # type: ignore[arg-type]
        assert cvar >= var - 1e-12
