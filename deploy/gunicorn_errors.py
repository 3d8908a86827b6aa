"""Gunicorn's own refusals — a request it cannot parse, before any application sees it — answered in
the collector's JSON error shape (``{"error", "message", "fields"}``, :mod:`collector.errors`).

Gunicorn answers a request line longer than ``limit_request_line`` (414), too many or too long
header fields (431), a malformed request line, method, version or header (400), a chunked body
it cannot read (400), an ``Expect`` it does not meet (417) or a transfer coding it does not
implement (501) with an HTML page of its own: a client of an API that promises JSON errors
(a widget's ``fetch``, a back end's HTTP library) could not read which part of its request was
wrong. :class:`JsonErrors` answers those with the collector's shape instead, naming the part of
the request (``url``, ``headers``, ``method``, ...), readable from any page (``Access-Control-
Allow-Origin: *``: the answer is the same for every origin and grants nothing — no credential is
asked or accepted), never cached, ``nosniff``. It logs the problem without the client's address
(gunicorn's own line says ``ip=…``: no IP address is logged, DESIGN). Every other error (an
application's crash, a TLS or PROXY-protocol failure) is left to gunicorn.
"""
from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http import errors as h

#: exception → (status, reason phrase, error code, the request's part at fault). The first match wins:
#: gunicorn's response-header errors subclass its request-header ones, and are the application's (500).
_REFUSALS = (
    ((h.InvalidResponseHeader, h.InvalidResponseHeaderName), None),
    (h.LimitRequestLine, (414, "URI Too Long", "uri_too_long", "url")),
    (h.LimitRequestHeaders, (431, "Request Header Fields Too Large", "headers_too_large", "headers")),
    ((h.InvalidHeader, h.InvalidHeaderName, h.ObsoleteFolding), (400, "Bad Request", "malformed", "headers")),
    (h.InvalidRequestMethod, (400, "Bad Request", "malformed", "method")),
    (h.InvalidHTTPVersion, (400, "Bad Request", "malformed", "version")),
    (h.InvalidRequestLine, (400, "Bad Request", "malformed", "request_line")),
    ((h.InvalidChunkSize, h.ChunkMissingTerminator, h.InvalidChunkExtension), (400, "Bad Request", "malformed", "body")),
    (h.ExpectationFailed, (417, "Expectation Failed", "expectation_failed", "Expect")),
    (h.UnsupportedTransferCoding, (501, "Not Implemented", "not_implemented", "Transfer-Encoding")),
)

_MESSAGES = {
    "url": "The request line (method, URL, HTTP version) is longer than the server accepts: shorten the URL.",
    "headers": "The request's header fields are malformed, too many or too large.",
    "method": "The request method is not one HTTP allows.",
    "version": "The HTTP version is not one the server speaks.",
    "request_line": "The request line is not METHOD URL HTTP/1.1.",
    "body": "The chunked request body is malformed.",
    "Expect": "The server does not meet the request's Expect header.",
    "Transfer-Encoding": "The request's Transfer-Encoding is not one the server implements.",
}

#: what the client sent that gunicorn's words repeat, cut to this length in the answer
_DETAIL_MAX = 200


def refusal(exc: BaseException, cfg) -> tuple[int, str, dict] | None:
    """The status, reason phrase and JSON body of a request gunicorn refused with ``exc``; ``None``
    when ``exc`` is not a refusal of the client's request (gunicorn then answers as it does).
    ``cfg``: gunicorn's configuration, whose limits the 414 and 431 name."""
    for kinds, answer in _REFUSALS:
        if isinstance(exc, kinds):
            break
    else:
        return None
    if answer is None:
        return None
    status, reason, error, field = answer
    if isinstance(exc, h.LimitRequestLine):
        problem = (f"Longer than {cfg.limit_request_line} bytes (the limit of the request line): send the data "
                   "in a POST body, not in the query string.")
    elif isinstance(exc, h.LimitRequestHeaders):
        problem = (f"At most {cfg.limit_request_fields} header fields of at most {cfg.limit_request_field_size} "
                   f"bytes each: {str(exc)[:_DETAIL_MAX]}.")
    else:
        problem = str(exc)[:_DETAIL_MAX]
    return status, reason, {"error": error, "message": _MESSAGES[field], "fields": {field: [problem]}}


def answer(status: int, reason: str, body: dict) -> bytes:
    """The whole HTTP/1.1 answer (the connection is then closed: gunicorn cannot read on past a refusal)."""
    payload = json.dumps(body, ensure_ascii=True).encode("ascii")
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
            "Access-Control-Allow-Origin: *\r\n\r\n")
    return head.encode("ascii") + payload


class JsonErrors:
    """Mixin of a gunicorn worker class (before the worker in the bases): its refusals of requests
    it cannot parse are JSON in the collector's shape (:func:`refusal`)."""

    def handle_error(self, req, client, addr, exc) -> None:
        refused = refusal(exc, self.cfg)
        if refused is None:
            super().handle_error(req, client, addr, exc)
            return
        status, reason, body = refused
        # the part at fault, not what the client sent in it (a header's value may be anything)
        self.log.warning("Invalid request refused: %s %s (%s)", status, body["error"], ", ".join(body["fields"]))
        try:
            util.write_nonblock(client, answer(status, reason, body))
        except Exception:  # the client went away: nothing to tell it
            self.log.debug("Failed to send error message.")
