"""CSV for the lists of fund administration (every list exports as CSV, DESIGN.md §4)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """One cell: decimals in plain notation, ISO dates, and free text made safe for
    spreadsheets (OWASP CSV injection: no leading formula sign)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, uuid.UUID | int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def csv_of(columns: Sequence[str], items: Iterable[Any]) -> str:
    """Rows of ``items``' attributes named by ``columns`` (Pydantic models or objects)."""
    return csv_text(columns, ([getattr(item, c) for c in columns] for item in items))
