"""A fund's closes and transfers of interest in the browser.

The fund manager holds the fund's second close, admits a late LP at it, drafts the close's
equalization call from the LPs tab and lands on the call's page, where the catch-up card shows
what the late LP pays for the capital called before it joined, with its equalization interest.
Then the manager transfers part of an LP's commitment to another investor and sees the called
capital move with it.

The fund is made through the public API first (the live server holds the demo's people, not its
funds): two LPs committing 6M and 4M at the initial close, called for 1M and paid in full, and
two investors not committed yet. The figures are read off the page rather than assumed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.test_funds import api_client, created
from tests.e2e.test_payables import kpi, money, ok

pytestmark = pytest.mark.e2e

INITIAL_CLOSE = "2025-01-15"
SECOND_CLOSE = "2025-06-30"
CENT = Decimal("0.01")


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


def fill_date(field: Locator, value: str) -> None:
    """Type a date as the API writes it into a date field, and leave the field."""
    field.fill(value)
    field.press("Tab")
    expect(field).to_have_value(value)


def commitment_row(page: Page, investor: str) -> Locator:
    rows = page.get_by_role("table", name="Commitments").get_by_test_id("commitment-row")
    row = rows.filter(has_text=investor)
    expect(row).to_have_count(1)
    return row


def cell(row: Locator, index: int) -> Locator:
    return row.get_by_role("cell").nth(index)


def test_the_manager_holds_a_second_close_and_drafts_its_equalization_call(
    page: Page, live_server: LiveServer, closes_fund: ClosesFund
) -> None:
    open_lps(page, live_server, closes_fund)
    closes = page.get_by_role("table", name="Closes").get_by_test_id("close-row")
    expect(closes).to_have_count(1)
    expect(closes.first).to_contain_text("Initial")
    expect(closes.first).to_contain_text("$10,000,000.00")

    # What the earlier LPs paid in, as a fraction of their commitments.
    aspen = commitment_row(page, closes_fund.lps[0])
    expect(cell(aspen, 4)).not_to_have_text("$0.00")
    drawn = money(cell(aspen, 4)) / money(cell(aspen, 3))
    assert 0 < drawn < 1

    page.get_by_role("button", name="Hold next close").click()
    hold = page.get_by_role("form", name="Hold next close")
    expect(hold).to_contain_text("Close #2 follows close #1")
    fill_date(hold.get_by_label("Close date"), SECOND_CLOSE)
    hold.get_by_role("button", name="Hold close #2").click()
    expect(hold).to_have_count(0)
    expect(closes).to_have_count(2)
    second = closes.nth(1)
    expect(second).to_contain_text("Subsequent")
    expect(second).to_contain_text("$0.00")

    # The late LP is admitted now: it joins the close just held.
    admit = page.get_by_role("form", name="Admit a commitment")
    admit.get_by_role("textbox", name="Investor").fill(closes_fund.late_lp)
    page.get_by_role("option", name=closes_fund.late_lp).click()
    admit.get_by_label("Amount (USD)").fill("2,000,000")
    admit.get_by_role("button", name="Admit").click()
    late = commitment_row(page, closes_fund.late_lp)
    expect(cell(late, 2)).to_contain_text(re.compile(r"^2 · "))
    expect(second).to_contain_text("$2,000,000.00")
    late_commitment = money(cell(late, 3))
    expected_catch_up = (late_commitment * drawn).quantize(CENT, ROUND_HALF_UP)
    expect(closes.first.get_by_role("button")).to_have_count(0)

    second.get_by_role("button", name="Draft the equalization call of close #2").click()
    dialog = page.get_by_role("dialog", name="Equalize close #2")
    form = dialog.get_by_role("form", name="Draft equalization call")
    expect(form).to_contain_text(f"admitted 1 commitment of ${late_commitment:,.2f}")
    fill_date(form.get_by_label("Call date"), "2025-07-01")
    fill_date(form.get_by_label("Due date"), "2025-07-15")
    form.get_by_label("Description").fill("Equalization of the second close")
    form.get_by_role("button", name="Draft the call").click()

    expect(page).to_have_url(re.compile(r"/capital-calls/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Capital call \d+$"))).to_be_visible()
    expect(page.get_by_test_id("call-status")).to_contain_text("Draft")
    expect(page.get_by_text("Equalization of the second close")).to_be_visible()

    expect(page.get_by_role("heading", name="Catch-up of the late closers")).to_be_visible()
    card = page.get_by_role("table", name="Equalization catch-up")
    items = card.get_by_test_id("equalization-row")
    expect(items).to_have_count(1)
    item = items.first
    expect(item).to_contain_text(closes_fund.late_lp)
    expect(cell(item, 1)).to_have_text("Capital call")
    assert money(cell(item, 3)) == expected_catch_up

    # Interest at the fund's rate, simple, days/365, from the call's due date to the close.
    rate = Decimal(cell(item, 4).inner_text().strip().rstrip("%")) / 100
    days = int(cell(item, 5).inner_text())
    assert days == (date.fromisoformat(SECOND_CLOSE) - date(2025, 2, 17)).days
    interest = money(cell(item, 6))
    assert interest > 0
    assert interest == (expected_catch_up * rate * days / 365).quantize(CENT, ROUND_HALF_UP)
    total = card.get_by_test_id("equalization-total")
    expect(total).to_contain_text(f"${expected_catch_up:,.2f}")
    expect(total).to_contain_text(f"${interest:,.2f}")

    allocation = (
        page.get_by_role("table", name="Allocations")
        .get_by_test_id("allocation-row")
        .filter(has_text=closes_fund.late_lp)
    )
    expect(allocation).to_have_count(1)
    assert money(cell(allocation, 2)) == expected_catch_up
    assert money(cell(allocation, 3)) == interest
    assert money(kpi(page, "Amount called")) == expected_catch_up
    assert money(kpi(page, "Amount due")) == expected_catch_up + interest


def test_the_manager_transfers_part_of_an_lp_interest(
    page: Page, live_server: LiveServer, closes_fund: ClosesFund
) -> None:
    open_lps(page, live_server, closes_fund)
    transfers = page.get_by_role("table", name="Transfers of interest").get_by_test_id(
        "transfer-row"
    )
    expect(page.get_by_role("table", name="Transfers of interest")).to_be_visible()
    expect(transfers).to_have_count(0)
    initial_close = page.get_by_role("table", name="Closes").get_by_test_id("close-row").first
    expect(initial_close).to_contain_text(re.compile(r"\$[\d,]+\.\d{2}"))
    close_total = money(cell(initial_close, 4))

    seller = closes_fund.lps[1]
    birch = commitment_row(page, seller)
    commitment = money(cell(birch, 3))
    called = money(cell(birch, 4))
    part = (commitment / 4).quantize(CENT)
    moved_called = (called * part / commitment).quantize(CENT, ROUND_HALF_UP)

    page.get_by_role("button", name="Transfer interest").click()
    form = page.get_by_role("form", name="Transfer interest")
    form.get_by_role("textbox", name="Commitment transferred").fill(seller)
    page.get_by_role("option", name=re.compile(re.escape(seller))).click()
    expect(form.get_by_test_id("transfer-source")).to_contain_text(f"${commitment:,.2f}")
    form.get_by_role("textbox", name="Receiving investor").fill(closes_fund.buyer)
    page.get_by_role("option", name=closes_fund.buyer).click()
    form.get_by_label("Amount transferred (USD)").fill(f"{part:,.2f}")
    form.get_by_role("button", name="Transfer interest").click()
    expect(form).to_have_count(0)

    expect(transfers).to_have_count(1)
    row = transfers.first
    expect(cell(row, 1)).to_have_text(seller)
    expect(cell(row, 2)).to_have_text(closes_fund.buyer)
    assert money(cell(row, 3)) == part
    assert money(cell(row, 4)) == moved_called

    expect(cell(birch, 3)).to_have_text(f"${commitment - part:,.2f}")
    expect(cell(birch, 4)).to_have_text(f"${called - moved_called:,.2f}")
    buyer = commitment_row(page, closes_fund.buyer)
    expect(cell(buyer, 2)).to_contain_text(re.compile(r"^1 · "))
    expect(cell(buyer, 3)).to_have_text(f"${part:,.2f}")
    expect(cell(buyer, 4)).to_have_text(f"${moved_called:,.2f}")
    # A transfer stays within the transferor's close: the close's commitments are unchanged.
    expect(cell(initial_close, 4)).to_have_text(f"${close_total:,.2f}")
