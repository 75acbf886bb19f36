"""Fund administration in the browser: the capital call wizard with its allocation preview,
maker/checker approval by a second person, the fund dashboard, and the LP portal showing an LP
only its own data. Each test's fund and investors are made through the public API first, so the
tests do not depend on the demo's funds."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.api import api_client, created, fund_with_lps, issued_call, ok, pay_in_full
from tests.e2e.conftest import LiveServer, column_cell, kpi, main_navigation, sign_in, xirr

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class FundSetup:
    fund_id: str
    fund_name: str
    own_investor: str
    """The investor the demo LP user represents in the portal."""
    other_investor: str


@pytest.fixture(scope="module")
def fund_setup(live_server: LiveServer) -> Iterator[FundSetup]:
    """A fund with two LPs committing 6M and 4M; the demo LP user sees the first in the portal."""
    tag = uuid.uuid4().hex[:6]
    manager = api_client(live_server, "fund_manager")
    try:
        fund, (own, other) = fund_with_lps(
            manager,
            f"Browser Test Fund {tag}",
            [(f"Alder Test Endowment {tag}", "6000000"), (f"Birch Test Pension {tag}", "4000000")],
        )
        lp_email = live_server.login("limited_partner").email
        users = manager.get("/users", params={"q": lp_email}).json()["items"]
        lp_user = next(user for user in users if user["email"] == lp_email)
        created(manager.post(f"/investors/{own['id']}/users", json={"user_id": lp_user["id"]}))
    finally:
        manager.close()
    yield FundSetup(fund["id"], fund["name"], own["name"], other["name"])


DASHBOARD_AS_OF = "2025-12-31"


@dataclass(frozen=True)
class DashboardFund:
    fund_id: str
    fund_name: str


@pytest.fixture(scope="module")
def dashboard_fund(live_server: LiveServer) -> Iterator[DashboardFund]:
    """A fund of its first year, on fixed dates: two LPs commit 6M and 4M at the initial close
    of 15 January 2025; a call of 2M is paid; the first management fee installment is billed;
    1.5M buys a company, marked at 1.8M on 30 June; the company pays a 300,000 dividend on
    15 September, distributed to the LPs on 30 September."""
    tag = uuid.uuid4().hex[:6]
    manager = api_client(live_server, "fund_manager")
    accountant = api_client(live_server, "accountant")
    try:
        fund, _ = fund_with_lps(
            manager,
            f"Dashboard Test Fund {tag}",
            [
                (f"Aspen Dashboard Trust {tag}", "6000000"),
                (f"Birch Dashboard Plan {tag}", "4000000"),
            ],
        )
        pay_in_full(accountant, issued_call(manager, accountant, fund["id"], "2000000"))
        ok(accountant.post(f"/funds/{fund['id']}/fee-runs", json={"period_start": "2025-01-15"}))
        company = created(
            manager.post(
                f"/funds/{fund['id']}/portfolio-companies",
                json={"name": f"Quill Analytics {tag}"},
            )
        )
        created(
            manager.post(
                f"/portfolio-companies/{company['id']}/investments",
                json={"transaction_date": "2025-03-03", "cost_amount": "1500000"},
            )
        )
        created(
            manager.post(
                f"/portfolio-companies/{company['id']}/valuations",
                json={"as_of": "2025-06-30", "fair_value": "1800000"},
            )
        )
        created(
            manager.post(
                f"/portfolio-companies/{company['id']}/realizations",
                json={
                    "kind": "income",
                    "transaction_date": "2025-09-15",
                    "proceeds_amount": "300000",
                },
            )
        )
        distribution = created(
            manager.post(
                f"/funds/{fund['id']}/distributions",
                json={
                    "source": "dividend",
                    "gross_amount": "300000",
                    "distribution_date": "2025-09-30",
                },
            )
        )
        ok(accountant.post(f"/distributions/{distribution['id']}/approve"))
        ok(manager.post(f"/distributions/{distribution['id']}/issue"))
        ok(
            manager.post(
                f"/distributions/{distribution['id']}/pay", json={"paid_date": "2025-09-30"}
            )
        )
    finally:
        manager.close()
        accountant.close()
    yield DashboardFund(fund["id"], fund["name"])


def test_a_call_drafted_in_the_wizard_is_approved_by_a_second_person(
    page: Page, live_server: LiveServer, fund_setup: FundSetup
) -> None:
    sign_in(page, live_server.login("fund_manager"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.get_by_role("table", name="Funds").get_by_role("link", name=fund_setup.fund_name).click()
    page.get_by_role("tab", name="Capital calls").click()
    page.get_by_role("link", name="New capital call").click()

    page.get_by_label("Amount (USD)").fill("1,000,000")
    page.get_by_label("Amount (USD)").press("Enter")

    preview = page.get_by_role("table", name="Allocation preview")
    lines = preview.get_by_test_id("preview-line")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text=fund_setup.own_investor)).to_contain_text("$600,000.00")
    expect(lines.filter(has_text=fund_setup.other_investor)).to_contain_text("$400,000.00")
    expect(preview.get_by_test_id("preview-total")).to_contain_text("$1,000,000.00")

    page.get_by_role("button", name="Create draft call").click()
    expect(page.get_by_text(re.compile(r"Capital call \d+ is drafted"))).to_be_visible()
    page.get_by_role("link", name="Open the call").click()
    expect(page).to_have_url(re.compile(r"/capital-calls/[0-9a-f-]{36}$"))
    call_url = page.url
    expect(page.get_by_test_id("call-status")).to_have_text("Draft")
    allocations = page.get_by_role("table", name="Allocations")
    rows = allocations.get_by_test_id("allocation-row")
    expect(rows).to_have_count(2)
    # Pro rata to commitments (../shared/CONVENTIONS.md "Capital calls"): 1,000,000 × 6/10
    # and × 4/10.
    for investor, amount in (
        (fund_setup.own_investor, "$600,000.00"),
        (fund_setup.other_investor, "$400,000.00"),
    ):
        row = rows.filter(has_text=investor)
        expect(column_cell(allocations, row, "Amount")).to_have_text(amount)

    # The author holds capital_call:approve too, but maker/checker does not offer it to them.
    expect(page.get_by_test_id("author-cannot-approve")).to_contain_text(
        "someone else must approve"
    )
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_test_id("call-status")).to_have_text("Draft")

    page.context.clear_cookies()
    sign_in(page, live_server.login("accountant"))
    expect(main_navigation(page).get_by_role("link", name="Capital calls")).to_be_visible()
    page.goto(call_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("call-status")).to_have_text("Approved")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    page.get_by_role("button", name="Issue to LPs").click()
    confirmation = page.get_by_role("dialog", name="Issue the capital call to the LPs")
    expect(confirmation).to_contain_text("2 notices")
    confirmation.get_by_role("button", name="Issue 2 notices").click()
    expect(page.get_by_test_id("call-status")).to_have_text("Issued")
    expect(page.get_by_test_id("issued-notices")).to_contain_text("2 notices issued")
    expect(page.get_by_role("form", name="Record a payment")).to_be_visible()


def test_the_fund_dashboard_shows_the_figures_of_its_fund(
    page: Page, live_server: LiveServer, dashboard_fund: DashboardFund
) -> None:
    # The page asks for the dashboard as of today; the test asks for it as of DASHBOARD_AS_OF,
    # so the NAV's date, and with it the net IRR, do not move with the calendar.
    page.route(
        "**/api/v1/funds/*/dashboard",
        lambda route: route.continue_(url=f"{route.request.url}?as_of={DASHBOARD_AS_OF}"),
    )
    sign_in(page, live_server.login("fund_manager"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.goto(f"/funds/{dashboard_fund.fund_id}")

    expect(page.get_by_role("heading", name=dashboard_fund.fund_name)).to_be_visible()
    expect(page.get_by_text("As of Dec 31, 2025.")).to_be_visible()
    # The cards round amounts ($2.3M); the exact figure is the card's tooltip.
    for label, shown, exact in (
        # 6,000,000 + 4,000,000.
        ("Commitments", "$10M", "$10,000,000.00"),
        # The one call, paid-in when issued (the calls' postings).
        ("Called", "$2M", "$2,000,000.00"),
        # Commitments − called + recallable distributions (none): 10,000,000 − 2,000,000.
        ("Uncalled", "$8M", "$8,000,000.00"),
        ("Distributed", "$300K", "$300,000.00"),
        # Net assets: cash 2,000,000 − 1,500,000 invested + 300,000 dividend − 300,000
        # distributed = 500,000; the company at its fair value of 1,800,000; less the first
        # management fee installment billed and not paid, 41,643.84 (stub of 76 days from the
        # initial close: 2% × 10,000,000 × 76 / 365 = 41,643.8356, half up to the cent;
        # ../shared/CONVENTIONS.md "Management fees and late closers").
        ("NAV", "$2.3M", "$2,258,356.16"),
    ):
        figure = kpi(page, label)
        expect(figure).to_have_text(shown)
        figure.hover()
        expect(page.get_by_role("tooltip")).to_have_text(exact)
        page.mouse.move(0, 0)
        expect(page.get_by_role("tooltip")).to_have_count(0)
    # ../shared/CONVENTIONS.md "Fund performance": over the paid-in capital of 2,000,000,
    # TVPI = (300,000 + 2,258,356.16) / 2,000,000 = 1.2792, DPI = 300,000 / 2,000,000 = 0.15,
    # RVPI = 2,258,356.16 / 2,000,000 = 1.1292.
    expect(kpi(page, "TVPI")).to_have_text("1.28x")
    expect(kpi(page, "DPI")).to_have_text("0.15x")
    expect(kpi(page, "RVPI")).to_have_text("1.13x")
    # Net IRR: the XIRR of the LPs' flows, the NAV as the last one on the as-of date
    # (../shared/CONVENTIONS.md "Cash flows and returns"): 32.44%.
    net_irr = xirr(
        [
            (date(2025, 2, 3), -2_000_000.0),
            (date(2025, 9, 30), 300_000.0),
            (date.fromisoformat(DASHBOARD_AS_OF), 2_258_356.16),
        ]
    )
    assert f"{net_irr:.2%}" == "32.44%"
    expect(kpi(page, "Net IRR")).to_have_text(f"{net_irr:.2%}")
    expect(kpi(page, "LPs")).to_have_text("2")

    for chart in ("J-curve", "NAV over time"):
        figure = page.get_by_role("figure", name=chart)
        expect(figure.locator("svg.recharts-surface").first).to_be_visible()
        expect(figure.locator(".recharts-line").first).to_be_attached()


def test_a_limited_partner_sees_only_its_own_investments(
    page: Page, live_server: LiveServer, fund_setup: FundSetup
) -> None:
    sign_in(page, live_server.login("limited_partner"))

    expect(page).to_have_url(re.compile(r"/portal$"))
    nav = main_navigation(page)
    expect(nav.get_by_role("link", name="My investments")).to_be_visible()
    expect(nav.get_by_role("link", name="Funds")).to_have_count(0)
    expect(
        page.get_by_text(re.compile(f"Investing as .*{fund_setup.own_investor}"))
    ).to_be_visible()

    commitments = page.get_by_role("table", name="My commitments")
    mine = commitments.get_by_test_id("portal-commitment").filter(has_text=fund_setup.fund_name)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(fund_setup.own_investor)
    expect(mine).to_contain_text("$6,000,000.00")
    expect(commitments).not_to_contain_text(fund_setup.other_investor)

    page.get_by_role("tab", name="Capital calls").click()
    expect(page).to_have_url(re.compile(r"/portal/capital-calls$"))
    expect(page.get_by_role("table", name="My capital calls")).not_to_contain_text(
        fund_setup.other_investor
    )

    page.goto(f"/funds/{fund_setup.fund_id}")
    expect(page.get_by_role("alert")).to_contain_text("No access")
