"""Balances, partner balances and the trial balance are sums of postings, as of a date."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from fundhouse.ledger import service
from fundhouse.ledger.chart import FundAccount as A
from fundhouse.ledger.models import AccountType
from fundhouse.ledger.service import AccountBalance, Line, TrialBalanceRow
from fundhouse.platform.errors import Forbidden, Invalid, NotFound

from .conftest import D, count_queries, make_actor, make_org
from .test_posting import LP_A, LP_B, capital_call_lines, post

GP = uuid.UUID("00000000-0000-0000-0000-0000000000c3")
CALL, PAID, BUY, FEE = date(2025, 3, 31), date(2025, 4, 15), date(2025, 5, 1), date(2025, 7, 1)


def fund_year(db, actor, book):
    """A small fund's first months: a call, the money coming in, a purchase and a fee."""
    post(db, actor, book, capital_call_lines("600000.00", "400000.00"), entry_date=CALL)
    post(
        db,
        actor,
        book,
        [
            Line.debit(A.CASH, D("1000000.00"), "USD"),
            Line.credit(A.CONTRIBUTIONS_RECEIVABLE, D("600000.00"), "USD", party_id=LP_A),
            Line.credit(A.CONTRIBUTIONS_RECEIVABLE, D("400000.00"), "USD", party_id=LP_B),
        ],
        entry_date=PAID,
        memo="Contributions received",
    )
    post(
        db,
        actor,
        book,
        [
            Line.debit(A.INVESTMENTS_AT_COST, D("700000.00"), "USD"),
            Line.credit(A.CASH, D("700000.00"), "USD"),
        ],
        entry_date=BUY,
        memo="Series A, Acme Robotics",
    )
    post(
        db,
        actor,
        book,
        [
            Line.debit(A.MANAGEMENT_FEE_EXPENSE, D("3000.00"), "USD", party_id=LP_A),
            Line.debit(A.MANAGEMENT_FEE_EXPENSE, D("2000.00"), "USD", party_id=LP_B),
            Line.credit(A.MANAGEMENT_FEES_PAYABLE, D("5000.00"), "USD"),
        ],
        entry_date=FEE,
        memo="Management fee Q3",
    )


def test_trial_balance_of_a_worked_example(db, actor, book):
    fund_year(db, actor, book)
    tb = service.trial_balance(db, actor, book.id, date(2025, 12, 31))

    assert tb.rows == [
        TrialBalanceRow("1000", "Cash", AccountType.ASSET, "USD", D("300000.00"), D("0")),
        TrialBalanceRow(
            "1200", "Investments at cost", AccountType.ASSET, "USD", D("700000.00"), D("0")
        ),
        TrialBalanceRow(
            "2100", "Management fees payable", AccountType.LIABILITY, "USD", D("0"), D("5000.00")
        ),
        TrialBalanceRow(
            "3000",
            "Partners' capital — contributions",
            AccountType.EQUITY,
            "USD",
            D("0"),
            D("1000000.00"),
        ),
        TrialBalanceRow(
            "5000", "Management fee expense", AccountType.EXPENSE, "USD", D("5000.00"), D("0")
        ),
    ]
    assert tb.total_debits == tb.total_credits == {"USD": D("1005000.00")}
    assert tb.is_balanced


def test_balances_respect_the_as_of_date(db, actor, book):
    fund_year(db, actor, book)

    def cash(as_of):
        found = [
            b
            for b in service.account_balances(db, actor, book.id, as_of)
            if b.account_code == "1000"
        ]
        return found[0].balance if found else None

    assert cash(CALL) is None
    assert cash(PAID) == D("1000000.00")
    assert cash(date(2025, 4, 30)) == D("1000000.00")
    assert cash(BUY) == D("300000.00")
    assert service.trial_balance(db, actor, book.id, date(2025, 1, 1)).rows == []
    # One account's balance alone agrees, and is zero before its first posting.
    for day in (CALL, PAID, BUY):
        assert service.account_balance(db, actor, book.id, "1000", day) == (cash(day) or 0)
    assert service.account_balance(db, actor, book.id, "1000", BUY, currency="EUR") == 0


def test_since_gives_one_periods_activity(db, actor, book):
    fund_year(db, actor, book)
    activity = service.account_balances(db, actor, book.id, date(2025, 6, 30), since=PAID)
    assert (
        AccountBalance(
            "1000",
            "Cash",
            AccountType.ASSET,
            "USD",
            D("1000000.00"),
            D("700000.00"),
            D("300000.00"),
        )
        in activity
    )
    assert {b.account_code for b in activity} == {"1000", "1100", "1200"}
    receivable = next(b for b in activity if b.account_code == "1100")
    assert (receivable.debits, receivable.credits, receivable.balance) == (
        D("0"),
        D("1000000.00"),
        D("-1000000.00"),
    )
    with pytest.raises(Invalid) as refused:
        service.account_balances(db, actor, book.id, date(2025, 1, 1), since=date(2025, 2, 1))
    assert refused.value.errors[0].field == "since"


def test_partner_balances_per_partner_and_account(db, actor, book):
    fund_year(db, actor, book)
    codes = [A.CAPITAL_CONTRIBUTIONS, A.MANAGEMENT_FEE_EXPENSE, A.CONTRIBUTIONS_RECEIVABLE]

    assert service.partner_balances(db, actor, book.id, codes, date(2025, 12, 31)) == {
        (LP_A, "3000"): D("-600000.00"),
        (LP_B, "3000"): D("-400000.00"),
        (LP_A, "5000"): D("3000.00"),
        (LP_B, "5000"): D("2000.00"),
        (LP_A, "1100"): D("0.00"),
        (LP_B, "1100"): D("0.00"),
    }
    assert service.partner_balances(db, actor, book.id, codes, CALL) == {
        (LP_A, "3000"): D("-600000.00"),
        (LP_B, "3000"): D("-400000.00"),
        (LP_A, "1100"): D("600000.00"),
        (LP_B, "1100"): D("400000.00"),
    }
    assert service.partner_balances(
        db, actor, book.id, ["5000"], date(2025, 12, 31), since=BUY
    ) == {
        (LP_A, "5000"): D("3000.00"),
        (LP_B, "5000"): D("2000.00"),
    }


def test_partner_balances_add_one_currency_only(db, actor, book):
    post(db, actor, book, capital_call_lines("10.00", "20.00"))
    eur = [
        Line.debit(A.CONTRIBUTIONS_RECEIVABLE, D("7.00"), "EUR", party_id=LP_A),
        Line.credit(A.CAPITAL_CONTRIBUTIONS, D("7.00"), "EUR", party_id=LP_A),
    ]
    post(db, actor, book, eur)
    as_of = date(2025, 12, 31)
    assert service.partner_balances(db, actor, book.id, ["3000"], as_of) == {
        (LP_A, "3000"): D("-10.00"),
        (LP_B, "3000"): D("-20.00"),
    }
    assert service.partner_balances(db, actor, book.id, ["3000"], as_of, currency="EUR") == {
        (LP_A, "3000"): D("-7.00"),
    }


def test_partner_balances_take_one_query_whatever_the_number_of_partners(db, actor, book):
    def call_for(partners):
        lines = []
        for _ in range(partners):
            party = uuid.uuid4()
            lines.append(Line.debit(A.CONTRIBUTIONS_RECEIVABLE, D("1.00"), "USD", party_id=party))
            lines.append(Line.credit(A.CAPITAL_CONTRIBUTIONS, D("1.00"), "USD", party_id=party))
        post(db, actor, book, lines)

    def queries():
        with count_queries(db) as statements:
            result = service.partner_balances(
                db, actor, book.id, ["1100", "3000"], date(2030, 1, 1)
            )
        return len(statements), len(result)

    call_for(2)
    few = queries()
    call_for(60)
    many = queries()
    assert (few[1], many[1]) == (4, 124)
    assert few[0] == many[0] <= 3


@pytest.mark.parametrize(
    ("codes", "message"),
    [(["1000"], "Not partner accounts: 1000"), (["3000", "9999"], "no account 9999")],
)
def test_partner_balances_need_partner_accounts_of_the_book(db, actor, book, codes, message):
    with pytest.raises(Invalid, match=message):
        service.partner_balances(db, actor, book.id, codes, date(2025, 1, 1))


def test_trial_balance_totals_are_per_currency(db, actor, book):
    post(
        db,
        actor,
        book,
        [Line.debit("1000", D("100.00"), "EUR"), Line.credit("1300", D("100.00"), "EUR")],
    )
    post(
        db,
        actor,
        book,
        [Line.debit("1000", D("5000"), "JPY"), Line.credit("1300", D("5000"), "JPY")],
    )
    post(db, actor, book, [Line.debit("1000", D("1"), "JPY"), Line.credit("1000", D("1"), "JPY")])
    tb = service.trial_balance(db, actor, book.id, date(2030, 1, 1))
    assert tb.total_debits == tb.total_credits == {"EUR": D("100.00"), "JPY": D("5000")}
    assert tb.is_balanced
    assert len(tb.rows) == 4


def test_sums_are_exact_where_floats_would_drift(db, actor, book):
    for _ in range(10):
        post(
            db,
            actor,
            book,
            [Line.debit("1000", D("0.10"), "USD"), Line.credit("1300", D("0.10"), "USD")],
        )
    big = D("123456789012345678.91")
    post(db, actor, book, [Line.debit("1200", big, "USD"), Line.credit("1300", big, "USD")])
    got = {
        b.account_code: b.balance
        for b in service.account_balances(db, actor, book.id, date(2030, 1, 1))
    }
    assert got == {"1000": D("1.00"), "1200": big, "1300": -(big + D("1.00"))}
    assert isinstance(got["1000"], Decimal)


def test_the_trial_balance_needs_ledger_read(db, org, book):
    with pytest.raises(Forbidden):
        service.trial_balance(db, make_actor(org, "limited_partner"), book.id, date(2025, 1, 1))
    stranger = make_actor(make_org(db, "Elsewhere Partners"), role="admin")
    with pytest.raises(NotFound):
        service.trial_balance(db, stranger, book.id, date(2025, 1, 1))
