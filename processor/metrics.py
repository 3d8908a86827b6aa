"""Processor metrics as a Prometheus textfile (node_exporter's textfile collector format).

A processor has no HTTP server to scrape (several run per host, each would need a port), so each
process rewrites ``$ASCOLTO_DATA_DIR/metrics/processor-<id>.prom`` atomically after every commit;
point node_exporter's ``--collector.textfile.directory`` at that directory (or read the file).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter as PromCounter, Gauge, write_to_textfile

from .redact import PLACEHOLDERS


class Metrics:
    def __init__(self, path: Path | None):
        self.path = Path(path) if path else None
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
            write_to_textfile(str(self.path), self.registry)
