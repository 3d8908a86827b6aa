"""Record keys of the cell-key method (DESIGN §7, docs/confidentiality.md).

Every response gets a *record key* uniform on [0, 1): the first 32 bits of
HMAC-SHA256(secret, submission_id), divided by 2³². It is a pure function of the secret and the
``submission_id``, so replays, recomputation and rows written before the column existed get the same
key. Keys are multiples of 2⁻³², exact in a double; the warehouse sums them as integers modulo 2³²
(:data:`KEY_SCALE`), so a cell key (the fractional part of the sum) does not depend on the order of
summation.

The secret is ``ASCOLTO_CKM_SECRET``; when unset, a random one is created once in the data dir
(``ckm-secret``) and reused, which suits the local stack. The processor and every warehouse reader
must see the same secret. A configured secret that looks like a placeholder is refused by
``settings.load()`` (settings.secret_policy).
"""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Callable, Iterable

from settings.secret_policy import local_secret as _local_secret

KEY_BITS = 32
KEY_SCALE = 1 << KEY_BITS
FILE = "ckm-secret"
def local_secret(data_dir: Path) -> str:
    """The data dir's own random secret (``ckm-secret``; :func:`settings.secret_policy.local_secret`)."""
    return _local_secret(data_dir, FILE, "ASCOLTO_CKM_SECRET")


def secret_for(data_dir: Path, configured: str = "") -> str:
    """The configured secret (``settings.load()`` checked it), or the data dir's own."""
    return configured or local_secret(data_dir)


def key_int(secret: str, submission_id: str) -> int:
    """The record key as an integer in [0, 2³²)."""
    digest = hmac.new(secret.encode(), submission_id.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def stored_or_computed(stored: float | None, submission_id: str | None, secret: str | None) -> int:
    """A row's record key × 2³² as the rollup counts it: the stored ``record_key``, or for a row
    written before that column the key of ``secret`` and its ``submission_id`` (0 when neither is
    known). Every reader that perturbs counts of ``responses`` rows itself (not through the rollup)
    keys them so: taken as 0, the keys of such rows summed to 0 and the same deviation (−D) was
    applied to every cell — its exact count read off the published one."""
    if stored is not None and stored == stored:  # not None, not NaN
        return int(round(stored * KEY_SCALE)) % KEY_SCALE
    return key_int(secret, submission_id) if secret and submission_id is not None else 0


def record_key(secret: str, submission_id: str) -> float:
    """The record key in [0, 1)."""
    return key_int(secret, submission_id) / KEY_SCALE


def keyer(secret: str) -> Callable[[Iterable[str]], list[float]]:
    """``submission_ids -> record keys`` for one secret (what the processor's sink applies)."""
    keyed = hmac.new(secret.encode(), digestmod=hashlib.sha256)  # the key schedule once; each id a copy of it

    def keys(ids: Iterable[str]) -> list[float]:
        out = []
        for s in ids:
            h = keyed.copy()
            h.update(s.encode())
            out.append(int.from_bytes(h.digest()[:4], "big") / KEY_SCALE)
        return out
    return keys
