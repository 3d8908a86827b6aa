"""A lone listed given name after an article, a thanks, a member of staff or a relative.

:func:`first_names` takes "sono la Giulia", "Ich bin der Sepp" (the article South Tyrol and northern
Italy put before a first name), "Grazie a Luca dell'ufficio", "ho parlato con Marco", "chiedere di Anna",
"l'operatore Gianni", "mio marito Paolo": the name (with the surname after it when that is no common
word) becomes ``[NOME]``, and the listed given names that follow one taken ("Grazie a Luca, Marco e
Anna") too. Only a listed given name is taken after an article or a thanks ("Ich bin der Meinung",
"grazie a Dio" stay); after a member of staff, a patient or a relative any capitalised word that is no
common word, no office and no place is.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from .given_names import GIVEN_NAMES
from .leads import by_first_letter, compile_lower, lined_up, lowered
from .names import _LOW, _PARTICLES, _UP, _WORD, OFFICES, PLACES, TOWNS, _TOWN_OF, _not_a_name, place_named, plain_capitalised
from .pairs import LISTED_SURNAMES
from .surnames import FREQUENT
from .word_forms import WORD_NAMES, unlisted_surname

#: the endings of the adjectives that say which office a clerk works for ("l'operatrice Sanitaria",
#: "l'impiegato Comunale", "l'addetto Tecnico", "il funzionario Amministrativo")
_OFFICE_ADJECTIVE = re.compile(r".*(?:ari[ao]|al[ei]|ic[ao]|iv[ao]|are)")

#: what is said of a patient or a relative, capitalised ("il paziente Anziano", "mio figlio Disabile")
_CONDITIONS = frozenset("""Anziano Anziana Anziani Anziane Disabile Disabili Invalido Invalida Malato Malata Cieco Cieca
Sordo Sorda Nuovo Nuova Giovane Piccolo Piccola Grande Minorenne Maggiorenne Ricoverato Ricoverata Straniero Straniera
Autistico Autistica Fragile Grave Cronico Cronica Oncologico Oncologica Neonato Neonata""".split())

#: "sono la Giulia", "Ich bin der Sepp" (the article South Tyrol and northern Italy put before a first
#: name), "Grazie a Luca dell'ufficio", "ho parlato con Marco", "chiedere di Anna": one given name alone
#: is taken here, but only a listed one (:data:`GIVEN_NAMES`) — "Ich bin der Meinung", "grazie a Dio",
#: "ho parlato con Ufficio Tributi" stay — with the capitalised word after it when that is no common word.
_FIRST_LEAD = (r"(?i:(?:io\s+)?sono\s+(?:il|la|l['’]\s?)|ich\s+bin\s+(?:der|die)|i\s+am|i['’]m"
               r"|gr(?:azie|z)(?:\s+(?:mille|di\s+tutto|speciale|di\s+cuore|infinite|ancora|davvero|anche|soprattutto|in\s+particolare))?"
               r"\s+(?:a|ad|da|alla|al|all['’]\s?)"
               r"|ringrazi(?:o|amo|are)(?:\s+(?:sentitamente|molto|tanto|di\s+cuore|ancora|infinitamente|anche|soprattutto"
               r"|in\s+particolare))?(?:\s+(?:il|la|l['’]\s?))?"
               # a thanks that names several ("grazie a tutti, in particolare a Giulia e Francesca")
               r"|(?:in\s+particolare|specialmente)(?:\s+(?:a|ad|alla|al))?(?=\s+[A-ZÀ-ÖØ-ÞČŠŽĆĐ])|soprattutto\s+(?:a|ad|alla|al)(?=\s+[A-ZÀ-ÖØ-ÞČŠŽĆĐ])"
               r"|(?:un\s+(?:caro\s+)?saluto|saluti)\s+da|don|suor"
               # praise and who served ("complimenti a Nadia", "voto 10 a Nadia", "mi ha risposto Lucia", "lo sportello
               # di Giulia", "alle ragazze, Elisa e Chiara")
               r"|complimenti\s+(?:a|ad|alla|al|all['’]\s?)|(?:un\s+)?applauso\s+(?:a|ad|alla|al|all['’]\s?)"
               r"|voto\s+\d+(?:\s+e\s+lode)?\s+(?:a|ad|alla|al|all['’]\s?)|ragazz[ei]|sportello\s+di"
               # who writes, or for whom ("vi scrive Giuseppina", "scrivo per conto di Giuseppina")
               r"|(?:vi\s+)?scrive|(?:per\s+conto|a\s+nome|da\s+parte)\s+di"
               r"|insieme\s+(?:a|ad|con)|accompagnat[oaie]\s+da|(?:ero|eravamo)\s+con|(?:sposat|fidanzat)[oaie]\s+con"
               r"|(?:ho|abbiamo|aver)\s+parlato\s+con(?:\s+(?:il|la|l['’]\s?))?|chied(?:ere|ete|i|o|ete|endo)\s+(?:di|a|del|della)"
               # a relative called by the name alone ("zio Gino", "nonna Pina": only a listed given name after it)
               r"|(?:zi[oa]|nonn[oa]|cugin[oa]|mamma|papà|babbo|padrino|madrina|oma|opa|onkel|uncle|aunt(?:ie)?|grandma|grandpa|granny|tonton|tata"
               r"|mamie|papi|papy|stric|teta|babica|dedek)(?=\s+[A-ZÀ-ÖØ-ÞČŠŽĆĐ])"
               r"|ich\s+und|ask\s+for|(?:tut(?:ore|rice)|curat(?:ore|rice)|amministrat(?:ore|rice)\s+di\s+sostegno)\s+di"
               r"|chiesto\s+(?:di|a|del|della)|danke\s+an\s+(?:den|die)|thanks\s+to|merci\s+à|hvala"
               # the staff who served ("l'operatore Gianni", "l'impiegata Giulia": the entity's staff read the
               # comments, and know their colleagues), a patient, the family ("mio marito Paolo", "mia nonna
               # Pinuccia", "mein Sohn Lukas", "my son Kevin"): a capitalised word after these is a name even
               # when no listed one ("l'impiegato Zanchettin", "il paziente Brambilla", "una certa Brambillasca",
               # "si chiama Kevin"), unless it is a common word or names an office ("l'operatore Inps")
               r"|(?P<staff>operat(?:ore|rice)|impiegat[oa]|sportellista|addett[oa]|funzionari[oa]|collega"
               r"|maestr[ao]|insegnante|assistente(?:\s+sociale)?|infermier[ae]|educat(?:ore|rice)"
               r"|student(?:e|essa)|alunn[oa]|(?:(?<=del\s)|(?<=dal\s)|(?<=al\s)|(?<=il\s))minore|consulente|ostetrica|postin[oa]|vigile(?:ssa)?|agente|maresciallo|brigadiere"
               r"|appuntato|ispett(?:ore|rice)|commissari[oa]|comandante|parroco|pediatra|medico|tecnic[oa]|custode|bidell[oa]"
               r"|autista|cassier[ea]|farmacista|notaio|commercialista|psicolog[oa]|fisioterapista|logopedista|preside"
               r"|segretari[oa]|centralinista|receptionist|badante|detto|detta|alias|soprannominat[oa]|vicin[oa]\s+di\s+casa"
               r"|mediat(?:ore|rice)(?:\s+culturale)?|sachbearbeiter(?:in)?|beamt(?:e|er|in)|mitarbeiter(?:in)?|angestellte[r]?"
               r"|dirigente|responsabile|dirett(?:ore|rice)|sindac[oa]|vicesindac[oa]|assessor[ea]|consiglier[ea]|capo\s?ufficio"
               r"|(?:mi|ci)\s+ha(?:nno)?\s+(?:risposto|aiutato|servito|ricevuto|seguito|chiamato|richiamato|assistito|accolto)"
               r"|the\s+(?:officer|clerk|operator|employee|nurse|teacher)"
               r"|(?<!\w)tale|un\s+certo|una\s+certa|(?:il|la|l['’]|dal|della|al|alla)\s?pazient[ei]|si\s+(?:chiam|kiam)(?:a|ava|i|asse|ano|avano)"
               r"|(?:il\s+suo|di)\s+nome(?:\s+(?:era|è|e['’]))?|famiglia|fam\.|coniugi|sigg\.|sig\.ri|signori"
               r"|(?:mio|mia|nostro|nostra|suo|sua|tuo|tua|vostro|vostra)\s+(?:marito|moglie|figli[oa]|madre|padre|mamma|papà|fratello|sorella|compagn[oa]"
               r"|nonn[oa]|zi[oa]|suocer[oa]|cognat[oa]|genero|nuora|ragazz[oa]|nipote|nipotin[oa]|bimb[oa]|bambin[oa]|fidanzat[oa]"
               r"|vicin[oa]|amic[oa]|badante|coinquilin[oa]|convivente|tutore|tutrice)"
               r"|(?:mamma|papà|madre|padre|figli[oa]|nonn[oaie]|moglie|marito|zi[oaie]|fratello|sorella|nipote|cugin[oaie]|genitori)\s+di"
               # round 10: "io e Rina", "il piccolo Thiago", "il bambino, Kevin", "i miei figli Greta e Thiago", "scrivete a
               # Ivo", "rivolgetevi a Mirco" (a listed given name only)
               r"|io\s+ed?|(?:il|la)\s+piccol[oa]|(?:il|la)\s+(?:bambin[oa]|bimb[oa]|neonat[oa])"
               r"|(?:figli[e]?|nipoti|bambini|bimbi)"
               r"|(?:scriv(?:ete|ere|i)|rivolg(?:etevi|ersi|iti|ervi))\s+(?:a|ad)"
               r"|(?:mein|meine|unser|unsere)\s+(?:sohn|tochter|mann|frau|mutter|vater|bruder|schwester|oma|opa)"
               r"|my\s+(?:son|daughter|husband|wife|mother|father|brother|sister)"
               r"|(?:mon|ma|notre)\s+(?:fils|fille|mari|femme|mère|père|frère|s(?:œ|oe)ur)"
               r"|(?:moj|moja|naš|naša)\s+(?:sin|hči|hčerka|mož|žena|mama|oče|brat|sestra))"
               # "i miei genitori Franco e Lidia": a listed given name only (round 13)
               r"|(?<=miei\s)(?:genitori|nonni|suoceri)"
               # who served, by the participle ("seguito da Ruggeri", "aiutata da Bernardi"): a listed name or no word
               r"|(?P<by>(?:seguit|aiutat|assistit|accolt)[oaie]\s+da)"
               # the article northern Italy puts before a first name or a surname ("la Donatella", "il Beppe",
               # "la Ferretti"): a listed given name that is no word, or a listed surname that is no noun
               r"|(?P<article>il|la)(?=\s+[A-ZÀ-ÖØ-ÞČŠŽĆĐ]))")
_FIRST_RE = re.compile(rf"(?<!\w){_FIRST_LEAD}(?:[ \t]*[,:]?[ \t]+[(\"“«‘']?|(?<=['’]))(?P<name>(?:D(?:e|ell|all)?['’])?[{_UP}][{_LOW}]+)(?P<more>[ \t]+{_WORD})?(?!\w|['’]\w)")
_NEXT_RE = re.compile(rf"(?<=\[NOME\])(?P<sep>,[ \t]*|[ \t]+(?:e|ed|und|and|et|in)(?:[ \t]+(?:a|ad|al|alla|con|di|to|à))?[ \t]+)(?P<name>[{_UP}][{_LOW}]+)"
                      rf"(?P<more>[ \t]+{_WORD})?(?![\w'’])")
#: where :data:`_FIRST_RE` may start: the first word of each of its lead-ins
_FIRST_AT_WORDS = (r"io|si|sono|ich|i|grazie|ringrazi|ho|abbiamo|aver|parlato|chied|chiest|danke|thanks|merci|hvala"
                   r"|operat|impiegat|sportellist|addett|funzionari|collega|mio|mia|nostr|tale|un|una|salut"
                   r"|maestr|insegnant|assistent|infermier|educat|the|suo|sua|tuo|tua|vostr"
                   r"|il|la|l['’]|dal|della|al|alla|mein|unser|my|mamma|papà|madre|padre|figli|nonn|moglie|marito"
                   r"|in\s+particolare|soprattutto|specialmente|di\s+nome|famiglia|fam|coniugi|sigg|sig|signori|don|suor"
                   r"|complimenti|applauso|voto|ragazz|sportello|mi\s+ha|ci\s+ha|vi\s+scrive|scrive|per\s+conto|a\s+nome"
                   r"|da\s+parte|badant|dett|alias|soprannominat"
                   r"|dirigent|responsabil|dirett|sindac|vicesindac|assessor|consiglier|capo|insieme|accompagnat"
                   r"|ero\s+con|eravamo\s+con|sposat|fidanzat|grz|seguit|aiutat|assistit|accolt"
                   r"|student|alunn|minore|consulent|ostetric|postin|vigil|agent|maresciall|brigadier|appuntat|ispett"
                   r"|commissari|comandant|parroc|pediatr|medic|tecnic|custod|bidell|autist|cassier|farmacist|notai"
                   r"|commercialist|psicolog|fisioterapist|logopedist|presid|segretari|centralinist|receptionist"
                   r"|mediat|sachbearbeiter|beamt|mitarbeiter|angestellt"
                   r"|zi|babbo|fratello|sorella|nipote|cugin|mon|ma|notre|moj|moja|naš|naša|padrin|madrin|genitori|nipoti|bambin|bimb|scriv|rivolg|vicin"
                   r"|oma|opa|onkel|uncle|aunt|grand|tonton|tata|mamie|papi|papy|stric|teta|babica|dedek|ich|ask|tut|curat|amministrat")
_FIRST_AT = re.compile(rf"(?<!\w)(?:{_FIRST_AT_WORDS})(?=[\s'’a-z:,])", re.I)
#: :data:`_FIRST_AT` and :data:`_FIRST_RE`'s lead-ins (a capital after them read as any letter), to match the
#: text lower-cased (:mod:`privacy.leads`): the lead-ins are tried there before the whole pattern is
_FIRST_AT_LOW = compile_lower(rf"(?<!\w){by_first_letter(_FIRST_AT_WORDS)}(?=[\s'’a-z:,])")
_FIRST_LEAD_LOW = compile_lower(r"(?<!\w)" + lowered(_FIRST_LEAD).replace("(?P<staff>", "(?:").replace("(?P<by>", "(?:").replace("(?P<article>", "(?:")
                                .replace("(?=\\s+[A-ZÀ-ÖØ-ÞČŠŽĆĐ])", r"(?=\s+\w)"))
#: the cheap gate before :data:`_FIRST_RE`
FIRST_WORDS = ("sono il", "sono l", "bin der", "bin die", "i am", "i'm", "i’m", "grazie", "ringrazi",
               "parlato con", "chied", "chiesto", "danke an", "thanks to", "merci à", "hvala", "grandma", "grandpa", "granny", "tonton",
               "mamie", "papi", "papy", "babica", "dedek", "ask for", "tutore", "tutrice", "curat", "sostegno",
               "operat", "impiegat", "sportellist", "addett", "funzionari", "collega", "marito", "moglie", "figli",
               "maestr", "insegnant", "assistent", "infermier", "educat", "the ",
               "tale ", "un cert", "una cert", "saluto da", "saluti da", "nonn", "pazient", "sohn", "tochter", "my ",
               "madre", "padre", "mamma", "papà", "fratello", "sorella", "compagn", "nipot", "bimb", "bambin", "fidanzat", "cugin",
               "suocer", "cognat", "genero", "nuora", "babbo", "padrin", "madrin", "piccol", "genitori", "rivolg", "nipoti", "si chiam", "di nome", "suo nome", "famiglia", "fam.", "coniugi",
               "sigg.", "signori", "vicin", "amic", "badant", "coinquilin", "convivent", "tutor", "in particolare",
               "soprattutto", "specialmente", "sig.ri", "don ", "suor ", "student", "alunn", "minore", "consulent", "ostetric",
               "postin", "vigil", "agent", "maresciall", "brigadier", "appuntat", "ispett", "commissari", "comandant",
               "parroc", "pediatr", "medic", "tecnic", "custod", "bidell", "autist", "cassier", "farmacist", "notai",
               "commercialist", "psicolog", "fisioterapist", "logopedist", "presid", "segretari", "centralinist",
               "receptionist", "mediat", "sachbearbeiter", "beamt", "mitarbeiter", "angestellt", "complimenti", "applauso", "voto ", "ragazz", "sportello di", "mi ha ", "ci ha ",
               "mein ", "meine ", "unser", "badant", "scrive", "conto di", "nome di", "parte di", "detto ", "detta ", "alias", "soprannominat",
               "dirigent", "responsabil", "dirett", "sindac", "assessor", "consiglier", "capo", "insieme", "accompagnat",
               "ero con", "eravamo con", "sposat", "grz", "seguit", "aiutat", "assistit", "accolt",
               "mon ", "ma f", "ma m", "ma s", "notre ", "moj", "naš")  # French and Slovenian relatives: few tests
#: first words that end other words ("zio " ends "servizio ", "io e " ends "ufficio e "): the gate looks for them at
#: the comment's start and after a space only
AT_WORD_START = ("zio ", "zia ", "io e ", "io ed ", "oma ", "opa ", "onkel ", "uncle ", "aunt", "tata ", "stric ",
                 "teta ", "ich und ")
AFTER_SPACE = tuple(" " + w for w in AT_WORD_START)


_PARTICLE_WORDS = frozenset("Di De Del Della Dello Lo La Li Da Dal Dalla".split())


#: surnames that are also makes, said with an article ("la Ferrari di Maranello", "la Olivetti", "la Pirelli")
_MAKES = frozenset("Ferrari Ferrero Barilla Lavazza Armani Prada Gucci Maserati Lamborghini Benetton Bulgari Olivetti "
                   "Pirelli Piaggio Ducati Buitoni Peroni Fiat Alfa Lancia Moretti Martini Menabrea Campari Cinzano Illy "
                   "Bialetti".split())


#: what says a surname no list holds after "seguito da", "aiutata da" is a clerk's: a desk or a bracket after it
#: ("aiutata da Bernardi allo sportello 3", "seguito da Ruggeri (sportello 2)"; "aiutata da Auser" stays)
_AT_DESK = re.compile(r"\s*\(|\s+(?:allo|all['’]|dello|dell['’]|al|del|della|alla)\s*(?:sportello|ufficio|front|banco|cassa|desk)")


def _article_name(m: re.Match) -> bool:
    """Whether the word after an article is a name: a listed given name that is no word, or after "la" a listed
    surname that is no noun ("la Donatella", "il Beppe", "la Ferretti"; "la Speranza", "la Costa", "il Cattaneo",
    "la Marina Militare" stay — the staff's lead-in after it is then tried: "il Sindaco Rossi")."""
    name, more = m.group("name"), m.group("more")
    low = name.lower()
    if m.group("article").lower() == "il" and (name not in GIVEN_NAMES or low.endswith("a")):
        return False  # "il Cattaneo", "il Bellini", "il Maria Vittoria": a school, a theatre, a hospital
    if more and not (more.strip() in GIVEN_NAMES or more.strip().lower() in LISTED_SURNAMES
                     or unlisted_surname(more.strip().lower(), plural=False)):
        return False  # "la Sara Assicurazioni", "la Marina Militare": a firm, a corps
    return (name in GIVEN_NAMES or low in LISTED_SURNAMES) and low not in WORD_NAMES and name not in PLACES \
        and name not in _MAKES \
        and not place_named(m.string, m.start())


def lead_matches(text: str) -> Iterator[re.Match]:
    """:data:`_FIRST_RE`'s matches, left to right and none overlapping, each tried only where a lead-in's first
    word (:data:`_FIRST_AT`) starts — found at C speed in the text lower-cased, and its lead-in checked there
    (:mod:`privacy.leads`) before the whole pattern is tried."""
    pos, low = 0, lined_up(text)
    for w in (_FIRST_AT.finditer(text) if low is None else _FIRST_AT_LOW.finditer(low)):
        if w.start() < pos or low is not None and _FIRST_LEAD_LOW.match(low, w.start()) is None \
                or (m := _FIRST_RE.match(text, w.start())) is None or m.group("article") and not _article_name(m):
            continue
        yield m
        pos = m.end()


def first_names(text: str, counts: Counter) -> str:
    """A lone listed given name after "sono il/la", "ich bin der/die", "grazie a", "ringrazio",
    "ho parlato con", "chiedere di", …: ``[NOME]`` (with the surname after it, if any)."""
    def sub(m: re.Match) -> str:
        name, more = m.group("name"), m.group("more")
        low = name.lower()
        if m.group("by") and name not in GIVEN_NAMES and low not in FREQUENT and (
                not plain_capitalised(name) or not unlisted_surname(low, plural=False)
                or not _AT_DESK.match(m.string, m.end("name"))):
            return m.group(0)  # a word, an office, a place or a firm ("aiutato da Poste", "assistiti da Federconsumatori")
        if name in _PARTICLE_WORDS:
            return m.group(0)  # "l'impiegato Del Comune": a particle alone is no name (privacy.particles: "Di Martino")
        if name not in GIVEN_NAMES and low not in FREQUENT and not m.group("by") \
                and not (m.group("staff") and not _not_a_name(name) and name not in OFFICES
                         and name not in _CONDITIONS and name not in PLACES and not _OFFICE_ADJECTIVE.fullmatch(name)):
            return m.group(0)
        if more and f"{name} {more.strip().capitalize()}" in TOWNS or _TOWN_OF.match(m.string, m.start("name")) \
                or place_named(m.string, m.start()):
            return m.group(0)  # "grazie a Martina Franca", "grazie a Marina di Ragusa": a town; "scuola Don Milani"
        # the word after, but not a particle alone: "la maestra Supplente De Luca" left "Luca" (privacy.tails takes
        # "De Luca" after the name)
        end = m.end() if more and not _not_a_name(more.strip()) and more.strip() not in _PARTICLES else m.end("name")
        counts["NOME"] += 1
        return m.string[m.start():m.start("name")] + "[NOME]" + m.string[end:m.end()]

    def more(m: re.Match) -> str:  # "Grazie a Luca, Marco e Anna": the listed names after one taken
        if m.group("name") not in GIVEN_NAMES:
            return m.group(0)
        counts["NOME"] += 1
        surname = m.group("more")  # "[NOME], Franz Gruber": the surname with it
        return m.group("sep") + "[NOME]" + ("" if surname and not _not_a_name(surname.strip()) else surname or "")
    parts, pos = [], 0
    for m in lead_matches(text):
        parts.append(text[pos:m.start()] + sub(m))
        pos = m.end()
    out = "".join(parts) + text[pos:] if parts else text
    while "[NOME]" in out:
        again = _NEXT_RE.sub(more, out)
        if again == out:
            break
        out = again
    return out
