"""A lower-case street opening the comment, with no lead-in and the rest of the sentence after its number (round 19).

"via mazzini 45 mi hanno mandato la multa sbagliata", "corso italia 8 non arriva la posta": a comment that starts with
a street and its number is the writer's address. :mod:`privacy.contacts` takes a lower-case street with no lead-in
only when the number ends the address ("piazza duomo 3."), because inside a sentence "via roma 3 giorni fa" counts;
at the comment's start the number is taken unless a count, "e" or "o" follows ("via roma 3 volte", "corso base 2 e 3"
stay), and a way or a course is no street ("via email 2 …", "corso di inglese 2 …", "corso inglese 2 …": the
words of :func:`privacy.contacts._bare`, :data:`privacy.contacts.COURSES` among them). Run before the other address passes, so a flat's
number or a CAP after it goes with it. ``(text, counts) -> text``, as in :mod:`privacy.identifiers`; the caller runs
it only when the comment starts with "v", "p", "c" or "l".
"""
from __future__ import annotations

import re
from collections import Counter

from .contacts import _CIVIC, _NOT_CIVIC, _bare
from .identifiers import scan
from .names import LOWER as _LOW

_OPENING_RE = re.compile(
    rf"\A\s*(?i:via|viale|piazza|piazzale|corso|largo|vicolo)\s+(?P<name>[{_LOW}][{_LOW}'’]*(?:\s+[{_LOW}][{_LOW}'’]*){{0,2}})"
    rf"\s+{_CIVIC}{_NOT_CIVIC}(?=\s+(?!(?:volte|ore|minuti|giorni|mesi|anni|settimane|euro|persone|km|metri|e|o|ed|x)\b)"
    r"[a-zà-ù])")


def opening_streets(text: str, counts: Counter) -> str:
    """The street and civic number opening ``text``, as ``[INDIRIZZO]`` (module docstring)."""
    return scan(_OPENING_RE, text, "INDIRIZZO", _bare, counts)
