"""Statements reach LPs only once released: a batch (or single statement) is a draft until a
user holding report:write releases it, all of it or selected LPs', and the release is audited.
Releasing again is refused (409); a released statement is kept as sent."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from fundhouse.platform.audit import AuditRecord
from fundhouse.platform.jobs_models import OutboxEvent
from tests.factories import login
from tests.funds.helpers import API, problem_fields
from tests.funds.reporting_helpers import build_history

Q2 = "2024-06-30"


@pytest.fixture
def history(desk, db):
    return build_history(desk, db)


def batch(desk, history) -> str:
    started = desk.ok(
        desk.post(f"/funds/{history.fund_id}/statements/batch", {"period_end": Q2}), 202
    )
    return started["job_id"]


def release(desk, history, headers=None, **selection):
    body = {"period_end": Q2, **selection}
    return desk.post(f"/funds/{history.fund_id}/statements/release", body, headers=headers)


def staff_list(desk, history, **params):
    return desk.ok(
        desk.get(f"/funds/{history.fund_id}/statements", params={"limit": 50, **params})
    )["items"]


@pytest.fixture
def lp_of(desk, make_member, client):
    """Headers of an LP user linked to one investor."""

    def make(investor_id: uuid.UUID) -> dict[str, str]:
        user = make_member(desk, "limited_partner")
        desk.ok(desk.post(f"/investors/{investor_id}/users", {"user_id": str(user.id)}), 201)
        return login(client, user)

    return make


def test_an_lp_cannot_see_an_unreleased_statement(desk, client, history, lp_of):
    batch(desk, history)
    lp = lp_of(history.investor_id(1))
    assert desk.ok(desk.get("/portal/statements", headers=lp))["items"] == []
    own = [s for s in staff_list(desk, history) if s["investor_name"] == "LP 1"]
    assert len(own) == 2 and all(s["released_at"] is None for s in own)
    for statement in own:
        download = client.get(f"{API}/portal/statements/{statement['id']}/download", headers=lp)
        assert download.status_code == 404
    assert len(staff_list(desk, history, released="false")) == 6
    assert staff_list(desk, history, released="true") == []


def test_releasing_a_batch_shows_it_to_its_lps_and_is_audited(desk, db, client, history, lp_of):
    job_id = batch(desk, history)
    released = desk.ok(release(desk, history, job_id=job_id))
    assert (len(released["released"]), released["already_released"]) == (6, 0)
    listed = staff_list(desk, history)
    assert {s["released_by"] for s in listed} == {str(desk.maker.id)}
    assert all(s["released_at"] for s in listed)
    audited = db.scalars(
        select(AuditRecord).where(AuditRecord.action == "statement.released")
    ).all()
    assert sorted(r.after["sha256"] for r in audited) == sorted(s["sha256"] for s in listed)
    events = db.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "statements.released")
    ).all()
    assert len(events) == 1 and len(events[0].payload["statement_ids"]) == 6

    lp = lp_of(history.investor_id(1))
    mine = desk.ok(desk.get("/portal/statements", headers=lp))["items"]
    assert {(s["investor_name"], s["format"]) for s in mine} == {("LP 1", "pdf"), ("LP 1", "xlsx")}
    assert all(s["released_at"] and s["released_by"] is None for s in mine)
    for statement in mine:
        got = client.get(statement["download_url"], headers=lp)
        assert got.status_code == 200
        assert hashlib.sha256(got.content).hexdigest() == statement["sha256"]


def test_releasing_selected_lps_leaves_the_others_drafts(desk, client, history, lp_of):
    batch(desk, history)
    released = desk.ok(release(desk, history, investor_ids=[str(history.investor_id(2))]))
    assert {s["investor_name"] for s in released["released"]} == {"LP 2"}
    assert len(released["released"]) == 2
    assert (
        desk.ok(desk.get("/portal/statements", headers=lp_of(history.investor_id(1))))["items"]
        == []
    )
    assert (
        len(desk.ok(desk.get("/portal/statements", headers=lp_of(history.investor_id(2))))["items"])
        == 2
    )
    drafts = staff_list(desk, history, released="false")
    assert {s["investor_name"] for s in drafts} == {"LP 1", "LP 3"}


def test_another_lps_released_statement_is_not_found(desk, client, history, lp_of):
    batch(desk, history)
    desk.ok(release(desk, history))
    lp = lp_of(history.investor_id(1))
    others = [s for s in staff_list(desk, history) if s["investor_name"] != "LP 1"]
    for statement in others:
        response = client.get(f"{API}/portal/statements/{statement['id']}/download", headers=lp)
        assert response.status_code == 404
    assert desk.post(f"/statements/{others[0]['id']}/release", headers=lp).status_code == 403


def test_release_needs_the_permission_to_write_reports(desk, make_member, client, history, lp_of):
    batch(desk, history)
    viewer = login(client, make_member(desk, "viewer"))  # report:read only
    assert release(desk, history, headers=viewer).status_code == 403
    one = staff_list(desk, history)[0]
    assert desk.post(f"/statements/{one['id']}/release", headers=viewer).status_code == 403
    lp = lp_of(history.investor_id(1))
    assert release(desk, history, headers=lp).status_code == 403
    assert staff_list(desk, history, released="true") == []


def test_releasing_twice_is_refused_and_an_overlap_releases_only_the_rest(desk, history):
    batch(desk, history)
    first = desk.ok(release(desk, history, investor_ids=[str(history.investor_id(1))]))
    assert len(first["released"]) == 2
    rest = desk.ok(release(desk, history))
    assert (len(rest["released"]), rest["already_released"]) == (4, 2)
    again = release(desk, history)
    assert again.status_code == 409
    one = staff_list(desk, history)[0]
    single = desk.post(f"/statements/{one['id']}/release")
    assert single.status_code == 409 and "released already" in single.json()["detail"]


def test_one_statement_is_released_on_its_own(desk, history, lp_of):
    body = {"investor_id": str(history.investor_id(3)), "period_end": Q2}
    made = desk.ok(desk.post(f"/funds/{history.fund_id}/statements", body), 201)
    assert made["released_at"] is None
    released = desk.ok(desk.post(f"/statements/{made['id']}/release"))
    assert released["released_at"] and released["released_by"] == str(desk.maker.id)
    mine = desk.ok(desk.get("/portal/statements", headers=lp_of(history.investor_id(3))))
    assert [s["id"] for s in mine["items"]] == [made["id"]]


def test_a_released_statement_is_kept_as_sent(desk, client, history):
    body = {"investor_id": str(history.investor_id(1)), "period_end": Q2}
    made = desk.ok(desk.post(f"/funds/{history.fund_id}/statements", body), 201)
    sent = desk.client.get(made["download_url"], headers=desk.headers).content
    desk.ok(desk.post(f"/statements/{made['id']}/release"))
    again = desk.post(f"/funds/{history.fund_id}/statements", body)
    assert again.status_code == 409
    started = desk.ok(
        desk.post(
            f"/funds/{history.fund_id}/statements/batch", {"period_end": Q2, "formats": ["pdf"]}
        ),
        202,
    )
    job = desk.ok(desk.client.get(started["status_url"], headers=desk.headers))
    assert (job["result"]["statements"], job["result"]["kept_released"]) == (2, 1)
    # Later activity (a call in the next quarter, paid) changes nothing already made.
    call = desk.issued_call(
        str(history.fund_id), "100000", call_date="2024-08-01", due_date="2024-08-15"
    )
    for allocation in call["allocations"]:
        desk.ok(
            desk.pay(
                call["id"],
                allocation["investor_id"],
                allocation["amount"],
                received_date=date(2024, 8, 10),
            ),
            201,
        )
    after = desk.client.get(made["download_url"], headers=desk.headers).content
    assert after == sent and hashlib.sha256(after).hexdigest() == made["sha256"]


def test_a_release_names_statements_that_exist(desk, other_desk, history):
    batch(desk, history)
    stranger = desk.investor("Not A Partner")
    refused = release(desk, history, investor_ids=[stranger["id"]])
    assert refused.status_code == 422 and problem_fields(refused) == {"investor_ids"}
    empty = desk.post(f"/funds/{history.fund_id}/statements/release", {"period_end": "2024-03-31"})
    assert empty.status_code == 422 and problem_fields(empty) == {"period_end"}
    not_a_quarter = desk.post(
        f"/funds/{history.fund_id}/statements/release", {"period_end": "2024-06-15"}
    )
    assert not_a_quarter.status_code == 422
    unknown_batch = release(desk, history, job_id=str(uuid.uuid4()))
    assert unknown_batch.status_code == 422 and problem_fields(unknown_batch) == {"job_id"}
    assert release(other_desk, history).status_code == 404
    one = staff_list(desk, history)[0]
    assert other_desk.post(f"/statements/{one['id']}/release").status_code == 404
