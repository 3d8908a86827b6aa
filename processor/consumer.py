"""The consume loop and its commit point.

    poll ──▶ Batch ──(full or old enough)──▶ flush():
               transform (decode → validate → enrich → harmonize → redact → shape, per envelope)
               guard     (halt when a window is mostly invalid: nothing written, nothing committed)
               dedup     (per Kafka partition, against the ids already written)
               write     (answers + responses Parquet, durable) and failed/ (durable)
               DLQ       (sends acknowledged by the broker)
               commit    (offsets of the batch, explicitly; never auto-commit)

Offsets are committed only after everything the batch produced is durable. A crash before the
commit replays the batch; rows whose ``submission_id`` is already in the dataset are skipped, so
each submission is written exactly once (the same id posted twice is also stored once).
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata

from ascolto.config import Settings
from registry import connect

from .enrich import Enricher
from .failed import FailedStore, failure_id
from .ids import IdIndex
from .metrics import Metrics
from .sink import ParquetSink
from .badrows import Failure
from .steps import Work, transform

log = logging.getLogger("ascolto.processor")


class Halt(RuntimeError):
    """Too many invalid records in a window: stop instead of dead-lettering everything."""


@dataclass
class Stats:
    written: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    redactions: Counter = field(default_factory=Counter)
    batches: int = 0


class InvalidRatioGuard:
    """Halts when more than ``max_ratio`` of a window of at least ``window`` envelopes is invalid.

    The window is the batch being flushed when it is that large, else the last ``window`` envelope
    outcomes (this batch's included). The check runs before anything of the batch is written.
    """

    def __init__(self, window: int, max_ratio: float):
        self.window, self.max_ratio = window, max_ratio
        self.recent: deque[bool] = deque(maxlen=max(1, window))

    def check(self, envelopes: int, invalid: int) -> None:
        if self.window <= 0 or envelopes == 0:
            return
        outcomes = [True] * invalid + [False] * (envelopes - invalid)
        if envelopes >= self.window:
            n, bad = envelopes, invalid
        else:
            trial = deque(self.recent, maxlen=self.window)
            trial.extend(outcomes)
            n, bad = len(trial), sum(trial)
        if n >= self.window and bad / n > self.max_ratio:
            raise Halt(f"{bad} of the last {n} envelopes are invalid (> {self.max_ratio:.0%} of a window of "
                       f"{self.window}); stopping without committing them. Fix the cause (the producer, the "
                       f"registry or a questionnaire) and restart; see `ascolto failed list` for earlier ones.")
        self.recent.extend(outcomes)


def write_partition(sink: ParquetSink, index: IdIndex, works: list[Work], partition: int, first: int,
                    last: int) -> tuple[int, int]:
    """The dedup and write steps for the accepted envelopes of one partition; returns (written, duplicates)."""
    kept, batch_ids, duplicates = [], set(), 0
    for work in works:
        sid = work.submission_id
        if sid in batch_ids or sid in index:
            duplicates += 1
            continue
        batch_ids.add(sid)
        kept.append(work)
    if kept:
        sink.write_works(kept, partition, first, last)
        index.update(batch_ids)
    return len(kept), duplicates


GC_THRESHOLD = 20_000


def tune_gc() -> None:
    """Fewer cyclic-GC passes over the long-lived objects: the transform allocates ~50 containers per
    envelope and keeps a batch of them alive, so with CPython's defaults (700, 10, 10) the collector
    walks the whole batch again and again — about 40% of the processor's CPU time
    (``bench/processor.py``). Process-wide and idempotent: startup objects go to the permanent
    generation (``gc.freeze``) and generation 0 is collected every ``GC_THRESHOLD`` allocations.
    Nothing of the processor relies on cycle collection (its objects hold no cycles). :meth:`Processor.run`
    undoes the freeze when it returns (``gc.unfreeze``) so that those objects are collected as usual."""
    gc.collect()
    gc.freeze()
    if gc.get_threshold()[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, processor: "Processor"):
        self.processor = processor

    def on_partitions_revoked(self, revoked):
        self.processor.on_revoked(revoked)

    def on_partitions_assigned(self, assigned):
        self.processor.on_assigned(assigned)


class Processor:
    """One member of the processor consumer group. Not thread-safe: run it in one thread."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.sink = ParquetSink(settings.data_dir)
        self.failed = FailedStore(settings.data_dir, settings.collector_id)
        self.enricher = Enricher(connect(settings.database_url, create=False))
        self.metrics = Metrics(settings.processor_metrics_file)
        self.guard = InvalidRatioGuard(settings.dlq_window, settings.dlq_max_ratio)
        self.stats = Stats()
        self.indexes: dict[int, IdIndex] = {}
        self.halted: Halt | None = None
        self._pending: list = []
        self._oldest = 0.0
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.broker, group_id=settings.group, client_id="ascolto-processor",
            enable_auto_commit=False, auto_offset_reset="earliest",
            max_poll_records=settings.batch_max_records,
            max_poll_interval_ms=settings.max_poll_interval_ms,
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=max(100, settings.session_timeout_ms // 3))
        self.dlq = KafkaProducer(bootstrap_servers=settings.broker, acks="all", client_id="ascolto-dlq")

    # --- partitions ---------------------------------------------------------------------------------
    def on_assigned(self, assigned) -> None:
        for tp in assigned:
            self.indexes.pop(tp.partition, None)  # loaded lazily: another member may have written since
            self.sink.sweep(tp.partition)
        self.metrics.assigned.set(len(self.consumer.assignment()))
        self.metrics.write()

    def on_revoked(self, revoked) -> None:
        """Flush in-flight records before the partitions go to another member."""
        try:
            self.flush()
        except Halt as exc:
            self.halted, self._pending = exc, []
        for tp in revoked:
            self.indexes.pop(tp.partition, None)

    def index(self, partition: int) -> IdIndex:
        if partition not in self.indexes:
            t0 = time.monotonic()
            self.indexes[partition] = IdIndex(self.sink.submission_ids(partition))
            log.info("partition %d: %d submission ids loaded in %.2fs", partition, len(self.indexes[partition]),
                     time.monotonic() - t0)
        return self.indexes[partition]

    # --- loop ----------------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set; flush and commit what was read, then close.

        Raises :class:`Halt` (after closing, without committing the offending window)."""
        tune_gc()
        self.consumer.subscribe([self.settings.topic], listener=_Rebalance(self))
        try:
            while not stop.is_set() and self.halted is None:
                for records in self.consumer.poll(timeout_ms=200).values():
                    if not self._pending:
                        self._oldest = time.monotonic()
                    self._pending.extend(records)
                if self._pending and (len(self._pending) >= self.settings.batch_max_records
                                      or time.monotonic() - self._oldest >= self.settings.batch_max_seconds):
                    self.flush()
            if self.halted is None:
                self.flush()
        except Halt as exc:
            self.halted = exc
        finally:
            if self.halted is not None:
                self.metrics.halted.set(1)
                self.metrics.write()
                log.critical("processor halted: %s", self.halted)
            self.consumer.close(autocommit=False)
            self.dlq.close(timeout=5)
            gc.unfreeze()
        if self.halted is not None:
            raise self.halted

    def flush(self) -> None:
        """The commit point: make the pending records durable (rows or dead letters), then commit."""
        if not self._pending:
            return
        records, self._pending = self._pending, []
        try:
            self._flush(records)
        except Halt:
            raise
        except CommitFailedError as exc:  # the group rebalanced under us: the next owner replays
            log.warning("commit failed (%s); the batch will be replayed and deduplicated", exc)

    def _flush(self, records: list) -> None:
        out = transform(records, self.enricher)
        self.guard.check(out.envelopes, len(out.failures))
        by_partition: dict[int, list] = {}
        for rec in records:
            by_partition.setdefault(rec.partition, []).append(rec)
        accepted: dict[int, list[Work]] = {}
        for w in out.accepted:
            accepted.setdefault(w.source.partition, []).append(w)
        failures: dict[int, list[Failure]] = {}
        for f in out.failures:
            failures.setdefault(f.source.partition, []).append(f)
        offsets = {}
        for partition, recs in by_partition.items():
            first, last = recs[0].offset, recs[-1].offset
            written, dups = write_partition(self.sink, self.index(partition), accepted.get(partition, []),
                                            partition, first, last)
            self.failed.write(failures.get(partition, []), partition, first, last)
            self.stats.written += written
            self.stats.duplicates += dups
            self.metrics.rows.inc(written)
            self.metrics.duplicates.inc(dups)
            offsets[TopicPartition(recs[0].topic, partition)] = OffsetAndMetadata(last + 1, "", -1)
        acks = [self._dead_letter(f) for f in out.failures]
        for ack in acks:  # a dead letter must be durable before its offset is committed
            ack.get(timeout=30)
        self.consumer.commit(offsets)
        self.stats.batches += 1
        self.stats.redactions.update(out.redactions)
        self.metrics.records.inc(len(records))
        self.metrics.envelopes.inc(out.envelopes)
        self.metrics.batches.inc()
        self.metrics.count_redactions(out.redactions)
        self.metrics.last_commit.set_to_current_time()
        self.metrics.write()
        log.info("committed %d records: %s", len(records), self.stats)

    def _dead_letter(self, f: Failure):
        """Send the failure to the DLQ topic with its reason in headers; returns the send future."""
        self.stats.rejected[f.reason] += 1
        self.metrics.dead.labels(f.reason).inc()
        src = f.source
        log.warning("dead-letter %s[%d]@%d#%d: %s: %s", src.topic, src.partition, src.offset, src.index, f.reason,
                    f.detail[:200])
        return self.dlq.send(self.settings.dlq_topic, key=src.key, value=f.value, headers=[
            ("ascolto.reason", f.reason.encode()), ("ascolto.detail", f.detail[:1000].encode()),
            ("ascolto.source", f"{src.topic}/{src.partition}/{src.offset}".encode()),
            ("ascolto.failure_id", failure_id(f).encode())])


def run_forever(settings: Settings) -> int:
    """Run one processor until SIGINT/SIGTERM; returns the exit status (3 when halted)."""
    import signal

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        Processor(settings).run(stop)
    except Halt as exc:
        log.critical("HALTED: %s", exc)
        return 3
    return 0
