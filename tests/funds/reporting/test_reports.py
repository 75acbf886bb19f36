"""The fund's quarterly report: its figures are the performance module's, the capital accounts'
and the portfolio's, as PDF and as a workbook of numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fundhouse.funds.accounts import performance
from fundhouse.funds.models import DocumentFormat, Fund
from fundhouse.funds.reporting import reports
from tests.factories import login
from tests.funds.helpers import API, D, problem_fields
from tests.funds.reporting_helpers import (
    Q2_END,
    actor_of,
    build_history,
    pdf_text,
    xlsx_rows,
    xlsx_value,
)


@pytest.fixture
def history(desk, db):
    return build_history(desk, db)


def quarterly(desk, history, fmt="pdf", period_end="2024-06-30", headers=None):
    return desk.get(
        f"/funds/{history.fund_id}/reports/quarterly",
        params={"period_end": period_end, "format": fmt},
        headers=headers,
    )


def test_the_report_data_adds_the_partners_up_and_uses_the_performance_figures(desk, db, history):
    actor = actor_of(desk, desk.maker)
    fund = db.get(Fund, history.fund_id)
    r = reports.quarterly_report_data(db, actor, fund, Q2_END)
    assert [p.investor_name for p in r.roster] == ["LP 1", "LP 2", "LP 3"]
    assert r.commitments == D("10000000.00")
    assert r.quarter.contributions == D("1000000.00")  # the April call only
    assert r.inception.contributions == D("3000000.00")  # the July call is after the quarter
    assert r.quarter.distributions == D("-100000.00")
    assert r.quarter.distributions_recallable == D("-40000.00")
    assert r.quarter.management_fee_offsets == D("5000.00")
    assert r.quarter.partnership_expenses == D("-24000.00")
    assert r.unfunded == D("10000000.00") - D("3000000.00") + D("40000.00")
    assert r.quarter.reconciles and r.inception.reconciles
    expected = performance.fund_performance(db, actor, fund.id, Q2_END)
    assert r.performance == expected
    assert r.inception.ending == expected.fund_nav
    assert [(f.kind, f.number, str(f.flow_date), f.amount) for f in r.flows] == [
        ("Capital call", 2, "2024-04-15", D("1000000.00")),
        ("Distribution", 1, "2024-06-20", D("100000.00")),
    ]
    (acme,) = r.companies
    assert (acme.name, acme.invested, acme.cost, acme.fair_value, acme.proceeds) == (
        "Acme Robotics",
        D("1500000.00"),
        D("1500000.00"),
        D("1800000.00"),
        D("30000.00"),
    )
    assert acme.moic == pytest.approx((1800000 + 30000) / 1500000)


def test_the_pdf_report_shows_each_part(desk, db, history):
    response = quarterly(desk, history)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in [
        "Northwind Ventures III, L.P.",
        "Quarterly Report",
        "Fund summary",
        "TVPI",
        "Net IRR",
        "Capital activity",
        "Capital call",
        "1,000,000.00",
        "Schedule of investments",
        "Acme Robotics",
        "1,800,000.00",
        "1.22x",
        "Partners",
        "LP 3",
        "10,000,000.00",
    ]:
        assert expected in text, (expected, text)


def test_the_xlsx_report_holds_numbers_on_four_sheets(desk, db, history):
    response = quarterly(desk, history, fmt="xlsx")
    assert response.status_code == 200
    content = response.content
    assert load_workbook(io.BytesIO(content)).sheetnames == [
        "Summary",
        "Capital activity",
        "Portfolio",
        "Partners",
    ]
    assert xlsx_value(content, "Total commitments") == 10000000
    tvpi = xlsx_value(content, "TVPI")
    assert isinstance(tvpi, float)
    assert xlsx_value(content, "Contributions", sheet=1) == 1000000
    assert xlsx_value(content, "Contributions", 2, sheet=1) == 3000000
    acme = next(row for row in xlsx_rows(content, sheet=2) if row[0] == "Acme Robotics")
    assert acme[3:7] == (1500000, 1500000, 1800000, 30000)
    assert acme[7] == pytest.approx(1830000 / 1500000)
    partners = {
        row[0]: row for row in xlsx_rows(content, sheet=3) if row[0] and row[0].startswith("LP")
    }
    assert Decimal(str(partners["LP 1"][1])) == D("6000000")
    assert Decimal(str(partners["LP 1"][2])) == D("1800000")
    total = next(row for row in xlsx_rows(content, sheet=3) if row[0] == "Total")
    assert Decimal(str(total[5])) == D("7040000")


def test_the_report_is_for_a_quarter_end_and_a_known_format(desk, history):
    refused = quarterly(desk, history, period_end="2024-05-31")
    assert refused.status_code == 422 and problem_fields(refused) == {"period_end"}
    assert quarterly(desk, history, fmt="docx").status_code == 422
    with pytest.raises(Exception, match="pdf or xlsx"):
        reports.quarterly_report(
            None, actor_of(desk, desk.maker), history.fund_id, Q2_END, DocumentFormat.CSV
        )


def test_who_may_read_the_report(desk, other_desk, make_member, client, history):
    viewer = login(client, make_member(desk, "viewer"))
    assert quarterly(desk, history, headers=viewer).status_code == 200
    lp = login(client, make_member(desk, "limited_partner"))
    assert quarterly(desk, history, headers=lp).status_code == 403
    advisor = login(client, make_member(desk, "advisor"))  # report:read without performance:read
    assert quarterly(desk, history, headers=advisor).status_code == 403
    stranger = other_desk.get(
        f"/funds/{history.fund_id}/reports/quarterly", params={"period_end": "2024-06-30"}
    )
    assert stranger.status_code == 404


def test_a_fund_without_history_reports_zeros(desk):
    fund = desk.fund()
    response = desk.client.get(
        f"{API}/funds/{fund['id']}/reports/quarterly",
        params={"period_end": "2024-03-31"},
        headers=desk.headers,
    )
    assert response.status_code == 200
    assert "The fund holds no investments yet." in pdf_text(response.content)
