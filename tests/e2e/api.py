"""Building a browser test's fund through the public API, signed in as the demo users: the
steps several tests share (a fund with its LPs, a call issued and paid in full)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tests.e2e.conftest import LiveServer


def api_client(live_server: LiveServer, role: str) -> httpx.Client:
    """An API client signed in with a bearer token as the demo user of ``role``."""
    login = live_server.login(role)
    client = httpx.Client(base_url=f"{live_server.url}/api/v1", timeout=30)
    answer = client.post("/auth/token", data={"username": login.email, "password": login.password})
    answer.raise_for_status()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client


def ok(answer: httpx.Response) -> dict[str, Any]:
    assert answer.is_success, answer.text
    body: dict[str, Any] = answer.json()
    return body


def created(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def fund_with_lps(
    manager: httpx.Client,
    name: str,
    lps: Sequence[tuple[str, str]],
    *,
    initial_close: str = "2025-01-15",
    **fields: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A USD fund with its initial close, and each (investor name, amount) committed at it:
    the fund and its new investors, in the order given."""
    fund = created(
        manager.post(
            "/funds",
            json={
                "name": name,
                "currency": "USD",
                "vintage": int(initial_close[:4]),
                "initial_close_date": initial_close,
                **fields,
            },
        )
    )
    investors = []
    for investor_name, amount in lps:
        investor = created(
            manager.post("/investors", json={"kind": "entity", "name": investor_name})
        )
        investors.append(investor)
        created(
            manager.post(
                f"/funds/{fund['id']}/commitments",
                json={"investor_id": investor["id"], "amount": amount},
            )
        )
    return fund, investors


def issued_call(
    manager: httpx.Client,
    accountant: httpx.Client,
    fund_id: str,
    amount: str,
    *,
    call_date: str = "2025-02-03",
    due_date: str = "2025-02-17",
) -> dict[str, Any]:
    """A capital call for investment, drafted by the manager, approved by the accountant (the
    second person) and issued: its detail, with the allocations."""
    call = created(
        manager.post(
            f"/funds/{fund_id}/capital-calls",
            json={
                "purpose": "investment",
                "amount": amount,
                "call_date": call_date,
                "due_date": due_date,
            },
        )
    )
    ok(accountant.post(f"/capital-calls/{call['id']}/approve"))
    return ok(manager.post(f"/capital-calls/{call['id']}/issue"))


def pay_in_full(
    accountant: httpx.Client, call: dict[str, Any], received_date: str = "2025-02-14"
) -> None:
    """Every LP pays its whole share of ``call`` on ``received_date``."""
    for allocation in call["allocations"]:
        created(
            accountant.post(
                f"/capital-calls/{call['id']}/payments",
                json={
                    "investor_id": allocation["investor_id"],
                    "commitment_id": allocation["commitment_id"],
                    "amount": allocation["amount_due"],
                    "received_date": received_date,
                },
            )
        )
