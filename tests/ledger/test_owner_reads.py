"""What the domain that owns a book reads of it: grouped net sums of its postings, exact on
both backends in one query, and the entries of a source."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from fundhouse.ledger import service
from fundhouse.ledger.chart import AccountType
from fundhouse.ledger.chart import FundAccount as A
from fundhouse.ledger.models import Account
from fundhouse.ledger.service import Line, SumBy, posting_totals
from fundhouse.platform.errors import Invalid

from .conftest import D, count_queries, make_book
from .test_posting import LP_A, LP_B

JAN, FEB, MAR = date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)
LATER = date(2099, 1, 1)


def post(db, actor, book, lines, *, on=JAN, source_type="manual", source_id=None):
    return service.post_entry(
        db,
        actor,
        book.id,
        entry_date=on,
        memo="entry",
        lines=lines,
        source_type=source_type,
        source_id=source_id,
    )


def call(db, actor, book, party, amount, *, on=JAN, currency="USD", source_type="capital_call"):
    """A call of ``amount`` from ``party``, paid at once: cash in, contributions credited."""
    return post(
        db,
        actor,
        book,
        [
            Line.debit(A.CASH, D(amount), currency),
            Line.credit(A.CAPITAL_CONTRIBUTIONS, D(amount), currency, party_id=party),
        ],
        on=on,
        source_type=source_type,
        source_id=uuid.uuid4(),
    )


def totals(db, book, by, **filters):
    return service.net_totals(db, book.id, book.currency, by, **filters)


@pytest.mark.parametrize("currency", ["USD", "JPY", "KWD"])
def test_net_totals_are_exact_whatever_the_text_of_the_amounts(db, actor, currency):
    # SQLite keeps decimals as text: amounts with fewer or more written decimals than the
    # currency has, tiny and huge ones (the huge one is summed in Python, not in SQLite's
    # 64-bit integers) all add up exactly, as the ledger's own debit and credit sums say.
    book = make_book(db, actor, currency)
    amounts = [D("100.000"), D("1E+3"), D("12345"), D("7.0")]
    if currency != "JPY":
        amounts += [D("0.05"), D("-0.05"), D("12.5")]
    for amount in amounts:
        post(
            db,
            actor,
            book,
            [
                Line(A.CASH, amount, currency),
                Line(A.CAPITAL_CONTRIBUTIONS, -amount, currency, LP_A),
            ],
        )
    fast = totals(db, book, [SumBy.ACCOUNT], as_of=LATER)
    exact = {
        key: debits - credits
        for key, (debits, credits) in posting_totals(
            db, [Account.code], [Account.book_id == book.id]
        ).items()
    }
    assert fast == exact and fast[("1000",)] == sum(amounts)
    huge = D("123456789012345678")  # 18 digits: too long for the integer sum
    post(
        db,
        actor,
        book,
        [Line(A.CASH, huge, currency), Line(A.CAPITAL_CONTRIBUTIONS, -huge, currency, LP_A)],
    )
    assert totals(db, book, [SumBy.DATE], as_of=LATER) == {(JAN,): 0}
    assert totals(db, book, [SumBy.ACCOUNT], as_of=LATER)[("1000",)] == sum(amounts) + huge


def test_net_totals_group_by_the_keys_asked_for_in_their_order(db, actor, book):
    call(db, actor, book, LP_A, "600.00")
    call(db, actor, book, LP_B, "400.00", on=FEB)
    call(db, actor, book, LP_A, "50.00", on=FEB)

    by_party = totals(db, book, [SumBy.PARTY, SumBy.ACCOUNT], as_of=LATER)
    assert by_party == {
        (None, "1000"): D("1050.00"),
        (LP_A, "3000"): D("-650.00"),
        (LP_B, "3000"): D("-400.00"),
    }
    by_account = totals(
        db, book, [SumBy.ACCOUNT, SumBy.ACCOUNT_NAME, SumBy.ACCOUNT_TYPE, SumBy.DATE], as_of=LATER
    )
    assert by_account[("1000", "Cash", AccountType.ASSET, FEB)] == D("450.00")
    assert len(by_account) == 4


def test_net_totals_count_the_window_of_dates_and_one_currency(db, actor, book):
    call(db, actor, book, LP_A, "100.00", on=JAN)
    call(db, actor, book, LP_A, "20.00", on=FEB)
    call(db, actor, book, LP_A, "3.00", on=MAR)
    call(db, actor, book, LP_A, "999.00", on=FEB, currency="EUR")

    def cash(**window):
        return totals(db, book, [SumBy.ACCOUNT], account_codes=[A.CASH], **window)

    assert cash(as_of=FEB) == {("1000",): D("120.00")}
    assert cash(as_of=MAR, since=FEB) == {("1000",): D("23.00")}
    assert cash(as_of=date(2024, 12, 31)) == {}
    with pytest.raises(Invalid, match="since"):
        cash(as_of=JAN, since=FEB)


def test_net_totals_take_accounts_by_code_or_by_type(db, actor, book):
    call(db, actor, book, LP_A, "100.00")
    post(
        db,
        actor,
        book,
        [
            Line.debit(A.MANAGEMENT_FEE_EXPENSE, D("5.00"), "USD", party_id=LP_A),
            Line.credit(A.MANAGEMENT_FEES_PAYABLE, D("5.00"), "USD"),
        ],
    )

    def codes(**accounts):
        return sorted(key[0] for key in totals(db, book, [SumBy.ACCOUNT], as_of=LATER, **accounts))

    assert codes() == ["1000", "2100", "3000", "5000"]
    assert codes(account_codes=[A.CAPITAL_CONTRIBUTIONS]) == ["3000"]
    assert codes(account_types=[AccountType.ASSET, AccountType.LIABILITY]) == ["1000", "2100"]
    both = codes(account_types=[AccountType.ASSET], account_codes=[A.MANAGEMENT_FEE_EXPENSE])
    assert both == ["1000", "5000"]
    assert codes(account_codes=[]) == []


def test_net_totals_take_the_parties_and_the_source_asked_for(db, actor, book):
    call(db, actor, book, LP_A, "100.00")
    call(db, actor, book, LP_B, "40.00")
    call(db, actor, book, LP_B, "2.00", source_type="carry_accrual")

    def by_party(**filters):
        return totals(db, book, [SumBy.PARTY], as_of=LATER, account_codes=["3000"], **filters)

    assert by_party() == {(LP_A,): D("-100.00"), (LP_B,): D("-42.00")}
    assert by_party(parties=[LP_B]) == {(LP_B,): D("-42.00")}
    assert by_party(parties=[]) == {}
    assert by_party(source_type="carry_accrual") == {(LP_B,): D("-2.00")}


def test_net_totals_take_one_query_whatever_the_number_of_partners(db, actor, book):
    def queries():
        with count_queries(db) as statements:
            result = totals(db, book, [SumBy.PARTY, SumBy.ACCOUNT], as_of=LATER)
        return len(statements), len(result)

    for _ in range(2):
        call(db, actor, book, uuid.uuid4(), "1.00")
    few = queries()
    for _ in range(40):
        call(db, actor, book, uuid.uuid4(), "1.00")
    many = queries()
    assert (few[1], many[1]) == (3, 43)
    assert few[0] == many[0] == 1


def test_the_latest_entry_and_its_number_move_with_every_posting(db, actor, book):
    assert service.latest_entry_date(db, book.id) is None
    assert service.last_entry_number(db, book.id) == 0
    call(db, actor, book, LP_A, "1.00", on=FEB)
    call(db, actor, book, LP_A, "1.00", on=JAN, source_type="carry_accrual")
    assert service.latest_entry_date(db, book.id) == FEB
    assert service.latest_entry_date(db, book.id, source_type="carry_accrual") == JAN
    assert service.latest_entry_date(db, book.id, source_type="distribution") is None
    assert service.last_entry_number(db, book.id) == 2
    assert service.last_entry_number(db, uuid.uuid4()) is None


def test_a_sources_standing_entries_leave_out_reversed_entries_and_reversals(db, actor, book):
    source = uuid.uuid4()
    lines = [
        Line.debit(A.CASH, D("1.00"), "USD"),
        Line.credit(A.CAPITAL_CONTRIBUTIONS, D("1.00"), "USD", party_id=LP_A),
    ]
    first = post(db, actor, book, lines, source_type="carry_accrual", source_id=source)
    second = post(db, actor, book, lines, source_type="carry_accrual", source_id=source)
    post(db, actor, book, lines, source_type="carry_accrual", source_id=uuid.uuid4())
    post(db, actor, book, lines, source_type="distribution", source_id=source)
    service.reverse_entry(db, actor, first.id, entry_date=FEB, memo="reversed")

    standing = service.standing_entry_ids(db, book.id, "carry_accrual", source)
    assert standing == [second.id]


def test_partner_postings_of_a_source_name_their_entry_and_when_it_was_recorded(db, actor, book):
    accrual = post(
        db,
        actor,
        book,
        [
            Line.debit(A.CARRIED_INTEREST_ALLOCATION, D("8.00"), "USD", party_id=LP_A),
            Line.credit(A.CARRIED_INTEREST_GP, D("8.00"), "USD", party_id=LP_B),
        ],
        on=FEB,
        source_type="carry_accrual",
        source_id=uuid.uuid4(),
    )
    call(db, actor, book, LP_A, "100.00", source_type="carry_accrual")
    call(db, actor, book, LP_A, "100.00", currency="EUR", source_type="carry_accrual")
    call(db, actor, book, LP_A, "100.00")

    postings = service.partner_postings_of_source(
        db,
        book.id,
        "carry_accrual",
        currency="USD",
        account_codes=[A.CARRIED_INTEREST_ALLOCATION, A.CARRIED_INTEREST_GP],
    )
    assert sorted((p.party_id, p.account_code, p.amount) for p in postings) == [
        (LP_A, "5200", D("8.00")),
        (LP_B, "3200", D("-8.00")),
    ]
    assert {(p.entry_id, p.entry_date, p.recorded_at) for p in postings} == {
        (accrual.id, FEB, accrual.created_at)
    }
