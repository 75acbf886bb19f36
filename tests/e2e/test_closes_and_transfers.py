"""A fund's closes and transfers of interest in the browser.

The fund manager holds the fund's second close, admits a late LP at it, drafts the close's
equalization call from the LPs tab and lands on the call's page, where the catch-up card shows
what the late LP pays for the capital called before it joined, with its equalization interest.
Then the manager transfers part of an LP's commitment to another investor and sees the called
capital move with it.

The fund is made through the public API first (the live server holds the demo's people, not its
funds): two LPs committing 6M and 4M at the initial close, called for 1M and paid in full, and
two investors not committed yet. Every figure is worked out below from those inputs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api import api_client, created, ok
from tests.e2e.conftest import LiveServer, column_cell, fill_date, kpi, sign_in

pytestmark = pytest.mark.e2e

INITIAL_CLOSE = "2025-01-15"
SECOND_CLOSE = "2025-06-30"


@dataclass(frozen=True)
class ClosesFund:
    fund_id: str
    fund_name: str
    lps: tuple[str, str]
    late_lp: str
    buyer: str


@pytest.fixture(scope="module")
def closes_fund(live_server: LiveServer) -> Iterator[ClosesFund]:
    """A fund whose two initial LPs paid a 1M call, and two investors not committed to it yet."""
    tag = uuid.uuid4().hex[:6]
    lps = (f"Aspen Close Trust {tag}", f"Birch Close Plan {tag}")
    late_lp = f"Cedar Late Pension {tag}"
    buyer = f"Dogwood Buyer Endowment {tag}"
    manager = api_client(live_server, "fund_manager")
    accountant = api_client(live_server, "accountant")
    try:
        fund = created(
            manager.post(
                "/funds",
                json={
                    "name": f"Closes Test Fund {tag}",
                    "currency": "USD",
                    "vintage": 2025,
                    "initial_close_date": INITIAL_CLOSE,
                },
            )
        )
        for name, amount in zip(lps, ("6000000", "4000000"), strict=True):
            investor = created(manager.post("/investors", json={"kind": "entity", "name": name}))
            created(
                manager.post(
                    f"/funds/{fund['id']}/commitments",
                    json={"investor_id": investor["id"], "amount": amount},
                )
            )
        for name in (late_lp, buyer):
            created(manager.post("/investors", json={"kind": "entity", "name": name}))
        call = created(
            manager.post(
                f"/funds/{fund['id']}/capital-calls",
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
        for allocation in allocations:
            created(
                accountant.post(
                    f"/capital-calls/{call['id']}/payments",
                    json={
                        "investor_id": allocation["investor_id"],
                        "commitment_id": allocation["commitment_id"],
                        "amount": allocation["amount_due"],
                        "received_date": "2025-02-14",
                    },
                )
            )
    finally:
        manager.close()
        accountant.close()
    yield ClosesFund(fund["id"], fund["name"], lps, late_lp, buyer)


def open_lps(page: Page, live_server: LiveServer, fund: ClosesFund) -> None:
    sign_in(page, live_server.login("fund_manager"))
    expect(page).to_have_url(re.compile(r"/funds$"))
    page.get_by_role("table", name="Funds").get_by_role("link", name=fund.fund_name).click()
    page.get_by_role("tab", name="LPs and commitments").click()
    expect(page).to_have_url(re.compile(rf"/funds/{fund.fund_id}/lps$"))
    closes = page.get_by_role("table", name="Closes").get_by_test_id("close-row")
    expect(closes).not_to_have_count(0)


def commitment_row(page: Page, investor: str) -> Locator:
    rows = page.get_by_role("table", name="Commitments").get_by_test_id("commitment-row")
    row = rows.filter(has_text=investor)
    expect(row).to_have_count(1)
    return row


def commitment_figure(page: Page, investor: str, column: str) -> Locator:
    """The investor's figure under ``column`` in the fund's commitments."""
    table = page.get_by_role("table", name="Commitments")
    return column_cell(table, commitment_row(page, investor), column)


def close_figure(page: Page, index: int, column: str) -> Locator:
    table = page.get_by_role("table", name="Closes")
    return column_cell(table, table.get_by_test_id("close-row").nth(index), column)


def test_the_manager_holds_a_second_close_and_drafts_its_equalization_call(
    page: Page, live_server: LiveServer, closes_fund: ClosesFund
) -> None:
    open_lps(page, live_server, closes_fund)
    closes = page.get_by_role("table", name="Closes").get_by_test_id("close-row")
    expect(closes).to_have_count(1)
    expect(close_figure(page, 0, "Kind")).to_have_text("Initial")
    expect(close_figure(page, 0, "Committed")).to_have_text("$10,000,000.00")

    # The 1,000,000 call, pro rata to commitments: 6/10 of it to Aspen, paid in full.
    aspen = closes_fund.lps[0]
    expect(commitment_figure(page, aspen, "Commitment")).to_have_text("$6,000,000.00")
    expect(commitment_figure(page, aspen, "Called")).to_have_text("$600,000.00")
    expect(commitment_figure(page, aspen, "Contributed")).to_have_text("$600,000.00")
    expect(commitment_figure(page, aspen, "Unfunded")).to_have_text("$5,400,000.00")

    page.get_by_role("button", name="Hold next close").click()
    hold = page.get_by_role("form", name="Hold next close")
    expect(hold).to_contain_text("Close #2 follows close #1")
    fill_date(hold.get_by_label("Close date"), SECOND_CLOSE)
    hold.get_by_role("button", name="Hold close #2").click()
    expect(hold).to_have_count(0)
    expect(closes).to_have_count(2)
    expect(close_figure(page, 1, "Kind")).to_have_text("Subsequent")
    expect(close_figure(page, 1, "Committed")).to_have_text("$0.00")

    # The late LP is admitted now: it joins the close just held.
    admit = page.get_by_role("form", name="Admit a commitment")
    admit.get_by_role("textbox", name="Investor").fill(closes_fund.late_lp)
    page.get_by_role("option", name=closes_fund.late_lp).click()
    admit.get_by_label("Amount (USD)").fill("2,000,000")
    admit.get_by_role("button", name="Admit").click()
    expect(commitment_figure(page, closes_fund.late_lp, "Close")).to_have_text("2 · Jun 30, 2025")
    expect(commitment_figure(page, closes_fund.late_lp, "Commitment")).to_have_text("$2,000,000.00")
    expect(close_figure(page, 1, "Committed")).to_have_text("$2,000,000.00")
    expect(closes.first.get_by_role("button")).to_have_count(0)

    closes.nth(1).get_by_role("button", name="Draft the equalization call of close #2").click()
    dialog = page.get_by_role("dialog", name="Equalize close #2")
    form = dialog.get_by_role("form", name="Draft equalization call")
    expect(form).to_contain_text("admitted 1 commitment of $2,000,000.00")
    fill_date(form.get_by_label("Call date"), "2025-07-01")
    fill_date(form.get_by_label("Due date"), "2025-07-15")
    form.get_by_label("Description").fill("Equalization of the second close")
    form.get_by_role("button", name="Draft the call").click()

    expect(page).to_have_url(re.compile(r"/capital-calls/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Capital call \d+$"))).to_be_visible()
    expect(page.get_by_test_id("call-status")).to_contain_text("Draft")
    expect(page.get_by_text("Equalization of the second close")).to_be_visible()

    # ../shared/CONVENTIONS.md "Management fees and late closers": the late closer pays the
    # call due before its close as if admitted at the initial close, at the share of
    # commitment the earlier LPs paid (1,000,000 of 10,000,000 = 10%): 10% × 2,000,000 =
    # 200,000.00 (no fee was billed, so there is no fee to catch up). Interest at 8% simple,
    # days / 365, from the call's due date, 17 February, to the close, 30 June: 133 days
    # (11 + 31 + 30 + 31 + 30); 200,000 × 8% × 133 / 365 = 5,830.137 → 5,830.14.
    expect(page.get_by_role("heading", name="Catch-up of the late closers")).to_be_visible()
    card = page.get_by_role("table", name="Equalization catch-up")
    items = card.get_by_test_id("equalization-row")
    expect(items).to_have_count(1)
    expect(items.get_by_role("cell")).to_have_text(
        [
            closes_fund.late_lp,
            "Capital call",
            "Feb 17, 2025",
            "$200,000.00",
            "8.0%",
            "133",
            "$5,830.14",
        ]
    )
    total = card.get_by_test_id("equalization-total")
    expect(total).to_contain_text("$200,000.00")
    expect(total).to_contain_text("$5,830.14")

    allocations = page.get_by_role("table", name="Allocations")
    allocation = allocations.get_by_test_id("allocation-row").filter(has_text=closes_fund.late_lp)
    expect(column_cell(allocations, allocation, "Amount")).to_have_text("$200,000.00")
    expect(column_cell(allocations, allocation, "Equalization interest")).to_have_text("$5,830.14")
    expect(kpi(page, "Amount called")).to_have_text("$200,000.00")
    expect(kpi(page, "Amount due")).to_have_text("$205,830.14")


def test_the_manager_transfers_part_of_an_lp_interest(
    page: Page, live_server: LiveServer, closes_fund: ClosesFund
) -> None:
    open_lps(page, live_server, closes_fund)
    transfers_table = page.get_by_role("table", name="Transfers of interest")
    transfers = transfers_table.get_by_test_id("transfer-row")
    expect(transfers_table).to_be_visible()
    expect(transfers).to_have_count(0)
    expect(close_figure(page, 0, "Committed")).to_have_text("$10,000,000.00")

    # Birch committed 4,000,000 and was called 400,000 (4/10 of the 1,000,000 call); a
    # quarter of its commitment, 1,000,000, takes a quarter of its called capital, 100,000.
    seller = closes_fund.lps[1]
    expect(commitment_figure(page, seller, "Commitment")).to_have_text("$4,000,000.00")
    expect(commitment_figure(page, seller, "Called")).to_have_text("$400,000.00")

    page.get_by_role("button", name="Transfer interest").click()
    form = page.get_by_role("form", name="Transfer interest")
    form.get_by_role("textbox", name="Commitment transferred").fill(seller)
    page.get_by_role("option", name=re.compile(re.escape(seller))).click()
    expect(form.get_by_test_id("transfer-source")).to_contain_text("$4,000,000.00")
    form.get_by_role("textbox", name="Receiving investor").fill(closes_fund.buyer)
    page.get_by_role("option", name=closes_fund.buyer).click()
    form.get_by_label("Amount transferred (USD)").fill("1,000,000.00")
    form.get_by_role("button", name="Transfer interest").click()
    expect(form).to_have_count(0)

    expect(transfers).to_have_count(1)
    row = transfers.first
    expect(column_cell(transfers_table, row, "From")).to_have_text(seller)
    expect(column_cell(transfers_table, row, "To")).to_have_text(closes_fund.buyer)
    expect(column_cell(transfers_table, row, "Commitment")).to_have_text("$1,000,000.00")
    expect(column_cell(transfers_table, row, "Called capital")).to_have_text("$100,000.00")

    expect(commitment_figure(page, seller, "Commitment")).to_have_text("$3,000,000.00")
    expect(commitment_figure(page, seller, "Called")).to_have_text("$300,000.00")
    buyer = closes_fund.buyer
    expect(commitment_figure(page, buyer, "Close")).to_have_text("1 · Jan 15, 2025")
    expect(commitment_figure(page, buyer, "Commitment")).to_have_text("$1,000,000.00")
    expect(commitment_figure(page, buyer, "Called")).to_have_text("$100,000.00")
    # A transfer stays within the transferor's close: the close's commitments are unchanged.
    expect(close_figure(page, 0, "Committed")).to_have_text("$10,000,000.00")
