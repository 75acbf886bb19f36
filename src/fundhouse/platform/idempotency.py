"""``Idempotency-Key`` for the POSTs that move money (DESIGN.md §4).

Semantics of the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header): a retry with the same key and the same request
gets the first response again (same status and body, marked ``Idempotent-Replayed: true``); the
same key with a different request is refused with 422; a retry while the first request is
still being processed gets 409. Keys belong to one user in one organization and are forgotten
after 24 hours.

How a route uses it::

    @router.post("/capital-calls/{call_id}/payments", status_code=201,
                 responses=problem_responses(409, 422))
    def record_payment(call_id: UUID, body: PaymentIn, request: Request, db: DbSession,
                       actor: Annotated[Actor, requires("payment:write")],
                       key: IdempotencyKeyHeader = None) -> Response:
        replay = idempotent(db, actor, request, key, body)
        if replay is not None:
            return replay
        payment = service.record_payment(db, actor, call_id, body)
        return remember(db, actor, key, 201, PaymentOut.model_validate(payment))

:func:`idempotent` reserves the key in a short transaction of its own, so a concurrent retry
sees it at once. :func:`remember` stores the response in the request's transaction: it is
kept exactly when the payment is. If the request's transaction rolls back (an error) or commits
without remembering, the reservation is released and a retry runs the request afresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundhouse.platform.access import Actor
from fundhouse.platform.audit import json_safe
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.errors import AppError, Conflict, FieldError, Invalid
from fundhouse.platform.jobs_models import IdempotencyKey
from fundhouse.platform.transactions import on_commit, on_rollback

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
EXPIRES_AFTER = timedelta(hours=24)
ABANDONED_AFTER = timedelta(minutes=5)
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
_RESERVATIONS = "fundhouse.idempotency"

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        description=(
            "A unique value (a UUID) chosen by the client for this operation. Sending the same "
            "request again with the same key returns the first result instead of repeating it."
        ),
    ),
]


class MissingIdempotencyKey(AppError):
    status = 400
    title = "Idempotency-Key required"
    slug = "idempotency-key-required"


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """SHA-256 of the method, the path and the canonical JSON of the body."""
    canonical = json.dumps(
        [method.upper(), path, _jsonable(body)], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _jsonable(content: Any) -> Any:
    if isinstance(content, BaseModel):
        return content.model_dump(mode="json")
    return json_safe(content)


def _where(actor: Actor, key: str) -> tuple[Any, ...]:
    return (
        IdempotencyKey.org_id == actor.org_id,
        IdempotencyKey.user_id == actor.user_id,
        IdempotencyKey.key == key,
    )


def _database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def idempotent(
    db: Session,
    actor: Actor,
    request: Request,
    key: str | None,
    body: Any,
    *,
    required: bool = False,
) -> JSONResponse | None:
    """The first response to replay, or None after reserving ``key`` for this request.

    Raises 422 when the key was used for a different request, 409 while the first request
    with it is still being processed, and 400 when ``required`` and no key was sent.
    """
    if key is None:
        if required:
            raise MissingIdempotencyKey(
                f"Send an {HEADER} header with this request.",
                errors=[FieldError(field=HEADER, message="required")],
            )
        return None
    if not _KEY_RE.match(key):
        raise Invalid(f"The {HEADER} must be 1 to 255 visible ASCII characters.", field=HEADER)
    fingerprint = request_fingerprint(request.method, request.url.path, body)
    database = _database(request)
    if db.get_bind().dialect.name == "sqlite" and db.in_transaction():
        # SQLite: the request's transaction holds the write lock (or, begun deferred, a read
        # snapshot that the reservation below would make stale). The reservation commits on
        # another connection, so end the request's transaction first: it then goes on in a
        # fresh one, begun the same way.
        db.commit()
    now = utcnow()
    # The reservation reads the key, then writes: it takes SQLite's write lock at once, or a
    # writer committing between its read and its write would fail it with "database is
    # locked" at once, whatever the busy timeout (see fundhouse.platform.db).
    with database.session(writes=True) as session:
        existing = session.scalar(select(IdempotencyKey).where(*_where(actor, key)))
        if existing is not None and existing.created_at <= now - EXPIRES_AFTER:
            session.delete(existing)
            session.flush()
            existing = None
        if existing is not None:
            if existing.request_hash != fingerprint:
                raise Invalid(
                    f"This {HEADER} was already used for a different request; "
                    "use a new key for a new request.",
                    field=HEADER,
                )
            if existing.status_code is not None:
                return JSONResponse(
                    existing.response_body,
                    status_code=existing.status_code,
                    headers={REPLAYED_HEADER: "true"},
                )
            if existing.created_at > now - ABANDONED_AFTER:
                raise _in_flight()
            taken_over = session.execute(
                update(IdempotencyKey)
                .where(
                    IdempotencyKey.id == existing.id,
                    IdempotencyKey.created_at == existing.created_at,
                    IdempotencyKey.status_code.is_(None),
                )
                .values(created_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(taken_over, "rowcount", 0) != 1:
                raise _in_flight()
            reservation_id = existing.id
        else:
            reservation = IdempotencyKey(
                org_id=actor.org_id,
                user_id=actor.user_id,
                key=key,
                method=request.method.upper(),
                path=request.url.path[:500],
                request_hash=fingerprint,
                created_at=now,
            )
            session.add(reservation)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                raise _in_flight() from None
            reservation_id = reservation.id
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise _in_flight() from None
    db.info.setdefault(_RESERVATIONS, {})[key] = reservation_id
    release = _releaser(db, database)
    on_rollback(db, "idempotency.release", release)
    on_commit(db, "idempotency.release_unremembered", release)
    return None


def _in_flight() -> Conflict:
    return Conflict(
        f"A request with this {HEADER} is still being processed; retry in a moment.",
        errors=[FieldError(field=HEADER, message="in progress")],
    )


def _releaser(db: Session, database: Database) -> Callable[[list[Any]], None]:
    """Deletes the reservations of ``db``'s transaction that no response was remembered for."""

    def release(_items: list[Any]) -> None:
        unremembered = list(db.info.pop(_RESERVATIONS, {}).values())
        if not unremembered:
            return
        with database.session(writes=True) as session:
            session.execute(
                delete(IdempotencyKey)
                .where(IdempotencyKey.id.in_(unremembered), IdempotencyKey.status_code.is_(None))
                .execution_options(synchronize_session=False)
            )
            session.commit()

    return release


def remember(
    db: Session, actor: Actor, key: str | None, status_code: int, content: Any
) -> JSONResponse:
    """The response to send, stored under ``key`` in the request's transaction."""
    body = _jsonable(content)
    if key is not None:
        reservation_id = db.info.get(_RESERVATIONS, {}).pop(key, None)
        if reservation_id is not None:
            db.execute(
                update(IdempotencyKey)
                .where(IdempotencyKey.id == reservation_id)
                .values(status_code=status_code, response_body=body)
                .execution_options(synchronize_session=False)
            )
    return JSONResponse(body, status_code=status_code)


def purge_expired(db: Session) -> int:
    """Forget keys older than 24 hours."""
    result = db.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.created_at <= utcnow() - EXPIRES_AFTER)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def run_idempotent(
    db: Session,
    actor: Actor,
    request: Request,
    key: str | None,
    body: Any,
    status_code: int,
    action: Callable[[], Any],
) -> JSONResponse:
    """The whole mechanism for a route: replay the first response of ``key``, or run ``action``
    (the service call) once and remember what it answered."""
    replay = idempotent(db, actor, request, key, body)
    if replay is not None:
        return replay
    return remember(db, actor, key, status_code, action())
