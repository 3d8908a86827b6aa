"""Web addresses written into a comment: what in them identifies a person, the address kept readable.

Citizens paste the link that failed them ("il link https://servizi.comune.it/conferma?token=a8f7… non
funziona", "https://portale.it/utente/mario.rossi/profilo va in errore"). The host stays; the path and a
fragment are judged as a page path is, by :func:`privacy.paths.redact_path` (round 19: one judgement for both):
each segment typed by the text passes (``/utenti/[CF]/profilo``), identifying segments ``[ID]``
(``/utente/[ID]/profilo``), the query by :func:`privacy.queries.judge_query` (``?token=[CREDENZIALI]``,
``?user=[ID]``, ``?email=[EMAIL]``). Run first of all passes (a digit pass would take ``pratiche/45678`` with its ``/``, the
credentials' a password with the ``&…`` after it). The finder is ``(text, counts) -> text``, as in
:mod:`privacy.identifiers`; the caller runs it only when the text holds ``://`` or ``www.`` (round 18) or a
``/`` at a word's start: a site's path written without its host is judged the same way (round 19,
``/utente/mrossi85`` → ``/utente/[ID]``).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from .contacts import SOCIAL_SITES
from .leads import any_in

#: a page path's redactor: path → (path redacted, (kind, count) pairs)
PathRedactor = Callable[[str], tuple]

#: an address: from its scheme or "www." to the first space, quote or bracket that is no placeholder's
_URL = re.compile(r"(?i:https?://|www\.)(?:[^\s<>\"'\[\]]|\[[A-Z]+\])+")
#: a site's path written without its host (round 19: "il mio profilo è /utente/mrossi85"): a "/" at a word's start
#: (not "e/o", "24/7", "km/h"), a segment, then more segments, a query or a fragment (a lone "/servizi" stays as written)
_PATH = re.compile(r"(?<![^\s(\"'«“:])/[\w.%~+-]+(?=[/?#])(?:[^\s<>\"'\[\]]|\[[A-Z]+\])+")


def _address(url: str, counts: Counter, redact_path: PathRedactor) -> str:
    """One address with its path, fragment and query judged as a page path is (:func:`privacy.paths.redact_path`:
    typed placeholders, identifying segments, query values); the scheme and host as written ("www.inps.it" alone is
    returned whole)."""
    start = url.find("/", url.find("://") + 3 if "://" in url else 0)
    if start < 0:
        return url  # a host alone: "www.inps.it"
    rest, found = redact_path(url[start:])
    counts.update(dict(found))
    return url[:start] + rest


def links(text: str, counts: Counter, redact_path: PathRedactor) -> str:
    """Each web address in ``text`` with its identifying segments and query values replaced (module docstring);
    ``redact_path``: :func:`privacy.paths.redact_path`, given by the text passes (it runs them: no import here)."""
    def sub(m: re.Match) -> str:
        url = m.group(0)
        if any_in(url.lower(), SOCIAL_SITES):
            return url  # a profile's address: the social pass takes it whole ("instagram.com/…" → "[SOCIAL]")
        cut = len(url.rstrip(".,;:!?)"))  # the sentence's mark after the address is no part of it
        return _address(url[:cut], counts, redact_path) + url[cut:]
    if "://" in text or "www." in text.lower():
        text = _URL.sub(sub, text)
    return _PATH.sub(sub, text) if "/" in text else text
