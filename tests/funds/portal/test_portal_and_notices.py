"""Call notices (PDF) and the LP portal: an LP sees its own data and nothing else."""

from __future__ import annotations

import base64
import re
import zlib

from tests.factories import login
from tests.funds.helpers import API


def pdf_text(content: bytes) -> str:
    """The text drawn on a PDF's pages: its content streams decoded (ASCII85, then Flate, as
    ReportLab writes them) and the strings shown with ``Tj``."""
    assert content.startswith(b"%PDF-")
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2])
        try:
            chunks.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            chunks.append(data.decode("latin-1"))
    drawn = re.findall(r"\((.*?)\)\s*Tj", "".join(chunks))
    return " ".join(s.replace("\\(", "(").replace("\\)", ")") for s in drawn)


def make_fund_with_two_lps(desk):
    fund = desk.fund(
        name="Northwind Ventures II",
        bank_instructions="Bank: First Harbor Bank\nIBAN: US00 FHB 0000 1234",
    )
    a = desk.commit(
        fund["id"],
        desk.investor("Calder Pension Plan", address="1 Quay St\nBoston")["id"],
        "750000",
    )
    b = desk.commit(fund["id"], desk.investor("Brook Endowment")["id"], "250000")
    return fund, a, b


def test_a_notice_shows_what_the_lp_owes_and_where_its_commitment_stands(desk):
    fund, a, _ = make_fund_with_two_lps(desk)
    first = desk.issued_call(fund["id"], "100000")
    desk.ok(desk.pay(first["id"], a["investor_id"], "75000"), 201)
    second = desk.issued_call(
        fund["id"],
        "200000",
        purpose="management_fee",
        call_date="2024-06-01",
        due_date="2024-06-28",
    )
    response = desk.get(f"/capital-calls/{second['id']}/notices/{a['investor_id']}.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in [
        "Capital Call Notice",
        "Northwind Ventures II",
        "Calder Pension Plan",
        "1 Quay St",
        "Capital call no. 2 for management fee",
        "USD 150,000.00",  # this call
        "USD 750,000.00",  # the commitment
        "28 June 2024",
        "IBAN: US00 FHB 0000 1234",
        f"CALL 2 {a['investor_id'].replace('-', '')[:8].upper()}",
    ]:
        assert expected in text, (expected, text)
    # Contributed before this call: 75,000 paid on call 1; unfunded after: 750,000 − 225,000.
    assert "Capital contributed to 01 June 2024 (before this call) USD 75,000.00" in text
    assert "Unfunded commitment after this call USD 525,000.00" in text


def test_a_draft_notice_is_marked_and_counts_the_call_against_unfunded(desk):
    fund, a, _ = make_fund_with_two_lps(desk)
    draft = desk.draft(fund["id"], "100000")
    text = pdf_text(
        desk.get(f"/capital-calls/{draft['id']}/notices/{a['investor_id']}.pdf").content
    )
    assert "DRAFT" in text
    assert "Unfunded commitment after this call USD 675,000.00" in text


def test_a_notice_for_an_investor_without_a_share_is_not_found(desk):
    fund, a, _ = make_fund_with_two_lps(desk)
    call = desk.issued_call(fund["id"], "1000")
    outsider = desk.investor("Outsider")
    assert desk.get(f"/capital-calls/{call['id']}/notices/{outsider['id']}.pdf").status_code == 404


def test_an_lp_sees_only_its_own_calls_commitments_and_payments(desk, make_member, client):
    fund, a, b = make_fund_with_two_lps(desk)
    user = make_member(desk, "limited_partner")
    desk.ok(desk.post(f"/investors/{a['investor_id']}/users", {"user_id": str(user.id)}), 201)
    lp = login(client, user)
    draft = desk.draft(fund["id"], "5000")
    call = desk.issued_call(fund["id"], "100000")
    desk.ok(desk.pay(call["id"], a["investor_id"], "1000"), 201)
    desk.ok(desk.pay(call["id"], b["investor_id"], "2000"), 201)

    mine = desk.ok(desk.get("/portal/capital-calls", headers=lp))
    assert [(c["call_id"], c["investor_name"], c["amount"]) for c in mine] == [
        (call["id"], "Calder Pension Plan", "75000.00")
    ]  # not the draft, not the other LP's share
    assert mine[0]["outstanding"] == "74000.00"
    assert draft["id"] not in {c["call_id"] for c in mine}
    commitments = desk.ok(desk.get("/portal/commitments", headers=lp))
    assert [(c["investor_name"], c["called"]) for c in commitments] == [
        ("Calder Pension Plan", "75000.00")
    ]
    payments = desk.ok(desk.get("/portal/payments", headers=lp))["items"]
    assert [p["amount"] for p in payments] == ["1000.00"]
    investors = desk.ok(desk.get("/portal/investors", headers=lp))
    assert [i["name"] for i in investors] == ["Calder Pension Plan"]

    own = client.get(mine[0]["notice_url"], headers=lp)
    assert own.status_code == 200 and "Calder Pension Plan" in pdf_text(own.content)
    others = client.get(
        f"{API}/portal/capital-calls/{call['id']}/notices/{b['investor_id']}.pdf", headers=lp
    )
    assert others.status_code == 404
    unissued = client.get(
        f"{API}/portal/capital-calls/{draft['id']}/notices/{a['investor_id']}.pdf", headers=lp
    )
    assert unissued.status_code == 404

    # Every portal list also exports as CSV, with the same rows and nothing else.
    for path, rows in (
        ("/portal/capital-calls", 1),
        ("/portal/commitments", 1),
        ("/portal/payments", 1),
        ("/portal/distributions", 0),
    ):
        exported = desk.get(path, headers=lp, params={"format": "csv"})
        assert exported.status_code == 200, path
        assert exported.headers["content-type"].startswith("text/csv")
        lines = exported.text.strip().splitlines()
        assert len(lines) == 1 + rows, path
        assert "Brook Endowment" not in exported.text and b["investor_id"] not in exported.text


def test_an_lp_cannot_use_the_internal_routes(desk, make_member, client):
    fund, a, b = make_fund_with_two_lps(desk)
    user = make_member(desk, "limited_partner")
    desk.ok(desk.post(f"/investors/{a['investor_id']}/users", {"user_id": str(user.id)}), 201)
    lp = login(client, user)
    call = desk.issued_call(fund["id"], "1000")
    for path in [
        f"/capital-calls/{call['id']}",
        f"/capital-calls/{call['id']}/notices/{b['investor_id']}.pdf",
        f"/investors/{b['investor_id']}",
        f"/funds/{fund['id']}/commitments",
        "/payments",
    ]:
        assert desk.get(path, headers=lp).status_code == 403, path
    assert desk.pay(call["id"], a["investor_id"], "1").status_code == 201
    paying = desk.post(
        f"/capital-calls/{call['id']}/payments",
        {"investor_id": a["investor_id"], "amount": "1", "received_date": "2024-03-20"},
        headers=lp,
    )
    assert paying.status_code == 403


def test_an_lp_without_a_link_sees_nothing_and_staff_cannot_use_the_portal(
    desk, make_member, client
):
    fund, a, _ = make_fund_with_two_lps(desk)
    call = desk.issued_call(fund["id"], "1000")
    lonely = login(client, make_member(desk, "limited_partner"))
    assert desk.ok(desk.get("/portal/capital-calls", headers=lonely)) == []
    assert (
        client.get(
            f"{API}/portal/capital-calls/{call['id']}/notices/{a['investor_id']}.pdf",
            headers=lonely,
        ).status_code
        == 404
    )
    assert desk.get("/portal/capital-calls").status_code == 403


def test_each_lp_sees_its_own_status_and_paid_in_agrees_with_contributed(desk, make_member, client):
    # Calder (75%) pays its 75,000 in full, Brook (25%) pays nothing: the call is partially
    # paid, yet Calder's share is paid with nothing outstanding and Brook's is unpaid in full.
    fund, a, b = make_fund_with_two_lps(desk)
    call = desk.issued_call(fund["id"], "100000")
    desk.ok(desk.pay(call["id"], a["investor_id"], "75000"), 201)
    headers = {}
    for share in (a, b):
        user = make_member(desk, "limited_partner")
        link = {"user_id": str(user.id)}
        desk.ok(desk.post(f"/investors/{share['investor_id']}/users", link), 201)
        headers[share["investor_id"]] = login(client, user)

    def my_call(share):
        (mine,) = desk.ok(desk.get("/portal/capital-calls", headers=headers[share["investor_id"]]))
        return mine

    paid, unpaid = my_call(a), my_call(b)
    assert paid["status"] == unpaid["status"] == "partially_paid"  # the call, all LPs together
    assert (paid["allocation_status"], paid["outstanding"], paid["is_overdue"]) == (
        "paid",
        "0.00",
        False,
    )
    assert (unpaid["allocation_status"], unpaid["outstanding"], unpaid["is_overdue"]) == (
        "unpaid",
        "25000.00",
        True,
    )
    exported = desk.get(
        "/portal/capital-calls", headers=headers[b["investor_id"]], params={"format": "csv"}
    )
    assert "allocation_status" in exported.text.splitlines()[0] and ",unpaid," in exported.text
    # Paid in is what the LP paid, the "contributed" of its commitments: Brook's unpaid
    # 25,000 is called (in its capital account) but not paid in.
    for share, called, contributed in ((a, "75000.00", "75000.00"), (b, "25000.00", "0.00")):
        lp = headers[share["investor_id"]]
        (commitment,) = desk.ok(desk.get("/portal/commitments", headers=lp))
        (performance,) = desk.ok(desk.get("/portal/performance", headers=lp))
        assert commitment["called"] == called
        assert performance["paid_in"] == commitment["contributed"] == contributed
    payments = desk.ok(desk.get("/portal/payments", headers=headers[a["investor_id"]]))["items"]
    assert [(p["fund_id"], p["fund_name"]) for p in payments] == [(fund["id"], fund["name"])]
