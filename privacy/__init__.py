"""Personal data out of free text and kept records — the bottom layer every part may import.

Imports nothing from the project (the collector needs it for its spool, the processor for every
text answer, ``failed/`` and the DLQ). Public API:

- :func:`redact` ``(text) -> (text, Counter)`` — free text with personal data replaced by typed
  placeholders; the counter says how many of each kind.
- :func:`redact_value` ``(value) -> (value, Counter)`` — the same for a parsed JSON value;
- :func:`redact_record` ``(bytes) -> (bytes, Counter)`` — a whole record value (JSON or not):
  every string in it redacted, re-serialised (:mod:`privacy.records`).
- :data:`PLACEHOLDERS` — the kinds.

Categories (``[KIND]``): ``CF`` codice fiscale (spaces, hyphens, any case, glued to words,
omocodia; the birth date and place must be valid, the check character may be wrong or missing); ``EMAIL``
(also ``(at)``, ``[at]``, ``%40``, ``chiocciola``, ``dot``/``punto``); ``PHONE`` (the Italian
numbering plan via libphonenumber, every grouping, ``+39``/``0039``, ``(0)``); ``IBAN`` (any
country by mod-97, Italian also by shape; spaces, double spaces, dashes; replaced whole);
``CARTA`` payment cards (Luhn); ``PIVA`` partita IVA (office code and check digit); ``TS``
tessera sanitaria (20 digits from 80380, or any number after "tessera sanitaria"); ``PRATICA`` the
number of a citizen's own file after "pratica", "protocollo", "domanda", … (its office could tell who
wrote the comment), and a booking's code of letters and digits (:mod:`privacy.bookings`); ``NASCITA`` a date of birth after "nato/nata", "born", "geboren", …; ``DOCUMENTO``
identity-document numbers (after "carta d'identità", "passaporto", "patente", … or in the CIE
and passport shapes in capitals); ``TARGA`` number plates (AA 000 AA); ``INDIRIZZO`` street
addresses with a civic number, in Italian, German, French, Slovenian and English forms, and a house on a road by its
kilometre (:mod:`privacy.roads`), or after an address's label with no street word ("Adresse: Lauben 23":
:mod:`privacy.address_labels`); ``NOME``
names after a lead-in in those languages, or holding a listed given name (:mod:`privacy.names`), and
in lower case after a title, a closing, "sono", a relative or a member of staff, heading or signing a
comment, or after a form's labels (:mod:`privacy.lower_names`); a lone listed given name after an article, a thanks,
praise, a member of staff or a relative (:mod:`privacy.first_names`); thanked at the end of a sentence, named at a desk,
before what the person did ("Ciro mi ha aiutato") or signing the comment (:mod:`privacy.thanked`); after a role's label
in lower case (:mod:`privacy.roles`); a given name and a surname side by side in any casing, or beside an initial
("Rossi M.") (:mod:`privacy.pairs`); a particle and a surname after staff or a relative ("l'impiegato Di Martino")
(:mod:`privacy.particles`); the holder of a file after "a nome di", "intestato a", "per conto di"
(:mod:`privacy.holders`); the senders of a pasted WhatsApp chat (:mod:`privacy.chats`); a surname after
"da", "a", "con" in a narrative of who sent whom where, in any casing, the writers naming themselves, a name after a
verb of enrolment (:mod:`privacy.narrated`); a given name that is also a word ("Rosa", "Franco", "Natale") where the
sentence says a person — at a desk, after "sono", after a relative before an adjective (:mod:`privacy.word_names`);
a clerk's surname that is a common word, capitalised after "ho parlato con" before a desk or after "ha risposto"
(:mod:`privacy.answered`; in lower case and capitals from a list, and "l'impiegato Gentile"); where the writer comes from ("sono giulia di roma") and what a lady is like ("la signora
bianca di capelli") are no part of a name (:mod:`privacy.origins`), nor in capitals "SONO FRANCO:" or "FRANCO
SVIZZERO" (:mod:`privacy.shouted`);
a phone, a birth date, a file's or a civic number said in words, as a dictated comment writes them
(:mod:`privacy.spoken`); a codice fiscale spelled letter by letter (:mod:`privacy.spelled`); the last digits of an
IBAN or a card written alone (:mod:`privacy.endings`); ``IP`` IPv4 and IPv6 addresses (validated by :mod:`ipaddress`); ``CREDENZIALI`` a password, PIN,
one-time code or account name after the word that introduces it (:mod:`privacy.credentials`); ``SOCIAL`` social-network handles
(``@mario.rossi78``) and profile addresses (``instagram.com/…``, ``t.me/…``); in other web addresses written into a
comment, ``ID`` a path's segment or a query's value that identifies a person and ``CREDENZIALI`` a token
(``…/utente/[ID]/profilo``, ``?token=[CREDENZIALI]``: :mod:`privacy.links`, the host kept; a path written without
its host too, "/utente/[ID]"), judged as a page path is (:mod:`privacy.paths`, a query by :mod:`privacy.queries`).
A lower-case word is told from a surname by simplemma's Italian lexicon (:mod:`privacy.lexicon`, read
on the first candidate word only). Known limits are listed in docs/processor.md (Redaction).
"""
from . import paths  # noqa: F401  (gives the link pass of privacy.text its page path redactor)
from .records import redact_record, redact_value
from .text import PLACEHOLDERS, redact

__all__ = ["PLACEHOLDERS", "redact", "redact_record", "redact_value"]
