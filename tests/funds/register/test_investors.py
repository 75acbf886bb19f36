"""Investors: personal data encrypted at rest and shown only to those allowed to see it."""

from __future__ import annotations

import uuid

from sqlalchemy import Uuid, bindparam, text

from fundhouse.platform.audit import AuditRecord
from tests.factories import login
from tests.funds.helpers import problem_fields

SENSITIVE = {
    "tax_id": "98-7654321",
    "bank_account": "GB29NWBK60161331926819",
    "bank_routing": "NWBKGB2L",
}


def test_tax_and_bank_details_are_encrypted_at_rest(desk, db):
    investor = desk.investor("Calder Pension Plan", **SENSITIVE)
    raw = text(
        "SELECT tax_id_encrypted, bank_account_encrypted, bank_routing_encrypted "
        "FROM investors WHERE id = :id"
    ).bindparams(bindparam("id", type_=Uuid()))
    row = db.execute(raw, {"id": uuid.UUID(investor["id"])}).one()
    for stored, plain in zip(row, SENSITIVE.values(), strict=True):
        assert stored and plain not in stored and plain[-4:] not in stored


def test_sensitive_details_are_masked_without_read_sensitive(desk, make_member, client):
    investor = desk.investor("Calder Pension Plan", **SENSITIVE)
    # A fund manager lacks investor:read_sensitive (platform/access.py): masked to the last four.
    assert (investor["tax_id"], investor["bank_account"], investor["bank_routing"]) == (
        "****4321",
        "****6819",
        "****GB2L",
    )
    assert investor["sensitive_visible"] is False
    accountant = login(client, make_member(desk, "accountant"))
    full = desk.ok(desk.get(f"/investors/{investor['id']}", headers=accountant))
    assert full["sensitive_visible"] is True
    assert {k: full[k] for k in SENSITIVE} == SENSITIVE
    export = desk.get("/investors", params={"format": "csv"}, headers=accountant)
    assert SENSITIVE["bank_account"] in export.text


def test_the_audit_trail_never_holds_sensitive_details(desk, db):
    investor = desk.investor("Calder Pension Plan", **SENSITIVE)
    desk.ok(
        desk.patch(f"/investors/{investor['id']}", {"tax_id": "11-1111111", "phone": "+44 20 1234"})
    )
    records = db.query(AuditRecord).filter(AuditRecord.entity_id == investor["id"]).all()
    assert [r.action for r in records] == ["investor.created", "investor.updated"]
    dumped = repr([(r.before, r.after) for r in records])
    for plain in [*SENSITIVE.values(), "11-1111111"]:
        assert plain not in dumped
    update = records[1]
    assert update.before["tax_id"] != update.after["tax_id"]  # the change itself is visible
    assert update.after["tax_id"].startswith("hmac:")


def test_investor_list_filters_and_csv_export_masks(desk):
    desk.investor("Ames Family Office", kind="entity", country="US", **SENSITIVE)
    desk.investor("Bea Ortiz", kind="individual", country="ES", email="bea@example.com")
    people = desk.ok(desk.get("/investors", params={"kind": "individual"}))
    assert [i["name"] for i in people["items"]] == ["Bea Ortiz"]
    by_mail = desk.ok(desk.get("/investors", params={"q": "BEA@"}))
    assert [i["name"] for i in by_mail["items"]] == ["Bea Ortiz"]
    export = desk.get("/investors", params={"format": "csv"})
    lines = export.text.strip().splitlines()
    assert lines[0] == (
        "id,kind,name,email,phone,country,tax_id,bank_name,bank_account,bank_routing,"
        "withholding_rate,created_at"
    )
    assert ",entity,Ames Family Office,,,US,****4321,,****6819,****GB2L,0," in lines[1]
    assert SENSITIVE["tax_id"] not in export.text
    bad = desk.get("/investors", params={"kind": "robot"})
    assert bad.status_code == 422 and problem_fields(bad) == {"kind"}


def test_bad_investor_input_names_the_field(desk):
    for field, value in {
        "email": "not-an-email",
        "country": "usa",
        "withholding_rate": "1.2",
        "kind": "alien",
    }.items():
        body = {"kind": "entity", "name": "X", field: value}
        response = desk.post("/investors", body)
        assert response.status_code == 422 and problem_fields(response) == {field}, field
    blank = desk.post("/investors", {"kind": "entity", "name": "   "})
    assert blank.status_code == 422 and problem_fields(blank) == {"name"}


def test_linking_an_lp_user_to_an_investor(desk, other_desk, make_member):
    investor = desk.investor("Calder Pension Plan")
    lp_user = make_member(desk, "limited_partner")
    link = desk.ok(
        desk.post(f"/investors/{investor['id']}/users", {"user_id": str(lp_user.id)}), 201
    )
    assert link["email"] == lp_user.email
    again = desk.post(f"/investors/{investor['id']}/users", {"user_id": str(lp_user.id)})
    assert again.status_code == 409
    stranger = make_member(other_desk, "limited_partner")
    foreign = desk.post(f"/investors/{investor['id']}/users", {"user_id": str(stranger.id)})
    assert foreign.status_code == 422 and problem_fields(foreign) == {"user_id"}
    assert [u["user_id"] for u in desk.ok(desk.get(f"/investors/{investor['id']}/users"))] == [
        str(lp_user.id)
    ]
    gone = desk.client.delete(
        f"/api/v1/investors/{investor['id']}/users/{lp_user.id}", headers=desk.headers
    )
    assert gone.status_code == 204
    assert desk.ok(desk.get(f"/investors/{investor['id']}/users")) == []


def test_an_investors_commitments_and_calls_across_funds(desk, other_desk, make_member):
    first, second = desk.fund(name="Fund One"), desk.fund(name="Fund Two")
    investor = desk.investor("Calder Pension Plan")
    desk.commit(first["id"], investor["id"], "100000")
    desk.commit(second["id"], investor["id"], "300000")
    desk.commit(second["id"], desk.investor("Someone Else")["id"], "300000")
    call = desk.issued_call(second["id"], "60000")

    listed = desk.ok(desk.get(f"/investors/{investor['id']}/commitments"))["items"]
    assert [(c["fund_name"], c["amount"], c["called"]) for c in listed] == [
        ("Fund One", "100000.00", "0.00"),
        ("Fund Two", "300000.00", "30000.00"),
    ]
    page = desk.ok(desk.get(f"/investors/{investor['id']}/commitments", params={"limit": 1}))
    assert len(page["items"]) == 1 and page["next_cursor"]
    exported = desk.get(f"/investors/{investor['id']}/commitments", params={"format": "csv"})
    assert exported.status_code == 200 and len(exported.text.strip().splitlines()) == 3
    calls = desk.ok(desk.get("/capital-calls", params={"investor_id": investor["id"]}))["items"]
    assert [c["id"] for c in calls] == [call["id"]]
    nobody = desk.investor("No Calls")
    assert desk.ok(desk.get("/capital-calls", params={"investor_id": nobody["id"]}))["items"] == []

    assert other_desk.get(f"/investors/{investor['id']}/commitments").status_code == 404
    lp = login(desk.client, make_member(desk, "limited_partner"))
    assert desk.get(f"/investors/{investor['id']}/commitments", headers=lp).status_code == 403
    assert (
        desk.get("/capital-calls", headers=lp, params={"investor_id": investor["id"]}).status_code
        == 403
    )
