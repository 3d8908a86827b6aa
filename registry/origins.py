"""Widget requests per service and origin, as the collector saw them: what the console's "check my
page" reads (issue 15). The console never asks the collector (nothing imports it): both meet here.

- The collector calls :meth:`OriginCounter.seen` for each questionnaire load and submission of a
  *known* service (unknown keys are not counted: nobody can fill the table with made-up keys); the
  counter adds up in memory and hands the sums (``origin_seen``: service, origin, UTC day →
  requests, refused) to its writer thread at most every ``flush_s`` seconds — the first request
  after a quiet period is handed over at once, so a freshly embedded widget shows up within
  moments. The request thread never waits for the registry (no database round trip on the
  request path). At most :data:`MAX_ORIGINS_PER_SERVICE` origins per service and buffer (the
  rest are counted under ``"*"``), and an origin longer than 200 characters is cut. A registry
  error loses those counts (logged), never the request.
- :func:`recent` reads the last ``days`` days for the console.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from .models import utcnow
from .onboarding_models import OriginSeen

log = logging.getLogger("ascolto.registry")
MAX_ORIGINS_PER_SERVICE = 20
NO_ORIGIN = "-"   # a request without an Origin header (same-origin form posts, server-side clients)
OTHER = "*"       # origins beyond the cap
_STOP: dict = {}  # handed to the writer by close(): it ends


class OriginCounter:
    """Per-process sums of widget requests, written to ``origin_seen`` by one daemon writer thread."""

    def __init__(self, factory: sessionmaker[Session], flush_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic):
        self._factory, self._flush_s, self._clock = factory, flush_s, clock
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], list[int]] = {}
        self._last = float("-inf")
        self._batches: queue.Queue[dict] = queue.Queue(maxsize=64)  # a stuck registry drops, never blocks
        self._writer: threading.Thread | None = None

    def seen(self, service_key: str, origin: str | None, allowed: bool) -> None:
        """Count one request; never blocks on the registry (a full hand-over queue loses the batch, logged)."""
        origin = (origin or NO_ORIGIN)[:200]
        with self._lock:
            if (service_key, origin) not in self._pending and \
                    sum(1 for s, _ in self._pending if s == service_key) >= MAX_ORIGINS_PER_SERVICE:
                origin = OTHER
            counts = self._pending.setdefault((service_key, origin), [0, 0])
            counts[0] += 1
            counts[1] += 0 if allowed else 1
            due = self._clock() - self._last >= self._flush_s
            if due:
                batch, self._pending, self._last = self._pending, {}, self._clock()
                self._start_writer()
        if due:
            try:
                self._batches.put_nowait(batch)
            except queue.Full:
                log.warning("origin counts not written (writer behind): %d origins lost", len(batch))

    def flush(self) -> None:
        """Write what is pending now, in the calling thread, after what the writer already holds."""
        with self._lock:
            batch, self._pending, self._last = self._pending, {}, self._clock()
        self.wait_written()
        self._write(batch)

    def close(self, timeout_s: float = 10.0) -> None:
        """Write what is pending and end the writer thread (the app's shutdown: ``collector.app.close_app``).
        Without it the thread waited for batches for the process's life, holding the registry's
        connections, and the sums counted since the last hand-over were never written."""
        self.flush()
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None and writer.is_alive():
            self._batches.put(_STOP, timeout=timeout_s)
            writer.join(timeout_s)

    def wait_written(self, timeout_s: float = 10.0) -> bool:
        """Wait until the writer thread has written every batch handed to it; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while self._batches.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._batches.unfinished_tasks

    def _start_writer(self) -> None:
        if self._writer is None or not self._writer.is_alive():  # (again after a fork: threads do not survive it)
            self._writer = threading.Thread(target=self._run, name="ascolto-origins", daemon=True)
            self._writer.start()

    def _run(self) -> None:
        while True:
            batch = self._batches.get()
            if batch is _STOP:
                self._batches.task_done()
                return
            try:
                self._write(batch)
            finally:
                self._batches.task_done()

    def _write(self, batch: dict[tuple[str, str], list[int]]) -> None:
        """Add ``batch`` to the day's rows. Several workers and collectors write the same rows: on
        SQLite and PostgreSQL one ``INSERT … ON CONFLICT DO UPDATE`` per row adds to it atomically
        (a read-then-insert lost a batch whenever two writers created the day's row at once)."""
        if not batch:
            return
        now = utcnow()
        day = now.strftime("%Y-%m-%d")
        try:
            with self._factory.begin() as s:
                dialect = s.get_bind().dialect.name
                for (key, origin), (requests, refused) in batch.items():
                    if dialect in _UPSERT:
                        _upsert(s, dialect, key, origin, day, requests, refused, now)
                        continue
                    row = s.get(OriginSeen, (key, origin, day), with_for_update=True)
                    if row is None:
                        s.add(OriginSeen(service_key=key, origin=origin, day=day, requests=requests,
                                         refused=refused, last_at=now))
                    else:
                        row.requests += requests
                        row.refused += refused
                        row.last_at = now
        except Exception as exc:  # counting is best effort: the request it rides on must not fail
            log.warning("origin counts not written (%s): %d origins lost", exc, len(batch))


_UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _upsert(s: Session, dialect: str, key: str, origin: str, day: str, requests: int, refused: int,
            now: datetime) -> None:
    table = OriginSeen.__table__
    stmt = _UPSERT[dialect](table).values(service_key=key, origin=origin, day=day, requests=requests,
                                          refused=refused, last_at=now)
    s.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.service_key, table.c.origin, table.c.day],
        set_={"requests": table.c.requests + stmt.excluded.requests,
              "refused": table.c.refused + stmt.excluded.refused, "last_at": stmt.excluded.last_at}))


def recent(session: Session, service_key: str, days: int = 7, now: datetime | None = None) -> list[dict]:
    """Origins seen for ``service_key`` over the last ``days`` UTC days, most requests first."""
    since = ((now or datetime.now(timezone.utc)) - timedelta(days=days - 1)).strftime("%Y-%m-%d")
    rows = session.scalars(select(OriginSeen).where(OriginSeen.service_key == service_key, OriginSeen.day >= since))
    out: dict[str, dict] = {}
    for r in rows:
        o = out.setdefault(r.origin, {"origin": r.origin, "requests": 0, "refused": 0, "last_at": r.last_at})
        o["requests"] += r.requests
        o["refused"] += r.refused
        o["last_at"] = max(o["last_at"], r.last_at)
    return sorted(out.values(), key=lambda o: (-o["requests"], o["origin"]))


def verdict(declared: list[str], seen: list[dict], active: bool = True) -> str:
    """``inactive`` (the service is not active: the widget shows nothing and the collector refuses its
    answers, whatever arrived before), ``ok`` (requests from a declared origin arrive), ``wrong_origin``
    (only from undeclared ones: refused), or ``nothing`` (no widget request in the window; requests
    without an ``Origin``, :data:`NO_ORIGIN`, are not the widget's)."""
    if not active:
        return "inactive"
    # requests without an Origin (a back end, an app or e-mail link to the form) are not the widget's:
    # they make neither "ok" nor "wrong_origin"
    pages = [o for o in seen if o["origin"] != NO_ORIGIN]
    if any(o["origin"] in declared and o["requests"] > o["refused"] for o in pages):
        return "ok"
    if any(o["requests"] and o["origin"] not in declared for o in pages):
        return "wrong_origin"
    return "nothing"
