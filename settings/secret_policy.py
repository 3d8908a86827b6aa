"""What a configured secret must be: long, and not a placeholder copied from an example.

``ASCOLTO_CONSOLE_SECRET`` signs the console's session cookies and ``ASCOLTO_FORM_SECRET`` the
no-JavaScript form's render tokens: anyone who knows them can forge a session or a render. Unset,
each process keeps a random one in the data dir (fine on one host); set, a value must have at least
:data:`MIN_BYTES` bytes, not be (or contain) a known placeholder, and not be one character repeated,
or the process refuses to start (:func:`check_secret`). Generate one with
``python -c 'import secrets; print(secrets.token_hex(32))'``.
"""
from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

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


def local_secret(data_dir: Path, name: str, variable: str) -> str:
    """The random secret kept in ``data_dir/name``, created once (atomically: processes and workers
    may race; the first writer wins and the others read its value) and reused — what a process uses
    when ``variable`` is unset. Raises RuntimeError naming ``variable`` when the data dir is
    read-only (e.g. a console pod on Kubernetes), not a directory or the file unreadable: the variable
    must be set there (never another OSError: callers that can do without, such as
    :func:`settings.buckets.address_key`, go on with a per-process secret)."""
    data_dir = Path(data_dir)
    path = data_dir / name
    for _ in range(50):
        try:
            value = path.read_text("ascii").strip()
            if value:
                return value
        except FileNotFoundError:
            try:
                data_dir.mkdir(parents=True, exist_ok=True)
                tmp = data_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as exc:
                raise RuntimeError(f"set {variable}: no secret can be kept in {data_dir} ({exc})") from None
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
            continue
        except OSError as exc:  # the data dir is a file, the secret unreadable: as unusable as read-only
            raise RuntimeError(f"set {variable}: cannot read {path} ({exc})") from None
        time.sleep(0.02)  # another writer linked an empty file? read again
    raise RuntimeError(f"set {variable}: cannot read or create {path}")
