"""A given name and a surname side by side in lower case with no lead-in, anywhere in a comment, as people
type on a phone: "chiedo di attilio caputo", "per matteo rizzo: la pratica è ferma", "complimenti a
sara bianchi", "rizzo matteo ha chiamato". :mod:`privacy.lower_names` takes a lower-case name after a
lead-in or heading or signing a comment; in the middle of a sentence with no lead-in a lower-case pair is
taken only when both words say so: a listed given name (:data:`privacy.given_names.GIVEN_NAMES`) that is no
ordinary word (:data:`privacy.word_forms.WORD_NAMES`: "serena", "bruno" stay words) and a frequent surname
(:data:`privacy.surnames.FREQUENT`) that is no noun ("costa", "villa", "fontana" …) — or any listed given
name beside a listed surname that is no Italian word form ("vittoria fumagalli", "angelo sanna") — in either
order, and not after a word that makes them a place's or an institution's name ("via", "ospedale", "liceo" …).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache

from .given_names import GIVEN_NAMES
from .word_forms import STOP, WORD_NAMES, unlisted_surname
from .names import LOWER, PLACE_WORDS, UPPER, previous_word
from .surnames import FREQUENT, NOUN_SURNAMES, PARTICIPLES, SURNAMES

_WORDS = re.compile(rf"(?<![\w'’\[])[{UPPER}{LOWER}][{UPPER}{LOWER}'’]+(?![\w\]])")
_ANY_GIVEN = frozenset(n.lower() for n in GIVEN_NAMES) - STOP
_GIVEN = _ANY_GIVEN - WORD_NAMES
#: every listed surname, and those that are no noun, participle or common word ("rossi", "lombardo"; not
#: "costa", "villa")
ALL_SURNAMES = FREQUENT | SURNAMES
LISTED_SURNAMES = ALL_SURNAMES - NOUN_SURNAMES - PARTICIPLES - STOP
_PUNCTUATION = str.maketrans({c: " " for c in ".,;:!?()[]{}\"«»“”/-"})


@cache
def _distinct() -> frozenset[str]:
    """The listed surnames that are no Italian word form ("fumagalli", "brambilla", "sanna"): beside them
    a given name that is also a word is a name too ("vittoria fumagalli")."""
    return frozenset(w for w in LISTED_SURNAMES if unlisted_surname(w, plural=False))


def _pair(x: str, y: str) -> bool:
    return (x in _GIVEN and y in LISTED_SURNAMES) or (x in _ANY_GIVEN and y in _distinct())


def listed_words(low: str) -> tuple[bool, bool, bool, set[str]]:
    """The gate before :func:`lower_pairs`, :func:`initialled`, :func:`privacy.narrated.narrated_names` and
    :func:`privacy.word_names.word_names` (``low``: the text lower-cased): whether it holds a listed given name, a
    listed surname, and one of the frequent surnames (:data:`privacy.surnames.FREQUENT`, nouns and colours included),
    as words — by string operations only —, and its words."""
    words = set(low.translate(_PUNCTUATION).split())
    return not words.isdisjoint(_ANY_GIVEN), not words.isdisjoint(LISTED_SURNAMES), not words.isdisjoint(FREQUENT), words


def lower_pairs(text: str, counts: Counter) -> str:
    """Each pair of a listed given name and a frequent surname next to each other with only spaces between,
    at least one of them in lower case ("mario rossi", "Mario rossi", "MARIO rossi"; two capitalised words are
    :func:`privacy.names.listed_names`'s) (module docstring): ``[NOME]``."""
    words = list(_WORDS.finditer(text))
    out, pos, i = [], 0, 0
    while i + 1 < len(words):
        a, b = words[i], words[i + 1]
        x, y = a.group(), b.group()
        between = text[a.end():b.start()]
        before = re.split("['’]", words[i - 1].group())[-1].lower() if i else ""  # "all'ospedale": "ospedale"
        if between.strip(" \t") == "" and before not in PLACE_WORDS and (x.islower() or y.islower()) and (
                _pair(x := x.lower(), y := y.lower()) or _pair(y, x)):
            out.append(text[pos:a.start()] + "[NOME]")
            pos = b.end()
            counts["NOME"] += 1
            i += 2
            continue
        i += 1
    return "".join(out) + text[pos:] if out else text


#: a listed given name or surname beside a capital's initial ("Antonella P.", "Rossi M.", "M. Rossi", "D'Angelo D.")
_INITIALLED = re.compile(rf"(?<![\w\[.'’])(?P<name>(?:[{UPPER}{LOWER}]['’])?[{UPPER}]?[{LOWER}]+)[ \t]+[{UPPER}{LOWER}]\.(?![\w.])"
                         rf"|(?<![\w.])(?:[{UPPER}]\.[ \t]?|[{LOWER}]\.[ \t])(?P<surname>[{UPPER}]?[{LOWER}]+)(?![\w'’])")


def initialled(text: str, counts: Counter) -> str:
    """A listed given name or a listed surname that is no common word, followed by an initial, or a listed
    surname after one, not after a place's word ("via G. Rossi"): ``[NOME]``, the initial with it. In lower
    case ("rossi m.") the given name must be no ordinary word either."""
    def sub(m: re.Match) -> str:
        before = previous_word(text, m.start())  # a word ending in "." is none: "ospedale. M. Rossi" is a name
        if not before.endswith(".") and re.split("['’.]", before)[-1].lower() in PLACE_WORDS:
            return m.group(0)
        name, surname = m.group("name"), m.group("surname")
        if (name is not None and (name.lower() in LISTED_SURNAMES or (name in _GIVEN if name.islower() else
                                                                        name in GIVEN_NAMES and name.lower() not in STOP))
                or surname is not None and surname.lower() in LISTED_SURNAMES):
            counts["NOME"] += 1
            return "[NOME]"
        return m.group(0)
    return _INITIALLED.sub(sub, text)


#: two words joined by "e" ("Greta e Thiago frequentano la scuola", "Ivo und Anna", "greta e thiago"): two listed
#: given names that are no ordinary word and no place ("Maria e Giuseppe" too: names either way)
#: the words before two names that make them a place's or a church's ("via Mario e Luigi", "Santi Pietro e Paolo")
_BEFORE_PLACE = PLACE_WORDS | {"santi", "ss"}
_JOINED = re.compile(rf"(?<![\w\[.'’])(?P<a>[{UPPER}]?[{LOWER}]+)[ \t]+(?:e|ed|and|und|et|in)[ \t]+(?P<b>[{UPPER}]?[{LOWER}]+)(?![\w'’])")


def joined_names(text: str, counts: Counter) -> str:
    """Two listed given names joined by "e", "and", "und", "et", "in": ``[NOME]`` each, the word between kept;
    not after a place's word ("via Mario e Luigi", "Santi Pietro e Paolo")."""
    def sub(m: re.Match) -> str:
        a, b = m.group("a"), m.group("b")
        if a.lower() not in _GIVEN or b.lower() not in _GIVEN \
                or previous_word(m.string, m.start()).lower().rstrip(".'’") in _BEFORE_PLACE:
            return m.group(0)
        counts["NOME"] += 2
        return "[NOME]" + m.string[m.end("a"):m.start("b")] + "[NOME]"
    return _JOINED.sub(sub, text)
