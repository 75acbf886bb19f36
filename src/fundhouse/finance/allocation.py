"""Splitting a total across parties so that the parts sum exactly to the total.

Convention (``shared/CONVENTIONS.md``, "Cash flows and returns" and "Capital calls"):

* **Allocation rule.** Each party's exact share is rounded *down* to the quantum (a cent by
  default); the quanta left over are handed out one each by largest remainder, ties going to
  the lowest index in the order the parties were given. The parts always sum to the total.
  This is Hamilton's largest-remainder method (Balinski & Young, *Fair Representation*, 1982).
* **Water-filling.** A call pro rata to weights that may not exceed each party's room: in
  exact fractions, cap every party whose share exceeds its room, spread the excess over the
  parties still below their room in proportion to their weights, repeat until no cap binds,
  then round once by the allocation rule. Capped parties receive exactly their room; a total
  larger than the room of all parties is refused.

Everything is computed in integers: amounts in quanta and weights scaled to a common
denominator, so no rounding happens before the single rounding step, and large party counts
(100,000 and more) are handled with NumPy or plain Python integers instead of per-party
``Decimal`` arithmetic.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_PREC, Context, Decimal
from fractions import Fraction
from typing import Any, Generic, TypeVar, overload

import numpy as np

__all__ = [
    "CENT",
    "Allocation",
    "AmountsByKey",
    "InsufficientRoomError",
    "Weight",
    "allocate",
    "allocate_capped",
    "allocate_quanta",
    "from_quanta",
    "from_quanta_many",
    "to_quanta",
    "to_quanta_many",
    "water_fill_quanta",
]

CENT = Decimal("0.01")

Weight = Decimal | Fraction | int
"""An exact, non-negative weight. Floats are refused: they are not exact decimal amounts."""

K = TypeVar("K", bound=Hashable)

EXACT_CONTEXT = Context(prec=MAX_PREC)
_INT64_LIMIT = 2**62


class InsufficientRoomError(ValueError):
    """The total asked for exceeds what the parties can take (e.g. a call beyond the unfunded)."""


@dataclass(frozen=True)
class Allocation(Sequence[Decimal], Generic[K]):
    """The parts of ``total``, one per party, in the order the parties were given.

    Iterating, indexing and ``len`` act on ``amounts``; :meth:`by_key` maps keys to amounts.
    ``capped[i]`` is true when party ``i`` received exactly its room (water-filling only).
    """

    total: Decimal
    quantum: Decimal
    keys: tuple[K, ...]
    amounts: tuple[Decimal, ...]
    capped: tuple[bool, ...]

    def __len__(self) -> int:
        return len(self.amounts)

    @overload
    def __getitem__(self, index: int) -> Decimal: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Decimal, ...]: ...

    def __getitem__(self, index: int | slice) -> Decimal | tuple[Decimal, ...]:
        return self.amounts[index]

    def __iter__(self) -> Iterator[Decimal]:
        return iter(self.amounts)

    def by_key(self) -> dict[K, Decimal]:
        """The parts keyed by party, in the given order."""
        return dict(zip(self.keys, self.amounts, strict=True))

    def amount_for(self, key: K) -> Decimal:
        """The part of the party ``key`` (``KeyError`` if it took no part)."""
        try:
            return self.amounts[self.keys.index(key)]
        except ValueError:
            raise KeyError(key) from None


@overload
def allocate(
    total: Decimal | int, weights: Mapping[K, Weight], quantum: Decimal = CENT
) -> Allocation[K]: ...


@overload
def allocate(
    total: Decimal | int, weights: Sequence[Weight], quantum: Decimal = CENT
) -> Allocation[int]: ...


def allocate(
    total: Decimal | int,
    weights: Sequence[Weight] | Mapping[Any, Weight],
    quantum: Decimal = CENT,
) -> Allocation[Any]:
    """Split ``total`` pro rata to ``weights`` by the allocation rule of shared/CONVENTIONS.md.

    Exact shares ``total × wᵢ / Σw`` are rounded down to ``quantum``; the remaining quanta go
    one each to the largest remainders, ties to the lowest index (Hamilton's method). Zero
    weights receive zero. ``weights`` is a sequence (keys are then the indices ``0..n-1``) or
    a mapping from opaque party keys (str, UUID, ...) in the order of their creation.

    A negative total is allocated as the mirror image of its absolute value (each part is the
    negation of the part of ``-total``), so a reversal exactly cancels the original.

    Raises ``ValueError`` when there is no party, a weight is negative or not exact, all
    weights are zero, ``quantum`` is not positive, or ``total`` is not a whole number of quanta.
    """
    keys, exact_weights = _split_weights(weights)
    quantum = _check_quantum(quantum)
    total_q = to_quanta(total, quantum, what="total")
    int_weights = _scale_to_integers(exact_weights)
    if not any(int_weights):
        raise ValueError("at least one weight must be positive")
    parts = allocate_quanta(abs(total_q), int_weights)
    if total_q < 0:
        parts = [-p for p in parts]
    return Allocation(
        total=from_quanta(total_q, quantum),
        quantum=quantum,
        keys=keys,
        amounts=tuple(from_quanta_many(parts, quantum)),
        capped=(False,) * len(parts),
    )


@overload
def allocate_capped(
    total: Decimal | int,
    weights: Mapping[K, Weight],
    caps: Sequence[Decimal | int] | Mapping[K, Decimal | int],
    quantum: Decimal = CENT,
) -> Allocation[K]: ...


@overload
def allocate_capped(
    total: Decimal | int,
    weights: Sequence[Weight],
    caps: Sequence[Decimal | int],
    quantum: Decimal = CENT,
) -> Allocation[int]: ...


def allocate_capped(
    total: Decimal | int,
    weights: Sequence[Weight] | Mapping[Any, Weight],
    caps: Sequence[Decimal | int] | Mapping[Any, Decimal | int],
    quantum: Decimal = CENT,
) -> Allocation[Any]:
    """Split ``total`` pro rata to ``weights`` without giving any party more than its cap.

    Water-filling per shared/CONVENTIONS.md "Capital calls": in exact fractions every party
    whose share exceeds its room is capped at it and the excess is spread over the parties
    that still have room in proportion to their weights, until no cap binds; the exact shares
    are then rounded once by the allocation rule (capped parties keep exactly their room, and
    no rounded part exceeds its cap). Weights are commitments, or unfunded commitments when the
    fund calls pro rata to unfunded; caps are the unfunded commitments.

    ``caps`` is a sequence aligned with ``weights`` or a mapping with the same keys. Caps must
    be non-negative whole numbers of quanta and ``total`` must be non-negative.

    Raises ``InsufficientRoomError`` (a ``ValueError``) when ``total`` exceeds the room of the
    parties with a positive weight (in particular when it exceeds the sum of the caps), and
    ``ValueError`` for invalid inputs as :func:`allocate` does.
    """
    keys, exact_weights = _split_weights(weights)
    quantum = _check_quantum(quantum)
    total_q = to_quanta(total, quantum, what="total")
    if total_q < 0:
        raise ValueError("a capped allocation needs a non-negative total")
    cap_values = _align_caps(caps, keys, weights)
    caps_q = to_quanta_many(cap_values, quantum, what="cap")
    if any(c < 0 for c in caps_q):
        raise ValueError("caps must not be negative")
    int_weights = _scale_to_integers(exact_weights)
    if not any(int_weights):
        raise ValueError("at least one weight must be positive")
    parts = water_fill_quanta(total_q, int_weights, caps_q)
    return Allocation(
        total=from_quanta(total_q, quantum),
        quantum=quantum,
        keys=keys,
        amounts=tuple(from_quanta_many(parts, quantum)),
        capped=tuple(p == c for p, c in zip(parts, caps_q, strict=True)),
    )


def allocate_quanta(total: int, weights: Sequence[int] | np.ndarray) -> list[int]:
    """The allocation rule on integers: split ``total`` quanta pro rata to integer ``weights``.

    Shares are floored, then the leftover quanta go to the largest remainders, ties to the
    lowest index (Hamilton's method; shared/CONVENTIONS.md). ``total`` and every weight must
    be non-negative and the weights must not all be zero. Uses NumPy when the products fit
    in 64-bit integers and exact Python integers otherwise.
    """
    if total < 0:
        raise ValueError("total quanta must not be negative")
    if isinstance(weights, np.ndarray):
        weights = weights.tolist()
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise ValueError("at least one weight must be positive")
    if total == 0:
        return [0] * len(weights)
    if total * max(weights) < _INT64_LIMIT and weight_sum < _INT64_LIMIT:
        w = np.asarray(weights, dtype=np.int64)
        floors, remainders = np.divmod(w * total, weight_sum)
        leftover = total - int(floors.sum())
        if leftover:
            order = np.argsort(-remainders, kind="stable")
            floors[order[:leftover]] += 1
        parts: list[int] = floors.tolist()
        return parts
    pairs = [divmod(total * w, weight_sum) for w in weights]
    parts = [q for q, _ in pairs]
    for i in _largest([r for _, r in pairs], total - sum(parts)):
        parts[i] += 1
    return parts


def water_fill_quanta(total: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Water-filling on integers (shared/CONVENTIONS.md "Capital calls"), rounded once.

    Finds the exact level λ at which ``Σ min(λ·wᵢ, capᵢ) = total``: parties sorted by
    ``capᵢ / wᵢ`` are capped in that order while their room is below their share at the
    current level, which is the fixed point of the iterative description in O(n log n).
    The result is checked exactly; should float ordering ever mislead the search, the plain
    iteration ("cap, spread, repeat") is run instead. Exact shares are then rounded by
    :func:`allocate_quanta`'s rule with capped parties holding exactly their cap.
    """
    n = len(weights)
    if len(caps) != n:
        raise ValueError("weights and caps must have the same length")
    active = [i for i in range(n) if weights[i] > 0]
    room = sum(caps[i] for i in active)
    if total > room:
        raise InsufficientRoomError(
            f"the total ({total} quanta) exceeds the room of the parties with a positive "
            f"weight ({room} quanta)"
        )
    weight_sum = sum(weights[i] for i in active)
    level = _water_level(total, weights, caps, active, weight_sum)
    parts, remainders = _shares_at_level(total, weights, caps, active, weight_sum, level)
    if parts is None:
        level = _water_level_by_iteration(total, weights, caps, active, weight_sum)
        parts, remainders = _shares_at_level(total, weights, caps, active, weight_sum, level)
        if parts is None:  # pragma: no cover - the iteration is exact by construction
            raise ArithmeticError("water-filling did not converge")
    leftover = total - sum(parts)
    for i in _largest(remainders, leftover):
        parts[i] += 1
    return parts


def _largest(remainders: list[int], count: int) -> list[int]:
    """Indices of the ``count`` largest remainders, ties to the lowest index."""
    if count <= 0:
        return []
    try:
        order: list[int] = np.argsort(-np.asarray(remainders, dtype=np.int64), kind="stable")[
            :count
        ].tolist()
    except OverflowError:
        order = heapq.nlargest(count, range(len(remainders)), key=remainders.__getitem__)
    return order


def to_quanta(amount: Decimal | int, quantum: Decimal, *, what: str = "amount") -> int:
    """``amount / quantum`` as an exact integer; ``ValueError`` if it is not a whole number."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise ValueError(f"{what} must be a Decimal or an int, not {type(amount).__name__}")
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError(f"{what} must be finite, got {amount}")
    num, den = amount.as_integer_ratio()
    q_num, q_den = quantum.as_integer_ratio()
    quanta, rest = divmod(num * q_den, den * q_num)
    if rest:
        raise ValueError(f"{what} {amount} is not a whole number of quanta of {quantum}")
    return quanta


def to_quanta_many(amounts: Sequence[Decimal | int], quantum: Decimal, *, what: str) -> list[int]:
    _check_types(amounts, (Decimal, int), f"every {what} must be a Decimal or an int")
    try:
        ratios = [amount.as_integer_ratio() for amount in amounts]
    except (ValueError, OverflowError):
        raise ValueError(f"every {what} must be a finite number") from None
    q_num, q_den = quantum.as_integer_ratio()
    pairs = [divmod(num * q_den, den * q_num) for num, den in ratios]
    if any(rest for _, rest in pairs):
        bad = next(a for a, (_, rest) in zip(amounts, pairs, strict=True) if rest)
        raise ValueError(f"{what} {bad} is not a whole number of quanta of {quantum}")
    return [quanta for quanta, _ in pairs]


class AmountsByKey(Mapping[K, Decimal]):
    """A read-only mapping from party keys to amounts, held as integer quanta.

    Results for thousands of parties keep their amounts as integers and make each
    ``Decimal`` only when it is read; equality with any mapping (e.g. a ``dict``) compares
    keys and amounts.
    """

    __slots__ = ("_index", "_quanta", "_quantum")

    def __init__(self, index: Mapping[K, int], quanta: Sequence[int], quantum: Decimal) -> None:
        if len(index) != len(quanta):
            raise ValueError("one amount per key is needed")
        self._index = index
        self._quanta = quanta
        self._quantum = quantum

    def __getitem__(self, key: K) -> Decimal:
        return from_quanta(int(self._quanta[self._index[key]]), self._quantum)

    def __iter__(self) -> Iterator[K]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"

    def quanta(self) -> list[int]:
        """The amounts in quanta, in key order."""
        return [int(q) for q in self._quanta]


def from_quanta(quanta: int, quantum: Decimal) -> Decimal:
    """The exact ``Decimal`` amount of ``quanta`` quanta (no context rounding)."""
    return EXACT_CONTEXT.multiply(Decimal(quanta), quantum)


def from_quanta_many(quanta: Sequence[int], quantum: Decimal) -> list[Decimal]:
    """:func:`from_quanta` for many amounts, with the common power-of-ten quantum fast path."""
    sign, digits, exponent = quantum.as_tuple()
    if sign == 0 and digits == (1,) and isinstance(exponent, int):
        scaleb = EXACT_CONTEXT.scaleb
        exp = Decimal(exponent)
        return [scaleb(Decimal(q), exp) for q in quanta]
    multiply = EXACT_CONTEXT.multiply
    return [multiply(Decimal(q), quantum) for q in quanta]


def _check_quantum(quantum: Decimal) -> Decimal:
    if not isinstance(quantum, Decimal) or not quantum.is_finite() or quantum <= 0:
        raise ValueError(f"quantum must be a positive Decimal, got {quantum!r}")
    return quantum


def _split_weights(
    weights: Sequence[Weight] | Mapping[Any, Weight],
) -> tuple[tuple[Any, ...], list[Weight]]:
    keys: tuple[Any, ...]
    if isinstance(weights, Mapping):
        keys = tuple(weights.keys())
        values = list(weights.values())
    else:
        values = list(weights)
        keys = tuple(range(len(values)))
    if not values:
        raise ValueError("there must be at least one party")
    return keys, values


def _align_caps(
    caps: Sequence[Decimal | int] | Mapping[Any, Decimal | int],
    keys: tuple[Any, ...],
    weights: Sequence[Weight] | Mapping[Any, Weight],
) -> list[Decimal | int]:
    if isinstance(caps, Mapping):
        if not isinstance(weights, Mapping):
            raise ValueError("caps given by key need weights given by key")
        if len(caps) != len(keys) or any(k not in caps for k in keys):
            raise ValueError("caps must have exactly the keys of the weights")
        return [caps[k] for k in keys]
    values = list(caps)
    if len(values) != len(keys):
        raise ValueError(f"expected {len(keys)} caps, got {len(values)}")
    return values


def _check_types(values: Sequence[object], allowed: tuple[type, ...], message: str) -> None:
    """Refuse inexact types (float) and booleans; cheap on long lists of one type."""
    if {type(v) for v in values} <= set(allowed):
        return
    for value in values:
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise ValueError(f"{message}, not {type(value).__name__}")


def _scale_to_integers(values: Sequence[Weight]) -> list[int]:
    """Exact weights scaled by their common denominator to non-negative integers."""
    _check_types(values, (Decimal, Fraction, int), "weights must be Decimal, Fraction or int")
    try:
        ratios = [value.as_integer_ratio() for value in values]
    except (ValueError, OverflowError):
        raise ValueError("weights must be finite numbers") from None
    if any(num < 0 for num, _ in ratios):
        raise ValueError("weights must not be negative")
    denominators = {den for _, den in ratios}
    if len(denominators) == 1:
        return [num for num, _ in ratios]
    common = math.lcm(*denominators)
    return [num * (common // den) for num, den in ratios]


def _water_level(
    total: int, weights: Sequence[int], caps: Sequence[int], active: list[int], weight_sum: int
) -> Fraction:
    """The candidate level λ: parties in increasing ``cap / weight`` are capped while binding.

    With parties sorted by ``capᵢ / wᵢ``, "the k-th party still binds after the k before it
    are capped" holds for a prefix of k and fails after it, so the first k where it fails is
    found by binary search over exact prefix sums of caps and weights.
    """
    try:
        idx = np.asarray(active, dtype=np.int64)
        c = np.asarray(caps, dtype=np.int64)[idx].astype(np.float64)
        w = np.asarray(weights, dtype=np.int64)[idx].astype(np.float64)
        order: list[int] = idx[np.argsort(c / w, kind="stable")].tolist()
    except OverflowError:
        order = sorted(active, key=lambda i: caps[i] / weights[i])
    cap_prefix = [0, *itertools.accumulate(map(caps.__getitem__, order))]
    weight_prefix = [0, *itertools.accumulate(map(weights.__getitem__, order))]

    def still_free(k: int) -> bool:
        i = order[k]
        rest_weight = weight_sum - weight_prefix[k]
        return caps[i] * rest_weight >= (total - cap_prefix[k]) * weights[i]

    k = bisect.bisect_left(range(len(order)), True, key=still_free)
    if k == len(order):
        return Fraction(0)  # every party binds: only when total exceeds the room; verified
    return Fraction(total - cap_prefix[k], weight_sum - weight_prefix[k])


def _water_level_by_iteration(
    total: int, weights: Sequence[int], caps: Sequence[int], active: list[int], weight_sum: int
) -> Fraction:
    """The level by the literal convention: cap, spread the excess, repeat until none binds."""
    capped: set[int] = set()
    capped_caps = 0
    capped_weights = 0
    while True:
        level = Fraction(total - capped_caps, weight_sum - capped_weights)
        newly = [
            i
            for i in active
            if i not in capped and caps[i] * level.denominator < level.numerator * weights[i]
        ]
        if not newly:
            return level
        for i in newly:
            capped.add(i)
            capped_caps += caps[i]
            capped_weights += weights[i]


def _shares_at_level(
    total: int,
    weights: Sequence[int],
    caps: Sequence[int],
    active: list[int],
    weight_sum: int,
    level: Fraction,
) -> tuple[list[int] | None, list[int]]:
    """Floors and remainders of ``min(level·wᵢ, capᵢ)``; ``None`` if the level is not exact."""
    n = len(weights)
    num, den = level.numerator, level.denominator
    parts = [0] * n
    remainders = [0] * n
    capped_caps = 0
    capped_weights = 0
    for i in active:
        w = weights[i]
        c = caps[i]
        if c * den < num * w:
            parts[i] = c
            capped_caps += c
            capped_weights += w
        else:
            parts[i], remainders[i] = divmod(num * w, den)
    if (total - capped_caps) * den != num * (weight_sum - capped_weights):
        return None, remainders
    return parts, remainders
