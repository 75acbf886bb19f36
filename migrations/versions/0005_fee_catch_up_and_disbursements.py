"""late closers' fee catch-up (equalization item kinds) and disbursements of payables

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:57:13.592604
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fundhouse.platform.db


revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One live fee run per period: a cancelled run leaves its period free to bill again.
    with op.batch_alter_table('fee_runs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_fee_runs_fund_period_start', type_='unique')
        batch_op.create_index(
            'uq_fee_runs_fund_period_start_live',
            ['fund_id', 'period_start'],
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        )

    op.create_table('disbursements',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('management_fee', 'expense', 'withholding_tax', name='disbursement_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('fee_run_id', sa.Uuid(), nullable=True),
    sa.Column('expense_id', sa.Uuid(), nullable=True),
    sa.Column('distribution_id', sa.Uuid(), nullable=True),
    sa.Column('paid_date', sa.Date(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('payee', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_disbursements_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_disbursements_distribution_id_distributions')),
    sa.ForeignKeyConstraint(['expense_id'], ['fund_expenses.id'], name=op.f('fk_disbursements_expense_id_fund_expenses')),
    sa.ForeignKeyConstraint(['fee_run_id'], ['fee_runs.id'], name=op.f('fk_disbursements_fee_run_id_fee_runs')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_disbursements_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_disbursements_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_disbursements_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements'))
    )
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursements_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_distribution_id'), ['distribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_expense_id'), ['expense_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_fee_run_id'), ['fee_run_id'], unique=False)
        batch_op.create_index('ix_disbursements_fund_id_paid_date', ['fund_id', 'paid_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('equalization_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('fee', 'capital_call', name='equalization_kind', native_enum=False, create_constraint=True, length=30), server_default='capital_call', nullable=False))
        batch_op.add_column(sa.Column('source_fee_run_id', sa.Uuid(), nullable=True))
        batch_op.alter_column('source_call_id',
               existing_type=sa.Uuid(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_equalization_items_source_fee_run_id_fee_runs'), 'fee_runs', ['source_fee_run_id'], ['id'])



def downgrade() -> None:
    # Fee catch-up items have no source call: 0004 cannot hold them.
    op.execute("DELETE FROM equalization_items WHERE source_call_id IS NULL")
    with op.batch_alter_table('equalization_items', schema=None) as batch_op:
        batch_op.drop_constraint('equalization_kind', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_equalization_items_source_fee_run_id_fee_runs'), type_='foreignkey')
        batch_op.alter_column('source_call_id',
               existing_type=sa.Uuid(),
               nullable=False)
        batch_op.drop_column('source_fee_run_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursements_org_id'))
        batch_op.drop_index('ix_disbursements_fund_id_paid_date')
        batch_op.drop_index(batch_op.f('ix_disbursements_fee_run_id'))
        batch_op.drop_index(batch_op.f('ix_disbursements_expense_id'))
        batch_op.drop_index(batch_op.f('ix_disbursements_distribution_id'))
        batch_op.drop_index(batch_op.f('ix_disbursements_created_at'))

    op.drop_table('disbursements')
    with op.batch_alter_table('fee_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_fee_runs_fund_period_start_live')
        batch_op.create_unique_constraint(
            'uq_fee_runs_fund_period_start', ['fund_id', 'period_start']
        )
