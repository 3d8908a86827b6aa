"""The free-text redactor: one pass per category, each behind a cheap gate (see :mod:`privacy`).

The processor calls :func:`redact` on every text answer, so a comment without digits, ``@`` or a
lead-in word costs a lower-casing and a few substring tests; each pattern runs only when the text
holds what it needs (enough digits, a street word, a title…).
"""
from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from urllib.parse import unquote

from .contacts import addresses, has_social, emails, ips, socials, unnumbered_addresses
from .openings import opening_streets
from .address_labels import GATE as ADDRESS_LABELS, labelled_addresses
from .holders import GATE as HOLDER_WORDS, holder_names
from .pairs import initialled, joined_names, listed_words, lower_pairs
from .tails import name_tails
from .particles import GATE as PARTICLE_GATE, particle_surnames
from .chats import chat_senders
from .leads import any_in as _has
from .phones import phones, spelled_phones
from .spoken import SAID, spoken_phones, spoken_records
from .spelled import GATE as SPELLED_GATE, spelled_codes
from .narrated import narrated_names
from .answered import answered_names, gate as answered_gate
from .word_names import gate as word_gate, word_names
from .roads import kilometres
from .endings import ACCOUNT_WORDS, GATE as ENDING_WORDS, account_endings
from .roles import COURTESY_WORDS, ROLE_WORDS, STAFF_WORDS, courtesy_names, role_names, staff_names
from .credentials import credentials, jwts
from .bookings import GATE as BOOKING_WORDS, bookings
from .links import links
from .identifiers import (birth_dates, cadastral, cards, case_numbers, codici_fiscali, documents, ibans, partite_iva,
                          plates, protocol_marks, tax_numbers, tessere)
from .lower_names import WORDS as LOWER_NAME_WORDS, edge_names, labelled_names, lone_surnames, lower_names, next_names
from .given_names import GIVEN_NAMES
from .word_forms import WORD_NAMES
from .first_names import AFTER_SPACE, AT_WORD_START, FIRST_WORDS, first_names
from .kinds import PLACEHOLDERS
from .names import listed_names, names, signed_initials
from .thanked import (DESK_WORDS, GREETINGS, SERVED_WORDS, addressed_names, described_names, desk_names, greeted_names, served_names, signed_names,
                      thanked_names)


_DIGITS = re.compile(r"\d+")
#: digits in pairs or groups: a one-time code read out after "codice" ("il codice è 12 34 56")
_GROUPED = re.compile(r"\d\d \d\d")
_PHONE_GATE = re.compile(r"\d(?:\D{0,2}\d){5}")
#: dates and times, which libphonenumber rejects anyway: not worth asking it about — but not a pair of
#: digit groups inside a longer dotted chain, which is a number written with dots ("347.12.34.567",
#: "06.12.34.56.78": read as a time and a date, they had closed the gate on a phone number).
_DATE_TIME = re.compile(r"(?<!\d)(?<!\d[./])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{1,2}[:.]\d{2})"
                        r"(?!\d)(?![./]\d)")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
#: HTML character references ("mario.rossi&#64;gmail.com", "&commat;") and the fullwidth forms of ASCII
#: ("３３３…", "ＲＳＳＭＲＡ…", "＠"): what is written with them is redacted decoded, as percent escapes are
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_NARROW = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}
_EMAIL_WORDS = ("@", "%40", " at ", "(at)", "[at]", "{at}", "<at>", "( at )", "[ at ]", "chiocciola", "gmail", "libero", "hotmail",
                "outlook", "yahoo", "virgilio", "alice.it", "tiscali", "icloud")
_NAME_WORDS = ("sono", "chiam", "presento", "c/o", "heißt", "heisst", "appelle", "kiam", "avvocat", "ingegner", "architett", "geometra", "nome", "nominativ", "sottoscritt", "firma", "f.to", "fede", "sig", "dott", "dr.", "dr ", "d.ssa", "d. ssa", "prof",
               "avv.", "ing.", "geom.", "rag.", "arch.", "salut", "cordialm", "mag.", "gott",
               "name", "i am", "i'm", "i’m", "mr", "ms", "miss", "regards", "wishes", "sincerely", "faithfully",
               "heiß", "heiss", "herr", "frau", "grüß", "grüss", "gruess", "mfg",
               "appelle", "nom est", "suis", "mme", "mlle", "monsieur", "madame", "m.", "cordialement",
               "ime ", "sem", "gospod", "gospa", "gospe", "gospo", "g.", "ga.", "pozdrav", "spoštovanjem",
               "geb.", "née", "abbracc", "bacio", "baci", "cordialit", "osservanza", "presto", "buona giornata", "buona serata",
               "buona continuazione", "amicalement", "gruß", "gruss", "from:", "von:")
#: the short sign-offs of :data:`privacy.names._NAME_RE`, at a line's start only: the names pass is the
#: costliest, so "la TV LG" must not open it (a substring test, then one search)
_SIGNOFF_AT = re.compile(r"(?:^|[\n.!?])[ \t]*(?:lg|vg|lp|best|cheers)(?![a-z])")
_STREET_WORDS = ("via", "v. ", "v.le", "piazz", "p.zza", "p.za", "p.le", "corso", "c.so", "largo", "vico", "strada",
                 "contrada", "c.da", "localit", "loc.", "borgo", "lungo", "salita", "traversa", "circonvallazione",
                 "galleria", "calle", "fondamenta", "rione", "frazione", "fraz.",
                 "stra", "str.", "gasse", "weg", "platz", "allee", "ring", "rue", "avenue", "av.", "boulevard", "bd.",
                 "place", "chemin", "allée", "impasse", "route", "ulica", "ulic", "ul.", "cesta", "cesti", "trg", "street", "st.",
                 "road", "rd.", "lane", "square", "drive")
_DIGIT_WORDS = ("uno", "due", "quattro", "cinque", "sei", "sette", "otto", "nove")
_DOC_WORDS = ("passaporto", "identit", "c.i.", "cie", "document", "patente", "soggiorno", "permesso n", "passport", "reisepass",
              "ausweis", "passeport", "potni list", "izkaznica")
_CASE_WORDS = ("pratic", "protocoll", "prot.", "prot ", "istanz", "fascicol", "domand", "richiest", "segnalazion", "ticket",
               "case", "reference", "ref.", "application", "file", "aktenzeichen", "az.", "antrag", "vorgang",
               "geschäftszahl", "geschaftszahl", "dossier", "demande", "référence", "reference", "zadev", "vlog", "zahtev",
               "matricola", "matr.", "utenza", "codice cliente", "codice utente", "r.g.", "r. g.", "cila", "scia",
               "avvis", "iuv", "bollettin", "contribuente", "verbal", "fattur", "ricevut", "prenotazion", "nre",
               "utente", "cartell", "tessera", "pod", "pdr", "contator", "posizion", "ricett", "cliente", "pagamento",
               "conto", "c/c", "isee-", "mult", "polizz", "sinistr", "infortun", "pazient", "certificat", "ordin")
_CRED_WORDS = ("credenzial", "token", "puk", "cvv", "cvc", "cv2", "sms con", "mail con", "messaggio con", "utente ", "utente:", "spid", "codice spid", "codice cie", "utenza spid", "identificativo spid", "pass", "pwd", "pw", "psw", "mdp", "sms", "parola chiave", "parola segreta", "parola d", "pin", "otp", "codice di", "codice segreto", "user",
               "nome utente", "nickname", "nick name", "nick:", "login", "account", "kennwort", "benutzer", "mot de passe", "identifiant", "geslo",
               "uporabni")
_BIRTH_WORDS = ("nat", "classe", "sono del", "nascita", "dob", "d.o.b", "birth", "born", "geboren", "geburtsdatum", "née", "nee ", "né ",
                "naissance", "rojen", "rojstva", "d.n", "dn ", "dn:", "nasc.", "geb.", "roj.", "jahrgang", "compleann", "compiut", "compio",
                "compie", "compirà",
                "(n.")



#: the lead-ins of :func:`privacy.lower_names.lower_names` that the two gates before it do not imply (a
#: word holding one of theirs is implied: "sono " holds "sono"), so that its gate costs a few tests more
_LOWER_ONLY = tuple(w for w in LOWER_NAME_WORDS if not any(g in w for g in _NAME_WORDS + FIRST_WORDS))


#: the page paths' redactor (:func:`privacy.paths.redact_path`), with which the link pass judges an address's path.
#: It is built on this module's passes, so it gives itself here when imported (privacy/__init__ imports it before
#: any text is redacted) rather than being imported back (tests/test_architecture.py: no import cycles).
_PATH_REDACTOR: list = []


def use_path_redactor(redact_path) -> None:
    """Give the link pass the page paths' redactor (called once, by :mod:`privacy.paths` at its import)."""
    _PATH_REDACTOR[:] = [redact_path]


def _path_redactor():
    """The page paths' redactor given by :func:`use_path_redactor`; RuntimeError if none was (never a link left
    unjudged: :mod:`privacy` imports :mod:`privacy.paths`)."""
    if not _PATH_REDACTOR:
        raise RuntimeError("privacy.paths was not imported: the link pass has no page path redactor")
    return _PATH_REDACTOR[0]


def _redact(text: str, counts: Counter) -> str:
    # Order matters: IP addresses first (their digits are nobody else's), then the long checked codes
    # (an IBAN or a card holds digit runs that a phone, a P.IVA or a document pattern would take),
    # then contacts, names last ("sono RSSMRA85T10A562S" is a [CF]).
    low = text.lower()
    if "/" in text:  # first: a link pasted ("…/conferma?token=…", "…/utente/mario.rossi/…") is judged
        text = links(text, counts, _path_redactor())  # as a page path, its "/" and "&" kept ("/pratiche/45678" → "/pratiche/[ID]")
    if _has(low, _CRED_WORDS) or "codice" in low and _GROUPED.search(text):  # first: a password may look like anything below ("Mario1980", an e-mail)
        text = credentials(text, counts)
    if "eyJ" in text:  # a JSON Web Token with no word before it (round 20)
        text = jwts(text, counts)
    if _has(low, _EMAIL_WORDS):
        text = emails(text, counts)
    if has_social(low):  # before the digits: "wa.me/393331234567" is a profile, whole
        text = socials(text, counts)
    if _has(f" {low} ", SPELLED_GATE):  # "erre esse esse emme …": a codice fiscale spelled (before the codes in figures,
        text = spelled_codes(text, counts)  # which read "gi pi pi 50 a 01 a 944" as one spaced; and the phones' words)
    runs = _DIGITS.findall(text)
    if runs:
        digits = sum(map(len, runs))
        if digits >= 4 and ("." in text or "-" in text):  # first: a protocol's mark, a UUID, each one whole
            text = protocol_marks(text, counts)
        if digits >= 4 and ("." in text or ":" in text):
            text = ips(text, counts)  # first: no other pattern may take part of an address's digits
        if digits >= 8:
            text = ibans(text, counts)
        if digits >= 15 or "tessera" in low:
            text = tessere(text, counts)
        if digits >= 13:
            text = cards(text, counts)
        if _has(low, ENDING_WORDS) and _has(low, ACCOUNT_WORDS):  # "l'iban finisce con 123456": its last digits alone
            text = account_endings(text, counts)
        text = codici_fiscali(text, counts)
        if digits >= 11:
            text = partite_iva(text, counts)
        if digits >= 9 and ("steuer" in low or "nr" in low or "tax" in low or "abgaben" in low):
            text = tax_numbers(text, counts)
        if digits >= 3 and _has(low, _CASE_WORDS):
            text = case_numbers(text, counts)
        if _has(low, BOOKING_WORDS):  # "codice prenotazione ABX9KQ": a booking's code with one digit (round 20)
            text = bookings(text, counts)
        if _has(low, _BIRTH_WORDS):  # one digit is enough: "nata il 3 marzo"
            text = birth_dates(text, counts)
        if digits >= 5 and (text != low or _has(low, _DOC_WORDS)):
            text = documents(text, counts)
        if digits >= 3 or "targ" in low:  # a moped's plate has two digits: "targa X4B7KL"
            text = plates(text, counts)
        if "km" in low or "chilometro" in low:  # "abito sulla SS 113 km 25": a house on a road, by its kilometre
            text = kilometres(text, counts)
        if digits >= 6 and _PHONE_GATE.search(_DATE_TIME.sub(" ", text)):
            text = phones(text, counts)
        if _has(low, ADDRESS_LABELS):  # "Adresse: Lauben 23": a street with no street word after a label (round 21)
            text = labelled_addresses(text, counts)
        if _has(low, _STREET_WORDS):
            if text[:1] in "vVpPcClL \n":  # "via mazzini 45 mi hanno …": a street opening the comment (round 19)
                text = opening_streets(text, counts)
            text = addresses(text, counts)
        if "partic" in low or "mapp" in low:
            text = cadastral(text, counts)
    if ("snc" in low or "s.n.c" in low) and _has(low, _STREET_WORDS):  # "via Roma snc": no civic number
        text = unnumbered_addresses(text, counts)
    if "tre " in low or "zero " in low:  # "tre tre tre uno due tre …": a number spelled out (one search)
        text = spelled_phones(text, counts, bool(runs))  # with digits: "tre tre otto 1234567" (one more)
    elif runs and _has(low, _DIGIT_WORDS):  # "333 uno due quattro …": partly in words, no "tre"/"zero"
        text = spelled_phones(text, counts, True)
    if _has(low, SAID):  # "trecentoquarantasette uno due …", "nato il dodici marzo", "numero dodici" (a search each)
        text = spoken_records(spoken_phones(text, counts, low), counts, low)
    if runs and ":" in text and ("] " in text or " - " in text):  # "[10:43, 12/3/2024] Teresa: …", a chat pasted
        text = chat_senders(text, counts)
    if _has(low, HOLDER_WORDS):  # "a nome di Ardit Berisha": a name no list holds, after who holds a file (round 21)
        text = holder_names(text, counts)
    if _SHOUTED.search(text) and "[NOME]" not in text \
            and (not _LOWER_LETTER.search(text) or _SHOUTED_RUN.search(text)):
        return _shouted_names(text, counts, low)
    return _names(text, counts, low)


#: an article before a capitalised word: where :func:`first_names` looks for "la Donatella", "il Beppe"
_ARTICLE_NAME = re.compile(r"(?<!\w)(?:[Ll]a|[Ii]l)[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]")


def _names(text: str, counts: Counter, low: str) -> str:
    """The name passes of :func:`_redact` (``low``: the text lower-cased, for the gates)."""
    if len(text) < 40:  # a comment that is only a listed given name and a mark: its writer's ("Wanda.", "-- Wanda")
        alone = text.strip(" \t\r\n.!-–—")  # not a bare word: a page path's segment or a record's value
        if alone != text and alone.capitalize() in GIVEN_NAMES and alone.lower() not in WORD_NAMES:
            counts["NOME"] += 1
            return text.replace(alone, "[NOME]", 1)
    named = _has(low, _NAME_WORDS) or (("lg" in low or "lp" in low or "vg" in low or "best" in low or "cheers" in low)
                                        and _SIGNOFF_AT.search(low) is not None) or "--" in low  # "--\nPaolo"
    if named:
        if low.count("nome") > 1:  # a form's two labels without colons: "cognome rossi nome mario"
            text = labelled_names(text, counts)
        text = names(text, counts)
        if "." in text:  # "Firma: M.R."
            text = signed_initials(text, counts)
    first = _has(low, FIRST_WORDS) or low.startswith(AT_WORD_START) or _has(low, AFTER_SPACE)
    if first or ("la " in low or "il " in low) and _ARTICLE_NAME.search(text):  # "la Donatella", "il Beppe"
        text = first_names(text, counts)
    if (" D" in text or " L" in text) and _has(text, PARTICLE_GATE):  # "l'impiegato Di Martino"
        text = particle_surnames(text, counts)
    if named or first or _has(low, _LOWER_ONLY):  # after the capitalised names: what is left in lower case
        text = lower_names(text, counts, low)
    if named:  # a lone surname signing the comment or after "sono" ("cordiali saluti, rossi", "sono rossi")
        text = lone_surnames(text, counts, low)
    if _has(low, ROLE_WORDS):  # "richiedente: giuliana rossi"
        text = role_names(text, counts)
    if _has(low, COURTESY_WORDS):  # "herr lorusso", "madame piras" (in capitals: lower-cased here)
        text = courtesy_names(text, counts)
    if _has(low, STAFF_WORDS):  # "l'operatore lombardo": a listed surname alone after a member of staff
        text = staff_names(text, counts)
    if first and ("grazie" in low or "ringrazio" in low):  # "grazie, Pinuccia Zanchettin. Il servizio …"
        text = thanked_names(text, counts)
    text = edge_names(text, counts, low)  # "rossi mario" heading or ending the comment (a gate of str tests)
    given, surname, frequent, words = listed_words(low)
    if " " in text and given and surname:  # "chiedo di attilio caputo": a given name and a surname side by side
        text = lower_pairs(text, counts)
    if (given or surname) and "." in text:  # "Antonella P.", "Rossi M."
        text = initialled(text, counts)
    text = listed_names(text, counts)
    if given or frequent:  # "mandata da Colombo a Ferri", "per iscrivere Pietro", "siamo luca e sara"
        text = narrated_names(text, counts, low, given, frequent)
    if answered_gate(low, text):  # "ho parlato con Conte allo sportello", "alla fine ha risposto Bianco," (round 16); "l'impiegato Gentile"
        text = answered_names(text, counts)
    if word_gate(low, given, words):  # "GRAZIE A ROSA DELL UFFICIO", "sono rosa della 3b", "mio figlio bruno alto"
        text = word_names(text, counts, low)
    if given and (" e " in text or " ed " in text or " and " in text or " und " in text or " et " in text or " in " in text):
        text = joined_names(text, counts)  # "Greta e Thiago frequentano la scuola"
    if given and _has(low, DESK_WORDS):  # "Luca dello sportello 3 è bravissimo", "Chiara del front office"
        text = desk_names(text, counts)
    if "(" in text or "anni" in low:  # "Bianca (5)", "Armando (mio suocero)", "Pierangelo, 71 anni, …"
        text = described_names(text, counts)
    if given and _has(low, SERVED_WORDS):  # "Ciro mi ha aiutato", "Mario è stato bravissimo"
        text = served_names(text, counts)
    if _has(low, GREETINGS):  # "ciao, Kevin", "grazie Kevin!", "ciao Kevin, tutto ok", "grazie Marta per l'aiuto"
        text = greeted_names(text, counts)
    text = addressed_names(text, counts, low)  # "x Giulia: la pratica…" (a gate of str tests)
    if given and ("\n" in text or ", " in text or ". " in text or "! " in text):  # "…grazie per la pazienza, Carla"
        text = signed_names(text, counts)
    if "[PHONE]" in text or "[EMAIL]" in text:  # "x info 3331234567 Sofia": a number signed with a given name
        text = _signed_contact(text, counts)
    if "[NOME]" not in text:
        return text
    text = next_names(name_tails(text), counts)  # "[NOME] Gentili", "[NOME] La Rocca"; "[NOME] e Marco", "[NOME], anna"
    return _INITIAL.sub("[NOME]", text) if "." in text else text  # "Saluti [NOME] R.", "firmato M. [NOME]"


#: an initial beside a name taken, part of it ("Saluti Mario R.", "firmato M. Rossi"): it goes with the name
_INITIAL = re.compile(r"(?<![\w.])[A-ZÀ-ÖØ-Þ]\.[ \t]?\[NOME\]|\[NOME\][ \t]+[A-ZÀ-ÖØ-Þ]\.(?![\w.])")


#: a listed given name (and a capitalised word after it) that ends the comment right after a phone number
#: or an address: who to ask for ("x info 3331234567 Sofia", "scrivete a [EMAIL] - Giulia Zanchettin")
_AFTER_CONTACT = re.compile(r"\[(?:PHONE|EMAIL)\][ \t]*[,;:\-–(]?[ \t]*(?:(?i:chiedere\s+di|chiedete\s+di)[ \t]+)?"
                            r"(?P<name>[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)?)(?=[ \t)]*[.!]*\s*$)")


#: a listed given name (and a capitalised word after it) right before a phone number or an address: whose
#: it is ("chiamatemi: Luca 3471234567", "Giulia Zanchettin - [EMAIL]")
_BEFORE_CONTACT = re.compile(r"(?<![\w\[.'’])(?P<name>[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[ \t]+[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’]+)?)"
                             r"[ \t]*[,:\-–(]?[ \t]*\[(?:PHONE|EMAIL)\]")


def _signed_contact(text: str, counts: Counter) -> str:
    """The listed given names that sign a phone number or an address, after it or before it: ``[NOME]``."""
    for pattern in (_AFTER_CONTACT, _BEFORE_CONTACT):
        m = pattern.search(text)
        if m is not None and m.group("name").split()[0] in GIVEN_NAMES:
            counts["NOME"] += 1
            text = text[:m.start("name")] + "[NOME]" + text[m.end("name"):]
    return text


_SHOUTED = re.compile(r"[A-ZÀ-ÖØ-Þ]{2}")
#: two words in capitals in a row, or one after a title: a comment partly shouted ("Buongiorno, SONO LA SIGNORA ESPOSITO")
_SHOUTED_RUN = re.compile(r"[A-ZÀ-ÖØ-Þ]{2,}(?:[ \t,'’]+[A-ZÀ-ÖØ-Þ]{2,})+"
                          # or one word in capitals after a title or "sono": "sono la signora ESPOSITO"
                          r"|(?i:signor[ae]?|sig\.(?:ra)?|sono|chiamo|dott(?:\.|ssa|ore)|prof(?:\.|essore|essoressa))"
                          r"[ \t]+[A-ZÀ-ÖØ-Þ]{3,}(?![a-zß-öø-ÿ])")
_LOWER_LETTER = re.compile(r"[a-zß-öø-ÿ]")
_LOWER_PLACEHOLDER = re.compile(r"\[(" + "|".join(k.lower() for k in PLACEHOLDERS) + r")\]")


def _shouted_names(text: str, counts: Counter, low: str) -> str:
    """The name passes of a comment written all in capitals ("SONO LA SIGNORA ESPOSITO", "IL SIG.
    BRAMBILLASCA"): run as written ("MARIO ROSSI" holds a listed given name), then once more on that
    result lower-cased, so that the lower-case rules (titles, "sono", closings, relatives) apply too;
    both passes' names are taken, and the comment keeps its capitals (the second pass's names are put
    into the text as written, aligned by :mod:`difflib`)."""
    out = _names(text, counts, low)
    low = out.lower()
    if len(low) != len(out):  # a letter whose lower case is longer ("İ"): not aligned, left as it is
        return out
    low = _LOWER_PLACEHOLDER.sub(lambda m: m.group(0).upper(), low)
    more = Counter()
    out_low = _names(low, more, low)
    if out_low == low:
        return out
    counts.update(more)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, low, out_low, autojunk=False).get_opcodes():
        parts.append(out[i1:i2] if op == "equal" else out_low[j1:j2])
    return "".join(parts)


#: texts up to this length are redacted through a bounded cache (:func:`redact_short`): the short
#: strings of records and answers repeat ("Tutto ok, grazie", keys, option codes, page paths), and
#: redacting them again was a large part of the collector's and the processor's cost (issue 18).
SHORT_TEXT = 64


def _decoded(text: str) -> str:
    """``text`` with its percent escapes, HTML character references and fullwidth forms decoded
    (the same string when it has none: three substring or C-speed searches)."""
    if "%" in text and _PERCENT.search(text):
        text = unquote(text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if _WIDE.search(text):
        text = text.translate(_NARROW)
    return text


def _redact_text(text: str) -> tuple[str, Counter]:
    counts: Counter = Counter()
    decoded = _decoded(text)
    if decoded != text:
        out = _redact(decoded, counts)
        if counts:
            return out, counts
    return _redact(text, counts), counts


#: the cache behind :func:`redact_short`: text -> (redacted text, ((kind, count), ...)). A plain dict
#: (emptied when full, so bounded) rather than ``functools.lru_cache``, so that the record walk of
#: :mod:`privacy.records` can look a string up without a call (issue 18). Process memory only.
SHORT_CACHE: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}
SHORT_CACHE_MAX = 8192


def redact_short(text: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    """:func:`redact` of a text of at most :data:`SHORT_TEXT` characters, cached in :data:`SHORT_CACHE`,
    with the counts as an immutable tuple of (kind, count)."""
    hit = SHORT_CACHE.get(text)
    if hit is None:
        out, counts = _redact_text(text)
        hit = (out, tuple(counts.items()))
        if len(SHORT_CACHE) >= SHORT_CACHE_MAX:
            SHORT_CACHE.clear()
        SHORT_CACHE[text] = hit
    return hit


def redact(text: str) -> tuple[str, Counter]:
    """Return ``text`` with personal data replaced by ``[KIND]`` placeholders, and the count per kind.

    Text holding percent escapes (a page path, ``mario%40example.it``), HTML character references
    (``mario.rossi&#64;gmail.com``) or fullwidth forms (``３３３ １２３４５６７``) is redacted decoded:
    when the decoded form holds personal data the redacted decoded form is returned, so an escape
    or a look-alike cannot hide anything. Redacting twice changes nothing more (placeholders match no pattern).
    Texts of at most :data:`SHORT_TEXT` characters go through :func:`redact_short`'s cache (same
    result; the counter is a new one each call).
    """
    if len(text) <= SHORT_TEXT:
        out, found = redact_short(text)
        return out, Counter(dict(found))
    return _redact_text(text)
