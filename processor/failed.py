"""The typed ``failed/`` dataset: every dead letter kept, queryable and replayable (Snowplow style).

Layout: ``failed/date=YYYY-MM-DD/failed-PPP-FIRST-LAST-DIGEST.parquet`` (UTC date of the batch
that failed them), columns :data:`FAILED_SCHEMA`. ``failure_id`` is
``topic/partition/offset/index/DIGEST`` (index = position of the envelope in a batch record; DIGEST =
:func:`content_digest` of the kept key and value), so the same failure written twice (a batch replayed
after a crash with other boundaries) is read once, and a letter of a topic's next life (deleted and
recreated, or the local broker's memory storage restarted: offsets start again at 0) is another letter
with another id and file, never one that replaces or inherits the status of the first. Letters written
before the digest (``topic/partition/offset/index``) keep their ids; :meth:`FailedStore.list` tells
letters apart by coordinates and content, and gives each its ``letter_id`` (:func:`letter_id`: the full id,
its digest computed from what it kept), the id ``ascolto failed`` prints, takes and records in the ledger: an
old id may be shared by letters of two lives of a topic, and one ledger line under it marked both (a dismissal
dismissed both; a replay's outcome of one was read as the other's). A ledger line under an old id (written
before letter ids) applies only to letters that failed before it.
``value`` is what a replay re-processes: the envelope alone when it came in a batch record, the
whole record value otherwise — **redacted**: :func:`scrub` parses it and redacts every string in it
(keys and values, whatever the shape; text that is not JSON after decoding its escapes), and the
failure's detail and key too. The DLQ topic receives the same scrubbed failure, so neither store
holds personal data the redactor recognises. Replays are recorded in ``failed/replayed.jsonl`` (one JSON object per
line: failure_id, outcome, at), which ``ascolto failed list`` uses to tell pending from replayed. How a
reader counts the letters and their statuses lives with the layout, in :mod:`dataset.failed` (the
schema, the digest, one row per letter): the console reads them there, never through this module.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pyarrow as pa

from .redact import redact, redact_record
from dataset.durable import fsync_dir
from dataset.failed import LEDGER, FAILED_SCHEMA, content_digest, letter_id, letters, read_ledger  # noqa: F401  (re-exported)
from dataset.files import write_parquet
from .badrows import Failure


def scrub(f: Failure) -> Failure:
    """The failure as it may be kept: value, detail (a validation message may quote the input)
    and key redacted. Cheap when there is nothing to redact (the same bytes come back)."""
    value, _ = redact_record(f.value)
    key = f.source.key
    if key is not None:
        key, _ = redact_record(key)
    detail = redact(f.detail)[0] if f.detail else f.detail
    if value is f.value and key is f.source.key and detail == f.detail:
        return f
    return dataclasses.replace(f, value=value, detail=detail, source=f.source._replace(key=key))


def failure_id(f: Failure) -> str:
    """``topic/partition/offset/index/DIGEST`` of a :func:`scrub`-bed failure (the kept key and value)."""
    src = f.source
    return f"{src.topic}/{src.partition}/{src.offset}/{src.index}/{content_digest(src.key, f.value)}"


class DismissRefused(ValueError):
    """A dismissal refused before anything was recorded: ``field`` (``failure_id`` or ``note``) and the
    ``problem`` with it; ``str()`` is ``"field: problem"``. ``state`` True when the ids are well formed and
    unambiguous but not of pending dead letters (the CLI's exit 1), False for what was typed (exit 2)."""

    def __init__(self, field: str, problem: str, state: bool = False):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem, self.state = field, problem, state


def _well_formed(fid: str) -> bool:
    """``topic/partition/offset/index[/DIGEST]``: a Kafka topic name has no ``/``, the rest are numbers
    and 12 hex digits."""
    parts = fid.split("/")
    return (len(parts) in (4, 5) and all(parts) and all(p.isdigit() for p in parts[1:4])
            and (len(parts) == 4 or (len(parts[4]) == 12 and all(c in "0123456789abcdef" for c in parts[4]))))


class FailedStore:
    def __init__(self, data_dir: Path, processor_id: str = ""):
        self.root = Path(data_dir) / "failed"
        self.processor_id = processor_id

    def write(self, failures: list[Failure], partition: int, first: int, last: int,
              now: datetime | None = None) -> Path | None:
        """Write the failures of one batch of one partition durably, :func:`scrub`-bed; returns the file."""
        if not failures:
            return None
        failures = [scrub(f) for f in failures]
        now = now or datetime.now(timezone.utc)
        rows = [{"failure_id": failure_id(f), "reason": f.reason, "detail": f.detail[:2000],
                 "topic": f.source.topic, "partition": f.source.partition, "offset": f.source.offset,
                 "envelope_index": f.source.index, "key": f.source.key, "value": f.value,
                 "failed_at": now, "processor": self.processor_id} for f in failures]
        digest = hashlib.sha256("\n".join(sorted(r["failure_id"] for r in rows)).encode()).hexdigest()[:12]
        directory = self.root / f"date={now:%Y-%m-%d}"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"failed-{partition:03d}-{first:012d}-{last:012d}-{digest}.parquet"
        write_parquet(path, pa.Table.from_pylist(rows, schema=FAILED_SCHEMA))
        fsync_dir(directory)
        return path

    def replayed(self) -> dict[str, list[dict]]:
        """failure_id → its replay and dismissal records, in the order recorded (:func:`dataset.failed.read_ledger`)."""
        return read_ledger(self.root)

    def record_replays(self, records: Iterable[dict]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LEDGER, "a", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def dismiss(self, failure_ids: Iterable[str], note: str, actor: str = "",
                now: datetime | None = None) -> list[str]:
        """Record that the pending dead letters ``failure_ids`` will never be replayed (an undecodable
        record, a test post): their status becomes ``dismissed``, :meth:`list` ``pending_only`` and the
        replay leave them out; the letter itself stays in ``failed/`` until purged. Returns the ids
        dismissed (their ``letter_id``), in the order given. An id is a letter's ``letter_id`` (what ``ascolto failed
        list`` prints), or an id of before the digest when one letter alone has it. Raises
        :class:`DismissRefused`, before recording any: ``field`` ``note`` for an empty note (why, for whoever
        reads the ledger later); ``failure_id`` naming a malformed id, an old id two letters share (of two
        lives of a topic: their full ids and statuses named, to give instead — it dismissed both), or (``state``)
        the ids that are not pending dead letters."""
        if not note.strip():
            raise DismissRefused("note", "say why these dead letters are dismissed.")
        ids = list(dict.fromkeys(failure_ids))
        malformed = [i for i in ids if not _well_formed(i)]
        if malformed:
            raise DismissRefused("failure_id", f"not a dead letter id (topic/partition/offset/index/digest, as "
                                               f"`ascolto failed list` prints it): {', '.join(malformed)}")
        letters_all = self.list()
        status = {r["letter_id"]: r["status"] for r in letters_all}
        by_old: dict[str, list[str]] = {}
        for r in letters_all:
            by_old.setdefault(r["failure_id"], []).append(r["letter_id"])
        # an old id is one letter's only when no other letter (pending or not) has it: else it is refused
        shared = [f"{i} is the id of {len(by_old[i])} letters (of two lives of the topic): give the full id, "
                  + " or ".join(f"{f} ({status[f]})" for f in by_old[i])
                  for i in ids if i not in status and len(by_old.get(i, ())) > 1]
        if shared:
            raise DismissRefused("failure_id", "; ".join(shared))
        chosen = [i if i in status else (by_old.get(i) or [None])[0] for i in ids]
        unknown = [i for i, letter in zip(ids, chosen) if letter is None or status[letter] != "pending"]
        if unknown:
            raise DismissRefused("failure_id", f"not a pending dead letter: {', '.join(unknown)}", state=True)
        at = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        chosen = list(dict.fromkeys(chosen))  # an old id and its full id: one letter, one line
        self.record_replays({"failure_id": i, "outcome": "dismissed", "at": at, "note": note.strip(), "actor": actor}
                            for i in chosen)
        return chosen

    def list(self, reason: str | None = None, since: datetime | None = None, pending_only: bool = False) -> list[dict]:
        """The dead letters (one per letter, oldest first), each with ``status``: pending, the replay
        outcome (written, duplicate) or ``dismissed`` (:meth:`dismiss`), and its ``letter_id`` —
        :func:`dataset.failed.letters`, the one reading of the ``failed/`` dataset (the console's data-quality page
        counts the same letters)."""
        return letters(self.root, reason=reason, since=since, pending_only=pending_only)
