"""Processor metrics as a Prometheus textfile (node_exporter's textfile collector format).

A processor has no HTTP server to scrape (several run per host, each would need a port), so each
process rewrites ``$ASCOLTO_DATA_DIR/metrics/processor-<instance>.prom`` atomically after every commit;
point node_exporter's ``--collector.textfile.directory`` at that directory (or read the file).

The directory is shared by every processor that writes the dataset (every member of the group, on
every host or pod), and node_exporter merges its files into one exposition, where two samples of the
same name and labels collide ("was collected before with the same name and label values": one of
them is dropped). So the file is named after the processor's instance (``ASCOLTO_PROCESSOR_INSTANCE``,
else the host name — what names its heartbeat), which a restart rewrites rather than adding a file,
every sample carries the label ``processor="<instance>"``, and a clean stop removes the file (a
member that is gone is not exported as if it were still there; a halted one keeps its file, which
says ``ascolto_processor_halted 1``).

A member killed for good (a deleted pod, a host gone: no clean stop) cannot remove its file. So a
running processor rewrites its file at least every :data:`REFRESH_S` even when idle (from its loop,
with the heartbeat: :meth:`Metrics.refresh`), and the file says when
(``ascolto_processor_textfile_updated_timestamp_seconds``, Unix time: ``time() - …`` older than a few
refreshes means the member is gone or its loop is hung). And every running processor removes, at
most every :data:`SWEEP_S`, the other members' files not rewritten for ``stale_after_s`` plus
:data:`REFRESH_S` (``stale_after_s``: the heartbeat's limit, ``ASCOLTO_HEARTBEAT_MAX_AGE_S`` — a member
whose loop stood still that long is dead or about to be restarted by its probe, and rewrites its file
when it runs again) — except a halted member's, which keeps saying so until an operator acts.
"""
from __future__ import annotations

import logging
import time
from bisect import bisect_left
from collections import Counter
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter as PromCounter, Gauge, write_to_textfile
from prometheus_client.core import HistogramMetricFamily

from .badrows import Reason
from .redact import PLACEHOLDERS

log = logging.getLogger("ascolto.processor")

#: seconds from a collector's 202 to the commit of the row (the target: p95 under 5 s, DESIGN §10)
FRESHNESS_BUCKETS = (0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0, 86400.0)


#: the label that names the processor on each of its samples
PROCESSOR_LABEL = "processor"
#: seconds between two rewrites of a running processor's textfile when no commit rewrote it
REFRESH_S = 15.0
#: seconds between two sweeps of the other members' stale textfiles
SWEEP_S = 60.0
UPDATED = "ascolto_processor_textfile_updated_timestamp_seconds"


class Metrics:
    """The processor's metrics, written to ``path`` (none: not written) with every sample labelled
    ``processor=instance`` (none: unlabelled); ``stale_after_s`` > 0: the other members' files in its
    directory not rewritten for that long plus :data:`REFRESH_S` are removed (:meth:`sweep`)."""

    def __init__(self, path: Path | None, instance: str | None = None, stale_after_s: float = 0.0):
        self.path = Path(path) if path else None
        self.instance = instance
        self.stale_after_s = stale_after_s
        self.written_at = float("-inf")  # monotonic
        self.swept_at = float("-inf")
        r = self.registry = CollectorRegistry()
        self.updated = Gauge(UPDATED, "Unix time this processor last rewrote its textfile (at least every "
                             f"{REFRESH_S:.0f} s while it runs): a member gone for good stops moving it", registry=r)
        self.records = PromCounter("ascolto_processor_records", "Kafka records consumed and committed", registry=r)
        self.envelopes = PromCounter("ascolto_processor_envelopes", "Envelopes processed", registry=r)
        self.rows = PromCounter("ascolto_processor_rows_written", "Rows written to responses", registry=r)
        self.tests = PromCounter("ascolto_processor_test_rows_written",
                                 "Check-up answers (test mode) written apart to test/, never counted", registry=r)
        self.duplicates = PromCounter("ascolto_processor_duplicates", "Submissions skipped as already written",
                                      registry=r)
        self.dead = PromCounter("ascolto_processor_dead_letters", "Dead letters by reason", ["reason"], registry=r)
        self.redactions = PromCounter("ascolto_processor_redactions", "Personal data replaced in free text by type",
                                      ["type"], registry=r)
        self.batches = PromCounter("ascolto_processor_batches", "Batches committed", registry=r)
        self.last_commit = Gauge("ascolto_processor_last_commit_timestamp_seconds", "Time of the last commit",
                                 registry=r)
        self.freshness = Freshness(r)
        self.halted = Gauge("ascolto_processor_halted", "1 when the processor stopped on an invalid-ratio window",
                            registry=r)
        self.assigned = Gauge("ascolto_processor_assigned_partitions", "Kafka partitions assigned to this member",
                              registry=r)
        self.waiting_lock = Gauge(
            "ascolto_processor_partitions_waiting_lock", "Partitions assigned to this member but paused: another "
            "member (a frozen one, not yet fenced off) holds their lock (processor.fence)", registry=r)
        self.consumer_renewals = PromCounter(
            "ascolto_processor_consumer_renewals", "Kafka consumers replaced after staying out of the group "
            "for ASCOLTO_GROUP_JOIN_TIMEOUT_S (processor.liveness)", registry=r)
        self.registry_unavailable = PromCounter(
            "ascolto_processor_registry_unavailable", "Batches given up (uncommitted, read again after a pause) "
            "because the registry's database could not be reached or did not answer (processor.outage)", registry=r)
        self.registry_stale = PromCounter(
            "ascolto_processor_registry_stale_lookups", "Service lookups answered from a cached view older than "
            "ASCOLTO_REGISTRY_TTL_S because the registry was unavailable (stale while error)", registry=r)
        self.records_lost = PromCounter(
            "ascolto_processor_records_lost_to_retention", "Offsets of the topic deleted by its retention before "
            "this processor read them (processor.gaps; each range a retention_gap letter in failed/)", registry=r)
        # every label a series can take exists from the start at 0, so increase() sees the first event
        for kind in PLACEHOLDERS:
            self.redactions.labels(kind)
        for reason in Reason:
            self.dead.labels(reason.value)

    def count_redactions(self, counts: Counter) -> None:
        for kind, n in counts.items():
            self.redactions.labels(kind).inc(n)

    def write(self) -> None:
        if self.path is not None:
            self.updated.set(time.time())
            self.written_at = time.monotonic()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_to_textfile(str(self.path), _Labelled(
                self.registry, {PROCESSOR_LABEL: self.instance} if self.instance else {}))

    def refresh(self) -> None:
        """From the loop: rewrite the file when no write for :data:`REFRESH_S`, sweep when due. An
        OSError is left to the caller (the loop logs it and goes on)."""
        now = time.monotonic()
        if self.path is not None and now - self.written_at >= REFRESH_S:
            self.write()
        if self.stale_after_s > 0 and now - self.swept_at >= SWEEP_S:
            self.swept_at = now
            self.sweep()

    def sweep(self, now: float | None = None) -> list[Path]:
        """Remove the other ``processor-*.prom`` files of the directory last rewritten more than
        ``stale_after_s`` + :data:`REFRESH_S` ago (by their own ``…_textfile_updated_timestamp_seconds``; by the file's
        mtime for a file without it), unless they say ``ascolto_processor_halted 1``. Returns them."""
        if self.path is None or self.stale_after_s <= 0:
            return []
        now = time.time() if now is None else now
        limit = self.stale_after_s + REFRESH_S
        removed = []
        for other in sorted(self.path.parent.glob("processor-*.prom")):
            if other == self.path:
                continue
            try:
                updated, halted = _textfile_state(other)
                if not halted and now - updated > limit:
                    other.unlink(missing_ok=True)
                    removed.append(other)
            except (OSError, ValueError, IndexError):  # gone meanwhile (another member swept it), unreadable
                continue
        if removed:
            log.info("removed the metrics textfiles of members gone for %.0fs: %s", limit,
                     ", ".join(p.name for p in removed))
        return removed

    def remove(self) -> None:
        """Remove the textfile (a clean stop: this processor is no longer a member to report on)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _textfile_state(path: Path) -> tuple[float, bool]:
    """(when ``path`` was last rewritten, Unix time; whether it says the member halted)."""
    updated, halted = None, False
    for line in path.read_text("utf-8", "replace").splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name == UPDATED:
            updated = float(line.rsplit(" ", 1)[1])
        elif name == "ascolto_processor_halted":
            halted = halted or float(line.rsplit(" ", 1)[1]) == 1.0
    return (path.stat().st_mtime if updated is None else updated), halted


class _Labelled:
    """``registry``'s metrics with ``labels`` added to every sample (prometheus_client's custom-collector
    API: an object with ``collect()``), for the exposition only; without prometheus_client's
    ``<counter>_created`` samples (the process's start time per series: node_exporter would export
    them as series of their own, noise that changes at every restart)."""

    def __init__(self, registry: CollectorRegistry, labels: dict[str, str]):
        self.registry, self.labels = registry, labels

    def collect(self):
        for family in self.registry.collect():  # fresh families on each collect: safe to relabel
            family.samples = [s._replace(labels={**self.labels, **s.labels}) for s in family.samples
                              if s.name != f"{family.name}_created"]
            yield family


class Freshness:
    """``ascolto_processor_freshness_seconds``: a histogram of the seconds from a collector's 202 (the
    envelope's ``received_at``) to the commit of the batch holding its row, one observation per
    accepted envelope. A submission shipped late (a broker outage, a replayed spool, a backfill)
    counts with its whole delay: it is the freshness the monitoring staff see.

    Kept as plain counts and exposed by a collector of ``registry`` (prometheus_client's public
    custom-collector API): a batch of 2,000 envelopes costs 2,000 bisections, not 2,000 locked
    ``Histogram.observe`` calls (3.4 µs per submission, measured).
    """

    NAME = "ascolto_processor_freshness_seconds"

    def __init__(self, registry: CollectorRegistry, buckets: tuple[float, ...] = FRESHNESS_BUCKETS):
        self.bounds = tuple(buckets)
        self.counts = [0] * (len(self.bounds) + 1)  # the last: above every bound (+Inf)
        self.sum = 0.0
        registry.register(self)

    def observe_batch(self, now: float, works) -> None:
        """One observation per work of ``works`` that holds an envelope: ``now`` (epoch seconds)
        minus its ``received_at``."""
        ages = [now - w.env["received_at"].timestamp() for w in works if w.env is not None]
        counts, bounds = self.counts, self.bounds
        for age in ages:
            counts[bisect_left(bounds, age)] += 1  # a bucket's bound is inclusive (le)
        self.sum += sum(ages)

    def collect(self):
        cumulative, buckets = 0, []
        for bound, n in zip((*map(str, self.bounds), "+Inf"), self.counts):
            cumulative += n
            buckets.append((bound, cumulative))
        family = HistogramMetricFamily(self.NAME, "Seconds from the collector's acknowledgement (received_at) "
                                       "to the commit of the batch holding the row")
        family.add_metric([], buckets, self.sum)
        yield family
