"""Correcting mistakes: a payment, a fee run or an expense recorded by mistake is undone by the
reversal of its entry, while nothing depends on it; the books stay balanced throughout."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from fundhouse.funds.models import Payment
from fundhouse.ledger.models import JournalEntry
from fundhouse.platform.audit import AuditRecord
from tests.factories import login
from tests.funds.accounting_helpers import issued_distribution, paid_call, reconciles
from tests.funds.helpers import D

START = date(2023, 1, 1)


def two_lp_fund(desk):
    fund = desk.fund(initial_close_date=START.isoformat())
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    return fund, a, b


def test_a_payment_recorded_by_mistake_is_reversed_and_the_lp_owes_it_again(desk, db):
    fund, a, b = two_lp_fund(desk)
    call = desk.issued_call(fund["id"], "100000", call_date="2023-01-10", due_date="2023-02-10")
    desk.ok(desk.pay(call["id"], a["investor_id"], "60000", received_date=date(2023, 1, 20)), 201)
    wrong = desk.ok(
        desk.pay(call["id"], b["investor_id"], "40000", received_date=date(2023, 1, 21)), 201
    )
    assert wrong["call_status"] == "paid"

    after = desk.ok(desk.post(f"/payments/{wrong['id']}/reverse"))
    assert after["status"] == "partially_paid"
    share = next(x for x in after["allocations"] if x["investor_id"] == b["investor_id"])
    assert (share["paid_amount"], share["outstanding"]) == ("0.00", "40000.00")
    kept = db.get(Payment, uuid.UUID(wrong["id"]))
    assert kept is not None and kept.reversed_at is not None
    assert desk.partner_balances(db, fund, "1100")[b["investor_id"]] == D("40000.00")
    assert desk.trial_balance(db, fund).is_balanced
    reconciles(desk, fund)
    reversal = db.scalar(select(JournalEntry).where(JournalEntry.reverses_entry_id.is_not(None)))
    assert reversal.source_type == "payment"
    assert kept.reversal_entry_id == reversal.id
    assert "payment.reversed" in set(db.scalars(select(AuditRecord.action)))
    again = desk.post(f"/payments/{wrong['id']}/reverse")
    assert again.status_code == 409 and "reversed already" in again.json()["detail"]
    # The LP's payment history keeps the payment, marked reversed, with its reversing entry.
    history = desk.ok(desk.get("/payments", params={"investor_id": b["investor_id"]}))["items"]
    assert [(p["id"], p["status"], p["reversal_entry_id"]) for p in history] == [
        (wrong["id"], "reversed", str(reversal.id))
    ]
    # The LP pays again, the right amount this time.
    desk.ok(desk.pay(call["id"], b["investor_id"], "40000", received_date=date(2023, 1, 22)), 201)


def test_a_payment_counted_by_a_later_distribution_stays(desk, db):
    fund, a, _ = two_lp_fund(desk)
    call = paid_call(desk, fund["id"], "100000", START)
    payment = desk.ok(desk.get("/payments", params={"call_id": call["id"]}))["items"][0]
    issued_distribution(desk, fund["id"], "1000", date(2023, 6, 30))
    refused = desk.post(f"/payments/{payment['id']}/reverse")
    assert refused.status_code == 409 and "Distribution #1" in refused.json()["detail"]
    assert db.scalar(select(func.count()).select_from(Payment)) == 2


def test_a_fee_run_is_cancelled_with_its_draft_call_and_the_period_billed_again(desk, db):
    fund, a, b = two_lp_fund(desk)
    body = {"period_start": "2023-01-01", "call": True}
    run = desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", body), 201)
    cancelled = desk.ok(desk.post(f"/fee-runs/{run['id']}/cancel"))
    assert cancelled["status"] == "cancelled"
    call = desk.ok(desk.get(f"/capital-calls/{run['capital_call_id']}"))
    assert call["status"] == "cancelled"
    assert {k: v for k, v in desk.partner_balances(db, fund, "5000").items() if v} == {}
    assert desk.trial_balance(db, fund).is_balanced
    again = desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", body), 201)
    assert again["total_amount"] == "5000.00"
    assert desk.post(f"/fee-runs/{run['id']}/cancel").status_code == 409  # cancelled already

    # Once its call is issued, the call must go first; once paid to the manager, it stays.
    desk.approve(again["capital_call_id"])
    desk.issue(again["capital_call_id"])
    issued = desk.post(f"/fee-runs/{again['id']}/cancel")
    assert issued.status_code == 409 and "cancel it first" in issued.json()["detail"]
    for allocation in desk.ok(desk.get(f"/capital-calls/{again['capital_call_id']}"))[
        "allocations"
    ]:
        desk.ok(
            desk.pay(
                again["capital_call_id"],
                allocation["investor_id"],
                allocation["amount"],
                received_date=date(2023, 1, 5),
            ),
            201,
        )
    paid = {
        "kind": "management_fee",
        "fee_run_id": again["id"],
        "payee": "Manager LLC",
        "paid_date": "2023-01-10",
    }
    desk.ok(desk.post(f"/funds/{fund['id']}/disbursements", paid), 201)
    assert desk.post(f"/fee-runs/{again['id']}/cancel").status_code == 409


def test_an_expense_is_cancelled_until_it_is_paid(desk, db):
    fund, *_ = two_lp_fund(desk)
    paid_call(desk, fund["id"], "10000", START)
    body = {"expense_date": "2023-02-01", "amount": "900", "category": "legal"}
    wrong = desk.ok(desk.post(f"/funds/{fund['id']}/expenses", body), 201)
    assert desk.ok(desk.post(f"/expenses/{wrong['id']}/cancel"))["status"] == "cancelled"
    assert {k: v for k, v in desk.partner_balances(db, fund, "5100").items() if v} == {}
    payables = desk.ok(desk.get(f"/funds/{fund['id']}/payables", params={"as_of": "2023-03-01"}))
    assert payables["items"] == []
    right = desk.ok(desk.post(f"/funds/{fund['id']}/expenses", body), 201)
    desk.ok(
        desk.post(
            f"/funds/{fund['id']}/disbursements",
            {
                "kind": "expense",
                "expense_id": right["id"],
                "payee": "Law",
                "paid_date": "2023-02-05",
            },
        ),
        201,
    )
    assert desk.post(f"/expenses/{right['id']}/cancel").status_code == 409
    assert desk.trial_balance(db, fund).is_balanced
    reconciles(desk, fund)


def test_corrections_need_the_rights_and_the_organization(desk, other_desk, make_member):
    fund, a, _ = two_lp_fund(desk)
    call = paid_call(desk, fund["id"], "10000", START)
    payment = desk.ok(desk.get("/payments", params={"call_id": call["id"]}))["items"][0]
    run = desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}), 201)
    expense = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/expenses",
            {"expense_date": "2023-02-01", "amount": "10", "category": "legal"},
        ),
        201,
    )
    paths = (
        f"/payments/{payment['id']}/reverse",
        f"/fee-runs/{run['id']}/cancel",
        f"/expenses/{expense['id']}/cancel",
    )
    lp = login(desk.client, make_member(desk, "limited_partner"))
    analyst = login(desk.client, make_member(desk, "analyst"))
    for path in paths:
        assert other_desk.post(path).status_code == 404, path
        assert desk.post(path, headers=lp).status_code == 403, path
        assert desk.post(path, headers=analyst).status_code == 403, path
