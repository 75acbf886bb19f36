"""ILPA-style capital account statements: one per LP and quarter, as PDF and XLSX.

The layout follows the ILPA Reporting Template (2016), capital account statement: the quarter
and inception-to-date side by side, from the beginning NAV through contributions,
distributions (recallable and not), management fees (gross, offsets, net), partnership
expenses, income, realized and unrealized gains, the carried interest allocation, to the ending
NAV net of carried interest; then the commitment summary (commitment, contributions to date,
unfunded) and the LP's performance to date (net IRR, TVPI, DPI, RVPI).

Every amount comes from the capital accounts (:mod:`fundhouse.funds.capital_accounts`), which
derive from the fund's ledger, so a statement reconciles to the books to the cent; nothing here
computes money in floating point, and every figure is the one of the quarter end: ledger
postings dated by then, commitments admitted at closes held by then, distributions dated by
then. Statements are stored in the ``statements`` table (the file in the row when small, in the
data directory otherwise, with its SHA-256) and served from there, never rendered again on
download.

Release: a statement is made as a draft its LP does not see. Someone holding ``report:write``
reviews the drafts and releases them (:func:`release_statements`: all of a quarter, of one
batch, or of selected LPs; :func:`release_statement` for one), which is audited with the
file's checksum; only then does the statement appear in the LP portal. Until it is released a
statement may be made again, replacing its file in place (the audit trail keeps the checksum of
every generation); once released it is kept as sent: making it again is refused (409) and a
batch leaves it as it is. Releasing again is refused too (409): one statement already released,
or a selection of which every statement was released already; a selection with some released
releases the others and counts the rest as ``already_released``.
"""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ConfigDict, Field, field_validator
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, defer

from fundhouse.funds.accounts import capital_accounts, performance
from fundhouse.funds.models import (
    Close,
    Commitment,
    Distribution,
    DistributionAllocation,
    DistributionStatus,
    DocumentFormat,
    Fund,
    Investor,
    Statement,
    StatementKind,
    StatementStatus,
)
from fundhouse.funds.register.service import (
    get_fund_row,
    portal_investor_ids,
    quantum_of,
)
from fundhouse.funds.reporting import storage
from fundhouse.funds.reporting.notices import notice_styles
from fundhouse.ledger.currencies import decimal_places, minor_units
from fundhouse.platform import audit, events, jobs
from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import Conflict, Invalid, NotFound
from fundhouse.platform.export import csv_of
from fundhouse.platform.http import PDF_TYPE, XLSX_TYPE
from fundhouse.platform.jobs_models import Job, JobStatus
from fundhouse.platform.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    decode_cursor,
    encode_cursor,
    parse_sort,
)
from fundhouse.platform.schemas import IsoDate

_ZERO = Decimal(0)


CONTENT_TYPES = {DocumentFormat.PDF: PDF_TYPE, DocumentFormat.XLSX: XLSX_TYPE}
STATEMENT_FORMATS = (DocumentFormat.PDF, DocumentFormat.XLSX)
INLINE_LIMIT = 1024 * 1024
"""Files up to this size are kept in the row; larger ones in the data directory."""
BATCH_JOB = "funds.statements_batch"
COMMIT_EVERY = 50
"""The batch commits after this many LPs, so a long run never holds SQLite's write lock long."""


# --- figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountColumn:
    """One column of a capital account statement (the quarter, or inception to date).

    Every amount is signed by its effect on the LP's capital: contributions, income, fee
    offsets and gains positive; distributions, fees, expenses, losses and the carried interest
    allocation negative. ``beginning + every movement == ending``.
    """

    beginning: Decimal
    contributions: Decimal
    distributions_recallable: Decimal
    distributions_non_recallable: Decimal
    management_fees_gross: Decimal
    management_fee_offsets: Decimal
    partnership_expenses: Decimal
    income: Decimal
    realized_gain: Decimal
    unrealized_gain: Decimal
    carried_interest: Decimal
    ending: Decimal

    @property
    def distributions(self) -> Decimal:
        return self.distributions_recallable + self.distributions_non_recallable

    @property
    def cash_flows(self) -> Decimal:
        return self.contributions + self.distributions

    @property
    def management_fees_net(self) -> Decimal:
        return self.management_fees_gross + self.management_fee_offsets

    @property
    def net_operating_income(self) -> Decimal:
        return self.management_fees_net + self.partnership_expenses + self.income

    @property
    def gains(self) -> Decimal:
        return self.realized_gain + self.unrealized_gain

    @property
    def ending_gross_of_carry(self) -> Decimal:
        return self.ending - self.carried_interest

    @property
    def reconciles(self) -> bool:
        moved = self.cash_flows + self.net_operating_income + self.gains + self.carried_interest
        return self.beginning + moved == self.ending


@dataclass(frozen=True)
class Performance:
    """The LP's performance since inception at the period end; None where undefined."""

    net_irr: float | None
    net_irr_note: str | None
    tvpi: float | None
    dpi: float | None
    rvpi: float | None


@dataclass(frozen=True)
class StatementFigures:
    """Everything printed on one LP's statement for one quarter."""

    fund_id: uuid.UUID
    fund_name: str
    fund_legal_name: str | None
    currency: str
    investor_id: uuid.UUID
    investor_name: str
    period_start: date
    period_end: date
    quarter: AccountColumn
    inception: AccountColumn
    commitment: Decimal
    contributed_to_date: Decimal
    recallable_to_date: Decimal
    unfunded: Decimal
    performance: Performance | None


@dataclass(frozen=True)
class LineItem:
    label: str
    value: Callable[[AccountColumn], Decimal]
    is_total: bool = False
    indent: bool = False


LINE_ITEMS: tuple[LineItem, ...] = (
    LineItem("Beginning NAV", lambda c: c.beginning, is_total=True),
    LineItem("Contributions", lambda c: c.contributions, indent=True),
    LineItem("Distributions - recallable", lambda c: c.distributions_recallable, indent=True),
    LineItem(
        "Distributions - non-recallable", lambda c: c.distributions_non_recallable, indent=True
    ),
    LineItem("Total cash flows", lambda c: c.cash_flows, is_total=True),
    LineItem("Management fees - gross", lambda c: c.management_fees_gross, indent=True),
    LineItem("Management fee offsets", lambda c: c.management_fee_offsets, indent=True),
    LineItem("Management fees - net", lambda c: c.management_fees_net, indent=True),
    LineItem("Partnership expenses", lambda c: c.partnership_expenses, indent=True),
    LineItem("Interest, dividend and other income", lambda c: c.income, indent=True),
    LineItem(
        "Total net operating income (expense)", lambda c: c.net_operating_income, is_total=True
    ),
    LineItem("Realized gain (loss)", lambda c: c.realized_gain, indent=True),
    LineItem("Change in unrealized gain (loss)", lambda c: c.unrealized_gain, indent=True),
    LineItem(
        "Ending NAV - gross of carried interest",
        lambda c: c.ending_gross_of_carry,
        is_total=True,
    ),
    LineItem("Carried interest allocation", lambda c: c.carried_interest, indent=True),
    LineItem("Ending NAV - net of carried interest", lambda c: c.ending, is_total=True),
)
"""The rows of the capital account, in the ILPA template's order (PDF and XLSX alike)."""

FOOTNOTES = (
    "Amounts are derived from the fund's general ledger and reconcile to it; negative amounts "
    "are shown in parentheses and reduce the partner's capital.",
    "Distributions are split into the part that may be called again (recallable) and the rest.",
    "Management fee offsets are transaction and other fees received by the manager that reduce "
    "the management fee.",
    "Net IRR is the annual XIRR (actual/365) of the partner's contributions, distributions and "
    "ending NAV net of carried interest; TVPI = (distributions + NAV) / contributions, "
    "DPI = distributions / contributions, RVPI = NAV / contributions.",
    "Layout after the ILPA Reporting Template (2016), capital account statement. Unaudited.",
)


# --- shared document helpers -------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


def display_amount(amount: Decimal, currency: str) -> str:
    """``1,250,000.00``; negative amounts in parentheses, zero as a dash. Never rounds: an
    amount finer than the currency's minor unit shows all its places."""
    if amount == 0:
        return "-"
    places = max(minor_units(currency), decimal_places(amount))
    text = f"{abs(amount):,.{places}f}"
    return f"({text})" if amount < 0 else text


def display_multiple(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def display_rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.2f}%"


def excel_amount_format(currency: str) -> str:
    """The spreadsheet format of amounts: thousands separators, the currency's decimal
    places, negatives in parentheses, zero as a dash."""
    places = minor_units(currency)
    digits = "#,##0" + ("." + "0" * places if places else "")
    return f'{digits};({digits});"-"'


EXCEL_MULTIPLE = '0.00"x"'
EXCEL_RATE = "0.00%"


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def slug(text: str) -> str:
    return "-".join(
        part for part in "".join(ch if ch.isalnum() else " " for ch in text).lower().split()
    )


def period_label(start: date, end: date) -> str:
    return f"{start.day} {start:%b %Y} - {end.day} {end:%b %Y}"


def quarter_of(period_end: date, field: str = "period_end") -> date:
    """The first day of the calendar quarter that ``period_end`` ends, or :class:`Invalid`
    when it is not a quarter's last day (statements are quarterly)."""
    start = date(period_end.year, 3 * ((period_end.month - 1) // 3) + 1, 1)
    next_start = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    if period_end != next_start - timedelta(days=1):
        raise Invalid(
            f"{period_end} is not the last day of a calendar quarter "
            "(31 March, 30 June, 30 September or 31 December).",
            field=field,
        )
    return start


class PdfStyles:
    """Paragraph styles shared with the capital call notices, and the table styles of reports."""

    def __init__(self) -> None:
        base = notice_styles()
        self.title = base["title"]
        self.heading = base["h"].clone("heading", keepWithNext=1)
        self.text = base["p"]
        self.small = base["p"].clone("small", fontSize=7.5, leading=9.5, textColor=colors.grey)


BORDER = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#eef2f6")
INK = colors.HexColor("#1f2933")


def amounts_table(
    header: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str], bool, bool]],
    widths: Sequence[float],
    *,
    text_columns: Sequence[int] = (),
) -> Table:
    """A table of labelled amounts: ``rows`` are (label, cells, is_total, indent). Columns
    after the label are right-aligned, except ``text_columns`` (their indexes)."""
    data: list[list[str]] = [list(header)]
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, BORDER),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    style += [("ALIGN", (c, 0), (c, -1), "LEFT") for c in text_columns]
    for index, (label, cells, is_total, indent) in enumerate(rows, start=1):
        data.append([("    " if indent else "") + label, *cells])
        if is_total:
            style += [
                ("FONT", (0, index), (-1, index), "Helvetica-Bold", 8.5),
                ("LINEABOVE", (0, index), (-1, index), 0.4, BORDER),
            ]
    style.append(("LINEBELOW", (0, -1), (-1, -1), 0.8, INK))
    table = Table(data, colWidths=list(widths), hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def build_pdf(
    story: list[Any], *, title: str, author: str, footer: str, landscape: bool = False
) -> bytes:
    """A PDF of ``story`` on A4 with a footer and page numbers on every page."""
    out = io.BytesIO()
    pagesize = (A4[1], A4[0]) if landscape else A4

    def decorate(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(pagesize[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        title=title,
        author=author,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        invariant=True,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


HEADER_FONT = Font(bold=True, color="1F2933")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")
TOTAL_BORDER = Border(top=Side(style="thin", color="9AA5B1"))


def sheet_header(sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        if column > 1:
            cell.alignment = Alignment(horizontal="right")


def sheet_values(
    sheet: Worksheet,
    row: int,
    label: str,
    values: Sequence[Decimal | float | int | str | None],
    number_format: str,
    *,
    is_total: bool = False,
    indent: bool = False,
) -> None:
    """One labelled row of numbers (numeric cells with ``number_format``)."""
    cell = sheet.cell(row=row, column=1, value=label)
    if indent:
        cell.alignment = Alignment(indent=1)
    if is_total:
        cell.font = HEADER_FONT
        cell.border = TOTAL_BORDER
    for column, value in enumerate(values, start=2):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.number_format = number_format
        if is_total:
            cell.font = HEADER_FONT
            cell.border = TOTAL_BORDER


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- rendering a statement ---------------------------------------------------------------


def statement_title(figures: StatementFigures) -> str:
    return f"Capital account statement - {figures.investor_name} - {figures.period_end}"


def statement_filename(figures: StatementFigures, fmt: DocumentFormat) -> str:
    return (
        f"{slug(figures.fund_name)}-capital-account-{figures.period_end}-"
        f"{slug(figures.investor_name)[:40]}-{figures.investor_id.hex[:8]}.{fmt.value}"
    )


def _commitment_rows(figures: StatementFigures) -> list[tuple[str, Decimal]]:
    return [
        ("Total commitment", figures.commitment),
        ("Contributions to date", figures.contributed_to_date),
        ("Recallable distributions to date", figures.recallable_to_date),
        ("Unfunded commitment", figures.unfunded),
    ]


def render_statement_pdf(figures: StatementFigures) -> bytes:
    """The statement as a one-page PDF (A4 portrait)."""
    s = PdfStyles()
    cur = figures.currency
    quarter = period_label(figures.period_start, figures.period_end)
    story: list[Any] = [
        Paragraph(escape(figures.fund_legal_name or figures.fund_name), s.title),
        Paragraph("Capital Account Statement", s.heading),
        Paragraph(f"For the quarter ended {long_date(figures.period_end)}", s.text),
        Spacer(1, 3 * mm),
        Paragraph(f"<b>Limited partner:</b> {escape(figures.investor_name)}", s.text),
        Paragraph(f"<b>Currency:</b> {cur}", s.text),
        Spacer(1, 4 * mm),
        amounts_table(
            [f"Capital account ({cur})", f"Quarter\n{quarter}", "Inception to date"],
            [
                (
                    item.label,
                    [
                        display_amount(item.value(figures.quarter), cur),
                        display_amount(item.value(figures.inception), cur),
                    ],
                    item.is_total,
                    item.indent,
                )
                for item in LINE_ITEMS
            ],
            [92 * mm, 40 * mm, 40 * mm],
        ),
        Spacer(1, 5 * mm),
        amounts_table(
            [f"Commitment summary ({cur})", f"At {long_date(figures.period_end)}"],
            [
                (label, [display_amount(v, cur)], False, False)
                for label, v in _commitment_rows(figures)
            ],
            [92 * mm, 40 * mm],
        ),
    ]
    if figures.performance is not None:
        p = figures.performance
        story += [
            Spacer(1, 5 * mm),
            amounts_table(
                ["Performance since inception", f"At {long_date(figures.period_end)}"],
                [
                    ("Net IRR", [display_rate(p.net_irr)], False, False),
                    ("TVPI", [display_multiple(p.tvpi)], False, False),
                    ("DPI", [display_multiple(p.dpi)], False, False),
                    ("RVPI", [display_multiple(p.rvpi)], False, False),
                ],
                [92 * mm, 40 * mm],
            ),
        ]
        if p.net_irr is None and p.net_irr_note:
            story.append(Paragraph(f"Net IRR: {escape(p.net_irr_note)}", s.small))
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(f"{n}. {escape(text)}", s.small) for n, text in enumerate(FOOTNOTES, 1)]
    return build_pdf(
        story,
        title=statement_title(figures),
        author=figures.fund_name,
        footer=f"{figures.fund_name} - {figures.investor_name} - quarter ended "
        f"{figures.period_end}",
    )


def render_statement_xlsx(figures: StatementFigures) -> bytes:
    """The statement as a workbook: one sheet, every amount a number cell with a format."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Capital account"
    amount_format = excel_amount_format(figures.currency)
    sheet["A1"] = figures.fund_legal_name or figures.fund_name
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = "Capital Account Statement"
    sheet["A3"] = "Limited partner"
    sheet["B3"] = figures.investor_name
    sheet["A4"] = "Quarter"
    sheet["B4"] = figures.period_start
    sheet["C4"] = figures.period_end
    sheet["B4"].number_format = sheet["C4"].number_format = "yyyy-mm-dd"
    sheet["A5"] = "Currency"
    sheet["B5"] = figures.currency
    row = 7
    sheet_header(sheet, row, ["Capital account", "Quarter", "Inception to date"])
    for item in LINE_ITEMS:
        row += 1
        sheet_values(
            sheet,
            row,
            item.label,
            [item.value(figures.quarter), item.value(figures.inception)],
            amount_format,
            is_total=item.is_total,
            indent=item.indent,
        )
    row += 2
    sheet_header(sheet, row, ["Commitment summary", "At period end"])
    for label, value in _commitment_rows(figures):
        row += 1
        sheet_values(sheet, row, label, [value], amount_format)
    if figures.performance is not None:
        p = figures.performance
        row += 2
        sheet_header(sheet, row, ["Performance since inception", "At period end"])
        for label, number, number_format in (
            ("Net IRR", p.net_irr, EXCEL_RATE),
            ("TVPI", p.tvpi, EXCEL_MULTIPLE),
            ("DPI", p.dpi, EXCEL_MULTIPLE),
            ("RVPI", p.rvpi, EXCEL_MULTIPLE),
        ):
            row += 1
            sheet_values(sheet, row, label, [number], number_format)
    row += 2
    for n, text in enumerate(FOOTNOTES, 1):
        sheet.cell(row=row, column=1, value=f"{n}. {text}").font = Font(size=8, color="7B8794")
        row += 1
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 20
    sheet.freeze_panes = "A8"
    return workbook_bytes(workbook)


RENDERERS: dict[DocumentFormat, Callable[[StatementFigures], bytes]] = {
    DocumentFormat.PDF: render_statement_pdf,
    DocumentFormat.XLSX: render_statement_xlsx,
}


def render_statement(figures: StatementFigures, fmt: DocumentFormat) -> Document:
    if not figures.quarter.reconciles or not figures.inception.reconciles:
        raise ValueError(
            f"The capital account of {figures.investor_name} does not add up to its ending NAV."
        )
    return Document(statement_filename(figures, fmt), CONTENT_TYPES[fmt], RENDERERS[fmt](figures))


# --- the figures, from the capital accounts ----------------------------------------------


def _recallable_to(
    db: Session, fund: Fund, investor_ids: Sequence[uuid.UUID], since: date | None, end: date
) -> dict[uuid.UUID, Decimal]:
    """Per LP, the recallable part of the distributions paid out to it from ``since`` to
    ``end`` (both inclusive): one query."""
    stmt = (
        select(DistributionAllocation.investor_id, DistributionAllocation.recallable_amount)
        .join(Distribution, Distribution.id == DistributionAllocation.distribution_id)
        .where(
            Distribution.fund_id == fund.id,
            Distribution.status.in_([DistributionStatus.ISSUED, DistributionStatus.PAID]),
            Distribution.distribution_date <= end,
            DistributionAllocation.investor_id.in_(investor_ids),
        )
    )
    if since is not None:
        stmt = stmt.where(Distribution.distribution_date >= since)
    recallable: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for investor_id, amount in db.execute(stmt):
        recallable[investor_id] += amount
    return recallable


def _committed_at(
    db: Session, fund: Fund, investor_ids: Sequence[uuid.UUID], end: date
) -> dict[uuid.UUID, Decimal]:
    """Per LP, its commitments admitted at closes held by ``end``: one query."""
    committed: dict[uuid.UUID, Decimal] = defaultdict(lambda: _ZERO)
    for investor_id, amount in db.execute(
        select(Commitment.investor_id, Commitment.amount)
        .join(Close, Close.id == Commitment.close_id)
        .where(
            Commitment.fund_id == fund.id,
            Commitment.investor_id.in_(investor_ids),
            Close.close_date <= end,
        )
    ):
        committed[investor_id] += amount
    return committed


def _column(lines: dict[str, Decimal], recallable: Decimal, quantum: Decimal) -> AccountColumn:
    """A statement column from a capital account's lines (CapitalAccountOut's names), the
    distributions split by the recallable amounts paid out in the same period."""
    distributions = lines["distributions"]
    recallable_part = min(recallable, -distributions) if distributions < 0 else _ZERO
    zero = quantum * 0
    return AccountColumn(
        beginning=lines["beginning_balance"],
        contributions=lines["contributions"],
        distributions_recallable=zero - recallable_part,
        distributions_non_recallable=distributions + recallable_part,
        management_fees_gross=lines["management_fees"],
        management_fee_offsets=lines["fee_offsets"],
        partnership_expenses=lines["expenses"],
        income=lines["income"] + lines["equalization_interest"],
        realized_gain=lines["realized_gains"],
        unrealized_gain=lines["unrealized_gains"],
        carried_interest=lines["carried_interest"],
        ending=lines["ending_balance"],
    )


def _performance(
    db: Session, actor: Actor, fund: Fund, as_of: date, investor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Performance]:
    """Each LP's net performance since inception at ``as_of`` (:mod:`fundhouse.funds.performance`,
    every partner's IRR solved together), for readers allowed to see performance."""
    if not actor.can("performance:read"):
        return {}
    wanted = set(investor_ids)
    page = performance.investor_performance(db, actor, fund.id, as_of, everything=True)
    return {
        row.investor_id: Performance(
            net_irr=row.irr, net_irr_note=row.irr_reason, tvpi=row.tvpi, dpi=row.dpi, rvpi=row.rvpi
        )
        for row in page.items
        if row.investor_id in wanted
    }


@dataclass(frozen=True)
class PartnerAccount:
    """One partner's capital account for a quarter and since inception, with its commitment."""

    investor_id: uuid.UUID
    investor_name: str
    quarter: AccountColumn
    inception: AccountColumn
    commitment: Decimal
    recallable_to_date: Decimal

    @property
    def unfunded(self) -> Decimal:
        """Commitment − contributions to date + recallable distributions to date (ILPA)."""
        return self.commitment - self.inception.contributions + self.recallable_to_date


def partner_accounts(
    db: Session,
    fund: Fund,
    period_start: date,
    period_end: date,
    investor_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, PartnerAccount]:
    """The listed partners' capital accounts for the quarter and since inception, in six
    grouped queries whatever their number: the partners' ledger balances the day before the
    quarter and at its end (:mod:`fundhouse.funds.capital_accounts`), their recallable
    distributions (in the quarter and to date), commitments and names."""
    ids = list(investor_ids)
    if not ids:
        return {}
    names = dict(db.execute(select(Investor.id, Investor.name).where(Investor.id.in_(ids))).all())
    opening = capital_accounts.partner_capital(
        db, fund, period_start - timedelta(days=1), parties=ids
    )
    closing = capital_accounts.partner_capital(db, fund, period_end, parties=ids)
    recallable_quarter = _recallable_to(db, fund, ids, period_start, period_end)
    recallable_total = _recallable_to(db, fund, ids, None, period_end)
    committed = _committed_at(db, fund, ids, period_end)
    quantum = quantum_of(fund.currency)
    zero = quantum * 0
    return {
        investor_id: PartnerAccount(
            investor_id=investor_id,
            investor_name=names[investor_id],
            quarter=_column(
                capital_accounts.statement_lines(fund, opening, closing, investor_id),
                recallable_quarter[investor_id],
                quantum,
            ),
            inception=_column(
                capital_accounts.statement_lines(fund, {}, closing, investor_id),
                recallable_total[investor_id],
                quantum,
            ),
            commitment=committed[investor_id] + zero,
            recallable_to_date=recallable_total[investor_id] + zero,
        )
        for investor_id in ids
    }


def statement_figures(
    db: Session,
    actor: Actor,
    fund: Fund,
    period_start: date,
    period_end: date,
    investor_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, StatementFigures]:
    """Every listed LP's statement figures for the quarter: their capital accounts
    (:func:`partner_accounts`) and their performance to date, in a fixed number of grouped
    queries whatever their number."""
    accounts = partner_accounts(db, fund, period_start, period_end, investor_ids)
    performances = _performance(db, actor, fund, period_end, list(accounts))
    return {
        investor_id: StatementFigures(
            fund_id=fund.id,
            fund_name=fund.name,
            fund_legal_name=fund.legal_name,
            currency=fund.currency,
            investor_id=investor_id,
            investor_name=a.investor_name,
            period_start=period_start,
            period_end=period_end,
            quarter=a.quarter,
            inception=a.inception,
            commitment=a.commitment,
            contributed_to_date=a.inception.contributions,
            recallable_to_date=a.recallable_to_date,
            unfunded=a.unfunded,
            performance=performances.get(investor_id),
        )
        for investor_id, a in accounts.items()
    }


def sum_columns(columns: Iterable[AccountColumn], zero: Decimal) -> AccountColumn:
    """Several partners' columns added line by line (a fund's capital activity)."""
    totals = dict.fromkeys((f.name for f in fields(AccountColumn)), zero)
    for column in columns:
        for name in totals:
            totals[name] += getattr(column, name)
    return AccountColumn(**totals)


# --- the API's shapes --------------------------------------------------------------------


def _statement_format(fmt: DocumentFormat) -> DocumentFormat:
    if fmt not in STATEMENT_FORMATS:
        raise ValueError("statements are made as pdf or xlsx")
    return fmt


class StatementCreate(BaseModel):
    """One LP's statement for one quarter, made at once."""

    model_config = ConfigDict(extra="forbid")

    investor_id: uuid.UUID
    period_end: IsoDate = Field(description="The last day of a calendar quarter")
    format: DocumentFormat = DocumentFormat.PDF

    @field_validator("format")
    @classmethod
    def _pdf_or_xlsx(cls, fmt: DocumentFormat) -> DocumentFormat:
        return _statement_format(fmt)


class StatementBatchCreate(BaseModel):
    """Every LP's statement for one quarter, made by a background job."""

    model_config = ConfigDict(extra="forbid")

    period_end: IsoDate = Field(description="The last day of a calendar quarter")
    formats: list[DocumentFormat] = Field(
        default_factory=lambda: list(STATEMENT_FORMATS), min_length=1, max_length=2
    )

    @field_validator("formats")
    @classmethod
    def _formats(cls, formats: list[DocumentFormat]) -> list[DocumentFormat]:
        return list(dict.fromkeys(_statement_format(f) for f in formats))


class BatchStarted(BaseModel):
    job_id: uuid.UUID
    status_url: str


class StatementFilters(BaseModel):
    investor_id: uuid.UUID | None = None
    period_end: IsoDate | None = None
    kind: StatementKind | None = None
    document_format: DocumentFormat | None = None
    released: bool | None = Field(
        default=None, description="true: only released statements; false: only drafts"
    )
    job_id: uuid.UUID | None = Field(default=None, description="The batch that made them")
    sort: str | None = Field(
        default=None, max_length=60, description="-period_end (default), created_at"
    )


class StatementOut(BaseModel):
    id: uuid.UUID
    fund_id: uuid.UUID
    investor_id: uuid.UUID | None
    investor_name: str | None
    kind: StatementKind
    period_start: date
    period_end: date
    format: DocumentFormat
    status: StatementStatus
    filename: str | None
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    generated_at: datetime | None
    job_id: uuid.UUID | None
    released_at: datetime | None = Field(
        description="When it was released to its LP; null while it is a draft"
    )
    released_by: uuid.UUID | None = Field(
        description="The user who released it (null in the LP portal, and for statements "
        "released before release was recorded by user)"
    )
    download_url: str
    created_at: datetime


API_PREFIX = "/api/v1"


def statement_out(statement: Statement, investor_name: str | None, *, portal: bool) -> StatementOut:
    base = "/portal/statements" if portal else "/statements"
    return StatementOut(
        id=statement.id,
        fund_id=statement.fund_id,
        investor_id=statement.investor_id,
        investor_name=investor_name,
        kind=statement.kind,
        period_start=statement.period_start,
        period_end=statement.period_end,
        format=statement.format,
        status=statement.status,
        filename=statement.filename,
        content_type=statement.content_type,
        size_bytes=statement.size_bytes,
        sha256=statement.sha256,
        generated_at=statement.generated_at,
        job_id=statement.job_id,
        released_at=statement.released_at,
        released_by=None if portal else statement.released_by,
        download_url=f"{API_PREFIX}{base}/{statement.id}/download",
        created_at=statement.created_at,
    )


def _statements_out(
    db: Session, statements: Sequence[Statement], *, portal: bool
) -> list[StatementOut]:
    """The statements with their investors' names (one query for any number)."""
    ids = {s.investor_id for s in statements if s.investor_id is not None}
    names: dict[uuid.UUID, str] = {}
    if ids:
        names = dict(
            db.execute(select(Investor.id, Investor.name).where(Investor.id.in_(ids))).all()
        )
    return [
        statement_out(s, names.get(s.investor_id) if s.investor_id else None, portal=portal)
        for s in statements
    ]


# --- storing files -----------------------------------------------------------------------


def store_document(statement: Statement, document: Document) -> None:
    """Keep ``document`` as the statement's file (:func:`storage.store_file`: in the row when
    it is small, otherwise under ``documents/<org>/<fund>/statements/``), with its checksum."""
    key = (
        f"{statement.org_id}/{statement.fund_id}/statements/{statement.id}.{statement.format.value}"
    )
    stored = storage.store_file(document.content, key, inline_limit=INLINE_LIMIT)
    statement.filename = document.filename
    statement.content_type = document.content_type
    statement.size_bytes = stored.size_bytes
    statement.sha256 = stored.sha256
    statement.status = StatementStatus.READY
    statement.error = None
    statement.generated_at = utcnow()
    statement.content = stored.content
    statement.storage_key = stored.storage_key


def read_document(statement: Statement) -> Document:
    """The statement's file, checked against the checksum recorded when it was made."""
    if statement.status != StatementStatus.READY:
        raise NotFound("This statement has no file yet.")
    content = storage.load_file(
        statement.content, statement.storage_key, statement.sha256, "statement"
    )
    return Document(
        statement.filename or f"statement-{statement.id}.{statement.format.value}",
        statement.content_type or CONTENT_TYPES.get(statement.format, "application/octet-stream"),
        content,
    )


def _existing_statements(
    db: Session, fund: Fund, period_end: date, formats: Iterable[DocumentFormat]
) -> dict[tuple[uuid.UUID | None, DocumentFormat], Statement]:
    rows = db.scalars(
        select(Statement)
        .options(defer(Statement.content))
        .where(
            Statement.fund_id == fund.id,
            Statement.kind == StatementKind.CAPITAL_ACCOUNT,
            Statement.period_end == period_end,
            Statement.format.in_(list(formats)),
        )
    )
    return {(s.investor_id, s.format): s for s in rows}


def _save_statement(
    db: Session,
    actor: Actor,
    figures: StatementFigures,
    fmt: DocumentFormat,
    existing: Statement | None,
    job_id: uuid.UUID | None,
) -> Statement:
    """Render and store one statement (a new row, or the same LP's, quarter's and format's
    row made again), and record its checksum in the audit trail."""
    document = render_statement(figures, fmt)
    statement = existing or Statement(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=figures.fund_id,
        investor_id=figures.investor_id,
        kind=StatementKind.CAPITAL_ACCOUNT,
        period_start=figures.period_start,
        period_end=figures.period_end,
        format=fmt,
    )
    statement.job_id = job_id
    statement.created_by = actor.user_id
    store_document(statement, document)
    if existing is None:
        db.add(statement)
    db.flush()
    audit.record(
        db,
        actor,
        "statement.generated",
        entity_type="statements",
        entity_id=statement.id,
        after={
            "fund_id": statement.fund_id,
            "investor_id": statement.investor_id,
            "kind": statement.kind,
            "period_end": statement.period_end,
            "format": statement.format,
            "sha256": statement.sha256,
            "size_bytes": statement.size_bytes,
            "ending_nav": figures.quarter.ending,
            "job_id": job_id,
            "replaced": existing is not None,
        },
    )
    return statement


# --- making statements -------------------------------------------------------------------


def fund_partner_ids(db: Session, fund: Fund, admitted_by: date) -> list[uuid.UUID]:
    """The investors with a commitment in the fund admitted at a close held by
    ``admitted_by``, in the order of their first commitment."""
    first = func.min(Commitment.sequence)
    rows = db.execute(
        select(Commitment.investor_id, first)
        .join(Close, Close.id == Commitment.close_id)
        .where(Commitment.fund_id == fund.id, Close.close_date <= admitted_by)
        .group_by(Commitment.investor_id)
        .order_by(first)
    )
    return [investor_id for investor_id, _ in rows]


def generate_statement(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: StatementCreate
) -> StatementOut:
    """Make (or make again, while unreleased) one LP's statement for one quarter, at once; it
    is a draft until released."""
    require(actor, "report:write")
    fund = get_fund_row(db, actor, fund_id)
    period_start = quarter_of(data.period_end)
    if data.investor_id not in fund_partner_ids(db, fund, data.period_end):
        raise Invalid(
            f"This investor had no commitment in this fund by {data.period_end}.",
            field="investor_id",
        )
    existing = _existing_statements(db, fund, data.period_end, [data.format]).get(
        (data.investor_id, data.format)
    )
    if existing is not None and existing.released_at is not None:
        raise Conflict(
            f"This statement was released to its LP on {existing.released_at:%Y-%m-%d}; a "
            "released statement is kept as sent and is not made again."
        )
    figures = statement_figures(db, actor, fund, period_start, data.period_end, [data.investor_id])
    statement = _save_statement(db, actor, figures[data.investor_id], data.format, existing, None)
    return _statements_out(db, [statement], portal=False)[0]


def start_statement_batch(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: StatementBatchCreate
) -> BatchStarted:
    """Queue the job that makes every LP's statement of the quarter (it starts once the
    request commits; its progress is at ``/jobs/{job_id}``)."""
    require(actor, "report:write")
    fund = get_fund_row(db, actor, fund_id)
    quarter_of(data.period_end)
    job = jobs.enqueue(
        db,
        BATCH_JOB,
        {
            "fund_id": str(fund.id),
            "period_end": data.period_end.isoformat(),
            "formats": [f.value for f in data.formats],
        },
        org_id=actor.org_id,
        created_by=actor.user_id,
    )
    return BatchStarted(job_id=job.id, status_url=f"{API_PREFIX}/jobs/{job.id}")


Progress = Callable[[int, int | None, str | None], None]


def run_statement_batch(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    period_end: date,
    formats: Sequence[DocumentFormat],
    *,
    job_id: uuid.UUID | None,
    progress: Progress,
    commit: Callable[[], None],
) -> dict[str, Any]:
    """Every LP's statement of one quarter in each of ``formats``.

    The capital accounts of all the fund's partners come from one grouped computation; then
    each LP's statements are rendered and stored, committing every :data:`COMMIT_EVERY` LPs
    (a statement made again replaces the earlier draft of the same LP, quarter and format; a
    released one is kept as sent). The statements made are drafts until released.
    """
    require(actor, "report:write")
    fund = get_fund_row(db, actor, fund_id)
    period_start = quarter_of(period_end)
    partners = fund_partner_ids(db, fund, period_end)
    total = len(partners)
    progress(0, total, "Computing the capital accounts")
    figures = statement_figures(db, actor, fund, period_start, period_end, partners)
    existing = _existing_statements(db, fund, period_end, formats)
    made = kept = 0
    for done, investor_id in enumerate(partners, start=1):
        for fmt in formats:
            earlier = existing.get((investor_id, fmt))
            if earlier is not None and earlier.released_at is not None:
                kept += 1  # released to its LP: kept as sent
                continue
            _save_statement(db, actor, figures[investor_id], fmt, earlier, job_id)
            made += 1
        if done % COMMIT_EVERY == 0 or done == total:
            commit()
            progress(done, total, f"Statements of {done} of {total} LPs made")
    return {
        "fund_id": str(fund.id),
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "formats": [f.value for f in formats],
        "investors": total,
        "statements": made,
        "kept_released": kept,
    }


# --- reading statements ------------------------------------------------------------------

STATEMENT_CSV_COLUMNS = (
    "id",
    "investor_id",
    "investor_name",
    "kind",
    "period_start",
    "period_end",
    "format",
    "status",
    "filename",
    "size_bytes",
    "sha256",
    "generated_at",
    "released_at",
    "released_by",
    "download_url",
)


def _statement_rows(
    db: Session,
    stmt: Select[Any],
    *,
    sort_column: InstrumentedAttribute[Any],
    descending: bool,
    limit: int,
    cursor: str | None,
    everything: bool = False,
) -> tuple[list[Statement], str | None]:
    """Statements by ``sort_column`` (``descending`` for the newest first), then by investor
    name (the fund's own documents, without one, first) and id, so the statements of one period
    always list in the same order: a page at a time, its cursor holding all three, or every
    row (the CSV export)."""
    name = func.coalesce(Investor.name, "")
    stmt = stmt.outerjoin(Investor, Investor.id == Statement.investor_id).add_columns(name)
    rows: list[Any]
    if cursor:
        values = decode_cursor(cursor)
        if len(values) != 3:
            raise Invalid("The cursor is not valid; start again without it.", field="cursor")
        last_sort, last_name, last_id = values
        beyond = sort_column < last_sort if descending else sort_column > last_sort
        stmt = stmt.where(
            or_(
                beyond,
                and_(
                    sort_column == last_sort,
                    or_(name > last_name, and_(name == last_name, Statement.id > last_id)),
                ),
            )
        )
    first = sort_column.desc() if descending else sort_column.asc()
    stmt = stmt.order_by(first, name, Statement.id)
    if everything:
        rows = list(db.execute(stmt))
        return [statement for statement, _ in rows], None
    if limit < 1 or limit > MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    rows = list(db.execute(stmt.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last, last_name = rows[-1]
        next_cursor = encode_cursor([getattr(last, sort_column.key), last_name, last.id])
    return [statement for statement, _ in rows], next_cursor


def list_statements(
    db: Session,
    actor: Actor,
    fund_id: uuid.UUID,
    filters: StatementFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    everything: bool = False,
) -> Page[StatementOut]:
    """The fund's statements, filtered by investor, quarter, kind and format; newest quarter
    first, then by investor name. Two queries for any page size, the files themselves left
    unread."""
    require(actor, "report:read")
    fund = get_fund_row(db, actor, fund_id)
    column, descending = parse_sort(
        filters.sort,
        {"period_end": Statement.period_end, "created_at": Statement.created_at},
        "-period_end",
    )
    stmt = (
        select(Statement)
        .options(defer(Statement.content))
        .where(Statement.fund_id == fund.id, Statement.org_id == actor.org_id)
    )
    if filters.investor_id is not None:
        stmt = stmt.where(Statement.investor_id == filters.investor_id)
    if filters.period_end is not None:
        stmt = stmt.where(Statement.period_end == filters.period_end)
    if filters.kind is not None:
        stmt = stmt.where(Statement.kind == filters.kind)
    if filters.document_format is not None:
        stmt = stmt.where(Statement.format == filters.document_format)
    if filters.released is not None:
        stmt = stmt.where(
            Statement.released_at.is_not(None)
            if filters.released
            else Statement.released_at.is_(None)
        )
    if filters.job_id is not None:
        stmt = stmt.where(Statement.job_id == filters.job_id)
    rows, next_cursor = _statement_rows(
        db,
        stmt,
        sort_column=column,
        descending=descending,
        limit=limit,
        cursor=cursor,
        everything=everything,
    )
    return Page[StatementOut](
        items=_statements_out(db, rows, portal=False), next_cursor=next_cursor
    )


def export_statements_csv(
    db: Session, actor: Actor, fund_id: uuid.UUID, filters: StatementFilters
) -> str:
    page = list_statements(db, actor, fund_id, filters, everything=True)
    return csv_of(STATEMENT_CSV_COLUMNS, page.items)


def download_statement(db: Session, actor: Actor, statement_id: uuid.UUID) -> Document:
    """A statement's file, for the fund's staff."""
    require(actor, "report:read")
    statement = db.scalar(
        select(Statement).where(Statement.id == statement_id, Statement.org_id == actor.org_id)
    )
    if statement is None:
        raise NotFound("No such statement.")
    return read_document(statement)


def _portal_statements(actor: Actor, mine: Sequence[uuid.UUID]) -> Any:
    return select(Statement).where(
        Statement.org_id == actor.org_id,
        Statement.investor_id.in_(mine),
        Statement.kind == StatementKind.CAPITAL_ACCOUNT,
        Statement.status == StatementStatus.READY,
        Statement.released_at.is_not(None),
    )


def my_statements(
    db: Session, actor: Actor, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> Page[StatementOut]:
    """The LP user's own investors' released statements, newest quarter first, then by
    investor name (drafts are the fund's business until released)."""
    require(actor, "lp_portal:read")
    mine = portal_investor_ids(db, actor)
    rows, next_cursor = _statement_rows(
        db,
        _portal_statements(actor, mine).options(defer(Statement.content)),
        sort_column=Statement.period_end,
        descending=True,
        limit=limit,
        cursor=cursor,
    )
    return Page[StatementOut](items=_statements_out(db, rows, portal=True), next_cursor=next_cursor)


def my_statement_download(db: Session, actor: Actor, statement_id: uuid.UUID) -> Document:
    """One of the LP user's own released statements; any other statement, or one not yet
    released, is not found."""
    require(actor, "lp_portal:read")
    mine = portal_investor_ids(db, actor)
    statement = db.scalar(_portal_statements(actor, mine).where(Statement.id == statement_id))
    if statement is None:
        raise NotFound("No such statement.")
    return read_document(statement)


# --- releasing statements to their LPs ---------------------------------------------------


class StatementRelease(BaseModel):
    """Which statements of a quarter to release: all of them, those of one batch, or those of
    selected LPs (both filters may be combined)."""

    model_config = ConfigDict(extra="forbid")

    period_end: IsoDate = Field(description="The last day of a calendar quarter")
    job_id: uuid.UUID | None = Field(
        default=None, description="Only the statements this batch made"
    )
    investor_ids: list[uuid.UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=10_000,
        description="Only these LPs' statements (each must have one)",
    )


class StatementsReleased(BaseModel):
    released: list[StatementOut]
    already_released: int = Field(
        description="Selected statements that were released before, left as they are"
    )


def _record_release(db: Session, actor: Actor, statement: Statement) -> None:
    audit.record(
        db,
        actor,
        "statement.released",
        entity_type="statements",
        entity_id=statement.id,
        after={
            "fund_id": statement.fund_id,
            "investor_id": statement.investor_id,
            "period_end": statement.period_end,
            "format": statement.format,
            "sha256": statement.sha256,
            "job_id": statement.job_id,
            "released_at": statement.released_at,
        },
    )


def _emit_released(db: Session, actor: Actor, released: Sequence[Statement]) -> None:
    first = released[0]
    events.emit(
        db,
        "statements.released",
        {
            "fund_id": first.fund_id,
            "period_end": first.period_end,
            "statement_ids": [s.id for s in released],
            "investor_ids": sorted({str(s.investor_id) for s in released if s.investor_id}),
        },
        org_id=actor.org_id,
    )


def release_statements(
    db: Session, actor: Actor, fund_id: uuid.UUID, data: StatementRelease
) -> StatementsReleased:
    """Release the selected statements of a quarter to their LPs, each audited with its
    file's checksum. Refused (409) while the batch named is still running, or when every
    selected statement was released already."""
    require(actor, "report:write")
    fund = get_fund_row(db, actor, fund_id)
    quarter_of(data.period_end)
    if data.job_id is not None:
        job = db.get(Job, data.job_id)
        if job is None or job.org_id != actor.org_id or job.kind != BATCH_JOB:
            raise Invalid("No such statement batch.", field="job_id")
        if job.status in (JobStatus.QUEUED.value, JobStatus.RUNNING.value):
            raise Conflict("This batch is still making statements; release it once it is done.")
    stmt = (
        select(Statement)
        .options(defer(Statement.content))
        .where(
            Statement.org_id == actor.org_id,
            Statement.fund_id == fund.id,
            Statement.kind == StatementKind.CAPITAL_ACCOUNT,
            Statement.period_end == data.period_end,
            Statement.status == StatementStatus.READY,
        )
        .order_by(Statement.created_at, Statement.id)
        .with_for_update(of=Statement)
    )
    if data.job_id is not None:
        stmt = stmt.where(Statement.job_id == data.job_id)
    if data.investor_ids is not None:
        stmt = stmt.where(Statement.investor_id.in_(data.investor_ids))
    selected = list(db.scalars(stmt))
    if data.investor_ids is not None:
        missing = set(data.investor_ids) - {s.investor_id for s in selected}
        if missing:
            raise Invalid(
                f"{len(missing)} of the selected investors have no statement of this quarter"
                + (" in this batch" if data.job_id else "")
                + " to release.",
                field="investor_ids",
            )
    if not selected:
        raise Invalid("There is no statement of this quarter to release.", field="period_end")
    pending = [s for s in selected if s.released_at is None]
    if not pending:
        raise Conflict("Every selected statement was released already.")
    now = utcnow()
    for statement in pending:
        statement.released_at = now
        statement.released_by = actor.user_id
    db.flush()
    for statement in pending:
        _record_release(db, actor, statement)
    _emit_released(db, actor, pending)
    return StatementsReleased(
        released=_statements_out(db, pending, portal=False),
        already_released=len(selected) - len(pending),
    )


def release_statement(db: Session, actor: Actor, statement_id: uuid.UUID) -> StatementOut:
    """Release one statement to its LP (audited); refused (409) when it was released already
    or has no file."""
    require(actor, "report:write")
    statement = db.scalar(
        select(Statement)
        .options(defer(Statement.content))
        .where(Statement.id == statement_id, Statement.org_id == actor.org_id)
        .with_for_update(of=Statement)
    )
    if statement is None:
        raise NotFound("No such statement.")
    if statement.status != StatementStatus.READY:
        raise Conflict(f"This statement is {statement.status.value}; it has no file to release.")
    if statement.released_at is not None:
        raise Conflict(f"This statement was released already, on {statement.released_at:%Y-%m-%d}.")
    statement.released_at = utcnow()
    statement.released_by = actor.user_id
    db.flush()
    _record_release(db, actor, statement)
    _emit_released(db, actor, [statement])
    return _statements_out(db, [statement], portal=False)[0]
