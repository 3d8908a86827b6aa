"""A circuit breaker on a PostgreSQL registry: once the server failed a call, fail the next ones at once.

:mod:`registry.deadline` bounds every wait for a silent server (connecting: ``connect_timeout``; a
statement: ``statement_timeout`` plus a grace, 35 s by default) — bounded, but every caller still waits
that long: each console request thread, each collector greenlet, each of the processor's lookups of an
expired service. So a factory wrapped by :func:`guard` (the console's, the collector's, the processor's:
``guard(connect(url))``) consults a :class:`Breaker` first:

- **closed** (normal): sessions are handed out;
- a call to the server fails on the *client* side — connecting refused or timed out, the deadline
  passed, the connection lost (a psycopg2 ``OperationalError`` without a server ``pgcode``; a live
  server's own errors, a cancelled statement or a lock timeout among them, carry one and do not count)
  — and the breaker **opens** for :data:`OPEN_S` seconds: asking the factory for a session raises
  :class:`CircuitOpen` at once, without touching the network (a
  :data:`registry.errors.UNREACHABLE` error: the console answers 503 ``registry_unavailable``, the
  processor serves a cached lookup or backs off);
- after the window one caller at a time is let through (**half-open**: one trial per window, so a
  still-silent server holds one caller, not all of them); the first statement the server answers
  **closes** it, a failure opens it again.

Failures inside :func:`probing` (the console's ``/readyz``, which bounds its own check to a couple of
seconds with :func:`registry.deadline.capped`) do not open it: a slow-but-alive server fails the probe,
not every page.
Thread-safe; SQLite factories are never guarded (no network to wait on).
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import sessionmaker

#: seconds every call fails at once after the registry failed one
OPEN_S = 5.0

_local = threading.local()


@contextmanager
def probing() -> Iterator[None]:
    """Failures of the calling thread inside the block do not open a breaker (a readiness probe's)."""
    before = getattr(_local, "probing", False)
    _local.probing = True
    try:
        yield
    finally:
        _local.probing = before


class CircuitOpen(sa_exc.DisconnectionError):
    """The registry failed a call moments ago: this one was not even tried (one of
    :data:`registry.errors.UNREACHABLE`)."""


class Breaker:
    """The state of one registry (engine); ``clock`` is monotonic seconds."""

    def __init__(self, open_s: float = OPEN_S, clock: Callable[[], float] = time.monotonic,
                 listener: Callable[[str], None] | None = None):
        self.open_s, self.clock = open_s, clock
        #: told ``"opened"`` (closed → open), ``"closed"`` (the registry answered again) and ``"refused"``
        #: (a call not tried), outside the lock: the console's and the collector's metrics
        #: (:mod:`registry.breaker_metrics`)
        self.listener = listener or (lambda _event: None)
        self._lock = threading.Lock()
        self.until = 0.0      # monotonic time the current window ends (0: closed)
        self.opened = 0       # times it opened since the process started
        self.refused = 0      # calls refused at once
        self.reason = ""

    def is_open(self) -> bool:
        """True inside an open window (no trial due): a caller would be refused."""
        return self.until > 0 and self.clock() < self.until

    def check(self) -> None:
        """Raise :class:`CircuitOpen` inside an open window; after it, let this caller through as the
        window's one trial (the next window starts now)."""
        with self._lock:
            if not self.until:
                return
            now = self.clock()
            if now >= self.until:  # half-open: this caller is the trial, the others wait for its outcome
                self.until = now + self.open_s
                return
            self.refused += 1
            left = self.until - now
        self.listener("refused")
        raise CircuitOpen(f"the registry failed a call moments ago ({self.reason}); not tried again for "
                          f"another {left:.1f}s")

    def failed(self, reason: str) -> None:
        with self._lock:
            opening = not self.until
            if opening:
                self.opened += 1
            self.until, self.reason = self.clock() + self.open_s, reason
        if opening:
            self.listener("opened")

    def succeeded(self) -> None:
        if self.until:
            with self._lock:
                closing = bool(self.until)
                self.until, self.reason = 0.0, ""
            if closing:
                self.listener("closed")


def client_side(exc: BaseException | None) -> bool:
    """True for a DBAPI error raised by the client (refused, timed out, lost): an ``OperationalError``
    whose driver exception carries no server ``pgcode``."""
    from psycopg2 import OperationalError

    return isinstance(exc, OperationalError) and getattr(exc, "pgcode", None) is None


class GuardedSessions(sessionmaker):
    """A :class:`~sqlalchemy.orm.sessionmaker` (the same configuration as the one it guards) whose
    sessions are handed out only while its :class:`Breaker` is not open (see the module docstring)."""

    def __init__(self, factory: sessionmaker, breaker: Breaker):  # noqa: D107 — copies, never re-configures
        self.__dict__.update(factory.__dict__)
        self.breaker = breaker

    def __call__(self, **local_kw):
        self.breaker.check()
        return super().__call__(**local_kw)


def guard(factory: sessionmaker, open_s: float | None = None,
          listener: Callable[[str], None] | None = None) -> sessionmaker:
    """``factory`` behind a new :class:`Breaker` watching its engine (the breaker is the result's
    ``breaker``), open ``open_s`` seconds (:data:`OPEN_S`) after a failure, telling ``listener`` its
    changes (:class:`Breaker`); a SQLite factory unchanged."""
    engine = factory.kw["bind"]
    if engine.dialect.name == "sqlite":
        return factory
    breaker = Breaker(OPEN_S if open_s is None else open_s, listener=listener)

    @event.listens_for(engine, "handle_error")
    def _failed(context):
        exc = context.original_exception
        if client_side(exc) and not getattr(_local, "probing", False):
            breaker.failed(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(*_args):
        breaker.succeeded()

    return GuardedSessions(factory, breaker)
