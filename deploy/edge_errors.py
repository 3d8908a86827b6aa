"""The error backend of the Kubernetes edge: ingress-nginx's own answers in the API's JSON shape.

``deploy/nginx/ascolto-collector.conf`` answers whatever nginx answers itself (a body over 16 KB, a
collector that cannot be reached, a path that is not the API's) with the collector's JSON error
(``{"error", "message", "fields"}``) from its ``/.ascolto/`` locations. ingress-nginx cannot carry
such locations without snippet annotations, which current controllers refuse by default
(``allow-snippet-annotations: false``, ``annotations-risk-level``); it can, with annotations of the
lowest risk, send its own errors to a *default backend* Service (``custom-http-errors`` +
``default-backend``, ``deploy/k8s/ingress.yaml``). This WSGI app is that backend
(``ascolto edge-errors``, ``deploy/k8s/edge-errors.yaml``).

Contract, per request:

- ``X-Code`` (set by the controller: the status it was about to answer) 413 → 413 ``too_large``;
  502, 503, 504 → 503 ``unavailable`` with ``Retry-After: 30`` (the widget keeps the answer and
  retries); 404 → 404 ``not_found``; any other 4xx/5xx → that status, ``http_error``.
- no ``X-Code``: ``GET /healthz`` is the probe's 200; any other path is the Ingress's catch-all
  (``/``, everything that is not a public route of the collector) → 404 ``not_found``.
- every answer: ``application/json``, ``Access-Control-Allow-Origin: *`` (the same for every origin;
  grants nothing, the API takes no credentials), ``nosniff``, ``no-store``. The bodies are those of
  the nginx configuration's ``/.ascolto/`` locations (a test holds the two together).

It never reads the request body (the controller may forward the refused request's headers without
it) and never logs the client's address. The collector's own answers never come here
(``disable-proxy-intercept-errors``).
"""
from __future__ import annotations

import json

#: error code → (status, message, fields): the same words as the nginx configuration's /.ascolto/ locations
REFUSALS = {
    "not_found": (404, "Not Found",
                  {"path": ["No endpoint at this path; the endpoints are listed at /openapi.json."]}),
    "too_large": (413, "Request body exceeds the size limit.", {"body": ["Request body exceeds the size limit."]}),
    "unavailable": (503, "The collector cannot be reached; retry later.", {}),
}
#: the status the controller was about to answer → the refusal given instead
BY_CODE = {404: "not_found", 413: "too_large", 502: "unavailable", 503: "unavailable", 504: "unavailable"}
#: seconds a client is asked to wait while the collector cannot be reached (the nginx edge's Retry-After)
RETRY_AFTER_S = 30

_REASONS = {200: "OK", 404: "Not Found", 413: "Content Too Large", 503: "Service Unavailable"}
_COMMON = [("Content-Type", "application/json"), ("Access-Control-Allow-Origin", "*"),
           ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")]


def answer(code: str | None, path: str) -> tuple[int, dict, list[tuple[str, str]]]:
    """The status, JSON body and extra headers for a request the controller sent with ``X-Code: code``
    (``None``: no such header) for ``path``."""
    if code is None:
        if path == "/healthz":
            return 200, {"status": "ok"}, []
        error = "not_found"
    else:
        try:
            status = int(code.strip())
        except ValueError:
            status = 0
        error = BY_CODE.get(status)
        if error is None:
            status = status if 400 <= status <= 599 else 502
            return status, {"error": "http_error", "message": "The edge could not pass the request on.",
                            "fields": {}}, []
    status, message, fields = REFUSALS[error]
    extra = [("Retry-After", str(RETRY_AFTER_S)), ("Access-Control-Expose-Headers", "Retry-After")] \
        if error == "unavailable" else []
    return status, {"error": error, "message": message, "fields": fields}, extra


def app(environ, start_response):
    """The WSGI application (``gunicorn deploy.edge_errors:app``)."""
    status, body, extra = answer(environ.get("HTTP_X_CODE"), environ.get("PATH_INFO") or "/")
    payload = json.dumps(body).encode("ascii")
    start_response(f"{status} {_REASONS.get(status, 'Error')}",
                   [*_COMMON, *extra, ("Content-Length", str(len(payload)))])
    return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else payload]
