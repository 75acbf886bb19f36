"""The API shapes of the LP portal: what a limited partner sees of its own."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import (
    BaseModel,
)

from fundhouse.funds.accounts.schemas import InvestorPerformanceOut
from fundhouse.funds.calls.schemas import AllocationStatus
from fundhouse.funds.models import (
    CallPurpose,
    CallStatus,
    DistributionStatus,
    InvestorKind,
)
from fundhouse.platform.schemas import Money


class PortalInvestorOut(BaseModel):
    id: uuid.UUID
    kind: InvestorKind
    name: str
    email: str | None
    country: str | None


class PortalCallOut(BaseModel):
    """One of the LP's own shares of a call: ``allocation_status``, ``outstanding`` and
    ``is_overdue`` are the LP's own; ``status`` is the call's, all LPs together."""

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
    allocation_status: AllocationStatus
    payment_reference: str
    notice_url: str


class PortalDistributionOut(BaseModel):
    """One of the LP's own shares of an issued distribution."""

    distribution_id: uuid.UUID
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    number: int
    distribution_date: date
    status: DistributionStatus
    investor_id: uuid.UUID
    investor_name: str
    amount: Money
    withholding_amount: Money
    net_amount: Money
    recallable_amount: Money
    notice_url: str


class PortalPerformanceOut(InvestorPerformanceOut):
    fund_id: uuid.UUID
    fund_name: str
    currency: str
    as_of: date
