"""Given names that are also words, read in capitals where the lower-case rules keep the word (round 17).

In capitals the name passes take a listed given name after "SONO" or beside another word in capitals; for the given
names that are also words ("FRANCO", "ROSA", "BRUNO", "BIANCA": :data:`privacy.word_forms.WORD_NAMES`) that took
what the same comment in lower case keeps:

- :func:`frank_after_sono` — "SONO FRANCO: IL SERVIZIO È PESSIMO" ("sono franco:" stays in lower case): after "sono"
  the adjective that says how one speaks ("franco", "franca"), alone and right before a colon, is no name;
  "SONO FRANCO ROSSI", "SONO FRANCO, ABITO A …", "SONO FRANCO E HO 80 ANNI" are still taken.
- :func:`word_pair` — "FRANCO SVIZZERO NON ACCETTATO" gave "[NOME] NON ACCETTATO": a run in capitals whose given
  names are all also words and whose other words are common words the lexicon knows (no listed surname) is no name;
  "FRANCO ROSSI", "ROSA COSTA", "BRUNO ZANCHETTIN", "MARIO BIANCO" are still taken.

Pure functions over strings: they run only on a candidate another pass has already found.
"""
from __future__ import annotations

from .given_names import GIVEN_NAMES
from .lexicon import lemma
from .surnames import FREQUENT, NOUN_SURNAMES, SURNAMES
from .word_forms import WORD_NAMES

#: the given names that also say how one speaks: "sono franco:" (frankly), not who one is
_FRANK = frozenset("franco franca".split())


def frank_after_sono(lead: str, words: list[str], text: str, end: int) -> bool:
    """Whether the candidate ``words`` (in capitals, after ``lead``, ending at ``end`` in ``text``) is "FRANCO" or
    "FRANCA" alone after "SONO" and before a colon: the adjective, no name."""
    if len(words) != 1 or words[0].lower() not in _FRANK or not lead.strip().lower().endswith("sono"):
        return False
    return text[end:end + 3].lstrip(" \t").startswith(":")


def word_pair(words: list[str]) -> bool:
    """Whether ``words`` (the words of a name found in a run in capitals, particles left out) are only given names that
    are also words and at least one common word that is no surname: "FRANCO SVIZZERO", "ROSA CANINA" — no name; two
    given names ("ROSA BIANCA") are read as one as before."""
    if not all(w.isupper() for w in words):
        return False
    given = [w for w in words if w.capitalize() in GIVEN_NAMES]
    if not given or len(given) == len(words) or any(w.lower() not in WORD_NAMES for w in given):
        return False
    for w in words:
        low = w.lower()
        if w in given:
            continue
        if low in FREQUENT or low in SURNAMES or low in NOUN_SURNAMES or lemma(low) is None:
            return False
    return True
