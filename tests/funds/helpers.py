"""A desk of fund managers acting through the API, in one line per step."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fundhouse.identity.models import Organization, User
from fundhouse.ledger import service as ledger
from fundhouse.ledger.chart import FundAccount
from fundhouse.platform.access import Actor, permissions_for
from tests.factories import login, make_user

API = "/api/v1"
INITIAL_CLOSE_DATE = date(2024, 1, 1)
"""The initial close of the desk's funds unless a test names another: before every date the
tests call, pay or distribute on (a call cannot be dated before the initial close)."""
CALL_DATE = date(2024, 3, 1)
DUE_DATE = date(2024, 3, 31)
PAID_DATE = date(2024, 3, 20)


def D(value: str) -> Decimal:  # noqa: N802
    return Decimal(value)


@dataclass
class Desk:
    """Two fund managers of one organization: the maker drafts, the checker approves."""

    client: TestClient
    org: Organization
    maker: User
    checker: User
    headers: dict[str, str]
    checker_headers: dict[str, str]

    # --- HTTP ---

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> httpx.Response:
        return self.client.get(API + path, headers=headers or self.headers, **kw)

    def post(
        self, path: str, json: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        return self.client.post(API + path, json=json, headers=headers or self.headers, **kw)

    def patch(self, path: str, json: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.client.patch(API + path, json=json, headers=headers or self.headers)

    @staticmethod
    def ok(response: httpx.Response, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    # --- building blocks ---

    def fund(self, **fields: Any) -> dict[str, Any]:
        body = {
            "name": f"Fund {uuid.uuid4().hex[:6]}",
            "currency": "USD",
            "initial_close_date": INITIAL_CLOSE_DATE.isoformat(),
            **fields,
        }
        return self.ok(self.post("/funds", body), 201)

    def investor(self, name: str, **fields: Any) -> dict[str, Any]:
        body = {"kind": "entity", "name": name, **fields}
        return self.ok(self.post("/investors", body), 201)

    def commit(self, fund_id: str, investor_id: str, amount: str, **fields: Any) -> dict[str, Any]:
        body = {"investor_id": investor_id, "amount": amount, **fields}
        return self.ok(self.post(f"/funds/{fund_id}/commitments", body), 201)

    def lps(self, fund_id: str, amounts: list[str], prefix: str = "LP") -> list[dict[str, Any]]:
        """One investor and commitment per amount, created in order (sequence 1, 2, ...)."""
        return [
            self.commit(fund_id, self.investor(f"{prefix} {i}")["id"], amount)
            for i, amount in enumerate(amounts, start=1)
        ]

    def draft(self, fund_id: str, amount: str, **fields: Any) -> dict[str, Any]:
        body = {
            "purpose": "investment",
            "amount": amount,
            "call_date": CALL_DATE.isoformat(),
            "due_date": DUE_DATE.isoformat(),
            **fields,
        }
        return self.ok(self.post(f"/funds/{fund_id}/capital-calls", body), 201)

    def approve(self, call_id: str) -> dict[str, Any]:
        return self.ok(self.post(f"/capital-calls/{call_id}/approve", headers=self.checker_headers))

    def issue(self, call_id: str) -> dict[str, Any]:
        return self.ok(self.post(f"/capital-calls/{call_id}/issue"))

    def issued_call(self, fund_id: str, amount: str, **fields: Any) -> dict[str, Any]:
        call = self.draft(fund_id, amount, **fields)
        self.approve(call["id"])
        return self.issue(call["id"])

    def pay(
        self,
        call_id: str,
        investor_id: str,
        amount: str,
        *,
        key: str | None = None,
        received_date: date = PAID_DATE,
        **fields: Any,
    ) -> httpx.Response:
        body = {
            "investor_id": investor_id,
            "amount": amount,
            "received_date": received_date.isoformat(),
            **fields,
        }
        headers = {**self.headers, "Idempotency-Key": key} if key else self.headers
        return self.post(f"/capital-calls/{call_id}/payments", body, headers=headers)

    # --- the books, read directly ---

    def accountant(self) -> Actor:
        return Actor(
            user_id=self.maker.id,
            org_id=self.org.id,
            role="accountant",
            permissions=permissions_for("accountant"),
        )

    def trial_balance(self, db: Session, fund: dict[str, Any]) -> ledger.TrialBalance:
        return ledger.trial_balance(db, self.accountant(), uuid.UUID(fund["book_id"]), date.max)

    def partner_balances(self, db: Session, fund: dict[str, Any], code: str) -> dict[str, Decimal]:
        """Net balance (debit +, credit −) of one partner account, by investor id."""
        balances = ledger.partner_balances(
            db, self.accountant(), uuid.UUID(fund["book_id"]), [code], date.max
        )
        return {str(party): amount for (party, _), amount in balances.items() if amount != 0}

    def capital_contributed(self, db: Session, fund: dict[str, Any]) -> dict[str, Decimal]:
        """Partners' capital — contributions (3000), as positive amounts by investor id."""
        return {
            party: -amount
            for party, amount in self.partner_balances(
                db, fund, FundAccount.CAPITAL_CONTRIBUTIONS
            ).items()
        }


def desk_for(db: Session, client: TestClient, org: Organization) -> Desk:
    maker = make_user(db, org, role="fund_manager")
    checker = make_user(db, org, role="fund_manager")
    return Desk(client, org, maker, checker, login(client, maker), login(client, checker))


def problem_fields(response: httpx.Response) -> set[str]:
    """The fields a problem+json answer names."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {e["field"] for e in response.json().get("errors", [])}
