"""Capital calls through the API: allocation, the maker/checker workflow and the ledger.

Allocation conventions pinned here: shared/CONVENTIONS.md, "Allocation of a total across
parties" and "Capital calls" (pro rata, capped at unfunded by water-filling, rounded once to
the cent by largest remainder, ties to the earlier commitment).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from fundhouse.funds.models import CapitalCall
from fundhouse.ledger.models import JournalEntry
from fundhouse.platform.jobs_models import OutboxEvent
from tests.funds.helpers import CALL_DATE, DUE_DATE, D, problem_fields


def amounts(call: dict) -> list[str]:
    return [a["amount"] for a in call["allocations"]]


def test_a_call_splits_pro_rata_to_commitments_exact_to_the_cent(desk):
    # CONVENTIONS.md: exact shares 500000.005, 300000.003, 200000.002 are rounded down to
    # 500000.00, 300000.00, 200000.00 and the one cent left goes to the largest remainder.
    fund = desk.fund()
    desk.lps(fund["id"], ["5000000", "3000000", "2000000"])
    call = desk.draft(fund["id"], "1000000.01")
    assert amounts(call) == ["500000.01", "300000.00", "200000.00"]
    assert call["status"] == "draft" and call["amount"] == "1000000.01"


def test_remainder_ties_go_to_the_earlier_commitment(desk):
    # CONVENTIONS.md: 100.00 / 3 = 33.333... each; the one cent left is a three-way tie and goes
    # to the first commitment created.
    fund = desk.fund()
    desk.lps(fund["id"], ["1000", "1000", "1000"])
    assert amounts(desk.draft(fund["id"], "100.00")) == ["33.34", "33.33", "33.33"]
    # 299.99 / 3 = 99.9966... each: two cents left, to the first two commitments.
    assert amounts(desk.draft(fund["id"], "299.99")) == ["100.00", "100.00", "99.99"]


def test_a_call_is_capped_at_unfunded_commitment_by_water_filling(desk):
    # A and B committed 1,000,000 each and paid half in call 1; C joined later with 1,000,000.
    # Call 2 of 1,600,000 pro rata to commitments would ask 533,333.33 of each, more than the
    # 500,000 left to A and B: they are capped at exactly 500,000 and C takes the excess
    # (CONVENTIONS.md, "Capital calls", water-filling).
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["1000000", "1000000"])
    desk.issued_call(fund["id"], "1000000")
    c = desk.commit(fund["id"], desk.investor("LP C")["id"], "1000000")

    preview = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/capital-calls/preview",
            {
                "purpose": "investment",
                "amount": "1600000",
                "call_date": "2024-06-01",
                "due_date": "2024-06-30",
            },
        )
    )
    lines = {line["commitment_id"]: line for line in preview["lines"]}
    assert [lines[x["id"]]["amount"] for x in (a, b, c)] == ["500000.00", "500000.00", "600000.00"]
    assert [lines[x["id"]]["capped"] for x in (a, b, c)] == [True, True, False]
    assert lines[c["id"]]["unfunded_after"] == "400000.00"
    assert preview["total_unfunded"] == "2000000.00"


def test_a_call_on_unfunded_basis_weights_the_unfunded_commitments(desk):
    # After call 1, A and B have 500,000 unfunded each and C 1,000,000: a call of 1,000,000 on
    # the unfunded basis asks 250,000, 250,000 and 500,000.
    fund = desk.fund()
    desk.lps(fund["id"], ["1000000", "1000000"])
    desk.issued_call(fund["id"], "1000000")
    desk.commit(fund["id"], desk.investor("LP C")["id"], "1000000")
    call = desk.draft(fund["id"], "1000000", basis="unfunded")
    assert amounts(call) == ["250000.00", "250000.00", "500000.00"]


def test_a_call_above_the_total_unfunded_commitment_is_refused_and_nothing_saved(desk, db):
    fund = desk.fund()
    desk.lps(fund["id"], ["600000", "400000"])
    before = db.scalar(select(func.count()).select_from(CapitalCall))
    body = {
        "purpose": "investment",
        "amount": "1000000.01",
        "call_date": CALL_DATE.isoformat(),
        "due_date": DUE_DATE.isoformat(),
    }
    response = desk.post(f"/funds/{fund['id']}/capital-calls", body)
    assert response.status_code == 422
    assert problem_fields(response) == {"amount"}
    assert "1000000.00" in response.json()["detail"]
    assert db.scalar(select(func.count()).select_from(CapitalCall)) == before
    assert desk.ok(desk.get("/capital-calls", params={"fund_id": fund["id"]}))["items"] == []


def test_a_preview_saves_nothing(desk, db):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    calls_before = db.scalar(select(func.count()).select_from(CapitalCall))
    body = {
        "purpose": "expenses",
        "amount": "10",
        "call_date": "2024-01-02",
        "due_date": "2024-01-20",
    }
    preview = desk.ok(desk.post(f"/funds/{fund['id']}/capital-calls/preview", body))
    assert preview["lines"][0]["amount"] == "10.00"
    assert db.scalar(select(func.count()).select_from(CapitalCall)) == calls_before


def test_call_amounts_finer_than_a_cent_are_refused(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    body = {
        "purpose": "investment",
        "amount": "10.001",
        "call_date": "2024-01-02",
        "due_date": "2024-01-20",
    }
    response = desk.post(f"/funds/{fund['id']}/capital-calls", body)
    assert response.status_code == 422 and problem_fields(response) == {"amount"}


def test_malformed_call_bodies_are_refused_naming_the_field(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    url = f"/funds/{fund['id']}/capital-calls"
    good = {
        "purpose": "investment",
        "amount": "10",
        "call_date": "2024-01-02",
        "due_date": "2024-01-20",
    }
    cases = {
        "amount": {**good, "amount": 10.5},
        "purpose": {**good, "purpose": "party"},
        "due_date": {**good, "due_date": "2024-01-01"},
        "call_date": {**good, "call_date": "yesterday"},
        "basis": {**good, "basis": "vibes"},
        "unexpected": {**good, "unexpected": 1},
    }
    for field, body in cases.items():
        response = desk.post(url, body)
        assert response.status_code == 422, (field, response.text)
        fields = problem_fields(response)
        assert any(field in f for f in fields), (field, fields)
    negative = desk.post(url, {**good, "amount": "-5"})
    assert negative.status_code == 422 and problem_fields(negative) == {"amount"}


def test_the_author_of_a_call_cannot_approve_it(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    call = desk.draft(fund["id"], "100")
    response = desk.post(f"/capital-calls/{call['id']}/approve")
    assert response.status_code == 409
    assert "other than its author" in response.json()["detail"]
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["status"] == "draft"


def test_approval_needs_the_approve_permission(desk, make_member, client):
    from tests.factories import login

    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    call = desk.draft(fund["id"], "100")
    analyst = login(client, make_member(desk, "analyst"))
    response = desk.post(f"/capital-calls/{call['id']}/approve", headers=analyst)
    assert response.status_code == 403
    assert "capital_call:approve" in response.json()["detail"]
    approved = desk.approve(call["id"])
    assert approved["status"] == "approved"
    assert approved["approved_by"] == str(desk.checker.id)


def test_only_an_approved_call_can_be_issued_and_issuing_posts_the_receivables(desk, db):
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["750000", "250000"])
    call = desk.draft(fund["id"], "100000")
    assert desk.post(f"/capital-calls/{call['id']}/issue").status_code == 409
    desk.approve(call["id"])
    assert (
        desk.post(f"/capital-calls/{call['id']}/approve", headers=desk.checker_headers).status_code
        == 409
    )
    issued = desk.issue(call["id"])
    assert issued["status"] == "issued" and issued["ledger_entry_id"]

    assert desk.trial_balance(db, fund).is_balanced
    assert desk.partner_balances(db, fund, "1100") == {
        a["investor_id"]: D("75000.00"),
        b["investor_id"]: D("25000.00"),
    }
    assert desk.capital_contributed(db, fund) == {
        a["investor_id"]: D("75000.00"),
        b["investor_id"]: D("25000.00"),
    }
    commitments = desk.ok(desk.get(f"/funds/{fund['id']}/commitments"))["items"]
    assert [(c["called"], c["unfunded"]) for c in commitments] == [
        ("75000.00", "675000.00"),
        ("25000.00", "225000.00"),
    ]
    events = db.scalars(
        select(OutboxEvent.event_type).where(OutboxEvent.org_id == desk.org.id)
    ).all()
    assert {"capital_call.approved", "capital_call.issued"} <= set(events)


def test_drafts_do_not_draw_on_the_commitments(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    desk.draft(fund["id"], "800")
    # A draft draws nothing: a second draft may ask for the same room.
    assert amounts(desk.draft(fund["id"], "900")) == ["900.00"]


def test_issuing_is_refused_when_a_later_call_used_the_room(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    first = desk.draft(fund["id"], "800")
    desk.issued_call(fund["id"], "900")
    desk.approve(first["id"])
    response = desk.post(f"/capital-calls/{first['id']}/issue")
    assert response.status_code == 409 and "cancel this call" in response.json()["detail"]


def test_cancelling_a_draft_and_an_unpaid_issued_call(desk, db):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    draft = desk.draft(fund["id"], "100")
    assert desk.ok(desk.post(f"/capital-calls/{draft['id']}/cancel"))["status"] == "cancelled"
    issued = desk.issued_call(fund["id"], "200")
    cancelled = desk.ok(desk.post(f"/capital-calls/{issued['id']}/cancel"))
    assert cancelled["status"] == "cancelled"
    reversal = db.scalar(
        select(JournalEntry).where(
            JournalEntry.reverses_entry_id == uuid.UUID(issued["ledger_entry_id"])
        )
    )
    assert reversal is not None
    assert desk.capital_contributed(db, fund) == {}
    assert desk.trial_balance(db, fund).is_balanced
    commitment = desk.ok(desk.get(f"/funds/{fund['id']}/commitments"))["items"][0]
    assert commitment["unfunded"] == "1000.00"
    assert desk.post(f"/capital-calls/{issued['id']}/cancel").status_code == 409


def test_overdue_flag_and_filter(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000"])
    today = date.today()
    late = desk.issued_call(
        fund["id"],
        "100",
        call_date=str(today - timedelta(days=40)),
        due_date=str(today - timedelta(days=10)),
    )
    current = desk.issued_call(
        fund["id"],
        "100",
        call_date=str(today - timedelta(days=5)),
        due_date=str(today + timedelta(days=10)),
    )
    draft_late = desk.draft(
        fund["id"],
        "100",
        call_date=str(today - timedelta(days=40)),
        due_date=str(today - timedelta(days=10)),
    )
    assert late["is_overdue"] is True
    assert current["is_overdue"] is False
    assert draft_late["is_overdue"] is False  # a draft is owed by nobody yet
    overdue = desk.ok(desk.get("/capital-calls", params={"fund_id": fund["id"], "overdue": "true"}))
    assert [c["id"] for c in overdue["items"]] == [late["id"]]
    desk.ok(
        desk.pay(late["id"], late["allocations"][0]["investor_id"], "100", received_date=today), 201
    )
    assert desk.ok(desk.get(f"/capital-calls/{late['id']}"))["is_overdue"] is False


def test_call_list_pages_filters_sorts_and_exports_csv(desk):
    fund = desk.fund()
    desk.lps(fund["id"], ["1000000"])
    for n in range(3):
        desk.draft(
            fund["id"],
            "100",
            call_date=f"2024-0{n + 1}-01",
            due_date=f"2024-0{n + 1}-20",
            purpose="management_fee" if n == 1 else "investment",
        )
    first = desk.ok(desk.get("/capital-calls", params={"fund_id": fund["id"], "limit": 2}))
    assert [c["number"] for c in first["items"]] == [3, 2]  # newest call date first
    rest = desk.ok(
        desk.get(
            "/capital-calls",
            params={"fund_id": fund["id"], "limit": 2, "cursor": first["next_cursor"]},
        )
    )
    assert [c["number"] for c in rest["items"]] == [1] and rest["next_cursor"] is None
    fees = desk.ok(
        desk.get("/capital-calls", params={"fund_id": fund["id"], "purpose": "management_fee"})
    )
    assert [c["number"] for c in fees["items"]] == [2]
    by_number = desk.ok(
        desk.get("/capital-calls", params={"fund_id": fund["id"], "sort": "number"})
    )
    assert [c["number"] for c in by_number["items"]] == [1, 2, 3]
    bad_sort = desk.get("/capital-calls", params={"sort": "amount"})
    assert bad_sort.status_code == 422 and problem_fields(bad_sort) == {"sort"}

    export = desk.get(
        "/capital-calls", params={"fund_id": fund["id"], "format": "csv", "sort": "number"}
    )
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = [line.split(",") for line in export.text.strip().splitlines()]
    assert rows[0][:4] == ["id", "fund_name", "number", "purpose"]
    assert [r[2] for r in rows[1:]] == ["1", "2", "3"]
    assert [r[6] for r in rows[1:]] == ["100.00"] * 3


def test_management_fee_and_expense_calls_post_as_contributions(desk, db):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["1000000"])
    desk.issued_call(fund["id"], "5000", purpose="management_fee")
    desk.issued_call(fund["id"], "1000", purpose="expenses")
    assert desk.capital_contributed(db, fund) == {lp["investor_id"]: D("6000.00")}
    assert desk.trial_balance(db, fund).is_balanced


def test_a_call_dated_before_the_initial_close_is_refused_naming_call_date(desk, db):
    # The fund's first close is in 2018: nobody had committed in 1999.
    fund = desk.fund(initial_close_date="2018-03-15")
    desk.lps(fund["id"], ["1000000"])
    body = {"purpose": "investment", "amount": "1000", "due_date": "1999-07-01"}
    for path in ("capital-calls", "capital-calls/preview"):
        refused = desk.post(f"/funds/{fund['id']}/{path}", {**body, "call_date": "1999-06-01"})
        assert refused.status_code == 422 and problem_fields(refused) == {"call_date"}
        assert "2018-03-15" in refused.json()["detail"]
    assert db.scalar(select(func.count()).select_from(CapitalCall)) == 0
    on_the_close = desk.draft(fund["id"], "1000", call_date="2018-03-15", due_date="2018-04-15")
    assert on_the_close["status"] == "draft"


def test_each_lp_sees_its_own_status_and_outstanding_not_the_calls(desk):
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    call = desk.issued_call(fund["id"], "100000")
    desk.ok(desk.pay(call["id"], a["investor_id"], "60000"), 201)
    detail = desk.ok(desk.get(f"/capital-calls/{call['id']}"))
    assert detail["status"] == "partially_paid"
    assert [(s["status"], s["outstanding"]) for s in detail["allocations"]] == [
        ("paid", "0.00"),
        ("unpaid", "40000.00"),
    ]
    shares = {}
    for lp in (a, b):
        page = desk.ok(desk.get("/capital-calls", params={"investor_id": lp["investor_id"]}))
        (listed,) = page["items"]
        assert listed["status"] == "partially_paid"
        shares[lp["investor_id"]] = listed["investor_share"]
    assert shares[a["investor_id"]] == {
        "investor_id": a["investor_id"],
        "amount_due": "60000.00",
        "paid_amount": "60000.00",
        "outstanding": "0.00",
        "status": "paid",
        "is_overdue": False,
    }
    assert shares[b["investor_id"]]["status"] == "unpaid"
    assert shares[b["investor_id"]]["outstanding"] == "40000.00"
    assert shares[b["investor_id"]]["is_overdue"]  # due 2024-03-31
    desk.ok(desk.pay(call["id"], b["investor_id"], "10000"), 201)
    page = desk.ok(desk.get("/capital-calls", params={"investor_id": b["investor_id"]}))
    assert page["items"][0]["investor_share"]["status"] == "partially_paid"
    unfiltered = desk.ok(desk.get("/capital-calls", params={"fund_id": fund["id"]}))
    assert unfiltered["items"][0]["investor_share"] is None
