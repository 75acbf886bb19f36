"""Fund performance against hand-computed values: multiples, net and gross IRR, PMEs, the
J-curve and the dashboard.

Conventions pinned here: shared/CONVENTIONS.md "Cash flows and returns" (XIRR on actual/365)
and "Fund performance": TVPI = (distributions + NAV) / paid-in; Kaplan-Schoar PME =
[Σ D·I_T/I_t + NAV] / Σ C·I_T/I_t; Long-Nickels PME = the IRR of the flows with the index
position's value at T in place of the NAV; Direct Alpha = the IRR a of the flows compounded to
T by the index, with ln(1 + a) as the continuous rate.

The fund of these tests: one LP contributes 1,000,000 on 1 January 2023 (invested the same
day), receives 550,000 on 1 January 2024 (t = 1 year) and holds a NAV of 605,000 on
31 December 2024 (t = 730/365 = 2 years). Its IRR r solves −1 + 0.55/(1+r) + 0.605/(1+r)² = 0:
r = 10% exactly (0.55/1.1 = 0.605/1.21 = 0.5).
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from sqlalchemy import func, select

from fundhouse.funds.models import BenchmarkIndex, IndexLevel
from tests.funds.accounting_helpers import (
    company,
    counting_queries,
    invest,
    issued_distribution,
    paid_call,
    realize,
    value,
)
from tests.funds.helpers import problem_fields

START, YEAR_ONE, AS_OF = date(2023, 1, 1), date(2024, 1, 1), date(2024, 12, 31)
INDEX_CSV = "date,level\n2023-01-01,100\n2024-01-01,105\n2024-12-31,110.25\n"  # 5% a year


def ten_percent_fund(desk):
    fund = desk.fund(initial_close_date=START.isoformat(), carry_rate="0", catch_up_rate="0")
    (lp,) = desk.lps(fund["id"], ["1000000"])
    paid_call(desk, fund["id"], "1000000", START)
    x = company(desk, fund["id"])
    invest(desk, x["id"], "1000000", START)
    realize(desk, x["id"], "income", YEAR_ONE, proceeds_amount="550000")
    d = issued_distribution(desk, fund["id"], "550000", YEAR_ONE)
    desk.ok(desk.post(f"/distributions/{d['id']}/pay", {"paid_date": YEAR_ONE.isoformat()}))
    value(desk, x["id"], "605000", AS_OF)
    return fund, lp


def benchmark(desk, csv_text: str = INDEX_CSV, name: str = "Public index") -> dict:
    index = desk.ok(desk.post("/benchmarks", {"name": name}), 201)
    upload = desk.post(
        f"/benchmarks/{index['id']}/levels", files={"file": ("levels.csv", csv_text, "text/csv")}
    )
    assert upload.status_code == 200, upload.text
    return index


def test_net_and_gross_figures_match_the_hand_computed_values(desk):
    fund, _ = ten_percent_fund(desk)
    perf = desk.ok(desk.get(f"/funds/{fund['id']}/performance", params={"as_of": AS_OF}))
    assert (perf["paid_in"], perf["distributed"], perf["nav"]) == (
        "1000000.00",
        "550000.00",
        "605000.00",
    )
    assert perf["pic"] == pytest.approx(1.0)
    assert perf["dpi"] == pytest.approx(0.55)
    assert perf["rvpi"] == pytest.approx(0.605)
    assert perf["tvpi"] == pytest.approx(1.155)
    assert perf["net_irr"] == pytest.approx(0.10, abs=1e-9)
    # Gross: the same flows on the investment side (1,000,000 in, 550,000 of income, 605,000
    # of value): 10%, and MOIC (550,000 + 605,000) / 1,000,000 = 1.155.
    assert perf["gross_irr"] == pytest.approx(0.10, abs=1e-9)
    assert perf["moic"] == pytest.approx(1.155)
    assert perf["pme"] is None


def test_pmes_against_an_index_growing_five_percent_a_year(desk):
    # Index 100 → 105 → 110.25. Kaplan-Schoar: [550,000 × 110.25/105 + 605,000] /
    # [1,000,000 × 110.25/100] = 1,182,500 / 1,102,500 = 473/441. Direct Alpha: the flows
    # compounded to T, −1,102,500, +577,500, +605,000, have the IRR a with
    # 242x² + 231x − 441 = 0 for x = 1/(1+a): x = 21/22, a = 1/21 (= 1.10/1.05 − 1).
    # Long-Nickels: the index position is worth 1,102,500 − 577,500 = 525,000 at T and
    # −1,000,000, +550,000, +525,000 has the IRR 5%, the index's own return.
    fund, _ = ten_percent_fund(desk)
    index = benchmark(desk)
    perf = desk.ok(
        desk.get(
            f"/funds/{fund['id']}/performance",
            params={"as_of": AS_OF, "benchmark_id": index["id"]},
        )
    )
    pme = perf["pme"]
    assert pme["kaplan_schoar"] == pytest.approx(473 / 441, rel=1e-12)
    assert pme["direct_alpha"] == pytest.approx(1 / 21, abs=1e-9)
    assert pme["direct_alpha_continuous"] == pytest.approx(math.log(22 / 21), abs=1e-9)
    assert pme["long_nickels_irr"] == pytest.approx(0.05, abs=1e-9)
    assert pme["benchmark_name"] == "Public index"


def test_per_investor_performance_and_its_csv(desk):
    fund, lp = ten_percent_fund(desk)
    page = desk.ok(desk.get(f"/funds/{fund['id']}/performance/investors", params={"as_of": AS_OF}))
    (row,) = page["items"]
    assert row["investor_id"] == lp["investor_id"]
    assert row["irr"] == pytest.approx(0.10, abs=1e-9) and row["tvpi"] == pytest.approx(1.155)
    csv = desk.get(
        f"/funds/{fund['id']}/performance/investors", params={"as_of": AS_OF, "format": "csv"}
    )
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("investor_id,")


def test_the_j_curve_and_the_dashboard(desk):
    fund, _ = ten_percent_fund(desk)
    curve = desk.ok(desk.get(f"/funds/{fund['id']}/j-curve", params={"as_of": AS_OF}))
    points = [(p["date"], p["called"], p["distributed"], p["nav"]) for p in curve["points"]]
    assert points[0] == ("2022-12-31", "0.00", "0.00", "0.00")  # the day before inception
    assert points[1] == ("2023-03-31", "1000000.00", "0.00", "1000000.00")
    assert points[5] == ("2024-03-31", "1000000.00", "550000.00", "1000000.00")
    assert points[-1] == ("2024-12-31", "1000000.00", "550000.00", "605000.00")
    assert len(points) == 9
    assert curve["points"][-1]["net_cash_flow"] == "-450000.00"

    board = desk.ok(desk.get(f"/funds/{fund['id']}/dashboard", params={"as_of": AS_OF}))
    assert (board["commitments"], board["called"], board["uncalled"]) == (
        "1000000.00",
        "1000000.00",
        "0.00",
    )
    assert (board["distributed"], board["nav"], board["investors"]) == ("550000.00", "605000.00", 1)
    assert board["tvpi"] == pytest.approx(1.155) and board["net_irr"] == pytest.approx(0.10)
    assert board["last_call"]["number"] == 1 and board["last_distribution"]["status"] == "paid"
    assert board["j_curve"] == curve["points"]


def test_a_fund_in_its_first_quarter_draws_its_curve_from_zero(desk):
    fund = desk.fund(initial_close_date="2024-11-01")
    desk.lps(fund["id"], ["1000000"])
    paid_call(desk, fund["id"], "250000", date(2024, 11, 15))
    curve = desk.ok(desk.get(f"/funds/{fund['id']}/j-curve", params={"as_of": "2024-11-30"}))
    assert [(p["date"], p["called"], p["net_cash_flow"]) for p in curve["points"]] == [
        ("2024-10-31", "0.00", "0.00"),
        ("2024-11-30", "250000.00", "-250000.00"),
    ]


def test_the_dashboard_is_served_again_from_cache_until_the_books_change(desk, engine):
    fund, _ = ten_percent_fund(desk)
    path = f"/funds/{fund['id']}/dashboard"
    first = desk.ok(desk.get(path, params={"as_of": AS_OF}))
    with counting_queries(engine) as statements:
        again = desk.ok(desk.get(path, params={"as_of": AS_OF}))
    assert again == first
    assert not any("postings" in s for s in statements)  # the ledger was not read again
    expense = {"expense_date": "2024-12-31", "amount": "5000", "category": "audit"}
    desk.ok(desk.post(f"/funds/{fund['id']}/expenses", expense), 201)
    after = desk.ok(desk.get(path, params={"as_of": AS_OF}))
    assert after["nav"] == "600000.00" and after["j_curve"][-1]["nav"] == "600000.00"


def test_the_dashboard_takes_the_same_number_of_queries_for_any_number_of_lps(desk, engine):
    counts = []
    for size in (2, 10):
        fund = desk.fund(initial_close_date=START.isoformat())
        desk.lps(fund["id"], ["1000"] * size)
        paid_call(desk, fund["id"], str(500 * size), START)
        with counting_queries(engine) as statements:
            desk.ok(desk.get(f"/funds/{fund['id']}/dashboard"))
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("csv_text", "field"),
    [
        ("when,level\n2023-01-01,100\n", "file"),
        ("date,level\n2023-01-01,100\n2023-02-30,101\n", "row 3: date"),
        ("date,level\n2023-01-01,100\n2023-02-01,-4\n", "row 3: level"),
        ("date,level\n2023-01-01,100\n2023-01-01,101\n", "row 3: date"),
    ],
)
def test_a_bad_levels_file_is_refused_naming_the_row_and_nothing_is_saved(
    desk, db, csv_text, field
):
    index = desk.ok(desk.post("/benchmarks", {"name": "Index"}), 201)
    response = desk.post(
        f"/benchmarks/{index['id']}/levels", files={"file": ("levels.csv", csv_text, "text/csv")}
    )
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert db.scalar(select(func.count()).select_from(IndexLevel)) == 0


def test_benchmarks_are_listed_with_their_range_and_names_are_unique(desk, db):
    benchmark(desk)
    again = desk.post("/benchmarks", {"name": "Public index"})
    assert again.status_code == 409 and "name" in problem_fields(again)
    (listed,) = desk.ok(desk.get("/benchmarks"))["items"]
    assert (listed["levels"], listed["first_date"], listed["last_date"]) == (
        3,
        "2023-01-01",
        "2024-12-31",
    )
    assert db.scalar(select(func.count()).select_from(BenchmarkIndex)) == 1


def test_a_benchmark_that_starts_after_the_fund_cannot_be_applied(desk):
    fund, _ = ten_percent_fund(desk)
    late = benchmark(desk, "date,level\n2024-06-01,100\n2024-12-31,101\n", name="Late")
    response = desk.get(
        f"/funds/{fund['id']}/performance", params={"as_of": AS_OF, "benchmark_id": late["id"]}
    )
    assert response.status_code == 422 and "benchmark_id" in problem_fields(response)


def test_another_organizations_performance_is_not_found(desk, other_desk):
    fund, _ = ten_percent_fund(desk)
    index = benchmark(desk)
    for path in ("performance", "performance/investors", "j-curve", "dashboard"):
        assert other_desk.get(f"/funds/{fund['id']}/{path}").status_code == 404, path
    upload = other_desk.post(
        f"/benchmarks/{index['id']}/levels", files={"file": ("l.csv", INDEX_CSV, "text/csv")}
    )
    assert upload.status_code == 404
    theirs = benchmark(other_desk, name="Theirs")
    foreign = desk.get(f"/funds/{fund['id']}/performance", params={"benchmark_id": theirs["id"]})
    assert foreign.status_code == 404
    assert other_desk.ok(other_desk.get("/benchmarks"))["items"][0]["name"] == "Theirs"
