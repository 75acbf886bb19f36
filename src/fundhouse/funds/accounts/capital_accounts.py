"""Partners' capital accounts, the fund's NAV, and their reconciliation to the ledger.

Everything here is read from the fund's ledger book, never stored: a partner's capital
account is the sum of its postings on the partner accounts of equity, income and expense (the
fund chart's 3000-5300, each posting naming its partner), sign reversed so that capital is
positive. Because every posting on those accounts names a partner, the partners' capital
accounts add up exactly to the partners' equity of the trial balance (equity plus income less
expenses, before closing entries), which equals the fund's net assets (assets less
liabilities): :func:`reconcile` shows both checks.

A capital account for a period (ILPA Reporting Template 2016, "Capital account statement")
is two grouped queries whatever the number of partners: the partner balances at the day
before the period starts and at its end; each line is the change of its accounts between the
two, as its effect on capital.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fundhouse.funds.accounts.schemas import (
    AccountLineOut,
    CapitalAccountOut,
    CapitalReconciliationOut,
    NavOut,
)
from fundhouse.funds.models import Commitment, Fund, Investor
from fundhouse.funds.register.service import get_fund_row, quantum_of, rows_or_page
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import AccountType, FundAccount
from fundhouse.ledger.service import SumBy
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page

_ZERO = Decimal(0)
EXACT = ledger.EXACT_CONTEXT
"""The ledger's exact decimal context: sums of money never round."""

CAPITAL_LINES: dict[str, tuple[str, ...]] = {
    "contributions": (FundAccount.CAPITAL_CONTRIBUTIONS,),
    "distributions": (FundAccount.CAPITAL_DISTRIBUTIONS,),
    "management_fees": (FundAccount.MANAGEMENT_FEE_EXPENSE,),
    "fee_offsets": (FundAccount.MANAGEMENT_FEE_OFFSET,),
    "expenses": (FundAccount.FUND_EXPENSES,),
    "realized_gains": (FundAccount.REALIZED_GAIN,),
    "unrealized_gains": (FundAccount.CHANGE_IN_UNREALIZED_APPRECIATION,),
    "income": (FundAccount.DIVIDEND_AND_INTEREST_INCOME,),
    "equalization_interest": (FundAccount.EQUALIZATION_INTEREST_INCOME,),
    "carried_interest": (FundAccount.CARRIED_INTEREST_GP, FundAccount.CARRIED_INTEREST_ALLOCATION),
}
"""The lines of a capital account statement and the partner accounts each one sums."""

CAPITAL_CODES: tuple[str, ...] = tuple(code for codes in CAPITAL_LINES.values() for code in codes)
CARRY_CODES: tuple[str, ...] = CAPITAL_LINES["carried_interest"]
CAPITAL_BEFORE_CARRY: tuple[str, ...] = tuple(c for c in CAPITAL_CODES if c not in CARRY_CODES)
"""A partner's capital without carried interest: the weight of its share of gains."""

CAPITAL_TYPES = (AccountType.EQUITY, AccountType.INCOME, AccountType.EXPENSE)
NET_ASSET_TYPES = (AccountType.ASSET, AccountType.LIABILITY)


# --- reading the fund's book -------------------------------------------------------------


def partner_capital(
    db: Session,
    fund: Fund,
    as_of: date,
    *,
    parties: Sequence[uuid.UUID] | None = None,
    codes: Sequence[str] = CAPITAL_CODES,
) -> dict[tuple[uuid.UUID, str], Decimal]:
    """Net balance per (partner, account) of the capital accounts at ``as_of``: one query."""
    return {
        (party, code): amount
        for (party, code), amount in ledger.net_totals(
            db,
            fund.book_id,
            fund.currency,
            [SumBy.PARTY, SumBy.ACCOUNT],
            as_of=as_of,
            account_codes=codes,
            parties=parties,
        ).items()
    }


def capital_of(balances: Mapping[tuple[uuid.UUID, str], Decimal]) -> dict[uuid.UUID, Decimal]:
    """Each partner's capital (credit balances of its capital accounts, as a positive sum)."""
    capital: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    with localcontext(EXACT):
        for (party, _code), amount in balances.items():
            capital[party] -= amount
    return dict(capital)


def money_of(fund: Fund, value: Decimal) -> Decimal:
    """``value`` written with the fund currency's decimal places, never ``-0``."""
    quantum = quantum_of(fund.currency)
    return value.quantize(quantum) + quantum * 0


@dataclass(frozen=True)
class Partner:
    investor_id: uuid.UUID
    name: str
    is_gp: bool
    committed: Decimal
    first_sequence: int


def fund_partners(db: Session, fund: Fund) -> dict[uuid.UUID, Partner]:
    """The fund's partners (every investor with a commitment, and the GP), in the order of
    their first commitment: the order in which allocation ties are broken."""
    rows = db.execute(
        select(Investor.id, Investor.name, Commitment.amount, Commitment.sequence)
        .join(Commitment, Commitment.investor_id == Investor.id)
        .where(Commitment.fund_id == fund.id)
        .order_by(Commitment.sequence)
    )
    partners: dict[uuid.UUID, Partner] = {}
    for investor_id, name, amount, sequence in rows:
        known = partners.get(investor_id)
        committed = amount + (known.committed if known else _ZERO)
        first = known.first_sequence if known else sequence
        partners[investor_id] = Partner(
            investor_id, name, investor_id == fund.gp_investor_id, committed, first
        )
    if fund.gp_investor_id is not None and fund.gp_investor_id not in partners:
        gp_name = db.scalar(select(Investor.name).where(Investor.id == fund.gp_investor_id))
        partners[fund.gp_investor_id] = Partner(
            fund.gp_investor_id, gp_name or "GP", True, _ZERO, 2**31
        )
    return partners


@dataclass(frozen=True)
class Balance:
    """One account's net balance (debit positive) in the fund's currency."""

    account_code: str
    account_name: str
    account_type: AccountType
    balance: Decimal


def book_balances(db: Session, fund: Fund, as_of: date) -> list[Balance]:
    """The fund book's account balances at ``as_of``, by code (one grouped query)."""
    totals = ledger.net_totals(
        db,
        fund.book_id,
        fund.currency,
        [SumBy.ACCOUNT, SumBy.ACCOUNT_NAME, SumBy.ACCOUNT_TYPE],
        as_of=as_of,
    )
    return sorted(
        (Balance(code, name, kind, amount) for (code, name, kind), amount in totals.items()),
        key=lambda b: b.account_code,
    )


def nav_of(balances: Iterable[Balance]) -> Decimal:
    """Net assets: assets less liabilities (liabilities carry credit, negative, balances)."""
    with localcontext(EXACT):
        return sum((b.balance for b in balances if b.account_type in NET_ASSET_TYPES), _ZERO)


def fund_nav(db: Session, actor: Actor, fund: Fund, as_of: date) -> Decimal:
    """The fund's NAV at ``as_of`` (``fund`` already scoped to the actor)."""
    return nav_of(book_balances(db, fund, as_of))


def nav_by_date(db: Session, fund: Fund, as_of: date) -> list[tuple[date, Decimal]]:
    """The NAV at the end of every day the net assets changed, up to ``as_of`` (one query)."""
    changes = ledger.net_totals(
        db, fund.book_id, fund.currency, [SumBy.DATE], as_of=as_of, account_types=NET_ASSET_TYPES
    )
    series = []
    running = _ZERO
    with localcontext(EXACT):
        for (day,) in sorted(changes):
            running += changes[(day,)]
            series.append((day, running))
    return series


def get_nav(db: Session, actor: Actor, fund_id: uuid.UUID, as_of: date) -> NavOut:
    """The fund's NAV at ``as_of`` = its net assets in the ledger, with the accounts."""
    require(actor, "valuation:read")
    fund = get_fund_row(db, actor, fund_id)
    balances = book_balances(db, fund, as_of)
    with localcontext(EXACT):
        assets = sum((b.balance for b in balances if b.account_type == AccountType.ASSET), _ZERO)
        liabilities = -sum(
            (b.balance for b in balances if b.account_type == AccountType.LIABILITY), _ZERO
        )
    return NavOut(
        fund_id=fund.id,
        currency=fund.currency,
        as_of=as_of,
        assets=money_of(fund, assets),
        liabilities=money_of(fund, liabilities),
        nav=money_of(fund, assets - liabilities),
        accounts=[
            AccountLineOut(
                code=b.account_code, name=b.account_name, balance=money_of(fund, b.balance)
            )
            for b in balances
            if b.account_type in NET_ASSET_TYPES and b.balance != 0
        ],
    )


# --- capital accounts --------------------------------------------------------------------


def _check_period(start: date | None, end: date) -> None:
    if start is not None and start > end:
        raise Invalid(f"start ({start}) is after end ({end}).", field="start")


def statement_lines(
    fund: Fund,
    opening: Mapping[tuple[uuid.UUID, str], Decimal],
    closing: Mapping[tuple[uuid.UUID, str], Decimal],
    investor_id: uuid.UUID,
) -> dict[str, Decimal]:
    """The capital account lines of one partner between two sets of balances."""
    with localcontext(EXACT):
        lines = {
            name: -sum(
                (
                    closing.get((investor_id, c), _ZERO) - opening.get((investor_id, c), _ZERO)
                    for c in codes
                ),
                _ZERO,
            )
            for name, codes in CAPITAL_LINES.items()
        }
        beginning = -sum((opening.get((investor_id, c), _ZERO) for c in CAPITAL_CODES), _ZERO)
        ending = -sum((closing.get((investor_id, c), _ZERO) for c in CAPITAL_CODES), _ZERO)
    return {
        "beginning_balance": money_of(fund, beginning),
        **{name: money_of(fund, v) for name, v in lines.items()},
        "ending_balance": money_of(fund, ending),
    }


def _statements(
    db: Session,
    fund: Fund,
    investors: Sequence[tuple[uuid.UUID, str]],
    start: date | None,
    end: date,
    *,
    every_partner: bool = False,
) -> list[CapitalAccountOut]:
    """Statements of ``investors``; ``every_partner`` says they are all of the fund's
    partners, so the balances are read without naming them."""
    ids = [investor_id for investor_id, _ in investors]
    parties = None if every_partner else ids
    opening: dict[tuple[uuid.UUID, str], Decimal] = {}
    if start is not None and ids:
        opening = partner_capital(db, fund, start - timedelta(days=1), parties=parties)
    closing = partner_capital(db, fund, end, parties=parties) if ids else {}
    return [
        CapitalAccountOut(
            fund_id=fund.id,
            fund_name=fund.name,
            currency=fund.currency,
            investor_id=investor_id,
            investor_name=name,
            is_gp=investor_id == fund.gp_investor_id,
            start=start,
            end=end,
            **statement_lines(fund, opening, closing, investor_id),
        )
        for investor_id, name in investors
    ]


def partner_investors(fund: Fund) -> Any:
    """The fund's partners as investors: a statement to page or filter."""
    committed = select(Commitment.investor_id).where(Commitment.fund_id == fund.id)
    stmt = select(Investor).where(Investor.org_id == fund.org_id)
    if fund.gp_investor_id is not None:
        return stmt.where(or_(Investor.id.in_(committed), Investor.id == fund.gp_investor_id))
    return stmt.where(Investor.id.in_(committed))


def list_capital_accounts(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    start: date | None,
    end: date,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[CapitalAccountOut]:
    """Every partner's capital account for the period, a page at a time (by name): three
    queries for any page size (the page, and the balances at both ends of the period)."""
    require(actor, "ledger:read")
    _check_period(start, end)
    fund = get_fund_row(db, actor, fund_id)
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
    investors = [(i.id, i.name) for i in rows]
    items = _statements(db, fund, investors, start, end, every_partner=everything)
    return Page[CapitalAccountOut](items=items, next_cursor=next_cursor)


CAPITAL_ACCOUNT_CSV_COLUMNS = (
    "investor_id",
    "investor_name",
    "is_gp",
    "currency",
    "start",
    "end",
    "beginning_balance",
    *CAPITAL_LINES,
    "ending_balance",
)


def export_capital_accounts_csv(
    db: Session, actor: Actor, fund_id: uuid.UUID, start: date | None, end: date
) -> str:
    page = list_capital_accounts(db, actor, fund_id, start, end, everything=True)
    return csv_of(CAPITAL_ACCOUNT_CSV_COLUMNS, page.items)


def get_capital_account(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    investor_id: uuid.UUID,
    start: date | None,
    end: date,
) -> CapitalAccountOut:
    """One partner's capital account for the period; another fund's investor is not found."""
    require(actor, "ledger:read")
    _check_period(start, end)
    fund = get_fund_row(db, actor, fund_id)
    investor = db.scalar(partner_investors(fund).where(Investor.id == investor_id))
    if investor is None:
        raise NotFound("No such partner of this fund.")
    return _statements(db, fund, [(investor.id, investor.name)], start, end)[0]


def capital_accounts_for(
    db: Session,
    fund: Fund,
    investors: Sequence[tuple[uuid.UUID, str]],
    start: date | None,
    end: date,
) -> list[CapitalAccountOut]:
    """Capital accounts of the given investors (already scoped by the caller): the LP portal."""
    _check_period(start, end)
    return _statements(db, fund, investors, start, end)


# --- reconciliation ----------------------------------------------------------------------


def reconcile(
    db: Session, actor: Actor, fund_id: uuid.UUID, as_of: date
) -> CapitalReconciliationOut:
    """The partners' capital accounts against the trial balance at ``as_of``.

    Two grouped queries: the book's account balances and the partners' balances. The sum of
    the capital accounts must equal the partners' equity (equity, income and expense accounts,
    credit positive) and the net assets (assets less liabilities), to the cent.
    """
    require(actor, "ledger:read")
    fund = get_fund_row(db, actor, fund_id)
    balances = book_balances(db, fund, as_of)
    capital = capital_of(partner_capital(db, fund, as_of))
    known = fund_partners(db, fund)
    with localcontext(EXACT):
        total = sum(capital.values(), _ZERO)
        gp = capital.get(fund.gp_investor_id, _ZERO) if fund.gp_investor_id else _ZERO
        equity = -sum((b.balance for b in balances if b.account_type in CAPITAL_TYPES), _ZERO)
        net_assets = nav_of(balances)
        balanced = sum((b.balance for b in balances), _ZERO) == 0
    unknown = sorted(
        (p for p, amount in capital.items() if p not in known and amount != 0), key=str
    )
    return CapitalReconciliationOut(
        fund_id=fund.id,
        currency=fund.currency,
        as_of=as_of,
        lp_capital=money_of(fund, total - gp),
        gp_capital=money_of(fund, gp),
        partners_capital=money_of(fund, total),
        partners_equity=money_of(fund, equity),
        net_assets=money_of(fund, net_assets),
        equity_difference=money_of(fund, total - equity),
        nav_difference=money_of(fund, total - net_assets),
        trial_balance_balanced=balanced,
        unknown_partners=unknown,
        reconciles=balanced and total == equity == net_assets and not unknown,
    )
