"""The outbox: an event exists exactly when its change committed, and no event is lost."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from fundhouse.platform import events
from fundhouse.platform.db import utcnow
from fundhouse.platform.events import Event, drain_outbox, emit, on, pending_count, purge_delivered
from fundhouse.platform.jobs_models import OutboxEvent

received: list[Event] = []
behaviour: dict[str, object] = {}


class SimulatedCrash(BaseException):
    """The process dying mid-way (not an error a handler would catch)."""


@on("tests.fund_created")
def remember_fund(db, event: Event) -> None:
    received.append(event)


@on("tests.capital_called")
def notify_lps(db, event: Event) -> None:
    received.append(event)
    if behaviour.get("crash_on") == event.payload.get("n"):
        behaviour.pop("crash_on")
        raise SimulatedCrash
    if behaviour.get("fail_times", 0):
        behaviour["fail_times"] -= 1
        emit(db, "tests.written_by_a_failing_handler", {})
        raise RuntimeError("mail server unreachable")
    emit(db, "tests.lps_notified", {"n": event.payload.get("n")})


@pytest.fixture(autouse=True)
def _clean():
    received.clear()
    behaviour.clear()
    yield
    received.clear()
    behaviour.clear()


def _rows(db, event_type: str) -> list[OutboxEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxEvent).where(OutboxEvent.event_type == event_type).order_by(OutboxEvent.id)
        )
    )


def test_a_rolled_back_transaction_emits_nothing(no_runner, db):
    emit(db, "tests.fund_created", {"name": "Fund I"})
    db.rollback()
    assert pending_count(db) == 0

    emit(db, "tests.fund_created", {"name": "Fund II"})
    db.commit()
    assert [r.payload for r in _rows(db, "tests.fund_created")] == [{"name": "Fund II"}]


def test_a_committed_event_is_delivered_once_in_order(no_runner, database, db):
    for name in ("Fund I", "Fund II", "Fund III"):
        emit(db, "tests.fund_created", {"name": name})
    db.commit()

    assert drain_outbox(database) == 3
    assert drain_outbox(database) == 0

    assert [e.payload["name"] for e in received] == ["Fund I", "Fund II", "Fund III"]
    rows = _rows(db, "tests.fund_created")
    assert all(r.delivered_at is not None and r.attempts == 1 for r in rows)


def test_an_event_survives_a_drainer_that_dies_mid_batch(no_runner, database, db):
    for n in (1, 2, 3):
        emit(db, "tests.capital_called", {"n": n})
    db.commit()
    behaviour["crash_on"] = 2

    with pytest.raises(SimulatedCrash):
        drain_outbox(database)

    # Event 1 was handled before the crash, but its delivery died with the transaction.
    assert [r.delivered_at for r in _rows(db, "tests.capital_called")] == [None, None, None]
    assert _rows(db, "tests.lps_notified") == []

    assert drain_outbox(database) == 3
    assert Counter(e.payload["n"] for e in received) == {1: 2, 2: 2, 3: 1}
    assert sorted(r.payload["n"] for r in _rows(db, "tests.lps_notified")) == [1, 2, 3]


def test_a_failing_handler_backs_off_and_its_writes_are_undone(no_runner, database, db):
    emit(db, "tests.capital_called", {"n": 7})
    db.commit()
    behaviour["fail_times"] = 1

    assert drain_outbox(database) == 0
    (row,) = _rows(db, "tests.capital_called")
    assert row.delivered_at is None
    assert row.attempts == 1
    assert row.last_error == "RuntimeError: mail server unreachable"
    assert row.available_at > utcnow() + timedelta(seconds=1)
    assert _rows(db, "tests.written_by_a_failing_handler") == []

    assert drain_outbox(database) == 0, "not due before its backoff ends"
    assert len(received) == 1

    assert drain_outbox(database, now=utcnow() + timedelta(seconds=3)) == 1
    (row,) = _rows(db, "tests.capital_called")
    assert row.delivered_at is not None
    assert row.attempts == 2
    assert row.last_error is None
    assert [r.payload for r in _rows(db, "tests.lps_notified")] == [{"n": 7}]


def test_backoff_doubles_and_is_capped_at_an_hour():
    delays = [events.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 20)]
    assert delays == [2, 4, 8, 16, 3600]


def test_the_eager_runner_delivers_right_after_the_commit(eager, db):
    emit(db, "tests.capital_called", {"n": 1})
    assert received == []
    db.commit()

    assert [e.payload for e in received] == [{"n": 1}]
    assert pending_count(db) == 0, "the follow-up event was delivered too"


def test_an_event_for_nobody_is_marked_delivered(no_runner, database, db):
    emit(db, "tests.nobody_listens", {})
    db.commit()

    assert drain_outbox(database) == 1
    assert pending_count(db) == 0


def test_payloads_are_stored_as_json(no_runner, database, db):
    from decimal import Decimal
    from uuid import UUID

    fund_id = UUID("6b3c1f5e-8a61-4f0e-9a55-3e1cf1b1f001")
    emit(db, "tests.fund_created", {"fund_id": fund_id, "size": Decimal("125000000.00")})
    db.commit()
    drain_outbox(database)

    assert received[0].payload == {"fund_id": str(fund_id), "size": "125000000.00"}


def test_old_delivered_events_are_purged(no_runner, database, db):
    emit(db, "tests.fund_created", {"name": "old"})
    emit(db, "tests.fund_created", {"name": "recent"})
    emit(db, "tests.capital_called", {"n": 99})
    db.commit()
    behaviour["fail_times"] = 1
    drain_outbox(database)
    old, recent = _rows(db, "tests.fund_created")
    old.delivered_at = utcnow() - timedelta(days=8)
    db.commit()

    assert purge_delivered(db) == 1
    db.commit()
    assert [r.payload["name"] for r in _rows(db, "tests.fund_created")] == ["recent"]
    assert len(_rows(db, "tests.capital_called")) == 1, "undelivered events are never purged"


def test_concurrent_drainers_deliver_each_event_exactly_once(committed_database):
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def count(db, event: Event) -> None:
        with lock:
            seen[event.payload["n"]] += 1

    on("tests.counted")(count)
    try:
        with committed_database.session() as session:
            for n in range(60):
                emit(session, "tests.counted", {"n": n})
            session.commit()

        errors: list[BaseException] = []

        def drainer() -> None:
            try:
                while drain_outbox(committed_database, batch=7):
                    pass
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=drainer) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        events.remove_handler("tests.counted", count)

    assert errors == []
    assert seen == {n: 1 for n in range(60)}
    with committed_database.session() as session:
        assert pending_count(session) == 0
