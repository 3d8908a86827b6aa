"""Fixtures shared by the registry tests (no tests here): every registry test runs against SQLite
and against the PostgreSQL at 127.0.0.1:5432, each test in a fresh schema dropped afterwards.

``ASCOLTO_TEST_POSTGRES_URL`` overrides the server (a SQLAlchemy URL without search path); when it
cannot be reached the PostgreSQL variants are skipped with the reason.
"""
from __future__ import annotations

import os
import uuid
from functools import lru_cache

import pytest
from sqlalchemy import create_engine, select, text

from registry import dispose
from registry.db import connect
from registry.models import Base

PG_CANDIDATES = [os.environ["ASCOLTO_TEST_POSTGRES_URL"]] if os.environ.get("ASCOLTO_TEST_POSTGRES_URL") else [
    "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg2://root@127.0.0.1:5432/test",
]
BACKENDS = ["sqlite", "postgresql"]


@lru_cache(maxsize=1)
def postgres() -> tuple[str | None, str]:
    """``(url, "")`` of a reachable server allowed to create schemas, else ``(None, reason)``."""
    reasons = []
    for url in PG_CANDIDATES:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url, ""
        except Exception as exc:  # any failure means: not usable here
            reasons.append(f"{url.split('@')[-1]} as {url.split('//')[1].split('@')[0]}: "
                           f"{str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    return None, "; ".join(reasons)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A database URL with an empty registry (nothing created yet), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    base, reason = postgres()
    if base is None:
        pytest.skip(f"PostgreSQL not reachable, registry tests run on SQLite only ({reason})")
    schema = f"ascolto_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text("SET lock_timeout = '20s'"))
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def factory(db_url):
    """A session factory on a registry migrated to head."""
    f = connect(db_url)
    yield f
    dispose(f)


def dump(factory) -> dict[str, list[tuple]]:
    """Every registry table (and the Alembic version), rows ordered by primary key."""
    out = {}
    with factory() as s:
        for table in Base.metadata.sorted_tables:
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key.columns))]
        out["alembic_version"] = [tuple(r) for r in s.execute(text("SELECT version_num FROM alembic_version"))]
    return out
