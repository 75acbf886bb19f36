"""Portfolio companies: investments at cost, valuations, realizations, and the fund's NAV.

Gains and losses are allocated to the partners pro rata to their capital (before carried
interest) by the allocation rule of shared/CONVENTIONS.md "Allocation of a total across
parties"; the NAV is the ledger's net assets.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fundhouse.funds.models import Investment, Valuation
from tests.funds.accounting_helpers import (
    company,
    invest,
    paid_call,
    realize,
    reconciles,
    value,
)
from tests.funds.helpers import D, problem_fields

START = date(2023, 1, 1)


def invested_fund(desk):
    """LP A 600,000 and LP B 400,000 called in full on 1 January 2023; 800,000 invested in
    Acme on 10 January."""
    fund = desk.fund(initial_close_date=START.isoformat())
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    paid_call(desk, fund["id"], "1000000", START)
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "800000", date(2023, 1, 10))
    return fund, a["investor_id"], b["investor_id"], acme


def nav(desk, fund, on: str) -> dict:
    return desk.ok(desk.get(f"/funds/{fund['id']}/nav", params={"as_of": on}))


def test_an_investment_moves_cash_to_investments_at_cost(desk, db):
    fund, *_, acme = invested_fund(desk)
    rows = {r.account_code: r for r in desk.trial_balance(db, fund).rows}
    assert rows["1200"].debit == D("800000") and rows["1000"].debit == D("200000")
    assert nav(desk, fund, "2023-01-10")["nav"] == "1000000.00"
    assert nav(desk, fund, "2022-12-31")["nav"] == "0.00"


def test_valuations_post_the_change_in_unrealized_allocated_pro_rata_to_capital(desk, db):
    fund, ia, ib, acme = invested_fund(desk)
    up = value(desk, acme["id"], "1000000", date(2023, 3, 31))
    assert (up["cost"], up["unrealized"], up["change"]) == ("800000.00", "200000.00", "200000.00")
    assert desk.partner_balances(db, fund, "4100") == {ia: D("-120000"), ib: D("-80000")}
    down = value(desk, acme["id"], "900000", date(2023, 6, 30))
    assert down["change"] == "-100000.00"
    assert desk.partner_balances(db, fund, "4100") == {ia: D("-60000"), ib: D("-40000")}
    rows = {r.account_code: r for r in desk.trial_balance(db, fund).rows}
    assert rows["1210"].debit == D("100000")
    assert nav(desk, fund, "2023-06-30")["nav"] == "1100000.00"
    assert nav(desk, fund, "2023-04-01")["nav"] == "1200000.00"
    reconciles(desk, fund)


def test_a_sale_realizes_the_gain_and_releases_the_unrealized_on_the_cost_sold(desk, db):
    # Half the cost (400,000) sold for 600,000 when the unrealized appreciation is 100,000:
    # a realized gain of 200,000 and 50,000 of unrealized released (Dr 4100 / Cr 1210).
    fund, ia, ib, acme = invested_fund(desk)
    value(desk, acme["id"], "900000", date(2023, 6, 30))
    sale = realize(
        desk, acme["id"], "sale", date(2023, 9, 30), cost_amount="400000", proceeds_amount="600000"
    )
    assert (sale["realized_gain"], sale["unrealized_released"]) == ("200000.00", "50000.00")
    assert desk.partner_balances(db, fund, "4000") == {ia: D("-120000"), ib: D("-80000")}
    assert desk.partner_balances(db, fund, "4100") == {ia: D("-30000"), ib: D("-20000")}
    listed = desk.ok(desk.get(f"/funds/{fund['id']}/portfolio-companies"))["items"]
    assert [
        (c["cost"], c["unrealized"], c["fair_value"], c["proceeds"], c["realized_gain"])
        for c in listed
    ] == [("400000.00", "50000.00", "450000.00", "600000.00", "200000.00")]
    assert nav(desk, fund, "2023-09-30")["nav"] == "1250000.00"
    assert desk.trial_balance(db, fund).is_balanced
    reconciles(desk, fund)


def test_income_and_a_write_off_close_the_position(desk, db):
    fund, ia, ib, acme = invested_fund(desk)
    income = realize(desk, acme["id"], "income", date(2023, 10, 15), proceeds_amount="10000")
    assert income["realized_gain"] == "10000.00"
    assert desk.partner_balances(db, fund, "4200") == {ia: D("-6000"), ib: D("-4000")}
    written = realize(desk, acme["id"], "write_off", date(2023, 12, 31))
    assert written["cost_amount"] == "800000.00" and written["realized_gain"] == "-800000.00"
    (listed,) = desk.ok(desk.get(f"/funds/{fund['id']}/portfolio-companies"))["items"]
    assert listed["status"] == "written_off" and listed["fair_value"] == "0.00"
    assert nav(desk, fund, "2023-12-31")["nav"] == "210000.00"
    refused = desk.post(
        f"/portfolio-companies/{acme['id']}/investments",
        {"transaction_date": "2024-01-02", "cost_amount": "1"},
    )
    assert refused.status_code == 409
    reconciles(desk, fund)


@pytest.mark.parametrize(
    ("path", "body", "field", "status"),
    [
        ("valuations", {"as_of": "2023-01-05", "fair_value": "1"}, "as_of", 422),
        ("valuations", {"as_of": "2023-03-31", "fair_value": "-1"}, "fair_value", 422),
        ("valuations", {"as_of": "2023-03-31", "fair_value": 5.5}, "fair_value", 422),
        ("valuations", {"as_of": "2999-03-31", "fair_value": "1"}, "as_of", 422),
        ("investments", {"transaction_date": "2023-03-31", "cost_amount": "0"}, "cost_amount", 422),
        (
            "realizations",
            {"kind": "sale", "transaction_date": "2023-03-31", "cost_amount": "900000"},
            "cost_amount",
            422,
        ),
        (
            "realizations",
            {
                "kind": "income",
                "transaction_date": "2023-03-31",
                "cost_amount": "5",
                "proceeds_amount": "5",
            },
            "cost_amount",
            422,
        ),
        ("realizations", {"kind": "gift", "transaction_date": "2023-03-31"}, "kind", 422),
    ],
)
def test_a_bad_transaction_is_refused_naming_the_field_and_nothing_is_saved(
    desk, db, path, body, field, status
):
    fund, _, _, acme = invested_fund(desk)
    before = (
        db.scalar(select(func.count()).select_from(Investment)),
        db.scalar(select(func.count()).select_from(Valuation)),
    )
    response = desk.post(f"/portfolio-companies/{acme['id']}/{path}", body)
    assert response.status_code == status, response.text
    assert field in problem_fields(response)
    after = (
        db.scalar(select(func.count()).select_from(Investment)),
        db.scalar(select(func.count()).select_from(Valuation)),
    )
    assert after == before


def test_a_company_is_valued_once_a_day(desk):
    fund, _, _, acme = invested_fund(desk)
    value(desk, acme["id"], "900000", date(2023, 3, 31))
    again = desk.post(
        f"/portfolio-companies/{acme['id']}/valuations", {"as_of": "2023-03-31", "fair_value": "1"}
    )
    assert again.status_code == 409 and "as_of" in problem_fields(again)


def test_another_organizations_portfolio_is_not_found(desk, other_desk):
    fund, _, _, acme = invested_fund(desk)
    tomorrow = (START + timedelta(days=30)).isoformat()
    for path, body in (
        ("investments", {"transaction_date": tomorrow, "cost_amount": "1"}),
        ("valuations", {"as_of": tomorrow, "fair_value": "1"}),
        ("realizations", {"kind": "income", "transaction_date": tomorrow, "proceeds_amount": "1"}),
    ):
        assert other_desk.post(f"/portfolio-companies/{acme['id']}/{path}", body).status_code == 404
    assert other_desk.get(f"/funds/{fund['id']}/portfolio-companies").status_code == 404
    assert other_desk.get(f"/funds/{fund['id']}/nav").status_code == 404
    assert (
        other_desk.post(f"/funds/{fund['id']}/portfolio-companies", {"name": "X"}).status_code
        == 404
    )
