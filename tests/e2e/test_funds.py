"""Fund administration in the browser: the capital call wizard with its allocation preview,
maker/checker approval by a second person, the fund dashboard, and the LP portal showing an LP
only its own data. Each test's fund and investors are made through the public API first, so the
tests do not depend on the demo's funds."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, main_navigation, sign_in

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class FundSetup:
    fund_id: str
    fund_name: str
    own_investor: str
    """The investor the demo LP user represents in the portal."""
    other_investor: str


def api_client(live_server: LiveServer, role: str) -> httpx.Client:
    """An API client signed in with a bearer token as the demo user of ``role``."""
    login = live_server.login(role)
    client = httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=30)
    answer = client.post("/auth/token", data={"username": login.email, "password": login.password})
    answer.raise_for_status()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client


def created(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 201, answer.text
    body: dict[str, str] = answer.json()
    return body


@pytest.fixture(scope="module")
def fund_setup(live_server: LiveServer) -> Iterator[FundSetup]:
    """A fund with two LPs committing 6M and 4M; the demo LP user sees the first in the portal."""
    tag = uuid.uuid4().hex[:6]
    manager = api_client(live_server, "fund_manager")
    try:
        fund = created(
            manager.post(
                "/funds",
                json={
                    "name": f"Browser Test Fund {tag}",
                    "currency": "USD",
                    "vintage": 2025,
                    "initial_close_date": "2025-01-15",
                },
            )
        )
        own = created(
            manager.post(
                "/investors", json={"kind": "entity", "name": f"Alder Test Endowment {tag}"}
            )
        )
        other = created(
            manager.post("/investors", json={"kind": "entity", "name": f"Birch Test Pension {tag}"})
        )
        for investor, amount in ((own, "6000000"), (other, "4000000")):
            created(
                manager.post(
                    f"/funds/{fund['id']}/commitments",
                    json={"investor_id": investor["id"], "amount": amount},
                )
            )
        lp_email = live_server.login("limited_partner").email
        users = manager.get("/users", params={"q": lp_email}).json()["items"]
        lp_user = next(user for user in users if user["email"] == lp_email)
        created(manager.post(f"/investors/{own['id']}/users", json={"user_id": lp_user["id"]}))
    finally:
        manager.close()
    yield FundSetup(fund["id"], fund["name"], own["name"], other["name"])


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
    expect(
        page.get_by_role("table", name="Allocations").get_by_test_id("allocation-row")
    ).to_have_count(2)

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


def test_the_fund_dashboard_shows_its_figures_and_charts(
    page: Page, live_server: LiveServer, fund_setup: FundSetup
) -> None:
    sign_in(page, live_server.login("fund_manager"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.goto(f"/funds/{fund_setup.fund_id}")

    expect(page.get_by_role("heading", name=fund_setup.fund_name)).to_be_visible()
    expect(page.get_by_role("group", name="Commitments")).to_contain_text("$10M")
    expect(page.get_by_role("group", name="LPs")).to_contain_text("2")
    for label in ("Called", "Uncalled", "Distributed", "NAV", "TVPI", "DPI", "RVPI", "Net IRR"):
        expect(
            page.get_by_role("group", name=label, exact=True).get_by_test_id("kpi-value")
        ).not_to_be_empty()
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
