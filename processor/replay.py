"""Re-process dead letters from ``failed/`` after a fix, through the same steps as the consumer.

Each pending failure (``ascolto failed list``) but those of :data:`dataset.failed.NOT_REPLAYABLE` (a
``retention_gap``: records the topic's retention deleted unread, nothing left to re-process) is decoded and
run through :data:`processor.steps.STEPS`;
accepted submissions go through the same dedup and write steps as live records (file names from
the source partition and offsets, so a replay of a replay rewrites the same files), then the
outcome of each failure is appended to ``failed/replayed.jsonl``: ``written``, ``duplicate``
(already in the dataset: a replay is idempotent) or ``failed:REASON`` (still failing; it stays
pending). The ledger is written after the rows are durable; a crash in between replays again and
the dedup step turns the second attempt into ``duplicate``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from settings import Settings
from dataset.failed import NOT_REPLAYABLE
from dataset.recordkey import keyer, secret_for
from registry import connect
from registry.readmodel import ServiceDirectory

from .failed import FailedStore
from .ids import IdIndex
from .sink import ParquetSink
from .steps import transform
from .strategies import write_partition


@dataclass(frozen=True)
class _Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


def replay(settings: Settings, reason: str | None = None, since: datetime | None = None,
           dry_run: bool = False) -> tuple[Counter, list[dict]]:
    """Replay pending failures (optionally of one ``reason``, failed at or after ``since``).

    Returns the count of outcomes and one dict per failure (failure_id: its ``letter_id``, the full id, under
    which its outcome is recorded — an id of before the digest may be another life's letter's too —, reason,
    outcome, detail).
    """
    store = FailedStore(settings.data_dir)
    sink = ParquetSink(settings.data_dir, keyer(secret_for(settings.data_dir, settings.ckm_secret)))
    enricher = ServiceDirectory(connect(settings.database_url, create=False), ttl_s=settings.registry_ttl_s)
    pending = [f for f in store.list(reason=reason, since=since, pending_only=True) if f["reason"] not in NOT_REPLAYABLE]
    results, by_partition = [], {}
    for f in pending:
        out = transform([_Record(f["topic"], f["partition"], f["offset"], f["key"], f["value"])], enricher)
        if out.failures:
            first = out.failures[0]
            results.append({"failure_id": f["letter_id"], "reason": f["reason"],
                            "outcome": f"failed:{first.reason}", "detail": first.detail, "works": []})
        else:
            results.append({"failure_id": f["letter_id"], "reason": f["reason"], "outcome": "written",
                            "detail": "", "works": out.accepted})
            for w in out.accepted:
                by_partition.setdefault(f["partition"], []).append(w)
    if not dry_run:
        indexes = {p: IdIndex(sink.submission_ids(p)) for p in by_partition}
        for partition, works in by_partition.items():
            before = set(w.submission_id for w in works if w.submission_id in indexes[partition])
            offsets = [w.source.offset for w in works]
            write_partition(sink, indexes[partition], works, partition, min(offsets), max(offsets))
            for r in results:
                if r["works"] and all(w.submission_id in before for w in r["works"]):
                    r["outcome"] = "duplicate"
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        store.record_replays({"failure_id": r["failure_id"], "outcome": r["outcome"], "at": now} for r in results)
    for r in results:
        r.pop("works")
    return Counter(r["outcome"].split(":")[0] for r in results), results
