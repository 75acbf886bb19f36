"""Funds and closes through the API."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from fundhouse.funds.models import Fund
from fundhouse.ledger.models import Account, Book
from fundhouse.platform.audit import AuditRecord
from tests.factories import login
from tests.funds.helpers import problem_fields


def test_creating_a_fund_opens_its_ledger_book_and_applies_the_default_terms(desk, db):
    fund = desk.fund(name="Northwind Growth I", vintage=2024, target_size="250000000")
    book = db.get(Book, uuid.UUID(fund["book_id"]))
    assert book is not None and book.currency == "USD" and book.owner_id == uuid.UUID(fund["id"])
    codes = set(db.scalars(select(Account.code).where(Account.book_id == book.id)))
    assert {"1000", "1100", "3000", "3100", "5000"} <= codes
    # CONVENTIONS.md defaults: 8% compounding hurdle, 100% catch-up, 20% carry, 2% then 1.5%
    # on invested cost, 5-year investment period, 100% fee offset, 8% equalization interest.
    assert (
        fund["hurdle_rate"],
        fund["compounding"],
        fund["catch_up_rate"],
        fund["carry_rate"],
    ) == (
        "0.08",
        "compound",
        "1",
        "0.20",
    )
    assert (
        fund["investment_period_rate"],
        fund["post_period_rate"],
        fund["post_period_basis"],
    ) == (
        "0.02",
        "0.015",
        "invested_cost",
    )
    assert fund["investment_period_years"] == 5 and fund["fee_offset_rate"] == "1"
    assert fund["target_size"] == "250000000.00" and fund["waterfall_type"] == "european"
    actions = db.scalars(
        select(AuditRecord.action).where(AuditRecord.entity_id == fund["id"])
    ).all()
    assert "fund.created" in actions


def test_terms_are_configurable_and_validated(desk):
    fund = desk.fund(
        waterfall_type="american",
        hurdle_rate="0.07",
        catch_up_rate="0.8",
        carry_rate="0.25",
        compounding="simple",
        post_period_basis="nav",
        initial_close_date="2024-02-29",
    )
    assert (fund["waterfall_type"], fund["catch_up_rate"], fund["carry_rate"]) == (
        "american",
        "0.8",
        "0.25",
    )
    assert fund["investment_period_end"] == "2029-02-28"  # fifth anniversary of 29 February
    for field, value in {"carry_rate": "1.5", "hurdle_rate": 0.08, "currency": "usd"}.items():
        response = desk.post("/funds", {"name": f"Bad {field}", "currency": "USD", field: value})
        assert response.status_code == 422, field
        assert problem_fields(response) == {field}


def test_a_fund_name_is_unique_in_its_organization(desk, other_desk):
    desk.fund(name="Harbor Fund")
    again = desk.post("/funds", {"name": "Harbor Fund", "currency": "USD"})
    assert again.status_code == 409 and problem_fields(again) == {"name"}
    assert other_desk.fund(name="Harbor Fund")["name"] == "Harbor Fund"


def test_updating_a_fund_records_before_and_after(desk, db):
    fund = desk.fund()
    updated = desk.ok(
        desk.patch(f"/funds/{fund['id']}", {"carry_rate": "0.3", "status": "investing"})
    )
    assert updated["carry_rate"] == "0.3" and updated["status"] == "investing"
    record = db.scalar(
        select(AuditRecord)
        .where(AuditRecord.entity_id == fund["id"], AuditRecord.action == "fund.updated")
        .order_by(AuditRecord.seq.desc())
    )
    assert record.before["carry_rate"] == "0.20" and record.after["carry_rate"] == "0.3"
    currency = desk.patch(f"/funds/{fund['id']}", {"currency": "EUR"})
    assert currency.status_code == 422 and problem_fields(currency) == {"currency"}
    cleared = desk.patch(f"/funds/{fund['id']}", {"carry_rate": None})
    assert cleared.status_code == 422 and problem_fields(cleared) == {"carry_rate"}


def test_bad_fund_input_saves_nothing(desk, db):
    before = db.scalar(select(func.count()).select_from(Fund))
    books = db.scalar(select(func.count()).select_from(Book))
    response = desk.post("/funds", {"name": "Cents", "currency": "USD", "target_size": "10.001"})
    assert response.status_code == 422 and problem_fields(response) == {"target_size"}
    for code in ("KBL", "XXX", "usd"):  # not ISO 4217 currencies: a fuzzer made a fund in KBL
        made_up = desk.post("/funds", {"name": f"Fund in {code}", "currency": code})
        assert made_up.status_code == 422 and problem_fields(made_up) == {"currency"}
    listed = desk.get("/funds", params={"currency": "KBL"})
    assert listed.status_code == 422 and problem_fields(listed) == {"currency"}
    dates = desk.post(
        "/funds",
        {
            "name": "Backwards",
            "currency": "USD",
            "initial_close_date": "2024-06-01",
            "investment_period_end": "2024-01-01",
        },
    )
    assert dates.status_code == 422 and problem_fields(dates) == {"investment_period_end"}
    assert db.scalar(select(func.count()).select_from(Fund)) == before
    assert db.scalar(select(func.count()).select_from(Book)) == books


def test_the_first_close_is_initial_and_sets_the_initial_close_date(desk):
    fund = desk.fund(initial_close_date=None)
    first = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-01-15"}), 201)
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-06-30"}), 201)
    assert (first["number"], first["is_initial"]) == (1, True)
    assert (second["number"], second["is_initial"]) == (2, False)
    detail = desk.ok(desk.get(f"/funds/{fund['id']}"))
    assert detail["initial_close_date"] == "2024-01-15"
    assert detail["investment_period_end"] == "2029-01-15"
    backdated = desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-03-01"})
    assert backdated.status_code == 422 and problem_fields(backdated) == {"close_date"}
    closes = desk.ok(desk.get(f"/funds/{fund['id']}/closes"))
    assert [c["number"] for c in closes] == [1, 2]
    moved = desk.patch(f"/funds/{fund['id']}", {"initial_close_date": "2024-02-01"})
    assert moved.status_code == 422 and problem_fields(moved) == {"initial_close_date"}


def test_fund_totals_follow_calls_and_payments(desk):
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["700000", "300000"])
    call = desk.issued_call(fund["id"], "100000")
    desk.ok(desk.pay(call["id"], a["investor_id"], "70000"), 201)
    totals = desk.ok(desk.get(f"/funds/{fund['id']}"))["totals"]
    assert totals == {
        "commitments": "1000000.00",
        "called": "100000.00",
        "contributed": "70000.00",
        "unfunded": "900000.00",
        "investors": 2,
    }


def test_fund_list_filters_pages_and_exports_csv(desk):
    for name, currency in [("Alpha", "USD"), ("Beta", "EUR"), ("Gamma", "USD")]:
        desk.fund(name=name, currency=currency, vintage=2020)
    usd = desk.ok(desk.get("/funds", params={"currency": "USD"}))
    assert [f["name"] for f in usd["items"]] == ["Alpha", "Gamma"]
    page = desk.ok(desk.get("/funds", params={"limit": 1, "sort": "-name"}))
    assert [f["name"] for f in page["items"]] == ["Gamma"]
    nxt = desk.ok(
        desk.get("/funds", params={"limit": 1, "sort": "-name", "cursor": page["next_cursor"]})
    )
    assert [f["name"] for f in nxt["items"]] == ["Beta"]
    assert [f["name"] for f in desk.ok(desk.get("/funds", params={"q": "amm"}))["items"]] == [
        "Gamma"
    ]
    export = desk.get("/funds", params={"format": "csv"})
    rows = export.text.strip().splitlines()
    assert rows[0].startswith("id,name,currency,vintage,strategy,status")
    assert [r.split(",")[1:4] for r in rows[1:]] == [
        ["Alpha", "USD", "2020"],
        ["Beta", "EUR", "2020"],
        ["Gamma", "USD", "2020"],
    ]
    assert 'filename="funds.csv"' in export.headers["content-disposition"]


def test_fund_routes_need_their_permissions(desk, make_member, client):
    fund = desk.fund()
    viewer = login(client, make_member(desk, "viewer"))
    assert desk.get(f"/funds/{fund['id']}", headers=viewer).status_code == 200
    refused = desk.post("/funds", {"name": "Nope", "currency": "USD"}, headers=viewer)
    assert refused.status_code == 403 and "fund:write" in refused.json()["detail"]
    assert desk.get(f"/funds/{fund['id']}/commitments", headers=viewer).status_code == 403
    assert client.get(f"/api/v1/funds/{fund['id']}").status_code == 401
