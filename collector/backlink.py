"""The no-JS form's way back: a link to the page the citizen came from, on an allowed origin only.

The form page learns where it was opened from the ``Referer`` (browsers send at least the origin
of a cross-site link) and the ``page`` query parameter (the path, which the embedding site may add
to its ``<noscript>`` link). :func:`back_url` builds an absolute URL from them and
:func:`checked_back` is the gate every use goes through: the origin must be one of the service's
allowed origins, the URL is reduced to origin + path (no user info, query or fragment). So the
thank-you page never links to an arbitrary URL, whatever a form field or query string says.
"""
from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit


def _origin(parts) -> str:
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def checked_back(allowed_origins: Iterable[str], raw: str | None) -> str:
    """``raw`` reduced to ``origin + path`` if its origin is allowed, else ``""``."""
    if not raw or len(raw) > 2048:
        return ""
    try:
        parts = urlsplit(raw.strip())
        origin = _origin(parts)
    except ValueError:
        return ""
    if not origin or origin not in set(allowed_origins):
        return ""
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    return origin + path[:512]


def back_url(allowed_origins: Iterable[str], referer: str | None, page: str) -> str:
    """Where the citizen came from: the Referer's origin (when allowed; else the service's only
    allowed origin when ``page`` is known) with ``page`` or the Referer's path; ``""`` if unknown."""
    allowed = sorted(set(allowed_origins))
    try:
        ref = urlsplit((referer or "").strip())
        ref_origin = _origin(ref)
    except ValueError:
        ref, ref_origin = urlsplit(""), ""
    if ref_origin in allowed:
        origin = ref_origin
    elif len(allowed) == 1 and page:
        origin = allowed[0]
    else:
        return ""
    path = page or (ref.path if ref_origin == origin else "") or "/"
    return checked_back(allowed, origin + path)
