"""Helpers of the reporting and import tests: the routes served, PDF text, XLSX cells, uploads."""

from __future__ import annotations

import base64
import io
import re
import uuid
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fundhouse.funds.distributions import service as distributions
from fundhouse.funds.distributions.schemas import DistributionCreate, DistributionPay
from fundhouse.funds.fees import service as fund_fees
from fundhouse.funds.fees.schemas import ExpenseCreate, FeeRunCreate
from fundhouse.funds.investments import service as valuations
from fundhouse.funds.investments.schemas import (
    CompanyCreate,
    InvestmentCreate,
    RealizationCreate,
    ValuationCreate,
)
from fundhouse.funds.models import TransactionFee
from fundhouse.platform.access import Actor, permissions_for
from tests.funds.helpers import API, Desk


def _inflate(stream: bytes) -> str:
    """A content stream as text: Flate-compressed, optionally ASCII85-encoded first (as
    reportlab writes them by default), or plain."""
    for decode in (
        lambda b: zlib.decompress(b),
        lambda b: zlib.decompress(base64.a85decode(b.strip().removesuffix(b"~>"))),
    ):
        try:
            return decode(stream).decode("latin-1")
        except (zlib.error, ValueError):
            continue
    return stream.decode("latin-1")


def pdf_text(content: bytes) -> str:
    """The text drawn on a PDF's pages (its content streams, decoded), one string."""
    assert content.startswith(b"%PDF-")
    streams = re.findall(rb"stream\r?\n(.*?)\r?\n?endstream", content, re.S)
    drawn = re.findall(r"\((.*?)\)\s*Tj", "".join(_inflate(s) for s in streams))
    return " ".join(s.replace("\\(", "(").replace("\\)", ")") for s in drawn)


def xlsx_rows(content: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    """The values of a workbook's sheet, row by row (numbers as numbers)."""
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def xlsx_value(content: bytes, label: str, column: int = 1, sheet: int = 0) -> Any:
    """The cell ``column`` cells right of the first cell reading ``label``."""
    for row in xlsx_rows(content, sheet):
        if label in row:
            return row[row.index(label) + column]
    raise AssertionError(f"no row labelled {label!r}")


def upload(
    desk: Desk,
    fund_id: str,
    kind: str,
    content: str | bytes,
    *,
    dry_run: bool = False,
    filename: str = "rows.csv",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = content.encode() if isinstance(content, str) else content
    return desk.client.post(
        f"{API}/funds/{fund_id}/imports/{kind}",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (filename, body, "application/octet-stream")},
        headers=headers or desk.headers,
    )


# --- a fund with a quarter of history ----------------------------------------------------

Q2_START = date(2024, 4, 1)
Q2_END = date(2024, 6, 30)


def actor_of(desk: Desk, user: Any) -> Actor:
    return Actor(
        user_id=user.id,
        org_id=desk.org.id,
        role="fund_manager",
        permissions=permissions_for("fund_manager"),
    )


@dataclass
class History:
    """Northwind Ventures III: three LPs committed 6m, 3m and 1m (60/30/10) at the initial
    close of 15 January 2024, and every kind of activity in the second quarter of 2024."""

    fund: dict[str, Any]
    lps: list[dict[str, Any]]
    company_id: uuid.UUID

    @property
    def fund_id(self) -> uuid.UUID:
        return uuid.UUID(self.fund["id"])

    def investor_id(self, n: int) -> uuid.UUID:
        return uuid.UUID(self.lps[n - 1]["investor_id"])


def _paid_call(desk: Desk, fund_id: str, amount: str, call_date: date, paid: date) -> None:
    call = desk.issued_call(
        fund_id,
        amount,
        call_date=call_date.isoformat(),
        due_date=(call_date + timedelta(days=14)).isoformat(),
    )
    for allocation in call["allocations"]:
        desk.ok(
            desk.pay(
                call["id"], allocation["investor_id"], allocation["amount"], received_date=paid
            ),
            201,
        )


def build_history(desk: Desk, db: Session) -> History:
    """Q1 2024: a 2m call paid, the first fee stub, a 1.5m investment and a 5,000 transaction
    fee. Q2 2024: the quarter's fee (offset by that transaction fee), a 1m call paid, a 24,000
    legal expense, 30,000 of dividend income, a 100,000 distribution of which 40,000 is
    recallable, and a valuation of the company up to 1.8m. Q3 2024: a 500,000 call (after the
    statements' quarter)."""
    fund = desk.fund(
        name="Northwind Ventures III",
        legal_name="Northwind Ventures III, L.P.",
        initial_close_date="2024-01-15",
    )
    lps = desk.lps(fund["id"], ["6000000", "3000000", "1000000"])
    fund_id = uuid.UUID(fund["id"])
    maker, checker = actor_of(desk, desk.maker), actor_of(desk, desk.checker)

    _paid_call(desk, fund["id"], "2000000", date(2024, 2, 1), date(2024, 2, 10))
    fund_fees.run_fees(db, maker, fund_id, FeeRunCreate(period_start=date(2024, 1, 15)))
    company = valuations.create_company(db, maker, fund_id, CompanyCreate(name="Acme Robotics"))
    valuations.record_investment(
        db,
        maker,
        company.id,
        InvestmentCreate(transaction_date=date(2024, 2, 20), cost_amount=Decimal("1500000")),
    )
    db.add(
        TransactionFee(
            org_id=desk.org.id,
            fund_id=fund_id,
            company_id=company.id,
            received_date=date(2024, 3, 15),
            amount=Decimal("5000.00"),
        )
    )
    db.commit()

    fund_fees.run_fees(db, maker, fund_id, FeeRunCreate(period_start=Q2_START))
    db.commit()
    _paid_call(desk, fund["id"], "1000000", date(2024, 4, 15), date(2024, 4, 25))
    fund_fees.create_expense(
        db,
        maker,
        fund_id,
        ExpenseCreate(expense_date=date(2024, 5, 10), amount=Decimal("24000"), category="legal"),
    )
    valuations.record_realization(
        db,
        maker,
        company.id,
        RealizationCreate(
            kind="income", transaction_date=date(2024, 5, 20), proceeds_amount=Decimal("30000")
        ),
    )
    drafted = distributions.create_distribution(
        db,
        maker,
        fund_id,
        DistributionCreate(
            source="dividend",
            gross_amount=Decimal("100000"),
            distribution_date=date(2024, 6, 20),
            recallable=True,
            recallable_amount=Decimal("40000"),
        ),
    )
    distributions.approve_distribution(db, checker, drafted.id)
    distributions.issue_distribution(db, maker, drafted.id)
    distributions.pay_distribution(
        db, maker, drafted.id, DistributionPay(paid_date=date(2024, 6, 25))
    )
    valuations.record_valuation(
        db, maker, company.id, ValuationCreate(as_of=Q2_END, fair_value=Decimal("1800000"))
    )
    db.commit()
    _paid_call(desk, fund["id"], "500000", date(2024, 7, 15), date(2024, 7, 20))
    return History(fund, lps, company.id)
