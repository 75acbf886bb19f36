"""The list and period parameters every router shares read what the API document promises."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fundhouse.platform.errors import install_error_handlers
from fundhouse.platform.http import AsOf, End, Start


@pytest.fixture
def client():
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/period")
    def period(as_of: AsOf = None, start: Start = None, end: End = None) -> dict[str, str | None]:
        return {
            "as_of": as_of and as_of.isoformat(),
            "start": start and start.isoformat(),
            "end": end and end.isoformat(),
        }

    with TestClient(app) as c:
        yield c


def test_dates_are_read_from_yyyy_mm_dd(client):
    response = client.get("/period", params={"as_of": "2026-03-31", "start": "2026-01-01"})
    assert response.json() == {"as_of": "2026-03-31", "start": "2026-01-01", "end": None}
    assert date.fromisoformat(response.json()["as_of"]) == date(2026, 3, 31)


@pytest.mark.parametrize("name", ["as_of", "start", "end"])
@pytest.mark.parametrize("value", ["0", "1767139200", "20260331", "2026-03-31T00:00:00"])
def test_a_number_or_a_timestamp_is_not_a_date(client, name, value):
    # Pydantic alone would read "0" as 1970-01-01.
    response = client.get("/period", params={name: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == name
