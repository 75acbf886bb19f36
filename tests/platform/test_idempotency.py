"""Idempotency-Key on a money-moving POST: a retry returns the first result, never a second
payment (draft-ietf-httpapi-idempotency-key-header)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta
from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import event, func, select, update
from starlette.datastructures import Headers

from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import Conflict, install_error_handlers, problem_responses
from fundhouse.platform.events import emit
from fundhouse.platform.idempotency import (
    IdempotencyKeyHeader,
    idempotent,
    purge_expired,
    remember,
    request_fingerprint,
)
from fundhouse.platform.jobs_models import IdempotencyKey, OutboxEvent
from fundhouse.platform.migrate import upgrade
from tests.factories import make_org, make_user


class PaymentIn(BaseModel):
    amount: str
    currency: str = "USD"


outages: list[str] = []


def _payments_app(database, acting: dict[str, Actor]) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.state.db = database
    app.state.resolve_actor = lambda request, db: acting["actor"]
    router = APIRouter()

    @router.post("/payments", status_code=201, responses=problem_responses(400, 409, 422))
    def record_payment(
        body: PaymentIn,
        request: Request,
        db: DbSession,
        actor: Annotated[Actor, requires("payment:write")],
        key: IdempotencyKeyHeader = None,
    ) -> Response:
        replay = idempotent(db, actor, request, key, body)
        if replay is not None:
            return replay
        payment_id = uuid.uuid4()
        emit(
            db,
            "tests.payment_recorded",
            {"id": payment_id, "amount": body.amount},
            org_id=actor.org_id,
        )
        if outages:
            raise Conflict(outages.pop())
        return remember(db, actor, key, 201, {"id": str(payment_id), "amount": body.amount})

    @router.post("/strict-payments", status_code=201, responses=problem_responses(400))
    def record_strict_payment(
        body: PaymentIn,
        request: Request,
        db: DbSession,
        actor: Annotated[Actor, requires("payment:write")],
        key: IdempotencyKeyHeader = None,
    ) -> Response:
        replay = idempotent(db, actor, request, key, body, required=True)
        if replay is not None:
            return replay
        return remember(db, actor, key, 201, {"amount": body.amount})

    app.include_router(router)
    return app


def _actor(user, org, role: str = "accountant") -> Actor:
    return Actor(user_id=user.id, org_id=org.id, role=role, permissions=permissions_for(role))


@pytest.fixture
def org(db):
    return make_org(db)


@pytest.fixture
def accountant(db, org):
    return make_user(db, org, role="accountant")


@pytest.fixture
def acting(org, accountant) -> dict[str, Actor]:
    return {"actor": _actor(accountant, org)}


@pytest.fixture
def client(no_runner, database, acting):
    outages.clear()
    with TestClient(_payments_app(database, acting)) as c:
        yield c
    outages.clear()


def _payments(db) -> int:
    return db.scalar(
        select(func.count())
        .select_from(OutboxEvent)
        .where(OutboxEvent.event_type == "tests.payment_recorded")
    )


def test_a_retry_with_the_same_key_replays_the_first_response(client, db):
    headers = {"Idempotency-Key": "pay-0001"}
    first = client.post("/payments", json={"amount": "2500.00"}, headers=headers)
    retry = client.post("/payments", json={"amount": "2500.00"}, headers=headers)

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _payments(db) == 1


def test_the_same_key_with_a_different_body_is_refused_naming_the_key(client, db):
    headers = {"Idempotency-Key": "pay-0002"}
    client.post("/payments", json={"amount": "2500.00"}, headers=headers)
    reused = client.post("/payments", json={"amount": "9999.00"}, headers=headers)

    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in reused.json()["errors"]] == ["Idempotency-Key"]
    assert _payments(db) == 1


def test_a_duplicate_while_the_first_is_in_flight_gets_409(client, database, db, acting):
    request = Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/payments",
            "headers": Headers({"idempotency-key": "pay-0003"}).raw,
            "app": client.app,
        }
    )
    in_flight = database.session()
    try:
        assert (
            idempotent(in_flight, acting["actor"], request, "pay-0003", PaymentIn(amount="10"))
            is None
        )

        duplicate = client.post(
            "/payments", json={"amount": "10"}, headers={"Idempotency-Key": "pay-0003"}
        )

        assert duplicate.status_code == 409
        assert duplicate.json()["errors"][0]["field"] == "Idempotency-Key"
        assert _payments(db) == 0
    finally:
        in_flight.rollback()
        in_flight.close()


def test_keys_belong_to_one_user_in_one_organization(client, db, org, acting):
    colleague = make_user(db, org, role="accountant")
    other_org = make_org(db)
    outsider = make_user(db, other_org, role="accountant")
    body, headers = {"amount": "100.00"}, {"Idempotency-Key": "shared-key"}

    responses = []
    for actor in (acting["actor"], _actor(colleague, org), _actor(outsider, other_org)):
        acting["actor"] = actor
        responses.append(client.post("/payments", json=body, headers=headers))

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert not any("Idempotent-Replayed" in r.headers for r in responses)
    assert len({r.json()["id"] for r in responses}) == 3


def test_a_failed_request_releases_its_key_for_the_retry(client, db):
    headers = {"Idempotency-Key": "pay-0004"}
    outages.append("The bank is not answering.")
    failed = client.post("/payments", json={"amount": "50.00"}, headers=headers)
    retried = client.post("/payments", json={"amount": "50.00"}, headers=headers)

    assert failed.status_code == 409
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert _payments(db) == 1


def test_a_key_is_forgotten_after_24_hours(client, db):
    headers = {"Idempotency-Key": "pay-0005"}
    first = client.post("/payments", json={"amount": "75.00"}, headers=headers)
    db.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    db.commit()

    again = client.post("/payments", json={"amount": "75.00"}, headers=headers)

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert _payments(db) == 2


def test_a_reservation_abandoned_by_a_dead_process_is_taken_over(client, db, org, accountant):
    db.add(
        IdempotencyKey(
            org_id=org.id,
            user_id=accountant.id,
            key="pay-0006",
            method="POST",
            path="/payments",
            request_hash=request_fingerprint("POST", "/payments", PaymentIn(amount="20.00")),
            created_at=utcnow() - timedelta(minutes=10),
        )
    )
    db.commit()

    response = client.post(
        "/payments", json={"amount": "20.00"}, headers={"Idempotency-Key": "pay-0006"}
    )

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert _payments(db) == 1


def test_without_a_key_each_request_counts(client, db):
    client.post("/payments", json={"amount": "1.00"})
    client.post("/payments", json={"amount": "1.00"})
    assert _payments(db) == 2


def test_a_route_may_require_the_key(client):
    missing = client.post("/strict-payments", json={"amount": "1.00"})
    present = client.post(
        "/strict-payments", json={"amount": "1.00"}, headers={"Idempotency-Key": "k-1"}
    )

    assert missing.status_code == 400
    assert missing.json()["errors"] == [{"field": "Idempotency-Key", "message": "required"}]
    assert present.status_code == 201


@pytest.mark.parametrize("bad_key", ["x" * 256, "has space", "naïve"])
def test_a_malformed_key_is_refused(client, bad_key):
    response = client.post(
        "/payments", json={"amount": "1.00"}, headers={"Idempotency-Key": bad_key.encode("utf-8")}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_expired_keys_are_purged_and_recent_ones_kept(client, db):
    client.post("/payments", json={"amount": "1.00"}, headers={"Idempotency-Key": "old"})
    client.post("/payments", json={"amount": "1.00"}, headers={"Idempotency-Key": "recent"})
    db.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.key == "old")
        .values(created_at=utcnow() - timedelta(days=2))
    )

    assert purge_expired(db) == 1
    assert db.scalars(select(IdempotencyKey.key)).all() == ["recent"]


def test_a_keyed_write_works_on_a_sqlite_file_after_the_request_read_first(tmp_path):
    # The request's session reads (who is asking) before the key is reserved on another
    # connection; on a SQLite file its first write must still go through, not fail with
    # "database is locked" (a stale read snapshot).
    database = Database(f"sqlite:///{tmp_path / 'keys.db'}")
    with database.engine.begin() as conn:
        upgrade(connection=conn)
    with database.session() as session:
        org = make_org(session)
        actor = _actor(make_user(session, org, role="accountant"), org)
        session.commit()
    app = _payments_app(database, {"actor": actor})

    def read_then_act(request, db):
        db.scalar(select(func.count()).select_from(IdempotencyKey))  # the auth lookup's read
        return actor

    app.state.resolve_actor = read_then_act
    try:
        with TestClient(app) as c:
            for key in ("file-1", "file-2"):
                response = c.post(
                    "/payments", json={"amount": "10.00"}, headers={"Idempotency-Key": key}
                )
                assert response.status_code == 201, response.text
            replay = c.post(
                "/payments", json={"amount": "10.00"}, headers={"Idempotency-Key": "file-1"}
            )
            assert replay.headers.get("Idempotent-Replayed") == "true"
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 2
    finally:
        database.engine.dispose()


def test_a_reservation_survives_a_writer_committing_between_its_read_and_its_write(tmp_path):
    # The reservation reads the key, then inserts it. Begun deferred, its read snapshot would
    # go stale when another connection commits in between, and SQLite would refuse the insert
    # at once ("database is locked", a 500) whatever the busy timeout. Begun holding the write
    # lock, the other writer has to wait instead.
    path = tmp_path / "keys.db"
    database = Database(f"sqlite:///{path}")
    with database.engine.begin() as conn:
        upgrade(connection=conn)
    with database.session() as session:
        org = make_org(session)
        actor = _actor(make_user(session, org, role="accountant"), org)
        session.commit()
    interloper = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    interloper.execute("CREATE TABLE interloper (x INTEGER)")
    interloped: list[str] = []

    def write_in_between(conn, cursor, statement, parameters, context, executemany):
        if interloped or not statement.lstrip().startswith("SELECT"):
            return
        if "FROM idempotency_keys" not in statement:
            return
        try:
            interloper.execute("INSERT INTO interloper VALUES (1)")
            interloped.append("committed")
        except sqlite3.OperationalError:
            interloped.append("had to wait")

    event.listen(database.engine, "after_cursor_execute", write_in_between)
    try:
        with TestClient(_payments_app(database, {"actor": actor})) as c:
            response = c.post(
                "/payments", json={"amount": "10.00"}, headers={"Idempotency-Key": "between"}
            )
        assert interloped == ["had to wait"]
        assert response.status_code == 201, response.text
    finally:
        event.remove(database.engine, "after_cursor_execute", write_in_between)
        interloper.close()
        database.engine.dispose()
