"""Blocking calls under the collector's cooperative (gevent) workers.

The collector runs under gunicorn's ``gevent`` worker (``deploy/up.py``: :func:`deploy.up.worker_options`):
one OS thread per worker serves every connection, and a request waiting for its group commit costs
a greenlet switch instead of a thread hand-off and a GIL transfer (issue 18: with a thread per
request, context switches were about a third of a worker's CPU). A call the loop cannot wait on
— ``fdatasync`` — runs through :class:`Adaptive`: in the loop itself while it is fast (handing it
to the hub's thread pool costs more CPU than the loop loses waiting), in the thread pool while it
is slow, so a slow disk does not stop the loop; directly everywhere else (tests, ``gthread``
workers, the shipper), with the same result or exception.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def cooperative() -> bool:
    """True in a process whose ``threading`` gevent has patched (a gunicorn gevent worker)."""
    if "gevent" not in sys.modules:
        return False
    from gevent import monkey

    return monkey.is_module_patched("threading")


#: A call whose recent durations average under this runs inline in the loop. A hand-off to the hub's
#: thread pool costs the worker a futex wake, the hub's async watcher and a GIL round trip (with
#: ``fdatasync`` at ~100 µs, about a fifth of a worker's samples at full load, issue 18), more
#: than the loop loses waiting for a sync this short; a slower call is handed off.
INLINE_BELOW_S = 0.0005
#: The weight of the newest duration in that running average: after one call of 2 ms or more the
#: next calls are handed off; fast calls bring it back into the loop (a dozen after a 50 ms stall).
AVERAGE_WEIGHT = 0.25


class Adaptive(Generic[T]):
    """``fn``, called the cheapest way that keeps a cooperative process's loop responsive.

    In a cooperative process (:func:`cooperative`) a call runs inline while the running average of
    the recent calls' durations is under ``inline_below_s`` (:attr:`inline`), and in the hub's
    thread pool otherwise, while other greenlets run; each call's duration updates the average,
    whichever way it ran. Elsewhere ``fn`` is called directly. A stall therefore stops the loop for
    one call at most before the calls move to the thread pool.

    Calling it returns what ``fn`` returns and raises what it raises, in every case.
    """

    def __init__(self, fn: Callable[..., T], inline_below_s: float = INLINE_BELOW_S):
        self.fn, self.inline_below_s = fn, inline_below_s
        self.average_s = 0.0

    @property
    def inline(self) -> bool:
        """Whether the next call in a cooperative process runs in the loop itself."""
        return self.average_s < self.inline_below_s

    def __call__(self, *args) -> T:
        if not cooperative():
            return self.fn(*args)
        if self.inline:
            return self._timed(*args)
        from gevent import get_hub

        return get_hub().threadpool.apply(self._timed, args)

    def _timed(self, *args) -> T:
        start = time.perf_counter()
        try:
            return self.fn(*args)
        finally:  # one writer at a time in practice (one group commit per worker); a lost update is harmless
            self.average_s += AVERAGE_WEIGHT * (time.perf_counter() - start - self.average_s)


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
