"""People, funds and LPs for the fund administration tests, driven through the HTTP API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_org, make_user
from tests.funds.helpers import Desk, desk_for


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
