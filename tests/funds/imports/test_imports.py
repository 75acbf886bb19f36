"""Importing investors, commitments and historical cash flows: validated whole, then applied
all or nothing through the funds services and the ledger."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fundhouse.funds.imports.service import COLUMNS, ImportKind
from fundhouse.funds.models import CapitalCall, Commitment, Distribution, Investor, Payment
from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.models import JournalEntry
from fundhouse.platform.audit import AuditRecord
from tests.factories import login
from tests.funds.helpers import API, D, problem_fields
from tests.funds.reporting_helpers import upload


def count(db, model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(
            getattr(model, name) == (uuid.UUID(value) if isinstance(value, str) else value)
        )
    return db.scalar(stmt)


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# --- templates ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ImportKind))
def test_a_template_names_every_column_of_its_kind(desk, kind):
    response = desk.get(f"/imports/templates/{kind.value}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    header = response.text.splitlines()[0].split(",")
    assert header == [c.name for c in COLUMNS[kind]]


def test_the_investor_template_imports_as_it_is(desk):
    fund = desk.fund()
    template = desk.get("/imports/templates/investors.csv").text
    result = desk.ok(upload(desk, fund["id"], "investors", template, dry_run=True))
    assert (result["dry_run"], result["created"]) == (True, 1)


# --- investors ---------------------------------------------------------------------------


def test_a_clean_investor_file_is_applied_with_encrypted_details_and_audited(desk, db):
    fund = desk.fund()
    csv_text = (
        "Name,Kind,E-mail,Country,Tax ID,Withholding Rate\n"
        "Calder Pension Plan,entity,ops@calder.example,US,12-3456789,0\n"
        "Brook Endowment,Entity,,gb,,0.15\n"
        "Ada Lovelace,individual,ada@example.com,,,\n"
    )
    result = desk.ok(upload(desk, fund["id"], "investors", csv_text), 201)
    assert (result["rows"], result["created"], result["dry_run"]) == (3, 3, False)
    assert [i["row"] for i in result["items"]] == [2, 3, 4]
    brook = desk.ok(desk.get(f"/investors/{result['items'][1]['entity_id']}"))
    assert (brook["name"], brook["country"], brook["withholding_rate"]) == (
        "Brook Endowment",
        "GB",
        "0.15",
    )
    calder = desk.ok(desk.get(f"/investors/{result['items'][0]['entity_id']}"))
    assert calder["tax_id"] == "****6789"  # stored (encrypted) and masked for a fund manager
    applied = db.scalars(
        select(AuditRecord).where(
            AuditRecord.action == "import.applied", AuditRecord.entity_id == fund["id"]
        )
    ).all()
    assert [(a.after["kind"], a.after["rows"], a.after["created"]) for a in applied] == [
        ("investors", 3, 3)
    ]


def test_an_investor_file_with_bad_rows_lists_each_and_saves_nothing(desk, db):
    fund = desk.fund()
    desk.investor("Existing Capital")
    csv_text = (
        "name,kind,email,withholding_rate\n"
        "Good One,entity,,\n"  # row 2: fine
        ",entity,,\n"  # row 3: no name
        "Bad Kind,partnership,,\n"  # row 4
        "Bad Mail,entity,not-an-email,\n"  # row 5
        "Good One,entity,,\n"  # row 6: duplicate of row 2
        "existing capital,entity,,\n"  # row 7: exists already
        "Rate,entity,,1.5\n"  # row 8: above 100%
        "Rate Text,entity,,ten\n"  # row 9: not a decimal
    )
    before = count(db, Investor, org_id=desk.org.id)
    errors = errors_of(upload(desk, fund["id"], "investors", csv_text))
    assert set(errors) == {
        "row 3: name",
        "row 4: kind",
        "row 5: email",
        "row 6: name",
        "row 7: name",
        "row 8: withholding_rate",
        "row 9: withholding_rate",
    }
    assert errors["row 6: name"] == "duplicate of row 2"
    assert errors["row 4: kind"] == "must be individual or entity"
    assert "duplicate" in errors["row 7: name"]
    assert count(db, Investor, org_id=desk.org.id) == before


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(desk, db):
    fund = desk.fund()
    audits = count(db, AuditRecord)
    result = desk.ok(
        upload(desk, fund["id"], "investors", "name,kind\nA,entity\nB,individual\n", dry_run=True)
    )
    assert (result["dry_run"], result["created"]) == (True, 2)
    assert all(item["entity_id"] is None for item in result["items"])
    assert count(db, Investor, org_id=desk.org.id) == 0
    assert count(db, AuditRecord) == audits


# --- malformed uploads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "needle"),
    [
        (b"%PDF-1.4\x00\x01\x02binary", "rows.csv", "not CSV"),
        ("name;kind\xff".encode("latin-1"), "rows.csv", "not UTF-8"),
        (b"", "rows.csv", "empty"),
        (b"name,kind\n", "rows.csv", "no data rows"),
        (b"not a workbook", "rows.xlsx", "not an XLSX"),
        (b"PK\x03\x04broken zip", "rows.xlsx", "not a readable XLSX"),
        (b"name,kind\nA,entity\n", "rows.xls", ".xlsx or CSV"),
    ],
)
def test_an_unreadable_upload_is_refused_naming_the_problem(desk, content, filename, needle):
    fund = desk.fund()
    response = upload(desk, fund["id"], "investors", content, filename=filename)
    assert problem_fields(response) == {"file"}
    assert response.status_code == 422 and needle in response.json()["detail"]


def test_wrong_columns_are_refused_naming_the_missing_and_the_unknown(desk, db):
    fund = desk.fund()
    response = upload(desk, fund["id"], "commitments", "investor name,amout,currency\nA,1,USD\n")
    assert problem_fields(response) == {"file"}
    detail = response.json()["detail"]
    assert "unknown column 'amout'" in detail and "missing required column amount" in detail
    twice = upload(desk, fund["id"], "investors", "name,kind,Name\nA,entity,B\n")
    assert "appears twice" in twice.json()["detail"]
    assert count(db, Commitment, fund_id=fund["id"]) == 0


def test_a_file_without_the_file_field_is_refused(desk):
    fund = desk.fund()
    response = desk.client.post(f"{API}/funds/{fund['id']}/imports/investors", headers=desk.headers)
    assert response.status_code == 422 and "file" in problem_fields(response)
    unknown_kind = upload(desk, fund["id"], "partners", "name\nA\n")
    assert unknown_kind.status_code == 422 and "kind" in problem_fields(unknown_kind)


# --- commitments -------------------------------------------------------------------------


def test_commitments_are_created_at_their_closes_and_updated(desk):
    fund = desk.fund(initial_close_date="2024-01-15")
    calder = desk.investor("Calder Pension Plan")
    brook = desk.investor("Brook Endowment")
    gp = desk.investor("Northwind GP")
    existing = desk.commit(fund["id"], brook["id"], "1000000")
    csv_text = (
        "investor,amount,currency,close_date,is_gp\n"
        'Calder Pension Plan,"5,000,000.00",USD,2024-01-15,\n'
        f"{brook['id']},1500000,,,\n"
        "Northwind GP,100000,usd,2024-06-30,yes\n"
    )
    result = desk.ok(upload(desk, fund["id"], "commitments", csv_text), 201)
    assert [(i["row"], i["action"]) for i in result["items"]] == [
        (2, "created"),
        (3, "updated"),
        (4, "created"),
    ]
    commitments = {
        c["investor_name"]: c
        for c in desk.ok(desk.get(f"/funds/{fund['id']}/commitments"))["items"]
    }
    assert commitments["Calder Pension Plan"]["amount"] == "5000000.00"
    assert commitments["Calder Pension Plan"]["close_date"] == "2024-01-15"
    assert commitments["Brook Endowment"]["id"] == existing["id"]
    assert commitments["Brook Endowment"]["amount"] == "1500000.00"
    assert commitments["Northwind GP"]["is_gp"] is True
    assert (
        commitments["Northwind GP"]["close_number"],
        commitments["Northwind GP"]["close_date"],
    ) == (
        2,
        "2024-06-30",
    )
    assert desk.ok(desk.get(f"/funds/{fund['id']}"))["gp_investor_id"] == gp["id"]
    assert calder["id"] == commitments["Calder Pension Plan"]["investor_id"]
    again = desk.ok(upload(desk, fund["id"], "commitments", csv_text), 201)
    assert [i["action"] for i in again["items"]] == ["unchanged"] * 3


def test_a_commitment_file_with_bad_rows_lists_each_and_saves_nothing(desk, db):
    fund = desk.fund()
    (called,) = desk.lps(fund["id"], ["1000"], prefix="Called LP")
    desk.issued_call(fund["id"], "600")
    desk.investor("Twin")
    desk.investor("Twin")
    for n in range(1, 9):
        desk.investor(f"Fine {n}")
    csv_text = (
        "investor,amount,currency,close_date\n"
        "Nobody,100,USD,\n"  # row 2: unknown investor
        "Fine 1,12.5.0,USD,\n"  # row 3: bad decimal
        "Fine 2,-100,USD,\n"  # row 4: negative
        "Called LP 1,500,USD,\n"  # row 5: below the 600 called
        "Twin,100,USD,\n"  # row 6: ambiguous name
        "Fine 3,100,EUR,\n"  # row 7: currency mismatch
        "Fine 4,100,USD,2024-02-30\n"  # row 8: bad date
        "Fine 5,100.001,USD,\n"  # row 9: finer than a cent
        "Fine 6,100,USD,\n"  # row 10: fine
        "fine 6,200,USD,\n"  # row 11: duplicate of row 10
        ",100,USD,\n"  # row 12: investor missing
    )
    before = count(db, Commitment, fund_id=fund["id"])
    errors = errors_of(upload(desk, fund["id"], "commitments", csv_text))
    assert set(errors) == {
        "row 2: investor",
        "row 3: amount",
        "row 4: amount",
        "row 5: amount",
        "row 6: investor",
        "row 7: currency",
        "row 8: close_date",
        "row 9: amount",
        "row 11: investor",
        "row 12: investor",
    }
    assert errors["row 2: investor"] == "unknown investor 'Nobody'"
    assert "not a decimal number" in errors["row 3: amount"]
    assert "negative" in errors["row 4: amount"]
    assert "below the capital already called (600.00 USD)" in errors["row 5: amount"]
    assert "give the investor's id" in errors["row 6: investor"]
    assert "currency mismatch" in errors["row 7: currency"]
    assert "YYYY-MM-DD" in errors["row 8: close_date"]
    assert "at most 2 decimal places" in errors["row 9: amount"]
    assert errors["row 11: investor"] == "duplicate of row 10"
    assert errors["row 12: investor"] == "a value is required"
    assert count(db, Commitment, fund_id=fund["id"]) == before
    unchanged = desk.ok(desk.get(f"/commitments/{called['id']}"))
    assert unchanged["amount"] == "1000.00"


def test_an_xlsx_upload_reads_numbers_and_dates_as_typed(desk):
    fund = desk.fund()
    desk.investor("Calder Pension Plan")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Investor", "Amount", "Close Date"])
    sheet.append(["Calder Pension Plan", 2500000.1, datetime(2024, 1, 15)])
    out = io.BytesIO()
    workbook.save(out)
    result = desk.ok(
        upload(desk, fund["id"], "commitments", out.getvalue(), filename="commitments.xlsx"), 201
    )
    commitment = desk.ok(desk.get(f"/commitments/{result['items'][0]['entity_id']}"))
    assert (commitment["amount"], commitment["close_date"]) == ("2500000.10", "2024-01-15")


# --- historical cash flows ---------------------------------------------------------------

HISTORY = (
    "investor,date,type,amount,recallable_amount,reference\n"
    "LP 1,2023-03-15,contribution,250000,,wire 1\n"
    "LP 2,2023-03-15,contribution,125000,,wire 2\n"
    "LP 1,2023-09-30,contribution,100000.50,,\n"
    "LP 1,2024-06-30,distribution,60000,10000,\n"
    "LP 2,2024-06-30,distribution,30000,,\n"
)


def test_historical_cash_flows_post_balanced_entries_on_their_dates(desk, db):
    fund = desk.fund()
    lp1, lp2 = desk.lps(fund["id"], ["1000000", "500000"])
    result = desk.ok(upload(desk, fund["id"], "cash_flows", HISTORY), 201)
    assert [(i["row"], i["entity"]) for i in result["items"]] == [
        (2, "contribution"),
        (3, "contribution"),
        (4, "contribution"),
        (5, "distribution"),
        (6, "distribution"),
    ]
    assert desk.trial_balance(db, fund).is_balanced
    assert desk.capital_contributed(db, fund) == {
        lp1["investor_id"]: D("350000.50"),
        lp2["investor_id"]: D("125000.00"),
    }
    assert desk.partner_balances(db, fund, FundAccount.CAPITAL_DISTRIBUTIONS) == {
        lp1["investor_id"]: D("60000.00"),
        lp2["investor_id"]: D("30000.00"),
    }
    receivable = desk.partner_balances(db, fund, FundAccount.CONTRIBUTIONS_RECEIVABLE)
    assert receivable == {}  # every imported contribution was received
    dates = sorted(
        db.scalars(
            select(JournalEntry.entry_date).where(
                JournalEntry.book_id == uuid.UUID(fund["book_id"])
            )
        ).all()
    )
    assert set(dates) == {date(2023, 3, 15), date(2023, 9, 30), date(2024, 6, 30)}
    one = desk.ok(desk.get(f"/commitments/{lp1['id']}"))
    assert (one["called"], one["contributed"], one["recallable"], one["unfunded"]) == (
        "350000.50",
        "350000.50",
        "10000.00",
        "659999.50",
    )
    calls = desk.ok(desk.get("/capital-calls", params={"fund_id": fund["id"]}))["items"]
    assert sorted((c["call_date"], c["amount"], c["status"]) for c in calls) == [
        ("2023-03-15", "375000.00", "paid"),
        ("2023-09-30", "100000.50", "paid"),
    ]
    payments = desk.ok(desk.get("/payments", params={"fund_id": fund["id"]}))["items"]
    assert len(payments) == 3 and {p["reference"] for p in payments} == {"wire 1", "wire 2", None}


def test_a_history_imported_twice_is_refused_row_by_row(desk, db):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000000", "500000"])
    desk.ok(upload(desk, fund["id"], "cash_flows", HISTORY), 201)
    entries = count(db, JournalEntry, book_id=fund["book_id"])
    errors = errors_of(upload(desk, fund["id"], "cash_flows", HISTORY))
    assert set(errors) == {f"row {n}: amount" for n in range(2, 7)}
    assert all("already recorded" in message for message in errors.values())
    assert count(db, JournalEntry, book_id=fund["book_id"]) == entries


def test_a_cash_flow_file_with_bad_rows_lists_each_and_saves_nothing(desk, db):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000", "500"])
    desk.investor("No Commitment")
    csv_text = (
        "investor,date,type,amount,currency,recallable_amount,tier\n"
        "LP 1,2023-03-15,contribution,600,,,\n"  # row 2: fine
        "LP 1,2023-06-15,contribution,500,,,\n"  # row 3: above the 400 left
        "LP 2,2099-01-01,contribution,100,,,\n"  # row 4: in the future
        "LP 2,2023-03-15,refund,100,,,\n"  # row 5: unknown type
        "LP 2,2023-03-15,contribution,0,,,\n"  # row 6: zero
        "No Commitment,2023-03-15,contribution,10,,,\n"  # row 7: no commitment
        "LP 2,2023-03-15,distribution,10,,20,\n"  # row 8: recallable above the amount
        "LP 2,2023-03-15,contribution,10,,5,\n"  # row 9: recallable on a contribution
        "LP 2,2023-03-15,distribution,11,,,bonus\n"  # row 10: unknown tier
        "LP 2,2023-03-15,contribution,12,GBP,,\n"  # row 11: currency mismatch
        "LP 2,15/03/2023,contribution,10,,,\n"  # row 12: bad date
    )
    calls_before = count(db, CapitalCall, fund_id=fund["id"])
    errors = errors_of(upload(desk, fund["id"], "cash_flows", csv_text))
    assert set(errors) == {
        "row 3: amount",
        "row 4: date",
        "row 5: type",
        "row 6: amount",
        "row 7: investor",
        "row 8: recallable_amount",
        "row 9: recallable_amount",
        "row 10: tier",
        "row 11: currency",
        "row 12: date",
    }
    assert "unfunded commitment (400.00 USD left on 2023-06-15)" in errors["row 3: amount"]
    assert "in the future" in errors["row 4: date"]
    assert "no commitment in this fund" in errors["row 7: investor"]
    assert count(db, CapitalCall, fund_id=fund["id"]) == calls_before
    assert count(db, Payment, fund_id=fund["id"]) == 0
    assert count(db, Distribution, fund_id=fund["id"]) == 0
    assert count(db, JournalEntry, book_id=fund["book_id"]) == 0


def test_a_recallable_distribution_makes_room_for_a_later_contribution(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    csv_text = (
        "investor,date,type,amount,recallable_amount\n"
        "LP 1,2023-01-10,contribution,1000,\n"
        "LP 1,2023-06-10,distribution,300,200\n"
        "LP 1,2023-09-10,contribution,200,\n"
    )
    assert desk.ok(upload(desk, fund["id"], "cash_flows", csv_text, dry_run=True))["created"] == 3
    over = csv_text.replace("2023-09-10,contribution,200", "2023-09-10,contribution,201")
    errors = errors_of(upload(desk, fund["id"], "cash_flows", over))
    assert "200.00 USD left" in errors["row 4: amount"]


# --- who may import ----------------------------------------------------------------------


def test_only_importers_of_the_fund_organization_may_import(desk, other_desk, make_member, client):
    fund = desk.fund()
    viewer = login(client, make_member(desk, "viewer"))
    lp = login(client, make_member(desk, "limited_partner"))
    for headers in (viewer, lp):
        assert (
            upload(
                desk, fund["id"], "investors", "name,kind\nA,entity\n", headers=headers
            ).status_code
            == 403
        )
        assert desk.get("/imports/templates/investors.csv", headers=headers).status_code == 403
    stranger = upload(other_desk, fund["id"], "investors", "name,kind\nA,entity\n")
    assert stranger.status_code == 404


def test_a_retried_import_with_the_same_key_is_applied_once(desk, db):
    fund = desk.fund()
    headers = {**desk.headers, "Idempotency-Key": "import-7f3c"}
    first = upload(desk, fund["id"], "investors", "name,kind\nA,entity\n", headers=headers)
    second = upload(desk, fund["id"], "investors", "name,kind\nA,entity\n", headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.json() == first.json()
    assert count(db, Investor, org_id=desk.org.id) == 1


def test_amounts_stay_exact_decimals(desk):
    fund = desk.fund(currency="JPY")
    desk.investor("Kyoto LP")
    ok = desk.ok(
        upload(desk, fund["id"], "commitments", "investor,amount\nKyoto LP,123456789\n"), 201
    )
    commitment = desk.ok(desk.get(f"/commitments/{ok['items'][0]['entity_id']}"))
    assert Decimal(commitment["amount"]) == Decimal("123456789")
    errors = errors_of(upload(desk, fund["id"], "commitments", "investor,amount\nKyoto LP,10.5\n"))
    assert "JPY amounts have at most 0 decimal places" in errors["row 2: amount"]


def test_a_refusal_half_way_through_undoes_the_rows_already_applied(desk, db, monkeypatch):
    from fundhouse.funds.imports import service as imports
    from fundhouse.platform.errors import Invalid

    fund = desk.fund()
    original = imports.service.create_investor
    calls = []

    def refuse_the_second(db_, actor, data):
        calls.append(data.name)
        if len(calls) == 2:
            raise Invalid("The name is reserved.", field="name")
        return original(db_, actor, data)

    monkeypatch.setattr(imports.service, "create_investor", refuse_the_second)
    response = upload(desk, fund["id"], "investors", "name,kind\nA,entity\nB,entity\nC,entity\n")
    assert response.status_code == 422 and problem_fields(response) == {"name"}
    assert "nothing was saved" in response.json()["detail"]
    assert calls == ["A", "B"]
    assert count(db, Investor, org_id=desk.org.id) == 0


def test_rows_are_numbered_as_the_spreadsheet_numbers_them(desk):
    fund = desk.fund()
    csv_text = "\n\nname,kind,notes\n\nGood,entity,\nBad,nobody,\nStray,entity,,extra\n"
    errors = errors_of(upload(desk, fund["id"], "investors", csv_text))
    assert errors == {
        "row 6: kind": "must be individual or entity",
        "row 7: file": "the row has a value under no column heading",
    }
