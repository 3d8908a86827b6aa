"""Alembic migrations of the registry, run programmatically.

The migration scripts ship inside the package (``registry/migrations/``); nothing needs an
``alembic.ini``. :func:`upgrade` is what :func:`registry.connect` calls with ``create=True`` and
what ``ascolto registry migrate`` runs.

A database made before migrations existed (tables created by ``create_all``, no
``alembic_version``) is stamped at the baseline revision ``0001``, whose tables are exactly those,
and then upgraded.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BASELINE = "0001"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the shipped scripts (``url`` for offline/CLI use)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head() -> str:
    """The newest revision shipped."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(bind: Engine | Connection) -> str | None:
    """The revision the database is at (``None`` when it was never migrated)."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return current(conn)
    return MigrationContext.configure(bind).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to ``revision`` (default: head), in one transaction; returns the revision.

    Idempotent: at head it does nothing. Not meant for concurrent callers (only ``ascolto up``,
    the registry CLI and tests create the schema).
    """
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and {"entity", "service"} <= tables:
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)
    return current(engine)


def downgrade(engine: Engine, revision: str) -> str | None:
    """Take the schema back to ``revision`` (``"base"`` drops every registry table)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    return current(engine)
