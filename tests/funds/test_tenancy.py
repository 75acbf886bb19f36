"""One organization never sees another's rows: every id of another organization is 404."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from fundhouse.funds.calls.router import router as calls_router
from fundhouse.funds.register.router import router as register_router
from tests.factories import login
from tests.funds.helpers import API, CALL_DATE, DUE_DATE, PAID_DATE, problem_fields

STATEMENT = "date,amount,reference,payer name\n2024-03-20,100.00,CALL 1,LP 1\n"


def _bodies(ids: dict[str, str]) -> dict[tuple[str, str], dict]:
    """A valid body for every route that takes one, so only the id can be refused."""
    call = {
        "purpose": "investment",
        "amount": "10",
        "call_date": CALL_DATE.isoformat(),
        "due_date": DUE_DATE.isoformat(),
    }
    return {
        ("PATCH", "/funds/{fund_id}"): {"name": "Renamed"},
        ("POST", "/funds/{fund_id}/closes"): {"close_date": "2024-01-01"},
        ("POST", "/funds/{fund_id}/commitments"): {
            "investor_id": ids["investor_id"],
            "amount": "1",
        },
        ("PATCH", "/commitments/{commitment_id}"): {"amount": "5000"},
        ("POST", "/funds/{fund_id}/transfers"): {
            "from_commitment_id": ids["commitment_id"],
            "to_investor_id": ids["investor_id"],
            "amount": "1",
            "transfer_date": "2024-12-01",
        },
        ("POST", "/funds/{fund_id}/closes/{close_id}/equalization"): {
            "call_date": "2024-07-01",
            "due_date": "2024-07-31",
        },
        ("PATCH", "/investors/{investor_id}"): {"name": "Renamed"},
        ("POST", "/investors/{investor_id}/users"): {"user_id": ids["user_id"]},
        ("POST", "/funds/{fund_id}/capital-calls/preview"): call,
        ("POST", "/funds/{fund_id}/capital-calls"): call,
        ("POST", "/capital-calls/{call_id}/payments"): {
            "investor_id": ids["investor_id"],
            "amount": "1",
            "received_date": PAID_DATE.isoformat(),
        },
        ("PATCH", "/reconciliations/{reconciliation_id}/lines/{line_no}"): {
            "call_allocation_id": ids["allocation_id"]
        },
    }


def test_every_id_of_another_organization_is_not_found(desk, other_desk, make_member):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["5000"])
    call = desk.issued_call(fund["id"], "100")
    lp_user = make_member(desk, "limited_partner")
    desk.ok(desk.post(f"/investors/{lp['investor_id']}/users", {"user_id": str(lp_user.id)}), 201)
    rec = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/reconciliations",
            files={"file": ("statement.csv", STATEMENT, "text/csv")},
        ),
        201,
    )
    paid = desk.issued_call(fund["id"], "50")
    payment = desk.ok(desk.pay(paid["id"], lp["investor_id"], "10"), 201)
    ids = {
        "payment_id": payment["id"],
        "fund_id": fund["id"],
        "investor_id": lp["investor_id"],
        "commitment_id": lp["id"],
        "call_id": call["id"],
        "allocation_id": call["allocations"][0]["id"],
        "reconciliation_id": rec["id"],
        "user_id": str(lp_user.id),
        "line_no": "1",
        "close_id": lp["close_id"],
    }
    bodies = _bodies(ids)
    checked = []
    for route in [*register_router.routes, *calls_router.routes]:
        assert isinstance(route, APIRoute)
        if "{" not in route.path or route.path.startswith("/portal/"):
            continue
        for method in route.methods:
            url = API + re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], route.path)
            kwargs: dict = {"headers": other_desk.headers}
            if method in ("POST", "PATCH") and (method, route.path) in bodies:
                kwargs["json"] = bodies[(method, route.path)]
            if route.path == "/funds/{fund_id}/reconciliations":
                kwargs["files"] = {"file": ("statement.csv", STATEMENT, "text/csv")}
            response = other_desk.client.request(method, url, **kwargs)
            assert response.status_code == 404, (method, route.path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            checked.append((method, route.path))
    assert len(checked) >= 25
    # Lists are scoped too: filtering by the other organization's ids finds nothing.
    for path, params in [
        ("/capital-calls", {"fund_id": fund["id"]}),
        ("/payments", {"fund_id": fund["id"]}),
        ("/investors", {"fund_id": fund["id"]}),
        ("/funds", {}),
    ]:
        assert other_desk.ok(other_desk.get(path, params=params))["items"] == [], path
    # And nothing was changed by the attempts.
    assert desk.ok(desk.get(f"/funds/{fund['id']}"))["name"] == fund["name"]
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["status"] == "issued"


def test_a_manual_entry_names_only_partners_of_the_fund(desk, other_desk, make_member):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["5000"])
    outsider = desk.investor("Not In This Fund")
    foreign = other_desk.investor("Another Organization's LP")
    accountant = login(desk.client, make_member(desk, "accountant"))

    def entry(party: str) -> dict:
        return {
            "entry_date": "2024-03-31",
            "memo": "Adjustment",
            "lines": [
                {"account_code": "1000", "debit": "1.00", "currency": "USD"},
                {"account_code": "3000", "credit": "1.00", "currency": "USD", "party_id": party},
            ],
        }

    path = f"/ledger/books/{fund['book_id']}/entries"
    for party in (outsider["id"], foreign["id"]):
        refused = desk.post(path, entry(party), headers=accountant)
        assert refused.status_code == 422, refused.text
        assert problem_fields(refused) == {"lines[1].party_id"}
    desk.ok(desk.post(path, entry(lp["investor_id"]), headers=accountant), 201)
    listed = desk.ok(desk.get(path, headers=accountant, params={"source_type": "manual"}))
    assert len(listed["items"]) == 1
