"""Distribution waterfalls: European (whole fund), American (deal by deal) and clawback.

Convention: ``shared/CONVENTIONS.md`` "Distribution waterfall". Each distribution runs four
tiers, in order:

1. **Return of capital** until the investors' tier-1 receipts equal the capital contributed
   to date (with fees and expenses when :attr:`WaterfallTerms.returns_fees_and_expenses`).
   Only tier-1 payments count toward capital returned.
2. **Preferred return** at the hurdle rate, compounded annually with exponent days/365 on
   each dated flow (or simple, days/365): at date t the investors have their preferred
   return when FV_t(contributions) − FV_t(every earlier amount they received, in any tier)
   ≤ 0; tier 2 pays that shortfall less what tier 1 pays now.
3. **GP catch-up** at rate c: of each dollar c to the GP and 1 − c to the LPs, until the GP's
   cumulative carry equals the carry share of cumulative profit (everything paid to the LPs
   beyond tier 1, plus the GP's carry).
4. **Split**: the carry share to the GP, the rest to the LPs.

The tiers follow the structure of the ILPA Principles 3.0 (2019) and of the model waterfall
in the ILPA Model LPA (whole-of-fund); see also Metrick & Yasuda, "The Economics of Private
Equity Funds", Review of Financial Studies 23(6), 2010, for catch-up and carry arithmetic.

**The GP's own commitment** is capital like an LP's and earns no carry on itself: it takes part
in tiers 1 and 2 pro rata with the LPs (the tier conditions are measured on all contributed
capital), and of every dollar paid in tiers 3 and 4 it takes its pro-rata share g (its
contributions to date over all contributions to date) outright; only the LPs' share 1 − g is
split between the LPs and the GP's carry, and only the LPs' profit counts toward the catch-up
target. Without a GP commitment (g = 0) this is exactly the four tiers above.

**Exactness and rounding.** Tier amounts are exact fractions of the quantum except the
compounded preferred return, evaluated with 60 significant digits. Each distribution is
rounded once: its exact tier amounts (LPs, GP commitment and GP carry per tier) are rounded
to the quantum by the allocation rule of ``shared/CONVENTIONS.md`` (so they sum exactly to the
distribution), then each tier's amount for the investors is allocated among them pro rata to
their contributions to date by the same rule. History is kept exact, unrounded.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

import numpy as np

from fundhouse.finance.allocation import (
    CENT,
    AmountsByKey,
    allocate_quanta,
    from_quanta,
    from_quanta_many,
    to_quanta,
    to_quanta_many,
)

__all__ = [
    "Clawback",
    "Compounding",
    "Contribution",
    "ContributionKind",
    "Distribution",
    "DistributionResult",
    "Partnership",
    "Tier",
    "TierResult",
    "WaterfallResult",
    "WaterfallTerms",
    "compute_clawback",
    "run_american_waterfall",
    "run_distribution",
    "run_european_waterfall",
]

Key = Hashable

_HURDLE = Context(prec=60)
_INT64_LIMIT = 2**62
_DAYS_PER_YEAR = 365


class Compounding(StrEnum):
    """How the preferred return accrues on each dated flow."""

    ANNUAL = "annual"
    """(1 + r) ** (days / 365): compounded annually, fractional years by exponent."""
    SIMPLE = "simple"
    """1 + r × days / 365."""


class ContributionKind(StrEnum):
    """What a contribution paid for; fees and expenses count as capital only by term."""

    CAPITAL = "capital"
    FEE = "fee"
    EXPENSE = "expense"


class Tier(StrEnum):
    """The four tiers of shared/CONVENTIONS.md, in payment order."""

    RETURN_OF_CAPITAL = "return_of_capital"
    PREFERRED_RETURN = "preferred_return"
    CATCH_UP = "catch_up"
    SPLIT = "split"


@dataclass(frozen=True)
class WaterfallTerms:
    """The fund's waterfall terms; defaults are those of shared/CONVENTIONS.md.

    ``catch_up_rate`` is the GP's share of each catch-up dollar (1 for a full catch-up,
    e.g. 0.5 or 0.8 for a partial one, 0 for no catch-up tier); it must exceed
    ``carry_share`` or the catch-up could never reach its target. ``clawback_tax_rate`` is the
    assumed tax rate that limits a clawback to the carry received net of tax.
    ``returns_fees_and_expenses`` makes contributions of kind fee or expense capital to be
    returned (and to earn the preferred return), as the ILPA Principles recommend; it is on
    by default.
    """

    hurdle_rate: Decimal = Decimal("0.08")
    compounding: Compounding = Compounding.ANNUAL
    catch_up_rate: Decimal = Decimal("1")
    carry_share: Decimal = Decimal("0.20")
    returns_fees_and_expenses: bool = True
    clawback_tax_rate: Decimal = Decimal("0")
    quantum: Decimal = CENT

    def __post_init__(self) -> None:
        for name in ("hurdle_rate", "catch_up_rate", "carry_share", "clawback_tax_rate"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise ValueError(f"{name} must be a finite Decimal, got {value!r}")
        if self.hurdle_rate < 0:
            raise ValueError("hurdle_rate must not be negative")
        if not 0 <= self.carry_share < 1:
            raise ValueError("carry_share must be at least 0 and below 1")
        if self.catch_up_rate != 0 and not self.carry_share < self.catch_up_rate <= 1:
            raise ValueError(
                "catch_up_rate must be 0 (no catch-up) or above carry_share and at most 1"
            )
        if not 0 <= self.clawback_tax_rate <= 1:
            raise ValueError("clawback_tax_rate must be between 0 and 1")
        if not isinstance(self.quantum, Decimal) or not self.quantum > 0:
            raise ValueError("quantum must be a positive Decimal")
        try:
            object.__setattr__(self, "compounding", Compounding(self.compounding))
        except ValueError:
            raise ValueError(
                f"compounding must be annual or simple, got {self.compounding!r}"
            ) from None


@dataclass(frozen=True)
class Contribution:
    """Money a partner paid in on ``date``; ``deal`` ties it to an investment (American)."""

    partner: Key
    date: date
    amount: Decimal
    kind: ContributionKind = ContributionKind.CAPITAL
    deal: Key | None = None


@dataclass(frozen=True)
class Distribution:
    """Cash to distribute on ``date``; ``deal`` names the realized deal (American)."""

    date: date
    amount: Decimal
    deal: Key | None = None


@dataclass(frozen=True)
class Partnership:
    """The partners, the GP and their dated contributions.

    ``partners`` lists every partner that contributes (the LPs and, when it has a commitment,
    the GP) in the order their commitments were created: ties in rounding go to the earlier.
    ``gp`` is the GP's key; it receives the carry whether or not it is among ``partners``.
    """

    partners: tuple[Key, ...]
    gp: Key
    contributions: tuple[Contribution, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "partners", tuple(self.partners))
        object.__setattr__(self, "contributions", tuple(self.contributions))
        if len(set(self.partners)) != len(self.partners):
            raise ValueError("partners must not repeat")
        known = set(self.partners) | {self.gp}
        for c in self.contributions:
            if c.partner not in known:
                raise ValueError(f"contribution by {c.partner!r}, who is not a partner")


@dataclass(frozen=True)
class TierResult:
    """What one tier paid: to the LPs, to the GP (its carry plus its commitment's share)."""

    tier: Tier
    lp_amount: Decimal
    gp_amount: Decimal
    gp_carry: Decimal
    by_partner: Mapping[Key, Decimal] = field(compare=False)

    @property
    def amount(self) -> Decimal:
        """Everything the tier paid."""
        return self.lp_amount + self.gp_amount


@dataclass(frozen=True)
class DistributionResult:
    """One distribution through the waterfall: the four tiers in order and each partner's sum."""

    distribution: Distribution
    tiers: tuple[TierResult, ...]
    by_partner: Mapping[Key, Decimal] = field(compare=False)

    @property
    def lp_amount(self) -> Decimal:
        return sum((t.lp_amount for t in self.tiers), Decimal(0))

    @property
    def gp_amount(self) -> Decimal:
        return sum((t.gp_amount for t in self.tiers), Decimal(0))

    @property
    def gp_carry(self) -> Decimal:
        return sum((t.gp_carry for t in self.tiers), Decimal(0))

    def tier(self, tier: Tier) -> TierResult:
        """The result of ``tier``."""
        return next(t for t in self.tiers if t.tier is tier)


@dataclass(frozen=True)
class WaterfallResult:
    """A sequence of distributions through the waterfall, in date order, and their totals."""

    distributions: tuple[DistributionResult, ...]
    by_partner: Mapping[Key, Decimal] = field(compare=False)
    lp_amount: Decimal
    gp_amount: Decimal
    gp_carry: Decimal


@dataclass(frozen=True)
class Clawback:
    """The GP's clawback at fund end (shared/CONVENTIONS.md "Clawback").

    ``amount = max(0, min(carry_received − entitlement, carry_received × (1 − tax rate)))``,
    rounded half up to the quantum, and allocated to the LPs pro rata to their contributions.
    """

    carry_received: Decimal
    entitlement: Decimal
    excess_carry: Decimal
    carry_after_tax: Decimal
    amount: Decimal
    by_lp: Mapping[Key, Decimal] = field(compare=False)


def run_european_waterfall(
    terms: WaterfallTerms,
    partnership: Partnership,
    distributions: Sequence[Distribution],
) -> WaterfallResult:
    """Run ``distributions`` (in date order) through the whole-fund (European) waterfall.

    Convention: shared/CONVENTIONS.md "Distribution waterfall", European tiers. Every
    contribution counts (fees and expenses by term), whatever its deal; history matters, so
    each distribution sees every earlier contribution and receipt. Raises ``ValueError`` when
    the distributions are not in date order, an amount is not positive or not a whole number
    of quanta, or a distribution comes before any contribution.
    """
    _check_distributions(distributions, terms.quantum)
    book = _Book(terms, partnership)
    pool = _Pool(terms, book, _counted(terms, partnership.contributions), "the fund")
    results = [book.pay(d, pool.distribute(d)) for d in distributions]
    return book.summary(results)


def run_american_waterfall(
    terms: WaterfallTerms,
    partnership: Partnership,
    distributions: Sequence[Distribution],
) -> WaterfallResult:
    """Run ``distributions`` (in date order) deal by deal (American waterfall).

    Convention: shared/CONVENTIONS.md "Distribution waterfall", American: each realized
    deal runs the same tiers on that deal's own dated contributions, plus (by the term
    :attr:`WaterfallTerms.returns_fees_and_expenses`) the fees and expenses allocated to it,
    accruing from their dates. Every distribution must name its ``deal``; contributions that
    name no deal take no part. Each deal keeps its own history, including its catch-up.
    """
    _check_distributions(distributions, terms.quantum)
    book = _Book(terms, partnership)
    by_deal: dict[Key, list[Contribution]] = {}
    for c in _counted(terms, partnership.contributions):
        if c.deal is not None:
            by_deal.setdefault(c.deal, []).append(c)
    pools: dict[Key, _Pool] = {}
    results = []
    for d in distributions:
        if d.deal is None:
            raise ValueError(f"the distribution of {d.date} names no deal")
        if d.deal not in pools:
            pools[d.deal] = _Pool(terms, book, by_deal.get(d.deal, []), f"deal {d.deal!r}")
        results.append(book.pay(d, pools[d.deal].distribute(d)))
    return book.summary(results)


def run_distribution(
    terms: WaterfallTerms,
    partnership: Partnership,
    distribution: Distribution,
    prior_distributions: Sequence[Distribution] = (),
    *,
    deal_by_deal: bool = False,
) -> DistributionResult:
    """Run one new ``distribution`` after the ``prior_distributions`` already paid.

    The priors (in date order, none dated after ``distribution``) rebuild the history the
    tiers depend on; the result is the new distribution's. ``deal_by_deal`` selects the
    American waterfall, otherwise European (shared/CONVENTIONS.md "Distribution waterfall").
    """
    run = run_american_waterfall if deal_by_deal else run_european_waterfall
    return run(terms, partnership, [*prior_distributions, distribution]).distributions[-1]


def compute_clawback(
    terms: WaterfallTerms,
    partnership: Partnership,
    distributions: Sequence[Distribution],
    carry_received: Decimal | None = None,
) -> Clawback:
    """The GP's clawback at fund end (shared/CONVENTIONS.md "Distribution waterfall").

    The GP's entitlement is the carry the European waterfall gives it on all of the fund's
    contributions and ``distributions``; it returns
    ``min(carry received − entitlement, carry received × (1 − clawback_tax_rate))``, never
    less than zero, rounded half up to the quantum. ``carry_received`` defaults to the carry
    the American waterfall paid on the same distributions. The amount is allocated to the LPs
    (not the GP's own commitment) pro rata to their contributions, by the allocation rule.
    """
    if carry_received is None:
        carry_received = run_american_waterfall(terms, partnership, distributions).gp_carry
    elif not isinstance(carry_received, Decimal) or not carry_received >= 0:
        raise ValueError("carry_received must be a non-negative Decimal")
    entitlement = run_european_waterfall(terms, partnership, distributions).gp_carry
    excess = carry_received - entitlement
    after_tax = carry_received * (1 - terms.clawback_tax_rate)
    amount = max(Decimal(0), min(excess, after_tax)).quantize(terms.quantum, ROUND_HALF_UP)
    lps = [p for p in partnership.partners if p != partnership.gp]
    by_lp = dict.fromkeys(lps, from_quanta(0, terms.quantum))
    if amount:
        index = {p: i for i, p in enumerate(lps)}
        weights = [0] * len(lps)
        for c in _counted(terms, partnership.contributions):
            if c.partner in index:
                weights[index[c.partner]] += to_quanta(c.amount, terms.quantum)
        parts = allocate_quanta(to_quanta(amount, terms.quantum), weights)
        by_lp = dict(zip(lps, from_quanta_many(parts, terms.quantum), strict=True))
    return Clawback(
        carry_received=carry_received,
        entitlement=entitlement,
        excess_carry=max(Decimal(0), excess),
        carry_after_tax=after_tax,
        amount=amount,
        by_lp=MappingProxyType(by_lp),
    )


def _counted(terms: WaterfallTerms, contributions: Iterable[Contribution]) -> list[Contribution]:
    """The contributions that are capital for the waterfall (fees and expenses by term)."""
    if terms.returns_fees_and_expenses:
        return list(contributions)
    return [c for c in contributions if c.kind == ContributionKind.CAPITAL]


def _check_distributions(distributions: Sequence[Distribution], quantum: Decimal) -> None:
    previous: date | None = None
    for d in distributions:
        if to_quanta(d.amount, quantum, what="distribution amount") <= 0:
            raise ValueError(f"the distribution of {d.date} must be positive")
        if previous is not None and d.date < previous:
            raise ValueError("distributions must be given in date order")
        previous = d.date


@dataclass
class _Cells:
    """One distribution's exact amounts, in quanta, per tier and recipient; they sum to it."""

    return_of_capital: Fraction
    preferred_return: Fraction
    catch_up_lp: Fraction
    catch_up_gp_capital: Fraction
    catch_up_carry: Fraction
    split_lp: Fraction
    split_gp_capital: Fraction
    split_carry: Fraction
    investor_weights: np.ndarray
    lp_weights: np.ndarray

    def amounts(self) -> list[Fraction]:
        return [
            self.return_of_capital,
            self.preferred_return,
            self.catch_up_lp,
            self.catch_up_gp_capital,
            self.catch_up_carry,
            self.split_lp,
            self.split_gp_capital,
            self.split_carry,
        ]


@dataclass
class _ContributionDate:
    """The contributions of one date: who paid (partner indices) and how much (quanta)."""

    date: date
    partners: np.ndarray
    quanta: np.ndarray
    total: int
    gp_total: int


class _Pool:
    """The running, exact state of one waterfall: the whole fund, or one deal.

    Amounts are in quanta. Contributions are taken in date order as distributions reach
    their dates; the preferred-return test keeps running sums (present values at the pool's
    first contribution when compounding) so that each distribution costs O(1) in the number
    of earlier dated flows, and per-partner sums are updated with NumPy.
    """

    def __init__(
        self, terms: WaterfallTerms, book: _Book, contributions: list[Contribution], name: str
    ) -> None:
        self.terms = terms
        self.book = book
        self.name = name
        self.rate = Fraction(terms.hurdle_rate)
        self.catch_up = Fraction(terms.catch_up_rate)
        self.carry_share = Fraction(terms.carry_share)
        self.dates = self._group_by_date(contributions)
        self.next_date = 0
        self.contributed_by = np.zeros(len(book.parties), dtype=np.int64)
        self.contributed = 0
        self.gp_contributed = 0
        self.capital_returned = 0
        self.lp_profit = Fraction(0)
        self.carry = Fraction(0)
        self.origin = self.dates[0].date if self.dates else date.min
        self.simple = terms.compounding is Compounding.SIMPLE
        self.growth_cache: dict[int, Decimal] = {}
        # Compounding: present values at the origin, Σ amount / (1 + r) ** (days / 365).
        self.contributed_present = Decimal(0)
        self.received_present = Decimal(0)
        # Simple interest: Σ amount and Σ amount × day number, exact.
        self.contributed_sum = Fraction(0)
        self.contributed_dated = Fraction(0)
        self.received_sum = Fraction(0)
        self.received_dated = Fraction(0)

    def _group_by_date(self, contributions: list[Contribution]) -> list[_ContributionDate]:
        quanta = to_quanta_many(
            [c.amount for c in contributions], self.terms.quantum, what="contribution amount"
        )
        if any(q < 0 for q in quanta):
            raise ValueError(f"contributions to {self.name} must not be negative")
        if sum(quanta) >= _INT64_LIMIT:
            raise ValueError(f"contributions to {self.name} are too large for the quantum")
        by_date: dict[date, tuple[list[int], list[int]]] = {}
        index = self.book.index
        for c, q in zip(contributions, quanta, strict=True):
            who, amounts = by_date.setdefault(c.date, ([], []))
            who.append(index[c.partner])
            amounts.append(q)
        gp = self.book.gp_index
        groups = []
        for day in sorted(by_date):
            who, amounts = by_date[day]
            groups.append(
                _ContributionDate(
                    date=day,
                    partners=np.asarray(who, dtype=np.int64),
                    quanta=np.asarray(amounts, dtype=np.int64),
                    total=sum(amounts),
                    gp_total=sum(q for w, q in zip(who, amounts, strict=True) if w == gp),
                )
            )
        return groups

    def distribute(self, distribution: Distribution) -> _Cells:
        """Split one distribution into exact tier cells and record it in the history."""
        t = distribution.date
        self._take_contributions_until(t)
        if self.contributed == 0:
            raise ValueError(
                f"the distribution of {t} comes before any contribution to {self.name}"
            )
        remaining = Fraction(to_quanta(distribution.amount, self.terms.quantum))
        tier1 = min(remaining, Fraction(self.contributed - self.capital_returned))
        remaining -= tier1
        tier2 = Fraction(0)
        if remaining:
            tier2 = min(remaining, max(Fraction(0), self._shortfall(t) - tier1))
            remaining -= tier2
        gp_part = Fraction(self.gp_contributed, self.contributed)
        lp_part = 1 - gp_part
        c, s = self.catch_up, self.carry_share
        catch_up = Fraction(0)
        deficit = s * (self.lp_profit + lp_part * tier2) - self.carry
        if remaining and c and lp_part and deficit > 0:
            catch_up = min(remaining, deficit / (lp_part * (c - s)))
            remaining -= catch_up
        split = remaining
        lp_weights = self.contributed_by.copy()
        lp_weights[self.book.gp_index] = 0
        cells = _Cells(
            return_of_capital=tier1,
            preferred_return=tier2,
            catch_up_lp=lp_part * (1 - c) * catch_up,
            catch_up_gp_capital=gp_part * catch_up,
            catch_up_carry=lp_part * c * catch_up,
            split_lp=lp_part * (1 - s) * split,
            split_gp_capital=gp_part * split,
            split_carry=lp_part * s * split,
            investor_weights=self.contributed_by.copy(),
            lp_weights=lp_weights,
        )
        self.capital_returned += int(tier1)
        self.lp_profit += lp_part * (tier2 + catch_up + split)
        self.carry += cells.catch_up_carry + cells.split_carry
        received = (
            tier1
            + tier2
            + cells.catch_up_lp
            + cells.catch_up_gp_capital
            + cells.split_lp
            + cells.split_gp_capital
        )
        self._record_receipt(t, received)
        return cells

    def _take_contributions_until(self, t: date) -> None:
        while self.next_date < len(self.dates) and self.dates[self.next_date].date <= t:
            group = self.dates[self.next_date]
            np.add.at(self.contributed_by, group.partners, group.quanta)
            self.contributed += group.total
            self.gp_contributed += group.gp_total
            if self.simple:
                self.contributed_sum += group.total
                self.contributed_dated += group.total * group.date.toordinal()
            else:
                self.contributed_present = _HURDLE.add(
                    self.contributed_present,
                    _HURDLE.divide(Decimal(group.total), self._growth(group.date)),
                )
            self.next_date += 1

    def _record_receipt(self, t: date, amount: Fraction) -> None:
        if self.simple:
            self.received_sum += amount
            self.received_dated += amount * t.toordinal()
        else:
            value = _HURDLE.divide(Decimal(amount.numerator), Decimal(amount.denominator))
            self.received_present = _HURDLE.add(
                self.received_present, _HURDLE.divide(value, self._growth(t))
            )

    def _shortfall(self, t: date) -> Fraction:
        """FV_t(contributions) − FV_t(earlier receipts), in quanta (shared/CONVENTIONS.md)."""
        if self.simple:
            day = t.toordinal()
            per_day = self.rate / _DAYS_PER_YEAR
            contributed = self.contributed_sum + per_day * (
                self.contributed_sum * day - self.contributed_dated
            )
            received = self.received_sum + per_day * (self.received_sum * day - self.received_dated)
            return contributed - received
        present = _HURDLE.subtract(self.contributed_present, self.received_present)
        return Fraction(_HURDLE.multiply(present, self._growth(t)))

    def _growth(self, when: date) -> Decimal:
        """(1 + r) ** (days / 365) from the pool's first contribution to ``when``."""
        days = (when - self.origin).days
        growth = self.growth_cache.get(days)
        if growth is None:
            exponent = _HURDLE.divide(Decimal(days), Decimal(_DAYS_PER_YEAR))
            growth = _HURDLE.power(_HURDLE.add(Decimal(1), self.terms.hurdle_rate), exponent)
            self.growth_cache[days] = growth
        return growth


class _Book:
    """Partners, their order, and the rounding of each distribution's cells to the quantum."""

    def __init__(self, terms: WaterfallTerms, partnership: Partnership) -> None:
        self.terms = terms
        parties = list(partnership.partners)
        if partnership.gp not in parties:
            parties.append(partnership.gp)
        self.parties: tuple[Key, ...] = tuple(parties)
        self.index = {p: i for i, p in enumerate(parties)}
        self.gp = partnership.gp
        self.gp_index = self.index[partnership.gp]
        self.zero = from_quanta(0, terms.quantum)
        self.no_parts = np.zeros(len(parties), dtype=np.int64)
        self.totals = np.zeros(len(parties), dtype=object)

    def pay(self, distribution: Distribution, cells: _Cells) -> DistributionResult:
        """Round the exact cells once and allocate each tier among the partners."""
        total = to_quanta(distribution.amount, self.terms.quantum)
        exact = cells.amounts()
        common = math.lcm(*(a.denominator for a in exact))
        rounded = allocate_quanta(total, [int(a * common) for a in exact])
        roc, pref, cu_lp, cu_gp, cu_carry, sp_lp, sp_gp, sp_carry = rounded
        tiers = (
            self._tier(Tier.RETURN_OF_CAPITAL, roc, cells.investor_weights, 0, 0),
            self._tier(Tier.PREFERRED_RETURN, pref, cells.investor_weights, 0, 0),
            self._tier(Tier.CATCH_UP, cu_lp, cells.lp_weights, cu_gp, cu_carry),
            self._tier(Tier.SPLIT, sp_lp, cells.lp_weights, sp_gp, sp_carry),
        )
        parts = np.zeros(len(self.parties), dtype=object)
        for _, tier_parts in tiers:
            parts += tier_parts
        self.totals += parts
        return DistributionResult(
            distribution=distribution,
            tiers=tuple(t for t, _ in tiers),
            by_partner=self._mapping(parts),
        )

    def summary(self, results: list[DistributionResult]) -> WaterfallResult:
        zero = self.zero
        return WaterfallResult(
            distributions=tuple(results),
            by_partner=self._mapping(self.totals),
            lp_amount=sum((r.lp_amount for r in results), zero),
            gp_amount=sum((r.gp_amount for r in results), zero),
            gp_carry=sum((r.gp_carry for r in results), zero),
        )

    def _tier(
        self, tier: Tier, shared: int, weights: np.ndarray, gp_capital: int, carry: int
    ) -> tuple[TierResult, np.ndarray]:
        """Allocate ``shared`` quanta pro rata to ``weights``; the GP's parts are added."""
        if shared:
            parts = np.asarray(allocate_quanta(shared, weights), dtype=object)
        else:
            parts = self.no_parts.astype(object)
        gp_share = int(parts[self.gp_index])
        gp_amount = gp_share + gp_capital + carry
        parts[self.gp_index] = gp_amount
        quantum = self.terms.quantum
        return (
            TierResult(
                tier=tier,
                lp_amount=from_quanta(shared - gp_share, quantum),
                gp_amount=from_quanta(gp_amount, quantum),
                gp_carry=from_quanta(carry, quantum),
                by_partner=self._mapping(parts),
            ),
            parts,
        )

    def _mapping(self, parts: np.ndarray) -> Mapping[Key, Decimal]:
        return AmountsByKey(self.index, parts.tolist(), self.terms.quantum)
