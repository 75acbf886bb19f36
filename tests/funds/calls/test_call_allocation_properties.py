"""The call plan against an independent reference implementation of the convention.

shared/CONVENTIONS.md, "Capital calls": pro rata to commitments (or unfunded commitments), no
LP called beyond its unfunded commitment — cap, spread the excess over the LPs with room in
proportion to their weights, repeat until no cap binds — then round once to the cent: floor
each share, hand the cents left to the largest remainders, ties to the earlier commitment.
The reference below is that sentence, literally, in exact fractions.
"""

from __future__ import annotations

import math
import uuid
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundhouse.funds.calls import service as calls
from fundhouse.funds.models import CallAllocation, CallBasis, CallPurpose, CallStatus, CapitalCall
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import CommitmentCreate, FundCreate, InvestorCreate
from fundhouse.identity.models import Organization, User
from fundhouse.platform.access import Actor, permissions_for

CENT = Fraction(1, 100)


def reference_call(
    total: Fraction, weights: list[Fraction], caps: list[Fraction]
) -> list[Fraction]:
    n = len(weights)
    capped: set[int] = set()
    while True:
        free = [i for i in range(n) if i not in capped and weights[i] > 0]
        rest = total - sum((caps[i] for i in capped), Fraction(0))
        weight = sum((weights[i] for i in free), Fraction(0))
        exact = [Fraction(0)] * n
        for i in capped:
            exact[i] = caps[i]
        for i in free:
            exact[i] = rest * weights[i] / weight
        over = [i for i in free if exact[i] > caps[i]]
        if not over:
            break
        capped.update(over)
    cents = [share / CENT for share in exact]
    floors = [math.floor(c) for c in cents]
    left = int(total / CENT) - sum(floors)
    for i in sorted(range(n), key=lambda i: (-(cents[i] - floors[i]), i))[:left]:
        floors[i] += 1
    return [Fraction(f) * CENT for f in floors]


def _actor(db) -> Actor:
    org = Organization(name="Property Capital", slug=f"prop-{uuid.uuid4().hex[:10]}")
    user = User(email=f"{uuid.uuid4().hex[:12]}@example.com", full_name="Property Tester")
    db.add_all([org, user])
    db.flush()
    return Actor(user.id, org.id, "fund_manager", permissions_for("fund_manager"))


@st.composite
def funds(draw):
    n = draw(st.integers(1, 6))
    commitments = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n))
    called = [draw(st.integers(0, c)) for c in commitments]
    basis = draw(st.sampled_from([CallBasis.COMMITMENT, CallBasis.UNFUNDED]))
    room = sum(commitments) - sum(called)
    if room == 0:
        called[0] -= 1
        room = 1
    total = draw(st.integers(1, room))
    return commitments, called, basis, total


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=funds())
def test_the_call_plan_matches_the_reference_convention(db, case):
    commitments_cents, called_cents, basis, total_cents = case
    actor = _actor(db)
    fund = service.create_fund(db, actor, FundCreate(name="Property Fund", currency="USD"))
    created = []
    for i, amount in enumerate(commitments_cents):
        investor = service.create_investor(db, actor, InvestorCreate(kind="entity", name=f"LP {i}"))
        created.append(
            service.create_commitment(
                db,
                actor,
                fund.id,
                CommitmentCreate(investor_id=investor.id, amount=Decimal(amount) / 100),
            )
        )
    # Earlier calls drew ``called`` from each commitment (an issued call's allocations).
    earlier = CapitalCall(
        org_id=actor.org_id,
        fund_id=fund.id,
        number=1,
        purpose=CallPurpose.INVESTMENT,
        amount=Decimal(sum(called_cents)) / 100,
        call_date=date(2024, 1, 1),
        due_date=date(2024, 1, 1),
        status=CallStatus.PAID,
        created_by=actor.user_id,
    )
    db.add(earlier)
    db.flush()
    for c, drawn in zip(created, called_cents, strict=True):
        db.add(
            CallAllocation(
                org_id=actor.org_id,
                call_id=earlier.id,
                commitment_id=c.id,
                investor_id=c.investor_id,
                sequence=c.sequence,
                amount=Decimal(drawn) / 100,
            )
        )
    db.flush()

    plan, total_unfunded = calls.plan_call(db, fund, Decimal(total_cents) / 100, basis)

    caps = [Fraction(c - d, 100) for c, d in zip(commitments_cents, called_cents, strict=True)]
    weights = (
        [Fraction(c, 100) for c in commitments_cents] if basis == CallBasis.COMMITMENT else caps
    )
    expected = reference_call(Fraction(total_cents, 100), weights, caps)
    assert [Fraction(line.amount) for line in plan] == expected
    assert sum(line.amount for line in plan) == Decimal(total_cents) / 100
    assert all(line.amount <= line.position.unfunded for line in plan)
    assert total_unfunded == sum(caps)
