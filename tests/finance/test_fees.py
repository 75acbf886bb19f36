"""Management fees, offsets and late closers, per shared/CONVENTIONS.md
"Management fees and late closers".

Calendar quarters billed in advance; stub at the initial close; 2% on commitments for five
years, then 1.5% on invested cost (or NAV); full quarter = rate / 4 × base, partial = rate ×
base × days / 365; each installment rounded half up to the cent; offsets reduce the first
installment due strictly after the fee was received, the excess carries forward. Late closers
pay every earlier installment on their own commitment plus 8% simple equalization interest,
which goes to the earlier LPs. The arithmetic of each example is in its comments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundhouse.finance.fees import (
    BasisValue,
    CatchUpKind,
    Commitment,
    FeeBasis,
    FeeHoliday,
    FeeTerms,
    PriorCapitalCall,
    RateStep,
    TransactionFee,
    compute_late_closer_catch_up,
    compute_management_fees,
    investment_period_end,
)

D = Decimal
TERMS = FeeTerms()
CLOSE = date(2020, 2, 15)
LPS = [Commitment("lp-a", D("60000000")), Commitment("lp-b", D("40000000"))]
COST = [BasisValue(date(2024, 1, 1), D("50000000"))]


def fees_by_due_date(schedule: object) -> dict[date, Decimal]:
    return {i.due_date: i.net for i in schedule.installments}  # type: ignore[attr-defined]


class TestSchedule:
    def test_stub_at_initial_close_then_full_quarters_on_commitments(self) -> None:
        # Stub 2020-02-15 .. 2020-03-31 = 46 days: 2% × 100,000,000 × 46 / 365 = 252,054.7945
        # -> 252,054.79. Split 60:40 by the allocation rule: 151,232.874 and 100,821.916 ->
        # floors 151,232.87 + 100,821.91, the cent to the larger remainder (lp-b).
        # Full quarter: 2% / 4 × 100,000,000 = 500,000.00 (whatever the quarter's length).
        schedule = compute_management_fees(TERMS, CLOSE, LPS, date(2021, 1, 1))
        stub, q2, q3, q4 = schedule.installments
        assert (stub.due_date, stub.first_day, stub.last_day) == (
            CLOSE,
            CLOSE,
            date(2020, 3, 31),
        )
        assert stub.gross == D("252054.79")
        assert stub.periods[0].days == 46 and not stub.periods[0].is_full_quarter
        assert stub.by_lp == {"lp-a": D("151232.87"), "lp-b": D("100821.92")}
        assert [q.due_date for q in (q2, q3, q4)] == [
            date(2020, 4, 1),
            date(2020, 7, 1),
            date(2020, 10, 1),
        ]
        assert {q.gross for q in (q2, q3, q4)} == {D("500000.00")}
        assert schedule.net == D("1752054.79")
        assert schedule.by_lp == {"lp-a": D("1051232.87"), "lp-b": D("700821.92")}

    def test_quarter_holding_the_end_of_the_investment_period_is_split_by_days(self) -> None:
        # Investment period ends on the fifth anniversary, 2025-02-15.
        # Q1 2025: 2025-01-01 .. 02-14 = 45 days at 2% on 100,000,000 = 246,575.3425, and
        # 02-15 .. 03-31 = 45 days at 1.5% on the cost at 02-15 (50,000,000) = 92,465.7534;
        # together 339,041.0959 -> 339,041.10. Q2 2025 is a full quarter on cost:
        # 1.5% / 4 × 50,000,000 = 187,500.00.
        schedule = compute_management_fees(TERMS, CLOSE, LPS, date(2025, 7, 1), invested_cost=COST)
        fees = fees_by_due_date(schedule)
        assert fees[date(2024, 10, 1)] == D("500000.00")
        assert fees[date(2025, 1, 1)] == D("339041.10")
        assert fees[date(2025, 4, 1)] == D("187500.00")
        split = schedule.installments[-2].periods
        assert [(p.days, p.basis, p.rate, p.base) for p in split] == [
            (45, FeeBasis.COMMITMENTS, D("0.02"), D("100000000")),
            (45, FeeBasis.INVESTED_COST, D("0.015"), D("50000000")),
        ]

    def test_post_period_base_is_measured_at_the_start_of_the_period_and_nav_by_term(
        self,
    ) -> None:
        # Cost falls to 40,000,000 on 2025-05-01 (inside Q2): Q2 still uses 50,000,000;
        # Q3 uses 40,000,000: 1.5% / 4 × 40,000,000 = 150,000.
        # On NAV (30,000,000 from 2025-01-01): Q2 1.5% / 4 × 30,000,000 = 112,500.
        cost = [*COST, BasisValue(date(2025, 5, 1), D("40000000"))]
        on_cost = compute_management_fees(TERMS, CLOSE, LPS, date(2025, 10, 1), invested_cost=cost)
        assert fees_by_due_date(on_cost)[date(2025, 4, 1)] == D("187500.00")
        assert fees_by_due_date(on_cost)[date(2025, 7, 1)] == D("150000.00")
        on_nav = compute_management_fees(
            FeeTerms(post_investment_period_basis=FeeBasis.NAV),
            CLOSE,
            LPS,
            date(2025, 7, 1),
            invested_cost=cost,
            nav=[BasisValue(date(2025, 1, 1), D("30000000"))],
        )
        assert fees_by_due_date(on_nav)[date(2025, 4, 1)] == D("112500.00")

    def test_missing_cost_after_the_investment_period_is_refused(self) -> None:
        with pytest.raises(ValueError, match="invested_cost value on or before 2025-02-15"):
            compute_management_fees(TERMS, CLOSE, LPS, date(2025, 7, 1))

    def test_installments_are_rounded_half_up_to_the_cent(self) -> None:
        # 2% / 4 × 1,001 = 5.005 -> 5.01 (half up; half-even would give 5.00).
        schedule = compute_management_fees(
            TERMS, date(2020, 1, 1), [Commitment("lp", D("1001"))], date(2020, 4, 1)
        )
        assert schedule.installments[0].gross == D("5.01")

    def test_initial_close_on_a_quarter_day_bills_a_full_quarter(self) -> None:
        schedule = compute_management_fees(TERMS, date(2020, 1, 1), LPS, date(2020, 4, 1))
        (only,) = schedule.installments
        assert only.gross == D("500000.00") and only.periods[0].is_full_quarter

    def test_fee_end_inside_a_quarter_makes_a_partial_last_period(self) -> None:
        # Fees stop on 2020-05-01: Q2 covers 2020-04-01 .. 04-30 = 30 days:
        # 2% × 100,000,000 × 30 / 365 = 164,383.5616 -> 164,383.56.
        schedule = compute_management_fees(TERMS, date(2020, 1, 1), LPS, date(2020, 5, 1))
        assert fees_by_due_date(schedule)[date(2020, 4, 1)] == D("164383.56")

    def test_step_down_mid_quarter_splits_the_quarter(self) -> None:
        # Rate steps down to 1% on 2021-02-15. Q1 2021: 45 days at 2% = 246,575.3425 plus
        # 45 days at 1% = 123,287.6712 -> 369,863.01. Q2: 1% / 4 × 100,000,000 = 250,000.
        terms = FeeTerms(step_downs=(RateStep(date(2021, 2, 15), D("0.01")),))
        schedule = compute_management_fees(terms, CLOSE, LPS, date(2021, 7, 1))
        fees = fees_by_due_date(schedule)
        assert fees[date(2020, 10, 1)] == D("500000.00")
        assert fees[date(2021, 1, 1)] == D("369863.01")
        assert fees[date(2021, 4, 1)] == D("250000.00")

    def test_fee_holidays_bill_nothing_for_their_days(self) -> None:
        # Holiday over all of Q3 2020: nothing. Holiday 2020-10-01 .. 10-31: the rest of Q4,
        # 2020-11-01 .. 12-31 = 61 days: 2% × 100,000,000 × 61 / 365 = 334,246.5753.
        terms = FeeTerms(
            holidays=(
                FeeHoliday(date(2020, 7, 1), date(2020, 9, 30)),
                FeeHoliday(date(2020, 10, 1), date(2020, 10, 31)),
            )
        )
        schedule = compute_management_fees(terms, CLOSE, LPS, date(2021, 1, 1))
        fees = fees_by_due_date(schedule)
        assert fees[date(2020, 7, 1)] == D("0.00")
        assert fees[date(2020, 10, 1)] == D("334246.58")
        assert [p.is_holiday for p in schedule.installments[-1].periods] == [True, False]

    def test_anniversary_of_29_february(self) -> None:
        assert investment_period_end(TERMS, date(2020, 2, 29)) == date(2025, 2, 28)
        assert investment_period_end(
            FeeTerms(investment_period_end=date(2023, 6, 30)), CLOSE
        ) == date(2023, 6, 30)


class TestOffsets:
    def test_offset_reduces_the_first_installment_due_strictly_after_receipt(self) -> None:
        # 100,000 received 2020-03-15 reduces the 2020-04-01 installment to 400,000.
        # 700,000 received on 2020-04-01 (a due date) goes to the next one, 2020-07-01:
        # 500,000 -> 0 (never negative), 200,000 carried to 2020-10-01: 500,000 -> 300,000.
        schedule = compute_management_fees(
            TERMS,
            CLOSE,
            LPS,
            date(2021, 1, 1),
            transaction_fees=[
                TransactionFee(date(2020, 4, 1), D("700000")),
                TransactionFee(date(2020, 3, 15), D("100000")),
            ],
        )
        q2, q3, q4 = schedule.installments[1:]
        assert (q2.gross, q2.offset, q2.net) == (D("500000.00"), D("100000.00"), D("400000.00"))
        assert (q3.offset, q3.net) == (D("500000.00"), D("0.00"))
        assert (q4.offset, q4.net) == (D("200000.00"), D("300000.00"))
        assert q3.by_lp == {"lp-a": D("0.00"), "lp-b": D("0.00")}
        assert schedule.unapplied_offset == D("0.00")

    def test_partial_offset_rate_and_unapplied_credit(self) -> None:
        # At 80%, 100,000 credits 80,000: 2020-04-01 is billed 420,000. A fee received after
        # the last installment stays unapplied.
        schedule = compute_management_fees(
            FeeTerms(offset_rate=D("0.8")),
            CLOSE,
            LPS,
            date(2020, 7, 1),
            transaction_fees=[
                TransactionFee(date(2020, 3, 15), D("100000")),
                TransactionFee(date(2020, 5, 1), D("50000")),
            ],
        )
        assert schedule.installments[1].net == D("420000.00")
        assert schedule.unapplied_offset == D("40000.00")


class TestLateClosers:
    def test_late_closer_is_billed_only_after_its_close(self) -> None:
        # lp-c (20,000,000) closes 2020-08-15: the 2020-07-01 installment is the earlier LPs'
        # (500,000); from 2020-10-01 all three pay: 2% / 4 × 120,000,000 = 600,000, of which
        # lp-c pays 100,000.
        lps = [*LPS, Commitment("lp-c", D("20000000"), date(2020, 8, 15))]
        schedule = compute_management_fees(TERMS, date(2020, 1, 1), lps, date(2021, 1, 1))
        q3, q4 = schedule.installments[2:]
        assert q3.net == D("500000.00") and q3.by_lp["lp-c"] == D("0.00")
        assert q4.net == D("600000.00") and q4.by_lp["lp-c"] == D("100000.00")

    def test_catch_up_and_equalization_interest(self) -> None:
        # Initial close 2020-01-01 (lp-a 60M, lp-b 40M); lp-c (20M) closes 2020-08-15.
        # Fees due on or before its close, on its own commitment: 2020-01-01, 04-01, 07-01,
        # each 2% / 4 × 20,000,000 = 100,000. Capital call of 10,000,000 on 100,000,000 on
        # 2020-03-01 (10%): 2,000,000.
        # Interest, 8% × days / 365 to 2020-08-15:
        #   100,000 × 227 days = 4,975.342466; 100,000 × 136 = 2,980.821918;
        #   100,000 × 45 = 986.301370; 2,000,000 × 167 = 73,205.479452;
        #   total 82,147.945206 -> 82,147.95, to lp-a and lp-b 60:40: 49,288.77 / 32,859.18.
        # Per item, 82,147.95 split pro rata to the exact interests: floors 4,975.34 +
        # 2,980.82 + 986.30 + 73,205.48 = 82,147.94, the cent to the call (largest remainder).
        catch_up = compute_late_closer_catch_up(
            TERMS,
            date(2020, 1, 1),
            Commitment("lp-c", D("20000000"), date(2020, 8, 15)),
            LPS,
            [PriorCapitalCall(date(2020, 3, 1), D("10000000"), D("100000000"))],
        )
        assert [(i.kind, i.due_date, i.amount, i.days) for i in catch_up.items] == [
            (CatchUpKind.FEE, date(2020, 1, 1), D("100000.00"), 227),
            (CatchUpKind.CAPITAL_CALL, date(2020, 3, 1), D("2000000.00"), 167),
            (CatchUpKind.FEE, date(2020, 4, 1), D("100000.00"), 136),
            (CatchUpKind.FEE, date(2020, 7, 1), D("100000.00"), 45),
        ]
        assert [i.interest for i in catch_up.items] == [
            D("4975.34"),
            D("73205.49"),
            D("2980.82"),
            D("986.30"),
        ]
        assert catch_up.fees == D("300000.00")
        assert catch_up.capital == D("2000000.00")
        assert catch_up.interest == D("82147.95")
        assert catch_up.interest_by_lp == {"lp-a": D("49288.77"), "lp-b": D("32859.18")}
        assert catch_up.total == D("2382147.95")

    def test_catch_up_is_limited_to_the_installments_the_fund_billed(self) -> None:
        # The same late closer when the fund billed only its 2020-04-01 quarter: that fee
        # (100,000, 136 days: 2,980.821918) and the call (2,000,000, 167 days: 73,205.479452);
        # interest 76,186.301370 -> 76,186.30.
        catch_up = compute_late_closer_catch_up(
            TERMS,
            date(2020, 1, 1),
            Commitment("lp-c", D("20000000"), date(2020, 8, 15)),
            LPS,
            [PriorCapitalCall(date(2020, 3, 1), D("10000000"), D("100000000"))],
            fee_due_dates={date(2020, 4, 1)},
        )
        assert [(i.kind, i.due_date, i.amount) for i in catch_up.items] == [
            (CatchUpKind.CAPITAL_CALL, date(2020, 3, 1), D("2000000.00")),
            (CatchUpKind.FEE, date(2020, 4, 1), D("100000.00")),
        ]
        assert (catch_up.fees, catch_up.interest) == (D("100000.00"), D("76186.30"))

    def test_late_closer_pays_the_stub_as_if_admitted_at_the_initial_close(self) -> None:
        # Initial close 2020-02-15: the stub on lp-c's 20,000,000 is 2% × 46 / 365 =
        # 50,410.96; interest to 2020-05-01 (76 days): 50,410.96 × 8% × 76 / 365 = 839.7223,
        # plus the 2020-04-01 quarter: 100,000 × 8% × 30 / 365 = 657.5342; total 1,497.2565
        # -> 1,497.26.
        catch_up = compute_late_closer_catch_up(
            TERMS, CLOSE, Commitment("lp-c", D("20000000"), date(2020, 5, 1)), LPS
        )
        assert [i.amount for i in catch_up.items] == [D("50410.96"), D("100000.00")]
        assert catch_up.interest == D("1497.26")

    def test_closing_on_a_due_date_pays_that_installment_as_catch_up(self) -> None:
        # lp-c closes on 2020-07-01: the installment due that day is in its catch-up (0 days
        # of interest) and billed to the earlier LPs only, so nothing is billed twice.
        late = Commitment("lp-c", D("20000000"), date(2020, 7, 1))
        catch_up = compute_late_closer_catch_up(TERMS, date(2020, 1, 1), late, LPS)
        assert [(i.due_date, i.days) for i in catch_up.items][-1] == (date(2020, 7, 1), 0)
        schedule = compute_management_fees(TERMS, date(2020, 1, 1), [*LPS, late], date(2020, 10, 1))
        assert schedule.installments[-1].by_lp["lp-c"] == D("0.00")
        assert schedule.installments[-1].net == D("500000.00")

    def test_initial_close_needs_positive_commitments(self) -> None:
        with pytest.raises(ValueError, match="initial close must commit"):
            compute_management_fees(
                TERMS,
                CLOSE,
                [Commitment("lp-a", D("0")), Commitment("lp-b", D("5"), date(2020, 5, 1))],
                date(2021, 1, 1),
            )

    def test_invalid_late_closes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="after the initial close"):
            compute_late_closer_catch_up(TERMS, CLOSE, Commitment("lp-c", D("1"), CLOSE), LPS)
        with pytest.raises(ValueError, match="not admitted before"):
            compute_late_closer_catch_up(
                TERMS,
                CLOSE,
                Commitment("lp-c", D("1"), date(2020, 5, 1)),
                [Commitment("lp-d", D("1"), date(2020, 6, 1))],
            )


@st.composite
def fee_cases(
    draw: st.DrawFn,
) -> tuple[FeeTerms, date, list[Commitment], date, list[BasisValue], list[TransactionFee]]:
    start = date(2019, 1, 1).toordinal()
    initial_close = date.fromordinal(start + draw(st.integers(0, 800)))
    n = draw(st.integers(1, 4))
    commitments = [
        Commitment(
            f"lp{i}",
            D(draw(st.integers(0 if i else 1, 10**9))) / 100,
            None
            if i == 0
            else date.fromordinal(initial_close.toordinal() + draw(st.integers(0, 500))),
        )
        for i in range(n)
    ]
    terms = FeeTerms(
        investment_period_years=draw(st.integers(0, 3)),
        offset_rate=draw(st.sampled_from([D("1"), D("0.8"), D("0.5")])),
        step_downs=tuple(
            RateStep(
                date.fromordinal(initial_close.toordinal() + draw(st.integers(0, 2000))),
                D(draw(st.integers(0, 300))) / 10000,
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
        holidays=tuple(
            FeeHoliday(
                date.fromordinal(initial_close.toordinal() + (a := draw(st.integers(0, 2000)))),
                date.fromordinal(initial_close.toordinal() + a + draw(st.integers(0, 200))),
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
    )
    until = date.fromordinal(initial_close.toordinal() + draw(st.integers(1, 2500)))
    cost = [
        BasisValue(
            date.fromordinal(initial_close.toordinal() + draw(st.integers(0, 2000))),
            D(draw(st.integers(0, 10**9))) / 100,
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    cost.append(BasisValue(initial_close, D(draw(st.integers(0, 10**9))) / 100))
    transaction_fees = [
        TransactionFee(
            date.fromordinal(initial_close.toordinal() + draw(st.integers(-30, 2600))),
            D(draw(st.integers(0, 10**8))) / 100,
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    return terms, initial_close, commitments, until, cost, transaction_fees


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(fee_cases())
    def test_fees_are_never_negative_and_every_cent_is_accounted_for(
        self,
        case: tuple[FeeTerms, date, list[Commitment], date, list[BasisValue], list[TransactionFee]],
    ) -> None:
        terms, initial_close, commitments, until, cost, transaction_fees = case
        schedule = compute_management_fees(
            terms,
            initial_close,
            commitments,
            until,
            invested_cost=cost,
            transaction_fees=transaction_fees,
        )
        credits = sum(
            (
                (f.amount * terms.offset_rate).quantize(D("0.01"), rounding="ROUND_HALF_UP")
                for f in transaction_fees
            ),
            D(0),
        )
        for i in schedule.installments:
            assert i.net >= 0 and i.gross >= 0 and i.offset >= 0
            assert i.net == i.gross - i.offset
            assert sum(i.by_lp.values()) == i.net
            assert min(i.by_lp.values()) >= 0
            assert i.first_day <= i.last_day and i.due_date == i.first_day
        assert schedule.offset + schedule.unapplied_offset == credits
        assert sum(schedule.by_lp.values()) == schedule.net
        days = sum((i.last_day - i.first_day).days + 1 for i in schedule.installments)
        assert days == (until - initial_close).days

    @settings(max_examples=100, deadline=None)
    @given(fee_cases(), st.integers(1, 900), st.integers(0, 10**9))
    def test_equalization_interest_is_fully_allocated_to_earlier_lps(
        self,
        case: tuple[FeeTerms, date, list[Commitment], date, list[BasisValue], list[TransactionFee]],
        days_after_close: int,
        commitment: int,
    ) -> None:
        terms, initial_close, commitments, _, cost, _ = case
        earlier = [Commitment(c.lp, c.amount) for c in commitments]
        if not any(c.amount for c in earlier):
            earlier[0] = Commitment(earlier[0].lp, D(1))
        late = Commitment(
            "late",
            D(commitment + 1) / 100,
            date.fromordinal(initial_close.toordinal() + days_after_close),
        )
        catch_up = compute_late_closer_catch_up(
            terms, initial_close, late, earlier, invested_cost=cost
        )
        assert sum(catch_up.interest_by_lp.values()) == catch_up.interest
        assert sum(i.interest for i in catch_up.items) == catch_up.interest
        assert all(i.amount >= 0 and i.interest >= 0 for i in catch_up.items)
        assert catch_up.items[0].due_date == initial_close
