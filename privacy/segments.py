"""Which segments of a page path identify a person: the judgement behind :func:`privacy.paths.redact_path` (a page
path) and :func:`privacy.links.links` (an address written into a comment). The rules are listed in
:mod:`privacy.paths`' docstring; :func:`mark_segments` applies them to a path cut into segments.
"""
from __future__ import annotations

import re

from .given_names import GIVEN_NAMES
from .kinds import is_placeholder
from .lexicon import lemma
from .surnames import SURNAMES
from .word_forms import WORD_NAMES

#: path words after which the next segment names an account (lower case)
ACCOUNT_WORDS = frozenset("""u user users utente utenti profilo profili profile profiles account accounts persona persone
cittadino cittadini iscritto iscritti membro membri member members people dipendente dipendenti assistito assistiti
paziente pazienti contribuente contribuenti anagrafica id area-personale area-riservata areapersonale areariservata
richiedente richiedenti beneficiario beneficiari intestatario intestatari dichiarante dichiaranti
benutzer benutzerin nutzer utilisateur utilisateurs usager usagers uporabnik uporabniki""".split())

#: path words after which the next segment names one citizen's record: there a number of 3 to 5 digits
#: (``/pratiche/12345``; not a bare year: ``/pratiche/2024``) and a user handle (``/pratiche/zanchettin85``,
#: ``/istanze/bianchi.m``) are an ``[ID]`` too
RECORD_WORDS = frozenset("""pratica pratiche istanza istanze domanda domande fascicolo fascicoli richiesta richieste
segnalazione segnalazioni ticket tickets protocollo protocolli dossier ricevuta ricevute prenotazione prenotazioni
verbale verbali fattura fatture antrag antraege anträge ansuchen gesuch gesuche akte akten vorgang vorgaenge
demande demandes requests request applications application vloga vloge zahtevek zahtevki""".split())
#: path words after which the next segment is one citizen's document, booking or payment: a number of 3 to 5
#: digits there is an ``[ID]`` too (``/documenti/12345``, ``/certificati/45678``), unless it is the number of
#: a tax form (:data:`_FORMS`: ``/documenti/730``) or a bare year; after any other word (``/servizi/730``,
#: ``/notizie/12345``, ``/bandi/4567``) a short number stays
DOCUMENT_WORDS = frozenset("""documento documenti allegato allegati certificato certificati appuntamento appuntamenti
pagamento pagamenti multa multe bolletta bollette dokument dokumente documents document termin termine
appointments appointment certificat certificats payments paiements zahlungen dokumenti""".split())
_FORMS = frozenset("730 740 750 760 770".split())
#: path words after which the next segment is a token sent to one person (a link to confirm, reset, activate)
TOKEN_WORDS = frozenset("""conferma confirm confirmation verifica verify attiva attivazione activate activation reset
invito invite token t s share condividi accesso magic""".split())
_ANY_WORDS = ACCOUNT_WORDS | RECORD_WORDS | DOCUMENT_WORDS
#: letters then 1-4 digits, as handles are made ("zanchettin85", "mrossi_1985"), the letters no Italian word
#: (:func:`privacy.lexicon.lemma`: "pagina3", "fase2" stay) and no code of a service (:data:`_CODES`)
_HANDLE = re.compile(r"([^\W\d_]{3,})[._]?\d{1,4}")
_CODES = frozenset("""covid isee spid cie imu tari tasi irpef iva mod modello modulo bonus pnrr dsu cud naspi ape red
anno page step rev art dlgs dpr api app cup cds asl ats inps inail anpr suap sue scia cila""".split())
#: a run of 6 or more digits anywhere in a segment: a record's, a receipt's or a user's number
#: a user handle anywhere in a path ("/archivio/zanchettin85", "/x/brambillasca_1985"): five letters or more
#: that are no Italian word, no service's code (nor end in one: "ecobonus") and no word of web pages in the
#: other languages (:data:`_WEB_WORDS`: "seite12", "news24"), then two digits or a year of birth (19xx);
#: not a slug's "-" ("bando-2024") nor a year of this century ("veranstaltungen2024": a page's year)
_LOOSE_HANDLE = re.compile(r"([^\W\d_]{5,})[._]?(?:\d\d|19\d\d)")
_WEB_WORDS = frozenset("""seite seiten kapitel abschnitt teil page pages section chapter part partie chapitre news report
release download downloads windows android office login video audio photo photos image images gallery event events slide
slides version build sprint webinar""".split())
_LONG_DIGITS = re.compile(r"\d{6}")
#: letters then digits, as user names are made ("mrossi85", "mario.rossi1985", "g_bianchi90")
_USER_DIGITS = re.compile(r"([^\W\d_]+(?:[._][^\W\d_]+)*)[._-]?\d{1,4}")
#: the last part of a file name, which joins words with "." too ("index.html", "modulo.pdf")
_EXTENSIONS = frozenset("htm html xhtml php asp aspx jsp do action cgi pdf doc docx odt xls xlsx ods csv txt xml json rss "
                        "zip p7m jpg jpeg png gif svg it eu com org net gov".split())
_DOMAINS = frozenset("it eu com org net gov".split())  # "mario.rossi.it" is no file: its last part stays
_TOKEN = re.compile(r"[0-9a-fA-F]{16,}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
#: a JSON Web Token (header, payload, signature: "eyJhbGciOi….eyJzdWIi….sig"): a session, and its payload names the person
_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
#: base64 or base64url, its padding stripped: a token's alphabet ("Zm9vYmFy…", "SplxlOBeZQQYbYS6WxSbIA")
_BASE64 = re.compile(r"[A-Za-z0-9+_-]{16,}")
_JOINED = re.compile(r"[^\W\d_]+(?:[._][^\W\d_]+)+")
_DIGIT = re.compile(r"\d")
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d\d[-_/](?:19|20)\d\d(?!\d)")
#: a file's number with its year and an office's letters, after a record or document word ("SUAP-1234-2024",
#: "V-2024-12345"; "nuova-2024", "bando-2024" have no number besides the year)
_CODED = re.compile(r"(?:[A-Za-z]{1,6}[-_])?(?:\d{3,5}[-_/](?:19|20)\d\d|(?:19|20)\d\d[-_/]\d{3,5})")
_NAME_PARTS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _is_name(segment: str) -> bool:
    """A listed given name or surname, names joined by "-" ("mario-rossi"), or a user name made of
    one: a surname after one or two initials ("mrossi", "mgrossi"), a given name and a surname run
    together ("mariorossi")."""
    parts = segment.split("-")
    if all(p.capitalize() in GIVEN_NAMES or p.lower() in SURNAMES for p in parts):
        return True
    low = segment.lower()
    if len(parts) > 1:
        return False
    if any(len(low) - k >= 4 and low[k:] in SURNAMES for k in (1, 2)):
        return True
    return any(low[:i].capitalize() in GIVEN_NAMES and low[i:] in SURNAMES for i in range(3, len(low) - 3))


def _named_slug(segment: str) -> bool:
    """After an account word, given names and then any last word joined by "-" (round 19: "anna-maria-russo",
    "mario-bianco": a surname that is also a word, or no listed one); the given names no common word
    (:data:`privacy.word_forms.WORD_NAMES`: "/profilo/rosa-dei-venti" stays)."""
    parts = segment.split("-")
    return 2 <= len(parts) <= 4 and all(p.isalpha() and p.capitalize() in GIVEN_NAMES and p.lower() not in WORD_NAMES
                                        for p in parts[:-1]) and parts[-1].isalpha()


def _person_slug(segment: str) -> bool:
    """With no account word before it, a person's name joined by "-" (round 20: "/servizi/anna-maria-russo",
    "/x/giuseppe-verdi-87"): one to three listed given names that are no common word, then a listed surname — or
    any last word after two given names or before a user's digits (two, or a year of birth 19xx); a place's or a
    title's word first ("teatro-giuseppe-verdi", "festa-di-san-giuseppe") or a given name that is a word
    ("rosa-dei-venti") keeps it a page's slug."""
    parts = segment.split("-")
    digits = parts[-1].isdigit() and (len(parts[-1]) == 2 or len(parts[-1]) == 4 and parts[-1][:2] == "19")
    if digits:
        parts = parts[:-1]
    if not 2 <= len(parts) <= 4 or not parts[-1].isalpha():
        return False
    if not all(p.capitalize() in GIVEN_NAMES and p.lower() not in WORD_NAMES for p in parts[:-1]):
        return False
    return digits or len(parts) > 2 or parts[-1].lower() in SURNAMES


def _named_join(segment: str) -> bool:
    """Words joined by "." or "_" (an e-mail's local part: "mario.rossi", "m_rossi", "giulia.b") one of
    which is a listed name or an initial and a surname, and whose last part is no file extension."""
    parts = segment.replace("_", ".").split(".")
    if parts[-1].lower() in _EXTENSIONS:
        return False
    return any(len(p) > 1 and _is_name(p) for p in parts)


def _short_number(segment: str) -> bool:
    """A number of 3 to 5 digits that is no bare year (after an account or record word)."""
    return 3 <= len(segment) <= 5 and not (len(segment) == 4 and segment[:2] in ("19", "20"))


def _handle(segment: str) -> bool:
    """A user handle after a record word: letters (no word, no service code) and digits ("zanchettin85"),
    or words joined by "." or "_" whose last part is no file extension ("bianchi.m")."""
    m = _HANDLE.fullmatch(segment)
    if m is not None:
        letters = m.group(1).lower()
        return letters not in _CODES and lemma(letters) is None
    return ("." in segment or "_" in segment) and _JOINED.fullmatch(segment) is not None \
        and segment.replace("_", ".").rsplit(".", 1)[-1].lower() not in _EXTENSIONS


def _loose_handle(segment: str) -> bool:
    """A user handle with no record or account word before it (:data:`_LOOSE_HANDLE`)."""
    m = _LOOSE_HANDLE.fullmatch(segment)
    if m is None:
        return False
    letters = m.group(1).lower()
    return (letters not in _WEB_WORDS and not any(letters.endswith(c) for c in _CODES if len(c) >= 4)
            and letters not in _CODES and lemma(letters) is None)


def _random(segment: str) -> bool:
    """A token of base64 or base64url (16 characters or more, letters and digits) whose characters change between
    upper case, lower case and digit at one pair in four or more, as random ones do ("Zm9vYmFyYmF6cXV4MTIz…",
    "r2t5uvjq435r4q7ib3vt…"); a slug or a file's name changes seldom ("ModelloF24Semplificato2024",
    "bonus-energia-2024": a "-" or "_" is no change)."""
    body = segment.rstrip("=")
    if not _BASE64.fullmatch(body) or body.isalpha():
        return False
    kinds = ["u" if c.isupper() else "l" if c.islower() else "d" if c.isdigit() else "" for c in body]
    changes = sum(1 for a, b in zip(kinds, kinds[1:]) if a and b and a != b)
    return 4 * changes >= len(body) and "d" in kinds


def _short_random(segment: str, after_token: bool) -> bool:
    """A token of 8 to 15 characters (round 20: "/conferma/Xy7Kp2Qw"): upper case, lower case and digits, changing
    between them at two pairs in three or more ("Win10Pro", "CartaIdentita" change seldom); after a word that leads
    to a token (:data:`TOKEN_WORDS`: "/reset/ab12cd34ef") 6 characters or more, letters and digits changing at one
    pair in three."""
    if not (6 if after_token else 8) <= len(segment) < 16 or not segment.isalnum() or not segment.isascii():
        return False
    kinds = ["u" if c.isupper() else "l" if c.islower() else "d" for c in segment]
    changes = sum(1 for a, b in zip(kinds, kinds[1:]) if a != b)
    if after_token:
        return "d" in kinds and ("u" in kinds or "l" in kinds) and 3 * changes >= len(segment)
    return len(set(kinds)) == 3 and 3 * changes >= 2 * (len(segment) - 1)


def identifies(segment: str, after_account: bool, after_record: bool = False, after_document: bool = False,
               after_token: bool = False) -> bool:
    if "." in segment:  # a file named after its owner or its number: "zanchettin85.pdf", "12345.pdf"
        stem, ext = segment.rsplit(".", 1)
        if stem and ext.lower() in _EXTENSIONS and ext.lower() not in _DOMAINS:
            return identifies(stem, after_account, after_record, after_document)
    if segment.isdigit():  # string tests first: most segments are words, and pay no pattern here
        return len(segment) >= 6 or ((after_account or after_record) and _short_number(segment)) \
            or (after_document and segment not in _FORMS and _short_number(segment))
    if not segment or is_placeholder(segment):
        return False
    if segment[0] == "[" and segment[-1] == "]":  # "[mario-rossi]": the brackets are not the value
        return identifies(segment[1:-1], after_account, after_record, after_document, after_token)
    if segment.isalpha():  # a plain word (most segments): a name only after an account word, no pattern
        return after_account and _is_name(segment)
    if (after_record or after_document) and _CODED.fullmatch(segment) and not _YEARS.search(segment):
        return True  # "SUAP-1234-2024", "V-2024-12345"; not a period ("2024-2025")
    if len(segment) >= 16 and (_TOKEN.fullmatch(segment) and _DIGIT.search(segment) or _random(segment)
                                or segment.startswith("eyJ") and _JWT.fullmatch(segment)):
        return True  # a hex token or a UUID, a base64 token (round 19), a JWT (round 19)
    if _short_random(segment, after_token):
        return True  # a short token (round 20)
    if "-" in segment and _person_slug(segment):
        return True  # a person's name with no account word before it (round 20)
    digits = _DIGIT.search(segment)
    if digits and _LONG_DIGITS.search(segment, digits.start()):
        return True
    if after_record and _handle(segment):
        return True
    if after_account:
        return bool(digits or _JOINED.fullmatch(segment) or (_NAME_PARTS.fullmatch(segment) and _is_name(segment))
                    or _named_slug(segment))
    if digits:  # "mrossi85", "mario.rossi1985": a listed name and digits; "zanchettin85": a handle
        m = _USER_DIGITS.fullmatch(segment)
        return m is not None and (_named_join(m.group(1)) if ("." in m.group(1) or "_" in m.group(1))
                                  else _is_name(m.group(1))) or _loose_handle(segment)
    return ("." in segment or "_" in segment) and _JOINED.fullmatch(segment) is not None and _named_join(segment)


def mark_segments(parts: list[str], step: int = 1) -> int:
    """Replace in ``parts`` (a path cut at its separators; the segments at every ``step``-th place) each segment
    that identifies a person by ``[ID]``, judged with the word before it; return how many. A bare year between a
    record's word and its number is passed over ("/pratiche/2024/12345" reads as "/pratiche/12345")."""
    ids = 0
    previous = ""
    for i in range(0, len(parts), step):
        segment = parts[i]
        if segment and identifies(segment, previous in ACCOUNT_WORDS, previous in RECORD_WORDS, previous in DOCUMENT_WORDS,
                                  previous in TOKEN_WORDS):
            parts[i] = "[ID]"
            ids += 1
        elif previous in _ANY_WORDS and len(segment) == 4 and segment[:2] in ("19", "20") and segment.isdigit():
            continue
        if segment:
            previous = segment.lower()
    return ids
