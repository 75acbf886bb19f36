"""Capital accounts: derived from the ledger, reconciled to it exactly, read in a fixed number
of queries, and seen by an LP only for itself.

Capital account layout: ILPA Reporting Template (2016), capital account statement. Carry
accrual by hypothetical liquidation follows shared/CONVENTIONS.md "Distribution waterfall"
(the waterfall run on a hypothetical distribution of the net assets).
"""

from __future__ import annotations

from datetime import date

from tests.factories import login
from tests.funds.accounting_helpers import (
    company,
    counting_queries,
    invest,
    issued_distribution,
    paid_call,
    realize,
    reconciles,
    value,
)
from tests.funds.helpers import D, problem_fields

START = date(2023, 1, 1)
LINES = (
    "contributions",
    "distributions",
    "management_fees",
    "fee_offsets",
    "expenses",
    "realized_gains",
    "unrealized_gains",
    "income",
    "equalization_interest",
    "carried_interest",
)


def partners(desk, fund_id):
    a = desk.commit(fund_id, desk.investor("LP A")["id"], "600000")
    b = desk.commit(fund_id, desk.investor("LP B", withholding_rate="0.10")["id"], "390000")
    gp = desk.commit(fund_id, desk.investor("GP")["id"], "10000", is_gp=True)
    return a["investor_id"], b["investor_id"], gp["investor_id"]


def accounts(desk, fund, **params) -> dict[str, dict]:
    page = desk.ok(desk.get(f"/funds/{fund['id']}/capital-accounts", params=params))
    return {x["investor_id"]: x for x in page["items"]}


def assert_statement_adds_up(statement: dict) -> None:
    total = D(statement["beginning_balance"]) + sum(D(statement[line]) for line in LINES)
    assert total == D(statement["ending_balance"]), statement


def test_capital_accounts_reconcile_exactly_to_the_ledger_through_a_fund_s_life(desk, db):
    fund = desk.fund(initial_close_date=START.isoformat())
    ia, ib, igp = partners(desk, fund["id"])

    def step() -> dict:
        assert desk.trial_balance(db, fund).is_balanced
        return reconciles(desk, fund)

    paid_call(desk, fund["id"], "500000", START)
    step()
    desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}), 201)
    step()
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "400000", date(2023, 1, 10))
    step()
    expense = {"expense_date": "2023-02-15", "amount": "1000.00", "category": "legal"}
    desk.ok(desk.post(f"/funds/{fund['id']}/expenses", expense), 201)
    step()
    value(desk, acme["id"], "700000", date(2023, 3, 31))
    step()
    second = desk.issued_call(fund["id"], "300000", call_date="2023-04-01", due_date="2023-04-30")
    desk.ok(desk.pay(second["id"], ia, "180000", received_date=date(2023, 4, 20)), 201)
    step()  # B and the GP still owe their share: contributions receivable
    realize(
        desk, acme["id"], "sale", date(2023, 12, 31), cost_amount="400000", proceeds_amount="900000"
    )
    step()
    d = issued_distribution(desk, fund["id"], "600000", date(2024, 1, 1))
    desk.ok(desk.post(f"/distributions/{d['id']}/pay", {"paid_date": "2024-01-02"}))
    step()
    accrual = desk.ok(desk.post(f"/funds/{fund['id']}/carry-accruals", {"as_of": "2024-03-31"}))
    check = step()

    # Whole life: each statement adds up, contributions are what was called, and the partners'
    # capital accounts add up to the partners' equity and the net assets.
    life = accounts(desk, fund, end="2024-03-31")
    for statement in life.values():
        assert statement["beginning_balance"] == "0.00"
        assert_statement_adds_up(statement)
    assert life[ia]["contributions"] == "480000.00"  # 300,000 + 180,000
    assert life[ib]["contributions"] == "312000.00"  # 195,000 + 117,000 (called, unpaid)
    assert life[ia]["management_fees"] == "-3000.00"
    assert life[igp]["management_fees"] == "0.00"
    assert sum(D(s["ending_balance"]) for s in life.values()) == D(check["partners_capital"])
    assert D(check["partners_capital"]) == D(check["net_assets"]) == D(check["partners_equity"])
    carried = sum(D(s["carried_interest"]) for s in life.values())
    assert carried == 0  # what the LPs give up, the GP receives
    assert D(life[igp]["carried_interest"]) == D(accrual["accrued_after"]) + sum(
        D(p["carried_interest"]) for p in d["partners"]
    )

    # A period: the opening balance is the day before it starts; lines are its activity.
    q1 = accounts(desk, fund, start="2024-01-01", end="2024-03-31")
    for investor_id, statement in q1.items():
        assert_statement_adds_up(statement)
        assert statement["ending_balance"] == life[investor_id]["ending_balance"]
        assert statement["contributions"] == "0.00"
    before = accounts(desk, fund, end="2023-12-31")
    assert {k: v["ending_balance"] for k, v in before.items()} == {
        k: v["beginning_balance"] for k, v in q1.items()
    }
    one = desk.ok(
        desk.get(f"/funds/{fund['id']}/capital-accounts/{ia}", params={"end": "2024-03-31"})
    )
    assert one == life[ia]


def test_carry_accrues_by_hypothetical_liquidation_and_is_trued_up_each_quarter(desk, db):
    # 1,000,000 contributed on 1 January 2023 and invested; valued at 1,500,000 a year later.
    # Liquidating the NAV then is the distribution of the waterfall test: carry 99,000, borne
    # by A 60,000 and B 39,000. When the value falls back to cost, no carry is left to accrue.
    fund = desk.fund(initial_close_date=START.isoformat())
    ia, ib, igp = partners(desk, fund["id"])
    paid_call(desk, fund["id"], "1000000", START)
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "1000000", START)
    value(desk, acme["id"], "1500000", date(2024, 1, 1))
    url = f"/funds/{fund['id']}/carry-accruals"
    preview = desk.ok(desk.post(url, {"as_of": "2024-01-01", "preview": True}))
    assert preview["change"] == "99000.00" and preview["ledger_entry_id"] is None
    assert desk.partner_balances(db, fund, "5200") == {}

    first = desk.ok(desk.post(url, {"as_of": "2024-01-01"}))
    assert first["liquidation_amount"] == "1500000.00" and first["accrued_after"] == "99000.00"
    assert desk.partner_balances(db, fund, "5200") == {ia: D("60000"), ib: D("39000")}
    assert desk.partner_balances(db, fund, "3200") == {igp: D("-99000")}
    reconciles(desk, fund)

    value(desk, acme["id"], "1000000", date(2024, 3, 31))
    second = desk.ok(desk.post(url, {"as_of": "2024-03-31"}))
    assert (second["accrued_before"], second["change"], second["accrued_after"]) == (
        "99000.00",
        "-99000.00",
        "0.00",
    )
    assert desk.partner_balances(db, fund, "5200") == {}
    backdated = desk.post(url, {"as_of": "2024-02-01"})
    assert backdated.status_code == 422 and "as_of" in problem_fields(backdated)
    reconciles(desk, fund)


def test_carry_a_distribution_pays_is_released_from_the_accrual_not_held_twice(desk, db):
    # The accrual of the test above (99,000: A 60,000, B 39,000), then the NAV is distributed
    # on the same day: the waterfall pays exactly that carry. The declaration earns it (5200 per
    # LP, 3200 GP) and the accrued part is released, so the GP's capital (3200 + 3100) is zero
    # once the carry is paid out, instead of holding it a second time as accrued.
    fund = desk.fund(initial_close_date=START.isoformat())
    ia, ib, igp = partners(desk, fund["id"])
    paid_call(desk, fund["id"], "1000000", START)
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "1000000", START)
    value(desk, acme["id"], "1500000", date(2024, 1, 1))
    url = f"/funds/{fund['id']}/carry-accruals"
    desk.ok(desk.post(url, {"as_of": "2024-01-01"}))

    # The company is still held: the fund has no cash to pay it, so it is confirmed as such.
    issued_distribution(
        desk,
        fund["id"],
        "1500000",
        date(2024, 1, 1),
        exceeds_cash_confirmed=True,
        exceeds_cash_reason="Paid from the sale closing after the distribution date",
    )

    assert desk.partner_balances(db, fund, "5200") == {ia: D("60000"), ib: D("39000")}
    assert desk.partner_balances(db, fund, "3200") == {igp: D("-99000")}
    gp_distributed = desk.partner_balances(db, fund, "3100").get(igp, D("0"))
    assert gp_distributed >= D("99000")
    later = desk.ok(desk.post(url, {"as_of": "2024-03-31", "preview": True}))
    assert later["accrued_before"] == "0.00"
    reconciles(desk, fund)


def _fund_with_lps(desk, count: int) -> dict:
    fund = desk.fund(initial_close_date=START.isoformat())
    desk.lps(fund["id"], ["1000"] * count)
    paid_call(desk, fund["id"], str(100 * count), START)
    return fund


def test_capital_accounts_take_the_same_number_of_queries_for_any_number_of_lps(desk, engine):
    counts = []
    for size in (2, 8):
        fund = _fund_with_lps(desk, size)
        with counting_queries(engine) as statements:
            page = desk.ok(
                desk.get(f"/funds/{fund['id']}/capital-accounts", params={"start": "2023-01-01"})
            )
        assert len(page["items"]) == size
        counts.append(len(statements))
        with counting_queries(engine) as statements:
            desk.ok(desk.get(f"/funds/{fund['id']}/reconciliation"))
        counts.append(len(statements))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_an_lp_sees_only_its_own_capital_account_distributions_and_performance(
    desk, db, make_member
):
    fund = desk.fund(initial_close_date=START.isoformat(), carry_rate="0", catch_up_rate="0")
    ia, ib, _ = partners(desk, fund["id"])
    paid_call(desk, fund["id"], "100000", START)
    d = issued_distribution(desk, fund["id"], "10000", date(2024, 1, 1))
    user = make_member(desk, "limited_partner")
    desk.ok(desk.post(f"/investors/{ia}/users", {"user_id": str(user.id)}), 201)
    lp = login(desk.client, user)

    mine = desk.ok(desk.get("/portal/capital-account", headers=lp))
    assert [(x["investor_id"], x["fund_id"]) for x in mine] == [(ia, fund["id"])]
    assert mine[0]["contributions"] == "60000.00" and mine[0]["distributions"] == "-6000.00"
    shares = desk.ok(desk.get("/portal/distributions", headers=lp))
    assert [(s["investor_id"], s["amount"]) for s in shares] == [(ia, "6000.00")]
    notice = desk.client.get(shares[0]["notice_url"], headers=lp)
    assert notice.status_code == 200
    other = desk.get(f"/portal/distributions/{d['id']}/notices/{ib}.pdf", headers=lp)
    assert other.status_code == 404
    performance = desk.ok(desk.get("/portal/performance", headers=lp))
    assert [p["investor_id"] for p in performance] == [ia]

    for path in (
        f"/funds/{fund['id']}/capital-accounts",
        f"/funds/{fund['id']}/capital-accounts/{ia}",
        f"/funds/{fund['id']}/reconciliation",
        f"/distributions/{d['id']}",
        f"/funds/{fund['id']}/performance",
    ):
        assert desk.get(path, headers=lp).status_code == 403, path
    staff = desk.get("/portal/capital-account")
    assert staff.status_code == 403


def test_a_period_that_ends_before_it_starts_is_refused(desk):
    fund = _fund_with_lps(desk, 1)
    response = desk.get(
        f"/funds/{fund['id']}/capital-accounts", params={"start": "2024-02-01", "end": "2024-01-01"}
    )
    assert response.status_code == 422 and "start" in problem_fields(response)
    bad = desk.get(f"/funds/{fund['id']}/capital-accounts", params={"end": "someday"})
    assert bad.status_code == 422 and "end" in problem_fields(bad)


def test_capital_accounts_export_as_csv(desk):
    fund = _fund_with_lps(desk, 3)
    response = desk.get(f"/funds/{fund['id']}/capital-accounts", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = response.text.strip().splitlines()
    assert rows[0].startswith("investor_id,investor_name,is_gp,currency,start,end,beginning")
    assert len(rows) == 4 and all(",100.00" in row for row in rows[1:])


def test_another_organizations_capital_accounts_are_not_found(desk, other_desk):
    fund = _fund_with_lps(desk, 1)
    investor_id = desk.ok(desk.get(f"/funds/{fund['id']}/capital-accounts"))["items"][0][
        "investor_id"
    ]
    for path in (
        f"/funds/{fund['id']}/capital-accounts",
        f"/funds/{fund['id']}/capital-accounts/{investor_id}",
        f"/funds/{fund['id']}/reconciliation",
    ):
        assert other_desk.get(path).status_code == 404, path
    assert (
        other_desk.post(f"/funds/{fund['id']}/carry-accruals", {"as_of": "2024-01-01"}).status_code
        == 404
    )
    stranger = desk.investor("Not in this fund")
    assert desk.get(f"/funds/{fund['id']}/capital-accounts/{stranger['id']}").status_code == 404
