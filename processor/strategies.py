"""The processor as a chain of processing strategies, in the manner of Sentry's arroyo.

    records ─▶ Batching ─▶ Transforming ─▶ Guarding ─▶ WritingRows ─▶ DeadLettering ─▶ Committing
               (size/age)  (the steps)     (halt)      (dedup, Parquet,  (DLQ acks)       (offsets,
                                                        failed/)                           last)

**The strategy contract** (:class:`Strategy`), the same for every step:

- ``submit(message)`` — take one message. A step either handles it and hands the result to its
  ``next`` step before returning, or keeps it (only :class:`Batching` keeps messages). When it
  cannot take a message now it raises :class:`MessageRejected` *without* having taken it: the
  caller keeps the message, pauses consumption and submits it again after a :meth:`poll` —
  that is the **backpressure**; a step never buffers without bound. Any other exception (e.g.
  :class:`Halt`) means the message and everything kept are abandoned, uncommitted.
- ``poll()`` — time-driven work (a batch grown old is handed on; a rejected hand-over retried);
  then the next step's ``poll()``.
- ``join()`` — hand on everything kept, synchronously; when it returns nothing is held and every
  offset accepted so far is committed. Then the next step's ``join()``.
- ``close()`` — release resources, then the next step's ``close()``; no submit after it.

**Exactly once** follows from the order of the chain: the offsets of a batch are committed by the
last step, only after :class:`WritingRows` made its rows and ``failed/`` records durable (written,
fsynced, renamed: :mod:`dataset.files`) and :class:`DeadLettering` saw every DLQ send acknowledged;
rows whose ``submission_id`` was already written are skipped, so a batch replayed after a crash
before the commit is written once. The consumer, producer, registry lookup and clock are given to
the steps (see :func:`processor.chain.build_chain`), so each is tested with in-memory fakes.
"""
from __future__ import annotations

import logging
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterable, Protocol, TypeVar

from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from .badrows import Failure
from .failed import FailedStore, failure_id, scrub
from .ids import IdIndex
from .metrics import Metrics
from .sink import ParquetSink
from .steps import STEPS, ServiceLookup, Transformed, Work, transform

log = logging.getLogger("ascolto.processor")
T = TypeVar("T", contravariant=True)


class MessageRejected(Exception):
    """Raised by ``submit`` when a step cannot take the message now; submit it again after ``poll``."""


class Halt(RuntimeError):
    """Too many invalid records in a window: stop instead of dead-lettering everything."""


class Strategy(Protocol, Generic[T]):
    """One step of the chain; see the module docstring for the contract."""

    def submit(self, message: T) -> None: ...
    def poll(self) -> None: ...
    def join(self) -> None: ...
    def close(self) -> None: ...


@dataclass
class Stats:
    written: int = 0
    duplicates: int = 0
    tests: int = 0  # check-up answers written apart (test/), never counted
    rejected: Counter = field(default_factory=Counter)
    redactions: Counter = field(default_factory=Counter)
    batches: int = 0
    last_commit: float | None = field(default=None, repr=False, compare=False)  # Unix time of the last commit (heartbeat)


@dataclass
class Batch:
    """The message after :class:`Batching`: Kafka records (anything with topic, partition, offset, key,
    value), then what each step adds."""
    records: list
    out: Transformed | None = None
    guarded: bool = False  # the invalid-ratio guard counted it (a batch handed over again is not counted twice)

    def partitions(self) -> dict[int, tuple[str, int, int]]:
        """Kafka partition → (topic, first offset, last offset) of the batch's records."""
        spans: dict[int, tuple[str, int, int]] = {}
        for rec in self.records:
            topic, first, _ = spans.get(rec.partition, (rec.topic, rec.offset, rec.offset))
            spans[rec.partition] = (topic, first, rec.offset)
        return spans


class _Forward:
    """The plumbing every step shares: poll/join/close go to ``next`` after the step's own."""

    def __init__(self, next_step: Strategy):
        self.next = next_step

    def poll(self) -> None:
        self.next.poll()

    def join(self) -> None:
        self.next.join()

    def close(self) -> None:
        self.next.close()


class Batching(_Forward):
    """Keeps records until ``max_records`` are held, their values add up to ``max_bytes`` (0: no
    bound), or the oldest is ``max_seconds`` old (by ``clock``), then hands them on as one
    :class:`Batch`. When the next step rejects a batch, the batch is kept and every further record
    is rejected until a :meth:`poll` hands it over (backpressure).

    The byte bound is the memory bound: a record may carry one envelope or hundreds (the shipper
    packs a backlog into records of up to 500), so a count of records alone does not bound what a
    batch holds once decoded (issue 18: 2,000 records of a backlog held 60,000 envelopes and
    870 MB)."""

    def __init__(self, next_step: Strategy[Batch], max_records: int, max_seconds: float,
                 clock: Callable[[], float], max_bytes: int = 0):
        super().__init__(next_step)
        self.max_records, self.max_seconds, self.clock = max_records, max_seconds, clock
        self.max_bytes = max_bytes
        self._bytes = 0  # of the values of the records kept
        self._records: list = []
        self._oldest = 0.0
        self._held: Batch | None = None

    def submit(self, record: Any) -> None:
        if self._held is not None and not self._hand_over():
            raise MessageRejected("the previous batch is not taken yet")
        if not self._records:
            self._oldest = self.clock()
        self._records.append(record)
        full = len(self._records) >= self.max_records
        if self.max_bytes:
            self._bytes += len(record.value or b"")
            full = full or self._bytes >= self.max_bytes
        if full:
            self._flush()

    def poll(self) -> None:
        if self._held is not None:
            self._hand_over()
        elif self._records and self.clock() - self._oldest >= self.max_seconds:
            self._flush()
        self.next.poll()

    def join(self) -> None:
        while self._held is not None and not self._hand_over():
            self.next.poll()
        if self._records:
            self._flush()
            while self._held is not None and not self._hand_over():
                self.next.poll()
        self.next.join()

    def abandon(self) -> None:
        """Drop the records kept and the held batch, uncommitted (they are read again from the committed
        offsets and deduplicated); the next steps are :func:`processor.chain.abandon`'s."""
        self._records, self._held, self._bytes = [], None, 0

    def _flush(self) -> None:
        self._held, self._records, self._bytes = Batch(self._records), [], 0
        self._hand_over()

    def _hand_over(self) -> bool:
        batch, self._held = self._held, None
        try:
            self.next.submit(batch)
        except MessageRejected:
            self._held = batch
            return False
        return True


class Transforming(_Forward):
    """Runs :func:`processor.steps.transform` (decode and the envelope steps) over a batch; no side effect."""

    def __init__(self, next_step: Strategy[Batch], lookup: ServiceLookup, steps=STEPS):
        super().__init__(next_step)
        self.lookup, self.steps = lookup, tuple(steps)

    def submit(self, batch: Batch) -> None:
        if batch.out is None:  # a batch handed over again after a rejection is not transformed twice
            batch.out = transform(batch.records, self.lookup, self.steps)
        self.next.submit(batch)


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
                       f"{self.window}); stopping without committing them. Fix the cause and restart: a fix of the "
                       f"registry or a questionnaire makes them valid, but records that stay invalid (a broken "
                       f"producer's, already in the topic) halt every restart: once the producer is fixed, run "
                       f"one processor with ASCOLTO_DLQ_WINDOW=0 until it has committed them (they become dead "
                       f"letters: `ascolto failed list`, replay or dismiss), then restart without it; see "
                       f"`ascolto failed list` for earlier ones.")
        self.recent.extend(outcomes)


class Guarding(_Forward):
    """Raises :class:`Halt` (nothing of the batch written or committed) when the window is mostly invalid."""

    def __init__(self, next_step: Strategy[Batch], guard: InvalidRatioGuard):
        super().__init__(next_step)
        self.guard = guard

    def submit(self, batch: Batch) -> None:
        if not batch.guarded:
            self.guard.check(batch.out.envelopes, len(batch.out.failures))
            batch.guarded = True
        self.next.submit(batch)


def write_partition(sink: ParquetSink, index: IdIndex, works: list[Work], partition: int, first: int,
                    last: int) -> tuple[int, int, int]:
    """The dedup and write steps for the accepted envelopes of one partition; returns (written, duplicates,
    tests): rows written to ``responses``, duplicates skipped, check-ups written apart to ``test/``."""
    kept, batch_ids, duplicates = [], set(), 0
    for work in works:
        sid = work.submission_id
        if sid in batch_ids or sid in index:
            duplicates += 1
            continue
        batch_ids.add(sid)
        kept.append(work)
    rows = [w for w in kept if not w.test]
    tests = [w for w in kept if w.test] if len(rows) < len(kept) else []
    if rows:
        sink.write_works(rows, partition, first, last)
    if tests:
        sink.write_tests(tests, partition, first, last)
    if kept:
        index.update(batch_ids)
    return len(rows), duplicates, len(tests)


class WritingRows(_Forward):
    """Per Kafka partition: dedup against ``index(partition)``, rows into ``responses``/``answers`` and the
    dead letters into ``failed/`` — all durable when it hands the batch on.

    The partitions of a batch are independent (own ids, own files), so up to ``io_threads`` of them
    are written at once: their Parquet encoding and ``fsync``s overlap (the file system merges
    concurrent syncs). Within a partition the order stays answers, responses, then ``failed/``; the
    batch is handed on only when every partition is durable, and not at all if one failed."""

    def __init__(self, next_step: Strategy[Batch], sink: ParquetSink, failed: FailedStore,
                 index: Callable[[int], IdIndex], stats: Stats, metrics: Metrics, io_threads: int = 4):
        super().__init__(next_step)
        self.sink, self.failed, self.index, self.stats, self.metrics = sink, failed, index, stats, metrics
        self._pool = ThreadPoolExecutor(max_workers=io_threads, thread_name_prefix="ascolto-io") \
            if io_threads > 1 else None

    def submit(self, batch: Batch) -> None:
        accepted: dict[int, list[Work]] = {}
        for w in batch.out.accepted:
            accepted.setdefault(w.source.partition, []).append(w)
        failures: dict[int, list[Failure]] = {}
        for f in batch.out.failures:
            failures.setdefault(f.source.partition, []).append(f)

        def one(partition: int, first: int, last: int) -> tuple[int, int, int]:
            counts = write_partition(self.sink, self.index(partition), accepted.get(partition, []), partition,
                                     first, last)
            self.failed.write(failures.get(partition, []), partition, first, last)
            funnel = [r for r in batch.out.funnel if r["kafka_partition"] == partition]
            if funnel:  # the widget's counts (dataset.funnel): readers count each report_id once
                self.sink.write_funnel(funnel, partition, first, last)
            return counts
        spans = [(p, first, last) for p, (_, first, last) in batch.partitions().items()]
        if self._pool is None or len(spans) == 1:
            results = [one(*span) for span in spans]
        else:
            futures = [self._pool.submit(one, *span) for span in spans]
            wait(futures)  # every one finished before anything is handed on or raised
            results = [f.result() for f in futures]
        for written, dups, tests in results:
            self.stats.written += written
            self.stats.duplicates += dups
            self.stats.tests += tests
            self.metrics.rows.inc(written)
            self.metrics.duplicates.inc(dups)
            self.metrics.tests.inc(tests)
        self.next.submit(batch)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self.next.close()


class DeadLettering(_Forward):
    """Sends each failure to the DLQ topic (reason in headers) and waits for every acknowledgement."""

    def __init__(self, next_step: Strategy[Batch], producer: Any, topic: str, stats: Stats, metrics: Metrics,
                 ack_timeout_s: float = 30.0):
        super().__init__(next_step)
        self.producer, self.topic, self.stats, self.metrics = producer, topic, stats, metrics
        self.ack_timeout_s = ack_timeout_s

    def submit(self, batch: Batch) -> None:
        acks = [self._send(f) for f in batch.out.failures]
        for ack in acks:  # a dead letter must be durable before its offset is committed
            ack.get(timeout=self.ack_timeout_s)
        self.next.submit(batch)

    def _send(self, f: Failure):
        """Send the failure, scrubbed of personal data (:func:`processor.failed.scrub`), to the DLQ topic."""
        f = scrub(f)
        self.stats.rejected[f.reason] += 1
        self.metrics.dead.labels(f.reason).inc()
        src = f.source
        log.warning("dead-letter %s[%d]@%d#%d: %s: %s", src.topic, src.partition, src.offset, src.index, f.reason,
                    f.detail[:200])
        return self.producer.send(self.topic, key=src.key, value=f.value, headers=[
            ("ascolto.reason", f.reason.encode()), ("ascolto.detail", f.detail[:1000].encode()),
            ("ascolto.source", f"{src.topic}/{src.partition}/{src.offset}".encode()),
            ("ascolto.failure_id", failure_id(f).encode())])

    def close(self) -> None:
        self.producer.close(timeout=5)
        self.next.close()


class Terminal:
    """The last step of a chain: nothing after it to poll, join or close."""

    def poll(self) -> None:
        pass

    def join(self) -> None:
        pass

    def close(self) -> None:
        pass


class Committing(Terminal):
    """The last step: commits the batch's offsets (``last + 1`` per partition) on ``consumer``, then
    records the batch in stats and metrics. A commit refused by a rebalance or failing with a
    retriable Kafka error (a timeout, the broker away) is logged, not raised: the rows are written,
    and a later commit or the next owner's replay (its rows skipped by dedup) covers them. Any
    other Kafka error is raised."""

    def __init__(self, consumer: Any, stats: Stats, metrics: Metrics):
        self.consumer, self.stats, self.metrics = consumer, stats, metrics
        #: while a list: batches are kept here, written but uncommitted, for a caller that cannot block on
        #: the consumer (kafka-python's rebalance listener runs on its IO thread: ``Processor``'s
        #: ``on_revoked_async`` commits them with one awaited ``commit_async``, then :meth:`record`\s them)
        self.deferred: list[Batch] | None = None

    @staticmethod
    def offsets(batches: Iterable[Batch]) -> dict:
        """The offsets that commit ``batches`` (``last + 1`` per partition, the highest of them)."""
        out: dict = {}
        for batch in batches:
            for p, (topic, _, last) in batch.partitions().items():
                tp = TopicPartition(topic, p)
                if tp not in out or out[tp].offset < last + 1:
                    out[tp] = OffsetAndMetadata(last + 1, "", -1)
        return out

    def submit(self, batch: Batch) -> None:
        if self.deferred is not None:
            self.deferred.append(batch)
            return
        try:
            self.consumer.commit(self.offsets((batch,)))
        except KafkaError as exc:  # bounded: request_timeout_ms
            if not (exc.retriable or isinstance(exc, CommitFailedError)):
                raise
            log.warning("commit failed (%r); the batch will be replayed and deduplicated", exc)
            return
        self.record(batch)

    def record(self, batch: Batch) -> None:
        """Count a committed ``batch`` in the stats and the metrics (its freshness, the last commit)."""
        out, m = batch.out, self.metrics
        self.stats.batches += 1
        self.stats.redactions.update(out.redactions)
        m.records.inc(len(batch.records))
        m.envelopes.inc(out.envelopes)
        m.batches.inc()
        m.count_redactions(out.redactions)
        now = self.stats.last_commit = time.time()
        m.freshness.observe_batch(now, out.accepted)
        m.last_commit.set(now)
        m.write()
        log.info("committed %d records: %s", len(batch.records), self.stats)

