"""A value in brackets is still read: only a placeholder the redaction wrote (``[EMAIL]``) is left as it is.

The page-path passes skipped every query value and path segment beginning with "[" (to leave a replaced
value alone), so ``/cerca?q=[mario.rossi@gmail.com]`` kept the address, and a person key's bracketed value
(``?nome=[Mario Rossi]``) was kept too and counted under the kind "Mario Rossi" — a name as a metric's
label. Found by the review of 2026-12-05."""
from __future__ import annotations

import pytest

from privacy import PLACEHOLDERS
from privacy.paths import redact_path

LEAKS = [
    ("/cerca?q=[mario.rossi@gmail.com]", "mario.rossi", {"EMAIL": 1}),
    ("/cerca?q=[RSSMRA80A01H501U", "RSSMRA80A01H501U", {"CF": 1}),
    ("/cerca?nome=[Mario Rossi]", "Mario", {"ID": 1}),
    ("/profilo/[mario-rossi]", "rossi", {"ID": 1}),
]


@pytest.mark.parametrize("path, secret, kinds", LEAKS)
def test_a_bracketed_value_is_read_like_any_other(path, secret, kinds):
    out, found = redact_path(path)
    assert secret not in out
    assert dict(found) == kinds


@pytest.mark.parametrize("path", [p for p, _, _ in LEAKS] + ["/cerca?q=[EMAIL]&nome=[NOME]", "/x/[ID]/y", "/x/[]/y"])
def test_every_kind_counted_is_a_placeholder_and_a_second_pass_changes_nothing(path):
    out, found = redact_path(path)
    assert {kind for kind, _ in found} <= set(PLACEHOLDERS)
    assert redact_path(out) == (out, ())
