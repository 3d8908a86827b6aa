"""Where the writer comes from, said right after a name, and the words said of a lady after "la signora" that are
no name: both were read as part of a name (round 16).

- **A town after a name** (:func:`origin_cut`, :func:`from_place`): "di" or "da" and one of the largest places of
  :data:`privacy.names.PLACES` end the name before them — "SONO GIULIA DI ROMA", "sono giulia di roma", "Sono Marco
  Rossi di Milano", "la signora bianchi di milano" took "di Roma" with the name. The particle must be written in lower
  case or in capitals, as said of a town: a capitalised "Di" before it leads a surname ("Sono Giulia Di Roma" is still
  one name), and "di stefano", "DI STEFANO" are surnames as before.
- **What a lady is like** (:func:`said_of_her`): after the full word "signora" a given name that is also an adjective
  ("bianca", "franca", "bruna", "celeste", :data:`privacy.word_forms.WORD_NAMES`) before "di", "nel", "in", … and a
  common word is the adjective: "la signora bianca di capelli", "la signora franca nel parlare" stay; "la signora
  rosa del piano di sopra", "la signora rosa di milano" are still hers. Round 17: any word the lexicon knows that may
  agree with her (in -a or -e) and is no listed surname or given name, too ("la signora bionda di ieri", "la signora
  rossa di rabbia"; "la signora basso di ieri", "la signora costa di milano" are still hers).

Pure functions over strings and word lists: no pattern is tried unless the caller's own pattern found a name.
"""
from __future__ import annotations

import re

from .given_names import GIVEN_NAMES
from .lexicon import lemma
from .shouted import frank_after_sono, word_pair  # noqa: F401 — word_pair for privacy.names, at its length limit
from .surnames import FREQUENT, NOUN_SURNAMES, SURNAMES
from .word_forms import WORD_NAMES, caps_name_cut

#: the particles that say where from, in lower case or in capitals (a capitalised "Di" leads a surname)
ORIGIN_PARTICLES = frozenset("di da DI DA".split())
#: a particle and a word inside a run of words: where :func:`origin_cut` looks
_PARTICLE_WORD = re.compile(r"(?<=\s)(?:di|da|DI|DA)[ \t]+(?P<word>\S+)")
#: what follows an adjective said of a lady: "di capelli", "nel parlare", "in viso", "per natura"
_PLACE_AFTER = re.compile(r"[ \t]+(?:di|da|DI|DA)[ \t]+(?P<place>[^\W\d_]+)")
_SAID_OF_HER = re.compile(r"[ \t]+(?i:di|nel|nella|nei|negli|in|per)[ \t]+(?P<word>[a-zà-ÿ]+)(?![\w'’])", re.I)


def from_place(words: list[str], i: int, places: frozenset[str]) -> bool:
    """Whether ``words[i]`` is a particle of where from ("di", "da", in lower case or capitals) and ``words[i + 1]``
    one of ``places`` (:data:`privacy.names.PLACES`): the name ends before ``words[i]``."""
    return words[i] in ORIGIN_PARTICLES and i + 1 < len(words) and words[i + 1].strip(",.;:!?").capitalize() in places


def origin_cut(run: str, places: frozenset[str]) -> int | None:
    """The offset in ``run`` (a name's words after a lead-in, its first word always kept) where a particle of where
    from and one of ``places`` start, or None: "Giulia di Roma" → 7, "GIULIA DI ROMA" → 7, "Giulia Di Roma" → None."""
    for m in _PARTICLE_WORD.finditer(run):
        if m.group("word").strip(",.;:!?").capitalize() in places:
            return m.start()
    return None


def name_end(run: str, caps: bool, places: frozenset[str]) -> int | None:
    """Where the name ends in ``run`` (the words after a lead-in of :func:`privacy.names.names`; ``caps``: a run in
    capitals, cut by :func:`privacy.word_forms.caps_name_cut` too): the first of the cuts, or None."""
    cuts = [c for c in (caps_name_cut(run) if caps else None, origin_cut(run, places)) if c is not None]
    return min(cuts) if cuts else None


def said_of_her(word: str, text: str, end: int, places: frozenset[str]) -> bool:
    """Whether ``word`` (the first word after the full "signora", ending at ``end`` in ``text``) is an adjective said of
    her: a given name that is also a word, then "di", "nel", "in", … and a common word that is no name, no listed
    surname and none of ``places`` (:data:`privacy.names.PLACES`) — "bianca di capelli", "franca nel parlare"."""
    low = word.lower()
    if low not in WORD_NAMES and (low in FREQUENT or low in NOUN_SURNAMES or low.capitalize() in GIVEN_NAMES
                                  or not low.endswith(("a", "e")) or lemma(low) is None):
        return False  # round 17: any adjective the lexicon knows that agrees with her, "la signora bionda di ieri"
    m = _SAID_OF_HER.match(text, end)
    if m is None:
        return False
    after = m.group("word").lower()
    if after in FREQUENT or after in SURNAMES or after.capitalize() in GIVEN_NAMES or after.capitalize() in places:
        return False
    return lemma(after) is not None


def hers_from(word: str, text: str, end: int, places: frozenset[str]) -> bool:
    """Whether ``word`` (the first word after the full "signora", ending at ``end`` in ``text``) is a given name that is
    also a word, then "di" or "da" and one of ``places``: her name and where she is from ("la signora rosa di milano",
    round 17), where the ending alone ("rosa" as "nervosa") read an adjective said of her."""
    if word.lower() not in WORD_NAMES or word.capitalize() not in GIVEN_NAMES:
        return False
    m = _PLACE_AFTER.match(text, end)
    return m is not None and m.group("place").capitalize() in places


def refused_in_caps(m: re.Match, words: list[str], text: str, places: frozenset[str]) -> bool:
    """Whether the candidate ``words`` in capitals (the ``caps`` group of ``m``, a match of the lead-ins of
    :func:`privacy.names.names` in ``text``) is what the same comment in lower case keeps (round 17): after "SIGNORA"
    what is said of her (:func:`said_of_her`: "LA SIGNORA BIANCA DI CAPELLI"; "LA SIGNORA ROSA DI MILANO" is still
    hers), "FRANCO" alone after "SONO" before a colon (:func:`privacy.shouted.frank_after_sono`); ``places``:
    :data:`privacy.names.PLACES`."""
    if m.group("lead").strip().lower().endswith("signora"):
        return said_of_her(words[0], text, m.start("caps") + len(words[0]), places)
    return frank_after_sono(m.group("lead"), words, text, m.end("caps"))
