"""People, funds and LPs for the fund administration tests, driven through the HTTP API."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_org, make_user
from tests.funds.helpers import API, Desk, desk_for


def _serves_funds(app: FastAPI) -> bool:
    return any(getattr(route, "path", "") == f"{API}/funds" for route in app.routes)


@pytest.fixture(scope="session")
def base_app(base_app: FastAPI) -> FastAPI:
    """The app, serving the funds routes even where the app factory does not include them
    yet: they go before the web app's catch-all route, as the factory would place them."""
    if not _serves_funds(base_app):
        from fundhouse.funds.router import router

        before = len(base_app.router.routes)
        base_app.include_router(router, prefix=API)
        added = base_app.router.routes[before:]
        del base_app.router.routes[before:]
        catch_all = next(
            i
            for i, r in enumerate(base_app.router.routes)
            if getattr(r, "path", "") == "/{path:path}"
        )
        base_app.router.routes[catch_all:catch_all] = added
        base_app.openapi_schema = None
    return base_app


@pytest.fixture
def desk(db: Session, client: TestClient) -> Desk:
    """A fund manager (the maker) and a second fund manager (the checker) of one organization."""
    org = make_org(db)
    return desk_for(db, client, org)


@pytest.fixture
def other_desk(db: Session, client: TestClient) -> Desk:
    """The same people in another organization."""
    org = make_org(db, name="Southwind Partners")
    return desk_for(db, client, org)


@pytest.fixture
def make_member(db: Session):
    def make(desk: Desk, role: str):
        return make_user(db, desk.org, role=role)

    return make
