"""Gunicorn workers that quit once: the console's and the public site's thread worker (``worker_class``
in ``deploy/gunicorn.conf.py``), and the :class:`QuitOnce` that the collector's gevent worker shares
(:mod:`deploy.gunicorn_gevent`). Both answer the requests they cannot parse in JSON without logging the
client's address (:mod:`deploy.gunicorn_errors`).

Ctrl-C in a terminal (``make run``, ``ascolto console``) sends SIGINT to the whole process group: each
worker gets it from the terminal and, a moment later, SIGQUIT from its master.

- Gunicorn's gthread ``handle_quit`` calls ``ThreadPoolExecutor.shutdown``, which takes a
  non-reentrant lock: the second signal, run inside the first handler, waited on that lock for ever —
  until the master killed the worker after ``graceful_timeout`` (10 s), so that ``make run`` took 10 s
  and more to stop; so did the first signal landing while the main thread held that lock in
  ``submit``. Our thread worker's handler takes no lock at all (:class:`ThreadWorker`).
- Gunicorn's gevent ``handle_quit`` spawns a greenlet per signal that raises ``SystemExit``: the
  second one ran while the interpreter was already shutting down and printed a traceback
  ("failed with SystemExit") on every Ctrl-C of ``make run``.
"""
from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker as _GThreadWorker

from .gunicorn_errors import JsonErrors


def settle_heap() -> None:
    """Move what a console's or a public site's worker holds once its app is built — its imports (DuckDB,
    pyarrow, scipy, statsmodels, Flask) and the app itself, ~200,000 objects — out of the cyclic garbage
    collector's full collections (``gc.freeze``): each then scans what requests created, not all of it
    (61 ms → 0.4 ms a full collection, the pause that put one uncached comparison in twenty at ~110 ms:
    docs/performance.md, "The console's full collections"). Reference counting frees them as before; only a
    cycle among them would never be collected. Not the collector's workers: it did not pay there (issue 18)."""
    import gc

    gc.collect()
    gc.freeze()


def release_heap() -> None:
    """Undo :func:`settle_heap` as the worker stops, its app closed: the frozen objects go back to the
    collector, so that the interpreter's last collection frees the cycles among them — DuckDB's bindings
    (nanobind) otherwise printed some forty lines of "leaked instances / types / functions" at every stop."""
    import gc

    gc.unfreeze()
    gc.collect()


class QuitOnce:
    """A quit signal (SIGINT, SIGQUIT) arriving after the first one is ignored."""

    _quitting = False

    def handle_quit(self, sig, frame) -> None:
        if self._quitting:
            return
        self._quitting = True
        super().handle_quit(sig, frame)


class ThreadWorker(JsonErrors, QuitOnce, _GThreadWorker):
    """gthread, quitting once, with JSON refusals.

    Its quit handler takes no lock: gthread's own calls ``tpool.shutdown``, whose ``_shutdown_lock`` the
    main thread also holds inside ``tpool.submit`` (each request handed to the pool) — a Ctrl-C landing
    there deadlocked the worker until the master's SIGKILL after ``graceful_timeout`` (about one stop in
    ten under load). It only ends the main loop (``alive``), which notices within its 1 s wait, stops
    accepting, lets kept-alive connections go, and shuts the pool down outside any signal handler."""

    def handle_quit(self, sig, frame) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.alive = False
        self.cfg.worker_int(self)
