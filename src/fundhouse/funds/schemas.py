"""The fund administration API's shapes.

Amounts and rates travel as decimal strings (``"1250000.00"``, ``"0.08"``), never as JSON
numbers, so no binary float ever touches money. Request bodies refuse unknown fields, so a
misspelt field is named in a 422 instead of being silently ignored.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from fundhouse.funds.models import (
    CallBasis,
    CallPurpose,
    CallStatus,
    CommitmentStatus,
    Compounding,
    EqualizationKind,
    FeeBasis,
    FundStatus,
    InvestorKind,
    MatchStatus,
    PaymentMethod,
    ReconciliationStatus,
    WaterfallType,
)
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
"""A fraction between 0 and 1 (``"0.08"`` is 8%), exact, written to JSON as a string."""

PositiveMoney = Annotated[Money, Field(gt=0, allow_inf_nan=False)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Input(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- list filters (query parameters) ------------------------------------------------------

SortParam = Annotated[str | None, Field(default=None, max_length=60)]
SearchParam = Annotated[str | None, Field(default=None, max_length=200)]


class FundFilters(BaseModel):
    status: FundStatus | None = None
    currency: CurrencyCode | None = None
    q: SearchParam = Field(default=None, description="A fragment of the name")
    sort: SortParam = Field(default=None, description="name (default), created_at, vintage")


class InvestorFilters(BaseModel):
    kind: InvestorKind | None = None
    country: CountryCode | None = None
    fund_id: uuid.UUID | None = Field(default=None, description="Committed to this fund")
    q: SearchParam = Field(default=None, description="A fragment of the name or e-mail")
    sort: SortParam = Field(default=None, description="name (default), created_at")


class CommitmentFilters(BaseModel):
    investor_id: uuid.UUID | None = None
    close_id: uuid.UUID | None = None
    is_gp: bool | None = None
    status: CommitmentStatus | None = None
    sort: SortParam = Field(default=None, description="sequence (default), created_at")


class CallFilters(BaseModel):
    fund_id: uuid.UUID | None = None
    investor_id: uuid.UUID | None = Field(
        default=None, description="Only the calls with a share for this investor"
    )
    status: CallStatus | None = None
    purpose: CallPurpose | None = None
    overdue: bool | None = None
    due_from: date | None = None
    due_to: date | None = None
    sort: SortParam = Field(
        default=None, description="-call_date (default), due_date, number, created_at"
    )


class PaymentFilters(BaseModel):
    fund_id: uuid.UUID | None = None
    call_id: uuid.UUID | None = None
    investor_id: uuid.UUID | None = None
    received_from: date | None = None
    received_to: date | None = None
    sort: SortParam = Field(default=None, description="-received_date (default), created_at")


# --- funds -------------------------------------------------------------------------------


class FundTerms(Input):
    """The waterfall and fee terms (CONVENTIONS.md defaults)."""

    waterfall_type: WaterfallType = WaterfallType.EUROPEAN
    hurdle_rate: Rate = Decimal("0.08")
    compounding: Compounding = Compounding.COMPOUND
    catch_up_rate: Rate = Decimal("1")
    carry_rate: Rate = Decimal("0.20")
    return_of_capital_includes_fees: bool = True
    clawback_tax_rate: Rate = Decimal("0")
    investment_period_rate: Rate = Decimal("0.02")
    post_period_rate: Rate = Decimal("0.015")
    post_period_basis: FeeBasis = FeeBasis.INVESTED_COST
    investment_period_years: int = Field(default=5, ge=1, le=20)
    fee_offset_rate: Rate = Decimal("1")
    equalization_rate: Rate = Decimal("0.08")


class FundCreate(FundTerms):
    name: Name
    legal_name: ShortText | None = None
    currency: CurrencyCode
    vintage: int | None = Field(default=None, ge=1900, le=2200)
    strategy: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    status: FundStatus = FundStatus.FUNDRAISING
    description: LongText | None = None
    target_size: PositiveMoney | None = None
    initial_close_date: date | None = None
    investment_period_end: date | None = None
    term_years: int = Field(default=10, ge=1, le=99)
    bank_instructions: LongText | None = None


class FundUpdate(Input):
    """Any of the fund's attributes except its currency (its book is kept in it)."""

    name: Name | None = None
    legal_name: ShortText | None = None
    vintage: int | None = Field(default=None, ge=1900, le=2200)
    strategy: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    status: FundStatus | None = None
    description: LongText | None = None
    target_size: PositiveMoney | None = None
    initial_close_date: date | None = None
    investment_period_end: date | None = None
    term_years: int | None = Field(default=None, ge=1, le=99)
    bank_instructions: LongText | None = None
    waterfall_type: WaterfallType | None = None
    hurdle_rate: Rate | None = None
    compounding: Compounding | None = None
    catch_up_rate: Rate | None = None
    carry_rate: Rate | None = None
    return_of_capital_includes_fees: bool | None = None
    clawback_tax_rate: Rate | None = None
    investment_period_rate: Rate | None = None
    post_period_rate: Rate | None = None
    post_period_basis: FeeBasis | None = None
    investment_period_years: int | None = Field(default=None, ge=1, le=20)
    fee_offset_rate: Rate | None = None
    equalization_rate: Rate | None = None


class FundOut(Output):
    id: uuid.UUID
    name: str
    legal_name: str | None
    currency: str
    vintage: int | None
    strategy: str | None
    status: FundStatus
    description: str | None
    target_size: Money | None
    initial_close_date: date | None
    investment_period_end: date | None
    term_years: int
    waterfall_type: WaterfallType
    hurdle_rate: Rate
    compounding: Compounding
    catch_up_rate: Rate
    carry_rate: Rate
    return_of_capital_includes_fees: bool
    clawback_tax_rate: Rate
    investment_period_rate: Rate
    post_period_rate: Rate
    post_period_basis: FeeBasis
    investment_period_years: int
    fee_offset_rate: Rate
    equalization_rate: Rate
    bank_instructions: str | None
    book_id: uuid.UUID
    gp_investor_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class FundTotals(BaseModel):
    """What the partners committed, what was called and paid, and what is left to call."""

    commitments: Money
    called: Money
    contributed: Money
    unfunded: Money
    investors: int


class FundDetailOut(FundOut):
    totals: FundTotals


# --- investors ---------------------------------------------------------------------------


class InvestorCreate(Input):
    kind: InvestorKind
    name: Name
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    address: LongText | None = None
    country: CountryCode | None = None
    tax_id: Secret | None = None
    bank_name: ShortText | None = None
    bank_account: Secret | None = None
    bank_routing: Secret | None = None
    withholding_rate: Rate = Decimal("0")
    notes: LongText | None = None


class InvestorUpdate(Input):
    kind: InvestorKind | None = None
    name: Name | None = None
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    address: LongText | None = None
    country: CountryCode | None = None
    tax_id: Secret | None = None
    bank_name: ShortText | None = None
    bank_account: Secret | None = None
    bank_routing: Secret | None = None
    withholding_rate: Rate | None = None
    notes: LongText | None = None


class InvestorOut(BaseModel):
    """An investor. ``tax_id``, ``bank_account`` and ``bank_routing`` are masked to their last
    four characters unless the reader holds ``investor:read_sensitive``
    (``sensitive_visible``)."""

    id: uuid.UUID
    kind: InvestorKind
    name: str
    email: str | None
    phone: str | None
    address: str | None
    country: str | None
    tax_id: str | None
    bank_name: str | None
    bank_account: str | None
    bank_routing: str | None
    sensitive_visible: bool
    withholding_rate: Rate
    notes: str | None
    created_at: datetime
    updated_at: datetime


class InvestorUserCreate(Input):
    user_id: uuid.UUID


class InvestorUserOut(BaseModel):
    id: uuid.UUID
    investor_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    full_name: str
    created_at: datetime


# --- closes, commitments and transfers ---------------------------------------------------


class CloseCreate(Input):
    close_date: date


class CloseOut(Output):
    id: uuid.UUID
    fund_id: uuid.UUID
    number: int
    close_date: date
    is_initial: bool
    created_at: datetime
    equalization_call_id: uuid.UUID | None = Field(
        default=None, description="The call (not cancelled) that equalizes this close's LPs"
    )
    equalization_call_number: int | None = None


class CommitmentCreate(Input):
    investor_id: uuid.UUID
    amount: PositiveMoney
    close_id: uuid.UUID | None = Field(
        default=None,
        description="The close that admits it; by default the fund's latest close (the "
        "initial close is opened on the fund's initial close date when there is none).",
    )
    is_gp: bool = False


class CommitmentUpdate(Input):
    amount: PositiveMoney


class CommitmentOut(BaseModel):
    """A commitment with what has been called and paid against it (derived, not stored)."""

    id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    investor_id: uuid.UUID
    investor_name: str
    close_id: uuid.UUID
    close_number: int
    close_date: date
    amount: Money
    is_gp: bool
    sequence: int
    status: CommitmentStatus
    called: Money
    contributed: Money
    recallable: Money
    unfunded: Money
    created_at: datetime


class TransferCreate(Input):
    from_commitment_id: uuid.UUID
    to_investor_id: uuid.UUID
    amount: PositiveMoney
    transfer_date: date


class TransferOut(Output):
    id: uuid.UUID
    fund_id: uuid.UUID
    from_commitment_id: uuid.UUID
    to_commitment_id: uuid.UUID
    from_investor_id: uuid.UUID
    to_investor_id: uuid.UUID
    transfer_date: date
    amount: Money
    called_amount: Money
    recallable_amount: Money
    ledger_entry_id: uuid.UUID | None
    created_at: datetime


# --- capital calls -----------------------------------------------------------------------


class CallCreate(Input):
    purpose: CallPurpose
    amount: PositiveMoney
    basis: CallBasis = CallBasis.COMMITMENT
    call_date: date
    due_date: date
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

    call_date: date
    due_date: date
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
    payment_reference: str


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


# --- payments ----------------------------------------------------------------------------


class PaymentCreate(Input):
    investor_id: uuid.UUID
    commitment_id: uuid.UUID | None = Field(
        default=None,
        description="Needed only when the investor has several commitments in the call.",
    )
    amount: PositiveMoney
    received_date: date
    reference: ShortText | None = None
    method: PaymentMethod = PaymentMethod.WIRE


class PaymentOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
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


class PaymentRecorded(PaymentOut):
    """A payment just recorded, with where its call and allocation stand now."""

    call_status: CallStatus
    allocation_outstanding: Money


# --- reconciliation ----------------------------------------------------------------------


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


# --- LP portal ---------------------------------------------------------------------------


class PortalInvestorOut(BaseModel):
    id: uuid.UUID
    kind: InvestorKind
    name: str
    email: str | None
    country: str | None


class PortalCallOut(BaseModel):
    """One of the LP's own shares of a call."""

    call_id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    number: int
    purpose: CallPurpose
    call_date: date
    due_date: date
    status: CallStatus
    is_overdue: bool
    investor_id: uuid.UUID
    investor_name: str
    commitment_id: uuid.UUID
    amount: Money
    equalization_interest: Money
    amount_due: Money
    paid_amount: Money
    outstanding: Money
    payment_reference: str
    notice_url: str
