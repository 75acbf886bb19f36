"""a reversed payment is kept, marked reversed, with its reversing entry

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 11:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reversed_by', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('reversal_entry_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_payments_reversed_by_users'), 'users', ['reversed_by'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_payments_reversal_entry_id_journal_entries'),
            'journal_entries',
            ['reversal_entry_id'],
            ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_payments_reversal_entry_id_journal_entries'), type_='foreignkey'
        )
        batch_op.drop_constraint(batch_op.f('fk_payments_reversed_by_users'), type_='foreignkey')
        batch_op.drop_column('reversal_entry_id')
        batch_op.drop_column('reversed_by')
        batch_op.drop_column('reversed_at')
