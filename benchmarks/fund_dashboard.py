"""Print how fast the fund dashboard and the capital accounts are for a large fund.

Run with ``python -m benchmarks.fund_dashboard [N]`` (N dashboard calls, 20 by default). It
builds, in a temporary SQLite database, a fund with 2,000 LPs (and its GP) and ten years of
quarterly history, written in bulk with the rows and balanced ledger entries the services
write (the services themselves would take much longer to replay ten years of 2,000 LPs):

* 24 quarterly capital calls, each with its 2,000 allocations and 2,000 payments, the issue
  entry (receivable and contributions per LP) and one receipt entry per payment;
* 40 quarterly management fees (Dr 5000 per LP) and fund expenses (Dr 5100 per partner), each
  accrued and paid; 24 purchases of investments at cost;
* 38 quarterly valuation changes and 16 realizations allocated to every partner, 16
  distributions (declared per partner, then paid) and 28 quarterly carry accruals.

About 610,000 postings in 48,000 entries. Then it prints, through ``TestClient`` with a real
token: the first ``GET /funds/{id}/dashboard`` and the median and 95th percentile of N more;
and, through the services, the time to compute every partner's capital account for the last
quarter, the reconciliation of the capital accounts with the ledger, and every LP's
performance (IRRs solved together).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, routing
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from fundhouse.app import API_PREFIX, create_app
from fundhouse.finance.allocation import allocate
from fundhouse.funds.accounts import capital_accounts, performance
from fundhouse.funds.models import (
    CallAllocation,
    CallPurpose,
    CallStatus,
    CapitalCall,
    Commitment,
    Distribution,
    DistributionAllocation,
    DistributionSource,
    DistributionStatus,
    Fund,
    Investor,
    InvestorKind,
    Payment,
    WaterfallTier,
)
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import FundCreate
from fundhouse.identity import service as identity
from fundhouse.ledger.chart import FundAccount as A
from fundhouse.ledger.models import Account, Book, JournalEntry, Posting
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.db import Database, utcnow
from fundhouse.platform.migrate import upgrade
from fundhouse.settings import Settings, set_settings

LPS = 2_000
QUARTERS = 40
CALL_QUARTERS = 24
FIRST_DISTRIBUTION = 24
FIRST_ACCRUAL = 12
SEED = 20150101
PASSWORD = "benchmark password 2015"
CENT = Decimal("0.01")
T = TypeVar("T")


def quarter_start(q: int) -> date:
    return date(2015 + q // 4, 3 * (q % 4) + 1, 1)


def quarter_end(q: int) -> date:
    following = quarter_start(q + 1)
    return date.fromordinal(following.toordinal() - 1)


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def cpu_timed(fn: Callable[[], T]) -> tuple[str, T]:
    """ "<wall> ms (CPU <cpu> ms)" and the result: on a busy machine the wall-clock time
    includes waiting for a CPU, the CPU time of this process (SQLite runs in it) does not."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return f"{wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)", result


class BulkBook:
    """Balanced entries of one book, inserted many at a time."""

    def __init__(self, db: Session, fund: Fund, user_id: uuid.UUID) -> None:
        self.db = db
        self.fund = fund
        self.user_id = user_id
        self.accounts = dict(
            db.execute(
                select(Account.code, Account.id).where(Account.book_id == fund.book_id)
            ).all()
        )
        self.number = 0
        self.entries: list[dict[str, Any]] = []
        self.postings: list[dict[str, Any]] = []
        self.rows: list[tuple[Any, list[dict[str, Any]]]] = []
        self.count = 0

    def entry(
        self,
        day: date,
        memo: str,
        source_type: str,
        lines: Sequence[tuple[str, Decimal, uuid.UUID | None]],
        source_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        if sum(amount for _, amount, _ in lines) != 0:
            raise ValueError(f"unbalanced entry: {memo}")
        self.number += 1
        entry_id = uuid.uuid4()
        self.entries.append(
            {
                "id": entry_id,
                "org_id": self.fund.org_id,
                "book_id": self.fund.book_id,
                "number": self.number,
                "entry_date": day,
                "memo": memo,
                "source_type": source_type,
                "source_id": source_id,
                "created_by": self.user_id,
                "created_at": utcnow(),
            }
        )
        for line_no, (code, amount, party) in enumerate(lines, start=1):
            if amount:
                self.postings.append(
                    {
                        "id": uuid.uuid4(),
                        "org_id": self.fund.org_id,
                        "entry_id": entry_id,
                        "line_no": line_no,
                        "account_id": self.accounts[code],
                        "party_id": party,
                        "amount": amount,
                        "currency": self.fund.currency,
                    }
                )
        if len(self.postings) > 50_000:
            self.flush()
        return entry_id

    def later(self, model: Any, rows: list[dict[str, Any]]) -> None:
        """Rows that refer to entries: inserted after them, in the order given."""
        self.rows.append((model, rows))

    def flush(self) -> None:
        if self.entries:
            self.db.execute(insert(JournalEntry), self.entries)
        if self.postings:
            self.db.execute(insert(Posting), self.postings)
        for model, rows in self.rows:
            self.db.execute(insert(model), rows)
        self.count += len(self.postings)
        self.entries, self.postings, self.rows = [], [], []
        self.db.execute(
            update(Book).where(Book.id == self.fund.book_id).values(last_entry_number=self.number)
        )


def split(total: Decimal, weights: dict[uuid.UUID, Decimal]) -> dict[uuid.UUID, Decimal]:
    return allocate(total, weights, CENT).by_key()


def partner_lines(
    code: str, shares: dict[uuid.UUID, Decimal], sign: int
) -> list[tuple[str, Decimal, uuid.UUID | None]]:
    return [(code, sign * amount, party) for party, amount in shares.items()]


def build(db: Session, actor: Actor) -> Fund:
    """The fund, its partners and ten years of activity (see the module)."""
    rng = random.Random(SEED)
    fund = service.get_fund_row(
        db,
        actor,
        service.create_fund(
            db,
            actor,
            FundCreate(
                name="Benchmark Fund X", currency="USD", initial_close_date=date(2015, 1, 1)
            ),
        ).id,
    )
    close = service.create_close(db, actor, fund.id, date(2015, 1, 1))
    investors = [
        {
            "id": uuid.uuid4(),
            "org_id": actor.org_id,
            "kind": InvestorKind.ENTITY,
            "name": f"LP {i:04d}",
            "withholding_rate": Decimal(0),
        }
        for i in range(LPS + 1)
    ]
    db.execute(insert(Investor), investors)
    lp_ids = [row["id"] for row in investors[:LPS]]
    gp_id = investors[LPS]["id"]
    amounts = {i: Decimal(rng.randrange(1_000, 10_000)) * 1000 for i in lp_ids}
    amounts[gp_id] = (sum(amounts.values(), Decimal(0)) / 99).quantize(Decimal(1000))
    db.execute(
        insert(Commitment),
        [
            {
                "id": uuid.uuid4(),
                "org_id": actor.org_id,
                "fund_id": fund.id,
                "investor_id": investor_id,
                "close_id": close.id,
                "amount": amount,
                "is_gp": investor_id == gp_id,
                "sequence": n,
            }
            for n, (investor_id, amount) in enumerate(amounts.items(), start=1)
        ],
    )
    fund.gp_investor_id = gp_id
    db.flush()
    commitment_ids = dict(
        db.execute(
            select(Commitment.investor_id, Commitment.id).where(Commitment.fund_id == fund.id)
        ).all()
    )
    lp_weights = {i: amounts[i] for i in lp_ids}
    total = sum(amounts.values(), Decimal(0))
    book = BulkBook(db, fund, actor.user_id)
    cost_held = Decimal(0)
    for q in range(QUARTERS):
        start, end = quarter_start(q), quarter_end(q)
        if q < CALL_QUARTERS:
            called = (total * Decimal("0.035")).quantize(CENT)
            shares = split(called, amounts)
            call_id = uuid.uuid4()
            book.later(
                CapitalCall,
                [
                    {
                        "id": call_id,
                        "org_id": actor.org_id,
                        "fund_id": fund.id,
                        "number": q + 1,
                        "purpose": CallPurpose.INVESTMENT,
                        "amount": called,
                        "call_date": start,
                        "due_date": start,
                        "status": CallStatus.PAID,
                        "created_by": actor.user_id,
                        "ledger_entry_id": book.entry(
                            start,
                            f"Capital call #{q + 1}",
                            "capital_call",
                            partner_lines(A.CONTRIBUTIONS_RECEIVABLE, shares, 1)
                            + partner_lines(A.CAPITAL_CONTRIBUTIONS, shares, -1),
                            call_id,
                        ),
                    }
                ],
            )
            allocations, payments = [], []
            for n, (investor_id, amount) in enumerate(shares.items(), start=1):
                allocation_id, payment_id = uuid.uuid4(), uuid.uuid4()
                allocations.append(
                    {
                        "id": allocation_id,
                        "org_id": actor.org_id,
                        "call_id": call_id,
                        "commitment_id": commitment_ids[investor_id],
                        "investor_id": investor_id,
                        "sequence": n,
                        "amount": amount,
                        "paid_amount": amount,
                    }
                )
                payments.append(
                    {
                        "id": payment_id,
                        "org_id": actor.org_id,
                        "fund_id": fund.id,
                        "call_id": call_id,
                        "call_allocation_id": allocation_id,
                        "investor_id": investor_id,
                        "amount": amount,
                        "received_date": start,
                        "created_by": actor.user_id,
                        "ledger_entry_id": book.entry(
                            start,
                            f"Payment of capital call #{q + 1}",
                            "payment",
                            [
                                (A.CASH, amount, None),
                                (A.CONTRIBUTIONS_RECEIVABLE, -amount, investor_id),
                            ],
                            payment_id,
                        ),
                    }
                )
            book.later(CallAllocation, allocations)
            book.later(Payment, payments)
            invested = (called * Decimal("0.9")).quantize(CENT)
            cost_held += invested
            book.entry(
                start,
                "Investment",
                "investment",
                [(A.INVESTMENTS_AT_COST, invested, None), (A.CASH, -invested, None)],
            )
        rate = Decimal("0.005") if q < 20 else Decimal("0.00375")
        fee = (sum(lp_weights.values(), Decimal(0)) * rate).quantize(CENT)
        fees = split(fee, lp_weights)
        book.entry(
            start,
            "Management fee",
            "fee_run",
            [
                *partner_lines(A.MANAGEMENT_FEE_EXPENSE, fees, 1),
                (A.MANAGEMENT_FEES_PAYABLE, -fee, None),
            ],
        )
        book.entry(
            start,
            "Fee paid",
            "manual",
            [(A.MANAGEMENT_FEES_PAYABLE, fee, None), (A.CASH, -fee, None)],
        )
        expense = Decimal("50000.00")
        book.entry(
            end,
            "Fund expenses",
            "fund_expense",
            [
                *partner_lines(A.FUND_EXPENSES, split(expense, amounts), 1),
                (A.ACCRUED_EXPENSES_PAYABLE, -expense, None),
            ],
        )
        book.entry(
            end,
            "Expenses paid",
            "manual",
            [(A.ACCRUED_EXPENSES_PAYABLE, expense, None), (A.CASH, -expense, None)],
        )
        if q >= 2:
            change = (cost_held * Decimal(rng.randrange(-20, 60)) / 1000).quantize(CENT)
            if change:
                book.entry(
                    end,
                    "Valuation",
                    "valuation",
                    [
                        (A.UNREALIZED_APPRECIATION, change, None),
                        *partner_lines(
                            A.CHANGE_IN_UNREALIZED_APPRECIATION, split(change, amounts), -1
                        ),
                    ],
                )
        if q >= FIRST_DISTRIBUTION:
            released = (cost_held / 8).quantize(CENT)
            gain = (released * Decimal("0.6")).quantize(CENT)
            cost_held -= released
            book.entry(
                end,
                "Realization",
                "realization",
                [
                    (A.CASH, released + gain, None),
                    (A.INVESTMENTS_AT_COST, -released, None),
                    *partner_lines(A.REALIZED_GAIN, split(gain, amounts), -1),
                ],
            )
            paid = released + gain
            shares = split(paid, amounts)
            distribution_id = uuid.uuid4()
            declared = book.entry(
                end,
                f"Distribution #{q - FIRST_DISTRIBUTION + 1}",
                "distribution",
                partner_lines(A.CAPITAL_DISTRIBUTIONS, shares, 1)
                + partner_lines(A.DISTRIBUTIONS_PAYABLE, shares, -1),
                distribution_id,
            )
            payout = book.entry(
                end,
                "Distribution paid",
                "distribution_payment",
                [*partner_lines(A.DISTRIBUTIONS_PAYABLE, shares, 1), (A.CASH, -paid, None)],
                distribution_id,
            )
            book.later(
                Distribution,
                [
                    {
                        "id": distribution_id,
                        "org_id": actor.org_id,
                        "fund_id": fund.id,
                        "number": q - FIRST_DISTRIBUTION + 1,
                        "source": DistributionSource.EXIT,
                        "gross_amount": paid,
                        "distribution_date": end,
                        "status": DistributionStatus.PAID,
                        "created_by": actor.user_id,
                        "ledger_entry_id": declared,
                        "payment_ledger_entry_id": payout,
                    }
                ],
            )
            book.later(
                DistributionAllocation,
                [
                    {
                        "id": uuid.uuid4(),
                        "org_id": actor.org_id,
                        "distribution_id": distribution_id,
                        "investor_id": investor_id,
                        "commitment_id": commitment_ids[investor_id],
                        "tier": WaterfallTier.RETURN_OF_CAPITAL,
                        "amount": amount,
                        "net_amount": amount,
                    }
                    for investor_id, amount in shares.items()
                ],
            )
        if q >= FIRST_ACCRUAL:
            accrued = Decimal(rng.randrange(-200, 400) * 1000)
            if accrued:
                book.entry(
                    end,
                    "Carried interest accrual",
                    "carry_accrual",
                    [
                        *partner_lines(
                            A.CARRIED_INTEREST_ALLOCATION, split(accrued, lp_weights), 1
                        ),
                        (A.CARRIED_INTEREST_GP, -accrued, gp_id),
                    ],
                    fund.id,
                )
    book.flush()
    db.commit()
    print(f"built {LPS:,} LPs, {QUARTERS} quarters: ", end="")
    print(f"{book.count:,} postings in {book.number:,} entries")
    return fund


def serve_fund_routes(app: FastAPI) -> None:
    """Serve the funds and fund accounting routes before the web app's catch-all route, as
    the app factory does once it includes them (no-op then)."""
    from fundhouse.funds.routes import fund_routers

    iter_contexts = getattr(routing, "iter_route_contexts", None)
    routes = iter_contexts(app.routes) if iter_contexts else app.routes
    served = {getattr(route, "path", "") for route in routes}
    for router in fund_routers():
        paths = [getattr(route, "path", "") for route in router.routes]
        if API_PREFIX + paths[0] in served:
            continue
        before = len(app.router.routes)
        app.include_router(router, prefix=API_PREFIX)
        added = app.router.routes[before:]
        del app.router.routes[before:]
        catch_all = next(
            i for i, r in enumerate(app.router.routes) if getattr(r, "path", "") == "/{path:path}"
        )
        app.router.routes[catch_all:catch_all] = added


def run(calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            secret_key="benchmark-secret-key-0123456789-0123456789",
            argon2_time_cost=1,
            argon2_memory_cost_kib=1024,
            argon2_parallelism=1,
            job_threads=0,
            rate_limit_ip="1000000/minute",
            rate_limit_user="1000000/minute",
            log_level="WARNING",
            log_json=False,
            web_dist=Path(tmp) / "no-web",
        )
        set_settings(settings)
        url = settings.resolved_database_url
        upgrade(url)
        database = Database(url)
        db = database.session()
        org = identity.create_organization(db, "Benchmark Capital", f"bench-{uuid.uuid4().hex[:8]}")
        user = identity.create_user(
            db, org, "accountant@example.com", "Accountant", PASSWORD, "accountant"
        )
        db.commit()
        actor = Actor(user.id, org.id, "accountant", permissions_for("accountant"))
        build_time, fund = timed(lambda: build(db, actor))
        print(f"build: {build_time:.1f} s")

        app = create_app(settings, database)
        serve_fund_routes(app)
        with TestClient(app) as client:
            token = client.post(
                f"{API_PREFIX}/auth/token", data={"username": user.email, "password": PASSWORD}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            path = f"{API_PREFIX}/funds/{fund.id}/dashboard"

            def get() -> Any:
                response = client.get(path, headers=headers)
                assert response.status_code == 200, response.text
                return response.json()

            first, board = cpu_timed(get)
            cpu = time.process_time()
            times = [timed(get)[0] for _ in range(calls)]
            cpu = (time.process_time() - cpu) / calls
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(
            f"GET /funds/{{id}}/dashboard, first call (computed from the ledger): {first}; "
            f"NAV {board['nav']}, TVPI {board['tvpi']:.3f}, {len(board['j_curve'])} quarters"
        )
        print(
            f"GET /funds/{{id}}/dashboard, {calls} more calls (ledger series cached until the "
            f"book changes): median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms a call"
        )

        db = database.session()
        start, end = quarter_start(QUARTERS - 1), quarter_end(QUARTERS - 1)
        figure, page = cpu_timed(
            lambda: capital_accounts.list_capital_accounts(
                db, actor, fund.id, start, end, everything=True
            )
        )
        print(f"capital accounts of every partner ({len(page.items):,}), last quarter: {figure}")
        figure, check = cpu_timed(lambda: capital_accounts.reconcile(db, actor, fund.id, end))
        assert check.reconciles, check
        print(f"reconciliation of the capital accounts with the ledger: {figure} (reconciles)")
        figure, rows = cpu_timed(
            lambda: performance.investor_performance(db, actor, fund.id, end, everything=True)
        )
        print(f"performance of every partner ({len(rows.items):,} IRRs solved together): {figure}")
        db.close()
        database.engine.dispose()


def main() -> None:
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20)


if __name__ == "__main__":
    main()
