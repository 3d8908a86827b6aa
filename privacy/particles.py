"""A surname led by a particle after a member of staff, a title or a relative: "l'impiegato Di Martino",
"l'operatrice La Malfa", "mio cognato Lo Presti", "il vigile De Santis".

The passes of :mod:`privacy.first_names` take one capitalised word after such a lead-in, and a particle is a
common word ("Di", "Lo", "La"), so the whole surname was left. :func:`particle_surnames` (``(text, counts) ->
text``) takes the particle and the word after it, ``[NOME]``, when that word may be a name
(:func:`privacy.names.plain_capitalised`: no common word, office or place) and is a listed surname, a listed given
name or no Italian word (:mod:`privacy.lexicon`): "il medico Di Base", "la maestra Di Sostegno", "l'agente Di
Polizia", "il vigile Di Turno" stay. After an article ("Lo", "La", "Li"), which no phrase puts capitalised between a
member of staff and a word, any such word is ("l'impiegato Lo Presti", "l'operatrice La Malfa": "presti", "malfa"
are Italian word forms; round 14); the formal "La" of a letter is followed by a lower-case verb ("l'operatore La
ricontatterà") and stays.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .lexicon import known
from .names import LOWER, UPPER, plain_capitalised
from .pairs import ALL_SURNAMES

_LEAD = (r"(?i:impiegat[oa]|operat(?:ore|rice)|funzionari[oa]|addett[oa]|sportellista|medico|dottor(?:essa)?|infermier[ae]"
         r"|vigile(?:ssa)?|agente|maestr[ao]|insegnante|professor(?:e|essa)|assistente(?:\s+sociale)?|dirigente"
         r"|responsabile|dirett(?:ore|rice)|sindac[oa]|assessore|avvocat(?:o|essa)|signor[ae]?|signorina|tecnic[oa]"
         r"|(?:mio|mia)\s+(?:marito|moglie|cognat[oa]|suocer[oa]|genero|nuora|vicin[oa]|compagn[oa]))")
_PARTICLE = r"(?:Di|De|Del|Della|Dello|Lo|La|Li|Da|Dal|Dalla)"
_PARTICLED_RE = re.compile(rf"(?<!\w){_LEAD}[ \t]+(?P<name>{_PARTICLE}[ \t]+(?P<word>[{UPPER}][{LOWER}]+))(?![\w'’])")
#: the gate: a particle, capitalised, after a space (substring tests, no search)
GATE = tuple(f" {p} " for p in _PARTICLE[3:-1].split("|"))


def particle_surnames(text: str, counts: Counter) -> str:
    """Each particle and surname after a member of staff, a courtesy title or a relative (module docstring): ``[NOME]``."""
    out, pos = [], 0
    for m in _PARTICLED_RE.finditer(text):
        word = m.group("word")
        low = word.lower()
        if plain_capitalised(word) and (low in ALL_SURNAMES or word in GIVEN_NAMES or not known(low)
                                        or m.group("name")[:2] in ("Lo", "La", "Li")):
            out.append(text[pos:m.start("name")] + "[NOME]")
            pos = m.end("name")
            counts["NOME"] += 1
    return "".join(out) + text[pos:] if out else text
