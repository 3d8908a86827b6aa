"""Numbers and codes that identify a person: codice fiscale, IBAN, payment card, partita IVA,
tessera sanitaria, identity documents, number plates.

Each finder is ``(text, counts) -> text``: it replaces what it recognises by ``[KIND]`` and counts
it. Check digits are verified with ``python-stdnum`` where the code has one; see the module
docstring of :mod:`privacy` for what is redacted on shape alone and why.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from stdnum import iban as _iban
from stdnum import luhn
from stdnum.it import codicefiscale, iva

from .leads import Anchored, Led, lowered


def scan(pattern: re.Pattern | Led | Anchored, text: str, kind: str, accept: Callable[[re.Match], bool], counts: Counter,
         group: int | str = 0) -> str:
    """Replace each accepted match of ``pattern`` (``group`` of it) by ``[kind]``.

    Unlike ``re.sub``, a rejected candidate does not hide an overlapping one that starts later
    (``xRSSMRA85…`` is rejected at ``x`` and found at ``R``).
    """
    out, pos, start = [], 0, 0
    while True:
        m = pattern.search(text, start)
        if m is None:
            break
        if accept(m):
            out.append(text[pos:m.start(group)])
            out.append(f"[{kind}]")
            counts[kind] += 1
            pos = start = m.end(group)
        else:
            start = m.start() + 1
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


# --- codice fiscale ---------------------------------------------------------------------------------
_SEP = r"[ \-.]?"
_L, _D, _M = "[A-Za-z]", "[0-9LMNPQRSTUVlmnpqrstuv]", "[ABCDEHLMPRSTabcdehlmprst]"
#: the check character may be missing ("RSSMRA85T10A562 manca una lettera": the first fifteen identify
#: the person), glued, after a hyphen or a dot, or after a space when it stands alone — never the first
#: letter of the next word ("… A562 manca" is not "… A562M")
#: The year's first digit is a digit in every code a person has (omocodia replaces the digits from the
#: last; a code with no digit left is refused by :func:`cf_is_person`): so the pattern asks for it, and
#: is tried only 6 to 12 characters (six letters, a separator between each) before a digit.
_CF_RE = re.compile(r"(?<![0-9])" + _SEP.join([_L] * 6 + ["[0-9]"] + [_D] + [_M] + [_D] * 2 + [_L] + [_D] * 3)
                    + r"(?:[\-.]?[A-Za-z]|[ ][A-Za-z](?![A-Za-z]))?(?![0-9])")
_CODES = Anchored(_CF_RE, re.compile("[0-9]"), 6, 12)
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


#: the places of a codice fiscale's seven digits (year, day, place's number), in the order omocodia does
#: not follow: it replaces them from the last
_DIGIT_PLACES = (6, 7, 9, 10, 12, 13, 14)


def cf_is_person(candidate: str) -> bool:
    """True when the first 15 characters are a real codice fiscale (birth date and place valid,
    omocodia allowed) — whatever the check character, or without it (then without omocodia): a typo in
    it, or a character left out, still identifies a person."""
    code = _NOT_ALNUM.sub("", candidate).upper()
    if len(code) == 15:  # no check character: only with the date's and the place's digits as digits (no
        # omocodia), or a window of letters and digits shifted into a word would pass
        if not (code[6:8] + code[9:11] + code[12:15]).isdigit():
            return False
    elif len(code) != 16:
        return False
    # omocodia replaces the digits from the last one backwards: a letter in a digit's place means
    # letters in every later one ("ank und musste 2 Stu" has its "2" after letters: no code)
    letters = [code[p].isalpha() for p in _DIGIT_PLACES]
    if letters != sorted(letters) or all(letters):  # no digit left: words ("TRST EURO RSS…"), not a code
        return False
    return codicefiscale.is_valid(code[:15] + codicefiscale.calc_check_digit(code[:15]))


#: a numeric codice fiscale (provisional, given to people waiting for theirs: refugees, newborns) after the
#: words that name it: 11 digits, whatever their check digit ("il mio codice fiscale provvisorio è 98765432109")
_CF_NUMERIC = re.compile(r"(?<!\w)(?i:codice\s+fiscale|cod\.\s?fisc\.?|c\.\s?f\.|cf)(?:\s+(?i:provvisori[oa]|numeric[oa]|temporane[oa]))?"
                         r"(?:\s+(?i:è|e['’]|era))?\s*:?\s*(?P<code>\d{11})(?!\d)")


def codici_fiscali(text: str, counts: Counter) -> str:
    """Codici fiscali: the alphanumeric ones of a person (:func:`cf_is_person`), and 11 digits after the words
    that name one (:data:`_CF_NUMERIC`)."""
    text = scan(_CODES, text, "CF", lambda m: cf_is_person(m.group(0)), counts)
    if "f" in text or "F" in text:
        text = scan(_CF_NUMERIC, text, "CF", lambda m: True, counts, group="code")
    return text


# --- IBAN -------------------------------------------------------------------------------------------
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ \-]?\d{2}")
_IBAN_GAP = re.compile(r"[ \-]{1,2}(?=[A-Za-z0-9])")
_IT_IBAN = re.compile(r"IT\d{2}[A-Z]\d{10}[A-Z0-9]{12}")


def _iban_ok(compact: str) -> bool:
    """Valid mod-97 IBAN, or an Italian IBAN by shape alone (27 characters, CIN, ABI, CAB: a
    mistyped check digit still points at one account)."""
    return _iban.is_valid(compact) or bool(_IT_IBAN.fullmatch(compact))


def ibans(text: str, counts: Counter) -> str:
    """Replace whole IBANs written compact or in groups (spaces, double spaces, dashes)."""
    out, pos = [], 0
    for m in _IBAN_START.finditer(text):
        if m.start() < pos:
            continue
        chars, ends, i = list(_NOT_ALNUM.sub("", m.group(0)).upper()), [], m.end()
        while i < len(text) and len(chars) < 34:
            gap = _IBAN_GAP.match(text, i)
            if gap:
                i = gap.end()
            c = text[i]
            if not (c.isascii() and c.isalnum()):
                break
            chars.append(c.upper())
            i += 1
            if len(chars) >= 15 and (i == len(text) or not (text[i].isascii() and text[i].isalnum())):
                ends.append((i, "".join(chars)))
        for end, compact in reversed(ends):
            if _iban_ok(compact):
                out.append(text[pos:m.start()] + "[IBAN]")
                pos = end
                counts["IBAN"] += 1
                break
    return "".join(out) + text[pos:] if out else text


# --- payment cards, tessera sanitaria, partita IVA -----------------------------------------------------
_CARD_RE = re.compile(r"(?<![\d.,])(?:\d{13,19}|\d{4}(?:[ \-]\d{4}){2}[ \-]\d{1,7}|\d{4}[ \-]\d{6}[ \-]\d{4,5})(?![\d.,]?\d)")
_YEARS = re.compile(r"(?:(?:19|20)\d\d[ \-]?)+")


#: issuer prefixes and the lengths their cards have (Visa, Mastercard/Maestro, Amex, JCB, Diners,
#: Discover/UnionPay): an 18-digit pagoPA notice code starting with 3 is not a card.
_CARD_LENGTHS = (("4", (13, 16, 19)), ("2", (16,)), ("5", (16, 17, 18, 19)), ("34", (15,)), ("37", (15,)),
                 ("35", (16, 17, 18, 19)), ("30", (14, 16)), ("36", (14, 16)), ("38", (14, 16)), ("39", (14, 16)),
                 ("6", (16, 17, 18, 19)))


def _card_ok(m: re.Match) -> bool:
    digits = _NOT_ALNUM.sub("", m.group(0))
    lengths = next((n for prefix, n in _CARD_LENGTHS if digits.startswith(prefix)), ())
    return len(digits) in lengths and luhn.is_valid(digits) and not _YEARS.fullmatch(m.group(0))


def cards(text: str, counts: Counter) -> str:
    return scan(_CARD_RE, text, "CARTA", _card_ok, counts)


#: the card number of a tessera sanitaria (TEAM): 20 digits starting 80380 (health card, Italy).
_TS_RE = re.compile(r"(?<!\d)8[ \-]?0[ \-]?3[ \-]?8[ \-]?0(?:[ \-]?\d){15}(?!\d)"
                    r"|(?i:tessera\s+sanitaria)\s*(?i:n\.?|nr\.?|numero|n°)?\s*:?\s*(\d[\d \-]{4,24}\d)")


def tessere(text: str, counts: Counter) -> str:
    out = []
    pos = 0
    for m in _TS_RE.finditer(text):
        g = 1 if m.group(1) else 0
        out.append(text[pos:m.start(g)] + "[TS]")
        pos = m.end(g)
        counts["TS"] += 1
    return "".join(out) + text[pos:] if out else text


_PIVA_RE = re.compile(r"(?<![A-Za-z0-9])(?:IT[ ]?)?(\d{11})(?!\d)", re.I)
_IS = r"(?:\s+(?i:è|e['’]|é|ist|is|est))?"
_MARK = r"(?:\s*(?i:n\.|n°|nr\.?|numero|nummer|number|no\.?))?\s*:?\s*"
#: after the words that name it, 11 digits are a partita IVA whatever their check digit (a typo
#: still names one firm, often one person's): "partita iva 01234567897", "P.IVA: IT 01234567897".
_PIVA_LEAD_RE = re.compile(r"(?<!\w)(?i:partita\s+iva|p\.\s?iva|piva|vat(?:\s+(?:number|no\.?|id))?|ust-?id(?:nr\.?)?"
                           r"|mwst-?nr\.?|umsatzsteuer-?(?:id|identifikationsnummer|nummer))" + _IS + _MARK +
                           r"(?P<code>(?i:IT)?[ ]?\d{11})(?!\d)")
#: a German or Austrian tax number (South Tyroleans who work across the border, German speakers
#: writing "Steuernummer" for their codice fiscale): the digits after "Steuer-ID", "Steuernummer",
#: "St.-Nr.", "IdNr", "tax ID" — 9 to 13 digits with spaces, slashes or dashes — are a ``[CF]``.
_STEUER_RE = re.compile(r"(?<!\w)(?i:steuer[\s\-]?(?:id|nummer|nr\.?|identifikationsnummer)|st\.?[\s\-]?nr\.?|idnr\.?"
                        r"|abgabenkontonummer|tax\s+(?:id|number|code)(?:\s+number)?)" + _IS + _MARK +
                        r"(?P<code>\d(?:[ /\-]?\d){8,12})(?![\d/])")


def partite_iva(text: str, counts: Counter) -> str:
    """Partite IVA: after "partita IVA"/"P.IVA"/"VAT"/"USt-IdNr" any 11 digits; elsewhere 11 digits
    whose office code and check digit are valid."""
    text = scan(_PIVA_LEAD_RE, text, "PIVA", lambda m: True, counts, group="code")
    return scan(_PIVA_RE, text, "PIVA", lambda m: iva.is_valid(m.group(1)), counts)


def tax_numbers(text: str, counts: Counter) -> str:
    """A German or Austrian tax number after the word that names it (see :data:`_STEUER_RE`): ``[CF]``."""
    return scan(_STEUER_RE, text, "CF", lambda m: sum(c.isdigit() for c in m.group("code")) in range(9, 14), counts,
                group="code")


# --- identity documents and number plates ------------------------------------------------------------
_DOC_WORDS = (r"(?i:passaporto|passport|reisepass|personalausweis|passeport|potni\s+list|osebna\s+izkaznica|carta\s+(?:d['’]\s?|di\s+)?identit[àa']|c\.\s?i\.|\bcie\b|documento(?:\s+d['’]\s?identit[àa'])?"
              r"|patente(?:\s+di\s+guida)?|permesso\s+di\s+soggiorno|permesso(?=\s+(?:n\.|nr\.?|numero|n°)))")
_DOC_RE = re.compile(
    rf"(?:\bCI\b|{_DOC_WORDS})(?:\s+(?i:elettronic[oa]|cartace[oa]|nuov[oa]|vecchi[oa]|scadut[oa])"
    r"|\s+[a-zà-ù]{4,}(?=\s*(?i:n\.|nr\.?|numero|n°)))?"  # an adjective before the number's mark: "passaporto brasiliano n."
    r"(?:\s+(?i:number|numero|nummer|numéro))?(?:\s+(?i:è|e['’]|ist|is)(?:\s+(?i:la|il|quella|quello))?)?"
    r"\s*(?i:n\.?|nr\.?|numero|n°|number|no\.|nummer|numéro|številka)?\s*:?\s*"
    # letters after the digits: glued, after a dash, or spaced in capitals ("YA1234567 di mia moglie": a word)
    # the CIE's shape spaced in lower case ("numero cie ca 12345 bc": round 18 left "bc"), not a two-letter word after it
    r"(?P<lead>[A-Za-z]{2}[ \-]?\d{5}[ \-](?!(?i:di|da|ma|in|ok|se|su|ne|mi|ti|ci|vi|lo|la|le|li|il|un|ed|ad|al|ai|ho|ha"
    r"|fa|va|sa|so|no|si|tu|io|ke|nn|xk|pk|cm|ps)(?![A-Za-z]))[A-Za-z]{2}(?![A-Za-z0-9])"
    r"|[A-Za-z]{0,3}[ \-]?\d(?:[ \-]?\d){4,9}(?:-?[A-Za-z]{1,3}|[ ][A-Z]{1,3})?"
    r"|[Uu]1[ \-]?(?:[A-Za-z0-9][ \-]?){7}[A-Za-z]"
    r"|(?=(?:[A-Za-z]*\d){4})[A-Za-z0-9]{6,12})(?![A-Za-z0-9])"  # letters and digits mixed: "C01X00T47", "12AB34567"
    # the shapes anywhere once a document is named: the CIE ("CA12345AB"), the paper card ("AX1234567", "AU 1234567")
    r"|(?<![A-Za-z0-9])(?P<shape>[A-Z]{2}\d{5}[A-Z]{2}|[A-Z]{2}[ ]?\d{7}[A-Z]?)(?![A-Za-z0-9])")
#: where :data:`_DOC_RE` may match, in the text lower-cased (:mod:`privacy.leads`): its words, or two letters and a digit
_DOCUMENTS = Led(_DOC_RE, rf"\bci\b|{lowered(_DOC_WORDS)}|(?<![a-z0-9])[a-z]{{2}} ?\d")
#: plates since 1994: two letters, three digits, two letters (no I, O, Q, U); spaced only in capitals,
#: or in any case after "targa"/"targata"/"Kennzeichen" ("la mia auto targata ab 123 cd"); dashed in any case
#: ("la mia auto, ab-123-cd, è stata rimossa").
_PL = "[A-HJ-NPR-TV-Z]"
_PLATE_RE = re.compile(rf"(?<![A-Za-z0-9])(?:{_PL}{{2}}[ \-]?\d{{3}}[ \-]?{_PL}{{2}}|(?i:{_PL}{{2}}\d{{3}}{_PL}{{2}}|{_PL}{{2}}-\d{{3}}-{_PL}{{2}}))"
                       r"(?![A-Za-z0-9])|(?i:\btarg(?:a|ata|ato|he)|kennzeichen|plate)(?:\s+(?i:vecchi[ao]|nuov[ao]|del\s+motorino|dello\s+scooter))?(?:\s+(?i:è|e['’]|ist|is|n\.))?\s*:?\s*(?P<lead>[A-Za-z]{2}[ \-]?\d{3}[ \-]?[A-Za-z]{2}"
                       # after the word, the other shapes in capitals: a moped's ("X4B7KL"), before 1994 ("MI 3K7712", "MI 123456")
                       r"|(?<=[ :])(?:[A-Z]{2}[ \-])?[A-Z0-9]{5,7})\b")


def documents(text: str, counts: Counter) -> str:
    out, pos = [], 0
    for m in _DOCUMENTS.finditer(text):
        g = "lead" if m.group("lead") else "shape"
        out.append(text[pos:m.start(g)] + "[DOCUMENTO]")
        pos = m.end(g)
        counts["DOCUMENTO"] += 1
    return "".join(out) + text[pos:] if out else text


def plates(text: str, counts: Counter) -> str:
    out, pos = [], 0
    for m in _PLATE_RE.finditer(text):
        g = "lead" if m.group("lead") else 0
        if g and sum(c.isdigit() for c in m.group(g)) < 2 or g and not any(c.isalpha() for c in m.group(g)):
            continue  # "targa PROVA2", "targa 2024": a plate has two digits and a letter at least
        out.append(text[pos:m.start(g)] + "[TARGA]")
        pos = m.end(g)
        counts["TARGA"] += 1
    return "".join(out) + text[pos:] if out else text


# --- case numbers -----------------------------------------------------------------------------------
#: what introduces the number of a citizen's own file: the office that holds it can tell who wrote a
#: comment quoting it, and entity staff read their own service's comments (anonymity toward the PA).
#: The payments and bookings of the services' own types too: a pagoPA notice ("avviso pagoPA", its
#: IUV, the "bollettino"), a tax-payer's code, a fine's "verbale", an invoice or receipt, a CUP booking,
#: an electronic prescription's NRE — each held by the office that reads the comment.
_CASE_LEAD = (r"(?i:pratic(?:he|a|e)|protocoll[oi]|prot\.?|istanz[ae]|fascicol[oi]|domand[ae]|richiest[ae]|segnalazion[ei]"
              r"|ticket|codice\s+(?:pratica|richiesta|domanda|cliente|utente)|matricola|matr\.|utenza|r\.\s?g\.|cila|scia"
              r"|cartell[ae](?:\s+(?:clinica|esattoriale|sanitaria|di\s+pagamento))?|tessera(?:\s+(?:elettorale|associativa))?"
              r"|pod|pdr|contator[ei]|posizion[ei](?:\s+(?:assicurativa|contributiva))?|ricett[ae]|cliente"
              r"|codice\s+(?:di\s+)?pagamento|conto(?:\s+corrente)?|c/c"
              r"|avvis[oi](?:\s+(?:pago\s?pa|di\s+pagamento))?|iuv|bollettin[oi]|contribuente|verbal[ei]"
              r"|fattur[ae]|ricevut[ae]|prenotazion[ei]|nre|utente|mult[ae]|polizz[ae]|sinistr[oi]|infortuni[oa]"
              r"|(?:codice\s+)?pazient[ei]|certificat[oi](?:\s+(?:di\s+pensione|medico|inps))?|ordin[ei]"
              r"|case|reference|ref\.|application|file"
              r"|aktenzeichen|az\.|antrag(?:snummer)?|vorgang(?:snummer)?|gesch[äa]ftszahl"
              r"|dossier|demande|r[ée]f[ée]rence|zadev[ae]|vlog[ae]|zahtev[ae]?k?)")
_CASE_MARK = r"(?i:n\.|n°|n(?=\s+\d)|nr\.?|no\.?|num\.?|numero|number|nummer|numéro|št\.|številka|id|:|#)"
#: a mark ending the words before the number (its bare "n" then followed by the space only: the number is cut off)
_CASE_MARKED = re.compile("(?<![^\\W\\d_])" + _CASE_MARK.replace(r"n(?=\s+\d)", r"n(?=\s)") + r"\s*$")
#: the number, also printed in groups of digits (a pagoPA notice: "3010 0000 0012 3456 78",
#: "3 0123 4567 8901 2345 6") — then of 12 digits at least, so "richiesta 12345 10 giorni fa" keeps its "10".
_CASE_ID = (r"(?P<case>\d{1,4}(?:\s\d{1,4}){3,6}(?!\s?\d)"
            r"|(?:[A-Za-z]{2,6}-){0,2}(?:[A-Za-z]{0,6}[\-/]?|[A-Z]{2,6}\.)\d[\w/\-.]*\d(?:[/\-][A-Za-z0-9]+)?)")
#: the protocol of an ISEE declaration (DSU), with or without a word before it: "INPS-ISEE-2024-12345678A-00"
_DSU_RE = re.compile(r"(?<![\w-])(?i:inps-isee-\d{4}-\d{5,10}[a-z]?-\d{2})(?![\w-])")
#: the registration mark a PA's protocol prints on every letter it sends or receives (office or area, register,
#: date, number, and a direction letter), quoted with or without a word before it: "INPS.0100.12/05/2024.0012345",
#: "INAIL.60010.08/02/2025.0001234", "m_dg.DAG.25/03/2024.0061234.U" — the office reads it back to one person's file
#: a UUID (a request's, a transaction's, an account's), which the service that issued it reads back to one person
UUID_RE = re.compile(r"(?<![\w-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![\w-])")
_DASHED_CASE_RE = re.compile(r"(?<![\w-])[A-Z]{2,8}(?:-[A-Z]{1,8})*-(?:19|20)\d\d-\d{4,10}(?![\w-])")
_SIGNATURE_RE = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z_]{1,11}\.[A-Za-z0-9_\-]{1,12}\.\d{1,2}[/\-.]\d{1,2}[/\-.](?:19|20)\d\d"
                           r"\.\d{4,8}(?:\.[A-Za-z](?!\w))?(?![\w/])")
#: "is" between the word and the number, as people write it ("il numero di pratica è 2026/123456")
_CASE_IS = r"(?:è|e['’]|é|ist|is|est|je)"
_CASE_RE = re.compile(
    rf"(?<!\w){_CASE_LEAD}(?![^\W\d_])(?:\s+(?:INPS|INAIL|[A-Z]{{2,6}}|(?i:inps|inail|enel|acea|hera|a2a|azienda|cup|asl|ausl|ulss))(?=\s)){{0,2}}\s*(?:{_CASE_IS}\s+)?(?:{_CASE_MARK}\s*)?{_CASE_ID}"
    rf"(?![\w/])")
_CASES = Led(_CASE_RE, rf"(?<!\w){lowered(_CASE_LEAD)}")  # its lead-ins found in the text lower-cased


#: a number of four digits or more (not a bare year) listed after one taken, behind a comma, "e", "ed" or "oppure"
_CASE_NEXT = re.compile(r"(?<=\[PRATICA\])(?P<sep>\s*,\s*|\s+(?i:e|ed|oppure|o|and|und|et)\s+)"
                        r"(?:(?i:n\.|n°|nr\.?)\s*)?(?!(?:19|20)\d\d(?![\w/\-.]))(?=(?:[\w/\-.]*\d){4})[A-Za-z]{0,6}[\-/]?\d[\w/\-.]*\d(?![\w/])")


def case_numbers(text: str, counts: Counter) -> str:
    """The number of a file, a protocol, an application or a ticket after the word that introduces it
    ("pratica 2024/118", "protocollo n. 0123456/2024", "domanda n. 2024-00012345", "Protocollo INPS
    12345678", "Aktenzeichen 4711/2025", "dossier n° 55231", "il numero di pratica è 2026/123456"):
    ``[PRATICA]``, the word kept. A number of
    fewer than four digits counts only after a mark ("pratica n. 118"), so "la domanda 3 del
    questionario" stays; dates and times are not case numbers."""
    def accept(m: re.Match) -> bool:
        case = m.group("case")
        digits = sum(c.isdigit() for c in case)
        marked = m.group(0)[: m.start("case") - m.start()].rstrip().endswith((".", "°", ":", "#")) or \
            _CASE_MARKED.search(m.group(0), 0, m.start("case") - m.start()) is not None
        if re.fullmatch(r"\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?|\d{1,2}[.:]\d{2}", case):
            return False  # a date or a time
        if " " in case and digits < 12:
            return False  # a few numbers in a row, not a notice code printed in groups
        if re.fullmatch(r"(?:19|20)\d\d", case) and not marked:
            return False  # a year ("la richiesta 2025")
        return digits >= 4 or (digits >= 3 and marked)
    text = scan(_CASES, text, "PRATICA", accept, counts, group="case")
    if "isee-" in text or "ISEE-" in text:
        text = scan(_DSU_RE, text, "PRATICA", lambda m: True, counts)
    if "[PRATICA]" in text:  # the numbers listed after one ("le pratiche 2024/123456 e 2024/123457")
        while (again := _CASE_NEXT.subn(r"\g<sep>[PRATICA]", text))[1]:
            text = again[0]
            counts["PRATICA"] += again[1]
    return text


def protocol_marks(text: str, counts: Counter) -> str:
    """A protocol's registration mark ("INPS.0100.12/05/2024.0012345", "m_dg.DAG.25/03/2024.0061234.U") and a
    UUID ("4f9a2c7e-1b3d-4e5f-8a9b-0c1d2e3f4a5b"), with or without a word before them: ``[PRATICA]``, whole."""
    if "." in text:
        text = scan(_SIGNATURE_RE, text, "PRATICA", lambda m: True, counts)
    if "-" in text:  # and an office's letters, a year and a number, dashed: "INPS-AU-2024-0457821"
        text = scan(UUID_RE, text, "PRATICA", lambda m: True, counts)
        text = scan(_DASHED_CASE_RE, text, "PRATICA", lambda m: True, counts)
    return text


# --- cadastral references ---------------------------------------------------------------------------
#: a property in the land registry ("foglio 12 particella 345 sub 6", "fg. 12 mapp. 345"): with the
#: municipality, which the service names, it is one property and so its owner — an address (``[INDIRIZZO]``)
_CADASTRE_RE = re.compile(
    r"(?<!\w)(?i:foglio|fg\.?)\s*(?i:n\.?|n°)?\s*\d{1,4}[\s,;-]*(?i:particella|part\.|mappale|mapp?\.)\s*(?i:n\.?|n°)?\s*"
    r"\d{1,5}(?:[\s,;-]*(?i:subalterno|sub\.?)\s*(?i:n\.?|n°)?\s*\d{1,4})?(?!\w)")


def cadastral(text: str, counts: Counter) -> str:
    """A land-registry reference (sheet and parcel, the unit after it): ``[INDIRIZZO]``, whole."""
    return scan(_CADASTRE_RE, text, "INDIRIZZO", lambda m: True, counts)


# --- dates of birth -----------------------------------------------------------------------------------
_MONTHS = (r"(?i:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
           r"|january|february|march|april|may|june|july|august|september|october|november|december"
           r"|januar|februar|märz|mai|juni|juli|oktober|dezember"
           r"|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
           r"|januar|februar|marec|april|maj|junij|julij|avgust|september|oktober|november|december"
           r"|januarja|februarja|marca|aprila|maja|junija|julija|avgusta|septembra|oktobra|novembra|decembra)")
_DATE = (rf"(?:(?:19|20)\d\d-[01]\d-[0-3]\d(?!\d)|\d{{1,2}}\s*[./-]\s*\d{{1,2}}\s*[./-]\s*(?:\d{{4}}|\d{{2}})(?!\d)"
         # day, month and year with spaces only, as typed on a phone ("nata il 23 12 1975": round 18)
         rf"|(?:0?[1-9]|[12]\d|3[01])[ \t]+(?:0?[1-9]|1[0-2])[ \t]+(?:(?:19|20)\d\d|\d\d)(?![\d.,:/])"
         rf"|\d{{1,2}}[.°º]?\s+{_MONTHS}\s+(?:\d{{4}}|['’]?\d{{2}}(?!\d))|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|(?:19|20)\d\d(?!\d)"
         # day and month alone: with the age or the place it still points at one person ("nata il 3 marzo")
         rf"|\d{{1,2}}[.°º]?\s+{_MONTHS}(?!\w)|\d{{1,2}}/\d{{1,2}}(?![/\d]))")
_BORN = (r"(?i:nat[oaie]|compleanno|(?:ho\s+)?compiut[oi]\s+(?:i\s+)?\d{1,3}\s+anni|compi(?:o|e|rà)\s+(?:gli\s+)?(?:\d{1,3}\s+)?anni|(?:data|anno)\s+(?:di\s+)?nascita(?:\s+e(?=\s+il\s))?|nascita|classe|sono\s+del(?:l['’])?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born|geboren|geburtsdatum"
         r"|n[ée]e?|date\s+de\s+naissance|rojen[aio]?|datum\s+rojstva"
         # the abbreviations of forms: "d.n." / "dn" (data di nascita), "nasc.", "geb." (geboren), "roj.",
         # and South Tyrol's "Jahrgang" (year of birth, as "classe")
         r"|d\.\s?n(?=\.)|dn|nasc(?=\.)|geb(?=\.)|roj(?=\.)|jahrgang"
         # "n." in brackets after who it is: "mia madre (n. 14/07/1938)"
         r"|(?<=\()n(?=\.))")
#: the date after "nato/nata" within a few words ("nata a Milano il 12/03/1980", "sono nato nel 1975")
#: between the word and the date: a place and the little words around it ("a Roma il", "in Alto Adige nel")
_BIRTH_GAP = (r"(?:\s+(?:(?i:a|ad|in)\s+[a-zà-ù'’]+(?=\s+(?:(?i:il|nel|on|am|le)\b|\d))|(?i:il|nel|in|a|ad|di|del|on|in|am|im|in|le|en|à|the|of|v|dne|è)\b"
              r"|[A-ZÀ-ÖØ-ÞČŠŽ][\w'’]+))")
_BIRTH_RE = re.compile(rf"(?<!\w){_BORN}\b\.?[:,]?(?P<gap>{_BIRTH_GAP}{{0,4}}?)\s*[:,]?\s+(?P<date>{_DATE})")


#: a year of birth in two digits: after an apostrophe ("classe '58", "nata nel ’47"), or after "classe",
#: "sono del", "nato nel" ("sono del 58", "nato a Bolzano nel '71") when no unit follows ("sono del 30%", "classe 12 alunni")
_BIRTH_YY_RE = re.compile(r"(?<!\w)(?i:classe|sono\s+del|nat[oaie](?:\s+(?:a|ad|in)\s+[^\W\d_]+(?:\s+[A-Z][^\W\d_]+)?)?\s+nel)\s*(?P<date>['’]\s?\d{2}|(?<=\s)\d{2})(?![\w%€°/]|[.,:]\d"
                          r"|\s*(?i:%|anni|euro|eur|min|or[ae]|giorn|volt|mes|cm|kg|km|person|alunn|student|bambin|post))")


#: a thing born, not a person: "il servizio è nato il 3 marzo", "il progetto è nato il tre marzo" (round 14)
_THING_BORN = re.compile(r"(?i:servizio|progetto|sito|portale|app|sportello|ufficio|iniziativa|comitato|associazione|bando|numero"
                         r"\s+verde|piattaforma|festival|evento|mercato)\s+(?:[^\W\d_]+\s+){0,2}?(?:è|e['’]|era)\s+$")


def thing_born(text: str, start: int) -> bool:
    """Whether the birth word at ``start`` is said of a service, a project, a site, … (:data:`_THING_BORN`)."""
    return _THING_BORN.search(text, max(0, start - 48), start) is not None


def birth_dates(text: str, counts: Counter) -> str:
    """A date of birth — the date (or the year) after "nato/nata", "data di nascita", "born",
    "geboren", "née", "rojen", … after at most four words of place ("nata a Milano il …"):
    ``[NASCITA]``, the words kept; a bare year only from 1900 to 2010 (a person writing to a PA, not
    "il servizio è nato nel 2019"). With a place it identifies a person; a comment's other dates
    (appointments, payments) stay."""
    def accept(m: re.Match) -> bool:
        date = m.group("date")
        if thing_born(m.string, m.start()):  # "il servizio è nato il 3 marzo"
            return False
        if m.string[m.start() - 1:m.start()] == "(" and m.group(0)[:2] in ("n.", "N."):  # "(n. 14/07/1938)": a birth only
            year = re.search(r"(?:19|20)\d\d(?!\d)", date)                     # of one born by 2010 ("avviso (n.
            return year is not None and int(year.group()) <= 2010                 # 14/07/2024)" stays)
        # a bare year of a person who writes to a PA (1900–2010); "il servizio è nato nel 2019" stays
        return not re.fullmatch(r"\d{4}", date) or 1900 <= int(date) <= 2010
    text = scan(_BIRTH_RE, text, "NASCITA", accept, counts, group="date")
    return scan(_BIRTH_YY_RE, text, "NASCITA", lambda m: True, counts, group="date")
