"""Tax lots, holding periods, loss harvesting and wash sales.

Conventions pinned here: shared/CONVENTIONS.md, "Tax lots, wash sales and rebalancing".
Tax law behind them: IRS Publication 550 (Investment Income and Expenses), chapter 4
("Holding Period", "Wash Sales"), and Treas. Reg. §1.1091-1 for the matching order.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.lots import (
    HarvestLevel,
    Lot,
    ReliefMethod,
    apply_wash_sales,
    find_harvest_candidates,
    is_long_term,
    long_term_from,
    open_lot,
    relief_order,
    relieve_lots,
    scan_position_losses,
    scan_unrealized_losses,
    sell_lots,
)

D = Decimal


def buy(
    lot_id: str,
    day: date,
    quantity: int | str,
    price: str,
    *,
    security: str = "XYZ",
    fee: str = "0",
    account: str = "taxable",
    sequence: int = 0,
) -> Lot:
    return open_lot(
        lot_id,
        security,
        day,
        D(quantity),
        D(price),
        fee=D(fee),
        account=account,
        sequence=sequence,
    )


# --- Holding period ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acquired", "sold_on", "expected"),
    [
        # IRS Publication 550, "Holding Period": count from the day after acquisition; the
        # sale day is included. Bought 2023-03-15 -> period starts 2023-03-16.
        (date(2023, 3, 15), date(2024, 3, 15), False),  # exactly one year: short term
        (date(2023, 3, 15), date(2024, 3, 16), True),  # one year and a day: long term
        # Bought on 29 Feb 2024: period starts 1 Mar 2024, one year ends 28 Feb 2025.
        (date(2024, 2, 29), date(2025, 2, 28), False),
        (date(2024, 2, 29), date(2025, 3, 1), True),
        # Bought 28 Feb 2023: period starts 1 Mar 2023 and one year ends 29 Feb 2024.
        (date(2023, 2, 28), date(2024, 2, 29), False),
        (date(2023, 2, 28), date(2024, 3, 1), True),
        # Bought 28 Feb 2024: period starts 29 Feb 2024; its year ends 28 Feb 2025.
        (date(2024, 2, 28), date(2025, 2, 28), False),
        (date(2024, 2, 28), date(2025, 3, 1), True),
        (date(2023, 1, 10), date(2023, 1, 10), False),
    ],
)
def test_long_term_counts_from_the_day_after_acquisition(
    acquired: date, sold_on: date, expected: bool
) -> None:
    assert is_long_term(acquired, sold_on) is expected


def test_long_term_from_is_the_first_long_term_sale_date() -> None:
    assert long_term_from(date(2023, 3, 15)) == date(2024, 3, 16)
    assert long_term_from(date(2024, 2, 29)) == date(2025, 3, 1)
    assert long_term_from(date(2023, 12, 31)) == date(2025, 1, 1)


# --- Relief order ----------------------------------------------------------------------------


def position() -> list[Lot]:
    # Cost per share, buy fee included: a 10.10, b 12.10, c 12.10 (same day as b, bought
    # after it), d 9.00.
    return [
        buy("c", date(2023, 2, 1), 10, "12", fee="1", sequence=2),
        buy("a", date(2023, 1, 5), 10, "10", fee="1"),
        buy("b", date(2023, 2, 1), 10, "12", fee="1", sequence=1),
        buy("d", date(2023, 3, 1), 10, "9"),
    ]


def ids(lots: tuple[Lot, ...]) -> list[str]:
    return [lot.lot_id for lot in lots]


def test_fifo_relieves_earliest_first_and_same_day_lots_in_order_bought() -> None:
    # shared/CONVENTIONS.md, "Lots": lots bought on the same day go in the order bought.
    assert ids(relief_order(position(), ReliefMethod.FIFO)) == ["a", "b", "c", "d"]


def test_lifo_relieves_latest_first_and_same_day_lots_last_bought_first() -> None:
    assert ids(relief_order(position(), ReliefMethod.LIFO)) == ["d", "c", "b", "a"]


def test_hifo_relieves_highest_cost_first_with_ties_to_the_earliest_acquired() -> None:
    # shared/CONVENTIONS.md, "Lots": HIFO ties go to the earliest acquired lot; buy fees are
    # part of the cost per share.
    # b and c tie at 12.10 a share, bought the same day: b was bought first.
    assert ids(relief_order(position(), ReliefMethod.HIFO)) == ["b", "c", "a", "d"]


def test_hifo_tie_between_days_goes_to_the_earlier_lot() -> None:
    lots = [
        buy("late", date(2023, 5, 1), 5, "20"),
        buy("early", date(2023, 4, 1), 10, "20"),
    ]
    assert ids(relief_order(lots, "hifo")) == ["early", "late"]


def test_partial_relief_takes_whole_lots_then_part_of_the_next() -> None:
    relieved = relieve_lots(position(), D(15), ReliefMethod.FIFO)
    assert [(lot.lot_id, q) for lot, q in relieved] == [("a", D(10)), ("b", D(5))]


def test_specific_lot_relief_uses_the_lots_named() -> None:
    relieved = relieve_lots(
        position(), D(7), ReliefMethod.SPECIFIC, specific={"d": D(4), "a": D(3)}
    )
    assert [(lot.lot_id, q) for lot, q in relieved] == [("d", D(4)), ("a", D(3))]


def test_specific_lots_must_add_up_to_the_quantity_sold() -> None:
    with pytest.raises(ValueError, match="add up to"):
        relieve_lots(position(), D(7), ReliefMethod.SPECIFIC, specific={"d": D(4)})


# --- Realized gains ------------------------------------------------------------------------


def test_fees_are_split_pro_rata_on_a_partial_lot() -> None:
    # shared/CONVENTIONS.md: buy fees are part of basis, sell fees reduce proceeds, both split
    # pro rata on partial lots. Bought 100 @ 10 + fee 10 -> basis 1,010.
    # Sell 40 @ 12 with fee 8: proceeds 40 × 12 − 8 = 472; basis 1,010 × 40/100 = 404;
    # gain 472 − 404 = 68. Left: 60 shares with basis 1,010 − 404 = 606.
    lot = buy("a", date(2023, 1, 3), 100, "10", fee="10")
    sale = sell_lots([lot], quantity=D(40), price=D(12), sold_on=date(2023, 6, 1), fee=D(8))
    (part,) = sale.realized
    assert (part.proceeds, part.basis, part.gain) == (D(472), D(404), D(68))
    assert sale.remaining == (Lot("a", "XYZ", date(2023, 1, 3), D(60), D(606), "taxable"),)
    assert sale.short_term_gain == D(68) and sale.long_term_gain == 0


def test_sale_across_lots_splits_proceeds_and_terms() -> None:
    # FIFO sale of 150 @ 12, fee 15, on 2023-12-01: net proceeds 1,800 − 15 = 1,785.
    # Lot A (100 @ 10, 2022-01-03): proceeds 1,785 × 100/150 = 1,190, basis 1,000,
    #   gain 190, long term (held from 2022-01-04, long from 2023-01-04).
    # Lot B (50 of 100 @ 14 = 1,400, 2023-06-01): proceeds 1,785 × 50/150 = 595, basis
    #   1,400 × 50/100 = 700; gain 595 − 700 = −105, short term.
    lots = [buy("A", date(2022, 1, 3), 100, "10"), buy("B", date(2023, 6, 1), 100, "14")]
    sale = sell_lots(lots, quantity=D(150), price=D(12), sold_on=date(2023, 12, 1), fee=D(15))
    a, b = sale.realized
    assert (a.lot_id, a.proceeds, a.basis, a.gain, a.is_long_term) == (
        "A",
        D(1190),
        D(1000),
        D(190),
        True,
    )
    assert (b.lot_id, b.proceeds, b.basis, b.gain, b.is_long_term) == (
        "B",
        D(595),
        D(700),
        D(-105),
        False,
    )
    assert sale.long_term_gain == D(190)
    assert sale.short_term_gain == D(-105)
    assert sale.gain == D(85) == sale.proceeds - sale.basis


def test_hifo_sale_realizes_the_smallest_gain() -> None:
    # HIFO sells b (12.10) then c (12.10): 20 @ 13 = 260 − basis 242 = 18.
    sale = sell_lots(
        position(), quantity=D(20), price=D(13), sold_on=date(2023, 6, 1), method="hifo"
    )
    assert [r.lot_id for r in sale.realized] == ["b", "c"]
    assert sale.gain == D(18)


def test_thirds_are_split_exactly() -> None:
    # 100 / 3 has no finite decimal expansion: the parts still add up to the whole.
    lots = [buy("a", date(2023, 1, 3), 1, "100"), buy("b", date(2023, 1, 4), 2, "0")]
    sale = sell_lots(lots, quantity=D(3), price=D(1), sold_on=date(2023, 2, 1), fee=D(1))
    assert sum(r.proceeds for r in sale.realized) == D(2)
    assert sale.gain == D(2) - D(100)


def test_selling_more_than_held_is_refused() -> None:
    with pytest.raises(ValueError, match="hold only 40"):
        sell_lots(position(), quantity=D(41), price=D(1), sold_on=date(2024, 1, 1))


def test_money_must_be_decimal_not_float() -> None:
    with pytest.raises(ValueError, match="decimal.Decimal"):
        Lot("a", "XYZ", date(2023, 1, 1), 1.5, D(1))  # type: ignore[arg-type]


def test_a_lot_cannot_be_sold_before_it_was_bought() -> None:
    with pytest.raises(ValueError, match="after the sale date"):
        sell_lots(
            [buy("a", date(2023, 5, 1), 1, "1")],
            quantity=D(1),
            price=D(1),
            sold_on=date(2023, 4, 1),
        )


def test_lots_of_different_securities_are_not_one_position() -> None:
    lots = [buy("a", date(2023, 1, 1), 1, "1"), buy("b", date(2023, 1, 1), 1, "1", security="ABC")]
    with pytest.raises(ValueError, match="share a security"):
        relieve_lots(lots, D(1))


prices_in_cents = st.integers(min_value=1, max_value=50_000).map(lambda c: D(c) / 100)
quantities = st.integers(min_value=1, max_value=5_000).map(lambda m: D(m) / 10)


@st.composite
def positions_and_sales(draw: st.DrawFn) -> tuple[list[Lot], Decimal, Decimal, Decimal, str]:
    count = draw(st.integers(min_value=1, max_value=6))
    lots = [
        buy(
            f"L{i}",
            date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 700))),
            str(draw(quantities)),
            str(draw(prices_in_cents)),
            fee=str(D(draw(st.integers(0, 2000))) / 100),
            sequence=draw(st.integers(0, 3)),
        )
        for i in range(count)
    ]
    held = sum(lot.quantity for lot in lots)
    quantity = D(draw(st.integers(min_value=1, max_value=int(held * 10)))) / 10
    price = draw(prices_in_cents)
    fee = D(draw(st.integers(0, 1000))) / 100
    method = draw(st.sampled_from(["fifo", "lifo", "hifo"]))
    return lots, quantity, price, fee, method


@settings(max_examples=150, deadline=None)
@given(positions_and_sales())
def test_relief_conserves_shares_basis_and_proceeds(
    case: tuple[list[Lot], Decimal, Decimal, Decimal, str],
) -> None:
    lots, quantity, price, fee, method = case
    sale = sell_lots(
        lots, quantity=quantity, price=price, sold_on=date(2024, 6, 30), fee=fee, method=method
    )
    relieved_basis = sum(r.basis for r in sale.realized)
    # Relieved lots equal the quantity sold; remaining lots hold the rest.
    assert sum(r.quantity for r in sale.realized) == quantity
    assert (
        sum(lot.quantity for lot in sale.remaining) == sum(lot.quantity for lot in lots) - quantity
    )
    # Proceeds are net of the sell fee; gain = proceeds − relieved basis; basis is conserved.
    assert sum(r.proceeds for r in sale.realized) == quantity * price - fee == sale.proceeds
    assert sale.gain == sale.proceeds - relieved_basis
    assert sale.short_term_gain + sale.long_term_gain == sale.gain
    total_basis = sum(lot.basis for lot in lots)
    assert abs(relieved_basis + sum(lot.basis for lot in sale.remaining) - total_basis) <= D(
        "1e-30"
    )
    # Only the last lot relieved may be partial, and it follows the method's order.
    order = ids(relief_order(lots, method))
    relieved_ids = [r.lot_id for r in sale.realized]
    assert relieved_ids == order[: len(relieved_ids)]
    by_id = {lot.lot_id: lot for lot in lots}
    assert all(r.quantity == by_id[r.lot_id].quantity for r in sale.realized[:-1])


# --- Loss harvesting -------------------------------------------------------------------------


def harvest_lots() -> list[Lot]:
    return [
        buy("A1", date(2022, 1, 3), 100, "10"),  # XYZ: basis 1,000, at 8 worth 800 -> loss 200
        buy("A2", date(2023, 9, 1), 50, "6"),  # XYZ: basis 300, worth 400 -> gain 100
        buy("B1", date(2023, 9, 1), 10, "50", security="ABC"),  # basis 500, worth 400: loss 100
    ]


HARVEST_PRICES = {"XYZ": D(8), "ABC": D(40)}


def test_harvest_candidates_per_lot_are_strictly_above_the_threshold() -> None:
    found = find_harvest_candidates(
        harvest_lots(),
        HARVEST_PRICES,
        threshold=D(100),
        substitutes={"XYZ": ["XYZ-ALT"]},
        as_of=date(2023, 10, 1),
    )
    # A1 loses 200 > 100; B1 loses exactly 100, which is not above the threshold.
    assert [c.lot_ids for c in found] == [("A1",)]
    (a1,) = found
    assert (a1.unrealized_loss, a1.basis, a1.market_value) == (D(200), D(1000), D(800))
    assert a1.is_long_term is True
    assert a1.substitutes == ("XYZ-ALT",)


def test_harvest_candidates_per_position_net_the_lots() -> None:
    # XYZ: basis 1,300 − value 1,200 = loss 100; ABC: loss 100. Ties keep input order.
    found = find_harvest_candidates(
        harvest_lots(), HARVEST_PRICES, threshold=D("99.99"), level=HarvestLevel.POSITION
    )
    assert [(c.security, c.lot_ids, c.unrealized_loss) for c in found] == [
        ("XYZ", ("A1", "A2"), D(100)),
        ("ABC", ("B1",), D(100)),
    ]
    assert all(c.is_long_term is None for c in found)
    assert (
        find_harvest_candidates(harvest_lots(), HARVEST_PRICES, threshold=D(100), level="position")
        == ()
    )


def test_harvest_confirms_boundaries_exactly() -> None:
    # 3 × 33.33 = 99.99 against a basis of 199.99: the loss is exactly 100.00, which is not
    # above a threshold of 100 (in float64, 199.99 − 99.99 is 100.00000000000001).
    lots = [Lot("a", "XYZ", date(2023, 1, 3), D(3), D("199.99"))]
    prices = {"XYZ": D("33.33")}
    assert find_harvest_candidates(lots, prices, threshold=D(100)) == ()
    assert len(find_harvest_candidates(lots, prices, threshold=D("99.999999"))) == 1


def test_vectorized_scan_agrees_with_a_plain_loop() -> None:
    rng = np.random.default_rng(7)
    quantity = rng.integers(1, 1000, 20_000).astype(float)
    basis = np.round(quantity * rng.uniform(5, 50, 20_000), 2)
    price = np.round(rng.uniform(5, 50, 20_000), 2)
    flags = scan_unrealized_losses(quantity, basis, price, 250.0)
    expected = [b - q * p > 250.0 for q, b, p in zip(quantity, basis, price, strict=True)]
    assert flags.tolist() == expected
    assert 0 < flags.sum() < len(flags)


def test_vectorized_position_scan_agrees_with_a_plain_loop() -> None:
    rng = np.random.default_rng(8)
    position = rng.integers(0, 300, 20_000)
    quantity = rng.integers(1, 1000, 20_000).astype(float)
    price = np.round(rng.uniform(5, 50, 300), 2)[position]
    basis = np.round(quantity * price * rng.uniform(0.7, 1.3, 20_000), 2)
    loss: dict[int, float] = {}
    for code, q, b, p in zip(position.tolist(), quantity, basis, price, strict=True):
        loss[code] = loss.get(code, 0.0) + b - q * p
    flags = scan_position_losses(position, quantity, basis, price, 1_000.0)
    assert flags.tolist() == [loss.get(code, 0.0) > 1_000.0 for code in range(len(flags))]
    assert 0 < flags.sum() < len(flags)
    # The position-level and the exact lot-object answers agree on a small book.
    lots = [
        Lot(f"L{i}", f"S{position[i]}", date(2023, 1, 3), D(int(quantity[i])), D(str(basis[i])))
        for i in range(2_000)
    ]
    prices = {f"S{c}": D(str(p)) for c, p in zip(position[:2_000], price[:2_000], strict=True)}
    exact = find_harvest_candidates(lots, prices, threshold=D(1000), level="position")
    small = scan_position_losses(
        position[:2_000], quantity[:2_000], basis[:2_000], price[:2_000], 1_000.0
    )
    assert sorted(c.security for c in exact) == sorted(f"S{c}" for c in np.flatnonzero(small))


def test_harvest_needs_a_price_for_every_security() -> None:
    with pytest.raises(ValueError, match="no price for ABC"):
        find_harvest_candidates(harvest_lots(), {"XYZ": D(8)}, threshold=D(0))


# --- Wash sales ------------------------------------------------------------------------------

SOLD = date(2023, 6, 1)


def loss_sale(
    quantity: int = 100, *, security: str = "XYZ", account: str = "taxable"
) -> tuple[Lot, list]:
    """100 shares bought for 1,000 on 2023-01-03, sold for 750 on 2023-06-01: loss 250."""
    lot = buy("old", date(2023, 1, 3), 100, "10", security=security, account=account)
    sale = sell_lots([lot], quantity=D(quantity), price=D("7.5"), sold_on=SOLD)
    return lot, list(sale.realized)


def test_wash_sale_adds_the_disallowed_loss_to_the_replacement_basis() -> None:
    # IRS Publication 550, "Wash Sales", example 1: buy 100 shares for 1,000, sell them for
    # 750, buy 100 shares within 30 days for 800: the 250 loss is disallowed and the new
    # shares' basis is 800 + 250 = 1,050.
    old, realized = loss_sale()
    new = buy("new", date(2023, 6, 20), 100, "8")
    result = apply_wash_sales(realized, [old, new])
    (wash,) = result.wash_sales
    assert (wash.quantity, wash.disallowed_loss, wash.basis_adjustment) == (D(100), D(250), D(250))
    assert result.realized[0].disallowed_loss == D(250)
    assert result.realized[0].recognized_gain == 0
    adjusted = {lot.lot_id: lot for lot in result.lots}
    assert adjusted["new"].basis == D(1050)
    assert adjusted["old"] == old


def test_wash_sale_is_pro_rata_to_the_shares_bought_back() -> None:
    # IRS Publication 550, "Wash Sales", example 2: sell 100 shares at a 250 loss, buy back 75
    # shares for 750: 75/100 × 250 = 187.50 is disallowed, 62.50 is deductible, and the 75
    # new shares have basis 750 + 187.50 = 937.50.
    old, realized = loss_sale()
    new = buy("new", date(2023, 6, 20), 75, "10")
    result = apply_wash_sales(realized, [old, new])
    assert result.disallowed_loss == D("187.5")
    assert result.realized[0].recognized_gain == D("-62.5")
    assert {lot.lot_id: lot.basis for lot in result.lots}["new"] == D("937.5")


def test_replacement_holding_period_includes_the_sold_lots() -> None:
    # IRS Publication 550: the new shares' holding period includes the old shares'.
    # Old lot bought 2023-01-03 and sold 2023-06-01: held 149 days. New lot bought
    # 2023-06-20: its holding period counts from 2023-06-20 − 149 days = 2023-01-22, so a sale
    # is long term from 2024-01-23 although the shares were bought in June 2023.
    old, realized = loss_sale()
    new = buy("new", date(2023, 6, 20), 100, "8")
    result = apply_wash_sales(realized, [old, new])
    adjusted = {lot.lot_id: lot for lot in result.lots}["new"]
    assert adjusted.holding_from == date(2023, 1, 22)
    assert result.wash_sales[0].replacement_holding_from == date(2023, 1, 22)
    later = sell_lots([adjusted], quantity=D(100), price=D(9), sold_on=date(2024, 1, 23))
    assert later.realized[0].is_long_term
    assert later.gain == D(900) - D(1050)
    earlier = sell_lots([adjusted], quantity=D(100), price=D(9), sold_on=date(2024, 1, 22))
    assert not earlier.realized[0].is_long_term


@pytest.mark.parametrize(
    ("bought", "is_wash"),
    [
        (SOLD - timedelta(days=31), False),
        (SOLD - timedelta(days=30), True),  # 2023-05-02: 30 days before, inclusive
        (SOLD, True),
        (SOLD + timedelta(days=30), True),  # 2023-07-01: 30 days after, inclusive
        (SOLD + timedelta(days=31), False),
    ],
)
def test_window_is_thirty_days_before_and_after_inclusive(bought: date, is_wash: bool) -> None:
    # shared/CONVENTIONS.md, "Wash sale": within 30 days before or after the sale (inclusive).
    old, realized = loss_sale()
    other = buy("other", bought, 100, "8")
    result = apply_wash_sales(realized, [old, other])
    assert (result.disallowed_loss == D(250)) is is_wash
    assert bool(result.wash_sales) is is_wash


def test_replacement_in_an_ira_disallows_the_loss_without_basis_increase() -> None:
    # shared/CONVENTIONS.md (and Rev. Rul. 2008-5): bought back in an IRA, the loss is
    # disallowed and the IRA shares' basis is not increased.
    old, realized = loss_sale()
    ira = buy("ira-lot", date(2023, 6, 10), 100, "8", account="ira")
    result = apply_wash_sales(realized, [old, ira], retirement_accounts={"ira"})
    (wash,) = result.wash_sales
    assert (wash.disallowed_loss, wash.basis_adjustment, wash.is_retirement_replacement) == (
        D(250),
        D(0),
        True,
    )
    assert {lot.lot_id: lot for lot in result.lots}["ira-lot"] == ira
    assert result.realized[0].recognized_gain == 0


def test_purchase_in_another_taxable_account_is_a_replacement() -> None:
    old, realized = loss_sale()
    spouse = buy("joint-lot", date(2023, 6, 5), 100, "8", account="joint")
    result = apply_wash_sales(realized, [old, spouse])
    assert {lot.lot_id: lot.basis for lot in result.lots}["joint-lot"] == D(1050)


def test_rest_of_the_same_purchase_is_not_a_replacement() -> None:
    # Bought 100 on 2023-05-20, sold 40 of them at a loss on 2023-06-01: the other 60 came in
    # the same purchase and are not the sale's replacement (shared/CONVENTIONS.md).
    lot = buy("recent", date(2023, 5, 20), 100, "10")
    sale = sell_lots([lot], quantity=D(40), price=D(8), sold_on=SOLD)
    result = apply_wash_sales(sale.realized, [lot])
    assert result.wash_sales == ()
    assert result.realized[0].recognized_gain == D(-80)


def test_shares_sold_in_the_same_sale_are_not_replacements() -> None:
    # Two lots bought within 30 days before the sale are both sold in it: no wash sale.
    first = buy("first", date(2023, 5, 10), 100, "10")
    second = buy("second", date(2023, 5, 20), 100, "9")
    sale = sell_lots([first, second], quantity=D(200), price=D(8), sold_on=SOLD)
    assert apply_wash_sales(sale.realized, [first, second]).wash_sales == ()


def test_doubling_up_before_the_sale_is_a_wash_sale() -> None:
    # Old lot sold FIFO at a loss; a lot bought 12 days before the sale and kept replaces it:
    # loss 250 disallowed, added to that lot's basis (900 + 250).
    old = buy("old", date(2023, 1, 3), 100, "10")
    double = buy("double", date(2023, 5, 20), 100, "9")
    sale = sell_lots([old, double], quantity=D(100), price=D("7.5"), sold_on=SOLD)
    result = apply_wash_sales(sale.realized, [old, double])
    assert {lot.lot_id: lot.basis for lot in result.lots}["double"] == D(1150)


def test_a_replacement_share_absorbs_only_one_wash_sale() -> None:
    # Two loss sales of 100 shares (2023-06-01 and 2023-06-05, loss 200 each) and one purchase
    # of 100 shares on 2023-06-10: it replaces the first sale only (earliest sale first).
    first = buy("first", date(2023, 1, 3), 100, "10")
    second = buy("second", date(2023, 1, 4), 100, "10")
    sale1 = sell_lots([first], quantity=D(100), price=D(8), sold_on=date(2023, 6, 1))
    sale2 = sell_lots([second], quantity=D(100), price=D(8), sold_on=date(2023, 6, 5), sale_id="s2")
    new = buy("new", date(2023, 6, 10), 100, "8.5")
    result = apply_wash_sales([*sale2.realized, *sale1.realized], [first, second, new])
    (wash,) = result.wash_sales
    assert wash.sold_lot_id == "first"
    assert {r.lot_id: r.recognized_gain for r in result.realized} == {
        "first": D(0),
        "second": D(-200),
    }
    assert {lot.lot_id: lot.basis for lot in result.lots}["new"] == D(850) + D(200)


def test_partial_replacement_is_split_and_earliest_purchase_matched_first() -> None:
    # Loss 250 on 100 shares. Replacements: R2 60 shares on 2023-06-05 (earliest), R1 100
    # shares on 2023-06-10. R2 absorbs 60 shares (250 × 60/100 = 150), R1 absorbs 40
    # (250 × 40/100 = 100): R1 splits into R1.w1 (40 shares, basis 320 + 100) and R1 (60
    # shares, basis 480, unchanged holding period).
    old, realized = loss_sale()
    r1 = buy("R1", date(2023, 6, 10), 100, "8")
    r2 = buy("R2", date(2023, 6, 5), 60, "8")
    result = apply_wash_sales(realized, [old, r1, r2])
    assert [(w.replacement_lot_id, w.quantity, w.disallowed_loss) for w in result.wash_sales] == [
        ("R2", D(60), D(150)),
        ("R1", D(40), D(100)),
    ]
    lots = {lot.lot_id: lot for lot in result.lots}
    assert (lots["R2"].quantity, lots["R2"].basis) == (D(60), D(480) + D(150))
    assert (lots["R1.w1"].quantity, lots["R1.w1"].basis) == (D(40), D(320) + D(100))
    assert (lots["R1"].quantity, lots["R1"].basis, lots["R1"].holding_from) == (D(60), D(480), None)
    assert lots["R1.w1"].purchase == "R1"
    assert result.wash_sales[1].adjusted_lot_id == "R1.w1"


def test_substantially_identical_securities_are_grouped_by_mapping() -> None:
    old, realized = loss_sale(security="FUND-A")
    other_class = buy("b", date(2023, 6, 10), 100, "8", security="FUND-B")
    assert apply_wash_sales(realized, [old, other_class]).wash_sales == ()
    grouped = apply_wash_sales(
        realized, [old, other_class], substantially_identical={"FUND-A": "FUND", "FUND-B": "FUND"}
    )
    assert grouped.disallowed_loss == D(250)


def test_gains_and_ira_losses_are_never_wash_sales() -> None:
    lot = buy("old", date(2023, 1, 3), 100, "5")
    gain = sell_lots([lot], quantity=D(100), price=D(8), sold_on=SOLD)
    new = buy("new", date(2023, 6, 10), 100, "8")
    assert apply_wash_sales(gain.realized, [lot, new]).wash_sales == ()
    ira_old, ira_loss = loss_sale(account="ira")
    assert apply_wash_sales(ira_loss, [ira_old, new], retirement_accounts={"ira"}).wash_sales == ()


@st.composite
def trading_histories(draw: st.DrawFn) -> tuple[list, list[Lot]]:
    start = date(2023, 1, 1)
    purchases = [
        buy(
            f"P{i}",
            start + timedelta(days=draw(st.integers(0, 120))),
            str(draw(st.integers(1, 200))),
            str(draw(prices_in_cents)),
            account=draw(st.sampled_from(["taxable", "joint", "ira"])),
            security=draw(st.sampled_from(["XYZ", "ABC"])),
        )
        for i in range(draw(st.integers(1, 8)))
    ]
    realized = []
    for k, lot in enumerate(purchases):
        if draw(st.booleans()):
            sold_on = lot.acquired + timedelta(days=draw(st.integers(0, 90)))
            quantity = D(draw(st.integers(1, int(lot.quantity))))
            sale = sell_lots(
                [lot],
                quantity=quantity,
                price=draw(prices_in_cents),
                sold_on=sold_on,
                sale_id=f"S{k}",
            )
            realized.extend(sale.realized)
    return realized, purchases


@settings(max_examples=150, deadline=None)
@given(trading_histories())
def test_wash_sales_conserve_shares_and_move_only_disallowed_losses(
    case: tuple[list, list[Lot]],
) -> None:
    realized, purchases = case
    result = apply_wash_sales(realized, purchases, retirement_accounts={"ira"})
    for before, after in zip(realized, result.realized, strict=True):
        loss = max(before.basis - before.proceeds, D(0))
        assert 0 <= after.disallowed_loss <= loss
    for wash in result.wash_sales:
        assert abs((wash.replacement_acquired - wash.sold_on).days) <= 30
        assert wash.replacement_security == wash.security
    absorbed: dict[str, Decimal] = {}
    for wash in result.wash_sales:
        absorbed[wash.replacement_lot_id] = (
            absorbed.get(wash.replacement_lot_id, D(0)) + wash.quantity
        )
    by_id = {lot.lot_id: lot for lot in purchases}
    assert all(absorbed[i] <= by_id[i].quantity for i in absorbed)
    assert sum(lot.quantity for lot in result.lots) == sum(lot.quantity for lot in purchases)
    added = sum(w.basis_adjustment for w in result.wash_sales)
    assert sum(lot.basis for lot in result.lots) == sum(lot.basis for lot in purchases) + added
    assert result.disallowed_loss == sum(r.disallowed_loss for r in result.realized)
