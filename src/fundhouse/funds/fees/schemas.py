"""The API shapes of management fees, transaction fees, fund expenses, payables and
disbursements."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StringConstraints

from fundhouse.funds.common import (
    Category,
    Input,
    LongText,
    PositiveMoney,
    ShortText,
)
from fundhouse.funds.models import (
    DisbursementKind,
    ExpenseStatus,
    FeeRunStatus,
)
from fundhouse.platform.schemas import IsoDate, Money


class FeeRunCreate(Input):
    """Bill the management fee installment due on ``period_start`` (the initial close for the
    first stub, else the first day of a calendar quarter). ``preview`` computes it and saves
    nothing; ``call`` also drafts a capital call (purpose management_fee) for each LP's fee."""

    period_start: IsoDate
    preview: StrictBool = False
    call: StrictBool = False
    call_date: IsoDate | None = Field(default=None, description="Default: period_start")
    due_date: IsoDate | None = Field(default=None, description="Default: the call IsoDate")


class FeePeriodOut(BaseModel):
    first_day: date
    last_day: date
    days: int
    basis: str
    base: Money
    rate: Decimal
    is_full_quarter: bool


class FeeInstallmentOut(BaseModel):
    commitment_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    basis: str
    base_amount: Money
    rate: Decimal
    days: int | None
    gross_amount: Money
    offset_amount: Money
    amount: Money


class FeeRunOut(BaseModel):
    id: uuid.UUID | None
    """None on a preview."""
    fund_id: uuid.UUID
    currency: str
    period_start: date
    period_end: date
    due_date: date
    status: FeeRunStatus | None
    gross_amount: Money
    offset_amount: Money
    total_amount: Money
    capital_call_id: uuid.UUID | None
    ledger_entry_id: uuid.UUID | None
    created_at: datetime | None


class FeeRunDetailOut(FeeRunOut):
    periods: list[FeePeriodOut]
    installments: list[FeeInstallmentOut]


class TransactionFeeCreate(Input):
    """A transaction (deal, monitoring, director) fee the manager received from a portfolio
    company: it offsets the next management fee installment."""

    received_date: IsoDate
    amount: PositiveMoney
    company_id: uuid.UUID | None = None
    description: LongText | None = None


class TransactionFeeOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    company_id: uuid.UUID | None
    received_date: date
    amount: Money
    description: str | None
    status: Literal["recorded", "cancelled"]
    cancelled_at: datetime | None
    cancellation_reason: str | None
    created_at: datetime


class TransactionFeeCancel(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    """Why the fee is cancelled (recorded by mistake, refunded to the company ...)."""


class ExpenseCreate(Input):
    expense_date: IsoDate
    amount: PositiveMoney
    category: Category
    vendor: ShortText | None = None
    description: LongText | None = None
    company_id: uuid.UUID | None = Field(
        default=None, description="The deal it belongs to (American waterfall)"
    )


class ExpenseAllocationOut(BaseModel):
    commitment_id: uuid.UUID
    investor_id: uuid.UUID
    investor_name: str
    amount: Money


class ExpenseOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    company_id: uuid.UUID | None
    expense_date: date
    amount: Money
    category: str
    vendor: str | None
    description: str | None
    status: ExpenseStatus
    ledger_entry_id: uuid.UUID | None
    created_at: datetime


class ExpenseDetailOut(ExpenseOut):
    allocations: list[ExpenseAllocationOut]


class DisbursementCreate(Input):
    """Pay a payable out of the fund's cash: management fees (optionally one fee run's), an
    expense, or the tax a distribution withheld."""

    kind: DisbursementKind
    paid_date: IsoDate
    amount: PositiveMoney | None = Field(
        default=None,
        description="Default: all that is payable (the fees payable, the expense's unpaid "
        "part, the distribution's withholding).",
    )
    payee: ShortText | None = Field(
        default=None, description="Who is paid; an expense's vendor by default."
    )
    reference: ShortText | None = None
    fee_run_id: uuid.UUID | None = None
    expense_id: uuid.UUID | None = None
    distribution_id: uuid.UUID | None = None


class DisbursementFilters(BaseModel):
    kind: DisbursementKind | None = None


class DisbursementOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    currency: str
    kind: DisbursementKind
    fee_run_id: uuid.UUID | None
    expense_id: uuid.UUID | None
    distribution_id: uuid.UUID | None
    paid_date: date
    amount: Money
    payee: str
    reference: str | None
    ledger_entry_id: uuid.UUID
    created_at: datetime


class PayableOut(BaseModel):
    """One expense not fully paid, or one distribution's withholding not remitted."""

    kind: DisbursementKind
    expense_id: uuid.UUID | None = None
    distribution_id: uuid.UUID | None = None
    item_date: date
    description: str
    amount: Money
    outstanding: Money


class PayablesOut(BaseModel):
    fund_id: uuid.UUID
    currency: str
    as_of: date
    cash: Money
    management_fees_payable: Money
    items: list[PayableOut]
