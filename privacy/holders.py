"""The holder of a file, an account or a booking named after "a nome di", "intestato a", "per conto di" (round 21):
"la domanda è a nome di Ardit Berisha", "pratica intestata a Nicolae Stan" — a foreign name that no list holds.

:func:`holder_names` takes ``[NOME]`` for two or three capitalised words after such a phrase when none is a common
word, an office or a place (:func:`privacy.names.plain_capitalised`), none names a company ("Banca", "Spa",
"Poste": :data:`_COMPANY`), and at least one is no Italian word (:func:`privacy.lexicon.known`: "intestato a Banca
Intesa" stays). A name holding a listed given name is :mod:`privacy.names`' already.
"""
from __future__ import annotations

import re
from collections import Counter

from .lexicon import known
from .names import LOWER as _LOW, UPPER as _UP, plain_capitalised

GATE = ("nome di", "intestat", "conto di")
_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_HOLDER_RE = re.compile(rf"(?<!\w)(?i:a\s+nome\s+d(?:i|el(?:la)?)|intestat[oaie]\s+a|per\s+conto\s+di)[ \t]+"
                        rf"(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,2}})(?![\w'’])")
#: words of a company's or an institution's name, which a file or an account is also held by
_COMPANY = frozenset("""banca bank banco spa srl snc sas società societa cooperativa coop associazione studio caf patronato
poste posteitaliane fondazione ente istituto gruppo group holding consorzio impresa ditta azienda onlus aps""".split())


def _holder(m: re.Match) -> str:
    words = m.group("name").split()
    if any(w.lower() in _COMPANY or not plain_capitalised(w) for w in words) or all(known(w.lower()) for w in words):
        return m.group(0)
    return m.group(0)[:m.start("name") - m.start()] + "[NOME]"


def holder_names(text: str, counts: Counter) -> str:
    """Names after "a nome di", "intestato a", "per conto di" (:data:`_HOLDER_RE`): ``[NOME]``."""
    out = _HOLDER_RE.sub(_holder, text)
    counts["NOME"] += out.count("[NOME]") - text.count("[NOME]")
    if not counts["NOME"]:
        del counts["NOME"]
    return out
