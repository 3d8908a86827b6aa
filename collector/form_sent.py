"""Which hosted-form submissions were already accepted, and with which answers (DESIGN §4).

The statistics count one response per ``submission_id``, the first one stored: a later send of the
same id is a duplicate the processor drops. The no-JS form keeps its ``submission_id`` across the
browser's Back button (:func:`collector.form.form_page`), so a citizen who goes back after the
thank-you page and sends again is not counted twice — but one who *changed* an answer before
sending again used to be thanked as if the change had been recorded, while it was dropped. With this
record the form tells them instead that the first answers are the ones counted
(:func:`collector.form._submit`).

Kept per accepted form submission, for :data:`KEEP_S`: a keyed BLAKE2b of the ``submission_id``
and a keyed BLAKE2b of the answers as sent (the key derived from the form secret), nothing
readable. In Redis (``ASCOLTO_REDIS_URL``, shared by every collector of the installation) when set,
else in ``form-sent.sqlite3`` in the data dir (shared by the host's workers: a resend reaching
another host without Redis is not recognised, and is then thanked and dropped as before).

Never a refusal: a store that fails (Redis down, a read-only data dir) answers "not seen", logged,
and the form behaves as it did without it; the processor's dedup is what keeps the count right.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any, Mapping

from settings.buckets import REDIS_TIMEOUT_S

from .form_token import TOKEN_MAX_AGE_S

log = logging.getLogger("ascolto.collector")

#: How long a sent form is remembered: twice a render token's life (an expired form comes back
#: with the same ``submission_id`` and a fresh token, so a resend may come that much later).
KEEP_S = 2 * TOKEN_MAX_AGE_S
_PERSON = b"ascolto.fsent/1"  # BLAKE2b personalization (at most 16 bytes)


class SentForms:
    """``seen(sid)`` → the answers' digest recorded for ``sid`` (or None); ``record(sid, digest)``:
    the first record of an id wins. ``digest(answers)``: the keyed digest of typed answers."""

    def __init__(self, secret: str, data_dir: Path, redis_url: str = "", clock=time.time):
        self._key = hashlib.blake2b(secret.encode(), digest_size=32, person=_PERSON).digest()
        self._clock = clock
        self._warned = False
        self._redis = None
        self._path = Path(data_dir) / "form-sent.sqlite3"
        if redis_url:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=REDIS_TIMEOUT_S,
                                               socket_timeout=REDIS_TIMEOUT_S, retry=Retry(NoBackoff(), 0))

    def _hash(self, kind: bytes, data: bytes) -> str:
        return hashlib.blake2b(kind + b"\0" + data, key=self._key, digest_size=16).hexdigest()

    def digest(self, answers: Mapping[str, Any]) -> str:
        """The keyed digest of typed answers (the same answers, in any order, the same digest)."""
        canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return self._hash(b"answers", canonical.encode("utf-8", "surrogatepass"))

    def seen(self, submission_id: str) -> str | None:
        """The digest recorded for ``submission_id`` within :data:`KEEP_S`, or None (also when the
        store cannot be read: logged)."""
        key = self._hash(b"id", submission_id.encode())
        try:
            if self._redis is not None:
                value = self._redis.get(f"ascolto:form-sent:{key}")
                return value.decode("ascii") if value else None
            with self._db() as con:
                row = con.execute("SELECT digest FROM sent WHERE id = ? AND at >= ?",
                                  (key, int(self._clock()) - KEEP_S)).fetchone()
            return row[0] if row else None
        except Exception as exc:  # noqa: BLE001 - the record is a courtesy: never fail the form for it
            self._warn("sent forms unreadable (%s); a resend is not recognised", exc)
            return None

    def record(self, submission_id: str, digest: str) -> None:
        """Remember that ``submission_id`` was accepted with answers of ``digest`` (a first record
        is kept: a later one of the same id changes nothing). Failures are logged, never raised."""
        key = self._hash(b"id", submission_id.encode())
        now = int(self._clock())
        try:
            if self._redis is not None:
                self._redis.set(f"ascolto:form-sent:{key}", digest, nx=True, ex=KEEP_S)
                return
            with self._db() as con:
                # one transaction: the sweep and the insert commit together, the write lock waited for
                # once (what kept records from being lost was the commit without an fsync: _Connection)
                con.execute("BEGIN IMMEDIATE")
                con.execute("DELETE FROM sent WHERE at < ?", (now - KEEP_S,))
                con.execute("INSERT OR IGNORE INTO sent (id, digest, at) VALUES (?, ?, ?)", (key, digest, now))
                con.execute("COMMIT")
        except Exception as exc:  # noqa: BLE001
            self._warn("sent form not recorded (%s); a resend will not be recognised", exc)

    def _warn(self, message: str, exc: Exception) -> None:
        """A warning the first time the store fails in this process, then debug (not one per form sent)."""
        (log.debug if self._warned else log.warning)(message, exc)
        self._warned = True

    def _db(self) -> "_Connection":
        return _Connection(self._path)


class _Connection:
    """A short-lived SQLite connection (one per call: workers and threads share the file, not a
    connection), closed on exit. WAL with ``synchronous=NORMAL``: a commit writes the WAL without an
    fsync, so the write lock is held for microseconds, not a disk flush — with an fsync per commit,
    a busy form's workers queued for the lock and some gave up after the 1 s busy timeout (a blocking
    wait, for a gevent worker's every request), and their records were lost. A power loss may drop the
    last records (a process crash does not): a courtesy record, like a store that fails."""

    def __init__(self, path: Path):
        self._path = path

    def __enter__(self) -> sqlite3.Connection:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self._path, timeout=REDIS_TIMEOUT_S, isolation_level=None)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")
        self._con.execute("CREATE TABLE IF NOT EXISTS sent (id TEXT PRIMARY KEY, digest TEXT NOT NULL, "
                          "at INTEGER NOT NULL) WITHOUT ROWID")
        self._con.execute("CREATE INDEX IF NOT EXISTS sent_at ON sent (at)")
        return self._con

    def __exit__(self, *exc) -> None:
        self._con.close()
