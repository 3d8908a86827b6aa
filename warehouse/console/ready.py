"""The console's readiness (``GET /readyz``): can it serve figures now?

Two checks, each as cheap as the least a page does:

- ``registry``: the registry database answers a one-row query on its ``entity`` table (the schema is
  there, the connection works);
- ``dataset``: the data directory can be listed, and the warehouse's reader — the same
  :class:`warehouse.dataset.Warehouse` every page reads through, with its freshness check — reads the
  first row of the rollup's files (``SELECT 1 … LIMIT 1``; no cut is computed).

The registry check is bounded to :data:`REGISTRY_CHECK_S` seconds (:func:`registry.deadline.capped`), not
the 35 s a page may wait, and answers at once while the registry's circuit breaker is open
(:mod:`registry.breaker`: a call failed moments ago): a probe never holds a thread for long.

200 ``{"status": "ready", "checks": {"registry": "ok", "dataset": "ok"}}`` when both pass; else 503
with ``"status": "unavailable"`` and the failing check(s) ``"unavailable"``. Probes are not signed in,
so the answer holds statuses only: no counts, no paths, no error text (the reason is logged).

``GET /metrics`` (no sign-in either, for Prometheus): the registry circuit breaker's metrics
(:mod:`registry.breaker_metrics`), summed over the gunicorn workers like the collector's, and
``ascolto_console_registry_up`` (:data:`REGISTRY_UP`), which the registry check of ``/readyz`` and each
scrape set — the collector's ``ascolto_collector_registry_up`` for the console, and the only registry
signal of a SQLite registry (no breaker). Unlike the collector's (``degraded``, still 200: it can still
take the submissions of cached services), the console's ``/readyz`` stays 503 without the registry:
every signed-in page and API call needs it (tokens, sessions, the workspace) and answers 503
``registry_unavailable`` anyway.
"""
from __future__ import annotations

import logging
import os
from typing import Callable

from flask import Flask, jsonify
from prometheus_client import Gauge

from registry.errors import NOT_MIGRATED, unmigrated
from registry.probe import ping

log = logging.getLogger("ascolto.console")


#: seconds the registry check may wait for the registry (connecting and its one query, each)
REGISTRY_CHECK_S = 2.0

#: Set by the worker that serves ``/readyz`` or a scrape: the newest reading of a live worker
REGISTRY_UP = Gauge("ascolto_console_registry_up", "1 when the registry answered the console's last readiness "
                    "query (at most 2 s; /readyz or a scrape), else 0: sign-ins, pages and API calls get 503 "
                    "registry_unavailable", multiprocess_mode="livemostrecent")


def _registry(app: Flask) -> None:
    ping(app.config["ASCOLTO_REGISTRY"], REGISTRY_CHECK_S)


def _dataset(app: Flask) -> None:
    settings = app.config["ASCOLTO_SETTINGS"]
    with os.scandir(settings.data_dir) as entries:
        next(entries, None)
    app.config["ASCOLTO_WAREHOUSE"]().cursor().execute("SELECT 1 FROM rollup_daily LIMIT 1").fetchall()


CHECKS: dict[str, Callable[[Flask], None]] = {"registry": _registry, "dataset": _dataset}


def _run(app: Flask, name: str) -> str:
    """``"ok"`` or ``"unavailable"`` of the check ``name``; a failure's reason goes to the log, not to the
    answer (a registry nobody migrated: :data:`registry.errors.NOT_MIGRATED`, naming the command that
    fixes it). The registry's sets :data:`REGISTRY_UP`."""
    try:
        CHECKS[name](app)
        out = "ok"
    except Exception as exc:  # noqa: BLE001 — any failure means "not ready", whatever raised it
        log.warning("console not ready: %s check failed: %s", name, NOT_MIGRATED if unmigrated(exc) else repr(exc))
        out = "unavailable"
    if name == "registry":
        REGISTRY_UP.set(1 if out == "ok" else 0)
    return out


def checks(app: Flask) -> dict[str, str]:
    """``{check: "ok" | "unavailable"}`` (:func:`_run`)."""
    return {name: _run(app, name) for name in CHECKS}


def register(app: Flask) -> None:
    @app.get("/readyz")
    def readyz():
        result = checks(app)
        ready = all(v == "ok" for v in result.values())
        resp = jsonify({"status": "ready" if ready else "unavailable", "checks": result})
        resp.headers["Cache-Control"] = "no-store"
        return resp, 200 if ready else 503

    @app.get("/metrics")
    def metrics():
        from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

        _run(app, "registry")  # ascolto_console_registry_up as of this scrape (at most 2 s; at once if the breaker is open)
        registry = REGISTRY
        if app.config["ASCOLTO_SETTINGS"].prometheus_multiproc_dir:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
