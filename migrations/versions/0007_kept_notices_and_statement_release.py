"""notices kept as issued and statements released to LPs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:36:22.159216
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fundhouse.platform.db


revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notice_documents',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('capital_call', 'distribution', name='notice_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('call_id', sa.Uuid(), nullable=True),
    sa.Column('distribution_id', sa.Uuid(), nullable=True),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('notice_date', sa.Date(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('storage_key', sa.String(length=500), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['capital_calls.id'], name=op.f('fk_notice_documents_call_id_capital_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_notice_documents_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_notice_documents_distribution_id_distributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_notice_documents_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_notice_documents_investor_id_investors')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_notice_documents_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_documents')),
    sa.UniqueConstraint('call_id', 'investor_id', name='uq_notice_documents_call_investor'),
    sa.UniqueConstraint('distribution_id', 'investor_id', name='uq_notice_documents_distribution_investor')
    )
    with op.batch_alter_table('notice_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_documents_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_documents_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_documents_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_documents_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('released_by', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_statements_released_by_users'), 'users', ['released_by'], ['id'], ondelete='SET NULL')
    # Statements made before release existed were already shown to their LPs: they stay
    # released (by nobody in particular, when they were made).
    op.execute("UPDATE statements SET released_at = generated_at WHERE status = 'ready'")



def downgrade() -> None:
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_statements_released_by_users'), type_='foreignkey')
        batch_op.drop_column('released_by')
        batch_op.drop_column('released_at')

    with op.batch_alter_table('notice_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_documents_org_id'))
        batch_op.drop_index(batch_op.f('ix_notice_documents_investor_id'))
        batch_op.drop_index(batch_op.f('ix_notice_documents_fund_id'))
        batch_op.drop_index(batch_op.f('ix_notice_documents_created_at'))

    op.drop_table('notice_documents')
