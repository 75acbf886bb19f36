"""The journal CSV and the GL import file: every posting once, exact amounts, balanced journals."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from fundhouse.ledger import service
from fundhouse.ledger.service import ENTRIES_CSV_COLUMNS, GL_EXPORT_COLUMNS, Line
from fundhouse.platform.errors import Forbidden, Invalid

from .conftest import D, make_actor
from .test_posting import LP_A, LP_B, capital_call_lines, post


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_journal_csv_has_one_row_per_posting(db, actor, book):
    call = post(db, actor, book, capital_call_lines(), entry_date=date(2025, 3, 31))
    service.reverse_entry(db, actor, call.id, entry_date=date(2025, 4, 1), memo="Call cancelled")

    text = service.export_entries_csv(db, actor, book.id, None, None)
    got = rows(text)

    assert text.splitlines()[0] == ",".join(ENTRIES_CSV_COLUMNS)
    assert len(got) == 8
    assert got[0] == {
        "entry_number": "1",
        "entry_date": "2025-03-31",
        "account_code": "1100",
        "account_name": "Capital contributions receivable",
        "party_id": str(LP_A),
        "party_name": "",  # the book's owner does not know this party
        "debit": "600000.00",
        "credit": "",
        "currency": "USD",
        "memo": "Capital call 1",
        "source_type": "capital_call",
        "source_id": str(call.source_id),
        "reverses_entry_number": "",
    }
    assert (got[3]["party_id"], got[3]["debit"], got[3]["credit"]) == (str(LP_B), "", "400000.00")
    assert {r["reverses_entry_number"] for r in got[4:]} == {"1"}
    assert got[4]["credit"] == "600000.00"
    assert got[4]["memo"] == "Call cancelled"


def test_exports_keep_to_the_dates_asked(db, actor, book):
    for day in (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)):
        post(db, actor, book, capital_call_lines(), entry_date=day)
    february = rows(
        service.export_entries_csv(db, actor, book.id, date(2025, 2, 1), date(2025, 2, 28))
    )
    assert {r["entry_date"] for r in february} == {"2025-02-28"}
    gl = rows(service.export_gl(db, actor, book.id, date(2025, 3, 1), None))
    assert {r["JournalDate"] for r in gl} == {"2025-03-31"}
    with pytest.raises(Invalid):
        service.export_gl(db, actor, book.id, date(2025, 3, 1), date(2025, 2, 1))


def test_amounts_are_written_with_the_currencys_decimal_places(db, actor, book):
    post(
        db,
        actor,
        book,
        [
            Line.debit("1000", D("12.5"), "USD"),
            Line.credit("1300", D("12.50"), "USD"),
            Line.debit("1000", D("1500"), "JPY"),
            Line.credit("1300", D("1500"), "JPY"),
            Line.debit("1000", D("2.5"), "KWD"),
            Line.credit("1300", D("2.5"), "KWD"),
        ],
    )
    got = rows(service.export_entries_csv(db, actor, book.id, None, None))
    assert [(r["debit"] or r["credit"], r["currency"]) for r in got] == [
        ("12.50", "USD"),
        ("12.50", "USD"),
        ("1500", "JPY"),
        ("1500", "JPY"),
        ("2.500", "KWD"),
        ("2.500", "KWD"),
    ]


def test_gl_export_gives_one_balanced_journal_per_entry_and_currency(db, actor, book):
    post(db, actor, book, capital_call_lines())
    post(
        db,
        actor,
        book,
        [
            Line.debit("1000", D("100.00"), "EUR", memo="EUR leg"),
            Line.debit("1000", D("110.00"), "USD"),
            Line.credit("1300", D("100.00"), "EUR"),
            Line.credit("1300", D("110.00"), "USD"),
        ],
        memo="Two currencies",
    )
    text = service.export_gl(db, actor, book.id, None, None)
    got = rows(text)

    assert text.splitlines()[0] == ",".join(GL_EXPORT_COLUMNS)
    assert [r["JournalNo"] for r in got] == ["1"] * 4 + ["2-EUR"] * 2 + ["2-USD"] * 2
    assert got[0] == {
        "JournalNo": "1",
        "JournalDate": "2025-03-31",
        "Narration": "Capital call 1",
        "AccountCode": "1100",
        "AccountName": "Capital contributions receivable",
        "Description": "Capital call 1",
        "Debit": "600000.00",
        "Credit": "",
        "Currency": "USD",
        "TrackingCategory": "Partner",
        "TrackingOption": str(LP_A),
    }
    assert got[4]["Description"] == "EUR leg"
    assert (got[6]["TrackingCategory"], got[6]["TrackingOption"]) == ("", "")
    sums = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in got:
        assert bool(r["Debit"]) != bool(r["Credit"])
        sums[r["JournalNo"], r["Currency"]][0] += Decimal(r["Debit"] or 0)
        sums[r["JournalNo"], r["Currency"]][1] += Decimal(r["Credit"] or 0)
    assert all(debits == credits for debits, credits in sums.values())


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused(db, actor, book):
    post(
        db,
        actor,
        book,
        [
            Line.debit("1000", D("1.00"), "USD", memo='=HYPERLINK("http://evil.example","x")'),
            Line.credit("1300", D("1.00"), "USD", memo="-2+3"),
        ],
        memo="@SUM(A1:A2)",
    )
    journal = rows(service.export_entries_csv(db, actor, book.id, None, None))
    assert [r["memo"] for r in journal] == ['\'=HYPERLINK("http://evil.example","x")', "'-2+3"]
    gl = rows(service.export_gl(db, actor, book.id, None, None))
    assert gl[0]["Narration"] == "'@SUM(A1:A2)"


def test_exports_need_ledger_read(db, org, book):
    outsider = make_actor(org, "limited_partner")
    with pytest.raises(Forbidden):
        service.export_entries_csv(db, outsider, book.id, None, None)
    with pytest.raises(Forbidden):
        service.export_gl(db, outsider, book.id, None, None)
