"""what an LP paid on a call is derived from its payments, not kept as a balance

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 12:30:00.000000
"""
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from fundhouse.platform.db import ExactDecimal


revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# SQLite 3.35+ drops and adds a plain column in place; a batch copy of the table would trip
# the foreign keys of the payments that point at it.


def upgrade() -> None:
    op.drop_column('call_allocations', 'paid_amount')


def downgrade() -> None:
    op.add_column(
        'call_allocations',
        sa.Column('paid_amount', ExactDecimal(), nullable=False, server_default='0'),
    )
    # Summed in Python: SQLite keeps decimals as text and would sum them as floats.
    bind = op.get_bind()
    payments = sa.table(
        'payments',
        sa.column('call_allocation_id', sa.Uuid()),
        sa.column('amount', ExactDecimal()),
        sa.column('reversed_at', sa.DateTime(timezone=True)),
    )
    allocations = sa.table(
        'call_allocations', sa.column('id', sa.Uuid()), sa.column('paid_amount', ExactDecimal())
    )
    paid: dict[object, Decimal] = defaultdict(Decimal)
    rows = bind.execute(
        sa.select(payments.c.call_allocation_id, payments.c.amount).where(
            payments.c.reversed_at.is_(None)
        )
    )
    for allocation_id, amount in rows:
        paid[allocation_id] += amount
    for allocation_id, amount in paid.items():
        bind.execute(
            allocations.update().where(allocations.c.id == allocation_id).values(paid_amount=amount)
        )
