"""The JSON body of a submission request, parsed once per request and cached on ``flask.g``."""
from __future__ import annotations

import json

import orjson

from flask import g, request

from .errors import ApiError


def json_body() -> dict:
    """The request's JSON object; raises :class:`ApiError` 415 or 400 naming the problem."""
    if "ascolto_body" in g:
        return g.ascolto_body
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the submission as application/json.",
                       {"Content-Type": [f"Must be application/json, got {request.mimetype or 'none'!r}."]})
    try:
        data = request.get_data(cache=True)
        try:
            body = orjson.loads(data)
        except orjson.JSONDecodeError:  # the standard library decides (and words) what orjson refuses
            body = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "malformed", "The body is not valid JSON.", {"body": [str(exc)]}) from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed", "The body must be a JSON object.", {"body": ["Not an object."]})
    g.ascolto_body = body
    return body


def peek_service() -> str | None:
    """The ``service`` named by the body, or None when the body is unusable (the view will say why)."""
    try:
        service = json_body().get("service")
    except ApiError:
        return None
    return service if isinstance(service, str) else None
