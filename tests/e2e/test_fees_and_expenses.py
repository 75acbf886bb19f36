"""A fund's fees and expenses in the browser: the accountant previews the first management fee
installment (its periods, each LP's share and the totals), bills it and finds the fee run
listed; then records an expense, sees how it is charged to the partners, and cancels it.

The fund is made through the public API first (the live server holds the demo's people, not its
funds): two LPs committing 6M and 4M from the initial close, and a portfolio company that paid
the manager a transaction fee. The figures are read off the page rather than assumed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_funds import api_client, created
from tests.e2e.test_payables import kpi, money

pytestmark = pytest.mark.e2e

INITIAL_CLOSE = "2025-01-15"


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

    page.get_by_role("button", name="Bill a period").click()
    form = page.get_by_role("form", name="Bill a period")
    expect(form.get_by_label("Period start")).to_have_value(INITIAL_CLOSE)
    form.get_by_role("button", name="Preview").click()

    expect(
        form.get_by_role("table", name="Fee periods").get_by_test_id("fee-period-row")
    ).not_to_have_count(0)
    lines = form.get_by_role("table", name="Installments by LP").get_by_test_id("installment-row")
    expect(lines).to_have_count(2)
    for investor in fees_fund.investors:
        expect(lines.filter(has_text=investor)).to_have_count(1)
    gross = money(kpi(page, "Gross fee"))
    offset = money(kpi(page, "Transaction fee offset"))
    net = money(kpi(page, "Net fee billed"))
    assert gross > 0
    assert net == gross - offset
    per_lp = [money(lines.nth(i).get_by_role("cell").last) for i in range(2)]
    assert sum(per_lp) == net
    expect(form.get_by_test_id("installment-total")).to_contain_text(f"${net:,.2f}")
    expect(fee_rows).to_have_count(0)

    form.get_by_role("button", name="Bill the period").click()
    expect(form).to_have_count(0)
    expect(fee_rows).to_have_count(1)
    expect(fee_rows.first).to_contain_text(f"${net:,.2f}")
    expect(fee_rows.first).to_contain_text(f"${gross:,.2f}")
    expect(fee_rows.first).to_contain_text("Posted")

    # The next period offered is the one after the period just billed.
    page.get_by_role("button", name="Bill a period").click()
    again = page.get_by_role("form", name="Bill a period")
    expect(again.get_by_label("Period start")).to_have_value(re.compile(r"^2025-\d{2}-01$"))
    again.get_by_role("button", name="Close").click()
    expect(again).to_have_count(0)


def test_the_accountant_records_an_expense_and_cancels_it(
    page: Page, live_server: LiveServer, fees_fund: FeesFund
) -> None:
    open_fees(page, live_server, fees_fund)
    vendor = f"Baker Legal {uuid.uuid4().hex[:8]}"

    page.get_by_role("button", name="Record expense").click()
    form = page.get_by_role("form", name="Record expense")
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
    amounts = [money(shares.nth(i).get_by_role("cell").last) for i in range(2)]
    assert sum(amounts) == Decimal("12345.67")
    assert all(amount > 0 for amount in amounts)
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
