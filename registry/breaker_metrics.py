"""Prometheus metrics of the registry's circuit breaker (:mod:`registry.breaker`) in the collector and the
console (their ``GET /metrics``): give :func:`record` to :func:`registry.breaker.guard` as its listener.

Under gunicorn every worker has a breaker of its own; the samples of all workers are aggregated
(``PROMETHEUS_MULTIPROC_DIR``): the gauge is the largest of the live workers' (1 when any is open),
the counters are summed. A SQLite registry has no breaker: the gauge stays 0.
"""
from __future__ import annotations

from prometheus_client import Counter, Gauge

OPEN = Gauge("ascolto_registry_breaker_open",
             "1 from a registry call that failed on the client side until the registry answers a statement "
             "again (the breaker open or half-open), else 0", multiprocess_mode="livemax")
TRIPS = Counter("ascolto_registry_breaker_trips", "Times the registry's circuit breaker opened (closed -> open)")
REFUSED = Counter("ascolto_registry_breaker_refused",
                  "Registry calls refused at once, without touching the network, while the breaker was open")


def record(event: str) -> None:
    """A :class:`registry.breaker.Breaker` listener: ``"opened"``, ``"closed"`` or ``"refused"``."""
    if event == "opened":
        TRIPS.inc()
        OPEN.set(1)
    elif event == "closed":
        OPEN.set(0)
    elif event == "refused":
        REFUSED.inc()
