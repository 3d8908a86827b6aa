"""Remove personal data from free text before anything is written (privacy by design).

Each match is replaced by a typed placeholder and counted per type:

- ``[EMAIL]`` e-mail addresses;
- ``[IBAN]`` IBANs (any country, 15–34 characters, spaces allowed every four) whose ISO 13616
  mod-97 check holds;
- ``[CF]`` codici fiscali of natural persons whose check character is right, including the
  *omocodia* variants (digits replaced by ``LMNPQRSTUV`` when two people share a code);
- ``[PIVA]`` partite IVA: 11 digits (optionally ``IT``-prefixed) whose last digit is the right
  check digit (the Luhn-like algorithm of DM 23/12/1976);
- ``[PHONE]`` Italian phone numbers: mobiles ``3xx``, landlines ``0x…``, optionally with
  ``+39``/``0039``, grouped by spaces, dots, dashes or slashes; toll-free ``800``/``803``;
- ``[NOME]`` names after "mi chiamo", "sono", "il mio nome è" (and "io sono", "firmato"): one to
  three capitalised words that follow the phrase.

**False-positive policy.** The check digits are the filter: a 16-character string shaped like a
codice fiscale, an IBAN-shaped string or an 11-digit number is replaced only when its check
holds. A random string passes the CF check with probability 1/26 and an 11-digit number the
P.IVA check with 1/10; the cost of such a false positive is one lost token of a comment, while
the shapes with a wrong check are mostly practice numbers, protocol numbers and typos that carry
meaning for the analysis ("pratica 12345678901"). The name heuristic is deliberately narrow
(only after the phrases, only capitalised words, a small stop list of capitalised adjectives and
institutions that follow "sono" at the start of a sentence): a name written in lower case, or
without the phrase, is not caught; comments are also limited to 500 characters and reviewed by
statisticians only in aggregate. Phone numbers have no check digit: any digit group in an Italian
numbering shape is replaced (a false positive costs a number in a comment, never a count).
"""
from __future__ import annotations

import re
from collections import Counter

PLACEHOLDERS = ("CF", "EMAIL", "PHONE", "IBAN", "PIVA", "NOME")

# --- codice fiscale ------------------------------------------------------------------------------
_OMO = "LMNPQRSTUV"  # omocodia: digit d may be replaced by _OMO[d]
_D = f"[0-9{_OMO}]"
_CF_RE = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z]{{6}}{_D}{{2}}[ABCDEHLMPRSTabcdehlmprst]{_D}{{2}}[A-Za-z]{_D}{{3}}"
                    rf"[A-Za-z](?![A-Za-z0-9])".replace(_OMO, _OMO + _OMO.lower()))
_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                 12, 14, 16, 10, 22, 25, 24, 23]))
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}


def cf_is_valid(code: str) -> bool:
    """True when ``code`` (16 characters, any case) is a codice fiscale with the right check letter."""
    code = code.upper()
    if len(code) != 16 or not code.isalnum():
        return False
    total = sum((_ODD if i % 2 == 0 else _EVEN)[c] for i, c in enumerate(code[:15]))
    return chr(65 + total % 26) == code[15]


# --- IBAN ------------------------------------------------------------------------------------------
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")


def iban_is_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if not 15 <= len(s) <= 34 or not s.isalnum():
        return False
    if s.startswith("IT") and len(s) != 27:
        return False
    digits = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(digits) % 97 == 1


def _ibans(text: str, counts: Counter) -> str:
    """Replace the longest valid IBAN at each candidate start (groups separated by single spaces)."""
    out, pos = [], 0
    for m in _IBAN_START.finditer(text):
        if m.start() < pos:
            continue
        ends, chars, i = [], 4, m.end()
        while i < len(text) and chars < 34:
            if text[i] == " " and i + 1 < len(text) and text[i + 1].isalnum() and text[i - 1] != " ":
                i += 1
                continue
            if not (text[i].isascii() and text[i].isalnum()):
                break
            i, chars = i + 1, chars + 1
            if chars >= 15 and (i == len(text) or not (text[i].isascii() and text[i].isalnum())):
                ends.append(i)
        for end in reversed(ends):
            if iban_is_valid(text[m.start():end]):
                out.append(text[pos:m.start()] + "[IBAN]")
                pos = end
                counts["IBAN"] += 1
                break
    return "".join(out) + text[pos:]


# --- partita IVA ---------------------------------------------------------------------------------
_PIVA_RE = re.compile(r"(?<![A-Za-z0-9])(?:IT[ ]?)?(\d{11})(?![0-9])", re.I)


def piva_is_valid(number: str) -> bool:
    if len(number) != 11 or not number.isdigit() or number == "0" * 11:
        return False
    total = 0
    for i, ch in enumerate(number[:10]):
        d = int(ch)
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return (10 - total % 10) % 10 == int(number[10])


# --- e-mail, phone -------------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SEP = r"[ .\-/]?"
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)39" + _SEP + r")?"
    r"(?:3\d{2}" + _SEP + r"\d{3}" + _SEP + r"\d{3,4}"                                  # mobile 3xx xxx xxxx
    r"|0\d{1,3}" + _SEP + r"\d{2,4}(?:" + _SEP + r"\d{2,4}){0,2}"                        # landline 0x…
    r"|80[03]" + _SEP + r"\d{3}" + _SEP + r"\d{3})"                                      # toll free
    r"(?![\w])")
_DATE_RE = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")


def _phones(text: str, counts: Counter) -> str:
    def sub(m: re.Match) -> str:
        found = m.group(0)
        digits = sum(c.isdigit() for c in found)
        if _DATE_RE.fullmatch(found) or not 6 <= digits <= 15:
            return found  # a date (03/12/2024) or too short/long to be a number
        counts["PHONE"] += 1
        return "[PHONE]"
    return _PHONE_RE.sub(sub, text)


# --- names after a phrase --------------------------------------------------------------------------
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]*['’])?[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+"
_NAME_RE = re.compile(
    r"(?P<lead>\b(?:[Mm]i\s+chiamo|[Ii]l\s+mio\s+nome\s+(?:è|e'|e’)|(?:[Ii]o\s+)?[Ss]ono|[Ff]irmato)[:,]?\s+)"
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:(?:de|di|del|della|da|van|von)\s+)?{_NAME_WORD}){{0,2}})")
#: capitalised words that often follow "Sono" and are not names (checked on the first word only).
_NOT_NAMES = {
    "Molto", "Poco", "Abbastanza", "Davvero", "Stato", "Stata", "Stati", "State", "Soddisfatto", "Soddisfatta",
    "Contento", "Contenta", "Deluso", "Delusa", "Riuscito", "Riuscita", "Un", "Una", "Uno", "Il", "La", "Lo",
    "Gli", "Le", "In", "Da", "Di", "Per", "Con", "Tutti", "Tutto", "Ancora", "Già", "Sempre", "Mai", "Qui",
    "Nato", "Nata", "Residente", "Cittadino", "Cittadina", "Pensionato", "Pensionata", "Inps", "Inail",
    "Comune", "Regione", "Italiano", "Italiana", "Non", "Ok", "Grazie",
}


def _names(text: str, counts: Counter) -> str:
    def sub(m: re.Match) -> str:
        words = m.group("name").split()
        if words[0] in _NOT_NAMES:
            return m.group(0)
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]"
    return _NAME_RE.sub(sub, text)


def _checked(pattern: re.Pattern, kind: str, valid, text: str, counts: Counter, group: int = 0) -> str:
    def sub(m: re.Match) -> str:
        if not valid(m.group(group)):
            return m.group(0)
        counts[kind] += 1
        return f"[{kind}]"
    return pattern.sub(sub, text)


def redact(text: str) -> tuple[str, Counter]:
    """Return ``text`` with personal data replaced, and the count of replacements per type.

    Order matters: the checked identifiers go first (an IBAN contains digit runs a phone pattern
    would take), names last (so "sono RSSMRA85T10A562S" is a ``[CF]``, not a name).
    """
    counts: Counter = Counter()
    text, n = _EMAIL_RE.subn("[EMAIL]", text)
    if n:
        counts["EMAIL"] += n
    text = _ibans(text, counts)
    text = _checked(_CF_RE, "CF", cf_is_valid, text, counts)
    text = _checked(_PIVA_RE, "PIVA", piva_is_valid, text, counts, group=1)
    text = _phones(text, counts)
    text = _names(text, counts)
    return text, counts


def redact_bytes(value: bytes | None) -> bytes | None:
    """Redact a raw record value kept for replay (``failed/``): UTF-8 text is scrubbed as text.

    JSON stays JSON: the placeholders contain no quote or backslash, and no pattern matches across
    one. A value that is not UTF-8 is kept as it is (it cannot be replayed as text anyway).
    """
    if value is None:
        return None
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return value
    return redact(text)[0].encode("utf-8")
