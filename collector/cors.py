"""CORS for the public JSON endpoints: browsers on any page may read the answers; whether an origin
may *submit* is decided per service (the intake's origin check), never by these headers."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, request

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _canonical(origin: str) -> str | None:
    """``origin`` as browsers send it (scheme://host[:port], lower case, no path, no default port), or
    None when it is not an http(s) origin."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6
    return f"{scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[scheme] else "")


def not_allowed(origin: str) -> list[str]:
    """The ``Origin`` field's problems when ``origin`` is not among a service's allowed origins: that,
    and — for a header no browser sends, such as ``https://www.comune.roma.it/`` typed into curl —
    the origin it should have been (scheme://host[:port], lower case, no path, no default port)."""
    problems = ["Not among the service's allowed origins."]
    canonical = _canonical(origin)
    if canonical is not None and canonical != origin:
        problems.append(f"An origin is scheme://host[:port] in lower case, without a path: {canonical!r}, "
                        "as browsers send it.")
    return problems


def how_to_allow(origin: str, key: str, ttl_s: float) -> str:
    """What the developer of a page refused for its origin does next (the sentence after a 403
    ``origin_not_allowed``'s first): the command that allows the origin — in the form browsers send
    it — and when collectors apply it (``ttl_s``: ``ASCOLTO_REGISTRY_TTL_S``), as the widget's console
    warning says; for ``null`` (a sandboxed iframe, a file: page), which no service can allow, what to
    change in the page instead."""
    if origin == "null":
        return ("Origin null is an opaque origin (a sandboxed iframe without allow-same-origin, or a file: page), "
                "which no service can allow: add allow-same-origin to the iframe's sandbox attribute.")
    return (f"To allow it: `ascolto registry origins {key} --add {_canonical(origin) or origin}` (the national "
            f"team's registry, or the console's admin services page); collectors apply it within {ttl_s:g} s.")


def reflect_origin(resp: Response, *, methods: str, expose: str = "Retry-After") -> Response:
    """Echo the request's ``Origin`` (if any) with the allowed ``methods`` and the ``expose``d headers.

    ``Vary: Origin`` with an ``Origin``, and on a GET's answer without one too: the questionnaire
    is cacheable (``public, max-age=300``), and a copy stored for a request without ``Origin`` (a
    link opened, a crawler) and no ``Vary`` would be served by a shared cache — or the browser's
    own — to the widget's request, without ``Access-Control-Allow-Origin``: a CORS error. (A POST's
    answer is not cached: a back end's 202 keeps its three headers.)"""
    origin = request.environ.get("HTTP_ORIGIN")  # what request.headers.get("Origin") reads, without building the headers
    for name, value in allow_origin(origin, methods=methods, expose=expose):
        resp.headers[name] = value
    if origin or request.method in ("GET", "HEAD"):
        resp.vary.add("Origin")
    return resp


def allow_origin(origin: str | None, *, methods: str, expose: str) -> list[tuple[str, str]]:
    """The CORS headers :func:`reflect_origin` sets for a request's ``Origin`` (none without one),
    in its order: the one list both the Flask answers and the intake's front
    (:mod:`collector.front`) send."""
    if not origin:
        return []
    return [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Methods", methods),
            ("Access-Control-Allow-Headers", "Content-Type"), ("Access-Control-Expose-Headers", expose),
            ("Access-Control-Max-Age", "86400")]


#: What a page may ask of a URL no route matched: the methods of the API's own endpoints.
API_METHODS = "GET, POST, OPTIONS"


def unrouted(resp: Response, allowed: str | None = None) -> Response:
    """CORS of an answer no blueprint made: the JSON 404 of a path the API does not have and the 405
    of a method a path does not take (routing failed, so no blueprint's ``after_request`` ran).

    A page's ``fetch`` reads the error naming the problem ("No endpoint '/v1/submission'…",
    "PUT is not allowed here…") instead of an opaque CORS failure: the same headers as the API's
    own answers (:func:`reflect_origin`, so ``Vary: Origin``; never credentials: the API takes none),
    ``Allow`` readable too. ``allowed``: the path's methods (a 405), else :data:`API_METHODS`."""
    return reflect_origin(resp, methods=allowed or API_METHODS, expose="Allow, Retry-After")


def unrouted_preflight(resp: Response) -> Response:
    """The answer to a browser's preflight (``OPTIONS`` with ``Access-Control-Request-Method``) for a
    path no route matched: 204 allowing :data:`API_METHODS`, so that the page's request itself is
    sent and meets the JSON 404 naming the path. A preflight refused with a 404 fails before any
    answer is readable: the page's script saw only "TypeError: Failed to fetch"."""
    resp.status_code = 204
    resp.set_data(b"")
    resp.headers.pop("Content-Type", None)
    return reflect_origin(resp, methods=API_METHODS, expose="Allow, Retry-After")
