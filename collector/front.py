"""The JSON intake's front: a plain ``POST /v1/submissions`` answered without Flask's request machinery.

A bare Flask handler spends about as much of its worker's CPU in Flask and werkzeug (the request
context, routing, the request and response objects, the ``after_request`` hooks) as in everything
else it does (measured under the collector's gunicorn configuration: ~120 of ~270 µs per request,
issue 18). The front is WSGI middleware in front of the collector's Flask app that answers the
common case of its hot endpoint itself, with the intake's own functions:

* It takes a request only when everything about it is plain: ``POST`` to ``/v1/submissions``,
  ``Content-Type: application/json`` (parameters allowed), a ``Content-Length`` within
  ``MAX_CONTENT_LENGTH`` and no ``Transfer-Encoding``, and a body orjson reads as a JSON object
  with at most :data:`collector.body.MAX_DEPTH` brackets. Any other request goes to Flask as it
  came (a body already read is given back), before anything was counted: Flask's view words what
  is wrong with it.
* It then runs :func:`collector.intake.admit` and :func:`collector.intake.take` in an app context:
  the same rules, limits, metrics and durability as the view. Success is the 202 here, with the
  headers Flask's answer has (the intake's CORS, ``X-Content-Type-Options``). Any refusal or
  error is handed to Flask (``environ[intake.REFUSED]``), whose view raises it: the app's error
  handlers answer it with the same words, headers and metrics as every refusal — the only copy of
  the endpoint here is its 202.

``tests/test_collector_front.py`` proves the two paths answer alike.
"""
from __future__ import annotations

import io

import orjson
from flask import Flask

from . import intake
from .body import MAX_DEPTH
from .cors import allow_origin

_PATH, _METHOD = "/v1/submissions", "POST"
_NOSNIFF = ("X-Content-Type-Options", "nosniff")
_JSON = ("Content-Type", "application/json")


class SubmissionFront:
    """``app``'s WSGI callable with the front before ``flask_wsgi`` (``app.wsgi_app`` as it was)."""

    def __init__(self, app: Flask, flask_wsgi):
        self.app = app
        self.flask_wsgi = flask_wsgi

    def __call__(self, environ: dict, start_response):
        if environ.get("PATH_INFO") != _PATH or environ.get("REQUEST_METHOD") != _METHOD:
            return self.flask_wsgi(environ, start_response)
        body = self._plain_body(environ)
        if body is None:
            return self.flask_wsgi(environ, start_response)
        extensions = self.app.extensions
        admitted = False
        try:
            with self.app.app_context():
                backend = intake.admit(extensions, environ)
                admitted = True
                sid = intake.take(extensions, environ, body, backend)
        except Exception as exc:  # noqa: BLE001 — every refusal and failure is answered by Flask's handlers
            environ[intake.REFUSED] = intake.Refused(exc, body if admitted else None)
            return self.flask_wsgi(environ, start_response)
        payload = intake.accepted(sid)
        origin = environ.get("HTTP_ORIGIN")
        headers = [_JSON, ("Content-Length", str(len(payload))), *allow_origin(origin, **intake.CORS)]
        if origin:
            headers.append(("Vary", "Origin"))
        headers.append(_NOSNIFF)
        start_response("202 ACCEPTED", headers)
        return [payload]

    def _plain_body(self, environ: dict) -> dict | None:
        """The request's JSON object when the front may take it, else ``None`` (the body, if read,
        put back for Flask).

        Read as werkzeug reads it, so that the front never takes what Flask's view would refuse:
        the type's value stripped of spaces and tabs only (``parse_options_header``; ``str.strip``
        also drops NBSP, NEL and the like, which gunicorn passes and werkzeug keeps: a 415); a
        ``Content-Length`` of more digits than the limit is not plain (``int`` refuses over 4300
        digits: a 500 here, a 0 for werkzeug). A read the client broke off (a reset mid-body) is
        Flask's too: the stream given back raises the same error there, werkzeug's 400, counted
        against the client and as a refusal like any other."""
        if environ.get("CONTENT_TYPE", "").partition(";")[0].strip(" \t").lower() != "application/json" \
                or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        length = environ.get("CONTENT_LENGTH", "")
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if not length.isascii() or not length.isdigit() or limit is None or len(length) > len(str(limit)) \
                or not 0 < int(length) <= limit:
            return None
        try:
            data = environ["wsgi.input"].read(int(length))
        except OSError as exc:
            environ["wsgi.input"] = _Broken(exc)
            return None
        try:
            body = orjson.loads(data) if len(data) == int(length) else None
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict) or data.count(b"{") + data.count(b"[") > MAX_DEPTH:
            environ["wsgi.input"] = io.BytesIO(data)
            return None
        return body


class _Broken(io.RawIOBase):
    """The stream the front gives Flask after its read of the body failed: every read raises that error."""

    def __init__(self, error: OSError):
        self.error = error

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        raise self.error
