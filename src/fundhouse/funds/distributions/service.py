"""Distributions through the fund's waterfall, carried interest and clawback.

Workflow (maker/checker, like capital calls): a distribution is drafted with its allocation,
approved by someone other than its author who holds ``distribution:approve``, issued (the
partners' shares are declared and posted) and paid: draft → approved → issued → paid. A draft
or approved distribution can be cancelled (nothing was posted yet), and so can the latest issued
one while unpaid, by reversing entries.

The waterfall (CONVENTIONS.md "Distribution waterfall", :mod:`fundhouse.finance.waterfall`)
runs on the fund's terms with:

* the partners: every commitment of the fund in ``sequence`` order (rounding ties go to the
  earlier); the GP's first commitment is the GP's capital (tiers 1 and 2 pro rata, its share of
  tiers 3 and 4 outright, no carry on itself); the carry goes to the fund's GP investor;
* their dated contributions: the capital each LP paid against issued calls, dated the day it
  was received (equalization interest is not capital); calls for management fees or expenses
  are contributions of kind fee or expense, capital to return by the term
  ``return_of_capital_includes_fees``; a transfer of interest moves the transferor's
  contributions to the transferee pro rata, keeping their dates. For an American (deal by deal)
  fund, a deal's contributions are its purchases, each split among the partners pro rata to the
  capital they had paid in by its date (by commitment before any was), plus the fund expenses
  charged to that deal;
* the fund's earlier issued and paid distributions, in date order (a distribution cannot be
  dated before the latest of them).

Each tier's amounts per partner are stored in ``distribution_allocations`` (one row per
commitment and tier; the GP's carry on rows of its own with ``is_gp``). The allocation is
computed when drafted and computed again when issued: if anything it depends on changed in
between, the issue is refused (cancel and draft again).

Ledger postings, in the fund's book (party = the investor):

* issue, dated the distribution date, one entry:

  - each partner's share (LPs, the GP's capital share and the GP's carry):
    Dr 3100 partners' capital — distributions / Cr 2000 distributions payable, less the tax
    withheld at the investor's ``withholding_rate`` (on the investor's whole share, half up to
    the cent once, spread over its rows by the allocation rule), which goes to Cr 2300
    withholding tax payable;
  - the carried interest it pays is first earned by the GP out of the LPs' profit:
    Dr 5200 carried interest allocation per LP (the carry split among the LPs pro rata to their
    contributions to date, the weights the waterfall itself uses for tiers 3 and 4) /
    Cr 3200 partners' capital — carried interest (the GP). The GP's capital account thus gains
    the carry before the distribution takes it out again, and every LP bears its share.

* payment, dated the day paid: Dr 2000 distributions payable per partner (net of withholding) /
  Cr 1000 cash.

Carried interest accrual by hypothetical liquidation (:func:`accrue_carried_interest`): at a
date (normally each quarter end) the waterfall runs on the earlier distributions plus a
hypothetical one of the net assets that day, less contributions still receivable (they are not
cash the partners paid in); the carry of that hypothetical distribution is what the GP would
receive beyond the carry already paid. Deal by deal (American), each company still held is
liquidated through its own deal at its fair value that day. The accrual posts the change
since the previous accrual per LP: Dr 5200 per LP / Cr 3200 GP (reversed where it falls).
What was accrued is read back from the ledger (the 5200 postings of the fund's
``carry_accrual`` entries), so each quarter's accrual replaces the last and nothing is stored
twice. Carry a distribution pays is first released from what was accrued for it (an
accrual-type entry dated the distribution: Dr 3200 GP / Cr 5200 per LP), so the GP's capital
never holds the same carry twice.

Recallable distributions: ``recallable_amount`` is split over the partners' (non-carry)
allocation rows pro rata to their amounts and stored on each row; the funds core's
:func:`fundhouse.funds.service.commitment_positions` adds the recallable amounts of issued and
paid distributions back to each commitment's unfunded commitment, so the next capital call can
draw on them (its allocation caps each LP at that unfunded commitment).

Clawback (:func:`compute_clawback`): CONVENTIONS.md "Clawback", computed on all of the fund's
contributions and issued distributions, against the carry the GP actually received.
"""

from __future__ import annotations

import io
import uuid
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from fundhouse.finance import waterfall as wf
from fundhouse.finance.allocation import allocate
from fundhouse.funds import postings
from fundhouse.funds.accounts.capital_accounts import (
    book_balances,
    money_of,
    nav_of,
)
from fundhouse.funds.distributions.schemas import (
    CarryAccrualCreate,
    CarryAccrualLine,
    CarryAccrualOut,
    ClawbackOut,
    DistributionAllocationOut,
    DistributionCreate,
    DistributionDetailOut,
    DistributionFilters,
    DistributionOut,
    DistributionPartnerOut,
    DistributionPay,
    DistributionPreviewOut,
    TierOut,
)
from fundhouse.funds.investments.service import company_positions
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CallAllocation,
    CallPurpose,
    CapitalCall,
    Commitment,
    CommitmentTransfer,
    Compounding,
    Disbursement,
    Distribution,
    DistributionAllocation,
    DistributionStatus,
    ExpenseStatus,
    Fund,
    FundExpense,
    FundExpenseAllocation,
    Investment,
    InvestmentKind,
    Investor,
    NoticeKind,
    Payment,
    PortfolioCompany,
    WaterfallTier,
    WaterfallType,
)
from fundhouse.funds.portal.schemas import PortalDistributionOut
from fundhouse.funds.register.service import (
    commitment_positions,
    get_fund_row,
    money,
    portal_investor_ids,
    quantum_of,
    rows_or_page,
    today,
)
from fundhouse.funds.reporting.notices import (
    Notice,
    PositionAsOf,
    issued_notice,
    keep_notice,
    kept_notice,
    kept_row,
    notice_date,
    notice_styles,
    notice_table,
    positions_as_of,
)
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.currencies import minor_units
from fundhouse.ledger.service import SumBy
from fundhouse.platform import audit, events
from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import Conflict, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page, parse_sort

_ZERO = Decimal(0)
GP_CARRY = "gp-carry"
"""The waterfall's key for the GP's carry when the GP has no commitment of its own."""
CARRY_ACCRUAL = "carry_accrual"
"""The ``source_type`` of the fund's carry accrual entries (source id: the fund)."""
DECLARED = (DistributionStatus.ISSUED, DistributionStatus.PAID)
API_PREFIX = "/api/v1"

TIER_OF = {
    wf.Tier.RETURN_OF_CAPITAL: WaterfallTier.RETURN_OF_CAPITAL,
    wf.Tier.PREFERRED_RETURN: WaterfallTier.PREFERRED_RETURN,
    wf.Tier.CATCH_UP: WaterfallTier.CATCH_UP,
    wf.Tier.SPLIT: WaterfallTier.CARRIED_INTEREST,
}
KIND_OF = {
    CallPurpose.MANAGEMENT_FEE: wf.ContributionKind.FEE,
    CallPurpose.EXPENSES: wf.ContributionKind.EXPENSE,
}


# --- the fund's waterfall ----------------------------------------------------------------


def waterfall_terms(fund: Fund) -> wf.WaterfallTerms:
    """The fund's waterfall terms for the finance core."""
    try:
        return wf.WaterfallTerms(
            hurdle_rate=fund.hurdle_rate,
            compounding=(
                wf.Compounding.SIMPLE
                if fund.compounding == Compounding.SIMPLE
                else wf.Compounding.ANNUAL
            ),
            catch_up_rate=fund.catch_up_rate,
            carry_share=fund.carry_rate,
            returns_fees_and_expenses=fund.return_of_capital_includes_fees,
            clawback_tax_rate=fund.clawback_tax_rate,
            quantum=quantum_of(fund.currency),
        )
    except ValueError as exc:
        raise Conflict(f"The fund's waterfall terms cannot be applied: {exc}.") from exc


@dataclass
class FundWaterfall:
    """Everything the waterfall needs about one fund, loaded in a fixed number of queries."""

    fund: Fund
    terms: wf.WaterfallTerms
    commitments: dict[uuid.UUID, Commitment]
    names: dict[uuid.UUID, str]
    contributions: list[wf.Contribution]
    gp_key: Hashable
    priors: list[wf.Distribution]

    @property
    def deal_by_deal(self) -> bool:
        return self.fund.waterfall_type == WaterfallType.AMERICAN

    @property
    def partnership(self) -> wf.Partnership:
        return wf.Partnership(
            partners=tuple(self.commitments),
            gp=self.gp_key,
            contributions=tuple(self.contributions),
        )

    @property
    def last_prior_date(self) -> date | None:
        return self.priors[-1].date if self.priors else None

    def investor_of(self, key: Hashable) -> uuid.UUID:
        if isinstance(key, uuid.UUID):
            return self.commitments[key].investor_id
        if self.fund.gp_investor_id is None:
            raise Conflict(
                "The fund has no GP investor to receive carried interest; admit the GP's "
                "commitment first."
            )
        return self.fund.gp_investor_id

    def run(self, new: Sequence[wf.Distribution], field: str) -> list[wf.DistributionResult]:
        """The waterfall results of ``new`` (in date order) after the earlier distributions."""
        run = wf.run_american_waterfall if self.deal_by_deal else wf.run_european_waterfall
        try:
            result = run(self.terms, self.partnership, [*self.priors, *new])
        except ValueError as exc:
            raise Invalid(f"The waterfall cannot run: {exc}.", field=field) from exc
        return list(result.distributions[len(self.priors) :])

    def lp_weights(self, on: date, deal: Hashable | None) -> dict[uuid.UUID, Decimal]:
        """The LPs' contributions to date (the GP's capital left out): the weights the
        waterfall gives tiers 3 and 4, and the split of the carry among the LPs."""
        weights: dict[uuid.UUID, Decimal] = {k: _ZERO for k in self.commitments if k != self.gp_key}
        for c in self.contributions:
            if c.date > on or c.partner == self.gp_key or not isinstance(c.partner, uuid.UUID):
                continue
            if self.deal_by_deal and c.deal != deal:
                continue
            if not self.terms.returns_fees_and_expenses and c.kind != wf.ContributionKind.CAPITAL:
                continue
            weights[c.partner] += c.amount
        if not any(weights.values()):
            weights = {k: c.amount for k, c in self.commitments.items() if k != self.gp_key}
        return weights

    def carry_by_investor(
        self, carry: Decimal, on: date, deal: Hashable | None
    ) -> dict[uuid.UUID, Decimal]:
        """``carry`` split among the LPs' investors pro rata to their contributions to date."""
        shares: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
        if not carry:
            return {}
        weights = self.lp_weights(on, deal)
        if not any(weights.values()):
            raise Conflict("The fund has no LP to bear carried interest.")
        for key, amount in allocate(carry, weights, self.terms.quantum).by_key().items():
            if amount:
                shares[self.commitments[key].investor_id] += amount
        return dict(shares)


def _paid_contributions(db: Session, fund: Fund) -> list[wf.Contribution]:
    """Capital paid against issued calls, dated when received (capital before interest)."""
    left: dict[uuid.UUID, Decimal] = {}
    out = []
    rows = db.execute(
        select(
            Payment.received_date,
            Payment.amount,
            CallAllocation.id,
            CallAllocation.commitment_id,
            CallAllocation.amount,
            CapitalCall.purpose,
        )
        .join(CallAllocation, CallAllocation.id == Payment.call_allocation_id)
        .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
        .where(
            Payment.fund_id == fund.id,
            Payment.reversed_at.is_(None),
            CapitalCall.status.in_(CALLED_STATUSES),
        )
        .order_by(Payment.received_date, Payment.created_at, Payment.id)
    )
    for received, amount, allocation_id, commitment_id, capital, purpose in rows:
        room = left.get(allocation_id, capital)
        part = min(amount, room)
        left[allocation_id] = room - part
        if part > 0:
            kind = KIND_OF.get(purpose, wf.ContributionKind.CAPITAL)
            out.append(wf.Contribution(commitment_id, received, part, kind))
    return out


def _apply_transfers(
    db: Session, fund: Fund, contributions: list[wf.Contribution]
) -> list[wf.Contribution]:
    """Move each transferor's contributions (dated up to the transfer) to the transferee,
    pro rata to their amounts, for the capital the transfer moved."""
    transfers = db.execute(
        select(
            CommitmentTransfer.from_commitment_id,
            CommitmentTransfer.to_commitment_id,
            CommitmentTransfer.transfer_date,
            CommitmentTransfer.called_amount,
        )
        .where(CommitmentTransfer.fund_id == fund.id)
        .order_by(CommitmentTransfer.transfer_date, CommitmentTransfer.created_at)
    ).all()
    quantum = quantum_of(fund.currency)
    for source, target, on, called in transfers:
        held = [i for i, c in enumerate(contributions) if c.partner == source and c.date <= on]
        total = sum((contributions[i].amount for i in held), _ZERO)
        moved = min(called, total)
        if not moved:
            continue
        parts = allocate(moved, [contributions[i].amount for i in held], quantum)
        for i, part in zip(held, parts, strict=True):
            c = contributions[i]
            contributions[i] = wf.Contribution(source, c.date, c.amount - part, c.kind, c.deal)
            if part:
                contributions.append(wf.Contribution(target, c.date, part, c.kind, c.deal))
    return [c for c in contributions if c.amount > 0]


def _deal_contributions(
    db: Session,
    fund: Fund,
    commitments: dict[uuid.UUID, Commitment],
    paid: list[wf.Contribution],
) -> list[wf.Contribution]:
    """For an American fund: each purchase split among the partners pro rata to the capital
    paid in by its date (commitments before any was), and the expenses charged to deals."""
    quantum = quantum_of(fund.currency)
    out = []
    purchases = db.execute(
        select(Investment.company_id, Investment.transaction_date, Investment.cost_amount)
        .where(Investment.fund_id == fund.id, Investment.kind == InvestmentKind.PURCHASE)
        .order_by(Investment.transaction_date, Investment.created_at)
    )
    capital = sorted(
        (c for c in paid if c.kind == wf.ContributionKind.CAPITAL), key=lambda c: c.date
    )
    for company_id, on, cost in purchases:
        weights = dict.fromkeys(commitments, _ZERO)
        for c in capital:
            if c.date > on:
                break
            if isinstance(c.partner, uuid.UUID):
                weights[c.partner] += c.amount
        if not any(weights.values()):
            weights = {k: c.amount for k, c in commitments.items()}
        for key, part in allocate(cost, weights, quantum).by_key().items():
            if part:
                out.append(wf.Contribution(key, on, part, wf.ContributionKind.CAPITAL, company_id))
    expenses = db.execute(
        select(
            FundExpenseAllocation.commitment_id,
            FundExpense.expense_date,
            FundExpenseAllocation.amount,
            FundExpense.company_id,
        )
        .join(FundExpense, FundExpense.id == FundExpenseAllocation.expense_id)
        .where(
            FundExpense.fund_id == fund.id,
            FundExpense.company_id.is_not(None),
            FundExpense.status == ExpenseStatus.POSTED,
        )
    )
    for commitment_id, spent_on, amount, deal in expenses:
        if amount:
            out.append(
                wf.Contribution(commitment_id, spent_on, amount, wf.ContributionKind.EXPENSE, deal)
            )
    return out


def load_waterfall(db: Session, fund: Fund, *, exclude: uuid.UUID | None = None) -> FundWaterfall:
    """The fund's partners, contributions and issued distributions (``exclude`` left out)."""
    rows = db.scalars(
        select(Commitment)
        .options(joinedload(Commitment.investor))
        .where(Commitment.fund_id == fund.id)
        .order_by(Commitment.sequence)
    ).all()
    commitments = {c.id: c for c in rows}
    names = {c.investor_id: c.investor.name for c in rows}
    gp_key: Hashable = next(
        (c.id for c in rows if c.is_gp and c.investor_id == fund.gp_investor_id), GP_CARRY
    )
    paid = _apply_transfers(db, fund, _paid_contributions(db, fund))
    contributions = paid
    if fund.waterfall_type == WaterfallType.AMERICAN:
        contributions = _deal_contributions(db, fund, commitments, paid)
    stmt = (
        select(Distribution)
        .where(Distribution.fund_id == fund.id, Distribution.status.in_(DECLARED))
        .order_by(Distribution.distribution_date, Distribution.number)
    )
    if exclude is not None:
        stmt = stmt.where(Distribution.id != exclude)
    priors = [
        wf.Distribution(d.distribution_date, d.gross_amount, d.company_id)
        for d in db.scalars(stmt)
        if d.company_id is not None or fund.waterfall_type != WaterfallType.AMERICAN
    ]
    if fund.gp_investor_id is not None and fund.gp_investor_id not in names:
        gp_name = db.scalar(select(Investor.name).where(Investor.id == fund.gp_investor_id))
        names[fund.gp_investor_id] = gp_name or "GP"
    return FundWaterfall(
        fund, waterfall_terms(fund), commitments, names, contributions, gp_key, priors
    )


# --- allocation rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One party's amount of one tier (the GP's carry: ``is_gp`` with no commitment)."""

    commitment_id: uuid.UUID | None
    investor_id: uuid.UUID
    is_gp: bool
    tier: WaterfallTier
    amount: Decimal
    withholding: Decimal
    recallable: Decimal

    @property
    def net(self) -> Decimal:
        return self.amount - self.withholding

    def key(self) -> tuple[Any, ...]:
        return (self.commitment_id, self.investor_id, self.is_gp, self.tier, self.amount)


@dataclass(frozen=True)
class Plan:
    result: wf.DistributionResult
    rows: list[Row]
    carry_by_investor: dict[uuid.UUID, Decimal]


def _withholding_by_row(
    bare: Sequence[tuple[uuid.UUID | None, uuid.UUID, bool, WaterfallTier, Decimal]],
    rates: Mapping[uuid.UUID, Decimal],
    quantum: Decimal,
) -> list[Decimal]:
    """The tax withheld on each row: each investor's tax is its whole distribution times its
    rate, rounded half up once, then spread over its rows by the allocation rule
    (CONVENTIONS.md), so it is the same however many tiers and commitments pay it."""
    by_investor: dict[uuid.UUID, list[int]] = {}
    for i, row in enumerate(bare):
        by_investor.setdefault(row[1], []).append(i)
    withheld = [_ZERO] * len(bare)
    for investor_id, indexes in by_investor.items():
        rate = rates.get(investor_id, _ZERO)
        parts = [bare[i][4] for i in indexes]
        total = (sum(parts, _ZERO) * rate).quantize(quantum, ROUND_HALF_UP)
        if total:
            for i, tax in zip(indexes, allocate(total, parts, quantum), strict=True):
                withheld[i] = tax
    return withheld


def plan_distribution(
    db: Session,
    water: FundWaterfall,
    amount: Decimal,
    on: date,
    deal: uuid.UUID | None,
    recallable: Decimal,
) -> Plan:
    """Run the waterfall for a new distribution and split it into allocation rows."""
    fund = water.fund
    last = water.last_prior_date
    if last is not None and on < last:
        raise Invalid(
            f"A distribution cannot be dated before the fund's latest one ({last}).",
            field="distribution_date",
        )
    (result,) = water.run([wf.Distribution(on, amount, deal)], "distribution_date")
    investor_ids = {c.investor_id for c in water.commitments.values()}
    if fund.gp_investor_id is not None:
        investor_ids.add(fund.gp_investor_id)
    rates = dict(
        db.execute(
            select(Investor.id, Investor.withholding_rate).where(Investor.id.in_(investor_ids))
        ).all()
    )
    quantum = water.terms.quantum
    bare: list[tuple[uuid.UUID | None, uuid.UUID, bool, WaterfallTier, Decimal]] = []
    for tier in result.tiers:
        for key, part in tier.by_partner.items():
            capital = part - tier.gp_carry if key == water.gp_key else part
            if capital and isinstance(key, uuid.UUID):
                bare.append((key, water.investor_of(key), False, TIER_OF[tier.tier], capital))
        if tier.gp_carry:
            gp = water.investor_of(GP_CARRY)
            bare.append((None, gp, True, TIER_OF[tier.tier], tier.gp_carry))
    returnable = sum((r[4] for r in bare if not r[2]), _ZERO)
    if recallable > returnable:
        raise Invalid(
            f"The recallable amount exceeds what the partners receive as capital ({returnable}).",
            field="recallable_amount",
        )
    recalled = [_ZERO] * len(bare)
    if recallable:
        weights = [r[4] if not r[2] else _ZERO for r in bare]
        recalled = list(allocate(recallable, weights, quantum))
    withheld = _withholding_by_row(bare, rates, quantum)
    rows = []
    for (commitment_id, investor_id, is_gp, tier_name, part), back, tax in zip(
        bare, recalled, withheld, strict=True
    ):
        rows.append(Row(commitment_id, investor_id, is_gp, tier_name, part, tax, back))
    carry = water.carry_by_investor(result.gp_carry, on, deal)
    return Plan(result, rows, carry)


def _tiers_out(fund: Fund, tiers: Sequence[dict[str, Any]]) -> list[TierOut]:
    return [
        TierOut(
            tier=WaterfallTier(t["tier"]),
            lp_amount=money_of(fund, Decimal(t["lp_amount"])),
            gp_amount=money_of(fund, Decimal(t["gp_amount"])),
            gp_carry=money_of(fund, Decimal(t["gp_carry"])),
            amount=money_of(fund, Decimal(t["lp_amount"]) + Decimal(t["gp_amount"])),
        )
        for t in tiers
    ]


def _tier_detail(result: wf.DistributionResult) -> list[dict[str, Any]]:
    return [
        {
            "tier": TIER_OF[t.tier].value,
            "lp_amount": format(t.lp_amount, "f"),
            "gp_amount": format(t.gp_amount, "f"),
            "gp_carry": format(t.gp_carry, "f"),
        }
        for t in result.tiers
    ]


def _partners_out(
    fund: Fund, names: dict[uuid.UUID, str], rows: Sequence[Row]
) -> list[DistributionPartnerOut]:
    totals: dict[uuid.UUID, list[Decimal]] = {}
    for r in rows:
        t = totals.setdefault(r.investor_id, [_ZERO] * 4)
        t[0] += r.amount
        t[1] += r.amount if r.is_gp else _ZERO
        t[2] += r.withholding
        t[3] += r.recallable
    return [
        DistributionPartnerOut(
            investor_id=investor_id,
            investor_name=names.get(investor_id, ""),
            is_gp=investor_id == fund.gp_investor_id,
            amount=money_of(fund, t[0]),
            carried_interest=money_of(fund, t[1]),
            withholding_amount=money_of(fund, t[2]),
            net_amount=money_of(fund, t[0] - t[2]),
            recallable_amount=money_of(fund, t[3]),
        )
        for investor_id, t in totals.items()
    ]


def _allocations_out(
    fund: Fund, names: dict[uuid.UUID, str], rows: Sequence[Row]
) -> list[DistributionAllocationOut]:
    return [
        DistributionAllocationOut(
            investor_id=r.investor_id,
            investor_name=names.get(r.investor_id, ""),
            commitment_id=r.commitment_id,
            is_gp=r.is_gp,
            tier=r.tier,
            amount=money_of(fund, r.amount),
            withholding_amount=money_of(fund, r.withholding),
            net_amount=money_of(fund, r.net),
            recallable_amount=money_of(fund, r.recallable),
        )
        for r in rows
    ]


def _check_company(db: Session, fund: Fund, company_id: uuid.UUID | None) -> None:
    if company_id is not None:
        found = db.scalar(
            select(PortfolioCompany.id).where(
                PortfolioCompany.id == company_id, PortfolioCompany.fund_id == fund.id
            )
        )
        if found is None:
            raise Invalid("No such portfolio company of this fund.", field="company_id")
    elif fund.waterfall_type == WaterfallType.AMERICAN:
        raise Invalid(
            "The fund's waterfall is deal by deal: name the realized company.", field="company_id"
        )


def _plan_request(
    db: Session, fund: Fund, data: DistributionCreate
) -> tuple[FundWaterfall, Plan, Decimal, Decimal]:
    gross = money(data.gross_amount, fund.currency, "gross_amount")
    recallable = money(data.recallable_amount, fund.currency, "recallable_amount")
    _check_company(db, fund, data.company_id)
    water = load_waterfall(db, fund)
    plan = plan_distribution(db, water, gross, data.distribution_date, data.company_id, recallable)
    return water, plan, gross, recallable


def available_cash(db: Session, actor: Actor, fund: Fund, on: date) -> Decimal:
    """The fund's cash (account 1000 in its book, in its currency) at the end of ``on``."""
    cash = ledger.account_balance(db, actor, fund.book_id, FundAccount.CASH, on)
    return money_of(fund, cash)


def _check_cash(
    db: Session, actor: Actor, fund: Fund, data: DistributionCreate, gross: Decimal
) -> Decimal | None:
    """Refuse a distribution beyond the fund's cash on its date, unless confirmed with a
    reason; returns the cash it exceeds when it was confirmed (to audit), else None."""
    cash = available_cash(db, actor, fund, data.distribution_date)
    if gross <= cash:
        return None
    if not data.exceeds_cash_confirmed:
        raise Invalid(
            f"The distribution ({gross} {fund.currency}) exceeds the fund's cash on "
            f"{data.distribution_date} ({cash} {fund.currency} available); to distribute it "
            "anyway, send exceeds_cash_confirmed with an exceeds_cash_reason.",
            field="gross_amount",
        )
    return cash


def preview_distribution(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: DistributionCreate
) -> DistributionPreviewOut:
    """What each partner would receive, tier by tier; saves nothing."""
    require(actor, "distribution:write")
    fund = get_fund_row(db, actor, fund_id)
    water, plan, gross, recallable = _plan_request(db, fund, data)
    return DistributionPreviewOut(
        fund_id=fund.id,
        currency=fund.currency,
        waterfall_type=fund.waterfall_type,
        source=data.source,
        gross_amount=gross,
        distribution_date=data.distribution_date,
        company_id=data.company_id,
        recallable_amount=recallable,
        available_cash=available_cash(db, actor, fund, data.distribution_date),
        tiers=_tiers_out(fund, _tier_detail(plan.result)),
        partners=_partners_out(fund, water.names, plan.rows),
        allocations=_allocations_out(fund, water.names, plan.rows),
    )


# --- reading -----------------------------------------------------------------------------


def get_distribution_row(
    db: Session, actor: Actor, distribution_id: uuid.UUID, *, for_update: bool = False
) -> Distribution:
    stmt = (
        select(Distribution)
        .options(
            selectinload(Distribution.allocations).options(
                joinedload(DistributionAllocation.investor),
                joinedload(DistributionAllocation.commitment),
            )
        )
        .where(Distribution.id == distribution_id, Distribution.org_id == actor.org_id)
    )
    if for_update:
        stmt = stmt.with_for_update(of=Distribution)
    distribution = db.scalar(stmt)
    if distribution is None:
        raise NotFound("No such distribution.")
    return distribution


def _stored_rows(distribution: Distribution) -> list[Row]:
    """The allocation rows in the waterfall's order, as a preview lists them: tier by tier,
    each tier's partners in the order of their commitments (``sequence``), the GP's carry
    last. Needs the allocations' commitments loaded."""
    order = {t: i for i, t in enumerate(WaterfallTier)}
    allocations = sorted(
        distribution.allocations,
        key=lambda a: (
            order[a.tier],
            a.is_gp,
            a.commitment.sequence if a.commitment is not None else 2**31,
        ),
    )
    return [
        Row(
            a.commitment_id,
            a.investor_id,
            a.is_gp,
            a.tier,
            a.amount,
            a.withholding_amount,
            a.recallable_amount,
        )
        for a in allocations
    ]


def _fields(fund: Fund, d: Distribution) -> dict[str, Any]:
    return {
        "id": d.id,
        "fund_id": d.fund_id,
        "fund_name": fund.name,
        "currency": fund.currency,
        "number": d.number,
        "source": d.source,
        "company_id": d.company_id,
        "gross_amount": money_of(fund, d.gross_amount),
        "distribution_date": d.distribution_date,
        "status": d.status,
        "recallable": d.recallable,
        "recallable_amount": money_of(fund, d.recallable_amount),
        "description": d.description,
        "created_by": d.created_by,
        "approved_by": d.approved_by,
        "approved_at": d.approved_at,
        "issued_at": d.issued_at,
        "paid_at": d.paid_at,
        "cancelled_at": d.cancelled_at,
        "ledger_entry_id": d.ledger_entry_id,
        "payment_ledger_entry_id": d.payment_ledger_entry_id,
        "created_at": d.created_at,
    }


def distribution_out(fund: Fund, d: Distribution) -> DistributionDetailOut:
    """Needs the distribution's allocations (with investors) loaded."""
    rows = _stored_rows(d)
    names = {a.investor_id: a.investor.name for a in d.allocations}
    tiers = (d.waterfall_detail or {}).get("tiers", [])
    return DistributionDetailOut(
        **_fields(fund, d),
        tiers=_tiers_out(fund, tiers),
        partners=_partners_out(fund, names, rows),
        allocations=_allocations_out(fund, names, rows),
    )


def get_distribution(
    db: Session, actor: Actor, distribution_id: uuid.UUID
) -> DistributionDetailOut:
    require(actor, "distribution:read")
    d = get_distribution_row(db, actor, distribution_id)
    return distribution_out(get_fund_row(db, actor, d.fund_id), d)


DISTRIBUTION_CSV_COLUMNS = (
    "id",
    "number",
    "source",
    "company_id",
    "currency",
    "gross_amount",
    "distribution_date",
    "status",
    "recallable",
    "recallable_amount",
    "description",
    "approved_at",
    "issued_at",
    "paid_at",
)


def list_distributions(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    filters: DistributionFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[DistributionOut]:
    """The fund's distributions, newest first by default (two queries)."""
    require(actor, "distribution:read")
    fund = get_fund_row(db, actor, fund_id)
    column, descending = parse_sort(
        filters.sort,
        {"distribution_date": Distribution.distribution_date, "number": Distribution.number},
        "-distribution_date",
    )
    stmt = select(Distribution).where(Distribution.fund_id == fund.id)
    if filters.status is not None:
        stmt = stmt.where(Distribution.status == filters.status)
    if filters.source is not None:
        stmt = stmt.where(Distribution.source == filters.source)
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=column,
        id_column=Distribution.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[DistributionOut](
        items=[DistributionOut(**_fields(fund, d)) for d in rows], next_cursor=next_cursor
    )


def export_distributions_csv(
    db: Session, actor: Actor, fund_id: uuid.UUID, filters: DistributionFilters
) -> str:
    page = list_distributions(db, actor, fund_id, filters, everything=True)
    return csv_of(DISTRIBUTION_CSV_COLUMNS, page.items)


# --- workflow ----------------------------------------------------------------------------


def _snapshot(d: Distribution, rows: Sequence[Row]) -> dict[str, Any]:
    return {
        **audit.snapshot(d),
        "allocations": [
            {
                "commitment_id": r.commitment_id,
                "investor_id": r.investor_id,
                "is_gp": r.is_gp,
                "tier": r.tier,
                "amount": r.amount,
                "withholding_amount": r.withholding,
                "recallable_amount": r.recallable,
            }
            for r in rows
        ],
    }


def _payload(fund: Fund, d: Distribution) -> dict[str, Any]:
    return {
        "distribution_id": d.id,
        "fund_id": fund.id,
        "number": d.number,
        "gross_amount": d.gross_amount,
        "currency": fund.currency,
        "distribution_date": d.distribution_date,
        "status": d.status,
    }


def create_distribution(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: DistributionCreate
) -> DistributionDetailOut:
    """Draft a distribution with its waterfall allocation; refused beyond the fund's cash on
    its date unless the override is confirmed with a reason (audited)."""
    require(actor, "distribution:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    _water, plan, gross, recallable = _plan_request(db, fund, data)
    overridden_cash = _check_cash(db, actor, fund, data, gross)
    number = (
        db.scalar(select(func.max(Distribution.number)).where(Distribution.fund_id == fund.id)) or 0
    ) + 1
    terms = plan_terms(fund)
    distribution = Distribution(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        number=number,
        source=data.source,
        company_id=data.company_id,
        gross_amount=gross,
        distribution_date=data.distribution_date,
        status=DistributionStatus.DRAFT,
        recallable=data.recallable,
        recallable_amount=recallable,
        description=data.description,
        waterfall_detail={"terms": terms, "tiers": _tier_detail(plan.result)},
        created_by=actor.user_id,
    )
    db.add(distribution)
    db.flush()
    db.add_all(
        DistributionAllocation(
            org_id=actor.org_id,
            distribution_id=distribution.id,
            investor_id=r.investor_id,
            commitment_id=r.commitment_id,
            is_gp=r.is_gp,
            tier=r.tier,
            amount=r.amount,
            withholding_amount=r.withholding,
            net_amount=r.net,
            recallable_amount=r.recallable,
        )
        for r in plan.rows
    )
    db.flush()
    db.expire(distribution)
    distribution = get_distribution_row(db, actor, distribution.id)
    audit.record(
        db, actor, "distribution.created", distribution, after=_snapshot(distribution, plan.rows)
    )
    if overridden_cash is not None:
        audit.record(
            db,
            actor,
            "distribution.cash_exceeded",
            distribution,
            after={
                "gross_amount": gross,
                "available_cash": overridden_cash,
                "distribution_date": data.distribution_date,
                "reason": data.exceeds_cash_reason,
            },
        )
    events.emit(db, "distribution.created", _payload(fund, distribution), org_id=actor.org_id)
    return distribution_out(fund, distribution)


def plan_terms(fund: Fund) -> dict[str, Any]:
    """The terms the allocation was computed with, kept to explain it later."""
    return {
        "waterfall_type": fund.waterfall_type.value,
        "hurdle_rate": format(fund.hurdle_rate, "f"),
        "compounding": fund.compounding.value,
        "catch_up_rate": format(fund.catch_up_rate, "f"),
        "carry_rate": format(fund.carry_rate, "f"),
        "return_of_capital_includes_fees": fund.return_of_capital_includes_fees,
    }


def approve_distribution(
    db: Session, actor: Actor, distribution_id: uuid.UUID
) -> DistributionDetailOut:
    """Approve a draft; the approver must not be its author (maker/checker)."""
    d = get_distribution_row(db, actor, distribution_id, for_update=True)
    require(actor, "distribution:approve")
    if d.status != DistributionStatus.DRAFT:
        raise Conflict(f"Only a draft distribution can be approved; this one is {d.status.value}.")
    if d.created_by == actor.user_id:
        raise Conflict("A distribution must be approved by someone other than its author.")
    fund = get_fund_row(db, actor, d.fund_id)
    before = audit.snapshot(d)
    d.status = DistributionStatus.APPROVED
    d.approved_by = actor.user_id
    d.approved_at = utcnow()
    db.flush()
    audit.record(db, actor, "distribution.approved", d, before=before)
    events.emit(db, "distribution.approved", _payload(fund, d), org_id=actor.org_id)
    return distribution_out(fund, d)


def _per_investor(rows: Sequence[Row]) -> dict[uuid.UUID, tuple[Decimal, Decimal]]:
    """Each investor's (amount, withholding), all rows together, in row order."""
    totals: dict[uuid.UUID, tuple[Decimal, Decimal]] = {}
    for r in rows:
        amount, withheld = totals.get(r.investor_id, (_ZERO, _ZERO))
        totals[r.investor_id] = (amount + r.amount, withheld + r.withholding)
    return totals


def declaration_lines(
    fund: Fund, rows: Sequence[Row], carry: dict[uuid.UUID, Decimal]
) -> list[ledger.Line]:
    """The issue entry's lines (see the module): shares declared, tax withheld, carry earned."""
    return postings.distribution_declared(
        fund.currency, _per_investor(rows), carry, fund.gp_investor_id
    )


def _realize_accrued_carry(
    db: Session,
    actor: Actor,
    fund: Fund,
    d: Distribution,
    carry: dict[uuid.UUID, Decimal],
) -> None:
    """Carry a distribution pays comes first out of the carry already accrued for it.

    The declaration earns the paid carry (Dr 5200 per LP / Cr 3200 GP); where part of it was
    accrued before, that part is released from the accrual (Dr 3200 GP / Cr 5200 per LP, an
    accrual-type entry dated the distribution), so the GP's capital holds the paid carry once,
    not once as accrued and again as paid until the next accrual trues it up.
    """
    accrued = _accrued_carry(db, fund, d.distribution_date)
    released = {
        investor_id: min(share, accrued.get(investor_id, _ZERO))
        for investor_id, share in carry.items()
        if share > 0 and accrued.get(investor_id, _ZERO) > 0
    }
    total = sum(released.values(), _ZERO)
    if not total:
        return
    lines = postings.accrued_carry_released(fund.currency, released, fund.gp_investor_id)
    ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=d.distribution_date,
        memo=f"Accrued carried interest realized by distribution #{d.number}",
        lines=lines,
        source_type=CARRY_ACCRUAL,
        source_id=d.id,
    )


def issue_distribution(
    db: Session, actor: Actor, distribution_id: uuid.UUID
) -> DistributionDetailOut:
    """Issue an approved distribution: the waterfall is run again (it must give the allocation
    approved) and the declaration is posted."""
    d = get_distribution_row(db, actor, distribution_id, for_update=True)
    require(actor, "distribution:write")
    if d.status != DistributionStatus.APPROVED:
        raise Conflict(
            f"Only an approved distribution can be issued; this one is {d.status.value}."
        )
    fund = get_fund_row(db, actor, d.fund_id, for_update=True)
    water = load_waterfall(db, fund, exclude=d.id)
    plan = plan_distribution(
        db, water, d.gross_amount, d.distribution_date, d.company_id, d.recallable_amount
    )
    stored = _stored_rows(d)
    if Counter(r.key() for r in plan.rows) != Counter(r.key() for r in stored):
        raise Conflict(
            "Since this distribution was drafted, the fund's contributions or distributions "
            "changed its allocation; cancel it and draft it again."
        )
    entry = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=d.distribution_date,
        memo=f"Distribution #{d.number} ({d.source.value})",
        lines=declaration_lines(fund, stored, plan.carry_by_investor),
        source_type="distribution",
        source_id=d.id,
    )
    _realize_accrued_carry(db, actor, fund, d, plan.carry_by_investor)
    before = audit.snapshot(d)
    d.status = DistributionStatus.ISSUED
    d.issued_at = utcnow()
    d.ledger_entry_id = entry.id
    db.flush()
    keep_distribution_notices(db, actor, fund, d)
    audit.record(db, actor, "distribution.issued", d, before=before)
    events.emit(db, "distribution.issued", _payload(fund, d), org_id=actor.org_id)
    return distribution_out(fund, d)


def pay_distribution(
    db: Session, actor: Actor, distribution_id: uuid.UUID, data: DistributionPay
) -> DistributionDetailOut:
    """Pay an issued distribution: Dr 2000 per partner (net of withholding) / Cr 1000 cash."""
    d = get_distribution_row(db, actor, distribution_id, for_update=True)
    require(actor, "distribution:write")
    if d.status != DistributionStatus.ISSUED:
        raise Conflict(f"Only an issued distribution can be paid; this one is {d.status.value}.")
    if data.paid_date < d.distribution_date:
        raise Invalid(
            f"A distribution cannot be paid before its date ({d.distribution_date}).",
            field="paid_date",
        )
    if data.paid_date > today():
        raise Invalid("A payment cannot be dated in the future.", field="paid_date")
    fund = get_fund_row(db, actor, d.fund_id)
    net = {i: a - w for i, (a, w) in _per_investor(_stored_rows(d)).items()}
    lines = postings.distribution_paid(fund.currency, net)
    if lines:
        entry = ledger.post_entry(
            db,
            actor,
            fund.book_id,
            entry_date=data.paid_date,
            memo=f"Payment of distribution #{d.number}",
            lines=lines,
            source_type="distribution_payment",
            source_id=d.id,
        )
        d.payment_ledger_entry_id = entry.id
    before = audit.snapshot(d)
    d.status = DistributionStatus.PAID
    d.paid_at = utcnow()
    db.flush()
    audit.record(db, actor, "distribution.paid", d, before=before)
    events.emit(db, "distribution.paid", _payload(fund, d), org_id=actor.org_id)
    return distribution_out(fund, d)


def cancel_distribution(
    db: Session, actor: Actor, distribution_id: uuid.UUID
) -> DistributionDetailOut:
    """Cancel a draft or approved distribution (nothing was posted yet), or an issued one that
    was not paid: its issue entry and the carry it released are reversed, dated today (or its
    date, if later).

    An issued distribution is refused when a later one was issued (the waterfall of that one
    counted this one: cancel it first), when the tax it withheld was remitted, or when a call
    since drew on the capital it made recallable.
    """
    d = get_distribution_row(db, actor, distribution_id, for_update=True)
    require(actor, "distribution:write")
    if d.status not in (
        DistributionStatus.DRAFT,
        DistributionStatus.APPROVED,
        DistributionStatus.ISSUED,
    ):
        raise Conflict(
            f"This distribution is {d.status.value}; only one not yet paid can be cancelled."
        )
    fund = get_fund_row(db, actor, d.fund_id, for_update=True)
    before = audit.snapshot(d)
    if d.status == DistributionStatus.ISSUED:
        _reverse_issue(db, actor, fund, d)
    d.status = DistributionStatus.CANCELLED
    d.cancelled_at = utcnow()
    db.flush()
    if d.recallable_amount > 0:
        commitments = db.scalars(
            select(Commitment).where(
                Commitment.id.in_({a.commitment_id for a in d.allocations}),
            )
        ).all()
        over = [p for p in commitment_positions(db, commitments).values() if p.unfunded < 0]
        if over:
            raise Conflict(
                "A capital call since drew on the capital this distribution made recallable; "
                "it cannot be cancelled."
            )
    audit.record(db, actor, "distribution.cancelled", d, before=before)
    events.emit(db, "distribution.cancelled", _payload(fund, d), org_id=actor.org_id)
    return distribution_out(fund, d)


def _reverse_issue(db: Session, actor: Actor, fund: Fund, d: Distribution) -> None:
    later = db.scalar(
        select(Distribution.number)
        .where(
            Distribution.fund_id == fund.id,
            Distribution.id != d.id,
            Distribution.status.in_((DistributionStatus.ISSUED, DistributionStatus.PAID)),
            (Distribution.distribution_date > d.distribution_date)
            | (
                (Distribution.distribution_date == d.distribution_date)
                & (Distribution.number > d.number)
            ),
        )
        .order_by(Distribution.number)
        .limit(1)
    )
    if later is not None:
        raise Conflict(
            f"Distribution #{later} was issued after this one and counts it in its waterfall: "
            "cancel it first."
        )
    if db.scalar(select(Disbursement.id).where(Disbursement.distribution_id == d.id).limit(1)):
        raise Conflict("The tax this distribution withheld was remitted; it cannot be cancelled.")
    on = max(today(), d.distribution_date)
    memo = f"Distribution #{d.number} cancelled"
    if d.ledger_entry_id is not None:
        ledger.reverse_entry(db, actor, d.ledger_entry_id, entry_date=on, memo=memo)
    releases = ledger.standing_entry_ids(db, fund.book_id, CARRY_ACCRUAL, d.id)
    for release in releases:
        ledger.reverse_entry(db, actor, release, entry_date=on, memo=memo)


# --- notices -----------------------------------------------------------------------------


def render_distribution_notice(
    db: Session,
    fund: Fund,
    d: Distribution,
    investor_id: uuid.UUID,
    position: PositionAsOf | None = None,
) -> Notice:
    """One partner's distribution notice (ILPA Capital Call & Distribution Notice template,
    2016: the distribution by tier, tax withheld, net amount, and where the commitment stands
    on the distribution date, this distribution's recallable part included). Needs the
    distribution's allocations (with investors) loaded."""
    mine = [a for a in d.allocations if a.investor_id == investor_id]
    if not mine:
        raise NotFound("This investor has no share of this distribution.")
    investor = mine[0].investor
    cur = fund.currency

    def amount(value: Decimal) -> str:
        return f"{cur} {value:,.{minor_units(cur)}f}"

    by_tier: dict[WaterfallTier, Decimal] = defaultdict(lambda: _ZERO)
    for a in mine:
        by_tier[a.tier] += a.amount
    gross = sum((a.amount for a in mine), _ZERO)
    withheld = sum((a.withholding_amount for a in mine), _ZERO)
    recallable = sum((a.recallable_amount for a in mine), _ZERO)
    if position is None:
        position = positions_as_of(
            db, fund.id, [investor_id], d.distribution_date, through_distribution=d
        )[investor_id]
    s = notice_styles()
    story: list[object] = []
    if d.status not in DECLARED:
        story.append(
            Paragraph(
                f"DRAFT - this distribution is {d.status.value} and not yet issued.", s["banner"]
            )
        )
    story += [
        Paragraph("Distribution Notice", s["title"]),
        Paragraph(escape(fund.legal_name or fund.name), s["p"]),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>To:</b> {escape(investor.name)}", s["p"]),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Distribution no. {d.number} ({escape(d.source.value)}), dated "
            f"{notice_date(d.distribution_date)}.",
            s["p"],
        ),
    ]
    if d.description:
        story.append(Paragraph(escape(d.description), s["p"]))
    rows = [
        (t.value.replace("_", " ").capitalize(), amount(by_tier[t]))
        for t in WaterfallTier
        if by_tier.get(t)
    ]
    rows.append(("Distribution", amount(gross)))
    if withheld:
        rows.append(("Tax withheld", amount(-withheld)))
    rows.append(("Net amount payable to you", amount(gross - withheld)))
    story += [Paragraph("Your distribution", s["h"]), notice_table(rows, bold_last=True)]
    if recallable:
        story.append(
            Paragraph(
                f"Of this distribution, {amount(recallable)} is recallable: it is added back to "
                "your unfunded commitment and may be called again.",
                s["p"],
            )
        )
    story += [
        Paragraph("Your commitment", s["h"]),
        notice_table(
            [
                ("Commitment", amount(position.commitment)),
                (
                    f"Capital contributed to {notice_date(d.distribution_date)}",
                    amount(position.contributed),
                ),
                ("Unfunded commitment after this distribution", amount(position.unfunded)),
            ]
        ),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"Distribution {d.number} - {investor.name}",
        author=fund.name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=True,
    )
    doc.build(story)
    safe_fund = "".join(ch if ch.isalnum() else "-" for ch in fund.name).strip("-").lower()
    return Notice(f"{safe_fund}-distribution-{d.number}-{investor_id.hex[:8]}.pdf", out.getvalue())


def keep_distribution_notices(db: Session, actor: Actor, fund: Fund, d: Distribution) -> None:
    """Render and keep every partner's notice of a distribution being issued, as of its date
    (:func:`fundhouse.funds.reporting.notices.keep_notice`)."""
    investor_ids = list(dict.fromkeys(a.investor_id for a in d.allocations))
    positions = positions_as_of(
        db, fund.id, investor_ids, d.distribution_date, through_distribution=d
    )
    for investor_id in investor_ids:
        keep_notice(
            db,
            actor,
            fund_id=fund.id,
            kind=NoticeKind.DISTRIBUTION,
            source_id=d.id,
            investor_id=investor_id,
            notice_date=d.distribution_date,
            notice=render_distribution_notice(db, fund, d, investor_id, positions[investor_id]),
        )


def distribution_notice_of(
    db: Session, actor: Actor, d: Distribution, investor_id: uuid.UUID
) -> Notice:
    """A partner's notice: as kept when the distribution was issued (one issued before notices
    were kept is rendered as of its date and kept now); a distribution never issued is
    rendered afresh, marked as a draft."""
    if not any(a.investor_id == investor_id for a in d.allocations):
        raise NotFound("This investor has no share of this distribution.")
    fund = get_fund_row(db, actor, d.fund_id)
    if d.status in DECLARED:
        return issued_notice(
            db,
            actor,
            fund_id=fund.id,
            kind=NoticeKind.DISTRIBUTION,
            source_id=d.id,
            investor_id=investor_id,
            notice_date=d.distribution_date,
            render=lambda: render_distribution_notice(db, fund, d, investor_id),
        )
    sent = kept_row(db, actor, NoticeKind.DISTRIBUTION, d.id, investor_id)
    if sent is not None:  # cancelled after it was issued: the notice as it was sent
        return kept_notice(sent)
    return render_distribution_notice(db, fund, d, investor_id)


def distribution_notice(
    db: Session, actor: Actor, distribution_id: uuid.UUID, investor_id: uuid.UUID
) -> Notice:
    """A partner's notice of a distribution, for the fund's staff (drafts marked as such)."""
    require(actor, "distribution:read")
    d = get_distribution_row(db, actor, distribution_id)
    return distribution_notice_of(db, actor, d, investor_id)


# --- LP portal ---------------------------------------------------------------------------


PORTAL_DISTRIBUTION_CSV_COLUMNS = (
    "fund_name",
    "number",
    "distribution_date",
    "status",
    "investor_name",
    "currency",
    "amount",
    "withholding_amount",
    "net_amount",
    "recallable_amount",
    "distribution_id",
    "investor_id",
)


def my_distributions(db: Session, actor: Actor) -> list[PortalDistributionOut]:
    """The LP user's own shares of issued and paid distributions, newest first."""
    require(actor, "lp_portal:read")
    mine = portal_investor_ids(db, actor)
    rows = db.execute(
        select(DistributionAllocation, Distribution, Fund, Investor.name)
        .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
        .join(Fund, Fund.id == Distribution.fund_id)
        .join(Investor, Investor.id == DistributionAllocation.investor_id)
        .where(
            DistributionAllocation.investor_id.in_(mine),
            DistributionAllocation.org_id == actor.org_id,
            Distribution.status.in_(DECLARED),
        )
        .order_by(Distribution.distribution_date.desc(), Distribution.number.desc())
    )
    shares: dict[tuple[uuid.UUID, uuid.UUID], list[Any]] = {}
    for a, d, fund, name in rows:
        key = (d.id, a.investor_id)
        if key not in shares:
            shares[key] = [d, fund, name, _ZERO, _ZERO, _ZERO]
        entry = shares[key]
        entry[3] += a.amount
        entry[4] += a.withholding_amount
        entry[5] += a.recallable_amount
    return [
        PortalDistributionOut(
            distribution_id=d.id,
            fund_id=fund.id,
            fund_name=fund.name,
            currency=fund.currency,
            number=d.number,
            distribution_date=d.distribution_date,
            status=d.status,
            investor_id=investor_id,
            investor_name=name,
            amount=money_of(fund, gross),
            withholding_amount=money_of(fund, withheld),
            net_amount=money_of(fund, gross - withheld),
            recallable_amount=money_of(fund, back),
            notice_url=(f"{API_PREFIX}/portal/distributions/{d.id}/notices/{investor_id}.pdf"),
        )
        for (_, investor_id), (d, fund, name, gross, withheld, back) in shares.items()
    ]


def my_distribution_notice(
    db: Session, actor: Actor, distribution_id: uuid.UUID, investor_id: uuid.UUID
) -> Notice:
    """The LP's own notice of an issued distribution; anything else is not found."""
    require(actor, "lp_portal:read")
    if investor_id not in portal_investor_ids(db, actor):
        raise NotFound("No such notice.")
    d = get_distribution_row(db, actor, distribution_id)
    if d.status not in DECLARED:
        raise NotFound("No such notice.")
    return distribution_notice_of(db, actor, d, investor_id)


# --- clawback and carry accrual ----------------------------------------------------------


def compute_clawback(db: Session, actor: Actor, fund_id: uuid.UUID) -> ClawbackOut:
    """The GP's clawback if the fund ended now (CONVENTIONS.md "Clawback"): its entitlement
    is the carry of the European waterfall on all contributions and issued distributions; the
    carry received is what the distributions actually paid it. Saves nothing."""
    require(actor, "distribution:read")
    fund = get_fund_row(db, actor, fund_id)
    water = load_waterfall(db, fund)
    carry_received = sum(
        db.scalars(
            select(DistributionAllocation.amount)
            .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
            .where(
                Distribution.fund_id == fund.id,
                Distribution.status.in_(DECLARED),
                DistributionAllocation.is_gp.is_(True),
            )
        ),
        _ZERO,
    )
    try:
        clawback = wf.compute_clawback(water.terms, water.partnership, water.priors, carry_received)
    except ValueError as exc:
        raise Conflict(f"The clawback cannot be computed: {exc}.") from exc
    by_investor: dict[uuid.UUID, Decimal] = defaultdict(lambda: money_of(fund, _ZERO))
    for key, amount in clawback.by_lp.items():
        if amount:
            by_investor[water.investor_of(key)] += amount
    return ClawbackOut(
        fund_id=fund.id,
        currency=fund.currency,
        carry_received=money_of(fund, clawback.carry_received),
        entitlement=money_of(fund, clawback.entitlement),
        excess_carry=money_of(fund, clawback.excess_carry),
        carry_after_tax=money_of(fund, clawback.carry_after_tax),
        amount=money_of(fund, clawback.amount),
        by_investor=dict(by_investor),
    )


def _accrued_carry(db: Session, fund: Fund, as_of: date) -> dict[uuid.UUID, Decimal]:
    """Carry accrued so far per LP: the 5200 postings of the fund's accrual entries."""
    totals = ledger.net_totals(
        db,
        fund.book_id,
        fund.currency,
        [SumBy.PARTY],
        as_of=as_of,
        account_codes=[FundAccount.CARRIED_INTEREST_ALLOCATION],
        source_type=CARRY_ACCRUAL,
    )
    return {party: amount for (party,), amount in totals.items() if amount}


def _latest_accrual(db: Session, fund: Fund) -> date | None:
    return ledger.latest_entry_date(db, fund.book_id, source_type=CARRY_ACCRUAL)


def accrue_carried_interest(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: CarryAccrualCreate
) -> CarryAccrualOut:
    """Accrue carried interest by hypothetical liquidation at ``data.as_of`` (see the module):
    post the change since the previous accrual, or only compute it with ``preview``."""
    require(actor, "valuation:write")
    fund = get_fund_row(db, actor, fund_id, for_update=not data.preview)
    as_of = data.as_of
    latest = _latest_accrual(db, fund)
    if latest is not None and as_of < latest:
        raise Invalid(
            f"Carried interest was accrued on {latest}; an accrual cannot be dated before it.",
            field="as_of",
        )
    water = load_waterfall(db, fund)
    last = water.last_prior_date
    if last is not None and as_of < last:
        raise Invalid(
            f"An accrual cannot be dated before the fund's latest distribution ({last}).",
            field="as_of",
        )
    balances = book_balances(db, fund, as_of)
    nav = nav_of(balances)
    receivable = sum(
        (b.balance for b in balances if b.account_code == FundAccount.CONTRIBUTIONS_RECEIVABLE),
        _ZERO,
    )
    liquidation = money_of(fund, nav - receivable)
    target: dict[uuid.UUID, Decimal] = {}
    if liquidation > 0 and water.contributions:
        if water.deal_by_deal:
            held = company_positions(db, fund, until=as_of)
            hypothetical = [
                wf.Distribution(as_of, money_of(fund, p.fair_value), company_id)
                for company_id, p in sorted(held.items(), key=lambda kv: str(kv[0]))
                if p.fair_value > 0
            ]
        else:
            hypothetical = [wf.Distribution(as_of, liquidation)]
        if hypothetical:
            for result in water.run(hypothetical, "as_of"):
                for investor_id, share in water.carry_by_investor(
                    result.gp_carry, as_of, result.distribution.deal
                ).items():
                    target[investor_id] = target.get(investor_id, _ZERO) + share
    before = _accrued_carry(db, fund, as_of)
    investors = sorted(set(before) | set(target), key=lambda i: water.names.get(i, str(i)))
    lines_out = []
    changes: dict[uuid.UUID, Decimal] = {}
    change_total = _ZERO
    for investor_id in investors:
        old, new = before.get(investor_id, _ZERO), target.get(investor_id, _ZERO)
        change = new - old
        lines_out.append(
            CarryAccrualLine(
                investor_id=investor_id,
                investor_name=water.names.get(investor_id, ""),
                accrued_before=money_of(fund, old),
                accrued_after=money_of(fund, new),
                change=money_of(fund, change),
            )
        )
        if change:
            changes[investor_id] = change
            change_total += change
    entry_id = None
    if change_total and not data.preview:
        gp = water.investor_of(GP_CARRY)
        lines = postings.carry_accrual(fund.currency, changes, gp)
        entry = ledger.post_entry(
            db,
            actor,
            fund.book_id,
            entry_date=as_of,
            memo=f"Carried interest accrual at {as_of} (hypothetical liquidation)",
            lines=lines,
            source_type=CARRY_ACCRUAL,
            source_id=fund.id,
        )
        entry_id = entry.id
        audit.record(
            db,
            actor,
            "carried_interest.accrued",
            entity_type="funds",
            entity_id=fund.id,
            after={
                "as_of": as_of,
                "liquidation_amount": liquidation,
                "change": change_total,
                "ledger_entry_id": entry.id,
            },
        )
        events.emit(
            db,
            "carried_interest.accrued",
            {"fund_id": fund.id, "as_of": as_of, "change": change_total, "currency": fund.currency},
            org_id=actor.org_id,
        )
    accrued_before = sum(before.values(), _ZERO)
    return CarryAccrualOut(
        fund_id=fund.id,
        currency=fund.currency,
        as_of=as_of,
        nav=money_of(fund, nav),
        liquidation_amount=liquidation,
        accrued_before=money_of(fund, accrued_before),
        accrued_after=money_of(fund, accrued_before + change_total),
        change=money_of(fund, change_total),
        lines=lines_out,
        ledger_entry_id=entry_id,
    )
