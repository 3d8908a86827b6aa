"""Blocking calls under the collector's cooperative (gevent) workers.

The collector runs under gunicorn's ``gevent`` worker (``deploy/up.py``: :func:`deploy.up.worker_options`):
one OS thread per worker serves every connection, and a request waiting for its group commit costs
a greenlet switch instead of a thread hand-off and a GIL transfer (issue 18: with a thread per
request, context switches were about a third of a worker's CPU). A call the loop cannot wait on
— ``fdatasync`` — must not stop the loop: :func:`blocking` runs it in the hub's thread pool there,
and directly everywhere else (tests, ``gthread`` workers, the shipper), with the same result or
exception. A PostgreSQL registry is read and written through psycopg2, whose calls would block the
loop for the server's round trip: :func:`cooperative_database` makes it wait through the loop.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from typing import Callable, TypeVar

T = TypeVar("T")


def cooperative() -> bool:
    """True in a process whose ``threading`` gevent has patched (a gunicorn gevent worker)."""
    if "gevent" not in sys.modules:
        return False
    from gevent import monkey

    return monkey.is_module_patched("threading")


def blocking(fn: Callable[..., T], *args) -> T:
    """``fn(*args)``; in a cooperative process, in the hub's thread pool while other greenlets run.

    Returns what ``fn`` returns and raises what it raises, in either case.
    """
    if cooperative():
        from gevent import get_hub

        return get_hub().threadpool.apply(fn, args)
    return fn(*args)


def cooperative_database() -> None:
    """In a cooperative process, make psycopg2 wait for the PostgreSQL server through the gevent
    loop (:func:`_gevent_wait`: psycogreen's wait callback, with the connect timeout kept), so that a
    registry query — a service looked up after its cache entry expired, an unknown key, an operator's audit, the origin counts — holds up only its
    own request instead of every connection of the worker; elsewhere do nothing. Idempotent.

    SQLite (the default registry) is a local file: its calls stay as they are.
    """
    if cooperative():
        from psycopg2 import extensions

        extensions.set_wait_callback(_gevent_wait)


#: psycopg2's connection statuses once connected (during a connection: ``STATUS_SETUP`` and its
#: internal connecting states)
_CONNECTED = (1, 2, 5)  # psycopg2.extensions.STATUS_READY, STATUS_BEGIN, STATUS_PREPARED

#: seconds the client waits for a statement's answer beyond the connection's ``statement_timeout``
#: before it gives the server up: a live server cancels the statement itself first, with its own error
STATEMENT_GRACE_S = 5


@lru_cache(maxsize=64)
def _limits(dsn: str) -> tuple[float, float]:
    """The seconds a connection on ``dsn`` may take to connect (its ``connect_timeout``) and one of its
    statements to be answered (its ``-c statement_timeout=`` ms in ``options``, plus
    :data:`STATEMENT_GRACE_S`); ``inf`` where the DSN sets none or 0."""
    import re

    from psycopg2 import extensions

    params = extensions.parse_dsn(dsn)
    connect = float(params.get("connect_timeout") or 0)
    found = re.search(r"statement_timeout\s*=\s*(\d+)", params.get("options", ""))
    statement = int(found.group(1)) / 1000 + STATEMENT_GRACE_S if found and int(found.group(1)) else 0
    return connect if connect > 0 else float("inf"), statement if statement > 0 else float("inf")


def _gevent_wait(conn, timeout=None) -> None:
    """psycopg2's wait callback under gevent (psycogreen's ``gevent_wait_callback``), which also keeps
    the connection's ``connect_timeout`` while it connects: libpq ignores that parameter for a
    non-blocking connection (``PQconnectPoll``), so a server that accepted and never answered held the
    request — and every later one that needed a connection — for ever, whatever the URL said.

    Once connected, a statement not answered within the connection's ``statement_timeout``
    (:data:`registry.db.STATEMENT_TIMEOUT_S` unless the URL's ``options`` set one) plus
    :data:`STATEMENT_GRACE_S` raises ``OperationalError("statement timeout expired")``: the server's
    own timeout cannot fire on a server that hung after connecting, and TCP keepalives are answered by
    its kernel. psycopg2 marks a connection whose wait failed as broken (``closed == 2``), so the pool
    discards it instead of reusing it."""
    import time

    from gevent.socket import wait_read, wait_write
    from psycopg2 import OperationalError, extensions

    deadline = None
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        connected = conn.status in _CONNECTED
        if deadline is None:
            connect_s, statement_s = _limits(conn.dsn)
            deadline = time.monotonic() + (statement_s if connected else connect_s)
        wait_s = timeout if deadline == float("inf") else max(0.0, deadline - time.monotonic())
        expired = OperationalError("statement timeout expired" if connected else "timeout expired")
        if state == extensions.POLL_READ:
            wait_read(conn.fileno(), timeout=wait_s, timeout_exc=expired)
        elif state == extensions.POLL_WRITE:
            wait_write(conn.fileno(), timeout=wait_s, timeout_exc=expired)
        else:
            raise OperationalError(f"Bad result from poll: {state!r}")


#: the longest :func:`gather` waits: a loop that is never idle (a greenlet always runnable) must
#: not hold a group back.
GATHER_MAX_S = 0.002


def gather(max_wait_s: float = GATHER_MAX_S) -> None:
    """In a cooperative process, return once the loop has run everything runnable now (requests
    whose bytes have arrived reach the group commit meanwhile), or after ``max_wait_s``;
    elsewhere return at once.

    The group commit's leader calls it before it takes its group: with one leader per worker, a
    group was about one request (an ``fdatasync`` takes less than the CPU of the next few
    requests), so each request paid its own sync and thread-pool round trip. Waiting for the
    loop to go idle costs nothing when the worker has nothing else to do.
    """
    if cooperative():
        import gevent

        with gevent.Timeout(max_wait_s, False):
            gevent.idle()
