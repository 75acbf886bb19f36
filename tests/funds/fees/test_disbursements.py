"""The fund pays its payables out of its cash: fees to the manager, expenses to vendors, and
the tax withheld from a distribution to the tax authority; each payment one balanced entry."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from fundhouse.funds.models import Disbursement
from fundhouse.ledger.models import JournalEntry
from tests.factories import login
from tests.funds.accounting_helpers import (
    company,
    invest,
    issued_distribution,
    paid_call,
    realize,
    reconciles,
)
from tests.funds.helpers import D, problem_fields

START = date(2023, 1, 1)


def funded(desk, cash: str = "100000"):
    """LP A 600,000 and LP B 400,000 (10% withheld), with ``cash`` called and paid on START."""
    fund = desk.fund(initial_close_date=START.isoformat())
    a = desk.commit(fund["id"], desk.investor("LP A")["id"], "600000")
    b = desk.commit(fund["id"], desk.investor("LP B", withholding_rate="0.10")["id"], "400000")
    paid_call(desk, fund["id"], cash, START)
    return fund, a, b


def expense(desk, fund, amount: str = "1200.00", on: str = "2023-02-01"):
    body = {"expense_date": on, "amount": amount, "category": "audit", "vendor": "Ledger & Co"}
    return desk.ok(desk.post(f"/funds/{fund['id']}/expenses", body), 201)


def pay(desk, fund, **body):
    return desk.post(f"/funds/{fund['id']}/disbursements", body)


def cash(desk, db, fund) -> D:
    return next(
        r.debit - r.credit for r in desk.trial_balance(db, fund).rows if r.account_code == "1000"
    )


def test_an_expense_is_paid_to_its_vendor_in_parts_and_no_more(desk, db):
    fund, *_ = funded(desk)
    e = expense(desk, fund)
    first = desk.ok(
        pay(desk, fund, kind="expense", expense_id=e["id"], amount="200", paid_date="2023-02-15"),
        201,
    )
    assert (first["payee"], first["amount"], first["kind"]) == ("Ledger & Co", "200.00", "expense")
    payables = desk.ok(desk.get(f"/funds/{fund['id']}/payables", params={"as_of": "2023-03-01"}))
    assert [(p["kind"], p["outstanding"]) for p in payables["items"]] == [("expense", "1000.00")]

    too_much = pay(
        desk, fund, kind="expense", expense_id=e["id"], amount="1000.01", paid_date="2023-03-01"
    )
    assert too_much.status_code == 422 and "amount" in problem_fields(too_much)
    assert "1000.00" in too_much.json()["detail"]
    rest = desk.ok(pay(desk, fund, kind="expense", expense_id=e["id"], paid_date="2023-03-01"), 201)
    assert rest["amount"] == "1000.00"  # the default: what is left
    again = pay(desk, fund, kind="expense", expense_id=e["id"], paid_date="2023-03-02")
    assert again.status_code == 409

    rows = desk.trial_balance(db, fund).rows
    assert not [r for r in rows if r.account_code == "2200" and r.debit != r.credit]  # settled
    assert cash(desk, db, fund) == D("100000") - D("1200")
    assert desk.trial_balance(db, fund).is_balanced
    reconciles(desk, fund)
    listed = desk.ok(desk.get(f"/funds/{fund['id']}/disbursements"))["items"]
    assert [d["amount"] for d in listed] == ["1000.00", "200.00"]
    csv = desk.get(f"/funds/{fund['id']}/disbursements", params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("id,paid_date,kind,payee")
    assert len(csv.text.strip().splitlines()) == 3


def test_management_fees_are_paid_up_to_what_is_payable_and_only_from_cash(desk, db):
    fund, *_ = funded(desk, cash="3000")
    run = desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}), 201)
    assert run["total_amount"] == "5000.00"  # 2% / 4 × 1,000,000

    # 5,000 is payable but the fund holds 3,000.
    short = pay(
        desk,
        fund,
        kind="management_fee",
        fee_run_id=run["id"],
        payee="Manager LLC",
        paid_date="2023-01-10",
    )
    assert short.status_code == 409 and "3000.00" in short.json()["detail"]
    paid = desk.ok(
        pay(
            desk,
            fund,
            kind="management_fee",
            fee_run_id=run["id"],
            amount="3000",
            payee="Manager LLC",
            paid_date="2023-01-10",
        ),
        201,
    )
    entry = db.get(JournalEntry, uuid.UUID(paid["ledger_entry_id"]))
    assert entry.source_type == "disbursement" and entry.entry_date == date(2023, 1, 10)
    payables = desk.ok(desk.get(f"/funds/{fund['id']}/payables", params={"as_of": "2023-01-31"}))
    assert (payables["management_fees_payable"], payables["cash"]) == ("2000.00", "0.00")
    over = pay(
        desk,
        fund,
        kind="management_fee",
        amount="2000.01",
        payee="Manager LLC",
        paid_date="2023-01-31",
    )
    assert over.status_code == 422 and "amount" in problem_fields(over)
    before_billing = pay(
        desk, fund, kind="management_fee", fee_run_id=run["id"], payee="M", paid_date="2022-12-31"
    )
    assert before_billing.status_code == 422 and "paid_date" in problem_fields(before_billing)
    assert desk.trial_balance(db, fund).is_balanced
    assert db.scalar(select(func.count()).select_from(Disbursement)) == 1


def test_the_tax_a_distribution_withheld_is_remitted_once_per_lp(desk, db):
    fund, a, b = funded(desk, cash="1000000")
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "1000000", START)
    realize(
        desk, acme["id"], "sale", date(2024, 1, 1), cost_amount="1000000", proceeds_amount="1000000"
    )
    d = issued_distribution(desk, fund["id"], "500000", date(2024, 1, 2))
    # B's 200,000 share, 10% withheld: 20,000 payable to the tax authority, owed for B.
    assert desk.partner_balances(db, fund, "2300") == {b["investor_id"]: D("-20000.00")}
    wrong = pay(
        desk,
        fund,
        kind="withholding_tax",
        distribution_id=d["id"],
        amount="100",
        payee="Tax authority",
        paid_date="2024-01-15",
    )
    assert wrong.status_code == 422 and "amount" in problem_fields(wrong)
    remitted = desk.ok(
        pay(
            desk,
            fund,
            kind="withholding_tax",
            distribution_id=d["id"],
            payee="Tax authority",
            paid_date="2024-01-15",
        ),
        201,
    )
    assert remitted["amount"] == "20000.00"
    assert desk.partner_balances(db, fund, "2300") == {}  # nothing left owed
    twice = pay(
        desk,
        fund,
        kind="withholding_tax",
        distribution_id=d["id"],
        payee="Tax authority",
        paid_date="2024-01-16",
    )
    assert twice.status_code == 409
    assert desk.trial_balance(db, fund).is_balanced


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "expense"}, "expense_id"),
        ({"kind": "expense", "expense_id": "00000000-0000-0000-0000-000000000000"}, "expense_id"),
        ({"kind": "withholding_tax", "payee": "Tax"}, "distribution_id"),
        (
            {"kind": "management_fee", "expense_id": "00000000-0000-0000-0000-000000000000"},
            "expense_id",
        ),
        ({"kind": "management_fee"}, "payee"),
        ({"kind": "refund", "payee": "x"}, "kind"),
        ({"kind": "expense", "amount": "-1"}, "amount"),
        ({"kind": "expense", "paid_date": "soon"}, "paid_date"),
    ],
)
def test_a_bad_disbursement_names_the_field_and_saves_nothing(desk, db, body, field):
    fund, *_ = funded(desk)
    desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}), 201)
    entries = db.scalar(select(func.count()).select_from(JournalEntry))
    response = pay(desk, fund, **{"paid_date": "2023-02-01", **body})
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert db.scalar(select(func.count()).select_from(Disbursement)) == 0
    assert db.scalar(select(func.count()).select_from(JournalEntry)) == entries


def test_only_the_funds_own_team_pays_and_reads_its_disbursements(desk, other_desk, make_member):
    fund, *_ = funded(desk)
    e = expense(desk, fund)
    body = {"kind": "expense", "expense_id": e["id"], "paid_date": "2023-02-15"}
    assert pay(other_desk, fund, **body).status_code == 404
    assert other_desk.get(f"/funds/{fund['id']}/disbursements").status_code == 404
    assert other_desk.get(f"/funds/{fund['id']}/payables").status_code == 404
    lp = login(desk.client, make_member(desk, "limited_partner"))
    assert desk.post(f"/funds/{fund['id']}/disbursements", body, headers=lp).status_code == 403
    assert desk.get(f"/funds/{fund['id']}/disbursements", headers=lp).status_code == 403
    analyst = login(desk.client, make_member(desk, "analyst"))
    assert desk.post(f"/funds/{fund['id']}/disbursements", body, headers=analyst).status_code == 403
    assert desk.get(f"/funds/{fund['id']}/payables", headers=analyst).status_code == 200
    # An expense of this fund cannot be paid through another of the same organization.
    other_fund, *_ = funded(desk)
    moved = pay(desk, other_fund, **body)
    assert moved.status_code == 422 and "expense_id" in problem_fields(moved)
