"""Page paths with the personal identifiers in their segments replaced, their shape kept.

The page a citizen answered from is stored with every response, so a path such as
``/utente/mrossi85/pratiche`` or ``/u/12345678/documenti`` would carry who answered. :func:`redact_path`
runs the free-text redactor on each segment alone (:func:`privacy.redact`: e-mails, codici fiscali, …
become ``[EMAIL]``, ``[CF]``; a placeholder never swallows a ``/``) and then replaces whole segments that identify a person by ``[ID]``, keeping the others so
that statisticians can still group pages (``/utente/[ID]/pratiche``):

- anywhere: a segment holding a run of 6 or more digits (``/u/12345678``, ``/ricevute/2024-000123``,
  ``/protocollo/prot-2024-000123``: a record's number), a token of 16 or more hex digits or a UUID, a
  user name made of a listed name and digits (``/pratiche/mrossi85``, ``/mario1985/``), and words joined
  by ``.`` or ``_`` one of which is a listed name, as e-mail local parts are (``/mario.rossi``,
  ``/m_rossi``; not a file name: ``/index.html``); a codice fiscale anywhere is a ``[CF]`` already;
- after an account word (``utente``, ``profilo``, ``u``, ``user``, ``account``, ``cittadino``…), a segment
  that holds a digit (``mrossi85``), joins words with ``.`` or ``_`` (``mario.rossi``, ``m_rossi``), or is
  a listed given name or surname, alone or joined by ``-`` (``mario``, ``mario-rossi``), or a user name
  made of one (``mrossi``, ``mariorossi``);
- after an account word or a record word (``pratiche``, ``istanze``, ``domande``, ``protocollo``…), a number
  of 3 to 5 digits that is no bare year (``/pratiche/12345``), and after a record word a user handle
  (``/pratiche/zanchettin85``, ``/istanze/bianchi.m``; ``/pratiche/f24``, ``/pratiche/2024`` stay);
- after a document word (``documenti``, ``certificati``, ``appuntamenti``, ``pagamenti``…) a number of 3 to 5
  digits that is no bare year nor a tax form's number (``/documenti/12345``; ``/documenti/730`` stays);
- anywhere, a handle of five letters or more that are no word, then two digits or a year of birth
  (``/archivio/zanchettin85``; ``/galleria/foto12``, ``/eventi/natale2024``, ``/seite2`` stay).

After a record or document word also a file's number with its year and an office's letters
(``/pratiche/SUAP-1234-2024``; not a period, ``2024-2025``), and a bare year between the word and the number
is passed over (``/pratiche/2024/12345`` → ``/pratiche/2024/[ID]``). A file is judged by its name without the extension (``zanchettin85.pdf``). A hash fragment is read as segments too
(``/pratiche#zanchettin85`` → ``/pratiche#[ID]``).

Ordinary paths are kept as they are: ``/servizi/anagrafe/certificati``, ``/2026/11/avviso``,
``/pratica/nuova``, ``/profilo/modifica``. Results are cached (paths repeat), so the cost is paid once
per distinct path.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .identifiers import UUID_RE
from .queries import judge_query
from .segments import mark_segments
from .text import SHORT_TEXT, _redact_text, redact, redact_short, use_path_redactor

#: a page path's separators, a hash fragment's included: kept at the odd places of the split
_SEPARATORS = re.compile(r"([/#])")


@lru_cache(maxsize=8192)
def redact_path(path: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    """``path`` (a page path; its query string is dropped before it is kept, but a kept record's page may still
    carry one) with personal data replaced — typed placeholders from :func:`privacy.redact`, whole identifying
    segments by ``[ID]``, the values of a query, of a fragment of ``key=value`` pairs and of a segment's
    parameters (``;jsessionid=…``) as :func:`privacy.queries.judge_query` says — and the count per kind as a
    tuple of (kind, count). Cached: the same path gives the same (immutable) result."""
    counts: Counter = Counter()
    rest, hashed, fragment = path.partition("#")
    rest, asked, query = rest.partition("?")
    if asked:
        query = judge_query(query, counts, redact, read=True)
    if hashed and "=" in fragment and not fragment.startswith("/"):  # "#access_token=…&state=…" (round 19)
        fragment, hashed, pairs = "", "", "#" + judge_query(fragment, counts, redact, read=True)
    else:
        pairs = ""
    route = rest + hashed + fragment
    # a hash fragment is read as segments too ("/pratiche#zanchettin85", "/app#/utente/mrossi85"): the
    # separators sit at the odd places and are joined back as they were
    parts = _SEPARATORS.split(route) if hashed else route.split("/")
    step = 2 if hashed else 1
    params: dict[int, str] = {}
    for i in range(0, len(parts), step):  # each segment alone: no placeholder swallows a "/"
        if ";" in parts[i] and "=" in parts[i]:  # a segment's parameters: "/pagina;jsessionid=…" (round 19)
            parts[i], tail = parts[i].split(";", 1)
            params[i] = ";" + judge_query(tail, counts, redact, sep=";", read=True)
        if parts[i] and not (len(parts[i]) == 36 and UUID_RE.fullmatch(parts[i])):  # a whole UUID: an [ID], below
            parts[i], found = redact_short(parts[i]) if len(parts[i]) <= SHORT_TEXT else _redact_text(parts[i])
            counts.update(dict(found))
    ids = mark_segments(parts, step)
    if ids:
        counts["ID"] += ids
    for i, tail in params.items():
        parts[i] += tail
    out = ("" if step == 2 else "/").join(parts)
    if asked:  # the query back before a route's fragment, where it was
        out, hashed, fragment = out.partition("#")
        out += "?" + query + hashed + fragment
    return out + pairs, tuple(counts.items())


use_path_redactor(redact_path)  # the text passes judge a link's path with it (privacy.text: no import back)
