"""Blocking calls under the collector's cooperative (gevent) workers.

The collector runs under gunicorn's ``gevent`` worker (``deploy/up.py``: :func:`deploy.up.worker_options`):
one OS thread per worker serves every connection, and a request waiting for its group commit costs
a greenlet switch instead of a thread hand-off and a GIL transfer (issue 18: with a thread per
request, context switches were about a third of a worker's CPU). A call the loop cannot wait on
— ``fdatasync`` — must not stop the loop: :func:`fdatasync` hands it to the kernel there
(:mod:`collector.aio`), else runs it in the hub's thread pool (:func:`blocking`), and directly
everywhere else (tests, ``gthread`` workers, the shipper), with the same result or exception. A PostgreSQL registry is read and written through psycopg2, whose calls would block the
loop for the server's round trip: :func:`cooperative_database` makes it wait through the loop.
"""
from __future__ import annotations

import os
from typing import Callable, TypeVar

from registry import deadline

T = TypeVar("T")


#: True in a process whose ``threading`` gevent has patched (a gunicorn gevent worker)
cooperative = deadline.cooperative


def blocking(fn: Callable[..., T], *args) -> T:
    """``fn(*args)``; in a cooperative process, in the hub's thread pool while other greenlets run.

    Returns what ``fn`` returns and raises what it raises, in either case.
    """
    if cooperative():
        from gevent import get_hub

        return get_hub().threadpool.apply(fn, args)
    return fn(*args)


_kernel: dict = {}  # pid -> its collector.aio.KernelSync, or None where the kernel cannot (per process: after fork)


def fdatasync(fd: int) -> None:
    """``os.fdatasync(fd)``; in a cooperative process the loop runs meanwhile — the sync handed to
    the kernel (:mod:`collector.aio`: no thread hand-off) where it can be, else in the hub's thread
    pool (:func:`blocking`). Raises the sync's ``OSError`` in every case."""
    if not cooperative():
        return os.fdatasync(fd)
    pid = os.getpid()
    if pid not in _kernel:  # the first sync of this process (a worker, after fork) tries the kernel's
        from .aio import kernel_sync

        _kernel[pid] = kernel_sync(fd)
        return None if _kernel[pid] is not None else blocking(os.fdatasync, fd)
    sync = _kernel[pid]
    if sync is None or sync.busy:
        return blocking(os.fdatasync, fd)
    return sync.fdatasync(fd)


def cooperative_database() -> None:
    """In a cooperative process, make psycopg2 wait for the PostgreSQL server through the gevent loop,
    so that a registry query — a service looked up after its cache entry expired, an unknown key, an
    operator's audit, the origin counts — holds up only its own request instead of every connection
    of the worker; elsewhere do nothing. Idempotent.

    The wait callback is the registry's (:func:`registry.deadline.wait`, which
    :func:`registry.db.connect` installs in every process on a PostgreSQL URL): through the gevent loop
    here, within the connection's ``connect_timeout`` while connecting and its ``statement_timeout`` plus
    :data:`registry.deadline.STATEMENT_GRACE_S` once connected. SQLite (the default registry) is a
    local file: its calls stay as they are.
    """
    if cooperative():
        deadline.install()


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
