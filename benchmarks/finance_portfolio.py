"""Timings of portfolio optimization, batch rebalancing and loss harvesting on this machine.

Each figure stands beside a plain reference written here: SciPy's SLSQP for the optimizer, and
plain Python loops for rebalancing and harvesting (the harvesting scans work on NumPy columns,
the form a book of a million lots is loaded in). Run: ``python -m benchmarks.finance_portfolio``.
Figures come from one run each; where the plain reference runs on a subset, the output says so
and extrapolates linearly.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import numpy as np
from scipy.optimize import minimize

from fundhouse.finance.lots import scan_position_losses, scan_unrealized_losses
from fundhouse.finance.optimization import (
    efficient_frontier,
    expected_returns,
    ledoit_wolf_covariance,
    max_sharpe,
    min_variance,
)
from fundhouse.finance.rebalancing import (
    RebalancePlan,
    RebalancePolicy,
    Side,
    rebalance,
    rebalance_batch,
)

T = TypeVar("T")


def timed(func: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def line(label: str, fast: float, slow: float, note: str = "") -> None:
    print(
        f"  {label:<44} {fast * 1000:10.1f} ms   reference {slow * 1000:10.1f} ms   "
        f"speed-up {slow / fast:8.1f}x{('   ' + note) if note else ''}"
    )


# --- Optimization ----------------------------------------------------------------------------


def slsqp_max_sharpe(mu: np.ndarray, cov: np.ndarray, rf: float) -> np.ndarray:
    n = len(mu)

    def negative_sharpe(w: np.ndarray) -> float:
        return -float((mu @ w - rf) / math.sqrt(w @ cov @ w))

    result = minimize(
        negative_sharpe,
        np.full(n, 1 / n),
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0}],
        options={"maxiter": 500, "ftol": 1e-10},
    )
    return np.asarray(result.x)


def slsqp_frontier(mu: np.ndarray, cov: np.ndarray, points: int) -> list[np.ndarray]:
    n = len(mu)
    low = float(mu @ min_variance(mu, cov).weights)
    goals = np.linspace(low, float(mu.max()), points)
    weights = []
    for goal in goals:
        result = minimize(
            lambda w: float(w @ cov @ w),
            np.full(n, 1 / n),
            jac=lambda w: 2 * cov @ w,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * n,
            constraints=[
                {"type": "eq", "fun": lambda w: w.sum() - 1.0},
                {"type": "ineq", "fun": lambda w, g=goal: mu @ w - g},
            ],
            options={"maxiter": 500, "ftol": 1e-12},
        )
        weights.append(np.asarray(result.x))
    return weights


def bench_optimization() -> None:
    rng = np.random.default_rng(2024)
    assets, days = 50, 1000
    factors = rng.normal(0, 0.008, (days, 4))
    loadings = rng.normal(0.5, 0.4, (4, assets))
    returns = factors @ loadings + rng.normal(0.0004, 0.012, (days, assets))
    prices = 100 * np.cumprod(1 + returns, axis=0)
    mu = expected_returns(prices)
    cov = ledoit_wolf_covariance(prices).matrix
    min_variance(mu[:3], cov[:3, :3])  # load the solver once, outside the timings
    rf = 0.02
    print(f"Optimization: {assets} assets, {days} daily prices, Ledoit-Wolf covariance")
    best, fast = timed(lambda: max_sharpe(mu, cov, risk_free_rate=rf))
    reference, slow = timed(lambda: slsqp_max_sharpe(mu, cov, rf))
    ref_sharpe = (mu @ reference - rf) / math.sqrt(reference @ cov @ reference)
    line("max Sharpe (cvxpy, convex reformulation)", fast, slow, "vs SciPy SLSQP on −Sharpe")
    print(f"    Sharpe: cvxpy {best.sharpe_ratio:.6f}, SLSQP {ref_sharpe:.6f}")
    points, subset = 25, 5
    frontier, fast = timed(lambda: efficient_frontier(mu, cov, points=points))
    reference_frontier, slow_subset = timed(lambda: slsqp_frontier(mu, cov, subset))
    line(
        f"efficient frontier, {points} points",
        fast,
        slow_subset * points / subset,
        f"SLSQP timed on {subset} points, ×{points // subset} extrapolated",
    )
    check = efficient_frontier(mu, cov, points=subset)
    worst = max(
        math.sqrt(w @ cov @ w) - p.volatility
        for p, w in zip(check, reference_frontier, strict=True)
    )
    print(
        f"    frontier returns {frontier[0].expected_return:.2%} to "
        f"{frontier[-1].expected_return:.2%}; largest volatility excess of SLSQP over cvxpy "
        f"on {subset} points: {worst:.2e}"
    )


# --- Rebalancing -----------------------------------------------------------------------------


def plain_rebalance(
    quantities: list[float],
    prices: list[float],
    cash: float,
    targets: list[float],
    policy: RebalancePolicy,
) -> list[float]:
    """The rebalancing rules of shared/CONVENTIONS.md for one account, in plain Python."""
    absolute, relative = float(policy.absolute_band), float(policy.relative_band)
    minimum = float(policy.minimum_trade) * (1 - 1e-9)
    values = [q * p for q, p in zip(quantities, prices, strict=True)]
    total = sum(values) + cash
    trades = [0.0] * len(prices)
    if total <= 0:
        return trades
    slack = 1e-9 * max(total, 1.0)
    breach = False
    for v, t in zip(values, targets, strict=True):
        gap = abs(v - t * total)
        if gap > absolute * total + slack or gap > relative * t * total + slack:
            breach = True
    if not breach:
        return trades
    desired = [t * total - v for v, t in zip(values, targets, strict=True)]
    available = cash
    for i, d in enumerate(desired):
        if d < 0:
            shares = min(math.ceil(-d / prices[i] - 1e-9), quantities[i])
            if shares * prices[i] >= minimum:
                trades[i] = -shares
                available += shares * prices[i]
    order = sorted(range(len(prices)), key=lambda i: (-round(desired[i], 6), i))
    for i in order:
        if desired[i] <= 0:
            continue
        shares = min(
            math.floor(desired[i] / prices[i] + 1e-9), math.floor(available / prices[i] + 1e-9)
        )
        if shares > 0 and shares * prices[i] >= minimum:
            trades[i] = shares
            available -= shares * prices[i]
    return trades


def bench_rebalancing() -> None:
    rng = np.random.default_rng(7)
    accounts, assets = 10_000, 20
    prices = np.round(rng.uniform(10, 500, assets), 2)
    targets = np.round(rng.dirichlet(np.full(assets, 8.0)), 4)
    targets[-1] = round(1.0 - targets[:-1].sum(), 4)
    drift = rng.uniform(0.78, 1.22, (accounts, assets))
    size = rng.uniform(50_000, 1_000_000, (accounts, 1))
    quantities = np.floor(size * targets * drift / prices)
    cash = np.round(rng.uniform(0, 10_000, accounts), 2)
    policy = RebalancePolicy()
    print(f"Rebalancing: {accounts:,} accounts × {assets} assets")
    rebalance_batch(quantities[:10], prices, cash[:10], targets, policy=policy)  # warm-up
    plan, fast = timed(lambda: rebalance_batch(quantities, prices, cash, targets, policy=policy))
    subset = 2_000
    price_list, target_list = prices.tolist(), targets.tolist()
    reference, slow_subset = timed(
        lambda: [
            plain_rebalance(quantities[a].tolist(), price_list, float(cash[a]), target_list, policy)
            for a in range(subset)
        ]
    )
    slow = slow_subset * accounts / subset
    agree = np.array_equal(np.asarray(reference), plan.trade_quantity[:subset])
    line(
        "batch rebalance (NumPy)",
        fast,
        slow,
        f"plain loop timed on {subset:,} accounts, ×{accounts // subset} extrapolated",
    )
    print(
        f"    accounts breaching: {int(plan.has_breach.sum()):,}; "
        f"plain loop agrees on the subset: {'yes' if agree else 'NO'}"
    )
    few = 300
    securities = [f"S{i}" for i in range(assets)]
    decimal_prices = {s: Decimal(str(p)) for s, p in zip(securities, price_list, strict=True)}
    decimal_targets = {s: Decimal(str(t)) for s, t in zip(securities, target_list, strict=True)}
    books = [
        {s: Decimal(int(q)) for s, q in zip(securities, quantities[a], strict=True)}
        for a in range(few)
    ]
    cash_of = [Decimal(str(c)) for c in cash[:few]]
    singles, exact_few = timed(
        lambda: [
            rebalance(books[a], decimal_prices, cash_of[a], decimal_targets, policy=policy)
            for a in range(few)
        ]
    )
    line(
        "batch vs exact rebalance() per account",
        fast,
        exact_few * accounts / few,
        f"rebalance() timed on {few} accounts, ×{accounts // few} extrapolated",
    )

    def signed(single: RebalancePlan) -> list[float]:
        by_security = dict.fromkeys(securities, 0.0)
        for trade in single.trades:
            sign = 1.0 if trade.side is Side.BUY else -1.0
            by_security[trade.security] += sign * float(trade.quantity)
        return list(by_security.values())

    same = all(
        signed(single) == plan.trade_quantity[a].tolist() for a, single in enumerate(singles)
    )
    print(f"    exact single-account form agrees on those accounts: {'yes' if same else 'NO'}")


# --- Harvesting ------------------------------------------------------------------------------


def bench_harvesting() -> None:
    rng = np.random.default_rng(11)
    lots, securities, accounts = 1_000_000, 500, 20_000
    security = rng.integers(0, securities, lots)
    holder = rng.integers(0, accounts, lots)
    position = np.unique(holder * securities + security, return_inverse=True)[1]
    price = np.round(rng.uniform(5, 300, securities), 2)[security]
    quantity = rng.integers(1, 500, lots).astype(np.float64)
    basis = np.round(quantity * price * rng.uniform(0.6, 1.4, lots), 2)
    threshold = 500.0
    print(
        f"Harvesting: {lots:,} lots, {securities} securities, {accounts:,} accounts, "
        f"loss threshold {threshold:,.0f}"
    )
    scan_unrealized_losses(quantity[:10], basis[:10], price[:10], threshold)  # warm-up
    flags, fast = timed(lambda: scan_unrealized_losses(quantity, basis, price, threshold))
    q_list, b_list, p_list = quantity.tolist(), basis.tolist(), price.tolist()
    plain, slow = timed(
        lambda: [b - q * p > threshold for q, b, p in zip(q_list, b_list, p_list, strict=True)]
    )
    line("per-lot scan (NumPy)", fast, slow, "vs plain loop over all lots")
    print(
        f"    lots above the threshold: {int(flags.sum()):,}; plain loop agrees: "
        f"{'yes' if flags.tolist() == plain else 'NO'}"
    )

    codes = position.tolist()

    def plain_positions() -> set[int]:
        loss: dict[int, float] = {}
        for code, q, b, p in zip(codes, q_list, b_list, p_list, strict=True):
            loss[code] = loss.get(code, 0.0) + b - q * p
        return {code for code, amount in loss.items() if amount > threshold}

    by_position, fast = timed(
        lambda: scan_position_losses(position, quantity, basis, price, threshold)
    )
    plain_set, slow = timed(plain_positions)
    line("per-position scan (NumPy bincount)", fast, slow, "vs plain dict loop over all lots")
    same = set(np.flatnonzero(by_position).tolist()) == plain_set
    print(
        f"    positions above the threshold: {int(by_position.sum()):,}; plain loop agrees: "
        f"{'yes' if same else 'NO'}"
    )


def main() -> None:
    """Print the timings; each speed-up is from one run."""
    started = time.perf_counter()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} at start (other work skews timings)")
    bench_optimization()
    bench_rebalancing()
    bench_harvesting()
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
