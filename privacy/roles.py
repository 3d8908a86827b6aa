"""Names after a role's label, as people copy the header of a form or a letter into a comment, in lower
case: "richiedente: giuliana rossi", "intestatario: hansi bianchi", "contribuente: rossi mario"; and after a
German, English, French or Slovenian courtesy title in lower case or in capitals ("herr lorusso", "MR
DEANGELIS", "madame piras", "gospa bianchi"; :mod:`privacy.lower_names` has the Italian ones); and a listed
surname alone after a member of staff in lower case or in capitals ("l'operatore lombardo"). Capitalised,
the name passes of :mod:`privacy.names` take them already; here the words are taken only when one of them
is a listed given name or a frequent surname, so that "destinatario: ufficio tributi", "mittente: comune di
roma" and "frau doktor" stay.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .leads import Led, lowered
from .word_forms import STOP, unlisted_surname
from .names import LOWER
from .pairs import ALL_SURNAMES, LISTED_SURNAMES

#: the cheap gate before :data:`_ROLE_RE` (lower-cased text)
ROLE_WORDS = ("richiedent", "intestatari", "beneficiari", "delegat", "dichiarant", "destinatari", "mittent",
              "contribuent", "titolare")
_ROLE_RE = re.compile(
    r"(?<!\w)(?P<lead>(?i:richiedente|intestatari[oa]|beneficiari[oa]|delegat[oa]|dichiarante|destinatari[oa]"
    rf"|mittente|contribuente|titolare)[ \t]*:[ \t]*)(?P<name>(?:d['’])?[{LOWER}]+(?:[ \t]+(?:d['’])?[{LOWER}]+)?)(?![\w'’])")


#: the cheap gate before :data:`_COURTESY_RE` (lower-cased text)
COURTESY_WORDS = ("herr", "frau", "mr", "mrs", "ms ", "ms.", "miss", "monsieur", "madame", "mme", "gospod", "gospa", "gospe")
_COURTESY_RE = re.compile(
    r"(?<![\w.])(?P<lead>(?i:herrn?|frau|mrs?\.?|ms\.?|miss|monsieur|madame|mme\.?|gospod(?:u|a)?|gosp[ae])[ \t]+)"
    rf"(?P<name>(?:d['’])?[{LOWER}]+(?:[ \t]+(?:d['’])?[{LOWER}]+)?)(?![\w'’])")


#: the cheap gate before :data:`_STAFF_RE` (lower-cased text)
STAFF_WORDS = ("operat", "impiegat", "sportellist", "addett", "funzionari", "famiglia", "coniugi", "vicin", "postin", "vigile",
               "agente", "maresciallo", "responsabil", "dirigent", "dirett", "sindac", "assessor", "consiglier", "c/o")
_STAFF_LEAD = (r"(?i:operat(?:ore|rice)|impiegat[oa]|sportellista|addett[oa]|funzionari[oa]|famiglia"
               r"|coniugi|vicin[oa]|postin[oa]|vigile|agente|maresciallo|responsabile|dirigente|dirett(?:ore|rice)"
               r"|sindac[oa]|assessor[ea]|consiglier[ea]|c/o)")
_STAFF_RE = re.compile(rf"(?<!\w)(?P<lead>{_STAFF_LEAD}[ \t]+)(?P<name>(?:d['’])?[{LOWER}]+)(?![\w'’])")
_STAFF = Led(_STAFF_RE, rf"(?<!\w){lowered(_STAFF_LEAD)}")  # its lead-ins found in the text lower-cased


def _listed(word: str) -> bool:
    return word.capitalize() in GIVEN_NAMES or word in ALL_SURNAMES


def _listed_name(m: re.Match, counts: Counter, strict: bool = False) -> str:
    """``m``'s lead and ``[NOME]`` when one of its (one or two) words is a listed given name or surname, else
    ``m`` as it is. A second word is part of the name unless it is a common one ("richiedente: mario ha
    chiamato"); ``strict``: only when it is listed too ("herr lorusso war …": "war" is no Italian word)."""
    name = m.group("name")
    words = name.split()
    if len(words) == 2 and (not _listed(words[1]) if strict else words[1] in STOP):
        rest, words = name[len(words[0]):], words[:1]
    else:
        rest = ""
    if not any(_listed(w) for w in words):
        return m.group(0)
    counts["NOME"] += 1
    return m.group("lead") + "[NOME]" + rest


def role_names(text: str, counts: Counter) -> str:
    """The name after a role's label and a colon, in lower case (module docstring): ``[NOME]``, the label
    kept; a second word that is a common one ("richiedente: mario ha chiamato") is not part of it."""
    return _ROLE_RE.sub(lambda m: _listed_name(m, counts), text)


def courtesy_names(text: str, counts: Counter) -> str:
    """The name after a courtesy title in lower case (module docstring; a comment in capitals reaches here
    lower-cased): ``[NOME]``, the title kept."""
    return _COURTESY_RE.sub(lambda m: _listed_name(m, counts, strict=True), text)


#: what is said of a family that the lexicon lacks ("monoparentale", "monoreddito", "plurigenerazionale")
_FAMILY_ADJECTIVE = re.compile(r"(?:mono|multi|pluri|bi|extra|neo).*|.*(?:al[ei]|ar[ei]|ari[oa]|iv[oa]|ic[oa])")


def staff_names(text: str, counts: Counter) -> str:
    """A listed surname that is no common word alone after a member of staff, in lower case (a comment in
    capitals reaches here lower-cased): ``[NOME]``, the word before it kept ("l'operatore lombardo è
    scortese"; "l'impiegata gentile", "l'addetto villa" stay: no listed surname, or a noun). After "famiglia"
    or "coniugi" also a surname no list holds that is no Italian word ("la famiglia zanchettin"; "la famiglia
    numerosa", "la famiglia monoparentale" stay)."""
    def sub(m: re.Match) -> str:
        name = m.group("name")
        if name not in LISTED_SURNAMES and not (m.group("lead").lower().startswith(("famiglia", "coniugi"))
                                                and unlisted_surname(name, plural=False)
                                                and not _FAMILY_ADJECTIVE.fullmatch(name)):
            return m.group(0)
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]"
    return _STAFF.sub(sub, text)
