"""The ledger's invariants, for any sequence of entries and reversals (DESIGN.md §3, §7).

Money is never created or destroyed, only moved: whatever is posted, every currency's postings
sum to zero, the trial balance balances, a balance at a date is the sum of what was posted up
to it, and a reversal takes the books back to where they would be without the entry.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from fundhouse.ledger import service
from fundhouse.ledger.chart import FUND_CHART
from fundhouse.ledger.currencies import minor_units
from fundhouse.ledger.models import Posting
from fundhouse.ledger.service import Line
from fundhouse.platform.errors import Invalid

from .conftest import make_actor, make_book, make_org

START = date(2025, 1, 1)
DAYS = 60
FAR_FUTURE = date(2100, 1, 1)
CURRENCIES = ("USD", "EUR", "JPY", "KWD")
PARTIES = tuple(uuid.UUID(int=n) for n in range(1, 4))
PARTNER_CODES = tuple(str(a.code) for a in FUND_CHART if a.is_partner_account)
OTHER_CODES = tuple(str(a.code) for a in FUND_CHART if not a.is_partner_account)

dates = st.integers(0, DAYS).map(lambda n: START + timedelta(days=n))


@st.composite
def lines_in(draw, currency: str, *, balanced: bool = True) -> list[Line]:
    """Lines in one currency on any accounts; balanced unless asked otherwise."""
    places = minor_units(currency)
    units = draw(
        st.lists(
            st.one_of(st.integers(1, 10**6), st.integers(1, 10**15)).map(
                lambda n: n * draw(st.sampled_from((1, -1)))
            ),
            min_size=1,
            max_size=4,
        )
    )
    rest = -sum(units)
    if balanced:
        if rest != 0:
            units.append(rest)
        if len(units) < 2:
            units += [7, -7]
    else:
        units.append(rest + draw(st.sampled_from((1, -1, 100))))
    out = []
    for n in units:
        code = draw(st.sampled_from(PARTNER_CODES + OTHER_CODES))
        party = draw(st.sampled_from(PARTIES)) if code in PARTNER_CODES else None
        out.append(Line(code, Decimal(n).scaleb(-places), currency, party))
    return out


@st.composite
def balanced_lines(draw) -> list[Line]:
    currencies = draw(st.lists(st.sampled_from(CURRENCIES), min_size=1, max_size=3, unique=True))
    lines = [line for c in currencies for line in draw(lines_in(c))]
    return draw(st.permutations(lines))


@dataclass
class Posted:
    id: uuid.UUID
    entry_date: date
    lines: list[Line]
    reversed_by: Posted | None = None
    is_reversal: bool = False


def sums(entries, key, as_of=FAR_FUTURE):
    """What the model says: Σ amounts of the entries dated up to ``as_of``, grouped by ``key``."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if entry.entry_date <= as_of:
            for line in entry.lines:
                totals[key(line)] += line.amount
    return {k: v for k, v in totals.items() if v != 0}


def ledger_machine(db):
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.actor = make_actor(make_org(db, "Property Fund Managers"))
            self.book = make_book(db, self.actor)
            self.entries: list[Posted] = []

        def balances(self, as_of=FAR_FUTURE, since=None):
            return {
                (b.account_code, b.currency): b.balance
                for b in service.account_balances(db, self.actor, self.book.id, as_of, since=since)
                if b.balance != 0
            }

        @rule(lines=balanced_lines(), entry_date=dates)
        def post(self, lines, entry_date):
            entry = service.post_entry(
                db,
                self.actor,
                self.book.id,
                entry_date=entry_date,
                memo="generated",
                lines=lines,
                source_type="property",
                source_id=None,
            )
            self.entries.append(Posted(entry.id, entry_date, lines))

        @rule(data=st.data(), entry_date=dates)
        def post_unbalanced(self, data, entry_date):
            currency = data.draw(st.sampled_from(CURRENCIES))
            lines = data.draw(lines_in(currency, balanced=False))
            before = db.scalar(select(func.count()).select_from(Posting))
            try:
                service.post_entry(
                    db,
                    self.actor,
                    self.book.id,
                    entry_date=entry_date,
                    memo="generated",
                    lines=lines,
                    source_type="property",
                    source_id=None,
                )
            except Invalid:
                pass
            else:
                raise AssertionError("an unbalanced entry was posted")
            assert db.scalar(select(func.count()).select_from(Posting)) == before

        def reversible(self):
            return [e for e in self.entries if e.reversed_by is None and not e.is_reversal]

        @precondition(lambda self: self.reversible())
        @rule(data=st.data())
        def reverse(self, data):
            original = data.draw(st.sampled_from(self.reversible()))
            entry_date = original.entry_date + timedelta(days=data.draw(st.integers(0, 10)))
            reversal = service.reverse_entry(
                db, self.actor, original.id, entry_date=entry_date, memo="undo"
            )
            mirrored = [
                Line(ln.account_code, -ln.amount, ln.currency, ln.party_id) for ln in original.lines
            ]
            original.reversed_by = Posted(reversal.id, entry_date, mirrored, is_reversal=True)
            self.entries.append(original.reversed_by)
            untouched = [e for e in self.entries if e.reversed_by is None and not e.is_reversal]
            later = max(e.entry_date for e in self.entries)
            assert self.balances(later) == sums(
                untouched, lambda ln: (ln.account_code, ln.currency)
            ), "a reversal must leave the books as if the entry had never been posted"

        @rule(as_of=dates, since=st.none() | dates)
        def balances_at_a_date_are_the_sum_of_entries_up_to_it(self, as_of, since):
            if since is not None and since > as_of:
                since, as_of = as_of, since
            window = [e for e in self.entries if since is None or e.entry_date >= since]
            assert self.balances(as_of, since) == sums(
                window, lambda ln: (ln.account_code, ln.currency), as_of
            )
            got = service.partner_balances(
                db, self.actor, self.book.id, PARTNER_CODES, as_of, currency="USD"
            )
            expected_usd = sums(
                [e for e in self.entries if e.entry_date <= as_of],
                lambda ln: (
                    (ln.party_id, ln.account_code)
                    if ln.party_id is not None and ln.currency == "USD"
                    else None
                ),
            )
            expected_usd.pop(None, None)
            assert {k: v for k, v in got.items() if v != 0} == expected_usd

        @invariant()
        def every_currency_sums_to_zero(self):
            per_currency: dict[str, Decimal] = defaultdict(Decimal)
            for (_code, currency), balance in self.balances().items():
                per_currency[currency] += balance
            assert all(total == 0 for total in per_currency.values()), per_currency

        @invariant()
        def the_trial_balance_balances(self):
            tb = service.trial_balance(db, self.actor, self.book.id, FAR_FUTURE)
            assert tb.is_balanced
            assert tb.total_debits == tb.total_credits
            assert {(r.account_code, r.currency): r.debit - r.credit for r in tb.rows} == sums(
                self.entries, lambda ln: (ln.account_code, ln.currency)
            )

    return LedgerMachine


def test_ledger_invariants_hold_for_any_sequence_of_entries_and_reversals(db):
    run_state_machine_as_test(
        ledger_machine(db),
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.lists(
        st.tuples(
            st.sampled_from(OTHER_CODES),
            st.sampled_from(("USD", "JPY")),
            st.integers(-500, 500).filter(bool),
        ),
        max_size=6,
    ),
    close_each_currency=st.booleans(),
)
def test_an_entry_is_posted_exactly_when_each_currency_balances(
    db, book, actor, raw, close_each_currency
):
    totals: dict[str, int] = defaultdict(int)
    for _code, currency, n in raw:
        totals[currency] += n
    if close_each_currency:
        raw = raw + [("1300", c, -t) for c, t in totals.items() if t != 0]
        totals = defaultdict(int)
    lines = [Line(code, Decimal(n), currency) for code, currency, n in raw]
    should_post = len(lines) >= 2 and all(t == 0 for t in totals.values())
    event("balanced" if should_post else "refused")
    before = db.scalar(select(func.count()).select_from(Posting))
    try:
        service.post_entry(
            db,
            actor,
            book.id,
            entry_date=START,
            memo="generated",
            lines=lines,
            source_type="property",
            source_id=None,
        )
        posted = True
    except Invalid:
        posted = False
    assert posted == should_post
    assert db.scalar(select(func.count()).select_from(Posting)) == before + (
        len(lines) if posted else 0
    )
