"""Capital call notices: one PDF per LP and call.

A notice tells an LP what it owes, by when, where to wire it and with which reference, and
where its commitment stands: its commitment, the capital it contributed before this call and
the unfunded commitment left after it (ILPA Capital Call & Distribution Notice template, 2016:
"Capital call amount", "Commitment", "Remaining unfunded commitment").
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundhouse.funds.calls.service import get_call_row, payment_reference
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CallPurpose,
    CapitalCall,
    Commitment,
    CommitmentStatus,
    EqualizationItem,
    EqualizationKind,
)
from fundhouse.funds.register.service import commitment_positions, get_investor_row
from fundhouse.ledger.currencies import minor_units
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import NotFound


@dataclass(frozen=True)
class Notice:
    filename: str
    content: bytes


@dataclass(frozen=True)
class NoticeFigures:
    """The amounts printed on one LP's notice (all of its commitments in the fund together)."""

    capital: Decimal
    equalization_interest: Decimal
    amount_due: Decimal
    paid: Decimal
    commitment: Decimal
    contributed_before: Decimal
    unfunded_after: Decimal


def notice_figures(db: Session, call: CapitalCall, investor_id: uuid.UUID) -> NoticeFigures:
    """What the LP owes on ``call`` and where its commitment stands around it.

    An issued call is already counted in the LP's called capital; a draft or approved one is
    not yet, so its amount comes off the unfunded commitment here.
    """
    shares = [a for a in call.allocations if a.investor_id == investor_id]
    if not shares:
        raise NotFound("This investor has no share of this call.")
    capital = sum((a.amount for a in shares), Decimal(0))
    interest = sum((a.equalization_interest for a in shares), Decimal(0))
    paid = sum((a.paid_amount for a in shares), Decimal(0))
    paid_capital = sum((min(a.paid_amount, a.amount) for a in shares), Decimal(0))
    commitments = list(
        db.scalars(
            select(Commitment).where(
                Commitment.fund_id == call.fund_id,
                Commitment.investor_id == investor_id,
                Commitment.status == CommitmentStatus.ACTIVE,
            )
        )
    )
    positions = commitment_positions(db, commitments).values()
    contributed = sum((p.contributed for p in positions), Decimal(0))
    unfunded = sum((p.unfunded for p in positions), Decimal(0))
    issued = call.status in CALLED_STATUSES
    return NoticeFigures(
        capital=capital,
        equalization_interest=interest,
        amount_due=capital + interest,
        paid=paid,
        commitment=sum((c.amount for c in commitments), Decimal(0)),
        contributed_before=contributed - (paid_capital if issued else Decimal(0)),
        unfunded_after=unfunded if issued else unfunded - capital,
    )


def notice_styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=18, spaceAfter=4),
        "h": ParagraphStyle("h", parent=base["Heading3"], spaceBefore=8, spaceAfter=4),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontSize=10, leading=13),
        "banner": ParagraphStyle(
            "banner", parent=base["BodyText"], textColor=colors.red, fontSize=11
        ),
    }


def notice_table(rows: list[tuple[str, str]], bold_last: bool = False) -> Table:
    table = Table(rows, colWidths=[85 * mm, 80 * mm], hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 10),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if bold_last:
        style.append(("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 10))
    table.setStyle(TableStyle(style))
    return table


def notice_date(value: date) -> str:
    return value.strftime("%d %B %Y")


def _catch_up_rows(
    db: Session, call: CapitalCall, investor_id: uuid.UUID, amount: Callable[[Decimal], str]
) -> list[tuple[str, str]]:
    """For an equalization call, the investor's installments caught up, one row each."""
    if call.purpose != CallPurpose.EQUALIZATION:
        return []
    mine = {a.commitment_id for a in call.allocations if a.investor_id == investor_id}
    items = db.scalars(
        select(EqualizationItem)
        .where(EqualizationItem.call_id == call.id, EqualizationItem.commitment_id.in_(mine))
        .order_by(EqualizationItem.source_due_date, EqualizationItem.kind)
    ).all()
    numbers = dict(
        db.execute(
            select(CapitalCall.id, CapitalCall.number).where(
                CapitalCall.id.in_({i.source_call_id for i in items if i.source_call_id})
            )
        ).all()
    )
    rows = []
    for i in items:
        what = "Management fee"
        if i.kind != EqualizationKind.FEE and i.source_call_id is not None:
            what = f"Capital call no. {numbers[i.source_call_id]}"
        rows.append(
            (
                f"{what}, due {notice_date(i.source_due_date)} ({i.days} days' interest)",
                f"{amount(i.principal)} + {amount(i.interest)}",
            )
        )
    return rows


def render_notice(db: Session, call: CapitalCall, investor_id: uuid.UUID, actor: Actor) -> Notice:
    """The PDF notice of ``call`` for one investor (the call's fund and allocations loaded)."""
    investor = get_investor_row(db, actor, investor_id)
    figures = notice_figures(db, call, investor.id)
    fund = call.fund
    cur = fund.currency

    def amount(value: Decimal) -> str:
        """``USD 1,250,000.00``: the currency's decimal places, thousands separated."""
        return f"{cur} {value:,.{minor_units(cur)}f}"

    s = notice_styles()
    story: list[object] = []
    if call.status not in CALLED_STATUSES:
        story.append(
            Paragraph(f"DRAFT - this call is {call.status.value} and not yet issued.", s["banner"])
        )
    story += [
        Paragraph("Capital Call Notice", s["title"]),
        Paragraph(escape(fund.legal_name or fund.name), s["p"]),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>To:</b> {escape(investor.name)}", s["p"]),
    ]
    if investor.address:
        story.append(Paragraph(escape(investor.address).replace("\n", "<br/>"), s["p"]))
    purpose = call.purpose.value.replace("_", " ")
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            f"Capital call no. {call.number} for {escape(purpose)}, "
            f"dated {notice_date(call.call_date)}.",
            s["p"],
        ),
    ]
    if call.description:
        story.append(Paragraph(escape(call.description), s["p"]))
    catch_up = _catch_up_rows(db, call, investor.id, amount)
    called = "Fees and capital caught up" if catch_up else "Capital called"
    due_rows = [(called, amount(figures.capital))]
    if figures.equalization_interest:
        due_rows.append(("Equalization interest", amount(figures.equalization_interest)))
    if figures.paid:
        due_rows.append(("Already received", amount(figures.paid)))
    due_rows.append(("Amount due", amount(figures.amount_due - figures.paid)))
    story += [
        Paragraph("Amount due", s["h"]),
        notice_table(due_rows, bold_last=True),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>Due date:</b> {notice_date(call.due_date)}", s["p"]),
        Paragraph(
            f"<b>Payment reference:</b> {payment_reference(call.number, investor.id)}", s["p"]
        ),
    ]
    if catch_up:
        story += [
            Paragraph("How your catch-up is made up", s["h"]),
            Paragraph(
                "As a late closer you pay each installment due before your close on your own "
                "commitment, as if admitted at the initial close, with equalization interest "
                "from its due date to your close date; the interest goes to the partners "
                "admitted earlier.",
                s["p"],
            ),
            notice_table(catch_up),
        ]
    story += [
        Paragraph("Your commitment", s["h"]),
        notice_table(
            [
                ("Commitment", amount(figures.commitment)),
                (
                    "Capital contributed to date (before this call)",
                    amount(figures.contributed_before),
                ),
                ("This call", amount(figures.capital)),
                ("Unfunded commitment after this call", amount(figures.unfunded_after)),
            ]
        ),
        Paragraph("Wire instructions", s["h"]),
        Paragraph(
            escape(
                fund.bank_instructions
                or "Your fund administrator will send the account details separately."
            ).replace("\n", "<br/>"),
            s["p"],
        ),
        Spacer(1, 2 * mm),
        Paragraph("Please quote the payment reference on your transfer.", s["p"]),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"Capital call {call.number} - {investor.name}",
        author=fund.name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=True,
    )
    doc.build(story)
    safe_fund = "".join(ch if ch.isalnum() else "-" for ch in fund.name).strip("-").lower()
    return Notice(f"{safe_fund}-call-{call.number}-{investor.id.hex[:8]}.pdf", out.getvalue())


def call_notice(db: Session, actor: Actor, call_id: uuid.UUID, investor_id: uuid.UUID) -> Notice:
    """The notice of one LP for a call, for the fund's staff (drafts are marked as such)."""
    require(actor, "capital_call:read")
    call = get_call_row(db, actor, call_id)
    return render_notice(db, call, investor_id, actor)
