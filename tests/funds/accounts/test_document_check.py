"""The capital accounts computed a second way, from the source documents alone, agree with the
ledger to the cent; a posting that bypasses the documents is reported with its partner, line and
amount; corrections (reversed payments, cancelled documents) still agree; the check takes a
constant number of queries; and the demo funds agree.

Capital account lines: ILPA Reporting Template (2016), capital account statement. Allocation of
gains and carry: shared/CONVENTIONS.md ("Allocation of a total across parties", "Distribution
waterfall").
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlalchemy import select

from fundhouse.demo import NORTHWIND_PEOPLE, load_demo, members_by_role
from fundhouse.funds.accounts import document_check
from fundhouse.funds.demo.service import DEMO_END, demo_actor
from fundhouse.funds.models import Fund
from fundhouse.identity.models import Organization
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
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
from tests.funds.helpers import D

START = date(2023, 1, 1)
FAR = date(2099, 1, 1)


def partners(desk, fund_id):
    a = desk.commit(fund_id, desk.investor("LP A")["id"], "600000")
    b = desk.commit(fund_id, desk.investor("LP B", withholding_rate="0.10")["id"], "390000")
    gp = desk.commit(fund_id, desk.investor("GP")["id"], "10000", is_gp=True)
    return a["investor_id"], b["investor_id"], gp["investor_id"]


def agrees(desk, fund, as_of: date = FAR) -> dict:
    """The reconciliation at ``as_of``, asserted to agree with the documents."""
    check = reconciles(desk, fund, as_of)
    assert check["documents_agree"] is True, json.dumps(check["document_differences"], indent=1)
    assert check["document_differences"] == []
    return check


def _fund_through_its_life(desk) -> tuple[dict, tuple[str, str, str]]:
    """Calls paid (one in part), fees, an expense, an investment valued, income and a sale, a
    distribution through the waterfall paying carry, and a carry accrual."""
    fund = desk.fund(initial_close_date=START.isoformat())
    ids = partners(desk, fund["id"])
    paid_call(desk, fund["id"], "500000", START)
    desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}), 201)
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "400000", date(2023, 1, 10))
    expense = {"expense_date": "2023-02-15", "amount": "1000.00", "category": "legal"}
    desk.ok(desk.post(f"/funds/{fund['id']}/expenses", expense), 201)
    value(desk, acme["id"], "700000.01", date(2023, 3, 31))
    second = desk.issued_call(fund["id"], "300000", call_date="2023-04-01", due_date="2023-04-30")
    desk.ok(desk.pay(second["id"], ids[0], "180000", received_date=date(2023, 4, 20)), 201)
    desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-04-01"}), 201)
    realize(desk, acme["id"], "income", date(2023, 6, 30), proceeds_amount="3333.33")
    value(desk, acme["id"], "650000", date(2023, 9, 30))
    realize(
        desk, acme["id"], "sale", date(2023, 12, 31), cost_amount="300000", proceeds_amount="810000"
    )
    d = issued_distribution(desk, fund["id"], "900000", date(2024, 1, 1))
    desk.ok(desk.post(f"/distributions/{d['id']}/pay", {"paid_date": "2024-01-02"}))
    desk.ok(desk.post(f"/funds/{fund['id']}/carry-accruals", {"as_of": "2024-03-31"}))
    return fund, ids


def test_the_documents_give_every_partner_s_capital_account_lines_to_the_cent(desk, db):
    fund, (ia, _ib, igp) = _fund_through_its_life(desk)
    check = agrees(desk, fund)
    # Every line is there: the comparison is not of empty sets.
    lines = document_check.documented_lines(db, db.get(Fund, uuid.UUID(fund["id"])), FAR)
    assert {line for (_, line), amount in lines.items() if amount} == {
        "contributions",
        "distributions",
        "management_fees",
        "expenses",
        "realized_gains",
        "unrealized_gains",
        "income",
        "carried_interest",
    }
    assert lines[(uuid.UUID(ia), "contributions")] == D("480000")  # 300,000 + 180,000 called
    assert lines[(uuid.UUID(igp), "carried_interest")] > 0
    assert sum(lines.values()) == D(check["partners_capital"])
    # Also at dates in the middle of the fund's life.
    for as_of in (date(2023, 1, 9), date(2023, 3, 31), date(2023, 12, 31), date(2024, 1, 1)):
        agrees(desk, fund, as_of)


def test_a_posting_that_bypasses_the_documents_is_reported_with_its_partner_line_and_amount(
    desk, db
):
    fund, (ia, _ib, _igp) = _fund_through_its_life(desk)
    before = agrees(desk, fund)
    ledger.post_entry(
        db,
        desk.accountant(),
        uuid.UUID(fund["book_id"]),
        entry_date=date(2024, 2, 1),
        memo="Manual adjustment",
        lines=[
            ledger.Line.debit(
                FundAccount.FUND_EXPENSES, D("250.00"), "USD", party_id=uuid.UUID(ia)
            ),
            ledger.Line.credit(FundAccount.CASH, D("250.00"), "USD"),
        ],
        source_type="manual",
        source_id=None,
    )
    db.flush()

    check = desk.ok(desk.get(f"/funds/{fund['id']}/reconciliation"))
    # The trial balance still balances and the capital accounts still add up to it: only the
    # documents tell that the entry has no source.
    assert check["reconciles"] is True
    assert check["documents_agree"] is False
    (difference,) = check["document_differences"]
    ledger_expenses = next(
        D(x["from_ledger"]) for x in check["document_differences"] if x["line"] == "expenses"
    )
    assert difference == {
        "investor_id": ia,
        "investor_name": "LP A",
        "line": "expenses",
        "from_documents": str(ledger_expenses + D("250.00")),
        "from_ledger": str(ledger_expenses),
        "difference": "-250.00",
    }
    # Before its date the books still agree.
    assert desk.ok(desk.get(f"/funds/{fund['id']}/reconciliation?as_of=2024-01-31"))[
        "documents_agree"
    ]
    assert before["partners_capital"] != check["partners_capital"]


def test_a_posting_for_a_stranger_or_a_changed_document_is_reported(desk, db):
    fund = desk.fund(initial_close_date=START.isoformat())
    ia, _ib, _igp = partners(desk, fund["id"])
    paid_call(desk, fund["id"], "100000", START)
    stranger = uuid.uuid4()
    ledger.post_entry(
        db,
        desk.accountant(),
        uuid.UUID(fund["book_id"]),
        entry_date=START,
        memo="Contribution with no call",
        lines=[
            ledger.Line.debit(FundAccount.CASH, D("10.00"), "USD"),
            ledger.Line.credit(
                FundAccount.CAPITAL_CONTRIBUTIONS, D("10.00"), "USD", party_id=stranger
            ),
        ],
        source_type="manual",
        source_id=None,
    )
    db.flush()
    check = desk.ok(desk.get(f"/funds/{fund['id']}/reconciliation"))
    assert [
        (x["investor_id"], x["investor_name"], x["line"], x["difference"])
        for x in check["document_differences"]
    ] == [(str(stranger), None, "contributions", "10.00")]
    assert check["unknown_partners"] == [str(stranger)]


def test_reversed_payments_and_cancelled_documents_still_agree(desk, db):
    fund = desk.fund(initial_close_date=START.isoformat())
    ia, ib, _igp = partners(desk, fund["id"])
    paid_call(desk, fund["id"], "500000", START)
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "400000", date(2023, 1, 10))
    value(desk, acme["id"], "600000", date(2023, 6, 30))

    # A payment recorded by mistake, reversed.
    call = desk.issued_call(fund["id"], "100000", call_date="2023-07-01", due_date="2023-07-31")
    payment = desk.ok(desk.pay(call["id"], ia, "60000", received_date=date(2023, 7, 5)), 201)
    desk.ok(desk.post(f"/payments/{payment['id']}/reverse"))
    agrees(desk, fund)

    # An issued call with nothing paid, cancelled.
    spare = desk.issued_call(fund["id"], "50000", call_date="2023-08-01", due_date="2023-08-31")
    desk.ok(desk.post(f"/capital-calls/{spare['id']}/cancel"))

    # A fee run and an expense, cancelled.
    run = desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2023-01-01"}), 201)
    desk.ok(desk.post(f"/fee-runs/{run['id']}/cancel"))
    expense = {"expense_date": "2023-02-15", "amount": "1000.00", "category": "legal"}
    posted = desk.ok(desk.post(f"/funds/{fund['id']}/expenses", expense), 201)
    desk.ok(desk.post(f"/expenses/{posted['id']}/cancel"))
    agrees(desk, fund)

    # A distribution through the waterfall (paying carry), issued then cancelled; a valuation
    # recorded after it is split by the capital the cancellation restored.
    realize(
        desk, acme["id"], "sale", date(2023, 12, 30), cost_amount="200000", proceeds_amount="700000"
    )
    d = issued_distribution(desk, fund["id"], "650000", date(2023, 12, 31))
    assert any(D(p["carried_interest"]) for p in d["partners"])
    agrees(desk, fund)
    desk.ok(desk.post(f"/distributions/{d['id']}/cancel"))
    value(desk, acme["id"], "650000", date(2024, 3, 31))
    check = agrees(desk, fund)
    assert D(check["partners_capital"]) == D(check["net_assets"])


def test_a_transfer_of_interest_and_a_late_closer_s_equalization_agree(desk, db):
    fund = desk.fund(initial_close_date="2024-01-15")
    a, b = desk.lps(fund["id"], ["600000", "400000"])
    desk.ok(desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2024-01-15"}), 201)
    paid_call(desk, fund["id"], "100000", date(2024, 2, 1))
    acme = company(desk, fund["id"])
    invest(desk, acme["id"], "90000", date(2024, 2, 2))
    value(desk, acme["id"], "120000.03", date(2024, 3, 31))
    second = desk.ok(desk.post(f"/funds/{fund['id']}/closes", {"close_date": "2024-05-15"}), 201)
    desk.commit(fund["id"], desk.investor("Late LP")["id"], "500000")
    call = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/closes/{second['id']}/equalization",
            {"call_date": "2024-05-16", "due_date": "2024-06-14"},
        ),
        201,
    )
    desk.approve(call["id"])
    desk.issue(call["id"])
    for share in desk.ok(desk.get(f"/capital-calls/{call['id']}"))["allocations"]:
        owed = D(share["amount"]) + D(share["equalization_interest"])
        desk.ok(
            desk.pay(call["id"], share["investor_id"], str(owed), received_date=date(2024, 5, 20)),
            201,
        )
    agrees(desk, fund)

    buyer = desk.investor("Secondary Buyer")
    desk.ok(
        desk.post(
            f"/funds/{fund['id']}/transfers",
            {
                "from_commitment_id": a["id"],
                "to_investor_id": buyer["id"],
                "amount": "200000",
                "transfer_date": "2024-06-01",
            },
        ),
        201,
    )
    value(desk, acme["id"], "130000", date(2024, 6, 30))
    check = agrees(desk, fund)
    assert D(check["partners_capital"]) == D(check["net_assets"])


def test_the_check_takes_the_same_number_of_queries_for_any_number_of_lps(desk, engine):
    counts = []
    for size in (2, 8):
        fund = desk.fund(initial_close_date=START.isoformat())
        desk.lps(fund["id"], ["1000"] * size)
        paid_call(desk, fund["id"], str(100 * size), START)
        paid_call(desk, fund["id"], str(100 * size), date(2023, 2, 1))
        acme = company(desk, fund["id"])
        invest(desk, acme["id"], str(150 * size), START)
        value(desk, acme["id"], str(300 * size), date(2023, 3, 31))
        expense = {"expense_date": "2023-02-15", "amount": "10.00", "category": "legal"}
        desk.ok(desk.post(f"/funds/{fund['id']}/expenses", expense), 201)
        issued_distribution(desk, fund["id"], str(50 * size), date(2023, 4, 1))
        with counting_queries(engine) as statements:
            check = desk.ok(desk.get(f"/funds/{fund['id']}/reconciliation"))
        assert check["documents_agree"], check
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_demo_funds_agree_with_their_documents(db):
    load_demo(db)
    db.commit()
    org = db.scalars(select(Organization).where(Organization.slug == "northwind")).one()
    users = members_by_role(db, NORTHWIND_PEOPLE)
    accountant = demo_actor(org, users["accountant"], "accountant")
    funds = db.scalars(select(Fund).where(Fund.org_id == org.id).order_by(Fund.name)).all()
    assert len(funds) >= 2
    for fund in funds:
        for as_of in (date(2021, 12, 31), DEMO_END):
            check = document_check.reconcile(db, accountant, fund.id, as_of)
            assert check.reconciles, (fund.name, as_of)
            assert check.documents_agree, (fund.name, as_of, check.document_differences[:5])
