"""``GET /widget.js`` and ``GET /healthz``."""
from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response, current_app, jsonify, request

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
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    ok = current_app.extensions["ascolto.producer"].ready()
    return jsonify({"status": "ready" if ok else "unavailable", "broker": ok}), 200 if ok else 503
