"""Database machinery: the declarative base, exact column types, engines and sessions.

One session per request, committed once by the dependency that opened it; services flush,
never commit. Relationships load lazily with ``lazy="raise"`` so an N+1 is an error in tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    DateTime,
    Dialect,
    ForeignKey,
    MetaData,
    Numeric,
    String,
    Uuid,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal stored exactly on every backend.

    PostgreSQL keeps it as unconstrained ``NUMERIC`` (arbitrary precision). SQLite has no
    decimal type and would turn ``NUMERIC`` into a float, so there it is stored as canonical
    text. Sums and comparisons of money therefore happen in Python on ``Decimal`` values.
    """

    impl = String
    cache_ok = True
    # Arithmetic in SQL (sums, negation) is for PostgreSQL, where the column is NUMERIC.
    operator_classes = Numeric.operator_classes

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(64))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            if isinstance(value, float):
                raise TypeError("money and quantities must be Decimal, not float")
            value = Decimal(value)
        if not value.is_finite():
            raise ValueError("decimal value must be finite")
        if dialect.name == "postgresql":
            return value
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return value
        return Decimal(str(value))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        Decimal: ExactDecimal(),
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
    }


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TenantMixin:
    """Marks a table as owned by one organization: every query of it filters on ``org_id``."""

    @declared_attr
    def org_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINTs work (SQLAlchemy's
    # documented recipe for pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


SQLITE_IMMEDIATE = "fundhouse_sqlite_immediate"
"""Execution option: on SQLite, begin the transaction with ``BEGIN IMMEDIATE``."""


def _sqlite_begin(conn: Connection) -> None:
    """Deferred by default. A transaction that will write begins IMMEDIATE instead: it takes
    the write lock at once (waiting up to the busy timeout for another writer), so what it read
    cannot go stale before its first write, which SQLite would refuse at once with
    SQLITE_BUSY_SNAPSHOT ("database is locked") whatever the timeout."""
    immediate = conn.get_execution_options().get(SQLITE_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


class Database:
    """The engine and session factory of one running app (or one test run)."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.write_session_factory = sessionmaker(
            self.engine.execution_options(**{SQLITE_IMMEDIATE: True}), expire_on_commit=False
        )

    def session(self, *, writes: bool = False) -> Session:
        """A session; with ``writes``, one whose transactions begin holding SQLite's write lock
        (see :func:`_sqlite_begin`; PostgreSQL is unaffected)."""
        return self.write_session_factory() if writes else self.session_factory()

    def session_scope(self) -> Iterator[Session]:
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
