"""Notices are documents of their date: each LP's call or distribution notice shows where its
commitment stood on the call or distribution date, is kept when issued, and is served byte for
byte the same ever after, whatever payments, calls and distributions follow."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from sqlalchemy import delete, select

from fundhouse.funds.models import NoticeDocument, NoticeKind
from fundhouse.funds.reporting import notices
from fundhouse.platform.audit import AuditRecord
from tests.factories import login
from tests.funds.accounting_helpers import issued_distribution, paid_call
from tests.funds.distributions.test_distributions import EXIT, european_fund
from tests.funds.helpers import API
from tests.funds.portal.test_portal_and_notices import pdf_text


def make_fund_with_two_lps(desk):
    """Calder Pension Plan 750,000 and Brook Endowment 250,000, admitted on 15 January 2024."""
    fund = desk.fund(name="Northwind Ventures II", initial_close_date="2024-01-15")
    a = desk.commit(fund["id"], desk.investor("Calder Pension Plan")["id"], "750000")
    b = desk.commit(fund["id"], desk.investor("Brook Endowment")["id"], "250000")
    return fund, a, b


def kept(db, call_id: str) -> list[NoticeDocument]:
    return list(
        db.scalars(select(NoticeDocument).where(NoticeDocument.call_id == uuid.UUID(call_id)))
    )


def lp_headers(desk, make_member, client, investor_id: str) -> dict[str, str]:
    user = make_member(desk, "limited_partner")
    desk.ok(desk.post(f"/investors/{investor_id}/users", {"user_id": str(user.id)}), 201)
    return login(client, user)


def test_issuing_a_call_keeps_each_lps_notice_with_its_checksum(desk, db):
    fund, a, b = make_fund_with_two_lps(desk)
    call = desk.issued_call(fund["id"], "100000")
    rows = kept(db, call["id"])
    assert {str(r.investor_id) for r in rows} == {a["investor_id"], b["investor_id"]}
    for row in rows:
        assert row.kind == NoticeKind.CAPITAL_CALL and row.notice_date == date(2024, 3, 1)
        assert row.content is not None and hashlib.sha256(row.content).hexdigest() == row.sha256
        served = desk.get(f"/capital-calls/{call['id']}/notices/{row.investor_id}.pdf")
        assert served.content == row.content
    audited = db.scalars(select(AuditRecord).where(AuditRecord.action == "notice.stored")).all()
    assert sorted(r.after["sha256"] for r in audited) == sorted(r.sha256 for r in rows)


def test_a_call_notice_is_served_unchanged_after_payments_and_later_calls(
    desk, db, make_member, client
):
    fund, a, _ = make_fund_with_two_lps(desk)
    lp = lp_headers(desk, make_member, client, a["investor_id"])
    first = desk.issued_call(fund["id"], "100000")
    desk.ok(desk.pay(first["id"], a["investor_id"], "75000"), 201)
    second = desk.issued_call(fund["id"], "200000", call_date="2024-06-01", due_date="2024-06-28")
    staff_path = f"/capital-calls/{second['id']}/notices/{a['investor_id']}.pdf"
    portal_path = f"/portal/capital-calls/{second['id']}/notices/{a['investor_id']}.pdf"
    before = desk.get(staff_path).content
    (row,) = [r for r in kept(db, second["id"]) if str(r.investor_id) == a["investor_id"]]
    sha_before = row.sha256

    # The call is paid in full and another call follows: the LP's position today is not the
    # one of 1 June 2024.
    desk.ok(
        desk.pay(second["id"], a["investor_id"], "150000", received_date=date(2024, 6, 20)), 201
    )
    desk.issued_call(fund["id"], "100000", call_date="2024-09-01", due_date="2024-09-30")

    after_staff = desk.get(staff_path)
    after_portal = client.get(API + portal_path, headers=lp)
    assert after_staff.status_code == after_portal.status_code == 200
    assert after_staff.content == after_portal.content == before
    db.expire_all()
    assert db.get(NoticeDocument, row.id).sha256 == sha_before
    assert hashlib.sha256(after_portal.content).hexdigest() == sha_before
    assert len(kept(db, second["id"])) == 2  # nothing rendered again

    text = pdf_text(before)
    assert "Amount due USD 150,000.00" in text
    assert "Already received" not in text
    assert "Capital contributed to 01 June 2024 (before this call) USD 75,000.00" in text
    assert "Unfunded commitment after this call USD 525,000.00" in text


def test_a_notice_issued_before_notices_were_kept_is_rendered_as_of_its_call_date(desk, db):
    fund, a, _ = make_fund_with_two_lps(desk)
    first = desk.issued_call(fund["id"], "100000")
    desk.issued_call(fund["id"], "400000", call_date="2024-06-01", due_date="2024-06-28")
    # As a call issued before this change: nothing kept.
    db.execute(delete(NoticeDocument))
    db.flush()
    desk.ok(desk.pay(first["id"], a["investor_id"], "75000"), 201)

    path = f"/capital-calls/{first['id']}/notices/{a['investor_id']}.pdf"
    response = desk.get(path)
    assert response.status_code == 200
    text = pdf_text(response.content)
    # On 1 March 2024 nothing had been paid in and only this call drew on the 750,000; today
    # 75,000 is paid, the call is paid, and 375,000 more was called in June.
    assert "Amount due USD 75,000.00" in text and "Already received" not in text
    assert "Capital contributed to 01 March 2024 (before this call) USD 0.00" in text
    assert "Unfunded commitment after this call USD 675,000.00" in text
    (row,) = kept(db, first["id"])
    assert row.sha256 == hashlib.sha256(response.content).hexdigest()
    assert desk.get(path).content == response.content
    assert len(kept(db, first["id"])) == 1


def test_two_first_downloads_at_once_keep_one_notice_and_serve_it_to_both(desk, db, monkeypatch):
    # The second request looked before the first had kept the notice, so it renders one too;
    # the unique key refuses its copy and it serves the one kept first.
    fund, a, _ = make_fund_with_two_lps(desk)
    call = desk.issued_call(fund["id"], "100000")
    db.execute(delete(NoticeDocument))
    db.flush()
    path = f"/capital-calls/{call['id']}/notices/{a['investor_id']}.pdf"
    first = desk.get(path)
    assert first.status_code == 200
    real = notices.kept_row
    looked: list[bool] = []

    def not_yet_kept(*args, **kwargs):
        if not looked:
            looked.append(True)
            return None
        return real(*args, **kwargs)

    monkeypatch.setattr(notices, "kept_row", not_yet_kept)
    second = desk.get(path)
    assert second.status_code == 200
    assert second.content == first.content
    assert len(kept(db, call["id"])) == 1


def test_a_draft_notice_is_not_kept(desk, db):
    fund, a, _ = make_fund_with_two_lps(desk)
    draft = desk.draft(fund["id"], "100000")
    text = pdf_text(
        desk.get(f"/capital-calls/{draft['id']}/notices/{a['investor_id']}.pdf").content
    )
    assert "DRAFT" in text
    assert kept(db, draft["id"]) == []


def test_positions_as_of_count_only_what_was_dated_by_then(desk, db):
    fund, a, _ = make_fund_with_two_lps(desk)
    first = desk.issued_call(fund["id"], "100000")  # 1 March: A 75,000
    desk.ok(desk.pay(first["id"], a["investor_id"], "50000", received_date=date(2024, 3, 20)), 201)
    desk.ok(desk.pay(first["id"], a["investor_id"], "25000", received_date=date(2024, 7, 1)), 201)
    investor = uuid.UUID(a["investor_id"])
    fund_id = uuid.UUID(fund["id"])
    on = {
        day: notices.positions_as_of(db, fund_id, [investor], day)[investor]
        for day in (date(2024, 2, 1), date(2024, 4, 1), date(2024, 8, 1))
    }
    assert [(p.called, p.contributed, p.unfunded) for p in on.values()] == [
        (0, 0, 750000),
        (75000, 50000, 675000),
        (75000, 75000, 675000),
    ]


def test_a_distribution_notice_is_kept_and_shows_the_position_of_its_date(
    desk, db, make_member, client
):
    fund, a, _b, _gp, _ = european_fund(desk)
    lp = lp_headers(desk, make_member, client, a["investor_id"])
    d = issued_distribution(
        desk, fund["id"], "500000", EXIT, recallable=True, recallable_amount="100000"
    )
    staff_path = f"/distributions/{d['id']}/notices/{a['investor_id']}.pdf"
    portal_path = f"{API}/portal/distributions/{d['id']}/notices/{a['investor_id']}.pdf"
    before = desk.get(staff_path).content
    rows = list(
        db.scalars(
            select(NoticeDocument).where(NoticeDocument.distribution_id == uuid.UUID(d["id"]))
        )
    )
    assert len(rows) == 3 and {r.kind for r in rows} == {NoticeKind.DISTRIBUTION}

    # A later call draws on the recallable capital and is paid: today A has 660,000 paid in
    # and nothing unfunded.
    paid_call(desk, fund["id"], "100000", date(2024, 2, 1))
    desk.ok(desk.post(f"/distributions/{d['id']}/pay", {"paid_date": "2024-01-02"}))
    after = client.get(portal_path, headers=lp)
    assert after.status_code == 200 and after.content == before == desk.get(staff_path).content

    text = pdf_text(before)
    assert "Capital contributed to 01 January 2024 USD 600,000.00" in text
    assert "Unfunded commitment after this distribution USD 60,000.00" in text

    # Kept on first download when it was issued before notices were kept, as of its date.
    db.execute(delete(NoticeDocument))
    db.flush()
    legacy = pdf_text(desk.get(staff_path).content)
    assert "Capital contributed to 01 January 2024 USD 600,000.00" in legacy
    assert "Unfunded commitment after this distribution USD 60,000.00" in legacy
