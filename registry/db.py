"""Engine and sessions for the registry database (SQLite by default, PostgreSQL in production)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from .deadline import CappedQueuePool


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

#: seconds one statement may run on a PostgreSQL registry (the server's ``statement_timeout``, sent
#: as ``options=-c statement_timeout=…``) unless the URL's ``options`` set one: every request path
#: reads or writes a few rows, so a statement still running after this waits on a lock or a sick
#: server and must fail rather than hold its caller. Schema changes lift it for their own transaction
#: (:func:`registry.migrate.migrate`: the advisory lock may be waited for as long as another migration
#: runs). The collector's gevent workers also keep it on the client side (:mod:`collector.cooperative`).
STATEMENT_TIMEOUT_S = 30

#: libpq's TCP keepalives, unless the URL names any ``keepalives*`` parameter: a registry host that
#: vanished (failover, a dropped NAT or proxy entry, no RST) is found dead in about
#: idle + interval × count seconds instead of the kernel's two hours, failing the pooled
#: connection's query instead of holding it.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def connect_args(url: str) -> dict:
    """The DBAPI arguments of an engine on ``url``; none for SQLite. For PostgreSQL, each default the
    URL's query does not set: ``connect_timeout`` (:data:`CONNECT_TIMEOUT_S`), the TCP keepalives
    (:data:`KEEPALIVES`, unless any ``keepalives*`` is set), and ``options`` carrying
    ``-c statement_timeout`` (:data:`STATEMENT_TIMEOUT_S`, in ms) after the URL's own ``options``
    unless those name ``statement_timeout`` (``0`` there turns it off)."""
    parsed = make_url(engine_url(url))
    if parsed.get_backend_name() != "postgresql":
        return {}
    query = parsed.query
    args: dict = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    if not any(k.startswith("keepalives") for k in query):
        args.update(KEEPALIVES)
    options = query.get("options", "")
    options = " ".join(options) if isinstance(options, tuple) else options
    if "statement_timeout" not in options:
        args["options"] = f"{options} -c statement_timeout={int(STATEMENT_TIMEOUT_S * 1000)}".strip()
    return args


def connect(url: str, *, create: bool = True) -> sessionmaker[Session]:
    """A session factory for ``url``; with ``create``, the schema is brought to the newest
    Alembic revision first (see :mod:`registry.migrate`; idempotent).

    Only the process that owns the schema (``ascolto up``, the registry CLI, tests) passes
    ``create``; the collector, processor and console only read and write rows.

    On PostgreSQL every wait for the server is bounded on the client side (:mod:`registry.deadline`):
    connecting by ``connect_timeout``, a statement by ``statement_timeout`` plus a grace.

    For SQLite the parent directory is created and WAL mode is enabled so that the collector,
    processor and console processes can read while another writes.

    The engine never puts bound parameters into its exceptions nor its logs (``hide_parameters``): a
    statement's parameters carry token hashes, device secrets' hashes and personal data of operators,
    and a database error's text reaches tracebacks, gunicorn's error log and the CLI's terminal. For the
    same reason PostgreSQL's ``DETAIL:``, which quotes the row's values, is withheld from the text of its
    errors (:func:`_withhold_server_detail`).
    """
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(engine_url(url))
    # a file or a server (not SQLite's in-memory pools): a probe's wait for a free connection is bounded too
    pool = {"poolclass": CappedQueuePool} if parsed.get_dialect().get_pool_class(parsed) is QueuePool else {}
    engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args(url), hide_parameters=True, **pool)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        from .deadline import install

        install()  # a server that accepts and never answers fails the call instead of holding it
        event.listen(engine, "handle_error", _withhold_server_detail)
    if create:
        from .migrate import upgrade

        upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


def describe(url: str) -> str:
    """``url`` as an operator may be shown it: the scheme, user, host, port and database, never the
    password nor the query (libpq takes ``password=`` there too); for SQLite the file."""
    try:
        parsed = make_url(engine_url(url))
    except Exception:  # noqa: BLE001 — a malformed URL is named by its scheme only
        return url.partition("://")[0] + "://…"
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{parsed.database or ''}"
    return parsed.set(password=None, query={}).render_as_string(hide_password=True)


def _withhold_server_detail(context) -> None:
    """Keep only the first line of a PostgreSQL error's message, in the driver's exception and in
    SQLAlchemy's: the lines after it (``DETAIL:  Failing row contains (…)``, ``Key (…)=(…) already
    exists``, ``CONTEXT:``) quote the values of the row, a token's hash among them. The driver's
    ``pgcode`` and ``diag`` are untouched, for code that asks."""
    for exc in (context.original_exception, context.sqlalchemy_exception):
        text = exc.args[0] if exc is not None and exc.args and isinstance(exc.args[0], str) else ""
        if "\n" in text.strip():
            exc.args = (text.strip().splitlines()[0] + " (server detail withheld)", *exc.args[1:])


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
