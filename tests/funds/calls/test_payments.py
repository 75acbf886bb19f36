"""LP payments against issued calls, and the ledger after every step."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import func, inspect, select

from fundhouse.funds.models import Payment
from fundhouse.platform.jobs_models import OutboxEvent
from tests.funds.helpers import PAID_DATE, D, problem_fields


def assert_books(desk, db, fund, called: dict[str, str], receivable: dict[str, str]) -> None:
    """The trial balance balances; partners' contributed capital (3000) equals what was
    called and contributions receivable (1100) what is still unpaid, per LP."""
    assert desk.trial_balance(db, fund).is_balanced
    assert desk.capital_contributed(db, fund) == {k: D(v) for k, v in called.items()}
    expected = {k: D(v) for k, v in receivable.items() if D(v) != 0}
    assert desk.partner_balances(db, fund, "1100") == expected


def test_a_partial_then_a_full_payment_moves_the_call_to_paid(desk, db):
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    ia, ib = a["investor_id"], b["investor_id"]
    call = desk.issued_call(fund["id"], "100000")
    assert_books(desk, db, fund, {ia: "60000", ib: "40000"}, {ia: "60000", ib: "40000"})

    first = desk.ok(desk.pay(call["id"], ia, "25000.50"), 201)
    assert first["call_status"] == "partially_paid"
    assert first["allocation_outstanding"] == "34999.50"
    assert_books(desk, db, fund, {ia: "60000", ib: "40000"}, {ia: "34999.50", ib: "40000"})

    desk.ok(desk.pay(call["id"], ia, "34999.50"), 201)
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["status"] == "partially_paid"
    last = desk.ok(desk.pay(call["id"], ib, "40000"), 201)
    assert last["call_status"] == "paid"
    assert_books(desk, db, fund, {ia: "60000", ib: "40000"}, {})

    detail = desk.ok(desk.get(f"/capital-calls/{call['id']}"))
    assert detail["status"] == "paid" and detail["paid_at"]
    assert detail["outstanding"] == "0.00" and detail["paid_amount"] == "100000.00"
    cash = [r for r in desk.trial_balance(db, fund).rows if r.account_code == "1000"]
    assert cash[0].debit == D("100000")
    commitments = desk.ok(desk.get(f"/funds/{fund['id']}/commitments"))["items"]
    assert [c["contributed"] for c in commitments] == ["60000.00", "40000.00"]


def test_the_same_idempotency_key_twice_records_one_payment(desk, db):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["1000"])
    call = desk.issued_call(fund["id"], "500")
    first = desk.pay(call["id"], lp["investor_id"], "200", key="wire-2024-001")
    again = desk.pay(call["id"], lp["investor_id"], "200", key="wire-2024-001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (
        db.scalar(
            select(func.count())
            .select_from(Payment)
            .where(Payment.call_id == uuid.UUID(call["id"]))
        )
        == 1
    )
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["paid_amount"] == "200.00"
    assert_books(desk, db, fund, {lp["investor_id"]: "500"}, {lp["investor_id"]: "300"})
    recorded = db.scalars(
        select(OutboxEvent.payload).where(
            OutboxEvent.org_id == desk.org.id, OutboxEvent.event_type == "payment.recorded"
        )
    ).all()
    assert [(e["payment_id"], e["amount"]) for e in recorded] == [(first.json()["id"], "200.00")]

    reused = desk.pay(call["id"], lp["investor_id"], "300", key="wire-2024-001")
    assert reused.status_code == 422 and problem_fields(reused) == {"Idempotency-Key"}
    other_key = desk.pay(call["id"], lp["investor_id"], "200", key="wire-2024-002")
    assert other_key.status_code == 201


def test_an_overpayment_is_refused_and_nothing_saved(desk, db):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["1000"])
    call = desk.issued_call(fund["id"], "500")
    response = desk.pay(call["id"], lp["investor_id"], "500.01", key="over")
    assert response.status_code == 422 and problem_fields(response) == {"amount"}
    assert "500.00" in response.json()["detail"]
    assert (
        db.scalar(
            select(func.count())
            .select_from(Payment)
            .where(Payment.fund_id == uuid.UUID(fund["id"]))
        )
        == 0
    )
    assert_books(desk, db, fund, {lp["investor_id"]: "500"}, {lp["investor_id"]: "500"})
    # The refused key is released: the corrected payment may use it.
    assert desk.pay(call["id"], lp["investor_id"], "500", key="over").status_code == 201
    paid_call = desk.pay(call["id"], lp["investor_id"], "0.01")
    assert paid_call.status_code == 422 and problem_fields(paid_call) == {"amount"}


def test_payments_are_refused_before_issue_and_for_strangers(desk):
    fund = desk.fund()
    (lp,) = desk.lps(fund["id"], ["1000"])
    outsider = desk.investor("Not In This Fund")
    draft = desk.draft(fund["id"], "500")
    assert desk.pay(draft["id"], lp["investor_id"], "100").status_code == 409
    desk.approve(draft["id"])
    assert desk.pay(draft["id"], lp["investor_id"], "100").status_code == 409
    desk.issue(draft["id"])
    stranger = desk.pay(draft["id"], outsider["id"], "100")
    assert stranger.status_code == 422 and problem_fields(stranger) == {"investor_id"}
    early = desk.pay(
        draft["id"], lp["investor_id"], "100", received_date=PAID_DATE.replace(year=2023)
    )
    assert early.status_code == 422 and problem_fields(early) == {"received_date"}
    malformed = desk.post(
        f"/capital-calls/{draft['id']}/payments",
        {"investor_id": lp["investor_id"], "amount": "ten", "received_date": "2024-03-05"},
    )
    assert malformed.status_code == 422 and problem_fields(malformed) == {"amount"}


def test_an_investor_with_two_commitments_names_the_one_it_pays(desk, db):
    fund = desk.fund()
    lp = desk.investor("Upsizing LP")
    first = desk.commit(fund["id"], lp["id"], "1000")
    second = desk.commit(fund["id"], lp["id"], "3000")
    call = desk.issued_call(fund["id"], "400")
    assert [a["amount"] for a in call["allocations"]] == ["100.00", "300.00"]
    unnamed = desk.pay(call["id"], lp["id"], "100")
    assert unnamed.status_code == 422 and problem_fields(unnamed) == {"commitment_id"}
    desk.ok(desk.pay(call["id"], lp["id"], "100", commitment_id=first["id"]), 201)
    desk.ok(desk.pay(call["id"], lp["id"], "300", commitment_id=second["id"]), 201)
    assert desk.ok(desk.get(f"/capital-calls/{call['id']}"))["status"] == "paid"
    assert_books(desk, db, fund, {lp["id"]: "400"}, {})


def test_payment_list_filters_and_csv(desk):
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["1000", "1000"])
    call = desk.issued_call(fund["id"], "200")
    desk.ok(desk.pay(call["id"], a["investor_id"], "100", reference="=HYPERLINK(1)"), 201)
    desk.ok(
        desk.pay(call["id"], b["investor_id"], "60", received_date=PAID_DATE.replace(day=25)), 201
    )
    page = desk.ok(desk.get("/payments", params={"fund_id": fund["id"]}))
    assert [p["amount"] for p in page["items"]] == ["60.00", "100.00"]  # newest first
    assert {(p["fund_id"], p["fund_name"]) for p in page["items"]} == {(fund["id"], fund["name"])}
    only_a = desk.ok(desk.get("/payments", params={"investor_id": a["investor_id"]}))
    assert [p["investor_name"] for p in only_a["items"]] == ["LP 1"]
    export = desk.get(
        "/payments", params={"fund_id": fund["id"], "format": "csv", "sort": "received_date"}
    )
    lines = export.text.strip().splitlines()
    assert lines[0].startswith(
        "id,received_date,fund_name,call_number,investor_id,investor_name,currency,amount"
    )
    assert f",{fund['name']},1," in lines[1]
    assert ",LP 1,USD,100.00,wire,'=HYPERLINK(1)," in lines[1]
    assert ",LP 2,USD,60.00,wire,," in lines[2]


def test_what_an_lp_paid_is_derived_from_its_payments_not_kept_as_a_balance(desk, db):
    """Any run of payments and reversals: each LP's paid amount on the call is the sum of its
    payments not reversed, and equals what the ledger no longer holds as receivable from it.
    The table keeps no paid balance that could drift from the payments."""
    assert "paid_amount" not in {
        c["name"] for c in inspect(db.get_bind()).get_columns("call_allocations")
    }
    fund = desk.fund()
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    due = {a["investor_id"]: D("6000"), b["investor_id"]: D("4000")}
    call = desk.issued_call(fund["id"], "10000")
    rng = random.Random(20261207)
    kept: dict[str, tuple[str, str]] = {}  # payment id -> (investor id, amount)
    for _ in range(12):
        paid = {lp: sum((D(v) for i, v in kept.values() if i == lp), D("0")) for lp in due}
        open_lps = [lp for lp in due if paid[lp] < due[lp]]
        if kept and (not open_lps or rng.random() < 0.35):
            payment_id = rng.choice(sorted(kept))
            desk.ok(desk.post(f"/payments/{payment_id}/reverse"))
            del kept[payment_id]
        else:
            lp = rng.choice(open_lps)
            cents = rng.randint(1, int((due[lp] - paid[lp]) * 100))
            amount = f"{D(cents) / 100:.2f}"
            kept[desk.ok(desk.pay(call["id"], lp, amount), 201)["id"]] = (lp, amount)
        paid = {lp: sum((D(v) for i, v in kept.values() if i == lp), D("0")) for lp in due}
        detail = desk.ok(desk.get(f"/capital-calls/{call['id']}"))
        shares = {s["investor_id"]: s for s in detail["allocations"]}
        for lp in due:
            assert D(shares[lp]["paid_amount"]) == paid[lp]
            assert D(shares[lp]["outstanding"]) == due[lp] - paid[lp]
        assert D(detail["paid_amount"]) == sum(paid.values())
        assert_books(
            desk,
            db,
            fund,
            {lp: str(v) for lp, v in due.items()},
            {lp: str(due[lp] - paid[lp]) for lp in due},
        )
