"""Every fund ledger recipe balances, on random figures; and no fund module writes ledger
lines of its own (``funds/postings.py`` holds them all, imports included)."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.allocation import allocate
from fundhouse.funds import postings
from fundhouse.ledger.chart import FUND_CHART, FundAccount
from fundhouse.ledger.service import Line

CUR = "USD"
CENT = Decimal("0.01")
PARTIES = [uuid.UUID(int=i) for i in range(1, 7)]
GP = uuid.UUID(int=99)
CHART = {a.code for a in FUND_CHART}

cents = st.integers(min_value=1, max_value=10**11).map(lambda c: Decimal(c) * CENT)
signed_cents = st.integers(min_value=-(10**11), max_value=10**11).map(lambda c: Decimal(c) * CENT)
shares = st.dictionaries(st.sampled_from(PARTIES), cents, min_size=1, max_size=6)
signed_shares = st.dictionaries(st.sampled_from(PARTIES), signed_cents, min_size=1, max_size=6)


def assert_balanced(lines: Sequence[Line]) -> None:
    """Debits equal credits, in one currency, on the fund's chart, with no empty line."""
    assert sum((line.amount for line in lines), Decimal(0)) == 0
    assert {line.currency for line in lines} <= {CUR}
    assert all(line.amount != 0 for line in lines)
    assert {line.account_code for line in lines} <= CHART


def split(total: Decimal, weights: dict[uuid.UUID, Decimal]) -> dict[uuid.UUID, Decimal]:
    """``total`` split pro rata by the allocation rule (as the services split it)."""
    return {k: v for k, v in allocate(total, weights, CENT).by_key().items() if v}


@settings(max_examples=150, deadline=None)
@given(shares)
def test_one_sided_recipes_balance(amounts: dict[uuid.UUID, Decimal]) -> None:
    total = sum(amounts.values(), Decimal(0))
    for lines in (
        postings.call_issued(CUR, amounts),
        postings.contributions_received(CUR, amounts),
        postings.management_fee(CUR, amounts),
        postings.fund_expense(CUR, amounts),
        postings.tax_remitted(CUR, amounts),
        postings.distribution_paid(CUR, amounts),
        postings.carry_earned(CUR, amounts, GP),
        postings.accrued_carry_released(CUR, amounts, GP),
        postings.expense_paid(CUR, total),
        postings.management_fee_paid(CUR, total),
        postings.investment_purchased(CUR, total),
    ):
        assert_balanced(lines)
        assert lines


@settings(max_examples=150, deadline=None)
@given(shares, st.data())
def test_a_management_fee_with_offsets_balances_and_credits_the_net(
    gross: dict[uuid.UUID, Decimal], data: st.DataObject
) -> None:
    total = sum(gross.values(), Decimal(0))
    offset_total = data.draw(st.integers(0, int(total / CENT))) * CENT
    offset = split(offset_total, gross)
    lines = postings.management_fee(CUR, gross, offset)
    assert_balanced(lines)
    payable = [line for line in lines if line.account_code == FundAccount.MANAGEMENT_FEES_PAYABLE]
    assert sum((line.amount for line in payable), Decimal(0)) == -(total - offset_total)


def test_an_offset_above_the_gross_fee_is_refused() -> None:
    with pytest.raises(ValueError, match="exceeds the gross fee"):
        postings.management_fee(CUR, {PARTIES[0]: Decimal("10")}, {PARTIES[0]: Decimal("11")})


@settings(max_examples=150, deadline=None)
@given(shares, shares)
def test_equalization_interest_balances_between_late_and_earlier_partners(
    owed: dict[uuid.UUID, Decimal], weights: dict[uuid.UUID, Decimal]
) -> None:
    earned = split(sum(owed.values(), Decimal(0)), weights)
    assert_balanced(postings.equalization_interest(CUR, owed, earned))
    with pytest.raises(ValueError, match="would not balance"):
        postings.equalization_interest(CUR, owed, {**earned, GP: Decimal("0.01")})


@settings(max_examples=150, deadline=None)
@given(shares, st.data(), st.booleans())
def test_a_declared_distribution_balances_with_tax_and_carry(
    amounts: dict[uuid.UUID, Decimal], data: st.DataObject, with_carry: bool
) -> None:
    declared = {p: (a, data.draw(st.integers(0, int(a / CENT))) * CENT) for p, a in amounts.items()}
    carry = split(data.draw(cents), amounts) if with_carry else {}
    lines = postings.distribution_declared(CUR, declared, carry, GP)
    assert_balanced(lines)
    net = {p: a - w for p, (a, w) in declared.items()}
    assert_balanced(postings.distribution_paid(CUR, net) if any(net.values()) else [])


def test_a_declaration_refuses_tax_above_the_share_and_carry_without_a_gp() -> None:
    with pytest.raises(ValueError, match="exceeds the share"):
        postings.distribution_declared(CUR, {PARTIES[0]: (Decimal("1"), Decimal("2"))})
    with pytest.raises(ValueError, match="GP partner"):
        postings.distribution_declared(
            CUR, {PARTIES[0]: (Decimal("1"), Decimal("0"))}, {PARTIES[0]: Decimal("1")}, None
        )


@settings(max_examples=150, deadline=None)
@given(signed_shares)
def test_a_carry_accrual_balances_whichever_way_it_moves(change: dict[uuid.UUID, Decimal]) -> None:
    assert_balanced(postings.carry_accrual(CUR, change, GP))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(CHART)), signed_cents), min_size=1, max_size=8))
def test_a_transfer_of_interest_balances(moves: list[tuple[str, Decimal]]) -> None:
    lines = postings.interest_transferred(CUR, moves, PARTIES[0], PARTIES[1])
    assert_balanced(lines)
    moved_to = {line.account_code: Decimal(0) for line in lines}
    for line in lines:
        if line.party_id == PARTIES[1]:
            moved_to[line.account_code] += line.amount
    for code, net in moved_to.items():
        assert net == sum((m for c, m in moves if c == code), Decimal(0))


@settings(max_examples=150, deadline=None)
@given(cents, shares, cents, cents, signed_cents, shares)
def test_investment_recipes_balance(
    proceeds: Decimal,
    weights: dict[uuid.UUID, Decimal],
    cost: Decimal,
    sold: Decimal,
    released: Decimal,
    released_weights: dict[uuid.UUID, Decimal],
) -> None:
    assert_balanced(postings.income_received(CUR, proceeds, split(proceeds, weights)))
    gain = sold - cost
    assert_balanced(
        postings.investment_realized(
            CUR,
            proceeds=sold,
            cost=cost,
            gain=split(gain, weights) if gain else {},
            released=released,
            released_shares=split(released, released_weights) if released else {},
        )
    )
    assert_balanced(postings.valuation_changed(CUR, released, split(released, weights)))


@pytest.mark.parametrize(
    ("recipe", "args"),
    [
        (postings.income_received, (Decimal("10"), {PARTIES[0]: Decimal("9")})),
        (postings.valuation_changed, (Decimal("10"), {PARTIES[0]: Decimal("9")})),
    ],
)
def test_figures_that_disagree_are_refused_before_the_ledger(
    recipe: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    with pytest.raises(ValueError, match="would not balance"):
        recipe(CUR, *args)


FUNDS = Path(postings.__file__).resolve().parent


def _writes_ledger_lines(path: Path) -> list[int]:
    """Lines of ``path`` that build a ledger line (``ledger.Line(...)``, ``Line.debit`` ...)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        names = []
        while isinstance(func, ast.Attribute):
            names.append(func.attr)
            func = func.value
        if isinstance(func, ast.Name):
            names.append(func.id)
        dotted = ".".join(reversed(names))
        if dotted in {"ledger.Line", "ledger.Line.debit", "ledger.Line.credit", "Line"} or (
            dotted.startswith("Line.") and dotted != "Line.__name__"
        ):
            found.append(node.lineno)
    return found


def test_every_fund_ledger_recipe_is_in_postings() -> None:
    offenders = {
        str(path.relative_to(FUNDS)): lines
        for path in sorted(FUNDS.rglob("*.py"))
        if path.name != "postings.py" and (lines := _writes_ledger_lines(path))
    }
    assert offenders == {}, f"ledger lines written outside funds/postings.py: {offenders}"
