"""Running the Alembic migrations from code (``fundhouse migrate``, the tests, the demo)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    """Bring the database to the newest schema (every head, so parallel branches all apply)."""
    command.upgrade(alembic_config(url, connection), "heads")
