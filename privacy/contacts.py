"""Ways to reach a person: e-mail addresses (also obfuscated), phone numbers, street addresses.

Each finder is ``(text, counts) -> text`` like those of :mod:`privacy.identifiers`.
"""
from __future__ import annotations

import re
from collections import Counter

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from .identifiers import scan

# --- e-mail -----------------------------------------------------------------------------------------
_AT = (r"(?:\s?(?:@|%40)\s?"                                               # a@b, a @ b, a%40b
       r"|\s*[(\[{<]\s*(?:at|@|chiocciola)\s*[)\]}>]\s*"                   # a(at)b, a [at] b, a{chiocciola}b
       r"|\s+(?:at|chiocciola)\s+)")                                       # a at b dot it
_DOT = (r"(?:\.|\s\.\s"
        r"|\s*[(\[{<]\s*(?:dot|punto)\s*[)\]}>]\s*"
        r"|\s+(?:dot|punto)\s+)")
_EMAIL_RE = re.compile(rf"(?<![\w.+\-])[\w.+\-]*\w{_AT}\w[\w\-]*(?:{_DOT}[\w\-]+)*{_DOT}[a-z]{{2,24}}(?![\w@])", re.I)


def emails(text: str, counts: Counter) -> str:
    text, n = _EMAIL_RE.subn("[EMAIL]", text)
    if n:
        counts["EMAIL"] += n
    return text


# --- phone numbers ----------------------------------------------------------------------------------
#: a match ending in "/2024" is a protocol or file number ("prot. 0123456/2024"), not a phone.
_FILE_NUMBER = re.compile(r".*/(?:19|20)\d\d")


def phones(text: str, counts: Counter) -> str:
    """Phone numbers valid in the Italian numbering plan (or international with ``+``/``00``).

    Google's libphonenumber (``phonenumbers``) finds them in every common grouping — spaces,
    dots, dashes, slashes, ``(06)``, ``+39 (0)6``, ``0039`` — and validates them against the
    numbering plan, which is what keeps dates, times, amounts and years out.
    """
    out, pos = [], 0
    for m in PhoneNumberMatcher(text, "IT", leniency=Leniency.VALID):
        if _FILE_NUMBER.fullmatch(m.raw_string):
            continue
        start = m.start
        if start > 0 and text[start - 1] == "+":  # the matcher leaves a "+" in "++39…" or "tel.+39"
            start -= 1
        out.append(text[pos:start] + "[PHONE]")
        pos = m.end
        counts["PHONE"] += 1
    return "".join(out) + text[pos:] if out else text


# --- street addresses ---------------------------------------------------------------------------------
_STREET = (r"(?i:via|viale|v\.\s?le|piazza|p\.\s?zza|p\.\s?za|piazzale|p\.\s?le|piazzetta|corso|c\.\s?so|largo|vicolo"
           r"|vico|strada|contrada|c\.\s?da|località|loc\.|borgo|lungomare|lungotevere|lungarno|salita|traversa"
           r"|circonvallazione|galleria|calle|fondamenta|rione|frazione|fraz\.)")
_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿ"
_PARTICLE = r"(?:d[ae]l(?:l[ao'’]|l[ie]|gli)?|de[ig]?|di|da|dei|degli|delle|della|dello|d['’]|san|santa|sant['’]|s\.)"
_CAP_WORD = rf"(?:[{_UP}][{_LOW}]*(?:['’][{_UP}{_LOW}]+)?|[{_UP}]\.|[IVXL]{{1,5}})"
#: the street name: capitalised words, particles, numbers in names ("4 Novembre", "XX Settembre").
_CAP_NAME = (rf"(?:{_PARTICLE}\s*)?(?:{_CAP_WORD}|\d{{1,2}}(?=\s+[{_UP}]))"
             rf"(?:\s+(?:{_PARTICLE}\s*)?(?:{_CAP_WORD}|\d{{1,2}}(?=\s+[{_UP}]))){{0,5}}")
_LOW_NAME = rf"[{_LOW}{_UP}][{_LOW}{_UP}'’]*(?:\s+[{_LOW}{_UP}][{_LOW}{_UP}'’]*){{0,4}}"
_CIVIC_MARK = r"(?i:n\.|n°|nr\.?|numero|civico)"
_CIVIC = r"(?P<num>\d{1,4})(?:\s?/\s?[A-Za-z0-9]{1,3}|[A-Za-z](?![A-Za-z])|\s+bis\b)?"
#: a number that counts something, not a civic number ("via web 2 volte", "corso Excel 12 ore").
_NOT_CIVIC = (r"(?!\s*(?i:volt[ae]|minut[oi]|or[ae]\b|giorn[oi]|mes[ei]|ann[oi]|settiman[ae]|euro|€|%|km|metri|m\b"
              r"|persone|pagine|stelle|punti|su\s+\d))(?![.,:]\d)")
_ADDRESS_RE = re.compile(
    rf"(?<![\w]){_STREET}\s+(?:{_CAP_NAME},?\s*(?:{_CIVIC_MARK}\s*)?|{_LOW_NAME}(?:,\s*{_CIVIC_MARK}?|\s+{_CIVIC_MARK})\s*)"
    rf"{_CIVIC}{_NOT_CIVIC}")


def addresses(text: str, counts: Counter) -> str:
    """Street addresses with a civic number: ``via Roma 12``, ``Piazza G. Garibaldi, 3/B``,
    ``viale XX Settembre n. 45``, ``via dei mille, 7``. A lower-case street name needs a comma or
    ``n.`` before the number ("via web 2 volte" stays); a year without ``n.`` is not a civic number."""
    def accept(m: re.Match) -> bool:
        num = m.group("num")
        return not (len(num) == 4 and num[:2] in ("19", "20") and not re.search(_CIVIC_MARK, m.group(0)))
    return scan(_ADDRESS_RE, text, "INDIRIZZO", accept, counts)


__all__ = ["emails", "phones", "addresses", "phonenumbers"]
