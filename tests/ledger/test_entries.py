"""Listing entries: filters, sorting and cursor pages that together return every entry once."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from fundhouse.ledger import service
from fundhouse.ledger.service import Line
from fundhouse.platform.errors import Forbidden, Invalid, NotFound

from .conftest import D, make_actor, make_org
from .test_posting import capital_call_lines, post


def cash_move(db, actor, book, day, source_type="fee", amount="10.00"):
    return service.post_entry(
        db,
        actor,
        book.id,
        entry_date=day,
        memo=f"{source_type} on {day}",
        lines=[Line.debit("1300", D(amount), "USD"), Line.credit("1000", D(amount), "USD")],
        source_type=source_type,
        source_id=uuid.uuid4(),
    )


def numbers(entries):
    return [e.number for e in entries]


def test_entries_are_filtered_by_date_source_and_account(db, actor, book):
    cash_move(db, actor, book, date(2025, 1, 10))
    post(db, actor, book, capital_call_lines(), entry_date=date(2025, 2, 10))
    third = cash_move(db, actor, book, date(2025, 3, 10), source_type="expense")

    def listed(**filters):
        entries, _cursor = service.list_entries(db, actor, book.id, **filters)
        return numbers(entries)

    assert listed() == [1, 2, 3]
    assert listed(start=date(2025, 2, 10)) == [2, 3]
    assert listed(end=date(2025, 2, 10)) == [1, 2]
    assert listed(start=date(2025, 2, 11), end=date(2025, 3, 9)) == []
    assert listed(source_type="expense") == [3]
    assert listed(source_id=third.source_id) == [3]
    assert listed(account_code="1000") == [1, 3]
    assert listed(account_code="3000") == [2]
    assert listed(sort="-number") == [3, 2, 1]
    with pytest.raises(Invalid) as refused:
        listed(account_code="7777")
    assert refused.value.errors[0].field == "account_code"
    with pytest.raises(Invalid):
        listed(start=date(2025, 3, 1), end=date(2025, 2, 1))


def test_listed_entries_carry_their_postings_without_further_queries(db, actor, book):
    post(db, actor, book, capital_call_lines())
    db.expire_all()
    entries, _ = service.list_entries(db, actor, book.id)
    assert [p.account.code for p in entries[0].postings] == ["1100", "1100", "3000", "3000"]


def test_pages_cover_every_entry_once_in_date_order(db, actor, book):
    days = [date(2025, 1, d) for d in (5, 3, 3, 9, 1, 7, 3)]
    for day in days:
        cash_move(db, actor, book, day)
    seen, cursor = [], None
    while True:
        page, cursor = service.list_entries(
            db, actor, book.id, sort="entry_date", limit=3, cursor=cursor
        )
        seen.extend(page)
        if cursor is None:
            break
    assert [e.entry_date for e in seen] == sorted(days)
    assert sorted(numbers(seen)) == list(range(1, 8))


def test_listing_needs_ledger_read_and_the_actors_organization(db, org, actor, book):
    with pytest.raises(Forbidden):
        service.list_entries(db, make_actor(org, "limited_partner"), book.id)
    with pytest.raises(NotFound):
        service.list_entries(db, make_actor(make_org(db, "Elsewhere"), "admin"), book.id)


def test_books_are_listed_for_the_actors_organization_only(db, actor, book):
    stranger = make_actor(make_org(db, "Elsewhere"), "admin")
    service.create_book(
        db, stranger, name="Theirs", currency="EUR", owner_type="fund", owner_id=uuid.uuid4()
    )
    books, cursor = service.list_books(db, actor)
    assert [b.id for b in books] == [book.id]
    assert cursor is None
    assert service.list_books(db, actor, owner_type="account")[0] == []
