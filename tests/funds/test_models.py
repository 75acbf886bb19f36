"""The fund administration tables: exact amounts on every backend, and their migration."""

from __future__ import annotations

import uuid
from decimal import Decimal

from alembic import command
from sqlalchemy import create_engine, inspect, select

from fundhouse.funds import models as funds_models
from fundhouse.funds.models import Commitment
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import CommitmentCreate, FundCreate, InvestorCreate
from fundhouse.identity.models import Organization, User
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.db import Base
from fundhouse.platform.migrate import alembic_config


def test_amounts_round_trip_exactly(db):
    org = Organization(name="Exact Capital", slug=f"exact-{uuid.uuid4().hex[:8]}")
    user = User(email=f"{uuid.uuid4().hex[:10]}@example.com", full_name="Exact")
    db.add_all([org, user])
    db.flush()
    actor = Actor(user.id, org.id, "fund_manager", permissions_for("fund_manager"))
    fund = service.create_fund(db, actor, FundCreate(name="Exact", currency="USD"))
    investor = service.create_investor(db, actor, InvestorCreate(kind="entity", name="LP"))
    huge = Decimal("123456789012345678.91")
    created = service.create_commitment(
        db, actor, fund.id, CommitmentCreate(investor_id=investor.id, amount=huge)
    )
    db.expire_all()
    stored = db.scalar(select(Commitment.amount).where(Commitment.id == created.id))
    assert stored == huge and str(stored) == "123456789012345678.91"
    assert db.get(funds_models.Fund, fund.id).hurdle_rate == Decimal("0.08")


def test_the_fund_migrations_create_exactly_the_fund_tables_and_reverse(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0002")
    command.upgrade(config, "0003")
    engine = create_engine(url)
    before = set(inspect(engine).get_table_names())
    command.upgrade(config, "0004")
    command.upgrade(config, "0005")
    command.upgrade(config, "0008")
    after = set(inspect(create_engine(url)).get_table_names())
    fund_tables = {
        table.name
        for table in Base.metadata.sorted_tables
        if any(
            m.local_table is table
            for m in Base.registry.mappers
            if m.class_.__module__ == funds_models.__name__
        )
    }
    assert after - before == fund_tables
    assert {
        "funds",
        "investors",
        "capital_calls",
        "call_allocations",
        "payments",
        "statements",
    } <= fund_tables
    command.downgrade(config, "0003")
    assert set(inspect(create_engine(url)).get_table_names()) == before
