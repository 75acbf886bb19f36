"""The fund's quarterly report to its partners, as PDF and XLSX.

Four parts, after the ILPA Reporting Template (2016) and the usual quarterly letter's exhibits:

1. fund summary at the quarter end: commitments, paid-in capital, distributions, NAV and
   unfunded commitments; PIC, DPI, RVPI, TVPI and net IRR (the LPs' figures, as
   :func:`fundhouse.funds.performance.fund_performance` computes them); the gross figures of
   the portfolio (invested, realized and unrealized value, MOIC, gross IRR);
2. capital activity: the partners' capital accounts added together for the quarter and since
   inception (the same lines as an LP's statement), and the calls and distributions of the
   quarter;
3. the schedule of investments: each portfolio company's invested amount, cost still held,
   fair value, proceeds and MOIC at the quarter end (:func:`fundhouse.funds.valuations.
   company_positions`);
4. the partner roster: each partner's commitment, contributions, distributions, NAV and
   unfunded commitment.

Every amount comes from the capital accounts, the performance module or the portfolio
positions, all derived from the ledger and the fund's records; the report computes no money of
its own beyond adding partners' lines together. It is made on request and not stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundhouse.finance import metrics
from fundhouse.funds.accounts import performance
from fundhouse.funds.accounts.schemas import FundPerformanceOut
from fundhouse.funds.investments import service as valuations
from fundhouse.funds.models import (
    CALLED_STATUSES,
    CapitalCall,
    Distribution,
    DistributionStatus,
    DocumentFormat,
    Fund,
    PortfolioCompany,
)
from fundhouse.funds.register.service import get_fund_row, quantum_of
from fundhouse.funds.reporting import statements
from fundhouse.funds.reporting.statements import (
    CONTENT_TYPES,
    EXCEL_MULTIPLE,
    EXCEL_RATE,
    LINE_ITEMS,
    TITLE_FONT,
    AccountColumn,
    Document,
    PartnerAccount,
    PdfStyles,
    amounts_table,
    build_pdf,
    display_amount,
    display_multiple,
    display_rate,
    excel_amount_format,
    long_date,
    period_label,
    quarter_of,
    sheet_header,
    sheet_values,
    slug,
    sum_columns,
    workbook_bytes,
)
from fundhouse.platform.access import Actor, require
from fundhouse.platform.errors import Invalid

REPORT_FORMATS = (DocumentFormat.PDF, DocumentFormat.XLSX)


@dataclass(frozen=True)
class CompanyLine:
    name: str
    sector: str | None
    status: str
    invested: Decimal
    cost: Decimal
    fair_value: Decimal
    proceeds: Decimal
    moic: float | None
    last_valuation: date | None


@dataclass(frozen=True)
class FlowLine:
    """A capital call or a distribution of the quarter."""

    kind: str
    number: int
    flow_date: date
    purpose: str
    amount: Decimal


@dataclass(frozen=True)
class QuarterlyReport:
    fund_name: str
    fund_legal_name: str | None
    currency: str
    vintage: int | None
    period_start: date
    period_end: date
    performance: FundPerformanceOut
    quarter: AccountColumn
    inception: AccountColumn
    flows: list[FlowLine]
    companies: list[CompanyLine]
    roster: list[PartnerAccount]

    @property
    def commitments(self) -> Decimal:
        return sum((p.commitment for p in self.roster), self.quarter.ending * 0)

    @property
    def unfunded(self) -> Decimal:
        return sum((p.unfunded for p in self.roster), self.quarter.ending * 0)


# --- gathering the figures ---------------------------------------------------------------


def _companies(db: Session, fund: Fund, period_end: date) -> list[CompanyLine]:
    """The schedule of investments at ``period_end`` (three queries)."""
    companies = list(
        db.scalars(
            select(PortfolioCompany)
            .where(PortfolioCompany.fund_id == fund.id)
            .order_by(PortfolioCompany.name)
        )
    )
    positions = valuations.company_positions(db, fund, [c.id for c in companies], until=period_end)
    lines = []
    for company in companies:
        p = positions[company.id]
        if p.invested == 0 and p.proceeds == 0:
            continue
        lines.append(
            CompanyLine(
                name=company.name,
                sector=company.sector,
                status=company.status.value.replace("_", " "),
                invested=p.invested,
                cost=p.cost,
                fair_value=p.fair_value,
                proceeds=p.proceeds,
                moic=metrics.moic(p.proceeds, p.fair_value, p.invested),
                last_valuation=p.last_valuation,
            )
        )
    return lines


def _flows(db: Session, fund: Fund, start: date, end: date) -> list[FlowLine]:
    """The calls issued and the distributions declared in the quarter (two queries)."""
    calls = db.execute(
        select(CapitalCall.number, CapitalCall.call_date, CapitalCall.purpose, CapitalCall.amount)
        .where(
            CapitalCall.fund_id == fund.id,
            CapitalCall.status.in_(CALLED_STATUSES),
            CapitalCall.call_date.between(start, end),
        )
        .order_by(CapitalCall.call_date, CapitalCall.number)
    )
    paid_out = db.execute(
        select(
            Distribution.number,
            Distribution.distribution_date,
            Distribution.source,
            Distribution.gross_amount,
        )
        .where(
            Distribution.fund_id == fund.id,
            Distribution.status.in_([DistributionStatus.ISSUED, DistributionStatus.PAID]),
            Distribution.distribution_date.between(start, end),
        )
        .order_by(Distribution.distribution_date, Distribution.number)
    )
    lines = [FlowLine("Capital call", n, d, p.value.replace("_", " "), a) for n, d, p, a in calls]
    lines += [FlowLine("Distribution", n, d, s.value, a) for n, d, s, a in paid_out]
    return sorted(lines, key=lambda f: (f.flow_date, f.kind, f.number))


def quarterly_report_data(
    db: Session, actor: Actor, fund: Fund, period_end: date
) -> QuarterlyReport:
    period_start = quarter_of(period_end)
    partners = statements.fund_partner_ids(db, fund, period_end)
    accounts = statements.partner_accounts(db, fund, period_start, period_end, partners)
    zero = quantum_of(fund.currency) * 0
    roster = [accounts[i] for i in partners]
    return QuarterlyReport(
        fund_name=fund.name,
        fund_legal_name=fund.legal_name,
        currency=fund.currency,
        vintage=fund.vintage,
        period_start=period_start,
        period_end=period_end,
        performance=performance.fund_performance(db, actor, fund.id, period_end),
        quarter=sum_columns((a.quarter for a in roster), zero),
        inception=sum_columns((a.inception for a in roster), zero),
        flows=_flows(db, fund, period_start, period_end),
        companies=_companies(db, fund, period_end),
        roster=roster,
    )


# --- rendering ---------------------------------------------------------------------------


def _summary_rows(r: QuarterlyReport) -> list[tuple[str, Decimal | float | None, str]]:
    """(label, value, kind) with kind ``amount``, ``multiple``, ``rate`` or ``section`` (a
    heading row without a value)."""
    p = r.performance
    return [
        ("Capital", None, "section"),
        ("Total commitments", r.commitments, "amount"),
        ("Unfunded commitments", r.unfunded, "amount"),
        ("LP commitments", p.committed, "amount"),
        ("LP paid-in capital", p.paid_in, "amount"),
        ("LP distributions", p.distributed, "amount"),
        ("LP net asset value", p.nav, "amount"),
        ("Fund net asset value", p.fund_nav, "amount"),
        ("Net performance (LPs)", None, "section"),
        ("PIC", p.pic, "multiple"),
        ("DPI", p.dpi, "multiple"),
        ("RVPI", p.rvpi, "multiple"),
        ("TVPI", p.tvpi, "multiple"),
        ("Net IRR", p.net_irr, "rate"),
        ("Gross performance (portfolio)", None, "section"),
        ("Invested in portfolio companies", p.invested, "amount"),
        ("Realized value", p.realized_value, "amount"),
        ("Unrealized value", p.unrealized_value, "amount"),
        ("Gross MOIC", p.moic, "multiple"),
        ("Gross IRR", p.gross_irr, "rate"),
    ]


def _display(value: Decimal | float | None, kind: str, currency: str) -> str:
    if kind == "section":
        return ""
    if kind == "amount":
        return display_amount(Decimal(value or 0), currency) if value is not None else "n/a"
    if kind == "rate":
        return display_rate(float(value) if value is not None else None)
    return display_multiple(float(value) if value is not None else None)


FOOTNOTES = (
    "LP figures leave out the GP's own commitment and its carried interest; fund figures are "
    "all partners'. Negative amounts are shown in parentheses.",
    "TVPI = (distributions + NAV) / paid-in capital; DPI = distributions / paid-in; "
    "RVPI = NAV / paid-in; PIC = paid-in / commitments. Net IRR is the XIRR (actual/365) of "
    "the LPs' contributions, distributions and NAV; gross IRR and MOIC are the portfolio's "
    "own flows and fair value, before fees, expenses and carried interest.",
    "Capital activity adds up the partners' capital accounts, which derive from the fund's "
    "general ledger. Unaudited.",
)


def render_report_pdf(r: QuarterlyReport) -> bytes:
    """The report on A4 landscape pages."""
    s = PdfStyles()
    cur = r.currency
    title = r.fund_legal_name or r.fund_name
    at = f"At {long_date(r.period_end)}"
    story: list[Any] = [
        Paragraph(escape(title), s.title),
        Paragraph("Quarterly Report", s.heading),
        Paragraph(
            f"For the quarter ended {long_date(r.period_end)}"
            + (f" - vintage {r.vintage}" if r.vintage else "")
            + f" - amounts in {cur}",
            s.text,
        ),
        Spacer(1, 4 * mm),
        Paragraph("Fund summary", s.heading),
        amounts_table(
            ["", at],
            [
                (label, [_display(v, kind, cur)], kind == "section", kind != "section")
                for label, v, kind in _summary_rows(r)
            ],
            [90 * mm, 45 * mm],
        ),
        Spacer(1, 2 * mm),
    ]
    if r.performance.net_irr is None and r.performance.net_irr_reason:
        story.append(Paragraph(f"Net IRR: {escape(r.performance.net_irr_reason)}", s.small))
    story += [
        Spacer(1, 4 * mm),
        Paragraph("Capital activity", s.heading),
        amounts_table(
            [
                f"Partners' capital ({cur})",
                f"Quarter\n{period_label(r.period_start, r.period_end)}",
                "Inception to date",
            ],
            [
                (
                    item.label,
                    [
                        display_amount(item.value(r.quarter), cur),
                        display_amount(item.value(r.inception), cur),
                    ],
                    item.is_total,
                    item.indent,
                )
                for item in LINE_ITEMS
            ],
            [100 * mm, 45 * mm, 45 * mm],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Calls and distributions of the quarter", s.heading),
    ]
    if r.flows:
        story.append(
            amounts_table(
                ["", "No.", "Date", "Purpose or source", f"Amount ({cur})"],
                [
                    (
                        f.kind,
                        [
                            str(f.number),
                            f.flow_date.isoformat(),
                            f.purpose,
                            display_amount(f.amount, cur),
                        ],
                        False,
                        False,
                    )
                    for f in r.flows
                ],
                [45 * mm, 15 * mm, 30 * mm, 50 * mm, 45 * mm],
                text_columns=(3,),
            )
        )
    else:
        story.append(Paragraph("None.", s.text))
    story += [Spacer(1, 4 * mm), Paragraph("Schedule of investments", s.heading)]
    if r.companies:
        zero = r.quarter.ending * 0
        invested = sum((c.invested for c in r.companies), zero)
        fair_value = sum((c.fair_value for c in r.companies), zero)
        proceeds = sum((c.proceeds for c in r.companies), zero)
        cost = sum((c.cost for c in r.companies), zero)
        rows = [
            (
                c.name,
                [
                    c.sector or "",
                    c.status,
                    display_amount(c.invested, cur),
                    display_amount(c.cost, cur),
                    display_amount(c.fair_value, cur),
                    display_amount(c.proceeds, cur),
                    display_multiple(c.moic),
                    c.last_valuation.isoformat() if c.last_valuation else "",
                ],
                False,
                False,
            )
            for c in r.companies
        ]
        rows.append(
            (
                "Total",
                [
                    "",
                    "",
                    display_amount(invested, cur),
                    display_amount(cost, cur),
                    display_amount(fair_value, cur),
                    display_amount(proceeds, cur),
                    display_multiple(r.performance.moic),
                    "",
                ],
                True,
                False,
            )
        )
        story.append(
            amounts_table(
                [
                    "Company",
                    "Sector",
                    "Status",
                    "Invested",
                    "Cost held",
                    "Fair value",
                    "Proceeds",
                    "MOIC",
                    "Valued",
                ],
                rows,
                [58 * mm, 30 * mm, 20 * mm, 30 * mm, 30 * mm, 30 * mm, 28 * mm, 15 * mm, 20 * mm],
                text_columns=(1, 2),
            )
        )
    else:
        story.append(Paragraph("The fund holds no investments yet.", s.text))
    story += [Spacer(1, 4 * mm), Paragraph("Partners", s.heading)]
    story.append(
        amounts_table(
            ["Partner", "Commitment", "Contributed", "Distributed", "NAV", "Unfunded"],
            [
                (
                    p.investor_name,
                    [
                        display_amount(p.commitment, cur),
                        display_amount(p.inception.contributions, cur),
                        display_amount(-p.inception.distributions, cur),
                        display_amount(p.inception.ending, cur),
                        display_amount(p.unfunded, cur),
                    ],
                    False,
                    False,
                )
                for p in r.roster
            ]
            + [
                (
                    "Total",
                    [
                        display_amount(r.commitments, cur),
                        display_amount(r.inception.contributions, cur),
                        display_amount(-r.inception.distributions, cur),
                        display_amount(r.inception.ending, cur),
                        display_amount(r.unfunded, cur),
                    ],
                    True,
                    False,
                )
            ],
            [85 * mm, 38 * mm, 38 * mm, 38 * mm, 38 * mm, 38 * mm],
        )
    )
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(f"{n}. {escape(t)}", s.small) for n, t in enumerate(FOOTNOTES, 1)]
    return build_pdf(
        story,
        title=f"Quarterly report - {r.fund_name} - {r.period_end}",
        author=r.fund_name,
        footer=f"{r.fund_name} - quarterly report - quarter ended {r.period_end}",
        landscape=True,
    )


def _title(sheet: Worksheet, r: QuarterlyReport, subtitle: str) -> None:
    sheet["A1"] = r.fund_legal_name or r.fund_name
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = subtitle
    sheet["A3"] = "Quarter ended"
    sheet["B3"] = r.period_end
    sheet["B3"].number_format = "yyyy-mm-dd"
    sheet["A4"] = "Currency"
    sheet["B4"] = r.currency


def _widths(sheet: Worksheet, widths: list[float]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def render_report_xlsx(r: QuarterlyReport) -> bytes:
    """The report as a workbook of four sheets; every amount and ratio a number cell."""
    amount = excel_amount_format(r.currency)
    formats = {"amount": amount, "multiple": EXCEL_MULTIPLE, "rate": EXCEL_RATE}
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    _title(summary, r, "Quarterly Report - fund summary")
    sheet_header(summary, 6, ["Fund summary", "At quarter end"])
    for row, (label, value, kind) in enumerate(_summary_rows(r), start=7):
        if kind == "section":
            summary.cell(row=row, column=1, value=label).font = Font(bold=True)
        else:
            sheet_values(summary, row, label, [value], formats[kind], indent=True)
    row = 7 + len(_summary_rows(r)) + 1
    for n, text in enumerate(FOOTNOTES, 1):
        summary.cell(row=row, column=1, value=f"{n}. {text}").font = Font(size=8, color="7B8794")
        row += 1
    _widths(summary, [40, 20])

    activity = workbook.create_sheet("Capital activity")
    _title(activity, r, "Capital activity")
    sheet_header(activity, 6, ["Partners' capital", "Quarter", "Inception to date"])
    for row, item in enumerate(LINE_ITEMS, start=7):
        sheet_values(
            activity,
            row,
            item.label,
            [item.value(r.quarter), item.value(r.inception)],
            amount,
            is_total=item.is_total,
            indent=item.indent,
        )
    row = 7 + len(LINE_ITEMS) + 1
    sheet_header(activity, row, ["Calls and distributions", "No.", "Date", "Purpose", "Amount"])
    for flow in r.flows:
        row += 1
        activity.cell(row=row, column=1, value=flow.kind)
        activity.cell(row=row, column=2, value=flow.number)
        activity.cell(row=row, column=3, value=flow.flow_date).number_format = "yyyy-mm-dd"
        activity.cell(row=row, column=4, value=flow.purpose)
        activity.cell(row=row, column=5, value=flow.amount).number_format = amount
    _widths(activity, [40, 20, 20, 20, 20])

    portfolio = workbook.create_sheet("Portfolio")
    _title(portfolio, r, "Schedule of investments")
    sheet_header(
        portfolio,
        6,
        [
            "Company",
            "Sector",
            "Status",
            "Invested",
            "Cost held",
            "Fair value",
            "Proceeds",
            "MOIC",
            "Last valuation",
        ],
    )
    for row, c in enumerate(r.companies, start=7):
        portfolio.cell(row=row, column=1, value=c.name)
        portfolio.cell(row=row, column=2, value=c.sector)
        portfolio.cell(row=row, column=3, value=c.status)
        for column, value in enumerate((c.invested, c.cost, c.fair_value, c.proceeds), start=4):
            portfolio.cell(row=row, column=column, value=value).number_format = amount
        portfolio.cell(row=row, column=8, value=c.moic).number_format = EXCEL_MULTIPLE
        valued = portfolio.cell(row=row, column=9, value=c.last_valuation)
        valued.number_format = "yyyy-mm-dd"
    portfolio.freeze_panes = "B7"
    _widths(portfolio, [32, 18, 12, 18, 18, 18, 18, 10, 14])

    roster = workbook.create_sheet("Partners")
    _title(roster, r, "Partners")
    sheet_header(
        roster, 6, ["Partner", "Commitment", "Contributed", "Distributed", "NAV", "Unfunded"]
    )
    row = 6
    for p in r.roster:
        row += 1
        sheet_values(
            roster,
            row,
            p.investor_name,
            [
                p.commitment,
                p.inception.contributions,
                -p.inception.distributions,
                p.inception.ending,
                p.unfunded,
            ],
            amount,
        )
    sheet_values(
        roster,
        row + 1,
        "Total",
        [
            r.commitments,
            r.inception.contributions,
            -r.inception.distributions,
            r.inception.ending,
            r.unfunded,
        ],
        amount,
        is_total=True,
    )
    roster.freeze_panes = "B7"
    _widths(roster, [40, 18, 18, 18, 18, 18])
    return workbook_bytes(workbook)


def quarterly_report(
    db: Session, actor: Actor, fund_id: uuid.UUID, period_end: date, fmt: DocumentFormat
) -> Document:
    """The fund's quarterly report for the quarter ending ``period_end`` (see the module)."""
    require(actor, "report:read", "performance:read")
    if fmt not in REPORT_FORMATS:
        raise Invalid("The report is made as pdf or xlsx.", field="format")
    fund = get_fund_row(db, actor, fund_id)
    report = quarterly_report_data(db, actor, fund, period_end)
    render = render_report_pdf if fmt == DocumentFormat.PDF else render_report_xlsx
    return Document(
        f"{slug(fund.name)}-quarterly-report-{period_end}.{fmt.value}",
        CONTENT_TYPES[fmt],
        render(report),
    )
