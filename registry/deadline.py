"""Client-side deadlines on a PostgreSQL registry: every psycopg2 wait is bounded, in every process.

A registry server that accepted a connection and then never answered (a hung backend, a stuck proxy or
failover, a host whose kernel still acknowledges) held its caller for ever: libpq's ``connect_timeout``
bounds a blocking connection only, the server's own ``statement_timeout`` (:data:`registry.db.STATEMENT_TIMEOUT_S`)
cannot fire on a server that does not run, and TCP keepalives — and libpq's ``tcp_user_timeout``, which
counts unacknowledged bytes only — are satisfied by its kernel. So psycopg2 is given a *wait callback*
(:func:`install`, called by :func:`registry.db.connect` for every PostgreSQL URL): psycopg2 then drives
each connection without blocking and asks :func:`wait` to wait for the socket, which gives up

- while connecting: after the connection's ``connect_timeout`` (``OperationalError("timeout expired")``,
  libpq's own words);
- once connected: after its ``-c statement_timeout=`` (ms, in ``options``) plus :data:`STATEMENT_GRACE_S`
  without an answer (``OperationalError("statement timeout expired")``) — a live server cancels the
  statement itself first, with its own error.

psycopg2 marks a connection whose wait failed as broken (``closed == 2``): SQLAlchemy's pool discards it, and
the next checkout connects anew. ``inf`` (no bound) where the DSN sets none or 0. The socket is waited on
through the gevent loop in a process gevent patched (the collector's workers: the other greenlets run
meanwhile), with ``poll(2)`` elsewhere (the CLI, the console's threads, the processor).

Schema changes may legitimately wait long (another migration's lock, a long migration):
:func:`lifted` lifts the statement bound for the calling thread (:func:`registry.migrate.migrate`).
A probe that must answer quickly (the console's ``/readyz``) caps both bounds for the calling thread
with :func:`capped` — and the wait for a free connection of the engine's pool (:class:`CappedQueuePool`,
else SQLAlchemy's ``pool_timeout`` of 30 s while slow statements hold every pooled connection).
"""
from __future__ import annotations

import re
import select
import sys
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from sqlalchemy.pool import QueuePool

#: seconds the client waits for a statement's answer beyond the connection's ``statement_timeout``
#: before it gives the server up: a live server cancels the statement itself first, with its own error
STATEMENT_GRACE_S = 5

#: psycopg2's connection statuses once connected (during a connection: ``STATUS_SETUP`` and its
#: internal connecting states)
_CONNECTED = (1, 2, 5)  # psycopg2.extensions.STATUS_READY, STATUS_BEGIN, STATUS_PREPARED

_local = threading.local()  # greenlet-local where gevent patched threading


def cooperative() -> bool:
    """True in a process whose ``threading`` gevent has patched (a gunicorn gevent worker)."""
    if "gevent" not in sys.modules:
        return False
    from gevent import monkey

    return monkey.is_module_patched("threading")


@lru_cache(maxsize=64)
def limits(dsn: str) -> tuple[float, float]:
    """The seconds a connection on ``dsn`` may take to connect (its ``connect_timeout``) and one of its
    statements to be answered (its ``-c statement_timeout=`` ms in ``options``, plus
    :data:`STATEMENT_GRACE_S`); ``inf`` where the DSN sets none or 0."""
    from psycopg2 import extensions

    params = extensions.parse_dsn(dsn)
    connect = float(params.get("connect_timeout") or 0)
    found = re.search(r"statement_timeout\s*=\s*(\d+)", params.get("options", ""))
    statement = int(found.group(1)) / 1000 + STATEMENT_GRACE_S if found and int(found.group(1)) else 0
    return connect if connect > 0 else float("inf"), statement if statement > 0 else float("inf")


@contextmanager
def lifted() -> Iterator[None]:
    """No client-side statement bound for the calling thread (greenlet) inside the block: for schema
    changes, which lift the server's ``statement_timeout`` too. Connecting stays bounded."""
    before = getattr(_local, "lifted", False)
    _local.lifted = True
    try:
        yield
    finally:
        _local.lifted = before


@contextmanager
def capped(seconds: float) -> Iterator[None]:
    """Inside the block, the calling thread (greenlet) waits for the server at most ``seconds`` in all —
    connecting, a pooled connection's ping, a reconnection and the statements together, even under
    :func:`lifted` — then fails as the module docstring says. For probes and calls that have a fallback:
    a readiness check bounded to a couple of seconds, not the statement bound."""
    before = getattr(_local, "cap_until", None)
    until = time.monotonic() + seconds
    _local.cap_until = until if before is None else min(before, until)
    try:
        yield
    finally:
        _local.cap_until = before


def cap() -> float | None:
    """Seconds left of the calling thread's :func:`capped` block (0 once passed), None outside one."""
    until = getattr(_local, "cap_until", None)
    return None if until is None else max(0.0, until - time.monotonic())


class CappedQueuePool(QueuePool):
    """SQLAlchemy's ``QueuePool`` whose wait for a free connection (``pool_timeout``) is cut to what is
    left of the calling thread's :func:`capped` block: a probe of a registry whose connections are all
    busy (a slow database) fails within its bound instead of holding its request thread 30 s. Outside
    a capped block, the pool's own timeout."""

    @property
    def _timeout(self) -> float:
        left = cap()
        return self._configured_timeout if left is None else min(self._configured_timeout, left)

    @_timeout.setter
    def _timeout(self, seconds: float) -> None:
        self._configured_timeout = seconds

    def recreate(self) -> "CappedQueuePool":
        pool = super().recreate()
        pool._timeout = self._configured_timeout  # the configured wait, not what a capped caller had left
        return pool


def _poll_ready(fd: int, write: bool, timeout_s: float | None) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLOUT if write else select.POLLIN)
    return bool(poller.poll(None if timeout_s is None else timeout_s * 1000))


class _Expired(Exception):
    pass


def _gevent_ready(fd: int, write: bool, timeout_s: float | None) -> bool:
    from gevent.socket import wait_read, wait_write

    try:
        (wait_write if write else wait_read)(fd, timeout=timeout_s, timeout_exc=_Expired())
    except _Expired:
        return False
    return True


def wait(conn, timeout=None) -> None:
    """psycopg2's wait callback (the shape of psycopg2's ``wait_select`` and psycogreen's): poll ``conn``
    until its operation completes, waiting for its socket in between, within the deadline the module
    docstring states; ``OperationalError`` when it passes."""
    from psycopg2 import OperationalError, extensions

    ready = _gevent_ready if cooperative() else _poll_ready
    deadline = None
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        if state not in (extensions.POLL_READ, extensions.POLL_WRITE):
            raise OperationalError(f"Bad result from poll: {state!r}")
        connected = conn.status in _CONNECTED
        if deadline is None:
            connect_s, statement_s = limits(conn.dsn)
            if getattr(_local, "lifted", False):
                statement_s = float("inf")
            bound = statement_s if connected else connect_s
            if cap() is not None:
                bound = min(bound, cap())
            deadline = time.monotonic() + bound
        wait_s = timeout if deadline == float("inf") else max(0.0, deadline - time.monotonic())
        if not ready(conn.fileno(), state == extensions.POLL_WRITE, wait_s):
            raise OperationalError("statement timeout expired" if connected else "timeout expired")


def install() -> None:
    """Make psycopg2 wait through :func:`wait` in this process (process-wide; idempotent). A wait callback
    some other code installed first is kept."""
    from psycopg2 import extensions

    current = extensions.get_wait_callback()
    if current is None:
        extensions.set_wait_callback(wait)
