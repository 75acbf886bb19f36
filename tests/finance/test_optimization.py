"""Return and covariance estimates and mean-variance optimization.

Worked examples use two assets, where Markowitz (1952) has closed forms: the minimum-variance
weight w₁ = (σ₂² − σ₁₂) / (σ₁² + σ₂² − 2σ₁₂), the tangency (maximum Sharpe) portfolio
w ∝ Σ⁻¹(μ − r_f), and the single portfolio on the two-asset line for a given return. The
Ledoit-Wolf estimate is recomputed from the formulas of Ledoit & Wolf (2004), "A
well-conditioned estimator for large-dimensional covariance matrices", Lemmas 3.2-3.4.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fundhouse.finance.optimization import (
    InfeasiblePortfolioError,
    Portfolio,
    efficient_frontier,
    expected_returns,
    ledoit_wolf_covariance,
    max_sharpe,
    min_variance,
    returns_from_prices,
    sample_covariance,
    target_return,
    target_risk,
)

# Two assets: σ₁ = 20%, σ₂ = 30%, correlation 0.1 -> σ₁₂ = 0.1 × 0.2 × 0.3 = 0.006.
MU = np.array([0.10, 0.15])
COV = np.array([[0.04, 0.006], [0.006, 0.09]])


# --- Estimates -----------------------------------------------------------------------------

# Prices A: 100, 110, 99 -> returns +10%, −10%; B: 50, 55, 55 -> returns +10%, 0%.
PRICES = np.array([[100.0, 50.0], [110.0, 55.0], [99.0, 55.0]])


def test_returns_are_simple_period_returns() -> None:
    np.testing.assert_allclose(returns_from_prices(PRICES), [[0.10, 0.10], [-0.10, 0.0]])


def test_expected_returns_are_the_annualized_mean() -> None:
    # Arithmetic: A mean 0 -> 0; B mean 0.05 × 252 = 12.6.
    np.testing.assert_allclose(expected_returns(PRICES), [0.0, 12.6], atol=1e-12)
    # Geometric: A (1.1 × 0.9)^(252/2) − 1 = 0.99^126 − 1; B 1.1^126 − 1.
    np.testing.assert_allclose(
        expected_returns(PRICES, compounding=True), [0.99**126 - 1, 1.1**126 - 1], rtol=1e-12
    )
    # Monthly data annualize with 12 periods: B 0.05 × 12 = 0.6.
    assert expected_returns(PRICES, periods_per_year=12)[1] == pytest.approx(0.6)


def test_sample_covariance_is_annualized_with_divisor_t_minus_one() -> None:
    # A: deviations ±0.1 -> (0.01 + 0.01)/1 = 0.02; B: deviations ±0.05 -> 0.005;
    # AB: 0.1 × 0.05 + (−0.1)(−0.05) = 0.01. × 252: 5.04, 1.26, 2.52.
    estimate = sample_covariance(PRICES)
    np.testing.assert_allclose(estimate.matrix, [[5.04, 2.52], [2.52, 1.26]], rtol=1e-12)
    assert estimate.shrinkage == 0.0


def test_ledoit_wolf_matches_the_published_formulas() -> None:
    # Ledoit & Wolf (2004): S the (1/n) covariance of centred returns, m = tr(S)/p,
    # d² = ‖S − mI‖²/p, b̄² = (1/n²) Σ_k ‖x_k x_kᵀ − S‖²/p, b² = min(b̄², d²),
    # δ = b²/d², Σ̂ = δ·m·I + (1 − δ)·S (Frobenius norms).
    # Six assets with unequal volatilities and a common factor, 120 periods: the truth is far
    # from a scaled identity, so the intensity falls strictly between 0 and 1.
    rng = np.random.default_rng(3)
    common = rng.normal(0, 0.01, (120, 1))
    noise = rng.normal(0.0005, 1.0, (120, 6)) * np.array([0.004, 0.006, 0.01, 0.015, 0.02, 0.03])
    prices = 100 * np.cumprod(1 + common + noise, axis=0)
    x = returns_from_prices(prices)
    x = x - x.mean(axis=0)
    n, p = x.shape
    s = x.T @ x / n
    m = np.trace(s) / p
    d2 = np.sum((s - m * np.eye(p)) ** 2) / p
    b2_bar = sum(np.sum((np.outer(row, row) - s) ** 2) / p for row in x) / n**2
    delta = min(b2_bar, d2) / d2
    expected = (delta * m * np.eye(p) + (1 - delta) * s) * 252
    estimate = ledoit_wolf_covariance(prices)
    assert estimate.shrinkage == pytest.approx(delta, rel=1e-9)
    np.testing.assert_allclose(estimate.matrix, expected, rtol=1e-9)
    assert 0.0 < estimate.shrinkage < 1.0


def test_prices_must_be_positive_and_two_dimensional() -> None:
    with pytest.raises(ValueError, match="positive"):
        expected_returns([[1.0, 2.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="2-D"):
        expected_returns([1.0, 2.0, 3.0])


# --- Optimization: two-asset closed forms ----------------------------------------------------


def test_min_variance_matches_the_two_asset_closed_form() -> None:
    # w₁ = (0.09 − 0.006) / (0.04 + 0.09 − 0.012) = 0.084 / 0.118 = 0.711864...
    portfolio = min_variance(MU, COV)
    np.testing.assert_allclose(portfolio.weights, [0.084 / 0.118, 0.034 / 0.118], atol=1e-6)
    # Return 0.711864 × 10% + 0.288136 × 15% = 11.4407%.
    assert portfolio.expected_return == pytest.approx(0.1144068, abs=1e-6)


def test_max_sharpe_matches_the_tangency_portfolio() -> None:
    # Excess returns (0.08, 0.13). Σ⁻¹(μ − r_f) ∝ (0.09·0.08 − 0.006·0.13,
    # −0.006·0.08 + 0.04·0.13) = (0.00642, 0.00472) -> w = (0.576302, 0.423698).
    portfolio = max_sharpe(MU, COV, risk_free_rate=0.02)
    np.testing.assert_allclose(portfolio.weights, [0.00642 / 0.01114, 0.00472 / 0.01114], atol=1e-6)
    # No other weight on the line does better.
    for w1 in np.linspace(0, 1, 101):
        w = np.array([w1, 1 - w1])
        assert (MU @ w - 0.02) / math.sqrt(w @ COV @ w) <= portfolio.sharpe_ratio + 1e-9


def test_target_return_is_met_by_the_unique_two_asset_mix() -> None:
    # 12% = w₁·10% + (1 − w₁)·15% -> w₁ = 0.6; volatility
    # √(0.36·0.04 + 0.16·0.09 + 2·0.6·0.4·0.006) = √0.03168 = 17.7989%.
    portfolio = target_return(MU, COV, 0.12)
    np.testing.assert_allclose(portfolio.weights, [0.6, 0.4], atol=1e-6)
    assert portfolio.volatility == pytest.approx(math.sqrt(0.03168), abs=1e-6)


def test_target_return_below_the_minimum_variance_return_gives_that_portfolio() -> None:
    # At least 5% is earned by the minimum-variance portfolio itself (11.44%).
    portfolio = target_return(MU, COV, 0.05)
    np.testing.assert_allclose(portfolio.weights, min_variance(MU, COV).weights, atol=1e-6)


def test_target_risk_maximizes_return_at_that_volatility() -> None:
    # Variance 0.118w₁² − 0.168w₁ + 0.09 = 0.25² -> w₁ = (0.168 − √0.015244) / 0.236
    # = 0.188701 (the root with more of the higher-return asset); return 14.0565%.
    w1 = (0.168 - math.sqrt(0.168**2 - 4 * 0.118 * 0.0275)) / 0.236
    portfolio = target_risk(MU, COV, 0.25)
    np.testing.assert_allclose(portfolio.weights, [w1, 1 - w1], atol=1e-6)
    assert portfolio.volatility == pytest.approx(0.25, abs=1e-7)
    assert portfolio.expected_return == pytest.approx(0.140565, abs=1e-6)


def test_bounds_bind_the_solution() -> None:
    # The minimum-variance weight of asset 1 (71.2%) is capped at 60%.
    portfolio = min_variance(MU, COV, upper=[0.6, 1.0])
    np.testing.assert_allclose(portfolio.weights, [0.6, 0.4], atol=1e-7)
    floor = max_sharpe(MU, COV, risk_free_rate=0.02, lower=[0.0, 0.5])
    assert floor.weights[1] >= 0.5


# --- Infeasible requests ---------------------------------------------------------------------


def test_target_return_above_the_maximum_is_refused() -> None:
    with pytest.raises(InfeasiblePortfolioError, match="above the maximum attainable 0.15"):
        target_return(MU, COV, 0.16)
    # With asset 2 capped at 50%, the best is 0.5·10% + 0.5·15% = 12.5%.
    with pytest.raises(InfeasiblePortfolioError, match="maximum attainable 0.125"):
        target_return(MU, COV, 0.13, upper=[1.0, 0.5])


def test_target_volatility_below_the_minimum_is_refused() -> None:
    # Minimum variance: √(w·Σ·w) at w₁ = 0.711864 is 18.54%.
    with pytest.raises(InfeasiblePortfolioError, match="below the minimum attainable"):
        target_risk(MU, COV, 0.10)


def test_max_sharpe_needs_a_return_above_the_risk_free_rate() -> None:
    with pytest.raises(InfeasiblePortfolioError, match="risk-free rate"):
        max_sharpe(MU, COV, risk_free_rate=0.2)


def test_bounds_that_cannot_sum_to_one_are_refused() -> None:
    with pytest.raises(InfeasiblePortfolioError, match="lower bounds add up"):
        min_variance(MU, COV, lower=[0.6, 0.6])
    with pytest.raises(InfeasiblePortfolioError, match="upper bounds add up"):
        min_variance(MU, COV, upper=0.4)
    with pytest.raises(ValueError, match="long-only"):
        min_variance(MU, COV, lower=-0.1)


def test_covariance_must_be_positive_semidefinite() -> None:
    with pytest.raises(ValueError, match="semi-definite"):
        min_variance(MU, [[0.04, 0.1], [0.1, 0.04]])


# --- Efficient frontier ----------------------------------------------------------------------


def three_assets() -> tuple[np.ndarray, np.ndarray]:
    mu = np.array([0.05, 0.08, 0.12])
    vol = np.array([0.08, 0.15, 0.25])
    corr = np.array([[1.0, 0.2, 0.1], [0.2, 1.0, 0.4], [0.1, 0.4, 1.0]])
    return mu, corr * np.outer(vol, vol)


def test_frontier_runs_from_minimum_variance_to_maximum_return() -> None:
    mu, cov = three_assets()
    frontier = efficient_frontier(mu, cov, points=8)
    assert len(frontier) == 8
    assert frontier[0].volatility == pytest.approx(min_variance(mu, cov).volatility, rel=1e-6)
    # The highest return attainable long-only is all in asset 3 (12%).
    assert frontier[-1].expected_return == pytest.approx(0.12, abs=1e-6)
    np.testing.assert_allclose(frontier[-1].weights, [0, 0, 1], atol=1e-5)
    returns = [p.expected_return for p in frontier]
    vols = [p.volatility for p in frontier]
    assert all(b > a for a, b in zip(returns, returns[1:], strict=False))
    assert all(b >= a - 1e-9 for a, b in zip(vols, vols[1:], strict=False))
    # Evenly spaced targets from 7.45...% to 12%.
    np.testing.assert_allclose(np.diff(returns), (returns[-1] - returns[0]) / 7, rtol=1e-4)


def test_max_sharpe_portfolio_lies_on_the_frontier() -> None:
    mu, cov = three_assets()
    best = max_sharpe(mu, cov, risk_free_rate=0.02)
    same_return = target_return(mu, cov, best.expected_return)
    assert same_return.volatility == pytest.approx(best.volatility, rel=1e-5)
    for point in efficient_frontier(mu, cov, points=12, risk_free_rate=0.02):
        assert point.sharpe_ratio <= best.sharpe_ratio + 1e-7


def test_frontier_needs_two_points() -> None:
    mu, cov = three_assets()
    with pytest.raises(ValueError, match="at least 2 points"):
        efficient_frontier(mu, cov, points=1)


# --- Properties ------------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(min_value=2, max_value=8))
    factors = draw(hnp.arrays(np.float64, (n, n), elements=st.floats(-0.3, 0.3)))
    cov = factors @ factors.T + np.diag(
        draw(hnp.arrays(np.float64, n, elements=st.floats(0.001, 0.05)))
    )
    mu = draw(hnp.arrays(np.float64, n, elements=st.floats(0.01, 0.2)))
    lower = draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 0.0, 0.02, 0.05])))
    upper = draw(hnp.arrays(np.float64, n, elements=st.sampled_from([1.0, 0.6, 0.4])))
    upper = np.maximum(upper, lower)
    if upper.sum() < 1.0:
        upper = np.ones(n)
    return mu, cov, lower, upper


def check(portfolio: Portfolio, lower: np.ndarray, upper: np.ndarray) -> None:
    w = portfolio.weights
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert (w >= lower).all() and (w <= upper).all()
    assert (w >= 0).all()


@settings(max_examples=40, deadline=None)
@given(problems())
def test_optimizer_weights_respect_bounds_and_sum_to_one(problem: tuple) -> None:
    mu, cov, lower, upper = problem
    least = min_variance(mu, cov, lower=lower, upper=upper)
    check(least, lower, upper)
    best = max_sharpe(mu, cov, lower=lower, upper=upper)
    check(best, lower, upper)
    assert best.sharpe_ratio >= least.sharpe_ratio - 1e-6
    goal = (least.expected_return + float(mu @ best.weights)) / 2
    mid = target_return(mu, cov, goal, lower=lower, upper=upper)
    check(mid, lower, upper)
    assert mid.expected_return >= goal - 1e-7
    assert least.volatility <= mid.volatility + 1e-7
