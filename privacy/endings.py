"""The last digits of an IBAN, an account or a payment card, written alone: "l'iban finisce con 123456", "la
carta che termina con 4321", "le ultime 4 cifre della carta sono 4321", "conto terminante in 0457".

Citizens write them to say which payment went wrong, and with a name or a bank they tell whose account it
is. :func:`account_endings` is ``(text, counts) -> text`` like the other finders: the digits (3 to 8)
become ``[IBAN]`` after an IBAN or an account, ``[CARTA]`` after a card, a bancomat or a Postepay, the words
kept. What counts or dates stays ("la carta finisce con 3 euro di credito", "termina con 2 rate", "la carta
scade a dicembre"), and so does an identity card ("la carta d'identità termina con 45": no payment).
:data:`GATE` and :data:`ACCOUNT_WORDS` are the cheap tests before it (lower-cased text): both must hold.
"""
from __future__ import annotations

import re
from collections import Counter

from .identifiers import scan

_ACCOUNT = (r"(?P<what>(?i:iban|conto(?:\s+corrente)?|c/c|(?P<card>carta(?!\s+(?:d['’]\s?identit|di\s+identit|identit"
            r"|del\s+docente|dei\s+servizi|regionale|nazionale|dello\s+studente|famiglia|giovani|d['’]imbarco))"
            r"|bancomat|postepay|mastercard|prepagata)))")
#: the account's word, then within the sentence what says that these are its last digits, then the digits
_ENDING_RE = re.compile(
    rf"(?<!\w){_ACCOUNT}[^.!?\n\d]{{0,40}}?(?i:(?:che\s+)?(?:finisc[eo]|termin(?:a|ano|ante|anti)|finale|final[ei])"
    r"(?:\s+(?:con|in|per))?|(?:con\s+)?(?:le\s+)?ultime\s+(?:\d|quattro|cinque|sei|tre)\s+cifre(?:\s+(?:sono|è|e['’]))?)"
    r"\s*:?\s*(?P<digits>\d{3,8})(?![\w/.,]\d)(?!\s*(?i:euro|eur|€|cifre|rate|mesi|giorni|volte|anni|%))")
#: the other order: "le ultime 4 cifre dell'iban sono 4321", "ultime cifre della carta: 4321"
_LAST_DIGITS_RE = re.compile(
    rf"(?<!\w)(?i:ultime)(?:\s+(?:\d|quattro|cinque|sei|tre))?\s+(?i:cifre)\s+(?i:dell['’]\s?|della\s+|del\s+|di\s+)"
    rf"(?:(?i:mi[ao])\s+)?{_ACCOUNT}(?:\s+(?i:sono|è|e['’]))?\s*:?\s*(?P<digits>\d{{3,8}})(?![\w/.,]\d)"
    r"(?!\s*(?i:euro|eur|€|cifre|rate|mesi|giorni|volte|anni|%))")

#: what says these are the last digits (lower-cased text): one of them, and one of :data:`ACCOUNT_WORDS`
GATE = ("finisc", "termin", "final", "ultime")
ACCOUNT_WORDS = ("iban", "conto", "c/c", "carta", "bancomat", "postepay", "mastercard", "prepagata")


_CARD_WORDS = frozenset(("bancomat", "postepay", "mastercard", "prepagata"))


def _is_card(m: re.Match) -> bool:
    """Whether the account ``m`` names is a payment card (``[CARTA]``), not an IBAN or an account (``[IBAN]``)."""
    return m.group("card") is not None or m.group("what").lower() in _CARD_WORDS


def account_endings(text: str, counts: Counter) -> str:
    """The last digits of an IBAN or an account (``[IBAN]``) or of a payment card (``[CARTA]``) written alone
    (module docstring)."""
    for pattern in (_ENDING_RE, _LAST_DIGITS_RE):
        text = scan(pattern, text, "IBAN", lambda m: not _is_card(m), counts, group="digits")
        text = scan(pattern, text, "CARTA", _is_card, counts, group="digits")
    return text
