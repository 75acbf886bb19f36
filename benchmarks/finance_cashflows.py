"""XIRR for many series: ``xirr_many`` beside a plain-Python loop and per-series pyxirr calls.

The workload is 10,000 LPs with 40 flows each: capital calls, distributions and a final NAV
ten years on, Decimal amounts in cents, flows in shuffled order, and one series in a hundred
with a late capital call (several sign changes). Every figure comes from the same run on this
machine. Times are CPU seconds of this process (the work is single-threaded), best of a few
runs, so that other load on a shared machine distorts them less than wall-clock time would.

The float section sets ``solve_xirr`` and ``xirr_many`` beside pyxirr in its fastest input form
on the same series, with the targets, for every series and apart for those that change sign
once (where pyxirr's time is mostly its own, lean, reading and Newton iteration) and several
times (where it is mostly pyxirr's search for a root that may not exist).

Run: ``python -m benchmarks.finance_cashflows`` (or ``make benchmark`` for every section).
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

import numpy as np
import pyxirr

from fundhouse.finance.cashflows import solve_xirr, xirr_many, xnpv

SERIES = 10_000
FLOWS_PER_SERIES = 40
REFERENCE_SUBSET = 1_000
SINGLE_SUBSET = 2_000

Flows = list[tuple[date, Decimal]]
T = TypeVar("T")


def make_series(count: int, flows: int, seed: int = 20240101) -> list[Flows]:
    """Reproducible LP histories: calls, then distributions, then a NAV ten years on."""
    rng = random.Random(seed)
    first = date(2010, 1, 1)
    out: list[Flows] = []
    for i in range(count):
        start = first + timedelta(days=rng.randrange(0, 2000))
        offsets = sorted(rng.sample(range(1, 3650), flows - 2))
        calls = rng.randint(5, 15)
        series: Flows = [(start, -Decimal(rng.randrange(1_000_000, 100_000_000)) / 100)]
        for k, offset in enumerate(offsets):
            when = start + timedelta(days=offset)
            if k < calls:
                series.append((when, -Decimal(rng.randrange(1_000_000, 100_000_000)) / 100))
            else:
                series.append((when, Decimal(rng.randrange(0, 40_000_000)) / 100))
        nav = Decimal(rng.randrange(0, 200_000_000)) / 100
        series.append((start + timedelta(days=3650), nav))
        if i % 100 == 0:
            series[-2] = (series[-2][0], Decimal("-5000000.00"))
        rng.shuffle(series)
        out.append(series)
    return out


def sign_changes(flows: Flows) -> int:
    """Sign changes of the date-ordered, same-day-netted amounts."""
    netted: dict[date, Decimal] = {}
    for day, amount in flows:
        netted[day] = netted.get(day, Decimal(0)) + amount
    signs = [amount > 0 for _, amount in sorted(netted.items()) if amount != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def relative_npv(rate: float, flows: Flows) -> float:
    """|XNPV| at a rate over the sum of the flows' absolute present values."""
    origin = min(day for day, _ in flows)
    scale = math.fsum(abs(float(a)) / (1 + rate) ** ((d - origin).days / 365) for d, a in flows)
    return abs(xnpv(rate, flows)) / scale


def reference_xirr(flows: Flows) -> float | None:
    """Plain Python: net same-day flows, Newton from 0.1, then bisection on [-0.9999, 1000]."""
    netted: dict[date, float] = {}
    for day, amount in flows:
        netted[day] = netted.get(day, 0.0) + float(amount)
    origin = min(netted)
    terms = [((day - origin).days / 365.0, amount) for day, amount in netted.items()]

    def npv(rate: float) -> float:
        return sum(amount * (1.0 + rate) ** -t for t, amount in terms)

    def slope(rate: float) -> float:
        return sum(-t * amount * (1.0 + rate) ** (-t - 1.0) for t, amount in terms)

    rate = 0.1
    for _ in range(100):
        derivative = slope(rate)
        if derivative == 0.0:
            break
        step = npv(rate) / derivative
        rate -= step
        if rate <= -1.0 or not math.isfinite(rate):
            break
        if abs(step) < 1e-12:
            return rate
    low, high = -0.9999, 1000.0
    npv_low = npv(low)
    if npv_low * npv(high) > 0.0:
        return None
    for _ in range(200):
        middle = 0.5 * (low + high)
        value = npv(middle)
        if value * npv_low > 0.0:
            low, npv_low = middle, value
        else:
            high = middle
        if high - low < 1e-12:
            break
    return 0.5 * (low + high)


def timed(work: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Best CPU time of ``repeat`` runs after one warm-up, and the result of the last."""
    best = math.inf
    result = work()
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best, result


def fastest(works: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Best CPU time of each piece of work over ``rounds`` rounds, the pieces taking turns in
    each round, so that load on the machine weighs on all of them alike."""
    best = dict.fromkeys(works, math.inf)
    for work in works.values():
        work()
    for _ in range(rounds):
        for name, work in works.items():
            start = time.process_time()
            work()
            best[name] = min(best[name], time.process_time() - start)
    return best


def as_columns(flows: list[tuple[date, float]]) -> tuple[np.ndarray, np.ndarray]:
    """A series as NumPy columns: ``datetime64[D]`` dates and float64 amounts."""
    days = np.array([day for day, _ in flows], dtype="datetime64[D]")
    return days, np.array([amount for _, amount in flows], dtype=np.float64)


SINGLE_TARGET = 1.5
BATCH_TARGET = 1.2


def float_input(as_floats: list[list[tuple[date, float]]], changes: list[int]) -> None:
    """Float amounts, against pyxirr given the same series in its fastest form: every series,
    then apart the 99% that change sign once and the 1% that change sign several times, where
    pyxirr's time is mostly its search for a root that is not there."""
    singles = as_floats[:SINGLE_SUBSET]
    pairs = [[(day, amount) for day, amount in flows] for flows in singles]
    columns = [as_columns(flows) for flows in singles]
    lists = [([d for d, _ in f], [a for _, a in f]) for f in singles]
    once = [f for f, c in zip(pairs, changes, strict=False) if c == 1]
    several = [f for f, c in zip(pairs, changes, strict=False) if c > 1]
    times = fastest(
        {
            "pyxirr pairs": lambda: [pyxirr.xirr(f, silent=True) for f in pairs],
            "pyxirr lists": lambda: [pyxirr.xirr(d, a, silent=True) for d, a in lists],
            "pyxirr arrays": lambda: [pyxirr.xirr(d, a, silent=True) for d, a in columns],
            "solve_xirr pairs": lambda: [solve_xirr(f) for f in pairs],
            "solve_xirr lists": lambda: [solve_xirr(d, a) for d, a in lists],
            "solve_xirr arrays": lambda: [solve_xirr(d, a) for d, a in columns],
            "xirr_many pairs": lambda: xirr_many(pairs),
            "pyxirr pairs, one sign change": lambda: [pyxirr.xirr(f, silent=True) for f in once],
            "solve_xirr pairs, one sign change": lambda: [solve_xirr(f) for f in once],
            "xirr_many pairs, one sign change": lambda: xirr_many(once),
            "pyxirr pairs, several": lambda: [pyxirr.xirr(f, silent=True) for f in several],
            "solve_xirr pairs, several": lambda: [solve_xirr(f) for f in several],
            "xirr_many pairs, several": lambda: xirr_many(several),
        },
        rounds=7,
    )
    n = len(singles)
    groups = {
        "": ("", n),
        ", one sign change": ("that change sign once", len(once)),
        ", several": ("that change sign several times", len(several)),
    }
    print(f"Float amounts, {n:,} series; pyxirr in its fastest input form is the reference")
    ratios: dict[str, tuple[float, float]] = {}
    for suffix, (kind, count) in groups.items():
        forms = ("pairs", "lists", "arrays") if not suffix else ("pairs",)
        reference = min(times[f"pyxirr {form}{suffix}"] for form in forms)
        single = min(times[f"solve_xirr {form}{suffix}"] for form in forms)
        ratios[suffix] = (single / reference, times[f"xirr_many pairs{suffix}"] / reference)
        if suffix:
            print(f"  of which {count:,} series {kind}:")
        for name, seconds in times.items():
            if not name.endswith(suffix) or (not suffix and "," in name):
                continue
            target = BATCH_TARGET if name.startswith("xirr_many") else SINGLE_TARGET
            note = (
                ""
                if name.startswith("pyxirr")
                else f"  {seconds / reference:5.2f}× (target ≤ {target}×)"
            )
            label = name.removesuffix(suffix)
            print(
                f"  {label:<40}{seconds:8.3f} s ({seconds / count * 1e6:6.1f} µs per series){note}"
            )
    single, batch = ratios[""]
    print(
        f"  against pyxirr on the same float input: a single call {single:.2f}× "
        f"(target ≤ {SINGLE_TARGET}×), xirr_many per series {batch:.2f}× "
        f"(target ≤ {BATCH_TARGET}×); on the series that change sign once alone, "
        f"{ratios[', one sign change'][0]:.2f}× and {ratios[', one sign change'][1]:.2f}×"
    )


def line(label: str, seconds: float, note: str = "") -> None:
    per = seconds / SERIES * 1e6
    print(f"  {label:<40}{seconds:8.3f} s ({per:6.1f} µs per series){note}")


def as_array(rates: list[float | None]) -> np.ndarray:
    return np.array([np.nan if r is None else r for r in rates])


def main() -> None:
    series = make_series(SERIES, FLOWS_PER_SERIES)
    as_floats = [[(day, float(amount)) for day, amount in flows] for flows in series]
    print(
        f"XIRR of {SERIES:,} series × {FLOWS_PER_SERIES} flows "
        "(Decimal cents, shuffled, 1% with several sign changes)"
    )

    batch_time, batch = timed(lambda: xirr_many(series), repeat=3)
    float_time, _ = timed(lambda: xirr_many(as_floats), repeat=3)
    amounts = [amount for flows in series for _, amount in flows]
    conversion_time, _ = timed(lambda: np.fromiter(map(float, amounts), np.float64), repeat=3)
    line("xirr_many, Decimal amounts", batch_time)
    line("  of which Decimal → float alone", conversion_time)
    line("xirr_many, float amounts", float_time)

    subset = series[:REFERENCE_SUBSET]
    reference_time, reference = timed(lambda: [reference_xirr(f) for f in subset], repeat=1)
    reference_total = reference_time * SERIES / REFERENCE_SUBSET
    scale = SERIES // REFERENCE_SUBSET
    line("plain-Python Newton/bisection", reference_total, f"  timed on {len(subset):,}, ×{scale}")
    print(f"  speed-up of xirr_many over plain Python: {reference_total / batch_time:.1f}×")

    pyxirr_time, pyxirr_rates = timed(
        lambda: [pyxirr.xirr(f, silent=True) for f in series], repeat=3
    )
    line("pyxirr.xirr called once per series", pyxirr_time)
    single_total, _ = timed(lambda: [solve_xirr(f) for f in series], repeat=3)
    line("solve_xirr called once per series", single_total)
    print(
        f"  on the same Decimal input, xirr_many takes {batch_time / pyxirr_time:.2f}× "
        f"pyxirr's time per series, solve_xirr {single_total / pyxirr_time:.2f}×"
    )

    float_input(as_floats, [sign_changes(flows) for flows in series[:SINGLE_SUBSET]])

    rates = batch.rates
    theirs = as_array(pyxirr_rates)
    unique = np.array([sign_changes(flows) == 1 for flows in series])
    both = unique & ~np.isnan(rates) & ~np.isnan(theirs)
    gap = np.abs(rates[both] - theirs[both]) / np.maximum(1.0, np.abs(rates[both]))
    ours = rates[:REFERENCE_SUBSET]
    plain = as_array(reference)
    checked = unique[:REFERENCE_SUBSET] & ~np.isnan(ours) & ~np.isnan(plain)
    plain_gap = np.abs(ours[checked] - plain[checked]) / np.maximum(1.0, np.abs(ours[checked]))
    print(
        f"  where the IRR is unique, largest relative gap: {gap.max():.1e} to pyxirr "
        f"({int(both.sum()):,} series), {plain_gap.max():.1e} to plain Python "
        f"({int(checked.sum()):,} series)"
    )
    several = ~unique
    worst = max(
        relative_npv(rate, flows)
        for flows, rate, many in zip(series, rates, several, strict=True)
        if many and not math.isnan(rate)
    )
    solved = several & ~np.isnan(rates) & ~np.isnan(theirs)
    other_root = int((np.abs(rates[solved] - theirs[solved]) > 1e-9).sum())
    print(
        f"  {int(several.sum())} series change sign several times: "
        f"{int(np.isnan(rates[several]).sum())} have no IRR "
        f"(pyxirr finds none for {int(np.isnan(theirs[several]).sum())}); on {other_root}, "
        "pyxirr given the shuffled flows lands on another of several IRRs; "
        f"at every rate found, |NPV| ≤ {worst:.0e} × Σ|present values|"
    )


if __name__ == "__main__":
    main()
