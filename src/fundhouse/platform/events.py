"""The outbox: events written in the same transaction as the change they announce.

``emit`` inserts a row beside the change, so the event exists if and only if the change
committed. A drainer later hands each undelivered event to the handlers registered with
``@on`` and marks it delivered in the same transaction as the handlers' own writes: a process
that dies mid-way rolls both back and the event is delivered again by the next drain. Delivery
is therefore at least once; a handler with effects outside the database must tolerate repeats.

Claiming: on PostgreSQL the drainer locks its batch with ``FOR UPDATE SKIP LOCKED``, so several
drainers (API replicas, workers) share the work without waiting on each other. SQLite has one
writer at a time; the claiming ``UPDATE`` takes that write lock first, so a second drainer waits
for the first to commit and then sees the events as delivered. Handlers should be quick
database work; slow work (e-mail, webhooks) belongs in a job that the handler enqueues.

Failures: a handler that raises rolls back its own writes (a SAVEPOINT per event), the event
keeps ``delivered_at`` empty, records ``last_error`` and becomes available again after an
exponential backoff (2 s, 4 s, 8 s ... capped at one hour). Events are handed out in the order
they were written, except that an event waiting out a backoff does not hold back later ones.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from fundhouse.platform.audit import json_safe
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.jobs_models import OutboxEvent
from fundhouse.platform.transactions import on_commit

log = logging.getLogger("fundhouse.events")

ANY_EVENT = "*"
MAX_BACKOFF = timedelta(hours=1)
DEFAULT_BATCH = 100


@dataclass(frozen=True)
class Event:
    """What a handler receives: one committed event, with how many times it was tried."""

    id: int
    event_type: str
    payload: dict[str, Any]
    org_id: uuid.UUID | None
    created_at: datetime
    attempt: int


EventHandler = Callable[[Session, Event], None]
H = TypeVar("H", bound=EventHandler)

_handlers: dict[str, list[EventHandler]] = defaultdict(list)
_handlers_lock = threading.Lock()
_drain_trigger: Callable[[], None] | None = None


def on(event_type: str) -> Callable[[H], H]:
    """Register ``fn(db, event)`` for events of ``event_type`` (``"*"``: every event).

    The handler runs in the drainer's transaction; what it writes commits together with the
    event being marked delivered.
    """

    def register(fn: H) -> H:
        with _handlers_lock:
            if fn not in _handlers[event_type]:
                _handlers[event_type].append(fn)
        return fn

    return register


def handlers_for(event_type: str) -> list[EventHandler]:
    with _handlers_lock:
        return [*_handlers.get(event_type, ()), *_handlers.get(ANY_EVENT, ())]


def remove_handler(event_type: str, fn: EventHandler) -> None:
    with _handlers_lock:
        if fn in _handlers.get(event_type, ()):
            _handlers[event_type].remove(fn)


def set_drain_trigger(trigger: Callable[[], None] | None) -> Callable[[], None] | None:
    """Install what is called after a commit that emitted events (the job runner's drainer).

    Returns the trigger it replaces.
    """
    global _drain_trigger
    previous, _drain_trigger = _drain_trigger, trigger
    return previous


def _request_drain(_items: list[Any]) -> None:
    trigger = _drain_trigger
    if trigger is not None:
        trigger()


def emit(
    db: Session,
    event_type: str,
    payload: dict[str, Any] | None = None,
    *,
    org_id: uuid.UUID | None = None,
) -> OutboxEvent:
    """Write an event into the outbox, in the caller's transaction."""
    row = OutboxEvent(
        event_type=event_type,
        payload=json_safe(payload or {}),
        org_id=org_id,
        created_at=utcnow(),
        available_at=utcnow(),
        attempts=0,
    )
    db.add(row)
    db.flush()
    on_commit(db, "outbox.drain", _request_drain)
    return row


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the ``attempts``-th failed delivery, capped at an hour."""
    return min(timedelta(seconds=2 ** min(max(attempts, 1), 12)), MAX_BACKOFF)


def _claim(db: Session, batch: int, now: datetime) -> list[int]:
    pending = (
        select(OutboxEvent.id)
        .where(OutboxEvent.delivered_at.is_(None), OutboxEvent.available_at <= now)
        .order_by(OutboxEvent.id)
        .limit(batch)
    )
    if db.get_bind().dialect.name == "postgresql":
        pending = pending.with_for_update(skip_locked=True)
    claimed = db.scalars(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(pending.scalar_subquery()))
        .values(attempts=OutboxEvent.attempts + 1)
        .returning(OutboxEvent.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed)


def drain_outbox(
    database: Database, batch: int = DEFAULT_BATCH, *, now: datetime | None = None
) -> int:
    """Deliver up to ``batch`` due events to their handlers; return how many were delivered.

    ``now`` stands for the current time (tests use it to step past a backoff).
    """
    now = now or utcnow()
    db = database.session()
    try:
        ids = _claim(db, batch, now)
        if not ids:
            db.commit()
            return 0
        rows = db.scalars(
            select(OutboxEvent).where(OutboxEvent.id.in_(ids)).order_by(OutboxEvent.id)
        ).all()
        delivered = 0
        for row in rows:
            if _deliver(db, row, now):
                delivered += 1
        db.commit()
        return delivered
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def _deliver(db: Session, row: OutboxEvent, now: datetime) -> bool:
    event = Event(
        id=row.id,
        event_type=row.event_type,
        payload=dict(row.payload or {}),
        org_id=row.org_id,
        created_at=row.created_at,
        attempt=row.attempts,
    )
    try:
        with db.begin_nested():
            for handler in handlers_for(row.event_type):
                handler(db, event)
    except Exception as exc:
        row.last_error = f"{type(exc).__name__}: {exc}"[:4000]
        row.available_at = now + retry_delay(row.attempts)
        log.warning(
            "event handler failed",
            extra={
                "fields": {
                    "event_id": row.id,
                    "event_type": row.event_type,
                    "attempt": row.attempts,
                    "error": row.last_error,
                }
            },
        )
        return False
    row.delivered_at = utcnow()
    row.last_error = None
    return True


def pending_count(db: Session) -> int:
    """Events not delivered yet, due or waiting out a backoff (for health and tests)."""
    stmt = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.delivered_at.is_(None))
    return db.scalar(stmt) or 0


def purge_delivered(db: Session, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete events delivered more than ``older_than`` ago; the outbox is not an archive."""
    result = db.execute(
        delete(OutboxEvent)
        .where(
            OutboxEvent.delivered_at.is_not(None), OutboxEvent.delivered_at < utcnow() - older_than
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
