"""A query string's values that are secrets or identify a person, the keys kept: the one judgement behind a web
address written into a comment (:mod:`privacy.links`) and a page path that still carries its query, fragment or
path parameters (:mod:`privacy.paths`: a kept record's page, ``failed/`` and the DLQ).

:func:`judge_query` ``(query, counts) -> query`` (no ``?``; pairs joined by ``&``, or ``;`` for path parameters):

- a value after a key naming a secret is ``[CREDENZIALI]``: tokens, sessions, one-time codes, passwords, tickets,
  and the SPID/CIE/OAuth callback's (``access_token``, ``id_token``, ``SAMLResponse``, ``SAMLart``, ``RelayState``,
  ``nonce``, ``jsessionid``, ``PHPSESSID``); after ``code`` and ``state`` only a value with a letter and a digit
  (an authorisation code: ``?code=SplxlOBeZQ6…``; ``?code=730``, ``?state=aperti`` stay);
- a value after a key naming the person (``user``, ``email``, ``cf``, ``nome``, ``tel``, ``nato_il``, …) is
  ``[ID]``, or of its kind when the text passes type it whole (``?cf=[CF]``, ``?telefono=[PHONE]``);
- a search's words (``q``, ``query``, ``search``, ``cerca``, …) are read as a comment (:func:`privacy.redact`,
  ``+`` as a space): ``?q=RSSMRA85T10A562S`` → ``?q=[CF]``; ``?q=certificato+di+residenza`` stays;
- a redirect's target (a value that decodes to a path or an address: ``?redirect_uri=%2Fprofilo%2Fmario.rossi``)
  is an ``[ID]`` when one of its segments would be one;
- any other value is an ``[ID]`` when it would be one as a path's segment (:func:`privacy.segments.identifies`:
  a run of 6 digits, a hex or base64 token, a JWT, ``mario.rossi``); ``?page=2``, ``?lang=it``, ``?id=12345``,
  ``utm_`` parameters stay. A value already a placeholder, or holding an e-mail's ``@`` (the e-mail pass types
  it), is left as it is.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable
from urllib.parse import unquote_plus

from .kinds import is_placeholder
from .segments import ACCOUNT_WORDS, identifies, mark_segments

#: a comment's redactor: text → (text redacted, count per kind)
Redactor = Callable[[str], "tuple[str, Counter]"]

#: query keys whose value is a secret: whoever has the link is let in as the writer (lower case)
SECRET_KEYS = frozenset("""token access_token id_token refresh_token auth auth_token authtoken session sessionid session_id
sid jsessionid phpsessid aspsessionid key apikey api_key otp password pwd pass passwd secret signature sig ticket reset
samlresponse samlrequest samlart relaystate nonce session_state code_verifier client_secret assertion
x-amz-signature x-amz-credential""".split())
#: keys whose value is a secret only when it is shaped like one: a letter and a digit ("?code=730" stays)
_SHAPED_KEYS = frozenset("code state".split())
#: query keys whose value names or reaches the person
PERSON_KEYS = frozenset("""user username userid user_id uid utente login email mail e-mail cf codicefiscale codice_fiscale
fiscalcode taxcode nome cognome name surname tel telefono cellulare phone mobile iban
nato_il nata_il data_nascita datanascita data_di_nascita birthdate birth_date dob""".split())
#: query keys whose value is what the citizen typed into a search box: read as a comment
_SEARCH_KEYS = frozenset("q query search cerca ricerca testo text keyword keywords searchtext search_text s".split())


def _shaped(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _target(value: str) -> bool:
    """A redirect's target ("/profilo/mario.rossi", "https://…/utente/mrossi85") with a segment that identifies."""
    decoded = unquote_plus(value)
    if "/" not in decoded:
        return False
    path = decoded.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]
    return mark_segments(path.split("/")) > 0


def _searched(value: str, counts: Counter, redact: Redactor) -> str:
    """The words of a search with their personal data replaced (``redact``: the comment's redactor), "+" for a space."""
    out, found = redact(unquote_plus(value))
    if not found:
        return value
    counts.update(found)
    return out.replace(" ", "+")


def judge_query(query: str, counts: Counter, redact: Redactor, sep: str = "&", read: bool = False) -> str:
    """A query string (no "?") with the values that are secrets or identify a person replaced, keys kept (above).
    ``redact``: the comment's redactor (:func:`privacy.text.redact`, given by the caller: the text passes run the
    link pass, which is built on this module), for a search's words and a person key's value; ``read``: every
    other value is read as a comment too (a page path's query, which no later pass reads; a comment's link is
    read with the comment)."""
    pairs = query.split(sep)
    for i, pair in enumerate(pairs):
        name, eq, value = pair.partition("=")
        if not eq or not value or is_placeholder(value):  # "?q=[EMAIL]": replaced already; "?q=[mario.rossi@…]" read
            continue
        key = name.lower()
        if key in SECRET_KEYS or key in _SHAPED_KEYS and _shaped(value):
            kind = "CREDENZIALI"
        elif key in _SEARCH_KEYS or "@" in value or "%40" in value:  # an e-mail: the e-mail pass types it
            if read or key in _SEARCH_KEYS:
                pairs[i] = f"{name}={_searched(value, counts, redact)}"
            continue
        elif key in PERSON_KEYS:  # typed when the text passes say what it is ("?cf=[CF]", round 19), else "[ID]"
            typed = _searched(value, Counter(), redact)
            kind = typed[1:-1] if is_placeholder(typed) else "ID"
        elif identifies(value, key in ACCOUNT_WORDS and key != "id") or _target(value):
            kind = "ID"  # "?id=123": a page
        else:
            if read:
                pairs[i] = f"{name}={_searched(value, counts, redact)}"
            continue
        pairs[i] = f"{name}=[{kind}]"
        counts[kind] += 1
    return sep.join(pairs)
