"""What the redaction rounds' tests share: a comment's expected outcome, and the count of placeholders in it."""
from __future__ import annotations

from privacy import PLACEHOLDERS, redact

KEPT = None  #: the comment comes through unchanged


def placeholders(text: str) -> int:
    """How many placeholders (``[EMAIL]``, ``[NOME]``…) ``text`` holds."""
    return sum(text.count(f"[{k}]") for k in PLACEHOLDERS)


def assert_becomes(text: str, expected: str | None) -> None:
    """``text`` redacts to ``expected`` (:data:`KEPT`: to itself, nothing counted), each placeholder counted once."""
    out, counts = redact(text)
    if expected is KEPT:
        assert (out, dict(counts)) == (text, {})
        return
    assert out == expected
    assert sum(counts.values()) == placeholders(expected)
