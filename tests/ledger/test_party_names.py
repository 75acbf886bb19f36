"""Journal lines name their partner: the ledger knows a party by id, the funds know its name.

The names come from the book's owner (the funds name a fund book's partners) for a whole page
of entries at once: the number of queries does not grow with the number of partners.
"""

from __future__ import annotations

import csv
import io
import uuid

from fundhouse.funds.register.service import partner_names
from tests.factories import make_org
from tests.funds.accounting_helpers import counting_queries
from tests.funds.helpers import desk_for


def fund_with_a_call(desk, lps: int):
    fund = desk.fund()
    commitments = desk.lps(fund["id"], ["1000"] * lps, prefix="Partner")
    call = desk.issued_call(fund["id"], str(100 * lps))
    desk.ok(desk.pay(call["id"], commitments[0]["investor_id"], "100"), 201)
    return fund, commitments


def test_entry_lines_name_the_partner_they_carry(db, client):
    desk = desk_for(db, client, make_org(db))
    fund, commitments = fund_with_a_call(desk, 2)
    names = {c["investor_id"]: c["investor_name"] for c in commitments}
    entries = desk.ok(desk.get(f"/ledger/books/{fund['book_id']}/entries"))["items"]
    lines = [p for e in entries for p in e["postings"]]
    assert {p["party_id"]: p["party_name"] for p in lines if p["party_id"]} == names
    assert {p["party_name"] for p in lines if p["party_id"] is None} == {None}  # cash
    one = desk.ok(desk.get(f"/ledger/entries/{entries[0]['id']}"))
    assert [p["party_name"] for p in one["postings"]] == [
        p["party_name"] for p in entries[0]["postings"]
    ]
    exported = desk.get(f"/ledger/books/{fund['book_id']}/entries.csv").text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["party_name"] for r in rows if r["party_id"]} == set(names.values())
    assert {r["party_name"] for r in rows if not r["party_id"]} == {""}


def test_naming_the_partners_costs_the_same_queries_for_two_or_twelve(db, client, engine):
    desk = desk_for(db, client, make_org(db))
    counts = []
    for lps in (2, 12):
        fund, _ = fund_with_a_call(desk, lps)
        with counting_queries(engine) as statements:
            entries = desk.ok(desk.get(f"/ledger/books/{fund['book_id']}/entries"))["items"]
        assert all(p["party_name"] for e in entries for p in e["postings"] if p["party_id"])
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_another_organizations_investor_is_not_named(db, client):
    # Names are read within the acting user's organization: another organization's investor
    # is never named, whatever id a posting carries.
    desk = desk_for(db, client, make_org(db))
    other = desk_for(db, client, make_org(db, name="Elsewhere"))
    stranger = other.investor("Stranger Holdings")
    fund, commitments = fund_with_a_call(desk, 1)
    mine = uuid.UUID(commitments[0]["investor_id"])
    named = partner_names(
        db, desk.accountant(), uuid.UUID(fund["id"]), {uuid.UUID(stranger["id"]), mine}
    )
    assert named == {mine: "Partner 1"}
