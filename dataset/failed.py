"""The ``failed/`` dataset's letters as every reader counts them (DESIGN §6): the processor's
``ascolto failed list`` (:meth:`processor.failed.FailedStore.list`) and the console's data-quality page
(:mod:`warehouse.console.data_quality`), which may not import the processor.

Layout: ``failed/date=YYYY-MM-DD/failed-PPP-FIRST-LAST-DIGEST.parquet`` (columns :data:`FAILED_SCHEMA`)
and the ledger ``failed/replayed.jsonl`` (one JSON object a line: ``failure_id``, ``outcome``, ``at``;
a dismissal adds ``note`` and ``actor``). A dead letter may be written more than once (a batch replayed
after a crash with other boundaries, a processor of before the content digest): :func:`letters` reads
**one row per letter** — its coordinates and content (:func:`letter_key`), whatever its id's format —
and gives it the ``status`` of its last ledger line (:func:`status_of`): ``pending`` (never replayed, or a
replay that failed again), the replay's outcome (``written``, ``duplicate``) or ``dismissed``. Two lives of
a topic (offsets starting again at 0) are two letters. Stdlib and pyarrow only.

One kind of letter is no refused record: :data:`RETENTION_GAP`, offsets of a partition the topic's retention
deleted before the processor read them (:mod:`processor.gaps`). Its value is a JSON object (``topic``,
``partition``, ``first_offset``, ``last_offset``, ``count``; :func:`lost_records` reads the count), its
``offset`` the first offset lost. It is in :data:`NOT_REPLAYABLE`: nothing is left to re-process, so a replay
skips it; it stays ``pending`` until an operator dismisses it.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from .files import read_retrying
from .reasons import NOT_REPLAYABLE, RETENTION_GAP

FAILED_SCHEMA = pa.schema([
    pa.field("failure_id", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("detail", pa.string()),
    pa.field("topic", pa.string()),
    pa.field("partition", pa.int32()),
    pa.field("offset", pa.int64()),
    pa.field("envelope_index", pa.int32()),
    pa.field("key", pa.binary()),
    pa.field("value", pa.binary()),
    pa.field("failed_at", pa.timestamp("ms", tz="UTC")),
    pa.field("processor", pa.string()),
])
#: The ledger of replays and dismissals, beside the letters.
LEDGER = "replayed.jsonl"
#: A letter's statuses as :func:`letters` gives them, in the order a summary lists them.
STATUSES = ("pending", "written", "duplicate", "dismissed")


def lost_records(row: dict) -> int:
    """How many offsets a :data:`RETENTION_GAP` letter says were lost (its value's ``count``; 0 for any other
    letter or an unreadable value)."""
    if row.get("reason") != RETENTION_GAP:
        return 0
    try:
        count = json.loads(row["value"] or b"{}").get("count", 0)
    except (ValueError, AttributeError):
        return 0
    return count if isinstance(count, int) and count > 0 else 0


def content_digest(key: bytes | None, value: bytes | None) -> str:
    """12 hex digits of SHA-256 over the (scrubbed) key and value: what tells two letters at the same
    topic/partition/offset/index apart across the topic's lives; the same record failed again gives the same."""
    h = hashlib.sha256()
    for part in (key, value):
        h.update(b"-" if part is None else b"%d:" % len(part) + part)
    return h.hexdigest()[:12]


def letter_key(row: dict) -> tuple:
    """A kept row's letter: its coordinates and content — one letter whatever its id's format (written
    again after a crash, or by a processor of before the digest), two letters at the same offset of two
    lives of a topic. Ordered as the log: offset 4 before offset 10."""
    return (row["topic"] or "", row["partition"] if row["partition"] is not None else -1,
            row["offset"] if row["offset"] is not None else -1, row["envelope_index"] or 0,
            content_digest(row["key"], row["value"]))


def letter_id(row: dict) -> str:
    """A kept row's full id, ``topic/partition/offset/index/DIGEST`` (:func:`content_digest` of its kept key and
    value): its ``failure_id`` for a letter written with the digest, the old id and the digest for one of before —
    the id ``ascolto failed`` prints, takes and records in the ledger (an old id may be two lives' letters)."""
    if row["failure_id"].count("/") == 4:
        return row["failure_id"]
    return f"{row['failure_id']}/{content_digest(row['key'], row['value'])}"


def _at(rec: dict) -> datetime | None:
    """When a ledger line was recorded (``at``, ISO to the second, UTC), or None if unreadable."""
    try:
        at = datetime.fromisoformat(str(rec.get("at", "")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def read_ledger(root: Path) -> dict[str, list[dict]]:
    """failure_id → its replay and dismissal records in ``root/replayed.jsonl``, in the order recorded (a
    torn line, or one that is no object with a string ``failure_id`` and ``outcome``, is skipped)."""
    out: dict[str, list[dict]] = {}
    ledger = Path(root) / LEDGER
    if ledger.exists():
        for line in ledger.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a torn last line after a crash
            if not (isinstance(rec, dict) and isinstance(rec.get("failure_id"), str)
                    and isinstance(rec.get("outcome"), str)):
                continue  # not a line this store wrote (an edit by hand): no status from it
            out.setdefault(rec["failure_id"], []).append(rec)
    return out


def status_of(row: dict, ledger: dict[str, list[dict]]) -> str:
    """A letter's status: of the last ledger line of its failure_id — for an id of before the digest, the
    last recorded under its :func:`letter_id` (what dismissals and replays record now), else under the old id
    in or after the second it failed (an older line, of a replay before it existed, is another letter's: such
    an id may be shared by letters of two lives of a topic; Kafka topic names have no ``/``)."""
    lines = ledger.get(row["failure_id"], [])
    full = letter_id(row)
    if full != row["failure_id"]:  # an id of before the digest: maybe two lives'
        failed_s = row["failed_at"].replace(microsecond=0)
        lines = [r for r in lines if (_at(r) or failed_s) >= failed_s] + ledger.get(full, [])
    rep = lines[-1] if lines else None
    return "pending" if rep is None or rep["outcome"].startswith("failed") else rep["outcome"]


def letters(root: Path, reason: str | None = None, since: datetime | None = None,
            pending_only: bool = False) -> list[dict]:
    """The dead letters under ``root`` (the ``failed/`` directory), one per letter, oldest first, each row
    with its ``letter_id`` and ``status`` (:func:`status_of`); ``reason``, ``since`` (failed at or after) and ``pending_only``
    select among them."""
    root = Path(root)
    files = sorted(root.rglob("*.parquet")) if root.exists() else []
    if not files:
        return []
    table = read_retrying(lambda: ds.dataset([str(f) for f in files], format="parquet",
                                             schema=FAILED_SCHEMA).to_table())
    ledger = read_ledger(root)
    seen, out = set(), []
    for _, letter, row in sorted(((r["failed_at"], letter_key(r), r) for r in table.to_pylist()), key=lambda t: t[:2]):
        if letter in seen:
            continue
        seen.add(letter)
        if reason and row["reason"] != reason:
            continue
        if since and row["failed_at"] < since:
            continue
        row["letter_id"] = letter_id(row)
        row["status"] = status_of(row, ledger)
        if pending_only and row["status"] != "pending":
            continue
        out.append(row)
    return out


__all__ = ["FAILED_SCHEMA", "LEDGER", "NOT_REPLAYABLE", "RETENTION_GAP", "STATUSES", "content_digest", "letter_id",
           "letter_key", "letters", "lost_records", "read_ledger", "status_of"]
