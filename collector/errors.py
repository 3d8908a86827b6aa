"""The JSON error shape of the public API: ``{"error", "message", "fields"}`` (DESIGN §4)."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, jsonify, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from registry.checks import SERVICE_KEY
from registry.errors import NOT_MIGRATED, RETRY_AFTER_S, UNREACHABLE, first_line, unmigrated

from . import metrics
from .cors import unrouted, unrouted_preflight


class ApiError(Exception):
    """An error answered to the client; ``fields`` maps each offending field to its problems."""

    def __init__(self, status: int, error: str, message: str, fields: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.fields = fields or {}
        self.headers = headers or {}
        self.counted = False  # already counted in the metrics where it was raised


def too_large(limit: int) -> ApiError:
    """The 413 of a body over ``limit`` bytes: the same words whether it came with a
    ``Content-Length`` (werkzeug refuses it) or chunked (:func:`collector.body.read_body`)."""
    return ApiError(413, "too_large", f"The request body is larger than the limit of {limit} bytes.",
                    {"body": [f"Larger than the limit of {limit} bytes."]})


def field_errors(messages: Any, path: str = "") -> dict[str, list[str]]:
    """marshmallow's nested ``ValidationError.messages`` as the flat ``fields`` of an answer: one
    dotted name per offending field, as the rest of the API names them (``answers.satisfaction``,
    ``context.fill_ms``), each with its problems.

    A ``Dict`` field's entry ``{"context": {"page": {"value": [...]}}}`` becomes
    ``{"context.page": [...]}``; an entry whose *name* is wrong (``{"key": [...]}``) says so
    ("The name: …"); a list item's errors are ``field[0]``."""
    if isinstance(messages, list):
        return {path or "body": [str(m) for m in messages]}
    if not isinstance(messages, dict):
        return {path or "body": [str(messages)]}
    if path and messages and set(messages) <= {"key", "value"} \
            and all(isinstance(v, list) for v in messages.values()):  # one entry of a Dict field
        return {path: [f"The name: {m}" for m in messages.get("key", [])] + [str(m) for m in messages.get("value", [])]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        sub = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
        for name, problems in field_errors(value, sub).items():
            out.setdefault(name, []).extend(problems)
    return out


#: what a back end sending its own timestamp reads (the envelope's received_at is the collector's)
_RECEIVED_AT = ("Unknown field: the collector records when it receives the submission (it decides the period); "
                "answers of earlier dates are loaded by an operator with python -m collector.backfill.")


def name_unknown(fields: dict[str, list[str]], known: list[str], what: str) -> dict[str, list[str]]:
    """``fields`` (a refusal's) with each top-level name the schema does not know told the nearest known
    name (a misspelling) and every name ``what`` (``"A submission"``) has, instead of "Unknown field."."""
    from questionnaires.validation import UNKNOWN as UNKNOWN_FIELD, did_you_mean

    for name, problems in fields.items():
        if problems != [UNKNOWN_FIELD] or "." in name or "[" in name:
            continue
        if name == "received_at":
            fields[name] = [_RECEIVED_AT]
            continue
        fields[name] = [f"Unknown field{did_you_mean(name, known)} {what} has: {', '.join(known)}."]
    return fields


def name_double_encoded(fields: dict[str, list[str]], body: dict) -> dict[str, list[str]]:
    """``fields`` with an object field sent as a string holding JSON (a back end that serialised its
    ``answers`` before serialising the body) told so, instead of marshmallow's "Not a valid mapping type."."""
    import json

    for name, problems in fields.items():
        value = body.get(name) if "." not in name else None
        if problems == ["Not a valid mapping type."] and isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                continue
            if isinstance(decoded, dict):
                fields[name] = [f"A string holding JSON: send {name} as an object itself, not encoded as text."]
    return fields


def service_label(service: object) -> str:
    """The ``service`` label of a refusal: ``service`` when it is the key of a registered service (the
    collector's cached directory), else :data:`collector.metrics.UNKNOWN_SERVICE` — the label's values
    are bounded by the registry, whatever keys are posted."""
    if isinstance(service, str) and SERVICE_KEY.fullmatch(service) \
            and current_app.extensions["ascolto.services"].get(service) is not None:
        return service
    return metrics.UNKNOWN_SERVICE


#: :func:`count_refusal`'s default: the service the current request named
FROM_REQUEST = object()


def count_refusal(reason: str, service: object = FROM_REQUEST) -> None:
    """Count one refused request by ``reason`` (its error code) and service (:func:`service_label`).
    ``service`` defaults to what the request named: its JSON body's, once read
    (:func:`collector.body.json_body` keeps it in ``g``), else the URL's ``<key>``; given (``None``
    included: a body naming none), it needs no request context."""
    if service is FROM_REQUEST:
        body = g.get("ascolto_body")
        service = body.get("service") if isinstance(body, dict) else (request.view_args or {}).get("key")
    metrics.count_rejected(reason, service_label(service))


def error_response(status: int, error: str, message: str, fields: dict | None = None,
                   headers: dict | None = None):
    resp = jsonify({"error": error, "message": message, "fields": fields or {}})
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


#: What a request meets while the registry's database cannot be reached or did not answer
#: (:data:`registry.errors.UNREACHABLE`). Not a fault of the submission, nor of this code: the client
#: is told to retry (503 ``registry_unavailable``, ``Retry-After``; the widget keeps the answer and
#: retries), the refusal is counted, and the log has one line per request, not a traceback.
RegistryUnreachable = UNREACHABLE
#: seconds a client is asked to wait before retrying while the registry is unreachable
REGISTRY_RETRY_AFTER_S = RETRY_AFTER_S


_HTTP_CODES = {
    400: ("malformed", {}), 404: ("not_found", {}), 405: ("method_not_allowed", {}),
    429: ("rate_limited", {"request": ["Too many requests; retry after the time in Retry-After."]}),
    413: ("too_large", {"body": ["Request body exceeds the size limit."]}),
    415: ("unsupported_media_type", {"Content-Type": ["Must be application/json."]}),
}


_METHOD_ORDER = {m: i for i, m in enumerate(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))}


def register_error_handlers(app: Flask) -> None:
    """Answer every error, expected or not, with the JSON shape; never an HTML page."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        if not exc.counted:
            count_refusal(exc.error)
        return error_response(exc.status, exc.error, exc.message, exc.fields, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code == 413 and app.config.get("MAX_CONTENT_LENGTH"):
            return _api_error(too_large(app.config["MAX_CONTENT_LENGTH"]))
        unrouted_answer = request.url_rule is None and exc.code in (404, 405)  # routing failed: no blueprint adds CORS
        if unrouted_answer and exc.code == 404 and request.method == "OPTIONS" \
                and request.environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):  # a page's preflight: not a refusal
            return unrouted_preflight(error_response(204, "", ""))
        code, fields = _HTTP_CODES.get(exc.code or 500, ("http_error", {}))
        count_refusal(code)
        if exc.code == 404 and request.url_rule is None:  # no such endpoint: say which path, and where the list is
            fields = {"path": [f"No endpoint {request.path!r} in this API; its endpoints are listed at /openapi.json."]}
        headers = {}
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            headers["Allow"] = ", ".join(sorted(allowed, key=lambda m: _METHOD_ORDER.get(m, 99)))  # werkzeug's: a set's order
            fields = {"method": [f"{request.method} is not allowed here; allowed: {headers['Allow']}."]}
        resp = error_response(exc.code or 500, code, exc.description or exc.name, fields, headers)
        return unrouted(resp, headers.get("Allow")) if unrouted_answer else resp

    def _registry_unreachable(exc: Exception):
        # one line, no traceback: during an outage every uncached lookup lands here
        if isinstance(exc, sa_exc.ProgrammingError) and not unmigrated(exc):
            return _unexpected(exc)
        app.logger.warning("registry unreachable, answering 503 registry_unavailable: %s",
                           NOT_MIGRATED if unmigrated(exc) else first_line(exc))
        metrics.count_rejected("registry_unavailable", metrics.UNKNOWN_SERVICE)  # no lookup: it would fail too
        message = "The service registry cannot be reached; retry later."
        refusal = ApiError(503, "registry_unavailable", message, {"registry": [message]},  # as the console names it
                           headers={"Retry-After": str(REGISTRY_RETRY_AFTER_S)})
        refusal.counted = True
        return app.handle_user_exception(refusal)  # JSON, or the no-JS form's page (its blueprint's handler)

    for cls in (*RegistryUnreachable, sa_exc.ProgrammingError):  # the latter: only a registry not migrated
        app.register_error_handler(cls, _registry_unreachable)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        # a 5xx the alerts see (deploy/prometheus/alerts.yml), not only the log; no lookup: it may be what failed
        metrics.count_rejected("internal", metrics.UNKNOWN_SERVICE)
        return error_response(500, "internal", "Internal error; the submission was not accepted.")

