"""Commitments, closes and transfers of interest."""

from __future__ import annotations

from tests.funds.helpers import D, problem_fields


def test_commitments_take_sequence_numbers_and_the_latest_close(desk):
    fund = desk.fund(initial_close_date="2024-01-10")
    a, b = desk.lps(fund["id"], ["1000000", "500000"])
    assert (a["sequence"], b["sequence"]) == (1, 2)
    assert a["close_number"] == 1 and a["close_date"] == "2024-01-10"  # initial close opened
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-05-01"}), 201)
    c = desk.commit(fund["id"], desk.investor("Late LP")["id"], "250000")
    assert (c["close_id"], c["sequence"]) == (second["id"], 3)
    early = desk.commit(fund["id"], desk.investor("Named close")["id"], "1", close_id=a["close_id"])
    assert early["close_number"] == 1
    assert (c["called"], c["contributed"], c["unfunded"]) == ("0.00", "0.00", "250000.00")


def test_the_first_gp_commitment_names_the_funds_gp(desk):
    fund = desk.fund()
    gp = desk.investor("Northwind GP LLC")
    commitment = desk.commit(fund["id"], gp["id"], "10000", is_gp=True)
    assert commitment["is_gp"] is True
    assert desk.ok(desk.get(f"/funds/{fund['id']}"))["gp_investor_id"] == gp["id"]
    other = desk.post(
        f"/funds/{fund['id']}/commitments",
        {"investor_id": desk.investor("Other GP")["id"], "amount": "1", "is_gp": True},
    )
    assert other.status_code == 422 and problem_fields(other) == {"is_gp"}
    gps = desk.ok(desk.get(f"/funds/{fund['id']}/commitments", params={"is_gp": "true"}))
    assert [c["investor_name"] for c in gps["items"]] == ["Northwind GP LLC"]


def test_bad_commitments_name_the_field_and_save_nothing(desk, other_desk):
    fund = desk.fund()
    foreign = other_desk.investor("Elsewhere")
    cases = [
        ({"investor_id": foreign["id"], "amount": "10"}, "investor_id"),
        ({"investor_id": desk.investor("X")["id"], "amount": "0"}, "amount"),
        ({"investor_id": desk.investor("Y")["id"], "amount": "1.001"}, "amount"),
        ({"investor_id": "not-a-uuid", "amount": "10"}, "investor_id"),
        ({"amount": "10"}, "investor_id"),
    ]
    for body, field in cases:
        response = desk.post(f"/funds/{fund['id']}/commitments", body)
        assert response.status_code == 422 and problem_fields(response) == {field}, body
    assert desk.ok(desk.get(f"/funds/{fund['id']}/commitments"))["items"] == []
    assert desk.ok(desk.get(f"/funds/{fund['id']}/closes")) == []


def test_a_commitment_cannot_shrink_below_what_was_called(desk):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["1000"])
    desk.issued_call(fund["id"], "600")
    refused = desk.patch(f"/commitments/{lp['id']}", {"amount": "599.99"})
    assert refused.status_code == 422 and problem_fields(refused) == {"amount"}
    resized = desk.ok(desk.patch(f"/commitments/{lp['id']}", {"amount": "600"}))
    assert resized["unfunded"] == "0.00"


def test_commitment_list_and_csv(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["3000", "1000", "2000"])
    desk.issued_call(fund["id"], "600")
    page = desk.ok(desk.get(f"/funds/{fund['id']}/commitments", params={"limit": 2}))
    assert [c["sequence"] for c in page["items"]] == [1, 2] and page["next_cursor"]
    export = desk.get(f"/funds/{fund['id']}/commitments", params={"format": "csv"})
    rows = [line.split(",") for line in export.text.strip().splitlines()]
    assert rows[0][-6:] == ["currency", "amount", "called", "contributed", "recallable", "unfunded"]
    assert [r[-6:] for r in rows[1:]] == [
        ["USD", "3000.00", "300.00", "0.00", "0.00", "2700.00"],
        ["USD", "1000.00", "100.00", "0.00", "0.00", "900.00"],
        ["USD", "2000.00", "200.00", "0.00", "0.00", "1800.00"],
    ]


def test_a_transfer_moves_commitment_called_capital_and_the_capital_account(desk, db):
    fund = desk.fund()
    seller, other = desk.lps(fund["id"], ["1000000", "1000000"])
    call = desk.issued_call(fund["id"], "500000")
    for a in call["allocations"]:
        desk.ok(desk.pay(call["id"], a["investor_id"], a["amount"]), 201)
    buyer = desk.investor("Secondary Buyer")
    transfer = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/transfers",
            {
                "from_commitment_id": seller["id"],
                "to_investor_id": buyer["id"],
                "amount": "400000",
                "transfer_date": "2024-04-01",
            },
        ),
        201,
    )
    assert transfer["called_amount"] == "100000.00"  # 40% of the 250,000 called
    commitments = {
        c["investor_name"]: c
        for c in desk.ok(desk.get(f"/funds/{fund['id']}/commitments"))["items"]
    }
    assert (commitments["LP 1"]["amount"], commitments["LP 1"]["called"]) == (
        "600000.00",
        "150000.00",
    )
    assert (commitments["Secondary Buyer"]["amount"], commitments["Secondary Buyer"]["called"]) == (
        "400000.00",
        "100000.00",
    )
    assert commitments["Secondary Buyer"]["unfunded"] == "300000.00"
    assert desk.capital_contributed(db, fund) == {
        seller["investor_id"]: D("150000"),
        other["investor_id"]: D("250000"),
        buyer["id"]: D("100000"),
    }
    assert desk.trial_balance(db, fund).is_balanced
    # The next call treats the buyer like any LP: pro rata to the commitments, capped at room.
    next_call = desk.draft(fund["id"], "200000", call_date="2024-05-01", due_date="2024-05-31")
    by_name = {a["investor_name"]: a["amount"] for a in next_call["allocations"]}
    assert by_name == {"LP 1": "60000.00", "LP 2": "100000.00", "Secondary Buyer": "40000.00"}


def test_a_transfer_waits_for_unpaid_calls_and_is_not_backdated(desk):
    fund = desk.fund()
    (seller,) = desk.lps(fund["id"], ["1000"])
    buyer = desk.investor("Buyer")
    desk.issued_call(fund["id"], "100")
    body = {
        "from_commitment_id": seller["id"],
        "to_investor_id": buyer["id"],
        "amount": "1000",
        "transfer_date": "2024-04-01",
    }
    assert desk.post(f"/funds/{fund['id']}/transfers", body).status_code == 409
    backdated = desk.post(f"/funds/{fund['id']}/transfers", {**body, "transfer_date": "2024-01-01"})
    assert backdated.status_code == 422 and problem_fields(backdated) == {"transfer_date"}
    too_much = desk.post(f"/funds/{fund['id']}/transfers", {**body, "amount": "1000.01"})
    assert too_much.status_code == 422 and problem_fields(too_much) == {"amount"}


def test_transferring_everything_marks_the_commitment_transferred(desk):
    fund = desk.fund()
    (seller,) = desk.lps(fund["id"], ["1000"])
    buyer = desk.investor("Buyer")
    body = {
        "from_commitment_id": seller["id"],
        "to_investor_id": buyer["id"],
        "amount": "1000",
        "transfer_date": "2024-04-01",
    }
    transfer = desk.ok(desk.post(f"/funds/{fund['id']}/transfers", body), 201)
    assert transfer["ledger_entry_id"] is None  # nothing called yet: no capital to move
    old = desk.ok(desk.get(f"/commitments/{seller['id']}"))
    assert (old["status"], old["amount"]) == ("transferred", "0.00")
    again = desk.post(f"/funds/{fund['id']}/transfers", body)
    assert again.status_code == 422 and problem_fields(again) == {"from_commitment_id"}
    assert [t["id"] for t in desk.ok(desk.get(f"/funds/{fund['id']}/transfers"))] == [
        transfer["id"]
    ]
