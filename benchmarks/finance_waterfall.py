"""Print timings of the waterfall and of a capped capital call against plain-Python references.

Run with ``python -m benchmarks.finance_waterfall``. Each figure is one run on this machine:

* a European waterfall for 5,000 LPs over ten years of quarterly flows (20 quarterly calls,
  then 32 quarterly distributions), beside a plain-Python ``Decimal`` implementation that
  carries its running sums (capital per LP, future values of contributions less receipts)
  from one distribution to the next and allocates each tier LP by LP;
* a capital call across 100,000 LPs capped at their unfunded commitments (water-filling),
  beside the convention's literal "cap, spread, repeat" in ``Fraction`` with per-LP loops.

Both references implement shared/CONVENTIONS.md independently, so the script also reports
whether they agree with the library to the cent.
"""

from __future__ import annotations

import gc
import math
import random
import time
from collections.abc import Callable, Hashable
from datetime import date
from decimal import ROUND_FLOOR, Context, Decimal
from fractions import Fraction
from typing import TypeVar

from fundhouse.finance.allocation import allocate_capped
from fundhouse.finance.waterfall import (
    Contribution,
    Distribution,
    Partnership,
    WaterfallTerms,
    run_european_waterfall,
)

CENT = Decimal("0.01")
T = TypeVar("T")


def timed(run: Callable[[], T]) -> tuple[T, float]:
    """One run's wall-clock time, after a full garbage collection so neither side pays for
    the other's garbage."""
    gc.collect()
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def quarter(index: int) -> date:
    return date(2015 + index // 4, 3 * (index % 4) + 1, 1)


def build_fund(
    lp_count: int, seed: int
) -> tuple[list[str], list[Contribution], list[Distribution]]:
    rng = random.Random(seed)
    lps = [f"lp-{i:05d}" for i in range(lp_count)]
    commitments = [Decimal(rng.randint(2, 400) * 25_000) for _ in lps]
    contributions = []
    for q in range(20):
        percent = Decimal(rng.choice([3, 4, 5, 6])) / 100
        for lp, commitment in zip(lps, commitments, strict=True):
            contributions.append(Contribution(lp, quarter(q), commitment * percent))
    called = sum((c.amount for c in contributions), Decimal(0))
    distributions = [
        Distribution(quarter(q), (called * Decimal(rng.randint(20, 90)) / 1000).quantize(CENT))
        for q in range(8, 40)
    ]
    return lps, contributions, distributions


def round_cells(total: Decimal, cells: list[Decimal]) -> list[Decimal]:
    """Floor each cell to the cent, then hand out the rest by largest remainder, lowest index."""
    floors = [c.quantize(CENT, rounding=ROUND_FLOOR) for c in cells]
    leftover = int((total - sum(floors)) / CENT)
    order = sorted(range(len(cells)), key=lambda i: (-(cells[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += CENT
    return floors


def reference_european(
    terms: WaterfallTerms,
    lps: list[str],
    contributions: list[Contribution],
    distributions: list[Distribution],
) -> dict[str, Decimal]:
    """The European waterfall as a careful plain-Python implementation would write it.

    History is carried forward, never recomputed: contributions are taken in date order as
    each distribution's date passes them, each LP's capital to date is a running sum, and the
    future values of contributions and receipts are one running sum each, rolled forward to
    the next distribution by (1 + rate) ** (days / 365). Each tier's LP amount is then
    allocated per LP in ``Decimal`` by the convention's rounding rule.
    """
    ctx = Context(prec=60)
    rate, catch_up, share = terms.hurdle_rate, terms.catch_up_rate, terms.carry_share
    totals = dict.fromkeys([*lps, "gp"], Decimal(0))
    per_lp: dict[Hashable, Decimal] = dict.fromkeys(lps, Decimal(0))
    pending = sorted(contributions, key=lambda c: c.date)
    taken = 0
    contributed = capital_back = profit = carry = Decimal(0)
    owed = Decimal(0)  # FV at ``last`` of contributions less receipts: the shortfall there
    last: date | None = None

    def growth(days: int) -> Decimal:
        return ctx.power(1 + rate, ctx.divide(Decimal(days), Decimal(365)))

    for distribution in distributions:
        t = distribution.date
        if last is not None:
            owed = ctx.multiply(owed, growth((t - last).days))
        while taken < len(pending) and pending[taken].date <= t:
            c = pending[taken]
            per_lp[c.partner] += c.amount
            contributed += c.amount
            owed += ctx.multiply(c.amount, growth((t - c.date).days))
            taken += 1
        last = t
        remaining = distribution.amount
        tier1 = min(remaining, contributed - capital_back)
        remaining -= tier1
        tier2 = min(remaining, max(Decimal(0), owed - tier1))
        remaining -= tier2
        deficit = share * (profit + tier2) - carry
        tier3 = Decimal(0)
        if catch_up and deficit > 0:
            tier3 = min(remaining, ctx.divide(deficit, catch_up - share))
        remaining -= tier3
        cells = [
            tier1,
            tier2,
            tier3 * (1 - catch_up),
            tier3 * catch_up,
            remaining * (1 - share),
            remaining * share,
        ]
        rounded = round_cells(distribution.amount, cells)
        totals["gp"] += rounded[3] + rounded[5]
        for lp_cell in (rounded[0], rounded[1], rounded[2], rounded[4]):
            exact = {lp: ctx.divide(lp_cell * per_lp[lp], contributed) for lp in lps}
            floors = {lp: v.quantize(CENT, rounding=ROUND_FLOOR) for lp, v in exact.items()}
            leftover = int((lp_cell - sum(floors.values(), Decimal(0))) / CENT)
            ranked = sorted(range(len(lps)), key=lambda i: (-(exact[lps[i]] - floors[lps[i]]), i))
            for i in ranked[:leftover]:
                floors[lps[i]] += CENT
            for lp, amount in floors.items():
                totals[lp] += amount
        capital_back += tier1
        profit += tier2 + tier3 + remaining
        carry += cells[3] + cells[5]
        owed -= tier1 + tier2 + cells[2] + cells[4]
    return totals


def reference_capped_call(total: int, weights: list[int], caps: list[int]) -> list[int]:
    """shared/CONVENTIONS.md "Capital calls" word for word, in Fractions, LP by LP."""
    capped: set[int] = set()
    while True:
        free = [i for i in range(len(weights)) if i not in capped]
        rest = total - sum(caps[i] for i in capped)
        weight = sum(weights[i] for i in free)
        shares = [Fraction(caps[i]) if i in capped else Fraction(0) for i in range(len(weights))]
        for i in free:
            shares[i] = Fraction(rest * weights[i], weight)
        over = [i for i in free if shares[i] > caps[i]]
        if not over:
            break
        capped.update(over)
    floors = [math.floor(s) for s in shares]
    leftover = total - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors


def benchmark_waterfall() -> None:
    terms = WaterfallTerms()
    lps, contributions, distributions = build_fund(5_000, seed=20)
    partnership = Partnership(tuple(lps), "gp", tuple(contributions))
    result, fast = timed(lambda: run_european_waterfall(terms, partnership, distributions))
    reference, slow = timed(lambda: reference_european(terms, lps, contributions, distributions))
    same = all(result.by_partner[p] == amount for p, amount in reference.items())
    print(
        f"European waterfall: {len(lps):,} LPs, {len(contributions):,} contributions "
        f"(20 quarterly calls), {len(distributions)} quarterly distributions, "
        f"GP carry {result.gp_carry:,}"
    )
    print(f"  fundhouse.finance.waterfall                {fast:8.3f} s")
    print(f"  plain Python, cumulative sums carried on   {slow:8.3f} s")
    print(
        f"  ratio plain Python / library: {slow / fast:.2f}x; "
        f"per-LP totals identical to the cent: {same}"
    )


def benchmark_capped_call() -> None:
    rng = random.Random(7)
    n = 100_000
    commitments = [rng.randint(4, 400) * 2_500_000 for _ in range(n)]  # in cents
    unfunded = [c * rng.randint(0, 100) // 100 for c in commitments]
    call = sum(unfunded) * 85 // 100
    weights = [Decimal(c) * CENT for c in commitments]
    caps = [Decimal(u) * CENT for u in unfunded]
    result, fast = timed(lambda: allocate_capped(Decimal(call) * CENT, weights, caps))
    reference, slow = timed(lambda: reference_capped_call(call, commitments, unfunded))
    same = [int(a / CENT) for a in result] == reference
    print(
        f"Capital call across {n:,} LPs pro rata to commitments, capped at unfunded "
        f"({sum(result.capped):,} LPs capped), {Decimal(call) * CENT:,}"
    )
    print(f"  fundhouse.finance.allocation     {fast:8.3f} s")
    print(f"  plain-Python Fraction reference  {slow:8.3f} s")
    print(f"  speed-up {slow / fast:.1f}x; parts identical to the cent: {same}")


def main() -> None:
    benchmark_waterfall()
    benchmark_capped_call()


if __name__ == "__main__":
    main()
