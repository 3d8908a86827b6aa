"""Remove personal data from free text before it reaches the warehouse (privacy by design).

Replaces each match with a typed placeholder: ``[CF]``, ``[EMAIL]``, ``[IBAN]``, ``[PHONE]``.
"""
from __future__ import annotations

import re
from collections import Counter

_PATTERNS = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b", re.I)),
    ("CF", re.compile(r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b", re.I)),
    ("PHONE", re.compile(r"(?<!\w)(?:\+|00)?(?:39[\s.-]?)?(?:3\d{2}|0\d{1,3})[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\w)")),
]


def redact(text: str) -> tuple[str, Counter]:
    """Return ``text`` with personal data replaced, and the count of replacements per type."""
    counts: Counter = Counter()
    for kind, pattern in _PATTERNS:
        text, n = pattern.subn(f"[{kind}]", text)
        if n:
            counts[kind] += n
    return text, counts
