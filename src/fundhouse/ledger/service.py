"""The double-entry ledger: books, balanced entries, reversals, balances and exports.

Money is never created or destroyed here, only moved: every entry's postings sum to zero in
each currency, an entry is never edited, and a correction is a reversing entry that mirrors the
original. Balances are sums of postings, computed when asked, never stored. Every entry writes
an audit record and a ``ledger.entry_posted`` event to the outbox, in the caller's transaction.

Two kinds of callers:

* other domains' services (funds, trading ...) call :func:`create_book`, :func:`post_entry`,
  :func:`reverse_entry`, :func:`account_balances` and :func:`partner_balances` inside their own
  transactions, after checking their own permissions (a fund manager posts a capital call with
  ``capital_call:write``, not ``ledger:write``). These functions scope everything to the
  actor's organization and check no permission themselves. The owner of a book reads it
  through :func:`net_totals` (grouped sums of its postings), :func:`latest_entry_date`,
  :func:`last_entry_number`, :func:`standing_entry_ids` and
  :func:`partner_postings_of_source`, with the book id it read within the actor's
  organization; no other domain queries the ledger's tables.
* the ledger's own API calls the functions that require ``ledger:read`` or ``ledger:write``:
  :func:`list_books`, :func:`get_book`, :func:`list_accounts`, :func:`list_entries`,
  :func:`get_entry`, :func:`post_manual_entry`, :func:`reverse_manual_entry`,
  :func:`trial_balance`, :func:`export_entries_csv` and :func:`export_gl`.

The ledger knows a posting's party only by id. The domain that owns a kind of book says who
the parties are: it registers, with :func:`register_party_namer`, a function that names them
(the funds name a fund book's partners), and :func:`party_names` asks it for the parties of a
page of entries at once.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, localcontext
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import (
    InstrumentedAttribute,
    Session,
    aliased,
    make_transient_to_detached,
    selectinload,
)
from sqlalchemy.orm.attributes import set_committed_value

from fundhouse.ledger.chart import FUND_CHART, ChartAccount
from fundhouse.ledger.currencies import (
    decimal_places,
    format_amount,
    is_currency_code,
    minor_units,
)
from fundhouse.ledger.models import Account, AccountType, Book, JournalEntry, Posting
from fundhouse.platform import audit, events
from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import ExactDecimal
from fundhouse.platform.errors import Conflict, FieldError, Invalid, NotFound
from fundhouse.platform.pagination import DEFAULT_LIMIT, paginate, parse_sort

MANUAL_SOURCE = "manual"
"""The ``source_type`` of entries an accountant posts through the ledger's API."""

MAX_ABS_AMOUNT = Decimal(10) ** 18
"""A line's amount must be smaller than this in absolute value (far above any real fund)."""

MEMO_MAX = 500
SOURCE_TYPE_MAX = 60

# Sums of postings run in this context: wide enough that no sum of bounded amounts is ever
# rounded, and trapping Inexact so that a rounding would fail loudly instead of losing a cent.
EXACT_CONTEXT = Context(prec=80, traps=[Inexact, InvalidOperation, Overflow])
_ZERO = Decimal(0)


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of an entry to post: a signed amount on an account (debit +, credit −)."""

    account_code: str
    amount: Decimal
    currency: str
    party_id: uuid.UUID | None = None
    memo: str | None = None

    @classmethod
    def debit(
        cls,
        account_code: str,
        amount: Decimal,
        currency: str,
        *,
        party_id: uuid.UUID | None = None,
        memo: str | None = None,
    ) -> Line:
        """A debit of the positive ``amount``."""
        _require_positive(amount, "debit")
        return cls(account_code, amount, currency, party_id, memo)

    @classmethod
    def credit(
        cls,
        account_code: str,
        amount: Decimal,
        currency: str,
        *,
        party_id: uuid.UUID | None = None,
        memo: str | None = None,
    ) -> Line:
        """A credit of the positive ``amount`` (stored as a negative amount)."""
        _require_positive(amount, "credit")
        return cls(account_code, amount.copy_negate(), currency, party_id, memo)


def _require_positive(amount: Decimal, side: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise Invalid(f"A {side} is a positive, finite Decimal amount, not {amount!r}.")


@dataclass(frozen=True)
class AccountBalance:
    """What one account holds in one currency: total debits, total credits and their net.

    ``balance`` is debits − credits, so credit-normal accounts (liabilities, equity, income)
    usually show a negative balance.
    """

    account_code: str
    account_name: str
    account_type: AccountType
    currency: str
    debits: Decimal
    credits: Decimal
    balance: Decimal


@dataclass(frozen=True)
class TrialBalanceRow:
    account_code: str
    account_name: str
    account_type: AccountType
    currency: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class TrialBalance:
    """Every account's net balance at ``as_of`` in a debit or a credit column.

    Totals are per currency: adding dollars to euros would mean nothing.
    """

    as_of: date
    rows: list[TrialBalanceRow]
    total_debits: dict[str, Decimal]
    total_credits: dict[str, Decimal]

    @property
    def is_balanced(self) -> bool:
        currencies = self.total_debits.keys() | self.total_credits.keys()
        return all(
            self.total_debits.get(c, _ZERO) == self.total_credits.get(c, _ZERO) for c in currencies
        )


# --- books and accounts ------------------------------------------------------------------


def create_book(
    db: Session,
    actor: Actor,
    *,
    name: str,
    currency: str,
    owner_type: str,
    owner_id: uuid.UUID,
    chart: Sequence[ChartAccount] = FUND_CHART,
) -> Book:
    """Open a book for an owner (one book per owner), with a copy of ``chart`` as its accounts.

    Called by the owning domain (e.g. when a fund is created), which authorizes the action.
    """
    errors: list[FieldError] = []
    if not name.strip() or len(name) > 200:
        errors.append(
            FieldError(field="name", message="A book needs a name of 1 to 200 characters.")
        )
    if not is_currency_code(currency):
        errors.append(
            FieldError(field="currency", message=f"{currency!r} is not an ISO 4217 currency code.")
        )
    if not owner_type.strip() or len(owner_type) > 40:
        errors.append(
            FieldError(field="owner_type", message="owner_type needs 1 to 40 characters.")
        )
    codes = [account.code for account in chart]
    if not chart or len(set(codes)) != len(codes):
        errors.append(
            FieldError(field="chart", message="A chart needs accounts with unique codes.")
        )
    if errors:
        raise Invalid(_summary(errors), errors=errors)
    existing = db.scalar(
        select(Book.id).where(Book.owner_type == owner_type, Book.owner_id == owner_id)
    )
    if existing is not None:
        raise Conflict(f"This {owner_type} already has a book.")
    book = Book(
        org_id=actor.org_id,
        name=name.strip(),
        currency=currency,
        owner_type=owner_type,
        owner_id=owner_id,
        last_entry_number=0,
    )
    db.add(book)
    db.flush()
    db.add_all(
        Account(
            org_id=actor.org_id,
            book_id=book.id,
            code=str(account.code),
            name=account.name,
            type=account.type,
            is_partner_account=account.is_partner_account,
        )
        for account in chart
    )
    db.flush()
    audit.record(
        db,
        actor,
        "ledger.book_created",
        book,
        after={**audit.snapshot(book), "chart": [str(code) for code in codes]},
    )
    events.emit(
        db,
        "ledger.book_created",
        {"book_id": book.id, "owner_type": owner_type, "owner_id": owner_id},
        org_id=book.org_id,
    )
    return book


def get_book_for_owner(
    db: Session, actor: Actor, owner_type: str, owner_id: uuid.UUID
) -> Book | None:
    """The owner's book in the actor's organization, if it has one (for other domains)."""
    return db.scalar(
        select(Book).where(
            Book.org_id == actor.org_id, Book.owner_type == owner_type, Book.owner_id == owner_id
        )
    )


def _book(db: Session, actor: Actor, book_id: uuid.UUID) -> Book:
    book = db.scalar(select(Book).where(Book.id == book_id, Book.org_id == actor.org_id))
    if book is None:
        raise NotFound("No such book.")
    return book


def get_book(db: Session, actor: Actor, book_id: uuid.UUID) -> Book:
    require(actor, "ledger:read")
    return _book(db, actor, book_id)


def list_books(
    db: Session,
    actor: Actor,
    *,
    owner_type: str | None = None,
    sort: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[Book], str | None]:
    """The organization's books, a page at a time (sort by ``name`` or ``created_at``)."""
    require(actor, "ledger:read")
    column, descending = parse_sort(
        sort, {"name": Book.name, "created_at": Book.created_at}, "name"
    )
    stmt = select(Book).where(Book.org_id == actor.org_id)
    if owner_type is not None:
        stmt = stmt.where(Book.owner_type == owner_type)
    return paginate(
        db,
        stmt,
        sort_column=column,
        id_column=Book.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
    )


def list_accounts(db: Session, actor: Actor, book_id: uuid.UUID) -> list[Account]:
    """The book's chart of accounts, by code (a chart is small: not paginated)."""
    require(actor, "ledger:read")
    book = _book(db, actor, book_id)
    return list(
        db.scalars(select(Account).where(Account.book_id == book.id).order_by(Account.code))
    )


# --- posting -----------------------------------------------------------------------------


def post_entry(
    db: Session,
    actor: Actor,
    book_id: uuid.UUID,
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[Line],
    source_type: str,
    source_id: uuid.UUID | None,
) -> JournalEntry:
    """Post one balanced entry, or refuse it whole with :class:`Invalid` naming every problem.

    Refused: fewer than two lines; an amount that is zero, not finite, too large or finer than
    its currency's minor unit (ISO 4217: JPY 0 places, KWD 3, most 2); an unknown account code;
    a partner account without ``party_id`` or ``party_id`` on any other account; debits that do
    not equal credits in any one currency. Nothing is saved when an entry is refused.

    Called by other domains inside their transactions: the actor's organization must own the
    book; permissions are the caller's business.
    """
    book = _book(db, actor, book_id)
    _check_header(entry_date, memo, source_type)
    codes = {line.account_code for line in lines if isinstance(line.account_code, str)}
    accounts = {
        account.code: account
        for account in db.scalars(
            select(Account).where(Account.book_id == book.id, Account.code.in_(codes))
        )
    }
    errors = _line_errors(lines, accounts)
    if errors:
        raise Invalid(_summary(errors), errors=errors)
    return _insert_entry(
        db,
        actor,
        book,
        entry_date=entry_date,
        memo=memo,
        source_type=source_type,
        source_id=source_id,
        reverses=None,
        lines=[(accounts[line.account_code], line) for line in lines],
    )


PartnerCheck = Callable[[Session, Actor, uuid.UUID, set[uuid.UUID]], set[uuid.UUID]]
"""Of the party ids given for a book, those that are not partners of its owner (by id)."""

_PARTNER_CHECKS: dict[str, PartnerCheck] = {}


def register_partner_check(owner_type: str, check: PartnerCheck) -> None:
    """Let the domain that owns books of ``owner_type`` say who its partners are.

    The ledger knows a book's owner only by type and id, so the owner's domain (funds: the
    investors committed to the fund) vouches for the parties of manual entries; without it an
    entry could name anyone's id, another organization's investor included."""
    _PARTNER_CHECKS[owner_type] = check


def _check_partners(db: Session, actor: Actor, book_id: uuid.UUID, lines: Sequence[Line]) -> None:
    parties = {line.party_id for line in lines if line.party_id is not None}
    if not parties:
        return
    book = _book(db, actor, book_id)
    check = _PARTNER_CHECKS.get(book.owner_type)
    unknown = check(db, actor, book.owner_id, parties) if check else set()
    errors = [
        FieldError(field=f"lines[{i}].party_id", message="No such partner of this book's owner.")
        for i, line in enumerate(lines)
        if line.party_id in unknown
    ]
    if errors:
        raise Invalid(_summary(errors), errors=errors)


def post_manual_entry(
    db: Session,
    actor: Actor,
    book_id: uuid.UUID,
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[Line],
) -> JournalEntry:
    """An accountant's adjusting entry (``ledger:write``), with the same rules as any entry;
    each party it names must be a partner of the book's owner (:func:`register_partner_check`)."""
    require(actor, "ledger:write")
    _check_partners(db, actor, book_id, lines)
    return post_entry(
        db,
        actor,
        book_id,
        entry_date=entry_date,
        memo=memo,
        lines=lines,
        source_type=MANUAL_SOURCE,
        source_id=None,
    )


def reverse_entry(
    db: Session,
    actor: Actor,
    entry_id: uuid.UUID,
    *,
    entry_date: date,
    memo: str,
) -> JournalEntry:
    """Post the mirror image of an entry and link the two, which nets every balance to zero.

    Refused: an entry already reversed, an entry that is itself a reversal (post the entry
    again instead), and a reversal dated before the original. The reversal keeps the original's
    source, so both show up under what caused them.

    Called by other domains (e.g. cancelling a capital call) inside their transactions.
    """
    original = _entry(db, actor, entry_id, for_update=True)
    book = _book(db, actor, original.book_id)
    _check_header(entry_date, memo, original.source_type)
    if original.reverses_entry_id is not None:
        raise Conflict(
            f"Entry #{original.number} is itself a reversal; post the original entry again "
            "instead of reversing it."
        )
    if original.reversed_by_entry_id is not None:
        reversal_number = db.scalar(
            select(JournalEntry.number).where(JournalEntry.id == original.reversed_by_entry_id)
        )
        raise Conflict(
            f"Entry #{original.number} was already reversed by entry #{reversal_number}."
        )
    if entry_date < original.entry_date:
        raise Invalid(
            f"A reversal cannot be dated before the entry it reverses ({original.entry_date}).",
            field="entry_date",
        )
    reversal = _insert_entry(
        db,
        actor,
        book,
        entry_date=entry_date,
        memo=memo,
        source_type=original.source_type,
        source_id=original.source_id,
        reverses=original,
        lines=[
            (
                posting.account,
                Line(
                    posting.account.code,
                    posting.amount.copy_negate(),
                    posting.currency,
                    posting.party_id,
                    posting.memo,
                ),
            )
            for posting in original.postings
        ],
    )
    original.reversed_by_entry_id = reversal.id
    db.flush()
    audit.record(
        db,
        actor,
        "ledger.entry_reversed",
        original,
        before={"reversed_by_entry_id": None},
        after={"reversed_by_entry_id": reversal.id},
    )
    return reversal


def reverse_manual_entry(
    db: Session,
    actor: Actor,
    entry_id: uuid.UUID,
    *,
    entry_date: date,
    memo: str,
) -> JournalEntry:
    """Reverse a manual entry through the ledger's API (``ledger:write``).

    An entry another domain posted (a capital call, a distribution ...) is reversed by that
    domain's own action, so its records and the ledger never disagree: :class:`Conflict`.
    """
    require(actor, "ledger:write")
    original = _entry(db, actor, entry_id)
    if original.source_type != MANUAL_SOURCE:
        raise Conflict(
            f"Entry #{original.number} was posted by {original.source_type}; reverse it there, "
            "or post an adjusting entry."
        )
    return reverse_entry(db, actor, entry_id, entry_date=entry_date, memo=memo)


def _check_header(entry_date: date, memo: str, source_type: str) -> None:
    errors: list[FieldError] = []
    if not isinstance(entry_date, date) or isinstance(entry_date, datetime):
        errors.append(FieldError(field="entry_date", message="entry_date must be a date."))
    if not isinstance(memo, str) or not memo.strip() or len(memo) > MEMO_MAX:
        errors.append(
            FieldError(
                field="memo", message=f"An entry needs a memo of 1 to {MEMO_MAX} characters."
            )
        )
    if not source_type or len(source_type) > SOURCE_TYPE_MAX:
        errors.append(
            FieldError(
                field="source_type",
                message=f"source_type needs 1 to {SOURCE_TYPE_MAX} characters.",
            )
        )
    if errors:
        raise Invalid(_summary(errors), errors=errors)


def _line_errors(lines: Sequence[Line], accounts: Mapping[str, Account]) -> list[FieldError]:
    """Every problem of the lines, each named by its field, so one answer says all that's wrong."""
    errors: list[FieldError] = []

    def fail(index: int, field: str, message: str) -> None:
        errors.append(FieldError(field=f"lines[{index}].{field}", message=message))

    if len(lines) < 2:
        errors.append(FieldError(field="lines", message="An entry needs at least two lines."))
    for i, line in enumerate(lines):
        currency_ok = isinstance(line.currency, str) and is_currency_code(line.currency)
        if not currency_ok:
            fail(i, "currency", f"{line.currency!r} is not an ISO 4217 currency code.")
        amount = line.amount
        if not isinstance(amount, Decimal):
            fail(i, "amount", f"Amounts are Decimal, not {type(amount).__name__}.")
        elif not amount.is_finite():
            fail(i, "amount", f"The amount must be finite, not {amount}.")
        elif amount.is_zero():
            fail(i, "amount", "A line moves money: its amount cannot be zero.")
        elif amount.copy_abs() >= MAX_ABS_AMOUNT:
            fail(i, "amount", f"The amount {amount} is too large.")
        elif currency_ok and decimal_places(amount) > minor_units(line.currency):
            places = minor_units(line.currency)
            fail(
                i,
                "amount",
                f"{line.currency} amounts have at most {places} decimal places, not {amount}.",
            )
        account = accounts.get(line.account_code)
        if account is None:
            fail(i, "account_code", f"This book has no account {line.account_code!r}.")
        elif account.is_partner_account and line.party_id is None:
            fail(
                i,
                "party_id",
                f"Account {account.code} ({account.name}) is a partner account: name the partner.",
            )
        elif not account.is_partner_account and line.party_id is not None:
            fail(i, "party_id", f"Account {account.code} ({account.name}) takes no partner.")
        if line.memo is not None and len(line.memo) > MEMO_MAX:
            fail(i, "memo", f"A line memo has at most {MEMO_MAX} characters.")
    if errors:
        return errors
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [_ZERO, _ZERO])
    with localcontext(EXACT_CONTEXT):
        for line in lines:
            side = 0 if line.amount > 0 else 1
            totals[line.currency][side] += line.amount.copy_abs()
    for currency, (debits, credits) in sorted(totals.items()):
        if debits != credits:
            errors.append(
                FieldError(
                    field="lines",
                    message=(
                        f"The entry does not balance in {currency}: debits "
                        f"{format_amount(debits, currency)}, credits "
                        f"{format_amount(credits, currency)}."
                    ),
                )
            )
    return errors


def _summary(errors: Sequence[FieldError]) -> str:
    if len(errors) == 1:
        return errors[0].message
    return f"{len(errors)} problems: " + " ".join(e.message for e in errors)


def _next_number(db: Session, book: Book) -> int:
    """The book's next entry number, gap-free: the row lock on the book orders concurrent posts."""
    number = db.execute(
        update(Book)
        .where(Book.id == book.id)
        .values(last_entry_number=Book.last_entry_number + 1)
        .returning(Book.last_entry_number)
    ).scalar_one()
    return int(number)


def _insert_entry(
    db: Session,
    actor: Actor,
    book: Book,
    *,
    entry_date: date,
    memo: str,
    source_type: str,
    source_id: uuid.UUID | None,
    reverses: JournalEntry | None,
    lines: Sequence[tuple[Account, Line]],
) -> JournalEntry:
    entry = JournalEntry(
        id=uuid.uuid4(),
        org_id=book.org_id,
        book_id=book.id,
        number=_next_number(db, book),
        entry_date=entry_date,
        memo=memo.strip(),
        source_type=source_type,
        source_id=source_id,
        reverses_entry_id=reverses.id if reverses is not None else None,
        created_by=actor.user_id,
    )
    db.add(entry)
    db.flush()
    # One batched INSERT instead of the unit of work's per-object bookkeeping (a capital call
    # across thousands of partners is one entry with thousands of lines); the rows are then
    # attached to the session as the persistent objects they now are, without reading back.
    rows = [
        {
            "id": uuid.uuid4(),
            "org_id": book.org_id,
            "entry_id": entry.id,
            "line_no": line_no,
            "account_id": account.id,
            "party_id": line.party_id,
            "amount": line.amount,
            "currency": line.currency,
            "memo": line.memo,
        }
        for line_no, (account, line) in enumerate(lines, start=1)
    ]
    db.execute(insert(Posting), rows)
    postings = []
    for row, (account, _line) in zip(rows, lines, strict=True):
        posting = Posting(**row)
        make_transient_to_detached(posting)
        db.add(posting)
        set_committed_value(posting, "account", account)
        postings.append(posting)
    set_committed_value(entry, "postings", postings)
    audit.record(
        db,
        actor,
        "ledger.entry_posted",
        entry,
        after={
            **audit.snapshot(entry),
            "postings": [
                {
                    "account_code": account.code,
                    "party_id": line.party_id,
                    "amount": line.amount,
                    "currency": line.currency,
                    "memo": line.memo,
                }
                for account, line in lines
            ],
        },
    )
    events.emit(
        db,
        "ledger.entry_posted",
        {
            "entry_id": entry.id,
            "book_id": book.id,
            "number": entry.number,
            "entry_date": entry.entry_date,
            "source_type": entry.source_type,
            "source_id": entry.source_id,
            "reverses_entry_id": entry.reverses_entry_id,
        },
        org_id=book.org_id,
    )
    return entry


# --- naming parties ----------------------------------------------------------------------


class PartyNamer(Protocol):
    """The names of those of ``party_ids`` that the owner of a book knows, in the actor's
    organization (one query, whatever their number)."""

    def __call__(
        self, db: Session, actor: Actor, owner_id: uuid.UUID, party_ids: set[uuid.UUID], /
    ) -> Mapping[uuid.UUID, str]: ...


_PARTY_NAMERS: dict[str, PartyNamer] = {}


def register_party_namer(owner_type: str, namer: PartyNamer) -> None:
    """Let the domain that owns books of ``owner_type`` name the parties of their postings."""
    _PARTY_NAMERS[owner_type] = namer


def _book_party_names(
    db: Session, actor: Actor, book: Book, party_ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    namer = _PARTY_NAMERS.get(book.owner_type)
    if namer is None or not party_ids:
        return {}
    return dict(namer(db, actor, book.owner_id, party_ids))


def party_names(db: Session, actor: Actor, entries: Sequence[JournalEntry]) -> dict[uuid.UUID, str]:
    """The names of the parties on ``entries``' postings (loaded), by party id: one query for
    their books, and one per book of its owner's domain (a page of one book's entries: two).
    A party its owner does not know is left out."""
    wanted: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for entry in entries:
        for posting in entry.postings:
            if posting.party_id is not None:
                wanted[entry.book_id].add(posting.party_id)
    if not wanted:
        return {}
    names: dict[uuid.UUID, str] = {}
    books = db.scalars(select(Book).where(Book.id.in_(wanted), Book.org_id == actor.org_id))
    for book in books:
        names.update(_book_party_names(db, actor, book, wanted[book.id]))
    return names


# --- reading entries ---------------------------------------------------------------------


def _entry(
    db: Session, actor: Actor, entry_id: uuid.UUID, *, for_update: bool = False
) -> JournalEntry:
    stmt = (
        select(JournalEntry)
        .where(JournalEntry.id == entry_id, JournalEntry.org_id == actor.org_id)
        .options(selectinload(JournalEntry.postings).joinedload(Posting.account))
    )
    if for_update:
        # Lock the row and re-read it, even if this session loaded it before: a concurrent
        # reversal that committed meanwhile must be seen.
        stmt = stmt.with_for_update(of=JournalEntry).execution_options(populate_existing=True)
    entry = db.scalar(stmt)
    if entry is None:
        raise NotFound("No such journal entry.")
    return entry


def get_entry(db: Session, actor: Actor, entry_id: uuid.UUID) -> JournalEntry:
    """One entry with its postings and their accounts."""
    require(actor, "ledger:read")
    return _entry(db, actor, entry_id)


def list_entries(
    db: Session,
    actor: Actor,
    book_id: uuid.UUID,
    *,
    start: date | None = None,
    end: date | None = None,
    source_type: str | None = None,
    source_id: uuid.UUID | None = None,
    account_code: str | None = None,
    sort: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[JournalEntry], str | None]:
    """A page of the book's entries with their postings, filtered by dates (inclusive), source
    and an account they touch; sorted by ``number`` (default) or ``entry_date``, ``-`` for
    descending."""
    require(actor, "ledger:read")
    book = _book(db, actor, book_id)
    _check_range(start, end)
    column, descending = parse_sort(
        sort, {"number": JournalEntry.number, "entry_date": JournalEntry.entry_date}, "number"
    )
    stmt = (
        select(JournalEntry)
        .where(JournalEntry.book_id == book.id)
        .options(selectinload(JournalEntry.postings).joinedload(Posting.account))
    )
    if start is not None:
        stmt = stmt.where(JournalEntry.entry_date >= start)
    if end is not None:
        stmt = stmt.where(JournalEntry.entry_date <= end)
    if source_type is not None:
        stmt = stmt.where(JournalEntry.source_type == source_type)
    if source_id is not None:
        stmt = stmt.where(JournalEntry.source_id == source_id)
    if account_code is not None:
        account_id = db.scalar(
            select(Account.id).where(Account.book_id == book.id, Account.code == account_code)
        )
        if account_id is None:
            raise Invalid(f"This book has no account {account_code!r}.", field="account_code")
        stmt = stmt.where(
            JournalEntry.id.in_(select(Posting.entry_id).where(Posting.account_id == account_id))
        )
    return paginate(
        db,
        stmt,
        sort_column=column,
        id_column=JournalEntry.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
    )


# Reads for the domain that owns a book, with a ``book_id`` it read within the actor's
# organization: the book is not looked up again, and no permission is checked (the caller's).


def latest_entry_date(
    db: Session, book_id: uuid.UUID, *, source_type: str | None = None
) -> date | None:
    """The date of the book's latest entry (of ``source_type`` only, if given); None before
    its first."""
    stmt = select(func.max(JournalEntry.entry_date)).where(JournalEntry.book_id == book_id)
    if source_type is not None:
        stmt = stmt.where(JournalEntry.source_type == source_type)
    return db.scalar(stmt)


def last_entry_number(db: Session, book_id: uuid.UUID) -> int | None:
    """The number of the book's latest entry (0 before its first; None for no such book).

    It moves with every posting, reversals and backdated entries included, so it versions
    anything computed from the book's postings (a cache key)."""
    return db.scalar(select(Book.last_entry_number).where(Book.id == book_id))


def standing_entry_ids(
    db: Session, book_id: uuid.UUID, source_type: str, source_id: uuid.UUID
) -> list[uuid.UUID]:
    """The book's entries of one source that still stand: not reversed, and not themselves
    reversals (what cancelling the source must reverse)."""
    return list(
        db.scalars(
            select(JournalEntry.id).where(
                JournalEntry.book_id == book_id,
                JournalEntry.source_type == source_type,
                JournalEntry.source_id == source_id,
                JournalEntry.reverses_entry_id.is_(None),
                JournalEntry.reversed_by_entry_id.is_(None),
            )
        )
    )


@dataclass(frozen=True)
class PartnerPosting:
    """One posting that names a partner, with the entry it belongs to."""

    entry_id: uuid.UUID
    entry_date: date
    recorded_at: datetime
    party_id: uuid.UUID
    account_code: str
    amount: Decimal


def partner_postings_of_source(
    db: Session,
    book_id: uuid.UUID,
    source_type: str,
    *,
    currency: str,
    account_codes: Iterable[str],
) -> list[PartnerPosting]:
    """Every posting naming a partner on ``account_codes`` in ``currency``, of the book's
    entries of ``source_type`` (their reversals included: they keep the source), in one query.
    For a source with no record of its own elsewhere, whose entries are its record."""
    rows = db.execute(
        select(
            JournalEntry.id,
            JournalEntry.entry_date,
            JournalEntry.created_at,
            Posting.party_id,
            Account.code,
            Posting.amount,
        )
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .join(Account, Account.id == Posting.account_id)
        .where(
            JournalEntry.book_id == book_id,
            JournalEntry.source_type == source_type,
            Posting.currency == currency,
            Account.code.in_(list(account_codes)),
            Posting.party_id.is_not(None),
        )
    )
    return [
        PartnerPosting(entry_id, entry_date, recorded_at, party_id, code, amount)
        for entry_id, entry_date, recorded_at, party_id, code, amount in rows
        if party_id is not None
    ]


def _check_range(
    start: date | None, end: date | None, names: tuple[str, str] = ("start", "end")
) -> None:
    if start is not None and end is not None and start > end:
        raise Invalid(f"{names[0]} ({start}) is after {names[1]} ({end}).", field=names[0])


# --- balances ----------------------------------------------------------------------------


def posting_totals(
    db: Session,
    keys: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    conditions: Iterable[ColumnElement[bool]],
) -> dict[tuple[Any, ...], tuple[Decimal, Decimal]]:
    """Total debits and total credits of the matching postings, grouped by ``keys``.

    One query either way. PostgreSQL sums its exact NUMERIC in SQL; SQLite stores decimals as
    text, which its SUM would turn into floats, so there the rows come back and are summed in
    Python in an exact decimal context (about a quarter of a second of CPU per 100,000 postings).
    Other domains use it for their own grouped reports of a book (the conditions are theirs:
    they scope them to the actor's organization and book).
    """
    base = (
        select(*keys)
        .select_from(Posting)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .join(Account, Account.id == Posting.account_id)
        .where(*conditions)
    )
    totals: dict[tuple[Any, ...], tuple[Decimal, Decimal]] = {}
    if db.get_bind().dialect.name == "postgresql":
        debit = case((Posting.amount > 0, Posting.amount), else_=_ZERO)
        credit = case((Posting.amount < 0, -Posting.amount), else_=_ZERO)
        stmt = base.add_columns(
            func.sum(debit, type_=ExactDecimal()), func.sum(credit, type_=ExactDecimal())
        ).group_by(*keys)
        for row in db.execute(stmt):
            *key, debits, credits = row
            totals[tuple(key)] = (debits, credits)
        return totals
    sums: dict[tuple[Any, ...], list[Decimal]] = defaultdict(lambda: [_ZERO, _ZERO])
    with localcontext(EXACT_CONTEXT):
        for row in db.execute(base.add_columns(Posting.amount)):
            *key, amount = row
            pair = sums[tuple(key)]
            if amount > 0:
                pair[0] += amount
            else:
                pair[1] -= amount
    return {key: (pair[0], pair[1]) for key, pair in sums.items()}


class SumBy(StrEnum):
    """What :func:`net_totals` groups a book's postings by, each one part of a key."""

    PARTY = "party"
    """The posting's party id (None on an account without partners)."""
    ACCOUNT = "account"
    """The account's code."""
    ACCOUNT_NAME = "account_name"
    ACCOUNT_TYPE = "account_type"
    """The account's :class:`AccountType`."""
    DATE = "date"
    """The entry's date."""


_SUM_COLUMNS: dict[SumBy, InstrumentedAttribute[Any]] = {
    SumBy.PARTY: Posting.party_id,
    SumBy.ACCOUNT: Account.code,
    SumBy.ACCOUNT_NAME: Account.name,
    SumBy.ACCOUNT_TYPE: Account.type,
    SumBy.DATE: JournalEntry.entry_date,
}

INT64_DIGITS = 18
"""Decimal digits that always fit a signed 64-bit integer (SQLite's INTEGER)."""


def net_totals(
    db: Session,
    book_id: uuid.UUID,
    currency: str,
    by: Sequence[SumBy],
    *,
    as_of: date,
    since: date | None = None,
    account_codes: Iterable[str] | None = None,
    account_types: Iterable[AccountType] | None = None,
    parties: Iterable[uuid.UUID] | None = None,
    source_type: str | None = None,
) -> dict[tuple[Any, ...], Decimal]:
    """Net (debits − credits) of the book's postings in ``currency``, grouped by ``by``: exact,
    in one query.

    Counted are the entries dated up to ``as_of`` (and from ``since``, both inclusive); with
    ``account_codes`` or ``account_types``, the postings on those accounts only (on an account
    that is either, when both are given); with ``parties``, the postings naming one of them
    (none for an empty list); with ``source_type``, the entries of that source. A key is the
    tuple of the ``by`` values in their order; a group without postings has no key.

    For the domain that owns the book, with a ``book_id`` it read within the actor's
    organization (a fund's): the book is not looked up again, so a report of many sums costs
    one query each. The database sums on PostgreSQL (NUMERIC) and on SQLite (as integers of
    the minor unit, :func:`_scaled_sums`); otherwise :func:`posting_totals` sums in Python.
    """
    _check_range(since, as_of, ("since", "as_of"))
    conditions: list[ColumnElement[bool]] = [
        JournalEntry.book_id == book_id,
        JournalEntry.entry_date <= as_of,
        Posting.currency == currency,
    ]
    if since is not None:
        conditions.append(JournalEntry.entry_date >= since)
    accounts: list[ColumnElement[bool]] = []
    if account_types is not None:
        accounts.append(Account.type.in_(list(account_types)))
    if account_codes is not None:
        accounts.append(Account.code.in_(list(account_codes)))
    if accounts:
        conditions.append(or_(*accounts))
    if parties is not None:
        conditions.append(Posting.party_id.in_(list(parties)))
    if source_type is not None:
        conditions.append(JournalEntry.source_type == source_type)
    keys = [_SUM_COLUMNS[key] for key in by]
    if db.get_bind().dialect.name == "sqlite":
        sums = _scaled_sums(db, currency, keys, conditions)
        if sums is not None:
            return sums
    totals = posting_totals(db, keys, conditions)
    with localcontext(EXACT_CONTEXT):
        return {key: debits - credits for key, (debits, credits) in totals.items()}


def _scaled_sums(
    db: Session,
    currency: str,
    keys: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    conditions: Iterable[ColumnElement[bool]],
) -> dict[tuple[Any, ...], Decimal] | None:
    """The grouped net sum on SQLite, done by SQLite on exact integers.

    SQLite keeps a decimal as its canonical text (``platform.db.ExactDecimal``). Each amount's
    text is written with exactly the currency's decimal places (padded with zeros; the ledger
    refuses any amount finer than the minor unit, so nothing but zeros is ever cut) and read as
    a whole number of minor units, which SQLite sums exactly. None, for the caller to sum in
    Python, when some amount is too long to be such an integer or the sum overflows.
    """
    places = minor_units(currency)
    raw = type_coerce(Posting.amount, String)
    zeros = "0" * places
    padded = raw.concat(case((func.instr(raw, ".") == 0, "." + zeros), else_=zeros))
    fixed = func.substr(padded, 1, func.instr(raw.concat("."), ".") + places)
    minor = cast(func.replace(fixed, ".", ""), Integer)
    stmt = (
        select(*keys, func.sum(minor), func.max(func.length(raw)))
        .select_from(Posting)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .join(Account, Account.id == Posting.account_id)
        .where(*conditions)
        .group_by(*keys)
    )
    try:
        rows = db.execute(stmt).all()
    except OperationalError:
        return None
    sums: dict[tuple[Any, ...], Decimal] = {}
    for *key, total, longest in rows:
        if longest + places > INT64_DIGITS:
            return None
        sums[tuple(key)] = Decimal(total).scaleb(-places)
    return sums


def _window(book: Book, as_of: date, since: date | None) -> list[ColumnElement[bool]]:
    _check_range(since, as_of, ("since", "as_of"))
    conditions = [
        Posting.org_id == book.org_id,
        JournalEntry.book_id == book.id,
        JournalEntry.entry_date <= as_of,
    ]
    if since is not None:
        conditions.append(JournalEntry.entry_date >= since)
    return conditions


def account_balances(
    db: Session, actor: Actor, book_id: uuid.UUID, as_of: date, *, since: date | None = None
) -> list[AccountBalance]:
    """Per account and currency: debits, credits and net of the entries dated up to ``as_of``
    (and from ``since``, both inclusive, for one period's activity). Accounts without postings
    in the window are left out. One grouped query over the postings."""
    book = _book(db, actor, book_id)
    totals = posting_totals(db, [Account.code, Posting.currency], _window(book, as_of, since))
    accounts = {
        account.code: account
        for account in db.scalars(select(Account).where(Account.book_id == book.id))
    }
    balances = []
    with localcontext(EXACT_CONTEXT):
        for (code, currency), (debits, credits) in totals.items():
            account = accounts[code]
            balances.append(
                AccountBalance(
                    code, account.name, account.type, currency, debits, credits, debits - credits
                )
            )
    balances.sort(key=lambda b: (b.account_code, b.currency))
    return balances


def account_balance(
    db: Session,
    actor: Actor,
    book_id: uuid.UUID,
    account_code: str,
    as_of: date,
    *,
    currency: str | None = None,
) -> Decimal:
    """Debits − credits of one account on ``as_of``, in ``currency`` (the book's by default),
    by one query over that account's postings only."""
    book = _book(db, actor, book_id)
    account_id = db.scalar(
        select(Account.id).where(Account.book_id == book.id, Account.code == account_code)
    )
    if account_id is None:
        raise Invalid(f"This book has no account {account_code}.", field="account_code")
    # Filtering on the account's id lets the planner start from that account's postings
    # (by index) even before the tables have statistics, as in a bulk load.
    totals = posting_totals(
        db,
        [Account.code],
        [
            *_window(book, as_of, None),
            Posting.account_id == account_id,
            Posting.currency == (currency or book.currency),
        ],
    )
    debits, credits = totals.get((account_code,), (_ZERO, _ZERO))
    with localcontext(EXACT_CONTEXT):
        return debits - credits


def partner_balances(
    db: Session,
    actor: Actor,
    book_id: uuid.UUID,
    account_codes: Iterable[str],
    as_of: date,
    since: date | None = None,
    *,
    currency: str | None = None,
) -> dict[tuple[uuid.UUID, str], Decimal]:
    """Net balance (debits − credits) per partner and account, in one grouped query.

    Only postings in ``currency`` (the book's by default) count, so no two currencies are ever
    added. A partner without postings on an account has no key for it. The codes must be
    partner accounts of the book.
    """
    book = _book(db, actor, book_id)
    codes = sorted(set(account_codes))
    currency = currency or book.currency
    known = {
        code: is_partner
        for code, is_partner in db.execute(
            select(Account.code, Account.is_partner_account).where(
                Account.book_id == book.id, Account.code.in_(codes)
            )
        )
    }
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise Invalid(f"This book has no account {', '.join(unknown)}.", field="account_codes")
    not_partner = [code for code in codes if not known[code]]
    if not_partner:
        raise Invalid(f"Not partner accounts: {', '.join(not_partner)}.", field="account_codes")
    totals = posting_totals(
        db,
        [Posting.party_id, Account.code],
        [
            *_window(book, as_of, since),
            Account.code.in_(codes),
            Posting.currency == currency,
        ],
    )
    with localcontext(EXACT_CONTEXT):
        return {
            (party, code): debits - credits for (party, code), (debits, credits) in totals.items()
        }


def trial_balance(db: Session, actor: Actor, book_id: uuid.UUID, as_of: date) -> TrialBalance:
    """The trial balance at ``as_of``: each non-zero account balance as a debit or a credit."""
    require(actor, "ledger:read")
    rows: list[TrialBalanceRow] = []
    total_debits: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    total_credits: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    with localcontext(EXACT_CONTEXT):
        for b in account_balances(db, actor, book_id, as_of):
            if b.balance.is_zero():
                continue
            nothing = Decimal((0, (0,), -minor_units(b.currency)))
            debit = b.balance if b.balance > 0 else nothing
            credit = -b.balance if b.balance < 0 else nothing
            rows.append(
                TrialBalanceRow(
                    b.account_code, b.account_name, b.account_type, b.currency, debit, credit
                )
            )
            total_debits[b.currency] += debit
            total_credits[b.currency] += credit
    return TrialBalance(as_of, rows, dict(total_debits), dict(total_credits))


# --- exports -----------------------------------------------------------------------------

ENTRIES_CSV_COLUMNS = (
    "entry_number",
    "entry_date",
    "account_code",
    "account_name",
    "party_id",
    "party_name",
    "debit",
    "credit",
    "currency",
    "memo",
    "source_type",
    "source_id",
    "reverses_entry_number",
)
"""One row per posting; amounts written with the currency's decimal places, dates ISO 8601."""

GL_EXPORT_COLUMNS = (
    "JournalNo",
    "JournalDate",
    "Narration",
    "AccountCode",
    "AccountName",
    "Description",
    "Debit",
    "Credit",
    "Currency",
    "TrackingCategory",
    "TrackingOption",
)
"""The generic manual-journal import that accounting systems (Xero's and QuickBooks Online's
manual journal imports among them) accept after mapping columns.

* One row per journal line; the lines of one journal share ``JournalNo`` and ``JournalDate``
  (ISO 8601, ``YYYY-MM-DD``). ``Narration`` is the journal's memo, ``Description`` the line's
  (the journal's when the line has none).
* Each row has either ``Debit`` or ``Credit`` (positive, with the currency's decimal places),
  the other blank. Every journal balances on its own: an entry in several currencies becomes
  one journal per currency, numbered ``<entry number>-<currency>``; otherwise ``JournalNo`` is
  the entry number.
* ``AccountCode`` is the book's chart code (map it to the target chart on import).
* Lines on partner accounts carry ``TrackingCategory`` ``Partner`` and the partner's id in
  ``TrackingOption``, for a tracking category (Xero) or class/name (QuickBooks) per partner.
"""

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: str | None) -> str:
    """Free text made safe for spreadsheets (OWASP CSV injection: no leading formula sign)."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def _export_rows(
    db: Session, book: Book, start: date | None, end: date | None
) -> Iterable[tuple[Posting, JournalEntry, Account, int | None]]:
    _check_range(start, end)
    reversed_entry = aliased(JournalEntry)
    stmt = (
        select(Posting, JournalEntry, Account, reversed_entry.number)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .join(Account, Account.id == Posting.account_id)
        .outerjoin(reversed_entry, reversed_entry.id == JournalEntry.reverses_entry_id)
        .where(JournalEntry.book_id == book.id, Posting.org_id == book.org_id)
        .order_by(JournalEntry.number, Posting.line_no)
    )
    if start is not None:
        stmt = stmt.where(JournalEntry.entry_date >= start)
    if end is not None:
        stmt = stmt.where(JournalEntry.entry_date <= end)
    return db.execute(stmt).tuples()


def _debit_credit(amount: Decimal, currency: str) -> tuple[str, str]:
    if amount > 0:
        return format_amount(amount, currency), ""
    return "", format_amount(amount.copy_negate(), currency)


def export_entries_csv(
    db: Session, actor: Actor, book_id: uuid.UUID, start: date | None, end: date | None
) -> str:
    """The book's postings dated ``start`` to ``end`` (inclusive) as CSV, one row per posting
    (columns: :data:`ENTRIES_CSV_COLUMNS`)."""
    require(actor, "ledger:read")
    book = _book(db, actor, book_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ENTRIES_CSV_COLUMNS)
    rows = list(_export_rows(db, book, start, end))
    names = _book_party_names(db, actor, book, {p.party_id for p, *_ in rows if p.party_id})
    for posting, entry, account, reverses_number in rows:
        debit, credit = _debit_credit(posting.amount, posting.currency)
        writer.writerow(
            (
                entry.number,
                entry.entry_date.isoformat(),
                account.code,
                _text_cell(account.name),
                str(posting.party_id) if posting.party_id else "",
                _text_cell(names.get(posting.party_id)) if posting.party_id else "",
                debit,
                credit,
                posting.currency,
                _text_cell(posting.memo or entry.memo),
                _text_cell(entry.source_type),
                str(entry.source_id) if entry.source_id else "",
                reverses_number if reverses_number is not None else "",
            )
        )
    return out.getvalue()


def export_gl(
    db: Session, actor: Actor, book_id: uuid.UUID, start: date | None, end: date | None
) -> str:
    """The book's entries dated ``start`` to ``end`` as a GL journal import file
    (format: :data:`GL_EXPORT_COLUMNS`)."""
    require(actor, "ledger:read")
    book = _book(db, actor, book_id)
    rows = list(_export_rows(db, book, start, end))
    currencies_of: dict[int, set[str]] = defaultdict(set)
    for posting, entry, _account, _reverses in rows:
        currencies_of[entry.number].add(posting.currency)
    ordered = sorted(rows, key=lambda r: (r[1].number, r[0].currency, r[0].line_no))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GL_EXPORT_COLUMNS)
    for posting, entry, account, _reverses in ordered:
        journal_no = str(entry.number)
        if len(currencies_of[entry.number]) > 1:
            journal_no = f"{entry.number}-{posting.currency}"
        debit, credit = _debit_credit(posting.amount, posting.currency)
        writer.writerow(
            (
                journal_no,
                entry.entry_date.isoformat(),
                _text_cell(entry.memo),
                account.code,
                _text_cell(account.name),
                _text_cell(posting.memo or entry.memo),
                debit,
                credit,
                posting.currency,
                "Partner" if posting.party_id else "",
                str(posting.party_id) if posting.party_id else "",
            )
        )
    return out.getvalue()
