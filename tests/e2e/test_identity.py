"""Signing in, the members list, MFA enrolment and sign-in with a code, and the navigation
each role gets: the identity pages as a person uses them, in Chromium."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, main_navigation, sign_in

pytestmark = pytest.mark.e2e

TOTP_STEP_SECONDS = 30


def test_admin_signs_in_and_sees_the_members_of_the_organization(
    page: Page, live_server: LiveServer
) -> None:
    admin = live_server.login("admin")
    sign_in(page, admin)

    expect(page).to_have_url(re.compile(r"/funds$"))
    main_navigation(page).get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/users$"))
    expect(page.get_by_test_id("organization-name")).to_have_text("Northwind Capital")
    members = page.get_by_role("table", name="Members")
    for login in live_server.logins.values():
        expect(members.get_by_role("row").filter(has_text=login.email)).to_have_count(1)
    expect(members).not_to_contain_text("@harbor.example")

    page.get_by_label("Search").fill("compliance@")
    expect(members.get_by_test_id("member-row")).to_have_count(1)
    expect(members.get_by_test_id("member-row")).to_contain_text("compliance@northwind.example")


def test_a_wrong_password_says_so_and_stays_on_the_sign_in_page(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.login("compliance"), password="not-the-right-password")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Incorrect email or password.")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_label("Password")).to_have_value("")


def test_mfa_enrolled_from_the_profile_is_asked_at_the_next_sign_in(
    page: Page, live_server: LiveServer
) -> None:
    analyst = live_server.login("analyst")
    sign_in(page, analyst)
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.goto("/profile")

    page.get_by_role("button", name="Set up two-factor authentication").click()
    secret = page.get_by_test_id("mfa-secret").inner_text().replace(" ", "")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    totp = pyotp.TOTP(secret)
    confirmed_step = int(time.time() // TOTP_STEP_SECONDS)
    page.get_by_label("Code from your app").fill(totp.at(confirmed_step * TOTP_STEP_SECONDS))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_text("Two-factor authentication is on")).to_be_visible()
    expect(page.get_by_test_id("recovery-code")).to_have_count(10)
    page.get_by_role("button", name="I have saved them").click()

    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Log out", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login"))

    sign_in(page, analyst)
    code_field = page.get_by_label("Authentication code")
    expect(code_field).to_be_visible()
    # A code is accepted once: wait for the step after the one the enrolment spent.
    while int(time.time() // TOTP_STEP_SECONDS) <= confirmed_step:
        time.sleep(0.5)
    code_field.fill(totp.now())
    page.get_by_role("button", name="Verify and sign in").click()

    expect(page).to_have_url(re.compile(r"/funds$"))
    main_navigation(page).get_by_role("link", name="Profile").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    security = page.get_by_role("region", name="Two-factor authentication")
    expect(security.get_by_text("On", exact=True)).to_be_visible()


def test_a_limited_partner_sees_neither_users_nor_audit(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.login("limited_partner"))

    expect(page).to_have_url(re.compile(r"/portal$"))
    nav = main_navigation(page)
    expect(nav.get_by_role("link", name="Profile")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)

    page.goto("/users")
    expect(page.get_by_role("alert")).to_contain_text("No access")
    expect(page.get_by_role("table", name="Members")).to_have_count(0)


def test_the_audit_log_lists_sign_ins_and_verifies_its_chain(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.login("admin"))
    expect(page).to_have_url(re.compile(r"/funds$"))

    main_navigation(page).get_by_role("link", name="Audit log").click()
    records = page.get_by_role("table", name="Audit records")
    expect(records.get_by_test_id("audit-row").first).to_be_visible()

    page.get_by_role("button", name="Verify chain").click()
    expect(page.get_by_role("status").filter(has_text="The audit chain is intact")).to_be_visible()


def test_an_expired_access_cookie_is_renewed_and_a_lost_session_goes_to_sign_in(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.login("compliance"))
    expect(page).to_have_url(re.compile(r"/funds$"))

    page.context.clear_cookies(name="fh_access")
    page.goto("/audit")
    expect(page.get_by_role("table", name="Audit records")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/audit$"))

    page.context.clear_cookies()
    page.goto("/audit")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faudit$"))
    expect(page.get_by_label("Email")).to_be_visible()
