"""Personal names typed in lower case, as people type on a phone: after a title ("sono il signor rossi",
"la sig.ra bianchi", "il dott. verdi"), a closing or a signature ("cordiali saluti mario rossi",
"firmato mario rossi"), "sono" ("sono marco, grazie", "sono rossi mario") or a relative or a member of
staff ("mia madre maria rossi", "l'operatore gianni").

:func:`privacy.names.names` takes capitalised names after these lead-ins, and a lower-case one only
after "mi chiamo", "my name is", …; this module takes the rest, with a guard per lead-in, because a
lower-case word carries no sign of being a name:

- after an abbreviated title or "signor"/"dottor" (forms written only before a name): the next
  word, unless it is a common word ("il sig. che mi ha ricevuto"), and the one after it when one of
  the two is a listed given name ("sig. mario rossi", "sig. rossi mario"); a surname that is an adjective said of
  staff is the surname there ("la sig.ra gentile", "il dottor Gentile"), not after the full word ("la signora gentile");
- after "signora", "signorina", "dottoressa" (also said alone: "la signora gentilissima"): the
  same, and the word must not read as an adjective or a participle ("la signora addetta", "la signora
  anziana", "la signorina preparata");
- after a closing, "firmato", "in fede" and "sono": only words of which one is a listed given name
  (:data:`privacy.given_names.GIVEN_NAMES`) that is not also an ordinary word (:data:`WORD_NAMES`:
  "sono serena", "sono bruno" (tanned), "saluti e grazie" stay);
- after a relative or a member of staff: a listed given name, with the surname after it; after one's own relative
  also one that is a word, where what follows makes it the subject ("mio marito salvo ha 80 anni"; "mia figlia
  sara contenta" stays);
- a surname alone: after a closing that ends the comment ("cordiali saluti, rossi": one or two words,
  none a stop word, an adjective or a word comments are signed with — "saluti, buona giornata",
  "cordiali saluti, un cittadino" stay), and after "sono" only a listed frequent surname
  (:data:`privacy.surnames.SURNAMES`: "sono rossi"; "sono stanca" stays), one ending in a consonant,
  as Italian words do not ("sono zanchettin", "sono hofer"; "sono single" stays), or one that is no
  Italian word form (:func:`privacy.word_forms.unlisted_surname`, :mod:`privacy.lexicon`: "sono tagliabue"; "sono soddisfatto"
  stays), a noun-surname (:data:`privacy.surnames.NOUN_SURNAMES`: "salve, sono colombo"; not before an
  article or a preposition), or a plural that cannot agree with the one who writes when a clause of the
  writer follows and it is no adjective in -o unless frequent ("sono ferraresi, ho chiamato"; "sono felici",
  "sono pessimi, vergogna", "sono anni" stay), and only where "sono" says who writes ("buongiorno, sono
  rossi"; "i semafori sono rossi" stays);
- two words heading the comment, or ending it after a break, one of them a listed given name
  ("rossi mario, la pratica …", "… grazie.\nmario rossi"), and a form's two labels without colons
  ("cognome rossi nome mario").

Each finder is ``(text, counts) -> text`` (``[NOME]``, the lead-in kept).
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES, NOBODY
from .leads import Led, lowered
from .lexicon import lemma
from .names import OFFICES, PLACES
from .origins import from_place, hers_from, said_of_her
from .surnames import FREQUENT, NOUN_SURNAMES, PARTICIPLES, SURNAMES
from .word_forms import ADJECTIVE, SIGNED, STOP, WORD_NAMES, foreign_surname, kin_word_name, plain_word, unlisted_surname

#: the same said of "la signora" (feminine singular, or the plural a typo gives): a word ending in -i
#: ("casati", "politi") cannot agree with her and is her surname; one in -ata/-ita/-uta is the participle
#: only when listed (:data:`privacy.surnames.PARTICIPLES`: "preparata"; "la signora zappata" is a surname)
_ADJECTIVE_F = re.compile(r".*(?:issim[ae]|[aiu]t[ae]|ent[e]|ant[e]|il[e]|evol[e]|os[ae]|mente)$")
_PARTICLES = frozenset("de di da del della dello dei degli d' d’ lo van von".split())
_W = r"[a-zà-öø-ÿčšž]+(?:['’][a-zà-öø-ÿčšž]+)?"
_NAME3 = rf"(?P<name>{_W}(?:[ \t]+{_W}){{0,2}})"

_TITLE_RE = re.compile(
    r"(?<!\w)(?P<lead>(?i:(?P<short>sig(?:\.\s?ra\.?|\.\s?na\.?|g?\.|[ \t](?:ra|na)\.?(?=[ \t])|(?:ra|na)?(?=[ \t](?!(?i:ra|na)\.?[ \t])))|dott(?:\.\s?ssa|\.|(?:ssa)?(?=[ \t]))|avv\.|prof(?:\.\s?ssa|\.)"
    r"|ing\.|geom\.|rag\.))[ \t]+|(?i:(?P<word>signor|dottor)|signora|signorina|dottoressa)(?!\w)[ \t]+)" + _NAME3)
#: what may follow a name that ends a closing or follows "sono": the end, a mark or a symbol ("sono
#: gianni 😀", "sono anna!!!"), or a word that starts the rest of the sentence ("sono marco e vorrei
#: sapere", "sono anna di torino", "sono marta sto aspettando", "sono gianni tutto bene ok", round 18: "sono anna
#: maria colombo nata il …": the birth ends the name, see :func:`_words`)
_AFTER_WORDS = sorted(STOP | {"residente", "abito", "sto", "aspetto", "scrivo", "chiedo", "volevo", "devo", "nato", "nata",
                              "classe"}, key=len, reverse=True)
_AFTER = (r"(?=\s*(?:$|[^\w\s])|[ \t]+(?i:" + "|".join(map(re.escape, _AFTER_WORDS)) + r")(?!\w))")
_CLOSING_RE = re.compile(
    r"(?<!\w)(?P<lead>(?i:cordiali\s+saluti|distinti\s+saluti|(?:un\s+(?:caro\s+)?saluto|saluti|grazie(?:\s+di\s+tutto)?)\s+da"
    r"|un\s+(?:caro\s+)?saluto|saluti|cordialmente|firmato|grazie(?:\s+mille|\s+ancora|\s+di\s+tutto|\s+di\s+cuore)?"
    r"|f\.to|in\s+fede|(?:io\s+)?(?:sono|sn)|mi\s+presento)[ \t]*[,.!:]?\s*)" + _NAME3 + _AFTER)
_KIN_RE = re.compile(
    r"(?<!\w)(?P<lead>(?i:(?:mio|mia|nostro|nostra)\s+(?:marito|moglie|figli[oa]|madre|padre|mamma|papà|fratello"
    r"|sorella|compagn[oa]|nonn[oa]|zi[oa]|suocer[oa]|cognat[oa]|genero|nuora|ragazz[oa]|nipote)|operat(?:ore|rice)|impiegat[oa]|sportellista"
    r"|addett[oa]|funzionari[oa]|collega|(?:grazie|grz|tnx)(?:\s+mille)?\s+ad?|ringrazio|parlato\s+con|si\s+chiama(?:va)?|di\s+nome"
    r"|complimenti(?:\s+ad?)?|brav(?:issim)?[oaie]|(?:mi|ci)\s+ha(?:nno)?\s+(?:risposto|aiutato|servito|seguito)|vicin[oa]|scrive"
    r"|chied(?:ere|ete|i|o)\s+(?:di|a|ad)|insieme\s+(?:a|ad|con)|(?:in\s+particolare|soprattutto|grazie\s+speciale)\s+ad?"
    r"|(?:marito|moglie|figli[oa]|madre|padre|mamma|papà|fratello|sorella|nonn[oaie]|zi[oaie]|genitori)\s+di"
    # round 10: a relative called by the name alone, "io e", children, "scrivete a", "chiedendo di" ("zio gino", "io e anna")
    r"|zi[oa]|nonn[oa]|cugin[oa]|io\s+ed?|(?:il|la)\s+piccol[oa]|figli[e]?|nipoti|bambini|bimbi"
    r"|scriv(?:ete|ere|i)\s+ad?|rivolg(?:etevi|ersi|iti|ervi)\s+ad?|chiedendo\s+(?:di|a|ad))[ \t]*[,:]?[ \t]+\(?)"
    + _NAME3)
#: the cheap gate: a lead-in's first letters (lower-cased text)
WORDS = ("sig", "dott", "avv.", "prof", "ing.", "geom.", "rag.", "salut", "cordial", "firmat", "f.to", "fede", "sono ", "sn ",
         "presento", "mio ", "mia ", "nostr", "operat", "impiegat", "sportellist", "addett", "funzionari", "collega",
         "grazie", "grz", "tnx", "ringrazio", "parlato con", "complimenti", "brav", "mi ha ", "ci ha ", "vicin", "scrive", "chied", "insieme", "particolare", "soprattutto",
         "si chiama", "di nome", "mamma", "papà", "madre", "padre", "figli", "moglie", "marito", "nonn", " sorella",
         "fratello", " zio ", " zia ")
_TITLE_GATE = re.compile(r"sig|dott|avv\.|prof|ing\.|geom\.|rag\.")
#: the listed given names a lower-case closing, "sono" or relative needs (one of them in the text, or
#: those two passes are not run: a set lookup per word)
_LOWER_GIVEN = frozenset(n.lower() for n in GIVEN_NAMES) - WORD_NAMES
_TOKEN = re.compile(r"[a-zà-öø-ÿčšž]+")
#: a given name after one taken, joined by a comma or "e": "un saluto da anna e paolo"
_NEXT_RE = re.compile(r"(?<=\[NOME\])(?P<sep>,[ \t]*|[ \t]+(?:e|ed|und|and|et|in|con)[ \t]+)"
                      r"(?P<name>[A-ZÀ-ÖØ-ÞČŠŽ]?[a-zà-öø-ÿčšž]+)(?![\w'’])|(?<![\w\[.'’])(?P<before>[A-ZÀ-ÖØ-ÞČŠŽ]?[a-zà-öø-ÿčšž]+)"
                      r"(?=[ \t]+(?:e|ed|und|and|et)[ \t]+\[NOME\])")  # and before one: "Elisa e [NOME] del front office"


def _given(word: str) -> bool:
    return word.capitalize() in GIVEN_NAMES and word not in WORD_NAMES


#: what ends a lower-case name as a stop word does: who the writer is to someone, a school's class ("sono francesca
#: mamma di lorenzo", "la mamma di gioele classe 2a")
_SAID_OF = frozenset("mamma papà madre padre figlio figlia moglie marito nonna nonno zio zia classe sezione".split())


#: an office or a desk after an elided preposition ("dell'inps"): no surname like "dell'acqua"
_DESKS = OFFICES | {"Ufficio", "Ospedale", "Ambulatorio", "Archivio", "Accettazione", "Anagrafe"}


#: what ends a name with the next datum about its bearer: a birth or a form's label
_LABELS = frozenset("nato nata classe cf tel cell iban email mail pec telefono cellulare codice".split())


def _words(m: re.Match) -> list[str]:
    """The words of the candidate up to the first that cannot be part of a name."""
    out, words = [], m.group("name").split()
    for i, w in enumerate(words):
        # "giovanni dell'inps", "anna dell'ufficio", "teresa dell ufficio" (its apostrophe left out): a desk, no surname;
        # "giulia di roma": where from (round 16)
        if w in STOP and not (w in _PARTICLES and out) or w in _SAID_OF or from_place(words, i, PLACES) \
                or "'" in w and w.split("'")[-1].capitalize() in _DESKS or w in ("dell", "dall", "all", "nell", "sull") \
                or w in _LABELS:  # "sono anna rossi nata il …", "sono mario rossi cf …": no name (round 18)
            break
        out.append(w)
    while out and out[-1] in _PARTICLES:
        out.pop()
    return out


#: surnames that are adjectives said of staff: after an abbreviated title or "signor", "dottor" ("la sig.ra gentile", "il
#: sig. cortese", "il dottor Gentile"), forms written only before a name, they are the surname; after the full word ("la
#: signora gentile", "il signore gentile", "la dottoressa gentile") the adjective, kept
_TITLE_ADJECTIVE_SURNAMES = frozenset("gentile gentili cortese".split())


_TITLE_ADJECTIVE_RE = re.compile(r"(?<!\w)(?P<lead>(?i:sig(?:\.\s?ra\.?|\.\s?na\.?|g?\.|[ \t](?:ra|na)\.?(?=[ \t])|(?:ra|na)?(?=[ \t](?!(?i:ra|na)\.?[ \t])))|dott(?:\.\s?ssa|\.)"
                                 r"|avv\.|prof(?:\.\s?ssa|\.)|ing\.|geom\.|rag\.|dr\.?|signor|dottor)[ \t]+)"
                                 r"(?P<name>Gentile|Gentili|Cortese|GENTILE|GENTILI|CORTESE)(?![\w'’])")


def _taken_after_title(m: re.Match) -> list[str]:
    first = m.group("name").split()[0]
    if (m.group("short") or m.group("word")) and first in _TITLE_ADJECTIVE_SURNAMES:
        return [first]
    if first.capitalize() in NOBODY:  # "il signor nessuno": nobody's name
        return []
    words = _words(m)
    if not words or words[0] in _PARTICLES:
        return words if len(words) > 1 else []
    if not (m.group("short") or m.group("word")) and (_adjective_of_her(words[0]) and not _given(words[0])
                                                      and not hers_from(words[0], m.string, m.start("name") + len(words[0]), PLACES)
                                                      or said_of_her(words[0], m.string, m.start("name") + len(words[0]), PLACES)):
        return []  # "la signora addetta"; "la signora bianca di capelli" (round 16)
    if len(words) > 1 and words[1] in _PARTICLES:
        return _particled(words)
    # a second word only when the pair holds a given name ("mario rossi", "rossi mario")
    return words[:2] if len(words) > 1 and (_given(words[0]) or _given(words[1])) else words[:1]


def _particled(words: list[str]) -> list[str]:
    """A name and a particle after it: with the word after the particle when that is a surname ("lucia di stefano":
    the particle alone was taken), alone when a common word follows, a desk ("lucia del consultorio", "paola del caf")."""
    plain = len(words) < 3 or words[2].capitalize() in OFFICES \
        or lemma(words[2]) is not None and words[2] not in SURNAMES and not _given(words[2])
    return words[:1] if plain else words[:3]


def _adjective_of_her(word: str) -> bool:
    """Whether ``word`` after "signora", "signorina", "dottoressa" reads as said of her (see :data:`_ADJECTIVE_F`)."""
    if word in PARTICIPLES:  # listed: also those no ending tells ("attenta", "distratta", "precisa")
        return True
    if not _ADJECTIVE_F.fullmatch(word):
        return False
    return not word.endswith(("ata", "ita", "uta")) or word in PARTICIPLES


def _taken_given(m: re.Match) -> list[str]:
    """Up to three words of which one is a listed given name ("sono marco", "grazie mille mario rossi"), or
    two plain words the second of which ends in a consonant, as Italian words do not ("grazie pinuccia
    zanchettin.", "sono ugo hofer")."""
    words = _words(m)[:3]
    if any(_given(w) for w in words):
        return words
    if len(words) >= 2 and foreign_surname(words[1]) and plain_word(words[0]) and not foreign_surname(words[0]):
        return words[:2]
    return []


#: the lead-ins of :data:`_KIN_RE` that name a relative or introduce a name ("si chiama", "di nome")
_RELATIVE = re.compile(r"(?i:marit|moglie|figli|madre|padre|mamma|papà|fratell|sorell|compagn|nonn|zi[oa]\b|suocer|cognat"
                       r"|nipote|chiama|di\s+nome)")


#: a relative, then a word ending in a consonant: the cheap test before :data:`_KIN_RE` when no listed
#: given name is in the text
_KIN_WORDS = (r"(?i:marit|moglie|figli|madre|padre|mamma|papà|fratell|sorell|compagn|nonn|zi[oa]|suocer|cognat"
              r"|nipote|chiama|di\s+nome)")
_KIN_CONSONANT = Led(re.compile(_KIN_WORDS + r"[a-zà]*[ \t,:(]+[a-zà-ÿ]{3,}[b-df-hj-np-tv-zß](?![\w'’])"),
                     lowered(_KIN_WORDS))


#: a closing or "sono", then a word and one ending in a consonant: the cheap test before :data:`_CLOSING_RE`
#: when no listed given name is in the text
_CLOSING_WORDS = r"(?i:grazie|salut[io]|cordialmente|firmato|in\s+fede|sono|sn)"
_CLOSING_CONSONANT = Led(re.compile(_CLOSING_WORDS + r"[ \t,.!:]+[a-zà-ÿ]+[ \t]+[a-zà-ÿ]{3,}[b-df-hj-np-tv-zß](?![\w'’])"),
                         lowered(_CLOSING_WORDS))


#: a given name that is also a word after one's own relative ("mio marito salvo", "mia madre rosa") is the name
#: only when what follows makes it the subject: a mark, the end, or a verb of what that person has or does ("sara
#: contenta" is "sarà contenta", "salvo per miracolo" is "safe"). Round 14.
_OWN_KIN = re.compile(r"(?i:mio|mia|nostro|nostra)\s")
_SUBJECT_AFTER = re.compile(r"[ \t]*(?:$|[,;:!?)(\n]|\.(?!\w))|[ \t]+(?i:ha|aveva|hanno|è|e['’]|era|non|deve|doveva|vuole|può"
                            r"|soffre|frequenta|compie|mi|ci|di\s+\d+\s+anni|\d+\s+anni|\(\d)(?![\w'’])")
#: given names left out of the lists because they are words ("Salvo": "salvo errori"), taken only there
_KIN_ONLY_NAMES = frozenset({"salvo"})
_KIN_WORD_NAMES = frozenset(w for w in WORD_NAMES if w.capitalize() in GIVEN_NAMES) | _KIN_ONLY_NAMES


def _taken_kin(m: re.Match) -> list[str]:
    """A listed given name and the word after it ("mia madre maria rossi"); after a relative or "si
    chiama" also a name not listed that ends in a consonant, as Italian words do not ("mio figlio kevin"),
    with the word after it when that one is a name too."""
    words = _words(m)
    if words and _given(words[0]):
        return _particled(words) if len(words) > 1 and words[1] in _PARTICLES else words[:2]
    if words and words[0] in _KIN_WORD_NAMES and _OWN_KIN.match(m.group("lead")) \
            and (n := kin_word_name(words, m.string, m.start("name"), _SUBJECT_AFTER)):
        return words[:n]  # "mio marito salvo ha 80 anni", "mia suocera pina esposito non ha"; "mia figlia sara contenta" stays
    if words and foreign_surname(words[0]) and _RELATIVE.search(m.group("lead")):
        return words[:2] if len(words) > 1 and (_given(words[1]) or foreign_surname(words[1])) else words[:1]
    return []


def _replace(rx: re.Pattern, text: str, taken, counts: Counter) -> str:
    """Each candidate of ``rx`` whose ``taken`` words are not empty becomes ``[NOME]``; a refused one is
    looked at again from its next character ("mio figlio si chiama luca": "mio figlio" leads to "si",
    refused, and "si chiama" then leads to "luca")."""
    out, pos, start = [], 0, 0
    while (m := rx.search(text, start)) is not None:
        words = taken(m)
        if not words:
            start = m.start() + 1
            continue
        # the span of the taken words inside the candidate (they are its first ones, as written)
        end = m.start("name")
        for w in words:
            end = text.index(w, end) + len(w)
        out.append(text[pos:m.start("name")] + "[NOME]")
        pos = start = end
        counts["NOME"] += 1
    return "".join(out) + text[pos:] if out else text


def lower_names(text: str, counts: Counter, low: str | None = None) -> str:
    """Lower-case names after a title, a closing, "sono", a relative or a member of staff (see the
    module's docstring): ``[NOME]``, the lead-in kept. Run after :func:`privacy.names.names`; ``low`` is
    the text lower-cased, when the caller has it (only the gate of the titles reads it)."""
    if _TITLE_GATE.search(low if low is not None else text.lower()):
        text = _replace(_TITLE_RE, text, _taken_after_title, counts)
        if "entil" in text or "ortese" in text:  # "la sig.ra Gentile": capitalised, refused as a common word elsewhere
            text = _replace(_TITLE_ADJECTIVE_RE, text, lambda m: [m.group("name")], counts)
    tokens = _TOKEN.findall(text)
    if _LOWER_GIVEN.isdisjoint(tokens):
        if _KIN_CONSONANT.search(text) is None and _KIN_WORD_NAMES.isdisjoint(tokens):  # "mio figlio kevin", "mio marito salvo"
            if _CLOSING_CONSONANT.search(text) is None:  # "grazie pinuccia zanchettin."
                return text
            text = _replace(_CLOSING_RE, text, _taken_given, counts)
        text = _replace(_KIN_RE, text, _taken_kin, counts)
        return next_names(text, counts) if "[NOME]" in text else text
    text = _replace(_CLOSING_RE, text, _taken_given, counts)
    text = _replace(_KIN_RE, text, _taken_kin, counts)
    return next_names(text, counts) if "[NOME]" in text else text


def next_names(text: str, counts: Counter) -> str:
    """The listed given names that follow a ``[NOME]`` behind a comma or "e" ("un saluto da anna e paolo",
    "mia figlia giulia, luca e marco", "[NOME] e Marco") or come before it and "e" ("Elisa e [NOME]"): ``[NOME]`` each. Run again once every pass
    is done, so that a name taken last ("Vittorio Brambillasca, anna") has its followers taken too, and
    redacting the result again finds nothing."""
    def more(m: re.Match) -> str:
        name = m.group("name") or m.group("before")
        if not (_given(name) if name.islower() else name in GIVEN_NAMES):
            return m.group(0)
        counts["NOME"] += 1
        return (m.group("sep") or "") + "[NOME]"
    while True:
        again = _NEXT_RE.sub(more, text)
        if again == text:
            return text
        text = again


# --- a lower-case surname alone, a name heading or signing a comment, a form's labels --------------------
_END = r"(?=[ \t]*[.!]*\s*$)"
#: a closing, then one or two words that end the comment: its signature ("cordiali saluti, rossi")
_SIGNOFF_RE = re.compile(
    r"(?<!\w)(?P<lead>(?i:cordiali\s+saluti|distinti\s+saluti|un\s+(?:caro\s+)?saluto|saluti|cordialmente|firmato"
    rf"|f\.to|in\s+fede)[ \t]*[,.!:]?\s*)(?P<name>{_W}(?:[ \t]+{_W})?){_END}")
#: "sono" and one word, then the end, a mark or the rest of the sentence (:data:`_AFTER`)
_SONO_RE = re.compile(rf"(?<!\w)(?P<lead>(?i:(?:io\s+)?sono|mi\s+presento)[ \t]*[,:]?[ \t]+)(?P<name>{_W}){_AFTER}")
#: two words heading the comment, or ending it after a break, with nothing but a mark after them
_HEAD_RE = re.compile(rf"^(?P<lead>\s*)(?P<name>{_W}[ \t]+{_W})(?=[ \t]*(?:$|[,.;:!?\n)]|[-–][ \t]))")
#: one given name heading the comment (after "io" too) before a comma, a colon, a bracket or a number, in
#: any case: "Ottavio, 85 anni, cardiopatico", "Giovanni 85 anni invalido", "Maria (85 anni)", "io Maria,
#: …" (a listed one that is no common word: "Bruno, il colore" stays)
_HEAD_ONE_RE = re.compile(r"^(?P<lead>\s*(?i:io[ \t]+)?)(?P<name>[A-Za-zÀ-ÖØ-öø-ÿ]+)(?=[ \t]*(?:[,:(]|\d))")
_TAIL_RE = re.compile(rf"(?:^|(?<=[.!?\n]))(?P<lead>\s*)(?P<name>{_W}[ \t]+{_W}){_END}")
#: a form's two labels typed without colons: "cognome rossi nome mario", "nome mario, cognome rossi"
_LABELS_RE = re.compile(rf"(?<!\w)(?P<l1>(?i:cognome|nome)[ \t]*:?[ \t]+)(?P<a>{_W})(?P<l2>[ \t]*[,;]?[ \t]*"
                        rf"(?i:cognome|nome)[ \t]*:?[ \t]+)(?P<b>{_W})(?!\w)")


def _taken_signed(m: re.Match) -> list[str]:
    words = m.group("name").split()
    return words if all(plain_word(w) or _given(w) for w in words) else []


#: what may stand before a "sono" that says who writes: the start of a sentence, "io", a greeting ("buongiorno,
#: sono rossi"); after any other word "sono" is "they are" ("i semafori sono rossi", "i moduli sono
#: bianchi": colours and common words among the surnames stay)
_SONO_START = re.compile(r"(?:^|[.,;:!?\n(\-–]|(?<!\w)(?i:io|buongiorno|buonasera|buondì|salve|ciao|ok|allora|dunque|ecco"
                         r"|intanto|premetto|innanzitutto|tutti))[ \t]*$")


def _says_who(text: str, end: int) -> bool:
    """Whether :data:`_SONO_START` matches right before ``end`` ("sono" at ``end`` says who writes). Looked
    for in the 16 characters before the spaces or tabs that end there: its longest word has 12 letters, and a
    line break right before ``end`` is a mark itself (the same answer as a search of ``text[:end]`` from its start)."""
    lo = len(text[:end].rstrip(" \t"))
    return _SONO_START.search(text, max(0, lo - 16), end) is not None


#: what follows a plural read as the writer's surname: a new clause behind a mark, or a verb of the one who
#: writes ("sono ferraresi, ho chiamato", "sono ricci, la pratica…", "sono conti e vorrei"); "sono felici",
#: "sono felici del servizio", "sono lunghi i tempi", "sono contenti, grazie" say "they are …" and stay
_SINGULAR_AFTER = re.compile(
    r"[ \t]*[,;:–-][ \t]*(?!(?i:grazie|ma|e|ed|anzi|però|perché|molto|tanto|troppo|più|anche|sempre|ancora|davvero|proprio"
    r"|tutti|tutte|come|quando|se)(?!\w))\w|[ \t]+(?:(?i:e|ed)[ \t]+)?(?i:ho|avevo|avrei|vorrei|volevo|chiedo|scrivo|aspetto"
    r"|abito|vivo|sto|stavo|devo|dovrei|ringrazio|segnalo|sono|mi|non)(?!\w)")
#: an article or a preposition after a word of :data:`privacy.surnames.NOUN_SURNAMES`: the word is the noun
#: ("sono testa a testa", "sono villa di lusso"), not the writer's surname
_PHRASE_AFTER = re.compile(r"[ \t]+(?i:(?:il|lo|la|i|gli|le|un|uno|una|di|del|dello|della|dei|degli|delle|a|al|allo|alla|ai"
                           r"|agli|alle|da|dal|dalla|in|per|con)(?!\w)|(?:l|d|un|all|dall|dell|nell)['’])")


def _taken_surname(m: re.Match) -> list[str]:
    name = m.group("name")
    if m.group("lead")[:4].lower() == "sono" and not _says_who(m.string, m.start()):
        return []
    if name[:2].lower() in ("l'", "l’") or m.string[m.end("name"):m.end("name") + 1] in ("'", "’"):
        return []  # an article ("sono l'avv. [NOME]": "l'avv" read as a surname), or one cut from its word
        # ("sono sull'app IO", "sono dell'Aquila": "sull", "dell")
    if name in SURNAMES or foreign_surname(name) or unlisted_surname(name, plural=False):
        return [name]
    if name in NOUN_SURNAMES:  # "salve, sono colombo"; "sono testa a testa" stays
        return [] if _PHRASE_AFTER.match(m.string, m.end("name")) else [name]
    if unlisted_surname(name) and _SINGULAR_AFTER.match(m.string, m.end("name")) \
            and (name in FREQUENT or not _gendered_plural(name)):  # a plural: by what follows
        return [name]
    return []


def _gendered_plural(word: str) -> bool:
    """Whether a plural in -i has a feminine in -e of the same lemma, one in -o: an adjective ("pessimi",
    "lunghi": "sono pessimi, vergogna" says "they are"), which a surname is only when frequent ("ricci")."""
    lem = lemma(word)
    return lem is not None and lem.endswith("o") and lemma(word[:-1] + "e") == lem


def _taken_pair(m: re.Match) -> list[str]:
    words = m.group("name").split()
    if not any(_given(w) for w in words):
        return []
    return words if all(_given(w) or plain_word(w) for w in words) else []


def _edge_words(low: str) -> bool:
    """The cheap gate of :data:`_HEAD_RE` and :data:`_TAIL_RE` (no pattern): one of the first two or the
    last two words of the comment is a listed given name."""
    head, tail = low.split(None, 2)[:2], low.rsplit(None, 2)[-2:]
    return any(w.strip(",.;:!?()-–") in _LOWER_GIVEN for w in (*head, *tail))


def edge_names(text: str, counts: Counter, low: str) -> str:
    """A lower-case name of two words, one a listed given name, heading the comment ("rossi mario, la
    pratica è ferma"), a listed given name alone heading it before a comma ("Ottavio, 85 anni"), or ending it on its own line or after a sentence ("… grazie.\\nmario rossi"):
    ``[NOME]``. ``low`` is the text lower-cased; nothing runs unless :func:`_edge_words` holds."""
    if not _edge_words(low):
        return text
    text = _replace(_HEAD_ONE_RE, text, lambda m: [m.group("name")] if m.group("name").lower() in _LOWER_GIVEN else [],
                    counts)
    return _replace(_TAIL_RE, _replace(_HEAD_RE, text, _taken_pair, counts), _taken_pair, counts)


def labelled_names(text: str, counts: Counter) -> str:
    """A surname and a given name after a form's two labels typed without colons ("cognome rossi nome
    mario"): both ``[NOME]``, the labels kept."""
    def sub(m: re.Match) -> str:
        if m.group("a") in STOP or m.group("b") in STOP:
            return m.group(0)
        counts["NOME"] += 2
        return m.group("l1") + "[NOME]" + m.group("l2") + "[NOME]"
    return _LABELS_RE.sub(sub, text)


def lone_surnames(text: str, counts: Counter, low: str) -> str:
    """A surname alone after a closing that ends the comment ("cordiali saluti, rossi") or after "sono"
    when it is a listed one (:data:`privacy.surnames.SURNAMES`: "sono rossi, vorrei sapere")."""
    if "salut" in low or "cordial" in low or "firmat" in low or "f.to" in low or "fede" in low:
        text = _replace(_SIGNOFF_RE, text, _taken_signed, counts)
    if "sono" in low or "presento" in low:
        text = _replace(_SONO_RE, text, _taken_surname, counts)
    return text
