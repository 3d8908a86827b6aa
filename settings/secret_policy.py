"""What a configured secret must be: long, and not a placeholder copied from an example.

``ASCOLTO_CONSOLE_SECRET`` signs the console's session cookies and ``ASCOLTO_FORM_SECRET`` the
no-JavaScript form's render tokens: anyone who knows them can forge a session or a render. Unset,
each process keeps a random one in the data dir (fine on one host); set, a value must have at least
:data:`MIN_BYTES` bytes, not be (or contain) a known placeholder, and not be one character repeated,
or the process refuses to start (:func:`check_secret`). Generate one with
``python -c 'import secrets; print(secrets.token_hex(32))'``.
"""
from __future__ import annotations

import re

MIN_BYTES = 32
#: Words that mark a value as copied from an example rather than generated (compared without
#: case, spaces, dashes or underscores, anywhere in the value).
PLACEHOLDERS = ("changeme", "replaceme", "secret", "password", "placeholder", "example", "generate",
                "yoursecret", "insecure", "default", "fixme", "xxxxxxxx", "12345678")
#: Secrets the application reads at start, with the part that uses each.
SECRETS = {"ASCOLTO_CONSOLE_SECRET": "console session cookies",
           "ASCOLTO_FORM_SECRET": "no-JavaScript form render tokens",
           "ASCOLTO_CKM_SECRET": "the cell-key noise (and so undo the confidentiality protection)"}


class WeakSecret(ValueError):
    """A configured secret that must not be used; the message names the variable and the fix."""


def weakness(value: str) -> str | None:
    """Why ``value`` is not acceptable as a secret, or None when it is."""
    if len(value.encode("utf-8")) < MIN_BYTES:
        return f"shorter than {MIN_BYTES} bytes"
    folded = re.sub(r"[\s_\-.]", "", value.lower())
    for word in PLACEHOLDERS:
        if word in folded:
            return f"a placeholder (contains {word!r})"
    if len(set(value)) < 8:
        return "too few distinct characters to be random"
    return None


def check_secret(name: str, value: str) -> None:
    """Raise :class:`WeakSecret` when the configured ``value`` of ``name`` is weak; "" (unset) passes:
    the caller then keeps a random secret in the data dir."""
    if not value:
        return
    why = weakness(value)
    if why:
        raise WeakSecret(f"{name} is {why}: refusing to start, since anyone who guesses it can forge "
                         f"{SECRETS.get(name, 'what it signs')}. Set a random value of at least {MIN_BYTES} "
                         "bytes (python -c 'import secrets; print(secrets.token_hex(32))'), or unset it on a "
                         "single host to use a random one kept in the data dir.")
