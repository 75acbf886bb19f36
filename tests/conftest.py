"""One migrated database per run; each test runs inside a transaction rolled back at its end.

SQLite always; PostgreSQL when ``FUNDHOUSE_TEST_BACKEND=postgres`` and
``FUNDHOUSE_TEST_DATABASE_URL`` are set (``make test`` runs the suite on both when it can).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from fundhouse.platform.db import Database, make_engine
from fundhouse.platform.migrate import upgrade
from fundhouse.settings import Settings, set_settings


def _test_database_url(tmp_dir: Path) -> str:
    if os.environ.get("FUNDHOUSE_TEST_BACKEND") == "postgres":
        url = os.environ.get("FUNDHOUSE_TEST_DATABASE_URL")
        if not url:
            pytest.exit("FUNDHOUSE_TEST_BACKEND=postgres needs FUNDHOUSE_TEST_DATABASE_URL", 2)
        return url
    return f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    s = Settings(
        data_dir=data_dir,
        secret_key="test-secret-key-for-the-test-run-only-0123456789",
        rate_limit_ip="100000/minute",
        rate_limit_user="100000/minute",
        rate_limit_login="100000/minute",
        argon2_time_cost=1,
        argon2_memory_cost_kib=1024,
        argon2_parallelism=1,
        job_threads=0,
        log_json=False,
        log_level="WARNING",
        web_dist=data_dir / "no-web",
    )
    set_settings(s)
    return s


@pytest.fixture(scope="session")
def engine(settings: Settings, data_dir: Path) -> Iterator[Engine]:
    url = _test_database_url(data_dir)
    schema = None
    if url.startswith("postgresql"):
        # A schema of its own per run (and per xdist worker), so runs never collide.
        schema = f"fh_test_{os.getpid()}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        # The search path rides in the URL, so every engine made from it (a committed test
        # database, a worker in another thread) works in this run's schema too.
        url = (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
        eng = make_engine(url)
    else:
        eng = make_engine(url)
    with eng.begin() as conn:
        upgrade(connection=conn)
    yield eng
    eng.dispose()
    if schema:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def database(engine: Engine, connection: Connection) -> Iterator[Database]:
    """A :class:`Database` whose sessions all live inside the test's outer transaction.

    Jobs and outbox events committed during the test run eagerly against it, never against
    the real database.
    """
    from fundhouse.platform.jobs import EagerJobRunner, activate_runner

    test_db = Database(str(engine.url), engine=engine)
    test_db.session_factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    test_db.write_session_factory = test_db.session_factory
    previous = activate_runner(EagerJobRunner(test_db))
    try:
        yield test_db
    finally:
        activate_runner(previous)


@pytest.fixture
def db(database: Database) -> Iterator[Session]:
    session = database.session()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="session")
def base_app(settings: Settings, engine: Engine) -> FastAPI:
    from fundhouse.app import create_app

    return create_app(settings, database=Database(str(engine.url), engine=engine))


@pytest.fixture
def app(base_app: FastAPI, database: Database) -> Iterator[FastAPI]:
    original = base_app.state.db
    base_app.state.db = database
    base_app.state.rate_limiter.reset()
    try:
        yield base_app
    finally:
        base_app.state.db = original


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as c:
        yield c
