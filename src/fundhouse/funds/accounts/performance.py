"""Fund performance: multiples, IRRs, PMEs against a benchmark, the J-curve and the dashboard.

Conventions: CONVENTIONS.md "Cash flows and returns" and "Fund performance"; the formulas are
the finance core's (:mod:`fundhouse.finance.metrics`, :mod:`fundhouse.finance.cashflows`).

Where the figures come from:

* **Net** (the LPs' view): from the ledger's partner accounts, so they agree with the capital
  accounts to the cent. Paid-in capital is a partner's contributions (3000, dated the call);
  distributions are its declared distributions (3100, dated the distribution, before tax
  withheld for it); its NAV is its capital account. Net IRR is the XIRR of contributions
  (negative), distributions and the NAV at the valuation date (ILPA). Fund-level net figures
  are the LPs' together: the GP's own commitment and its carried interest are left out.
* **Gross** (the fund's investments): purchases of portfolio companies, proceeds of sales and
  income, and the fair value still held; no fees, expenses or carry. MOIC = (proceeds + fair
  value) / invested.
* **PME** against a benchmark index of levels (looked up on or before each date): Kaplan-Schoar,
  Long-Nickels and Direct Alpha on the LPs' net flows and NAV.
* **J-curve**: cumulative capital called, distributed and the NAV at each quarter end.

Per-LP IRRs of a page (or of every LP) are solved together with
:func:`fundhouse.finance.cashflows.xirr_many`.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundhouse.finance import metrics
from fundhouse.finance.cashflows import IrrResult, solve_xirr, xirr_many
from fundhouse.funds.accounts.capital_accounts import (
    CAPITAL_CODES,
    EXACT,
    NET_ASSET_TYPES,
    capital_accounts_for,
    capital_of,
    fund_partners,
    money_of,
    partner_capital,
    partner_investors,
)
from fundhouse.funds.accounts.schemas import (
    BenchmarkCreate,
    BenchmarkOut,
    CapitalAccountOut,
    DashboardOut,
    FundPerformanceOut,
    InvestorPerformanceOut,
    JCurveOut,
    JCurvePoint,
    LastCallOut,
    LastDistributionOut,
    LevelsUploadedOut,
    PmeOut,
)
from fundhouse.funds.investments.service import portfolio_flows
from fundhouse.funds.models import (
    BenchmarkIndex,
    CallStatus,
    CapitalCall,
    Commitment,
    Distribution,
    DistributionStatus,
    Fund,
    IndexLevel,
    Investor,
)
from fundhouse.funds.portal.schemas import PortalPerformanceOut
from fundhouse.funds.register.service import (
    contributed_by_investor,
    get_fund_row,
    portal_investor_ids,
    rows_or_page,
    today,
)
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.service import SumBy
from fundhouse.platform import audit
from fundhouse.platform.access import Actor, require
from fundhouse.platform.cache import Cache
from fundhouse.platform.errors import Conflict, FieldError, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

_ZERO = Decimal(0)
CONTRIBUTIONS = FundAccount.CAPITAL_CONTRIBUTIONS
DISTRIBUTIONS = FundAccount.CAPITAL_DISTRIBUTIONS
MAX_LEVELS_BYTES = 5 * 1024 * 1024


# --- partner flows -----------------------------------------------------------------------


@dataclass
class PartnerFlows:
    """Each partner's dated net flows (contributions negative) and totals at a date."""

    flows: dict[uuid.UUID, dict[date, Decimal]] = field(default_factory=dict)
    paid_in: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    distributed: dict[uuid.UUID, Decimal] = field(default_factory=dict)
    capital: dict[uuid.UUID, Decimal] = field(default_factory=dict)


def partner_flows(
    db: Session, fund: Fund, as_of: date, parties: Sequence[uuid.UUID] | None = None
) -> PartnerFlows:
    """Contributions and distributions of the partners by date, and their capital accounts
    at ``as_of``: two grouped queries whatever the number of partners."""
    totals = ledger.net_totals(
        db,
        fund.book_id,
        fund.currency,
        [SumBy.PARTY, SumBy.ACCOUNT, SumBy.DATE],
        as_of=as_of,
        account_codes=[CONTRIBUTIONS, DISTRIBUTIONS],
        parties=parties,
    )
    out = PartnerFlows()
    with localcontext(EXACT):
        for (party, code, day), amount in totals.items():
            by_day = out.flows.setdefault(party, {})
            by_day[day] = by_day.get(day, _ZERO) + amount
            if code == CONTRIBUTIONS:
                out.paid_in[party] = out.paid_in.get(party, _ZERO) - amount
            else:
                out.distributed[party] = out.distributed.get(party, _ZERO) + amount
    out.capital = capital_of(partner_capital(db, fund, as_of, parties=parties))
    return out


def _series(flows: Mapping[date, Decimal], nav: Decimal, as_of: date) -> list[tuple[date, Decimal]]:
    series = [(day, amount) for day, amount in flows.items() if amount]
    if nav:
        series.append((as_of, nav))
    return series


def _multiples(
    committed: Decimal, paid_in: Decimal, distributed: Decimal, nav: Decimal
) -> metrics.FundMultiples:
    return metrics.fund_multiples(
        max(committed, _ZERO), max(paid_in, _ZERO), max(distributed, _ZERO), nav
    )


def _split_flows(
    flows: Mapping[date, Decimal],
) -> tuple[list[tuple[date, Decimal]], list[tuple[date, Decimal]]]:
    """Net dated flows as positive contributions and positive distributions."""
    paid = [(day, -amount) for day, amount in sorted(flows.items()) if amount < 0]
    received = [(day, amount) for day, amount in sorted(flows.items()) if amount > 0]
    return paid, received


# --- benchmarks --------------------------------------------------------------------------


def get_benchmark_row(db: Session, actor: Actor, benchmark_id: uuid.UUID) -> BenchmarkIndex:
    benchmark = db.scalar(
        select(BenchmarkIndex).where(
            BenchmarkIndex.id == benchmark_id, BenchmarkIndex.org_id == actor.org_id
        )
    )
    if benchmark is None:
        raise NotFound("No such benchmark.")
    return benchmark


def index_series(db: Session, benchmark: BenchmarkIndex) -> metrics.IndexSeries:
    levels = db.execute(
        select(IndexLevel.level_date, IndexLevel.level).where(IndexLevel.index_id == benchmark.id)
    ).all()
    if not levels:
        raise Invalid("The benchmark has no levels yet; upload them first.", field="benchmark_id")
    return metrics.IndexSeries.from_levels([(d, level) for d, level in levels])


def _pme(
    benchmark: BenchmarkIndex,
    index: metrics.IndexSeries,
    flows: Mapping[date, Decimal],
    nav: Decimal,
    as_of: date,
) -> PmeOut:
    """The three PMEs of CONVENTIONS.md "Fund performance" on the LPs' flows and NAV."""
    paid, received = _split_flows(flows)
    try:
        ks = metrics.kaplan_schoar_pme(paid, received, nav, as_of, index)
        ln = metrics.long_nickels_pme(paid, received, nav, as_of, index)
        da = metrics.direct_alpha(paid, received, nav, as_of, index)
    except ValueError as exc:
        raise Invalid(f"The benchmark cannot be applied: {exc}.", field="benchmark_id") from exc
    return PmeOut(
        benchmark_id=benchmark.id,
        benchmark_name=benchmark.name,
        kaplan_schoar=ks,
        long_nickels_irr=ln.rate,
        long_nickels_reason=ln.irr.reason,
        direct_alpha=da.rate,
        direct_alpha_continuous=da.continuous_rate,
        direct_alpha_reason=da.reason,
    )


def create_benchmark(db: Session, actor: Actor, data: BenchmarkCreate) -> BenchmarkOut:
    require(actor, "report:write")
    taken = db.scalar(
        select(BenchmarkIndex.id).where(
            BenchmarkIndex.org_id == actor.org_id, BenchmarkIndex.name == data.name
        )
    )
    if taken is not None:
        raise Conflict(
            f"A benchmark named {data.name!r} exists already.",
            errors=[FieldError(field="name", message="already taken")],
        )
    benchmark = BenchmarkIndex(org_id=actor.org_id, **data.model_dump())
    db.add(benchmark)
    db.flush()
    audit.record(db, actor, "benchmark.created", benchmark)
    return _benchmark_out(benchmark, 0, None, None)


def _benchmark_out(
    b: BenchmarkIndex, count: int, first: date | None, last: date | None
) -> BenchmarkOut:
    return BenchmarkOut(
        id=b.id,
        name=b.name,
        currency=b.currency,
        description=b.description,
        levels=count,
        first_date=first,
        last_date=last,
        created_at=b.created_at,
    )


BENCHMARK_CSV_COLUMNS = (
    "id",
    "name",
    "currency",
    "description",
    "levels",
    "first_date",
    "last_date",
    "created_at",
)


def list_benchmarks(
    db: Session,
    actor: Actor,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[BenchmarkOut]:
    """The organization's benchmarks by name, with the range of their levels (two queries)."""
    require(actor, "performance:read")
    rows, next_cursor = rows_or_page(
        db,
        select(BenchmarkIndex).where(BenchmarkIndex.org_id == actor.org_id),
        sort_column=BenchmarkIndex.name,
        id_column=BenchmarkIndex.id,
        descending=False,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    stats: dict[uuid.UUID, tuple[int, date | None, date | None]] = {}
    if rows:
        for index_id, count, first, last in db.execute(
            select(
                IndexLevel.index_id,
                func.count(),
                func.min(IndexLevel.level_date),
                func.max(IndexLevel.level_date),
            )
            .where(IndexLevel.index_id.in_([b.id for b in rows]))
            .group_by(IndexLevel.index_id)
        ):
            stats[index_id] = (count, first, last)
    items = [_benchmark_out(b, *stats.get(b.id, (0, None, None))) for b in rows]
    return Page[BenchmarkOut](items=items, next_cursor=next_cursor)


def export_benchmarks_csv(db: Session, actor: Actor) -> str:
    return csv_of(BENCHMARK_CSV_COLUMNS, list_benchmarks(db, actor, everything=True).items)


def _parse_levels(content: bytes) -> dict[date, Decimal]:
    """``date,level`` rows (a header naming both columns first), every problem reported."""
    if len(content) > MAX_LEVELS_BYTES:
        raise Invalid(
            f"The file is larger than {MAX_LEVELS_BYTES // 1024 // 1024} MB.", field="file"
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid("The file is not UTF-8 text.", field="file") from exc
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "date" not in header or "level" not in header:
        raise Invalid("The first row must name the columns date and level.", field="file")
    at_date, at_level = header.index("date"), header.index("level")
    levels: dict[date, Decimal] = {}
    errors: list[FieldError] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        try:
            day = date.fromisoformat(cells[at_date].strip())
        except ValueError:
            errors.append(FieldError(field=f"row {number}: date", message="not a YYYY-MM-DD date"))
            continue
        try:
            level = Decimal(cells[at_level].strip())
        except InvalidOperation:
            level = Decimal(-1)
        if not level.is_finite() or level <= 0:
            errors.append(FieldError(field=f"row {number}: level", message="not a positive number"))
            continue
        if day in levels:
            errors.append(FieldError(field=f"row {number}: date", message=f"{day} repeats"))
            continue
        levels[day] = level
    if errors:
        raise Invalid(f"{len(errors)} rows of the file are not valid.", errors=errors)
    if not levels:
        raise Invalid("The file has no levels.", field="file")
    return levels


def upload_levels(
    db: Session, actor: Actor, benchmark_id: uuid.UUID, content: bytes
) -> LevelsUploadedOut:
    """Add or replace the benchmark's levels from a CSV file (all or nothing)."""
    require(actor, "report:write")
    benchmark = get_benchmark_row(db, actor, benchmark_id)
    levels = _parse_levels(content)
    existing = {
        row.level_date: row
        for row in db.scalars(select(IndexLevel).where(IndexLevel.index_id == benchmark.id))
    }
    created = updated = 0
    for day, level in levels.items():
        row = existing.get(day)
        if row is None:
            db.add(
                IndexLevel(org_id=actor.org_id, index_id=benchmark.id, level_date=day, level=level)
            )
            created += 1
        elif row.level != level:
            row.level = level
            updated += 1
    db.flush()
    first, last = min(levels), max(levels)
    audit.record(
        db,
        actor,
        "benchmark.levels_uploaded",
        benchmark,
        after={"created": created, "updated": updated, "first_date": first, "last_date": last},
    )
    return LevelsUploadedOut(
        benchmark_id=benchmark.id,
        received=len(levels),
        created=created,
        updated=updated,
        first_date=first,
        last_date=last,
    )


# --- fund performance --------------------------------------------------------------------


def _irr(series: list[tuple[date, Decimal]]) -> IrrResult:
    return solve_xirr(series) if series else IrrResult(None, "no cash flows")


def fund_performance(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    as_of: date | None = None,
    benchmark_id: uuid.UUID | None = None,
) -> FundPerformanceOut:
    """The fund's net (LPs) and gross (investments) performance at ``as_of`` (today)."""
    require(actor, "performance:read")
    fund = get_fund_row(db, actor, fund_id)
    as_of = as_of or today()
    benchmark = get_benchmark_row(db, actor, benchmark_id) if benchmark_id else None
    partners = fund_partners(db, fund)
    flows = partner_flows(db, fund, as_of)
    gp = fund.gp_investor_id
    lp_flows: dict[date, Decimal] = defaultdict(lambda: _ZERO)
    for party, by_day in flows.flows.items():
        if party != gp:
            for day, amount in by_day.items():
                lp_flows[day] += amount
    lps = [p for p in partners.values() if not p.is_gp]
    committed = sum((p.committed for p in lps), _ZERO)
    paid_in = sum((v for k, v in flows.paid_in.items() if k != gp), _ZERO)
    distributed = sum((v for k, v in flows.distributed.items() if k != gp), _ZERO)
    nav = sum((v for k, v in flows.capital.items() if k != gp), _ZERO)
    multiples = _multiples(committed, paid_in, distributed, nav)
    net = _irr(_series(lp_flows, nav, as_of))
    portfolio = portfolio_flows(db, fund, as_of)
    invested = sum((a for _, a in portfolio.invested), _ZERO)
    realized = sum((a for _, a in portfolio.proceeds), _ZERO)
    gross = IrrResult(None, "no investments")
    if portfolio.invested:
        gross = _irr(
            metrics.gross_irr_flows(
                portfolio.invested, portfolio.proceeds, portfolio.unrealized_value, as_of
            )
        )
    pme = None
    if benchmark is not None:
        pme = _pme(benchmark, index_series(db, benchmark), lp_flows, nav, as_of)
    m = lambda v: money_of(fund, v)  # noqa: E731
    return FundPerformanceOut(
        fund_id=fund.id,
        currency=fund.currency,
        as_of=as_of,
        committed=m(committed),
        paid_in=m(paid_in),
        distributed=m(distributed),
        nav=m(nav),
        fund_nav=m(sum(flows.capital.values(), _ZERO)),
        pic=multiples.pic,
        dpi=multiples.dpi,
        rvpi=multiples.rvpi,
        tvpi=multiples.tvpi,
        net_irr=net.rate,
        net_irr_reason=net.reason,
        invested=m(invested),
        realized_value=m(realized),
        unrealized_value=m(portfolio.unrealized_value),
        moic=metrics.moic(realized, portfolio.unrealized_value, invested),
        gross_irr=gross.rate,
        gross_irr_reason=gross.reason,
        pme=pme,
    )


def _investor_rows(
    fund: Fund,
    investors: Sequence[tuple[uuid.UUID, str]],
    committed: Mapping[uuid.UUID, Decimal],
    flows: PartnerFlows,
    as_of: date,
) -> list[InvestorPerformanceOut]:
    series = [
        _series(flows.flows.get(i, {}), flows.capital.get(i, _ZERO), as_of) for i, _ in investors
    ]
    irrs: list[IrrResult] = list(xirr_many(series)) if series else []
    out = []
    for (investor_id, name), irr in zip(investors, irrs, strict=True):
        paid_in = flows.paid_in.get(investor_id, _ZERO)
        distributed = flows.distributed.get(investor_id, _ZERO)
        nav = flows.capital.get(investor_id, _ZERO)
        multiples = _multiples(committed.get(investor_id, _ZERO), paid_in, distributed, nav)
        out.append(
            InvestorPerformanceOut(
                investor_id=investor_id,
                investor_name=name,
                is_gp=investor_id == fund.gp_investor_id,
                committed=money_of(fund, committed.get(investor_id, _ZERO)),
                paid_in=money_of(fund, paid_in),
                distributed=money_of(fund, distributed),
                nav=money_of(fund, nav),
                pic=multiples.pic,
                dpi=multiples.dpi,
                rvpi=multiples.rvpi,
                tvpi=multiples.tvpi,
                irr=irr.rate,
                irr_reason=irr.reason,
            )
        )
    return out


def _committed(
    db: Session, fund: Fund, investor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Decimal]:
    committed: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    if investor_ids:
        for investor_id, amount in db.execute(
            select(Commitment.investor_id, Commitment.amount).where(
                Commitment.fund_id == fund.id, Commitment.investor_id.in_(investor_ids)
            )
        ):
            committed[investor_id] += amount
    return committed


def investor_performance(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    as_of: date | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[InvestorPerformanceOut]:
    """Every partner's net performance, a page at a time by name; the page's IRRs are solved
    together (four queries for any page size)."""
    require(actor, "performance:read")
    fund = get_fund_row(db, actor, fund_id)
    as_of = as_of or today()
    rows, next_cursor = rows_or_page(
        db,
        partner_investors(fund),
        sort_column=Investor.name,
        id_column=Investor.id,
        descending=False,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    ids = [i.id for i in rows]
    flows = partner_flows(db, fund, as_of, ids) if ids else PartnerFlows()
    items = _investor_rows(
        fund, [(i.id, i.name) for i in rows], _committed(db, fund, ids), flows, as_of
    )
    return Page[InvestorPerformanceOut](items=items, next_cursor=next_cursor)


INVESTOR_PERFORMANCE_CSV_COLUMNS = (
    "investor_id",
    "investor_name",
    "is_gp",
    "committed",
    "paid_in",
    "distributed",
    "nav",
    "pic",
    "dpi",
    "rvpi",
    "tvpi",
    "irr",
    "irr_reason",
)


def export_investor_performance_csv(
    db: Session, actor: Actor, fund_id: uuid.UUID, as_of: date | None
) -> str:
    page = investor_performance(db, actor, fund_id, as_of, everything=True)
    return csv_of(INVESTOR_PERFORMANCE_CSV_COLUMNS, page.items)


# --- J-curve and dashboard ---------------------------------------------------------------


@dataclass
class FundSeries:
    """The fund's ledger by day: everyone's called, distributed and NAV changes, and the
    LPs' (the GP left out) flows and capital changes."""

    called: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    distributed: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    nav: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    lp_flows: dict[date, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    lp_paid_in: Decimal = _ZERO
    lp_distributed: Decimal = _ZERO
    lp_capital: Decimal = _ZERO


def fund_series(db: Session, fund: Fund, as_of: date) -> FundSeries:
    """Two grouped queries over the fund's book: the postings that move its net assets,
    contributions or distributions, by account and day; and the GP's own capital postings.
    The LPs' capital is the net assets less the GP's capital (the capital accounts add up to
    the net assets exactly, see :mod:`fundhouse.funds.capital_accounts`)."""
    everyone = ledger.net_totals(
        db,
        fund.book_id,
        fund.currency,
        [SumBy.ACCOUNT, SumBy.ACCOUNT_TYPE, SumBy.DATE],
        as_of=as_of,
        account_types=NET_ASSET_TYPES,
        account_codes=[CONTRIBUTIONS, DISTRIBUTIONS],
    )
    gp_totals: dict[tuple[Any, ...], Decimal] = {}
    if fund.gp_investor_id is not None:
        gp_totals = ledger.net_totals(
            db,
            fund.book_id,
            fund.currency,
            [SumBy.ACCOUNT, SumBy.DATE],
            as_of=as_of,
            account_codes=CAPITAL_CODES,
            parties=[fund.gp_investor_id],
        )
    s = FundSeries()
    with localcontext(EXACT):
        for (code, kind, day), amount in everyone.items():
            if kind in NET_ASSET_TYPES:
                s.nav[day] += amount
                s.lp_capital += amount
            if code == CONTRIBUTIONS:
                s.called[day] -= amount
            elif code == DISTRIBUTIONS:
                s.distributed[day] += amount
        for source, sign in ((everyone, 1), (gp_totals, -1)):
            for (code, *_, day), amount in source.items():
                lp_amount = sign * amount
                if code == CONTRIBUTIONS:
                    s.lp_flows[day] += lp_amount
                    s.lp_paid_in -= lp_amount
                elif code == DISTRIBUTIONS:
                    s.lp_flows[day] += lp_amount
                    s.lp_distributed += lp_amount
        s.lp_capital += sum(gp_totals.values(), _ZERO)
    return s


SERIES_TTL = 3600.0
"""Seconds a fund's ledger series stays cached; any new entry in its book changes the key."""


def _series_key(db: Session, fund: Fund, as_of: date) -> str:
    """The cache key of a fund's series: its book's entry count moves with every posting
    (reversals and backdated entries included), so a cached series is never stale."""
    version = ledger.last_entry_number(db, fund.book_id)
    return f"fund-series:{fund.book_id}:{version}:{fund.gp_investor_id}:{as_of.isoformat()}"


def _dump_series(s: FundSeries) -> dict[str, Any]:
    def by_day(values: Mapping[date, Decimal]) -> list[list[str]]:
        return [[day.isoformat(), format(amount, "f")] for day, amount in values.items()]

    return {
        "called": by_day(s.called),
        "distributed": by_day(s.distributed),
        "nav": by_day(s.nav),
        "lp_flows": by_day(s.lp_flows),
        "lp_paid_in": format(s.lp_paid_in, "f"),
        "lp_distributed": format(s.lp_distributed, "f"),
        "lp_capital": format(s.lp_capital, "f"),
    }


def _load_series(raw: dict[str, Any]) -> FundSeries:
    s = FundSeries()
    for name in ("called", "distributed", "nav", "lp_flows"):
        values = getattr(s, name)
        for day, amount in raw[name]:
            values[date.fromisoformat(day)] = Decimal(amount)
    s.lp_paid_in = Decimal(raw["lp_paid_in"])
    s.lp_distributed = Decimal(raw["lp_distributed"])
    s.lp_capital = Decimal(raw["lp_capital"])
    return s


def cached_fund_series(
    db: Session, fund: Fund, as_of: date, cache: Cache | None = None
) -> FundSeries:
    """:func:`fund_series`, from ``cache`` while the fund's book has no new entry."""
    if cache is None:
        return fund_series(db, fund, as_of)
    key = _series_key(db, fund, as_of)
    raw = cache.get(key)
    if raw is not None:
        return _load_series(raw)
    series = fund_series(db, fund, as_of)
    cache.set(key, _dump_series(series), SERIES_TTL)
    return series


def _quarter_end(day: date) -> date:
    month = 3 * ((day.month - 1) // 3) + 3
    following = date(day.year + 1, 1, 1) if month == 12 else date(day.year, month + 1, 1)
    return following - timedelta(days=1)


def j_curve_points(fund: Fund, s: FundSeries, as_of: date) -> list[JCurvePoint]:
    """Cumulative called, distributed and NAV at each quarter end (the last: ``as_of``),
    starting from zero the day before inception (the initial close, or the first flow if
    earlier), so even a fund in its first quarter draws a curve."""
    days = sorted(set(s.called) | set(s.distributed) | set(s.nav))
    if not days:
        return []
    inception = min(filter(None, (fund.initial_close_date, days[0])))
    ends = [inception - timedelta(days=1)]
    end = _quarter_end(days[0])
    while end < as_of:
        ends.append(end)
        end = _quarter_end(end + timedelta(days=1))
    ends.append(as_of)
    points = []
    called = distributed = nav = _ZERO
    i = 0
    for end in ends:
        while i < len(days) and days[i] <= end:
            day = days[i]
            called += s.called.get(day, _ZERO)
            distributed += s.distributed.get(day, _ZERO)
            nav += s.nav.get(day, _ZERO)
            i += 1
        points.append(
            JCurvePoint(
                date=end,
                called=money_of(fund, called),
                distributed=money_of(fund, distributed),
                nav=money_of(fund, nav),
                net_cash_flow=money_of(fund, distributed - called),
            )
        )
    return points


def j_curve(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    as_of: date | None = None,
    *,
    cache: Cache | None = None,
) -> JCurveOut:
    """Cumulative called, distributed and NAV by quarter (see :func:`j_curve_points`)."""
    require(actor, "performance:read")
    fund = get_fund_row(db, actor, fund_id)
    as_of = as_of or today()
    points = j_curve_points(fund, cached_fund_series(db, fund, as_of, cache), as_of)
    return JCurveOut(fund_id=fund.id, currency=fund.currency, points=points)


def dashboard(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    as_of: date | None = None,
    *,
    cache: Cache | None = None,
) -> DashboardOut:
    """The fund page in one answer (see :class:`DashboardOut`): six queries whatever the
    number of LPs or the length of the fund's history (the fund, its commitments, its last
    call, its distributions, and two grouped queries of its ledger). The ledger's part is
    kept in ``cache`` until the fund's book has a new entry."""
    require(actor, "fund:read")
    require(actor, "performance:read")
    fund = get_fund_row(db, actor, fund_id)
    as_of = as_of or today()
    commitments = db.execute(
        select(Commitment.investor_id, Commitment.amount).where(Commitment.fund_id == fund.id)
    ).all()
    committed = sum((amount for _, amount in commitments), _ZERO)
    lp_committed = sum((a for i, a in commitments if i != fund.gp_investor_id), _ZERO)
    investors = len({i for i, amount in commitments if amount > 0 and i != fund.gp_investor_id})
    last_call = db.scalar(
        select(CapitalCall)
        .where(CapitalCall.fund_id == fund.id, CapitalCall.status != CallStatus.CANCELLED)
        .order_by(CapitalCall.call_date.desc(), CapitalCall.number.desc())
        .limit(1)
    )
    distributions = (
        db.execute(
            select(Distribution)
            .where(
                Distribution.fund_id == fund.id, Distribution.status != DistributionStatus.CANCELLED
            )
            .order_by(Distribution.distribution_date.desc(), Distribution.number.desc())
        )
        .scalars()
        .all()
    )
    recallable = sum(
        (
            d.recallable_amount
            for d in distributions
            if d.status in (DistributionStatus.ISSUED, DistributionStatus.PAID)
            and d.distribution_date <= as_of
        ),
        _ZERO,
    )
    s = cached_fund_series(db, fund, as_of, cache)
    points = j_curve_points(fund, s, as_of)
    called = sum(s.called.values(), _ZERO)
    distributed = sum(s.distributed.values(), _ZERO)
    nav = sum(s.nav.values(), _ZERO)
    multiples = _multiples(lp_committed, s.lp_paid_in, s.lp_distributed, s.lp_capital)
    net = _irr(_series(s.lp_flows, s.lp_capital, as_of))
    last = distributions[0] if distributions else None
    m = lambda v: money_of(fund, v)  # noqa: E731
    return DashboardOut(
        fund_id=fund.id,
        name=fund.name,
        currency=fund.currency,
        as_of=as_of,
        commitments=m(committed),
        called=m(called),
        uncalled=m(committed - called + recallable),
        distributed=m(distributed),
        nav=m(nav),
        paid_in=m(s.lp_paid_in),
        dpi=multiples.dpi,
        rvpi=multiples.rvpi,
        tvpi=multiples.tvpi,
        net_irr=net.rate,
        investors=investors,
        last_call=(
            LastCallOut(
                id=last_call.id,
                number=last_call.number,
                call_date=last_call.call_date,
                amount=m(last_call.amount),
                status=last_call.status,
            )
            if last_call
            else None
        ),
        last_distribution=(
            LastDistributionOut(
                id=last.id,
                number=last.number,
                distribution_date=last.distribution_date,
                gross_amount=m(last.gross_amount),
                status=last.status,
            )
            if last
            else None
        ),
        j_curve=points,
    )


# --- LP portal ---------------------------------------------------------------------------


def _my_funds(db: Session, actor: Actor) -> list[tuple[Fund, list[tuple[uuid.UUID, str]]]]:
    """The funds the LP user's investors committed to, with those investors."""
    require(actor, "lp_portal:read")
    mine = portal_investor_ids(db, actor)
    rows = db.execute(
        select(Fund, Investor.id, Investor.name)
        .join(Commitment, Commitment.fund_id == Fund.id)
        .join(Investor, Investor.id == Commitment.investor_id)
        .where(Commitment.investor_id.in_(mine), Commitment.org_id == actor.org_id)
        .order_by(Fund.name, Investor.name)
    ).all()
    funds: dict[uuid.UUID, tuple[Fund, list[tuple[uuid.UUID, str]]]] = {}
    for fund, investor_id, name in rows:
        entry = funds.setdefault(fund.id, (fund, []))
        if (investor_id, name) not in entry[1]:
            entry[1].append((investor_id, name))
    return list(funds.values())


def my_capital_accounts(
    db: Session, actor: Actor, start: date | None, end: date | None
) -> list[CapitalAccountOut]:
    """The LP's own capital accounts, one per fund and investor it represents."""
    end = end or today()
    out: list[CapitalAccountOut] = []
    for fund, investors in _my_funds(db, actor):
        out += capital_accounts_for(db, fund, investors, start, end)
    return out


def my_performance(db: Session, actor: Actor, as_of: date | None) -> list[PortalPerformanceOut]:
    """The LP's own net performance in each fund. Its paid-in capital (and PIC, DPI, TVPI on
    it) is what it actually paid, the ``contributed`` of its commitments: a call it has not
    paid yet is not paid in."""
    as_of = as_of or today()
    out: list[PortalPerformanceOut] = []
    for fund, investors in _my_funds(db, actor):
        ids = [i for i, _ in investors]
        flows = partner_flows(db, fund, as_of, ids)
        flows.paid_in = contributed_by_investor(db, fund, ids, as_of)
        for row in _investor_rows(fund, investors, _committed(db, fund, ids), flows, as_of):
            out.append(
                PortalPerformanceOut(
                    **row.model_dump(),
                    fund_id=fund.id,
                    fund_name=fund.name,
                    currency=fund.currency,
                    as_of=as_of,
                )
            )
    return out
