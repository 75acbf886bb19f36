"""Onboarding a limited partner in the browser: an administrator invites an LP user from the
investor's page, the invitee accepts the link in a browser of their own, chooses a password,
signs in and sees that investor, and only it, in the LP portal. From the users page a limited
partner cannot be invited without the investor they belong to.

A fund with two investors' commitments is made through the public API first, so the portal has
something of each to show or to hide."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.api import api_client, fund_with_lps
from tests.e2e.conftest import LiveServer, main_navigation, sign_in

pytestmark = pytest.mark.e2e

INVITEE = "ada@lp.example"
INVITEE_PASSWORD = "ada-lp-portal-pass-2026"


@dataclass(frozen=True)
class OnboardingSetup:
    investor_id: str
    investor_name: str
    other_investor_name: str


@pytest.fixture(scope="module")
def onboarding_setup(live_server: LiveServer) -> Iterator[OnboardingSetup]:
    tag = uuid.uuid4().hex[:6]
    manager = api_client(live_server, "fund_manager")
    try:
        _, investors = fund_with_lps(
            manager,
            f"Hawthorn Test Fund {tag}",
            [(f"Juniper Test Trust {tag}", "3000000"), (f"Kestrel Test Pension {tag}", "7000000")],
        )
        yield OnboardingSetup(
            investor_id=investors[0]["id"],
            investor_name=investors[0]["name"],
            other_investor_name=investors[1]["name"],
        )
    finally:
        manager.close()


def test_an_lp_invited_from_the_investor_page_sees_that_investor_in_the_portal(
    page: Page, browser: Browser, live_server: LiveServer, onboarding_setup: OnboardingSetup
) -> None:
    sign_in(page, live_server.login("admin"))
    main_navigation(page)
    page.goto(f"/investors/{onboarding_setup.investor_id}")
    page.get_by_role("button", name="Invite LP user").click()
    dialog = page.get_by_role("dialog", name="Invite an LP user")
    expect(dialog.get_by_text(onboarding_setup.investor_name)).to_be_visible()
    expect(dialog.get_by_label("Role")).to_have_count(0)
    dialog.get_by_label("Email").fill(INVITEE)
    dialog.get_by_label("Full name").fill("Ada Lovelace")
    dialog.get_by_role("button", name="Create invitation").click()

    link = page.get_by_test_id("invitation-link")
    expect(link).to_contain_text("/accept-invitation")
    accept_url = link.inner_text().strip()
    assert accept_url.startswith(live_server.url), accept_url
    page.get_by_role("button", name="Done").click()

    invitations = page.get_by_role("table", name="Pending invitations of the investor")
    row = invitations.get_by_role("row").filter(has_text=INVITEE)
    expect(row).to_contain_text("Pending")

    invitee = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    invitee.set_default_timeout(15_000)
    try:
        tab = invitee.new_page()
        tab.goto(accept_url)
        tab.get_by_label("Full name").fill("Ada Lovelace")
        tab.get_by_label(re.compile(r"^Password")).fill(INVITEE_PASSWORD)
        tab.get_by_label("Confirm password").fill(INVITEE_PASSWORD)
        tab.get_by_role("button", name="Accept invitation").click()
        expect(tab).to_have_url(re.compile(r"/login$"))

        tab.get_by_label("Email").fill(INVITEE)
        tab.get_by_label("Password").fill(INVITEE_PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        expect(tab).to_have_url(re.compile(r"/portal$"))
        expect(tab.get_by_text(f"Investing as {onboarding_setup.investor_name}.")).to_be_visible()
        commitments = tab.get_by_role("table", name="My commitments")
        expect(commitments).to_contain_text(onboarding_setup.investor_name)
        expect(commitments).not_to_contain_text(onboarding_setup.other_investor_name)
    finally:
        invitee.close()

    page.reload()
    expect(page.get_by_text(f"Ada Lovelace ({INVITEE})")).to_be_visible()
    expect(invitations.get_by_role("row").filter(has_text=INVITEE)).to_have_count(0)


def test_a_limited_partner_cannot_be_invited_without_an_investor_from_the_users_page(
    page: Page, live_server: LiveServer, onboarding_setup: OnboardingSetup
) -> None:
    sign_in(page, live_server.login("admin"))
    main_navigation(page)
    page.goto("/users?tab=invitations")
    page.get_by_role("button", name="Invite a member").click()
    dialog = page.get_by_role("dialog", name="Invite a member")
    dialog.get_by_label("Email").fill("no-party@lp.example")
    dialog.get_by_label("Full name").fill("Nobody Partyless")
    dialog.get_by_role("textbox", name="Role").click()
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.filter(has_text="Limited partner (external)")).to_have_count(1)
    expect(options.filter(has_text=re.compile("Founder|Client"))).to_have_count(0)
    options.filter(has_text="Limited partner (external)").click()

    investor = dialog.get_by_role("textbox", name="Investor")
    expect(investor).to_be_visible()
    requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url)
            if request.method == "POST" and "/users/invitations" in request.url
            else None
        ),
    )
    dialog.get_by_role("button", name="Create invitation").click()
    expect(dialog.get_by_text("Choose the investor they belong to.")).to_be_visible()
    assert requests == []

    investor.click()
    page.get_by_role("option", name=onboarding_setup.investor_name).click()
    dialog.get_by_role("button", name="Create invitation").click()
    expect(page.get_by_test_id("invitation-link")).to_be_visible()
    expect(page.get_by_role("dialog", name="Invitation created")).to_contain_text(
        f"of {onboarding_setup.investor_name}"
    )
