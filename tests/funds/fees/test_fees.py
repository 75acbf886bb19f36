"""Management fee runs, transaction fee offsets and fund expenses.

Conventions pinned here: shared/CONVENTIONS.md "Management fees and late closers" (quarterly
in advance, the first stub billed at the initial close, rate × base × days/365 for a partial
period, rate/4 for a full quarter, half up to the cent per installment, offsets on the first
installment due strictly after the fee was received) and "Allocation of a total across
parties" (largest remainder, ties to the earlier commitment).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundhouse.funds.models import FeeInstallment, FeeRun, FundExpense
from fundhouse.platform.jobs_models import OutboxEvent
from tests.factories import login
from tests.funds.accounting_helpers import by_investor, reconciles
from tests.funds.helpers import D, problem_fields


def fee_fund(desk, initial_close: str = "2023-01-01"):
    """LP A 600,000 and LP B 400,000, and the GP's 10,000 (which pays no fee)."""
    fund = desk.fund(initial_close_date=initial_close)
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    gp = desk.commit(fund["id"], desk.investor("GP")["id"], "10000", is_gp=True)
    return fund, a, b, gp


def fee_run(desk, fund, period_start: str, **fields):
    return desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": period_start, **fields})


def test_a_full_quarter_costs_a_quarter_of_two_percent_of_the_lps_commitments(desk, db):
    # 2% / 4 × 1,000,000 = 5,000: A 3,000 and B 2,000; the GP's commitment pays nothing.
    fund, a, b, gp = fee_fund(desk)
    preview = desk.ok(fee_run(desk, fund, "2023-01-01", preview=True))
    assert preview["id"] is None and preview["total_amount"] == "5000.00"
    assert db.scalar(select(func.count()).select_from(FeeRun)) == 0

    run = desk.ok(fee_run(desk, fund, "2023-01-01"), 201)
    assert run["status"] == "posted" and run["period_end"] == "2023-03-31"
    lines = {i["investor_id"]: i for i in run["installments"]}
    assert set(lines) == {a["investor_id"], b["investor_id"]}
    assert lines[a["investor_id"]]["amount"] == "3000.00"
    assert lines[a["investor_id"]]["days"] is None  # a full quarter, billed at rate / 4
    assert lines[a["investor_id"]]["basis"] == "commitment"
    assert desk.partner_balances(db, fund, "5000") == {
        a["investor_id"]: D("3000"),
        b["investor_id"]: D("2000"),
    }
    payable = [r for r in desk.trial_balance(db, fund).rows if r.account_code == "2100"]
    assert payable[0].credit == D("5000")
    assert desk.trial_balance(db, fund).is_balanced
    reconciles(desk, fund)
    assert "fee_run.posted" in set(db.scalars(select(OutboxEvent.event_type)))
    listed = desk.ok(desk.get(f"/funds/{fund['id']}/fee-runs"))["items"]
    assert [(r["period_start"], r["total_amount"]) for r in listed] == [("2023-01-01", "5000.00")]


def test_the_first_stub_is_billed_by_days_at_the_initial_close(desk):
    # Initial close 15 February 2023: the stub runs to 31 March, 45 days:
    # 2% × 1,000,000 × 45 / 365 = 2,465.7534... → 2,465.75, split 1,479.45 / 986.30.
    fund, a, b, _ = fee_fund(desk, initial_close="2023-02-15")
    run = desk.ok(fee_run(desk, fund, "2023-02-15", preview=True))
    assert run["total_amount"] == "2465.75"
    lines = by_investor(run["installments"])
    assert lines == {a["investor_id"]: D("1479.45"), b["investor_id"]: D("986.30")}
    assert run["installments"][0]["days"] == 45


def test_a_transaction_fee_offsets_the_next_installment(desk, db):
    # A 1,200 transaction fee received on 1 February 2023 reduces the installment due
    # 1 April 2023 (the first due strictly after it): 5,000 − 1,200 = 3,800.
    fund, a, b, _ = fee_fund(desk)
    desk.ok(
        desk.post(
            f"/funds/{fund['id']}/transaction-fees",
            {"received_date": "2023-02-01", "amount": "1200"},
        ),
        201,
    )
    first = desk.ok(fee_run(desk, fund, "2023-01-01"), 201)
    assert first["offset_amount"] == "0.00"
    second = desk.ok(fee_run(desk, fund, "2023-04-01"), 201)
    assert (second["gross_amount"], second["offset_amount"], second["total_amount"]) == (
        "5000.00",
        "1200.00",
        "3800.00",
    )
    lines = {i["investor_id"]: i for i in second["installments"]}
    assert (lines[a["investor_id"]]["offset_amount"], lines[a["investor_id"]]["amount"]) == (
        "720.00",
        "2280.00",
    )
    # Gross fees to 5000, the offset to 5300 (a contra-expense), net to 2100.
    assert desk.partner_balances(db, fund, "5300") == {
        a["investor_id"]: D("-720"),
        b["investor_id"]: D("-480"),
    }
    assert desk.partner_balances(db, fund, "5000")[a["investor_id"]] == D("6000")
    assert desk.trial_balance(db, fund).is_balanced


def test_a_fee_run_can_draft_a_management_fee_call(desk):
    fund, a, b, _ = fee_fund(desk)
    run = desk.ok(fee_run(desk, fund, "2023-01-01", call=True, due_date="2023-01-15"), 201)
    call = desk.ok(desk.get(f"/capital-calls/{run['capital_call_id']}"))
    assert call["purpose"] == "management_fee" and call["status"] == "draft"
    assert call["amount"] == "5000.00" and call["due_date"] == "2023-01-15"
    assert by_investor(call["allocations"]) == {
        a["investor_id"]: D("3000"),
        b["investor_id"]: D("2000"),
    }
    desk.approve(call["id"])
    assert desk.issue(call["id"])["status"] == "issued"


def test_a_period_is_billed_once_and_only_on_a_billing_date(desk, db):
    fund, *_ = fee_fund(desk)
    desk.ok(fee_run(desk, fund, "2023-01-01"), 201)
    again = fee_run(desk, fund, "2023-01-01")
    assert again.status_code == 409 and "period_start" in problem_fields(again)
    wrong = fee_run(desk, fund, "2023-02-10")
    assert wrong.status_code == 422 and "period_start" in problem_fields(wrong)
    malformed = fee_run(desk, fund, "2023-04-01", preview="maybe")
    assert malformed.status_code == 422 and "preview" in problem_fields(malformed)
    assert db.scalar(select(func.count()).select_from(FeeRun)) == 1
    assert db.scalar(select(func.count()).select_from(FeeInstallment)) == 2


def test_the_same_idempotency_key_posts_one_fee_run(desk, db):
    fund, *_ = fee_fund(desk)
    headers = {**desk.headers, "Idempotency-Key": "fees-2023-q1"}
    body = {"period_start": "2023-01-01"}
    first = desk.post(f"/funds/{fund['id']}/fee-runs", body, headers=headers)
    again = desk.post(f"/funds/{fund['id']}/fee-runs", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    assert db.scalar(select(func.count()).select_from(FeeRun)) == 1


def test_an_expense_is_charged_to_every_partner_pro_rata_to_commitments(desk, db):
    # 1,000.00 over 600,000 / 400,000 / 10,000: exact shares 594.0594..., 396.0396...,
    # 9.9009...; rounded down 594.05 + 396.03 + 9.90 = 999.98, the two cents left go to the
    # largest remainders (B .96, then A .94).
    fund, a, b, gp = fee_fund(desk)
    expense = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/expenses",
            {"expense_date": "2023-03-31", "amount": "1000.00", "category": "audit"},
        ),
        201,
    )
    shares = by_investor(expense["allocations"])
    assert shares == {
        a["investor_id"]: D("594.06"),
        b["investor_id"]: D("396.04"),
        gp["investor_id"]: D("9.90"),
    }
    assert sum(shares.values()) == D("1000.00")
    assert desk.partner_balances(db, fund, "5100") == shares
    accrued = [r for r in desk.trial_balance(db, fund).rows if r.account_code == "2200"]
    assert accrued[0].credit == D("1000")
    reconciles(desk, fund)


def test_expense_csv_export_lists_every_expense(desk):
    fund, *_ = fee_fund(desk)
    for day in ("2023-02-01", "2023-03-01"):
        desk.ok(
            desk.post(
                f"/funds/{fund['id']}/expenses",
                {"expense_date": day, "amount": "10", "category": "legal", "vendor": "=HYPERLINK"},
            ),
            201,
        )
    response = desk.get(f"/funds/{fund['id']}/expenses", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = response.text.strip().splitlines()
    assert rows[0].startswith("id,expense_date,category,vendor")
    assert len(rows) == 3 and all("'=HYPERLINK" in r for r in rows[1:])


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"amount": "-5"}, "amount", 422),
        ({"amount": 10.5}, "amount", 422),
        ({"category": ""}, "category", 422),
        ({"expense_date": "yesterday"}, "expense_date", 422),
        ({"expense_date": "2022-12-31"}, "expense_date", 409),  # before the initial close
    ],
)
def test_a_bad_expense_is_refused_naming_the_field_and_nothing_is_saved(
    desk, db, body, field, status
):
    fund, *_ = fee_fund(desk)
    valid = {"expense_date": "2023-03-31", "amount": "100", "category": "legal"}
    response = desk.post(f"/funds/{fund['id']}/expenses", {**valid, **body})
    assert response.status_code == status, response.text
    assert field in problem_fields(response)
    assert db.scalar(select(func.count()).select_from(FundExpense)) == 0


def test_fees_and_expenses_of_another_organization_are_not_found(desk, other_desk):
    fund, *_ = fee_fund(desk)
    assert (
        other_desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}).status_code
        == 404
    )
    assert other_desk.get(f"/funds/{fund['id']}/fee-runs").status_code == 404
    body = {"expense_date": "2023-03-31", "amount": "100", "category": "legal"}
    assert other_desk.post(f"/funds/{fund['id']}/expenses", body).status_code == 404
    assert other_desk.get(f"/funds/{fund['id']}/expenses").status_code == 404
    fee = {"received_date": "2023-02-01", "amount": "1"}
    assert other_desk.post(f"/funds/{fund['id']}/transaction-fees", fee).status_code == 404


def test_a_viewer_cannot_bill_fees(desk, make_member):
    fund, *_ = fee_fund(desk)
    viewer = login(desk.client, make_member(desk, "viewer"))
    response = desk.post(
        f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}, headers=viewer
    )
    assert response.status_code == 403


def transaction_fee(desk, fund, received_date: str, amount: str):
    return desk.ok(
        desk.post(
            f"/funds/{fund['id']}/transaction-fees",
            {"received_date": received_date, "amount": amount},
        ),
        201,
    )


def test_a_transaction_fee_recorded_by_mistake_is_cancelled_kept_and_offsets_nothing(desk, db):
    # The 1,200 fee of 1 February 2023 is cancelled before the April installment is billed:
    # the installment is the full 5,000 (CONVENTIONS.md "Fee offsets": only fees received count).
    fund, *_ = fee_fund(desk)
    fee = transaction_fee(desk, fund, "2023-02-01", "1200")
    desk.ok(fee_run(desk, fund, "2023-01-01"), 201)  # due before the fee: not offset by it
    cancelled = desk.ok(
        desk.post(f"/transaction-fees/{fee['id']}/cancel", {"reason": "Recorded twice"})
    )
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert cancelled["cancellation_reason"] == "Recorded twice"
    listed = desk.ok(desk.get(f"/funds/{fund['id']}/transaction-fees"))["items"]
    assert [(f["id"], f["status"]) for f in listed] == [(fee["id"], "cancelled")]
    second = desk.ok(fee_run(desk, fund, "2023-04-01"), 201)
    assert (second["offset_amount"], second["total_amount"]) == ("0.00", "5000.00")
    again = desk.post(f"/transaction-fees/{fee['id']}/cancel", {"reason": "again"})
    assert again.status_code == 409
    assert "transaction_fee.cancelled" in set(db.scalars(select(OutboxEvent.event_type)))
    assert desk.trial_balance(db, fund).is_balanced


def test_a_transaction_fee_a_posted_run_offset_is_cancelled_only_after_that_run(desk, db):
    # The April installment was reduced by the fee (5,000 − 1,200): cancelling the fee first
    # is refused; after the run is cancelled (its entry reversed) the fee is cancelled and the
    # period billed again at 5,000.
    fund, *_ = fee_fund(desk)
    fee = transaction_fee(desk, fund, "2023-02-01", "1200")
    run = desk.ok(fee_run(desk, fund, "2023-04-01"), 201)
    assert run["total_amount"] == "3800.00"
    refused = desk.post(f"/transaction-fees/{fee['id']}/cancel", {"reason": "mistake"})
    assert refused.status_code == 409
    assert "2023-04-01" in refused.json()["detail"]
    assert desk.ok(desk.get(f"/funds/{fund['id']}/transaction-fees"))["items"][0]["status"] == (
        "recorded"
    )
    desk.ok(desk.post(f"/fee-runs/{run['id']}/cancel"))
    desk.ok(desk.post(f"/transaction-fees/{fee['id']}/cancel", {"reason": "mistake"}))
    rebilled = desk.ok(fee_run(desk, fund, "2023-04-01"), 201)
    assert rebilled["total_amount"] == "5000.00"
    assert desk.partner_balances(db, fund, "5300") == {}
    assert desk.trial_balance(db, fund).is_balanced


def test_a_later_fee_the_run_did_not_need_does_not_block_the_cancellation(desk):
    # Two fees before the April installment: 6,000 and 1,000 (7,000 > 5,000, so 2,000 carries
    # forward). Without the 1,000 the offset is still the whole 5,000: the run does not depend
    # on it and the fee is cancelled; without the 6,000 it would be 1,000 instead: refused.
    fund, *_ = fee_fund(desk)
    big = transaction_fee(desk, fund, "2023-02-01", "6000")
    small = transaction_fee(desk, fund, "2023-03-01", "1000")
    run = desk.ok(fee_run(desk, fund, "2023-04-01"), 201)
    assert (run["offset_amount"], run["total_amount"]) == ("5000.00", "0.00")
    assert desk.post(f"/transaction-fees/{big['id']}/cancel", {"reason": "x"}).status_code == 409
    desk.ok(desk.post(f"/transaction-fees/{small['id']}/cancel", {"reason": "refunded"}))


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_a_cancellation_without_a_reason_names_the_field_and_changes_nothing(desk, body):
    fund, *_ = fee_fund(desk)
    fee = transaction_fee(desk, fund, "2023-02-01", "1200")
    response = desk.post(f"/transaction-fees/{fee['id']}/cancel", body)
    assert response.status_code == 422 and "reason" in problem_fields(response)
    assert desk.ok(desk.get(f"/funds/{fund['id']}/transaction-fees"))["items"][0]["status"] == (
        "recorded"
    )


def test_another_organization_and_a_viewer_cannot_cancel_a_transaction_fee(
    desk, other_desk, make_member
):
    fund, *_ = fee_fund(desk)
    fee = transaction_fee(desk, fund, "2023-02-01", "1200")
    path = f"/transaction-fees/{fee['id']}/cancel"
    assert other_desk.post(path, {"reason": "x"}).status_code == 404
    viewer = login(desk.client, make_member(desk, "viewer"))
    assert desk.post(path, {"reason": "x"}, headers=viewer).status_code == 403
    assert desk.ok(desk.get(f"/funds/{fund['id']}/transaction-fees"))["items"][0]["status"] == (
        "recorded"
    )
