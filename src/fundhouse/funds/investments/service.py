"""Portfolio companies: investments at cost, quarterly valuations and realizations.

A company's position is derived from its transactions and valuations, replayed in the order
they were recorded (:func:`replay`): cost grows with purchases and shrinks with sales and
write-offs; a valuation sets the unrealized appreciation to fair value less the cost then held;
a sale or write-off releases the unrealized appreciation of the cost it takes out (pro rata,
rounded half up to the currency's minor unit; all of it when the whole cost goes). Nothing is
stored twice: the ledger entries carry the same amounts, and a transaction or valuation dated
before the company's latest one is refused, so the replay always reproduces what was posted.

Ledger postings, in the fund's book, dated the transaction or valuation date:

* purchase: Dr 1200 investments at cost / Cr 1000 cash.
* valuation: the change in unrealized appreciation, Dr 1210 unrealized appreciation /
  Cr 4100 net change in unrealized appreciation (reversed for a decrease), the 4100 side
  allocated to the partners.
* sale: Dr 1000 cash (proceeds) / Cr 1200 (cost released); the realized gain (proceeds − cost,
  negative for a loss) to 4000 realized gain, allocated to the partners; and the release of
  the unrealized appreciation on that cost, Dr 4100 (allocated) / Cr 1210 (reversed when it
  was a depreciation).
* write-off: as a sale without proceeds (a realized loss of the cost).
* income (dividend, interest): Dr 1000 cash / Cr 4200 dividend and interest income, allocated.

Allocation to the partners: pro rata to each partner's capital before carried interest at the
transaction date (its capital account without 3200/5200, so the GP's carry earns no share of
gains: carry is settled by the waterfall), by the allocation rule of CONVENTIONS.md (ties to
the earlier commitment); before any partner has capital, pro rata to commitments.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundhouse.finance.allocation import allocate
from fundhouse.funds import postings
from fundhouse.funds.accounts.capital_accounts import (
    CAPITAL_BEFORE_CARRY,
    capital_of,
    fund_partners,
    money_of,
    partner_capital,
)
from fundhouse.funds.investments.schemas import (
    CompanyCreate,
    CompanyOut,
    InvestmentCreate,
    InvestmentOut,
    RealizationCreate,
    ValuationCreate,
    ValuationOut,
)
from fundhouse.funds.models import (
    CompanyStatus,
    Fund,
    Investment,
    InvestmentKind,
    PortfolioCompany,
    Valuation,
)
from fundhouse.funds.register.service import get_fund_row, money, quantum_of, rows_or_page, today
from fundhouse.ledger import service as ledger
from fundhouse.platform import audit, events
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import Conflict, FieldError, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

_ZERO = Decimal(0)


# --- positions ---------------------------------------------------------------------------


@dataclass
class Effect:
    """What one transaction or valuation did to its company's position."""

    cost: Decimal = _ZERO
    unrealized: Decimal = _ZERO
    change: Decimal = _ZERO
    realized_gain: Decimal = _ZERO
    unrealized_released: Decimal = _ZERO


@dataclass
class Position:
    """A company's position after the events replayed so far."""

    invested: Decimal = _ZERO
    cost: Decimal = _ZERO
    unrealized: Decimal = _ZERO
    proceeds: Decimal = _ZERO
    realized_gain: Decimal = _ZERO
    last_event: date | None = None
    last_valuation: date | None = None
    effects: dict[uuid.UUID, Effect] = field(default_factory=dict)

    @property
    def fair_value(self) -> Decimal:
        return self.cost + self.unrealized

    def purchase(self, cost: Decimal) -> Effect:
        self.invested += cost
        self.cost += cost
        return Effect(cost=self.cost, unrealized=self.unrealized)

    def value(self, fair_value: Decimal) -> Effect:
        unrealized = fair_value - self.cost
        change = unrealized - self.unrealized
        self.unrealized = unrealized
        return Effect(cost=self.cost, unrealized=unrealized, change=change)

    def release(self, cost: Decimal, proceeds: Decimal, quantum: Decimal) -> Effect:
        """Take ``cost`` of basis out for ``proceeds``: the realized gain and the unrealized
        appreciation released with it (pro rata to the cost, half up)."""
        if cost >= self.cost:
            released = self.unrealized
        else:
            released = (self.unrealized * cost / self.cost).quantize(quantum, ROUND_HALF_UP)
        gain = proceeds - cost
        self.cost -= cost
        self.unrealized -= released
        self.proceeds += proceeds
        self.realized_gain += gain
        return Effect(
            cost=self.cost,
            unrealized=self.unrealized,
            realized_gain=gain,
            unrealized_released=released,
        )

    def income(self, proceeds: Decimal) -> Effect:
        self.proceeds += proceeds
        return Effect(cost=self.cost, unrealized=self.unrealized, realized_gain=proceeds)


def replay(
    investments: Iterable[Investment],
    valuations: Iterable[Valuation],
    quantum: Decimal,
    until: date | None = None,
) -> Position:
    """One company's position from its events, in the order they were recorded (date, then
    creation), up to ``until`` when given."""
    events_: list[tuple[date, Any, int, Investment | Valuation]] = [
        (i.transaction_date, i.created_at, 0, i) for i in investments
    ]
    events_ += [(v.as_of, v.created_at, 1, v) for v in valuations]
    events_.sort(key=lambda e: (e[0], e[1], e[2]))
    position = Position()
    for when, _created, _kind, event in events_:
        if until is not None and when > until:
            break
        if isinstance(event, Valuation):
            effect = position.value(event.fair_value)
            position.last_valuation = when
        elif event.kind == InvestmentKind.PURCHASE:
            effect = position.purchase(event.cost_amount)
        elif event.kind == InvestmentKind.INCOME:
            effect = position.income(event.proceeds_amount)
        else:
            effect = position.release(event.cost_amount, event.proceeds_amount, quantum)
        position.effects[event.id] = effect
        position.last_event = when
    return position


def company_positions(
    db: Session,
    fund: Fund,
    company_ids: Sequence[uuid.UUID] | None = None,
    until: date | None = None,
) -> dict[uuid.UUID, Position]:
    """Positions of the fund's companies (or of ``company_ids``): two queries."""
    inv_stmt = select(Investment).where(Investment.fund_id == fund.id)
    val_stmt = select(Valuation).where(Valuation.fund_id == fund.id)
    if company_ids is not None:
        inv_stmt = inv_stmt.where(Investment.company_id.in_(company_ids))
        val_stmt = val_stmt.where(Valuation.company_id.in_(company_ids))
    investments: dict[uuid.UUID, list[Investment]] = defaultdict(list)
    valuations: dict[uuid.UUID, list[Valuation]] = defaultdict(list)
    for i in db.scalars(inv_stmt):
        investments[i.company_id].append(i)
    for v in db.scalars(val_stmt):
        valuations[v.company_id].append(v)
    quantum = quantum_of(fund.currency)
    ids = set(company_ids) if company_ids is not None else set(investments) | set(valuations)
    return {
        cid: replay(investments.get(cid, []), valuations.get(cid, []), quantum, until)
        for cid in ids
    }


@dataclass(frozen=True)
class PortfolioFlows:
    """The fund's own investment flows up to a date, for gross IRR and MOIC."""

    invested: list[tuple[date, Decimal]]
    proceeds: list[tuple[date, Decimal]]
    unrealized_value: Decimal


def portfolio_flows(db: Session, fund: Fund, as_of: date) -> PortfolioFlows:
    """Purchases, proceeds (sales and income) and the fair value held at ``as_of``."""
    invested: list[tuple[date, Decimal]] = []
    proceeds: list[tuple[date, Decimal]] = []
    for kind, when, cost, received in db.execute(
        select(
            Investment.kind,
            Investment.transaction_date,
            Investment.cost_amount,
            Investment.proceeds_amount,
        ).where(Investment.fund_id == fund.id, Investment.transaction_date <= as_of)
    ):
        if kind == InvestmentKind.PURCHASE:
            invested.append((when, cost))
        elif received:
            proceeds.append((when, received))
    held = company_positions(db, fund, until=as_of)
    value = sum((p.fair_value for p in held.values()), _ZERO)
    return PortfolioFlows(invested, proceeds, value)


def invested_cost_series(db: Session, fund: Fund) -> list[tuple[date, Decimal]]:
    """The cost of unrealized investments after each transaction date (a step function)."""
    changes: dict[date, Decimal] = defaultdict(lambda: _ZERO)
    for kind, when, cost in db.execute(
        select(Investment.kind, Investment.transaction_date, Investment.cost_amount).where(
            Investment.fund_id == fund.id
        )
    ):
        if kind == InvestmentKind.PURCHASE:
            changes[when] += cost
        elif kind in (InvestmentKind.SALE, InvestmentKind.WRITE_OFF):
            changes[when] -= cost
    series = []
    running = _ZERO
    for when in sorted(changes):
        running += changes[when]
        series.append((when, running))
    return series


# --- allocation to the partners ----------------------------------------------------------


def allocate_to_partners(
    db: Session, fund: Fund, total: Decimal, on: date
) -> list[tuple[uuid.UUID, Decimal]]:
    """``total`` (signed) split among the partners pro rata to their capital before carried
    interest on ``on``, or to their commitments before anyone has capital (see the module)."""
    partners = fund_partners(db, fund)
    order = sorted(partners.values(), key=lambda p: p.first_sequence)
    capital = capital_of(partner_capital(db, fund, on, codes=CAPITAL_BEFORE_CARRY))
    weights = {p.investor_id: max(capital.get(p.investor_id, _ZERO), _ZERO) for p in order}
    if not any(weights.values()):
        weights = {p.investor_id: max(p.committed, _ZERO) for p in order}
    if not any(weights.values()):
        raise Conflict("The fund has no partner with capital or a commitment to allocate to.")
    shares = allocate(total, weights, quantum_of(fund.currency))
    return [(key, amount) for key, amount in shares.by_key().items() if amount]


# --- companies ---------------------------------------------------------------------------


def get_company_row(
    db: Session, actor: Actor, company_id: uuid.UUID, *, for_update: bool = False
) -> PortfolioCompany:
    stmt = select(PortfolioCompany).where(
        PortfolioCompany.id == company_id, PortfolioCompany.org_id == actor.org_id
    )
    if for_update:
        stmt = stmt.with_for_update()
    company = db.scalar(stmt)
    if company is None:
        raise NotFound("No such portfolio company.")
    return company


def company_out(fund: Fund, company: PortfolioCompany, position: Position) -> CompanyOut:
    m = lambda v: money_of(fund, v)  # noqa: E731
    return CompanyOut(
        id=company.id,
        fund_id=company.fund_id,
        currency=fund.currency,
        name=company.name,
        sector=company.sector,
        country=company.country,
        description=company.description,
        status=company.status,
        invested=m(position.invested),
        cost=m(position.cost),
        unrealized=m(position.unrealized),
        fair_value=m(position.fair_value),
        proceeds=m(position.proceeds),
        realized_gain=m(position.realized_gain),
        last_valuation_date=position.last_valuation,
        created_at=company.created_at,
    )


def create_company(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: CompanyCreate
) -> CompanyOut:
    require(actor, "valuation:write")
    fund = get_fund_row(db, actor, fund_id)
    taken = db.scalar(
        select(PortfolioCompany.id).where(
            PortfolioCompany.fund_id == fund.id, PortfolioCompany.name == data.name
        )
    )
    if taken is not None:
        raise Conflict(
            f"The fund has a portfolio company named {data.name!r} already.",
            errors=[FieldError(field="name", message="already taken")],
        )
    company = PortfolioCompany(org_id=actor.org_id, fund_id=fund.id, **data.model_dump())
    db.add(company)
    db.flush()
    audit.record(db, actor, "portfolio_company.created", company)
    return company_out(fund, company, Position())


COMPANY_CSV_COLUMNS = (
    "id",
    "name",
    "sector",
    "country",
    "status",
    "currency",
    "invested",
    "cost",
    "unrealized",
    "fair_value",
    "proceeds",
    "realized_gain",
    "last_valuation_date",
)


def list_companies(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[CompanyOut]:
    """The fund's portfolio companies by name, with their positions (three queries)."""
    require(actor, "valuation:read")
    fund = get_fund_row(db, actor, fund_id)
    rows, next_cursor = rows_or_page(
        db,
        select(PortfolioCompany).where(PortfolioCompany.fund_id == fund.id),
        sort_column=PortfolioCompany.name,
        id_column=PortfolioCompany.id,
        descending=False,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    positions = company_positions(db, fund, [c.id for c in rows])
    return Page[CompanyOut](
        items=[company_out(fund, c, positions[c.id]) for c in rows], next_cursor=next_cursor
    )


def export_companies_csv(db: Session, actor: Actor, fund_id: uuid.UUID) -> str:
    return csv_of(COMPANY_CSV_COLUMNS, list_companies(db, actor, fund_id, everything=True).items)


# --- transactions and valuations ---------------------------------------------------------


def _locked(
    db: Session, actor: Actor, company_id: uuid.UUID
) -> tuple[PortfolioCompany, Fund, Position]:
    company = get_company_row(db, actor, company_id, for_update=True)
    fund = get_fund_row(db, actor, company.fund_id, for_update=True)
    return company, fund, company_positions(db, fund, [company.id])[company.id]


def _check_date(position: Position, when: date, field: str) -> None:
    if when > today():
        raise Invalid("The date cannot be in the future.", field=field)
    if position.last_event is not None and when < position.last_event:
        raise Invalid(
            f"The company has activity recorded on {position.last_event}; a transaction or "
            "valuation cannot be dated before it.",
            field=field,
        )


def investment_out(fund: Fund, investment: Investment, effect: Effect) -> InvestmentOut:
    return InvestmentOut(
        id=investment.id,
        company_id=investment.company_id,
        kind=investment.kind,
        transaction_date=investment.transaction_date,
        cost_amount=money_of(fund, investment.cost_amount),
        proceeds_amount=money_of(fund, investment.proceeds_amount),
        realized_gain=money_of(fund, effect.realized_gain),
        unrealized_released=money_of(fund, effect.unrealized_released),
        instrument=investment.instrument,
        description=investment.description,
        ledger_entry_id=investment.ledger_entry_id,
        created_at=investment.created_at,
    )


def _post(
    db: Session,
    actor: Actor,
    fund: Fund,
    when: date,
    memo: str,
    lines: list[ledger.Line],
    source_type: str,
    source_id: uuid.UUID,
) -> uuid.UUID | None:
    if not lines:
        return None
    entry = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=when,
        memo=memo[:500],
        lines=lines,
        source_type=source_type,
        source_id=source_id,
    )
    return entry.id


def record_investment(
    db: Session, actor: Actor, company_id: uuid.UUID, data: InvestmentCreate
) -> InvestmentOut:
    """A purchase at cost: Dr 1200 investments at cost / Cr 1000 cash."""
    require(actor, "valuation:write")
    company, fund, position = _locked(db, actor, company_id)
    if company.status != CompanyStatus.ACTIVE:
        raise Conflict(f"The company is {company.status.value}; it takes no new investment.")
    cost = money(data.cost_amount, fund.currency, "cost_amount")
    _check_date(position, data.transaction_date, "transaction_date")
    investment = Investment(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        company_id=company.id,
        kind=InvestmentKind.PURCHASE,
        transaction_date=data.transaction_date,
        cost_amount=cost,
        proceeds_amount=cost * 0,
        instrument=data.instrument,
        description=data.description,
        created_by=actor.user_id,
    )
    db.add(investment)
    db.flush()
    investment.ledger_entry_id = _post(
        db,
        actor,
        fund,
        data.transaction_date,
        f"Investment in {company.name}",
        postings.investment_purchased(fund.currency, cost),
        "investment",
        investment.id,
    )
    db.flush()
    audit.record(db, actor, "investment.recorded", investment)
    events.emit(db, "investment.recorded", _payload(fund, company, investment), org_id=actor.org_id)
    return investment_out(fund, investment, position.purchase(cost))


def _payload(fund: Fund, company: PortfolioCompany, investment: Investment) -> dict[str, Any]:
    return {
        "investment_id": investment.id,
        "fund_id": fund.id,
        "company_id": company.id,
        "kind": investment.kind,
        "transaction_date": investment.transaction_date,
        "cost_amount": investment.cost_amount,
        "proceeds_amount": investment.proceeds_amount,
        "currency": fund.currency,
    }


def record_realization(
    db: Session, actor: Actor, company_id: uuid.UUID, data: RealizationCreate
) -> InvestmentOut:
    """A sale, write-off or income of a company, with its postings (see the module)."""
    require(actor, "valuation:write")
    company, fund, position = _locked(db, actor, company_id)
    cost = money(data.cost_amount, fund.currency, "cost_amount")
    proceeds = money(data.proceeds_amount, fund.currency, "proceeds_amount")
    _check_date(position, data.transaction_date, "transaction_date")
    kind = InvestmentKind(data.kind)
    if kind == InvestmentKind.WRITE_OFF and cost == 0:
        cost = position.cost
    if cost > position.cost:
        raise Invalid(
            f"The cost released ({cost}) exceeds the cost held ({position.cost}).",
            field="cost_amount",
        )
    if kind == InvestmentKind.WRITE_OFF and cost == 0:
        raise Conflict("The company has no cost left to write off.")
    investment = Investment(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        company_id=company.id,
        kind=kind,
        transaction_date=data.transaction_date,
        cost_amount=cost,
        proceeds_amount=proceeds,
        description=data.description,
        created_by=actor.user_id,
    )
    db.add(investment)
    db.flush()
    quantum = quantum_of(fund.currency)
    if kind == InvestmentKind.INCOME:
        effect = position.income(proceeds)
        shares = allocate_to_partners(db, fund, proceeds, data.transaction_date)
        lines = postings.income_received(fund.currency, proceeds, dict(shares))
        memo = f"Income from {company.name}"
    else:
        effect = position.release(cost, proceeds, quantum)
        gain = effect.realized_gain
        released = effect.unrealized_released
        lines = postings.investment_realized(
            fund.currency,
            proceeds=proceeds,
            cost=cost,
            gain=dict(allocate_to_partners(db, fund, gain, data.transaction_date) if gain else []),
            released=released,
            released_shares=dict(
                allocate_to_partners(db, fund, released, data.transaction_date) if released else []
            ),
        )
        word = "Sale of" if kind == InvestmentKind.SALE else "Write-off of"
        memo = f"{word} {company.name}"
        if position.cost == 0:
            before = audit.snapshot(company)
            company.status = (
                CompanyStatus.EXITED if kind == InvestmentKind.SALE else CompanyStatus.WRITTEN_OFF
            )
            db.flush()
            audit.record(db, actor, "portfolio_company.updated", company, before=before)
    investment.ledger_entry_id = _post(
        db, actor, fund, data.transaction_date, memo, lines, "realization", investment.id
    )
    db.flush()
    audit.record(db, actor, "realization.recorded", investment)
    events.emit(
        db, "realization.recorded", _payload(fund, company, investment), org_id=actor.org_id
    )
    return investment_out(fund, investment, effect)


def record_valuation(
    db: Session, actor: Actor, company_id: uuid.UUID, data: ValuationCreate
) -> ValuationOut:
    """A company's fair value at ``as_of``; the change in unrealized appreciation is posted
    (Dr/Cr 1210 against 4100, allocated to the partners)."""
    require(actor, "valuation:write")
    company, fund, position = _locked(db, actor, company_id)
    fair_value = money(data.fair_value, fund.currency, "fair_value")
    _check_date(position, data.as_of, "as_of")
    exists = db.scalar(
        select(func.count())
        .select_from(Valuation)
        .where(Valuation.company_id == company.id, Valuation.as_of == data.as_of)
    )
    if exists:
        raise Conflict(
            f"The company has a valuation on {data.as_of} already.",
            errors=[FieldError(field="as_of", message="already valued")],
        )
    valuation = Valuation(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        company_id=company.id,
        as_of=data.as_of,
        fair_value=fair_value,
        method=data.method,
        notes=data.notes,
        created_by=actor.user_id,
    )
    db.add(valuation)
    db.flush()
    effect = position.value(fair_value)
    shares = allocate_to_partners(db, fund, effect.change, data.as_of) if effect.change else []
    lines = postings.valuation_changed(fund.currency, effect.change, dict(shares))
    valuation.ledger_entry_id = _post(
        db,
        actor,
        fund,
        data.as_of,
        f"Valuation of {company.name} at {data.as_of}",
        lines,
        "valuation",
        valuation.id,
    )
    db.flush()
    audit.record(db, actor, "valuation.recorded", valuation)
    events.emit(
        db,
        "valuation.recorded",
        {
            "valuation_id": valuation.id,
            "fund_id": fund.id,
            "company_id": company.id,
            "as_of": data.as_of,
            "fair_value": fair_value,
            "change": effect.change,
            "currency": fund.currency,
        },
        org_id=actor.org_id,
    )
    return ValuationOut(
        id=valuation.id,
        company_id=company.id,
        as_of=valuation.as_of,
        fair_value=money_of(fund, fair_value),
        cost=money_of(fund, effect.cost),
        unrealized=money_of(fund, effect.unrealized),
        change=money_of(fund, effect.change),
        method=valuation.method,
        notes=valuation.notes,
        ledger_entry_id=valuation.ledger_entry_id,
        created_at=valuation.created_at,
    )
