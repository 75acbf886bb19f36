"""A book in a fresh organization, and the people who act on it, for the ledger's tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from fundhouse.identity.models import Organization
from fundhouse.ledger import service
from fundhouse.ledger.models import Book
from fundhouse.platform.access import Actor, permissions_for


def make_org(db: Session, name: str = "Northwind Capital") -> Organization:
    org = Organization(name=name, slug=f"org-{uuid.uuid4().hex[:12]}", base_currency="USD")
    db.add(org)
    db.flush()
    return org


def make_actor(org: Organization, role: str = "accountant") -> Actor:
    return Actor(user_id=uuid.uuid4(), org_id=org.id, role=role, permissions=permissions_for(role))


def make_book(db: Session, actor: Actor, currency: str = "USD") -> Book:
    return service.create_book(
        db,
        actor,
        name="Northwind Fund I",
        currency=currency,
        owner_type="fund",
        owner_id=uuid.uuid4(),
    )


def D(value: str) -> Decimal:  # noqa: N802
    return Decimal(value)


@contextmanager
def count_queries(db: Session) -> Iterator[list[str]]:
    """The SQL statements ``db`` runs inside the block."""
    statements: list[str] = []
    connection = db.connection()

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", on_execute)


@pytest.fixture
def org(db: Session) -> Organization:
    return make_org(db)


@pytest.fixture
def actor(org: Organization) -> Actor:
    return make_actor(org)


@pytest.fixture
def book(db: Session, actor: Actor) -> Book:
    return make_book(db, actor)
