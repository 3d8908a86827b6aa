"""Web addresses written into a comment: what in them identifies a person, the address kept readable.

Citizens paste the link that failed them ("il link https://servizi.comune.it/conferma?token=a8f7… non
funziona", "https://portale.it/utente/mario.rossi/profilo va in errore"). The host stays; the path and a
fragment are judged segment by segment as a page path is (:func:`privacy.segments.mark_segments`:
``/utente/[ID]/profilo``); in the query a value after a key that names a secret (``token``, ``session``,
``otp``, ``password``, …) is ``[CREDENZIALI]``, one after a key that names the person (``user``, ``utente``,
``email``, ``cf``, ``nome``, ``tel``, …) is ``[ID]``, and any other value is an ``[ID]`` when it would be one
as a path's segment (a run of 6 digits, a hex token, ``mario.rossi``); an e-mail is left to the e-mail pass
(``?email=[EMAIL]``). Run first of all passes (a digit pass would take ``pratiche/45678`` with its ``/``, the
credentials' a password with the ``&…`` after it). The finder is ``(text, counts) -> text``, as in
:mod:`privacy.identifiers`; the caller runs it only when the text holds ``://`` or ``www.`` (round 18).
"""
from __future__ import annotations

import re
from collections import Counter

from .contacts import SOCIAL_SITES
from .leads import any_in
from .segments import ACCOUNT_WORDS, identifies, mark_segments

#: an address: from its scheme or "www." to the first space, quote or bracket that is no placeholder's
_URL = re.compile(r"(?i:https?://|www\.)(?:[^\s<>\"'\[\]]|\[[A-Z]+\])+")
#: query keys whose value is a secret: whoever has the link is let in as the writer
_SECRET_KEYS = frozenset("""token access_token id_token refresh_token auth auth_token authtoken session sessionid session_id
sid jsessionid phpsessid key apikey api_key otp password pwd pass passwd secret signature sig ticket reset""".split())
#: query keys whose value names or reaches the person
_PERSON_KEYS = frozenset("""user username userid user_id uid utente login email mail e-mail cf codicefiscale codice_fiscale
fiscalcode taxcode nome cognome name surname tel telefono cellulare phone mobile iban""".split())


def _query(query: str, counts: Counter) -> str:
    """A query string (no "?") with the values that are secrets or identify a person replaced, keys kept."""
    pairs = query.split("&")
    for i, pair in enumerate(pairs):
        name, eq, value = pair.partition("=")
        if not eq or not value or value.startswith("[") or "@" in value:  # an e-mail: the e-mail pass types it
            continue
        key = name.lower()
        if key in _SECRET_KEYS:
            kind = "CREDENZIALI"
        elif key in _PERSON_KEYS or identifies(value, key in ACCOUNT_WORDS and key != "id"):  # "?id=123": a page
            kind = "ID"
        else:
            continue
        pairs[i] = f"{name}=[{kind}]"
        counts[kind] += 1
    return "&".join(pairs)


def _address(url: str, counts: Counter) -> str:
    """One address with its identifying path segments, fragment segments and query values replaced; the scheme
    and host as written ("www.inps.it" alone is returned whole)."""
    start = url.find("/", url.find("://") + 3 if "://" in url else 0)
    if start < 0:
        return url  # a host alone: "www.inps.it"
    head, rest = url[:start], url[start:]
    rest, hashed, fragment = rest.partition("#")
    path, asked, query = rest.partition("?")
    parts = path.split("/")
    ids = mark_segments(parts)
    if fragment:
        pieces = fragment.split("/")
        ids += mark_segments(pieces)
        fragment = "/".join(pieces)
    if ids:
        counts["ID"] += ids
    if query:
        query = _query(query, counts)
    return head + "/".join(parts) + asked + query + hashed + fragment


def links(text: str, counts: Counter) -> str:
    """Each web address in ``text`` with its identifying segments and query values replaced (module docstring)."""
    def sub(m: re.Match) -> str:
        url = m.group(0)
        if any_in(url.lower(), SOCIAL_SITES):
            return url  # a profile's address: the social pass takes it whole ("instagram.com/…" → "[SOCIAL]")
        cut = len(url.rstrip(".,;:!?)"))  # the sentence's mark after the address is no part of it
        return _address(url[:cut], counts) + url[cut:]
    return _URL.sub(sub, text)
