"""The API shapes of capital calls, payments, equalization of late closers, bank reconciliation."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationInfo,
    field_validator,
)

from fundhouse.funds.common import Input, LongText, PositiveMoney, ShortText, SortParam
from fundhouse.funds.models import (
    CallBasis,
    CallPurpose,
    CallStatus,
    EqualizationKind,
    MatchStatus,
    PaymentMethod,
    ReconciliationStatus,
)
from fundhouse.platform.schemas import IsoDate, Money


class AllocationStatus(StrEnum):
    """Where one LP's share of a call stands, whatever the call's overall status: a call is
    ``partially_paid`` while some LPs owe, yet an LP who paid its share in full is ``paid``.
    (An overpayment is refused, so a share is never overpaid.)"""

    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"


class CallFilters(BaseModel):
    fund_id: uuid.UUID | None = None
    investor_id: uuid.UUID | None = Field(
        default=None, description="Only the calls with a share for this investor"
    )
    status: CallStatus | None = None
    purpose: CallPurpose | None = None
    overdue: bool | None = None
    due_from: IsoDate | None = None
    due_to: IsoDate | None = None
    sort: SortParam = Field(
        default=None, description="-call_date (default), due_date, number, created_at"
    )


class PaymentFilters(BaseModel):
    fund_id: uuid.UUID | None = None
    call_id: uuid.UUID | None = None
    investor_id: uuid.UUID | None = None
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    sort: SortParam = Field(default=None, description="-received_date (default), created_at")


class CallCreate(Input):
    purpose: CallPurpose
    amount: PositiveMoney
    basis: CallBasis = CallBasis.COMMITMENT
    call_date: IsoDate
    due_date: IsoDate
    description: LongText | None = None

    @field_validator("due_date")
    @classmethod
    def _due_after_call(cls, due_date: date, info: ValidationInfo) -> date:
        call_date = info.data.get("call_date")
        if call_date is not None and due_date < call_date:
            raise ValueError("due_date must not be before call_date")
        return due_date


class EqualizationCreate(Input):
    """The dates of the equalization call that catches up a subsequent close's LPs."""

    call_date: IsoDate
    due_date: IsoDate
    description: LongText | None = None

    @field_validator("due_date")
    @classmethod
    def _due_after_call(cls, due_date: date, info: ValidationInfo) -> date:
        call_date = info.data.get("call_date")
        if call_date is not None and due_date < call_date:
            raise ValueError("due_date must not be before call_date")
        return due_date


class CallPreviewLine(BaseModel):
    commitment_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    sequence: int
    commitment: Money
    unfunded_before: Money
    amount: Money
    unfunded_after: Money
    capped: bool
    """True when the LP is called for all of its unfunded commitment (the cap bound)."""


class CallPreviewOut(BaseModel):
    fund_id: uuid.UUID
    currency: str
    purpose: CallPurpose
    basis: CallBasis
    amount: Money
    total_unfunded: Money
    lines: list[CallPreviewLine]


class AllocationOut(BaseModel):
    id: uuid.UUID
    commitment_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    sequence: int
    amount: Money
    equalization_interest: Money
    amount_due: Money
    paid_amount: Money
    outstanding: Money
    status: AllocationStatus
    """This LP's own status on the call (the call's ``status`` is all LPs together)."""
    payment_reference: str


class InvestorShareOut(BaseModel):
    """One investor's share of a call (all its commitments in the call together)."""

    investor_id: uuid.UUID
    amount_due: Money
    paid_amount: Money
    outstanding: Money
    status: AllocationStatus
    is_overdue: bool
    """The call is past due and this investor still owes on it."""


class CallOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    number: int
    purpose: CallPurpose
    basis: CallBasis
    amount: Money
    amount_due: Money
    paid_amount: Money
    outstanding: Money
    call_date: date
    due_date: date
    status: CallStatus
    is_overdue: bool
    description: str | None
    created_by: uuid.UUID
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    issued_at: datetime | None
    cancelled_at: datetime | None
    paid_at: datetime | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime
    investor_share: InvestorShareOut | None = None
    """In a list filtered by ``investor_id``: that investor's own share of the call."""


class EqualizationItemOut(BaseModel):
    """One installment a late closer catches up in an equalization call, and its interest."""

    commitment_id: uuid.UUID
    investor_name: str
    kind: EqualizationKind
    source_call_id: uuid.UUID | None
    source_fee_run_id: uuid.UUID | None
    due_date: date
    amount: Money
    rate: Decimal
    days: int
    interest: Money


class CallDetailOut(CallOut):
    allocations: list[AllocationOut]
    equalization: list[EqualizationItemOut] = Field(
        default_factory=list,
        description="For an equalization call: each fee installment and earlier call it "
        "catches up per late closer, with its interest.",
    )


class PaymentCreate(Input):
    investor_id: uuid.UUID
    commitment_id: uuid.UUID | None = Field(
        default=None,
        description="Needed only when the investor has several commitments in the call.",
    )
    amount: PositiveMoney
    received_date: IsoDate
    reference: ShortText | None = None
    method: PaymentMethod = PaymentMethod.WIRE


class PaymentOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    call_id: uuid.UUID
    call_number: int
    call_allocation_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    currency: str
    amount: Money
    received_date: date
    reference: str | None
    method: PaymentMethod
    ledger_entry_id: uuid.UUID | None
    created_at: datetime
    status: Literal["received", "reversed"] = "received"
    reversed_at: datetime | None = None
    reversal_entry_id: uuid.UUID | None = Field(
        default=None, description="The entry that reversed the payment, when it was reversed"
    )


class PaymentRecorded(PaymentOut):
    """A payment just recorded, with where its call and allocation stand now."""

    call_status: CallStatus
    allocation_outstanding: Money


class ReconciliationLineOut(BaseModel):
    line_no: int
    transaction_date: date
    amount: Money
    reference: str | None
    payer_name: str | None
    status: MatchStatus
    match_reason: str | None
    call_allocation_id: uuid.UUID | None
    call_id: uuid.UUID | None
    call_number: int | None
    investor_id: uuid.UUID | None
    investor_name: str | None
    candidate_allocation_ids: list[uuid.UUID]
    payment_id: uuid.UUID | None


class ReconciliationOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    filename: str | None
    status: ReconciliationStatus
    matched: int
    unmatched: int
    ambiguous: int
    applied: int
    created_at: datetime
    applied_at: datetime | None
    lines: list[ReconciliationLineOut]


class ReconciliationLineResolve(Input):
    """Settle an ambiguous or unmatched line by naming the allocation it pays."""

    call_allocation_id: uuid.UUID
