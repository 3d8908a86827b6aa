"""A codice fiscale spelled letter by letter in words, as a comment dictated by voice or typed by someone
reading it out writes it: "erre esse esse emme erre a otto cinque ti uno zero a cinque sei due esse", with
the digits in words or in figures, grouped ("ottantacinque", "dieci", "cinquecentosessantadue", "85"), and
a letter named by a word ("erre come Roma").

:func:`spelled_codes` is ``(text, counts) -> text`` like the other finders: the stretch of words whose
letters and digits, read in order, are a person's codice fiscale (:func:`privacy.identifiers.cf_is_person`:
birth date and place valid, the check character may be wrong or missing) becomes ``[CF]``, the words around
kept. Nothing else is taken: a run of letter names that is no valid code ("a di e", "ti di") stays.
:data:`GATE` is the cheap test before it (lower-cased text padded with a space at each end).
"""
from __future__ import annotations

import re
from collections import Counter

from stdnum.it import codicefiscale

from .identifiers import cf_is_person
from .spoken import MORPHEMES as _DIGIT_MORPHEMES, number_value

#: the Italian names of the letters (and the spoken forms of those with two words)
_LETTERS = {"a": "A", "bi": "B", "ci": "C", "di": "D", "e": "E", "effe": "F", "gi": "G", "acca": "H", "i": "I",
            "i lunga": "J", "gei": "J", "cappa": "K", "kappa": "K", "elle": "L", "emme": "M", "enne": "N", "o": "O",
            "pi": "P", "cu": "Q", "erre": "R", "esse": "S", "ti": "T", "u": "U", "vu": "V", "vi": "V", "vu doppia": "W",
            "doppia vu": "W", "doppia v": "W", "ics": "X", "ipsilon": "Y", "i greca": "Y", "zeta": "Z"}
_LETTER = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _LETTERS), key=len, reverse=True))
#: one spoken character or group: a letter's name or a single letter (with "come Roma" after it), a number word, digits
_TOKEN = (rf"(?:(?:{_LETTER}|[a-z])(?:\s+come\s+[^\W\d_]+)?|(?:{_DIGIT_MORPHEMES})+|\d{{1,3}})")
_RUN_RE = re.compile(rf"(?<![^\W_]){_TOKEN}(?:[ \t,.\-/]+{_TOKEN}){{8,30}}(?![^\W_])", re.I)
_PIECE = re.compile(rf"(?P<tok>{_TOKEN})(?![^\W_])", re.I)
_SPACES = re.compile(r"\s+")

#: the letter names a spelled code almost always holds one of (its consonants, its month letter): the gate — with the
#: short ones that are no Italian word, for a code of only short names ("bi ti ti gi pi pi …", round 15), and a long
#: one run into the one before ("erreesseesseemme…"); substring tests of the lower-cased text padded with a space at
#: each end (no search: the gates of a plain comment are counted, tests/test_redact.py)
_GATE_NAMES = ("esse", "erre", "emme", "enne", "effe", "elle", "zeta", "acca", "cappa", "kappa", "ics", "ipsilon", "doppia")
GATE = tuple(f" {w}{end}" for w in _GATE_NAMES for end in (" ", ",")) + (" bi ", " gi ", " pi ", " vu ", " cu ") + tuple(
    f"e{w}" for w in ("esse", "erre", "emme", "enne", "effe", "elle"))
#: letter names written together as one word ("erreesseesseemmeerrea"): five of them at least, read apart
_GLUED_RE = re.compile(r"(?<![^\W_])(?:erre|esse|emme|enne|effe|elle|zeta|acca|ics|bi|ci|di|gi|pi|ti|vu|cu|[aeiou]){5,}(?![^\W_])",
                       re.I)
_GLUED_PIECE = re.compile(r"erre|esse|emme|enne|effe|elle|zeta|acca|ics|bi|ci|di|gi|pi|ti|vu|cu|[aeiou]", re.I)


def _chars(token: str) -> str | None:
    """The characters a spoken token stands for: "erre" "R", "erre come Roma" "R", "ottantacinque" "85", "562"."""
    low = _SPACES.sub(" ", token.lower())
    head, _, _ = low.partition(" come ")
    if head in _LETTERS:
        return _LETTERS[head]
    if head.isdigit():
        return head
    if len(head) == 1 and head.isalpha():
        return head.upper()
    value = number_value(head)
    return None if value is None else str(value)


def _check_letter(piece: tuple[int, int, str | None], code: str) -> bool:
    """Whether the 16th character is the code's own: a letter's name ("esse"), or a one-letter word ("e", "a") only
    when it is the right check character (else it is the conjunction after the code: "… cinque sei due e basta")."""
    start, end, _ = piece
    return end - start > 1 or codicefiscale.calc_check_digit(code[:15]) == code[15]


def spelled_codes(text: str, counts: Counter) -> str:
    """Each codice fiscale spelled in words (module docstring): ``[CF]``. Letter names written together
    ("erreesseesseemmeerrea ottantacinque …") are read apart; the result counts only when each such word falls inside
    a code taken (else the text is left as written)."""
    if _GLUED_RE.search(text) is not None:
        glued = [m.span() for m in _GLUED_RE.finditer(text)]
        apart = _GLUED_RE.sub(lambda m: _apart(m.group()), text)
        more = Counter()
        out = _spelled(apart, more)
        if more and not any(_apart(text[a:b]) in out for a, b in glued):
            counts.update(more)
            return out
    return _spelled(text, counts)


def _apart(word: str) -> str:
    return " ".join(p.group() for p in _GLUED_PIECE.finditer(word))


def _spelled(text: str, counts: Counter) -> str:
    spans = []
    for run in _RUN_RE.finditer(text):
        pieces = [(p.start(), p.end(), _chars(p.group("tok"))) for p in _PIECE.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(pieces):
            code, best = "", None
            for j in range(i, len(pieces)):
                chars = pieces[j][2]
                if chars is None:
                    break
                code += chars
                if len(code) > 16:
                    break
                if len(code) in (15, 16) and cf_is_person(code) and (len(code) == 15 or _check_letter(pieces[j], code)):
                    best = j
            if best is None:
                i += 1
                continue
            spans.append((pieces[i][0], pieces[best][1]))
            i = best + 1
    for start, end in reversed(spans):
        text = text[:start] + "[CF]" + text[end:]
        counts["CF"] += 1
    return text
