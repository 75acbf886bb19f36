"""Print how long ILPA capital account statements take for a fund of 1,000 LPs.

Run with ``python -m benchmarks.lp_statements``. It builds, in a temporary SQLite database, a
fund with 1,000 LPs and three and a half years of quarterly history through the services the
API uses: the LPs, their commitments and twelve quarterly capital calls come in through the
data import; then fourteen management fee runs, four fund expenses, five portfolio companies
with purchases and half-yearly valuations, and three distributions through the waterfall. Then
it makes every LP's statement of the last quarter as PDF and XLSX with the batch the
``funds.statements_batch`` job runs, and prints:

* the time to compute every LP's figures (capital accounts and performance, grouped queries);
* the time to render one statement of each format;
* the whole batch (figures, rendering, storing, audit records) and the time per statement.

Figures are one run on this machine; the build itself is timed too, for scale.
"""

from __future__ import annotations

import gc
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from fundhouse.funds.distributions import service as distributions
from fundhouse.funds.distributions.schemas import DistributionCreate, DistributionPay
from fundhouse.funds.fees import service as fund_fees
from fundhouse.funds.fees.schemas import ExpenseCreate, FeeRunCreate
from fundhouse.funds.imports import service as imports
from fundhouse.funds.imports.service import ImportKind
from fundhouse.funds.investments import service as valuations
from fundhouse.funds.investments.schemas import CompanyCreate, InvestmentCreate, ValuationCreate
from fundhouse.funds.models import DocumentFormat, Fund
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import FundCreate
from fundhouse.funds.reporting import statements
from fundhouse.identity import service as identity
from fundhouse.identity.models import Organization
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.db import Database
from fundhouse.platform.migrate import upgrade
from fundhouse.settings import Settings, set_settings

LPS = 1_000
SEED = 20240630
PERIOD_END = date(2024, 6, 30)
VALUATION_DATES = (
    date(2021, 12, 31),
    date(2022, 6, 30),
    date(2022, 12, 31),
    date(2023, 6, 30),
    date(2023, 12, 31),
    PERIOD_END,
)
T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[T, float]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def quarter_starts(first: date, last: date) -> list[date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = date(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 1)
    return out


def actors(db_session: Session, org: Organization) -> tuple[Actor, Actor]:
    people = []
    for n in (1, 2):
        user = identity.create_user(
            db_session,
            org,
            f"manager{n}@benchmark.example",
            f"Manager {n}",
            "benchmark-password-2026",
            "fund_manager",
        )
        people.append(
            Actor(
                user_id=user.id,
                org_id=org.id,
                role="fund_manager",
                permissions=permissions_for("fund_manager"),
            )
        )
    return people[0], people[1]


class Phases:
    """Prints how long each part of the build took."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what}: {now - self.last:.1f} s")
        self.last = now


def build(database: Database) -> tuple[Actor, uuid.UUID]:
    """The fund and its history (see the module); returns the maker and the fund's id."""
    rng = random.Random(SEED)
    phases = Phases()
    with database.session() as db:
        org = identity.create_organization(db, "Benchmark Capital", "benchmark")
        maker, checker = actors(db, org)
        fund = service.create_fund(
            db,
            maker,
            FundCreate(
                name="Benchmark Fund I", currency="USD", initial_close_date=date(2021, 1, 15)
            ),
        )
        db.commit()

        names = [f"Limited Partner {i:04d}" for i in range(1, LPS + 1)]
        commitments = [Decimal(rng.randint(10, 200) * 25_000) for _ in names]
        investors_csv = "name,kind\n" + "".join(f"{n},entity\n" for n in names)
        imports.import_file(
            db,
            maker,
            fund.id,
            ImportKind.INVESTORS,
            "lps.csv",
            investors_csv.encode(),
            dry_run=False,
        )
        commitments_csv = "investor,amount\n" + "".join(
            f"{n},{a}\n" for n, a in zip(names, commitments, strict=True)
        )
        imports.import_file(
            db,
            maker,
            fund.id,
            ImportKind.COMMITMENTS,
            "commitments.csv",
            commitments_csv.encode(),
            dry_run=False,
        )
        db.commit()
        phases.done("import of investors and commitments")

        calls = quarter_starts(date(2021, 2, 1), date(2023, 11, 1))
        five_percent = [(a * Decimal("0.05")).quantize(Decimal("0.01")) for a in commitments]
        rows = [
            f"{n},{day.replace(day=15)},contribution,{a}\n"
            for day in calls
            for n, a in zip(names, five_percent, strict=True)
        ]
        imports.import_file(
            db,
            maker,
            fund.id,
            ImportKind.CASH_FLOWS,
            "history.csv",
            ("investor,date,type,amount\n" + "".join(rows)).encode(),
            dry_run=False,
        )
        db.commit()
        phases.done("import of 12 quarterly calls (12,000 rows)")

        for billing in [date(2021, 1, 15), *quarter_starts(date(2021, 4, 1), date(2024, 4, 1))]:
            fund_fees.run_fees(db, maker, fund.id, FeeRunCreate(period_start=billing))
            db.commit()
        for n, day in enumerate(
            (date(2021, 6, 30), date(2022, 6, 30), date(2023, 6, 30), date(2024, 5, 15))
        ):
            fund_fees.create_expense(
                db,
                maker,
                fund.id,
                ExpenseCreate(
                    expense_date=day, amount=Decimal(150_000 + n * 10_000), category="audit"
                ),
            )
        db.commit()
        phases.done("fee runs and expenses")

        companies = []
        for n in range(5):
            company = valuations.create_company(
                db, maker, fund.id, CompanyCreate(name=f"Portfolio Company {n + 1}")
            )
            valuations.record_investment(
                db,
                maker,
                company.id,
                InvestmentCreate(
                    transaction_date=date(2021, 3 + n, 20),
                    cost_amount=Decimal(rng.randint(20, 60) * 500_000),
                ),
            )
            companies.append(company)
        db.commit()
        phases.done("companies and purchases")
        for as_of in VALUATION_DATES:
            for company in companies:
                value = Decimal(rng.randint(30, 90) * 500_000)
                valuations.record_valuation(
                    db, maker, company.id, ValuationCreate(as_of=as_of, fair_value=value)
                )
            db.commit()
        phases.done("30 valuations")

        for day, amount in (
            (date(2023, 9, 20), 4_000_000),
            (date(2024, 3, 20), 6_000_000),
            (date(2024, 6, 20), 5_000_000),
        ):
            drafted = distributions.create_distribution(
                db,
                maker,
                fund.id,
                DistributionCreate(
                    source="exit", gross_amount=Decimal(amount), distribution_date=day
                ),
            )
            distributions.approve_distribution(db, checker, drafted.id)
            distributions.issue_distribution(db, maker, drafted.id)
            distributions.pay_distribution(db, maker, drafted.id, DistributionPay(paid_date=day))
            db.commit()
        phases.done("three distributions through the waterfall")
        return maker, fund.id


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        set_settings(
            Settings(
                data_dir=data_dir,
                secret_key="benchmark-secret-key-0123456789-abcdef",
                job_threads=0,
            )
        )
        url = f"sqlite:///{data_dir / 'benchmark.db'}"
        upgrade(url)
        database = Database(url)
        (maker, fund_id), built = timed(lambda: build(database))
        print(f"built a fund of {LPS} LPs with quarterly history from 2021 in {built:.1f} s")

        with database.session() as db:
            fund = db.get(Fund, fund_id)
            assert fund is not None
            partners = statements.fund_partner_ids(db, fund, PERIOD_END)
            start = statements.quarter_of(PERIOD_END)
            figures, computed = timed(
                lambda: statements.statement_figures(db, maker, fund, start, PERIOD_END, partners)
            )
            print(
                f"figures of {len(figures)} LPs (capital accounts and performance, grouped): "
                f"{computed:.2f} s"
            )
            one = figures[partners[0]]
            for fmt in (DocumentFormat.PDF, DocumentFormat.XLSX):
                _, rendered = timed(
                    lambda fmt=fmt: [statements.render_statement(one, fmt) for _ in range(20)]
                )
                print(f"rendering one {fmt.value.upper()} statement: {rendered / 20 * 1000:.1f} ms")

        with database.session() as db:
            formats = [DocumentFormat.PDF, DocumentFormat.XLSX]
            result, batch = timed(
                lambda: statements.run_statement_batch(
                    db,
                    maker,
                    fund_id,
                    PERIOD_END,
                    formats,
                    job_id=None,
                    progress=lambda done, total, message: None,
                    commit=db.commit,
                )
            )
            made = result["statements"]
            print(
                f"batch of {result['investors']} LPs x PDF and XLSX = {made} statements "
                f"(figures, rendering, storing, audit): {batch:.1f} s, "
                f"{batch / made * 1000:.1f} ms per statement, "
                f"{batch / result['investors'] * 1000:.1f} ms per LP"
            )
        database.engine.dispose()


if __name__ == "__main__":
    main()
