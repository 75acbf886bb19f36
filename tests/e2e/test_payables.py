"""A fund's payables in the browser: the accountant sees the fund's cash and the management fees
payable, pays part of the fees to the manager out of the fund's cash and finds the payment in
the disbursements, and is told on the amount field when paying more than is payable.

The fund is made through the public API first (the live server holds the demo's people, not its
funds): two LPs called for 1M and paid, the first management fee installment billed and an
expense recorded, so there is cash, fees payable and an item left to pay. Each test has a fund
of its own, so each starts from the same known figures; they hold for any date after the last
of the fixture's (10 March 2025), the page's as-of date being today."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api import api_client, created, fund_with_lps, issued_call, ok, pay_in_full
from tests.e2e.conftest import LiveServer, column_cell, kpi, sign_in

pytestmark = pytest.mark.e2e

MANAGER = "Northwind Capital Management"


@dataclass(frozen=True)
class PayablesFund:
    fund_id: str
    fund_name: str
    expense_vendor: str


@pytest.fixture
def payables_fund(live_server: LiveServer) -> Iterator[PayablesFund]:
    """A fund holding the 1M its two LPs paid (6M and 4M committed), owing its first fee
    installment and an expense."""
    tag = uuid.uuid4().hex[:6]
    vendor = f"Baker Audit {tag}"
    manager = api_client(live_server, "fund_manager")
    accountant = api_client(live_server, "accountant")
    try:
        fund, _ = fund_with_lps(
            manager,
            f"Payables Test Fund {tag}",
            [(f"Aspen Test Trust {tag}", "6000000"), (f"Birch Test Plan {tag}", "4000000")],
        )
        pay_in_full(accountant, issued_call(manager, accountant, fund["id"], "1000000"))
        ok(
            accountant.post(
                f"/funds/{fund['id']}/fee-runs",
                json={"period_start": "2025-01-15"},
            )
        )
        created(
            accountant.post(
                f"/funds/{fund['id']}/expenses",
                json={
                    "expense_date": "2025-03-10",
                    "amount": "18500",
                    "category": "audit",
                    "vendor": vendor,
                    "description": "Annual audit",
                },
            )
        )
    finally:
        manager.close()
        accountant.close()
    yield PayablesFund(fund["id"], fund["name"], vendor)


# Cash: the 1,000,000 the LPs paid on the call; billing a fee or recording an expense moves
# no cash, they are payables.
CASH = "$1,000,000.00"
# The first installment, billed at the initial close for the stub to the end of its quarter:
# 15 January to 31 March 2025, 76 days, 2% × 10,000,000 × 76 / 365 = 41,643.8356, half up to
# the cent (../shared/CONVENTIONS.md "Management fees and late closers").
FEES_PAYABLE = "$41,643.84"


def open_payables(page: Page, live_server: LiveServer, fund: PayablesFund) -> None:
    sign_in(page, live_server.login("accountant"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.get_by_role("table", name="Funds").get_by_role("link", name=fund.fund_name).click()
    page.get_by_role("tab", name="Payables").click()
    expect(page).to_have_url(re.compile(rf"/funds/{fund.fund_id}/payables$"))
    expect(kpi(page, "Cash on hand")).to_have_text(CASH)
    expect(kpi(page, "Management fees payable")).to_have_text(FEES_PAYABLE)


def test_the_accountant_pays_management_fees_out_of_the_fund_cash(
    page: Page, live_server: LiveServer, payables_fund: PayablesFund
) -> None:
    open_payables(page, live_server, payables_fund)

    payables = page.get_by_role("table", name="Outstanding payables")
    expense = payables.get_by_test_id("payable-row").filter(has_text=payables_fund.expense_vendor)
    expect(column_cell(payables, expense, "Amount")).to_have_text("$18,500.00")
    expect(column_cell(payables, expense, "Outstanding")).to_have_text("$18,500.00")

    page.get_by_role("button", name="Pay management fees").click()
    form = page.get_by_role("form", name="Pay management fees")
    amount = form.get_by_label("Amount (USD)")
    expect(amount).to_have_value("41643.84")
    amount.fill("1.00")
    form.get_by_label("Payee").fill(MANAGER)
    reference = f"E2E-{uuid.uuid4().hex[:8]}"
    form.get_by_label("Reference").fill(reference)
    form.get_by_role("button", name="Record payment").click()
    expect(form).to_have_count(0)

    paid = page.get_by_role("table", name="Disbursements").get_by_test_id("disbursement-row")
    row = paid.filter(has_text=reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(MANAGER)
    expect(row).to_contain_text("Management fee")
    expect(
        column_cell(page.get_by_role("table", name="Disbursements"), row, "Amount")
    ).to_have_text("$1.00")
    # Paying 1.00 of the fees takes it from both: 1,000,000 − 1 and 41,643.84 − 1.
    expect(kpi(page, "Cash on hand")).to_have_text("$999,999.00")
    expect(kpi(page, "Management fees payable")).to_have_text("$41,642.84")


def test_paying_more_than_is_payable_is_refused_on_the_amount_field(
    page: Page, live_server: LiveServer, payables_fund: PayablesFund
) -> None:
    open_payables(page, live_server, payables_fund)
    disbursements = page.get_by_role("table", name="Disbursements")
    expect(disbursements).to_contain_text("Nothing was paid out of the fund's cash yet.")

    page.get_by_role("button", name="Pay management fees").click()
    form = page.get_by_role("form", name="Pay management fees")
    amount = form.get_by_label("Amount (USD)")
    amount.fill("41643.85")
    form.get_by_label("Payee").fill(MANAGER)
    form.get_by_role("button", name="Record payment").click()

    expect(
        form.get_by_text(re.compile(r"^Only 41643\.84 USD of management fees is payable on "))
    ).to_be_visible()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(form).to_be_visible()
    expect(kpi(page, "Management fees payable")).to_have_text(FEES_PAYABLE)
    expect(kpi(page, "Cash on hand")).to_have_text(CASH)
    expect(disbursements).to_contain_text("Nothing was paid out of the fund's cash yet.")
    expect(disbursements.get_by_test_id("disbursement-row")).to_have_count(0)
