"""Engine and sessions for the registry database (SQLite by default, PostgreSQL in production)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


#: The PostgreSQL driver the project ships (setup.cfg) and makes cooperative under gevent
#: (:mod:`collector.cooperative`). SQLAlchemy 2.1 takes a bare ``postgresql://`` for psycopg 3, which
#: is not installed: the form every host and PaaS hands out would stop the stack at start.
PG_DRIVER = "postgresql+psycopg2"


def engine_url(url: str) -> str:
    """``url`` with a bare ``postgresql://`` or ``postgres://`` scheme naming :data:`PG_DRIVER`; any
    other URL (SQLite, an explicit driver) unchanged."""
    scheme, sep, rest = url.partition("://")
    return f"{PG_DRIVER}://{rest}" if sep and scheme in ("postgresql", "postgres") else url


#: seconds a new PostgreSQL connection may take (libpq's ``connect_timeout``) unless the URL sets its
#: own: a server that accepts and never answers (hung, overloaded, a stuck proxy or failover) otherwise
#: held every caller for ever — the CLI, the console's pages and /readyz, the processor's enrichment.
CONNECT_TIMEOUT_S = 10


def connect_args(url: str) -> dict:
    """The DBAPI arguments of an engine on ``url``: for PostgreSQL, ``connect_timeout``
    (:data:`CONNECT_TIMEOUT_S`) unless the URL's query names one; none for SQLite."""
    parsed = make_url(engine_url(url))
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        return {"connect_timeout": CONNECT_TIMEOUT_S}
    return {}


def connect(url: str, *, create: bool = True) -> sessionmaker[Session]:
    """A session factory for ``url``; with ``create``, the schema is brought to the newest
    Alembic revision first (see :mod:`registry.migrate`; idempotent).

    Only the process that owns the schema (``ascolto up``, the registry CLI, tests) passes
    ``create``; the collector, processor and console only read and write rows.

    For SQLite the parent directory is created and WAL mode is enabled so that the collector,
    processor and console processes can read while another writes.
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(engine_url(url), pool_pre_ping=True, connect_args=connect_args(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        from .migrate import upgrade

        upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose(factory: sessionmaker[Session]) -> None:
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine):
        bind.dispose()
