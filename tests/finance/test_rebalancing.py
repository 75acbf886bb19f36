"""Drift bands and rebalancing trades.

Conventions pinned here: shared/CONVENTIONS.md, "Tax lots, wash sales and rebalancing",
"Rebalancing" (absolute band 5 points, relative band 25% of target, minimum trade 100, sells
rounded up, buys rounded down, buys from cash then proceeds by largest shortfall, a deposit
alone never sells). Holding period for the tax-aware mode: IRS Publication 550.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fundhouse.finance.lots import Lot
from fundhouse.finance.rebalancing import (
    RebalancePlan,
    RebalancePolicy,
    Side,
    rebalance,
    rebalance_batch,
    sellable_lots,
)

D = Decimal


def trades(plan: RebalancePlan) -> list[tuple[str, str, Decimal]]:
    return [(t.security, t.side.value, t.quantity) for t in plan.trades]


def signed_trades(plan: RebalancePlan, securities: list[str]) -> list[float]:
    by_security = {s: 0.0 for s in securities}
    for t in plan.trades:
        by_security[t.security] += float(t.quantity) * (1 if t.side is Side.BUY else -1)
    return [by_security[s] for s in securities]


def batch_of_one(
    holdings: Mapping[str, Decimal],
    prices: Mapping[str, Decimal],
    cash: Decimal,
    targets: Mapping[str, Decimal],
    securities: list[str],
    **options: object,
) -> list[float]:
    plan = rebalance_batch(
        [[float(holdings.get(s, 0)) for s in securities]],
        [float(prices[s]) for s in securities],
        [float(cash)],
        [float(targets.get(s, 0)) for s in securities],
        **options,  # type: ignore[arg-type]
    )
    return plan.trade_quantity[0].tolist()


# --- Bands ---------------------------------------------------------------------------------


def test_within_bands_nothing_trades() -> None:
    # 60/40 target at 64/36: drifts 4 points (< 5) and 4/60 = 6.7%, 4/40 = 10% (< 25%).
    plan = rebalance(
        {"A": D(64), "B": D(36)}, {"A": D(100), "B": D(100)}, D(0), {"A": D("0.6"), "B": D("0.4")}
    )
    assert not plan.has_breach
    assert plan.trades == ()
    assert [d.drift for d in plan.drifts] == [D("0.04"), D("-0.04")]


def test_drift_exactly_at_the_absolute_band_is_not_a_breach() -> None:
    # shared/CONVENTIONS.md: a breach is strictly above the band.
    # 65/35 against 60/40: |0.65 − 0.60| = 0.05, not strictly above 5 points; relative
    # 5/40 = 12.5% < 25%. One more unit and A is 5.01 points over: breach.
    targets = {"A": D("0.6"), "B": D("0.4")}
    on_band = rebalance({"A": D(6500), "B": D(3500)}, {"A": D(1), "B": D(1)}, D(0), targets)
    assert not on_band.has_breach
    over = rebalance({"A": D(6501), "B": D(3499)}, {"A": D(1), "B": D(1)}, D(0), targets)
    assert over.has_breach
    assert [d.has_breached_band for d in over.drifts] == [True, True]


def test_relative_band_is_a_quarter_of_the_target() -> None:
    # C targets 10%: its relative band is 2.5 points, tighter than the 5-point band.
    # At 12.5% it is on the band (no breach); at 12.51% it breaches; A (90% target) at
    # 87.49% drifts 2.51 points, inside both of its bands (5 points; 22.5 points).
    targets = {"A": D("0.9"), "C": D("0.1")}
    prices = {"A": D(1), "C": D(1)}
    on_band = rebalance({"A": D(8750), "C": D(1250)}, prices, D(0), targets)
    assert not on_band.has_breach
    over = rebalance({"A": D(8749), "C": D(1251)}, prices, D(0), targets)
    assert [d.has_breached_band for d in over.drifts] == [False, True]


def test_cash_counts_in_the_weights() -> None:
    # Holdings at 60/40 of the invested value, but with cash 2,000 of 12,000 the weights are
    # 50% and 33.3%: A is 10 points under its target.
    plan = rebalance(
        {"A": D(60), "B": D(40)},
        {"A": D(100), "B": D(100)},
        D(2000),
        {"A": D("0.6"), "B": D("0.4")},
    )
    assert plan.cash_weight == D(2000) / D(12000)
    assert plan.has_breach


# --- Trades ----------------------------------------------------------------------------------


def test_breach_trades_every_asset_with_rounding_and_largest_shortfall_first() -> None:
    # Value: A 80 × 101 = 8,080; B 30 × 49 = 1,470; C 10 × 33 = 330; cash 120 -> 10,000.
    # Targets 50/30/20. A sells 8,080 − 5,000 = 3,080 / 101 = 30.5 -> rounded up to 31
    # (3,131). Shortfalls: C 2,000 − 330 = 1,670, B 3,000 − 1,470 = 1,530; C first.
    # Available 120 + 3,131 = 3,251. C: 1,670 / 33 = 50.6 -> 50 (1,650), 1,601 left.
    # B: 1,530 / 49 = 31.2 -> 31 (1,519), 82 left.
    plan = rebalance(
        {"A": D(80), "B": D(30), "C": D(10)},
        {"A": D(101), "B": D(49), "C": D(33)},
        D(120),
        {"A": D("0.5"), "B": D("0.3"), "C": D("0.2")},
    )
    assert trades(plan) == [("A", "sell", D(31)), ("C", "buy", D(50)), ("B", "buy", D(31))]
    assert plan.sale_proceeds == D(3131)
    assert plan.purchase_cost == D(3169)
    assert (plan.paid_from_cash, plan.paid_from_proceeds) == (D(120), D(3049))
    assert plan.cash_after == D(82)


def test_trades_under_the_minimum_are_dropped() -> None:
    # shared/CONVENTIONS.md: trades under the minimum (term: 100) are dropped.
    # Only D breaches (held, target 0). A sells 5,100 − 5,000 = 100 (1 share, exactly the
    # minimum: kept). D sells 1 × 80 = 80 < 100: dropped, so its proceeds never come.
    # B wants 2 shares (200) but 20 + 100 = 120 buys only 1 (100).
    plan = rebalance(
        {"A": D(51), "B": D(48), "D": D(1)},
        {"A": D(100), "B": D(100), "D": D(80)},
        D(20),
        {"A": D("0.5"), "B": D("0.5")},
    )
    assert trades(plan) == [("A", "sell", D(1)), ("B", "buy", D(1))]
    assert [(t.security, t.side, t.amount) for t in plan.dropped] == [("D", Side.SELL, D(80))]
    assert plan.cash_after == D(20)
    stricter = rebalance(
        {"A": D(51), "B": D(48), "D": D(1)},
        {"A": D(100), "B": D(100), "D": D(80)},
        D(20),
        {"A": D("0.5"), "B": D("0.5")},
        policy=RebalancePolicy(minimum_trade=D(150)),
    )
    assert stricter.trades == ()


def test_asset_out_of_the_model_is_sold_and_new_asset_bought() -> None:
    # OLD (target 0) is 10% of 10,000: sold in full, 20 shares; NEW (10% target) buys
    # 1,000 / 25 = 40 shares.
    plan = rebalance(
        {"OLD": D(20), "A": D(90)},
        {"OLD": D(50), "A": D(100), "NEW": D(25)},
        D(0),
        {"A": D("0.9"), "NEW": D("0.1")},
    )
    assert trades(plan) == [("OLD", "sell", D(20)), ("NEW", "buy", D(40))]
    assert [d.security for d in plan.drifts] == ["A", "NEW", "OLD"]


def test_cash_target_is_kept_in_cash() -> None:
    # Targets A 60%, B 30%, cash 10% of 10,000. B sells 2,000 (20 shares), A buys 1,000
    # (10 shares): 1,000 of cash stays, the cash target.
    plan = rebalance(
        {"A": D(50), "B": D(50)},
        {"A": D(100), "B": D(100)},
        D(0),
        {"A": D("0.6"), "B": D("0.3")},
        cash_target=D("0.1"),
    )
    assert trades(plan) == [("B", "sell", D(20)), ("A", "buy", D(10))]
    assert plan.cash_after == D(1000)


def test_fractional_security_buys_to_its_quantity_step() -> None:
    # X whole shares: sells 4,000 / 300 = 13.3 -> 14 (4,200). Y trades in thousandths:
    # 5,000 / 333.33 = 15.00015 -> 15.000 (4,999.95). Cash 1,000 + 4,200 − 4,999.95 = 200.05.
    plan = rebalance(
        {"X": D(30)},
        {"X": D(300), "Y": D("333.33")},
        D(1000),
        {"X": D("0.5"), "Y": D("0.5")},
        quantity_steps={"Y": D("0.001")},
    )
    assert trades(plan) == [("X", "sell", D(14)), ("Y", "buy", D(15))]
    assert plan.cash_after == D("200.05")


def test_deposit_alone_is_invested_without_selling() -> None:
    # shared/CONVENTIONS.md: a deposit alone never causes a sell.
    # A 65 × 100, B 35 × 100: within bands (A exactly 5 points over). A deposit of 300 makes
    # B 3,500 / 10,300 = 33.98%, 6.02 points under: a breach caused by the deposit alone.
    # Without the rule A would sell 6,500 − 6,180 = 320 -> 4 shares. With it, the deposit
    # buys B: wants 4,120 − 3,500 = 620 -> 6 shares, but 300 of cash buys 3.
    holdings = {"A": D(65), "B": D(35)}
    prices = {"A": D(100), "B": D(100)}
    targets = {"A": D("0.6"), "B": D("0.4")}
    plan = rebalance(holdings, prices, D(300), targets, deposit=D(300))
    assert plan.is_buy_only
    assert trades(plan) == [("B", "buy", D(3))]
    old_cash = rebalance(holdings, prices, D(300), targets)
    assert trades(old_cash) == [("A", "sell", D(4)), ("B", "buy", D(6))]


def test_deposit_into_an_account_already_out_of_band_rebalances_fully() -> None:
    # A 70 / B 30 breaches before the deposit: the full rebalance still runs with the deposit.
    plan = rebalance(
        {"A": D(70), "B": D(30)},
        {"A": D(100), "B": D(100)},
        D(1000),
        {"A": D("0.6"), "B": D("0.4")},
        deposit=D(1000),
    )
    assert not plan.is_buy_only
    # V = 11,000: A sells 7,000 − 6,600 = 400 (4 shares), B buys 4,400 − 3,000 = 1,400.
    assert trades(plan) == [("A", "sell", D(4)), ("B", "buy", D(14))]


# --- Tax-aware mode --------------------------------------------------------------------------


def tax_lots(l2_basis: str) -> dict[str, list[Lot]]:
    return {
        "A": [
            # 30 shares since 2022: long term on 2024-06-03, basis 80/share: a gain.
            Lot("L1", "A", date(2022, 1, 3), D(30), D(2400)),
            # 70 shares bought 2024-03-01: short term on 2024-06-03.
            Lot("L2", "A", date(2024, 3, 1), D(70), D(l2_basis)),
        ]
    }


TAX_CASE = {
    "holdings": {"A": D(100)},
    "prices": {"A": D(100), "B": D(100), "C": D(100)},
    "cash": D(0),
    "targets": {"A": D("0.4"), "B": D("0.35"), "C": D("0.25")},
}


def test_tax_aware_mode_never_sells_a_short_term_gain() -> None:
    # A should sell 10,000 − 4,000 = 6,000 (60 shares). L2 (basis 90/share, price 100) has a
    # short-term gain: only L1's 30 shares may go (3,000). Largest shortfall first: B (3,500)
    # wants 35 shares, 3,000 buys 30; nothing is left for C. No cash is overspent.
    plan = rebalance(**TAX_CASE, lots=tax_lots("6300"), as_of=date(2024, 6, 3))  # type: ignore[arg-type]
    assert trades(plan) == [("A", "sell", D(30)), ("B", "buy", D(30))]
    assert plan.sells[0].lots == (("L1", D(30)),)
    assert plan.cash_after == 0


def test_tax_aware_mode_sells_short_term_losses() -> None:
    # L2 bought at 110/share is at a loss: it may be sold. FIFO: L1's 30 then 30 of L2.
    plan = rebalance(**TAX_CASE, lots=tax_lots("7700"), as_of=date(2024, 6, 3))  # type: ignore[arg-type]
    assert plan.sells[0].quantity == D(60)
    assert plan.sells[0].lots == (("L1", D(30)), ("L2", D(30)))


def test_sellable_lots_excludes_short_term_gains_in_relief_order() -> None:
    lots = tax_lots("6300")["A"]
    assert [lot.lot_id for lot in sellable_lots(lots, D(100), date(2024, 6, 3), "fifo")] == ["L1"]
    # On 2025-03-02 L2 is long term (bought 2024-03-01, long from 2025-03-02).
    assert [lot.lot_id for lot in sellable_lots(lots, D(100), date(2025, 3, 2), "lifo")] == [
        "L2",
        "L1",
    ]


def test_batch_with_sellable_caps_matches_tax_aware_mode() -> None:
    single = rebalance(**TAX_CASE, lots=tax_lots("6300"), as_of=date(2024, 6, 3))  # type: ignore[arg-type]
    batch = rebalance_batch(
        [[100, 0, 0]], [100, 100, 100], [0], [0.4, 0.35, 0.25], sellable=[[30, 0, 0]]
    )
    assert batch.trade_quantity[0].tolist() == signed_trades(single, ["A", "B", "C"])


def test_tax_aware_mode_needs_every_lot() -> None:
    with pytest.raises(ValueError, match="hold 30 shares"):
        rebalance(**TAX_CASE, lots={"A": tax_lots("6300")["A"][:1]}, as_of=date(2024, 6, 3))  # type: ignore[arg-type]


# --- Validation ------------------------------------------------------------------------------


def test_targets_must_add_up_to_one() -> None:
    with pytest.raises(ValueError, match="add up to 1"):
        rebalance({"A": D(1)}, {"A": D(1)}, D(0), {"A": D("0.9")})


def test_every_asset_needs_a_positive_price() -> None:
    with pytest.raises(ValueError, match="no price for B"):
        rebalance({"A": D(1)}, {"A": D(1)}, D(0), {"A": D("0.5"), "B": D("0.5")})


def test_batch_refuses_ragged_input() -> None:
    with pytest.raises(ValueError, match="broadcast"):
        rebalance_batch([[1, 2]], [1, 2, 3], [0], [0.5, 0.5])


# --- Batch form equals the single-account form ------------------------------------------------


@pytest.mark.parametrize(
    ("holdings", "prices", "cash", "targets", "options"),
    [
        (
            {"A": D(80), "B": D(30), "C": D(10)},
            {"A": D(101), "B": D(49), "C": D(33)},
            D(120),
            {"A": D("0.5"), "B": D("0.3"), "C": D("0.2")},
            {},
        ),
        (
            {"A": D(51), "B": D(48), "D": D(1)},
            {"A": D(100), "B": D(100), "D": D(80)},
            D(20),
            {"A": D("0.5"), "B": D("0.5")},
            {},
        ),
        (
            {"A": D(65), "B": D(35)},
            {"A": D(100), "B": D(100)},
            D(300),
            {"A": D("0.6"), "B": D("0.4")},
            {"deposit": D(300)},
        ),
        (
            {"A": D(50), "B": D(50)},
            {"A": D(100), "B": D(100)},
            D(0),
            {"A": D("0.6"), "B": D("0.3")},
            {"cash_target": D("0.1")},
        ),
    ],
)
def test_batch_matches_the_worked_examples(
    holdings: dict[str, Decimal],
    prices: dict[str, Decimal],
    cash: Decimal,
    targets: dict[str, Decimal],
    options: dict[str, Decimal],
) -> None:
    securities = list(targets) + [s for s in holdings if s not in targets]
    single = rebalance(holdings, prices, cash, targets, **options)  # type: ignore[arg-type]
    batch_options = {k: float(v) for k, v in options.items()}
    assert batch_of_one(
        holdings, prices, cash, targets, securities, **batch_options
    ) == signed_trades(single, securities)


@st.composite
def accounts(draw: st.DrawFn, *, near_target: bool = False) -> dict[str, object]:
    n = draw(st.integers(min_value=2, max_value=5))
    securities = [f"S{i}" for i in range(n)]
    cash_points = draw(st.sampled_from([0, 0, 0, 5, 10]))
    invested_points = 100 - cash_points
    cuts = sorted(draw(st.lists(st.integers(0, invested_points), min_size=n - 1, max_size=n - 1)))
    points = [b - a for a, b in zip([0, *cuts], [*cuts, invested_points], strict=True)]
    targets = {s: D(p) / 100 for s, p in zip(securities, points, strict=True)}
    prices = {s: D(draw(st.integers(100, 50_000))) / 100 for s in securities}
    if near_target:
        invested = D(draw(st.integers(20_000, 500_000)))
        holdings = {}
        for s in securities:
            tilt = D(draw(st.integers(-24, 24))) / 100
            holdings[s] = (targets[s] * invested * (1 + tilt) / prices[s]).to_integral_value()
        cash = D(draw(st.integers(0, 200_00))) / 100
    else:
        holdings = {s: D(draw(st.integers(0, 400))) for s in securities}
        cash = D(draw(st.integers(0, 5_000_00))) / 100
    steps = {s: D("0.01") for s in securities if draw(st.booleans())}
    return {
        "securities": securities,
        "holdings": holdings,
        "prices": prices,
        "cash": cash,
        "targets": targets,
        "cash_target": D(cash_points) / 100,
        "steps": steps,
    }


def run(account: dict, **extra: object) -> RebalancePlan:
    return rebalance(
        account["holdings"],
        account["prices"],
        account["cash"],
        account["targets"],
        cash_target=account["cash_target"],
        quantity_steps=account["steps"],
        **extra,  # type: ignore[arg-type]
    )


@settings(max_examples=200, deadline=None)
@given(accounts())
def test_rebalancing_never_spends_more_cash_than_there_is(account: dict) -> None:
    plan = run(account)
    assert plan.purchase_cost <= plan.cash + plan.sale_proceeds
    assert plan.cash_after >= 0
    assert plan.cash_after == plan.cash + plan.sale_proceeds - plan.purchase_cost
    assert plan.paid_from_cash <= plan.cash
    minimum = RebalancePolicy().minimum_trade
    by_security = {d.security: d for d in plan.drifts}
    for trade in plan.trades:
        drift = by_security[trade.security]
        step = account["steps"].get(trade.security, D(1))
        needed = abs(drift.target * plan.total_value - drift.value)
        assert trade.amount >= minimum
        if trade.side is Side.SELL:
            # Rounded up: at least what the target needs, unless the whole holding goes.
            assert trade.quantity <= drift.quantity
            assert trade.amount >= needed or trade.quantity == drift.quantity
            assert (trade.quantity - step) * trade.price < needed
        else:
            assert trade.amount <= needed  # rounded down


@settings(max_examples=300, deadline=None)
@given(accounts(near_target=True), st.integers(min_value=1, max_value=600))
def test_a_deposit_alone_never_sells(account: dict, deposit_per_mille: int) -> None:
    before = run(account)
    assume(not before.has_breach)
    deposit = (before.total_value * deposit_per_mille / 1000).quantize(D("0.01"))
    assume(deposit > 0)
    with_deposit = dict(account, cash=account["cash"] + deposit)
    plan = run(with_deposit, deposit=deposit)
    assert plan.sells == ()
    assert plan.purchase_cost <= plan.cash


@settings(max_examples=150, deadline=None)
@given(st.lists(accounts(), min_size=1, max_size=6), st.data())
def test_batch_rebalancing_equals_the_single_account_form(
    batch: list[dict], data: st.DataObject
) -> None:
    n = min(len(a["securities"]) for a in batch)
    batch = [a for a in batch if len(a["securities"]) == n]
    securities = batch[0]["securities"]
    deposits = [
        a["cash"] * D(data.draw(st.integers(0, 100), label="deposit %")) / 100 for a in batch
    ]
    singles = [run(a, deposit=d) for a, d in zip(batch, deposits, strict=True)]
    plan = rebalance_batch(
        [[float(a["holdings"][s]) for s in securities] for a in batch],
        [[float(a["prices"][s]) for s in securities] for a in batch],
        [float(a["cash"]) for a in batch],
        [[float(a["targets"][s]) for s in securities] for a in batch],
        cash_target=[float(a["cash_target"]) for a in batch],
        deposit=[float(d) for d in deposits],
        quantity_steps=[[float(a["steps"].get(s, 1)) for s in securities] for a in batch],
    )
    for row, single in enumerate(singles):
        assert plan.has_breach[row] == single.has_breach
        assert plan.is_buy_only[row] == single.is_buy_only
        np.testing.assert_allclose(
            plan.trade_quantity[row], signed_trades(single, securities), rtol=0, atol=1e-9
        )
        assert plan.cash_after[row] == pytest.approx(float(single.cash_after), abs=1e-6)
        np.testing.assert_allclose(
            plan.weights[row], [float(d.weight) for d in single.drifts], atol=1e-12
        )


def test_batch_handles_ten_thousand_accounts_like_the_single_form() -> None:
    rng = np.random.default_rng(11)
    accounts_count, assets = 10_000, 6
    prices = np.round(rng.uniform(10, 400, assets), 2)
    targets = np.array([0.3, 0.2, 0.2, 0.15, 0.1, 0.05])
    quantities = np.floor(rng.uniform(0, 2, (accounts_count, assets)) * 100_000 * targets / prices)
    cash = np.round(rng.uniform(0, 5_000, accounts_count), 2)
    plan = rebalance_batch(quantities, prices, cash, targets)
    assert plan.trade_quantity.shape == (accounts_count, assets)
    assert (plan.cash_after >= -1e-9).all()
    securities = [f"S{i}" for i in range(assets)]
    for row in rng.choice(accounts_count, 50, replace=False):
        single = rebalance(
            {s: D(int(q)) for s, q in zip(securities, quantities[row], strict=True)},
            {s: D(str(p)) for s, p in zip(securities, prices, strict=True)},
            D(str(cash[row])),
            {s: D(str(t)) for s, t in zip(securities, targets, strict=True)},
        )
        assert plan.trade_quantity[row].tolist() == signed_trades(single, securities)
