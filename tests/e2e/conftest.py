"""Browser tests: the real app (API and built web app) served on a free port, driven in Chromium.

One server per run, on a freshly migrated SQLite database holding the demo identities (not
the demo's funds: each test makes the funds it needs through the API). The web app must be
built first (``npm --prefix web run build``, or ``make web``). Chromium is Debian's
(``/usr/bin/chromium``, or ``FUNDHOUSE_CHROMIUM``); without it the tests are skipped on a
developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

import fundhouse.settings as settings_module
from fundhouse.app import create_app
from fundhouse.demo import DemoLogin, load_demo
from fundhouse.platform.db import Database
from fundhouse.platform.migrate import upgrade
from fundhouse.settings import Settings, set_settings

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
RESULTS = ROOT / "test-results"
CHROMIUM = Path(os.environ.get("FUNDHOUSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_ORG = "Northwind Capital"


@dataclass(frozen=True)
class LiveServer:
    url: str
    logins: dict[str, DemoLogin]
    """The demo organization's logins, by role."""

    def login(self, role: str) -> DemoLogin:
        try:
            return self.logins[role]
        except KeyError:
            pytest.fail(f"The demo has no {role} login in {DEMO_ORG}; it has {sorted(self.logins)}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = (
            f"The browser tests need Chromium at {CHROMIUM}: install Debian's "
            "(apt-get install chromium) or point FUNDHOUSE_CHROMIUM at one."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(
            f"{WEB_DIST / 'index.html'} is missing: build the web app first with "
            "`npm --prefix web ci && npm --prefix web run build` (or `make web`)."
        )
    data_dir = tmp_path_factory.mktemp("e2e")
    settings = Settings(
        data_dir=data_dir,
        secret_key="e2e-secret-key-for-this-test-run-only-0123456789",
        web_dist=WEB_DIST,
        rate_limit_ip="100000/minute",
        rate_limit_user="100000/minute",
        rate_limit_login="100000/minute",
        job_threads=0,
        log_json=False,
        log_level="WARNING",
    )
    previous = settings_module._settings
    set_settings(settings)
    upgrade(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    with database.session() as session:
        logins = load_demo(session, funds=False)
        session.commit()

    app = create_app(settings, database=database)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="e2e-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("The app did not start for the browser tests; see the log above.")
        time.sleep(0.05)
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{port}",
            logins={login.role: login for login in logins if login.org == DEMO_ORG},
        )
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        database.engine.dispose()
        settings_module._settings = previous


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test; a screenshot in test-results/ on failure.

    The locale and time zone are fixed, so amounts and dates read the same on every machine
    (``$1,234.56``, ``Jan 15, 2025``)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 800},
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        report = getattr(request.node, "report_call", None)
        if report is None or report.failed:
            RESULTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            tab.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
        context.close()


def sign_in(page: Page, login: DemoLogin, password: str | None = None) -> None:
    """Fill and send the sign-in form (with ``password`` instead of the login's, if given)."""
    page.goto("/login")
    page.get_by_label("Email").fill(login.email)
    page.get_by_label("Password").fill(password if password is not None else login.password)
    page.get_by_role("button", name="Sign in").click()


def main_navigation(page: Page):  # type: ignore[no-untyped-def]
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav).to_be_visible()
    return nav


def fill_date(field: Locator, value: str) -> None:
    """Type a date as the API writes it into a date field, and leave the field."""
    field.fill(value)
    field.press("Tab")
    expect(field).to_have_value(value)


def kpi(page: Page, label: str) -> Locator:
    """The figure of the card labelled ``label``."""
    return page.get_by_role("group", name=label, exact=True).get_by_test_id("kpi-value")


def column_cell(table: Locator, row: Locator, title: str) -> Locator:
    """The cell of ``row`` under the column headed ``title`` in ``table``, found by its
    header rather than its place, so a column added or moved does not shift it."""
    expect(row).to_have_count(1)
    titles = [text.strip() for text in table.get_by_role("columnheader").all_inner_texts()]
    assert title in titles, f"no column {title!r} in {titles}"
    return row.get_by_role("cell").nth(titles.index(title))


def xirr(flows: Sequence[tuple[date, float]]) -> float:
    """The rate r at which the flows' present value is zero, actual/365 from the earliest date
    (../shared/CONVENTIONS.md "Cash flows and returns"), by bisection: worked out here, apart
    from the product's own finance code, to check the figure it shows. The flows must start
    with money paid in and change sign once, so the present value falls as r rises."""
    start = min(day for day, _ in flows)

    def present_value(rate: float) -> float:
        return sum(amount / (1 + rate) ** ((day - start).days / 365) for day, amount in flows)

    low, high = -0.99, 100.0
    assert present_value(low) > 0 > present_value(high), "no rate in range"
    for _ in range(200):
        middle = (low + high) / 2
        if present_value(middle) > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2
