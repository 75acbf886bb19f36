"""A background job acts for whoever started it, never with more rights than they had: a job
started through an API key runs with the key's scopes, not its owner's role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fundhouse.app import create_app
from fundhouse.identity import service
from fundhouse.identity.models import ApiKey, Membership
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.jobs import JobContext, activate_runner, enqueue, job, run_job
from fundhouse.platform.jobs_models import Job
from fundhouse.settings import Settings, set_settings
from tests.factories import API, login, make_org, make_user

KEY_SCOPES = ["job:read", "report:read"]


@job("tests.report_whoami")
def report_whoami(ctx: JobContext) -> dict[str, Any]:
    actor = service.actor_for_job(ctx)
    return {
        "user_id": str(actor.user_id),
        "via": actor.via,
        "api_key_id": str(actor.api_key_id) if actor.api_key_id else None,
        "permissions": sorted(actor.permissions),
    }


@pytest.fixture
def starting_app(settings: Settings, database: Database) -> Iterator[FastAPI]:
    """The app with one more route that queues a job naming only who started it, as the
    domains' services do."""
    app = create_app(settings, database=database)
    set_settings(settings)

    @app.post(f"{API}/tests/whoami-jobs", status_code=202)
    def start(db: DbSession, actor: Annotated[Actor, requires("report:read")]) -> dict[str, str]:
        row = enqueue(db, "tests.report_whoami", org_id=actor.org_id, created_by=actor.user_id)
        return {"job_id": str(row.id)}

    yield app


@pytest.fixture
def starting_client(starting_app: FastAPI) -> TestClient:
    return TestClient(starting_app)


def _key(client: TestClient, headers: dict[str, str], scopes: list[str]) -> dict[str, Any]:
    response = client.post(
        f"{API}/api-keys", json={"name": "Nightly reports", "scopes": scopes}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def _start(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    started = client.post(f"{API}/tests/whoami-jobs", headers=headers)
    assert started.status_code == 202, started.text
    finished = client.get(f"{API}/jobs/{started.json()['job_id']}", headers=headers)
    assert finished.json()["status"] == "succeeded", finished.text
    return finished.json()


def test_a_job_started_through_an_api_key_runs_with_the_keys_scopes(starting_client, db):
    admin = make_user(db, make_org(db))
    key = _key(starting_client, login(starting_client, admin), KEY_SCOPES)

    finished = _start(starting_client, {"X-API-Key": key["key"]})

    assert finished["result"]["permissions"] == KEY_SCOPES
    assert finished["result"]["api_key_id"] == key["id"]
    assert finished["result"]["user_id"] == str(admin.id)
    assert finished["result"]["via"] == "job"
    row = db.get(Job, uuid.UUID(finished["id"]))
    assert (row.permissions, str(row.api_key_id)) == (KEY_SCOPES, key["id"])


def test_a_job_started_in_a_session_runs_with_the_users_role(starting_client, db):
    admin = make_user(db, make_org(db))

    finished = _start(starting_client, login(starting_client, admin))

    assert finished["result"]["permissions"] == sorted(permissions_for("admin"))
    assert finished["result"]["api_key_id"] is None


@pytest.fixture
def held_jobs(database: Database) -> Iterator[None]:
    """No runner: a committed job waits until the test runs it."""
    previous = activate_runner(None)
    try:
        yield
    finally:
        activate_runner(previous)


def _key_actor(db, user, scopes: list[str]) -> Actor:
    membership = db.query(Membership).filter_by(user_id=user.id).one()
    admin = Actor(
        user_id=user.id,
        org_id=membership.org_id,
        role=membership.role,
        permissions=permissions_for(membership.role),
    )
    created = service.create_api_key(db, admin, "Nightly reports", scopes, None)
    db.commit()
    return Actor(
        user_id=user.id,
        org_id=membership.org_id,
        role=membership.role,
        permissions=permissions_for(membership.role) & frozenset(scopes),
        via="api_key",
        api_key_id=created.api_key.id,
    )


def test_revoking_the_key_stops_the_work_it_queued(held_jobs, database, db):
    user = make_user(db, make_org(db))
    actor = _key_actor(db, user, KEY_SCOPES)
    row = enqueue(db, "tests.report_whoami", actor=actor)
    db.commit()

    db.get_one(ApiKey, actor.api_key_id).revoked_at = utcnow()
    db.commit()

    assert run_job(database, row.id) == "failed"
    db.expire_all()
    assert db.get_one(Job, row.id).error == (
        "The API key that started this job was revoked or has expired."
    )


def test_a_starter_demoted_meanwhile_keeps_only_what_both_allow(held_jobs, database, db):
    user = make_user(db, make_org(db), role="accountant")
    actor = _key_actor(db, user, ["ledger:write", "report:read", "job:read"])
    row = enqueue(db, "tests.report_whoami", actor=actor)
    db.commit()

    db.query(Membership).filter_by(user_id=user.id).one().role = "viewer"
    db.commit()

    assert run_job(database, row.id) == "succeeded"
    db.expire_all()
    assert db.get_one(Job, row.id).result["permissions"] == ["report:read"]


def test_a_job_of_a_user_no_longer_a_member_does_not_run(held_jobs, database, db):
    user = make_user(db, make_org(db))
    row = enqueue(
        db,
        "tests.report_whoami",
        org_id=db.query(Membership).filter_by(user_id=user.id).one().org_id,
        created_by=user.id,
    )
    db.commit()
    db.query(Membership).filter_by(user_id=user.id).one().is_active = False
    db.commit()

    assert run_job(database, row.id) == "failed"
    db.expire_all()
    assert "no longer a member" in (db.get_one(Job, row.id).error or "")
