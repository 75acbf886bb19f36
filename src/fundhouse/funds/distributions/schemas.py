"""The API shapes of distributions through the waterfall, clawback, carry accruals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field, StrictBool, ValidationInfo, field_validator

from fundhouse.funds.common import (
    Input,
    LongText,
    NonNegativeMoney,
    PositiveMoney,
    ShortText,
)
from fundhouse.funds.models import (
    DistributionSource,
    DistributionStatus,
    WaterfallTier,
    WaterfallType,
)
from fundhouse.platform.schemas import IsoDate, Money


class DistributionCreate(Input):
    """Proceeds to distribute through the fund's waterfall on ``distribution_date``.

    ``company_id`` names the realized deal; an American (deal-by-deal) fund needs it.
    ``recallable_amount`` (with ``recallable``) is the part the LPs may be called for again:
    it adds back to their unfunded commitments, pro rata to what each receives.

    A distribution larger than the fund's cash on its date is refused unless
    ``exceeds_cash_confirmed`` is true with an ``exceeds_cash_reason`` (the override and its
    reason are written to the audit trail).
    """

    source: DistributionSource
    gross_amount: PositiveMoney
    distribution_date: IsoDate
    company_id: uuid.UUID | None = None
    recallable: StrictBool = False
    recallable_amount: NonNegativeMoney = Field(default=Decimal(0), validate_default=True)
    description: LongText | None = None
    exceeds_cash_confirmed: StrictBool = Field(
        default=False,
        description="Distribute more than the fund's cash on the distribution date (needs a "
        "reason; audited).",
    )
    exceeds_cash_reason: ShortText | None = Field(default=None, validate_default=True)

    @field_validator("exceeds_cash_reason")
    @classmethod
    def _reason_for_override(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("exceeds_cash_confirmed") and not value:
            raise ValueError("distributing beyond the fund's cash needs a reason")
        return value or None

    @field_validator("recallable_amount")
    @classmethod
    def _recallable_fits_flag(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        recallable = info.data.get("recallable")
        if value > 0 and not recallable:
            raise ValueError("a recallable_amount needs recallable set to true")
        if recallable and value == 0:
            raise ValueError("a recallable distribution names its recallable_amount")
        return value


class DistributionPay(Input):
    paid_date: IsoDate


class TierOut(BaseModel):
    """What one waterfall tier paid: to the LPs (with the GP's own commitment in tiers 1-2),
    to the GP (its commitment's share plus its carry) and the GP's carry alone."""

    tier: WaterfallTier
    lp_amount: Money
    gp_amount: Money
    gp_carry: Money
    amount: Money


class DistributionAllocationOut(BaseModel):
    investor_id: uuid.UUID
    investor_name: str
    commitment_id: uuid.UUID | None
    is_gp: bool
    """True on the GP's carried interest rows."""
    tier: WaterfallTier
    amount: Money
    withholding_amount: Money
    net_amount: Money
    recallable_amount: Money


class DistributionPartnerOut(BaseModel):
    """One partner's share of a distribution, all tiers together."""

    investor_id: uuid.UUID
    investor_name: str
    is_gp: bool
    amount: Money
    carried_interest: Money
    withholding_amount: Money
    net_amount: Money
    recallable_amount: Money


class WaterfallOut(BaseModel):
    tiers: list[TierOut]
    partners: list[DistributionPartnerOut]
    allocations: list[DistributionAllocationOut]


class DistributionPreviewOut(WaterfallOut):
    fund_id: uuid.UUID
    currency: str
    waterfall_type: WaterfallType
    source: DistributionSource
    gross_amount: Money
    distribution_date: date
    company_id: uuid.UUID | None
    recallable_amount: Money
    available_cash: Money
    """The fund's cash on the distribution date; a larger gross amount needs the override."""


class DistributionOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    number: int
    source: DistributionSource
    company_id: uuid.UUID | None
    gross_amount: Money
    distribution_date: date
    status: DistributionStatus
    recallable: bool
    recallable_amount: Money
    description: str | None
    created_by: uuid.UUID
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    issued_at: datetime | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    ledger_entry_id: uuid.UUID | None
    payment_ledger_entry_id: uuid.UUID | None
    created_at: datetime


class DistributionDetailOut(DistributionOut, WaterfallOut):
    pass


class DistributionFilters(BaseModel):
    status: DistributionStatus | None = None
    source: DistributionSource | None = None
    sort: str | None = Field(
        default=None, max_length=60, description="-distribution_date (default), number"
    )


class ClawbackOut(BaseModel):
    """The GP's clawback at fund end (CONVENTIONS.md "Clawback"), computed, not booked."""

    fund_id: uuid.UUID
    currency: str
    carry_received: Money
    entitlement: Money
    excess_carry: Money
    carry_after_tax: Money
    amount: Money
    by_investor: dict[uuid.UUID, Money]


class CarryAccrualCreate(Input):
    as_of: IsoDate
    preview: StrictBool = False


class CarryAccrualLine(BaseModel):
    investor_id: uuid.UUID
    investor_name: str
    accrued_before: Money
    accrued_after: Money
    change: Money


class CarryAccrualOut(BaseModel):
    """Carried interest accrued by hypothetical liquidation at ``as_of``: what the GP would
    receive, beyond the carry already paid, if the net assets were distributed that day."""

    fund_id: uuid.UUID
    currency: str
    as_of: date
    nav: Money
    liquidation_amount: Money
    accrued_before: Money
    accrued_after: Money
    change: Money
    lines: list[CarryAccrualLine]
    ledger_entry_id: uuid.UUID | None
