"""Names in a narrative of who did what, where no title or relative introduces them: a listed surname after
"da", "a", "con" once the sentence says a person is meant ("mi hanno mandata da Colombo a Ferri", "e poi da
Palmieri", "ho litigato con Gallo"), a listed given name after a verb of care or enrolment ("per iscrivere
Pietro", "ho accompagnato Giulia"), the writers who name themselves as several ("siamo luca e sara") or
with a relative ("Io Giuliana e mio figlio").

:func:`narrated_names` is ``(text, counts) -> text`` like the other finders (``[NOME]``, the words around
kept). A surname here is one of :data:`privacy.surnames.FREQUENT`, capitalised (colours and common words
included: "Colombo", "Ferri", "Fontana"), never a place or an office, nor followed by a capitalised word or
a particle and one, which makes it a place's name ("a Villa Borghese", "a Riva del Garda"): "da Roma", "con
Poste", "a Milano" stay. The context is a verb of sending, passing or going before the preposition
(:data:`_SENT`), or "poi"; after a surname taken the next one behind "a", "e poi da", … is taken too.
Each of its three passes sits behind its own substring tests, so that an ordinary comment costs a few
microseconds.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .leads import any_in as _holds
from .lexicon import lemma
from .names import _LOW, _UP, PLACES, _not_a_name, place_named
from .surnames import FREQUENT
from .word_forms import STOP, WORD_NAMES

#: a word that ends there and is no place's first word: no capitalised word, or a particle and one, after it
#: ("a Villa Borghese", "a Riva del Garda")
_WORD_ALONE = rf"(?![\w'’])(?![ \t]+(?:(?i:d(?:i|el|ella|ei|egli)|de|da)[ \t]+)?[{_UP}])"
#: the verbs that say a person is meant by "da", "a", "con": sent, passed, sent back, went, quarrelled with
_SENT = (r"(?:ri)?(?:mandat|spedit|inviat|passat|girat|inoltrat|smistat|trasferit|indirizzat|dirottat|rimbalzat|affidat"
         r"|assegnat|andat|tornat)[oaie]|(?:sono|siamo)\s+stat[oaie]|litigat[oaie]|parlat[oaie]|discusso|appuntamento|colloquio|poi"
         r"|in\s+(?:mano|carico)"  # "la pratica è in mano a Ferro" (round 15)
         r"|(?:(?<![^.!?\n])|(?<=[.!?\n][ \t]))e(?=[ \t]+da[ \t])")  # a sentence's "E da Palmieri …" (capitalised only)
#: a lower-case surname (a comment in lower case, or in capitals read lower-cased): one word, no particle and a word
#: after it ("a villa di serio", "a riva del garda"); round 15
_LOWER_ALONE = rf"(?![\w'’])(?![ \t]+(?:d(?:i|el|ella|ei|egli)|de|da|sul|sull['’])[ \t]+[{_LOW}])"
#: what may follow a lower-case surname: the end, a mark, or a word that starts the rest of the sentence — not a word of
#: a town's name ("da costa volpino", "a villa literno")
_ENDS_LOWER = re.compile(r"[ \t]*(?:$|[^\w\s])|[ \t]+(?:" + "|".join(sorted(map(re.escape, STOP), key=len, reverse=True))
                         + r")(?![\w'’])|[ \t]+(?:dell|all|nell|sull)['’ ]", re.I)
_NAME = rf"(?:(?P<name>[{_UP}][{_LOW}]+){_WORD_ALONE}|(?P<lower>[{_LOW}]+){_LOWER_ALONE})"
_SURNAME_RE = re.compile(
    rf"(?<!\w)(?P<verb>(?i:{_SENT}))(?:[ \t]+(?i:anche|di\s+nuovo|ancora|subito|poi|io|noi|mi|ci|l['’]|me|la|lo))*[ \t]+"
    rf"(?P<prep>(?i:da|dal|dalla|a|al|alla|con|presso))[ \t]+{_NAME}")
#: a surname after one taken: "[NOME] a Ferri", "[NOME] e poi da Palmieri", "[NOME], poi con Gallo", "[NOME] di nuovo a Ferro"
_NEXT_RE = re.compile(rf"(?<=\[NOME\])(?:[ \t]*,)?[ \t]+(?:(?i:e|ed)[ \t]+)?(?:(?i:poi|di\s+nuovo|ancora|anche)[ \t]+)?"
                      rf"(?P<prep>(?i:da|dal|dalla|a|al|alla|con))[ \t]+{_NAME}")

#: verbs of care or enrolment before a listed given name ("per iscrivere Pietro", "ho accompagnato Giulia")
_CARE_RE = re.compile(
    r"(?<!\w)(?i:iscriv(?:ere|o|iamo|endo|erò|eremo)|iscritt[oaie]|accompagn(?:are|o|iamo|ato|ata|ando)|vaccinar[e]|vaccinat[oa]"
    r"|port(?:are|o|iamo|ato|ata)\s+(?:a\s+scuola|al\s+nido|dal\s+pediatra)?|ritir(?:are|o)\s+da\s+scuola)"
    rf"[ \t]+(?P<name>[{_UP}][{_LOW}]+|[{_LOW}]+)(?![\w'’])")
#: the writers naming themselves: "siamo luca e sara", "Io Giuliana e mio figlio" (at a sentence's start)
_WE_RE = re.compile(rf"(?:^|(?<=[.!?\n,]))(?P<lead>[ \t]*(?i:siamo|io)[ \t]+)(?P<name>[{_UP}]?[{_LOW}]+)"
                    rf"(?P<sep>[ \t]*,?[ \t]+(?i:e|ed)[ \t]+)(?P<next>[{_UP}]?[{_LOW}]+)(?![\w'’])")
_KIN_NEXT = frozenset("mio mia miei mie il la i le suo sua nostro nostra".split())

#: a capitalised word after a preposition: the cheap test before :data:`_SURNAME_RE` (one of them a listed surname)
_PREP_CAP = re.compile(rf" (?:da|dal|dalla|a|al|alla|con|presso)[ \t]+([{_UP}][{_LOW}]+)")
#: any word after a preposition, the text lower-cased: the test before :data:`_SURNAME_RE` for a lower-case surname
_PREP_ANY = re.compile(r" (?:da|dal|dalla|a|al|alla|con|presso)[ \t]+([a-z]+)")
_CARE_WORDS = ("iscriv", "iscritt", "accompagn", "vaccin", "portare", "porto ", "portat", "ritir")
#: what says a person is meant (lower-cased text): the test before :data:`_PREP_CAP`
_SENT_WORDS = ("mandat", "spedit", "inviat", "passat", "girat", "inoltrat", "smistat", "trasferit", "indirizzat", "dirottat",
               "rimbalzat", "affidat", "assegnat", "andat", "tornat", "sono stat", "siamo stat", "litigat", "parlat", "discusso",
               "appuntamento", "colloquio", "poi ", "in mano", "in carico", "e da ")


#: frequent surnames that are also towns or places one goes to ("sono andata a Marino", "a Monti", "a Orlando")
_TOWNS_TOO = frozenset("Marino Monti Orlando Riva Sala Serra Fontana Villa Costa".split())


#: frequent surnames that are nouns said after "a" in an idiom, in lower case: "5 euro a testa", "passato a ferro" (ironed)
_IDIOMS = frozenset("testa ferro".split())


def _surname(m: re.Match) -> bool:
    name, prep = m.group("name"), (m.groupdict().get("prep") or "a").lower()
    if name is None:  # lower case: no capital says a name, so no town, no idiom, no "E da" of a sentence's start
        name = m.group("lower")
        verb = m.groupdict().get("verb") or ""
        return (name in FREQUENT and not (prep == "a" and (name.capitalize() in _TOWNS_TOO or name in _IDIOMS))
                and _ENDS_LOWER.match(m.string, m.end("lower")) is not None
                and verb.lower() != "e" and name.capitalize() not in PLACES and not _thing(m, name)
                and not (name == "conti" and m.string.startswith(" fatt", m.end())))
    if name in _TOWNS_TOO and (prep == "a" or (m.groupdict().get("verb") or "").lower() == "e"):  # "E da Marino a Roma …"
        return False
    return name.lower() in FREQUENT and name not in PLACES and not place_named(m.string, m.start("name"))


#: words that start a new clause after "e" ("da ferri e nessuno sapeva niente"): no thing joined to the surname
_CLAUSE = frozenset("nessuno nessuna niente nulla qualcuno ognuno tutti dopo così infatti invece adesso ora alla fine".split())
#: "e", "a" and the word after a lower-case surname: what :func:`_thing` reads
_AND_TO = re.compile(r"[ \t]+(?P<link>e|ed|a)[ \t]+(?P<word>[a-zà-ÿ]+)(?![\w'’])")


def _thing(m: re.Match, name: str) -> bool:
    """Whether a lower-case surname that is also a common word is the thing, by the words after it (round 16): "e" and
    a common word that is no name ("ho litigato con ferro e acciaio"), "a" and one of the largest places ("mandato da
    colombo a milano") or the same word ("da costa a costa"); "da colombo a ferri", "con ferro e bianchi" are names."""
    after = _AND_TO.match(m.string, m.end("lower"))
    if after is None or lemma(name) is None:
        return False
    word = after.group("word")
    if word == name and after.group("link") == "a":
        return True
    if word in FREQUENT or word.capitalize() in GIVEN_NAMES:
        return False
    if after.group("link") == "a":
        return word.capitalize() in PLACES
    return word not in STOP and word not in _CLAUSE and lemma(word) is not None


def _given(word: str, plain: bool = True) -> bool:
    """A listed given name: capitalised, or in lower case one that is no word (``plain``: not a word at all)."""
    if word[0].isupper():
        return word in GIVEN_NAMES and not _not_a_name(word) and (not plain or word.lower() not in WORD_NAMES)
    return word.capitalize() in GIVEN_NAMES and (not plain or word not in WORD_NAMES)


def narrated_names(text: str, counts: Counter, low: str, given: bool = True, frequent: bool = True) -> str:
    """The names of a narrative (module docstring): ``[NOME]`` each. ``low``: the text lower-cased, for the gates;
    ``given``, ``frequent``: whether it holds a listed given name, a frequent surname as words
    (:func:`privacy.pairs.listed_words`; the passes that need one are skipped without it)."""
    def taken(m: re.Match) -> str:
        counts["NOME"] += 1
        group = "name" if m.group("name") is not None else "lower"
        return m.group(0)[:m.start(group) - m.start()] + "[NOME]" + m.group(0)[m.end(group) - m.start():]

    # a verb that says a person and a listed surname capitalised after a preposition, or the surnames' pattern is not
    # tried (substring tests, then a search that starts at spaces only)
    if frequent and _holds(low, _SENT_WORDS) and (not FREQUENT.isdisjoint(w.lower() for w in _PREP_CAP.findall(text))
                                                  or not FREQUENT.isdisjoint(_PREP_ANY.findall(low))):
        out, pos = [], 0
        for m in _SURNAME_RE.finditer(text):
            if _surname(m):
                out.append(text[pos:m.start()] + taken(m))
                pos = m.end()
        text = "".join(out) + text[pos:] if out else text
        while "[NOME]" in text:
            again = _NEXT_RE.sub(lambda m: taken(m) if _surname(m) else m.group(0), text)
            if again == text:
                break
            text = again
    if not given:
        return text
    if _holds(low, _CARE_WORDS):
        text = _CARE_RE.sub(lambda m: taken(m) if _given(m.group("name")) and not place_named(m.string, m.start("name"))
                            else m.group(0), text)

    def we(m: re.Match) -> str:
        name, following = m.group("name"), m.group("next")
        if not _given(name):
            return m.group(0)
        if following.lower() in _KIN_NEXT:  # "Io Giuliana e mio figlio"
            counts["NOME"] += 1
            return m.group("lead") + "[NOME]" + m.group("sep") + following
        if _given(following, plain=False):  # "siamo luca e sara": the second may be a word too
            counts["NOME"] += 2
            return m.group("lead") + "[NOME]" + m.group("sep") + "[NOME]"
        return m.group(0)
    if "siamo" in low or low.startswith("io ") or ". io " in low or ", io " in low or "\nio " in low:
        return _WE_RE.sub(we, text)
    return text
