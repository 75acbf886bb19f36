"""Distributions through the waterfall, their workflow, notices, postings and clawback.

Waterfall conventions pinned here: shared/CONVENTIONS.md "Distribution waterfall" (European
tiers: return of capital, 8% preferred return compounded annually with exponent days/365,
100% GP catch-up, 80/20 split; the GP's own commitment is capital like an LP's and earns no
carry on itself; each tier's LP amount allocated pro rata to contributions by the allocation
rule, LP and GP amounts summing exactly to the distribution).
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from fundhouse.funds.models import Distribution, DistributionAllocation
from fundhouse.platform.audit import AuditRecord
from fundhouse.platform.jobs_models import OutboxEvent
from tests.factories import login
from tests.funds.accounting_helpers import (
    by_investor,
    company,
    distribution_body,
    invest,
    issued_distribution,
    paid_call,
    realize,
    reconciles,
)
from tests.funds.helpers import D, problem_fields
from tests.funds.portal.test_portal_and_notices import pdf_text

START = date(2023, 1, 1)
EXIT = date(2024, 1, 1)  # 365 days later: the preferred return is exactly 8%


def european_fund(desk, **terms):
    """LP A 600,000, LP B 390,000 (10% withheld) and the GP 10,000, all called and invested on
    1 January 2023, the company sold for 1,500,000 a year later."""
    fund = desk.fund(initial_close_date=START.isoformat(), **terms)
    a = desk.commit(fund["id"], desk.investor("LP A")["id"], "600000")
    b = desk.commit(fund["id"], desk.investor("LP B", withholding_rate="0.10")["id"], "390000")
    gp = desk.commit(fund["id"], desk.investor("Northwind GP")["id"], "10000", is_gp=True)
    paid_call(desk, fund["id"], "1000000", START)
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "1000000", START)
    realize(desk, acme["id"], "sale", EXIT, cost_amount="1000000", proceeds_amount="1500000")
    return desk.ok(desk.get(f"/funds/{fund['id']}")), a, b, gp, acme


def test_a_european_distribution_pays_the_hand_computed_tiers(desk, db):
    # Contributed 1,000,000 (A 600,000, B 390,000, GP 10,000) on 2023-01-01; 1,500,000 is
    # distributed on 2024-01-01, 365 days later:
    # 1. return of capital 1,000,000 pro rata to contributions;
    # 2. preferred return 1,000,000 × 1.08 − 1,000,000 = 80,000 (A 48,000, B 31,200, GP 800);
    # 3. catch-up: the GP commitment's 1% share g takes its part outright; the LPs' 99% goes to
    #    the GP's carry until carry = 20% of the LPs' profit: 0.2 × 79,200 / (0.99 × 0.8)
    #    = 20,000 in all (GP capital 200, carry 19,800);
    # 4. split of the last 400,000: GP capital 4,000, carry 0.99 × 0.2 × 400,000 = 79,200,
    #    LPs 316,800 pro rata to their contributions (A 192,000, B 124,800).
    fund, a, b, gp, _ = european_fund(desk)
    preview = desk.ok(
        desk.post(f"/funds/{fund['id']}/distributions/preview", distribution_body("1500000", EXIT))
    )
    tiers = {t["tier"]: t for t in preview["tiers"]}
    assert [(t["lp_amount"], t["gp_amount"], t["gp_carry"]) for t in tiers.values()] == [
        ("990000.00", "10000.00", "0.00"),
        ("79200.00", "800.00", "0.00"),
        ("0.00", "20000.00", "19800.00"),
        ("316800.00", "83200.00", "79200.00"),
    ]
    partners = by_investor(preview["partners"])
    assert partners == {
        a["investor_id"]: D("840000"),
        b["investor_id"]: D("546000"),
        gp["investor_id"]: D("114000"),
    }
    assert sum(partners.values()) == D("1500000")
    carry = by_investor(preview["partners"], "carried_interest")
    assert carry[gp["investor_id"]] == D("99000") and carry[a["investor_id"]] == 0
    withheld = by_investor(preview["partners"], "withholding_amount")
    assert withheld[b["investor_id"]] == D("54600.00")  # 10% of 546,000
    rows = {
        (r["investor_id"], r["tier"], r["is_gp"]): D(r["amount"]) for r in preview["allocations"]
    }
    assert rows[(a["investor_id"], "preferred_return", False)] == D("48000")
    assert rows[(gp["investor_id"], "carried_interest", True)] == D("79200")
    assert rows[(gp["investor_id"], "catch_up", False)] == D("200")
    # The preview saved nothing.
    assert db.scalar(select(func.count()).select_from(Distribution)) == 0


def test_issue_and_payment_post_balanced_entries_and_the_capital_accounts_close_at_zero(desk, db):
    fund, a, b, gp, _ = european_fund(desk)
    ia, ib, igp = a["investor_id"], b["investor_id"], gp["investor_id"]
    assert desk.trial_balance(db, fund).is_balanced
    d = issued_distribution(desk, fund["id"], "1500000", EXIT)
    assert d["status"] == "issued" and d["ledger_entry_id"]
    assert desk.trial_balance(db, fund).is_balanced
    assert desk.partner_balances(db, fund, "3100") == {
        ia: D("840000"),
        ib: D("546000"),
        igp: D("114000"),
    }
    assert desk.partner_balances(db, fund, "2000") == {
        ia: D("-840000"),
        ib: D("-491400"),
        igp: D("-114000"),
    }
    assert desk.partner_balances(db, fund, "2300") == {ib: D("-54600")}
    # The GP earns the carry out of the LPs' profit, pro rata to their contributions.
    assert desk.partner_balances(db, fund, "5200") == {ia: D("60000"), ib: D("39000")}
    assert desk.partner_balances(db, fund, "3200") == {igp: D("-99000")}

    paid = desk.ok(desk.post(f"/distributions/{d['id']}/pay", {"paid_date": "2024-01-02"}))
    assert paid["status"] == "paid" and paid["payment_ledger_entry_id"]
    assert desk.trial_balance(db, fund).is_balanced
    assert desk.partner_balances(db, fund, "2000") == {}
    # Everything realized and distributed: each capital account is back to zero, and the cash
    # left is the tax withheld, owed to the tax authority.
    accounts = desk.ok(desk.get(f"/funds/{fund['id']}/capital-accounts"))["items"]
    assert {x["investor_id"]: x["ending_balance"] for x in accounts} == {
        ia: "0.00",
        ib: "0.00",
        igp: "0.00",
    }
    cash = [r for r in desk.trial_balance(db, fund).rows if r.account_code == "1000"]
    assert cash[0].debit == D("54600")
    reconciles(desk, fund)
    emitted = set(db.scalars(select(OutboxEvent.event_type)))
    assert {"distribution.approved", "distribution.issued", "distribution.paid"} <= emitted


def test_the_author_cannot_approve_and_approval_needs_the_permission(desk, make_member):
    fund, *_ = european_fund(desk)
    draft = desk.ok(
        desk.post(f"/funds/{fund['id']}/distributions", distribution_body("100000", EXIT)), 201
    )
    own = desk.post(f"/distributions/{draft['id']}/approve")
    assert own.status_code == 409 and "someone other" in own.json()["detail"]
    analyst = login(desk.client, make_member(desk, "analyst"))
    assert desk.post(f"/distributions/{draft['id']}/approve", headers=analyst).status_code == 403
    assert desk.post(f"/distributions/{draft['id']}/issue").status_code == 409  # not approved
    assert (
        desk.post(f"/distributions/{draft['id']}/pay", {"paid_date": "2024-01-02"}).status_code
        == 409
    )
    desk.ok(desk.post(f"/distributions/{draft['id']}/approve", headers=desk.checker_headers))
    cancelled = desk.ok(desk.post(f"/distributions/{draft['id']}/cancel"))
    assert cancelled["status"] == "cancelled" and cancelled["ledger_entry_id"] is None


def test_lp_amounts_sum_exactly_to_an_odd_distribution(desk):
    # Three equal LPs and a distribution that is not a multiple of three cents: each tier's
    # LP amount is allocated by largest remainder, ties to the earlier commitment.
    fund = desk.fund(initial_close_date=START.isoformat(), carry_rate="0", catch_up_rate="0")
    lps = desk.lps(fund["id"], ["1000", "1000", "1000"])
    paid_call(desk, fund["id"], "3000", START)
    preview = desk.ok(
        desk.post(f"/funds/{fund['id']}/distributions/preview", distribution_body("100.00", EXIT))
    )
    amounts = [by_investor(preview["partners"])[lp["investor_id"]] for lp in lps]
    assert amounts == [D("33.34"), D("33.33"), D("33.33")]
    assert sum(amounts) == D("100.00")


def test_a_distribution_after_it_was_drafted_changes_the_next_ones_allocation(desk):
    # Two drafts on the same history: once the first is issued, the second no longer matches
    # what the waterfall gives and cannot be issued.
    fund, *_ = european_fund(desk)
    first = desk.ok(
        desk.post(f"/funds/{fund['id']}/distributions", distribution_body("1200000", EXIT)), 201
    )
    second = desk.ok(
        desk.post(f"/funds/{fund['id']}/distributions", distribution_body("300000", EXIT)), 201
    )
    for d in (first, second):
        desk.ok(desk.post(f"/distributions/{d['id']}/approve", headers=desk.checker_headers))
    desk.ok(desk.post(f"/distributions/{first['id']}/issue"))
    refused = desk.post(f"/distributions/{second['id']}/issue")
    assert refused.status_code == 409 and "draft it again" in refused.json()["detail"]


def test_a_recallable_distribution_adds_back_to_the_unfunded_commitment(desk):
    fund, a, b, gp, _ = european_fund(desk)
    d = issued_distribution(
        desk, fund["id"], "500000", EXIT, recallable=True, recallable_amount="100000"
    )
    recalled = by_investor(d["partners"], "recallable_amount")
    assert sum(recalled.values()) == D("100000")
    assert recalled[a["investor_id"]] == D("60000")  # all of it return of capital, pro rata
    commitment = desk.ok(desk.get(f"/commitments/{a['id']}"))
    assert commitment["recallable"] == "60000.00" and commitment["unfunded"] == "60000.00"

    # Once a call has drawn on the recallable capital, the distribution can no longer be
    # cancelled: the LPs would be called beyond their commitments.
    paid_call(desk, fund["id"], "100000", date(2024, 2, 1))
    refused = desk.post(f"/distributions/{d['id']}/cancel")
    assert refused.status_code == 409 and "recallable" in refused.json()["detail"]
    assert desk.ok(desk.get(f"/distributions/{d['id']}"))["status"] == "issued"


def test_pay_twice_with_the_same_idempotency_key_pays_once(desk, db):
    fund, *_ = european_fund(desk)
    d = issued_distribution(desk, fund["id"], "100000", EXIT)
    headers = {**desk.headers, "Idempotency-Key": "dist-1-payout"}
    first = desk.post(f"/distributions/{d['id']}/pay", {"paid_date": "2024-01-02"}, headers=headers)
    again = desk.post(f"/distributions/{d['id']}/pay", {"paid_date": "2024-01-02"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert desk.trial_balance(db, fund).is_balanced


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gross_amount": 100.5}, "gross_amount"),
        ({"gross_amount": "-1"}, "gross_amount"),
        ({"gross_amount": "10.001"}, "gross_amount"),
        ({"distribution_date": "2024-13-01"}, "distribution_date"),
        ({"source": "lottery"}, "source"),
        ({"recallable_amount": "5"}, "recallable_amount"),
        ({"company_id": str(uuid.uuid4())}, "company_id"),
        ({"distribution_date": "2022-06-01"}, "distribution_date"),  # before any contribution
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_malformed_distribution_is_refused_naming_the_field_and_nothing_is_saved(
    desk, db, body, field
):
    fund, *_ = european_fund(desk)
    response = desk.post(
        f"/funds/{fund['id']}/distributions", {**distribution_body("1000", EXIT), **body}
    )
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert db.scalar(select(func.count()).select_from(Distribution)) == 0
    assert db.scalar(select(func.count()).select_from(DistributionAllocation)) == 0


def test_a_distribution_notice_shows_the_partners_tiers(desk):
    fund, a, b, _gp, _ = european_fund(desk)
    d = issued_distribution(desk, fund["id"], "1500000", EXIT)
    response = desk.get(f"/distributions/{d['id']}/notices/{b['investor_id']}.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Distribution Notice" in text and "LP B" in text
    assert "USD 546,000.00" in text and "USD -54,600.00" in text and "USD 491,400.00" in text
    stranger = desk.investor("Not a partner")
    missing = desk.get(f"/distributions/{d['id']}/notices/{stranger['id']}.pdf")
    assert missing.status_code == 404


def test_an_american_fund_runs_each_deal_on_its_own_contributions(desk, db):
    # Deal X cost 500,000 (LP 495,000, GP 5,000, pro rata to the capital paid in) and is sold
    # for 600,000 a year later; deal Y is still held. Deal by deal, X returns its own 500,000
    # (not the fund's 1,000,000, which would take all of it), the 8% preferred return on it
    # (40,000), the catch-up brings the carry to 20% of the LPs' profit
    # (0.2 × 0.99 × 40,000 / (0.99 × 0.8) = 10,000) and the last 50,000 is split.
    fund = desk.fund(initial_close_date=START.isoformat(), waterfall_type="american")
    (lp,) = desk.lps(fund["id"], ["990000"])
    desk.commit(fund["id"], desk.investor("GP")["id"], "10000", is_gp=True)
    paid_call(desk, fund["id"], "1000000", START)
    x = company(desk, fund["id"], "X")
    y = company(desk, fund["id"], "Y")
    invest(desk, x["id"], "500000", START)
    invest(desk, y["id"], "500000", START)
    realize(desk, x["id"], "sale", EXIT, cost_amount="500000", proceeds_amount="600000")
    no_deal = desk.post(
        f"/funds/{fund['id']}/distributions/preview", distribution_body("600000", EXIT)
    )
    assert no_deal.status_code == 422 and "company_id" in problem_fields(no_deal)
    preview = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/distributions/preview",
            distribution_body("600000", EXIT, company_id=x["id"]),
        )
    )
    tiers = {t["tier"]: D(t["amount"]) for t in preview["tiers"]}
    assert tiers["return_of_capital"] == D("500000")
    assert tiers["preferred_return"] == D("40000")
    assert tiers["catch_up"] == D("10000")
    assert tiers["carried_interest"] == D("50000")
    assert sum(tiers.values()) == D("600000")
    # The carry is 20% of the LPs' 99% of the deal's 100,000 profit.
    assert sum(D(t["gp_carry"]) for t in preview["tiers"]) == D("19800")


def test_clawback_is_zero_when_the_european_waterfall_paid_the_carry(desk):
    # CONVENTIONS.md "Clawback": entitlement = the European carry on all distributions; the
    # GP received exactly that, so it returns nothing.
    fund, *_ = european_fund(desk)
    issued_distribution(desk, fund["id"], "1500000", EXIT)
    clawback = desk.ok(desk.get(f"/funds/{fund['id']}/clawback"))
    assert clawback["carry_received"] == "99000.00"
    assert clawback["entitlement"] == "99000.00"
    assert clawback["amount"] == "0.00"


def test_another_organizations_distribution_is_not_found(desk, other_desk):
    fund, a, *_ = european_fund(desk)
    d = issued_distribution(desk, fund["id"], "100000", EXIT)
    for path in (
        f"/distributions/{d['id']}",
        f"/distributions/{d['id']}/notices/{a['investor_id']}.pdf",
        f"/funds/{fund['id']}/distributions",
        f"/funds/{fund['id']}/clawback",
    ):
        assert other_desk.get(path).status_code == 404, path
    for path in ("approve", "issue", "cancel"):
        assert (
            other_desk.post(
                f"/distributions/{d['id']}/{path}", headers=other_desk.checker_headers
            ).status_code
            == 404
        )
    body = distribution_body("1", EXIT)
    assert other_desk.post(f"/funds/{fund['id']}/distributions", body).status_code == 404


def test_clawback_returns_the_deal_by_deal_carry_the_whole_fund_did_not_earn(desk):
    # CONVENTIONS.md "Clawback": deal X paid 19,800 of carry (the American test above); deal
    # Y is written off. On the whole fund, 1,000,000 contributed and 600,000 distributed is
    # all return of capital: the European entitlement is 0, so the GP returns
    # min(19,800 − 0, 19,800 × (1 − 0% tax)) = 19,800, all of it to the one LP.
    fund = desk.fund(initial_close_date=START.isoformat(), waterfall_type="american")
    (lp,) = desk.lps(fund["id"], ["990000"])
    desk.commit(fund["id"], desk.investor("GP")["id"], "10000", is_gp=True)
    paid_call(desk, fund["id"], "1000000", START)
    x = company(desk, fund["id"], "X")
    y = company(desk, fund["id"], "Y")
    invest(desk, x["id"], "500000", START)
    invest(desk, y["id"], "500000", START)
    realize(desk, x["id"], "sale", EXIT, cost_amount="500000", proceeds_amount="600000")
    issued_distribution(desk, fund["id"], "600000", EXIT, company_id=x["id"])
    realize(desk, y["id"], "write_off", date(2024, 6, 30))
    clawback = desk.ok(desk.get(f"/funds/{fund['id']}/clawback"))
    assert (clawback["carry_received"], clawback["entitlement"], clawback["amount"]) == (
        "19800.00",
        "0.00",
        "19800.00",
    )
    assert clawback["by_investor"] == {lp["investor_id"]: "19800.00"}


def test_an_issued_unpaid_distribution_is_cancelled_by_reversing_entries(desk, db):
    fund, a, b, gp, _ = european_fund(desk)
    before = {code: desk.partner_balances(db, fund, code) for code in ("3100", "3200", "5200")}
    first = issued_distribution(desk, fund["id"], "600000", EXIT)
    second = issued_distribution(desk, fund["id"], "900000", date(2024, 2, 1))
    assert desk.partner_balances(db, fund, "3200")  # the carry the second one paid

    refused = desk.post(f"/distributions/{first['id']}/cancel")
    assert refused.status_code == 409 and f"#{second['number']}" in refused.json()["detail"]

    cancelled = desk.ok(desk.post(f"/distributions/{second['id']}/cancel"))
    assert cancelled["status"] == "cancelled"
    desk.ok(desk.post(f"/distributions/{first['id']}/cancel"))
    # Every partner balance the two touched is back where it was, carry included.
    for code, balances in before.items():
        now = {k: v for k, v in desk.partner_balances(db, fund, code).items() if v}
        assert now == {k: v for k, v in balances.items() if v}, code
    assert not [v for v in desk.partner_balances(db, fund, "2000").values() if v]
    assert desk.trial_balance(db, fund).is_balanced
    reconciles(desk, fund)
    # The waterfall runs again as if neither had been issued.
    again = issued_distribution(desk, fund["id"], "1500000", EXIT)
    assert by_investor(again["partners"])[a["investor_id"]] == D("840000")


def test_a_paid_distribution_or_one_whose_tax_was_remitted_stays(desk, db):
    fund, a, b, gp, _ = european_fund(desk)
    d = issued_distribution(desk, fund["id"], "600000", EXIT)
    body = {
        "kind": "withholding_tax",
        "distribution_id": d["id"],
        "payee": "Tax authority",
        "paid_date": "2024-01-05",
    }
    desk.ok(desk.post(f"/funds/{fund['id']}/disbursements", body), 201)
    remitted = desk.post(f"/distributions/{d['id']}/cancel")
    assert remitted.status_code == 409 and "remitted" in remitted.json()["detail"]
    paid = issued_distribution(desk, fund["id"], "100000", date(2024, 2, 1))
    desk.ok(desk.post(f"/distributions/{paid['id']}/pay", {"paid_date": "2024-02-02"}))
    assert desk.post(f"/distributions/{paid['id']}/cancel").status_code == 409
    assert desk.trial_balance(db, fund).is_balanced


def test_a_distribution_beyond_the_funds_cash_is_refused_unless_confirmed_with_a_reason(desk, db):
    # On EXIT the fund holds 1,500,000 of cash: 1,000,000 paid in and invested, sold for
    # 1,500,000. A trillion is a typing mistake until someone says otherwise, with a reason.
    fund, *_ = european_fund(desk)
    url = f"/funds/{fund['id']}/distributions"
    huge = distribution_body("1000000000000", EXIT)
    preview = desk.ok(desk.post(f"{url}/preview", huge))
    assert preview["available_cash"] == "1500000.00"
    refused = desk.post(url, huge)
    assert refused.status_code == 422 and problem_fields(refused) == {"gross_amount"}
    assert "1500000.00 USD available" in refused.json()["detail"]
    no_reason = desk.post(url, {**huge, "exceeds_cash_confirmed": True})
    assert no_reason.status_code == 422 and problem_fields(no_reason) == {"exceeds_cash_reason"}
    assert db.scalar(select(func.count()).select_from(Distribution)) == 0
    # Within the cash, no confirmation is needed; beyond it, the override goes to the audit trail.
    assert desk.post(url, distribution_body("1500000", EXIT)).status_code == 201
    reason = "Proceeds of the second tranche arrive on the payment date"
    body = {
        **distribution_body("1600000", EXIT),
        "exceeds_cash_confirmed": True,
        "exceeds_cash_reason": reason,
    }
    confirmed = desk.ok(desk.post(url, body), 201)
    record = db.scalar(
        select(AuditRecord).where(
            AuditRecord.action == "distribution.cash_exceeded",
            AuditRecord.entity_id == confirmed["id"],
        )
    )
    assert record is not None and record.actor_user_id == desk.maker.id
    assert record.after is not None
    assert (record.after["reason"], record.after["available_cash"]) == (reason, "1500000.00")


def test_a_distributions_rows_list_in_commitment_order_tier_by_tier(desk):
    # Eight LPs committed in order; the stored rows come back in that order in each tier (as
    # the preview listed them), not in the random order of their ids (1 chance in 40,320).
    fund = desk.fund(initial_close_date=START.isoformat())
    lps = desk.lps(fund["id"], ["100000"] * 8)
    paid_call(desk, fund["id"], "800000", START)
    body = distribution_body("400000", EXIT)
    preview = desk.ok(desk.post(f"/funds/{fund['id']}/distributions/preview", body))
    drafted = desk.ok(desk.post(f"/funds/{fund['id']}/distributions", body), 201)
    shown = desk.ok(desk.get(f"/distributions/{drafted['id']}"))
    key = lambda r: (r["tier"], r["investor_id"], r["is_gp"], r["amount"])  # noqa: E731
    assert [key(r) for r in shown["allocations"]] == [key(r) for r in preview["allocations"]]
    in_order = [lp["investor_id"] for lp in lps]
    assert [r["investor_id"] for r in shown["allocations"]] == in_order
    assert [p["investor_id"] for p in shown["partners"]] == in_order
