"""A clerk's surname that is also a common word, capitalised where the sentence says a clerk (round 16): after "ho
parlato con" before the desk where the clerk works ("ho parlato con Conte allo sportello", "ho parlato con Gentile del
cup", "ho parlato con Bianco dell'ufficio tributi"), after "(mi) ha risposto" before the desk, a mark or the end ("alla
fine ha risposto Bianco, gentilissimo").

The other passes take a capitalised word there only when it is a listed name or no common word ("ho parlato con Ferro"
is a listed surname; "Conte", "Bianco" are not listed, "Gentile" is a greeting's word), so these were left. The
capital is what says a name: in lower case or in capitals nothing is taken here ("ho parlato con conte" may be anyone's
words). Not taken: an office, a place, a role, a formal pronoun, nobody, an error ("ho parlato con Lei allo sportello",
"ho parlato con Poste allo sportello", "ha risposto Roma.", "il sito ha risposto Errore.").

:func:`answered_names` is ``(text, counts) -> text`` like the other finders; :func:`gate` is its cheap test.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import NOBODY
from .lower_names import _TITLE_ADJECTIVE_SURNAMES
from .names import LOWER, UPPER, plain_capitalised
from .word_names import _DESK

#: formal pronouns, capitalised mid-sentence in letters, and what a machine or a desk answers: no name
_PRONOUNS = frozenset("Lei Voi Loro Ella Essa Esso Dio Errore Picche Niente Nulla".split()) | NOBODY
_ANSWERED_RE = re.compile(
    rf"(?<![\w'’])(?:(?i:ho|abbiamo)[ \t]+(?i:parlato)[ \t]+(?i:con)|(?P<answered>(?:(?i:mi|ci)[ \t]+)?(?i:ha)[ \t]+(?i:risposto)))"
    rf"[ \t]+(?P<name>[{UPPER}][{LOWER}]+)(?![\w'’])"
    rf"(?=[ \t]+(?i:{_DESK})|(?(answered)[ \t]*(?:[,.!;]|$)|(?!)))")


def gate(low: str) -> bool:
    """Whether :func:`answered_names` may find anything in ``low`` (the text lower-cased): substring tests only."""
    return "parlato con" in low or "risposto" in low


def _clerk(word: str) -> bool:
    return word not in _PRONOUNS and (plain_capitalised(word) or word.lower() in _TITLE_ADJECTIVE_SURNAMES)


def answered_names(text: str, counts: Counter) -> str:
    """Each capitalised surname said of a clerk (module docstring): ``[NOME]``, the words around kept."""
    def taken(m: re.Match) -> str:
        if not _clerk(m.group("name")):
            return m.group(0)
        counts["NOME"] += 1
        return m.group(0)[:m.start("name") - m.start()] + "[NOME]"
    return _ANSWERED_RE.sub(taken, text)
