"""Internal paths: where the console may redirect to after a sign-in or a language switch, and the
query arguments a page's links carry over (:func:`query_args`)."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit


def internal_path(nxt: str | None) -> str:
    """``nxt`` when it is a path of this site, else ``"/"`` (no open redirect).

    Allowed: an absolute path (``/regions?x=1``) of printable ASCII — no scheme or host, no
    backslash, no control character or space (browsers drop tabs and line breaks, so "/", tab,
    "/evil" becomes ``//evil``; ``%0D%0A`` decoded would split the header), not starting with ``//``;
    the same holds for the path percent-decoded once.
    """
    for form in (nxt, unquote(nxt or "")):  # and once decoded: no %09, %5C, %2F%2F tricks for a later hop
        if not form or not form.startswith("/") or form.startswith("//"):
            return "/"
        if any(not ("\x21" <= ch <= "\x7e") or ch == "\\" for ch in form):
            return "/"
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return "/"
    return nxt


def query_args(*own: str) -> dict[str, str]:
    """The request's query arguments to carry into a link built with ``url_for``: the first value of
    each, without the view's own path arguments ``own`` and without the names ``url_for`` reserves
    (``_external``, ``_scheme``, ``_anchor``, ``_method``, any ``_…``). Passed as they came, a query
    naming one of them (``?chart=x`` on a page that sets ``chart``, ``?_scheme=x``) made ``url_for``
    raise: a 500 from any input; or built a link to another scheme or host."""
    from flask import request

    return {k: v for k, v in request.args.items() if not k.startswith("_") and k not in own}
