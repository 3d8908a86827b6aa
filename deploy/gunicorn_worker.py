"""The thread worker of the console and the public site (``worker_class`` in ``deploy/gunicorn.conf.py``):
gunicorn's gthread worker, which quits once.

Ctrl-C in a terminal (``make run``, ``ascolto console``) sends SIGINT to the whole process group: each
worker got it from the terminal and, a moment later, SIGQUIT from its master. Gunicorn's gthread
``handle_quit`` calls ``ThreadPoolExecutor.shutdown``, which takes a non-reentrant lock: the second
signal, run inside the first handler, waited on that lock for ever — until the master killed the
worker after ``graceful_timeout`` (10 s), so that ``make run`` took 10 s and more to stop.
"""
from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker as _GThreadWorker


class ThreadWorker(_GThreadWorker):
    """gthread, where a quit signal (SIGINT, SIGQUIT) arriving while one is being handled is ignored."""

    _quitting = False

    def handle_quit(self, sig, frame) -> None:
        if self._quitting:
            return
        self._quitting = True
        super().handle_quit(sig, frame)
