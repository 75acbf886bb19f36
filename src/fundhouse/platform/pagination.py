"""Cursor pagination, sorting and the page shape shared by every list endpoint.

A cursor is an opaque, URL-safe token holding the sort values of the last row served, so a
page is found with an indexed ``WHERE (sort, id) > (...)`` instead of an ``OFFSET``.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from fundhouse.platform.errors import Invalid

T = TypeVar("T")
MAX_LIMIT = 500
DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, Decimal):
        return {"dec": format(value, "f")}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        if "u" in value:
            return uuid.UUID(value["u"])
        if "dec" in value:
            return Decimal(value["dec"])
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise Invalid("The cursor is not valid; start again without it.", field="cursor") from exc


def parse_sort(
    sort: str | None, allowed: dict[str, InstrumentedAttribute[Any]], default: str
) -> tuple[InstrumentedAttribute[Any], bool]:
    """``sort=name`` or ``sort=-created_at``: the column and whether it is descending."""
    key = sort or default
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in allowed:
        raise Invalid(
            f"Cannot sort by '{name}'; choose one of {', '.join(sorted(allowed))}.", field="sort"
        )
    return allowed[name], descending


def paginate(
    db: Session,
    stmt: Select[Any],
    *,
    sort_column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[Any],
    descending: bool = False,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[Any], str | None]:
    """One page of ``stmt`` ordered by ``(sort_column, id)``, and the cursor of the next page."""
    if limit < 1 or limit > MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != 2:
            raise Invalid("The cursor is not valid; start again without it.", field="cursor")
        last_sort, last_id = values
        if descending:
            stmt = stmt.where(
                or_(sort_column < last_sort, and_(sort_column == last_sort, id_column < last_id))
            )
        else:
            stmt = stmt.where(
                or_(sort_column > last_sort, and_(sort_column == last_sort, id_column > last_id))
            )
    if descending:
        stmt = stmt.order_by(sort_column.desc(), id_column.desc())
    else:
        stmt = stmt.order_by(sort_column.asc(), id_column.asc())
    rows = list(db.execute(stmt.limit(limit + 1)).scalars().all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, sort_column.key), getattr(last, id_column.key)])
    return rows, next_cursor
