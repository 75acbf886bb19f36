"""Lists cost a fixed number of queries, whatever their length (no N+1)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements(connection):
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def queries_per_list(desk, connection, fund) -> dict[str, int]:
    paths = {
        "commitments": (f"/funds/{fund['id']}/commitments", {}),
        "calls": ("/capital-calls", {"fund_id": fund["id"]}),
        "payments": ("/payments", {"fund_id": fund["id"]}),
        "investors": ("/investors", {"fund_id": fund["id"]}),
    }
    counts = {}
    for name, (path, params) in paths.items():
        with statements(connection) as seen:
            desk.ok(desk.get(path, params=params))
        counts[name] = len(seen)
    return counts


def grow(desk, fund, lps: int, calls: int) -> None:
    desk.lps(fund["id"], ["1000000"] * lps, prefix=f"LP{lps}")
    for _ in range(calls):
        call = desk.issued_call(fund["id"], "1000")
        for share in call["allocations"]:
            desk.ok(desk.pay(call["id"], share["investor_id"], share["amount"]), 201)


def test_list_queries_do_not_grow_with_rows(desk, connection):
    fund = desk.fund()
    grow(desk, fund, lps=1, calls=1)
    small = queries_per_list(desk, connection, fund)
    grow(desk, fund, lps=5, calls=3)
    large = queries_per_list(desk, connection, fund)
    assert large == small
    assert min(large.values()) > 0 and max(large.values()) <= 12, large
