"""The HTML a PA web manager pastes to collect feedback for a service (README, "Embedding the widget").

One function, shared by ``ascolto registry add-service`` and anything else that shows a service's
embedding code: the widget's script tag and, for people browsing without JavaScript, a
``<noscript>`` link to the server-rendered form, both with the service key filled in.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote

NOSCRIPT_TEXT = "Dai il tuo parere sul servizio"


def embed_snippet(collector_url: str, key: str, lang: str = "it", *, test: bool = False) -> str:
    """Two lines of HTML for service ``key`` served by the collector at ``collector_url``.

    Add ``&amp;page=/path-of-the-page`` to the link where the path is known: the form's thank-you
    page then links back to that page (of one of the service's allowed origins). ``test``: the
    check-up variant, with ``data-test`` (answers stored apart, never counted).
    """
    base = escape(collector_url.rstrip("/"), quote=True)
    k = escape(quote(key, safe=""), quote=True)
    flag = " data-test" if test else ""
    return (f'<script src="{base}/widget.js" data-service="{k}"{flag} async></script>\n'
            f'<noscript><a href="{base}/v1/services/{k}/form?lang={escape(lang)}">{NOSCRIPT_TEXT}</a></noscript>')
