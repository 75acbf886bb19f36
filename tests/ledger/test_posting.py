"""Posting: a balanced entry is saved whole; anything else is refused whole, naming the problem."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from fundhouse.ledger import service
from fundhouse.ledger.chart import FUND_CHART, FundAccount
from fundhouse.ledger.models import Account, JournalEntry, Posting
from fundhouse.ledger.service import Line
from fundhouse.platform import audit
from fundhouse.platform.errors import Conflict, Forbidden, Invalid, NotFound
from fundhouse.platform.jobs_models import OutboxEvent

from .conftest import D, make_actor, make_book, make_org

LP_A = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
LP_B = uuid.UUID("00000000-0000-0000-0000-0000000000b2")


def capital_call_lines(amount_a: str = "600000.00", amount_b: str = "400000.00") -> list[Line]:
    return [
        Line.debit(FundAccount.CONTRIBUTIONS_RECEIVABLE, D(amount_a), "USD", party_id=LP_A),
        Line.debit(FundAccount.CONTRIBUTIONS_RECEIVABLE, D(amount_b), "USD", party_id=LP_B),
        Line.credit(FundAccount.CAPITAL_CONTRIBUTIONS, D(amount_a), "USD", party_id=LP_A),
        Line.credit(FundAccount.CAPITAL_CONTRIBUTIONS, D(amount_b), "USD", party_id=LP_B),
    ]


def post(db, actor, book, lines, *, entry_date=date(2025, 3, 31), memo="Capital call 1"):
    return service.post_entry(
        db,
        actor,
        book.id,
        entry_date=entry_date,
        memo=memo,
        lines=lines,
        source_type="capital_call",
        source_id=uuid.uuid4(),
    )


def counts(db):
    return (
        db.scalar(select(func.count()).select_from(JournalEntry)),
        db.scalar(select(func.count()).select_from(Posting)),
        audit.count(db),
    )


def test_a_book_starts_with_a_copy_of_the_fund_chart(db, actor, book):
    accounts = service.list_accounts(db, actor, book.id)
    assert [(a.code, a.name, a.type, a.is_partner_account) for a in accounts] == [
        (str(c.code), c.name, c.type, c.is_partner_account) for c in FUND_CHART
    ]
    assert len({a.code for a in accounts}) == len(FUND_CHART) == 21


def test_an_owner_has_one_book(db, actor, book):
    with pytest.raises(Conflict):
        service.create_book(
            db, actor, name="Again", currency="USD", owner_type="fund", owner_id=book.owner_id
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"currency": "usd"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"name": " "}, "name"),
        ({"owner_type": ""}, "owner_type"),
    ],
)
def test_a_book_needs_a_name_a_currency_and_an_owner_type(db, actor, kwargs, field):
    args = {"name": "Fund II", "currency": "USD", "owner_type": "fund"} | kwargs
    with pytest.raises(Invalid) as refused:
        service.create_book(db, actor, owner_id=uuid.uuid4(), **args)
    assert [e.field for e in refused.value.errors] == [field]


def test_a_balanced_entry_is_posted_with_signed_postings_and_the_next_number(db, actor, book):
    source_id = uuid.uuid4()
    entry = service.post_entry(
        db,
        actor,
        book.id,
        entry_date=date(2025, 3, 31),
        memo="Capital call 1",
        lines=capital_call_lines(),
        source_type="capital_call",
        source_id=source_id,
    )
    second = post(db, actor, book, capital_call_lines("1.00", "2.00"))

    assert (entry.number, second.number) == (1, 2)
    assert (entry.source_type, entry.source_id, entry.created_by) == (
        "capital_call",
        source_id,
        actor.user_id,
    )
    db.expire_all()
    stored = service.get_entry(db, actor, entry.id)
    assert [(p.line_no, p.account.code, p.party_id, p.amount) for p in stored.postings] == [
        (1, "1100", LP_A, D("600000.00")),
        (2, "1100", LP_B, D("400000.00")),
        (3, "3000", LP_A, D("-600000.00")),
        (4, "3000", LP_B, D("-400000.00")),
    ]
    assert sum(p.amount for p in stored.postings) == 0


def test_entry_numbers_run_per_book(db, actor, book):
    other = make_book(db, actor)
    post(db, actor, book, capital_call_lines())
    assert post(db, actor, other, capital_call_lines()).number == 1
    assert post(db, actor, book, capital_call_lines()).number == 2


def test_an_unbalanced_entry_is_refused_and_nothing_is_saved(db, actor, book):
    before = counts(db)
    lines = capital_call_lines()
    lines[0] = Line.debit(
        FundAccount.CONTRIBUTIONS_RECEIVABLE, D("599999.99"), "USD", party_id=LP_A
    )
    with pytest.raises(Invalid) as refused:
        post(db, actor, book, lines)
    assert refused.value.errors[0].field == "lines"
    assert "does not balance in USD" in refused.value.detail
    assert "999999.99" in refused.value.detail and "1000000.00" in refused.value.detail
    assert counts(db) == before
    assert post(db, actor, book, capital_call_lines()).number == 1


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        ([Line("1000", D("10"), "USD")], "lines", "at least two lines"),
        ([], "lines", "at least two lines"),
        (
            [Line("1000", D("0"), "USD"), Line("1300", D("0"), "USD")],
            "lines[0].amount",
            "cannot be zero",
        ),
        (
            [Line("1000", D("NaN"), "USD"), Line("1300", D("-1"), "USD")],
            "lines[0].amount",
            "finite",
        ),
        (
            [Line("1000", D("Infinity"), "USD"), Line("1300", D("-Infinity"), "USD")],
            "lines[0].amount",
            "finite",
        ),
        (
            [Line("1000", 10.5, "USD"), Line("1300", D("-10.5"), "USD")],  # type: ignore[arg-type]
            "lines[0].amount",
            "Decimal, not float",
        ),
        (
            [Line("1000", D("0.001"), "USD"), Line("1300", D("-0.001"), "USD")],
            "lines[0].amount",
            "at most 2 decimal places",
        ),
        (
            [Line("1000", D("100.5"), "JPY"), Line("1300", D("-100.5"), "JPY")],
            "lines[0].amount",
            "at most 0 decimal places",
        ),
        (
            [Line("1000", D("1.0001"), "KWD"), Line("1300", D("-1.0001"), "KWD")],
            "lines[0].amount",
            "at most 3 decimal places",
        ),
        (
            [Line("1000", D("1E+18"), "USD"), Line("1300", D("-1E+18"), "USD")],
            "lines[0].amount",
            "too large",
        ),
        (
            [Line("1000", D("5"), "usd"), Line("1300", D("-5"), "usd")],
            "lines[0].currency",
            "ISO 4217",
        ),
        (
            [Line("9999", D("5"), "USD"), Line("1300", D("-5"), "USD")],
            "lines[0].account_code",
            "no account '9999'",
        ),
        (
            [Line("3000", D("5"), "USD"), Line("1000", D("-5"), "USD")],
            "lines[0].party_id",
            "is a partner account",
        ),
        (
            [Line("1000", D("5"), "USD", party_id=LP_A), Line("3000", D("-5"), "USD", LP_A)],
            "lines[0].party_id",
            "takes no partner",
        ),
    ],
)
def test_a_wrong_line_is_refused_naming_its_field(db, actor, book, lines, field, message):
    before = counts(db)
    with pytest.raises(Invalid) as refused:
        post(db, actor, book, lines)
    assert refused.value.errors[0].field == field
    assert message in refused.value.errors[0].message
    assert counts(db) == before


def test_more_decimal_places_written_with_trailing_zeros_are_accepted(db, actor, book):
    entry = post(
        db, actor, book, [Line("1000", D("10.500"), "USD"), Line("1300", D("-10.5"), "USD")]
    )
    assert [p.amount for p in entry.postings] == [D("10.5"), D("-10.5")]


def test_three_decimal_currencies_take_three_places(db, actor, book):
    entry = post(
        db, actor, book, [Line("1000", D("1.125"), "KWD"), Line("1300", D("-1.125"), "KWD")]
    )
    assert entry.number == 1


def test_every_problem_is_named_at_once(db, actor, book):
    with pytest.raises(Invalid) as refused:
        post(db, actor, book, [Line("1000", D("0"), "USD"), Line("4000", D("-1"), "EURO")])
    assert [e.field for e in refused.value.errors] == [
        "lines[0].amount",
        "lines[1].currency",
        "lines[1].party_id",
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ({"memo": ""}, "memo"),
        ({"memo": "x" * 501}, "memo"),
        ({"entry_date": datetime(2025, 1, 1, 12, 0)}, "entry_date"),
        ({"source_type": ""}, "source_type"),
    ],
)
def test_an_entry_needs_a_date_a_memo_and_a_source(db, actor, book, header, field):
    args = {"entry_date": date(2025, 1, 1), "memo": "Fee", "source_type": "fee"} | header
    with pytest.raises(Invalid) as refused:
        service.post_entry(db, actor, book.id, lines=capital_call_lines(), source_id=None, **args)
    assert [e.field for e in refused.value.errors] == [field]


def test_each_currency_balances_on_its_own(db, actor, book):
    entry = post(
        db,
        actor,
        book,
        [
            Line.debit("1000", D("100.00"), "EUR"),
            Line.credit("1300", D("100.00"), "EUR"),
            Line.debit("1000", D("250"), "JPY"),
            Line.credit("1300", D("250"), "JPY"),
        ],
    )
    assert {p.currency for p in entry.postings} == {"EUR", "JPY"}

    with pytest.raises(Invalid) as refused:
        post(
            db,
            actor,
            book,
            [Line.debit("1000", D("100"), "USD"), Line.credit("1300", D("100"), "EUR")],
        )
    assert [e.message for e in refused.value.errors] == [
        "The entry does not balance in EUR: debits 0.00, credits 100.00.",
        "The entry does not balance in USD: debits 100.00, credits 0.00.",
    ]


def test_amounts_are_kept_exactly(db, actor, book):
    huge = D("999999999999999999.99")
    entry = post(
        db,
        actor,
        book,
        [
            Line.debit("1000", D("0.10"), "USD"),
            Line.debit("1000", D("0.20"), "USD"),
            Line.credit("1300", D("0.30"), "USD"),
            Line.debit("1200", huge, "USD"),
            Line.credit("1000", huge, "USD"),
        ],
    )
    db.expire_all()
    stored = service.get_entry(db, actor, entry.id)
    assert [p.amount for p in stored.postings] == [D("0.10"), D("0.20"), D("-0.30"), huge, -huge]


def test_amounts_finer_than_the_default_decimal_context_are_still_refused(db, actor, book):
    tiny = D("1.0000000000000000000000000000001")
    with pytest.raises(Invalid):
        post(db, actor, book, [Line("1000", tiny, "USD"), Line("1300", D("-1"), "USD")])


def test_debit_and_credit_lines_take_positive_amounts():
    assert Line.credit("1000", D("5"), "USD").amount == D("-5")
    assert Line.debit("1000", D("5"), "USD").amount == D("5")
    for bad in (D("-5"), D("0"), D("NaN")):
        with pytest.raises(Invalid):
            Line.debit("1000", bad, "USD")
        with pytest.raises(Invalid):
            Line.credit("1000", bad, "USD")


def test_another_organizations_book_is_not_found_and_untouched(db, actor, book):
    stranger = make_actor(make_org(db, "Elsewhere Partners"), role="admin")
    before = counts(db)
    with pytest.raises(NotFound):
        post(db, stranger, book, capital_call_lines())
    with pytest.raises(NotFound):
        service.account_balances(db, stranger, book.id, date(2030, 1, 1))
    assert counts(db) == before
    assert service.get_book_for_owner(db, stranger, "fund", book.owner_id) is None
    assert service.get_book_for_owner(db, actor, "fund", book.owner_id).id == book.id


def test_every_entry_is_audited_with_its_postings(db, actor, book):
    entry = post(db, actor, book, capital_call_lines())
    record = db.scalars(
        select(audit.AuditRecord).where(audit.AuditRecord.entity_id == str(entry.id))
    ).one()
    assert record.action == "ledger.entry_posted"
    assert record.actor_user_id == actor.user_id
    assert record.after["number"] == 1
    assert record.after["postings"][0] == {
        "account_code": "1100",
        "party_id": str(LP_A),
        "amount": "600000.00",
        "currency": "USD",
        "memo": None,
    }
    assert audit.verify_chain(db).ok


def test_every_entry_is_announced_in_the_outbox(db, actor, book):
    entry = post(db, actor, book, capital_call_lines())
    announced = [
        e.payload
        for e in db.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == "ledger.entry_posted")
        )
    ]
    assert {
        "entry_id": str(entry.id),
        "book_id": str(book.id),
        "number": 1,
        "entry_date": "2025-03-31",
        "source_type": "capital_call",
        "source_id": str(entry.source_id),
        "reverses_entry_id": None,
    } in announced


def test_manual_entries_need_ledger_write(db, org, actor, book):
    lines = [Line.debit("1300", D("5"), "USD"), Line.credit("1000", D("5"), "USD")]
    for role in ("fund_manager", "analyst", "limited_partner"):
        with pytest.raises(Forbidden):
            service.post_manual_entry(
                db,
                make_actor(org, role),
                book.id,
                entry_date=date(2025, 1, 1),
                memo="x",
                lines=lines,
            )
    entry = service.post_manual_entry(
        db, actor, book.id, entry_date=date(2025, 1, 1), memo="Accrue audit fee", lines=lines
    )
    assert (entry.source_type, entry.source_id) == ("manual", None)


def test_accounts_exist_only_in_their_book(db, actor, book):
    other = make_book(db, actor)
    other_cash = db.scalars(
        select(Account).where(Account.book_id == other.id, Account.code == "1000")
    ).one()
    entry = post(
        db, actor, book, [Line.debit("1000", D("1"), "USD"), Line.credit("1300", D("1"), "USD")]
    )
    assert all(p.account.book_id == book.id for p in entry.postings)
    assert other_cash.id not in {p.account_id for p in entry.postings}
