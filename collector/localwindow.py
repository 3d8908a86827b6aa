"""A sliding-window counter in this process's memory, for the rate limits when no Redis is set.

The same arithmetic as ``limits``' sliding-window counter (the previous fixed window's count,
weighted by how much of it still overlaps the sliding window, plus the current window's count),
without ``limits``' memory storage, which restarts a ``threading.Timer`` every 10 ms to expire
keys: under load that thread start was 12% of a collector worker's CPU (py-spy, docs/performance.md).
Here expiry is a sweep of stale keys when the table has doubled since the last sweep. Thread-safe.
"""
from __future__ import annotations

import threading
import time


class LocalWindows:
    def __init__(self, clock=time.time):
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple, list] = {}  # key -> [window start, previous count, current count]
        self._sweep_at = 1024

    def hit(self, amount: int, period: int, key: tuple) -> float | None:
        """Count one hit for ``key`` under ``amount`` per ``period`` seconds; return None when
        allowed, else the epoch time at which a hit will be allowed again (nothing is counted)."""
        now = self._clock()
        start = now - now % period
        with self._lock:
            w = self._windows.get(key)
            if w is None or w[0] <= start - 2 * period:
                w = [start, 0, 0]
            elif w[0] < start:
                w = [start, w[2] if w[0] == start - period else 0, 0]
            elapsed = now - start
            if w[1] * (period - elapsed) / period + w[2] + 1 > amount:
                self._windows[key] = w
                if w[2] + 1 > amount or not w[1]:
                    return start + period
                # the previous window's weight falls enough at this point of the current one
                return start + max(elapsed, period - (amount - 1 - w[2]) * period / w[1])
            w[2] += 1
            self._windows[key] = w
            if len(self._windows) >= self._sweep_at:
                self._sweep(start - period)
        return None

    def _sweep(self, oldest: float) -> None:
        self._windows = {k: w for k, w in self._windows.items() if w[0] >= oldest}
        self._sweep_at = max(1024, 2 * len(self._windows))
