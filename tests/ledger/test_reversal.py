"""Reversal: the mirror image of an entry, linked both ways, posted once; nothing is ever edited."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from fundhouse.ledger import service
from fundhouse.ledger.service import Line
from fundhouse.platform import audit
from fundhouse.platform.errors import Conflict, Forbidden, Invalid, NotFound

from .conftest import D, make_actor, make_org
from .test_posting import LP_A, capital_call_lines, counts, post

FAR_FUTURE = date(2100, 1, 1)


def balances(db, actor, book, as_of=FAR_FUTURE):
    return {
        (b.account_code, b.currency): b.balance
        for b in service.account_balances(db, actor, book.id, as_of)
    }


def test_a_reversal_mirrors_the_entry_and_links_both(db, actor, book):
    original = post(db, actor, book, capital_call_lines(), entry_date=date(2025, 3, 31))
    reversal = service.reverse_entry(
        db, actor, original.id, entry_date=date(2025, 4, 2), memo="Call cancelled"
    )

    assert reversal.number == 2
    assert reversal.reverses_entry_id == original.id
    assert original.reversed_by_entry_id == reversal.id
    assert (reversal.source_type, reversal.source_id) == (original.source_type, original.source_id)
    assert [(p.account.code, p.party_id, p.amount) for p in reversal.postings] == [
        (p.account.code, p.party_id, -p.amount) for p in original.postings
    ]
    assert all(balance == 0 for balance in balances(db, actor, book).values())
    assert balances(db, actor, book, as_of=date(2025, 4, 1))[("1100", "USD")] == D("1000000.00")


def test_a_reversal_restores_the_balances_before_the_entry(db, actor, book):
    post(
        db,
        actor,
        book,
        [Line.debit("1300", D("75.25"), "USD"), Line.credit("1000", D("75.25"), "USD")],
    )
    before = balances(db, actor, book)
    wrong = post(db, actor, book, capital_call_lines())
    service.reverse_entry(db, actor, wrong.id, entry_date=date(2025, 3, 31), memo="Posted twice")
    after = {key: value for key, value in balances(db, actor, book).items() if value != 0}
    assert after == before


def test_an_entry_cannot_be_reversed_twice(db, actor, book):
    original = post(db, actor, book, capital_call_lines())
    service.reverse_entry(db, actor, original.id, entry_date=date(2025, 4, 1), memo="Undo")
    before = counts(db)
    with pytest.raises(Conflict, match=r"#1 was already reversed by entry #2"):
        service.reverse_entry(db, actor, original.id, entry_date=date(2025, 4, 1), memo="Again")
    assert counts(db) == before


def test_a_reversal_cannot_itself_be_reversed(db, actor, book):
    original = post(db, actor, book, capital_call_lines())
    reversal = service.reverse_entry(
        db, actor, original.id, entry_date=date(2025, 4, 1), memo="Undo"
    )
    with pytest.raises(Conflict, match="itself a reversal"):
        service.reverse_entry(db, actor, reversal.id, entry_date=date(2025, 4, 1), memo="Redo")


def test_a_reversal_cannot_be_dated_before_the_entry(db, actor, book):
    original = post(db, actor, book, capital_call_lines(), entry_date=date(2025, 3, 31))
    with pytest.raises(Invalid) as refused:
        service.reverse_entry(db, actor, original.id, entry_date=date(2025, 3, 30), memo="Undo")
    assert refused.value.errors[0].field == "entry_date"
    assert original.reversed_by_entry_id is None


def test_a_reversal_is_audited_on_both_entries(db, actor, book):
    original = post(db, actor, book, capital_call_lines())
    records_before = audit.count(db)
    reversal = service.reverse_entry(
        db, actor, original.id, entry_date=date(2025, 4, 1), memo="Undo"
    )
    assert audit.count(db) == records_before + 2
    assert audit.verify_chain(db).ok
    linked = db.scalars(
        select(audit.AuditRecord).where(audit.AuditRecord.action == "ledger.entry_reversed")
    ).one()
    assert (linked.entity_id, linked.after) == (
        str(original.id),
        {"reversed_by_entry_id": str(reversal.id)},
    )


def test_another_organization_cannot_reverse_an_entry(db, actor, book):
    original = post(db, actor, book, capital_call_lines())
    stranger = make_actor(make_org(db, "Elsewhere Partners"), role="admin")
    with pytest.raises(NotFound):
        service.reverse_entry(db, stranger, original.id, entry_date=date(2025, 4, 1), memo="x")
    with pytest.raises(NotFound):
        service.reverse_entry(db, actor, uuid.uuid4(), entry_date=date(2025, 4, 1), memo="x")
    assert original.reversed_by_entry_id is None


def test_through_the_ledger_only_manual_entries_are_reversed(db, org, actor, book):
    call = post(db, actor, book, capital_call_lines())
    with pytest.raises(Conflict, match="posted by capital_call"):
        service.reverse_manual_entry(db, actor, call.id, entry_date=date(2025, 4, 1), memo="x")

    manual = service.post_manual_entry(
        db,
        actor,
        book.id,
        entry_date=date(2025, 4, 1),
        memo="Accrue legal fees",
        lines=[
            Line.debit("5100", D("900"), "USD", party_id=LP_A),
            Line.credit("2200", D("900"), "USD"),
        ],
    )
    with pytest.raises(Forbidden):
        service.reverse_manual_entry(
            db, make_actor(org, "analyst"), manual.id, entry_date=date(2025, 4, 1), memo="x"
        )
    reversal = service.reverse_manual_entry(
        db, actor, manual.id, entry_date=date(2025, 4, 30), memo="Accrual reversed"
    )
    assert reversal.reverses_entry_id == manual.id
    assert reversal.source_type == "manual"
