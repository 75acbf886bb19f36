"""The API shapes of portfolio companies, investments, valuations and realizations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from fundhouse.funds.common import (
    CountryCode,
    Input,
    LongText,
    Name,
    NonNegativeMoney,
    PositiveMoney,
    ShortText,
)
from fundhouse.funds.models import (
    CompanyStatus,
    InvestmentKind,
)
from fundhouse.platform.schemas import IsoDate, Money


class CompanyCreate(Input):
    name: Name
    sector: ShortText | None = None
    country: CountryCode | None = None
    description: LongText | None = None


class CompanyOut(BaseModel):
    """A portfolio company with its position, derived from its transactions and valuations."""

    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    name: str
    sector: str | None
    country: str | None
    description: str | None
    status: CompanyStatus
    invested: Money
    """Everything ever paid into it (Σ purchases)."""
    cost: Money
    """Cost of what is still held."""
    unrealized: Money
    fair_value: Money
    proceeds: Money
    realized_gain: Money
    last_valuation_date: date | None
    created_at: datetime


class InvestmentCreate(Input):
    transaction_date: IsoDate
    cost_amount: PositiveMoney
    instrument: Annotated[str, Field(max_length=60)] | None = None
    description: LongText | None = None


class RealizationCreate(Input):
    """A sale (proceeds for ``cost_amount`` of basis), a write-off (basis released with no
    proceeds) or income (a dividend or interest: proceeds, no basis)."""

    kind: Literal["sale", "write_off", "income"]
    transaction_date: IsoDate
    cost_amount: NonNegativeMoney = Field(
        default=Decimal(0),
        validate_default=True,
        description="Cost released; for a write-off, 0 writes off all the cost held",
    )
    proceeds_amount: NonNegativeMoney = Field(default=Decimal(0), validate_default=True)
    description: LongText | None = None

    @field_validator("cost_amount")
    @classmethod
    def _cost_fits_kind(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if info.data.get("kind") == "income" and value:
            raise ValueError("income releases no cost")
        return value

    @field_validator("proceeds_amount")
    @classmethod
    def _proceeds_fit_kind(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        kind = info.data.get("kind")
        if kind == "income" and not value:
            raise ValueError("income needs an amount")
        if kind == "write_off" and value:
            raise ValueError("a write-off has no proceeds; record a sale")
        if kind == "sale" and not value and not info.data.get("cost_amount"):
            raise ValueError("a sale releases cost or brings proceeds")
        return value


class ValuationCreate(Input):
    as_of: IsoDate
    fair_value: NonNegativeMoney
    method: Annotated[str, Field(max_length=60)] | None = None
    notes: LongText | None = None


class InvestmentOut(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    kind: InvestmentKind
    transaction_date: date
    cost_amount: Money
    proceeds_amount: Money
    realized_gain: Money
    unrealized_released: Money
    instrument: str | None
    description: str | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime


class ValuationOut(BaseModel):
    id: uuid.UUID
    company_id: uuid.UUID
    as_of: date
    fair_value: Money
    cost: Money
    unrealized: Money
    change: Money
    method: str | None
    notes: str | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime
