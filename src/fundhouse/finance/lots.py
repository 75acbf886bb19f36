"""Tax lots: relief order, realized gains by holding period, loss harvesting and wash sales.

Every rule here follows ``shared/CONVENTIONS.md``, section "Tax lots, wash sales and
rebalancing"; the tax law behind it is IRS Publication 550 ("Investment Income and Expenses",
chapter 4: basis, holding period and wash sales) and Treasury Regulation §1.1091-1 (the order in
which shares sold are matched with shares bought in a wash sale).

Quantities and money are :class:`decimal.Decimal`. A pro rata part is exact when it terminates
within 15 decimal places and is otherwise rounded there (half even); the last part of every
split takes the remainder, so the parts of a lot, a sale or a disallowed loss always add up
exactly to the whole. Nothing is rounded to the cent here. Loss harvesting has an exact pass over
lot objects and vectorized NumPy scans (float64) over the columns of very large books.
"""

from __future__ import annotations

import enum
import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from typing import ParamSpec, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "WASH_SALE_WINDOW_DAYS",
    "HarvestCandidate",
    "HarvestLevel",
    "Lot",
    "RealizedLot",
    "ReliefMethod",
    "SaleResult",
    "WashSale",
    "WashSaleResult",
    "apply_wash_sales",
    "find_harvest_candidates",
    "is_long_term",
    "long_term_from",
    "open_lot",
    "relief_order",
    "relieve_lots",
    "scan_position_losses",
    "scan_unrealized_losses",
    "sell_lots",
]

WASH_SALE_WINDOW_DAYS = 30
"""Days before and after a loss sale (both inclusive) in which a purchase makes it a wash sale."""

_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)
_SPLIT_QUANTUM = Decimal("1e-15")
_SPLIT_PLACES = -15
_ZERO = Decimal(0)

P = ParamSpec("P")
R = TypeVar("R")


class ReliefMethod(enum.StrEnum):
    """Which lots a sale relieves first (an account setting, shared/CONVENTIONS.md)."""

    FIFO = "fifo"
    LIFO = "lifo"
    HIFO = "hifo"
    SPECIFIC = "specific"


class HarvestLevel(enum.StrEnum):
    """Whether loss harvesting looks at each lot alone or at a whole position."""

    LOT = "lot"
    POSITION = "position"


def _decimal(name: str, value: object) -> Decimal:
    """Validate a money or quantity input: a finite Decimal (an int is accepted, a float is not)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(
            f"{name} must be a decimal.Decimal (got {type(value).__name__}); "
            "money and share quantities are never binary floats"
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{name} must be finite, got {amount}")
    return amount


def _exact(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` in the module's 40-digit decimal context, whatever the caller's context."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(_CONTEXT):
            return func(*args, **kwargs)

    return wrapper


def _pro_rata(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``total × part / whole``: exact when it terminates within 15 decimal places, else
    rounded half even to 15 places; exactly ``total`` when the part is the whole."""
    if part == whole:
        return total
    with localcontext(_CONTEXT):
        share = total * part / whole
        exponent = share.as_tuple().exponent
        if isinstance(exponent, int) and exponent < _SPLIT_PLACES:
            share = share.quantize(_SPLIT_QUANTUM)
        return share


@dataclass(frozen=True)
class Lot:
    """Shares of one security bought together, as the account holds them.

    ``basis`` is the total cost of the lot including the buy fees (shared/CONVENTIONS.md: "buy
    fees are part of basis"). ``sequence`` orders lots bought on the same day (lower first).
    ``holding_from`` is the date the holding period counts from when it differs from
    ``acquired`` (a wash-sale replacement inherits the sold lot's holding period).
    ``purchase_id`` names the purchase the lot came from; lots split off one purchase keep it,
    and it defaults to ``lot_id``.
    """

    lot_id: str
    security: str
    acquired: date
    quantity: Decimal
    basis: Decimal
    account: str = ""
    sequence: int = 0
    holding_from: date | None = None
    purchase_id: str = ""

    def __post_init__(self) -> None:
        if not self.lot_id:
            raise ValueError("a lot needs a lot_id")
        if not self.security:
            raise ValueError(f"lot {self.lot_id}: security is empty")
        if not isinstance(self.acquired, date):
            raise ValueError(f"lot {self.lot_id}: acquired must be a date")
        quantity = _decimal(f"lot {self.lot_id} quantity", self.quantity)
        basis = _decimal(f"lot {self.lot_id} basis", self.basis)
        if quantity <= 0:
            raise ValueError(f"lot {self.lot_id}: quantity must be positive, got {quantity}")
        if basis < 0:
            raise ValueError(f"lot {self.lot_id}: basis must not be negative, got {basis}")
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "basis", basis)

    @property
    def holding_start(self) -> date:
        """The acquisition date the holding period counts from."""
        return self.holding_from if self.holding_from is not None else self.acquired

    @property
    def purchase(self) -> str:
        """The purchase this lot came from (``purchase_id``, else ``lot_id``)."""
        return self.purchase_id or self.lot_id

    @property
    def cost_per_share(self) -> Fraction:
        """Basis per share, exact (HIFO compares lots on it)."""
        return Fraction(self.basis) / Fraction(self.quantity)


@_exact
def open_lot(
    lot_id: str,
    security: str,
    acquired: date,
    quantity: Decimal,
    price: Decimal,
    *,
    fee: Decimal = _ZERO,
    account: str = "",
    sequence: int = 0,
) -> Lot:
    """The lot a purchase creates: basis = quantity × price + fee (shared/CONVENTIONS.md,
    "buy fees are part of basis"; IRS Publication 550, "Basis of Investment Property")."""
    quantity = _decimal("quantity", quantity)
    price = _decimal("price", price)
    fee = _decimal("fee", fee)
    if price < 0 or fee < 0:
        raise ValueError("price and fee must not be negative")
    with localcontext(_CONTEXT):
        basis = quantity * price + fee
    return Lot(lot_id, security, acquired, quantity, basis, account=account, sequence=sequence)


def long_term_from(acquired: date) -> date:
    """The first sale date on which a lot acquired on ``acquired`` is held long term.

    Convention (shared/CONVENTIONS.md): a gain is long term when the lot was held more than one
    year, counting from the day after acquisition (IRS Publication 550, "Holding Period":
    start counting on the day after you acquired the property; the day you dispose of it is
    part of the holding period). The holding period starts on ``acquired + 1 day``; it has
    lasted exactly one year on the day before that date's first anniversary, so it is more
    than one year from the anniversary on. A period starting on 29 February reaches its
    anniversary on 1 March of the next year, the day after its last day of February.

    Examples: acquired 2023-03-15 -> long term from 2024-03-16; acquired 2024-02-29 -> from
    2025-03-01; acquired 2023-02-28 -> from 2024-03-01 (a sale on 2024-02-29 is short term).
    """
    start = acquired + timedelta(days=1)
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # the holding period starts on 29 February
        return date(start.year + 1, 3, 1)


def is_long_term(acquired: date, sold_on: date) -> bool:
    """Whether a sale on ``sold_on`` of a lot acquired on ``acquired`` is long term.

    Held more than one year, counting from the day after acquisition (shared/CONVENTIONS.md;
    IRS Publication 550, "Holding Period"); see :func:`long_term_from`.
    """
    return sold_on >= long_term_from(acquired)


@dataclass(frozen=True)
class RealizedLot:
    """The part of one lot a sale relieved, with its share of proceeds and basis.

    ``proceeds`` are net of the sale's fees, split pro rata to shares; ``basis`` is the lot's
    basis split pro rata to shares (shared/CONVENTIONS.md). ``disallowed_loss`` is the part of
    a loss a wash sale defers (positive), set by :func:`apply_wash_sales`.
    """

    sale_id: str
    lot_id: str
    purchase_id: str
    security: str
    account: str
    acquired: date
    holding_from: date
    sequence: int
    sold_on: date
    quantity: Decimal
    proceeds: Decimal
    basis: Decimal
    is_long_term: bool
    disallowed_loss: Decimal = _ZERO

    @property
    def gain(self) -> Decimal:
        """Proceeds less basis (negative for a loss), before any wash-sale adjustment."""
        return self.proceeds - self.basis

    @property
    def recognized_gain(self) -> Decimal:
        """The gain or loss reported now: the loss less the part a wash sale disallowed."""
        return self.gain + self.disallowed_loss


@dataclass(frozen=True)
class SaleResult:
    """One sale from one position: the lots relieved and the lots left."""

    sale_id: str
    security: str
    account: str
    sold_on: date
    quantity: Decimal
    price: Decimal
    fee: Decimal
    proceeds: Decimal
    realized: tuple[RealizedLot, ...]
    remaining: tuple[Lot, ...]

    @property
    def basis(self) -> Decimal:
        """Basis relieved by the sale."""
        return sum((r.basis for r in self.realized), _ZERO)

    @property
    def gain(self) -> Decimal:
        """Realized gain: net proceeds less relieved basis."""
        return sum((r.gain for r in self.realized), _ZERO)

    @property
    def short_term_gain(self) -> Decimal:
        """Gain on lots held one year or less."""
        return sum((r.gain for r in self.realized if not r.is_long_term), _ZERO)

    @property
    def long_term_gain(self) -> Decimal:
        """Gain on lots held more than one year."""
        return sum((r.gain for r in self.realized if r.is_long_term), _ZERO)


def _check_position(lots: Sequence[Lot]) -> None:
    if not lots:
        raise ValueError("no lots to sell from")
    seen: set[str] = set()
    for lot in lots:
        if not isinstance(lot, Lot):
            raise ValueError(f"expected Lot, got {type(lot).__name__}")
        if lot.lot_id in seen:
            raise ValueError(f"lot id {lot.lot_id} appears twice")
        seen.add(lot.lot_id)
    securities = {lot.security for lot in lots}
    accounts = {lot.account for lot in lots}
    if len(securities) > 1:
        raise ValueError(f"lots of one position must share a security, got {sorted(securities)}")
    if len(accounts) > 1:
        raise ValueError(f"lots of one position must share an account, got {sorted(accounts)}")


def _relief_order(lots: Sequence[Lot], method: ReliefMethod) -> list[int]:
    """Indices of ``lots`` in the order a sale relieves them.

    FIFO: earliest acquired first, same-day lots in the order bought (``sequence``, then input
    order). LIFO: the exact reverse. HIFO: highest cost per share first, ties to the earliest
    acquired and then the order bought (shared/CONVENTIONS.md).
    """
    indices = range(len(lots))

    def bought(i: int) -> tuple[date, int, int]:
        return (lots[i].acquired, lots[i].sequence, i)

    if method is ReliefMethod.FIFO:
        return sorted(indices, key=bought)
    if method is ReliefMethod.LIFO:
        return sorted(indices, key=bought, reverse=True)
    if method is ReliefMethod.HIFO:
        return sorted(indices, key=lambda i: (-lots[i].cost_per_share, bought(i)))
    raise ValueError(f"relief order is not defined for {method}")


def relief_order(lots: Sequence[Lot], method: ReliefMethod | str) -> tuple[Lot, ...]:
    """The lots of a position in the order a FIFO, LIFO or HIFO sale relieves them.

    FIFO: earliest acquired first, lots bought the same day in the order bought; LIFO: the
    reverse; HIFO: highest cost per share first, ties to the earliest acquired
    (shared/CONVENTIONS.md, "Lots").
    """
    return tuple(lots[i] for i in _relief_order(lots, ReliefMethod(method)))


def relieve_lots(
    lots: Sequence[Lot],
    quantity: Decimal,
    method: ReliefMethod | str = ReliefMethod.FIFO,
    *,
    specific: Mapping[str, Decimal] | None = None,
) -> tuple[tuple[Lot, Decimal], ...]:
    """Which lots, and how many shares of each, a sale of ``quantity`` relieves.

    FIFO, LIFO, HIFO or specific lot (shared/CONVENTIONS.md, "Lots"). For specific lot,
    ``specific`` maps lot id to the shares to relieve and must add up to ``quantity``.
    """
    method = ReliefMethod(method)
    _check_position(lots)
    quantity = _decimal("quantity", quantity)
    if quantity <= 0:
        raise ValueError(f"quantity to sell must be positive, got {quantity}")
    held = sum((lot.quantity for lot in lots), _ZERO)
    if quantity > held:
        raise ValueError(f"cannot sell {quantity}: the lots hold only {held}")
    if method is ReliefMethod.SPECIFIC:
        if not specific:
            raise ValueError("specific lot relief needs a mapping of lot id to quantity")
        by_id = {lot.lot_id: lot for lot in lots}
        chosen: list[tuple[Lot, Decimal]] = []
        for lot_id, part in specific.items():
            part = _decimal(f"quantity of lot {lot_id}", part)
            if lot_id not in by_id:
                raise ValueError(f"lot {lot_id} is not among the lots of this position")
            if part <= 0 or part > by_id[lot_id].quantity:
                raise ValueError(
                    f"lot {lot_id}: cannot relieve {part} of {by_id[lot_id].quantity} shares"
                )
            chosen.append((by_id[lot_id], part))
        total = sum((part for _, part in chosen), _ZERO)
        if total != quantity:
            raise ValueError(f"specific lots add up to {total}, not the {quantity} sold")
        return tuple(chosen)
    if specific is not None:
        raise ValueError(f"specific lots are only used with ReliefMethod.SPECIFIC, not {method}")
    relieved: list[tuple[Lot, Decimal]] = []
    left = quantity
    for i in _relief_order(lots, method):
        if left == 0:
            break
        part = min(left, lots[i].quantity)
        relieved.append((lots[i], part))
        left -= part
    return tuple(relieved)


@_exact
def sell_lots(
    lots: Sequence[Lot],
    *,
    quantity: Decimal,
    price: Decimal,
    sold_on: date,
    fee: Decimal = _ZERO,
    method: ReliefMethod | str = ReliefMethod.FIFO,
    specific: Mapping[str, Decimal] | None = None,
    sale_id: str = "",
) -> SaleResult:
    """Sell ``quantity`` shares of one position and realize the gain lot by lot.

    Lots relieved by FIFO, LIFO, HIFO or specific lot; sell fees reduce proceeds and both
    proceeds and basis are split pro rata to shares on partial lots; each part is long term
    when held more than one year counting from the day after acquisition (shared/CONVENTIONS.md,
    "Tax lots, wash sales and rebalancing"; IRS Publication 550). The parts add up exactly:
    Σ quantity = quantity sold, Σ proceeds = quantity × price − fee, Σ gain = proceeds − basis.
    ``sale_id`` defaults to ``"<account>:<security>:<date>"``; name two sales of one security
    on one day apart, or the wash-sale rule treats them as one sale.
    """
    relieved = relieve_lots(lots, quantity, method, specific=specific)
    quantity = _decimal("quantity", quantity)
    price = _decimal("price", price)
    fee = _decimal("fee", fee)
    if price < 0 or fee < 0:
        raise ValueError("price and fee must not be negative")
    if not isinstance(sold_on, date):
        raise ValueError("sold_on must be a date")
    for lot, _ in relieved:
        if lot.acquired > sold_on:
            raise ValueError(f"lot {lot.lot_id} was acquired after the sale date {sold_on}")
    security, account = lots[0].security, lots[0].account
    sale_id = sale_id or f"{account}:{security}:{sold_on.isoformat()}"
    with localcontext(_CONTEXT):
        net_proceeds = quantity * price - fee
    realized: list[RealizedLot] = []
    sold_so_far = _ZERO
    proceeds_so_far = _ZERO
    left_of: dict[str, Decimal] = {}
    basis_left_of: dict[str, Decimal] = {}
    for lot, part in relieved:
        sold_so_far += part
        cumulative = _pro_rata(net_proceeds, sold_so_far, quantity)
        part_proceeds = cumulative - proceeds_so_far
        proceeds_so_far = cumulative
        part_basis = _pro_rata(lot.basis, part, lot.quantity)
        left_of[lot.lot_id] = lot.quantity - part
        basis_left_of[lot.lot_id] = lot.basis - part_basis
        realized.append(
            RealizedLot(
                sale_id=sale_id,
                lot_id=lot.lot_id,
                purchase_id=lot.purchase,
                security=security,
                account=account,
                acquired=lot.acquired,
                holding_from=lot.holding_start,
                sequence=lot.sequence,
                sold_on=sold_on,
                quantity=part,
                proceeds=part_proceeds,
                basis=part_basis,
                is_long_term=is_long_term(lot.holding_start, sold_on),
            )
        )
    remaining: list[Lot] = []
    for lot in lots:
        if lot.lot_id not in left_of:
            remaining.append(lot)
        elif left_of[lot.lot_id] > 0:
            remaining.append(
                replace(lot, quantity=left_of[lot.lot_id], basis=basis_left_of[lot.lot_id])
            )
    return SaleResult(
        sale_id=sale_id,
        security=security,
        account=account,
        sold_on=sold_on,
        quantity=quantity,
        price=price,
        fee=fee,
        proceeds=net_proceeds,
        realized=tuple(realized),
        remaining=tuple(remaining),
    )


# --- Loss harvesting -----------------------------------------------------------------------


@dataclass(frozen=True)
class HarvestCandidate:
    """A lot or position whose unrealized loss is above the harvesting threshold.

    ``unrealized_loss`` is positive (basis − market value). ``is_long_term`` says whether a sale
    on ``as_of`` would be long term (``None`` when no date was given or a position mixes both).
    ``substitutes`` are the replacement securities suggested for the security, if any.
    """

    security: str
    account: str
    lot_ids: tuple[str, ...]
    quantity: Decimal
    basis: Decimal
    market_value: Decimal
    unrealized_loss: Decimal
    is_long_term: bool | None
    substitutes: tuple[str, ...]


def _loss_columns(
    quantity: ArrayLike, basis: ArrayLike, price: ArrayLike, threshold: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    q = np.asarray(quantity, dtype=np.float64)
    b = np.asarray(basis, dtype=np.float64)
    p = np.asarray(price, dtype=np.float64)
    if q.ndim != 1 or q.shape != b.shape or q.shape != p.shape:
        raise ValueError("quantity, basis and price must be 1-D arrays of the same length")
    if not (np.isfinite(q).all() and np.isfinite(b).all() and np.isfinite(p).all()):
        raise ValueError("quantity, basis and price must be finite")
    if not threshold >= 0:
        raise ValueError(f"threshold must not be negative, got {threshold}")
    return q, b, p


def scan_unrealized_losses(
    quantity: ArrayLike, basis: ArrayLike, price: ArrayLike, threshold: float
) -> NDArray[np.bool_]:
    """Vectorized harvesting scan: which lots have an unrealized loss strictly above
    ``threshold``.

    Loss = basis − quantity × price, one entry per lot, computed over NumPy columns in float64:
    the fast path for very large books (a million lots in milliseconds). Confirm the lots it
    finds with :func:`find_harvest_candidates` where the exact decimal answer matters at the
    threshold.
    """
    q, b, p = _loss_columns(quantity, basis, price, threshold)
    flags: NDArray[np.bool_] = b - q * p > threshold
    return flags


def scan_position_losses(
    position: ArrayLike,
    quantity: ArrayLike,
    basis: ArrayLike,
    price: ArrayLike,
    threshold: float,
) -> NDArray[np.bool_]:
    """Vectorized harvesting scan by position: for each position code 0…P−1 (one per security
    and account, given per lot in ``position``), whether the position's summed unrealized loss
    Σ basis − Σ quantity × price is strictly above ``threshold``."""
    q, b, p = _loss_columns(quantity, basis, price, threshold)
    codes = np.asarray(position)
    if codes.shape != q.shape or not np.issubdtype(codes.dtype, np.integer):
        raise ValueError("position must be one integer code per lot")
    if codes.size and codes.min() < 0:
        raise ValueError("position codes must not be negative")
    loss = np.bincount(codes, weights=b - q * p)
    flags: NDArray[np.bool_] = loss > threshold
    return flags


@_exact
def find_harvest_candidates(
    lots: Sequence[Lot],
    prices: Mapping[str, Decimal],
    *,
    threshold: Decimal,
    level: HarvestLevel | str = HarvestLevel.LOT,
    substitutes: Mapping[str, Sequence[str]] | None = None,
    as_of: date | None = None,
) -> tuple[HarvestCandidate, ...]:
    """Tax-loss harvesting candidates: lots (or positions) with a loss above ``threshold``.

    A lot's unrealized loss is basis − quantity × price, exact in decimals; at
    ``level="position"`` the lots of one security in one account are summed first. A candidate's
    loss is strictly above the threshold. Candidates come largest loss first (ties in input
    order), each with the substitute securities suggested for it. Wash sales are judged by
    :func:`apply_wash_sales` (shared/CONVENTIONS.md, "Wash sale"). For very large books held as
    NumPy columns, :func:`scan_unrealized_losses` and :func:`scan_position_losses` are the
    vectorized scans.
    """
    level = HarvestLevel(level)
    threshold = _decimal("threshold", threshold)
    if threshold < 0:
        raise ValueError(f"threshold must not be negative, got {threshold}")
    hints = {k: tuple(v) for k, v in (substitutes or {}).items()}
    price_of: dict[str, Decimal] = {}
    for security in {lot.security for lot in lots}:
        if security not in prices:
            raise ValueError(f"no price for {security}")
        price_of[security] = _decimal(f"price of {security}", prices[security])
        if price_of[security] < 0:
            raise ValueError(f"price of {security} must not be negative")

    groups: dict[tuple[str, str] | int, list[int]] = {}
    for i, lot in enumerate(lots):
        key: tuple[str, str] | int = i if level is HarvestLevel.LOT else (lot.account, lot.security)
        groups.setdefault(key, []).append(i)

    candidates: list[tuple[Decimal, int, HarvestCandidate]] = []
    for members in groups.values():
        basis = sum((lots[i].basis for i in members), _ZERO)
        value = sum((lots[i].quantity * price_of[lots[i].security] for i in members), _ZERO)
        loss = basis - value
        if loss <= threshold:
            continue
        first = lots[members[0]]
        terms = set()
        if as_of is not None:
            terms = {is_long_term(lots[i].holding_start, as_of) for i in members}
        candidates.append(
            (
                loss,
                members[0],
                HarvestCandidate(
                    security=first.security,
                    account=first.account,
                    lot_ids=tuple(lots[i].lot_id for i in members),
                    quantity=sum((lots[i].quantity for i in members), _ZERO),
                    basis=basis,
                    market_value=value,
                    unrealized_loss=loss,
                    is_long_term=terms.pop() if len(terms) == 1 else None,
                    substitutes=hints.get(first.security, ()),
                ),
            )
        )
    candidates.sort(key=lambda c: (-c[0], c[1]))
    return tuple(c[2] for c in candidates)


# --- Wash sales ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WashSale:
    """One match of sold shares with replacement shares bought within the wash-sale window.

    ``disallowed_loss`` is the sold part's loss × matched shares / shares of the part.
    ``basis_adjustment`` is what is added to the replacement's basis: the disallowed loss, or
    zero when the replacement was bought in a retirement account (IRA). The replacement's
    holding period then counts from ``replacement_holding_from``. ``adjusted_lot_id`` names the
    lot in :attr:`WashSaleResult.lots` that carries the adjustment.
    """

    sale_id: str
    sold_lot_id: str
    security: str
    account: str
    sold_on: date
    replacement_lot_id: str
    replacement_security: str
    replacement_account: str
    replacement_acquired: date
    quantity: Decimal
    disallowed_loss: Decimal
    basis_adjustment: Decimal
    replacement_holding_from: date
    is_retirement_replacement: bool
    adjusted_lot_id: str


@dataclass(frozen=True)
class WashSaleResult:
    """Realized lots with their disallowed losses, and purchases with adjusted replacement lots."""

    wash_sales: tuple[WashSale, ...]
    realized: tuple[RealizedLot, ...]
    lots: tuple[Lot, ...]

    @property
    def disallowed_loss(self) -> Decimal:
        """Total loss deferred by wash sales."""
        return sum((w.disallowed_loss for w in self.wash_sales), _ZERO)


@dataclass
class _Piece:
    quantity: Decimal
    disallowed: Decimal
    holding_from: date
    wash_index: int


@_exact
def apply_wash_sales(
    realized: Sequence[RealizedLot],
    purchases: Sequence[Lot],
    *,
    retirement_accounts: Collection[str] = (),
    substantially_identical: Mapping[str, str] | None = None,
) -> WashSaleResult:
    """Find wash sales across all of an investor's accounts and apply them.

    Convention (shared/CONVENTIONS.md, "Wash sale"; IRS Publication 550, "Wash Sales"): a loss
    sale with a purchase of the same or a substantially identical security in any of the
    investor's accounts within 30 days before or after the sale (inclusive) disallows the loss
    pro rata to the shares bought back. The disallowed loss is added to the replacement lot's
    basis and the replacement's holding period includes the sold lot's (its holding period
    counts from ``replacement acquired − (sold_on − sold lot's holding start)``). A replacement
    bought in a retirement account disallows the loss with no basis increase (Rev. Rul.
    2008-5). A sale's own shares, and the rest of the same purchase, are never its
    replacement, and a replacement share absorbs at most one wash sale.

    Matching order (Treas. Reg. §1.1091-1(b)-(c)): loss sales in date order (same-day sales in
    input order), the shares of a sale in the order they were acquired, each matched with the
    earliest acquired replacement shares still free.

    ``realized`` are the lot parts sold (from :func:`sell_lots`, gains included: they name the
    sale's own shares); ``purchases`` are every acquisition of the investor, in every account,
    as bought. ``substantially_identical`` maps a security to a group key; securities with the
    same key are substantially identical (a security not in the mapping is its own group).
    Losses realized inside a retirement account are not deductible and are left alone.

    Returns the matches, the realized lots with ``disallowed_loss`` set, and the purchases with
    each taxable replacement lot adjusted: wholly absorbed by one match, it keeps its id; else
    the absorbed shares are split off as ``"<lot_id>.w1"``, ``"<lot_id>.w2"``… and the rest keeps
    the lot id (all keep the purchase id). A later sale of a replacement must relieve these
    adjusted lots, so that its basis and holding period carry the deferred loss: apply wash
    sales after each sale, in date order, over the full history.
    """
    retirement = set(retirement_accounts)
    identical = dict(substantially_identical or {})

    def group(security: str) -> str:
        return identical.get(security, security)

    for r in realized:
        if not isinstance(r, RealizedLot):
            raise ValueError(f"expected RealizedLot, got {type(r).__name__}")
    ids = [p.lot_id for p in purchases]
    if len(set(ids)) != len(ids):
        raise ValueError("purchase lot ids must be unique")

    purchases_of_sale: dict[str, set[str]] = defaultdict(set)
    first_index_of_sale: dict[str, int] = {}
    for i, r in enumerate(realized):
        purchases_of_sale[r.sale_id].add(r.purchase_id)
        first_index_of_sale.setdefault(r.sale_id, i)

    by_group: dict[str, list[int]] = defaultdict(list)
    for j in sorted(
        range(len(purchases)), key=lambda j: (purchases[j].acquired, purchases[j].sequence, j)
    ):
        by_group[group(purchases[j].security)].append(j)
    free = [p.quantity for p in purchases]

    loss_parts = sorted(
        (i for i, r in enumerate(realized) if r.gain < 0 and r.account not in retirement),
        key=lambda i: (
            realized[i].sold_on,
            first_index_of_sale[realized[i].sale_id],
            realized[i].acquired,
            realized[i].sequence,
            i,
        ),
    )
    window = timedelta(days=WASH_SALE_WINDOW_DAYS)
    wash_sales: list[WashSale] = []
    pieces: dict[int, list[_Piece]] = defaultdict(list)
    disallowed_of: dict[int, Decimal] = {}
    for i in loss_parts:
        sold = realized[i]
        loss = sold.basis - sold.proceeds
        own = purchases_of_sale[sold.sale_id]
        matched = _ZERO
        disallowed_so_far = _ZERO
        for j in by_group[group(sold.security)]:
            if matched == sold.quantity:
                break
            buy = purchases[j]
            if buy.purchase in own or free[j] == 0:
                continue
            if not sold.sold_on - window <= buy.acquired <= sold.sold_on + window:
                continue
            shares = min(free[j], sold.quantity - matched)
            free[j] -= shares
            matched += shares
            cumulative = _pro_rata(loss, matched, sold.quantity)
            disallowed = cumulative - disallowed_so_far
            disallowed_so_far = cumulative
            is_retirement = buy.account in retirement
            if is_retirement:
                holding_from = buy.holding_start
            else:
                holding_from = buy.acquired - (sold.sold_on - sold.holding_from)
                pieces[j].append(_Piece(shares, disallowed, holding_from, len(wash_sales)))
            wash_sales.append(
                WashSale(
                    sale_id=sold.sale_id,
                    sold_lot_id=sold.lot_id,
                    security=sold.security,
                    account=sold.account,
                    sold_on=sold.sold_on,
                    replacement_lot_id=buy.lot_id,
                    replacement_security=buy.security,
                    replacement_account=buy.account,
                    replacement_acquired=buy.acquired,
                    quantity=shares,
                    disallowed_loss=disallowed,
                    basis_adjustment=_ZERO if is_retirement else disallowed,
                    replacement_holding_from=holding_from,
                    is_retirement_replacement=is_retirement,
                    adjusted_lot_id=buy.lot_id,
                )
            )
        if matched > 0:
            disallowed_of[i] = disallowed_so_far

    adjusted_lots: list[Lot] = []
    for j, buy in enumerate(purchases):
        if j not in pieces:
            adjusted_lots.append(buy)
            continue
        adjusted_lots.extend(_split_replacement(buy, pieces[j], wash_sales))
    return WashSaleResult(
        wash_sales=tuple(wash_sales),
        realized=tuple(
            replace(r, disallowed_loss=disallowed_of[i]) if i in disallowed_of else r
            for i, r in enumerate(realized)
        ),
        lots=tuple(adjusted_lots),
    )


@_exact
def _split_replacement(buy: Lot, parts: Iterable[_Piece], wash_sales: list[WashSale]) -> list[Lot]:
    """Split a replacement lot into the shares each wash sale adjusted and the untouched rest."""
    parts = list(parts)
    absorbed = sum((p.quantity for p in parts), _ZERO)
    whole = len(parts) == 1 and absorbed == buy.quantity
    lots: list[Lot] = []
    cumulative_shares = _ZERO
    basis_so_far = _ZERO
    split: list[Lot] = []
    for k, piece in enumerate(parts, start=1):
        cumulative_shares += piece.quantity
        cumulative_basis = _pro_rata(buy.basis, cumulative_shares, buy.quantity)
        own_basis = cumulative_basis - basis_so_far
        basis_so_far = cumulative_basis
        lot_id = buy.lot_id if whole else f"{buy.lot_id}.w{k}"
        split.append(
            replace(
                buy,
                lot_id=lot_id,
                quantity=piece.quantity,
                basis=own_basis + piece.disallowed,
                holding_from=piece.holding_from,
                purchase_id=buy.purchase,
            )
        )
        wash_sales[piece.wash_index] = replace(wash_sales[piece.wash_index], adjusted_lot_id=lot_id)
    if absorbed < buy.quantity:
        lots.append(
            replace(
                buy,
                quantity=buy.quantity - absorbed,
                basis=buy.basis - basis_so_far,
                purchase_id=buy.purchase,
            )
        )
    lots.extend(split)
    return lots
