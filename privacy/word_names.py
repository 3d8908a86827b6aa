"""Given names that are also words ("Rosa", "Franco", "Sara", "Bruno", "Salvo", "Natale"), where the sentence
leaves no other reading than a person: the other name passes refuse them in lower case and in capitals, or always
("Natale", "Salvo", "Felice" are left out of :data:`privacy.given_names.GIVEN_NAMES` on purpose), so "sono franco con
voi", "a Natale", "salvo errori" stay (round 15).

:func:`word_names` is ``(text, counts) -> text`` like the other finders (``[NOME]``, the words around kept). A word
of :data:`WORD_GIVEN` is a name, in any casing, only

- **thanked or met at a desk**: after "grazie a", "ringrazio", "ho parlato con", "c'era", "mi ha aiutato", before the
  desk where the clerk works or "che mi ha aiutato" ("GRAZIE A ROSA DELL UFFICIO ANAGRAFE", "un grazie a Natale del
  patronato", "c'era Rosa che mi ha aiutato"), or ending the sentence after who helped ("mi ha aiutato franco.");
- **the writer's own**, after a "sono" heading a sentence or after a greeting, before what the writer is to someone or
  where ("sono rosa della 3b", "ciao sono rosa, la mamma di luca", "sono franco del caf"), before a frequent surname
  ("sono sara villa": both taken), and after the SMS "sn" before an SMS word ("sn franco nn riesco");
- **one's relative's**, before an adjective said of a person ("mio figlio bruno alto", "mia figlia rosa piccola"), and
  the names left out of the lists ("Natale", "Felice") before what the person has or does, as round 14 reads "mio
  marito salvo ha" ("mio figlio Natale ha la febbre");
- **a carer's, a neighbour's, a lady's** (after "la signora", "il signor", "la badante", "la vicina") before what that
  person is, has or does ("la signora rosa del piano di sopra", "la badante rosa siamo andate", "la mia vicina rosa mi
  ha aiutato");
- **after "si chiama(va)", "di nome"**, capitalised, before a mark or what the person is or did ("si chiamava Natale
  Costa, …": with the capitalised surname after it; "si chiama Natale la festa che preferisco" stays).

"la rosa dei servizi", "sono franco con l'operatore", "mia figlia sara contenta", "mio figlio bruno di capelli", "la
festa di Natale del patronato" stay. :func:`gate` is the cheap test before it.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import GIVEN_NAMES
from .leads import any_in
from .surnames import FREQUENT
from .word_forms import WORD_NAMES

#: the given names that are words: those of the list the lexicon reads as words, and those left out of it for that
_LEFT_OUT = frozenset("salvo natale felice fortunato fortunata celeste speranza".split())
WORD_GIVEN = frozenset(w for w in WORD_NAMES if w.capitalize() in GIVEN_NAMES) | _LEFT_OUT
_NAME = r"(?P<name>[a-zà-ÿA-ZÀ-Þ][a-zà-ÿ]+|[A-ZÀ-Þ]+)"
_WORD = r"[a-zà-ÿA-ZÀ-Þ][a-zà-ÿ]+|[A-ZÀ-Þ]+"
_DESKS = (r"(?:sportell|uffici|cup\b|urp\b|anagrafe|cassa|reception|accettazione|segreteria|front|centralino|call|caf\b"
          r"|patronato|consultorio|inps\b|asl\b|biblioteca)")
_DESK = rf"(?:dell[oa]?|dell['’]|del|allo|alla|all['’]|al|dal|dalla)[ \t]*{_DESKS}"
_HELPED = r"(?:che[ \t]+)?mi[ \t]+ha[ \t]+(?:aiutat|servit|seguit|spiegat|rispost|accolt)"
#: thanked or met at a desk: the lead-in, the name, the desk or what the person did (or, after who helped, the end)
_MET_RE = re.compile(
    r"(?<![\w'’])(?P<lead>grazie(?:[ \t]+mille)?[ \t]+ad?|un[ \t]+grazie(?:[ \t]+speciale)?[ \t]+ad?|ringrazio(?:[ \t]+\w+mente)?"
    r"|ho[ \t]+parlato[ \t]+con|c(?:['’]|[ \t])era|c(?:['’]|[ \t])è|(?P<helped>mi[ \t]+ha[ \t]+(?:aiutat|servit|seguit|rispost)[oa]))[ \t]+"
    + _NAME + rf"(?=[ \t]+{_DESK}|[ \t]+{_HELPED}|(?(helped)[ \t]*(?:[.!]|$)|(?!)))", re.I)
#: the writer's own: "sono" heading a sentence or after a greeting, the name, then who or where the writer is, an SMS
#: word after "sn", or a surname (taken with it when frequent)
_KIN_WORD = r"(?:mamma|papà|madre|padre|moglie|marito|figli[oa]|nonn[oa]|zi[oa]|sorella|fratello|tutore|tutrice|nipote)"
_OWN_RE = re.compile(
    r"(?:^|(?<=[.!?\n,])|(?<=[.!?\n,][ \t])|(?<=ciao[ \t])|(?<=salve[ \t])|(?<=buongiorno[ \t])|(?<=buonasera[ \t]))"
    r"(?P<lead>[ \t]*(?:io[ \t]+)?(?P<verb>sono|sn)[ \t]+)" + _NAME
    + rf"(?=[ \t]*,?[ \t]*(?:la|il|sono[ \t]+la|sono[ \t]+il)?[ \t]*{_KIN_WORD}(?![\w'’])"
    rf"|[ \t]+(?:del|della|dell['’]?)[ \t]*(?:\d|classe|sezione|{_DESKS})"
    r"|[ \t]+(?P<sms>nn|cmq|ke|xké)(?![\w'’])"
    # round 17: after a greeting, what the writer did or wants ("ciao sono bruno ho provato 3 volte")
    r"|[ \t]*,?[ \t]+(?P<did>ho|volevo|vorrei|avrei|scrivo|chiedo|vi[ \t]+scrivo)(?![\w'’])"
    rf"|[ \t]+(?P<surname>{_WORD})(?![\w'’]))", re.I)
#: a relative, a carer, a neighbour, a lady: the name, then what that person is, has or does
_PERSON_ADJ = (r"(?:alt[oa]|bass[oa]|piccol[oa]|piccolin[oa]|grande|maggiore|minore|malat[oa]|disabile|invalid[oa]|autistic[oa]"
               r"|celiac[oa]|diabetic[oa]|ciec[oa]|sord[oa]|anzian[oa]|neonat[oa]|minorenne|maggiorenne|disoccupat[oa]"
               r"|pensionat[oa]|allettat[oa]|dislessic[oa]|ricoverat[oa]|non[ \t]+vedente|di[ \t]+\d+[ \t]+anni)")
_DOES = r"(?:ha|aveva|è|e['’]|era|non|mi[ \t]+ha|ci[ \t]+ha|che[ \t]+mi|siamo|abbiamo|deve|vuole|può|soffre|frequenta|compie)"
_RELATIVE_RE = re.compile(
    r"(?<![\w'’])(?P<lead>(?P<kin>(?:mio|mia|nostro|nostra)[ \t]+(?:marito|moglie|figli[oa]|madre|padre|mamma|papà|fratello|sorella"
    r"|nonn[oa]|zi[oa]|suocer[oa]|cognat[oa]|genero|nuora|nipote|nipotin[oa]|compagn[oa]))"
    r"|(?:la|il|l['’])[ \t]?(?:mi[oa][ \t]+)?(?:signora|signor|signore|badante|vicin[oa](?:[ \t]+di[ \t]+casa)?))[ \t]+" + _NAME
    + rf"(?=[ \t]+{_PERSON_ADJ}(?![\w'’])|[ \t]*,[ \t]*\d+[ \t]+anni|[ \t]+{_DOES}(?![\w'’])"
    r"|(?(kin)(?!)|[ \t]+(?:del|della|dello|dell['’])[ \t]?[a-z\d]))", re.I)
#: "si chiama(va)", "di nome": a name left out of the lists ("Natale"), capitalised, and a capitalised surname after it
_CALLED_RE = re.compile(r"(?<![\w'’])(?i:si[ \t]+chiam(?:a|ava|avano)|di[ \t]+nome)[ \t]+"
                        r"(?P<name>[A-ZÀ-Þ][a-zà-ÿ]+|[A-ZÀ-Þ]{2,})(?![\w'’])(?:[ \t]+(?P<more>[A-ZÀ-Þ][a-zà-ÿ'’]+|[A-ZÀ-Þ'’]{2,}))?"
                        # then the end, a mark or what the person is or did: "si chiama Natale la festa …" is the feast
                        r"(?=[ \t]*(?:$|[^\w\s])|[ \t]+(?i:e|ed|ha|aveva|era|è|non|che|di|del|della|nato|nata)(?![\w'’]))")

_GREETED = re.compile(r"(?i:ciao|salve|buongiorno|buonasera)[ \t,!.]*\Z")
#: the lead-ins' words (lower-cased text): with a word of :data:`WORD_GIVEN`, the gate before :func:`word_names`
_LEADS = ("grazie", "ringrazio", "parlato con", "c'era", "c’era", "c era", "c'è", "mi ha", "sono", "sn ", "mio ", "mia ",
          "nostr", "signor", "badante", "vicin", "chiam", "di nome")


def gate(low: str, given: bool, words: set[str]) -> bool:
    """Whether :func:`word_names` may find anything in ``low`` (the text lower-cased): a word of :data:`WORD_GIVEN`
    among ``words`` (its words, lower-cased) or, with ``given`` (a listed given name among them), a carer's, a
    neighbour's or a lady's word — and a lead-in's word: set and substring tests only
    (:func:`privacy.pairs.listed_words` gives ``given`` and ``words``)."""
    if WORD_GIVEN.isdisjoint(words) and not (given and ("badante" in low or "vicin" in low or "signor" in low)):
        return False
    return any_in(low, _LEADS)


def _word(name: str) -> bool:
    return name.lower() in WORD_GIVEN


def _replace(rx: re.Pattern, text: str, end, counts: Counter) -> str:
    """Each match of ``rx`` for which ``end(m)`` gives where the name ends (None: refused) becomes ``[NOME]`` from its
    ``name`` group to there."""
    out, pos = [], 0
    for m in rx.finditer(text):
        stop = end(m)
        if stop is None or m.start("name") < pos:
            continue
        out.append(text[pos:m.start("name")] + "[NOME]")
        pos = stop
        counts["NOME"] += 1
    return "".join(out) + text[pos:] if out else text


def _met(m: re.Match) -> int | None:
    return m.end("name") if _word(m.group("name")) else None


def _own(m: re.Match) -> int | None:
    if not _word(m.group("name")):
        return None
    if m.group("did") is not None:  # only after a greeting: "sono franco, ho detto" may be frank
        return m.end("name") if _GREETED.search(m.string, 0, m.start()) else None
    if m.group("sms") is not None:  # "sn franco nn riesco"; "sono franco cmq" may be frank
        return m.end("name") if m.group("verb").lower() == "sn" else None
    if m.group("surname") is not None:  # "sono sara villa": a frequent surname after it, both taken
        return m.end("surname") if m.group("surname").lower() in FREQUENT else None
    return m.end("name")


def _relative(m: re.Match) -> int | None:
    name = m.group("name")  # also a listed one the other passes left in lower case: "la badante giulia siamo andate"
    if name.lower() in _LEFT_OUT and name.lower() != "salvo" and not name.istitle():
        return None  # "mio figlio felice ha ricevuto la tessera": only "Natale", "Felice" capitalised ("salvo": round 14's)
    return m.end("name") if _word(name) or name.islower() and name.capitalize() in GIVEN_NAMES else None


def _called(m: re.Match) -> int | None:
    name, more = m.group("name"), m.group("more")
    if name.lower() not in _LEFT_OUT:
        return None
    # the surname after it: a capitalised word ("Natale Costa"); in capitals only a frequent surname ("NATALE ED ERA")
    if more is not None and (more.lower() in FREQUENT or not more.isupper()):
        return m.end("more")
    return m.end("name")


def word_names(text: str, counts: Counter, low: str) -> str:
    """The given names that are words where the sentence makes them a person's (module docstring): ``[NOME]``.
    ``low``: the text lower-cased, for the gates."""
    if "grazie" in low or "ringrazio" in low or "parlato" in low or "era" in low or "è" in low or "mi ha" in low:
        text = _replace(_MET_RE, text, _met, counts)
    if "sono" in low or "sn " in low:
        text = _replace(_OWN_RE, text, _own, counts)
    if "mio " in low or "mia " in low or "nostr" in low or "signor" in low or "badante" in low or "vicin" in low:
        text = _replace(_RELATIVE_RE, text, _relative, counts)
    if "chiam" in low or "di nome" in low:
        text = _replace(_CALLED_RE, text, _called, counts)
    return text
