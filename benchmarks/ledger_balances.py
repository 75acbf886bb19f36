"""Posting 100,000 postings, then a trial balance and partner balances for 2,000 partners.

The workload is a fund with 2,000 LPs: 20 capital calls, each one entry of 4,000 postings (a
receivable and a capital line per LP), every other one followed by the receipt of the money
(one cash line and 2,000 receivable lines): 100,010 postings in 30 entries. Every entry goes
through the ledger service as a domain would post it: validated, numbered, audited and
announced in the outbox, committed one entry at a time. Then the trial balance and the partner
balances of three partner accounts are timed, best of five. Times are wall-clock with this
process's CPU time beside them (on a busy machine the wall-clock figure includes waiting for a
CPU; on PostgreSQL the server's work is not in the CPU figure).

Run: ``python -m benchmarks.ledger_balances [DATABASE_URL]``. Without a URL it uses a fresh
SQLite file in a temporary directory; with a PostgreSQL URL it uses that (empty) database.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fundhouse.identity.models import Organization
from fundhouse.ledger import service
from fundhouse.ledger.chart import FundAccount
from fundhouse.ledger.service import Line
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.db import Database
from fundhouse.platform.migrate import upgrade

PARTNERS = 2_000
CALLS = 20
FIRST_CALL = date(2025, 1, 15)


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Best wall-clock time, best CPU time, and the result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def run(url: str) -> None:
    upgrade(url)
    database = Database(url)
    db = database.session()
    org = Organization(name="Benchmark Capital", slug=f"bench-{uuid.uuid4().hex[:10]}")
    db.add(org)
    db.flush()
    actor = Actor(
        user_id=uuid.uuid4(),
        org_id=org.id,
        role="accountant",
        permissions=permissions_for("accountant"),
    )
    book = service.create_book(
        db, actor, name="Benchmark Fund", currency="USD", owner_type="fund", owner_id=uuid.uuid4()
    )
    db.commit()
    partners = [uuid.uuid4() for _ in range(PARTNERS)]
    share = [Decimal(1000 + (i % 97)) + Decimal("0.25") for i in range(PARTNERS)]

    postings = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    for call in range(CALLS):
        day = FIRST_CALL + timedelta(days=30 * call)
        lines = [
            Line.debit(FundAccount.CONTRIBUTIONS_RECEIVABLE, a, "USD", party_id=p)
            for p, a in zip(partners, share, strict=True)
        ]
        lines += [
            Line.credit(FundAccount.CAPITAL_CONTRIBUTIONS, a, "USD", party_id=p)
            for p, a in zip(partners, share, strict=True)
        ]
        service.post_entry(
            db,
            actor,
            book.id,
            entry_date=day,
            memo=f"Capital call {call + 1}",
            lines=lines,
            source_type="capital_call",
            source_id=uuid.uuid4(),
        )
        db.commit()
        postings += len(lines)
        if call % 2 == 0:
            receipt = [Line.debit(FundAccount.CASH, sum(share, Decimal(0)), "USD")]
            receipt += [
                Line.credit(FundAccount.CONTRIBUTIONS_RECEIVABLE, a, "USD", party_id=p)
                for p, a in zip(partners, share, strict=True)
            ]
            service.post_entry(
                db,
                actor,
                book.id,
                entry_date=day + timedelta(days=10),
                memo=f"Call {call + 1} received",
                lines=receipt,
                source_type="payment",
                source_id=uuid.uuid4(),
            )
            db.commit()
            postings += len(receipt)
    posting_time = time.perf_counter() - start
    posting_cpu = time.process_time() - start_cpu

    as_of = FIRST_CALL + timedelta(days=30 * CALLS)
    tb_best, tb_cpu, tb = best_of(5, lambda: service.trial_balance(db, actor, book.id, as_of))
    codes = [
        FundAccount.CONTRIBUTIONS_RECEIVABLE,
        FundAccount.CAPITAL_CONTRIBUTIONS,
        FundAccount.CAPITAL_DISTRIBUTIONS,
    ]
    pb_best, pb_cpu, balances = best_of(
        5, lambda: service.partner_balances(db, actor, book.id, codes, as_of)
    )
    assert tb.is_balanced
    assert len({party for party, _code in balances}) == PARTNERS

    entries = CALLS + (CALLS + 1) // 2
    print(f"database: {database.engine.dialect.name}")
    print(
        f"posted {postings:,} postings in {entries} entries: {posting_time:.2f} s "
        f"(CPU {posting_cpu:.2f} s), {postings / posting_time:,.0f} postings/s"
    )
    print(
        f"trial balance over {postings:,} postings: {tb_best * 1000:.0f} ms "
        f"(CPU {tb_cpu * 1000:.0f} ms), {len(tb.rows)} rows, balanced"
    )
    print(
        f"partner balances, {PARTNERS:,} partners x {len(codes)} accounts: "
        f"{pb_best * 1000:.0f} ms (CPU {pb_cpu * 1000:.0f} ms), {len(balances):,} balances"
    )
    db.close()
    database.engine.dispose()


def main() -> None:
    if len(sys.argv) > 1:
        run(sys.argv[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'ledger-benchmark.db'}")


if __name__ == "__main__":
    main()
