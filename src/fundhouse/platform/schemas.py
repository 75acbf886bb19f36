"""API shapes shared by every domain."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer


def _refuse_float(value: Any) -> Any:
    """JSON numbers reach the validator as binary floats, which cannot hold every decimal."""
    if isinstance(value, float):
        raise ValueError('send amounts as decimal strings, e.g. "1250.00", not as JSON numbers')
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
"""An exact decimal amount: read from a string (or an integer), written to JSON as a string."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ].+")


def refuse_non_iso_date(value: Any) -> Any:
    """Pydantic would read a number, or a string of digits, as seconds since 1970; the API
    document promises a ``format: date`` string, so only YYYY-MM-DD is a date here."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("send a date as YYYY-MM-DD")
    return value


def refuse_non_iso_date_time(value: Any) -> Any:
    """As for dates: a timestamp is an ISO 8601 string (``format: date-time``), not a number."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE_TIME.fullmatch(value):
        raise ValueError("send a time as ISO 8601, e.g. 2026-01-31T12:00:00Z")
    return value


IsoDate = Annotated[date, BeforeValidator(refuse_non_iso_date)]
"""A calendar date, read only from YYYY-MM-DD (or a ``date``)."""

IsoDateTime = Annotated[datetime, BeforeValidator(refuse_non_iso_date_time)]
"""A point in time, read only from an ISO 8601 string (or a ``datetime``)."""
