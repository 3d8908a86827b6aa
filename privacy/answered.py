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
from .surnames import FREQUENT, NOUN_SURNAMES
from .word_names import _DESK

#: formal pronouns, capitalised mid-sentence in letters, and what a machine or a desk answers: no name
_PRONOUNS = frozenset("Lei Voi Loro Ella Essa Esso Dio Errore Picche Niente Nulla".split()) | NOBODY
_ANSWERED_RE = re.compile(
    rf"(?<![\w'’])(?:(?i:ho|abbiamo)[ \t]+(?i:parlato)[ \t]+(?i:con)|(?P<answered>(?:(?i:mi|ci)[ \t]+)?(?i:ha)[ \t]+(?i:risposto)))"
    rf"[ \t]+(?P<name>[{UPPER}][{LOWER}]+)(?![\w'’])"
    rf"(?=[ \t]+(?i:{_DESK})|(?(answered)[ \t]*(?:[,.!;]|$)|(?!)))")


#: surnames that are common words, read as a clerk's in lower case or capitals after "ho parlato con" before a desk
CLERK_SURNAMES = (FREQUENT | NOUN_SURNAMES | frozenset("bianco gentile cortese greco marino rosa franco".split())) - {"pace"}
_LOWER_CLERK_RE = re.compile(rf"(?<![\w'’])(?i:ho|abbiamo)[ \t]+(?i:parlato)[ \t]+(?i:con)[ \t]+(?P<name>[{LOWER}]+|[{UPPER}]+)"
                             rf"(?=[ \t]+(?i:{_DESK}))")
#: "Gentile", "Cortese" capitalised right after a member of staff or a full title: the surname
_STAFF_ADJECTIVE_RE = re.compile(
    r"(?<![\w'’])(?i:(?:l['’]|il[ \t]+|la[ \t]+|lo[ \t]+)(?:impiegat[oa]|operat(?:ore|rice)|addett[oa]|funzionari[oa]|sportellista"
    r"|dottor(?:essa)?|signor[ae]?|infermier[ae]|assistente(?:[ \t]+sociale)?|maestr[ao]|insegnante|responsabile|dirigente))"
    r"[ \t]+(?P<name>Gentile|Gentili|Cortese)(?![\w'’])")


def gate(low: str, text: str = "") -> bool:
    """Whether :func:`answered_names` may find anything in ``low`` (the text lower-cased; ``text`` as written):
    substring tests only."""
    return "parlato con" in low or "risposto" in low or "Gentil" in text or "Cortese" in text


def _clerk(word: str) -> bool:
    return word not in _PRONOUNS and (plain_capitalised(word) or word.lower() in _TITLE_ADJECTIVE_SURNAMES)


def answered_names(text: str, counts: Counter) -> str:
    """Each capitalised surname said of a clerk (module docstring): ``[NOME]``, the words around kept."""
    def taken(m: re.Match) -> str:
        if not _clerk(m.group("name")):
            return m.group(0)
        counts["NOME"] += 1
        return m.group(0)[:m.start("name") - m.start()] + "[NOME]"

    def listed(m: re.Match) -> str:  # round 17: "ho parlato con conte allo sportello", in lower case or capitals
        if m.group("name").lower() not in CLERK_SURNAMES:
            return m.group(0)
        return taken_name(m)

    def taken_name(m: re.Match) -> str:
        counts["NOME"] += 1
        return m.group(0)[:m.start("name") - m.start()] + "[NOME]"
    low = text.lower()
    if "parlato con" in low or "risposto" in low:
        text = _LOWER_CLERK_RE.sub(listed, _ANSWERED_RE.sub(taken, text))
    if "Gentil" in text or "Cortese" in text:  # round 17: "l'impiegato Gentile", "la dottoressa Gentile del cup"
        text = _STAFF_ADJECTIVE_RE.sub(taken_name, text)
    return text
