"""The sender of each message of a chat pasted into a comment, as WhatsApp copies or exports it:

- copied from the phone: ``[10:42, 12/3/2024] Teresa: te lo giro ora`` (time first, or ``[12/03/24, 10:42:15]``);
- exported: ``12/03/24, 10:42 - Teresa Bianchi: te lo giro ora``.

:func:`chat_senders` (``(text, counts) -> text``) takes the sender between the header's date and time and the
colon: one to four words, as the writer saved the contact (``[NOME]``; a number there is the phone pass's). A
sender made only of common words (by :mod:`privacy.lexicon`), or naming an office or a place, is a relation or an
office, and stays ("Mamma:", "Ufficio Tributi:", "INPS:", "Comune di Bari:"); so does a line that is no message header
("alle 10:42 - nota: …" has no date).
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .lexicon import known
from .names import LOWER, OFFICES, PLACES, UPPER

_DAY = r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_SENDER = rf"(?P<name>[{UPPER}{LOWER}][{UPPER}{LOWER}'’.\-]*(?:[ \t]+[{UPPER}{LOWER}][{UPPER}{LOWER}'’.\-]*){{0,3}})"
_HEADER_RE = re.compile(
    rf"(?m)^[ \t]*(?:\[(?:{_TIME},\s*{_DAY}|{_DAY},?\s*{_TIME})\]|{_DAY},?\s+{_TIME}\s+[-–])[ \t]+{_SENDER}[ \t]*:")


def _sender(name: str) -> bool:
    """A contact's name: not only common words, offices and places ("Mamma", "Ufficio Tributi", "INPS", "Comune di
    Bari" stay)."""
    words = name.split()
    if any(w.capitalize() in OFFICES or w.capitalize() in PLACES for w in words):
        return False
    return any(w in GIVEN_NAMES or not known(w.lower()) for w in words)


def chat_senders(text: str, counts: Counter) -> str:
    """Each chat message header's sender (module docstring): ``[NOME]``."""
    out, pos = [], 0
    for m in _HEADER_RE.finditer(text):
        if _sender(m.group("name")):
            out.append(text[pos:m.start("name")] + "[NOME]")
            pos = m.end("name")
            counts["NOME"] += 1
    return "".join(out) + text[pos:] if out else text
