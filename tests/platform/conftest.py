"""Fixtures for the platform machinery: which job runner is active, a committing database, Redis."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import redis
from sqlalchemy import delete
from sqlalchemy.engine import Engine

from fundhouse.platform.db import Database
from fundhouse.platform.jobs import EagerJobRunner, activate_runner
from fundhouse.platform.jobs_models import Job, OutboxEvent

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def no_runner(database: Database) -> Iterator[None]:
    """No job runner: committed jobs stay queued and events stay in the outbox.

    Depends on ``database`` so that it is set up after, and overrides, the eager runner.
    """
    previous = activate_runner(None)
    try:
        yield
    finally:
        activate_runner(previous)


@pytest.fixture
def eager(database: Database) -> Iterator[EagerJobRunner]:
    """The test mode: jobs and events run right after commit, inside the test's transaction."""
    runner = EagerJobRunner(database)
    previous = activate_runner(runner)
    try:
        yield runner
    finally:
        activate_runner(previous)


@pytest.fixture
def committed_database(engine: Engine, no_runner: None) -> Iterator[Database]:
    """The test database itself, committing for real (for runners in other threads or
    processes); the jobs and events written are deleted afterwards."""
    database = Database(engine.url.render_as_string(hide_password=False))
    try:
        yield database
    finally:
        with database.engine.begin() as conn:
            conn.execute(delete(Job))
            conn.execute(delete(OutboxEvent))
        database.engine.dispose()


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    """Redis database 15, empty before and after the test."""
    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def wait_for(
    condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.02
) -> object:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)
