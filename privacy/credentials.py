"""Secrets and account names written into a comment: a password, a PIN, a one-time code, an SPID or portal
user name after the word that introduces it (citizens who cannot sign in write them, and the entity's staff
read the comments). The finder is ``(text, counts) -> text``, as in :mod:`privacy.identifiers`.
"""
from __future__ import annotations

import re
from collections import Counter

from .identifiers import scan

#: what introduces a secret or an account name: citizens who cannot sign in write them in the comment
#: ("utente mrossi80 password Pippo123!", "PIN INPS 1234ABCD", "codice OTP 482913", "il codice 493 771 via
#: SMS"), and the entity's staff read the comments. A code in groups of digits is taken whole ("OTP 123 456").
_CRED_LEAD = (r"(?i:password(?:['’]s)?|passw(?:or)?d|pwd|psw|pw|(?<!green\s)(?<!green-)(?P<pass>pass)|parola\s+segreta|mdp"
              r"|(?<!numero\s)(?<!codice\s)(?<!cod\.\s)(?<!n\.\s)(?P<utente>utente)(?=\s*:?\s*\S*[\d._])|(?P<codice>codice)(?=[^.!?\n]{0,40}sms)|(?P<grouped>codice)(?=[^.!?\n\d]{0,40}\d{2,4}[ ]\d{2,4}(?!\d))|parola\s+(?:chiave|d['’]ordine)|pin|puk|otp|cvv2?|cvc|cv2"
              r"|(?:sms|mail|e-mail|messaggio)\s+con\s+(?:il\s+)?codice"
              r"|codice\s+(?:otp|pin|di\s+accesso|di\s+sicurezza|segreto|di\s+verifica)"
              r"|token|username|user\s?name|user\s?id|nick\s?name|nick(?=\s*:)|nome\s+utente|login|account|credenziali"
              r"|utente(?=\s+(?:spid|cie|inps|inail|pec|del\s+portale))|(?:codice|utenza|identificativo)(?=\s+(?:spid|cie))"
              r"|spid(?=\s*(?::|è|e['’])\s*(?!v?\d+(?:\.\d+)*(?![^\s,;]))[^\s,;]*[\d._])|id\s+utente"
              r"|kennwort|passwort|benutzername|mot\s+de\s+passe|identifiant|geslo|uporabni[šs]ko\s+ime)")
#: "ist", "lautet", "est", "is" (English contraction: "my password's Summer2023") before the secret
#: words between the lead and the secret ("PIN INPS", "la mia password è", "password che uso è")
_CRED_FILL = (r"(?:\s+(?i:inps|spid|cie|inail|dispositivo|della\s+carta|del\s+bancomat|di\s+accesso|mi[ao]|che\s+uso"
              r"|usat[ao]|scelt[ao]|attual[ei]|nuov[ao]|vecchi[ao]|temporane[ao]|ricevut[ao]|arrivat[ao]|(?:via|per)\s+sms"
              r"|che\s+mi\s+(?:(?:è|e['’])\s+arrivat[ao]|hanno\s+(?:dato|inviato|mandato)|(?:hai|avete)\s+(?:dato|inviato|mandato))))*")
_CRED_RE = re.compile(rf"(?<!\w){_CRED_LEAD}(?P<fill>{_CRED_FILL})"
                      r"(?P<mark>\s*[:=]\s*|\s+(?i:è|e'|era|sono|is|ist|lautet|est|je)\s+|\s+)"
                      r"(?P<secret>\d{2,4}(?:[ ]\d{2,4})+(?!\w)|[^\s,;]{3,64}?)(?=\)*(?:[\s,;]|[.!?]*(?:\s|$)))")


#: a JSON Web Token pasted from a browser (header, payload, signature: "eyJhbGciOi….eyJzdWIi….sig"), with or without a
#: word before it (round 20): a session, and its payload names the person
_JWT_RE = re.compile(r"(?<![\w-])eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*(?![\w.-])")


def jwts(text: str, counts: Counter) -> str:
    """A JSON Web Token anywhere in ``text``: ``[CREDENZIALI]`` (the caller runs it when "eyJ" is in the text)."""
    return scan(_JWT_RE, text, "CREDENZIALI", lambda m: True, counts)


#: after "password è" / "password:", what says how it is rather than what it is
_CRED_STATE = re.compile(r"(?i:[a-zà-ú]+(?:at[aoei]|ut[aoei]|it[aoei])|troppo|molto|sempre|ancora|gi[àa]|la|il|lo|un[ao]?"
                         r"|non|ok|sbagliat\w*|giust[ao]|corrett[ao]|errat[ao]|valid[ao]|lung[ao]|cort[ao]|semplice"
                         r"|difficile|complicat\w*|divers[ao]|ugual[ei]|nuov[ao]|vecchi[ao]|obbligatori[ao]|necessari[ao]"
                         r"|sicur[ao]|debole|forte|quell[aoie]|quest[aoie]|stess[ao]|wrong|expired|incorrect|falsch|abgelaufen"
                         # how it is or goes, in a form's words ("Password: persa", "PIN: otto cifre", "Login: solo SPID o
                         # CIE", "Login 2FA obbligatorio", "SPID: livello2"), and the other languages' ("Passwort: vergessen")
                         r"|pers[ao]|mai|minimo|almeno|max|massimo|temporane[ao]|impossibile|errore|sospes[ao]|solo|via|codice"
                         r"|quattro|cinque|sei|sette|otto|nove|dieci|2fa|mfa|livello\s?\d|oubli[ée]e?|perdue?|vergessen|gesperrt"
                         r"|forgotten|lost|locked|blocked|pozabljen[oa]?|mon|ma|die|der|das|le|les|the|my)")
#: an account name by its shape: words joined by a dot or an underscore ("giov.deluca", "m_rossi")
_HANDLE = re.compile(r"[A-Za-z]+(?:[._][A-Za-z]+)+")
#: the leads whose secret must have a shape: "pass" (a permit's too: "il pass 2024", "pass H24") a password of six
#: characters or more mixing letters and digits; "utente" an account name (a handle, or letters then digits: "mrossi80");
#: "codice" before an SMS a code of digits ("il codice 3918 via sms"; "il codice F24", "2FA" are none); "codice" with no
#: SMS only digits in pairs or groups, as a one-time code is read out ("il codice è 12 34 56"; "il codice ATECO è 47 11"
#: has a word between, "il codice 730" is one group, "codice 2024 2025" years: they stay)
_SHAPED = {"pass": re.compile(r"(?=.*[A-Za-z])(?=.*\d)\S{6,}"),
           "utente": re.compile(r"[A-Za-z]+(?:[._][A-Za-z]+)+\d*|[A-Za-z]{2,}\d{2,}"),
           "codice": re.compile(r"\d{4,8}|\d{2,3}(?: \d{2,3})+|\d{3,4}(?: \d{3,4})+"),
           "grouped": re.compile(r"\d{2,3}(?: \d{2,3}){1,3}")}
_COUNTED = re.compile(r"\s+(?i:volt[ae]|minut[oi]|or[ae]|giorn[oi]|tentativ[oi]|caratter[ei]|cifr[ae]|second[oi]"
                      r"|times|minutes|hours|days|attempts|characters|digits|mal|zeichen|fois|caract)")
#: words that name a secret rather than being one: after "le credenziali sono" they lead to it (round 15)
_NAMED = frozenset("utente username user password pin login account nome id codice pwd psw otp puk".split())
_POSSESSIVE = re.compile(r"(?i:\b(?:la\s+mia|il\s+mio|mia|mio|my|meine?|mon|ma|moje)\s+$)")


#: a second secret after one taken, behind a slash or a bar ("utente mrossi85 / Pippo123"), or "e" and a digit in it
#: ("le credenziali sono pippo.baudo e Sanremo2024")
_CRED_PAIR = re.compile(r"(?<=\[CREDENZIALI\])(?P<sep>\s*[/|]\s*|\s+e\s+(?=\S*\d))(?!\[)[^\s,;]{3,64}?(?=[\s,;]|[.!?]*(?:\s|$))")


def credentials(text: str, counts: Counter) -> str:
    """A password, PIN, one-time code or account name after the word that introduces it:
    ``[CREDENZIALI]``, the word kept. The value must look like one — a digit in it ("password
    Pippo123!", "PIN INPS 1234ABCD"), or given after ``:`` or ``=``, or after "è" following a
    possessive or a word saying which ("la mia password è ciaociao", "la password che uso è
    ciaociao") — and not say how it is ("la password è scaduta",
    "password: sbagliata"), so "la password non funziona" and "il PIN non arriva" stay."""
    def accept(m: re.Match) -> bool:
        secret, mark = m.group("secret"), m.group("mark").strip()
        if re.match(r"\[[A-Z]+\]", secret):
            return False  # already a placeholder ("password=[CREDENZIALI]&tel=[ID]" in a link): nothing more
        if secret.lower() in _NAMED:
            return False  # "le credenziali spid sono utente mario.rossi58": the next word names it, and leads to it
        if secret.isdigit() and _COUNTED.match(m.string, m.end("secret")):
            return False  # "login 100 volte", "PIN di 5 cifre": a number that counts
        lead = next((name for name in _SHAPED if m.group(name)), None)
        if lead and not _SHAPED[lead].fullmatch(secret.rstrip(".!?")):
            return False  # "il pass 2024 per la ZTL", "l'utente 18enne", "il codice F24 … via sms"
        if _CRED_STATE.fullmatch(secret.rstrip(".!?")):
            return False
        if any(c.isdigit() for c in secret) or _HANDLE.fullmatch(secret.rstrip(".!?")):
            return True  # "Pippo123!", "giov.deluca", "sal_lombardo"
        if _CRED_STATE.fullmatch(secret.rstrip(".!?")):
            return False
        if mark in (":", "="):
            return True
        own = _POSSESSIVE.search(m.string[max(0, m.start() - 12):m.start()]) is not None or bool(m.group("fill").strip())
        return bool(mark) and own
    text = scan(_CRED_RE, text, "CREDENZIALI", accept, counts, group="secret")
    if "[CREDENZIALI]" in text:  # the password after the account name: "spid mrossi85 / Pippo123"
        text, n = _CRED_PAIR.subn(r"\g<sep>[CREDENZIALI]", text)
        if n:
            counts["CREDENZIALI"] += n
    return text
