"""The demo's fund administration data: two funds with years of history, built through the
services, whose books balance and reconcile, and which load only once.

Loading the demo takes most of a minute, so one test loads it and checks everything, then loads
it again and checks that nothing changed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from fundhouse.demo import NORTHWIND_PEOPLE, load_demo, members_by_role
from fundhouse.funds.accounts import capital_accounts, performance
from fundhouse.funds.calls import service as calls
from fundhouse.funds.demo.service import BENCHMARK_NAME, DEMO_END, GROWTH_FUND, demo_actor
from fundhouse.funds.fees import disbursements
from fundhouse.funds.models import (
    CALLED_STATUSES,
    BenchmarkIndex,
    CallPurpose,
    CapitalCall,
    Commitment,
    Disbursement,
    Distribution,
    DistributionStatus,
    FeeRun,
    Fund,
    FundExpense,
    IndexLevel,
    Investment,
    InvestmentKind,
    Investor,
    InvestorUser,
    Payment,
    PortfolioCompany,
    Valuation,
    WaterfallType,
)
from fundhouse.identity.models import Organization
from fundhouse.ledger import service as ledger
from fundhouse.ledger.models import JournalEntry, Posting
from fundhouse.platform.audit import AuditRecord

COUNTED = (
    Fund,
    Investor,
    Commitment,
    CapitalCall,
    Payment,
    Distribution,
    FeeRun,
    FundExpense,
    PortfolioCompany,
    Investment,
    Valuation,
    BenchmarkIndex,
    IndexLevel,
    InvestorUser,
    JournalEntry,
    Posting,
    AuditRecord,
)


def _counts(db):
    return {model.__name__: db.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def _count(db, model, *conditions):
    return db.scalar(select(func.count()).select_from(model).where(*conditions))


def test_the_demo_funds_have_years_of_reconciled_history_and_load_once(db):
    load_demo(db)
    db.commit()

    org = db.scalars(select(Organization).where(Organization.slug == "northwind")).one()
    users = members_by_role(db, NORTHWIND_PEOPLE)
    accountant = demo_actor(org, users["accountant"], "accountant")
    funds = db.scalars(select(Fund).where(Fund.org_id == org.id).order_by(Fund.name)).all()
    assert len(funds) >= 2
    assert {f.waterfall_type for f in funds} == {WaterfallType.EUROPEAN, WaterfallType.AMERICAN}
    benchmark = db.scalars(
        select(BenchmarkIndex).where(
            BenchmarkIndex.org_id == org.id, BenchmarkIndex.name == BENCHMARK_NAME
        )
    ).one()

    for fund in funds:
        lps = _count(db, Commitment, Commitment.fund_id == fund.id, Commitment.is_gp.is_(False))
        assert lps >= 30, fund.name

        issued = db.scalars(
            select(CapitalCall).where(
                CapitalCall.fund_id == fund.id, CapitalCall.status.in_(CALLED_STATUSES)
            )
        ).all()
        quarters = {(c.call_date.year, (c.call_date.month - 1) // 3) for c in issued}
        assert len(quarters) >= 24, fund.name
        assert max(c.call_date for c in issued) - min(c.call_date for c in issued) >= (
            date(2024, 1, 1) - date(2018, 1, 1)
        )
        purposes = {c.purpose for c in issued}
        assert {CallPurpose.INVESTMENT, CallPurpose.MANAGEMENT_FEE} <= purposes
        assert any(calls.is_overdue(c, DEMO_END) for c in issued)

        declared = (DistributionStatus.ISSUED, DistributionStatus.PAID)
        distributed = Distribution.fund_id == fund.id, Distribution.status.in_(declared)
        sold = Investment.fund_id == fund.id, Investment.kind == InvestmentKind.SALE
        assert _count(db, Distribution, *distributed) > 0
        assert _count(db, Investment, *sold) > 0
        assert _count(db, FeeRun, FeeRun.fund_id == fund.id) >= 24
        assert _count(db, FundExpense, FundExpense.fund_id == fund.id) > 0
        assert _count(db, PortfolioCompany, PortfolioCompany.fund_id == fund.id) >= 8
        assert _count(db, Valuation, Valuation.fund_id == fund.id) > 0

        trial_balance = ledger.trial_balance(db, accountant, fund.book_id, date.max)
        assert trial_balance.is_balanced, fund.name
        assert trial_balance.total_debits["USD"] > 0
        reconciliation = capital_accounts.reconcile(db, accountant, fund.id, DEMO_END)
        assert reconciliation.reconciles, reconciliation
        # The fees billed, the late closers' included, were paid to the manager out of cash.
        payables = disbursements.list_payables(db, accountant, fund.id, DEMO_END)
        assert payables.management_fees_payable == 0, fund.name
        assert payables.cash > 0
        assert _count(db, Disbursement, Disbursement.fund_id == fund.id) >= 24

        figures = performance.fund_performance(db, accountant, fund.id, DEMO_END, benchmark.id)
        assert figures.tvpi is not None and figures.tvpi > 1
        assert figures.net_irr is not None
        assert figures.pme is not None and figures.pme.kaplan_schoar is not None

    lp_user = users["limited_partner"]
    linked = db.scalars(
        select(Investor.name)
        .join(InvestorUser, InvestorUser.investor_id == Investor.id)
        .where(InvestorUser.user_id == lp_user.id)
    ).all()
    assert linked == [GROWTH_FUND.lp_user_investor]

    before = _counts(db)
    load_demo(db)
    db.commit()
    assert _counts(db) == before
