"""What continues a name already taken, run once every name pass is done: a listed surname, the rest of a
compound, married or widow's surname, and the surname of a name from another tradition — left behind by the
passes that take a given name alone, or a given name and one word after it.

- a listed surname, in lower case or capitalised or in capitals ("la signora [NOME] bellini", "grazie [NOME]
  Gentili", "sig. [NOME] ROSSI"; "[NOME] gentili e disponibili" stays: an adjective, no surname in lower case);
- a particle and a capitalised word ("Mariangela La Rocca", "Mohamed Amine El Idrissi", "Aisha Ben Salah",
  "Antonio De Angelis La Torre"), a widow's, maiden or father's name ("Carla Pozzi vedova Tagliabue", "Pierina
  Valsecchi ved. Brambilla", "Antonio Esposito fu Gennaro"), a married name that is a listed surname ("Maria
  Rossi in Bianchi"; "Erasmus in Spagna" stays);
- a capitalised word that reads as a surname: listed, or no Italian word ("Kevin Mbappé Okoye", "Abdoulaye
  Diop Ndiaye"), and in lower case one elided after "d'" that is a listed surname or given name or no Italian word
  ("mi chiamo [NOME] d'alessandro"; "[NOME] d'accordo" stays).

Each is taken into the ``[NOME]`` before it, not counted again: it is the same person. A common word, an
office, a place or a town after the name stays ("[NOME] in Comune", "[NOME] in Ospedale", "[NOME] Roma").
"""
from __future__ import annotations

import re

from .given_names import GIVEN_NAMES
from .lexicon import known
from .names import _WORD, LOWER, UPPER, plain_capitalised
from .pairs import ALL_SURNAMES, LISTED_SURNAMES
from .word_forms import foreign_surname, unlisted_surname

#: a particle of the surname itself ("La Rocca", "El Idrissi", "Ben Salah"), or what joins a widow's, maiden,
#: father's or married name to the name before it ("ved. Brambilla", "fu Gennaro", "in Bianchi")
_PARTICLES = r"La|Lo|Li|El|Al|Ben|Bin|Ibn|Abu|Ould|De|Di|Da|Del|Della|Dal|Dalla|Van|Von|Dos|Das|Do|Mac|Mc"
_JOINS = r"in|ved\.|vedova|vedovo|fu|nata|nato|coniugata|maritata"
_TAIL_RE = re.compile(rf"(?<=\[NOME\])[ \t]+(?:(?P<particle>{_PARTICLES})[ \t]+(?P<cap>{_WORD})(?![\w'’])"
                      rf"|(?P<join>{_JOINS})[ \t]+(?P<joined>{_WORD})(?![\w'’])"
                      rf"|(?P<word>[{UPPER}{LOWER}](?:[{LOWER}'’]+|[{UPPER}'’]+))(?![\w\]]))")


def _listed(word: str) -> bool:
    """A listed surname that is no common word, or listed and capitalised or in capitals."""
    return word in LISTED_SURNAMES or (word[0].isupper() and word.lower() in ALL_SURNAMES)


def _reads_as_surname(word: str) -> bool:
    """A plain capitalised word that is a listed surname or no Italian word."""
    low = word.lower()
    return plain_capitalised(word) and (low in ALL_SURNAMES or foreign_surname(low) or unlisted_surname(low, plural=False))


def _tail(m: re.Match) -> bool:
    if m.group("word") and m.group("word")[:2].lower() in ("d'", "d’"):  # "[NOME] d'alessandro": no "d'accordo"
        rest = m.group("word")[2:].lower()
        return rest in ALL_SURNAMES or rest.capitalize() in GIVEN_NAMES or not known(rest)
    if m.group("particle"):
        return plain_capitalised(m.group("cap"))
    if m.group("join"):  # a married name only when a listed surname ("in Ospedale", "in Spagna" are places)
        word = m.group("joined")
        return plain_capitalised(word) and word.lower() in ALL_SURNAMES if m.group("join") == "in" else plain_capitalised(word)
    word = m.group("word")
    return _listed(word) or word.istitle() and _reads_as_surname(word)


#: after "mi chiamo", "il mio nome è" a name in lower case is taken two words at most: a third right after it that is a
#: frequent surname, common word or not, or no Italian word, is the surname of a double given name ("mi chiamo anna
#: maria colombo", "mi chiamo gian luca ferro", "… anna maria zanchettin": round 18; "… [NOME] come mia nonna" stays)
_CALLED_RE = re.compile(r"(?P<lead>(?i:mi[ \t]+(?:chiamo|kiamo)|il[ \t]+mio[ \t]+nome[ \t]+(?:è|e['’]))[ \t]+\[NOME\])"
                        r"[ \t]+(?P<word>[a-zà-ù]+)(?![\w'’])")


def name_tails(text: str) -> str:
    """Each ``[NOME]`` with what continues its name (module docstring) taken into it, until nothing more does."""
    if "[NOME] " in text and ("iamo" in text or "nome" in text):
        text = _CALLED_RE.sub(lambda m: m.group("lead") if m.group("word") in ALL_SURNAMES
                              or unlisted_surname(m.group("word"), plural=False) else m.group(0), text)
    while True:
        out = _TAIL_RE.sub(lambda m: "" if _tail(m) else m.group(0), text)
        if out == text:
            return out
        text = out
