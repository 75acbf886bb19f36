"""Mean-variance portfolio construction: estimates from prices and optimal long-only weights.

Estimates: expected returns as the annualized mean of historical simple returns, covariance as
the annualized sample covariance or the Ledoit-Wolf shrinkage estimate (Ledoit & Wolf 2004,
"A well-conditioned estimator for large-dimensional covariance matrices", J. Multivariate
Analysis 88(2), computed by scikit-learn's ``LedoitWolf``).

Optimization: Markowitz (1952, "Portfolio Selection", J. Finance 7(1)) minimum variance,
maximum Sharpe ratio, minimum variance for a target return, maximum return for a target risk,
and the efficient frontier, each long-only with per-asset lower and upper bounds and weights
summing to one, solved as convex programs with cvxpy (Diamond & Boyd 2016). Rates and weights
are float64: they are not money (DESIGN.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import cvxpy as cp
import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.covariance import LedoitWolf

__all__ = [
    "TRADING_DAYS_PER_YEAR",
    "CovarianceEstimate",
    "InfeasiblePortfolioError",
    "Portfolio",
    "efficient_frontier",
    "expected_returns",
    "ledoit_wolf_covariance",
    "max_sharpe",
    "min_variance",
    "returns_from_prices",
    "sample_covariance",
    "target_return",
    "target_risk",
]

TRADING_DAYS_PER_YEAR = 252
_SOLVER = cp.CLARABEL
_WEIGHT_TOLERANCE = 1e-9
_DUST = 1e-8
_SOLVER_OPTIONS = {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
_SOLVED = (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)


class InfeasiblePortfolioError(ValueError):
    """No long-only portfolio satisfies the bounds and the target asked for."""


@dataclass(frozen=True)
class CovarianceEstimate:
    """An annualized covariance matrix and how it was estimated.

    ``shrinkage`` is the Ledoit-Wolf intensity δ in (1 − δ)·S + δ·μ·I (0 for the sample
    covariance).
    """

    matrix: NDArray[np.float64] = field(repr=False)
    method: Literal["sample", "ledoit_wolf"]
    shrinkage: float


@dataclass(frozen=True)
class Portfolio:
    """Weights with their expected return, volatility and Sharpe ratio (all annualized)."""

    weights: NDArray[np.float64] = field(repr=False)
    expected_return: float
    volatility: float
    sharpe_ratio: float


def returns_from_prices(prices: ArrayLike) -> NDArray[np.float64]:
    """Simple period returns r_t = P_t / P_{t−1} − 1 of a periods × assets price history."""
    matrix = np.asarray(prices, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("prices must be a 2-D array of periods × assets")
    if matrix.shape[0] < 2 or matrix.shape[1] < 1:
        raise ValueError("prices need at least two periods and one asset")
    if not np.isfinite(matrix).all() or (matrix <= 0).any():
        raise ValueError("prices must be finite and positive")
    returns: NDArray[np.float64] = matrix[1:] / matrix[:-1] - 1.0
    return returns


def _check_periods(periods_per_year: float) -> None:
    if not periods_per_year > 0:
        raise ValueError(f"periods_per_year must be positive, got {periods_per_year}")


def expected_returns(
    prices: ArrayLike,
    *,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
    compounding: bool = False,
) -> NDArray[np.float64]:
    """Annualized mean historical return of each asset.

    Arithmetic (default): mean(r) × periods_per_year, the expected-return input of Markowitz
    (1952). With ``compounding``: the geometric mean, (Π(1 + r))^(periods_per_year / T) − 1.
    """
    _check_periods(periods_per_year)
    returns = returns_from_prices(prices)
    if compounding:
        growth = np.prod(1.0 + returns, axis=0)
        geometric: NDArray[np.float64] = growth ** (periods_per_year / returns.shape[0]) - 1.0
        return geometric
    arithmetic: NDArray[np.float64] = returns.mean(axis=0) * periods_per_year
    return arithmetic


def sample_covariance(
    prices: ArrayLike, *, periods_per_year: float = TRADING_DAYS_PER_YEAR
) -> CovarianceEstimate:
    """Annualized sample covariance of simple returns (unbiased, divisor T − 1)."""
    _check_periods(periods_per_year)
    returns = returns_from_prices(prices)
    if returns.shape[0] < 2:
        raise ValueError("the sample covariance needs at least three prices per asset")
    matrix = np.atleast_2d(np.cov(returns, rowvar=False, ddof=1)) * periods_per_year
    return CovarianceEstimate(matrix=matrix, method="sample", shrinkage=0.0)


def ledoit_wolf_covariance(
    prices: ArrayLike, *, periods_per_year: float = TRADING_DAYS_PER_YEAR
) -> CovarianceEstimate:
    """Annualized Ledoit-Wolf shrinkage covariance of simple returns.

    Σ̂ = (1 − δ)·S + δ·μ·I with S the maximum-likelihood covariance, μ = trace(S)/N and δ the
    optimal intensity of Ledoit & Wolf (2004), as scikit-learn's ``LedoitWolf`` computes it.
    """
    _check_periods(periods_per_year)
    returns = returns_from_prices(prices)
    estimator = LedoitWolf().fit(returns)
    return CovarianceEstimate(
        matrix=np.asarray(estimator.covariance_, dtype=np.float64) * periods_per_year,
        method="ledoit_wolf",
        shrinkage=float(estimator.shrinkage_),
    )


@dataclass(frozen=True)
class _Problem:
    mu: NDArray[np.float64]
    cov: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    risk_free_rate: float

    @property
    def size(self) -> int:
        return int(self.mu.shape[0])


def _validate(
    mu: ArrayLike, cov: ArrayLike, lower: ArrayLike, upper: ArrayLike, risk_free_rate: float
) -> _Problem:
    returns = np.asarray(mu, dtype=np.float64)
    if returns.ndim != 1 or returns.shape[0] < 1:
        raise ValueError("expected returns must be a non-empty 1-D array")
    n = returns.shape[0]
    matrix = np.asarray(cov, dtype=np.float64)
    if matrix.shape != (n, n):
        raise ValueError(f"covariance must be {n} × {n} to match the expected returns")
    if not (np.isfinite(returns).all() and np.isfinite(matrix).all()):
        raise ValueError("expected returns and covariance must be finite")
    scale = max(1.0, float(np.abs(matrix).max()))
    if not np.allclose(matrix, matrix.T, rtol=0.0, atol=1e-10 * scale):
        raise ValueError("covariance must be symmetric")
    matrix = (matrix + matrix.T) / 2.0
    if float(np.linalg.eigvalsh(matrix).min()) < -1e-10 * scale:
        raise ValueError("covariance must be positive semi-definite")
    low = np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy()
    high = np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy()
    if not (np.isfinite(low).all() and np.isfinite(high).all()):
        raise ValueError("bounds must be finite")
    if (low < 0).any():
        raise ValueError("lower bounds must not be negative: portfolios are long-only")
    if (high > 1).any():
        raise ValueError("upper bounds must not be above 1")
    if (low > high).any():
        raise ValueError("every lower bound must be at most its upper bound")
    if low.sum() > 1.0 + _WEIGHT_TOLERANCE:
        raise InfeasiblePortfolioError(f"lower bounds add up to {low.sum():.6g}, above 1")
    if high.sum() < 1.0 - _WEIGHT_TOLERANCE:
        raise InfeasiblePortfolioError(f"upper bounds add up to {high.sum():.6g}, below 1")
    if not np.isfinite(risk_free_rate):
        raise ValueError("risk_free_rate must be finite")
    return _Problem(returns, matrix, low, high, float(risk_free_rate))


def _extreme_return_weights(problem: _Problem, *, highest: bool) -> NDArray[np.float64]:
    """The highest (or lowest) return portfolio under the bounds, exactly: start every asset
    at its lower bound and fill the rest of the budget in order of expected return."""
    weights = problem.lower.copy()
    budget = 1.0 - weights.sum()
    order = np.argsort(-problem.mu if highest else problem.mu, kind="stable")
    for i in order:
        if budget <= 0:
            break
        add = min(problem.upper[i] - weights[i], budget)
        weights[i] += add
        budget -= add
    return weights


def _clean(weights: NDArray[np.float64], problem: _Problem) -> NDArray[np.float64]:
    """Solver output to exact feasible weights: clip into the bounds (clearing tiny negatives
    and dust), then spread the residual 1 − Σw over the held assets with room."""
    w = np.clip(np.asarray(weights, dtype=np.float64), problem.lower, problem.upper)
    dust = (w < _DUST) & (problem.lower == 0)
    w[dust] = 0.0
    residual = 1.0 - w.sum()
    if residual != 0.0:
        room = problem.upper - w if residual > 0 else w - problem.lower
        held = room * (w > 0)
        spread = held if held.sum() >= abs(residual) else room
        w = w + np.sign(residual) * abs(residual) * spread / spread.sum()
        w = np.clip(w, problem.lower, problem.upper)
    return w


def _portfolio(weights: NDArray[np.float64], problem: _Problem) -> Portfolio:
    w = _clean(weights, problem)
    expected = float(problem.mu @ w)
    volatility = float(np.sqrt(max(float(w @ problem.cov @ w), 0.0)))
    sharpe = (expected - problem.risk_free_rate) / volatility if volatility > 0 else float("nan")
    return Portfolio(
        weights=w, expected_return=expected, volatility=volatility, sharpe_ratio=sharpe
    )


def _solve(problem: cp.Problem, what: str) -> None:
    try:
        problem.solve(solver=_SOLVER, **_SOLVER_OPTIONS)
    except cp.error.SolverError as error:
        raise InfeasiblePortfolioError(f"{what}: the solver failed ({error})") from error
    if problem.status not in _SOLVED:
        raise InfeasiblePortfolioError(f"{what}: no solution (solver status {problem.status})")


def _risk(w: cp.Variable, problem: _Problem) -> cp.Expression:
    return cp.quad_form(w, cp.psd_wrap(problem.cov))


def _weight_constraints(w: cp.Variable, problem: _Problem) -> list[cp.Constraint]:
    return [cp.sum(w) == 1, w >= problem.lower, w <= problem.upper]


def min_variance(
    mu: ArrayLike,
    cov: ArrayLike,
    *,
    lower: ArrayLike = 0.0,
    upper: ArrayLike = 1.0,
    risk_free_rate: float = 0.0,
) -> Portfolio:
    """The minimum-variance long-only portfolio: min wᵀΣw s.t. Σw = 1, l ≤ w ≤ u (Markowitz
    1952). ``mu`` only serves to report the portfolio's return and Sharpe ratio."""
    problem = _validate(mu, cov, lower, upper, risk_free_rate)
    w = cp.Variable(problem.size)
    program = cp.Problem(cp.Minimize(_risk(w, problem)), _weight_constraints(w, problem))
    _solve(program, "minimum variance")
    return _portfolio(np.asarray(w.value), problem)


def max_sharpe(
    mu: ArrayLike,
    cov: ArrayLike,
    *,
    risk_free_rate: float = 0.0,
    lower: ArrayLike = 0.0,
    upper: ArrayLike = 1.0,
) -> Portfolio:
    """The long-only portfolio of maximum Sharpe ratio (μᵀw − r_f) / √(wᵀΣw).

    Solved by the standard convex reformulation (Cornuéjols & Tütüncü 2007, "Optimization
    Methods in Finance", §8.2): with y = κw, minimize yᵀΣy subject to (μ − r_f)ᵀy = 1,
    Σy = κ, κ·l ≤ y ≤ κ·u, κ ≥ 0; then w = y / κ. It needs a feasible portfolio that earns
    more than the risk-free rate.
    """
    problem = _validate(mu, cov, lower, upper, risk_free_rate)
    best = _extreme_return_weights(problem, highest=True)
    best_excess = float(problem.mu @ best) - problem.risk_free_rate
    if best_excess <= 0:
        raise InfeasiblePortfolioError(
            f"no portfolio within the bounds earns more than the risk-free rate "
            f"{problem.risk_free_rate:.6g} (the best earns {float(problem.mu @ best):.6g})"
        )
    y = cp.Variable(problem.size)
    kappa = cp.Variable(nonneg=True)
    excess = problem.mu - problem.risk_free_rate
    constraints = [
        excess @ y == 1,
        cp.sum(y) == kappa,
        y >= kappa * problem.lower,
        y <= kappa * problem.upper,
    ]
    program = cp.Problem(cp.Minimize(_risk(y, problem)), constraints)
    _solve(program, "maximum Sharpe ratio")
    if kappa.value is None or float(kappa.value) <= 0:
        raise InfeasiblePortfolioError("maximum Sharpe ratio: the solver found no portfolio")
    return _portfolio(np.asarray(y.value) / float(kappa.value), problem)


def target_return(
    mu: ArrayLike,
    cov: ArrayLike,
    target: float,
    *,
    lower: ArrayLike = 0.0,
    upper: ArrayLike = 1.0,
    risk_free_rate: float = 0.0,
) -> Portfolio:
    """The least-variance portfolio earning at least ``target``: min wᵀΣw s.t. μᵀw ≥ target
    (Markowitz 1952; the efficient portfolio for that return). A target above the highest
    return the bounds allow is refused with :class:`InfeasiblePortfolioError`."""
    problem = _validate(mu, cov, lower, upper, risk_free_rate)
    highest = float(problem.mu @ _extreme_return_weights(problem, highest=True))
    if not np.isfinite(target):
        raise ValueError("target return must be finite")
    if target > highest + _WEIGHT_TOLERANCE * max(1.0, abs(highest)):
        raise InfeasiblePortfolioError(
            f"target return {target:.6g} is above the maximum attainable {highest:.6g} "
            "within the bounds"
        )
    w = cp.Variable(problem.size)
    constraints = [*_weight_constraints(w, problem), problem.mu @ w >= min(target, highest)]
    program = cp.Problem(cp.Minimize(_risk(w, problem)), constraints)
    _solve(program, f"target return {target:.6g}")
    return _portfolio(np.asarray(w.value), problem)


def target_risk(
    mu: ArrayLike,
    cov: ArrayLike,
    target_volatility: float,
    *,
    lower: ArrayLike = 0.0,
    upper: ArrayLike = 1.0,
    risk_free_rate: float = 0.0,
) -> Portfolio:
    """The highest-return portfolio with volatility at most ``target_volatility``: max μᵀw s.t.
    wᵀΣw ≤ σ² (Markowitz 1952). A target below the minimum-variance portfolio's volatility is
    refused with :class:`InfeasiblePortfolioError`."""
    problem = _validate(mu, cov, lower, upper, risk_free_rate)
    if not (np.isfinite(target_volatility) and target_volatility >= 0):
        raise ValueError("target volatility must be a finite, non-negative number")
    floor = min_variance(problem.mu, problem.cov, lower=problem.lower, upper=problem.upper)
    if target_volatility < floor.volatility * (1.0 - 1e-6):
        raise InfeasiblePortfolioError(
            f"target volatility {target_volatility:.6g} is below the minimum attainable "
            f"{floor.volatility:.6g} within the bounds"
        )
    if target_volatility <= floor.volatility:
        return _portfolio(floor.weights, problem)
    w = cp.Variable(problem.size)
    constraints = [*_weight_constraints(w, problem), _risk(w, problem) <= target_volatility**2]
    program = cp.Problem(cp.Maximize(problem.mu @ w), constraints)
    _solve(program, f"target volatility {target_volatility:.6g}")
    return _portfolio(np.asarray(w.value), problem)


def efficient_frontier(
    mu: ArrayLike,
    cov: ArrayLike,
    *,
    points: int = 20,
    lower: ArrayLike = 0.0,
    upper: ArrayLike = 1.0,
    risk_free_rate: float = 0.0,
) -> tuple[Portfolio, ...]:
    """The efficient frontier as ``points`` portfolios, lowest return first.

    Target returns are spaced evenly from the minimum-variance portfolio's return to the
    highest return the bounds allow; each point is the least-variance portfolio earning at
    least its target (Markowitz 1952). One parametrized cvxpy problem is compiled once and
    re-solved for each target.
    """
    if points < 2:
        raise ValueError(f"the frontier needs at least 2 points, got {points}")
    problem = _validate(mu, cov, lower, upper, risk_free_rate)
    start = min_variance(
        problem.mu,
        problem.cov,
        lower=problem.lower,
        upper=problem.upper,
        risk_free_rate=problem.risk_free_rate,
    )
    highest = float(problem.mu @ _extreme_return_weights(problem, highest=True))
    lowest = min(start.expected_return, highest)
    w = cp.Variable(problem.size)
    level = cp.Parameter()
    program = cp.Problem(
        cp.Minimize(_risk(w, problem)),
        [*_weight_constraints(w, problem), problem.mu @ w >= level],
    )
    frontier = [start]
    for goal in np.linspace(lowest, highest, points)[1:]:
        level.value = float(goal) - _WEIGHT_TOLERANCE * max(1.0, abs(float(goal)))
        _solve(program, f"frontier point at return {goal:.6g}")
        frontier.append(_portfolio(np.asarray(w.value), problem))
    return tuple(frontier)
