"""What a PA needs to collect feedback for a service (README, "Embedding the widget"), by channel.

:func:`embed_snippet`, shared by ``ascolto registry add-service`` and anything else that shows a
service's embedding code: the widget's script tag and, for people browsing without JavaScript, a
``<noscript>`` link to the server-rendered form, both with the service key filled in.
:func:`channel_kit`: for a service on a channel without a page of its own (app, e-mail, SMS), the
link to the hosted form instead; for the phone, the console's operator entry; for a counter or a
kiosk, the kiosk page opened with a registered device.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote

#: The ``<noscript>`` link's text by language (the languages of questionnaires.vocabulary.LANGUAGES);
#: another language gets the Italian text, as the form it links to falls back to Italian.
NOSCRIPT_TEXT = {"it": "Dai il tuo parere sul servizio", "en": "Give feedback on the service",
                 "de": "Ihre Meinung zum Dienst", "fr": "Donnez votre avis sur le service",
                 "sl": "Vaše mnenje o storitvi"}


def snippet_language(value: str | None) -> str:
    """The language of a snippet asked for (``it``, ``en``, ``de``, ``fr``, ``sl``: the keys of
    :data:`NOSCRIPT_TEXT`); anything else, or nothing, is Italian."""
    return value if value in NOSCRIPT_TEXT else "it"


def embed_snippet(collector_url: str, key: str, lang: str = "it", *, test: bool = False) -> str:
    """Two lines of HTML for service ``key`` served by the collector at ``collector_url``.

    Add ``&amp;page=/path-of-the-page`` to the link where the path is known: the form's thank-you
    page then links back to that page (of one of the service's allowed origins). ``test``: the
    check-up variant, with ``data-test`` (answers stored apart, never counted). ``lang``: the
    language of the ``<noscript>`` link's text and of the form it opens (the widget itself speaks
    the page's ``lang``, or its ``data-lang``).
    """
    base = escape(collector_url.rstrip("/"), quote=True)
    k = escape(quote(key, safe=""), quote=True)
    flag = " data-test" if test else ""
    text = NOSCRIPT_TEXT.get(lang, NOSCRIPT_TEXT["it"])
    return (f'<script src="{base}/widget.js" data-service="{k}"{flag} async></script>\n'
            f'<noscript><a href="{escape(form_link(collector_url, key, lang), quote=True)}">{text}</a></noscript>')


def form_link(collector_url: str, key: str, lang: str = "it") -> str:
    """The address of service ``key``'s hosted form (``GET /v1/services/<key>/form``), to send by
    e-mail or SMS or to open from an app; its answers carry the service's channel."""
    return f"{collector_url.rstrip('/')}/v1/services/{quote(key, safe='')}/form?lang={quote(lang, safe='')}"


#: How each channel collects (DESIGN §3): ``snippet`` (the widget on the PA's page), ``link`` (the
#: hosted form), ``operator`` (answers entered in the console by the person who took the call),
#: ``kiosk`` (the kiosk page on a registered device).
CHANNEL_KIND = {"web": "snippet", "app": "link", "email": "link", "sms": "link", "phone": "operator",
                "front_office": "kiosk", "kiosk": "kiosk"}


def kiosk_link(collector_url: str, key: str, token: str = "") -> str:
    """The address a registered device opens for service ``key`` (its ``token`` appended)."""
    return f"{collector_url.rstrip('/')}/v1/services/{quote(key, safe='')}/kiosk?device={token}"


def channel_kit(collector_url: str, key: str, channel: str, lang: str = "it") -> dict:
    """``{"channel", "kind", "code"}`` for service ``key`` on ``channel``: ``code`` is the HTML to paste
    (``snippet``), the form's address (``link``), the kiosk page's address without its device token
    (``kiosk``), or None (``operator``). An unknown channel gets the snippet."""
    kind = CHANNEL_KIND.get(channel, "snippet")
    if kind == "snippet":
        code = embed_snippet(collector_url, key, lang)
    elif kind == "link":
        code = form_link(collector_url, key, lang)
    elif kind == "kiosk":
        code = kiosk_link(collector_url, key)
    else:
        code = None
    return {"channel": channel, "kind": kind, "code": code}
