"""Funds, investors, closes, commitments and transfers of interest.

Every function takes the session and the acting user first, checks the permission and scopes
every query to the actor's organization (another organization's id is simply "not found"),
writes an audit record with before and after, and flushes; the request commits.

Money: what was called, contributed and is still unfunded on a commitment is derived from the
call allocations, transfers and recallable distributions (:func:`commitment_positions`), never
stored; the fund's ledger book carries the matching postings.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from fundhouse.finance.allocation import allocate
from fundhouse.funds import postings
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CallAllocation,
    CallStatus,
    CapitalCall,
    Close,
    Commitment,
    CommitmentStatus,
    CommitmentTransfer,
    Distribution,
    DistributionAllocation,
    DistributionStatus,
    Fund,
    Investor,
    InvestorUser,
    Payment,
)
from fundhouse.funds.register.schemas import (
    CloseOut,
    CommitmentCreate,
    CommitmentFilters,
    CommitmentOut,
    CommitmentUpdate,
    FundCreate,
    FundDetailOut,
    FundFilters,
    FundOut,
    FundTotals,
    FundUpdate,
    InvestorCreate,
    InvestorFilters,
    InvestorOut,
    InvestorUpdate,
    InvestorUserOut,
    TransferCreate,
)
from fundhouse.identity import service as identity
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.currencies import decimal_places, minor_units
from fundhouse.platform import audit
from fundhouse.platform.access import Actor, require
from fundhouse.platform.crypto import derive_key
from fundhouse.platform.errors import Conflict, FieldError, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page, paginate, parse_sort
from fundhouse.settings import get_settings

FUND_OWNER = "fund"
"""The ``owner_type`` of a fund's ledger book."""


def _not_partners(
    db: Session, actor: Actor, owner_id: uuid.UUID, parties: set[uuid.UUID]
) -> set[uuid.UUID]:
    """The parties of a fund book's manual entry that hold no commitment in the fund (another
    organization's investors among them). A book of no fund of the organization has no say."""
    fund_id = db.scalar(select(Fund.id).where(Fund.id == owner_id, Fund.org_id == actor.org_id))
    if fund_id is None:
        return set()
    partners = db.scalars(
        select(Commitment.investor_id).where(
            Commitment.org_id == actor.org_id,
            Commitment.fund_id == fund_id,
            Commitment.investor_id.in_(parties),
        )
    )
    return parties - set(partners)


ledger.register_partner_check(FUND_OWNER, _not_partners)


SENSITIVE_FIELDS = ("tax_id", "bank_account", "bank_routing")
_ZERO = Decimal(0)


def today() -> date:
    """The current business date (UTC)."""
    return datetime.now(UTC).date()


def quantum_of(currency: str) -> Decimal:
    """The smallest amount of ``currency`` (ISO 4217 minor unit): 0.01 USD, 1 JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def money(amount: Decimal, currency: str, field: str) -> Decimal:
    """``amount`` written with the currency's decimal places (``1250`` → ``1250.00``).

    An amount finer than the currency's minor unit is refused, never rounded.
    """
    places = minor_units(currency)
    if decimal_places(amount) > places:
        raise Invalid(
            f"{currency} amounts have at most {places} decimal places, not {amount}.",
            field=field,
        )
    return amount.quantize(quantum_of(currency))


def add_years(start: date, years: int) -> date:
    """The ``years``-th anniversary of ``start`` (29 February falls back to the 28th)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def rows_or_page(
    db: Session,
    stmt: Select[Any],
    *,
    sort_column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[Any],
    descending: bool,
    limit: int,
    cursor: str | None,
    everything: bool,
) -> tuple[list[Any], str | None]:
    """One page of ``stmt`` (the API), or every row in the same order (the CSV export)."""
    if not everything:
        return paginate(
            db,
            stmt,
            sort_column=sort_column,
            id_column=id_column,
            descending=descending,
            limit=limit,
            cursor=cursor,
        )
    order = (sort_column.desc(), id_column.desc()) if descending else (sort_column, id_column)
    return list(db.scalars(stmt.order_by(*order)).unique()), None


# --- funds -------------------------------------------------------------------------------


def get_fund_row(
    db: Session, actor: Actor, fund_id: uuid.UUID, *, for_update: bool = False
) -> Fund:
    """The fund, in the actor's organization, or :class:`NotFound` (no permission check)."""
    stmt = select(Fund).where(Fund.id == fund_id, Fund.org_id == actor.org_id)
    if for_update:
        stmt = stmt.with_for_update()
    fund = db.scalar(stmt)
    if fund is None:
        raise NotFound("No such fund.")
    return fund


def _check_fund_dates(fund: Fund) -> None:
    if (
        fund.initial_close_date is not None
        and fund.investment_period_end is not None
        and fund.investment_period_end <= fund.initial_close_date
    ):
        raise Invalid(
            "The investment period must end after the initial close.",
            field="investment_period_end",
        )


def _default_investment_period_end(fund: Fund) -> None:
    if fund.investment_period_end is None and fund.initial_close_date is not None:
        fund.investment_period_end = add_years(
            fund.initial_close_date, fund.investment_period_years
        )


def _check_fund_name_free(
    db: Session, actor: Actor, name: str, fund_id: uuid.UUID | None = None
) -> None:
    stmt = select(Fund.id).where(Fund.org_id == actor.org_id, Fund.name == name)
    if fund_id is not None:
        stmt = stmt.where(Fund.id != fund_id)
    if db.scalar(stmt) is not None:
        raise Conflict(
            f"A fund named {name!r} exists already.",
            errors=[FieldError(field="name", message="already taken")],
        )


def create_fund(db: Session, actor: Actor, data: FundCreate) -> Fund:
    """A new fund with its terms, and its ledger book in the fund's currency."""
    require(actor, "fund:write")
    if data.target_size is not None:
        data.target_size = money(data.target_size, data.currency, "target_size")
    _check_fund_name_free(db, actor, data.name)
    fund_id = uuid.uuid4()
    book = ledger.create_book(
        db,
        actor,
        name=data.name,
        currency=data.currency,
        owner_type=FUND_OWNER,
        owner_id=fund_id,
    )
    fund = Fund(
        id=fund_id,
        org_id=actor.org_id,
        book_id=book.id,
        created_by=actor.user_id,
        **data.model_dump(),
    )
    _default_investment_period_end(fund)
    _check_fund_dates(fund)
    db.add(fund)
    db.flush()
    audit.record(db, actor, "fund.created", fund)
    return fund


_REQUIRED_FUND_FIELDS = frozenset(
    {
        "name",
        "status",
        "term_years",
        "investment_period_years",
        "waterfall_type",
        "hurdle_rate",
        "compounding",
        "catch_up_rate",
        "carry_rate",
        "return_of_capital_includes_fees",
        "clawback_tax_rate",
        "investment_period_rate",
        "post_period_rate",
        "post_period_basis",
        "fee_offset_rate",
        "equalization_rate",
    }
)
"""Fund attributes that a PATCH may change but not clear."""


def update_fund(db: Session, actor: Actor, fund_id: uuid.UUID, data: FundUpdate) -> Fund:
    """Change a fund's attributes or terms (only the fields sent)."""
    require(actor, "fund:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field in _REQUIRED_FUND_FIELDS:
            raise Invalid(f"{field} cannot be empty.", field=field)
    if "name" in changes:
        _check_fund_name_free(db, actor, changes["name"], fund.id)
    initial = db.scalar(select(Close.close_date).where(Close.fund_id == fund.id, Close.is_initial))
    moved = changes.get("initial_close_date", initial)
    if initial is not None and moved != initial:
        raise Invalid(
            f"The initial close was held on {initial}; the fund's initial close date is that "
            "close's date.",
            field="initial_close_date",
        )
    if changes.get("target_size") is not None:
        changes["target_size"] = money(changes["target_size"], fund.currency, "target_size")
    before = audit.snapshot(fund)
    for field, value in changes.items():
        setattr(fund, field, value)
    if "investment_period_years" in changes and "investment_period_end" not in changes:
        fund.investment_period_end = None
    _default_investment_period_end(fund)
    _check_fund_dates(fund)
    db.flush()
    audit.record(db, actor, "fund.updated", fund, before=before)
    return fund


def get_fund(db: Session, actor: Actor, fund_id: uuid.UUID) -> FundDetailOut:
    """The fund with its totals: commitments, called, contributed and unfunded."""
    require(actor, "fund:read")
    fund = get_fund_row(db, actor, fund_id)
    commitments = list(db.scalars(select(Commitment).where(Commitment.fund_id == fund.id)))
    positions = commitment_positions(db, commitments)
    totals = FundTotals(
        commitments=sum((c.amount for c in commitments), _ZERO),
        called=sum((p.called for p in positions.values()), _ZERO),
        contributed=sum((p.contributed for p in positions.values()), _ZERO),
        unfunded=sum((p.unfunded for p in positions.values()), _ZERO),
        investors=len({c.investor_id for c in commitments if c.amount > 0}),
    )
    return FundDetailOut.model_validate({**FundOut.model_validate(fund).__dict__, "totals": totals})


FUND_SORTS = {"name", "created_at", "vintage"}
FUND_CSV_COLUMNS = (
    "id",
    "name",
    "currency",
    "vintage",
    "strategy",
    "status",
    "target_size",
    "initial_close_date",
    "investment_period_end",
    "term_years",
    "waterfall_type",
    "hurdle_rate",
    "carry_rate",
    "catch_up_rate",
    "investment_period_rate",
    "post_period_rate",
    "created_at",
)


def list_funds(
    db: Session,
    actor: Actor,
    filters: FundFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[FundOut]:
    """The organization's funds, filtered by status, currency and a name fragment."""
    require(actor, "fund:read")
    column, descending = parse_sort(
        filters.sort,
        {"name": Fund.name, "created_at": Fund.created_at, "vintage": Fund.vintage},
        "name",
    )
    stmt = select(Fund).where(Fund.org_id == actor.org_id)
    if filters.status is not None:
        stmt = stmt.where(Fund.status == filters.status)
    if filters.currency is not None:
        stmt = stmt.where(Fund.currency == filters.currency)
    if filters.q:
        stmt = stmt.where(func.lower(Fund.name).contains(filters.q.lower(), autoescape=True))
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=column,
        id_column=Fund.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[FundOut](items=[FundOut.model_validate(f) for f in rows], next_cursor=next_cursor)


def export_funds_csv(db: Session, actor: Actor, filters: FundFilters) -> str:
    page = list_funds(db, actor, filters, everything=True)
    return csv_of(FUND_CSV_COLUMNS, page.items)


# --- investors ---------------------------------------------------------------------------


def _mask(value: str | None) -> str | None:
    """``****6789``: enough to recognise an account, not enough to use it."""
    if not value:
        return value
    return "****" + value[-4:] if len(value) > 4 else "****"


def investor_out(investor: Investor, actor: Actor) -> InvestorOut:
    """The investor as ``actor`` may see it: sensitive fields in full only with
    ``investor:read_sensitive``."""
    visible = actor.can("investor:read_sensitive")
    shown = {
        name: getattr(investor, name) if visible else _mask(getattr(investor, name))
        for name in SENSITIVE_FIELDS
    }
    return InvestorOut(
        id=investor.id,
        kind=investor.kind,
        name=investor.name,
        email=investor.email,
        phone=investor.phone,
        address=investor.address,
        country=investor.country,
        bank_name=investor.bank_name,
        sensitive_visible=visible,
        withholding_rate=investor.withholding_rate,
        notes=investor.notes,
        created_at=investor.created_at,
        updated_at=investor.updated_at,
        **shown,
    )


def _fingerprint(value: str) -> str:
    """A keyed hash of a sensitive value for the audit trail: it shows that the value changed
    without revealing it (a plain hash of a nine-digit tax id could be brute-forced)."""
    key = derive_key(get_settings().resolved_secret_key, "audit-fingerprint")
    return "hmac:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def investor_snapshot(investor: Investor) -> dict[str, Any]:
    """The investor for the audit trail, with its encrypted fields fingerprinted."""
    snap = audit.snapshot(investor)
    for name in SENSITIVE_FIELDS:
        value = getattr(investor, name)
        snap[name] = _fingerprint(value) if value else None
    return snap


def get_investor_row(db: Session, actor: Actor, investor_id: uuid.UUID) -> Investor:
    investor = db.scalar(
        select(Investor).where(Investor.id == investor_id, Investor.org_id == actor.org_id)
    )
    if investor is None:
        raise NotFound("No such investor.")
    return investor


def _referenced_investor(db: Session, actor: Actor, investor_id: uuid.UUID, field: str) -> Investor:
    """An investor named in a request body: unknown ids are the body's fault (422)."""
    investor = db.scalar(
        select(Investor).where(Investor.id == investor_id, Investor.org_id == actor.org_id)
    )
    if investor is None:
        raise Invalid("No such investor in this organization.", field=field)
    return investor


def create_investor(db: Session, actor: Actor, data: InvestorCreate) -> InvestorOut:
    require(actor, "investor:write")
    investor = Investor(org_id=actor.org_id, created_by=actor.user_id, **data.model_dump())
    db.add(investor)
    db.flush()
    audit.record(db, actor, "investor.created", investor, after=investor_snapshot(investor))
    return investor_out(investor, actor)


def update_investor(
    db: Session, actor: Actor, investor_id: uuid.UUID, data: InvestorUpdate
) -> InvestorOut:
    require(actor, "investor:write")
    investor = get_investor_row(db, actor, investor_id)
    changes = data.model_dump(exclude_unset=True)
    for field in ("kind", "name", "withholding_rate"):
        if field in changes and changes[field] is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    before = investor_snapshot(investor)
    for field, value in changes.items():
        setattr(investor, field, value)
    db.flush()
    audit.record(
        db, actor, "investor.updated", investor, before=before, after=investor_snapshot(investor)
    )
    return investor_out(investor, actor)


def get_investor(db: Session, actor: Actor, investor_id: uuid.UUID) -> InvestorOut:
    require(actor, "investor:read")
    return investor_out(get_investor_row(db, actor, investor_id), actor)


INVESTOR_CSV_COLUMNS = (
    "id",
    "kind",
    "name",
    "email",
    "phone",
    "country",
    "tax_id",
    "bank_name",
    "bank_account",
    "bank_routing",
    "withholding_rate",
    "created_at",
)


def list_investors(
    db: Session,
    actor: Actor,
    filters: InvestorFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[InvestorOut]:
    """The organization's investors, filtered by kind, country, a fund they committed to and a
    fragment of their name or e-mail."""
    require(actor, "investor:read")
    column, descending = parse_sort(
        filters.sort, {"name": Investor.name, "created_at": Investor.created_at}, "name"
    )
    stmt = select(Investor).where(Investor.org_id == actor.org_id)
    if filters.kind is not None:
        stmt = stmt.where(Investor.kind == filters.kind)
    if filters.country is not None:
        stmt = stmt.where(Investor.country == filters.country)
    if filters.fund_id is not None:
        committed = select(Commitment.investor_id).where(Commitment.fund_id == filters.fund_id)
        stmt = stmt.where(Investor.id.in_(committed))
    if filters.q:
        needle = filters.q.lower()
        stmt = stmt.where(
            or_(
                func.lower(Investor.name).contains(needle, autoescape=True),
                func.lower(Investor.email).contains(needle, autoescape=True),
            )
        )
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=column,
        id_column=Investor.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[InvestorOut](items=[investor_out(i, actor) for i in rows], next_cursor=next_cursor)


def export_investors_csv(db: Session, actor: Actor, filters: InvestorFilters) -> str:
    page = list_investors(db, actor, filters, everything=True)
    return csv_of(INVESTOR_CSV_COLUMNS, page.items)


# --- investor users (the LP portal link) -------------------------------------------------


def _investor_user_out(link: InvestorUser, user: identity.UserContact) -> InvestorUserOut:
    return InvestorUserOut(
        id=link.id,
        investor_id=link.investor_id,
        user_id=link.user_id,
        email=user.email,
        full_name=user.full_name,
        created_at=link.created_at,
    )


def link_investor_user(
    db: Session, actor: Actor, investor_id: uuid.UUID, user_id: uuid.UUID
) -> InvestorUserOut:
    """Let a member of the organization (normally a ``limited_partner``) see this investor in
    the LP portal."""
    require(actor, "investor:write")
    investor = get_investor_row(db, actor, investor_id)
    user = identity.find_active_member(db, actor.org_id, user_id)
    if user is None:
        raise Invalid("No such member of this organization.", field="user_id")
    existing = db.scalar(
        select(InvestorUser).where(
            InvestorUser.investor_id == investor.id, InvestorUser.user_id == user.id
        )
    )
    if existing is not None:
        raise Conflict(
            "This user is linked to the investor already.",
            errors=[FieldError(field="user_id", message="already linked")],
        )
    link = InvestorUser(org_id=actor.org_id, investor_id=investor.id, user_id=user.id)
    db.add(link)
    db.flush()
    audit.record(db, actor, "investor.user_linked", link)
    return _investor_user_out(link, user)


def investor_names(
    db: Session, org_id: uuid.UUID, investor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The names of those of ``investor_ids`` that are investors of the organization (how
    identity checks the party of a limited partner it invites)."""
    if not investor_ids:
        return {}
    rows = db.execute(
        select(Investor.id, Investor.name).where(
            Investor.org_id == org_id, Investor.id.in_(list(investor_ids))
        )
    )
    return {investor_id: name for investor_id, name in rows}


def link_invited_user(
    db: Session,
    who: Actor | audit.Context,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    investor_id: uuid.UUID,
) -> None:
    """Link a user who just became a limited partner of the organization to its investor: the
    invitation (or role change) that named the investor was checked by whoever manages users."""
    exists = db.scalar(
        select(InvestorUser.id).where(
            InvestorUser.investor_id == investor_id, InvestorUser.user_id == user_id
        )
    )
    if exists is not None:
        return
    link = InvestorUser(org_id=org_id, investor_id=investor_id, user_id=user_id)
    db.add(link)
    db.flush()
    audit.record(db, who, "investor.user_linked", link)


def list_investor_users(db: Session, actor: Actor, investor_id: uuid.UUID) -> list[InvestorUserOut]:
    require(actor, "investor:read")
    investor = get_investor_row(db, actor, investor_id)
    links = {
        link.user_id: link
        for link in db.scalars(select(InvestorUser).where(InvestorUser.investor_id == investor.id))
    }
    return [_investor_user_out(links[user.id], user) for user in identity.user_contacts(db, links)]


def unlink_investor_user(
    db: Session, actor: Actor, investor_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    require(actor, "investor:write")
    investor = get_investor_row(db, actor, investor_id)
    link = db.scalar(
        select(InvestorUser).where(
            InvestorUser.investor_id == investor.id, InvestorUser.user_id == user_id
        )
    )
    if link is None:
        raise NotFound("This user is not linked to the investor.")
    before = audit.snapshot(link)
    db.delete(link)
    db.flush()
    audit.record(
        db,
        actor,
        "investor.user_unlinked",
        entity_type="investor_users",
        entity_id=link.id,
        before=before,
    )


def portal_investor_ids(db: Session, actor: Actor) -> list[uuid.UUID]:
    """The investors the acting LP user is linked to, in its organization."""
    return list(
        db.scalars(
            select(InvestorUser.investor_id).where(
                InvestorUser.user_id == actor.user_id, InvestorUser.org_id == actor.org_id
            )
        )
    )


def partner_names(
    db: Session, actor: Actor, fund_id: uuid.UUID, party_ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The names of a fund book's parties (its partners are investors of the organization):
    how the ledger names the partner on a journal line. One query."""
    rows = db.execute(
        select(Investor.id, Investor.name).where(
            Investor.org_id == actor.org_id, Investor.id.in_(party_ids)
        )
    )
    return {investor_id: name for investor_id, name in rows}


ledger.register_party_namer(FUND_OWNER, partner_names)


# --- closes ------------------------------------------------------------------------------


def _open_close(db: Session, actor: Actor, fund: Fund, close_date: date) -> Close:
    last = db.scalar(
        select(Close).where(Close.fund_id == fund.id).order_by(Close.number.desc()).limit(1)
    )
    if last is not None and close_date < last.close_date:
        raise Invalid(
            f"A close cannot be dated before the fund's close #{last.number} ({last.close_date}).",
            field="close_date",
        )
    number = (last.number + 1) if last is not None else 1
    close = Close(
        org_id=actor.org_id,
        fund_id=fund.id,
        number=number,
        close_date=close_date,
        is_initial=number == 1,
    )
    db.add(close)
    if close.is_initial and fund.initial_close_date != close_date:
        before = audit.snapshot(fund)
        fund.initial_close_date = close_date
        if fund.investment_period_end is not None and fund.investment_period_end <= close_date:
            fund.investment_period_end = None
        _default_investment_period_end(fund)
        db.flush()
        audit.record(db, actor, "fund.updated", fund, before=before)
    db.flush()
    audit.record(db, actor, "close.created", close)
    return close


def create_close(db: Session, actor: Actor, fund_id: uuid.UUID, close_date: date) -> Close:
    """The fund's next close (the first is the initial close and sets the fund's initial
    close date)."""
    require(actor, "fund:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    return _open_close(db, actor, fund, close_date)


def list_closes(db: Session, actor: Actor, fund_id: uuid.UUID) -> list[CloseOut]:
    require(actor, "fund:read")
    fund = get_fund_row(db, actor, fund_id)
    rows = db.scalars(select(Close).where(Close.fund_id == fund.id).order_by(Close.number))
    equalized = {
        close_id: (call_id, number)
        for close_id, call_id, number in db.execute(
            select(CapitalCall.close_id, CapitalCall.id, CapitalCall.number).where(
                CapitalCall.fund_id == fund.id,
                CapitalCall.close_id.is_not(None),
                CapitalCall.status != CallStatus.CANCELLED,
            )
        )
    }
    out = []
    for c in rows:
        call_id, number = equalized.get(c.id, (None, None))
        out.append(
            CloseOut.model_validate(c).model_copy(
                update={"equalization_call_id": call_id, "equalization_call_number": number}
            )
        )
    return out


# --- commitment positions ----------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where a commitment stands: called (drawn by issued calls), contributed (paid),
    recallable (distributions that may be called again) and unfunded."""

    commitment_id: uuid.UUID
    amount: Decimal
    called: Decimal
    contributed: Decimal
    recallable: Decimal

    @property
    def unfunded(self) -> Decimal:
        """Commitment − called + recallable: what may still be called."""
        return self.amount - self.called + self.recallable


def commitment_positions(
    db: Session, commitments: Sequence[Commitment]
) -> dict[uuid.UUID, Position]:
    """Positions of ``commitments`` in three queries, whatever their number.

    Called capital counts the allocations of calls issued and not cancelled (drafts and
    approved calls draw nothing yet). Contributed counts payments up to the capital called
    (equalization interest is paid on top of capital and is not a contribution). Transfers
    move called capital and recallable amounts from one commitment to another.
    """
    ids = [c.id for c in commitments]
    if not ids:
        return {}
    called: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    contributed: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    recallable: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    # One row per payment not reversed (or one row with no payment) of each called share.
    allocations = db.execute(
        select(
            CallAllocation.id, CallAllocation.commitment_id, CallAllocation.amount, Payment.amount
        )
        .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
        .outerjoin(
            Payment,
            (Payment.call_allocation_id == CallAllocation.id) & Payment.reversed_at.is_(None),
        )
        .where(CallAllocation.commitment_id.in_(ids), CapitalCall.status.in_(CALLED_STATUSES))
    )
    shares: dict[uuid.UUID, tuple[uuid.UUID, Decimal]] = {}
    paid: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for allocation_id, commitment_id, amount, payment in allocations:
        shares[allocation_id] = (commitment_id, amount)
        if payment is not None:
            paid[allocation_id] += payment
    for allocation_id, (commitment_id, amount) in shares.items():
        called[commitment_id] += amount
        contributed[commitment_id] += min(paid[allocation_id], amount)
    transfers = db.execute(
        select(
            CommitmentTransfer.from_commitment_id,
            CommitmentTransfer.to_commitment_id,
            CommitmentTransfer.called_amount,
            CommitmentTransfer.recallable_amount,
        ).where(
            or_(
                CommitmentTransfer.from_commitment_id.in_(ids),
                CommitmentTransfer.to_commitment_id.in_(ids),
            )
        )
    )
    for source, target, moved_called, moved_recallable in transfers:
        for commitment_id, sign in ((source, -1), (target, 1)):
            called[commitment_id] += sign * moved_called
            contributed[commitment_id] += sign * moved_called
            recallable[commitment_id] += sign * moved_recallable
    returned = db.execute(
        select(DistributionAllocation.commitment_id, DistributionAllocation.recallable_amount)
        .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
        .where(
            DistributionAllocation.commitment_id.in_(ids),
            Distribution.status.in_([DistributionStatus.ISSUED, DistributionStatus.PAID]),
        )
    )
    for returned_to, amount in returned:
        if returned_to is not None:
            recallable[returned_to] += amount
    positions = {}
    for c in commitments:
        zero = c.amount * 0  # written with the commitment's decimal places
        positions[c.id] = Position(
            c.id, c.amount, called[c.id] + zero, contributed[c.id] + zero, recallable[c.id] + zero
        )
    return positions


def contributed_by_investor(
    db: Session, fund: Fund, investor_ids: Sequence[uuid.UUID], as_of: date
) -> dict[uuid.UUID, Decimal]:
    """The capital each investor had paid into ``fund`` by the end of ``as_of``, counted as
    :func:`commitment_positions` counts ``contributed`` (payments up to the capital of each
    call share, never its equalization interest; transfers move called capital), from the
    payments received and the transfers made by then. Three queries.

    This is paid-in capital: a call issued but not yet paid is not in it.
    """
    zero = quantum_of(fund.currency) * 0
    out: dict[uuid.UUID, Decimal] = {i: zero for i in investor_ids}
    if not investor_ids:
        return out
    shares = {
        allocation_id: (investor_id, amount)
        for allocation_id, investor_id, amount in db.execute(
            select(CallAllocation.id, CallAllocation.investor_id, CallAllocation.amount)
            .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
            .where(
                CapitalCall.fund_id == fund.id,
                CapitalCall.status.in_(CALLED_STATUSES),
                CallAllocation.investor_id.in_(investor_ids),
            )
        )
    }
    paid: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for allocation_id, amount in db.execute(
        select(Payment.call_allocation_id, Payment.amount).where(
            Payment.fund_id == fund.id,
            Payment.investor_id.in_(investor_ids),
            Payment.received_date <= as_of,
            Payment.reversed_at.is_(None),
        )
    ):
        paid[allocation_id] += amount
    for allocation_id, (investor_id, amount) in shares.items():
        out[investor_id] += min(paid[allocation_id], amount)
    for source, target, moved in db.execute(
        select(
            CommitmentTransfer.from_investor_id,
            CommitmentTransfer.to_investor_id,
            CommitmentTransfer.called_amount,
        ).where(
            CommitmentTransfer.fund_id == fund.id,
            CommitmentTransfer.transfer_date <= as_of,
            or_(
                CommitmentTransfer.from_investor_id.in_(investor_ids),
                CommitmentTransfer.to_investor_id.in_(investor_ids),
            ),
        )
    ):
        if source in out:
            out[source] -= moved
        if target in out:
            out[target] += moved
    return out


# --- commitments -------------------------------------------------------------------------


def _commitment_query() -> Select[Commitment]:
    return select(Commitment).options(
        joinedload(Commitment.investor), joinedload(Commitment.close), joinedload(Commitment.fund)
    )


def commitment_out(commitment: Commitment, position: Position) -> CommitmentOut:
    """Needs the commitment's investor, close and fund loaded."""
    return CommitmentOut(
        id=commitment.id,
        fund_id=commitment.fund_id,
        fund_name=commitment.fund.name,
        currency=commitment.fund.currency,
        investor_id=commitment.investor_id,
        investor_name=commitment.investor.name,
        close_id=commitment.close_id,
        close_number=commitment.close.number,
        close_date=commitment.close.close_date,
        amount=commitment.amount,
        is_gp=commitment.is_gp,
        sequence=commitment.sequence,
        status=commitment.status,
        called=position.called,
        contributed=position.contributed,
        recallable=position.recallable,
        unfunded=position.unfunded,
        created_at=commitment.created_at,
    )


def commitments_out(db: Session, commitments: Sequence[Commitment]) -> list[CommitmentOut]:
    positions = commitment_positions(db, commitments)
    return [commitment_out(c, positions[c.id]) for c in commitments]


def get_commitment_row(
    db: Session, actor: Actor, commitment_id: uuid.UUID, *, for_update: bool = False
) -> Commitment:
    stmt = _commitment_query().where(
        Commitment.id == commitment_id, Commitment.org_id == actor.org_id
    )
    if for_update:
        stmt = stmt.with_for_update(of=Commitment)
    commitment = db.scalar(stmt)
    if commitment is None:
        raise NotFound("No such commitment.")
    return commitment


def _next_sequence(db: Session, fund_id: uuid.UUID) -> int:
    last = db.scalar(select(func.max(Commitment.sequence)).where(Commitment.fund_id == fund_id))
    return (last or 0) + 1


def _close_for(db: Session, actor: Actor, fund: Fund, close_id: uuid.UUID | None) -> Close:
    if close_id is not None:
        close = db.scalar(select(Close).where(Close.id == close_id, Close.fund_id == fund.id))
        if close is None:
            raise Invalid("No such close of this fund.", field="close_id")
        return close
    latest = db.scalar(
        select(Close).where(Close.fund_id == fund.id).order_by(Close.number.desc()).limit(1)
    )
    if latest is not None:
        return latest
    return _open_close(db, actor, fund, fund.initial_close_date or today())


def _assign_gp(db: Session, actor: Actor, fund: Fund, investor: Investor) -> None:
    if fund.gp_investor_id is None:
        before = audit.snapshot(fund)
        fund.gp_investor_id = investor.id
        db.flush()
        audit.record(db, actor, "fund.updated", fund, before=before)
    elif fund.gp_investor_id != investor.id:
        raise Invalid("The fund has another GP; a GP commitment must be the GP's.", field="is_gp")


def create_commitment(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: CommitmentCreate
) -> CommitmentOut:
    """Admit an investor's commitment at a close. It takes the next ``sequence`` number, which
    orders allocation ties (CONVENTIONS.md). The first GP commitment names the fund's GP."""
    require(actor, "commitment:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    amount = money(data.amount, fund.currency, "amount")
    investor = _referenced_investor(db, actor, data.investor_id, "investor_id")
    close = _close_for(db, actor, fund, data.close_id)
    if data.is_gp:
        _assign_gp(db, actor, fund, investor)
    commitment = Commitment(
        org_id=actor.org_id,
        fund_id=fund.id,
        investor_id=investor.id,
        close_id=close.id,
        amount=amount,
        is_gp=data.is_gp,
        sequence=_next_sequence(db, fund.id),
        status=CommitmentStatus.ACTIVE,
        created_by=actor.user_id,
    )
    db.add(commitment)
    db.flush()
    audit.record(db, actor, "commitment.created", commitment)
    return get_commitment(db, actor, commitment.id)


def update_commitment(
    db: Session, actor: Actor, commitment_id: uuid.UUID, data: CommitmentUpdate
) -> CommitmentOut:
    """Change a commitment's amount; never below what was already called, net of recallable
    distributions (the unfunded commitment cannot become negative)."""
    require(actor, "commitment:write")
    commitment = get_commitment_row(db, actor, commitment_id, for_update=True)
    if commitment.status != CommitmentStatus.ACTIVE:
        raise Conflict("A transferred commitment cannot change.")
    amount = money(data.amount, commitment.fund.currency, "amount")
    position = commitment_positions(db, [commitment])[commitment.id]
    floor = position.called - position.recallable
    if amount < floor:
        raise Invalid(
            f"The commitment cannot be less than the capital already called ({floor}).",
            field="amount",
        )
    before = audit.snapshot(commitment)
    commitment.amount = amount
    db.flush()
    audit.record(db, actor, "commitment.updated", commitment, before=before)
    return commitment_out(commitment, commitment_positions(db, [commitment])[commitment.id])


def get_commitment(db: Session, actor: Actor, commitment_id: uuid.UUID) -> CommitmentOut:
    require(actor, "commitment:read")
    commitment = get_commitment_row(db, actor, commitment_id)
    return commitments_out(db, [commitment])[0]


COMMITMENT_CSV_COLUMNS = (
    "id",
    "fund_name",
    "investor_id",
    "investor_name",
    "close_number",
    "close_date",
    "sequence",
    "is_gp",
    "status",
    "currency",
    "amount",
    "called",
    "contributed",
    "recallable",
    "unfunded",
)


def list_commitments(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    filters: CommitmentFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[CommitmentOut]:
    """The fund's commitments with their positions (four queries for any page size)."""
    require(actor, "commitment:read")
    fund = get_fund_row(db, actor, fund_id)
    column, descending = parse_sort(
        filters.sort,
        {"sequence": Commitment.sequence, "created_at": Commitment.created_at},
        "sequence",
    )
    stmt = _commitment_query().where(Commitment.fund_id == fund.id)
    if filters.investor_id is not None:
        stmt = stmt.where(Commitment.investor_id == filters.investor_id)
    if filters.close_id is not None:
        stmt = stmt.where(Commitment.close_id == filters.close_id)
    if filters.is_gp is not None:
        stmt = stmt.where(Commitment.is_gp == filters.is_gp)
    if filters.status is not None:
        stmt = stmt.where(Commitment.status == filters.status)
    rows, next_cursor = rows_or_page(
        db,
        stmt,
        sort_column=column,
        id_column=Commitment.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[CommitmentOut](items=commitments_out(db, rows), next_cursor=next_cursor)


def export_commitments_csv(
    db: Session, actor: Actor, fund_id: uuid.UUID, filters: CommitmentFilters
) -> str:
    page = list_commitments(db, actor, fund_id, filters, everything=True)
    return csv_of(COMMITMENT_CSV_COLUMNS, page.items)


def list_investor_commitments(
    db: Session,
    actor: Actor,
    investor_id: uuid.UUID,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[CommitmentOut]:
    """One investor's commitments in every fund of the organization, oldest first, with their
    positions (four queries for any page size)."""
    require(actor, "commitment:read")
    investor = get_investor_row(db, actor, investor_id)
    rows, next_cursor = rows_or_page(
        db,
        _commitment_query().where(
            Commitment.investor_id == investor.id, Commitment.org_id == actor.org_id
        ),
        sort_column=Commitment.created_at,
        id_column=Commitment.id,
        descending=False,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[CommitmentOut](items=commitments_out(db, rows), next_cursor=next_cursor)


def export_investor_commitments_csv(db: Session, actor: Actor, investor_id: uuid.UUID) -> str:
    page = list_investor_commitments(db, actor, investor_id, everything=True)
    return csv_of(COMMITMENT_CSV_COLUMNS, page.items)


# --- transfers of interest ---------------------------------------------------------------

TRANSFERRED_ACCOUNTS = (
    FundAccount.CAPITAL_DISTRIBUTIONS,
    FundAccount.CARRIED_INTEREST_GP,
    FundAccount.REALIZED_GAIN,
    FundAccount.CHANGE_IN_UNREALIZED_APPRECIATION,
    FundAccount.DIVIDEND_AND_INTEREST_INCOME,
    FundAccount.EQUALIZATION_INTEREST_INCOME,
    FundAccount.MANAGEMENT_FEE_EXPENSE,
    FundAccount.FUND_EXPENSES,
    FundAccount.CARRIED_INTEREST_ALLOCATION,
    FundAccount.MANAGEMENT_FEE_OFFSET,
)
"""Partner accounts whose balance moves pro rata to the contributions transferred."""

SETTLED_ACCOUNTS = (
    FundAccount.CONTRIBUTIONS_RECEIVABLE,
    FundAccount.DISTRIBUTIONS_PAYABLE,
    FundAccount.WITHHOLDING_TAX_PAYABLE,
    FundAccount.EQUALIZATION_INTEREST_PAYABLE,
)
"""Partner accounts that must be settled (zero) before a transfer: no open receivable or
payable is split between two investors."""


def _split(total: Decimal, part: Decimal, whole: Decimal, quantum: Decimal) -> Decimal:
    """The share ``part / whole`` of ``total``, rounded by the allocation rule so that the two
    shares sum exactly to ``total``."""
    if whole <= 0 or total == 0:
        return _ZERO
    if part >= whole:
        return total
    return allocate(total, {"moved": part, "kept": whole - part}, quantum).amount_for("moved")


def create_transfer(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: TransferCreate
) -> CommitmentTransfer:
    """Transfer ``amount`` of a commitment to another investor.

    The transferee gets a new commitment of ``amount`` (the next sequence number); the
    transferor's commitment shrinks by it and is marked transferred when nothing is left. The
    called capital and recallable amounts move pro rata (rounded by the allocation rule), and
    one ledger entry moves the same share of the transferor's capital account: its
    contributions by exactly the called capital moved, its other partner accounts pro rata to
    the contributions moved. Refused while the transferor has an unpaid call or an unpaid
    distribution (its receivables and payables must be settled), and when dated before the
    fund's latest ledger entry (a transfer is not backdated under booked activity).
    """
    require(actor, "commitment:write")
    fund = get_fund_row(db, actor, fund_id, for_update=True)
    source = db.scalar(
        _commitment_query()
        .where(Commitment.id == data.from_commitment_id, Commitment.fund_id == fund.id)
        .with_for_update(of=Commitment)
    )
    if source is None:
        raise Invalid("No such commitment in this fund.", field="from_commitment_id")
    if source.status != CommitmentStatus.ACTIVE:
        raise Invalid("This commitment was transferred already.", field="from_commitment_id")
    target = _referenced_investor(db, actor, data.to_investor_id, "to_investor_id")
    if target.id == source.investor_id:
        raise Invalid("An investor cannot transfer to itself.", field="to_investor_id")
    amount = money(data.amount, fund.currency, "amount")
    if amount > source.amount:
        raise Invalid(f"The transfer exceeds the commitment ({source.amount}).", field="amount")
    latest = ledger.latest_entry_date(db, fund.book_id)
    if latest is not None and data.transfer_date < latest:
        raise Invalid(
            f"The transfer cannot be dated before the fund's latest booked activity ({latest}).",
            field="transfer_date",
        )
    balances = ledger.partner_balances(
        db,
        actor,
        fund.book_id,
        [*SETTLED_ACCOUNTS, FundAccount.CAPITAL_CONTRIBUTIONS, *TRANSFERRED_ACCOUNTS],
        data.transfer_date,
    )
    unsettled = [
        code for code in SETTLED_ACCOUNTS if balances.get((source.investor_id, code), _ZERO) != 0
    ]
    if unsettled:
        raise Conflict(
            "The transferor has unsettled calls or distributions; settle them before "
            "transferring its interest."
        )
    quantum = quantum_of(fund.currency)
    position = commitment_positions(db, [source])[source.id]
    moved_called = _split(position.called, amount, source.amount, quantum)
    moved_recallable = _split(position.recallable, amount, source.amount, quantum)

    before = audit.snapshot(source)
    source.amount -= amount
    if source.amount == 0:
        source.status = CommitmentStatus.TRANSFERRED
    target_commitment = Commitment(
        org_id=actor.org_id,
        fund_id=fund.id,
        investor_id=target.id,
        close_id=source.close_id,
        amount=amount,
        is_gp=False,
        sequence=_next_sequence(db, fund.id),
        status=CommitmentStatus.ACTIVE,
        created_by=actor.user_id,
    )
    db.add(target_commitment)
    db.flush()
    transfer = CommitmentTransfer(
        org_id=actor.org_id,
        fund_id=fund.id,
        from_commitment_id=source.id,
        to_commitment_id=target_commitment.id,
        from_investor_id=source.investor_id,
        to_investor_id=target.id,
        transfer_date=data.transfer_date,
        amount=amount,
        called_amount=moved_called,
        recallable_amount=moved_recallable,
        created_by=actor.user_id,
    )
    db.add(transfer)
    db.flush()

    # The transferor's called capital before the transfer (the transfer row is flushed).
    investor_called = _investor_called(db, fund.id, source.investor_id) + moved_called
    moves: list[tuple[FundAccount, Decimal]] = []
    if moved_called:
        moves.append((FundAccount.CAPITAL_CONTRIBUTIONS, -moved_called))
    for code in TRANSFERRED_ACCOUNTS:
        balance = balances.get((source.investor_id, code), _ZERO)
        moved = _split(balance, moved_called, investor_called, quantum)
        if moved:
            moves.append((code, moved))
    if moves:
        lines = postings.interest_transferred(fund.currency, moves, source.investor_id, target.id)
        entry = ledger.post_entry(
            db,
            actor,
            fund.book_id,
            entry_date=data.transfer_date,
            memo=f"Transfer of interest to {target.name}"[:500],
            lines=lines,
            source_type="commitment_transfer",
            source_id=transfer.id,
        )
        transfer.ledger_entry_id = entry.id
    db.flush()
    audit.record(db, actor, "commitment.updated", source, before=before)
    audit.record(db, actor, "commitment.created", target_commitment)
    audit.record(db, actor, "commitment.transferred", transfer)
    return transfer


def _investor_called(db: Session, fund_id: uuid.UUID, investor_id: uuid.UUID) -> Decimal:
    """Capital called from all of an investor's commitments in the fund."""
    commitments = list(
        db.scalars(
            select(Commitment).where(
                Commitment.fund_id == fund_id, Commitment.investor_id == investor_id
            )
        )
    )
    return sum((p.called for p in commitment_positions(db, commitments).values()), _ZERO)


def list_transfers(db: Session, actor: Actor, fund_id: uuid.UUID) -> list[CommitmentTransfer]:
    require(actor, "commitment:read")
    fund = get_fund_row(db, actor, fund_id)
    return list(
        db.scalars(
            select(CommitmentTransfer)
            .where(CommitmentTransfer.fund_id == fund.id)
            .order_by(CommitmentTransfer.transfer_date, CommitmentTransfer.created_at)
        )
    )
