"""The JSON body of a submission request, parsed once per request and cached on ``flask.g``.

What the client sends is made safe to handle before anything else reads it: nesting deeper than
:data:`MAX_DEPTH` is a 400 naming the top-level field (the parser's own recursion would be a 500),
and lone UTF-16 surrogates (``"\\ud800"``, valid JSON but not encodable as UTF-8) are replaced by
U+FFFD, so a comment carrying one is accepted instead of failing later when it is produced. A body
larger than the limit is a 413 naming it, whether it came with a ``Content-Length`` (werkzeug) or
chunked (:func:`read_body`).
"""
from __future__ import annotations

import json
import re
from typing import Any

import orjson

from flask import g, request

from .errors import ApiError, too_large

#: A submission is at most 3 levels deep (body → answers → a multi answer's list); 8 leaves room.
MAX_DEPTH = 8
_SURROGATE = re.compile("[\ud800-\udfff]")


class _TooDeep(Exception):
    def __init__(self, field: str):
        self.field = field


def _clean(value: Any, depth: int, field: str) -> Any:
    """``value`` with lone surrogates replaced in every string (keys too); raises :class:`_TooDeep`."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, (dict, list)):
        if depth >= MAX_DEPTH:
            raise _TooDeep(field)
        if isinstance(value, dict):
            return {_clean(k, depth, field): _clean(v, depth + 1, field) for k, v in value.items()}
        return [_clean(v, depth + 1, field) for v in value]
    return value


def _parse_int(digits: str) -> int | float:
    """A JSON integer; NaN when it has more digits than Python converts (``sys.get_int_max_str_digits``,
    4300 by default). Its ``ValueError`` would be the 400's message, naming no field and telling
    the client about Python ("use sys.set_int_max_str_digits()"). NaN is never a valid value of any
    field, so the field holding it is refused with its own words ("Not a valid integer.")."""
    try:
        return int(digits)
    except ValueError:
        return _NAN


_NAN = float("nan")


def _check_depth(value: Any, depth: int, field: str) -> None:
    """:func:`_clean`'s depth check alone, for a body orjson read (orjson refuses lone surrogates,
    so its strings need no cleaning); raises :class:`_TooDeep`."""
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise _TooDeep(field)
        for v in value.values():
            if isinstance(v, (dict, list)):
                _check_depth(v, depth + 1, field)
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            raise _TooDeep(field)
        for v in value:
            if isinstance(v, (dict, list)):
                _check_depth(v, depth + 1, field)


def read_body(req) -> bytes:
    """The whole request body; raises :func:`too_large` when it is over ``MAX_CONTENT_LENGTH``.

    A body with a ``Content-Length`` over the limit is refused by werkzeug before it is read. One
    without (``Transfer-Encoding: chunked``) is read through ``LimitedStream(is_max=True)``, which
    stops at the limit *without saying so*: the body would be silently cut (a 400 "Unterminated
    string" at best, a shortened comment at worst). So when a chunked body fills the limit exactly,
    one more byte is asked of the server's stream (terminated, or werkzeug would not have read it
    at all): any byte means the body was cut. Only such bodies pay for the check."""
    data = req.get_data(cache=True)
    environ = req.environ
    if "HTTP_TRANSFER_ENCODING" in environ or "CONTENT_LENGTH" not in environ:  # two dict lookups (issue 18)
        limit = req.max_content_length
        # werkzeug's own test (chunked, or no Content-Length): a stream read up to the limit
        if limit is not None and len(data) >= limit and req.content_length is None \
                and environ["wsgi.input"].read(1):
            raise too_large(limit)
    return data


def _refuse_compressed(req) -> None:
    """A 415 naming ``Content-Encoding`` when the unreadable body was sent compressed (a back end's
    HTTP client compressing its requests: ``gzip``, ``br``): the collector reads JSON as sent, and
    "byte 0x8b is not UTF-8" would not tell why. Asked only of a body that failed to parse."""
    coding = req.environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if coding and coding != "identity":
        raise ApiError(415, "unsupported_media_type", "Send the body uncompressed.",
                       {"Content-Encoding": [f"Not supported: {coding[:40]!r}; send the JSON as it is, "
                                             "without Content-Encoding."]})


def json_body(req=None) -> dict:
    """The request's JSON object; raises :class:`ApiError` 415 or 400 naming the problem.

    ``req``: the current request object when the caller already holds it (saves proxy lookups)."""
    ctx_g = g._get_current_object()
    if "ascolto_body" in ctx_g:
        return ctx_g.ascolto_body
    if req is None:
        req = request._get_current_object()
    if req.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.",
                       {"Content-Type": [f"Must be application/json, got {req.mimetype or 'none'!r}."]})
    try:
        data = read_body(req)
        try:
            body, clean = orjson.loads(data), True
        except orjson.JSONDecodeError:  # the standard library decides (and words) what orjson refuses
            body, clean = json.loads(data, parse_int=_parse_int), False
    except UnicodeDecodeError as exc:  # e.g. a back end sending Latin-1: JSON is UTF-8 (RFC 8259)
        _refuse_compressed(req)
        raise ApiError(400, "malformed", "The body is not UTF-8: encode the JSON in UTF-8.",
                       {"body": [f"Byte 0x{exc.object[exc.start]:02x} at offset {exc.start} is not UTF-8."]}) from None
    except ValueError as exc:
        _refuse_compressed(req)
        raise ApiError(400, "malformed", "The body is not valid JSON.", {"body": [str(exc)]}) from None
    except RecursionError:
        raise ApiError(400, "malformed", "The body is nested too deeply.",
                       {"body": [f"Nested deeper than {MAX_DEPTH} levels."]}) from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed", "The body must be a JSON object.", {"body": [_not_an_object(body)]})
    try:
        if clean:
            # A container at depth MAX_DEPTH has MAX_DEPTH containers around it: a body with at most
            # MAX_DEPTH opening brackets (those inside strings counted too) cannot reach it, so the
            # walk is skipped for it (a submission has 3 or 4; issue 18).
            if data.count(b"{") + data.count(b"[") > MAX_DEPTH:
                for k, v in body.items():
                    if isinstance(v, (dict, list)):
                        _check_depth(v, 1, k)
        else:
            body = {_clean(k, 1, "body"): _clean(v, 1, _clean(k, 1, "body")) for k, v in body.items()}
    except _TooDeep as exc:
        raise ApiError(400, "malformed", f"{exc.field} is nested too deeply.",
                       {exc.field: [f"Nested deeper than {MAX_DEPTH} levels."]}) from None
    ctx_g.ascolto_body = body
    return body


def _not_an_object(body: Any) -> str:
    """What a body that is valid JSON but no object is, for its sender: a list (a back end's batch) is
    told to post each item on its own."""
    if isinstance(body, list):
        return f"A list of {len(body)}: the API takes one object per request; post each on its own."
    if isinstance(body, str) and body.lstrip().startswith("{"):
        try:
            if isinstance(json.loads(body), dict):
                return "A string holding a JSON object: the body was encoded twice; send the object itself."
        except ValueError:
            pass
    kind = ("null" if body is None else "true/false" if isinstance(body, bool) else "a string" if isinstance(body, str)
            else "a number")
    return f"Not an object: {kind}."
