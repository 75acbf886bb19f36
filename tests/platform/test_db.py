"""The exact decimal column and UTC timestamps round-trip on every backend (DESIGN.md §3)."""

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, MetaData, Table, insert, select, text

from fundhouse.platform.db import ExactDecimal, UTCDateTime

metadata = MetaData()
probe = Table(
    "decimal_probe",
    metadata,
    Column("amount", ExactDecimal()),
    Column("at", UTCDateTime()),
)


@pytest.fixture
def probe_table(connection):
    metadata.create_all(connection)
    yield probe


@pytest.mark.parametrize(
    "value",
    [
        Decimal("12345678901234.1234567890"),
        Decimal("0.1") + Decimal("0.2"),
        Decimal("-0.000000000000000001"),
        Decimal("99999999999999999999.99"),
        Decimal("0"),
    ],
)
def test_exact_decimal_round_trips(connection, probe_table, value):
    connection.execute(insert(probe_table).values(amount=value))
    stored = connection.execute(select(probe_table.c.amount)).scalar_one()
    assert stored == value
    assert isinstance(stored, Decimal)
    if value == Decimal("0.3"):
        assert str(stored) in {"0.3", "0.30"}


def test_exact_decimal_refuses_floats(connection, probe_table):
    with pytest.raises(Exception, match="Decimal, not float"):
        connection.execute(insert(probe_table).values(amount=0.1))


def test_timestamps_come_back_in_utc(connection, probe_table):
    local = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    connection.execute(insert(probe_table).values(at=local))
    stored = connection.execute(select(probe_table.c.at)).scalar_one()
    assert stored == local
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 1, 14, 30, tzinfo=UTC)


def test_naive_timestamps_are_refused(connection, probe_table):
    with pytest.raises(Exception, match="timezone-aware"):
        connection.execute(insert(probe_table).values(at=datetime(2026, 1, 1)))


def _read_then_write(
    database, writes: bool, errors: list[BaseException], both_read: threading.Barrier | None
) -> None:
    """Read the counter, think, write it back one higher: a request's shape."""
    try:
        with database.session(writes=writes) as session:
            n = session.execute(text("SELECT n FROM counter")).scalar_one()
            if both_read is not None:
                both_read.wait(10)
            time.sleep(0.2)
            session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
            session.commit()
    except BaseException as exc:  # noqa: BLE001 - collected for the assertion
        errors.append(exc)


def _counter_database(tmp_path, name: str):
    from fundhouse.platform.db import Database

    database = Database(f"sqlite:///{tmp_path / name}")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    return database


def _race(database, writes: bool) -> tuple[list[BaseException], int]:
    errors: list[BaseException] = []
    # Begun deferred, make sure both have read before either writes; begun IMMEDIATE, the
    # second cannot read before the first commits, so nothing is awaited.
    both_read = None if writes else threading.Barrier(2)
    threads = [
        threading.Thread(target=_read_then_write, args=(database, writes, errors, both_read))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with database.session() as session:
        n = session.execute(text("SELECT n FROM counter")).scalar_one()
    database.engine.dispose()
    return errors, n


def test_sqlite_writers_that_read_first_queue_instead_of_failing(tmp_path):
    # Begun IMMEDIATE, the second waits for the first and reads its result: no error, and no
    # lost update.
    errors, n = _race(_counter_database(tmp_path, "immediate.db"), writes=True)
    assert errors == [] and n == 2


def test_deferred_sqlite_transactions_that_read_first_can_fail_to_write(tmp_path):
    # Why writers begin IMMEDIATE: begun deferred, the second writer's snapshot is stale by
    # the time it writes and SQLite refuses at once, whatever the busy timeout.
    errors, n = _race(_counter_database(tmp_path, "deferred.db"), writes=False)
    assert n == 1 and len(errors) == 1 and "locked" in str(errors[0])
