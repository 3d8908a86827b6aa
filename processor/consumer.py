"""The consume loop: poll → build rows → write durably → dead-letter rejects → commit offsets.

Offsets are committed explicitly, only after the batch's Parquet files are durable and its
rejects acknowledged by the dead-letter topic. A crash before the commit replays the batch;
rows whose ``submission_id`` is already in the dataset are skipped, so each submission is
written exactly once (the same id posted twice is also stored once).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from ascolto.config import Settings
from questionnaires.envelope import EnvelopeError, decode_record, encode_record
from registry import connect

from .canonical import Rejected, build_row
from .enrich import Enricher
from .sink import ParquetSink

log = logging.getLogger("ascolto.processor")


@dataclass
class Stats:
    written: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    batches: int = 0


class _FlushOnRevoke(ConsumerRebalanceListener):
    def __init__(self, processor: "Processor"):
        self.processor = processor

    def on_partitions_revoked(self, revoked):
        self.processor.flush()

    def on_partitions_assigned(self, assigned):
        self.processor.reload_seen()


class Processor:
    """One member of the processor consumer group. Not thread-safe: run it in one thread."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.sink = ParquetSink(settings.responses_dir)
        self.enricher = Enricher(connect(settings.database_url, create=False))
        self.stats = Stats()
        self._pending: list = []
        self._oldest = 0.0
        self._seen: set[str] = set()
        self._dlq_acks: list = []
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.broker, group_id=settings.group, client_id="ascolto-processor",
            enable_auto_commit=False, auto_offset_reset="earliest",
            max_poll_records=settings.batch_max_records,
            max_poll_interval_ms=settings.max_poll_interval_ms,
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=max(100, settings.session_timeout_ms // 3))
        self.dlq = KafkaProducer(bootstrap_servers=settings.broker, acks="all", client_id="ascolto-dlq")

    def reload_seen(self) -> None:
        self._seen = self.sink.submission_ids()

    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set; flush and commit what was read, then close."""
        self.consumer.subscribe([self.settings.topic], listener=_FlushOnRevoke(self))
        try:
            while not stop.is_set():
                for records in self.consumer.poll(timeout_ms=200).values():
                    if not self._pending:
                        self._oldest = time.monotonic()
                    self._pending.extend(records)
                if self._pending and (len(self._pending) >= self.settings.batch_max_records
                                      or time.monotonic() - self._oldest >= self.settings.batch_max_seconds):
                    self.flush()
            self.flush()
        finally:
            self.consumer.close(autocommit=False)
            self.dlq.close(timeout=5)

    def flush(self) -> None:
        """Make the pending records durable (rows or dead letters), then commit their offsets."""
        if not self._pending:
            return
        by_partition: dict[int, list] = {}
        for rec in self._pending:
            by_partition.setdefault(rec.partition, []).append(rec)
        offsets = {}
        for partition, records in by_partition.items():
            rows, batch_ids = [], set()
            for rec in records:
                try:
                    envelopes = decode_record(rec.value)
                except EnvelopeError as exc:
                    self._dead_letter(rec, rec.value, Rejected("undecodable", str(exc)))
                    continue
                for raw in envelopes:
                    try:
                        row = build_row(raw, rec.partition, rec.offset, self.enricher)
                    except Rejected as exc:
                        self._dead_letter(rec, encode_record([raw]) if isinstance(raw, dict) else rec.value, exc)
                        continue
                    sid = row["submission_id"]
                    if sid in self._seen or sid in batch_ids:
                        self.stats.duplicates += 1
                        continue
                    batch_ids.add(sid)
                    rows.append(row)
            self.sink.write(rows, partition, records[0].offset, records[-1].offset)
            self._seen |= batch_ids
            self.stats.written += len(rows)
            offsets[TopicPartition(records[0].topic, partition)] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
        for ack in self._dlq_acks:  # a dead letter must be durable before its offset is committed
            ack.get(timeout=30)
        self._dlq_acks = []
        self.consumer.commit(offsets)
        self.stats.batches += 1
        log.info("committed %d records: %s", len(self._pending), self.stats)
        self._pending = []

    def _dead_letter(self, rec, value: bytes | None, exc: Rejected) -> None:
        """Send ``value`` (the rejected envelope, or the whole record when undecodable) to the DLQ."""
        self.stats.rejected[exc.reason] += 1
        log.warning("dead-letter %s[%d]@%d: %s", rec.topic, rec.partition, rec.offset, exc)
        self._dlq_acks.append(self.dlq.send(self.settings.dlq_topic, key=rec.key, value=value, headers=[
            ("ascolto.reason", exc.reason.encode()), ("ascolto.detail", exc.detail[:1000].encode()),
            ("ascolto.source", f"{rec.topic}/{rec.partition}/{rec.offset}".encode())]))


def run_forever(settings: Settings) -> None:
    """Run one processor until SIGINT/SIGTERM."""
    import signal

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    Processor(settings).run(stop)
