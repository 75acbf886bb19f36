"""The exact decimal column and UTC timestamps round-trip on every backend (DESIGN.md §3)."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, MetaData, Table, insert, select

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
