"""The console's request body limit holds for chunked bodies too: over the limit is a 413, never a cut form.

``MAX_CONTENT_LENGTH`` (:data:`warehouse.console.MAX_BODY_BYTES`) makes werkzeug refuse a body whose
``Content-Length`` is over it before reading it. A body without one (``Transfer-Encoding: chunked``) is
read through ``LimitedStream(is_max=True)``, which stops at the limit *without saying so*: the form was
parsed from the first MiB and the request went on with a field cut short (a sign-in tried with part of
a token). :func:`refuse_cut_body` reads such a body first, up to the limit, and asks the server's stream
for one byte more: any byte means the body was longer, a 413. Only requests with a body and no
``Content-Length`` pay for the check; the form is then parsed from the body it read (werkzeug's cache).
The same rule as the collector's ``collector.body.read_body``, which the console may not import.
"""
from __future__ import annotations

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


def refuse_cut_body() -> None:
    """``before_request`` (before anything reads the form): raise :class:`RequestEntityTooLarge` for a
    body without ``Content-Length`` that is longer than the app's ``MAX_CONTENT_LENGTH``."""
    environ = request.environ
    if request.method in _NO_BODY or ("CONTENT_LENGTH" in environ and "HTTP_TRANSFER_ENCODING" not in environ):
        return
    limit = request.max_content_length
    data = request.get_data(cache=True)  # up to the limit; the form is parsed from these bytes
    if limit is not None and len(data) >= limit and request.content_length is None \
            and environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
