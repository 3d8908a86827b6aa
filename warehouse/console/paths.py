"""Internal paths: where the console may redirect to after a sign-in or a language switch."""
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
