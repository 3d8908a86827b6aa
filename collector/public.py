"""``GET /widget.js``, health, readiness, metrics and the OpenAPI description.

None of these counts against a client's read budget (``ASCOLTO_RATE_LIMIT_GET``, :mod:`collector.ratelimit`):
``widget.js`` and ``/openapi.json`` are constant bytes, with their ETag, computed once per process and
cached by browsers (a request costs what the framework's floor does: docs/operations.md, Collector), and every PA
page loads ``widget.js`` (a large network behind one address must never lose the widget); ``/healthz``,
``/readyz`` and ``/metrics`` are the probes' and Prometheus's (the edge serves no ``/readyz`` nor ``/metrics``).
"""
from __future__ import annotations

import hashlib
import re
from importlib import resources

from flask import Blueprint, Response, current_app, jsonify, request

from registry.errors import NOT_MIGRATED, unmigrated
from registry.probe import ping

from . import metrics
from .openapi import openapi_spec
from .shipper import read_state

bp = Blueprint("public", __name__)

#: a line holding nothing but a comment (which may run over several lines): up to its first ``*/``
_COMMENT_LINES = re.compile(r"^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n", re.S | re.M)


def served_widget(source: str) -> bytes:
    """``widget.js`` as served: the source without the comments that stand on lines of their own,
    but the first (what the widget is, and its one tag: for whoever opens the file).

    They document the source and weigh a quarter of the gzipped download, which DESIGN §4 keeps
    under 15 KB (``tests/test_widget.py`` checks the served bytes). Nothing else changes: a line
    with code on it is kept whole, comments included, so no string is ever touched (the source has
    no template literal nor line-continued string in which a line could begin with ``/*``)."""
    head, _, rest = source.partition("*/\n")
    return (head + "*/\n" + _COMMENT_LINES.sub("", rest)).encode("utf-8") if rest else source.encode("utf-8")


_WIDGET = served_widget(resources.files("collector").joinpath("static", "widget.js").read_text("utf-8"))
_WIDGET_ETAG = hashlib.sha1(_WIDGET).hexdigest()  # what Response.add_etag made of it on every request
#: ``/openapi.json`` as first served (the bytes, their ETag): the description never changes in a process
_OPENAPI: list = []


@bp.get("/widget.js")
def widget():
    resp = Response(_WIDGET, mimetype="application/javascript")
    resp.set_etag(_WIDGET_ETAG)
    resp.cache_control.public = True
    resp.cache_control.max_age = 3600
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp.make_conditional(request)


@bp.get("/healthz")
def healthz():
    """The process is alive."""
    return jsonify({"status": "ok"})


def registry_up() -> bool:
    """Whether the registry answers a one-row query now (:func:`registry.probe.ping`: at most 2 s, at once
    while the breaker is open); sets ``ascolto_collector_registry_up``; a failure's reason is logged."""
    try:
        ping(current_app.extensions["ascolto.registry"])
        up = True
    except Exception as exc:  # noqa: BLE001 — any failure means the registry cannot be read now
        current_app.logger.warning("collector degraded: registry check failed: %s",
                                   NOT_MIGRATED if unmigrated(exc) else repr(exc))
        up = False
    metrics.REGISTRY_UP.set(1 if up else 0)
    return up


@bp.get("/readyz")
def readyz():
    """200 ``ready`` (the shipper reaches the broker and the registry answers) or ``degraded`` with its
    ``reasons`` — ``broker`` (submissions are kept in the spool: broker away), ``shipper`` (none running),
    ``registry`` (the registry does not answer: submissions of services not in the 30 s cache get 503
    ``registry_unavailable``); 503 ``unavailable`` when the spool is full.

    A registry outage is 200 on purpose: the registry is shared, so pulling every collector out of the
    load balancer would only turn its 503s into the edge's; the on-call sees it here, in
    ``ascolto_collector_registry_up`` and in the ``AscoltoCollectorRegistryDown`` alert
    (docs/operations.md, Health). Statuses only, no error text (the reason is logged)."""
    spool = current_app.extensions["ascolto.durability"].spool
    state = read_state(spool.dir)
    room = spool.refresh_size() < spool.max_bytes
    registry = registry_up()
    reasons = [name for name, ok in (("shipper", bool(state)), ("broker", bool(state.get("broker"))),
                                     ("registry", registry)) if not ok]
    status = "unavailable" if not room else "degraded" if reasons else "ready"
    body = {"status": status, "reasons": reasons if room else ["spool_full", *reasons],
            "broker": bool(state.get("broker")), "shipper": bool(state), "registry": registry,
            "backlog_bytes": state.get("backlog_bytes"), "spool_bytes": spool.size,
            "spool_max_bytes": spool.max_bytes}
    resp = jsonify(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp, 200 if room else 503


@bp.get("/metrics")
def prometheus():
    spool = current_app.extensions["ascolto.durability"].spool
    metrics.SPOOL_BYTES.set(spool.refresh_size())
    metrics.record_shipper(read_state(spool.dir))
    registry_up()
    data, content_type = metrics.exposition(current_app.config["ASCOLTO_SETTINGS"].prometheus_multiproc_dir)
    return Response(data, content_type=content_type)


@bp.get("/openapi.json")
def openapi():
    """The API's description: serialized once, then served with its ETag (304 to ``If-None-Match``)."""
    if not _OPENAPI:
        data = jsonify(openapi_spec()).get_data()
        _OPENAPI[:] = [data, hashlib.sha1(data).hexdigest()]
    resp = Response(_OPENAPI[0], mimetype="application/json")
    resp.set_etag(_OPENAPI[1])
    resp.cache_control.public = True
    resp.cache_control.max_age = 300
    return resp.make_conditional(request)
