"""GET /jobs and /jobs/{id}: the organization's jobs, with progress, for its members only."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from fundhouse.platform.db import utcnow
from fundhouse.platform.jobs import JobContext, enqueue, job
from fundhouse.platform.jobs_models import Job
from tests.factories import login, make_org, make_user

API = "/api/v1"


@job("tests.router_import")
def router_import(ctx: JobContext, rows: int) -> dict:
    ctx.progress(rows, rows, "imported")
    return {"imported": rows}


@pytest.fixture
def org(db):
    return make_org(db)


@pytest.fixture
def analyst_headers(client, db, org):
    return login(client, make_user(db, org, role="analyst"))


def _job(db, org, *, kind="reports.statement", status="queued", minutes_ago=0, **values) -> Job:
    row = Job(
        org_id=org.id if org else None,
        kind=kind,
        status=status,
        params={},
        created_at=utcnow() - timedelta(minutes=minutes_ago),
        **values,
    )
    db.add(row)
    db.commit()
    return row


def test_a_job_shows_its_progress_as_a_percentage(client, db, org, analyst_headers):
    row = _job(
        db,
        org,
        status="running",
        progress_done=3,
        progress_total=8,
        message="Page 3 of 8",
        started_at=utcnow(),
    )

    body = client.get(f"{API}/jobs/{row.id}", headers=analyst_headers).json()

    assert body["id"] == str(row.id)
    assert (body["status"], body["progress_done"], body["progress_total"]) == ("running", 3, 8)
    assert body["percent"] == 37.5
    assert body["message"] == "Page 3 of 8"
    assert body["result"] is None and body["error"] is None and body["finished_at"] is None


def test_a_job_started_through_the_app_is_seen_finished(client, db, org, analyst_headers):
    started = enqueue(db, "tests.router_import", {"rows": 40}, org_id=org.id)
    db.commit()

    body = client.get(f"{API}/jobs/{started.id}", headers=analyst_headers).json()

    assert body["status"] == "succeeded"
    assert body["percent"] == 100.0
    assert body["result"] == {"imported": 40}


def test_another_organizations_job_does_not_exist(client, db, analyst_headers):
    foreign = _job(db, make_org(db))
    system = _job(db, None)

    for job_id in (foreign.id, system.id, uuid.uuid4()):
        response = client.get(f"{API}/jobs/{job_id}", headers=analyst_headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_the_list_is_newest_first_filtered_and_paginated(client, db, org, analyst_headers):
    oldest = _job(db, org, kind="imports.csv", status="succeeded", minutes_ago=30)
    middle = _job(db, org, kind="reports.statement", status="failed", minutes_ago=20)
    newest = _job(db, org, kind="imports.csv", status="queued", minutes_ago=10)
    _job(db, make_org(db), kind="imports.csv", minutes_ago=5)

    def ids(query: str) -> list[str]:
        response = client.get(f"{API}/jobs{query}", headers=analyst_headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [str(newest.id), str(middle.id), str(oldest.id)]
    assert ids("?kind=imports.csv") == [str(newest.id), str(oldest.id)]
    assert ids("?status=failed") == [str(middle.id)]

    first = client.get(f"{API}/jobs?limit=2", headers=analyst_headers).json()
    second = client.get(
        f"{API}/jobs?limit=2&cursor={first['next_cursor']}", headers=analyst_headers
    ).json()
    assert [i["id"] for i in first["items"]] == [str(newest.id), str(middle.id)]
    assert [i["id"] for i in second["items"]] == [str(oldest.id)]
    assert second["next_cursor"] is None


def test_an_unknown_status_filter_is_refused_naming_the_field(client, analyst_headers):
    response = client.get(f"{API}/jobs?status=exploded", headers=analyst_headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["status"]


def test_reading_jobs_needs_the_job_read_permission(client, db, org):
    row = _job(db, org)
    viewer = login(client, make_user(db, org, role="viewer"))
    limited_partner = login(client, make_user(db, org, role="limited_partner"))

    assert client.get(f"{API}/jobs").status_code == 401
    assert client.get(f"{API}/jobs/{row.id}").status_code == 401
    for headers in (viewer, limited_partner):
        assert client.get(f"{API}/jobs", headers=headers).status_code == 403
        assert client.get(f"{API}/jobs/{row.id}", headers=headers).status_code == 403
