"""Personal names: after the phrases that introduce them, and wherever a listed given name stands
beside another capitalised word.

:func:`names` takes a name after a lead-in, in each language the questionnaires are offered in:
- Italian: "mi chiamo", "il mio nome è", "(io) sono", "il sottoscritto"/"la sottoscritta", "firmato"/"f.to",
  "in fede", titles ("sig.", "sig.ra", "signor", "dott.", "dott.ssa", "dr.", "prof.", "avv.", "ing.", …);
- English: "my name is", "I am"/"I'm", "Mr", "Mrs", "Ms", "Miss";
- German: "mein Name ist", "ich heiße", "Herr", "Frau" (and the academic titles after them:
  "Frau Mag. Pichler", "Herr Dipl.-Ing. Dr. Kofler", "Herr DI Pfeifer"), "Mag.", "Dipl.-Ing.";
- a label and a colon: "Nome: …", "Cognome: …", "Name: …", "Vorname: …";
- French: "je m'appelle", "mon nom est", "je suis", "M.", "Mme", "Monsieur", "Madame";
- Slovenian: "ime mi je", "moje ime je", "sem", "gospod", "gospa", "g.", "ga.";
and after a closing ("cordiali saluti", "cordialmente", "kind regards", "mit freundlichen Grüßen",
"MfG", "Grüß Gott", "cordialement", "lep pozdrav", …) on the same line — after a comma or only a
space, as one-line comments sign ("MfG Sepp Huber") — or on the next line. A name is one to four
capitalised words with the particles of surnames (De Luca, Di Stefano, D'Amico, Dell'Acqua, Anna
Maria De' Medici, von Aufschnaiter), or up to four words in capitals when one of them is a listed
given name ("MI CHIAMO MARIO ROSSI"); after "mi chiamo", "my name is", … a name in lower case is
taken too. The lead-in is kept; the name becomes ``[NOME]``.

:func:`listed_names` takes, with no lead-in, two to four capitalised words (or words in capitals)
of which one is a given name of :data:`privacy.given_names.GIVEN_NAMES` and another is not a
common word: "Giulia Esposito", "Rossi Mario", "MARIO ROSSI". Not taken: a lone given name
(but see :func:`privacy.thanked.desk_names`: "Marco allo sportello"), a name that names a place or an
institution (the word before it is "via", "San", "ospedale", "liceo", …: "Ospedale Sandro Pertini",
"Santa Maria Novella"), and at the start of a sentence a surname-first pair followed by more words
("Ottimo Marco, …" is taken, "Ottimo Marco allo sportello" is not as a pair).

A lone given name after an article, a thanks, a member of staff or a relative: :mod:`privacy.first_names`.
"""
from __future__ import annotations

import re
from collections import Counter

from .given_names import FAMOUS, GIVEN_NAMES, NOBODY
from .leads import Led, by_first_letter, lowered
from .origins import name_end, refused_in_caps, word_pair
from .word_forms import CAPS_STOP, STOP, unlisted_surname
from .surnames import FREQUENT, SURNAMES

#: the letters of the questionnaires' languages, for character classes: Italian, German (ß), French,
#: Slovenian (č, š, ž) and the Croatian and Serbian letters of names written in Italy (ć, đ).
UPPER = "A-ZÀ-ÖØ-ÞČŠŽĆĐ"
LOWER = "a-zß-öø-ÿčšžćđ"
_UP, _LOW = UPPER, LOWER
_WORD = rf"(?:[{_UP}][{_LOW}]*['’])?[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?|[{_UP}][{_LOW}]?['’]\s?[{_UP}][{_LOW}]+"
_CAPS_WORD = rf"(?:[{_UP}]{{2,}}|[{_UP}](?=['’][{_UP}]))(?:['’][{_UP}]{{2,}})?"  # "D'ANGELO" too
_PARTICLE = r"(?:de|di|da|del|della|dei|degli|dello|de['’]|d['’]|lo|la|van|von|le|li|(?<=[Vv]an )de[rn]|(?<=[Vv]on )de[rm])"
_NAME = rf"(?:{_WORD})(?:[ \t]+(?:{_PARTICLE}[ \t]+)?(?:{_WORD})){{0,4}}"
_CAPS_NAME = rf"{_CAPS_WORD}(?:[ \t]+{_CAPS_WORD}){{0,3}}(?![{_UP}{_LOW}\]])"
#: the academic titles of German-speaking Italy and Austria that stand between "Herr"/"Frau" and the
#: name, any number of them ("Frau Mag. Pichler", "Herr Dipl.-Ing. Dr. Hannes Kofler", "Herr DI Pfeifer")
_TITLES = (r"(?:\s+(?:(?:dr|prof|dipl\.-?ing|mag|mmag|ddr|ing|dkfm|arch|univ\.-?prof)\.(?:\s?\(fh\))?"
           r"|di(?=\s)|dr(?=\s)|prof(?=\s)))*")
_LEAD = (r"(?i:mi\s+(?:chiamo|kiamo|chiamano|presento)|c/o|il\s+mio\s+(?:cog)?nome\s+(?:è|e['’`]|é)|(?:io\s+)?sono|(?:il|la)\s+sottoscritt[oa]"
         r"|firmato|f\.to|in\s+fede|sig(?:nor[ae]?|\.\s?r[aa]|\.\s?na|g?\.|ra\.?|[ \t](?:ra|na)\.?(?=[ \t])|(?=[ \t](?!(?i:ra|na)\.?[ \t])))|dott(?:\.\s?ssa|\.|oressa|or|(?=[ \t]))"
         r"|d\.\s?ssa|dr\.\s?ssa|dr\.|dr(?=[ \t]+(?-i:[A-ZÀ-Ö]))|prof(?:\.\s?ssa|\.|essoressa|essor|(?=[ \t]))|avv\.|ing\.|geom\.|rag\.|arch\."
         r"|avvocat(?:o|essa)|ingegner[e]?|architett[oa]|geometra"
         r"|my\s+name\s+is|i\s+am|i['’]m|mrs?\.?|ms\.?|miss"
         r"|(?-i:NOME|COGNOME)(?=[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])"  # a form's labels in capitals, no colon: "COGNOME Santoro NOME Ilenia"
         r"|from(?=:)|von(?=:)|mein\s+name(?:\s+ist|(?=:))|(?:cog|il\s+mio\s+)?nome(?=:)|cognome|nominativo(?=:|(?-i:[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]))|firma(?=:)|(?:vor|nach|familien)?name(?=:)"
         r"|ich\s+hei(?:ß|ss)e|(?:sohn|tochter|kind|mann|frau|mutter|vater|bruder|schwester)\s+hei(?:ß|ss)t"
         r"|(?:fils|fille|enfant|mari|femme|mère|père|frère|s(?:œ|oe)ur)\s+s['’]appelle|(?:herrn?|frau)" + _TITLES + r"|mag\.|mmag\.|dkfm\.|dipl\.-?ing\.|univ\.-?prof\."
         r"|je\s+m['’]appelle|mon\s+nom\s+est|je\s+suis|mme\.?|mlle\.?|monsieur|madame|m\."
         r"|ime\s+mi\s+je|moje\s+ime\s+je|sem|gospod(?:u|a)?|gosp[ae]|gospo|g\.|ga\.|geb\.|née)")
_CLOSING = (r"(?i:cordiali\s+saluti|distinti\s+saluti|un\s+(?:caro\s+)?saluto|saluti|grazie\s+e\s+saluti|in\s+fede"
            r"|un\s+(?:forte\s+)?abbraccio|abbracci|un\s+bacio|baci(?:oni)?|saluti\s+cordiali|cordialità|con\s+osservanza"
            r"|a\s+presto|buona\s+(?:giornata|serata|continuazione)|amicalement|(?:danke\s+und\s+)?gru(?:ß|ss)"
            r"|cordialmente|gr(?:ü|ue)(?:ß|ss)\s+gott|gr(?:ü|ue)(?:ß|ss)e"
            r"|(?:kind(?:est)?|best|warm)\s+regards|regards|best\s+wishes|(?:yours\s+)?sincerely|yours\s+faithfully"
            r"|mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|(?:freundliche|viele|liebe)\s+gr(?:ü|ue)(?:ß|ss)e|mfg"
            r"|(?:bien\s+)?cordialement|(?:meilleures\s+)?salutations|bien\s+à\s+vous"
            r"|lep\s+pozdrav|lepo\s+pozdravljeni|s\s+spoštovanjem)")
#: a title glued to the surname by its dot ("Sig.Ruggiero", "dott.Santangelo", "l'ing.Fontana")
_GLUED = rf"(?i:sig|dott|dr|prof|avv|ing|geom|rag|arch)\.(?=[{_UP}][{_LOW}])"
_NAME_RE = re.compile(
    rf"(?P<lead>(?<!\w){_LEAD}[:,]?[ \t]+[\"“«‘']?|(?<!\w){_GLUED}|(?<!\w){_CLOSING}(?:[ \t]*[,.!:][ \t]*|[,.!:]?[ \t]*\r?\n\s*|[ \t]+)"
    # the short sign-offs, at a line's start only, before a comma or a line break ("Best, John", "Cheers,\nTom"),
    # or a space and a listed given name ("LG Anna", "lp Mojca"; "LG Electronics" stays),
    # and the separator of an e-mail signature ("--\nPaolo", "-- \nPaolo Rossi")
    rf"|(?:^|(?<=[\n.!?]))[ \t]*(?:(?i:lg|vg|lp|best|cheers)(?:[ \t]*,[ \t]*|[,.!]?[ \t]*\r?\n\s*)|(?i:lg|vg|lp)[ \t]+"
    rf"|(?<![^\n])--[ \t]*\r?\n\s*))"
    rf"(?:(?P<name>{_NAME})|(?P<caps>{_CAPS_NAME}))")
#: the first words of :data:`_NAME_RE`'s lead-ins, closings and sign-offs: where it may match, in the text
#: lower-cased (tests/test_redact_speed.py checks that each lead-in of :data:`_LEAD` and :data:`_CLOSING` starts
#: with one); grouped by their first letter, Python's re tries a few of them at a word's start, not a hundred
_NAME_FIRST_WORDS = (r"mi\s|miss|mr|ms|mon\s+nom|mme|mlle|monsieur|madame|mag\.|mmag\.|mein\s+name|moje\s|mit\s|meilleures"
                     r"|mfg|m\.|il\s+mio|il\s+sott|io\s|ich\s+hei|i\s+am|i['’]m|ime\s|in\s+fede"
                     r"|sono|sig|sem(?!\w)|saluti|sincerely|salutations|s\s+spo|la\s+sott|lep\s|lepo\s|liebe|lg|lp"
                     r"|firma|f\.to|from|frau|freundliche|dott|dr\.|dr\s|d\.|dkfm\.|dipl\.|distinti\s|danke\s"
                     r"|prof|avv|a\s+presto|abbracci|amicalement|arch|ing|geom|gosp|g\.|ga\.|geb\.|grazie\s+e\s|gru|grü"
                     r"|rag\.|regards|my\s+name|von|vorname|viele|vg|nome|nominativo|nachname|name|née"
                     r"|cognome|cordial|con\s+osservanza|cheers|c/o|sohn|tochter|kind|bruder|schwester|vater|mutter|mann|fils|fille|enfant|femme"
                     r"|mari|mère|père|frère|sœur|soeur|familienname|herr|je\s|un\s|univ\.|baci|buona\s|best|bien\s"
                     r"|kind|warm|yours|--")
_NAME_LEADS = Led(_NAME_RE, rf"(?<!\w){by_first_letter(_NAME_FIRST_WORDS)}", back=" \t")
_LOWER_LEAD = (r"(?i:mi\s+(?:chiamo|kiamo)|il\s+mio\s+(?:cog)?nome\s+(?:è|e['’`]|é)|my\s+name\s+is|mein\s+name\s+ist|ich\s+hei(?:ß|ss)e"
               r"|je\s+m['’]appelle|mon\s+nom\s+est|ime\s+mi\s+je|moje\s+ime\s+je"
               r"|(?:il\s+mio\s+)?(?:nome\s+e\s+)?(?:cog)?nome(?=\s*:)|nominativo(?=\s*:)|firma(?=\s*:)"
               r"|(?:il|la|io)\s+sottoscritt[oa])")
_LOWER_NAME_RE = re.compile(
    rf"(?P<lead>(?<!\w){_LOWER_LEAD}[:,]?\s+)"
    rf"(?P<name>(?:{_PARTICLE}\s+|d['’])?[{_LOW}]+(?:\s+(?!(?:cog)?nome(?![{_LOW}]))(?:{_PARTICLE}\s+|d['’])?[{_LOW}]+)?)(?![\w'’])")
_LOWER_NAMES = Led(_LOWER_NAME_RE, rf"(?<!\w){lowered(_LOWER_LEAD)}")
_PARTICLE_WORD = re.compile(_PARTICLE)

#: capitalised words that follow a lead-in or stand beside a given name and are not names (checked
#: as written and capitalised, so "MOLTO" is "Molto").
#: a form's labels: a name taken ends before the next one ("Nome: Mario Cognome: Rossi")
_LABELS = frozenset("Nome Cognome Nominativo Name Vorname Nachname Familienname Nom Prénom Ime Priimek Firma".split())
NOT_NAMES = _LABELS | NOBODY | frozenset("""
Carissimo Carissima Carissimi Carissime Caro Cara Egregi Stimato Stimata Spettabili Club
Onkel Tante Oma Opa Uncle Aunt Auntie Grandma Grandpa Granny Tonton Tata Mamie Papi Papy Stric Teta Babica Dedek
Madre Mamma Marito Moglie Figlio Figlia Figli Fratello Sorella Nonno Nonna Zio Zia Suocero Suocera Cognato Cognata Nipote
Cugino Cugina Sportellista Inviato Inviata Sent Gesendet Envoyé Poslano Molto Poco Abbastanza Davvero Veramente Proprio Stato Stata Stati State Soddisfatto Soddisfatta Soddisfatti
Insoddisfatto Insoddisfatta Contento Contenta Contenti Deluso Delusa Delusi Riuscito Riuscita Rimasto Rimasta
Arrivato Arrivata Andato Andata Tornato Tornata Venuto Venuta Dovuto Dovuta Costretto Costretta
Un Una Uno Il La Lo Gli Le In Da Di Per Con Su Tra Fra Tutti Tutto Tutte Ancora Già Sempre Mai Qui Qua Lì Là
Nato Nata Residente Cittadino Cittadina Cittadini Pensionato Pensionata Studente Studentessa Utente Cliente
Inps Inail Comune Regione Provincia Ministero Agenzia Ufficio Servizio Sportello Asl Governo Stato Italiano
Italiana Italiani Non Ok Grazie Buongiorno Buonasera Salve Io Noi Voi Anche Solo Sono Ma Però Quindi Poi
Ore Oggi Ieri Domani Lunedì Martedì Mercoledì Giovedì Venerdì Sabato Domenica Gennaio Febbraio Marzo Aprile
Maggio Giugno Luglio Agosto Settembre Ottobre Novembre Dicembre Sì Si No Bene Male Felice Grato Grata
Cordiali Distinti Saluti Team Staff Segreteria Direzione Redazione Spid Cie Pec App Web Sito Portale
Sindaco Sindaca Assessore Assessora Presidente Direttore Direttrice Responsabile Dirigente Funzionario Funzionaria
Impiegato Impiegata Medico Dottore Dottoressa Operatore Operatrice Addetto Addetta Segretario Segretaria
Mille Tante Ave Vergine Madonna Ciao Caro Cara Cari Care Gentile Gentili Gentilissimo Gentilissima Egregio Egregia Spettabile Spett Ottimo Ottima
Pessimo Pessima Bravo Brava Bravi Brave Complimenti Ringrazio Ringraziamo Papa Don Suor Padre Santo Santa San
Sant Beato Beata Signor Signora Signore Sig Dott Prof Avv Ing Buon Buona Buone Auguri Viva Evviva
Dear Hi Hello Thanks Thank Very Happy Not The An It This That Good Great Bad Satisfied Unhappy Glad Sorry Mr Mrs Ms Miss
Hallo Liebe Lieber Sehr Danke Guten Doktor Der Die Das Ein Eine Nicht Zufrieden Herr Frau Gemeinde
Dr Mag Mmag Ddr Dkfm Dipl Univ Arch
Vodafone Fastweb Telepass Tim Wind Iliad Enel Eni Acea Hera Iren Poste Esselunga Coop Conad Atac Atm Trenord Trenitalia
Youtube Chatgpt Google Amazon Facebook Whatsapp Sda Brt Gls Dhl Ader Equitalia Inca Caf Patronato Soget Abbanoa
Contarina Aruba Legalmail Postel Cotral Auser Federconsumatori
Bonjour Merci Très Les Une Satisfait Satisfaite Madame Monsieur Mme Mlle Commune
Pozdravljeni Hvala Zelo Zadovoljen Zadovoljna Dober Občina Gospod Gospa
""".split())

#: capitalised words that name an office, a company or a service rather than a person, after "l'operatore",
#: "l'impiegato", "un certo", … (checked as written and capitalised, so "INPS" is "Inps")
OFFICES = frozenset("""
Inps Inail Enel Tim Poste Asl Ausl Ats Usl Asp Cup Caf Urp Aci Pra Suap Sue Anagrafe Tributi Polizia Municipale
Locale Comunale Regionale Provinciale Statale Carabinieri Vigili Questura Prefettura Tribunale Motorizzazione
Agenzia Entrate Acea Hera Iren Sogei Tari Imu Isee Cns Pagopa Appio Io Call Center Numero Verde Sanitario
Anagrafico Tecnico Tecnica Amministrativo Amministrativa Contabile Postale Bancario Telefonico Telefonica
Front Back Office Help Desk Customer Care Service Reception Accettazione Cassa Sicurezza Vigilanza Informazioni
Info Cup Urp Protocollo Ragioneria Economato Personale Stato Civile Elettorale Edilizia Urbanistica Ambiente
""".split())

#: the places a comment names most ("sono una mamma di Roma", "Grazie Napoli!"): the regions, their capitals
#: and the largest cities — not a name after a relative or a thanks
PLACES = frozenset("""Roma Milano Napoli Torino Palermo Genova Bologna Firenze Bari Catania Venezia Verona Messina Padova
Trieste Brescia Taranto Prato Parma Modena Reggio Perugia Livorno Cagliari Foggia Salerno Ferrara Rimini Bolzano Bozen
Trento Aosta Ancona Pescara Potenza Catanzaro Campobasso Sassari Latina Bergamo Vicenza Monza Como Udine Lecce Siracusa
Sicilia Sardegna Calabria Puglia Campania Lazio Toscana Lombardia Piemonte Veneto Liguria Emilia Romagna Marche Umbria
Abruzzo Molise Basilicata Friuli Trentino Italia Europa Meran Merano Brixen Bressanone Südtirol""".split())

#: towns whose names read as a given name and a surname ("Martina Franca", "Vittorio Veneto"): a run of
#: capitalised words holding one is a place, not a person ("abito a Martina Franca")
TOWNS = frozenset(("Martina Franca", "Vittorio Veneto", "Albano Laziale", "Sesto Fiorentino", "Sesto San Giovanni",
                   "Silvi Marina", "Cirò Marina", "Ciro Marina", "Santa Marinella", "Francavilla Fontana", "Marino Laziale",
                   "Gioia Del Colle", "Gioia Tauro", "Vibo Valentia", "Ascoli Piceno", "Lamezia Terme", "Aprilia",
                   "Alba Adriatica", "Massa Marittima", "Massa Lombarda", "Santa Maria Capua Vetere", "Marina Di Carrara",
                   "Lido Di Camaiore", "Porto Recanati", "Paola Calabra", "Giulianova", "Civita Castellana"))

#: a seaside town named after its inland one: "Marina di Ragusa", "Lido di Camaiore"
_TOWN_OF = re.compile(rf"(?:Marina|Lido)[ \t]+d(?:i|el|ella)[ \t]+[{_UP}]")

#: the word before a name that makes it the name of a place, a building or an institution:
#: "via Giuseppe Verdi", "Santa Maria Novella", "Ospedale Sandro Pertini", "liceo Enrico Fermi".
PLACE_WORDS = frozenset("""
via viale piazza piazzale piazzetta corso largo vicolo vico strada contrada località borgo lungomare
lungotevere salita traversa galleria calle fondamenta rione frazione ponte porta villa palazzo parco
giardino giardini stazione aeroporto porto ospedale policlinico clinica presidio istituto liceo scuola
università ateneo collegio convitto teatro cinema museo biblioteca chiesa basilica duomo cattedrale
santuario fondazione circolo centro premio caserma hotel albergo stadio palazzetto piscina cimitero
san santa santo sant s beato beata papa re regina principe principessa
monte torre castel castello lido poggio colle isola pieve rocca capo punta valle val
rue avenue place boulevard chemin straße strasse platz ulica cesta trg street road square
""".split())

#: words that qualify a place word before the name it bears ("scuola primaria Gianni Rodari", "istituto
#: comprensivo statale Enrico Fermi", "ospedale civile Sandro Pertini")
_PLACE_QUALIFIERS = (r"primari[ao]|medi[ae]|secondari[ao]|superiore|elementar[ei]|matern[ao]|dell['’]infanzia|statale"
                     r"|comprensivo|tecnic[ao]|professionale|civile|regionale|provinciale|universitari[ao]|pediatric[ao]"
                     r"|militare|comunale|paritari[ao]|classico|scientifico|linguistico|artistico|industriale|agrario"
                     r"|commerciale|alberghiero|musicale|nazionale|internazionale|di\s+primo\s+grado|di\s+secondo\s+grado")
_QUALIFIED_PLACE = re.compile(r"(?<!\w)(?i:(?:l|dell|all|nell|dall|sull)['’])?(?i:" + "|".join(sorted(PLACE_WORDS))
                              + r")(?:[ \t]+(?i:" + _PLACE_QUALIFIERS + r"))+[ \t]+$")

#: the last word of a qualifier (the place word is looked for only after one)
_QUALIFIER_LAST = re.compile(_PLACE_QUALIFIERS.replace(r"dell['’]infanzia", "infanzia").replace(r"di\s+primo\s+grado|di\s+secondo\s+grado", "grado"))


def place_named(text: str, start: int, _given: bool = False) -> bool:
    """Whether the words before ``start`` make a name there a place's or an institution's: a place word ("via", "Santa", "all'ospedale"), with the words that qualify it ("la scuola media Ugo Foscolo"), a priest's or a nun's title ("Don") and one given name between ("Corso Vittorio Emanuele", round 21)."""
    word = previous_word(text, start)
    if word.lower() in ("don", "suor", "padre") or not _given and word in GIVEN_NAMES and word.istitle():  # "Don Lorenzo Milani"
        return place_named(text, text.rindex(word, 0, start), _given or word in GIVEN_NAMES)
    previous = _ELIDED.sub("", word).lower().rstrip(".")
    return previous in PLACE_WORDS or _QUALIFIER_LAST.fullmatch(previous) is not None \
        and _QUALIFIED_PLACE.search(text, max(0, start - 80), start) is not None


#: words ending a lower-case name after "mi chiamo", "my name is", … ("mi chiamo mario e vorrei…").
_STOP_LOWER = frozenset("""e ed ma però per non ho sono vorrei volevo abito vivo che il la lo i gli le un una
uno da di in con su a al alla del della anche già ancora sto stavo sempre mai oggi ieri
and but i am and from und aber ich bin et mais je suis in ampak sem""".split())


def _not_a_name(word: str) -> bool:
    word = word.rstrip("'’")
    return word in NOT_NAMES or word.capitalize() in NOT_NAMES


def plain_capitalised(word: str) -> bool:
    """A capitalised word that may be a name: no common word (:data:`NOT_NAMES`), office or place."""
    return not (_not_a_name(word) or word in OFFICES or word in PLACES)


def _has_given_name(words: list[str]) -> bool:
    return any(w.capitalize() in GIVEN_NAMES for w in words)


def names(text: str, counts: Counter) -> str:
    """Names after a lead-in or a closing (see the module's docstring)."""
    def taken(m: re.Match) -> bool:
        name = m.group("name")
        if name is None:
            words = m.group("caps").split()
            return not (_not_a_name(words[0]) or not _has_given_name(words) or refused_in_caps(m, words, text, PLACES))
        if m.group("lead").strip().lower() in ("lg", "vg", "lp"):  # "LG Anna", not "LG Electronics"
            return _has_given_name(name.split())
        words = name.split()
        if not _not_a_name(words[0]):
            return True
        # a particle that is a common word ("Di", "Lo", "Da") leads a surname when a listed name follows it:
        # "dott. Di Giovanni", "Sig. Di Pietro", "dott. Lo Russo" ("sono Di Passaggio", "Saluti Da Roma" stay)
        return len(words) > 1 and words[0] in _PARTICLES and (words[1] in GIVEN_NAMES or words[1].lower() in FREQUENT)

    def sub_lower(m: re.Match) -> str:
        words = m.group("name").split()
        keep = []
        for i, w in enumerate(words):  # a particle before a surname is part of it ("maria di stefano")
            if w in _STOP_LOWER and not (_PARTICLE_WORD.fullmatch(w) and i + 1 < len(words)
                                         and words[i + 1] not in _STOP_LOWER):
                break
            keep.append(w)
        if not keep:
            return m.group(0)
        counts["NOME"] += 1
        rest = m.group("name")[len(" ".join(keep)):] if m.group("name").startswith(" ".join(keep)) else ""
        return m.group("lead") + "[NOME]" + rest

    # a refused candidate is looked at again from its first word on: "Grüß Gott Frau Mag. Pichler"
    # is not a name after "Grüß Gott", but "Frau" leads one
    out, pos, start, low = [], 0, 0, text.lower()
    while (m := _NAME_LEADS.search(text, start, low)) is not None:
        if taken(m):
            counts["NOME"] += 1
            out.append(text[pos:m.start()] + m.group("lead") + "[NOME]")
            g = "name" if m.group("name") is not None else "caps"
            cut = next((w.start() for w in re.finditer(r"(?<=\s)\S+", m.group(g)) if w.group().capitalize() in _LABELS), name_end(m.group(g), g == "caps", PLACES))
            pos = start = m.end() if cut is None else m.start(g) + len(m.group(g)[:cut].rstrip())
        else:
            start = m.end("lead")
    out.append(text[pos:])
    return _LOWER_NAMES.sub(sub_lower, "".join(out))


#: initials alone signing the comment ("Firma: M.R.", "Cordiali saluti, M. R."): the writer, as much as a name
_SIGNED_INITIALS = re.compile(rf"(?<!\w)(?P<lead>(?:(?i:firma|firmato|f\.to)|{_CLOSING})[ \t]*[:,.]?\s+)(?P<name>[{_UP}]\.[ \t]?[{_UP}]\.(?:[ \t]?[{_UP}]\.)?)(?!\w)")


#: the cheap test before :data:`_SIGNED_INITIALS`: two initials (a character class first, which re scans for in C)
_INITIALS = re.compile(rf"[{_UP}]\.[ \t]?[{_UP}]\.")


def signed_initials(text: str, counts: Counter) -> str:
    """Initials alone after a signature's word or a closing: ``[NOME]``, the word kept."""
    if _INITIALS.search(text) is None:
        return text

    def sub(m: re.Match) -> str:
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]"
    return _SIGNED_INITIALS.sub(sub, text)


# --- names with no lead-in ----------------------------------------------------------------------------
_CAP_PARTICLE = r"(?:De|Di|Da|Del|Della|Dei|Degli|Dello|Dal|Dalla|Dall['’]|Dell['’]|De['’]|D['’]|Lo|La|Li|Van|Von|von)"
_RUN_RE = re.compile(
    rf"(?<![\w\[.'’])(?P<run>(?:{_WORD})(?:[ \t]+(?:{_CAP_PARTICLE}[ \t]*)?(?:{_WORD})){{1,4}}"
    rf"|{_CAPS_WORD}(?:[ \t]+{_CAPS_WORD})+)(?![\w\]'’])")
#: the cheap test before :data:`_RUN_RE`: two capitalised words (or two words in capitals) in a row.
_RUN_GATE = re.compile(rf"[{_UP}][{_LOW}]+[ \t]+(?:{_CAP_PARTICLE}[ \t]*)?[{_UP}]|[{_UP}]{{2,}}[ \t]+[{_UP}]{{2}}")
_PREVIOUS_WORD = re.compile(r"([\w'’.]+)[ \t]*$")
_LOOK_BACK = 64  #: how far back :func:`previous_word` looks before it reads the whole text


def previous_word(text: str, end: int) -> str:
    """The word (letters, digits, apostrophes and dots) that ends right before ``end`` in ``text``, spaces or tabs
    between, as written; "" when none. Looked for in the :data:`_LOOK_BACK` characters before ``end`` (a search
    from the text's start tries every position of it), in the whole text when a word runs past them."""
    lo = max(0, end - _LOOK_BACK)
    m = _PREVIOUS_WORD.search(text, lo, end)
    if m is not None and m.start() == lo and lo > 0:
        m = _PREVIOUS_WORD.search(text, 0, end)
    return m.group(1) if m is not None else ""
#: an article or a preposition elided before a word ("L'Hotel Adam", "dell'Ospedale Maria Vittoria"); a desk's words
_ELIDED, _DESK = re.compile(r"^(?i:l|dell|all|nell|dall|sull|un)['’]"), frozenset("dell dall all nell sull ufficio sportello anagrafe segreteria cassa".split())
_SENTENCE_START = re.compile(r"(?:^|[.!?;:\n])[\s\"«“(]*$")
_PARTICLES = frozenset("De Di Da Del Della Dei Degli Dello Dal Dalla Lo La Li Van Von von".split())


def listed_names(text: str, counts: Counter) -> str:
    """Names with no lead-in, recognised by a listed given name (see the module's docstring)."""
    if not _RUN_GATE.search(text):
        return text
    out, pos = [], 0
    for m in _RUN_RE.finditer(text):
        words = [(w.group(), m.start() + w.start()) for w in re.finditer(r"\S+", m.group("run"))]
        # in capitals a run is as long as the sentence: each listed given name and its surname in it
        for readings in (_caps_windows(words) if m.group("run").isupper() else [[words]]):
            spans = (_name_in_run(text, m, window) for window in readings)
            span = next((sp for sp in spans if sp is not None and sp[0] >= pos), None)
            if span is None:
                continue
            start, end = span
            out.append(text[pos:start] + "[NOME]")
            pos = end
            counts["NOME"] += 1
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _caps_part(word: str) -> bool:
    low = _ELIDED.sub("", word.lower())  # "DELL'UFFICIO", "DELL UFFICIO" (no apostrophe): a desk's words, no surname
    return low not in CAPS_STOP and not _not_a_name(word) and low not in PLACE_WORDS and low.capitalize() not in OFFICES and low not in _DESK


def _caps_surname(word: str) -> bool:
    low = word.lower().replace("’", "'")
    return low in FREQUENT or low in SURNAMES or "'" in low or unlisted_surname(low, plural=False)


def _caps_windows(words: list[tuple[str, int]]) -> list[list[list[tuple[str, int]]]]:
    """The groups of words of a run in capitals that may be names, each with its readings to try in turn:
    listed given names (side by side, or with a particle between: "ANNA MARIA", "MARIA DE ANGELIS") with the
    surname before the first ("ROSSI MARIO", "DE LUCA MARIO"), then with the one after the last ("MARIO ROSSI",
    "ANNA MARIA DE LUCA"), the one after first when it is a frequent surname and the one before is not."""
    given = [i for i, (w, _) in enumerate(words) if w.capitalize() in GIVEN_NAMES]
    clusters: list[list[int]] = []
    for i in given:
        if clusters and (i - clusters[-1][1] == 1
                         or i - clusters[-1][1] == 2 and words[i - 1][0].capitalize() in _PARTICLES):
            clusters[-1][1] = i
        else:
            clusters.append([i, i])
    out = []
    for n, (lo, hi) in enumerate(clusters):
        limit = clusters[n + 1][0] if n + 1 < len(clusters) else len(words)
        readings = []
        # the word before is a surname when listed or no Italian word ("IL MIO VICINO GENNARO": "VICINO" is a word)
        if lo > 0 and _caps_part(words[lo - 1][0]) and _caps_surname(words[lo - 1][0]):
            first = lo - 1
            if first > 0 and words[first - 1][0].capitalize() in _PARTICLES:
                first -= 1
            readings.append((first, hi))
        if hi + 2 < limit and words[hi + 1][0].capitalize() in _PARTICLES and _caps_part(words[hi + 2][0]):
            readings.append((lo, hi + 2))
        elif hi + 1 < limit and _caps_part(words[hi + 1][0]):
            readings.append((lo, hi + 1))
        readings.append((lo, hi))
        if hi + 1 < limit and words[hi + 1][0].lower() in FREQUENT and not (lo and words[lo - 1][0].lower() in FREQUENT):
            readings.sort(key=lambda r: r[0] < lo)
        out.append([words[a:b + 1] for a, b in readings])
    return out


def _name_in_run(text: str, m: re.Match, words: list[tuple[str, int]]) -> tuple[int, int] | None:
    """The span of the name in ``words`` (a run of capitalised words, or a part of a run in capitals), or
    None when they hold none."""
    words = list(words)
    before = _PREVIOUS_WORD.search(text, m.start(), words[0][1]) if words else None
    previous = (before.group(1) if before is not None else previous_word(text, m.start())).lower().rstrip(".'’")
    # leading greetings and common words are not part of the name ("Grazie Maria Rossi"); a place
    # word makes the rest a place's name ("Liceo Enrico Fermi")
    while words and (_not_a_name(words[0][0]) or _ELIDED.sub("", words[0][0]).lower() in PLACE_WORDS) \
            and words[0][0] not in _PARTICLES:
        previous = words[0][0].lower().rstrip(".'’")
        words.pop(0)
    if _ELIDED.sub("", previous) in PLACE_WORDS or words and place_named(text, words[0][1]):
        return None
    while words and (_not_a_name(words[-1][0]) or words[-1][0] in _PARTICLES):
        words.pop()
    plain = [w for w, _ in words if w not in _PARTICLES]
    if len(plain) < 2 or not _has_given_name(plain) or any(_not_a_name(w) for w in plain) or word_pair(plain):
        return None
    joined = " ".join(w.capitalize() for w, _ in words)
    if joined in FAMOUS or any(town in joined for town in TOWNS):  # "Martina Franca": a town; "Marco Polo": no writer
        return None
    # a region or a city ("Friuli Venezia Giulia", "Reggio Emilia", "Emilia Romagna"): unless the word is
    # also a frequent surname ("Anna Messina")
    if any(part.capitalize() in PLACES and part.lower() not in FREQUENT for w in plain for part in w.split("-")):
        return None
    if all(w.capitalize() in GIVEN_NAMES for w in plain[:1]):
        pass  # given name first: "Giulia Esposito"
    elif plain[0].lower() in FREQUENT or unlisted_surname(plain[0].lower(), plural=False):
        pass  # a frequent surname, or one that is no Italian word, first: "Rossi Mario diabetico", "Zanchettin Mario ha chiamato"
    else:  # surname first: "Rossi Mario"; at a sentence's start only when nothing follows the name
        start = words[0][1]
        end = words[-1][1] + len(words[-1][0])
        if _SENTENCE_START.search(text, 0, start) and re.match(r"[ \t]*[\w(]", text[end:]):
            return None
    return words[0][1], words[-1][1] + len(words[-1][0])
