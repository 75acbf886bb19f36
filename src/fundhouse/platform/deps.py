"""Request-scoped dependencies shared by every router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fundhouse.platform.access import REQUEST_ACTOR_INFO, Actor, mark_permission_rule, require
from fundhouse.platform.db import Database
from fundhouse.platform.errors import AppError
from fundhouse.settings import Settings


def get_database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, committed once when the route returns, before the response.

    Services flush and never commit, so a request is all or nothing; the one exception is a
    refusal raised with ``keep_changes`` (a failed login must still count the failure). A
    request that may write (any method but GET, HEAD and OPTIONS) holds SQLite's write lock
    from its first statement, so concurrent writers queue instead of failing.
    """
    session = get_database(request).session(writes=request.method not in _SAFE_METHODS)
    try:
        yield session
        session.commit()
    except AppError as exc:
        if exc.keep_changes:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


DbSession = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_app_settings)]


def _resolve_actor(request: Request, db: Session) -> Actor:
    """The acting user of this request, resolved once by the identity domain's resolver.

    The resolver is installed on ``app.state.resolve_actor`` by the app factory, so the
    platform layer never imports a domain.
    """
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    actor: Actor = request.app.state.resolve_actor(request, db)
    request.state.actor = actor
    db.info[REQUEST_ACTOR_INFO] = actor
    return actor


def authenticated(request: Request, db: DbSession) -> Actor:
    return _resolve_actor(request, db)


mark_permission_rule(authenticated, "authenticated")


def requires(*permissions: str) -> Any:
    """A dependency that authenticates the request and demands every one of ``permissions``.

    Use as ``actor: Annotated[Actor, requires("fund:read")]``; the route audit test reads the
    rule it carries.
    """

    def dependency(request: Request, db: DbSession) -> Actor:
        actor = _resolve_actor(request, db)
        require(actor, *permissions)
        return actor

    mark_permission_rule(dependency, "perm:" + ",".join(permissions))
    return Depends(dependency)


CurrentActor = Annotated[Actor, Depends(authenticated)]
