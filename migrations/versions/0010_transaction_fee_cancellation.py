"""a transaction fee recorded by mistake is cancelled and kept, with who cancelled it and why

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 13:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fundhouse.platform.db


revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('transaction_fees', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('cancelled_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('cancelled_by', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('cancellation_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_transaction_fees_cancelled_by_users'), 'users', ['cancelled_by'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('transaction_fees', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_transaction_fees_cancelled_by_users'), type_='foreignkey'
        )
        batch_op.drop_column('cancellation_reason')
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('cancelled_at')
