"""Building blocks of the fund accounting tests: the routes served, and a fund's life in one
line per step (calls paid, investments, sales, valuations, distributions through the API)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.funds.helpers import D, Desk


def paid_call(desk: Desk, fund_id: str, amount: str, on: date, **fields: Any) -> dict[str, Any]:
    """A call issued on ``on`` and paid in full by every LP that same day."""
    call = desk.issued_call(
        fund_id, amount, call_date=on.isoformat(), due_date=on.isoformat(), **fields
    )
    for a in call["allocations"]:
        desk.ok(desk.pay(call["id"], a["investor_id"], a["amount"], received_date=on), 201)
    return call


def company(desk: Desk, fund_id: str, name: str = "Acme Robotics") -> dict[str, Any]:
    return desk.ok(desk.post(f"/funds/{fund_id}/portfolio-companies", {"name": name}), 201)


def invest(desk: Desk, company_id: str, cost: str, on: date) -> dict[str, Any]:
    body = {"transaction_date": on.isoformat(), "cost_amount": cost}
    return desk.ok(desk.post(f"/portfolio-companies/{company_id}/investments", body), 201)


def realize(desk: Desk, company_id: str, kind: str, on: date, **amounts: str) -> dict[str, Any]:
    body = {"kind": kind, "transaction_date": on.isoformat(), **amounts}
    return desk.ok(desk.post(f"/portfolio-companies/{company_id}/realizations", body), 201)


def value(desk: Desk, company_id: str, fair_value: str, on: date) -> dict[str, Any]:
    body = {"as_of": on.isoformat(), "fair_value": fair_value}
    return desk.ok(desk.post(f"/portfolio-companies/{company_id}/valuations", body), 201)


def distribution_body(amount: str, on: date, **fields: Any) -> dict[str, Any]:
    return {
        "source": "exit",
        "gross_amount": amount,
        "distribution_date": on.isoformat(),
        **fields,
    }


def issued_distribution(
    desk: Desk, fund_id: str, amount: str, on: date, **fields: Any
) -> dict[str, Any]:
    """Drafted by the maker, approved by the checker, issued by the maker."""
    draft = desk.ok(
        desk.post(f"/funds/{fund_id}/distributions", distribution_body(amount, on, **fields)), 201
    )
    desk.ok(desk.post(f"/distributions/{draft['id']}/approve", headers=desk.checker_headers))
    return desk.ok(desk.post(f"/distributions/{draft['id']}/issue"))


def by_investor(items: list[dict[str, Any]], key: str = "amount") -> dict[str, Any]:
    return {item["investor_id"]: D(item[key]) for item in items}


def reconciles(desk: Desk, fund: dict[str, Any], as_of: date = date(2099, 1, 1)) -> dict[str, Any]:
    """The reconciliation endpoint's answer, asserted to reconcile."""
    check = desk.ok(desk.get(f"/funds/{fund['id']}/reconciliation?as_of={as_of.isoformat()}"))
    assert check["reconciles"], check
    assert D(check["equity_difference"]) == 0 and D(check["nav_difference"]) == 0
    return check


@contextmanager
def counting_queries(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
