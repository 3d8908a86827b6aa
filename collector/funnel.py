"""``POST /v1/funnel``: the widget's anonymous counts of impressions, starts and submissions (issue 14 §5).

Same checks as a submission: JSON only, the rate limits (per client and per service), a known and
active service, the page's ``Origin`` among the service's allowed origins — and here the ``Origin``
is required: only the widget, in a browser on the service's pages, counts page views (a back end
has no views to report, and a request without ``Origin`` could come from anyone). Each count is 0
or 1 (:data:`questionnaires.funnel.MAX_COUNT`). A report becomes an
``ascolto.funnel/1`` envelope (:mod:`questionnaires.funnel`) made durable like a submission (the
same topic and durability path) before the 202. Nothing identifies the citizen: no cookie, no
page, no user agent; the IP address is only used in memory by the rate limiter.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import ValidationError

from questionnaires.funnel import FunnelReportSchema, make_funnel_envelope

from .body import json_body
from .cors import how_to_allow, not_allowed, reflect_origin
from .durable import Unavailable
from .errors import ApiError, field_errors, name_unknown
from .intake import BACKFILL_CLOCK, _service

bp = Blueprint("funnel", __name__)
_schema = FunnelReportSchema()


@bp.post("/v1/funnel")
def report():
    limits = current_app.extensions["ascolto.limits"]
    limits.check_client()
    body = json_body()
    limits.check_service(body.get("service"))
    try:
        rep = _schema.load(body)
    except ValidationError as exc:
        raise ApiError(400, "malformed", "The report does not follow the API.",
                       name_unknown(field_errors(exc.messages), list(_schema.fields), "A funnel report")) from None
    cfg = _service(rep["service"])
    origin = request.headers.get("Origin")
    if not origin:
        raise ApiError(403, "origin_not_allowed", "Funnel reports are accepted only from the service's pages.",
                       {"Origin": ["Required: the page's origin, among the service's allowed origins."]})
    if origin not in cfg.allowed_origins:
        raise ApiError(403, "origin_not_allowed", f"Origin {origin!r} may not report for service {cfg.key!r}. "
                       + how_to_allow(origin, cfg.key, current_app.config["ASCOLTO_SETTINGS"].registry_ttl_s),
                       {"Origin": not_allowed(origin)})
    if cfg.test_mode:  # views of a service in test mode are check-ups: never counted (issue 19)
        return jsonify({"status": "accepted"}), 202
    settings = current_app.config["ASCOLTO_SETTINGS"]
    clock = current_app.extensions.get(BACKFILL_CLOCK)
    env = make_funnel_envelope(rep, collector=settings.collector_id, received_at=clock() if clock else None)
    value = json.dumps(env, separators=(",", ":")).encode("utf-8")
    try:
        current_app.extensions["ascolto.durability"].submit(cfg.key, value)
    except Unavailable:
        raise ApiError(503, "unavailable", "The report could not be stored; retry later.",
                       headers={"Retry-After": "30"}) from None
    return jsonify({"status": "accepted"}), 202


@bp.after_request
def _cors(resp: Response) -> Response:
    return reflect_origin(resp, methods="POST, OPTIONS")
