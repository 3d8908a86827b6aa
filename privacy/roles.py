"""Names after a role's label, as people copy the header of a form or a letter into a comment, in lower
case: "richiedente: giuliana rossi", "intestatario: hansi bianchi", "contribuente: rossi mario". In
capitals or capitalised the name passes of :mod:`privacy.names` take them already (a listed given name in
a run); in lower case the words are taken only when one of them is a listed given name or a frequent
surname, so that "destinatario: ufficio tributi" and "mittente: comune di roma" stay.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .lower_names import STOP
from .names import LOWER
from .surnames import FREQUENT

#: the cheap gate before :data:`_ROLE_RE` (lower-cased text)
ROLE_WORDS = ("richiedent", "intestatari", "beneficiari", "delegat", "dichiarant", "destinatari", "mittent",
              "contribuent", "titolare")
_ROLE_RE = re.compile(
    r"(?<!\w)(?P<lead>(?i:richiedente|intestatari[oa]|beneficiari[oa]|delegat[oa]|dichiarante|destinatari[oa]"
    rf"|mittente|contribuente|titolare)[ \t]*:[ \t]*)(?P<name>[{LOWER}]+(?:[ \t]+(?:d['’])?[{LOWER}]+)?)(?![\w'’])")


def role_names(text: str, counts: Counter) -> str:
    """The name after a role's label and a colon, in lower case (module docstring): ``[NOME]``, the label
    kept; a second word that is a common one ("richiedente: mario ha chiamato") is not part of it."""
    def sub(m: re.Match) -> str:
        name = m.group("name")
        words = name.split()
        rest = name[len(words[0]):] if len(words) == 2 and words[1] in STOP else ""
        if rest:
            words = words[:1]
        if not any(w.capitalize() in GIVEN_NAMES or w in FREQUENT for w in words):
            return m.group(0)
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]" + rest
    return _ROLE_RE.sub(sub, text)
