"""Numbers said in words, as a comment dictated by voice or typed by someone who spells: a phone number of
which a group is one word ("trecentoquarantasette uno due tre quattro cinque sei sette"), a date of birth in
words ("sono nato il dodici marzo millenovecentocinquantadue", "nata il tre settembre del sessantuno"), a
file's number spelled digit by digit ("la pratica numero quattro cinque sei sette otto") and a civic number
in words ("abito in via garibaldi numero dodici").

:func:`spoken_phones` and :func:`spoken_records` are ``(text, counts) -> text`` like the other finders
(``[PHONE]``, ``[NASCITA]``, ``[PRATICA]``, ``[INDIRIZZO]``, the words around kept). Digit by digit with no
word above nine is :func:`privacy.phones.spelled_phones`'s; this module reads what it cannot: the Italian
number words up to 9999 (:func:`number_value`: "dodici" 12, "trecentoquarantasette" 347,
"millenovecentocinquantadue" 1952). What counts stays: "ho chiamato trentadue volte", "nel
duemilaventiquattro" (no birth word), "sei mesi fa" (no phone's digits).
"""
from __future__ import annotations

import re
from collections import Counter

from .identifiers import scan, thing_born
from .leads import any_in as _holds
from .phones import _service, phonenumbers

_UNITS = {w: i for i, w in enumerate("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
                                     "quattordici quindici sedici diciassette diciotto diciannove".split())}
_UNITS.update({"un": 1, "tré": 3, "primo": 1})
_TENS = {"venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60, "settanta": 70, "ottanta": 80,
         "novanta": 90}
_ELIDED = {t[:-1]: v for t, v in _TENS.items()}  # "ventuno", "trentotto": the vowel goes before "uno", "otto"


def number_value(word: str) -> int | None:
    """The value of an Italian number word from 0 to 9999 (lower case, one word), or None: "dodici" 12,
    "ventotto" 28, "trecentoquarantasette" 347, "duemila" 2000, "millenovecentosessantuno" 1961."""
    if not word:
        return None
    if word in _UNITS:
        return _UNITS[word]
    for big, scale in (("mila", 1000), ("mille", 1000), ("cento", 100)):
        head, sep, rest = word.partition(big)
        if sep and (big != "mila" or head) and (big != "mille" or not head):
            lead = number_value(head) if head else 1
            tail = number_value(rest) if rest else 0
            if lead is None or tail is None or not 1 <= lead <= 9 or tail >= scale:
                return None
            return lead * scale + tail
    for tens in (_TENS, _ELIDED):
        for t, v in tens.items():
            if word.startswith(t):
                rest = word[len(t):]
                if not rest:
                    return v if tens is _TENS else None
                unit = _UNITS.get(rest)
                if unit is not None and 1 <= unit <= 9 and (tens is _TENS) == (rest not in ("uno", "otto")):
                    return v + unit
    return None


#: a number word: made of the words of Italian numbers only ("dodici", "trecentoquarantasette", "millenovecento…")
MORPHEMES = ("zero|uno|un|due|tre|tré|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|quattordici|quindici"
             "|sedici|diciassette|diciotto|diciannove|venti|vent|trenta|trent|quaranta|quarant|cinquanta|cinquant"
             "|sessanta|sessant|settanta|settant|ottanta|ottant|novanta|novant|cento|mille|mila")
_NUMBER = rf"(?:(?<![^\W\d_])(?:{MORPHEMES})+(?![^\W\d_])|(?<!\d)\d{{1,8}}(?!\d))"
#: three or more number words or digit groups in a row, spaces and marks between: where a phone said in words may be
_RUN_RE = re.compile(rf"{_NUMBER}(?:[ \t,.\-/]+{_NUMBER}){{2,12}}", re.I)
_TOKEN = re.compile(r"[^\W\d_]+|\d{1,8}")


def _digits(token: str) -> str | None:
    if token.isdigit():
        return token
    value = number_value(token.lower())
    return None if value is None else str(value)


def _person_phone(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits, "IT")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and not _service(number)


#: the stems of the number words above nine: one of them in the text, or :data:`_RUN_RE` is not searched (a regex
#: of many alternatives tried at every position costs more than these substring tests)
_BIG_STEMS = ("cent", "mila", "mille", "vent", "trent", "quarant", "cinquant", "sessant", "settant", "ottant", "novant",
              "dieci", "dici")  # "dici": the words from eleven to nineteen


def spoken_phones(text: str, counts: Counter, low: str) -> str:
    """A phone number of which a group is said in one word above nine ("trecentoquarantasette uno due tre
    quattro cinque sei sette", "zero sei ventidue trentatré quarantaquattro cinquantacinque"): the longest
    stretch of a run of number words and digit groups whose digits, read in order, are 9 to 11 and a person's
    valid number (one word above nine at least: digit by digit is :func:`privacy.phones.spelled_phones`'s).
    ``low``: the text lower-cased, for the gate."""
    if not _holds(low, _BIG_STEMS):
        return text
    spans = []
    for m in _RUN_RE.finditer(text):
        run = [(t, _digits(t.group())) for t in _TOKEN.finditer(text, m.start(), m.end())]
        if all(t.group().isdigit() for t, _ in run):
            continue  # digits alone are the phone pass's
        i = 0
        while i < len(run):
            for j in range(len(run), i + 2, -1):
                part = run[i:j]
                if any(d is None for _, d in part):
                    continue  # a word made of the numbers' words that is none ("treuno")
                digits = "".join(d for _, d in part)
                if 9 <= len(digits) <= 11 and any(len(d) > 1 and not t.group().isdigit() for t, d in part) \
                        and _person_phone(digits):
                    spans.append((part[0][0].start(), part[-1][0].end()))
                    i = j - 1
                    break
            i += 1
    for start, end in reversed(spans):
        text = text[:start] + "[PHONE]" + text[end:]
        counts["PHONE"] += 1
    return text


_DAY = (r"(?:primo|uno|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|tredici|quattordici|quindici"
        r"|sedici|diciassette|diciotto|diciannove|venti|ventuno|ventidue|ventitr[eé]|ventiquattro|venticinque|ventisei"
        r"|ventisette|ventotto|ventinove|trenta|trentuno|\d{1,2})")
_MONTH = r"(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre)"
_YEAR_WORD = r"(?:mille|duemila)[a-z]*|(?:vent|trent|quarant|cinquant|sessant|settant|ottant|novant)[a-z]*"
_MONTHS_OR_YEAR = tuple(_MONTH[3:-1].split("|")) + ("mille", "duemila")
_BIRTH_SAID = re.compile(
    rf"(?<!\w)(?i:nat[oaie]|(?:data\s+di\s+)?nascita|compleanno)(?:\s+(?i:a|ad|in)\s+[^\W\d_]+)?"
    rf"(?:\s+(?i:il|è|e|:|nel|del))*\s+(?P<date>(?i:{_DAY}\s+{_MONTH}(?:\s+(?:del\s+|nel\s+)?(?:{_YEAR_WORD}|\d{{2,4}}))?"
    rf"|(?<=nel\s)(?:{_YEAR_WORD})))(?![\w])")


def _birth(m: re.Match) -> bool:
    """A day in words, or a year in words that is one of a living person's (1900–2010, or two digits said as tens);
    never when a service, a project, a site is what was born (:func:`privacy.identifiers.thing_born`)."""
    if thing_born(m.string, m.start()):  # "il servizio è nato il tre marzo": no person
        return False
    date = m.group("date").lower().split()
    if len(date) == 1:  # "nato nel millenovecentosessanta": the year alone
        value = number_value(date[0])
        return value is not None and 1900 <= value <= 2010
    return True


_SPELLED_DIGIT = r"(?:zero|uno|due|tre|quattro|cinque|sei|sette|otto|nove)"
_RECORD_SAID = re.compile(
    rf"(?<!\w)(?i:pratica|protocollo|domanda|richiesta|ticket|verbale|fascicolo)(?:\s+(?i:numero|n\.|nr\.?|n°))?\s+"
    rf"(?P<num>(?i:{_SPELLED_DIGIT}(?:[ \t,]+{_SPELLED_DIGIT}){{3,}}))(?!\w)")
_RECORD_WORDS = ("pratica", "protocollo", "domanda", "richiesta", "ticket", "verbale", "fascicolo")
_DIGIT_NAMES = tuple(_SPELLED_DIGIT[3:-1].split("|"))
_CIVIC_SAID = re.compile(
    r"(?<!\w)(?P<addr>(?i:via|viale|piazza|corso|largo|vicolo|strada|contrada)\s+(?:[^\W\d_]+\s+){1,3}"
    r"(?i:numero|civico)\s+(?P<num>[a-z]+))(?!\w)")


#: what a number said in words holds (lower case): the gate before :func:`spoken_phones` and :func:`spoken_records`
SAID = ("uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dici", "venti", "trenta", "anta", "cento",
        "mille", "mila")


def spoken_records(text: str, counts: Counter, low: str) -> str:
    """A date of birth said in words after a birth word ("nato il dodici marzo millenovecentocinquantadue",
    "nata il tre settembre del sessantuno", "nato nel millenovecentosessanta": ``[NASCITA]``), a file's number
    spelled digit by digit after its word ("la pratica numero quattro cinque sei sette otto": ``[PRATICA]``) and
    a street with a civic number in words ("via garibaldi numero dodici": ``[INDIRIZZO]``). ``low``: the text
    lower-cased, for the gates."""
    if ("nat" in low or "nascita" in low or "compleann" in low) and _holds(low, _MONTHS_OR_YEAR):
        text = scan(_BIRTH_SAID, text, "NASCITA", _birth, counts, group="date")
    if _holds(low, _RECORD_WORDS) and sum(low.count(w) for w in _DIGIT_NAMES) >= 4:  # a record's word, four digits' words
        text = scan(_RECORD_SAID, text, "PRATICA", lambda m: True, counts, group="num")
    if "numero" in low or "civico" in low:
        text = scan(_CIVIC_SAID, text, "INDIRIZZO", lambda m: number_value(m.group("num").lower()) not in (None, 0), counts,
                    group="addr")
    return text
