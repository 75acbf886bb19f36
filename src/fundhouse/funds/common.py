"""What every workflow of fund administration shares: the API's basic value types."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from fundhouse.ledger.currencies import is_currency_code
from fundhouse.platform.schemas import Money


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('send rates as decimal strings, e.g. "0.08", not as JSON numbers')
    return value


Rate = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    Field(ge=0, le=1, allow_inf_nan=False),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]


PositiveMoney = Annotated[Money, Field(gt=0, allow_inf_nan=False)]


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]


def _iso_4217(code: str) -> str:
    if not is_currency_code(code):
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_iso_4217),
]
"""A current ISO 4217 code (``fundhouse.ledger.currencies.CURRENCY_CODES``): ``KBL`` is 422."""


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Input(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


SortParam = Annotated[str | None, Field(default=None, max_length=60)]


SearchParam = Annotated[str | None, Field(default=None, max_length=200)]


NonNegativeMoney = Annotated[Money, Field(ge=0, allow_inf_nan=False)]


Category = Annotated[str, Field(min_length=1, max_length=60)]
