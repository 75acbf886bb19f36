"""funds: fund administration tables (funds, investors, commitments, calls, payments,
reconciliations, distributions, portfolio, valuations, fees, expenses, benchmarks, statements)

Revision ID: 0004
Revises: 0003
Depends on: 0002 (statements.job_id references jobs)
Create Date: 2026-11-23 12:06:24.750770
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fundhouse.platform.db


revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = '0002'


def upgrade() -> None:
    op.create_table('benchmark_indices',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_benchmark_indices_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_indices')),
    sa.UniqueConstraint('org_id', 'name', name='uq_benchmark_indices_org_name')
    )
    with op.batch_alter_table('benchmark_indices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_indices_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_indices_org_id'), ['org_id'], unique=False)

    op.create_table('investors',
    sa.Column('kind', sa.Enum('individual', 'entity', name='investor_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('tax_id_encrypted', sa.Text(), nullable=True),
    sa.Column('bank_name', sa.String(length=200), nullable=True),
    sa.Column('bank_account_encrypted', sa.Text(), nullable=True),
    sa.Column('bank_routing_encrypted', sa.Text(), nullable=True),
    sa.Column('withholding_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_investors_name_not_empty')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_investors_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_investors_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investors'))
    )
    with op.batch_alter_table('investors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investors_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_investors_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_investors_org_id_name', ['org_id', 'name'], unique=False)

    op.create_table('funds',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_name', sa.String(length=300), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('vintage', sa.Integer(), nullable=True),
    sa.Column('strategy', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('fundraising', 'investing', 'harvesting', 'liquidated', name='fund_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('target_size', fundhouse.platform.db.ExactDecimal(), nullable=True),
    sa.Column('initial_close_date', sa.Date(), nullable=True),
    sa.Column('investment_period_end', sa.Date(), nullable=True),
    sa.Column('term_years', sa.Integer(), nullable=False),
    sa.Column('waterfall_type', sa.Enum('european', 'american', name='waterfall_type', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('hurdle_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('compounding', sa.Enum('compound', 'simple', name='compounding', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('catch_up_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('carry_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('return_of_capital_includes_fees', sa.Boolean(), nullable=False),
    sa.Column('clawback_tax_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('investment_period_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('post_period_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('post_period_basis', sa.Enum('invested_cost', 'nav', name='fee_basis', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('investment_period_years', sa.Integer(), nullable=False),
    sa.Column('fee_offset_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('equalization_rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('bank_instructions', sa.Text(), nullable=True),
    sa.Column('book_id', sa.Uuid(), nullable=False),
    sa.Column('gp_investor_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_funds_currency_code')),
    sa.ForeignKeyConstraint(['book_id'], ['ledger_books.id'], name=op.f('fk_funds_book_id_ledger_books')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_funds_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gp_investor_id'], ['investors.id'], name=op.f('fk_funds_gp_investor_id_investors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_funds_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds')),
    sa.UniqueConstraint('book_id', name=op.f('uq_funds_book_id')),
    sa.UniqueConstraint('org_id', 'name', name='uq_funds_org_name')
    )
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funds_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_funds_org_id'), ['org_id'], unique=False)

    op.create_table('index_levels',
    sa.Column('index_id', sa.Uuid(), nullable=False),
    sa.Column('level_date', sa.Date(), nullable=False),
    sa.Column('level', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['index_id'], ['benchmark_indices.id'], name=op.f('fk_index_levels_index_id_benchmark_indices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_index_levels_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_levels')),
    sa.UniqueConstraint('index_id', 'level_date', name='uq_index_levels_index_date')
    )
    with op.batch_alter_table('index_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_levels_org_id'), ['org_id'], unique=False)

    op.create_table('investor_users',
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_investor_users_investor_id_investors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_investor_users_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_investor_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investor_users')),
    sa.UniqueConstraint('investor_id', 'user_id', name='uq_investor_users_investor_user')
    )
    with op.batch_alter_table('investor_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investor_users_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_investor_users_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investor_users_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investor_users_user_id'), ['user_id'], unique=False)

    op.create_table('bank_reconciliations',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('status', sa.Enum('matched', 'applied', name='reconciliation_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('uploaded_by', sa.Uuid(), nullable=False),
    sa.Column('applied_by', sa.Uuid(), nullable=True),
    sa.Column('applied_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applied_by'], ['users.id'], name=op.f('fk_bank_reconciliations_applied_by_users')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_bank_reconciliations_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_bank_reconciliations_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_bank_reconciliations_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_reconciliations'))
    )
    with op.batch_alter_table('bank_reconciliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_reconciliations_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_reconciliations_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_reconciliations_org_id'), ['org_id'], unique=False)

    op.create_table('closes',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('close_date', sa.Date(), nullable=False),
    sa.Column('is_initial', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_closes_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_closes_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closes')),
    sa.UniqueConstraint('fund_id', 'number', name='uq_closes_fund_number')
    )
    with op.batch_alter_table('closes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_closes_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_closes_org_id'), ['org_id'], unique=False)

    op.create_table('portfolio_companies',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sector', sa.String(length=100), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('active', 'exited', 'written_off', name='company_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_portfolio_companies_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_portfolio_companies_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_companies')),
    sa.UniqueConstraint('fund_id', 'name', name='uq_portfolio_companies_fund_name')
    )
    with op.batch_alter_table('portfolio_companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolio_companies_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_portfolio_companies_org_id'), ['org_id'], unique=False)

    op.create_table('statements',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('capital_account', 'fund_report', name='statement_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('format', sa.Enum('pdf', 'xlsx', 'csv', name='document_format', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('status', sa.Enum('queued', 'ready', 'failed', name='statement_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('storage_key', sa.String(length=500), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('job_id', sa.Uuid(), nullable=True),
    sa.Column('generated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_statements_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_statements_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_statements_investor_id_investors')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_statements_job_id_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_statements_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statements'))
    )
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statements_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_statements_fund_id_period_end', ['fund_id', 'period_end'], unique=False)
        batch_op.create_index('ix_statements_investor_id', ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statements_org_id'), ['org_id'], unique=False)

    op.create_table('capital_calls',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('investment', 'management_fee', 'expenses', 'equalization', name='call_purpose', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('basis', sa.Enum('commitment', 'unfunded', name='call_basis', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('call_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'issued', 'partially_paid', 'paid', 'cancelled', name='call_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('approved_by', sa.Uuid(), nullable=True),
    sa.Column('approved_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_by', sa.Uuid(), nullable=True),
    sa.Column('issued_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('close_id', sa.Uuid(), nullable=True),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('due_date >= call_date', name=op.f('ck_capital_calls_due_after_call')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_capital_calls_approved_by_users')),
    sa.ForeignKeyConstraint(['close_id'], ['closes.id'], name=op.f('fk_capital_calls_close_id_closes')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_capital_calls_created_by_users')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_capital_calls_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_capital_calls_issued_by_users')),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_capital_calls_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_capital_calls_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capital_calls')),
    sa.UniqueConstraint('fund_id', 'number', name='uq_capital_calls_fund_number')
    )
    with op.batch_alter_table('capital_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capital_calls_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_capital_calls_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_capital_calls_org_id_status_due_date', ['org_id', 'status', 'due_date'], unique=False)

    op.create_table('commitments',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('close_id', sa.Uuid(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('is_gp', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'transferred', name='commitment_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['close_id'], ['closes.id'], name=op.f('fk_commitments_close_id_closes')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_commitments_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_commitments_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_commitments_investor_id_investors')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_commitments_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments')),
    sa.UniqueConstraint('fund_id', 'sequence', name='uq_commitments_fund_sequence')
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_close_id'), ['close_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_commitments_fund_id_investor_id', ['fund_id', 'investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_org_id'), ['org_id'], unique=False)

    op.create_table('distributions',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('exit', 'dividend', 'interest', 'other', name='distribution_source', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('company_id', sa.Uuid(), nullable=True),
    sa.Column('gross_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('distribution_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'issued', 'paid', 'cancelled', name='distribution_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('recallable', sa.Boolean(), nullable=False),
    sa.Column('recallable_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('waterfall_detail', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('approved_by', sa.Uuid(), nullable=True),
    sa.Column('approved_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('payment_ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_distributions_approved_by_users')),
    sa.ForeignKeyConstraint(['company_id'], ['portfolio_companies.id'], name=op.f('fk_distributions_company_id_portfolio_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_distributions_created_by_users')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_distributions_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_distributions_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_distributions_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_distributions_payment_ledger_entry_id_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributions')),
    sa.UniqueConstraint('fund_id', 'number', name='uq_distributions_fund_number')
    )
    with op.batch_alter_table('distributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distributions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_distributions_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_distributions_org_id_status', ['org_id', 'status'], unique=False)

    op.create_table('fund_expenses',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('company_id', sa.Uuid(), nullable=True),
    sa.Column('expense_date', sa.Date(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('vendor', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'posted', 'cancelled', name='expense_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['portfolio_companies.id'], name=op.f('fk_fund_expenses_company_id_portfolio_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_fund_expenses_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fund_expenses_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_fund_expenses_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_fund_expenses_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_expenses'))
    )
    with op.batch_alter_table('fund_expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_expenses_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_fund_expenses_fund_id_expense_date', ['fund_id', 'expense_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_expenses_org_id'), ['org_id'], unique=False)

    op.create_table('investments',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('company_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('purchase', 'sale', 'write_off', 'income', name='investment_kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('transaction_date', sa.Date(), nullable=False),
    sa.Column('cost_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('proceeds_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('instrument', sa.String(length=60), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['portfolio_companies.id'], name=op.f('fk_investments_company_id_portfolio_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_investments_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_investments_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_investments_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_investments_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investments'))
    )
    with op.batch_alter_table('investments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investments_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investments_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_investments_fund_id_transaction_date', ['fund_id', 'transaction_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_investments_org_id'), ['org_id'], unique=False)

    op.create_table('transaction_fees',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('company_id', sa.Uuid(), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['portfolio_companies.id'], name=op.f('fk_transaction_fees_company_id_portfolio_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_transaction_fees_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_transaction_fees_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transaction_fees'))
    )
    with op.batch_alter_table('transaction_fees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transaction_fees_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_transaction_fees_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transaction_fees_org_id'), ['org_id'], unique=False)

    op.create_table('valuations',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('company_id', sa.Uuid(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('fair_value', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('method', sa.String(length=60), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['portfolio_companies.id'], name=op.f('fk_valuations_company_id_portfolio_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_valuations_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_valuations_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_valuations_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_valuations_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_valuations')),
    sa.UniqueConstraint('company_id', 'as_of', name='uq_valuations_company_as_of')
    )
    with op.batch_alter_table('valuations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_valuations_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_valuations_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_valuations_org_id'), ['org_id'], unique=False)

    op.create_table('call_allocations',
    sa.Column('call_id', sa.Uuid(), nullable=False),
    sa.Column('commitment_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('equalization_interest', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('paid_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['capital_calls.id'], name=op.f('fk_call_allocations_call_id_capital_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_call_allocations_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_call_allocations_investor_id_investors')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_call_allocations_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_allocations')),
    sa.UniqueConstraint('call_id', 'commitment_id', name='uq_call_allocations_call_commitment')
    )
    with op.batch_alter_table('call_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_allocations_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index('ix_call_allocations_investor_id', ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_allocations_org_id'), ['org_id'], unique=False)

    op.create_table('commitment_transfers',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('from_commitment_id', sa.Uuid(), nullable=False),
    sa.Column('to_commitment_id', sa.Uuid(), nullable=False),
    sa.Column('from_investor_id', sa.Uuid(), nullable=False),
    sa.Column('to_investor_id', sa.Uuid(), nullable=False),
    sa.Column('transfer_date', sa.Date(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('called_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('recallable_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('status', sa.Enum('completed', name='transfer_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_commitment_transfers_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_commitment_id'], ['commitments.id'], name=op.f('fk_commitment_transfers_from_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['from_investor_id'], ['investors.id'], name=op.f('fk_commitment_transfers_from_investor_id_investors')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_commitment_transfers_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_commitment_transfers_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_commitment_transfers_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_commitment_id'], ['commitments.id'], name=op.f('fk_commitment_transfers_to_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['to_investor_id'], ['investors.id'], name=op.f('fk_commitment_transfers_to_investor_id_investors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_transfers'))
    )
    with op.batch_alter_table('commitment_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_transfers_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_transfers_from_commitment_id'), ['from_commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_transfers_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_transfers_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_transfers_to_commitment_id'), ['to_commitment_id'], unique=False)

    op.create_table('distribution_allocations',
    sa.Column('distribution_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('commitment_id', sa.Uuid(), nullable=True),
    sa.Column('is_gp', sa.Boolean(), nullable=False),
    sa.Column('tier', sa.Enum('return_of_capital', 'preferred_return', 'catch_up', 'carried_interest', name='waterfall_tier', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('withholding_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('net_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('recallable_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_distribution_allocations_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['distribution_id'], ['distributions.id'], name=op.f('fk_distribution_allocations_distribution_id_distributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_distribution_allocations_investor_id_investors')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_distribution_allocations_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_allocations')),
    sa.UniqueConstraint('distribution_id', 'investor_id', 'commitment_id', 'tier', name='uq_distribution_allocations_party_tier')
    )
    with op.batch_alter_table('distribution_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_allocations_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index('ix_distribution_allocations_investor_id', ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_allocations_org_id'), ['org_id'], unique=False)

    op.create_table('equalization_items',
    sa.Column('call_id', sa.Uuid(), nullable=False),
    sa.Column('commitment_id', sa.Uuid(), nullable=False),
    sa.Column('source_call_id', sa.Uuid(), nullable=False),
    sa.Column('source_due_date', sa.Date(), nullable=False),
    sa.Column('principal', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('interest', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['capital_calls.id'], name=op.f('fk_equalization_items_call_id_capital_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_equalization_items_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_equalization_items_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_call_id'], ['capital_calls.id'], name=op.f('fk_equalization_items_source_call_id_capital_calls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equalization_items'))
    )
    with op.batch_alter_table('equalization_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equalization_items_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equalization_items_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equalization_items_org_id'), ['org_id'], unique=False)

    op.create_table('fee_runs',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'posted', 'cancelled', name='fee_run_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('total_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('capital_call_id', sa.Uuid(), nullable=True),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['capital_call_id'], ['capital_calls.id'], name=op.f('fk_fee_runs_capital_call_id_capital_calls')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_fee_runs_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fee_runs_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_fee_runs_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_fee_runs_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_runs')),
    sa.UniqueConstraint('fund_id', 'period_start', name='uq_fee_runs_fund_period_start')
    )
    with op.batch_alter_table('fee_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_runs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_runs_org_id'), ['org_id'], unique=False)

    op.create_table('fund_expense_allocations',
    sa.Column('expense_id', sa.Uuid(), nullable=False),
    sa.Column('commitment_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_fund_expense_allocations_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['expense_id'], ['fund_expenses.id'], name=op.f('fk_fund_expense_allocations_expense_id_fund_expenses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_fund_expense_allocations_investor_id_investors')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_fund_expense_allocations_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_expense_allocations'))
    )
    with op.batch_alter_table('fund_expense_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_expense_allocations_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_expense_allocations_expense_id'), ['expense_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_expense_allocations_org_id'), ['org_id'], unique=False)

    op.create_table('fee_installments',
    sa.Column('fee_run_id', sa.Uuid(), nullable=False),
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('commitment_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('basis', sa.String(length=30), nullable=False),
    sa.Column('base_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('rate', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('gross_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('offset_amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_fee_installments_commitment_id_commitments')),
    sa.ForeignKeyConstraint(['fee_run_id'], ['fee_runs.id'], name=op.f('fk_fee_installments_fee_run_id_fee_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_fee_installments_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_fee_installments_investor_id_investors')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_fee_installments_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_installments'))
    )
    with op.batch_alter_table('fee_installments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_installments_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_installments_fee_run_id'), ['fee_run_id'], unique=False)
        batch_op.create_index('ix_fee_installments_investor_id', ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_installments_org_id'), ['org_id'], unique=False)

    op.create_table('payments',
    sa.Column('fund_id', sa.Uuid(), nullable=False),
    sa.Column('call_id', sa.Uuid(), nullable=False),
    sa.Column('call_allocation_id', sa.Uuid(), nullable=False),
    sa.Column('investor_id', sa.Uuid(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('method', sa.Enum('wire', 'ach', 'check', 'other', name='payment_method', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('ledger_entry_id', sa.Uuid(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fundhouse.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_allocation_id'], ['call_allocations.id'], name=op.f('fk_payments_call_allocation_id_call_allocations')),
    sa.ForeignKeyConstraint(['call_id'], ['capital_calls.id'], name=op.f('fk_payments_call_id_capital_calls')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payments_created_by_users')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_payments_fund_id_funds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investor_id'], ['investors.id'], name=op.f('fk_payments_investor_id_investors')),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['journal_entries.id'], name=op.f('fk_payments_ledger_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_payments_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_call_allocation_id'), ['call_allocation_id'], unique=False)
        batch_op.create_index('ix_payments_call_id', ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_payments_fund_id_received_date', ['fund_id', 'received_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_investor_id'), ['investor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_org_id'), ['org_id'], unique=False)

    op.create_table('bank_reconciliation_lines',
    sa.Column('reconciliation_id', sa.Uuid(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('transaction_date', sa.Date(), nullable=False),
    sa.Column('amount', fundhouse.platform.db.ExactDecimal(), nullable=False),
    sa.Column('reference', sa.String(length=500), nullable=True),
    sa.Column('payer_name', sa.String(length=300), nullable=True),
    sa.Column('status', sa.Enum('matched', 'unmatched', 'ambiguous', 'applied', name='match_status', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('match_reason', sa.String(length=300), nullable=True),
    sa.Column('call_allocation_id', sa.Uuid(), nullable=True),
    sa.Column('candidate_allocation_ids', sa.JSON(), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['call_allocation_id'], ['call_allocations.id'], name=op.f('fk_bank_reconciliation_lines_call_allocation_id_call_allocations')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_bank_reconciliation_lines_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_bank_reconciliation_lines_payment_id_payments')),
    sa.ForeignKeyConstraint(['reconciliation_id'], ['bank_reconciliations.id'], name=op.f('fk_bank_reconciliation_lines_reconciliation_id_bank_reconciliations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_reconciliation_lines')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_bank_reconciliation_lines_payment_id')),
    sa.UniqueConstraint('reconciliation_id', 'line_no', name='uq_bank_reconciliation_lines_rec_line')
    )
    with op.batch_alter_table('bank_reconciliation_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_reconciliation_lines_org_id'), ['org_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bank_reconciliation_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_reconciliation_lines_org_id'))

    op.drop_table('bank_reconciliation_lines')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_org_id'))
        batch_op.drop_index(batch_op.f('ix_payments_investor_id'))
        batch_op.drop_index('ix_payments_fund_id_received_date')
        batch_op.drop_index(batch_op.f('ix_payments_created_at'))
        batch_op.drop_index('ix_payments_call_id')
        batch_op.drop_index(batch_op.f('ix_payments_call_allocation_id'))

    op.drop_table('payments')
    with op.batch_alter_table('fee_installments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_installments_org_id'))
        batch_op.drop_index('ix_fee_installments_investor_id')
        batch_op.drop_index(batch_op.f('ix_fee_installments_fee_run_id'))
        batch_op.drop_index(batch_op.f('ix_fee_installments_commitment_id'))

    op.drop_table('fee_installments')
    with op.batch_alter_table('fund_expense_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_expense_allocations_org_id'))
        batch_op.drop_index(batch_op.f('ix_fund_expense_allocations_expense_id'))
        batch_op.drop_index(batch_op.f('ix_fund_expense_allocations_commitment_id'))

    op.drop_table('fund_expense_allocations')
    with op.batch_alter_table('fee_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_runs_org_id'))
        batch_op.drop_index(batch_op.f('ix_fee_runs_created_at'))

    op.drop_table('fee_runs')
    with op.batch_alter_table('equalization_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equalization_items_org_id'))
        batch_op.drop_index(batch_op.f('ix_equalization_items_commitment_id'))
        batch_op.drop_index(batch_op.f('ix_equalization_items_call_id'))

    op.drop_table('equalization_items')
    with op.batch_alter_table('distribution_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_allocations_org_id'))
        batch_op.drop_index('ix_distribution_allocations_investor_id')
        batch_op.drop_index(batch_op.f('ix_distribution_allocations_commitment_id'))

    op.drop_table('distribution_allocations')
    with op.batch_alter_table('commitment_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_transfers_to_commitment_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_transfers_org_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_transfers_fund_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_transfers_from_commitment_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_transfers_created_at'))

    op.drop_table('commitment_transfers')
    with op.batch_alter_table('call_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_allocations_org_id'))
        batch_op.drop_index('ix_call_allocations_investor_id')
        batch_op.drop_index(batch_op.f('ix_call_allocations_commitment_id'))

    op.drop_table('call_allocations')
    with op.batch_alter_table('valuations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_valuations_org_id'))
        batch_op.drop_index(batch_op.f('ix_valuations_fund_id'))
        batch_op.drop_index(batch_op.f('ix_valuations_created_at'))

    op.drop_table('valuations')
    with op.batch_alter_table('transaction_fees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transaction_fees_org_id'))
        batch_op.drop_index(batch_op.f('ix_transaction_fees_fund_id'))
        batch_op.drop_index(batch_op.f('ix_transaction_fees_created_at'))

    op.drop_table('transaction_fees')
    with op.batch_alter_table('investments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investments_org_id'))
        batch_op.drop_index('ix_investments_fund_id_transaction_date')
        batch_op.drop_index(batch_op.f('ix_investments_created_at'))
        batch_op.drop_index(batch_op.f('ix_investments_company_id'))

    op.drop_table('investments')
    with op.batch_alter_table('fund_expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_expenses_org_id'))
        batch_op.drop_index('ix_fund_expenses_fund_id_expense_date')
        batch_op.drop_index(batch_op.f('ix_fund_expenses_created_at'))

    op.drop_table('fund_expenses')
    with op.batch_alter_table('distributions', schema=None) as batch_op:
        batch_op.drop_index('ix_distributions_org_id_status')
        batch_op.drop_index(batch_op.f('ix_distributions_org_id'))
        batch_op.drop_index(batch_op.f('ix_distributions_created_at'))

    op.drop_table('distributions')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_org_id'))
        batch_op.drop_index(batch_op.f('ix_commitments_investor_id'))
        batch_op.drop_index('ix_commitments_fund_id_investor_id')
        batch_op.drop_index(batch_op.f('ix_commitments_created_at'))
        batch_op.drop_index(batch_op.f('ix_commitments_close_id'))

    op.drop_table('commitments')
    with op.batch_alter_table('capital_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_capital_calls_org_id_status_due_date')
        batch_op.drop_index(batch_op.f('ix_capital_calls_org_id'))
        batch_op.drop_index(batch_op.f('ix_capital_calls_created_at'))

    op.drop_table('capital_calls')
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statements_org_id'))
        batch_op.drop_index('ix_statements_investor_id')
        batch_op.drop_index('ix_statements_fund_id_period_end')
        batch_op.drop_index(batch_op.f('ix_statements_created_at'))

    op.drop_table('statements')
    with op.batch_alter_table('portfolio_companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portfolio_companies_org_id'))
        batch_op.drop_index(batch_op.f('ix_portfolio_companies_created_at'))

    op.drop_table('portfolio_companies')
    with op.batch_alter_table('closes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closes_org_id'))
        batch_op.drop_index(batch_op.f('ix_closes_fund_id'))
        batch_op.drop_index(batch_op.f('ix_closes_created_at'))

    op.drop_table('closes')
    with op.batch_alter_table('bank_reconciliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_reconciliations_org_id'))
        batch_op.drop_index(batch_op.f('ix_bank_reconciliations_fund_id'))
        batch_op.drop_index(batch_op.f('ix_bank_reconciliations_created_at'))

    op.drop_table('bank_reconciliations')
    with op.batch_alter_table('investor_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investor_users_user_id'))
        batch_op.drop_index(batch_op.f('ix_investor_users_org_id'))
        batch_op.drop_index(batch_op.f('ix_investor_users_investor_id'))
        batch_op.drop_index(batch_op.f('ix_investor_users_created_at'))

    op.drop_table('investor_users')
    with op.batch_alter_table('index_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_levels_org_id'))

    op.drop_table('index_levels')
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funds_org_id'))
        batch_op.drop_index(batch_op.f('ix_funds_created_at'))

    op.drop_table('funds')
    with op.batch_alter_table('investors', schema=None) as batch_op:
        batch_op.drop_index('ix_investors_org_id_name')
        batch_op.drop_index(batch_op.f('ix_investors_org_id'))
        batch_op.drop_index(batch_op.f('ix_investors_created_at'))

    op.drop_table('investors')
    with op.batch_alter_table('benchmark_indices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_indices_org_id'))
        batch_op.drop_index(batch_op.f('ix_benchmark_indices_created_at'))

    op.drop_table('benchmark_indices')
