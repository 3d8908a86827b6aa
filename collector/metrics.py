"""Prometheus metrics of the collector (``GET /metrics``).

Under gunicorn each worker writes its samples to ``PROMETHEUS_MULTIPROC_DIR`` (set by
``deploy/gunicorn.conf.py``) and ``/metrics`` aggregates all workers; without it (tests, one
process) the default registry is used.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess

ACCEPTED = Counter("ascolto_submissions_accepted_total", "Submissions acknowledged with 202, by where they are durable",
                   ["path"])
REJECTED = Counter("ascolto_submissions_rejected_total", "Submissions refused, by error code", ["reason"])
SPOOLED = Counter("ascolto_submissions_spooled_total", "Submissions written to the local spool")
REPLAYED = Counter("ascolto_spool_records_replayed_total", "Spooled records sent to the broker")
PRODUCE_SECONDS = Histogram("ascolto_produce_seconds", "Time for the broker to acknowledge a record (acks=all)",
                            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
SPOOL_BYTES = Gauge("ascolto_spool_bytes", "Bytes waiting in the local spool", multiprocess_mode="max")


def exposition() -> tuple[bytes, str]:
    """The current samples in the Prometheus text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
