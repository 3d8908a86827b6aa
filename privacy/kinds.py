"""The kinds of personal data the redaction replaces, and how a replaced value reads (``[EMAIL]``)."""
from __future__ import annotations

#: every placeholder kind, for metrics labels: ``[CF]``, ``[EMAIL]``, …
PLACEHOLDERS = ("CF", "EMAIL", "PHONE", "IBAN", "PIVA", "CARTA", "TS", "PRATICA", "NASCITA", "DOCUMENTO", "TARGA",
                "INDIRIZZO", "NOME", "IP", "CREDENZIALI", "SOCIAL", "ID")
_WRITTEN = frozenset(f"[{kind}]" for kind in PLACEHOLDERS)


def is_placeholder(value: str) -> bool:
    """True when ``value`` is exactly one placeholder (``"[EMAIL]"``): a value already replaced, which a
    second pass leaves as it is. Anything else in brackets (``"[mario.rossi@gmail.com]"``) is read as usual."""
    return value in _WRITTEN
