"""``GET /widget.js``, health, readiness, metrics and the OpenAPI description."""
from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response, current_app, jsonify, request

from . import metrics
from .openapi import openapi_spec
from .shipper import read_state

bp = Blueprint("public", __name__)
_WIDGET = resources.files("collector").joinpath("static", "widget.js").read_bytes()


@bp.get("/widget.js")
def widget():
    resp = Response(_WIDGET, mimetype="application/javascript")
    resp.add_etag()
    resp.cache_control.public = True
    resp.cache_control.max_age = 3600
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp.make_conditional(request)


@bp.get("/healthz")
def healthz():
    """The process is alive."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 ``ready`` (the shipper reaches the broker) or ``degraded`` (submissions are kept in the
    spool: broker away or no shipper running); 503 ``unavailable`` when the spool is full."""
    spool = current_app.extensions["ascolto.durability"].spool
    state = read_state(spool.dir)
    room = spool.refresh_size() < spool.max_bytes
    status = "ready" if state.get("broker") else "degraded"
    if not room:
        status = "unavailable"
    body = {"status": status, "broker": bool(state.get("broker")), "shipper": bool(state),
            "backlog_bytes": state.get("backlog_bytes"), "spool_bytes": spool.size,
            "spool_max_bytes": spool.max_bytes}
    return jsonify(body), 200 if room else 503


@bp.get("/metrics")
def prometheus():
    spool = current_app.extensions["ascolto.durability"].spool
    metrics.SPOOL_BYTES.set(spool.refresh_size())
    metrics.record_shipper(read_state(spool.dir))
    data, content_type = metrics.exposition(current_app.config["ASCOLTO_SETTINGS"].prometheus_multiproc_dir)
    return Response(data, content_type=content_type)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_spec())
