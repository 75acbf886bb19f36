"""An investor across funds in the browser: the investor page reads the investor's commitments in
every fund with one request (not one per fund), shows its own share of each call and exports the
commitments as CSV; the LP portal downloads each of the LP's lists as CSV.

The investor commits to two funds made through the public API first, alongside a second LP in
the first fund; the first fund calls 1M, which the investor pays its share of, and the demo LP
user is linked to the investor."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, Request, expect

from tests.e2e.api import api_client, created, ok
from tests.e2e.conftest import LiveServer, column_cell, sign_in

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class InvestorSetup:
    investor_id: str
    investor_name: str
    other_investor: str
    first_fund: str
    """Where the investor committed 6M and was called 600k of a 1M call, and paid it."""
    second_fund: str
    """Where the investor committed 2.5M, nothing called."""


@pytest.fixture(scope="module")
def investor_setup(live_server: LiveServer) -> Iterator[InvestorSetup]:
    tag = uuid.uuid4().hex[:6]
    manager = api_client(live_server, "fund_manager")
    accountant = api_client(live_server, "accountant")
    try:
        funds = [
            created(
                manager.post(
                    "/funds",
                    json={
                        "name": name,
                        "currency": "USD",
                        "vintage": 2025,
                        "initial_close_date": "2025-01-15",
                    },
                )
            )
            for name in (f"Cedar Test Fund {tag}", f"Dogwood Test Fund {tag}")
        ]
        own = created(
            manager.post(
                "/investors", json={"kind": "entity", "name": f"Elm Test Foundation {tag}"}
            )
        )
        other = created(
            manager.post("/investors", json={"kind": "entity", "name": f"Fir Test Pension {tag}"})
        )
        for fund, investor, amount in (
            (funds[0], own, "6000000"),
            (funds[0], other, "4000000"),
            (funds[1], own, "2500000"),
        ):
            created(
                manager.post(
                    f"/funds/{fund['id']}/commitments",
                    json={"investor_id": investor["id"], "amount": amount},
                )
            )
        call = created(
            manager.post(
                f"/funds/{funds[0]['id']}/capital-calls",
                json={
                    "purpose": "investment",
                    "amount": "1000000",
                    "call_date": "2025-02-03",
                    "due_date": "2025-02-17",
                },
            )
        )
        ok(accountant.post(f"/capital-calls/{call['id']}/approve"))
        issued = ok(manager.post(f"/capital-calls/{call['id']}/issue"))
        allocations = issued["allocations"]
        assert isinstance(allocations, list)
        mine = next(a for a in allocations if a["investor_id"] == own["id"])
        created(
            accountant.post(
                f"/capital-calls/{call['id']}/payments",
                json={
                    "investor_id": mine["investor_id"],
                    "commitment_id": mine["commitment_id"],
                    "amount": mine["amount_due"],
                    "received_date": "2025-02-14",
                },
            )
        )
        lp_email = live_server.login("limited_partner").email
        users = manager.get("/users", params={"q": lp_email}).json()["items"]
        lp_user = next(user for user in users if user["email"] == lp_email)
        created(manager.post(f"/investors/{own['id']}/users", json={"user_id": lp_user["id"]}))
    finally:
        manager.close()
        accountant.close()
    yield InvestorSetup(own["id"], own["name"], other["name"], funds[0]["name"], funds[1]["name"])


def data_rows(table: Locator) -> Locator:
    """The rows of ``table`` that hold data cells (not its header row)."""
    return table.get_by_role("row").filter(has=table.page.get_by_role("cell"))


def download_csv(page: Page, link: Locator) -> str:
    """Click a CSV export link and return the text of the file the browser saved."""
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert path is not None, download.value.failure()
    return Path(path).read_text(encoding="utf-8-sig")


def test_the_investor_page_lists_its_funds_with_one_request_and_exports_them(
    page: Page, live_server: LiveServer, investor_setup: InvestorSetup
) -> None:
    api_paths: list[str] = []

    def remember(request: Request) -> None:
        path = urlsplit(request.url).path
        if path.startswith("/api/"):
            api_paths.append(path)

    sign_in(page, live_server.login("fund_manager"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    # The funds page has read its list before the investor page's requests are counted.
    expect(page.get_by_role("table", name="Funds").get_by_role("row").nth(1)).to_be_visible()
    page.on("request", remember)
    page.goto(f"/investors/{investor_setup.investor_id}")
    expect(page.get_by_role("heading", name=investor_setup.investor_name)).to_be_visible()

    # The first fund called 1,000,000 pro rata to its 6M and 4M commitments: 600,000 of it is
    # the investor's, which it paid; the second fund called nothing.
    commitments = page.get_by_role("table", name="Commitments across funds")
    expect(data_rows(commitments)).to_have_count(2)
    for fund, figures in (
        (
            investor_setup.first_fund,
            {
                "Commitment": "$6,000,000.00",
                "Called": "$600,000.00",
                "Contributed": "$600,000.00",
                "Unfunded": "$5,400,000.00",
            },
        ),
        (
            investor_setup.second_fund,
            {
                "Commitment": "$2,500,000.00",
                "Called": "$0.00",
                "Contributed": "$0.00",
                "Unfunded": "$2,500,000.00",
            },
        ),
    ):
        row = data_rows(commitments).filter(has_text=fund)
        for column, figure in figures.items():
            expect(column_cell(commitments, row, column)).to_have_text(figure)

    calls = page.get_by_role("table", name="Capital calls of the investor")
    share = data_rows(calls).filter(has_text=f"{investor_setup.first_fund}: call 1")
    expect(share).to_have_count(1)
    expect(column_cell(calls, share, "Due amount")).to_have_text("$600,000.00")
    expect(column_cell(calls, share, "Paid")).to_have_text("$600,000.00")
    expect(column_cell(calls, share, "Outstanding")).to_have_text("$0.00")
    expect(calls).not_to_contain_text(investor_setup.second_fund)

    # Its capital account in each fund: the 600,000 contributed, and nothing else moved it.
    accounts = page.get_by_role("table", name="Capital account since inception")
    account_rows = accounts.get_by_test_id("capital-account-row")
    expect(account_rows).to_have_count(2)
    for fund, figure in (
        (investor_setup.first_fund, "$600,000.00"),
        (investor_setup.second_fund, "$0.00"),
    ):
        row = account_rows.filter(has_text=fund)
        expect(column_cell(accounts, row, "Contributions")).to_have_text(figure)
        expect(column_cell(accounts, row, "Ending")).to_have_text(figure)

    commitment_reads = [p for p in api_paths if p.endswith("/commitments")]
    assert commitment_reads == [f"/api/v1/investors/{investor_setup.investor_id}/commitments"]
    assert "/api/v1/funds" not in api_paths

    export = page.locator(
        f'a[href="/api/v1/investors/{investor_setup.investor_id}/commitments?format=csv"]'
    )
    expect(export).to_have_text("Export CSV")
    text = download_csv(page, export)
    assert investor_setup.first_fund in text
    assert investor_setup.second_fund in text
    assert investor_setup.other_investor not in text


def test_the_portal_downloads_each_list_as_csv(
    page: Page, live_server: LiveServer, investor_setup: InvestorSetup
) -> None:
    sign_in(page, live_server.login("limited_partner"))
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(
        page.get_by_role("table", name="My commitments")
        .get_by_test_id("portal-commitment")
        .filter(has_text=investor_setup.second_fund)
    ).to_have_count(1)

    for tab, expected in (
        (None, investor_setup.second_fund),
        ("Capital calls", investor_setup.first_fund),
        ("Payments", investor_setup.investor_name),
        ("Distributions", "fund_name"),
    ):
        if tab is not None:
            page.get_by_role("tab", name=tab).click()
        link = page.get_by_role("link", name="Export CSV")
        expect(link).to_have_attribute("href", re.compile(r"^/api/v1/portal/[a-z-]+\?format=csv$"))
        text = download_csv(page, link)
        assert expected in text, f"{tab or 'Commitments'}: {text[:300]!r}"
        assert investor_setup.other_investor not in text
