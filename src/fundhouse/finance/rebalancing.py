"""Drift bands and rebalancing trades for one account, or for many accounts at once.

The rules are shared/CONVENTIONS.md, section "Tax lots, wash sales and rebalancing",
"Rebalancing":

* weights are on the account's value including cash; cash has target 0 unless the model sets
  one;
* an asset breaches when |weight − target| is strictly above the absolute band (term: 5
  points) or strictly above the relative band (term: 25% of its target);
* when any asset breaches, every asset is traded toward its target: sells rounded up and buys
  rounded down to whole shares (or to the security's quantity step where it trades in
  fractions), trades under the minimum (term: 100 in the account's currency) dropped, buys paid
  from cash first and then from sale proceeds, the largest shortfall first, never spending more
  cash than there is;
* a deposit alone never causes a sell: when the account was within its bands before the
  deposit, the deposit is invested by buys only.

Tax-aware mode (lots given) never sells a lot with a short-term gain (IRS Publication 550,
"Holding Period"; the lot rules are in :mod:`fundhouse.finance.lots`).

:func:`rebalance` works in exact decimals for one account. :func:`rebalance_batch` applies the
same rules to an accounts × assets NumPy array in float64, treating values within a relative
1e-9 of a band, rounding or minimum-trade boundary as lying on it, so it gives the same trades
as :func:`rebalance` on money and share amounts expressed in a few decimal places.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, localcontext

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fundhouse.finance.lots import Lot, ReliefMethod, is_long_term, relief_order

__all__ = [
    "AssetDrift",
    "BatchRebalancePlan",
    "RebalancePlan",
    "RebalancePolicy",
    "Side",
    "Trade",
    "rebalance",
    "rebalance_batch",
    "sellable_lots",
]

_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
_RATIO_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_TARGET_SUM_TOLERANCE = Decimal("1e-9")
_FLOAT_TOLERANCE = 1e-9


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(
            f"{name} must be a decimal.Decimal (got {type(value).__name__}); "
            "money and share quantities are never binary floats"
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{name} must be finite, got {amount}")
    return amount


@dataclass(frozen=True)
class RebalancePolicy:
    """The account's rebalancing terms (shared/CONVENTIONS.md, "Rebalancing").

    Bands are fractions of the account's value: ``absolute_band=0.05`` is 5 points and
    ``relative_band=0.25`` is 25% of an asset's target. ``minimum_trade`` is in the account's
    currency.
    """

    absolute_band: Decimal = Decimal("0.05")
    relative_band: Decimal = Decimal("0.25")
    minimum_trade: Decimal = Decimal("100")

    def __post_init__(self) -> None:
        for name in ("absolute_band", "relative_band", "minimum_trade"):
            value = _decimal(name, getattr(self, name))
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
            object.__setattr__(self, name, value)


class Side(enum.StrEnum):
    """Direction of a trade."""

    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True)
class AssetDrift:
    """Where one asset stands against its target; ``drift`` is weight − target."""

    security: str
    quantity: Decimal
    price: Decimal
    value: Decimal
    weight: Decimal
    target: Decimal
    drift: Decimal
    has_breached_band: bool


@dataclass(frozen=True)
class Trade:
    """A proposed trade; ``lots`` lists (lot id, quantity) relieved by a tax-aware sell."""

    security: str
    side: Side
    quantity: Decimal
    price: Decimal
    amount: Decimal
    lots: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class RebalancePlan:
    """The drift of an account and the trades that bring it back toward its targets.

    ``trades`` lists the sells (in asset order) then the buys (in the order they were funded:
    largest shortfall first). ``dropped`` lists trades under the minimum. ``is_buy_only`` is
    set when a deposit alone caused the breach, so only buys were made.
    """

    total_value: Decimal
    cash: Decimal
    cash_weight: Decimal
    cash_target: Decimal
    drifts: tuple[AssetDrift, ...]
    has_breach: bool
    is_buy_only: bool
    trades: tuple[Trade, ...]
    dropped: tuple[Trade, ...]
    sale_proceeds: Decimal
    purchase_cost: Decimal
    paid_from_cash: Decimal
    paid_from_proceeds: Decimal
    cash_after: Decimal

    @property
    def sells(self) -> tuple[Trade, ...]:
        """The sell trades."""
        return tuple(t for t in self.trades if t.side is Side.SELL)

    @property
    def buys(self) -> tuple[Trade, ...]:
        """The buy trades."""
        return tuple(t for t in self.trades if t.side is Side.BUY)


def _ratio(part: Decimal, total: Decimal) -> Decimal:
    """A weight for display, to 28 significant digits (bands are judged exactly elsewhere)."""
    return _RATIO_CONTEXT.divide(part, total) if total > 0 else _ZERO


def _ceil_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    with localcontext(_CONTEXT):
        return (quantity / step).to_integral_value(rounding=ROUND_CEILING) * step


def _floor_to_step(quantity: Decimal, step: Decimal) -> Decimal:
    with localcontext(_CONTEXT):
        return (quantity / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _has_breached(value: Decimal, target: Decimal, total: Decimal, policy: RebalancePolicy) -> bool:
    """|value/total − target| strictly above either band, compared exactly (cross-multiplied)."""
    with localcontext(_CONTEXT):
        gap = abs(value - target * total)
        return gap > policy.absolute_band * total or gap > policy.relative_band * target * total


def sellable_lots(
    lots: Sequence[Lot], price: Decimal, as_of: date, method: ReliefMethod | str
) -> tuple[Lot, ...]:
    """The lots a tax-aware rebalance may sell, in relief order: no lot with a short-term gain.

    A lot has a short-term gain when quantity × price > basis and it is not held more than one
    year on ``as_of`` counting from the day after acquisition (shared/CONVENTIONS.md; IRS
    Publication 550, "Holding Period"). Specific-lot accounts are offered the lots FIFO.
    """
    method = ReliefMethod(method)
    order_method = ReliefMethod.FIFO if method is ReliefMethod.SPECIFIC else method
    price = _decimal("price", price)
    eligible: list[Lot] = []
    for lot in relief_order(lots, order_method):
        with localcontext(_CONTEXT):
            has_gain = lot.quantity * price > lot.basis
        if has_gain and not is_long_term(lot.holding_start, as_of):
            continue
        eligible.append(lot)
    return tuple(eligible)


def rebalance(
    holdings: Mapping[str, Decimal],
    prices: Mapping[str, Decimal],
    cash: Decimal,
    targets: Mapping[str, Decimal],
    *,
    cash_target: Decimal = _ZERO,
    deposit: Decimal = _ZERO,
    policy: RebalancePolicy | None = None,
    quantity_steps: Mapping[str, Decimal] | None = None,
    lots: Mapping[str, Sequence[Lot]] | None = None,
    as_of: date | None = None,
    relief_method: ReliefMethod | str = ReliefMethod.FIFO,
) -> RebalancePlan:
    """Check one account's drift against its bands and, on a breach, plan the trades.

    Convention: shared/CONVENTIONS.md, "Rebalancing" (see the module docstring). ``holdings``
    are share quantities, ``cash`` includes ``deposit`` (the part of it that just arrived),
    ``targets`` are weights of the account's value and with ``cash_target`` add up to 1.
    ``quantity_steps`` gives the smallest tradable quantity of a security that trades in
    fractions (1, whole shares, otherwise).

    Tax-aware mode (``lots`` given, with ``as_of``): sells relieve only lots without a
    short-term gain, in the account's relief order, and each sell lists the lots it relieves.
    """
    policy = policy or RebalancePolicy()
    cash = _decimal("cash", cash)
    cash_target = _decimal("cash_target", cash_target)
    deposit = _decimal("deposit", deposit)
    if cash < 0:
        raise ValueError(f"cash must not be negative, got {cash}")
    if not 0 <= deposit <= cash:
        raise ValueError(f"deposit must be between 0 and the cash ({cash}), got {deposit}")
    securities = list(targets) + [s for s in holdings if s not in targets]
    target = {s: _decimal(f"target of {s}", targets.get(s, _ZERO)) for s in securities}
    if any(t < 0 for t in target.values()) or cash_target < 0:
        raise ValueError("targets must not be negative")
    target_sum = sum(target.values(), _ZERO) + cash_target
    if abs(target_sum - _ONE) > _TARGET_SUM_TOLERANCE:
        raise ValueError(f"targets and cash target must add up to 1, they add up to {target_sum}")
    quantity = {s: _decimal(f"quantity of {s}", holdings.get(s, _ZERO)) for s in securities}
    if any(q < 0 for q in quantity.values()):
        raise ValueError("holdings must not be negative")
    price: dict[str, Decimal] = {}
    for s in securities:
        if s not in prices:
            raise ValueError(f"no price for {s}")
        price[s] = _decimal(f"price of {s}", prices[s])
        if price[s] <= 0:
            raise ValueError(f"price of {s} must be positive, got {price[s]}")
    step: dict[str, Decimal] = {}
    for s in securities:
        step[s] = _decimal(f"quantity step of {s}", (quantity_steps or {}).get(s, _ONE))
        if step[s] <= 0:
            raise ValueError(f"quantity step of {s} must be positive")
    eligible: dict[str, tuple[Lot, ...]] | None = None
    if lots is not None:
        if as_of is None:
            raise ValueError("tax-aware rebalancing needs as_of, the date the trades would be made")
        eligible = _eligible_lots(quantity, price, lots, as_of, relief_method)

    with localcontext(_CONTEXT):
        value = {s: quantity[s] * price[s] for s in securities}
        total = sum(value.values(), _ZERO) + cash
        breached = {
            s: total > 0 and _has_breached(value[s], target[s], total, policy) for s in securities
        }
        drifts = tuple(
            AssetDrift(
                security=s,
                quantity=quantity[s],
                price=price[s],
                value=value[s],
                weight=_ratio(value[s], total),
                target=target[s],
                drift=_RATIO_CONTEXT.subtract(_ratio(value[s], total), target[s]),
                has_breached_band=breached[s],
            )
            for s in securities
        )
        cash_weight = _ratio(cash, total)
        has_breach = any(breached.values())
        before_deposit = total - deposit
        was_within_bands = not any(
            before_deposit > 0 and _has_breached(value[s], target[s], before_deposit, policy)
            for s in securities
        )
        is_buy_only = has_breach and deposit > 0 and was_within_bands

    trades: list[Trade] = []
    dropped: list[Trade] = []
    proceeds = _ZERO
    cost = _ZERO
    if has_breach:
        with localcontext(_CONTEXT):
            desired = {s: target[s] * total - value[s] for s in securities}
        if not is_buy_only:
            for s in securities:
                if desired[s] >= 0:
                    continue
                with localcontext(_CONTEXT):
                    shares = min(_ceil_to_step(-desired[s] / price[s], step[s]), quantity[s])
                relieved: tuple[tuple[str, Decimal], ...] = ()
                if eligible is not None:
                    shares, relieved = _cap_sell(shares, eligible[s], step[s])
                if shares <= 0:
                    continue
                with localcontext(_CONTEXT):
                    trade = Trade(s, Side.SELL, shares, price[s], shares * price[s], relieved)
                if trade.amount < policy.minimum_trade:
                    dropped.append(trade)
                    continue
                trades.append(trade)
                proceeds += trade.amount
        available = cash + proceeds
        shortfalls = sorted(
            (i for i, s in enumerate(securities) if desired[s] > 0),
            key=lambda i: (-desired[securities[i]], i),
        )
        for i in shortfalls:
            s = securities[i]
            with localcontext(_CONTEXT):
                wanted = _floor_to_step(desired[s] / price[s], step[s])
                affordable = _floor_to_step(available / price[s], step[s])
                shares = min(wanted, affordable)
                if shares <= 0:
                    continue
                trade = Trade(s, Side.BUY, shares, price[s], shares * price[s])
            if trade.amount < policy.minimum_trade:
                dropped.append(trade)
                continue
            trades.append(trade)
            available -= trade.amount
            cost += trade.amount
    paid_from_cash = min(cost, cash)
    return RebalancePlan(
        total_value=total,
        cash=cash,
        cash_weight=cash_weight,
        cash_target=cash_target,
        drifts=drifts,
        has_breach=has_breach,
        is_buy_only=is_buy_only,
        trades=tuple(trades),
        dropped=tuple(dropped),
        sale_proceeds=proceeds,
        purchase_cost=cost,
        paid_from_cash=paid_from_cash,
        paid_from_proceeds=cost - paid_from_cash,
        cash_after=cash + proceeds - cost,
    )


def _eligible_lots(
    holdings: Mapping[str, Decimal],
    prices: Mapping[str, Decimal],
    lots: Mapping[str, Sequence[Lot]],
    as_of: date,
    relief_method: ReliefMethod | str,
) -> dict[str, tuple[Lot, ...]]:
    """For each holding, the lots a tax-aware sell may relieve, after checking the lots."""
    eligible: dict[str, tuple[Lot, ...]] = {}
    for security, held in holdings.items():
        position = tuple(lots.get(security, ()))
        if held > 0 and not position:
            raise ValueError(f"tax-aware rebalancing needs the lots of {security}")
        if any(lot.security != security for lot in position):
            raise ValueError(f"lots given for {security} include another security")
        in_lots = sum((lot.quantity for lot in position), _ZERO)
        if in_lots != held:
            raise ValueError(f"lots of {security} hold {in_lots} shares, the holding is {held}")
        eligible[security] = sellable_lots(position, prices[security], as_of, relief_method)
    return eligible


def _cap_sell(
    shares: Decimal, eligible: Sequence[Lot], step: Decimal
) -> tuple[Decimal, tuple[tuple[str, Decimal], ...]]:
    """Cap a sell at the shares in lots without a short-term gain and list the lots relieved."""
    sellable = sum((lot.quantity for lot in eligible), _ZERO)
    if sellable < shares:
        shares = _floor_to_step(sellable, step)
    relieved: list[tuple[str, Decimal]] = []
    left = shares
    for lot in eligible:
        if left <= 0:
            break
        part = min(left, lot.quantity)
        relieved.append((lot.lot_id, part))
        left -= part
    return shares, tuple(relieved)


# --- Many accounts at once --------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRebalancePlan:
    """Rebalancing of many accounts: arrays are accounts × assets unless noted.

    ``trade_quantity`` is signed (buys positive, sells negative); ``trade_amount`` likewise.
    """

    total_value: NDArray[np.float64] = field(repr=False)  # accounts
    weights: NDArray[np.float64] = field(repr=False)
    drift: NDArray[np.float64] = field(repr=False)
    has_breached_band: NDArray[np.bool_] = field(repr=False)
    has_breach: NDArray[np.bool_] = field(repr=False)  # accounts
    is_buy_only: NDArray[np.bool_] = field(repr=False)  # accounts
    trade_quantity: NDArray[np.float64] = field(repr=False)
    trade_amount: NDArray[np.float64] = field(repr=False)
    cash_after: NDArray[np.float64] = field(repr=False)  # accounts


def _as_matrix(name: str, values: ArrayLike, shape: tuple[int, int]) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    try:
        matrix = np.broadcast_to(array, shape)
    except ValueError:
        raise ValueError(f"{name} must broadcast to accounts × assets {shape}") from None
    if not np.isfinite(matrix).all():
        raise ValueError(f"{name} must be finite")
    return matrix


def _as_vector(name: str, values: ArrayLike, accounts: int) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    try:
        vector = np.broadcast_to(array, (accounts,))
    except ValueError:
        raise ValueError(f"{name} must be a scalar or one value per account") from None
    if not np.isfinite(vector).all():
        raise ValueError(f"{name} must be finite")
    return vector


def _breaches(
    value: NDArray[np.float64],
    target: NDArray[np.float64],
    total: NDArray[np.float64],
    absolute_band: float,
    relative_band: float,
) -> NDArray[np.bool_]:
    """|value − target × total| strictly above either band × total, with a relative tolerance.

    Strictly above either band is strictly above the narrower one.
    """
    band = np.minimum(absolute_band, relative_band * target)
    band *= total[:, None]
    band += _FLOAT_TOLERANCE * np.maximum(total, 1.0)[:, None]
    gap = np.abs(value - target * total[:, None])
    result: NDArray[np.bool_] = (gap > band) & (total > 0)[:, None]
    return result


def rebalance_batch(
    quantities: ArrayLike,
    prices: ArrayLike,
    cash: ArrayLike,
    targets: ArrayLike,
    *,
    cash_target: ArrayLike = 0.0,
    deposit: ArrayLike = 0.0,
    policy: RebalancePolicy | None = None,
    quantity_steps: ArrayLike = 1.0,
    sellable: ArrayLike | None = None,
) -> BatchRebalancePlan:
    """Rebalance many accounts at once, by the same rules as :func:`rebalance`.

    Convention: shared/CONVENTIONS.md, "Rebalancing". ``quantities`` is accounts × assets;
    ``prices`` and ``targets`` are per asset or accounts × assets; ``cash``, ``cash_target``
    and ``deposit`` are per account or scalars; ``quantity_steps`` is per asset (1: whole
    shares). ``sellable`` caps each sell (accounts × assets), e.g. at the shares in lots without
    a short-term gain for a tax-aware rebalance (see :func:`sellable_lots`).

    Everything is vectorized over accounts; buys are funded in rounds over the assets ranked by
    shortfall, one vectorized step per rank.
    """
    policy = policy or RebalancePolicy()
    held = np.asarray(quantities, dtype=np.float64)
    if held.ndim != 2:
        raise ValueError("quantities must be a 2-D array of accounts × assets")
    if not np.isfinite(held).all() or (held < 0).any():
        raise ValueError("quantities must be finite and not negative")
    accounts, assets = held.shape
    shape = (accounts, assets)
    price = _as_matrix("prices", prices, shape)
    if (price <= 0).any():
        raise ValueError("prices must be positive")
    target = _as_matrix("targets", targets, shape)
    cash_now = _as_vector("cash", cash, accounts)
    cash_goal = _as_vector("cash_target", cash_target, accounts)
    new_money = _as_vector("deposit", deposit, accounts)
    step = _as_matrix("quantity_steps", quantity_steps, shape)
    if (target < 0).any() or (cash_goal < 0).any():
        raise ValueError("targets must not be negative")
    if (np.abs(target.sum(axis=1) + cash_goal - 1.0) > 1e-9).any():
        raise ValueError("targets and cash target must add up to 1 for every account")
    if (cash_now < 0).any():
        raise ValueError("cash must not be negative")
    if (new_money < 0).any() or (new_money > cash_now).any():
        raise ValueError("deposit must be between 0 and the account's cash")
    if (step <= 0).any():
        raise ValueError("quantity steps must be positive")
    cap = held if sellable is None else np.minimum(_as_matrix("sellable", sellable, shape), held)
    absolute_band = float(policy.absolute_band)
    relative_band = float(policy.relative_band)
    minimum = float(policy.minimum_trade) * (1.0 - _FLOAT_TOLERANCE)

    value = held * price
    total = value.sum(axis=1) + cash_now
    safe_total = np.where(total > 0, total, 1.0)
    weights = np.where(total[:, None] > 0, value / safe_total[:, None], 0.0)
    breached = _breaches(value, target, total, absolute_band, relative_band)
    has_breach: NDArray[np.bool_] = np.asarray(breached.any(axis=1), dtype=np.bool_)
    before = total - new_money
    was_within = ~_breaches(value, target, before, absolute_band, relative_band).any(axis=1)
    buy_only = has_breach & (new_money > 0) & was_within

    desired = np.where(has_breach[:, None], target * total[:, None] - value, 0.0)
    units = -desired / price / step
    sell = np.minimum(np.ceil(units - _FLOAT_TOLERANCE) * step, held)
    sell = np.where(
        cap < sell - _FLOAT_TOLERANCE * np.maximum(sell, 1.0),
        np.floor(cap / step + _FLOAT_TOLERANCE) * step,
        sell,
    )
    sell = np.where((desired < 0) & ~buy_only[:, None], np.maximum(sell, 0.0), 0.0)
    sell = np.where(sell * price < minimum, 0.0, sell)
    proceeds = (sell * price).sum(axis=1)

    available = cash_now + proceeds
    buy = np.zeros(shape)
    order = np.argsort(-np.round(desired, 6), axis=1, kind="stable")
    rows = np.arange(accounts)
    for rank in range(assets):
        column = order[:, rank]
        want = desired[rows, column]
        p = price[rows, column]
        s = step[rows, column]
        shares = (
            np.minimum(
                np.floor(want / p / s + _FLOAT_TOLERANCE),
                np.floor(available / p / s + _FLOAT_TOLERANCE),
            )
            * s
        )
        shares = np.where((want > 0) & (shares > 0) & (shares * p >= minimum), shares, 0.0)
        buy[rows, column] = shares
        available = available - shares * p
    trade_quantity = buy - sell
    trade_amount = trade_quantity * price
    return BatchRebalancePlan(
        total_value=total,
        weights=weights,
        drift=weights - target,
        has_breached_band=breached,
        has_breach=has_breach,
        is_buy_only=buy_only,
        trade_quantity=trade_quantity,
        trade_amount=trade_amount,
        cash_after=cash_now + proceeds - (buy * price).sum(axis=1),
    )
