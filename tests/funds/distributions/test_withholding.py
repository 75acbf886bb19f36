"""Tax withheld on a distribution is allocated per investor, not rounded per row: an investor
paid in several tiers (or through several commitments) has its whole share times its rate
rounded once, then spread over its rows by the allocation rule (../shared/CONVENTIONS.md,
"Allocation of a total across parties")."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from fundhouse.funds.distributions.service import _withholding_by_row
from fundhouse.funds.models import WaterfallTier

TIERS = list(WaterfallTier)
CENT = D("0.01")


def test_an_investor_paid_in_two_tiers_has_its_tax_rounded_once():
    lp, other = uuid.uuid4(), uuid.uuid4()
    rows = [
        (None, lp, False, TIERS[0], D("100.01")),
        (None, lp, False, TIERS[-1], D("100.01")),
        (None, other, False, TIERS[0], D("50.00")),
    ]
    # Per row: 30.003 -> 30.00 twice = 60.00; on the whole share: 200.02 x 30% = 60.006 -> 60.01.
    taxes = _withholding_by_row(rows, {lp: D("0.30")}, CENT)
    assert taxes == [D("30.01"), D("30.00"), D("0.00")]


@given(
    parts=st.lists(
        st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2), min_size=1, max_size=6
    ),
    rate=st.decimals(min_value=D("0"), max_value=D("0.5"), places=4),
)
def test_each_investors_tax_is_its_whole_share_times_its_rate_to_the_cent(parts, rate):
    lp = uuid.uuid4()
    rows = [(None, lp, False, TIERS[i % len(TIERS)], p) for i, p in enumerate(parts)]
    taxes = _withholding_by_row(rows, {lp: rate}, CENT)
    assert sum(taxes) == (sum(parts) * rate).quantize(CENT, rounding="ROUND_HALF_UP")
    assert all(t >= 0 for t in taxes)
