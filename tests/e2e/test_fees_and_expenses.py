"""A fund's fees and expenses in the browser: the accountant previews the first management fee
installment (its periods, each LP's share and the totals), bills it and finds the fee run
listed; then records an expense, sees how it is charged to the partners, and cancels it.

The fund is made through the public API first (the live server holds the demo's people, not its
funds): two LPs committing 6M and 4M from the initial close, and a portfolio company that paid
the manager a transaction fee of 1,000 on 10 February 2025, 80% of which offsets the
management fee (a term of the fund). Every figure is worked out below from those inputs.

The fees follow ../shared/CONVENTIONS.md "Management fees and late closers": 2% a year on
commitments in the investment period, the first installment a stub from the initial close to
the end of its quarter at rate × base × days / 365, a full quarter at rate / 4 × base, each
installment rounded half up to the cent, and a transaction fee received on date r offsetting
the first installment due strictly after r. Each LP's share is the installment allocated pro
rata to commitments by the rule of "Cash flows and returns" (cents by largest remainder)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api import api_client, created
from tests.e2e.conftest import LiveServer, column_cell, fill_date, kpi, sign_in

pytestmark = pytest.mark.e2e

INITIAL_CLOSE = "2025-01-15"
OFFSET_RATE = "0.8"


@dataclass(frozen=True)
class FeesFund:
    fund_id: str
    fund_name: str
    investors: tuple[str, str]
    company: str


@pytest.fixture(scope="module")
def fees_fund(live_server: LiveServer) -> Iterator[FeesFund]:
    """A fund with two LPs from its initial close, nothing billed, and one transaction fee."""
    tag = uuid.uuid4().hex[:6]
    investors = (f"Aspen Fee Trust {tag}", f"Birch Fee Plan {tag}")
    company_name = f"Helix Robotics {tag}"
    manager = api_client(live_server, "fund_manager")
    accountant = api_client(live_server, "accountant")
    try:
        fund = created(
            manager.post(
                "/funds",
                json={
                    "name": f"Fees Test Fund {tag}",
                    "currency": "USD",
                    "vintage": 2025,
                    "initial_close_date": INITIAL_CLOSE,
                    "fee_offset_rate": OFFSET_RATE,
                },
            )
        )
        for name, amount in zip(investors, ("6000000", "4000000"), strict=True):
            investor = created(manager.post("/investors", json={"kind": "entity", "name": name}))
            created(
                manager.post(
                    f"/funds/{fund['id']}/commitments",
                    json={"investor_id": investor["id"], "amount": amount},
                )
            )
        company = created(
            manager.post(f"/funds/{fund['id']}/portfolio-companies", json={"name": company_name})
        )
        created(
            accountant.post(
                f"/funds/{fund['id']}/transaction-fees",
                json={
                    "received_date": "2025-02-10",
                    "amount": "1000",
                    "company_id": company["id"],
                    "description": "Board fee",
                },
            )
        )
    finally:
        manager.close()
        accountant.close()
    yield FeesFund(fund["id"], fund["name"], investors, company_name)


def open_fees(page: Page, live_server: LiveServer, fund: FeesFund) -> None:
    sign_in(page, live_server.login("accountant"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.get_by_role("table", name="Funds").get_by_role("link", name=fund.fund_name).click()
    page.get_by_role("tab", name="Fees and expenses").click()
    expect(page).to_have_url(re.compile(rf"/funds/{fund.fund_id}/fees$"))
    expect(page.get_by_role("table", name="Fee runs")).to_be_visible()


def preview_rows(form: Locator, table_name: str, test_id: str) -> Locator:
    return form.get_by_role("table", name=table_name).get_by_test_id(test_id)


def test_the_accountant_previews_then_bills_the_first_fee_period(
    page: Page, live_server: LiveServer, fees_fund: FeesFund
) -> None:
    open_fees(page, live_server, fees_fund)
    fee_rows = page.get_by_role("table", name="Fee runs").get_by_test_id("fee-run-row")
    expect(page.get_by_text("No management fees were billed yet.")).to_be_visible()
    received = page.get_by_role("table", name="Transaction fees").get_by_test_id(
        "transaction-fee-row"
    )
    expect(received).to_have_count(1)
    expect(received).to_contain_text(fees_fund.company)
    expect(received).to_contain_text("$1,000.00")
    aspen, birch = fees_fund.investors

    page.get_by_role("button", name="Bill a period").click()
    form = page.get_by_role("form", name="Bill a period")
    expect(form.get_by_label("Period start")).to_have_value(INITIAL_CLOSE)
    form.get_by_role("button", name="Preview").click()

    # The stub: 15 January to 31 March 2025, 76 days (17 + 28 + 31), on 10,000,000 committed:
    # 2% × 10,000,000 × 76 / 365 = 41,643.8356 → 41,643.84. It is due at the initial close,
    # before the transaction fee of 10 February, so nothing offsets it.
    periods = preview_rows(form, "Fee periods", "fee-period-row")
    expect(periods).to_have_count(1)
    expect(periods.get_by_role("cell")).to_have_text(
        ["Jan 15, 2025", "Mar 31, 2025", "76", "Commitment", "$10,000,000.00", "2.0%"]
    )
    expect(kpi(page, "Gross fee")).to_have_text("$41,643.84")
    expect(kpi(page, "Transaction fee offset")).to_have_text("$0.00")
    expect(kpi(page, "Net fee billed")).to_have_text("$41,643.84")
    # 41,643.84 × 6/10 = 24,986.304 and × 4/10 = 16,657.536: 24,986.30 and 16,657.53, and the
    # cent left over goes to the larger remainder (0.6 against 0.4), Birch's: 16,657.54.
    lines = preview_rows(form, "Installments by LP", "installment-row")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text=aspen).get_by_role("cell")).to_have_text(
        [aspen, "$6,000,000.00", "76", "$24,986.30", "$0.00", "$24,986.30"]
    )
    expect(lines.filter(has_text=birch).get_by_role("cell")).to_have_text(
        [birch, "$4,000,000.00", "76", "$16,657.54", "$0.00", "$16,657.54"]
    )
    total = form.get_by_test_id("installment-total")
    expect(total).to_contain_text("$41,643.84")
    expect(total).to_contain_text("$0.00")
    expect(fee_rows).to_have_count(0)

    form.get_by_role("button", name="Bill the period").click()
    expect(form).to_have_count(0)
    expect(fee_rows).to_have_count(1)
    runs = page.get_by_role("table", name="Fee runs")
    run = fee_rows.first
    expect(column_cell(runs, run, "Gross")).to_have_text("$41,643.84")
    expect(column_cell(runs, run, "Offset")).to_have_text("$0.00")
    expect(column_cell(runs, run, "Net")).to_have_text("$41,643.84")
    expect(column_cell(runs, run, "Status")).to_have_text("Posted")

    # The next period offered is the quarter after the stub, and the transaction fee offsets
    # it: 2% / 4 × 10,000,000 = 50,000.00 gross, less 80% × 1,000 = 800.00, is 49,200.00 net.
    page.get_by_role("button", name="Bill a period").click()
    again = page.get_by_role("form", name="Bill a period")
    expect(again.get_by_label("Period start")).to_have_value("2025-04-01")
    again.get_by_role("button", name="Preview").click()
    periods = preview_rows(again, "Fee periods", "fee-period-row")
    expect(periods.get_by_role("cell")).to_have_text(
        ["Apr 1, 2025", "Jun 30, 2025", "Full quarter", "Commitment", "$10,000,000.00", "2.0%"]
    )
    expect(kpi(page, "Gross fee")).to_have_text("$50,000.00")
    expect(kpi(page, "Transaction fee offset")).to_have_text("$800.00")
    expect(kpi(page, "Net fee billed")).to_have_text("$49,200.00")
    # Net and offset each split 6:4 (29,520 + 19,680; 480 + 320); gross is their sum.
    lines = preview_rows(again, "Installments by LP", "installment-row")
    expect(lines.filter(has_text=aspen).get_by_role("cell")).to_have_text(
        [aspen, "$6,000,000.00", "Full quarter", "$30,000.00", "$480.00", "$29,520.00"]
    )
    expect(lines.filter(has_text=birch).get_by_role("cell")).to_have_text(
        [birch, "$4,000,000.00", "Full quarter", "$20,000.00", "$320.00", "$19,680.00"]
    )
    again.get_by_role("button", name="Close").click()
    expect(again).to_have_count(0)
    expect(fee_rows).to_have_count(1)


def test_the_accountant_records_an_expense_and_cancels_it(
    page: Page, live_server: LiveServer, fees_fund: FeesFund
) -> None:
    open_fees(page, live_server, fees_fund)
    vendor = f"Baker Legal {uuid.uuid4().hex[:8]}"

    page.get_by_role("button", name="Record expense").click()
    form = page.get_by_role("form", name="Record expense")
    fill_date(form.get_by_label("Date"), "2025-03-10")
    form.get_by_label("Amount (USD)").fill("12,345.67")
    form.get_by_label("Category").fill("legal")
    form.get_by_label("Vendor").fill(vendor)
    form.get_by_label("Description").fill("Side letter review")
    form.get_by_role("button", name="Record expense").click()

    recorded = page.get_by_role("dialog", name="Expense recorded")
    shares = recorded.get_by_role("table", name="Expense allocation").get_by_test_id(
        "expense-allocation-row"
    )
    expect(shares).to_have_count(2)
    for investor in fees_fund.investors:
        expect(shares.filter(has_text=investor)).to_have_count(1)
    # 12,345.67 × 6/10 = 7,407.402 and × 4/10 = 4,938.268: 7,407.40 and 4,938.26, the cent
    # left over to the larger remainder, Birch's (../shared/CONVENTIONS.md "Cash flows and
    # returns", allocation).
    table = recorded.get_by_role("table", name="Expense allocation")
    for investor, share in zip(fees_fund.investors, ("$7,407.40", "$4,938.27"), strict=True):
        expect(column_cell(table, shares.filter(has_text=investor), "Share")).to_have_text(share)
    recorded.get_by_role("button", name="Done").click()
    expect(recorded).to_have_count(0)

    row = (
        page.get_by_role("table", name="Expenses")
        .get_by_test_id("expense-row")
        .filter(has_text=vendor)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("$12,345.67")
    expect(row).to_contain_text("Legal")
    expect(row).to_contain_text("Posted")

    row.get_by_role("button", name=re.compile(r"^Cancel the expense")).click()
    confirm = page.get_by_role("dialog", name="Cancel the expense")
    expect(confirm).to_contain_text("the partners are no longer charged for it")
    confirm.get_by_role("button", name="Cancel expense").click()
    expect(confirm).to_have_count(0)
    expect(row).to_contain_text("Cancelled")
    expect(row.get_by_role("button")).to_have_count(0)
