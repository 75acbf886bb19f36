"""Allocation rule and water-filling, per shared/CONVENTIONS.md.

"Cash flows and returns": exact shares, each rounded down to the quantum, the remaining quanta
by largest remainder, ties to the lowest index; the parts sum exactly to the total.
"Capital calls": water-filling in exact fractions, rounded once at the end, capped parties get
exactly their room, a call above the total room is refused.

The reference functions below implement those sentences literally with ``Fraction`` (the
iterative "cap, spread, repeat" description) so the property tests compare the fast integer
implementation against the convention itself.
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.allocation import (
    AmountsByKey,
    InsufficientRoomError,
    allocate,
    allocate_capped,
    allocate_quanta,
)

D = Decimal
CENT = D("0.01")


def reference_round(shares: list[Fraction], total: int) -> list[int]:
    """Round exact shares (in quanta) down; hand out the rest by largest remainder, lowest index."""
    floors = [math.floor(s) for s in shares]
    leftover = total - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors


def reference_water_fill(total: int, weights: list[int], caps: list[int]) -> list[int]:
    """shared/CONVENTIONS.md "Capital calls", word for word, in Fractions."""
    capped: set[int] = set()
    while True:
        free = [i for i in range(len(weights)) if i not in capped and weights[i] > 0]
        rest = total - sum(caps[i] for i in capped)
        weight = sum(weights[i] for i in free)
        shares = [Fraction(0)] * len(weights)
        for i in capped:
            shares[i] = Fraction(caps[i])
        for i in free:
            shares[i] = Fraction(rest * weights[i], weight)
        over = [i for i in free if shares[i] > caps[i]]
        if not over:
            return reference_round(shares, total)
        capped.update(over)


class TestAllocate:
    def test_three_equal_parties_tie_goes_to_lowest_index(self) -> None:
        # 100.00 / 3 = 33.333...: floors 33.33 × 3 = 99.99, one cent left, all remainders
        # equal (0.333 cent), so the first party gets it.
        assert list(allocate(D("100.00"), [1, 1, 1])) == [D("33.34"), D("33.33"), D("33.33")]

    def test_leftover_cents_go_to_the_largest_remainders(self) -> None:
        # 100.00 × 1/7, 2/7, 4/7 = 14.2857, 28.5714, 57.1428: floors 14.28 + 28.57 + 57.14
        # = 99.99; remainders 0.57, 0.14, 0.28 cent, so the one cent goes to the first.
        assert list(allocate(D("100.00"), [1, 2, 4])) == [D("14.29"), D("28.57"), D("57.14")]
        # Reordered, the largest remainder (the 1/7 share) still wins, wherever it stands.
        assert list(allocate(D("100.00"), [4, 2, 1])) == [D("57.14"), D("28.57"), D("14.29")]

    def test_several_leftover_quanta_follow_the_order(self) -> None:
        # 1.00 / 6 = 0.1666: floors 0.16 × 6 = 0.96, four cents left for the first four.
        expected = [D("0.17")] * 4 + [D("0.16")] * 2
        assert list(allocate(D("1.00"), [1] * 6)) == expected

    def test_parts_sum_exactly_and_zero_weights_get_nothing(self) -> None:
        parts = allocate(D("1000.01"), [D("250000"), D("0"), D("125000.50"), D("0")])
        assert sum(parts) == D("1000.01")
        assert parts[1] == parts[3] == D("0.00")

    def test_keys_are_kept_in_the_order_given(self) -> None:
        a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        result = allocate(D("0.05"), {a: D("1"), b: D("1"), c: D("1")})
        assert result.keys == (a, b, c)
        assert result.by_key() == {a: D("0.02"), b: D("0.02"), c: D("0.01")}
        assert result.amount_for(c) == D("0.01")
        with pytest.raises(KeyError):
            result.amount_for(uuid.uuid4())

    def test_negative_total_is_the_mirror_image(self) -> None:
        # A reversal allocates -total: each part is minus the part of +total, so they cancel.
        forward = allocate(D("100.00"), [1, 2, 4])
        reverse = allocate(D("-100.00"), [1, 2, 4])
        assert [-p for p in reverse] == list(forward)

    def test_other_quanta(self) -> None:
        # Whole units: 10 / 3 -> 4, 3, 3. Nickels: 1.00 / 3 = 0.3333 -> floors 0.30 × 3 = 0.90,
        # two nickels left for the first two parties.
        assert list(allocate(D("10"), [1, 1, 1], quantum=D("1"))) == [D(4), D(3), D(3)]
        assert list(allocate(D("1.00"), [1, 1, 1], quantum=D("0.05"))) == [
            D("0.35"),
            D("0.35"),
            D("0.30"),
        ]

    def test_fraction_weights_are_exact(self) -> None:
        # 1/3 and 2/3 of 1.00: 0.3333 and 0.6666 -> floors 0.33 + 0.66, the cent to the
        # larger remainder (both 0.333 and 0.666: the second).
        assert list(allocate(D("1.00"), [Fraction(1, 3), Fraction(2, 3)])) == [
            D("0.33"),
            D("0.67"),
        ]

    @pytest.mark.parametrize(
        ("total", "weights", "quantum", "message"),
        [
            (D("1.00"), [0, 0], CENT, "positive"),
            (D("1.00"), [], CENT, "at least one party"),
            (D("1.00"), [1, -1], CENT, "negative"),
            (D("1.00"), [1.0, 2.0], CENT, "not float"),
            (D("1.001"), [1, 1], CENT, "whole number of quanta"),
            (D("1.00"), [1, 1], D("0"), "quantum"),
            (D("NaN"), [1, 1], CENT, "finite"),
            (1.0, [1, 1], CENT, "Decimal or an int"),
            (D("1.00"), [D("Infinity")], CENT, "finite"),
        ],
    )
    def test_invalid_input_is_refused(
        self, total: object, weights: list[object], quantum: Decimal, message: str
    ) -> None:
        with pytest.raises(ValueError, match=message):
            allocate(total, weights, quantum)  # type: ignore[call-overload]

    def test_numpy_and_big_integer_paths_agree(self) -> None:
        # Scaling every weight by 10**30 does not change the shares but forces the exact
        # Python-integer path instead of 64-bit NumPy arithmetic.
        weights = [D(w) for w in (3, 7, 11, 13, 17, 19, 23)]
        small = allocate(D("987654.31"), weights)
        large = allocate(D("987654.31"), [w * D(10) ** 30 for w in weights])
        assert list(small) == list(large)

    def test_one_hundred_thousand_parties(self) -> None:
        weights = [D(1 + (i * 7919) % 1000) for i in range(100_000)]
        parts = allocate(D("12345678.91"), weights)
        assert sum(parts) == D("12345678.91")
        assert len(parts) == 100_000


class TestAllocateCapped:
    def test_water_filling_repeats_until_no_cap_binds(self) -> None:
        # Call 1,000 pro rata to four equal commitments, rooms 50, 1,000, 1,000, 300.
        # Round 1: 250 each; party 0 exceeds its room 50 -> capped, excess 200 spread over the
        # three others: 316.67 each. Round 2: party 3 exceeds its room 300 -> capped; the rest
        # 1,000 - 50 - 300 = 650 over parties 1 and 2: 325 each. No cap binds any more.
        result = allocate_capped(
            D("1000.00"), [100, 100, 100, 100], [D(50), D(1000), D(1000), D(300)]
        )
        assert list(result) == [D("50.00"), D("325.00"), D("325.00"), D("300.00")]
        assert result.capped == (True, False, False, True)

    def test_capped_parties_get_exactly_their_room_and_rounding_comes_last(self) -> None:
        # Room 10.01 for party 0; the other 89.99 over three equal parties = 29.99666...:
        # floors 29.99 × 3 = 89.97, two cents by remainder (all equal) to parties 1 and 2.
        result = allocate_capped(D("100.00"), [1, 1, 1, 1], [D("10.01"), D(100), D(100), D(100)])
        assert list(result) == [D("10.01"), D("30.00"), D("30.00"), D("29.99")]

    def test_excess_is_spread_pro_rata_to_weights(self) -> None:
        # Weights 1:2:3 on 600 would be 100/200/300; party 2's room is 150, so 450 goes to
        # parties 0 and 1 in the ratio 1:2: 150 and 300.
        result = allocate_capped(D("600"), [1, 2, 3], [D(1000), D(1000), D(150)])
        assert list(result) == [D("150.00"), D("300.00"), D("150.00")]

    def test_call_of_exactly_the_total_room_fills_every_party(self) -> None:
        result = allocate_capped(D("60.00"), [1, 1, 1], [D(10), D(20), D(30)])
        assert list(result) == [D("10.00"), D("20.00"), D("30.00")]
        assert all(result.capped)

    def test_call_beyond_the_total_unfunded_is_refused(self) -> None:
        with pytest.raises(InsufficientRoomError):
            allocate_capped(D("60.01"), [1, 1, 1], [D(10), D(20), D(30)])

    def test_room_of_zero_weight_parties_cannot_be_used(self) -> None:
        # The second party has room but no weight, so it cannot take a pro-rata share.
        with pytest.raises(InsufficientRoomError):
            allocate_capped(D("15"), [1, 0], [D(10), D(10)])

    def test_caps_by_key(self) -> None:
        result = allocate_capped(
            D("100"), {"a": D(1), "b": D(1)}, {"b": D(100), "a": D(20)}, quantum=D("1")
        )
        assert result.by_key() == {"a": D(20), "b": D(80)}

    @pytest.mark.parametrize(
        ("caps", "message"),
        [
            ([D(10), D("10.001")], "whole number of quanta"),
            ([D(10), D(-1)], "negative"),
            ([D(10)], "expected 2 caps"),
        ],
    )
    def test_invalid_caps_are_refused(self, caps: list[Decimal], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            allocate_capped(D("5"), [1, 1], caps)

    def test_negative_call_is_refused(self) -> None:
        with pytest.raises(ValueError, match="non-negative"):
            allocate_capped(D("-5"), [1, 1], [D(10), D(10)])

    def test_many_parties_match_the_literal_convention(self) -> None:
        n = 20_000
        weights = [1 + (i * 7919) % 5000 for i in range(n)]
        caps = [(w * (1 + (i * 104729) % 97)) // 40 for i, w in enumerate(weights)]
        total = sum(caps) * 9 // 10
        result = allocate_capped(D(total), weights, [D(c) for c in caps], quantum=D(1))
        parts = [int(p) for p in result]
        assert sum(parts) == total
        assert all(p <= c for p, c in zip(parts, caps, strict=True))
        assert parts == reference_water_fill(total, weights, caps)


@st.composite
def capped_calls(draw: st.DrawFn) -> tuple[int, list[int], list[int]]:
    n = draw(st.integers(min_value=1, max_value=25))
    weights = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    if not any(weights):
        weights[0] = 1
    caps = draw(st.lists(st.integers(0, 50_000), min_size=n, max_size=n))
    room = sum(c for c, w in zip(caps, weights, strict=True) if w > 0)
    total = draw(st.integers(0, room))
    return total, weights, caps


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(
        total=st.integers(-(10**9), 10**9),
        weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=30).filter(any),
    )
    def test_allocation_sums_to_total_and_follows_the_rule(
        self, total: int, weights: list[int]
    ) -> None:
        parts = allocate(D(total) * CENT, weights)
        assert sum(parts) == D(total) * CENT
        shares = [Fraction(abs(total) * w, sum(weights)) for w in weights]
        expected = reference_round(shares, abs(total))
        sign = -1 if total < 0 else 1
        assert [int(p / CENT) for p in parts] == [sign * e for e in expected]

    @settings(max_examples=300, deadline=None)
    @given(capped_calls())
    def test_water_filling_sums_respects_caps_and_matches_the_convention(
        self, call: tuple[int, list[int], list[int]]
    ) -> None:
        total, weights, caps = call
        result = allocate_capped(D(total) * CENT, weights, [D(c) * CENT for c in caps])
        parts = [int(p / CENT) for p in result]
        assert sum(parts) == total
        assert all(p <= c for p, c in zip(parts, caps, strict=True))
        assert parts == reference_water_fill(total, weights, caps)

    @settings(max_examples=200, deadline=None)
    @given(capped_calls())
    def test_parties_whose_share_exceeds_their_room_get_exactly_their_room(
        self, call: tuple[int, list[int], list[int]]
    ) -> None:
        total, weights, caps = call
        result = allocate_capped(D(total) * CENT, weights, [D(c) * CENT for c in caps])
        weight_sum = sum(weights)
        for part, weight, cap in zip(result, weights, caps, strict=True):
            if Fraction(total * weight, weight_sum) > cap:
                assert part == D(cap) * CENT

    @settings(max_examples=200, deadline=None)
    @given(
        total=st.integers(0, 10**12),
        weights=st.lists(st.integers(0, 10**15), min_size=1, max_size=20).filter(any),
    )
    def test_integer_rule_is_within_one_quantum_of_the_exact_share(
        self, total: int, weights: list[int]
    ) -> None:
        parts = allocate_quanta(total, weights)
        assert sum(parts) == total
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - Fraction(total * weight, sum(weights))) < 1


def test_amounts_by_key_reads_like_a_dict() -> None:
    amounts = AmountsByKey({"a": 0, "b": 1}, [150, 2], CENT)
    assert amounts == {"a": D("1.50"), "b": D("0.02")}
    assert list(amounts) == ["a", "b"]
    assert amounts.quanta() == [150, 2]
