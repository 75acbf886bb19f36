"""Capital call notices: one PDF per LP and call.

A notice tells an LP what it owes, by when, where to wire it and with which reference, and
where its commitment stands: its commitment, the capital it contributed before this call and
the unfunded commitment left after it (ILPA Capital Call & Distribution Notice template, 2016:
"Capital call amount", "Commitment", "Remaining unfunded commitment").

A notice is a document of its date. Its figures are those of the call date
(:func:`positions_as_of`): the capital the LP had paid in on earlier calls by then, and the
unfunded commitment left once this call is drawn; the amount due is the call itself, never
reduced by payments made since. When a call is issued each LP's notice is rendered once and
kept (``notice_documents``, with its SHA-256, the file in the row or in document storage), and
every later download serves exactly those bytes (:func:`issued_notice`); a notice of a call
issued before notices were kept is rendered as of its call date and kept on its first download.
Distribution notices (:mod:`fundhouse.funds.distributions.service`) are kept the same way.
"""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundhouse.funds.calls.service import get_call_row, payment_reference
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CallAllocation,
    CallPurpose,
    CapitalCall,
    Close,
    Commitment,
    CommitmentTransfer,
    Distribution,
    DistributionAllocation,
    DistributionStatus,
    EqualizationItem,
    EqualizationKind,
    NoticeDocument,
    NoticeKind,
    Payment,
)
from fundhouse.funds.reporting import storage
from fundhouse.ledger.currencies import minor_units
from fundhouse.platform import audit
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import NotFound

INLINE_LIMIT = 1024 * 1024
"""Notices up to this size are kept in their row; larger ones in document storage."""


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
    commitment: Decimal
    contributed_before: Decimal
    unfunded_after: Decimal


@dataclass(frozen=True)
class PositionAsOf:
    """Where an LP's commitments in a fund stood on a date: commitment, capital called by
    issued calls dated by then, capital paid in by then (payments received by that date, up to
    the capital called; equalization interest is not capital) and recallable distributions
    declared by then; transfers of interest dated by then move their share."""

    commitment: Decimal
    called: Decimal
    contributed: Decimal
    recallable: Decimal

    @property
    def unfunded(self) -> Decimal:
        """Commitment − called + recallable (what the register calls unfunded)."""
        return self.commitment - self.called + self.recallable


def positions_as_of(
    db: Session,
    fund_id: uuid.UUID,
    investor_ids: Sequence[uuid.UUID],
    on: date,
    *,
    before_call: CapitalCall | None = None,
    through_distribution: Distribution | None = None,
) -> dict[uuid.UUID, PositionAsOf]:
    """Each investor's position in the fund on ``on``, in five queries whatever their number.

    ``before_call``: the position just before that call (calls of the same date count when
    numbered before it; the call itself never). ``through_distribution``: the position just
    after that distribution (its own recallable amount counts, drafts included, and so do
    distributions of the same date numbered before it). Otherwise everything dated by ``on``
    counts.
    """
    wanted = list(dict.fromkeys(investor_ids))
    zero = Decimal(0)
    if not wanted:
        return {}
    transfers = list(
        db.scalars(
            select(CommitmentTransfer).where(
                CommitmentTransfer.fund_id == fund_id,
                or_(
                    CommitmentTransfer.from_investor_id.in_(wanted),
                    CommitmentTransfer.to_investor_id.in_(wanted),
                ),
            )
        )
    )
    later_in = {t.to_commitment_id for t in transfers if t.transfer_date > on}
    in_call = {a.commitment_id for a in before_call.allocations} if before_call else set()
    commitments = [
        c
        for c, close_date in db.execute(
            select(Commitment, Close.close_date)
            .join(Close, Close.id == Commitment.close_id)
            .where(Commitment.fund_id == fund_id, Commitment.investor_id.in_(wanted))
        ).all()
        if c.id not in later_in and (close_date <= on or c.id in in_call)
    ]
    owner = {c.id: c.investor_id for c in commitments}
    committed: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    called: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    contributed: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    recallable: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    for c in commitments:
        # A transfer after ``on`` shrank the transferor's commitment since: add it back.
        committed[c.investor_id] += c.amount + sum(
            (t.amount for t in transfers if t.from_commitment_id == c.id and t.transfer_date > on),
            zero,
        )
    for t in transfers:
        if t.transfer_date > on:
            continue
        for commitment_id, sign in ((t.from_commitment_id, -1), (t.to_commitment_id, 1)):
            if commitment_id in owner:
                called[owner[commitment_id]] += sign * t.called_amount
                contributed[owner[commitment_id]] += sign * t.called_amount
                recallable[owner[commitment_id]] += sign * t.recallable_amount
    earlier_call = (
        CapitalCall.call_date <= on
        if before_call is None
        else or_(
            CapitalCall.call_date < on,
            and_(CapitalCall.call_date == on, CapitalCall.number < before_call.number),
        )
    )
    allocations = db.execute(
        select(CallAllocation.id, CallAllocation.commitment_id, CallAllocation.amount)
        .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
        .where(
            CapitalCall.fund_id == fund_id,
            CapitalCall.status.in_(CALLED_STATUSES),
            CallAllocation.commitment_id.in_(list(owner)),
            earlier_call,
        )
    ).all()
    paid: dict[uuid.UUID, Decimal] = defaultdict(lambda: zero)
    if allocations:
        for allocation_id, amount in db.execute(
            select(Payment.call_allocation_id, Payment.amount).where(
                Payment.call_allocation_id.in_([a.id for a in allocations]),
                Payment.received_date <= on,
                Payment.reversed_at.is_(None),
            )
        ):
            paid[allocation_id] += amount
    for allocation_id, commitment_id, amount in allocations:
        called[owner[commitment_id]] += amount
        contributed[owner[commitment_id]] += min(paid[allocation_id], amount)
    declared = and_(
        Distribution.status.in_([DistributionStatus.ISSUED, DistributionStatus.PAID]),
        Distribution.distribution_date <= on,
    )
    if through_distribution is not None:
        d = through_distribution
        declared = or_(
            Distribution.id == d.id,
            and_(
                declared,
                or_(
                    Distribution.distribution_date < on,
                    Distribution.number < d.number,
                ),
            ),
        )
    for returned_to, amount in db.execute(
        select(DistributionAllocation.commitment_id, DistributionAllocation.recallable_amount)
        .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
        .where(
            Distribution.fund_id == fund_id,
            DistributionAllocation.commitment_id.in_(list(owner)),
            declared,
        )
    ):
        if returned_to is not None:
            recallable[owner[returned_to]] += amount
    return {i: PositionAsOf(committed[i], called[i], contributed[i], recallable[i]) for i in wanted}


def notice_figures(
    db: Session,
    call: CapitalCall,
    investor_id: uuid.UUID,
    position: PositionAsOf | None = None,
) -> NoticeFigures:
    """What the LP is called for on ``call`` and where its commitment stands on the call date
    (:func:`positions_as_of` just before the call, unless given): the same figures whether the
    call is a draft, issued or paid, today or years later."""
    shares = [a for a in call.allocations if a.investor_id == investor_id]
    if not shares:
        raise NotFound("This investor has no share of this call.")
    capital = sum((a.amount for a in shares), Decimal(0))
    interest = sum((a.equalization_interest for a in shares), Decimal(0))
    if position is None:
        position = positions_as_of(
            db, call.fund_id, [investor_id], call.call_date, before_call=call
        )[investor_id]
    return NoticeFigures(
        capital=capital,
        equalization_interest=interest,
        amount_due=capital + interest,
        commitment=position.commitment,
        contributed_before=position.contributed,
        unfunded_after=position.unfunded - capital,
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


def render_notice(
    db: Session,
    call: CapitalCall,
    investor_id: uuid.UUID,
    position: PositionAsOf | None = None,
) -> Notice:
    """The PDF notice of ``call`` for one investor, as of the call date (the call's fund and
    allocations with their investors loaded)."""
    figures = notice_figures(db, call, investor_id, position)
    investor = next(a.investor for a in call.allocations if a.investor_id == investor_id)
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
    due_rows.append(("Amount due", amount(figures.amount_due)))
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
                    f"Capital contributed to {notice_date(call.call_date)} (before this call)",
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


# --- notices kept as issued --------------------------------------------------------------


def kept_row(
    db: Session, actor: Actor, kind: NoticeKind, source_id: uuid.UUID, investor_id: uuid.UUID
) -> NoticeDocument | None:
    source = (
        NoticeDocument.call_id
        if kind == NoticeKind.CAPITAL_CALL
        else (NoticeDocument.distribution_id)
    )
    return db.scalar(
        select(NoticeDocument).where(
            NoticeDocument.org_id == actor.org_id,
            NoticeDocument.kind == kind,
            source == source_id,
            NoticeDocument.investor_id == investor_id,
        )
    )


def keep_notice(
    db: Session,
    actor: Actor,
    *,
    fund_id: uuid.UUID,
    kind: NoticeKind,
    source_id: uuid.UUID,
    investor_id: uuid.UUID,
    notice_date: date,
    notice: Notice,
) -> NoticeDocument:
    """Store one LP's notice as issued, with its checksum, and audit it (the audit trail keeps
    the checksum too, so what the LP was sent can be proven later)."""
    row = NoticeDocument(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund_id,
        kind=kind,
        call_id=source_id if kind == NoticeKind.CAPITAL_CALL else None,
        distribution_id=source_id if kind == NoticeKind.DISTRIBUTION else None,
        investor_id=investor_id,
        notice_date=notice_date,
        filename=notice.filename,
        created_by=actor.user_id,
    )
    stored = storage.store_file(
        notice.content,
        f"{actor.org_id}/{fund_id}/notices/{row.id}.pdf",
        inline_limit=INLINE_LIMIT,
    )
    row.content = stored.content
    row.storage_key = stored.storage_key
    row.size_bytes = stored.size_bytes
    row.sha256 = stored.sha256
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        "notice.stored",
        entity_type="notice_documents",
        entity_id=row.id,
        after={
            "kind": kind,
            "source_id": source_id,
            "investor_id": investor_id,
            "notice_date": notice_date,
            "sha256": row.sha256,
            "size_bytes": row.size_bytes,
        },
    )
    return row


def kept_notice(row: NoticeDocument) -> Notice:
    """A kept notice's bytes, checked against its checksum."""
    return Notice(
        row.filename, storage.load_file(row.content, row.storage_key, row.sha256, "notice")
    )


def issued_notice(
    db: Session,
    actor: Actor,
    *,
    fund_id: uuid.UUID,
    kind: NoticeKind,
    source_id: uuid.UUID,
    investor_id: uuid.UUID,
    notice_date: date,
    render: Callable[[], Notice],
) -> Notice:
    """The notice an LP was sent: the kept file, or, for one issued before notices were kept,
    ``render()`` (as of its date), kept now so every later download is the same."""
    row = kept_row(db, actor, kind, source_id, investor_id)
    if row is None:
        notice = render()
        try:
            with db.begin_nested():
                row = keep_notice(
                    db,
                    actor,
                    fund_id=fund_id,
                    kind=kind,
                    source_id=source_id,
                    investor_id=investor_id,
                    notice_date=notice_date,
                    notice=notice,
                )
        except IntegrityError:
            # Another request kept it first (two first downloads at once): everyone is served
            # that one, so the notice stays one document.
            row = kept_row(db, actor, kind, source_id, investor_id)
            if row is None:
                raise
    return kept_notice(row)


def keep_call_notices(db: Session, actor: Actor, call: CapitalCall) -> list[NoticeDocument]:
    """Render and keep every LP's notice of a call being issued (its fund and allocations with
    their investors loaded); the positions of all its LPs come from one grouped computation."""
    investor_ids = list(dict.fromkeys(a.investor_id for a in call.allocations))
    positions = positions_as_of(db, call.fund_id, investor_ids, call.call_date, before_call=call)
    return [
        keep_notice(
            db,
            actor,
            fund_id=call.fund_id,
            kind=NoticeKind.CAPITAL_CALL,
            source_id=call.id,
            investor_id=investor_id,
            notice_date=call.call_date,
            notice=render_notice(db, call, investor_id, positions[investor_id]),
        )
        for investor_id in investor_ids
    ]


def call_notice_of(db: Session, actor: Actor, call: CapitalCall, investor_id: uuid.UUID) -> Notice:
    """The notice of ``call`` for one LP: as kept when the call was issued; a call never issued
    (a draft or approved one, marked as such) is rendered afresh each time, as of its date."""
    if not any(a.investor_id == investor_id for a in call.allocations):
        raise NotFound("This investor has no share of this call.")
    if call.status in CALLED_STATUSES:
        return issued_notice(
            db,
            actor,
            fund_id=call.fund_id,
            kind=NoticeKind.CAPITAL_CALL,
            source_id=call.id,
            investor_id=investor_id,
            notice_date=call.call_date,
            render=lambda: render_notice(db, call, investor_id),
        )
    sent = kept_row(db, actor, NoticeKind.CAPITAL_CALL, call.id, investor_id)
    if sent is not None:  # a call cancelled after it was issued: the notice as it was sent
        return kept_notice(sent)
    return render_notice(db, call, investor_id)


def call_notice(db: Session, actor: Actor, call_id: uuid.UUID, investor_id: uuid.UUID) -> Notice:
    """The notice of one LP for a call, for the fund's staff (drafts are marked as such)."""
    require(actor, "capital_call:read")
    call = get_call_row(db, actor, call_id)
    return call_notice_of(db, actor, call, investor_id)
