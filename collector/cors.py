"""CORS for the public JSON endpoints: browsers on any page may read the answers; whether an origin
may *submit* is decided per service (the intake's origin check), never by these headers."""
from __future__ import annotations

from flask import Response, request


def reflect_origin(resp: Response, *, methods: str, expose: str = "Retry-After") -> Response:
    """Echo the request's ``Origin`` (if any) with the allowed ``methods`` and the ``expose``d headers; Vary: Origin."""
    origin = request.environ.get("HTTP_ORIGIN")  # what request.headers.get("Origin") reads, without building the headers
    if origin:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Access-Control-Allow-Methods"] = methods
        resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
        resp.headers["Access-Control-Expose-Headers"] = expose
        resp.headers["Access-Control-Max-Age"] = "86400"
        resp.vary.add("Origin")
    return resp
