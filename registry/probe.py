"""A readiness probe of the registry, shared by the console's and the collector's ``/readyz``.

:func:`ping` reads one row of the ``entity`` table (the schema is there, the connection works), waiting
for the database at most ``timeout_s`` seconds in all (:func:`registry.deadline.capped`: on PostgreSQL the
connection, the pool's ping and the query; on both backends the wait for a free pooled connection while
slow statements hold them all, :class:`registry.deadline.CappedQueuePool`), never opening
the circuit breaker itself (:func:`registry.breaker.probing`), and failing at once while the breaker is
open (a call failed moments ago). Any failure raises; the caller logs the reason and answers statuses only.
"""
from __future__ import annotations

from registry import session_scope
from registry.breaker import CircuitOpen, probing
from registry.deadline import capped
from registry.models import Entity

#: seconds a probe may wait for the registry (connecting and its one query together): within the
#: orchestrators' 3 s probe timeout
PROBE_S = 2.0


def ping(factory, timeout_s: float = PROBE_S) -> None:
    """Return when the registry behind ``factory`` (a session factory, guarded or not) answers a one-row
    query within ``timeout_s``; raise otherwise (:class:`registry.breaker.CircuitOpen` while its breaker
    is open, else the driver's or SQLAlchemy's error)."""
    breaker = getattr(factory, "breaker", None)
    if breaker is not None and breaker.is_open():
        raise CircuitOpen(f"the registry's circuit breaker is open ({breaker.reason})")
    with probing(), capped(timeout_s), session_scope(factory) as s:
        s.query(Entity.ipa_code).limit(1).all()
