"""Ways to reach a person: e-mail addresses (also obfuscated), social-network handles and profile
addresses, street addresses, and the Internet address of a person's device (IPv4, IPv6); phone
numbers are :mod:`privacy.phones`'.

Each finder is ``(text, counts) -> text`` like those of :mod:`privacy.identifiers`.
"""
from __future__ import annotations

import ipaddress
import re
from collections import Counter

from .identifiers import scan
from .leads import Led, any_in, lowered
from .given_names import GIVEN_NAMES
from .lexicon import lemma
from .surnames import FREQUENT
from .names import LOWER as _LOW, UPPER as _UP

# --- e-mail -----------------------------------------------------------------------------------------
_AT = (r"(?:\s?(?:@@?|%40)\s?"                                             # a@b, a @ b, a%40b, a@@b (a typo)
       r"|\s*[(\[{<]\s*(?:at|@|chiocciola)\s*[)\]}>]\s*"                   # a(at)b, a [at] b, a{chiocciola}b
       r"|\s+(?:at|chiocciola)\s+)")                                       # a at b dot it
_DOT = (r"(?:\.|\s\.\s?"
        r"|\s*[(\[{<]\s*(?:dot|punto)\s*[)\]}>]\s*"
        r"|\s+(?:dot|punto)\s+)")
#: a dot spelled out in the local part ("mario punto rossi chiocciola …"), so no part of it is left.
#: "underscore", "trattino (basso)" too: "giulia underscore bianchi chiocciola …"
_SPELLED_DOT = (r"(?:\s+(?:dot|punto|underscore|trattino(?:\s+basso)?|dash)\s+"
                r"|\s*[(\[{<]\s*(?:dot|punto|underscore|trattino(?:\s+basso)?|dash)\s*[)\]}>]\s*)")
_SPELLED_AT = (r"(?:\s*[(\[{<]\s*(?:at|@|chiocciola)\s*[)\]}>]\s*"
               r"|\s+(?:at|chiocciola)\s+)")
_DOMAIN = rf"\w[\w\-]*(?:{_DOT}[\w\-]+)*{_DOT}[a-z]{{2,24}}(?![\w@])"
_EMAIL_RE = re.compile(rf"(?<![\w.+\-])[\w.+\-]*\w{_AT}{_DOMAIN}", re.I)
#: the local part's dots spaced as the domain's are ("mario . rossi @ gmail . com": none of it left);
#: looked for only in a text holding " . "
_SPACED_EMAIL_RE = re.compile(rf"(?<![\w.+\-])(?:[\w+\-]+\s\.\s)+[\w.+\-]*\w{_AT}{_DOMAIN}", re.I)
#: an address spelled out whole, its local part's dots too; looked for first, so that the
#: plain pattern does not leave "mario punto" of "mario punto rossi chiocciola …" behind.
_SPELLED_EMAIL_RE = re.compile(rf"(?<![\w.+\-])(?:[\w+\-]+{_SPELLED_DOT})+[\w.+\-]*\w{_SPELLED_AT}{_DOMAIN}", re.I)


#: the mailbox providers Italians name without their domain ("mario.rossi80@gmail", "m.rossi at libero"):
#: after "@" any local part; after a spelled "at"/"chiocciola" one holding a dot, digit, "_" or "+"
#: (so that "lavoro at Libero" is not an address).
_PROVIDERS = (r"(?:gmail|googlemail|libero|hotmail|outlook|live|yahoo|virgilio|alice|tiscali|tin|icloud|fastwebnet"
              r"|email|inwind|aruba|pec|legalmail|postecert|protonmail|proton|gmx|web)")
_BARE_PROVIDER_RE = re.compile(
    rf"(?<![\w.+\-])(?:[\w.+\-]*\w\s?@\s?|[\w+\-]*[\d._+][\w.+\-]*\w(?:{_SPELLED_AT}))"
    rf"{_PROVIDERS}(?![\w@.\-])", re.I)


#: an address said aloud with a provider and no dots: "mario rossi chiocciola gmail punto com" ("chiocciola"
#: is said of nothing else, so any local part), "mario rossi at gmail com" (after "at" only a provider and
#: a top-level domain)
_SPOKEN_RE = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]*\w(?:\s*[(\[{{<]?\s*chiocciola\s*[)\]}}>]?\s*{_PROVIDERS}(?:\s+(?:(?:punto|dot)\s+)?(?:com|it|net|eu))?"
    rf"|\s+at\s+{_PROVIDERS}\s+(?:(?:punto|dot)\s+)?(?:com|it|net|eu))(?![\w@])", re.I)
#: an "@" between two words, whatever the domain looks like ("mario.rossi@gmailcom", "m.rossi@gmail,com")
_GLUED_AT_RE = re.compile(r"(?<![\w.+\-])[\w.+\-]*\w@[A-Za-z][\w\-]*(?:[.,][A-Za-z][\w\-]*)*(?![\w@])")
#: a webmail after a plain "at" and any local part, in a text that speaks of mail ("la mia mail è
#: mariorossi at libero"; without such a word "lavoro at Libero" stays)
_MAIL_WORD = re.compile(r"(?<![a-z])(?:e-?mail|mail|pec|posta(?:\s+elettronica)?|indirizzo)(?![a-z])")
_SAID_MAIL_RE = re.compile(rf"(?<![\w.+\-])[\w.+\-]*\w\s+at\s+{_PROVIDERS}(?![\w@.\-])", re.I)
#: a mailbox named with its provider in words ("scrivete a mario.rossi su gmail", "m_rossi80 on hotmail"): a local
#: part holding a dot, a digit, "_" or "+", so that "scrivo su gmail" stays
_ON_PROVIDER_RE = re.compile(rf"(?<![\w.+\-])[\w+\-]*[\d._+][\w.+\-]*\w\s+(?:su|on|di|presso)\s+{_PROVIDERS}(?![\w@.\-])", re.I)
#: the given name said before an address whose local part is the rest of the name ("mario [rossi@…]")
#: — or the given name and the surname ("mario rossi [85 at gmail]": a local part said with spaces)
_NAME_BEFORE = re.compile(rf"(?<![\w\[])(?P<name>[{_UP}{_LOW}]+)(?:[ \t]+(?P<surname>[{_UP}{_LOW}]+))?[ \t]+(?=\[EMAIL\])")


def emails(text: str, counts: Counter) -> str:
    """E-mail addresses, written, spaced, spelled out ("mario punto rossi chiocciola gmail punto com",
    "m.rossi [at] libero [dot] it") or with a bare provider ("mario.rossi80@gmail"): ``[EMAIL]``; a listed
    given name just before one is part of it ("mario rossi chiocciola …" leaves no "mario")."""
    text, n = _SPELLED_EMAIL_RE.subn("[EMAIL]", text)
    s = 0
    if " . " in text:
        text, s = _SPACED_EMAIL_RE.subn("[EMAIL]", text)
    text, m = _EMAIL_RE.subn("[EMAIL]", text)
    b = 0
    if "@" in text or " at " in text.lower() or "chiocciola" in text.lower():  # an "at" left once the full
        text, b = _BARE_PROVIDER_RE.subn("[EMAIL]", text)                     # addresses are taken
    k = 1
    while k and "@" in text:  # what is left glued around an "@" is an address all the same ("mario.rossi@gmailcom");
        text, k = _GLUED_AT_RE.subn("[EMAIL]", text)  # again after one taken: "1@o.5@a04s" left ".5@a04s" glued
        b += k                                          # to its "[EMAIL]", which a second redaction took
    low = text.lower()
    if "chiocciola" in low or " at " in low:
        text, k = _SPOKEN_RE.subn("[EMAIL]", text)
        b += k
        if " at " in text.lower() and _MAIL_WORD.search(low):
            text, k = _SAID_MAIL_RE.subn("[EMAIL]", text)  # "la mia mail è mariorossi at libero"
            b += k
    if " su " in low or " on " in low or " di " in low or " presso " in low:
        text, k = _ON_PROVIDER_RE.subn("[EMAIL]", text)
        b += k
    n += s
    if n + m + b:
        counts["EMAIL"] += n + m + b
        text = _NAME_BEFORE.sub(_named_local_part, text)
    return text


def _named_local_part(m: re.Match) -> str:
    """What :data:`_NAME_BEFORE` leaves of the words before an address: nothing of a listed given name, nor
    of the surname after it when that is a frequent surname or no Italian word ("mario rossi", "giulia
    zanchettin"); a given name after an ordinary word is taken alone ("scrivete a mario [EMAIL]")."""
    name, surname = m.group("name"), m.group("surname")
    if surname is None:
        return "" if name.capitalize() in GIVEN_NAMES else m.group(0)
    if surname.capitalize() in GIVEN_NAMES:  # "a mario [EMAIL]": the first word is no name
        return name + " "
    if name.capitalize() in GIVEN_NAMES and (surname.lower() in FREQUENT or lemma(surname.lower()) is None):
        return ""
    return m.group(0)


# --- social-network handles and profiles -------------------------------------------------------------
#: the networks whose addresses name one person's profile; any other web address (a PA's own site,
#: "www.inps.it", "https://www.comune.roma.it/...") is not one and stays.
_SOCIAL_SITES = (r"(?i:instagram\.com|instagr\.am|facebook\.com|fb\.com|fb\.me|m\.me|linkedin\.com/(?:in|pub)"
                 r"|t\.me|telegram\.(?:me|dog)|twitter\.com|x\.com|tiktok\.com|threads\.net|youtube\.com/(?:@|c/|user/)"
                 r"|github\.com|mastodon\.social|snapchat\.com/add|wa\.me)")
#: a profile address (with or without scheme and "www."/"m."/"it."), its path and query too
#: ("facebook.com/profile.php?id=1000…")
_PROFILE_RE = re.compile(
    rf"(?<![\w.\-/])(?:https?://)?(?:(?:www|m|it|mobile|web)\.)?{_SOCIAL_SITES}/[\w.\-@%/?=&~+]*[\w/]")
#: a handle "@mario.rossi78" not glued to a word (an e-mail's "@" is taken before), two characters at
#: least with a letter ("@10" is a time), not ending in a dot. It starts with "@" so that the search
#: runs at C speed; the character before is checked in :func:`socials`.
_HANDLE_RE = re.compile(r"@(?=[0-9_.]*[A-Za-z])[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*(?<=[A-Za-z0-9_]{2})(?![\w@])")
#: the cheap gate before :data:`_PROFILE_RE` (after a "/" in the text): one of the networks' names
SOCIAL_SITES = ("instagr", "facebook", "fb.", "m.me", "linkedin", "t.me", "telegram", "twitter", "x.com", "tiktok",
                "threads.net", "youtube", "github", "mastodon", "snapchat", "wa.me")


#: a user name given with the network it is on, without "@" ("il mio nick su telegram è zanchettin85",
#: "Telegram: mario.rossi85", "skype mario_rossi", "skype: live:mario.b.1960", "zanchettin85 su telegram"): a word of four characters or more,
#: starting with a letter and holding a digit, "." or "_" (the network's own name, "telegram 2 volte", a version
#: "telegram v2.0" stay)
_MESSENGERS = r"(?i:telegram|skype|instagram|insta|tiktok|snapchat|snap|discord|facebook|threads|nick(?:name)?|(?:ig|fb)(?=\s*:))"
_NAMED_HANDLE = r"(?![vV]\d)[A-Za-z](?=[A-Za-z0-9_.]*[0-9_.])[A-Za-z0-9_.]{2,}[A-Za-z0-9_](?![\w@.])"
_NAMED_HANDLE_RE = re.compile(
    rf"(?<!\w){_MESSENGERS}(?:\s+(?i:è|e['’]|is|ist|est|je|(?:di|su|on|auf|sur|na)\s+{_MESSENGERS}))*\s*[:=]?\s*(?P<h>(?:live:)?{_NAMED_HANDLE})"
    rf"|(?<![\w@.\[])(?P<g>{_NAMED_HANDLE})\s+(?i:su|on|auf|sur|na)\s+{_MESSENGERS}")
MESSENGERS = ("telegram", "skype", "insta", "tiktok", "snap", "discord", "facebook", "threads", "nick", "ig:", "ig :", "fb:",
              "fb :")


def _may_hold_profile(low: str) -> bool:
    return "/" in low and any_in(low, SOCIAL_SITES)


def has_social(low: str) -> bool:
    """True when the lower-cased text may hold a handle or a profile address (substring tests only)."""
    if "@" in low or _may_hold_profile(low):
        return True
    for word in MESSENGERS:
        if word in low:
            return True
    return False


def socials(text: str, counts: Counter) -> str:
    """Social-network handles (``@mario.rossi78``) and profile addresses (``instagram.com/mariorossi``,
    ``https://www.facebook.com/mario.rossi.123``, ``linkedin.com/in/…``, ``t.me/…``, ``wa.me/39333…``):
    ``[SOCIAL]``, whole. Run after :func:`emails` (an e-mail's "@" is not a handle); other web
    addresses stay — the PA's own site cited about the service ("www.inps.it", "comune.roma.it/…")."""
    if _may_hold_profile(text.lower()):
        text, n = _PROFILE_RE.subn("[SOCIAL]", text)
        counts["SOCIAL"] += n
    if "@" in text:
        text = scan(_HANDLE_RE, text, "SOCIAL",
                    lambda m: m.start() == 0 or not (m.string[m.start() - 1].isalnum() or m.string[m.start() - 1] in "_.@/["),
                    counts)
    low = text.lower()
    if any(word in low for word in MESSENGERS):
        text = scan(_NAMED_HANDLE_RE, text, "SOCIAL", lambda m: m.group("h") is not None, counts, group="h")
        text = scan(_NAMED_HANDLE_RE, text, "SOCIAL", lambda m: m.group("g") is not None, counts, group="g")
    if not counts["SOCIAL"]:
        del counts["SOCIAL"]
    return text


# --- street addresses ---------------------------------------------------------------------------------
_STREET = (r"(?i:via|viale|v\.\s?le|v\.(?=\s?(?-i:[A-Z]))|piazza|p\.\s?zza|p\.\s?za|piazzale|p\.\s?le|piazzetta|corso|c\.\s?so|largo|vicolo"
           r"|vico|strada|contrada|c\.\s?da|localit(?:à|a['’]?)|loc\.|borgo|lungomare|lungotevere|lungarno|salita|traversa"
           r"|circonvallazione|galleria|calle|fondamenta|rione|frazione|fraz\.)")
_PARTICLE = r"(?:d[ae]l(?:l[ao'’]|l[ie]|gli)?|de[ig]?|di|da|dei|degli|delle|della|dello|d['’]|san|santa|sant['’]|s\.)"
_CAP_WORD = rf"(?:[{_UP}][{_LOW}]*(?:['’][{_UP}{_LOW}]+)?(?![{_UP}])|[{_UP}]{{2,}}(?:['’][{_UP}]+)?|[{_UP}]\.|[IVXL]{{1,5}})"
#: the street name: capitalised words, particles, numbers in names ("4 Novembre", "XX Settembre").
_CAP_NAME = (rf"(?:{_PARTICLE}\s*)?(?:{_CAP_WORD}|\d{{1,2}}(?=\s+[{_UP}][{_LOW}]))"
             rf"(?:\s+(?:{_PARTICLE}\s*)?(?:{_CAP_WORD}|\d{{1,2}}(?=\s+[{_UP}][{_LOW}]))){{0,5}}")
_LOW_NAME = rf"[{_LOW}{_UP}][{_LOW}{_UP}'’]*(?:\s+[{_LOW}{_UP}][{_LOW}{_UP}'’]*){{0,4}}"
_CIVIC_MARK = r"(?i:n\.|n°|n(?=\s*\d)|nr\.?|num\.|numero|civico)"
_CIVIC = r"(?P<num>\d{1,4})(?!\d)(?:\s?/\s?[A-Za-z0-9]{1,3}(?!\w)|[A-Za-z](?![A-Za-z])|\s+bis\b)?"
#: a number that counts something, not a civic number ("via web 2 volte", "corso Excel 12 ore").
_NOT_CIVIC = (r"(?!\s*(?i:volt[ae]|minut[oi]|or[ae]\b|giorn[oi]|mes[ei]|ann[oi]|settiman[ae]|euro|€|%|km|metri|m\b"
              r"|persone|pagine|stelle|punti|su\s+\d"
              r"|mal\b|stunden|minuten|tage|wochen|monate|jahre|times|minutes|hours|days|weeks|months|years"
              r"|fois|heures|jours|semaines|mois|ans\b|krat|minut|ur\b|dni|tednov|mesecev|let\b|of\s+\d|von\s+\d|sur\s+\d))"
              r"(?![.,:]\d)")
_ADDRESS_RE = re.compile(
    rf"(?<![\w]){_STREET}\s+(?:{_CAP_NAME},?\s*(?:{_CIVIC_MARK}\s*)?|{_LOW_NAME}(?:,\s*{_CIVIC_MARK}?|\s+{_CIVIC_MARK})\s*)"
    rf"{_CIVIC}{_NOT_CIVIC}")
#: where :data:`_ADDRESS_RE` may match: its street words, in the text lower-cased (:mod:`privacy.leads`)
_ADDRESSES = Led(_ADDRESS_RE, r"(?<!\w)" + lowered(_STREET).replace("(?-i:[A-Z])", "[a-z]"))


# The street names of the other languages the questionnaires are offered in, civic number after
# ("Bahnhofstraße 12", "Meraner Straße 5", "Rue de Tillier 3", "Prešernova ulica 5", "Trg svobode 3",
# "Baker Street 12") or before ("12 rue Victor Hugo", "221B Baker Street").
_FOREIGN_CAP = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*"
_FOREIGN_OF = r"(?:(?i:de\s+la|de\s+l['’]|de|du|des|d['’]|v|na|pri|ob|von|am|an\s+der|der|of|the)\s*)"
_FOREIGN_NAME = rf"(?:{_FOREIGN_OF}?{_FOREIGN_CAP}|[{_LOW}]{{3,}}(?=\s*,?\s*\d)|\d{{1,2}}\.?(?=\s+[{_UP}{_LOW}]))(?:\s+(?:{_FOREIGN_OF}?{_FOREIGN_CAP}|[{_LOW}]{{3,}}(?=\s+\d))){{0,3}}"
_ARTICLE = r"(?!(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einen|The|A|An|La|Le|Les|Un|Une)\s)"
_SUFFIX_STREET = (rf"[{_UP}][{_LOW}]*(?:straße|strasse|str\.|gasse|weg|platz|allee|ring|gässchen)"
                  rf"|{_ARTICLE}{_FOREIGN_CAP}\s+(?:Straße|Strasse|Str\.|Gasse|Weg|Platz|Allee)"
                  rf"|{_ARTICLE}{_FOREIGN_CAP}(?:\s+{_FOREIGN_CAP})?\s+(?:ulica|ulici|ulico|cesta|cesti|Street|St\.|Road|Rd\.|Avenue|Lane|Square|Drive)")
_PREFIX_STREET = (r"(?i:rue|avenue|av\.|boulevard|bd\.|place|chemin|allée|impasse|route|ulica|ulici|ulico|ul\.|cesta|trg"
                  r"|stra(?:ß|ss)e|platz|gasse)")
_FOREIGN_CIVIC = r"(?P<num>\d{1,4})(?!\d)(?:\s?/\s?[A-Za-z0-9]{1,3}(?!\w)|[A-Za-z](?![A-Za-z])|\s+(?:bis|ter)\b)?"
_FOREIGN_ADDRESS_RE = re.compile(
    rf"(?<![\w])(?:(?:{_SUFFIX_STREET})|{_PREFIX_STREET}\s+{_FOREIGN_NAME}),?\s*(?:{_CIVIC_MARK}\s*)?{_FOREIGN_CIVIC}"
    rf"{_NOT_CIVIC}(?!\w)"
    rf"|(?<![\w.,])(?P<lead>\d{{1,4}}[A-Za-z]?(?:\s+(?:bis|ter))?),?\s+(?:(?i:rue|avenue|boulevard|place|chemin|allée"
    rf"|impasse)\s+{_FOREIGN_NAME}|{_FOREIGN_CAP}(?:\s+{_FOREIGN_CAP})?\s+(?:Street|St\.|Road|Rd\.|Avenue|Lane|Square|Drive))")


# Where the writer lives, in lower case as typed on a phone ("abito in via roma 12", "residente in viale
# europa 45"): after such a lead-in a lower-case street name needs no comma or "n." before its number, and
# "via" may be "v." and the name begin with an initial ("abito in v. Roma 12", "abito in via g. verdi 3").
_HOME_LEAD = (r"(?i:abit(?:o|a|iamo|ano|ato|ata|azione)|resident[ei]|residenza|domicili(?:o|ato|ata)|indirizzo"
              r"|viv[oe]|viviamo|vivono|casa(?:\s+(?:mia|nostra))?(?=\s+(?:in|a|al|alla|di|è|e['’])\s)|sto|stiamo|stanno)")
_HOME_RE = re.compile(rf"(?<!\w){_HOME_LEAD}(?:\s*(?i:in|a|al|alla|presso|è|e'|di|casa|:|,))*\s+"
                      rf"(?P<addr>(?:{_STREET}\s+|(?i:v\.)\s?)(?:[{_LOW}{_UP}]\.\s?)?{_LOW_NAME}\s+{_CIVIC}{_NOT_CIVIC}(?!\w))")


# A lower-case street with no lead-in, as typed on a phone ("piazza duomo 3", "corso italia 45/b", "viale
# europa 190 int 4"): taken only when the number ends the address — the text, a punctuation mark, or
# what follows a civic number ("int", "scala", "piano", a CAP) comes next — so "corso base 2 e 3" stays.
_BARE_STREET = r"(?i:via|viale|piazza|piazzale|piazzetta|corso|largo|vicolo|strada|contrada|borgo|lungomare|localit(?:à|a['’]?))"
_BARE_RE = re.compile(
    rf"(?<![\w\[]){_BARE_STREET}\s+(?P<name>[{_LOW}][{_LOW}'’]*(?:\s+[{_LOW}][{_LOW}'’]*){{0,3}})\s+{_CIVIC}{_NOT_CIVIC}"
    r"(?=\s*(?:$|[,;.!?)\n]|(?i:int\.?|interno|scala|sc\.|piano|cap)\b)|\s+\d{5}\b"  # a CAP after a space: not the rest of the number
    # or the town, ending the clause ("di via marsala 22 vercelli, il bidone …"; "2 volte." is a count)
    r"|\s+(?!(?:volte|ore|minuti|giorni|mesi|anni|settimane|euro|persone|km|metri)\b)[a-zà-ù]{3,}(?=\s*(?:$|[,;.!?)\n])))")
#: a lower-case street after "di" and a word, its number followed by the rest of the sentence: whose home it is
#: ("sono la signora bianchi di via roma 3 mi serve il certificato", round 18; "lavori di via roma 3 giorni" counts,
#: "domanda di via telematica 2 volte" is a way: :func:`_bare`)
_OF_STREET_RE = re.compile(
    rf"(?<=[{_LOW}] di )(?i:via|viale|piazza|piazzale|corso|largo|vicolo)\s+(?P<name>[{_LOW}][{_LOW}'’]*(?:\s+[{_LOW}][{_LOW}'’]*){{0,2}})"
    rf"\s+{_CIVIC}{_NOT_CIVIC}(?!\w)")
#: words that make "via …", "corso …" a way, a course or a numbered road rather than a street ("via email
#: 2", "corso base 2", "strada statale 16")
#: the civic number said first ("abito al civico 12 di via roma", "al n. 4 di Piazza Duomo"): from the
#: number to the street's name, whole (a lower-case name is one word after its particles)
_REVERSED_RE = re.compile(rf"(?<!\w)(?i:civico|n\.|n°)\s*{_CIVIC}\s+(?i:di|in)\s+{_STREET}\s+"
                          rf"(?P<name>{_CAP_NAME}|(?:{_PARTICLE}\s+)?[{_LOW}][{_LOW}'’]+)(?!\w)")
#: the same after a word saying where one lives and "al", "at", "au" ("abito al 12 di via roma", "vivo al numero 7
#: di corso italia", "I live at 12 via Roma", "j'habite au 12, via Roma"; the street no way: :func:`_reversed`)
_HOME_REVERSED_RE = re.compile(
    rf"(?<!\w)(?:{_HOME_LEAD}|(?i:live[sd]?|living|habite|habitons|wohne|wohnen|wohnt))\s+(?i:al|at|au)\s+"
    rf"(?P<addr>(?:(?i:civico|n\.|n°|numero)\s*)?{_CIVIC}(?:\s+(?i:di|in)|,)?\s+{_STREET}\s+"
    rf"(?P<name>{_CAP_NAME}|(?:{_PARTICLE}\s+)?[{_LOW}][{_LOW}'’]+))(?!\w)")
_NOT_STREET = frozenset("""email mail e-mail web internet telefono telefonica telematica pec app sms whatsapp posta
online chat zoom teams skype fax portale sito formazione aggiornamento laurea studi base avanzato intensivo serale
livello modulo lezione esame anno statale provinciale regionale comunale""".split())
_LEAD_PARTICLES = frozenset("di per da in a con su del della dei degli delle al alla".split())
#: what a course teaches: "corso inglese 2 non è partito", "corso yoga 2 pieno," (round 20) are a course and its level
COURSES = frozenset("""inglese italiano francese tedesco spagnolo cinese arabo russo informatica computer nuoto yoga
pilates cucina ginnastica musica pittura teatro danza fotografia disegno chitarra pianoforte preparto pre-parto
sicurezza antincendio haccp primo secondo terzo""".split())


def _bare(m: re.Match) -> bool:
    words = m.group("name").split()
    street = m.group(0).split(None, 1)[0].lower()
    if any(w in _NOT_STREET for w in words):
        return False
    if street == "corso" and (words[0] in _LEAD_PARTICLES or words[0].lower() in COURSES):
        return False  # "corso di inglese 2", "corso yoga 2 pieno,"
    return _civic(m)


#: what stands at a street without being anyone's home: "la scuola di via manzoni 2" is the school's address
_PUBLIC_PLACES = frozenset("""scuola scuole asilo nido ufficio uffici sede sportello farmacia ospedale ambulatorio poliambulatorio
biblioteca fermata cantiere cantieri lavori parcheggio comune municipio chiesa parrocchia posta caserma distretto
salute""".split())  # "la casa della salute di via roma 3" (round 20)


def _of_street(m: re.Match) -> bool:
    """:func:`_bare`, and the word before "di" no public place's (:data:`_PUBLIC_PLACES`)."""
    before = m.string[:m.start()].split()
    return _bare(m) and len(before) > 1 and before[-2].lower() not in _PUBLIC_PLACES


def _reversed(m: re.Match) -> bool:
    """The civic number said first before a street, not a way ("al 2 via email"): no word of :data:`_NOT_STREET`."""
    return not any(w.lower() in _NOT_STREET for w in m.group("name").split())


def _civic(m: re.Match) -> bool:
    """A civic number, not a year written after a street's name ("via Roma 2024" with no ``n.``)."""
    num = m.group("num") or ""
    return not (len(num) == 4 and num[:2] in ("19", "20") and not re.search(_CIVIC_MARK, m.group(0)))


def _capitals_civic(m: re.Match) -> bool:
    """:func:`_civic`, and a street in capitals no way ("VIA ROMA 10" is taken, "VIA EMAIL 2" stays)."""
    return _civic(m) and not any(w.lower() in _NOT_STREET for w in m.group(0).split()[1:] if w.isupper())


#: a street with no civic number, said so ("Via Roma snc", "località Pian di Spagna s.n.c."): a house on it
_SNC_RE = re.compile(rf"(?<![\w]){_STREET}\s+(?P<name>{_CAP_NAME})\s*,?\s*(?i:snc|s\.\s?n\.\s?c\.?)(?!\w)")


def unnumbered_addresses(text: str, counts: Counter) -> str:
    """A street with a capitalised name followed by "snc" (*senza numero civico*, how a house with no number is
    written): ``[INDIRIZZO]``; "via email snc", "strada senza uscita, snc" stay."""
    return scan(_SNC_RE, text, "INDIRIZZO", lambda m: not any(w.lower() in _NOT_STREET for w in m.group("name").split()), counts)


#: a numbered road and the civic number on it ("Strada Provinciale 12 n. 4", "strada statale 16, civico 8"): the road's
#: number is part of its name, the house's comes after its mark (round 14: "[INDIRIZZO] n. 4" was left); the road alone
#: ("la strada statale 16 è chiusa") has no house on it and stays
_ROAD_RE = re.compile(rf"(?<!\w)(?i:strada\s+(?:provinciale|statale|regionale|comunale|vicinale))\s+(?:(?i:n\.|n°)\s*)?\d{{1,4}}"
                      rf"(?:\s+{_CAP_WORD}){{0,3}}\s*,?\s*{_CIVIC_MARK}\s*{_CIVIC}{_NOT_CIVIC}(?!\w)")


def addresses(text: str, counts: Counter) -> str:
    """Street addresses with a civic number: ``via Roma 12``, ``Piazza G. Garibaldi, 3/B``,
    ``viale XX Settembre n. 45``, ``via dei mille, 7``; in the other languages of the
    questionnaires ``Bahnhofstraße 12``, ``Rue de Tillier 3``, ``12 rue Victor Hugo``,
    ``Prešernova ulica 5``, ``Trg svobode 3``, ``221B Baker Street``. A lower-case Italian street
    name needs a comma or ``n.`` before the number ("via web 2 volte" stays) — unless a word saying
    where one lives comes first ("abito in via roma 12", "residente in viale europa 45") or the
    number ends the address ("piazza duomo 3", "corso italia 45/b", "viale europa 190 int 4": see
    :data:`_BARE_RE`); a year without ``n.`` is not a civic number."""
    if "ale " in text.lower():  # "Strada Provinciale 12 n. 4" (provinciale, statale, regionale, comunale, vicinale)
        text = scan(_ROAD_RE, text, "INDIRIZZO", lambda m: True, counts)
    text = scan(_ADDRESSES, text, "INDIRIZZO", _capitals_civic, counts)
    text = scan(_HOME_RE, text, "INDIRIZZO", _civic, counts, group="addr")
    text = scan(_BARE_RE, text, "INDIRIZZO", _bare, counts)
    if " di " in text:
        text = scan(_OF_STREET_RE, text, "INDIRIZZO", _of_street, counts)
    low = text.lower()
    if "civico" in low or "n." in low or "n°" in low:
        text = scan(_REVERSED_RE, text, "INDIRIZZO", _reversed, counts)
    if "al " in low or "at " in low or "au " in low:
        text = scan(_HOME_REVERSED_RE, text, "INDIRIZZO", lambda m: _reversed(m) and _civic(m), counts, group="addr")
    text = scan(_FOREIGN_ADDRESS_RE, text, "INDIRIZZO", _civic, counts)
    if "[INDIRIZZO]" not in text:
        return text
    if "int" in text or "INT" in text or "Int" in text:
        text = _FLAT_AFTER.sub(r"\g<keep>", text)
    return _CAP_AFTER.sub(r"\g<sep>", text)


#: the flat's number right after an address taken, or after its stair and floor, is part of it (round 19: "[INDIRIZZO]
#: int. 4", "[INDIRIZZO], int. 7, scala B" kept the flat): dropped, the stair and the floor kept ("[INDIRIZZO], scala B")
_FLAT_AFTER = re.compile(r"(?<=\[INDIRIZZO\])(?P<keep>(?:[ \t]*,?[ \t]*(?i:scala|sc\.|piano)[ \t]*[A-Za-z0-9]{1,3}(?!\w))*)"
                         r"[ \t]*,?[ \t]*(?i:int\.?|interno)[ \t]*(?:n\.?[ \t]*)?(?:\d{1,3}[A-Za-z]?|[A-Za-z])(?!\w)")


#: the CAP right after an address taken, or after its stair and flat, is part of it (round 18: "[INDIRIZZO], 40126
#: Bologna", "[INDIRIZZO] - 20123 Milano", "[INDIRIZZO] scala A 00186 Roma" kept the CAP): dropped, the town kept
_CAP_AFTER = re.compile(r"(?<=\[INDIRIZZO\])(?P<sep>(?:[ \t]*,?[ \t]*(?i:scala|sc\.|int\.?|interno|piano)[ \t]*[A-Za-z0-9]{1,3}(?!\w))*"
                        r"(?:[ \t]*[,;\-–])?)[ \t]*(?:(?i:cap)\.?[ \t]*)?\d{5}"
                        r"(?![\d.,:/])(?![ \t]*(?i:euro|eur\b|€))")


# --- IP addresses ---------------------------------------------------------------------------------
#: candidates only: each is checked by :mod:`ipaddress` (octets 0–255 without leading zeros; IPv6
#: groups, ``::`` once), which keeps versions ("1.2.3"), amounts ("1.250.000"), dates and times out.
_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)")


def _ip(kind: type, candidate: str) -> bool:
    try:
        kind(candidate)
    except ValueError:
        return False
    return True


def ips(text: str, counts: Counter) -> str:
    """IP addresses — personal data (the address of a person's device, CJEU C-582/14 *Breyer*) that
    citizens paste when a page fails ("dal mio IP 151.38.12.4 non si apre", "2001:db8::1 bloccato"):
    IPv4 in dotted form (a ``:port`` after it stays) and IPv6 (compressed, full, or ending in an IPv4).
    """
    def sub(rx: re.Pattern, kind: type, s: str) -> str:
        out, pos = [], 0
        for m in rx.finditer(s):
            if _ip(kind, m.group(0)) and (kind is not ipaddress.IPv6Address or sum(c.isalnum() for c in m.group(0)) >= 2):
                out.append(s[pos:m.start()] + "[IP]")
                pos = m.end()
                counts["IP"] += 1
        return "".join(out) + s[pos:] if out else s

    if text.count(":") >= 2:
        text = sub(_IPV6_RE, ipaddress.IPv6Address, text)
    if "." in text:
        text = sub(_IPV4_RE, ipaddress.IPv4Address, text)
    return text


__all__ = ["emails", "socials", "addresses", "ips"]
