"""A booking's code in letters and digits (round 20): "codice prenotazione ABX9KQ", "codice di prenotazione CUP 4B7K9Z",
"booking code: K7PQ2X", "Buchungscode 8HJK2L".

A CUP, a registry office or a counter's booking system gives each booking a short code that the office reads back to
the one person who booked; :func:`privacy.identifiers.case_numbers` takes a booking's number of digits, not a code
with one digit only. Taken after "codice (di) prenotazione", "prenotazione n." / "numero" / ":", "booking code" /
"reference" / "number", "Buchungscode" / "Buchungsnummer": five to ten capital letters and digits with a letter and a
digit in them; the words kept. "codice prenotazione SMS", "prenotazione n. 2", "codice prenotazione non arrivato" stay
(no digit, no letter, lower case). :data:`GATE` is the cheap test (lower-cased text). ``(text, counts) -> text``, as in
:mod:`privacy.identifiers`.
"""
from __future__ import annotations

import re
from collections import Counter

from .identifiers import scan

GATE = ("prenotazion", "booking", "buchungs")

_BOOKING_RE = re.compile(
    r"(?<!\w)(?i:codice\s+(?:di\s+)?prenotazione|prenotazione\s*(?=n\.|n°|nr|numero|:)"
    r"|booking\s+(?:code|reference|number|ref\.?)|buchungs(?:code|nummer))"
    r"(?:\s+(?:CUP|ASL|ASP|ULSS|AUSL|ATS|(?i:n\.|n°|nr\.?|numero|no\.?)))?(?:\s*(?::|è|e['’]|is|ist)\s*|\s+)"
    r"(?P<code>(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,10})(?![\w/])")


def bookings(text: str, counts: Counter) -> str:
    """A booking's code (module docstring): ``[PRATICA]``, the words before it kept."""
    return scan(_BOOKING_RE, text, "PRATICA", lambda m: True, counts, group="code")
