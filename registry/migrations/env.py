"""Alembic environment of the registry.

Run programmatically by :func:`registry.migrate.upgrade`, which hands over an open connection in
``config.attributes["connection"]``; a ``sqlalchemy.url`` main option is used otherwise.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from registry.db import engine_url
from registry.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(engine_url(config.get_main_option("sqlalchemy.url")), hide_parameters=True)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
