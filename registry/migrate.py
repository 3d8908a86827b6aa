"""Alembic migrations of the registry, run programmatically.

The migration scripts ship inside the package (``registry/migrations/``); nothing needs an
``alembic.ini``. :func:`upgrade` is what :func:`registry.connect` calls with ``create=True``, and
:func:`migrate` (the same, with the revision before) what ``ascolto registry migrate`` runs; both
take a lock first, so concurrent callers run one after the other.

A database made before migrations existed (tables created by ``create_all``, no
``alembic_version``) is stamped at the baseline revision ``0001``, whose tables are exactly those,
and then upgraded.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from .deadline import lifted
from .errors import UNREACHABLE, misconfigured

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BASELINE = "0001"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the shipped scripts (``url`` for offline/CLI use)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class UnknownRevision(ValueError):
    """A revision the shipped migration scripts do not have."""


def revisions() -> list[str]:
    """Every shipped revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def known(revision: str) -> str:
    """``revision`` when the shipped scripts resolve it (an id, ``head``, ``base``, Alembic's relative
    forms), else :class:`UnknownRevision` listing the ids they have (Alembic's own error is a
    traceback)."""
    if revision in ("head", "heads", "base"):
        return revision
    try:
        if not revision.strip():  # Alembic asserts on an empty id
            raise RevisionError(revision)
        ScriptDirectory.from_config(alembic_config()).get_revisions(revision)
    except (CommandError, RevisionError):
        raise UnknownRevision(f"no registry revision {revision!r}: the revisions are "
                              f"{', '.join(revisions())} (or head)") from None
    return revision


def head() -> str:
    """The newest revision shipped."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(bind: Engine | Connection) -> str | None:
    """The revision the database is at (``None`` when it was never migrated)."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return current(conn)
    return MigrationContext.configure(bind).get_current_revision()


#: the PostgreSQL advisory lock (transaction-scoped) that serializes schema changes of the registry
#: ("ascolto" in ASCII)
ADVISORY_LOCK_KEY = 0x6173636F6C746F


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to ``revision`` (default: head), in one transaction; returns the revision.

    Idempotent: at head it does nothing. Safe for concurrent callers on PostgreSQL — the migration
    Job or ``ascolto-migrate.service`` while an operator runs an ``ascolto registry …`` command of
    the new release (each brings the schema to head first), a Job retried while the first attempt
    still runs: the transaction takes an advisory lock first, so the second caller waits, then finds
    the schema at head (it used to fail with a duplicate ``alembic_version`` type). Raises
    :class:`UnknownRevision` for a revision the shipped scripts do not have.
    """
    return migrate(engine, revision)[1]


#: seconds between two tries of :func:`migrate` while the database is unavailable (``wait_s``)
UNAVAILABLE_RETRY_S = 2.0


def migrate(engine: Engine, revision: str = "head", wait_s: float = 0) -> tuple[str | None, str | None]:
    """:func:`upgrade`, returning the revisions before and after it, both read under its lock (what
    ``ascolto registry migrate`` reports: a caller that waited for another sees the schema it found).
    While the database is unavailable (:data:`registry.errors.UNREACHABLE`: refused, silent — a host
    booting before its database), tried again every :data:`UNAVAILABLE_RETRY_S` for up to ``wait_s``
    seconds, then the last error is raised — at once when the server refused the URL itself (a wrong user,
    password or database: :func:`registry.errors.misconfigured`), which no wait mends."""
    known(revision)
    until = time.monotonic() + wait_s
    while True:
        try:
            return _migrate(engine, revision)
        except CommandError as exc:  # a form that resolves but is no upgrade ("-1": Alembic's traceback)
            raise UnknownRevision(f"cannot upgrade to {revision!r} ({exc}): migrate only upgrades; the revisions "
                                  f"are {', '.join(revisions())} (or head)") from None
        except UNREACHABLE as exc:
            if time.monotonic() + UNAVAILABLE_RETRY_S > until or misconfigured(exc):
                raise
            time.sleep(UNAVAILABLE_RETRY_S)


def _migrate(engine: Engine, revision: str) -> tuple[str | None, str | None]:
    cfg = alembic_config()
    with engine.begin() as conn, _lock(conn):
        before = current(conn)
        cfg.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and {"entity", "service"} <= tables:
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)
    return before, current(engine)


#: seconds between two tries of the advisory lock while another caller's migration holds it
LOCK_RETRY_S = 0.2


@contextmanager
def _lock(conn: Connection) -> Iterator[None]:
    """Serialize schema changes until the transaction ends: on PostgreSQL an advisory lock; on SQLite
    the database's write lock, taken at once (``BEGIN IMMEDIATE``, waiting up to its busy timeout)
    rather than at the first write, after the schema was read. The block runs under the lock.

    On PostgreSQL the connection's ``statement_timeout`` (:data:`registry.db.STATEMENT_TIMEOUT_S`,
    meant for the request paths) is lifted for this transaction only (``SET LOCAL``), and so is the
    client's bound (:func:`registry.deadline.lifted`) while the block runs: a long migration must not be
    cancelled half way. Waiting for another caller's migration is a loop of short tries
    (``pg_try_advisory_xact_lock``), each bounded as any statement: a server that stopped answering
    fails the caller instead of holding it for ever."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        try_lock = text("SELECT pg_try_advisory_xact_lock(:key)")
        while not conn.execute(try_lock, {"key": ADVISORY_LOCK_KEY}).scalar():
            time.sleep(LOCK_RETRY_S)
        with lifted():
            yield
        return
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    yield


def downgrade(engine: Engine, revision: str) -> str | None:
    """Take the schema back to ``revision`` (``"base"`` drops every registry table)."""
    cfg = alembic_config()
    known(revision)
    with engine.begin() as conn, _lock(conn):
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    return current(engine)
