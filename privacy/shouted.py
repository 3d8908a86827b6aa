"""Given names that are also words, read in capitals where the lower-case rules keep the word (round 17).

In capitals the name passes take a listed given name after "SONO" or beside another word in capitals; for the given
names that are also words ("FRANCO", "ROSA", "BRUNO", "BIANCA": :data:`privacy.word_forms.WORD_NAMES`) that took
what the same comment in lower case keeps:

- :func:`frank_after_sono` — "SONO FRANCO: IL SERVIZIO È PESSIMO" ("sono franco:" stays in lower case): after "sono"
  the adjective that says how one speaks ("franco", "franca"), alone and right before a colon, is no name;
  "SONO FRANCO ROSSI", "SONO FRANCO, ABITO A …", "SONO FRANCO E HO 80 ANNI" are still taken
  (:func:`privacy.origins.refused_in_caps` asks it, and :func:`privacy.origins.said_of_her` after "SIGNORA").
- :func:`word_pair` — "FRANCO SVIZZERO NON ACCETTATO" gave "[NOME] NON ACCETTATO": a given name that is a word and
  the word of one of its set phrases (a currency, a delivery term, a colour) is no name; any other pair is read as
  before, since surnames are adjectives as often ("FRANCO BIANCO", "FRANCO VERDI", "ROSA BASSO" are still taken).

Pure functions over strings: they run only on a candidate another pass has already found.
"""
from __future__ import annotations


#: the given names that also say how one speaks: "sono franco:" (frankly), not who one is
_FRANK = frozenset("franco franca".split())


def frank_after_sono(lead: str, words: list[str], text: str, end: int) -> bool:
    """Whether the candidate ``words`` (in capitals, after ``lead``, ending at ``end`` in ``text``) is "FRANCO" or
    "FRANCA" alone after "SONO" and before a colon: the adjective, no name."""
    if len(words) != 1 or words[0].lower() not in _FRANK or not lead.strip().lower().endswith("sono"):
        return False
    return text[end:end + 3].lstrip(" \t").startswith(":")


#: the set phrases in which a given name that is a word is the word: a currency, a delivery term, a colour, a plant
_PHRASES = {
    "franco": frozenset("svizzero svizzeri francese francesi belga belgi cfa fabbrica domicilio destino partenza magazzino "
                        "banchina vettore tiratore tiratori".split()),
    "rosa": frozenset("canina pallido cipria salmone shocking antico confetto carne".split()),
    "bruno": frozenset("scuro chiaro".split()),
}


def word_pair(words: list[str]) -> bool:
    """Whether ``words`` (the words of a name found in a run in capitals, particles left out) are a given name that is
    also a word and the word of one of its set phrases (:data:`_PHRASES`): "FRANCO SVIZZERO", "ROSA CANINA" — no name.
    Only those: surnames are adjectives as often ("FRANCO BIANCO", "FRANCO VERDI", "ROSA BASSO" are still taken)."""
    if len(words) != 2 or not all(w.isupper() for w in words):
        return False
    first, second = (w.lower() for w in words)
    return second in _PHRASES.get(first, ())
