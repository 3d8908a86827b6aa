"""Names found by what follows or precedes them rather than by a lead-in of :mod:`privacy.names`: a name
thanked at the end of a sentence ("grazie, Pinuccia Zanchettin. Il servizio …"), a listed given name
before the desk where the clerk works ("Luca dello sportello 3") or before what that person did for the writer
("Ciro mi ha aiutato"), or signing the comment ("…\nCarla"). Each finder is ``(text, counts) -> text``.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .leads import Led, lowered
from .word_forms import WORD_NAMES, unlisted_surname
from .names import (_CAP_PARTICLE, _LOW, _PARTICLES, _UP, _WORD, OFFICES, PLACE_WORDS, PLACES, place_named,
                    plain_capitalised, _not_a_name)
from .surnames import FREQUENT


# --- a name thanked, ending a sentence ------------------------------------------------------------------
#: "grazie, Pinuccia Zanchettin. Il servizio …", "Grazie mille Ugo Brambillasca!": after a thanks, two or
#: three capitalised words that end the sentence (or one listed given name) sign it or name who is
#: thanked, listed or not; refused when a word is a common one, an office or a place ("Grazie Polizia
#: Locale.", "Grazie Comune di Milano!", "Grazie Mille Davvero!").
_THANKS_RE = re.compile(
    rf"(?<!\w)(?P<lead>(?i:grazie(?:\s+mille|\s+ancora|\s+di\s+(?:tutto|cuore))?|ringrazio)[ \t]*[,.!:]{{0,3}}[ \t]+)"
    rf"(?P<name>(?:{_WORD})(?:[ \t]+(?:{_CAP_PARTICLE}[ \t]*)?(?:{_WORD})){{0,2}})(?=[ \t]*(?P<end>$|[.!;,\n]))")
_THANKED_NOT = frozenset("""Mille Tante Infinite Tutti Ragazzi Cuore Davvero Ancora Dio Croce Rossa Protezione
Civile Guardia Medica Finanza Pronto Soccorso Pubblica Assistenza Misericordia Caritas Esercito Marina Aeronautica Urbani
Italiane Fuoco Vaticano""".split())


def thanked_names(text: str, counts: Counter) -> str:
    """A name after "grazie" that ends a sentence (see :data:`_THANKS_RE`), or a listed given name before a
    comma ("Grazie Marco, gentilissimo": the clerk's name, as in "grazie a Marco"): ``[NOME]``, the thanks kept."""
    def sub(m: re.Match) -> str:
        words = [w for w in m.group("name").split() if w not in _PARTICLES]
        if any(_not_a_name(w) or w in OFFICES or w in _THANKED_NOT or w in PLACES or w.lower() in PLACE_WORDS
               for w in words):
            return m.group(0)
        if not words or (len(words) < 2 and words[0] not in GIVEN_NAMES):  # "grazie Di": a particle alone
            return m.group(0)
        if m.group("end") == "," and not (len(words) == 1 and words[0] in GIVEN_NAMES):
            return m.group(0)  # before a comma only one listed given name: "Grazie Marco, gentilissimo"
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]"
    return _THANKS_RE.sub(sub, text)


# --- a given name at a desk --------------------------------------------------------------------------------
#: "Luca dello sportello 3 è bravissimo", "la gentilezza di Anna dell'ufficio anagrafe": a listed given name
#: (with a capitalised word after it) followed by where the clerk works (round 14: also a CAF, a patronato, a
#: consultorio, INPS, the ASL, a library: "ho fatto tutto con paola del caf")
_DESK_RE = re.compile(rf"(?<![\w\[])(?:(?P<name>[{_UP}][{_LOW}]+)(?P<more>[ \t]+{_WORD})?|(?P<low>[{_LOW}]+))"
                      r"(?=[ \t]+(?i:dell[oa]|dell['’]|dell(?=[ \t])|allo|alla"
                      r"|all['’]|al|del|dal|dallo|dalla)[ \t]*(?i:sportell|uffici|cup\b|urp\b|anagrafe|cassa|reception"
                      r"|accettazione|segreteria|front|centralino|call|caf\b|patronato|consultorio|inps\b|asl\b|biblioteca))")


#: the cheap gate before :data:`_DESK_RE` (lower-cased text)
DESK_WORDS = ("sportell", "uffici", "cup", "urp", "anagrafe", "cassa", "reception", "accettazione", "segreteria", "front",
              "centralino", "call", "caf", "patronato", "consultorio", "inps", "asl", "biblioteca")


def desk_names(text: str, counts: Counter) -> str:
    """A listed given name before the desk where the clerk works ("Luca dello sportello 3"; in lower case one that
    is no ordinary word): ``[NOME]``."""
    def sub(m: re.Match) -> str:
        more, name = m.group("more"), m.group("name")
        if place_named(m.string, m.start()):
            return m.group(0)  # "la festa di San Giovanni del patronato": a saint's, a street's name
        if name is None:  # in lower case a listed given name that is no ordinary word: "anna del front office"
            low = m.group("low")
            if low.capitalize() not in GIVEN_NAMES or low in WORD_NAMES:
                return low
            counts["NOME"] += 1
            return "[NOME]"
        if name not in GIVEN_NAMES:
            if more and more.strip() in GIVEN_NAMES and not place_named(m.string, m.end("more") - len(more.strip())):
                # "Ottimo Marco allo sportello" ("San Giovanni del patronato" is a saint's)
                counts["NOME"] += 1
                return m.group("name") + more[:len(more) - len(more.lstrip())] + "[NOME]"
            return m.group(0)
        counts["NOME"] += 1
        return "[NOME]" if more and not _not_a_name(more.strip()) else "[NOME]" + (more or "")
    return _DESK_RE.sub(sub, text)


#: "Ciro mi ha aiutato", "Mario è stato bravissimo", "Maria la vicina di casa mi ha aiutato": a listed given name
#: that is no ordinary word, as written or in lower case, then what the person did for the writer or is to them
_SERVED_RE = re.compile(
    rf"(?<![\w\[.'’])(?P<name>[{_UP}]?[{_LOW}]+)(?=[)\"”»’']?[ \t]*,?[ \t]+(?:"
    r"(?i:il|la|l['’])[ \t]?(?i:vicin[oa]|signor[ae]|operat(?:ore|rice)|impiegat[oa]|tecnic[oa]|dottor(?:e|essa)"
    r"|infermier[ae]|postin[oa]|badante|collega|maestr[ao]|addett[oa]|sportellista)(?![a-z])"
    r"|(?:(?i:che)[ \t]+)?(?i:mi|ci|l['’]|gli|le)[ \t]?ha(?:nno)?[ \t]"
    # or what the person is to the writer, in apposition ("Ludovica mia nipote ha l'epilessia")
    r"|(?i:mi[oa]|nostr[oa])[ \t]+(?i:marito|moglie|figli[oa]|madre|padre|mamma|nonn[oa]|zi[oa]|nipote|cugin[oa]|sorella"
    r"|fratello|suocer[oa]|cognat[oa]|vicin[oa]|badante)(?![a-z])"
    r"|(?i:ha)[ \t]+(?i:risolto|risposto|aiutato|spiegato|gestito|seguito|chiamato|richiamato|detto|fatto|trattato|accolto"
    r"|assistito|sbloccato)"
    r"|(?i:è|e['’]|era|sei)[ \t]+(?i:stat[oa]|molto|davvero|sempre|gentil|brav|disponibil|competent|professional|cortes"
    r"|scortes|maleducat|preparat|pazient|simpatic|squisit|fantastic|eccezional|stupend|grand|super|unic|top"
    r"|un\s+(?:angelo|mito|tesoro)|(?:il|la)\s+migliore)"
    r"|(?i:il|la)[ \t]+(?i:migliore|numero\s+(?:1|uno))"
    # round 10: what a child or a relative has, does or cannot do ("Ginevra ha la febbre", "Thiago non riesce a")
    r"|(?i:ha|aveva)[ \t]+(?i:la|il|l['’]|\d+\s+anni|bisogno|diritto|avuto|ricevuto|perso|dovuto|problemi)(?![a-z])"
    r"|(?i:non)[ \t]+(?i:ha|è|era|può|poteva|riesce|riusciva|sta|stava|vuole|sa|parla|cammina|vede|sente)(?![a-z])"
    r"|(?i:frequenta|soffre|deve|doveva|compie|compirà|è\s+nat[oa]|è\s+malat[oa]|è\s+disabile)(?![a-z])"
    # the same in the questionnaires' other languages ("Sarah was very helpful", "Maria hat mir geholfen",
    # "Marie m'a aidé", "Mojca mi je pomagala")
    r"|(?i:was|is)[ \t]+(?:(?i:very|so|really|extremely)[ \t]+)?(?i:helpful|kind|nice|rude|great|professional|patient|friendly)"
    r"|(?i:helped|assisted|answered|solved|explained)(?![a-z])"
    r"|(?i:hat)[ \t]+(?i:mir|uns)[ \t]+(?:(?i:sehr)[ \t]+)?(?i:geholfen|erklärt)"
    r"|(?i:war)[ \t]+(?:(?i:sehr)[ \t]+)?(?i:nett|freundlich|hilfsbereit|unfreundlich|kompetent|geduldig)"
    r"|(?i:m['’]a|nous\s+a)[ \t]+(?:(?i:beaucoup|bien)[ \t]+)?(?i:aidé|expliqué|répondu)"
    r"|(?i:a\s+été)[ \t]+(?:(?i:très)[ \t]+)?(?i:gentil|aimable|serviable)"
    r"|(?i:mi|nam)[ \t]+je[ \t]+(?i:pomagal|razložil)|(?i:je\s+bila?)[ \t]+(?:(?i:zelo)[ \t]+)?(?i:prijazn)))")


#: the cheap gate before :data:`_SERVED_RE` (lower-cased text)
SERVED_WORDS = (" ha", "è ", "e' ", "era ", "sei ", "la ", "il ", "l'", "l’", " mia ", " mio ", " nostr", " was ", " is ", "helped", "assisted", "answered",
                "solved", "explained", " hat ", " war ", "m'a", "m’a", "nous a", "a été", " je ")


def served_names(text: str, counts: Counter) -> str:
    """A listed given name that is no ordinary word ("serena", "bruno" are) before what that person did for the
    writer or is to them ("Ciro mi ha aiutato", "Mario è stato bravissimo", "Maria la vicina di casa …"):
    ``[NOME]``."""
    def sub(m: re.Match) -> str:
        name = m.group("name")
        if name.capitalize() not in GIVEN_NAMES or name.lower() in WORD_NAMES or name.capitalize() in PLACES \
                or not (name.islower() or name.istitle()) or place_named(m.string, m.start("name")):
            return name  # "Villa Santa Maria non ha …": a place
        counts["NOME"] += 1
        return "[NOME]"
    return _SERVED_RE.sub(sub, text)


#: a listed given name (with a surname or an initial) alone at the end of the comment, on a line of its own or
#: after a sentence's mark: who signs it ("Sent from my iPhone\nMario", "Grazie per la pazienza, Carla", "Ps. Carla")
_SIGNED_RE = re.compile(rf"(?P<sep>\r?\n|[,.!?;)][ \t]+|[,.!?][ \t]*\r?\n)[ \t\-–]*(?P<name>[{_UP}]?[{_LOW}]+)"
                        rf"(?P<more>[ \t]+(?:{_WORD}|[{_UP}]\.))?[ \t.!]*\s*$")


def signed_names(text: str, counts: Counter) -> str:
    """A listed given name that signs the comment (:data:`_SIGNED_RE`): ``[NOME]``, with the surname or the
    initial after it. Not a common word, an office or a place; one that is also an ordinary word ("Serena",
    "Natale") only on a line of its own, and never in lower case."""
    m = _SIGNED_RE.search(text)
    if m is None:
        return text
    name, more = m.group("name"), m.group("more")
    if name.islower():  # "grazie per la pazienza, carla": a listed given name that is no ordinary word
        name = name.capitalize() if name not in WORD_NAMES else ""
    if name not in GIVEN_NAMES or _not_a_name(name) or name in PLACES or name in OFFICES \
            or (name.lower() in WORD_NAMES and "\n" not in m.group("sep")):
        return text
    end = m.end("more") if more and not _not_a_name(more.strip().rstrip(".")) else m.end("name")
    counts["NOME"] += 1
    return text[:m.start("name")] + "[NOME]" + text[end:]


# --- a lone name ending the comment after a greeting or a thanks --------------------------------------------
#: praise said to someone by name ("complimenti Nadia", "bravissima Nadia", "bravo Ciro!", "W Ciro")
_PRAISE = r"complimenti|brav[oaie]|bravissim[oaie]|w|viva|evviva|great\s+job|good\s+job|well\s+done"
#: "ciao, Kevin", "grazie Kevin!", "Buonasera Brambillasca.": one capitalised word, listed or not, that
#: ends the whole comment right after a greeting or a thanks names who is greeted or thanked; refused when
#: it is a common word, an office or a place ("grazie Comune!", "ciao Roma", "grazie Mille!")
_GREETED_LEAD = (rf"(?i:ciao|salve|buongiorno|buonasera|arrivederci|grazie(?:\s+mille|\s+ancora|\s+di\s+(?:tutto|cuore))?"
                 rf"|ringrazio|hallo|danke|thanks|thank\s+you|merci|bonjour|hvala|zdravo|{_PRAISE})")
_GREETED_RE = re.compile(rf"(?<!\w)(?P<lead>{_GREETED_LEAD}[ \t]*[,.!:]{{0,3}}\s+)"
                         rf"(?P<name>[{_UP}][{_LOW}]+)(?=[^\w]*$)")  # then only punctuation, spaces, emojis
_GREETED = Led(_GREETED_RE, rf"(?<!\w){lowered(_GREETED_LEAD)}")  # its lead-ins found in the text lower-cased
#: capitalised words said to whoever is greeted that are no name ("ciao Bella", "grazie Tesoro")
_GREETED_NOT = frozenset("""Bella Bello Belli Belle Tesoro Amore Cara Caro Cari Care Ragazze Raga Mondo Gente Amici Amico
Amica Bimbi Mamma Papà Regione Provincia Stato Governo Giornata Dottore Dottoressa Signora Signore Capo Prof Doc""".split())
#: the words whose presence lets :func:`greeted_names` run (lower case)
GREETINGS = ("ciao", "salve", "buongiorno", "buonasera", "arrivederci", "grazie", "ringrazio", "hallo", "danke", "thank",
             "merci", "bonjour", "hvala", "zdravo", "complimenti", "brav", "w ", "viva", "job", "well done")


#: "ciao Kevin, tutto ok", "grazie Marta per l'aiuto", "Buongiorno Brambillasca, vorrei…", "ciao kevin, tutto
#: ok": an Italian greeting or thanks, then a word (and a capitalised one after it, the surname) anywhere in
#: the comment; in lower case only before a mark or "per" ("grazie kevin!", "ciao kevin, …")
_GREETING = rf"(?i:ciao|salve|buongiorno|buonasera|grazie(?:\s+mille|\s+ancora|\s+di\s+(?:tutto|cuore))?|ringrazio|{_PRAISE})"
_MID_GREETED_RE = re.compile(
    rf"(?<!\w)(?P<lead>{_GREETING}[ \t]*[,.!:]{{0,3}}[ \t]+)(?:(?P<name>[{_UP}][{_LOW}]+)(?P<more>[ \t]+[{_UP}][{_LOW}]+)?"
    rf"|(?P<low>[{_LOW}]+)(?=[ \t]*(?:[,!.:;?)]|$|per(?!\w))))(?![\w'’])")
_MID_GREETED = Led(_MID_GREETED_RE, rf"(?<!\w){lowered(_GREETING)}")
#: a comment (or a line) addressed to someone: "x Giulia: la pratica…", "Per Kevin, …", "Cara Giulia, …",
#: "alla c.a. di Brambillasca:"; the name before a colon or a comma
_ADDRESSED_RE = re.compile(
    r"(?:^|(?<=\n))(?P<lead>[ \t]*(?i:x|per|a|caro|cara|carissim[oa]|gentile|gentilissim[oa]|egregi[oa]|c\.a\.|alla\s+c\.a\.(?:\s+di)?"
    rf"|all['’]\s?attenzione\s+di|att\.(?:ne)?(?:\s+di)?)[ \t]+)(?:(?P<name>[{_UP}][{_LOW}]+)(?P<more>[ \t]+[{_UP}][{_LOW}]+)?"
    rf"(?=[ \t]*(?:[:,]|[.!]*\s*$))|(?P<low>[{_LOW}]+)(?=[ \t]*[:,]))")  # "Cara Ilenia" alone too
_ADDRESS_STARTS = ("x ", "per ", "a ", "caro ", "cara ", "carissim", "gentil", "egregi", "c.a.", "alla ", "all", "att")


def _greeted(word: str) -> bool:
    """Whether a capitalised ``word`` after a greeting or an address names someone: a listed given name or
    frequent surname ("grazie Rossi per…"), or a word that is no Italian word form (:func:`privacy.word_forms.unlisted_surname` without its plural rule:
    "Kevin", "Brambillasca"), never a common word, an office, a place or a word said to whoever is greeted
    ("ciao Tutti", "grazie Mille", "Buongiorno Vorrei", "ciao Roma", "grazie Sanità")."""
    if _not_a_name(word) or word in OFFICES or word in _THANKED_NOT or word in _GREETED_NOT or word in PLACES \
            or word.lower() in PLACE_WORDS or word.endswith("à"):
        return False
    return word in GIVEN_NAMES or word.lower() in FREQUENT or unlisted_surname(word.lower(), plural=False)


def _surname_after(word: str) -> bool:
    """The capitalised word after a greeted name is its surname when listed or no Italian word form."""
    low = word.lower()
    return not _not_a_name(word) and word not in PLACES and (
        word in GIVEN_NAMES or low in FREQUENT or unlisted_surname(low, plural=False))


def _greeted_sub(counts: Counter):
    def sub(m: re.Match) -> str:
        low = m.group("low")
        if low is not None:  # lower case: a listed given name that is no word, or a word the lexicon lacks
            if not ((low.capitalize() in GIVEN_NAMES and low not in WORD_NAMES) or _greeted(low.capitalize())):
                return m.group(0)
            counts["NOME"] += 1
            return m.group("lead") + "[NOME]"
        if not _greeted(m.group("name")):
            return m.group(0)
        more = m.group("more")
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]" + (more if more and not _surname_after(more.strip()) else "")
    return sub


def greeted_names(text: str, counts: Counter) -> str:
    """A name after a greeting or a thanks: a lone capitalised word ending the comment, in any of the
    questionnaires' languages (see :data:`_GREETED_RE`), and anywhere in the comment after an Italian one
    (:data:`_MID_GREETED_RE`: "ciao Kevin, tutto ok", "grazie Marta per l'aiuto", "ciao kevin, …"):
    ``[NOME]``, the greeting kept. Callers gate on :data:`GREETINGS`."""
    def sub(m: re.Match) -> str:
        w = m.group("name")
        if _not_a_name(w) or w in OFFICES or w in _THANKED_NOT or w in _GREETED_NOT or w in PLACES \
                or w.lower() in PLACE_WORDS or w.endswith("à"):  # "grazie Sanità", "ciao Città"
            return m.group(0)
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]"
    return _MID_GREETED.sub(_greeted_sub(counts), _GREETED.sub(sub, text))


def addressed_names(text: str, counts: Counter, low: str) -> str:
    """The name a comment is addressed to, before a colon or a comma at its start or a line's ("x Giulia:
    la pratica…", "Cara Giulia, …"): a capitalised one as after a greeting (:func:`_greeted`), a lower-case
    one only when a listed given name ("x giulia: …"). ``low``: the text lower-cased, for the gate."""
    if not low.lstrip().startswith(_ADDRESS_STARTS) and "\n" not in low:
        return text
    return _ADDRESSED_RE.sub(_greeted_sub(counts), text)


# --- a name described by a bracket after it -------------------------------------------------------------
#: a capitalised word right before a bracket that says who it is: an age ("Bianca (5)", "Pierangelo (71 anni)"),
#: a relative ("Armando (mio suocero)"), a child's parent ("Federica (mamma di Ginevra, 2B)")
_DESCRIBED_RE = re.compile(
    rf"(?<![\w\[.'’])(?P<name>[{_UP}][{_LOW}]+)[ \t]*\((?:(?P<age>\d{{1,3}})(?P<years>[ \t]*(?i:anni|aa\.?|mesi))?[ \t]*[),]"
    r"|(?i:mi[oa]|nostr[oa]|su[oa])[ \t]+(?i:marito|moglie|figli[oa]|madre|padre|mamma|papà|fratello|sorella|nonn[oa]|zi[oa]"
    r"|suocer[oa]|cognat[oa]|nipote|cugin[oa]|compagn[oa]|vicin[oa]|amic[oa])[ \t]*(?:,[ \t]*\d{1,3}[ \t]+(?i:anni|mesi)[ \t]*)?\)"
    r"|(?i:mamma|papà|madre|padre|nonn[oa]|zi[oa])[ \t]+(?i:di)(?![a-z]))"
    # or heading the comment before a comma and the age ("Pierangelo, 71 anni, pensionato: …")
    rf"|^[ \t]*(?P<head>[{_UP}][{_LOW}]+),[ \t]*\d{{1,3}}[ \t]+(?i:anni)(?![a-z])")


def described_names(text: str, counts: Counter) -> str:
    """A name right before a bracket that says who it is, or heading the comment before its age
    (:data:`_DESCRIBED_RE`): ``[NOME]``, the bracket kept.
    A listed given name (also one that is an ordinary word: "Bianca (5)") is taken before any such bracket; a word
    no list holds, only when it is no Italian word and the bracket gives years or a relative ("Pierangelo (71
    anni)"; "Modulo (2)", "Google (2)" stay); never a common word, an office or a place."""
    def sub(m: re.Match) -> str:
        group = "name" if m.group("name") else "head"
        name = m.group(group)
        if not plain_capitalised(name) or place_named(m.string, m.start(group)):
            return m.group(0)
        if name not in GIVEN_NAMES and (not m.group("years") and not m.group("head")
                                        or not unlisted_surname(name.lower(), plural=False)):
            return m.group(0)  # a word no list holds only before its years ("Pierangelo (71 anni)"; "Naspi (mio marito)")
        counts["NOME"] += 1
        at = m.start(group) - m.start()
        return m.group(0)[:at] + "[NOME]" + m.group(0)[at + len(name):]
    return _DESCRIBED_RE.sub(sub, text)

