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
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter as PromCounter, Gauge, write_to_textfile
from prometheus_client.core import HistogramMetricFamily

from .redact import PLACEHOLDERS

#: seconds from a collector's 202 to the commit of the row (the target: p95 under 5 s, DESIGN §10)
FRESHNESS_BUCKETS = (0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0, 86400.0)


#: the label that names the processor on each of its samples
PROCESSOR_LABEL = "processor"


class Metrics:
    """The processor's metrics, written to ``path`` (none: not written) with every sample labelled
    ``processor=instance`` (none: unlabelled)."""

    def __init__(self, path: Path | None, instance: str | None = None):
        self.path = Path(path) if path else None
        self.instance = instance
        r = self.registry = CollectorRegistry()
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
        self.consumer_renewals = PromCounter(
            "ascolto_processor_consumer_renewals", "Kafka consumers replaced after staying out of the group "
            "for ASCOLTO_GROUP_JOIN_TIMEOUT_S (processor.liveness)", registry=r)
        for kind in PLACEHOLDERS:
            self.redactions.labels(kind)

    def count_redactions(self, counts: Counter) -> None:
        for kind, n in counts.items():
            self.redactions.labels(kind).inc(n)

    def write(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_to_textfile(str(self.path), _Labelled(
                self.registry, {PROCESSOR_LABEL: self.instance} if self.instance else {}))

    def remove(self) -> None:
        """Remove the textfile (a clean stop: this processor is no longer a member to report on)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


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
