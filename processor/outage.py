"""The registry away while the processor enriches: back off and read again, never crash, lose or duplicate.

Enrichment (:func:`processor.steps.enrich`) looks each service up in the registry (cached for
``ASCOLTO_REGISTRY_TTL_S``). When the registry's database cannot be reached or does not answer
(:data:`registry.errors.UNREACHABLE`; a silent server is given up by :mod:`registry.deadline` after its
statement timeout plus a grace), the batch cannot be transformed — it is neither invalid (nothing is
dead-lettered: the same records are fine once the registry answers) nor to be kept in memory for an
outage of unknown length. So :meth:`RegistryOutage.away`:

1. forgets everything the chain holds, uncommitted (:func:`processor.chain.abandon`: the writer first
   finishes what it was handed);
2. rewinds every assigned partition to its committed offset, so those records are read again — rows the
   writer had already written are skipped as duplicates (:class:`processor.ids.IdIndex`), so nothing is
   written twice and nothing is skipped;
3. pauses consumption for a delay that doubles from :data:`FIRST_DELAY_S` up to :data:`MAX_DELAY_S`.

While it waits, the loop keeps polling the paused consumer (the member stays in its group and takes part
in rebalances) and keeps its heartbeat fresh: a registry outage is not a hung loop, and restarting the
processor would not bring the registry back. Each give-up is logged on one line (never a traceback)
and counted in ``ascolto_processor_registry_unavailable_total``.

Most outages never get that far: the processor's lookups (:func:`directory`) serve a service read at most
``ASCOLTO_REGISTRY_STALE_S`` seconds ago while the registry is unavailable (stale while error,
:mod:`registry.readmodel`; each counted in ``ascolto_processor_registry_stale_lookups_total``), behind a
circuit breaker (:mod:`registry.breaker`) so that a silent registry costs the loop one short try per
few seconds, not the statement deadline per service. Only a service not read recently gives the batch up.
Exactly-once is untouched: which rows are written is decided by the committed offsets and the id index.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

from kafka.errors import KafkaError

from registry import connect
from registry.breaker import CircuitOpen, guard
from registry.errors import first_line, misconfigured
from registry.readmodel import ServiceDirectory

from .chain import abandon

log = logging.getLogger("ascolto.processor")

#: the first pause after the registry failed a batch; each further failure doubles it
FIRST_DELAY_S = 1.0
#: the longest pause between two tries
MAX_DELAY_S = 30.0


class RegistryOutage:
    """The processor's state of a registry outage; ``clock`` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, first_s: float = FIRST_DELAY_S,
                 max_s: float = MAX_DELAY_S):
        self.clock, self.first_s, self.max_s = clock, first_s, max_s
        self.delay_s = 0.0         # the current pause (0: no outage)
        self.retry_at = 0.0        # monotonic time of the next try
        self.failures = 0          # give-ups since the processor started
        self._paused = False       # the partitions are paused by the outage
        self._batches = 0          # committed batches when it last failed
        self.refused = False       # the server refused the URL's user, password or database (the last error
        #                            that reached it: a breaker's refusal in between keeps the verdict)

    def waiting(self) -> bool:
        """True while the processor must not consume (a pause after a failure runs)."""
        return self.delay_s > 0 and self.clock() < self.retry_at

    def hold(self, consumer: Any, timeout_ms: int) -> list:
        """One turn of the wait: pause every assigned partition (one assigned meanwhile too) and poll
        (the member stays in its group); returns what a poll still delivered (kept, never dropped)."""
        consumer.pause(*consumer.assignment())
        self._paused = True
        return [r for records in consumer.poll(timeout_ms=timeout_ms).values() for r in records]

    def release(self, consumer: Any) -> None:
        """After the wait: resume the partitions the wait paused."""
        if self._paused:
            consumer.resume(*consumer.assignment())
            self._paused = False

    def settle(self, committed_batches: int) -> None:
        """A batch was committed since the last failure: the registry answers again."""
        if self.delay_s and committed_batches > self._batches:
            log.info("registry answers again: consuming")
            self.delay_s = 0.0

    def away(self, exc: BaseException, chain: Any, consumer: Any, committed_batches: int) -> bool:
        """Give the current batch up (see the module docstring). False when the consumer could not be
        rewound (the broker away too): the caller replaces it, which resumes from the committed offsets."""
        self.failures += 1
        self._batches = committed_batches
        self.delay_s = min(self.max_s, self.delay_s * 2 if self.delay_s else self.first_s)
        self.retry_at = self.clock() + self.delay_s
        if not isinstance(exc, CircuitOpen):
            self.refused = misconfigured(exc)
        if self.refused:  # not an outage: retried all the same (the role may be created), but said so
            log.warning("registry refused the connection (%s): fix the user, password, database name or options "
                        "in ASCOLTO_DATABASE_URL; batch given up uncommitted, reading it again in %.0fs",
                        first_line(exc), self.delay_s)
        else:
            log.warning("registry unavailable (%s): batch given up uncommitted, reading it again in %.0fs",
                        first_line(exc), self.delay_s)
        abandon(chain)
        try:
            rewind(consumer)
        except KafkaError as exc2:
            log.warning("cannot rewind to the committed offsets (%r): replacing the consumer", exc2)
            return False
        return True


def rewind(consumer: Any) -> None:
    """Seek every partition assigned to ``consumer`` to its committed offset (its beginning when none was
    ever committed: the group's ``auto_offset_reset=earliest``)."""
    for tp in consumer.assignment():
        offset = consumer.committed(tp)
        if offset is None:
            consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, offset)


def directory(settings: Any, metrics: Any) -> ServiceDirectory:
    """The processor's service lookups: the registry behind a circuit breaker, cached for
    ``registry_ttl_s`` and served stale up to ``registry_stale_s`` while the registry is unavailable
    (counted in ``metrics.registry_stale``)."""
    return ServiceDirectory(guard(connect(settings.database_url, create=False)), ttl_s=settings.registry_ttl_s,
                            stale_s=settings.registry_stale_s, on_stale=lambda _key: metrics.registry_stale.inc())
