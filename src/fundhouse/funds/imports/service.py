"""Importing a fund's investors, commitments and historical cash flows from CSV or XLSX.

A firm moving onto Fundhouse brings its LP register, its commitments and the capital it has
already called and returned. Each comes as one file (CSV in UTF-8, or the first sheet of an
XLSX workbook) whose first row names the columns (:data:`COLUMNS`; case, spaces and hyphens
do not matter). ``GET /imports/templates/{kind}.csv`` gives the header with an example row.

Validate first, then apply, all or nothing:

1. The file is read (size, format, header). A file that cannot be read, or whose header lacks a
   required column or names an unknown one, is refused whole (422, field ``file``).
2. Every row is checked: required values, dates (``YYYY-MM-DD``), decimals, amounts (positive,
   in the fund's currency and its minor unit), investors that exist, duplicates within the file
   and of what is already recorded, commitments that would fall below the capital already
   called, contributions above the unfunded commitment ... Every problem of every row is
   reported at once (422, ``errors`` with fields such as ``row 7: amount``; the header is row 1,
   as a spreadsheet counts) and nothing is saved.
3. A clean file is applied in the request's one transaction through the funds services, so the
   rules, ledger postings and audit records are the ones the API itself writes. A dry run does
   the same inside a savepoint and rolls it back: it proves the file would apply and saves
   nothing.

Historical cash flows (kind ``cash_flows``) are recorded as the events a live fund would have
produced, so called capital, unfunded commitments, capital accounts and performance all see
them, and post to the fund's ledger on their own dates:

* contributions of one date become one capital call (purpose investment, status paid, marked
  as imported) with each LP's share as an allocation, and one payment per row:
  issue ``Dr 1100 contributions receivable / Cr 3000 partners' capital — contributions`` per
  LP, and receipt ``Dr 1000 cash / Cr 1100 contributions receivable`` per LP;
* distributions of one date become one distribution (source other, status paid, marked as
  imported) with each LP's amount as an allocation of the tier the row names (return of
  capital by default), and post declaration ``Dr 3100 partners' capital — distributions /
  Cr 2000 distributions payable`` and payout ``Dr 2000 distributions payable / Cr 1000 cash``
  per LP. ``recallable_amount`` adds back to the LP's unfunded commitment.

The fund's investments and valuations are not part of these files: until they are recorded,
the cash account carries the net of the imported flows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import partial
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundhouse.funds import postings
from fundhouse.funds.calls import service as calls
from fundhouse.funds.models import (
    CallAllocation,
    CallBasis,
    CallPurpose,
    CallStatus,
    CapitalCall,
    Close,
    Commitment,
    CommitmentStatus,
    Distribution,
    DistributionAllocation,
    DistributionSource,
    DistributionStatus,
    Fund,
    Investor,
    Payment,
    PaymentMethod,
    WaterfallTier,
)
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import CommitmentCreate, CommitmentUpdate, InvestorCreate
from fundhouse.ledger import service as ledger
from fundhouse.ledger.currencies import decimal_places, minor_units
from fundhouse.platform import audit
from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import Conflict, FieldError, Invalid
from fundhouse.platform.export import csv_text

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_REPORTED_ERRORS = 1_000
IMPORTED = "Imported from history"
"""The description of the calls and distributions an import records."""

_ZERO = Decimal(0)
_XLSX_MAGIC = b"PK\x03\x04"
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


class ImportKind(StrEnum):
    INVESTORS = "investors"
    COMMITMENTS = "commitments"
    CASH_FLOWS = "cash_flows"


class FlowType(StrEnum):
    CONTRIBUTION = "contribution"
    DISTRIBUTION = "distribution"


@dataclass(frozen=True)
class Column:
    """One column of an import file: its name, whether it is required, what it holds and an
    example value for the template."""

    name: str
    required: bool
    description: str
    example: str
    aliases: tuple[str, ...] = ()


_INVESTOR_REF = Column(
    "investor",
    True,
    "The investor's name (as recorded) or id",
    "Calder Pension Plan",
    ("investor_name", "investor_id", "lp", "lp_name", "limited_partner"),
)
_CURRENCY = Column("currency", False, "ISO 4217 code; must be the fund's currency", "USD")

COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.INVESTORS: (
        Column("name", True, "The investor's legal name", "Calder Pension Plan"),
        Column("kind", True, "individual or entity", "entity", ("type", "investor_type")),
        Column(
            "email",
            False,
            "E-mail address for notices",
            "operations@calder.example",
            ("e_mail", "email_address"),
        ),
        Column("phone", False, "Telephone number", "+1 617 555 0100"),
        Column("address", False, "Postal address", "1 Quay Street, Boston MA"),
        Column("country", False, "ISO 3166 alpha-2 code", "US"),
        Column("tax_id", False, "Tax identifier (encrypted at rest)", "12-3456789"),
        Column("bank_name", False, "Bank for distributions", "First Harbor Bank"),
        Column("bank_account", False, "Account number (encrypted at rest)", "000123456789"),
        Column("bank_routing", False, "Routing number (encrypted at rest)", "011000015"),
        Column("withholding_rate", False, "Tax withheld on distributions, a fraction", "0"),
        Column("notes", False, "Free text", ""),
    ),
    ImportKind.COMMITMENTS: (
        _INVESTOR_REF,
        Column("amount", True, "The commitment, a positive amount", "5000000.00", ("commitment",)),
        _CURRENCY,
        Column(
            "close_date",
            False,
            "YYYY-MM-DD of the close that admits it; the fund's latest close by default",
            "2024-01-15",
            ("close",),
        ),
        Column("is_gp", False, "true for the GP's own commitment", "false", ("gp",)),
    ),
    ImportKind.CASH_FLOWS: (
        _INVESTOR_REF,
        Column("date", True, "YYYY-MM-DD the money moved", "2024-03-20", ("flow_date",)),
        Column("type", True, "contribution or distribution", "contribution", ("flow_type",)),
        Column("amount", True, "A positive amount", "250000.00"),
        _CURRENCY,
        Column(
            "recallable_amount",
            False,
            "Distributions: the part that may be called again",
            "",
            ("recallable",),
        ),
        Column(
            "tier",
            False,
            "Distributions: waterfall tier (return_of_capital by default, preferred_return, "
            "catch_up, carried_interest)",
            "",
        ),
        Column("reference", False, "Wire reference or memo", "Wire 2024-03-20", ("memo",)),
    ),
}


# --- the API's shapes --------------------------------------------------------------------


class ImportedRow(BaseModel):
    row: int
    action: Literal["created", "updated", "unchanged"]
    entity: str
    """What the row became: ``investor``, ``commitment``, ``contribution`` or ``distribution``."""
    entity_id: uuid.UUID | None
    """The record created or updated (None in a dry run)."""


class ImportResult(BaseModel):
    kind: ImportKind
    fund_id: uuid.UUID
    filename: str | None
    sha256: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    items: list[ImportedRow]


# --- reading the file --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet counts (the header is row 1) and its cells by
    column name (text from CSV; text, numbers, dates or booleans from XLSX; blank is None)."""

    number: int
    cells: dict[str, Any]


def _header_key(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name if name is not None else "").strip().lower())


def _file_error(message: str) -> Invalid:
    return Invalid(message, field="file")


def _csv_rows(content: bytes) -> list[list[Any]]:
    if b"\x00" in content[:8192]:
        raise _file_error("The file is not CSV text; upload CSV (UTF-8) or an XLSX workbook.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            "The file is not UTF-8 text; save it as CSV (UTF-8) or upload an XLSX workbook."
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else ("\t" if "\t" in first_line else ",")
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise _file_error(f"The file is not valid CSV: {exc}.") from exc


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _file_error("The file is not a readable XLSX workbook.") from exc
    try:
        if not workbook.worksheets:
            raise _file_error("The workbook has no sheet.")
        rows = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(content: bytes, filename: str | None, kind: ImportKind) -> list[Row]:
    """The data rows of an upload, keyed by canonical column names.

    Refused whole (:class:`Invalid` on ``file``): an empty or oversized file, one that is
    neither CSV nor XLSX, a header with unknown or repeated columns or without a required
    column, and more than :data:`MAX_ROWS` rows. Blank rows are skipped; a value under a
    column without a heading is left for the row checks to report.
    """
    if not content:
        raise _file_error("The file is empty.")
    if len(content) > MAX_BYTES:
        raise _file_error(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise _file_error("Old .xls workbooks are not read; save the sheet as .xlsx or CSV.")
    if content.startswith(_XLSX_MAGIC):
        raw = _xlsx_rows(content)
    elif name.endswith(".xlsx"):
        raise _file_error("The file is named .xlsx but is not an XLSX workbook.")
    else:
        raw = _csv_rows(content)
    skipped = 0
    while raw and all(_blank(v) for v in raw[0]):
        raw.pop(0)
        skipped += 1
    if not raw:
        raise _file_error("The file has no header row.")
    columns = COLUMNS[kind]
    canonical = {c.name: c.name for c in columns}
    canonical.update({alias: c.name for c in columns for alias in c.aliases})
    header: list[str | None] = []
    problems: list[str] = []
    seen: set[str] = set()
    unknown = []
    for title in raw[0]:
        key = _header_key(title)
        if not key:
            header.append(None)
            continue
        column = canonical.get(key)
        if column is None:
            unknown.append(str(title).strip())
        elif column in seen:
            problems.append(f"the column {column!r} appears twice")
        else:
            seen.add(column)
        header.append(column)
    if unknown:
        problems.append(
            f"unknown column{'s' if len(unknown) > 1 else ''} "
            + ", ".join(repr(u) for u in unknown)
        )
    missing = [c.name for c in columns if c.required and c.name not in seen]
    if missing:
        problems.append(
            "missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing)
        )
    if problems:
        expected = ", ".join(c.name for c in columns)
        what = kind.value.replace("_", " ")
        raise _file_error(
            f"The header row does not fit an import of {what}: {'; '.join(problems)}. "
            f"Expected columns: {expected}."
        )
    rows: list[Row] = []
    for number, values in enumerate(raw[1:], start=2 + skipped):
        if all(_blank(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(f"The file has more than {MAX_ROWS} rows; split it.")
        cells: dict[str, Any] = {}
        for position, value in enumerate(values):
            column = header[position] if position < len(header) else None
            if column is None:
                if not _blank(value):
                    cells.setdefault("", value)
                continue
            cells[column] = (
                None if _blank(value) else (value.strip() if isinstance(value, str) else value)
            )
        rows.append(Row(number, cells))
    if not rows:
        raise _file_error("The file has a header row but no data rows.")
    return rows


# --- reading cells -----------------------------------------------------------------------


class CellError(ValueError):
    """The value of one cell is not acceptable; the message says why."""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_decimal(value: Any) -> Decimal:
    """A decimal from a cell: ``1250000.50`` or ``1,250,000.50`` as text, or a spreadsheet
    number (a binary float read back through its shortest decimal form, which is the number
    as it was typed for up to 15 significant digits)."""
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a decimal number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(f"{_text(value)!r} is not a decimal number") from None
    if not number.is_finite():
        raise CellError(f"{_text(value)!r} is not a decimal number")
    return number


def parse_amount(value: Any, currency: str, *, allow_zero: bool = False) -> Decimal:
    """A positive amount in ``currency``, with at most its minor unit's decimal places."""
    amount = parse_decimal(value)
    if amount < 0:
        raise CellError(f"the amount cannot be negative ({_text(value)})")
    if amount == 0 and not allow_zero:
        raise CellError("the amount must be greater than zero")
    places = minor_units(currency)
    if decimal_places(amount) > places:
        raise CellError(f"{currency} amounts have at most {places} decimal places, not {amount}")
    return amount.quantize(service.quantum_of(currency))


def parse_date(value: Any) -> date:
    """A date from a cell: ISO 8601 text (``2024-03-20``) or a spreadsheet date."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise CellError(f"{value.isoformat()} has a time of day; give a date")
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{_text(value)!r} is not true or false")


class RowErrors:
    """The problems found, each named ``row N: column``, in the order they were found."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []
        self.rows: set[int] = set()

    def add(self, row: int, column: str, message: str) -> None:
        self.rows.add(row)
        self.items.append(FieldError(field=f"row {row}: {column}", message=message))

    def cell(
        self, row: Row, column: str, parse: Callable[[Any], Any], *, required: bool = False
    ) -> Any:
        """``parse`` of the cell's value; None when it is blank (an error if ``required``) or
        when it does not parse (the error is recorded)."""
        value = row.cells.get(column)
        if value is None:
            if required:
                self.add(row.number, column, "a value is required")
            return None
        try:
            return parse(value)
        except CellError as exc:
            self.add(row.number, column, str(exc))
            return None

    def raise_if_any(self, rows: int) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_REPORTED_ERRORS]
        more = len(self.items) - len(shown)
        detail = (
            f"{len(self.items)} problem{'s' if len(self.items) > 1 else ''} in "
            f"{len(self.rows)} of {rows} rows; nothing was saved."
        )
        if more:
            detail += f" The first {len(shown)} are listed."
        raise Invalid(detail, errors=shown)


def _check_extra_cells(rows: Sequence[Row], errors: RowErrors) -> None:
    for row in rows:
        if "" in row.cells:
            errors.add(row.number, "file", "the row has a value under no column heading")


def _check_currency(row: Row, fund: Fund, errors: RowErrors) -> None:
    currency = row.cells.get("currency")
    if currency is not None and _text(currency).upper() != fund.currency:
        errors.add(
            row.number,
            "currency",
            f"currency mismatch: {_text(currency)!r}, but the fund is kept in {fund.currency}",
        )


# --- investors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _InvestorIndex:
    """The organization's investors by id and by name (case-insensitive)."""

    by_id: dict[uuid.UUID, str]
    by_name: dict[str, list[uuid.UUID]]

    @classmethod
    def load(cls, db: Session, actor: Actor) -> _InvestorIndex:
        by_id: dict[uuid.UUID, str] = {}
        by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        for investor_id, name in db.execute(
            select(Investor.id, Investor.name).where(Investor.org_id == actor.org_id)
        ):
            by_id[investor_id] = name
            by_name[name.strip().lower()].append(investor_id)
        return cls(by_id, dict(by_name))

    def resolve(self, value: Any) -> uuid.UUID:
        text = _text(value)
        try:
            investor_id = uuid.UUID(text)
        except ValueError:
            matches = self.by_name.get(text.lower(), [])
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise CellError(
                    f"{len(matches)} investors are named {text!r}; give the investor's id"
                ) from None
            raise CellError(f"unknown investor {text!r}") from None
        if investor_id not in self.by_id:
            raise CellError(f"unknown investor {text!r}")
        return investor_id


def _pydantic_input(row: Row, columns: Iterable[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column in columns:
        value = row.cells.get(column)
        if value is None:
            continue
        data[column] = value if isinstance(value, str) else _text(value)
    return data


def _validate_investors(
    db: Session, actor: Actor, rows: Sequence[Row], errors: RowErrors
) -> list[tuple[int, InvestorCreate]]:
    existing = _InvestorIndex.load(db, actor).by_name
    first_row: dict[str, int] = {}
    plan: list[tuple[int, InvestorCreate]] = []
    names = [c.name for c in COLUMNS[ImportKind.INVESTORS]]
    for row in rows:
        data = _pydantic_input(row, names)
        if "withholding_rate" in data:
            rate = errors.cell(row, "withholding_rate", parse_decimal)
            if rate is None:
                del data["withholding_rate"]
            else:
                data["withholding_rate"] = format(rate, "f")
        if "kind" in data:
            data["kind"] = data["kind"].lower()
        if "country" in data:
            data["country"] = data["country"].upper()
        try:
            investor = InvestorCreate.model_validate(data)
        except ValidationError as exc:
            for problem in exc.errors():
                loc = problem.get("loc") or ("file",)
                message = str(problem.get("msg", "invalid value"))
                if loc[0] == "kind":
                    message = "must be individual or entity"
                errors.add(row.number, str(loc[0]), message)
            continue
        key = investor.name.lower()
        if key in first_row:
            errors.add(row.number, "name", f"duplicate of row {first_row[key]}")
            continue
        first_row[key] = row.number
        if key in existing:
            errors.add(row.number, "name", f"duplicate: an investor named {investor.name!r} exists")
            continue
        plan.append((row.number, investor))
    return plan


def _apply_investors(
    db: Session, actor: Actor, plan: Sequence[tuple[int, InvestorCreate]]
) -> list[ImportedRow]:
    done = []
    for number, data in plan:
        out = service.create_investor(db, actor, data)
        done.append(ImportedRow(row=number, action="created", entity="investor", entity_id=out.id))
    return done


# --- commitments -------------------------------------------------------------------------


@dataclass(frozen=True)
class _CommitmentLine:
    row: int
    investor_id: uuid.UUID
    amount: Decimal
    close_date: date | None
    is_gp: bool
    existing: Commitment | None


def _active_commitments(db: Session, fund: Fund) -> dict[uuid.UUID, list[Commitment]]:
    by_investor: dict[uuid.UUID, list[Commitment]] = defaultdict(list)
    for commitment in db.scalars(
        select(Commitment)
        .where(Commitment.fund_id == fund.id, Commitment.status == CommitmentStatus.ACTIVE)
        .order_by(Commitment.sequence)
    ):
        by_investor[commitment.investor_id].append(commitment)
    return by_investor


def _validate_commitments(
    db: Session, actor: Actor, fund: Fund, rows: Sequence[Row], errors: RowErrors
) -> list[_CommitmentLine]:
    investors = _InvestorIndex.load(db, actor)
    held = _active_commitments(db, fund)
    positions = service.commitment_positions(db, [c for cs in held.values() for c in cs])
    closes = list(db.scalars(select(Close).where(Close.fund_id == fund.id).order_by(Close.number)))
    close_by_id = {c.id: c for c in closes}
    close_dates = {c.close_date for c in closes}
    last_close = closes[-1] if closes else None
    first_row: dict[uuid.UUID, int] = {}
    gp_rows: dict[uuid.UUID, int] = {}
    plan: list[_CommitmentLine] = []
    for row in rows:
        bad = len(errors.items)
        investor_id = errors.cell(row, "investor", investors.resolve, required=True)
        amount = errors.cell(row, "amount", lambda v: parse_amount(v, fund.currency), required=True)
        _check_currency(row, fund, errors)
        close_date = errors.cell(row, "close_date", parse_date)
        is_gp = errors.cell(row, "is_gp", parse_bool) or False
        if (
            close_date is not None
            and close_date not in close_dates
            and last_close is not None
            and close_date < last_close.close_date
        ):
            errors.add(
                row.number,
                "close_date",
                f"no close of this fund is dated {close_date}, and a new close cannot be "
                f"dated before close #{last_close.number} ({last_close.close_date})",
            )
        if investor_id is None:
            continue
        if investor_id in first_row:
            errors.add(row.number, "investor", f"duplicate of row {first_row[investor_id]}")
            continue
        first_row[investor_id] = row.number
        if is_gp:
            gp_rows[investor_id] = row.number
            if fund.gp_investor_id is not None and fund.gp_investor_id != investor_id:
                errors.add(
                    row.number,
                    "is_gp",
                    "the fund has another GP; a GP commitment must be the GP's",
                )
        mine = held.get(investor_id, [])
        existing = None
        if len(mine) > 1:
            errors.add(
                row.number,
                "investor",
                f"{investors.by_id[investor_id]!r} has {len(mine)} commitments in this fund; "
                "change them one by one",
            )
        elif mine:
            existing = mine[0]
            if existing.is_gp != is_gp:
                errors.add(
                    row.number,
                    "is_gp",
                    f"the existing commitment is {'' if existing.is_gp else 'not '}the GP's",
                )
            current_close = close_by_id[existing.close_id]
            if close_date is not None and close_date != current_close.close_date:
                errors.add(
                    row.number,
                    "close_date",
                    f"the existing commitment was admitted at close #{current_close.number} "
                    f"({current_close.close_date}); its close cannot change",
                )
            position = positions[existing.id]
            floor = position.called - position.recallable
            if amount is not None and amount < floor:
                errors.add(
                    row.number,
                    "amount",
                    f"the commitment would go below the capital already called ({floor} "
                    f"{fund.currency})",
                )
        if len(errors.items) == bad and amount is not None:
            plan.append(
                _CommitmentLine(row.number, investor_id, amount, close_date, is_gp, existing)
            )
    if len(gp_rows) > 1:
        for number in list(gp_rows.values())[1:]:
            errors.add(number, "is_gp", "only one investor can be the fund's GP")
    return plan


def _apply_commitments(
    db: Session, actor: Actor, fund: Fund, plan: Sequence[_CommitmentLine]
) -> list[ImportedRow]:
    closes = {c.close_date: c.id for c in db.scalars(select(Close).where(Close.fund_id == fund.id))}
    for close_date in sorted({line.close_date for line in plan if line.close_date} - closes.keys()):
        closes[close_date] = service.create_close(db, actor, fund.id, close_date).id
    done = []
    for line in plan:
        if line.existing is not None:
            if line.existing.amount == line.amount:
                done.append(
                    ImportedRow(
                        row=line.row,
                        action="unchanged",
                        entity="commitment",
                        entity_id=line.existing.id,
                    )
                )
                continue
            out = service.update_commitment(
                db, actor, line.existing.id, CommitmentUpdate(amount=line.amount)
            )
            done.append(
                ImportedRow(row=line.row, action="updated", entity="commitment", entity_id=out.id)
            )
            continue
        out = service.create_commitment(
            db,
            actor,
            fund.id,
            CommitmentCreate(
                investor_id=line.investor_id,
                amount=line.amount,
                close_id=closes[line.close_date] if line.close_date else None,
                is_gp=line.is_gp,
            ),
        )
        done.append(
            ImportedRow(row=line.row, action="created", entity="commitment", entity_id=out.id)
        )
    return done


# --- historical cash flows ---------------------------------------------------------------


@dataclass(frozen=True)
class _Flow:
    row: int
    type: FlowType
    investor_id: uuid.UUID
    commitment: Commitment
    flow_date: date
    amount: Decimal
    recallable: Decimal
    tier: WaterfallTier
    reference: str | None


@dataclass
class _Room:
    """An LP's unfunded commitment as the imported flows move it, in date order."""

    unfunded: Decimal
    flows: list[_Flow] = field(default_factory=list)


def _recorded_flows(db: Session, fund: Fund) -> set[tuple[FlowType, uuid.UUID, date, Decimal]]:
    """The (type, investor, date, amount) of every payment and distribution share the fund
    recorded, to recognise a file imported twice."""
    seen: set[tuple[FlowType, uuid.UUID, date, Decimal]] = set()
    for investor_id, received, amount in db.execute(
        select(Payment.investor_id, Payment.received_date, Payment.amount).where(
            Payment.fund_id == fund.id
        )
    ):
        seen.add((FlowType.CONTRIBUTION, investor_id, received, amount))
    shares: dict[tuple[uuid.UUID, uuid.UUID, date], Decimal] = defaultdict(lambda: _ZERO)
    for distribution_id, investor_id, paid_on, amount in db.execute(
        select(
            DistributionAllocation.distribution_id,
            DistributionAllocation.investor_id,
            Distribution.distribution_date,
            DistributionAllocation.amount,
        )
        .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
        .where(
            Distribution.fund_id == fund.id,
            Distribution.status != DistributionStatus.CANCELLED,
            DistributionAllocation.is_gp.is_(False),
        )
    ):
        shares[(distribution_id, investor_id, paid_on)] += amount
    for (_, investor_id, paid_on), amount in shares.items():
        seen.add((FlowType.DISTRIBUTION, investor_id, paid_on, amount))
    return seen


def _validate_cash_flows(
    db: Session, actor: Actor, fund: Fund, rows: Sequence[Row], errors: RowErrors
) -> list[_Flow]:
    investors = _InvestorIndex.load(db, actor)
    held = _active_commitments(db, fund)
    positions = service.commitment_positions(db, [c for cs in held.values() for c in cs])
    recorded = _recorded_flows(db, fund)
    on = service.today()
    first_row: dict[tuple[FlowType, uuid.UUID, date, Decimal], int] = {}
    flows: list[_Flow] = []
    for row in rows:
        bad = len(errors.items)
        investor_id = errors.cell(row, "investor", investors.resolve, required=True)
        flow_date = errors.cell(row, "date", parse_date, required=True)
        flow_type = errors.cell(row, "type", _parse_flow_type, required=True)
        amount = errors.cell(row, "amount", lambda v: parse_amount(v, fund.currency), required=True)
        _check_currency(row, fund, errors)
        recallable = errors.cell(
            row, "recallable_amount", lambda v: parse_amount(v, fund.currency, allow_zero=True)
        )
        tier = errors.cell(row, "tier", _parse_tier)
        reference = row.cells.get("reference")
        if flow_date is not None and flow_date > on:
            errors.add(row.number, "date", f"{flow_date} is in the future")
        if flow_type == FlowType.CONTRIBUTION:
            for column in ("recallable_amount", "tier"):
                if row.cells.get(column) is not None:
                    errors.add(row.number, column, "only a distribution takes this value")
        if recallable is not None and amount is not None and recallable > amount:
            errors.add(row.number, "recallable_amount", "cannot exceed the amount distributed")
        commitment = None
        if investor_id is not None:
            mine = held.get(investor_id, [])
            if not mine:
                errors.add(
                    row.number,
                    "investor",
                    f"{investors.by_id[investor_id]!r} has no commitment in this fund",
                )
            elif len(mine) > 1:
                errors.add(
                    row.number,
                    "investor",
                    f"{investors.by_id[investor_id]!r} has {len(mine)} commitments in this fund; "
                    "record its flows in the app",
                )
            else:
                commitment = mine[0]
        if None in (flow_type, investor_id, flow_date, amount):
            continue
        key = (flow_type, investor_id, flow_date, amount)
        if key in first_row:
            errors.add(row.number, "amount", f"duplicate of row {first_row[key]}")
        else:
            first_row[key] = row.number
            if key in recorded:
                errors.add(
                    row.number,
                    "amount",
                    f"duplicate: this {flow_type.value} of {amount} on {flow_date} is already "
                    "recorded",
                )
        if len(errors.items) == bad and commitment is not None:
            flows.append(
                _Flow(
                    row.number,
                    flow_type,
                    investor_id,
                    commitment,
                    flow_date,
                    amount,
                    recallable or _ZERO,
                    tier or WaterfallTier.RETURN_OF_CAPITAL,
                    _text(reference)[:200] if reference is not None else None,
                )
            )
    rooms: dict[uuid.UUID, _Room] = {}
    for commitment in (c for cs in held.values() for c in cs):
        rooms[commitment.id] = _Room(positions[commitment.id].unfunded)
    for flow in sorted(flows, key=lambda f: (f.flow_date, f.type != FlowType.DISTRIBUTION, f.row)):
        room = rooms[flow.commitment.id]
        if flow.type == FlowType.DISTRIBUTION:
            room.unfunded += flow.recallable
            continue
        if flow.amount > room.unfunded:
            errors.add(
                flow.row,
                "amount",
                f"the contributions would exceed {investors.by_id[flow.investor_id]!r}'s "
                f"unfunded commitment ({max(room.unfunded, _ZERO)} {fund.currency} left on "
                f"{flow.flow_date})",
            )
        room.unfunded -= flow.amount
    return flows


def _parse_flow_type(value: Any) -> FlowType:
    text = _text(value).lower()
    try:
        return FlowType(text)
    except ValueError:
        raise CellError(f"{_text(value)!r} is not contribution or distribution") from None


def _parse_tier(value: Any) -> WaterfallTier:
    text = _header_key(value)
    try:
        return WaterfallTier(text)
    except ValueError:
        names = ", ".join(t.value for t in WaterfallTier)
        raise CellError(f"{_text(value)!r} is not a waterfall tier ({names})") from None


def _by_date(flows: Iterable[_Flow]) -> dict[date, list[_Flow]]:
    grouped: dict[date, list[_Flow]] = defaultdict(list)
    for flow in flows:
        grouped[flow.flow_date].append(flow)
    return dict(sorted(grouped.items()))


def _record_contributions(
    db: Session, actor: Actor, fund: Fund, flow_date: date, flows: Sequence[_Flow]
) -> list[ImportedRow]:
    """One paid capital call for the contributions of one date (see the module)."""
    currency = fund.currency
    zero = service.quantum_of(currency) * 0
    now = utcnow()
    call = CapitalCall(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        number=calls.next_call_number(db, fund.id),
        purpose=CallPurpose.INVESTMENT,
        basis=CallBasis.COMMITMENT,
        amount=sum((f.amount for f in flows), zero),
        call_date=flow_date,
        due_date=flow_date,
        status=CallStatus.PAID,
        description=IMPORTED,
        created_by=actor.user_id,
        issued_by=actor.user_id,
        issued_at=now,
        paid_at=now,
    )
    db.add(call)
    db.flush()
    allocations: dict[uuid.UUID, CallAllocation] = {}
    for flow in flows:
        allocation = allocations.get(flow.commitment.id)
        if allocation is None:
            allocation = CallAllocation(
                id=uuid.uuid4(),
                org_id=actor.org_id,
                call_id=call.id,
                commitment_id=flow.commitment.id,
                investor_id=flow.investor_id,
                sequence=flow.commitment.sequence,
                amount=zero,
                equalization_interest=zero,
            )
            allocations[flow.commitment.id] = allocation
        allocation.amount += flow.amount
    db.add_all(allocations.values())
    db.flush()
    issue_lines: list[ledger.Line] = []
    for allocation in sorted(allocations.values(), key=lambda a: a.sequence):
        issue_lines += postings.call_issued(currency, {allocation.investor_id: allocation.amount})
    issue = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=flow_date,
        memo=f"Capital call #{call.number} (imported contributions)",
        lines=issue_lines,
        source_type="capital_call",
        source_id=call.id,
    )
    call.ledger_entry_id = issue.id
    payments = [
        Payment(
            id=uuid.uuid4(),
            org_id=actor.org_id,
            fund_id=fund.id,
            call_id=call.id,
            allocation=allocations[flow.commitment.id],
            investor_id=flow.investor_id,
            amount=flow.amount,
            received_date=flow_date,
            reference=flow.reference,
            method=PaymentMethod.OTHER,
            created_by=actor.user_id,
        )
        for flow in flows
    ]
    db.add_all(payments)
    received: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    for p in payments:
        received[p.investor_id] += p.amount
    receipt_lines = postings.contributions_received(currency, received)
    receipt = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=flow_date,
        memo=f"Payments of capital call #{call.number} (imported contributions)",
        lines=receipt_lines,
        source_type="payment",
        source_id=call.id,
    )
    for payment in payments:
        payment.ledger_entry_id = receipt.id
    db.add_all(payments)
    db.flush()
    audit.record(
        db,
        actor,
        "capital_call.imported",
        call,
        after={
            **audit.snapshot(call),
            "allocations": [
                {"investor_id": a.investor_id, "commitment_id": a.commitment_id, "amount": a.amount}
                for a in allocations.values()
            ],
        },
    )
    return [
        ImportedRow(row=flow.row, action="created", entity="contribution", entity_id=payment.id)
        for flow, payment in zip(flows, payments, strict=True)
    ]


def _record_distributions(
    db: Session, actor: Actor, fund: Fund, flow_date: date, flows: Sequence[_Flow]
) -> list[ImportedRow]:
    """One paid distribution for the distributions of one date (see the module)."""
    currency = fund.currency
    zero = service.quantum_of(currency) * 0
    now = utcnow()
    number = (
        db.scalar(select(func.max(Distribution.number)).where(Distribution.fund_id == fund.id)) or 0
    ) + 1
    recallable = sum((f.recallable for f in flows), zero)
    distribution = Distribution(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        number=number,
        source=DistributionSource.OTHER,
        gross_amount=sum((f.amount for f in flows), zero),
        distribution_date=flow_date,
        status=DistributionStatus.PAID,
        recallable=recallable > 0,
        recallable_amount=recallable,
        description=IMPORTED,
        waterfall_detail={"imported": True},
        created_by=actor.user_id,
        issued_at=now,
        paid_at=now,
    )
    db.add(distribution)
    db.flush()
    shares: dict[tuple[uuid.UUID, WaterfallTier], DistributionAllocation] = {}
    rows_of: dict[tuple[uuid.UUID, WaterfallTier], list[int]] = defaultdict(list)
    for flow in flows:
        key = (flow.commitment.id, flow.tier)
        share = shares.get(key)
        if share is None:
            share = DistributionAllocation(
                id=uuid.uuid4(),
                org_id=actor.org_id,
                distribution_id=distribution.id,
                investor_id=flow.investor_id,
                commitment_id=flow.commitment.id,
                is_gp=False,
                tier=flow.tier,
                amount=zero,
                withholding_amount=zero,
                net_amount=zero,
                recallable_amount=zero,
            )
            shares[key] = share
        share.amount += flow.amount
        share.net_amount += flow.amount
        share.recallable_amount += flow.recallable
        rows_of[key].append(flow.row)
    db.add_all(shares.values())
    db.flush()
    per_investor: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    for flow in flows:
        per_investor[flow.investor_id] += flow.amount
    declaration = postings.distribution_declared(
        currency, {i: (amount, zero) for i, amount in per_investor.items()}
    )
    payout = postings.distribution_paid(currency, per_investor)
    declared = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=flow_date,
        memo=f"Distribution #{number} (imported)",
        lines=declaration,
        source_type="distribution",
        source_id=distribution.id,
    )
    paid = ledger.post_entry(
        db,
        actor,
        fund.book_id,
        entry_date=flow_date,
        memo=f"Payment of distribution #{number} (imported)",
        lines=payout,
        source_type="distribution_payment",
        source_id=distribution.id,
    )
    distribution.ledger_entry_id = declared.id
    distribution.payment_ledger_entry_id = paid.id
    db.flush()
    audit.record(
        db,
        actor,
        "distribution.imported",
        distribution,
        after={
            **audit.snapshot(distribution),
            "allocations": [
                {
                    "investor_id": s.investor_id,
                    "commitment_id": s.commitment_id,
                    "tier": s.tier,
                    "amount": s.amount,
                    "recallable_amount": s.recallable_amount,
                }
                for s in shares.values()
            ],
        },
    )
    done = []
    for key, share in shares.items():
        for number_of_row in rows_of[key]:
            done.append(
                ImportedRow(
                    row=number_of_row, action="created", entity="distribution", entity_id=share.id
                )
            )
    return done


def _apply_cash_flows(
    db: Session, actor: Actor, fund: Fund, flows: Sequence[_Flow]
) -> list[ImportedRow]:
    done: list[ImportedRow] = []
    contributions = [f for f in flows if f.type == FlowType.CONTRIBUTION]
    distributions = [f for f in flows if f.type == FlowType.DISTRIBUTION]
    for flow_date, group in _by_date(contributions).items():
        done += _record_contributions(db, actor, fund, flow_date, group)
    for flow_date, group in _by_date(distributions).items():
        done += _record_distributions(db, actor, fund, flow_date, group)
    return sorted(done, key=lambda r: r.row)


# --- the import --------------------------------------------------------------------------


def template_csv(kind: ImportKind) -> str:
    """The header of a ``kind`` import with one example row."""
    columns = COLUMNS[kind]
    return csv_text([c.name for c in columns], [[c.example for c in columns]])


def import_file(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    kind: ImportKind,
    filename: str | None,
    content: bytes,
    *,
    dry_run: bool,
) -> ImportResult:
    """Validate an upload whole, then apply it in one transaction (or, in a dry run, apply it
    in a savepoint that is rolled back). See the module for the rules."""
    require(actor, "import:write")
    fund = service.get_fund_row(db, actor, fund_id, for_update=not dry_run)
    rows = read_rows(content, filename, kind)
    errors = RowErrors()
    _check_extra_cells(rows, errors)
    apply: Callable[[], list[ImportedRow]]
    if kind == ImportKind.INVESTORS:
        require(actor, "investor:write")
        investors = _validate_investors(db, actor, rows, errors)
        apply = partial(_apply_investors, db, actor, investors)
    elif kind == ImportKind.COMMITMENTS:
        require(actor, "commitment:write")
        commitments = _validate_commitments(db, actor, fund, rows, errors)
        apply = partial(_apply_commitments, db, actor, fund, commitments)
    else:
        require(actor, "capital_call:write", "payment:write", "distribution:write")
        flows = _validate_cash_flows(db, actor, fund, rows, errors)
        apply = partial(_apply_cash_flows, db, actor, fund, flows)
    errors.raise_if_any(len(rows))
    digest = hashlib.sha256(content).hexdigest()
    savepoint = db.begin_nested()
    try:
        items = apply()
    except (Invalid, Conflict) as exc:
        savepoint.rollback()
        raise Invalid(
            f"The file could not be applied, so nothing was saved: {exc.detail or exc.title}",
            errors=exc.errors or [FieldError(field="file", message=exc.detail or exc.title)],
        ) from exc
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
        items = [item.model_copy(update={"entity_id": None}) for item in items]
    else:
        savepoint.commit()
    counts = {action: 0 for action in ("created", "updated", "unchanged")}
    for item in items:
        counts[item.action] += 1
    result = ImportResult(
        kind=kind,
        fund_id=fund.id,
        filename=(filename or "")[:255] or None,
        sha256=digest,
        dry_run=dry_run,
        rows=len(rows),
        items=items,
        **counts,
    )
    if not dry_run:
        audit.record(
            db,
            actor,
            "import.applied",
            entity_type="funds",
            entity_id=fund.id,
            after={
                "kind": kind.value,
                "filename": result.filename,
                "sha256": digest,
                "rows": result.rows,
                **counts,
            },
        )
    return result
