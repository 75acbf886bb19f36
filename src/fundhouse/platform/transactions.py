"""Work that must wait until a session's transaction has ended, one way or the other.

A job must not start, and the outbox drainer need not wake, for a change that was rolled back:
both are told after the commit, never before (like Django's ``transaction.on_commit``). An
idempotency key reserved for a request is released when the request's transaction rolls back.
Only the session's outermost transaction counts: releasing or rolling back a SAVEPOINT changes
nothing here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("fundhouse.transactions")

_ON_COMMIT = "fundhouse.on_commit"
_ON_ROLLBACK = "fundhouse.on_rollback"

EndCallback = Callable[[list[Any]], None]


def on_commit(db: Session, key: str, callback: EndCallback, item: Any = None) -> None:
    """Call ``callback(items)`` once the session's outermost transaction commits.

    Every call with the same ``key`` in one transaction adds ``item`` to the list the callback
    receives; the first callback registered for the key is the one called. A rollback forgets
    them. A failing callback is logged, never raised: the data is committed by then and the
    request must not report a failure.
    """
    _register(db, _ON_COMMIT, key, callback, item)


def on_rollback(db: Session, key: str, callback: EndCallback, item: Any = None) -> None:
    """Call ``callback(items)`` if the session's outermost transaction rolls back (or closes
    without committing); a commit forgets them."""
    _register(db, _ON_ROLLBACK, key, callback, item)


def _register(db: Session, slot: str, key: str, callback: EndCallback, item: Any) -> None:
    if not event.contains(db, "after_commit", _after_commit):
        event.listen(db, "after_commit", _after_commit)
        event.listen(db, "after_transaction_end", _after_transaction_end)
    pending: dict[str, tuple[EndCallback, list[Any]]] = db.info.setdefault(slot, {})
    _, items = pending.setdefault(key, (callback, []))
    if item is not None:
        items.append(item)


def _run(pending: dict[str, tuple[EndCallback, list[Any]]]) -> None:
    for key, (callback, items) in pending.items():
        try:
            callback(items)
        except Exception:
            log.exception("callback %s after the end of a transaction failed", key)


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    session.info.pop(_ON_ROLLBACK, None)
    _run(session.info.pop(_ON_COMMIT, {}))


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    # A commit has run and removed its callbacks by now; whatever is left did not commit.
    session.info.pop(_ON_COMMIT, None)
    _run(session.info.pop(_ON_ROLLBACK, {}))
