"""A house on a numbered road, told by the road's kilometre: "abito sulla SS 113 km 25", "residente in statale 106
al km 12,5", "casa mia è al km 3 della sp 45", "SP 12 km 4+200" — how an address is written in the country, where
a house on a state or provincial road has no street and no civic number (round 15).

:func:`kilometres` is ``(text, counts) -> text`` like the other finders: the road and its kilometre become one
``[INDIRIZZO]``, the words around kept. Only where the comment says someone lives or is at home there — a word of
dwelling (:data:`_HOME`) in its sentence, in the sixty characters before it: "abito", "residente", "vivo", "casa
mia", "domicilio", "indirizzo". A road's kilometre in a traffic report or a complaint about the road has no house on it and stays ("la
SS 113 è chiusa al km 25", "incidente sulla statale 16 al km 30", "ho fatto 25 km"). Callers gate on "km" or
"chilometro" and a digit; each pattern then starts at a kilometre's word only.
"""
from __future__ import annotations

import re
from collections import Counter

#: a numbered road: "SS 113", "S.S. 113", "SP12", "strada statale 16", "statale 106", "provinciale n. 45", "SS 106 bis"
_ROAD = (r"(?:(?:strada\s+)?(?:statale|provinciale|regionale|comunale)|s\.?\s?[spr]\.?(?=[\s\d]))\s*(?:n\.?|n°)?\s*\d{1,4}"
         r"(?:\s*(?:bis|ter|dir|var)\b)?")
#: a kilometre: "km 25", "km. 12,5", "al km 4+200", "chilometro 3"
_KM = r"(?:km\.?|chilometro|kilometro)\s*\d{1,3}(?:\s*[,.+]\s*\d{1,3})?(?!\d)"
_ROAD_KM_RE = re.compile(rf"(?<![\w.]){_ROAD}\s*,?\s*(?:al\s+)?{_KM}", re.I)
_KM_ROAD_RE = re.compile(rf"(?<![\w.]){_KM}\s+(?:(?:della|sulla|di|sulla\s+strada|della\s+strada)\s+)?{_ROAD}(?![\w])", re.I)
#: what says a house is meant (lower-cased text, the sixty characters before the road)
_HOME = ("abit", "resid", "vivo ", "viviamo", "casa mia", "mia casa", "nostra casa", "casa nostra", "casa è", "casa e'",
         "casa si trova", "casa sta", "domicil", "indirizz", "recapito")
#: a house near the road, or far from it, is not on it ("abito vicino al km 25 della SS 113")
_NEAR = re.compile(r"vicin|lontan|dista|prima\s+del|dopo\s+(?:il|al)")
#: a sentence's end: the dwelling word must be in the road's sentence ("sono tornato a casa. La SS 106 …")
_STOP = re.compile(r"[.!?;\n](?=\s)")


def _last(matches):
    last = None
    for last in matches:
        pass
    return last


def kilometres(text: str, counts: Counter) -> str:
    """Each road and kilometre a house is on (module docstring): ``[INDIRIZZO]``."""
    low = text.lower()
    spans = []
    for rx in (_ROAD_KM_RE, _KM_ROAD_RE):
        for m in rx.finditer(text):
            before = low[max(0, m.start() - 60):m.start()]
            before = before[stop.end():] if (stop := _last(_STOP.finditer(before))) else before
            if any(w in before for w in _HOME) and not _NEAR.search(before) \
                    and not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "[INDIRIZZO]" + text[end:]
        counts["INDIRIZZO"] += 1
    return text
