"""LP capital account statements: figures from the capital accounts (so from the ledger), as
PDF and XLSX, made one at a time or for every LP by a background job, and seen by an LP only
when they are its own."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundhouse.funds.accounts import capital_accounts, performance
from fundhouse.funds.models import Fund, Statement
from fundhouse.funds.reporting import statements
from fundhouse.platform.audit import AuditRecord
from tests.factories import login
from tests.funds.helpers import API, D, problem_fields
from tests.funds.reporting_helpers import (
    Q2_END,
    Q2_START,
    actor_of,
    build_history,
    pdf_text,
    xlsx_rows,
    xlsx_value,
)


@pytest.fixture
def history(desk, db):
    return build_history(desk, db)


def figures_of(desk, db, history, n: int = 1) -> statements.StatementFigures:
    fund = db.get(Fund, history.fund_id)
    investor_id = history.investor_id(n)
    figures = statements.statement_figures(
        db, actor_of(desk, desk.maker), fund, Q2_START, Q2_END, [investor_id]
    )
    return figures[investor_id]


def make(desk, history, n: int = 1, fmt: str = "pdf", period_end: str = "2024-06-30"):
    body = {"investor_id": str(history.investor_id(n)), "period_end": period_end, "format": fmt}
    return desk.post(f"/funds/{history.fund_id}/statements", body)


def money_text(amount: Decimal) -> str:
    return f"({abs(amount):,.2f})" if amount < 0 else f"{amount:,.2f}"


# --- the figures -------------------------------------------------------------------------


def test_statement_figures_are_the_capital_account_and_add_up_to_the_ledger(desk, db, history):
    actor = actor_of(desk, desk.maker)
    fund = db.get(Fund, history.fund_id)
    ids = [history.investor_id(n) for n in (1, 2, 3)]
    figures = statements.statement_figures(db, actor, fund, Q2_START, Q2_END, ids)
    endings = Decimal(0)
    for investor_id in ids:
        f = figures[investor_id]
        for column, start in ((f.quarter, Q2_START), (f.inception, None)):
            account = capital_accounts.capital_accounts_for(
                db, fund, [(investor_id, f.investor_name)], start, Q2_END
            )[0]
            assert column.beginning == account.beginning_balance
            assert column.contributions == account.contributions
            assert column.distributions == account.distributions
            assert column.management_fees_gross == account.management_fees
            assert column.management_fee_offsets == account.fee_offsets
            assert column.partnership_expenses == account.expenses
            assert column.income == account.income + account.equalization_interest
            assert column.realized_gain == account.realized_gains
            assert column.unrealized_gain == account.unrealized_gains
            assert column.carried_interest == account.carried_interest
            assert column.ending == account.ending_balance
            assert column.reconciles
        assert f.quarter.ending == f.inception.ending
        endings += f.quarter.ending
    # The partners' capital is the fund's net assets in the ledger, to the cent.
    assert endings == capital_accounts.fund_nav(db, actor, fund, Q2_END)
    assert capital_accounts.reconcile(db, actor, fund.id, Q2_END).reconciles


def test_a_quarter_shows_its_own_activity_as_the_conventions_bill_it(desk, db, history):
    f = figures_of(desk, db, history)  # LP 1: 60% of commitments
    q = f.quarter
    assert q.contributions == D("600000.00")  # 60% of the 1m call of 15 April
    # CONVENTIONS.md "Management fees": a full quarter costs 2%/4 of the commitment, and the
    # 5,000 transaction fee of 15 March offsets the first installment due after it (1 April).
    assert q.management_fees_gross == D("-30000.00")
    assert q.management_fee_offsets == D("3000.00")
    assert q.management_fees_net == D("-27000.00")
    assert q.partnership_expenses == D("-14400.00")  # 60% of 24,000, pro rata to commitments
    assert q.distributions == D("-60000.00")
    assert (q.distributions_recallable, q.distributions_non_recallable) == (
        D("-24000.00"),
        D("-36000.00"),
    )
    assert q.unrealized_gain > 0 and q.realized_gain == 0 and q.income > 0
    assert f.inception.contributions == D("1800000.00")  # the July call is after the quarter
    assert f.inception.beginning == 0
    assert q.beginning == f.inception.ending - (q.ending - q.beginning)
    assert (f.commitment, f.contributed_to_date, f.recallable_to_date, f.unfunded) == (
        D("6000000.00"),
        D("1800000.00"),
        D("24000.00"),
        D("4224000.00"),
    )


def test_performance_to_date_is_the_performance_modules(desk, db, history):
    f = figures_of(desk, db, history)
    fund = db.get(Fund, history.fund_id)
    rows = performance.investor_performance(
        db, actor_of(desk, desk.maker), fund.id, Q2_END, everything=True
    ).items
    mine = next(r for r in rows if r.investor_id == history.investor_id(1))
    assert f.performance is not None
    assert (f.performance.tvpi, f.performance.dpi, f.performance.net_irr) == (
        mine.tvpi,
        mine.dpi,
        mine.irr,
    )
    assert f.performance.dpi == pytest.approx(60000 / 1800000)


# --- the documents -----------------------------------------------------------------------


def test_the_pdf_names_the_lp_and_shows_its_ending_balance(desk, db, history):
    f = figures_of(desk, db, history)
    made = desk.ok(make(desk, history), 201)
    assert (made["format"], made["status"], made["investor_name"]) == ("pdf", "ready", "LP 1")
    response = desk.client.get(made["download_url"], headers=desk.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    for expected in [
        "Northwind Ventures III, L.P.",
        "Capital Account Statement",
        "For the quarter ended 30 June 2024",
        "LP 1",
        "Ending NAV - net of carried interest",
        money_text(f.quarter.ending),
        "Unfunded commitment",
        "4,224,000.00",
        "(24,000.00)",  # recallable distributions of the quarter
        "TVPI",
    ]:
        assert expected in text, (expected, text)
    assert re.search(r"Management fees - net\s+\(27,000\.00\)", text)


def test_the_workbook_holds_numbers_not_text(desk, db, history):
    f = figures_of(desk, db, history)
    made = desk.ok(make(desk, history, fmt="xlsx"), 201)
    response = desk.client.get(made["download_url"], headers=desk.headers)
    assert response.headers["content-type"] == statements.XLSX_TYPE
    content = response.content
    ending = xlsx_value(content, "Ending NAV - net of carried interest")
    assert isinstance(ending, int | float) and not isinstance(ending, bool)
    assert Decimal(str(ending)) == f.quarter.ending
    assert Decimal(str(xlsx_value(content, "Ending NAV - net of carried interest", 2))) == (
        f.inception.ending
    )
    assert xlsx_value(content, "Contributions") == 600000
    assert xlsx_value(content, "Unfunded commitment") == 4224000
    assert xlsx_value(content, "Limited partner") == "LP 1"
    assert isinstance(xlsx_value(content, "TVPI"), float)
    numbers = [v for row in xlsx_rows(content) for v in row[1:] if isinstance(v, str)]
    assert not any(re.fullmatch(r"[\d,().-]+", v) for v in numbers), numbers


def test_making_a_statement_again_replaces_its_file_and_audits_both(desk, db, history):
    first = desk.ok(make(desk, history), 201)
    second = desk.ok(make(desk, history), 201)
    assert second["id"] == first["id"]
    listed = desk.ok(desk.get(f"/funds/{history.fund_id}/statements"))["items"]
    assert [s["id"] for s in listed] == [first["id"]]
    generated = db.scalars(
        select(AuditRecord).where(
            AuditRecord.action == "statement.generated", AuditRecord.entity_id == first["id"]
        )
    ).all()
    assert len(generated) == 2 and generated[1].after["replaced"] is True
    assert generated[1].after["sha256"] == second["sha256"]


def test_a_large_file_is_kept_in_the_data_directory(desk, db, history, monkeypatch, settings):
    monkeypatch.setattr(statements, "INLINE_LIMIT", 0)
    made = desk.ok(make(desk, history), 201)
    row = db.get(Statement, uuid.UUID(made["id"]))
    assert row.content is None and row.storage_key.endswith(f"{made['id']}.pdf")
    path = settings.data_dir / "documents" / row.storage_key
    assert path.read_bytes()[:5] == b"%PDF-"
    download = desk.client.get(made["download_url"], headers=desk.headers)
    assert download.status_code == 200 and download.content == path.read_bytes()
    path.unlink()
    assert desk.client.get(made["download_url"], headers=desk.headers).status_code == 404


def test_a_statement_is_for_a_quarter_end_and_a_partner_of_the_fund(desk, history):
    response = make(desk, history, period_end="2024-06-15")
    assert response.status_code == 422 and problem_fields(response) == {"period_end"}
    stranger = desk.investor("Not A Partner")
    body = {"investor_id": stranger["id"], "period_end": "2024-06-30"}
    refused = desk.post(f"/funds/{history.fund_id}/statements", body)
    assert refused.status_code == 422 and problem_fields(refused) == {"investor_id"}
    csv = make(desk, history, fmt="csv")
    assert csv.status_code == 422 and problem_fields(csv) == {"format"}
    wrong = desk.post(
        f"/funds/{history.fund_id}/statements/batch",
        {"period_end": "2024-06-30", "formats": ["csv"]},
    )
    assert wrong.status_code == 422


# --- the batch ---------------------------------------------------------------------------


def test_a_batch_makes_every_lps_statements_with_progress_to_the_end(desk, db, history):
    started = desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements/batch", {"period_end": "2024-06-30"}), 202
    )
    job = desk.ok(desk.client.get(started["status_url"], headers=desk.headers))
    assert (job["status"], job["percent"], job["progress_done"], job["progress_total"]) == (
        "succeeded",
        100.0,
        3,
        3,
    )
    assert job["result"]["statements"] == 6
    made = desk.ok(desk.get(f"/funds/{history.fund_id}/statements", params={"limit": 50}))["items"]
    assert sorted((s["investor_name"], s["format"]) for s in made) == [
        (f"LP {n}", fmt) for n in (1, 2, 3) for fmt in ("pdf", "xlsx")
    ]
    assert {s["job_id"] for s in made} == {started["job_id"]}
    only = desk.ok(
        desk.get(
            f"/funds/{history.fund_id}/statements",
            params={"investor_id": str(history.investor_id(2)), "document_format": "xlsx"},
        )
    )["items"]
    assert [(s["investor_name"], s["format"]) for s in only] == [("LP 2", "xlsx")]
    none = desk.ok(
        desk.get(f"/funds/{history.fund_id}/statements", params={"period_end": "2024-03-31"})
    )
    assert none["items"] == []
    page = desk.ok(desk.get(f"/funds/{history.fund_id}/statements", params={"limit": 4}))
    rest = desk.ok(
        desk.get(
            f"/funds/{history.fund_id}/statements",
            params={"limit": 4, "cursor": page["next_cursor"]},
        )
    )
    assert len(page["items"]) == 4 and len(rest["items"]) == 2 and rest["next_cursor"] is None
    exported = desk.get(f"/funds/{history.fund_id}/statements", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert len(exported.text.strip().splitlines()) == 7


def test_a_batch_job_of_a_user_who_lost_the_right_fails_with_a_reason(desk, db, history):
    from fundhouse.identity.models import Membership

    membership = db.scalar(select(Membership).where(Membership.user_id == desk.maker.id))
    started = desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements/batch", {"period_end": "2024-06-30"}), 202
    )
    assert (
        desk.ok(desk.client.get(started["status_url"], headers=desk.headers))["status"]
        == "succeeded"
    )
    membership.role = "viewer"
    db.commit()
    from fundhouse.platform.jobs import run_job
    from fundhouse.platform.jobs_models import Job, JobStatus

    job = db.get(Job, uuid.UUID(started["job_id"]))
    job.status = JobStatus.QUEUED.value
    db.commit()
    database = desk.client.app.state.db
    assert run_job(database, job.id) == "failed"
    db.expire_all()
    assert "report:write" in db.get(Job, job.id).error


# --- who sees what -----------------------------------------------------------------------


def test_an_lp_sees_and_downloads_only_its_own_statements(desk, make_member, client, history):
    desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements/batch", {"period_end": "2024-06-30"}), 202
    )
    desk.ok(desk.post(f"/funds/{history.fund_id}/statements/release", {"period_end": "2024-06-30"}))
    user = make_member(desk, "limited_partner")
    desk.ok(desk.post(f"/investors/{history.investor_id(1)}/users", {"user_id": str(user.id)}), 201)
    lp = login(client, user)
    mine = desk.ok(desk.get("/portal/statements", headers=lp))["items"]
    assert {(s["investor_name"], s["format"]) for s in mine} == {("LP 1", "pdf"), ("LP 1", "xlsx")}
    own = client.get(mine[0]["download_url"], headers=lp)
    assert own.status_code == 200 and own.content[:2] in (b"%P", b"PK")
    everything = desk.ok(desk.get(f"/funds/{history.fund_id}/statements"))["items"]
    others = [s for s in everything if s["investor_name"] != "LP 1"]
    for statement in others:
        assert (
            client.get(
                f"{API}/portal/statements/{statement['id']}/download", headers=lp
            ).status_code
            == 404
        )
    assert client.get(f"{API}/statements/{others[0]['id']}/download", headers=lp).status_code == 403
    assert desk.get(f"/funds/{history.fund_id}/statements", headers=lp).status_code == 403
    staff = desk.get("/portal/statements")
    assert staff.status_code == 403


def test_another_organization_finds_nothing(desk, other_desk, history):
    made = desk.ok(make(desk, history), 201)
    other = other_desk
    assert (
        other.client.get(
            f"{API}/statements/{made['id']}/download", headers=other.headers
        ).status_code
        == 404
    )
    assert other.get(f"/funds/{history.fund_id}/statements").status_code == 404
    body = {"period_end": "2024-06-30"}
    assert other.post(f"/funds/{history.fund_id}/statements/batch", body).status_code == 404
    single = {"investor_id": str(history.investor_id(1)), "period_end": "2024-06-30"}
    assert other.post(f"/funds/{history.fund_id}/statements", single).status_code == 404


def test_only_report_writers_make_statements(desk, make_member, client, history):
    viewer = login(client, make_member(desk, "viewer"))
    body = {"investor_id": str(history.investor_id(1)), "period_end": "2024-06-30"}
    assert (
        desk.post(f"/funds/{history.fund_id}/statements", body, headers=viewer).status_code == 403
    )
    batch = desk.post(
        f"/funds/{history.fund_id}/statements/batch", {"period_end": "2024-06-30"}, headers=viewer
    )
    assert batch.status_code == 403
    made = desk.ok(make(desk, history), 201)
    # A viewer holds report:read: it may list and download.
    assert desk.get(f"/funds/{history.fund_id}/statements", headers=viewer).status_code == 200
    assert client.get(made["download_url"], headers=viewer).status_code == 200


def test_quarter_ends_are_recognised():
    assert statements.quarter_of(date(2024, 12, 31)) == date(2024, 10, 1)
    assert statements.quarter_of(date(2024, 3, 31)) == date(2024, 1, 1)
    for not_an_end in (date(2024, 2, 29), date(2024, 12, 30), date(2025, 1, 1)):
        with pytest.raises(Exception, match="not the last day of a calendar quarter"):
            statements.quarter_of(not_an_end)


def test_a_partner_admitted_after_the_quarter_gets_no_statement_for_it(desk, history):
    late_close = desk.ok(
        desk.post(f"/funds/{history.fund_id}/closes", {"close_date": "2024-08-01"}), 201
    )
    late = desk.commit(
        str(history.fund_id),
        desk.investor("Late Closer")["id"],
        "2000000",
        close_id=late_close["id"],
    )
    body = {"investor_id": late["investor_id"], "period_end": "2024-06-30"}
    refused = desk.post(f"/funds/{history.fund_id}/statements", body)
    assert refused.status_code == 422 and problem_fields(refused) == {"investor_id"}
    started = desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements/batch", {"period_end": "2024-06-30"}), 202
    )
    job = desk.ok(desk.client.get(started["status_url"], headers=desk.headers))
    assert (job["progress_total"], job["result"]["statements"]) == (3, 6)
    later = desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements", {**body, "period_end": "2024-09-30"}), 201
    )
    assert later["investor_name"] == "Late Closer"


def test_statements_list_by_period_end_then_investor_name_page_after_page(desk, db, history):
    desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements/batch", {"period_end": "2024-06-30"}), 202
    )
    url = f"/funds/{history.fund_id}/statements"
    desk.ok(make(desk, history, 3, period_end="2024-03-31"), 201)
    names = [f"LP {n}" for n in (1, 1, 2, 2, 3, 3)]
    listed = desk.ok(desk.get(url))["items"]
    assert [(s["period_end"], s["investor_name"]) for s in listed] == [
        *(("2024-06-30", name) for name in names),
        ("2024-03-31", "LP 3"),
    ]
    paged, cursor = [], None
    while True:
        page = desk.ok(desk.get(url, params={"limit": 3, **({"cursor": cursor} if cursor else {})}))
        paged += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert [s["id"] for s in paged] == [s["id"] for s in listed]
    oldest_first = desk.ok(desk.get(url, params={"sort": "period_end"}))["items"]
    assert [s["investor_name"] for s in oldest_first] == ["LP 3", *names]
    exported = desk.get(url, params={"format": "csv"}).text.strip().splitlines()[1:]
    assert [line.split(",")[0] for line in exported] == [s["id"] for s in listed]
