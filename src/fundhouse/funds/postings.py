"""Every ledger recipe of a fund movement, in one place.

Each function turns the figures of one movement (amounts by partner, in the fund's currency)
into the lines of its journal entry, and nothing else: the services decide the figures, check
them, post the entry with :func:`fundhouse.ledger.service.post_entry` and record what it was
for. The imports of a fund's history post through the same recipes as the workflows do.

A recipe's lines always balance when its figures are consistent; where a recipe is given two
sets of figures that must agree (interest owed and interest earned, say) it refuses figures
that do not, before the ledger would. ``tests/funds/test_postings.py`` checks every recipe on
random figures. A party's share of zero gets no line. Account numbers are the fund chart's
(``ledger/chart.py``); "per LP" lines name the partner as the posting's party.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal

from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.service import Line

Shares = Mapping[uuid.UUID, Decimal]
"""Amounts by partner (investor id); positive unless a recipe says they are signed."""


def _total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal(0))


def _debits(code: str, shares: Shares, currency: str) -> list[Line]:
    return [Line.debit(code, v, currency, party_id=p) for p, v in shares.items() if v]


def _credits(code: str, shares: Shares, currency: str) -> list[Line]:
    return [Line.credit(code, v, currency, party_id=p) for p, v in shares.items() if v]


def _signed(code: str, shares: Shares, currency: str, sign: int) -> list[Line]:
    """``sign`` × each share on a partner account (debit positive), for figures that may be
    gains or losses."""
    return [Line(code, v * sign, currency, p) for p, v in shares.items() if v]


def _agree(first: Decimal, second: Decimal, what: str) -> None:
    if first != second:
        raise ValueError(f"{what}: {first} and {second} differ, the entry would not balance")


# --- capital calls ------------------------------------------------------------------------


def call_issued(currency: str, called: Shares) -> list[Line]:
    """A call issued: Dr 1100 contributions receivable / Cr 3000 partners' capital —
    contributions, per LP."""
    lines: list[Line] = []
    for investor_id, amount in called.items():
        if amount:
            lines.append(
                Line.debit(
                    FundAccount.CONTRIBUTIONS_RECEIVABLE, amount, currency, party_id=investor_id
                )
            )
            lines.append(
                Line.credit(
                    FundAccount.CAPITAL_CONTRIBUTIONS, amount, currency, party_id=investor_id
                )
            )
    return lines


def contributions_received(currency: str, paid: Shares) -> list[Line]:
    """Money received from LPs against their calls: Dr 1000 cash (the total) / Cr 1100 per LP."""
    total = _total(paid.values())
    if not total:
        return []
    return [
        Line.debit(FundAccount.CASH, total, currency),
        *_credits(FundAccount.CONTRIBUTIONS_RECEIVABLE, paid, currency),
    ]


def equalization_interest(currency: str, owed: Shares, earned: Shares) -> list[Line]:
    """Late closers' equalization interest: Dr 1100 per late closer (what each owes) / Cr 4300
    per LP admitted earlier (its share). The two totals must be equal."""
    _agree(
        _total(owed.values()),
        _total(earned.values()),
        "interest owed and interest earned",
    )
    return [
        *_debits(FundAccount.CONTRIBUTIONS_RECEIVABLE, owed, currency),
        *_credits(FundAccount.EQUALIZATION_INTEREST_INCOME, earned, currency),
    ]


# --- fees and expenses --------------------------------------------------------------------


def management_fee(currency: str, gross: Shares, offset: Shares | None = None) -> list[Line]:
    """A management fee billed: Dr 5000 per LP (gross) / Cr 5300 per LP (the transaction fee
    offset) / Cr 2100 management fees payable (the net). A late closer's fee catch-up is the
    same entry without offsets."""
    offset = offset or {}
    net = _total(gross.values()) - _total(offset.values())
    if net < 0:
        raise ValueError(f"the offset exceeds the gross fee by {-net}")
    lines = [
        *_debits(FundAccount.MANAGEMENT_FEE_EXPENSE, gross, currency),
        *_credits(FundAccount.MANAGEMENT_FEE_OFFSET, offset, currency),
    ]
    if net:
        lines.append(Line.credit(FundAccount.MANAGEMENT_FEES_PAYABLE, net, currency))
    return lines


def fund_expense(currency: str, charged: Shares) -> list[Line]:
    """A fund expense: Dr 5100 per partner (its share) / Cr 2200 accrued expenses (the total)."""
    total = _total(charged.values())
    if not total:
        return []
    return [
        *_debits(FundAccount.FUND_EXPENSES, charged, currency),
        Line.credit(FundAccount.ACCRUED_EXPENSES_PAYABLE, total, currency),
    ]


def tax_remitted(currency: str, withheld: Shares) -> list[Line]:
    """Tax withheld from a distribution paid to the authority: Dr 2300 per LP / Cr 1000."""
    total = _total(withheld.values())
    return [
        *_debits(FundAccount.WITHHOLDING_TAX_PAYABLE, withheld, currency),
        Line.credit(FundAccount.CASH, total, currency),
    ]


def expense_paid(currency: str, amount: Decimal) -> list[Line]:
    """A vendor paid: Dr 2200 accrued expenses / Cr 1000 cash."""
    return [
        Line.debit(FundAccount.ACCRUED_EXPENSES_PAYABLE, amount, currency),
        Line.credit(FundAccount.CASH, amount, currency),
    ]


def management_fee_paid(currency: str, amount: Decimal) -> list[Line]:
    """Management fees paid to the manager: Dr 2100 / Cr 1000 cash."""
    return [
        Line.debit(FundAccount.MANAGEMENT_FEES_PAYABLE, amount, currency),
        Line.credit(FundAccount.CASH, amount, currency),
    ]


# --- distributions and carried interest ---------------------------------------------------


def distribution_declared(
    currency: str,
    declared: Mapping[uuid.UUID, tuple[Decimal, Decimal]],
    carry: Shares | None = None,
    gp_investor_id: uuid.UUID | None = None,
) -> list[Line]:
    """A distribution issued. For each partner, ``declared`` holds (its share, the tax withheld
    from it): Dr 3100 the share / Cr 2000 distributions payable the share net of tax / Cr 2300
    the tax. Carried interest the distribution pays the GP: Dr 5200 per LP / Cr 3200 GP."""
    lines: list[Line] = []
    for investor_id, (amount, withheld) in declared.items():
        if withheld > amount:
            raise ValueError(f"the tax withheld ({withheld}) exceeds the share ({amount})")
        if amount:
            lines.append(
                Line.debit(
                    FundAccount.CAPITAL_DISTRIBUTIONS, amount, currency, party_id=investor_id
                )
            )
        if amount - withheld:
            lines.append(
                Line.credit(
                    FundAccount.DISTRIBUTIONS_PAYABLE,
                    amount - withheld,
                    currency,
                    party_id=investor_id,
                )
            )
        if withheld:
            lines.append(
                Line.credit(
                    FundAccount.WITHHOLDING_TAX_PAYABLE, withheld, currency, party_id=investor_id
                )
            )
    return lines + carry_earned(currency, carry or {}, gp_investor_id)


def carry_earned(currency: str, carry: Shares, gp_investor_id: uuid.UUID | None) -> list[Line]:
    """Carried interest earned by the GP out of the LPs' shares: Dr 5200 per LP / Cr 3200 GP."""
    total = _total(carry.values())
    if not total:
        return []
    if gp_investor_id is None:
        raise ValueError("carried interest needs the fund's GP partner")
    return [
        *_debits(FundAccount.CARRIED_INTEREST_ALLOCATION, carry, currency),
        Line.credit(FundAccount.CARRIED_INTEREST_GP, total, currency, party_id=gp_investor_id),
    ]


def accrued_carry_released(
    currency: str, released: Shares, gp_investor_id: uuid.UUID | None
) -> list[Line]:
    """Carry accrued before, released as a distribution pays it: Dr 3200 GP / Cr 5200 per LP
    (the reverse of :func:`carry_earned`)."""
    total = _total(released.values())
    if not total:
        return []
    if gp_investor_id is None:
        raise ValueError("carried interest needs the fund's GP partner")
    return [
        *_credits(FundAccount.CARRIED_INTEREST_ALLOCATION, released, currency),
        Line.debit(FundAccount.CARRIED_INTEREST_GP, total, currency, party_id=gp_investor_id),
    ]


def carry_accrual(currency: str, change: Shares, gp_investor_id: uuid.UUID | None) -> list[Line]:
    """A change in the carry accrued on a hypothetical liquidation, signed by LP (more accrued
    is positive): Dr/Cr 5200 per LP against Cr/Dr 3200 GP."""
    total = _total(change.values())
    lines = _signed(FundAccount.CARRIED_INTEREST_ALLOCATION, change, currency, 1)
    if total:
        if gp_investor_id is None:
            raise ValueError("carried interest needs the fund's GP partner")
        lines.append(Line(FundAccount.CARRIED_INTEREST_GP, -total, currency, gp_investor_id))
    return lines


def distribution_paid(currency: str, net: Shares) -> list[Line]:
    """A distribution paid out: Dr 2000 per partner (its share net of tax) / Cr 1000 cash."""
    total = _total(net.values())
    if not total:
        return []
    return [
        *_debits(FundAccount.DISTRIBUTIONS_PAYABLE, net, currency),
        Line.credit(FundAccount.CASH, total, currency),
    ]


# --- the register -------------------------------------------------------------------------


def interest_transferred(
    currency: str,
    moves: Iterable[tuple[str, Decimal]],
    from_investor_id: uuid.UUID,
    to_investor_id: uuid.UUID,
) -> list[Line]:
    """Part of a partner's interest moved to another: each moved balance (signed, as the
    transferor holds it, debit positive) leaves the transferor's account and lands on the
    transferee's."""
    lines: list[Line] = []
    for code, moved in moves:
        if moved:
            lines.append(Line(code, -moved, currency, from_investor_id))
            lines.append(Line(code, moved, currency, to_investor_id))
    return lines


# --- investments --------------------------------------------------------------------------


def investment_purchased(currency: str, cost: Decimal) -> list[Line]:
    """An investment bought: Dr 1200 investments at cost / Cr 1000 cash."""
    return [
        Line.debit(FundAccount.INVESTMENTS_AT_COST, cost, currency),
        Line.credit(FundAccount.CASH, cost, currency),
    ]


def income_received(currency: str, proceeds: Decimal, allocated: Shares) -> list[Line]:
    """Dividends or interest from a company: Dr 1000 cash / Cr 4200 per partner."""
    _agree(proceeds, _total(allocated.values()), "income received and allocated")
    return [
        Line.debit(FundAccount.CASH, proceeds, currency),
        *_signed(FundAccount.DIVIDEND_AND_INTEREST_INCOME, allocated, currency, -1),
    ]


def investment_realized(
    currency: str,
    *,
    proceeds: Decimal,
    cost: Decimal,
    gain: Shares,
    released: Decimal,
    released_shares: Shares,
) -> list[Line]:
    """A sale or write-off: Dr 1000 the proceeds / Cr 1200 the cost / Cr (Dr) 4000 per partner
    the realized gain (loss, signed); the unrealized appreciation it carried is released:
    Cr 1210 / Dr 4100 per partner (signed)."""
    _agree(proceeds - cost, _total(gain.values()), "realized gain and its allocation")
    _agree(released, _total(released_shares.values()), "appreciation released")
    lines: list[Line] = []
    if proceeds:
        lines.append(Line.debit(FundAccount.CASH, proceeds, currency))
    if cost:
        lines.append(Line.credit(FundAccount.INVESTMENTS_AT_COST, cost, currency))
    lines += _signed(FundAccount.REALIZED_GAIN, gain, currency, -1)
    if released:
        lines.append(Line(FundAccount.UNREALIZED_APPRECIATION, -released, currency))
        lines += _signed(
            FundAccount.CHANGE_IN_UNREALIZED_APPRECIATION, released_shares, currency, 1
        )
    return lines


def valuation_changed(currency: str, change: Decimal, allocated: Shares) -> list[Line]:
    """A company revalued: Dr (Cr) 1210 unrealized appreciation the change, signed / Cr (Dr)
    4100 per partner."""
    _agree(change, _total(allocated.values()), "change in value and its allocation")
    if not change:
        return []
    return [
        Line(FundAccount.UNREALIZED_APPRECIATION, change, currency),
        *_signed(FundAccount.CHANGE_IN_UNREALIZED_APPRECIATION, allocated, currency, -1),
    ]
