"""API shapes shared by every domain."""

from __future__ import annotations

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
