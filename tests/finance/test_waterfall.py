"""Distribution waterfalls, per shared/CONVENTIONS.md "Distribution waterfall".

Worked examples follow the textbook four-tier whole-fund waterfall (return of capital, 8%
preferred return, GP catch-up, 80/20 split: ILPA Principles 3.0, 2019; Metrick & Yasuda,
"The Economics of Private Equity Funds", RFS 2010, §2) with the arithmetic in comments.
Dates are chosen so that years have 365 days (no 29 February inside a period), making the
compounded hurdle (1.08) ** (days / 365) an integer power where possible.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.waterfall import (
    Compounding,
    Contribution,
    ContributionKind,
    Distribution,
    Partnership,
    Tier,
    WaterfallTerms,
    compute_clawback,
    run_american_waterfall,
    run_distribution,
    run_european_waterfall,
)

D = Decimal
CENT = D("0.01")
Y2021 = date(2021, 1, 1)
Y2022 = date(2022, 1, 1)
Y2023 = date(2023, 1, 1)
Y2024 = date(2024, 1, 1)
TERMS = WaterfallTerms()  # 8% compounded, 100% catch-up, 20% carry


def amounts(result_tiers: object) -> list[tuple[str, Decimal, Decimal]]:
    return [(t.tier.value, t.lp_amount, t.gp_amount) for t in result_tiers]  # type: ignore[attr-defined]


def two_lps() -> Partnership:
    return Partnership(
        partners=("lp-a", "lp-b"),
        gp="gp",
        contributions=(
            Contribution("lp-a", Y2021, D("60")),
            Contribution("lp-b", Y2021, D("40")),
        ),
    )


class TestEuropeanWorkedExamples:
    def test_full_catch_up_leaves_the_gp_exactly_the_carry_share_of_profit(self) -> None:
        # 100 contributed on 2021-01-01, 150 distributed on 2022-01-01 (365 days).
        # Tier 1: 100. Tier 2: 100 × 1.08 − 100 = 8.
        # Tier 3 (100%): carry C with C = 20% × (8 + C)  =>  C = 2.
        # Tier 4: 150 − 110 = 40 -> GP 8, LPs 32.
        # GP: 2 + 8 = 10 = 20% of the profit 50. LPs 60:40 of 140 = 84 and 56.
        result = run_european_waterfall(TERMS, two_lps(), [Distribution(Y2022, D("150"))])
        paid = result.distributions[0]
        assert amounts(paid.tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("8.00"), D("0.00")),
            ("catch_up", D("0.00"), D("2.00")),
            ("split", D("32.00"), D("8.00")),
        ]
        assert paid.by_partner == {"lp-a": D("84.00"), "lp-b": D("56.00"), "gp": D("10.00")}
        assert result.gp_carry == D("10.00") == D("0.20") * (D("150") - D("100"))
        assert paid.tier(Tier.RETURN_OF_CAPITAL).by_partner == {
            "lp-a": D("60.00"),
            "lp-b": D("40.00"),
            "gp": D("0.00"),
        }

    def test_partial_catch_up_at_fifty_percent(self) -> None:
        # Same fund, catch-up at 50%: each catch-up dollar half to the GP, half to the LPs,
        # until 0.5 X = 20% × (8 + X)  =>  0.3 X = 1.6  =>  X = 5.3333: GP 2.6667, LPs 2.6667.
        # Split: 150 − 100 − 8 − 5.3333 = 36.6667 -> GP 7.3333, LPs 29.3333.
        # Rounded once (allocation rule over the tier cells): floors 100 + 8 + 2.66 + 2.66 +
        # 29.33 + 7.33 = 149.98; the two cents go to the largest remainders (the catch-up
        # cells, 0.67 cent each). GP: 2.67 + 7.33 = 10.00, again 20% of the profit of 50.
        terms = WaterfallTerms(catch_up_rate=D("0.5"))
        paid = run_european_waterfall(terms, two_lps(), [Distribution(Y2022, D("150"))])
        assert amounts(paid.distributions[0].tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("8.00"), D("0.00")),
            ("catch_up", D("2.67"), D("2.67")),
            ("split", D("29.33"), D("7.33")),
        ]
        assert paid.gp_carry == D("10.00")

    def test_distribution_below_the_hurdle_pays_the_gp_nothing(self) -> None:
        # 105 after one year: capital 100, then 5 of the 8 preferred return. No carry.
        paid = run_european_waterfall(TERMS, two_lps(), [Distribution(Y2022, D("105"))])
        assert amounts(paid.distributions[0].tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("5.00"), D("0.00")),
            ("catch_up", D("0.00"), D("0.00")),
            ("split", D("0.00"), D("0.00")),
        ]
        assert paid.by_partner["gp"] == D("0.00")

    def test_history_counts_earlier_receipts(self) -> None:
        # 100 contributed on 2021-01-01.
        # 2022-01-01, 60: all return of capital (40 still to return).
        # 2023-01-01, 70: tier 1 pays the last 40. Tier 2: FV(100, 2 years) = 116.64 minus
        #   FV(60 received a year ago) = 64.80 gives 51.84, less the 40 of tier 1 now: 11.84.
        #   Catch-up: C = 20% × (11.84 + C)  =>  C = 2.96. Split: 70 − 40 − 11.84 − 2.96 =
        #   15.20 -> GP 3.04, LPs 12.16. GP so far 6.00 = 20% of the profit 130 − 100.
        # 2024-01-01, 10: FV(100, 3 years) = 125.9712 < FV(60, 2y) + FV(64, 1y) = 69.984 +
        #   69.12, so the hurdle holds; the catch-up target is met; all 10 is split 8 / 2.
        partnership = Partnership(("lp",), "gp", (Contribution("lp", Y2021, D("100")),))
        result = run_european_waterfall(
            TERMS,
            partnership,
            [
                Distribution(Y2022, D("60")),
                Distribution(Y2023, D("70")),
                Distribution(Y2024, D("10")),
            ],
        )
        first, second, third = result.distributions
        assert amounts(first.tiers)[0] == ("return_of_capital", D("60.00"), D("0.00"))
        assert first.gp_carry == 0
        assert amounts(second.tiers) == [
            ("return_of_capital", D("40.00"), D("0.00")),
            ("preferred_return", D("11.84"), D("0.00")),
            ("catch_up", D("0.00"), D("2.96")),
            ("split", D("12.16"), D("3.04")),
        ]
        assert amounts(third.tiers)[3] == ("split", D("8.00"), D("2.00"))
        assert result.gp_carry == D("8.00") == D("0.20") * (D("140") - D("100"))
        assert result.by_partner == {"lp": D("132.00"), "gp": D("8.00")}

    def test_run_distribution_rebuilds_history_from_the_prior_distributions(self) -> None:
        partnership = Partnership(("lp",), "gp", (Contribution("lp", Y2021, D("100")),))
        paid = run_distribution(
            TERMS, partnership, Distribution(Y2023, D("70")), [Distribution(Y2022, D("60"))]
        )
        assert paid.tier(Tier.PREFERRED_RETURN).lp_amount == D("11.84")
        assert paid.gp_carry == D("6.00")

    def test_simple_preferred_return(self) -> None:
        # Simple 8%: 100 × 8% × 730 / 365 = 16 (compounded it would be 16.64).
        # 130 on 2023-01-01: 100 + 16, catch-up 4 (= 16 / 4), split 10 -> 8 / 2.
        terms = WaterfallTerms(compounding=Compounding.SIMPLE)
        partnership = Partnership(("lp",), "gp", (Contribution("lp", Y2021, D("100")),))
        paid = run_european_waterfall(terms, partnership, [Distribution(Y2023, D("130"))])
        assert amounts(paid.distributions[0].tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("16.00"), D("0.00")),
            ("catch_up", D("0.00"), D("4.00")),
            ("split", D("8.00"), D("2.00")),
        ]

    def test_compounding_uses_days_over_365_on_each_flow(self) -> None:
        # 181 days (2021-01-01 to 2021-07-01): 100 × (1.08 ** (181 / 365) − 1) = 3.890185...
        # Catch-up 3.890185 / 4 = 0.972546; split of 110 − 103.890185 − 0.972546 = 5.137269
        # -> LPs 4.109815, GP 1.027454. Rounded once: floors 100 + 3.89 + 0.97 + 4.10 + 1.02
        # = 109.98, the two cents to the largest remainders (0.98 and 0.75 cent).
        with localcontext() as ctx:
            ctx.prec = 40
            pref = 100 * (D("1.08") ** (D(181) / D(365)) - 1)
        assert pref.quantize(D("0.000001")) == D("3.890185")
        partnership = Partnership(("lp",), "gp", (Contribution("lp", Y2021, D("100")),))
        paid = run_european_waterfall(
            TERMS, partnership, [Distribution(date(2021, 7, 1), D("110"))]
        )
        assert amounts(paid.distributions[0].tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("3.89"), D("0.00")),
            ("catch_up", D("0.00"), D("0.97")),
            ("split", D("4.11"), D("1.03")),
        ]

    def test_each_contribution_accrues_from_its_own_date(self) -> None:
        # 50 on 2021-01-01 and 50 on 2022-01-01; 200 on 2023-01-01.
        # FV = 50 × 1.08² + 50 × 1.08 = 58.32 + 54 = 112.32 -> preferred return 12.32;
        # catch-up 12.32 / 4 = 3.08; split 200 − 100 − 12.32 − 3.08 = 84.60 -> 67.68 / 16.92.
        partnership = Partnership(
            ("lp",),
            "gp",
            (Contribution("lp", Y2021, D("50")), Contribution("lp", Y2022, D("50"))),
        )
        paid = run_european_waterfall(TERMS, partnership, [Distribution(Y2023, D("200"))])
        assert amounts(paid.distributions[0].tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("12.32"), D("0.00")),
            ("catch_up", D("0.00"), D("3.08")),
            ("split", D("67.68"), D("16.92")),
        ]

    def test_lp_amounts_are_allocated_by_contributions_with_the_rounding_rule(self) -> None:
        # Three equal LPs, 100.00 of capital back: 33.34 / 33.33 / 33.33 (tie to the first).
        partnership = Partnership(
            ("first", "second", "third"),
            "gp",
            tuple(Contribution(p, Y2021, D("100")) for p in ("first", "second", "third")),
        )
        paid = run_european_waterfall(TERMS, partnership, [Distribution(Y2022, D("100"))])
        assert paid.by_partner == {
            "first": D("33.34"),
            "second": D("33.33"),
            "third": D("33.33"),
            "gp": D("0.00"),
        }

    def test_fees_and_expenses_are_returned_by_term(self) -> None:
        # 100 of capital and 10 of fees, both on 2021-01-01; 150 on 2022-01-01.
        # Including fees: capital 110, preferred return 8.80, catch-up 2.20, split
        #   150 − 121 = 29 -> 23.20 / 5.80; carry 8 = 20% of the profit 150 − 110.
        # Excluding fees: capital 100, preferred return 8, catch-up 2, split 40 -> 32 / 8.
        contributions = (
            Contribution("lp", Y2021, D("100")),
            Contribution("lp", Y2021, D("10"), kind=ContributionKind.FEE),
        )
        partnership = Partnership(("lp",), "gp", contributions)
        including = run_european_waterfall(TERMS, partnership, [Distribution(Y2022, D("150"))])
        assert amounts(including.distributions[0].tiers) == [
            ("return_of_capital", D("110.00"), D("0.00")),
            ("preferred_return", D("8.80"), D("0.00")),
            ("catch_up", D("0.00"), D("2.20")),
            ("split", D("23.20"), D("5.80")),
        ]
        excluding = run_european_waterfall(
            WaterfallTerms(returns_fees_and_expenses=False),
            partnership,
            [Distribution(Y2022, D("150"))],
        )
        assert amounts(excluding.distributions[0].tiers)[0] == (
            "return_of_capital",
            D("100.00"),
            D("0.00"),
        )
        assert excluding.gp_carry == D("10.00")

    def test_gp_commitment_is_capital_that_earns_no_carry_on_itself(self) -> None:
        # LP 90 and GP 10 contributed on 2021-01-01; 150 on 2022-01-01.
        # Tiers 1 and 2 pro rata: capital 90 / 10, preferred return 7.20 / 0.80.
        # Catch-up: carry only on the LP's profit: C = 20% × (7.20 + C)  =>  C = 1.80; of
        #   each catch-up dollar the GP's commitment takes 10% and carry 90%: 2.00 in all.
        # Split: 40 -> GP commitment 4; the LP's 36 -> carry 7.20, LP 28.80.
        # The GP commitment receives 10 + 0.80 + 0.20 + 4 = 15 = 1.5 × 10, the fund's gross
        # multiple (150 / 100): no carry on itself. Carry 9 = 20% of the LP's profit 45.
        partnership = Partnership(
            ("lp", "gp"),
            "gp",
            (Contribution("lp", Y2021, D("90")), Contribution("gp", Y2021, D("10"))),
        )
        paid = run_european_waterfall(TERMS, partnership, [Distribution(Y2022, D("150"))])
        d = paid.distributions[0]
        assert [(t.tier.value, t.lp_amount, t.gp_amount, t.gp_carry) for t in d.tiers] == [
            ("return_of_capital", D("90.00"), D("10.00"), D("0.00")),
            ("preferred_return", D("7.20"), D("0.80"), D("0.00")),
            ("catch_up", D("0.00"), D("2.00"), D("1.80")),
            ("split", D("28.80"), D("11.20"), D("7.20")),
        ]
        assert d.by_partner == {"lp": D("126.00"), "gp": D("24.00")}
        assert d.gp_amount - d.gp_carry == D("15.00")

    def test_distribution_order_and_timing_are_checked(self) -> None:
        with pytest.raises(ValueError, match="date order"):
            run_european_waterfall(
                TERMS, two_lps(), [Distribution(Y2023, D("1")), Distribution(Y2022, D("1"))]
            )
        with pytest.raises(ValueError, match="before any contribution"):
            run_european_waterfall(TERMS, two_lps(), [Distribution(date(2020, 1, 1), D("1"))])
        with pytest.raises(ValueError, match="positive"):
            run_european_waterfall(TERMS, two_lps(), [Distribution(Y2022, D("0"))])
        with pytest.raises(ValueError, match="not a partner"):
            Partnership(("lp",), "gp", (Contribution("stranger", Y2021, D("1")),))

    @pytest.mark.parametrize(
        "changes",
        [
            {"catch_up_rate": D("0.2")},
            {"carry_share": D("1")},
            {"hurdle_rate": D("-0.01")},
            {"clawback_tax_rate": D("1.5")},
        ],
    )
    def test_inconsistent_terms_are_refused(self, changes: dict[str, Decimal]) -> None:
        with pytest.raises(ValueError):
            WaterfallTerms(**changes)  # type: ignore[arg-type]


def deals() -> tuple[Partnership, list[Distribution]]:
    # Deal A: 100 on 2021-01-01, sold for 200 on 2022-01-01.
    # Deal B: 100 on 2021-01-01, sold for 50 on 2023-01-01.
    partnership = Partnership(
        ("lp",),
        "gp",
        (
            Contribution("lp", Y2021, D("100"), deal="A"),
            Contribution("lp", Y2021, D("100"), deal="B"),
        ),
    )
    return partnership, [
        Distribution(Y2022, D("200"), deal="A"),
        Distribution(Y2023, D("50"), deal="B"),
    ]


class TestAmericanAndClawback:
    def test_each_deal_runs_the_tiers_on_its_own_contributions(self) -> None:
        # Deal A: capital 100, preferred 8, catch-up 2, split 90 -> 72 / 18: carry 20.
        # Deal B: 50 is all return of capital: no carry, although the fund lost on it.
        partnership, distributions = deals()
        result = run_american_waterfall(TERMS, partnership, distributions)
        deal_a, deal_b = result.distributions
        assert amounts(deal_a.tiers) == [
            ("return_of_capital", D("100.00"), D("0.00")),
            ("preferred_return", D("8.00"), D("0.00")),
            ("catch_up", D("0.00"), D("2.00")),
            ("split", D("72.00"), D("18.00")),
        ]
        assert amounts(deal_b.tiers)[0] == ("return_of_capital", D("50.00"), D("0.00"))
        assert result.gp_carry == D("20.00")

    def test_fees_allocated_to_a_deal_are_returned_with_it(self) -> None:
        # Deal A also bore a 10 fee on 2021-01-01: capital 110, preferred 8.80, catch-up
        # 2.20, split 200 − 121 = 79 -> 63.20 / 15.80. Carry 18 = 20% × (200 − 110).
        partnership, distributions = deals()
        with_fee = Partnership(
            partnership.partners,
            partnership.gp,
            (
                *partnership.contributions,
                Contribution("lp", Y2021, D("10"), kind=ContributionKind.FEE, deal="A"),
            ),
        )
        result = run_american_waterfall(TERMS, with_fee, distributions[:1])
        assert amounts(result.distributions[0].tiers) == [
            ("return_of_capital", D("110.00"), D("0.00")),
            ("preferred_return", D("8.80"), D("0.00")),
            ("catch_up", D("0.00"), D("2.20")),
            ("split", D("63.20"), D("15.80")),
        ]

    def test_american_distributions_must_name_their_deal(self) -> None:
        partnership, _ = deals()
        with pytest.raises(ValueError, match="names no deal"):
            run_american_waterfall(TERMS, partnership, [Distribution(Y2022, D("1"))])
        with pytest.raises(ValueError, match="deal 'C'"):
            run_american_waterfall(TERMS, partnership, [Distribution(Y2022, D("1"), deal="C")])

    def test_clawback_returns_carry_above_the_whole_fund_entitlement(self) -> None:
        # European on the whole fund: 2022: 200 of capital back. 2023: FV(200, 2y) = 233.28
        # minus FV(200 received 1y ago) = 216 -> preferred return 17.28; catch-up 4.32;
        # split 50 − 17.28 − 4.32 = 28.40 -> carry 5.68. Entitlement 4.32 + 5.68 = 10
        # (= 20% of the fund's profit 250 − 200). Received 20 (deal A): clawback
        # min(20 − 10, 20 × (1 − 0)) = 10.
        partnership, distributions = deals()
        clawback = compute_clawback(TERMS, partnership, distributions)
        assert clawback.carry_received == D("20.00")
        assert clawback.entitlement == D("10.00")
        assert clawback.amount == D("10.00")
        assert clawback.by_lp == {"lp": D("10.00")}

    def test_clawback_is_limited_to_carry_after_assumed_tax(self) -> None:
        # Tax 40%: min(10, 20 × 0.60 = 12) = 10. Tax 60%: min(10, 20 × 0.40 = 8) = 8.
        partnership, distributions = deals()
        at_40 = compute_clawback(
            WaterfallTerms(clawback_tax_rate=D("0.40")), partnership, distributions
        )
        at_60 = compute_clawback(
            WaterfallTerms(clawback_tax_rate=D("0.60")), partnership, distributions
        )
        assert at_40.amount == D("10.00")
        assert at_60.amount == D("8.00")

    def test_clawback_is_never_negative(self) -> None:
        # The GP received less carry (5) than the European waterfall entitles it to (10).
        partnership, distributions = deals()
        clawback = compute_clawback(TERMS, partnership, distributions, carry_received=D("5"))
        assert clawback.amount == D("0.00")
        assert clawback.by_lp == {"lp": D("0.00")}

    def test_clawback_is_shared_by_lps_pro_rata_to_contributions(self) -> None:
        # Two LPs 75:25 in both deals; the clawback of 10 is returned 7.50 / 2.50.
        partnership = Partnership(
            ("big", "small"),
            "gp",
            tuple(
                Contribution(lp, Y2021, D(amount), deal=deal)
                for deal in ("A", "B")
                for lp, amount in (("big", 75), ("small", 25))
            ),
        )
        _, distributions = deals()
        clawback = compute_clawback(TERMS, partnership, distributions)
        assert clawback.amount == D("10.00")
        assert clawback.by_lp == {"big": D("7.50"), "small": D("2.50")}


# ---------------------------------------------------------------------------------------------
# Properties


def future_value(amount: Decimal, start: date, end: date, terms: WaterfallTerms) -> Decimal:
    """An independent FV, flow by flow (shared/CONVENTIONS.md preferred return)."""
    days = D((end - start).days)
    if terms.compounding is Compounding.SIMPLE:
        return amount * (1 + terms.hurdle_rate * days / 365)
    return amount * (1 + terms.hurdle_rate) ** (days / 365)


@st.composite
def funds(draw: st.DrawFn) -> tuple[WaterfallTerms, Partnership, list[Distribution]]:
    carry_share = D("0.20")
    terms = WaterfallTerms(
        hurdle_rate=draw(st.sampled_from([D("0"), D("0.06"), D("0.08"), D("0.12")])),
        compounding=draw(st.sampled_from(list(Compounding))),
        catch_up_rate=draw(st.sampled_from([D("0"), D("0.5"), D("0.8"), D("1")])),
        carry_share=carry_share,
    )
    lps = [f"lp{i}" for i in range(draw(st.integers(1, 4)))]
    has_gp_commitment = draw(st.booleans())
    partners = (*lps, "gp") if has_gp_commitment else tuple(lps)
    start = date(2020, 1, 1).toordinal()
    contributions = [
        Contribution(
            draw(st.sampled_from(partners)),
            date.fromordinal(start + draw(st.integers(0, 1500))),
            D(draw(st.integers(1, 10**7))) * CENT,
        )
        for _ in range(draw(st.integers(1, 6)))
    ]
    first = min(c.date for c in contributions).toordinal()
    days = sorted(draw(st.lists(st.integers(0, 2500), min_size=1, max_size=6)))
    distributions = [
        Distribution(date.fromordinal(first + d), D(draw(st.integers(1, 3 * 10**7))) * CENT)
        for d in days
    ]
    return terms, Partnership(partners, "gp", tuple(contributions)), distributions


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(funds())
    def test_a_waterfall_pays_out_exactly_the_distribution(
        self, fund: tuple[WaterfallTerms, Partnership, list[Distribution]]
    ) -> None:
        terms, partnership, distributions = fund
        result = run_european_waterfall(terms, partnership, distributions)
        for paid in result.distributions:
            amount = paid.distribution.amount
            assert sum(paid.by_partner.values()) == amount
            assert sum(t.amount for t in paid.tiers) == amount
            assert paid.lp_amount + paid.gp_amount == amount
            for tier in paid.tiers:
                assert sum(tier.by_partner.values()) == tier.amount
                assert min(tier.by_partner.values()) >= 0
                assert 0 <= tier.gp_carry <= tier.gp_amount
        total = sum(d.amount for d in distributions)
        assert sum(result.by_partner.values()) == total

    @settings(max_examples=150, deadline=None)
    @given(funds())
    def test_the_gp_receives_no_carry_before_the_lps_reach_the_hurdle(
        self, fund: tuple[WaterfallTerms, Partnership, list[Distribution]]
    ) -> None:
        # Whenever carry is paid, every contribution to date has come back in tier 1, and the
        # investors' earlier receipts plus only tiers 1 and 2 of this distribution already
        # cover the hurdle: FV shortfall at most rounding (a few cents per distribution).
        terms, partnership, distributions = fund
        result = run_european_waterfall(terms, partnership, distributions)
        received: list[tuple[date, Decimal]] = []
        capital_back = D(0)
        for n, paid in enumerate(result.distributions, start=1):
            t = paid.distribution.date
            capital_back += paid.tier(Tier.RETURN_OF_CAPITAL).amount
            before_carry = (
                paid.tier(Tier.RETURN_OF_CAPITAL).amount + paid.tier(Tier.PREFERRED_RETURN).amount
            )
            if paid.gp_carry > 0:
                contributed = [c for c in partnership.contributions if c.date <= t]
                assert capital_back == sum(c.amount for c in contributed)
                with localcontext() as ctx:
                    ctx.prec = 50
                    shortfall = sum(
                        future_value(c.amount, c.date, t, terms) for c in contributed
                    ) - sum(future_value(a, d, t, terms) for d, a in [*received, (t, before_carry)])
                assert shortfall <= D("0.04") * n * 2
            received.append((t, paid.distribution.amount - paid.gp_carry))

    @settings(max_examples=100, deadline=None)
    @given(funds())
    def test_carry_is_never_above_its_share_of_profit_and_reaches_it_in_the_split(
        self, fund: tuple[WaterfallTerms, Partnership, list[Distribution]]
    ) -> None:
        terms, partnership, distributions = fund
        partnership = Partnership(  # without a GP commitment, profit is simply beyond tier 1
            tuple(p for p in partnership.partners if p != "gp"),
            "gp",
            tuple(c for c in partnership.contributions if c.partner != "gp"),
        )
        if not partnership.contributions:
            return
        first = min(c.date for c in partnership.contributions)
        distributions = [d for d in distributions if d.date >= first]
        result = run_european_waterfall(terms, partnership, distributions)
        profit = carry = D(0)
        for n, paid in enumerate(result.distributions, start=1):
            profit += paid.distribution.amount - paid.tier(Tier.RETURN_OF_CAPITAL).amount
            carry += paid.gp_carry
            tolerance = CENT * 4 * n
            assert carry <= terms.carry_share * profit + tolerance
            if paid.tier(Tier.SPLIT).amount > 0 and terms.catch_up_rate > 0:
                assert abs(carry - terms.carry_share * profit) <= tolerance

    @settings(max_examples=60, deadline=None)
    @given(funds())
    def test_a_single_deal_american_waterfall_is_the_european_one(
        self, fund: tuple[WaterfallTerms, Partnership, list[Distribution]]
    ) -> None:
        terms, partnership, distributions = fund
        one_deal = Partnership(
            partnership.partners,
            partnership.gp,
            tuple(
                Contribution(c.partner, c.date, c.amount, c.kind, deal="only")
                for c in partnership.contributions
            ),
        )
        american = run_american_waterfall(
            terms, one_deal, [Distribution(d.date, d.amount, deal="only") for d in distributions]
        )
        european = run_european_waterfall(terms, partnership, distributions)
        assert [d.tiers for d in american.distributions] == [
            d.tiers for d in european.distributions
        ]
        assert american.by_partner == european.by_partner
