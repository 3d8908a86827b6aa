"""Rate-limit buckets of client addresses: a keyed BLAKE2b — the one home of every limiter that counts
per client (the collector's, the public site's, the console's sign-in throttle and its ``/join`` form).

A client address is used only to count, in memory or in Redis (``ASCOLTO_REDIS_URL``) for the window's
length, and never under its own name: a limiter's key is :meth:`ClientBuckets.bucket` of it, a hash
keyed with a secret of the installation. An unkeyed hash is no protection (every IPv4 address is
hashed in minutes): whoever read Redis, or a memory dump, would have the window's clients back.

The key derives from ``ASCOLTO_FORM_SECRET`` (every role of an installation is given it: the Compose
file and the Kubernetes Secret), else from the data directory's own form secret (one host), so every
process of an installation — every collector, console and public site worker sharing a Redis — names a
client's bucket alike; another installation names it otherwise. A process that has neither (a read-only
data directory and no variable) uses a random key of its own, and says so: its buckets are its own,
which only weakens a limit shared through Redis, never the privacy. In the bottom layer (``settings``)
so that the collector and the warehouse may both import it (tests/test_architecture.py).
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from .secret_policy import local_secret

if TYPE_CHECKING:
    from . import Settings

log = logging.getLogger("ascolto")

#: BLAKE2b's personalization of the key's derivation (any limiter of Ascolto: buckets are namespaced by
#: each limiter's own prefix in its storage)
PERSON = b"ascolto-ratelim"
#: the bucket of a request without an address (a unix socket, a test client)
NO_ADDRESS = "unknown"
#: seconds a limiter waits for Redis to connect and to answer: a Redis that hangs fails open (the
#: request passes, logged) instead of holding every request that counts
REDIS_TIMEOUT_S = 1


def limiter_storage(settings: "Settings") -> tuple[str, dict]:
    """``(uri, options)`` for ``limits.storage.storage_from_string`` of every limiter: Redis
    (``ASCOLTO_REDIS_URL``) with :data:`REDIS_TIMEOUT_S` bounds and no retry (redis-py retries a
    timed-out command 3 times by default: a silent Redis cost each command 4 s, a failed console
    sign-in four commands), else ``memory://`` (per process)."""
    if settings.redis_url:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return settings.redis_url, {"socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S,
                                    "retry": Retry(NoBackoff(), 0)}
    return "memory://", {}


def close_limiter(limiter) -> None:
    """Close what the storage of ``limiter`` (a ``limits`` strategy on :func:`limiter_storage`, or the
    storage itself) holds open: a Redis storage's connections (its client's pool disconnected), a memory
    storage's pending expiry timer (cancelled, its thread ended). For an app's shutdown: the limiter is not used after
    (Redis would connect again). Calling it again does nothing more."""
    store = getattr(limiter, "storage", limiter)
    client = getattr(store, "storage", None)  # redis.Redis for Redis; a Counter for memory
    pool = getattr(client, "connection_pool", None)
    if pool is not None:
        client.close()
        pool.disconnect()
    timer = getattr(store, "timer", None)
    if timer is not None:
        timer.cancel()
        timer.join(1.0)


def address_key(settings: "Settings") -> bytes:
    """The installation's key of the address hash (see the module docstring)."""
    try:
        secret = settings.form_secret or local_secret(Path(settings.data_dir), "form-secret", "ASCOLTO_FORM_SECRET")
    except RuntimeError as exc:  # a read-only data dir and no ASCOLTO_FORM_SECRET
        log.warning("rate-limit buckets keyed for this process only (%s)", exc)
        secret = secrets.token_hex(32)
    return hashlib.blake2b(secret.encode(), digest_size=32, person=PERSON).digest()


class ClientBuckets:
    """``bucket(address)``: the name a limiter counts ``address`` under (24 hex digits)."""

    def __init__(self, settings: "Settings"):
        self._key = address_key(settings)

    def bucket(self, address: str | None) -> str:
        return hashlib.blake2b((address or NO_ADDRESS).encode(), digest_size=12, key=self._key).hexdigest()

    __call__ = bucket
