"""A street written after an address's label with no street word before it (round 21): "Adresse: Lauben 23",
"Meine Adresse: Lauben 23, Meran", "indirizzo: Roma 23/A", "recapito: Corso 5 n. 4" — the arcades of Merano and
Bolzano ("Lauben", "Portici"), a hamlet's name or a street word forgotten in a hurry.

:func:`labelled_addresses` takes ``[INDIRIZZO]`` only after a label ("indirizzo", "indirizzo di residenza",
"residenza", "domicilio", "recapito", "Adresse", "Anschrift", "address") and a colon, or "è", "ist", "is": a
capitalised name of one to four words (particles between) and a civic number, not a count ("indirizzo: Roma 2
volte"), not a year without "n." ("residenza: Roma 2019"), not a room, an office or a floor ("recapito: Ufficio 3").
The streets with a street word are :func:`privacy.contacts.addresses`'.
"""
from __future__ import annotations

import re
from collections import Counter

from .contacts import _CAP_NAME, _CIVIC, _CIVIC_MARK, _NOT_CIVIC, _civic
from .identifiers import scan

#: the words a comment labels a home's address with, in the questionnaires' languages
_LABEL = (r"(?i:indirizzo(?:\s+di\s+(?:residenza|casa|domicilio))?|residenza|domicilio|recapito|(?:wohn)?adresse|anschrift"
          r"|(?:home\s+)?address)")
GATE = ("indirizz", "residenza", "domicilio", "recapito", "adresse", "anschrift", "address")
_LABELLED_RE = re.compile(rf"(?<!\w){_LABEL}\s*(?::|\s(?i:è|e['’]|ist|is)\s)\s*"
                          rf"(?P<addr>{_CAP_NAME},?\s*(?:{_CIVIC_MARK}\s*)?{_CIVIC}){_NOT_CIVIC}(?!\w)")
#: what has a number without being a house: a room, an office, a floor, a desk, a building's part
_NOT_HOUSE = frozenset("""ufficio uffici sportello stanza sala piano scala interno edificio palazzina box aula padiglione
reparto settore area lotto zona room floor building office desk suite unit zimmer stock raum büro buero""".split())


def _house(m: re.Match) -> bool:
    return _civic(m) and not any(w.lower().strip(",.") in _NOT_HOUSE for w in m.group("addr").split())


def labelled_addresses(text: str, counts: Counter) -> str:
    """The address after a label (:data:`_LABELLED_RE`), with no street word: ``[INDIRIZZO]``."""
    return scan(_LABELLED_RE, text, "INDIRIZZO", _house, counts, group="addr")
