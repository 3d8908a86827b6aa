"""Which origin a no-JavaScript form post stands for (issue 11.8): ``Origin: null`` is not trusted.

A form rendered in a frame records, in its signed token, the allowed site that framed it
(:func:`framing_origin`, at render time); a post is then judged by :func:`effective_origin`, whose
answer :func:`collector.intake.accept_submission` checks against the service's allowed origins.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import request


def framing_origin(cfg) -> str:
    """The allowed origin of the page framing this render, or "".

    A browser loading the form in an ``<iframe>`` says so (``Sec-Fetch-Dest: iframe``) and names the
    embedding page in ``Referer`` (its origin at least, under the default referrer policy). Only an
    origin among the service's allowed origins counts: it is what lets a sandboxed frame of that
    site, whose posts carry ``Origin: null``, submit the form (see :func:`effective_origin`).
    """
    if request.headers.get("Sec-Fetch-Dest", "iframe") not in ("iframe", "frame"):
        return ""
    parts = urlsplit(request.headers.get("Referer", ""))
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return origin if origin in cfg.allowed_origins else ""


def effective_origin(data: Mapping[str, Any]) -> str | None:
    """The origin ``accept_submission`` checks for a form post (None: not a cross-site post).

    ``data`` is the verified render token.

    - no ``Origin`` (not a browser, or an old one): None, as for the JSON API;
    - our own host, or ``Sec-Fetch-Site: same-origin`` (the browser vouches that our page sent it): None;
    - ``Origin: null`` (a sandboxed frame, a no-referrer page, a ``data:`` URL — anyone can make one):
      a foreign origin, unless the signed token says the form was rendered in a frame of one of the
      service's allowed origins; then that origin is checked (it may have been removed since);
    - any other origin: itself.
    """
    origin = request.headers.get("Origin") or None
    if origin is None:
        return None
    if request.headers.get("Sec-Fetch-Site") == "same-origin" or _same_site(origin):
        return None
    if origin == "null":
        frame = data.get("f")
        return frame if isinstance(frame, str) and frame else "null"
    return origin


def _same_site(origin: str) -> bool:
    return urlsplit(origin).netloc.lower() == request.host.lower()
