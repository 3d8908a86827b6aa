"""Phone numbers in free text: those of the Italian numbering plan (libphonenumber) in every grouping,
and those spelled out in words, wholly or partly ("tre tre otto 1234567"); a service's number stays
(toll-free, shared-cost, premium-rate, a municipality's contact centre)."""
from __future__ import annotations

import re
from collections import Counter

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from .identifiers import scan

# --- phone numbers ----------------------------------------------------------------------------------
#: a match ending in "/2024" is a protocol or file number ("prot. 0123456/2024"), not a phone.
_FILE_NUMBER = re.compile(r".*/(?:19|20)\d\d")


#: the numbers of a service, never of a person: toll-free ("numero verde 800 …", "803 164"), shared-cost
#: ("848 …") and premium-rate ("199 …") — the contact centre a comment is about ("ho chiamato il numero
#: verde 800 123 456 e nessuno risponde") stays readable.
_SERVICE_NUMBERS = frozenset((phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
                              phonenumbers.PhoneNumberType.PREMIUM_RATE))
#: the contact centres of the largest municipalities and of the national institutes, ordinary landline numbers by
#: their shape ("ho chiamato lo 06 06 06": Roma Capitale; "lo 02 02 02": Milano; "06 164164": INPS from a mobile;
#: "06 6001": INAIL from a mobile): a service's number, kept as the toll-free ones
_PUBLIC_NUMBERS = frozenset(("060606", "020202", "06164164", "066001"))


#: a Rome or Milan landline of six digits in all ("06 6008", "02 8888"): a homes' line there has eight digits or more
#: (round 20: "ho chiamato lo 06 6008 per ore" lost its number), so such a short one is an office's switchboard
_SHORT_CITY = ("06", "02")


def _service(number: phonenumbers.PhoneNumber) -> bool:
    """A number of a service, not of a person: toll-free, shared-cost, premium-rate, or a municipality's."""
    if phonenumbers.number_type(number) in _SERVICE_NUMBERS:
        return True
    national = phonenumbers.national_significant_number(number)
    return national in _PUBLIC_NUMBERS or len(national) <= 6 and national[:2] in _SHORT_CITY


#: a chain of three digit groups or more ("06 1234 5678 10", "02.8765.4321 45 2025"): libphonenumber reads
#: it whole, finds no valid number in it and gave up (the phone kept) or took its tail ("4321 45 2025")
_CHAIN = re.compile(r"(?<![\w+.\-/])(?<!\d[ .\-/])(?:\+|00)?\d{1,10}(?:[ .\-/]\d{1,10}){2,5}(?![ .\-/]?\d)(?!\w)")


#: what follows a number that counts ("3 volte", "12 mesi fa", "2 ore")
_COUNTED_AFTER = re.compile(r"\s*(?i:volt[ae]|mes[ei]|or[ae]\b|giorn[oi]|minut[oi]|ann[oi]|settiman[ae]|euro|€|%|times|mal\b)")


def _phone_prefix(chain: str) -> int:
    """The length of the longest run of ``chain``'s first digit groups that is a valid phone number of
    a person (six digits at least), when the whole chain is not one; 0 if none."""
    ends = [g.end() for g in re.finditer(r"\d+", chain)]
    for end in reversed(ends[:-1]):
        head = chain[:end]
        if sum(c.isdigit() for c in head) < 6:
            break
        try:
            number = phonenumbers.parse(head, "IT")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return end if not _service(number) else 0
    return 0


def _chained_phones(text: str, counts: Counter) -> str:
    out, pos = [], 0
    for m in _CHAIN.finditer(text):
        chain = m.group()
        counted = _COUNTED_AFTER.match(text, m.end()) is not None  # "333 1234567 3 volte": 3 counts
        try:
            if not counted and phonenumbers.is_valid_number(phonenumbers.parse(chain, "IT")):
                continue  # the whole chain is a number: the matcher takes it
        except phonenumbers.NumberParseException:
            pass
        end = _phone_prefix(chain)
        if end and not _FILE_NUMBER.fullmatch(chain[:end]):
            out.append(text[pos:m.start()] + "[PHONE]")
            pos = m.start() + end
            counts["PHONE"] += 1
    return "".join(out) + text[pos:] if out else text


_UNDERSCORED = re.compile(r"(?<=\d)_(?=\d)")


def phones(text: str, counts: Counter) -> str:
    """Phone numbers valid in the Italian numbering plan (or international with ``+``/``00``).

    Google's libphonenumber (``phonenumbers``) finds them in every common grouping — spaces,
    dots, dashes, slashes, ``(06)``, ``+39 (0)6``, ``0039`` — and validates them against the
    numbering plan, which is what keeps dates, times, amounts and years out. Toll-free, shared-cost
    and premium-rate numbers (:data:`_SERVICE_NUMBERS`) are a service's, not a person's: they stay.
    """
    text = _chained_phones(text, counts)  # "06 1234 5678 10 volte": the number, not the count after it
    out, pos = [], 0
    # an underscore between digits groups them as a space does ("345_1234567"): read so, same length, same places
    read = _UNDERSCORED.sub(" ", text) if "_" in text else text
    for m in PhoneNumberMatcher(read, "IT", leniency=Leniency.VALID):
        if _FILE_NUMBER.fullmatch(m.raw_string) or _service(m.number):
            continue
        start = m.start
        if start > 0 and text[start - 1] == "+":  # the matcher leaves a "+" in "++39…" or "tel.+39"
            start -= 1
        out.append(text[pos:start] + "[PHONE]")
        pos = m.end
        counts["PHONE"] += 1
    return "".join(out) + text[pos:] if out else text


#: a number spelled out digit by digit ("tre tre tre, uno due tre, quattro cinque sei sette"): nine to
#: thirteen digit words in a row are a phone number (nobody spells out anything else that long)
_DIGIT_WORD = r"(?:zero|uno|due|tre|quattro|cinque|sei|sette|otto|nove)"
_SPELLED_PHONE_RE = re.compile(rf"(?<!\w)(?i:{_DIGIT_WORD}(?:[ \t,.\-]+{_DIGIT_WORD}){{8,12}})(?!\w)")


#: digit words and digit groups mixed ("tre tre otto 1234567", "333 uno due tre quattro cinque sei sette",
#: "tre quattro sette 123 45 67"): taken when their digits, read in order, are a valid phone number of a person
_MIXED_PHONE_RE = re.compile(rf"(?<![\w+])(?:(?i:{_DIGIT_WORD})|\d{{1,8}})(?:[ \t,.\-/]+(?:(?i:{_DIGIT_WORD})|\d{{1,8}})){{1,12}}(?!\w)")
_DIGIT_OF = {w: str(i) for i, w in enumerate("zero uno due tre quattro cinque sei sette otto nove".split())}
_DIGIT_WORD_RE = re.compile(rf"(?i:{_DIGIT_WORD})|\d+")


def _mixed_phone(m: re.Match) -> bool:
    tokens = _DIGIT_WORD_RE.findall(m.group())
    if all(t.isdigit() for t in tokens) or all(not t.isdigit() for t in tokens):
        return False  # digits alone are the matcher's; words alone are :data:`_SPELLED_PHONE_RE`'s
    digits = "".join(t if t.isdigit() else _DIGIT_OF[t.lower()] for t in tokens)
    if not 9 <= len(digits) <= 11:
        return False
    try:
        number = phonenumbers.parse(digits, "IT")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and not _service(number)


def spelled_phones(text: str, counts: Counter, mixed: bool = False) -> str:
    """A phone number spelled out in Italian, digit by digit: ``[PHONE]``; with ``mixed`` (the text has
    digits) also one spelled partly in words and partly in digits (:data:`_MIXED_PHONE_RE`)."""
    text = scan(_SPELLED_PHONE_RE, text, "PHONE", lambda m: True, counts)
    return scan(_MIXED_PHONE_RE, text, "PHONE", _mixed_phone, counts) if mixed else text


__all__ = ["phones", "spelled_phones", "phonenumbers"]
