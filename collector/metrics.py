"""Prometheus metrics of the collector (``GET /metrics``).

Under gunicorn each worker writes its samples to ``PROMETHEUS_MULTIPROC_DIR`` (set by
``deploy/gunicorn.conf.py``, read into ``Settings.prometheus_multiproc_dir``) and ``/metrics`` aggregates all workers; without it (tests, one
process) the default registry is used.
"""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess

ACCEPTED = Counter("ascolto_submissions_accepted_total", "Submissions acknowledged with 202, by where they are durable",
                   ["path"])
REJECTED = Counter("ascolto_submissions_rejected_total",
                   "Submissions refused, by error code and service (a registered service's key, else unknown)",
                   ["reason", "service"])
#: The ``service`` label of a refusal whose service key was not read or names no registered service: one
#: bucket, so made-up keys cannot multiply the time series (see :func:`collector.errors.count_refusal`).
UNKNOWN_SERVICE = "unknown"
#: The refusals that are the collector's own failure (5xx): what ``AscoltoCollector5xx`` alerts on.
FAILURE_REASONS = ("unavailable", "registry_unavailable", "internal")
#: The 5xx refusals again, by reason only, every reason's series created at 0 when the module loads:
#: ``rate()``/``increase()`` see a counter's first increment only against an earlier sample, and a
#: ``{reason,service}`` series of ``REJECTED`` first appears *with* its first event (the burst an outage
#: starts with was missed, and a short outage not alerted at all).
FAILED = Counter("ascolto_submissions_failed_total",
                 "Submissions answered 5xx (unavailable, registry_unavailable, internal), by reason; every "
                 "reason exported from start at 0", ["reason"])
for _reason in FAILURE_REASONS:
    FAILED.labels(_reason)


def count_rejected(reason: str, service: str) -> None:
    """Count one refusal: ``REJECTED`` by reason and service (a bounded label, see
    :func:`collector.errors.service_label`), and ``FAILED`` too when it is a 5xx reason."""
    REJECTED.labels(reason, service).inc()
    if reason in FAILURE_REASONS:
        FAILED.labels(reason).inc()
#: The GET routes that do work per request (a registry lookup, a rendering), each counted against its client's
#: read budget (``ASCOLTO_RATE_LIMIT_GET``, :meth:`collector.ratelimit.RateLimits.check_read`): the values of
#: ``READS_LIMITED``'s ``route`` label, every series created at 0.
READ_ROUTES = ("questionnaire", "form", "thanks", "kiosk")
#: GETs refused by that budget, by route: apart from ``REJECTED`` (submissions: its refusal-share alert must
#: not fire because somebody reloads a page), and no label says anything about the client.
READS_LIMITED = Counter("ascolto_collector_reads_limited_total", "GET requests refused 429 by the per-client "
                        "read limit (ASCOLTO_RATE_LIMIT_GET), by route", ["route"])
for _route in READ_ROUTES:
    READS_LIMITED.labels(_route)
SPOOLED = Counter("ascolto_submissions_spooled_total", "Submissions written to the local spool")
GROUP_LINES = Histogram("ascolto_spool_group_lines", "Submissions made durable by one group commit (one write, one fdatasync)",
                        buckets=(1, 2, 3, 5, 8, 13, 21, 34, 55, 89))
REPLAYED = Counter("ascolto_spool_records_replayed_total", "Spooled records sent to the broker")
DAMAGED_BYTES = Counter("ascolto_spool_damaged_bytes_total", "Bytes of sealed log segments the shipper skipped as "
                        "damaged: zeros inside their lines, with lines after them (a line or more lost; logged)")
PRODUCE_SECONDS = Histogram("ascolto_produce_seconds", "Time for the broker to acknowledge a record (acks=all)",
                            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
#: Set by the worker that serves a scrape (collector.public): the newest reading of a live worker is the
#: spool's size now ("max" kept the largest reading any worker ever took — an outage's — until that
#: worker served again, and for good once it had exited).
SPOOL_BYTES = Gauge("ascolto_spool_bytes", "Bytes of submissions in the local spool's segments (shipped or not); "
                    "the collector answers 503 at ASCOLTO_SPOOL_MAX_BYTES", multiprocess_mode="livemostrecent")

#: The spool's shipper as its last report (``shipper.json``, collector.shipper) tells, read by the worker that
#: serves a scrape: what /readyz says in JSON, for Prometheus — a broker outage answers 200 "degraded",
#: which no probe flags, and the submissions pile up in the spool meanwhile.
SHIPPER_UP = Gauge("ascolto_shipper_up", "1 when the spool's shipper reported in the last 15 s, else 0 (none running)",
                   multiprocess_mode="livemostrecent")
SHIPPER_BROKER_UP = Gauge("ascolto_shipper_broker_up", "1 when the shipper's last report says the broker "
                          "acknowledges its records, else 0 (broker away, or no shipper)",
                          multiprocess_mode="livemostrecent")
BACKLOG_BYTES = Gauge("ascolto_spool_backlog_bytes", "Bytes of the spool the broker has not acknowledged yet "
                      "(the shipper's last report, at most a few seconds old; kept while no shipper reports)",
                      multiprocess_mode="livemostrecent")

#: Set by the worker that serves ``/readyz`` or a scrape (collector.public.registry_up): a registry outage
#: keeps ``/readyz`` at 200 ("degraded", reason ``registry``: the registry is shared, pulling every pod
#: out helps nobody), so the on-call sees it here — for SQLite registries too, which have no breaker.
REGISTRY_UP = Gauge("ascolto_collector_registry_up", "1 when the registry answered the collector's last "
                    "readiness query (at most 2 s; /readyz or a scrape), else 0: submissions of services not "
                    "cached get 503 registry_unavailable", multiprocess_mode="livemostrecent")


def record_shipper(state: dict) -> None:
    """Set the shipper's gauges from its last report (``collector.shipper.read_state``: ``{}`` when none
    is fresh)."""
    SHIPPER_UP.set(1 if state else 0)
    SHIPPER_BROKER_UP.set(1 if state.get("broker") else 0)
    if state.get("backlog_bytes") is not None:
        BACKLOG_BYTES.set(state["backlog_bytes"])


def exposition(multiprocess_dir: str = "") -> tuple[bytes, str]:
    """The current samples in the Prometheus text format, and its content type; with
    ``multiprocess_dir`` (``Settings.prometheus_multiproc_dir``) those of every gunicorn worker."""
    if multiprocess_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
