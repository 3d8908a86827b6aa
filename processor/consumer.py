"""The consume loop: polls the consumer, submits records to the strategy chain, honours backpressure.

    consumer.poll ──▶ Batching ─▶ Transforming ─▶ Guarding ─▶ WritingRows ─▶ DeadLettering ─▶ Committing

The chain and its contract are :mod:`processor.strategies`; this module only runs it. A record the chain rejects
(:class:`processor.strategies.MessageRejected`) is kept, the assigned partitions paused and the chain polled until
it takes the record. On a rebalance the chain is joined (all read made durable and committed) before the partitions
go, and their locks (:mod:`processor.fence`: a partition is written, its dedup index loaded, only under its lock).
:class:`Processor` receives its consumer, producer, registry lookup and clock (else from :class:`settings.Settings`).

A member out of its group longer than :attr:`settings.Settings.join_timeout_s` (a join the Kafka client never
completes, issue 18) gets a new consumer (:meth:`Processor.renew_consumer`, :class:`processor.liveness.JoinWatchdog`):
the old one closed without committing, what the chain held forgotten, the new one resumes from the committed offsets.

Every turn of the loop that is not held back by the chain refreshes the process's heartbeat file (at most
once a second; :mod:`processor.heartbeat`), which ``ascolto processor check`` reads as a liveness probe:
a loop blocked in a call, or held back by a chain that stopped taking records, goes stale.
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable

from kafka.errors import KafkaError

from settings import Settings
from settings.kafka import any_broker_reachable
from settings.topics import TopicMissing, require_topic
from dataset.recordkey import keyer, secret_for
from registry.errors import UNREACHABLE

from .failed import FailedStore
from .faulthooks import freeze_before_write
from .fence import fence_for
from .gaps import GapWatch
from .heartbeat import HALTED, RUNNING, STARTING, Heartbeat
from .ids import IdIndex
from .metrics import Metrics
from .sink import ParquetSink
from .steps import ServiceLookup
from .clients import consumer_config, kafka_consumer, kafka_producer, key_partition  # noqa: F401
from .chain import Parts, abandon, build_chain, committing, drain_writer, rebind_consumer
from .liveness import JoinWatchdog
from .stops import EXIT_FILE_ERROR, file_error
from .outage import RegistryOutage, directory
from .rebalance import _Rebalance, listener as _listener  # noqa: F401 (_Rebalance: the tests' fakes)
from .strategies import Batching, Committing, Halt, InvalidRatioGuard, MessageRejected, Stats, write_partition

__all__ = ["Halt", "Processor", "Stats", "consumer_config", "kafka_consumer", "run_forever", "tune_gc",
           "write_partition"]
log = logging.getLogger("ascolto.processor")
GC_THRESHOLD = 20_000
GC_EVERY = 10           # batches between collections when the processor paces the collector (run())
GC_IDLE_S = 10.0        # and at least this often (an idle consumer still allocates)


def tune_gc() -> None:
    """Fewer cyclic-GC passes over the long-lived objects: the transform allocates ~50 containers per
    envelope and keeps a batch of them alive, so with CPython's defaults (700, 10, 10) the collector
    walks the whole batch again and again — about 40% of the processor's CPU time
    (``bench/processor.py``). Process-wide and idempotent: startup objects go to the permanent
    generation (``gc.freeze``) and generation 0 is collected every ``GC_THRESHOLD`` allocations.
    Nothing of the processor relies on cycle collection (its objects hold no cycles). :meth:`Processor.run`
    also turns automatic collection off for its duration and collects between batches
    (:meth:`Processor._pace_gc`); it undoes both when it returns (``gc.enable``, ``gc.unfreeze``)."""
    gc.collect()
    gc.freeze()
    if gc.get_threshold()[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


class Processor:
    """One member of the processor consumer group. Not thread-safe: run it in one thread.

    Injection points (all optional; built from ``settings`` when omitted): ``consumer`` (kafka-python's
    ``KafkaConsumer`` interface: subscribe, poll, commit, assignment, partitions_for_topic, pause, resume,
    close), ``producer`` (``send`` returning a future, ``close``), ``lookup`` (the registry: ``facts(key)``), ``clock``
    (monotonic seconds, for batch age and the join watchdog), ``on_assigned`` (called with the partitions
    after each assignment — the benchmark's timer) and ``consumer_factory`` (builds a replacement consumer
    for :meth:`renew_consumer`; by default :func:`kafka_consumer` when ``consumer`` is not given, else none:
    an injected consumer is never replaced)."""

    def __init__(self, settings: Settings, *, consumer: Any = None, producer: Any = None,
                 lookup: ServiceLookup | None = None, clock: Callable[[], float] = time.monotonic,
                 on_assigned: Callable[[Iterable], None] | None = None,
                 consumer_factory: Callable[[], Any] | None = None):
        self.settings = settings
        self.sink = ParquetSink(settings.data_dir, keyer(secret_for(settings.data_dir, settings.ckm_secret)))
        self.metrics = Metrics(settings.processor_metrics_file, settings.instance,
                               stale_after_s=settings.heartbeat_max_age)
        self.heartbeat = Heartbeat(settings.processor_heartbeat_file, settings.instance, notify=settings.notify_socket)
        self.indexes: dict[int, IdIndex] = {}  # only of partitions whose lock is held (processor.fence)
        self.fence = fence_for(settings, self.sink.sweep, self.metrics)
        self.halted: Halt | None = None
        if consumer is None and consumer_factory is None:
            consumer_factory = lambda: kafka_consumer(settings)  # noqa: E731
        self._consumer_factory = consumer_factory
        self.consumer = consumer if consumer is not None else consumer_factory()
        self.watchdog = JoinWatchdog(settings.join_timeout_s if consumer_factory is not None else 0.0, clock)
        self.renewals = 0
        #: the pause after a poll that failed with a retriable Kafka error (the broker away)
        self.poll_retry_s = 1.0
        self.outage = RegistryOutage(clock)  # the registry away: back off, read again (processor.outage)
        try:
            self.dlq = producer if producer is not None else kafka_producer(settings)
        except BaseException:
            if consumer is None:
                self.consumer.close(autocommit=False)
            raise
        self.lookup = lookup if lookup is not None else directory(settings, self.metrics)  # stale while error
        self._on_assigned = on_assigned
        self._partition_count = 0  # of the topic, read at each assignment (services_of)
        self._stored_services: set[str] = set()  # the services of the stored rows, read at each assignment
        self._carry: deque = deque()  # records polled but not yet taken by the chain (backpressure)
        self._gc_paced = False  # run(): the cyclic GC runs between batches, not inside them (_pace_gc)
        self._gc_batches, self._gc_at = 0, 0.0
        self.parts = Parts(consumer=self.consumer, producer=self.dlq, lookup=self.lookup, sink=self.sink,
                           failed=FailedStore(settings.data_dir, settings.collector_id), index=self.index,
                           clock=clock, metrics=self.metrics)
        self.stats: Stats = self.parts.stats
        self.gaps = GapWatch(self.parts.failed, self.metrics)  # records retention deleted unread (processor.gaps)
        self.chain: Batching = build_chain(
            self.parts, dlq_topic=settings.dlq_topic, max_records=settings.batch_max_records,
            max_seconds=settings.batch_max_seconds, max_bytes=settings.batch_max_bytes,
            writer_pending=settings.writer_pending,
            guard=InvalidRatioGuard(settings.dlq_window, settings.dlq_max_ratio))

    # --- partitions ---------------------------------------------------------------------------------
    def on_assigned(self, assigned) -> None:
        self.watchdog.joined()
        self._partition_count = len(self.consumer.partitions_for_topic(self.settings.topic) or ())
        self._stored_services = self.sink.services()  # read once per assignment (services_of)
        for tp in assigned:
            self.indexes.pop(tp.partition, None)  # loaded lazily: another member may have written since
        self.fence.assigned(self.consumer, assigned)  # locks taken (then swept), or partitions paused
        self.metrics.assigned.set(len(self.consumer.assignment()))
        self.metrics.write()
        if self._on_assigned is not None:
            self._on_assigned(assigned)

    def on_revoked(self, revoked) -> None:
        """Make durable and commit what was read before the partitions go to another member."""
        self.watchdog.left()
        gone = {tp.partition for tp in revoked}
        self._carry = deque(r for r in self._carry if r.partition not in gone)
        try:
            self.flush()
        except Halt as exc:  # the chain abandoned the batch: nothing of it written or committed
            self.halted = exc
            drain_writer(self.chain)
        except Exception as exc:  # noqa: BLE001 — e.g. a commit the client refuses from its IO thread
            log.warning("could not commit before the rebalance (%r); the next owner reads it again", exc)
            abandon(self.chain)  # durable or not, uncommitted: replayed and deduplicated
        for tp in revoked:
            self.indexes.pop(tp.partition, None)
        self.fence.revoked(revoked)  # nothing of them is being written now: the next owner may load

    async def on_revoked_async(self, revoked) -> None:
        """:meth:`on_revoked` for a listener on kafka-python's IO thread: the batches are written as
        there, their commit is one ``commit_async`` awaited on the client's own loop (a blocking commit
        raises there). A commit that fails leaves them to the next owner, replayed and deduplicated."""
        commit = committing(self.chain)
        commit.deferred = []
        try:
            self.on_revoked(revoked)
            batches = commit.deferred
        finally:
            commit.deferred = None
        if not batches:
            return
        try:
            await self.consumer.commit_async(Committing.offsets(batches))
        except KafkaError as exc:
            log.warning("could not commit before the rebalance (%r); the next owner reads it again", exc)
            return
        for batch in batches:
            commit.record(batch)

    def index(self, partition: int) -> IdIndex:
        """The ids already stored that a record of ``partition`` may repeat: the rows written from it, and
        the rows of every service the topic's partition count now sends to it (:meth:`services_of`),
        wherever they were written — after the count changed, a retry meets its first copy's row."""
        freeze_before_write(self.settings.fault_freeze_before_write, partition)  # the fault suite's (faulthooks)
        self.fence.require(partition)  # written only under its lock, the index loaded under it (Fenced)
        if partition not in self.indexes:
            t0 = time.monotonic()
            self.indexes[partition] = IdIndex(self.sink.submission_ids(partition, self.services_of(partition)))
            log.info("partition %d: %d submission ids loaded in %.2fs", partition, len(self.indexes[partition]),
                     time.monotonic() - t0)
        return self.indexes[partition]

    def services_of(self, partition: int) -> list[str]:
        """The services of the rows stored at the last assignment whose records Kafka's default partitioner
        — the shipper's: murmur2 of the key, the service — sends to ``partition`` of the topic as it was
        then; none before the first. Under an unchanged count their rows are those written from
        ``partition`` anyway; after a change, they include the rows of the services that moved there
        (rows written since the assignment were written under the current count)."""
        count = self._partition_count
        if not count:
            return []
        return [s for s in self._stored_services if key_partition(s, count) == partition]

    # --- loop ----------------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Consume until ``stop`` is set; flush and commit what was read, then close (and remove the
        heartbeat and the metrics textfile: a member that left is not reported on).

        Raises :class:`Halt` (after closing, without committing the offending window; the heartbeat says
        ``halted``)."""
        tune_gc()
        gc.disable()  # collections between batches instead (_pace_gc)
        self._gc_paced, self._gc_at = True, time.monotonic()
        self.consumer.subscribe([self.settings.topic], listener=_listener(self, self.consumer))
        self.watchdog.restart()
        stopped = False
        try:
            while not stop.is_set() and self.halted is None:
                self.step()
            if self.halted is None:
                try:
                    self.flush()
                except UNREACHABLE as exc:  # nothing committed: read again from the committed offsets
                    self.outage.away(exc, self.chain, self.consumer, self.stats.batches)
                stopped = True
        except Halt as exc:
            self.halted = exc
            drain_writer(self.chain)  # the batches before the offending one, as an inline chain would have
        finally:
            if self.halted is not None:
                self.metrics.halted.set(1)
                self.metrics.write()
                self._beat(HALTED)
                log.critical("processor halted: %s", self.halted)
            elif stopped:
                self.heartbeat.remove()
                self.metrics.remove()
            if self.consumer is not None:
                self.consumer.close(autocommit=False)
            self.chain.close()
            self.fence.release_all()
            self._gc_paced = False
            gc.enable()
            gc.unfreeze()
        if self.halted is not None:
            raise self.halted

    def step(self, timeout_ms: int = 200) -> None:
        """One turn of the loop: poll the consumer (unless held back), submit, let the chain do timed work.

        A turn that starts with nothing held back (every record polled was taken by the chain) refreshes
        the heartbeat when it is due; turns held back by the chain's backpressure do not, so a chain that
        never takes the record again (a hung write) lets the heartbeat go stale."""
        if not self._carry and self.heartbeat.due():  # held back by a registry outage too: a turning loop
            self._beat(RUNNING)
        if self.consumer is None or self.watchdog.expired():
            self.renew_consumer()
            if self.consumer is None:
                time.sleep(timeout_ms / 1000)
                return
        if self.outage.waiting():
            self._carry.extend(self.gaps.held(self.consumer, self.outage.hold(self.consumer, timeout_ms)))
            self._pace_gc()  # a long outage still collects (run() turned the automatic GC off)
            return
        if not self._carry:
            self.outage.release(self.consumer)
        self.fence.retry(self.consumer)  # partitions waiting for their lock: taken and resumed, or kept paused
        paused = bool(self._carry)
        try:
            polled = self.consumer.poll(timeout_ms=20 if paused else timeout_ms)  # paused: heartbeats only
        except KafkaError as exc:
            if not exc.retriable:
                raise
            # kafka-python 3 may let a connection error out of poll() while the broker is away (the
            # coordinator lookup's metadata refresh); the client reconnects on a later poll, and what
            # the chain holds goes on meanwhile
            log.warning("poll failed (%r); polling again in %.1fs", exc, self.poll_retry_s)
            time.sleep(self.poll_retry_s)
            polled = {}
        self.gaps.observe(self.consumer, polled.values())
        for records in polled.values():
            self._carry.extend(records)
        try:
            self.chain.poll()
            while self._carry:
                try:
                    self.chain.submit(self._carry[0])
                except MessageRejected:
                    if not paused:
                        self.consumer.pause(*self.consumer.assignment())
                    return
                self._carry.popleft()
        except UNREACHABLE as exc:  # the registry away or silent: give the batch up, back off
            self._carry.clear()
            if not self.outage.away(exc, self.chain, self.consumer, self.stats.batches):
                self.renew_consumer()
            self.metrics.registry_unavailable.inc()
            return
        self.outage.settle(self.stats.batches)
        if paused:
            self.consumer.resume(*self.fence.resumable(self.consumer.assignment()))
        self._pace_gc()

    def _beat(self, state: str) -> None:
        partitions = [tp.partition for tp in self.consumer.assignment()] if self.consumer is not None else []
        try:
            self.heartbeat.write(state, last_commit=self.stats.last_commit, partitions=partitions)
            self.metrics.refresh()  # an idle member's textfile too says it is alive (processor.metrics)
        except OSError as exc:
            log.warning("cannot write the heartbeat %s or the metrics (%r)", self.heartbeat.path, exc)

    def renew_consumer(self) -> None:
        """Replace a consumer that stayed out of its group for ``join_timeout_s``: close it without committing,
        forget (uncommitted) what the chain holds once the writer finished it, release the partitions' locks, and
        subscribe a new one, which joins and resumes from the committed offsets — rows already written come
        again, skipped as duplicates. Without a broker ``consumer`` stays None; :meth:`step` tries again."""
        old, self.consumer = self.consumer, None
        if old is not None:
            log.warning("out of consumer group %s for %.0fs (limit %.0fs): replacing the Kafka consumer",
                        self.settings.group, self.watchdog.out_for(), self.watchdog.timeout_s)
            try:
                old.close(autocommit=False)
            except Exception as exc:  # noqa: BLE001 — it is being discarded; a new one follows
                log.warning("closing the stale consumer failed: %r", exc)
        abandon(self.chain)
        self._carry.clear()
        self.indexes.clear()
        self.fence.release_all()
        self.watchdog.restart()
        try:
            consumer = self._consumer_factory()
        except KafkaError as exc:
            log.warning("cannot build a new Kafka consumer yet (%r); retrying", exc)
            return
        self.consumer, self.parts.consumer = consumer, consumer
        rebind_consumer(self.chain, consumer)
        consumer.subscribe([self.settings.topic], listener=_listener(self, consumer))
        self.renewals += 1
        self.metrics.consumer_renewals.inc()
        self.metrics.write()

    def _pace_gc(self) -> None:
        """In :meth:`run`, the cyclic garbage collector runs here, once every ``GC_EVERY`` committed batches
        (or ``GC_IDLE_S`` seconds), instead of every ``GC_THRESHOLD`` allocations. Every pass walks the
        objects alive at that moment — a transformed batch, one in the writer: thousands of envelopes of
        ~50 containers — so its cost is per pass, not per garbage object: the automatic passes cost
        8–12 µs of CPU per submission (``bench/processor.py`` prints it), about a tenth of the
        processor's. Only reference cycles wait for a pass (the processor's objects hold none; all
        else is freed by reference counting at once), so memory is unaffected."""
        if not self._gc_paced:
            return
        now = time.monotonic()
        if self.stats.batches - self._gc_batches >= GC_EVERY or now - self._gc_at >= GC_IDLE_S:
            self._gc_batches, self._gc_at = self.stats.batches, now
            gc.collect()

    def flush(self) -> None:
        """The commit point on demand: everything submitted is made durable and committed."""
        self.chain.join()


def _build(settings: Settings, stop: threading.Event, retry_s: float = 5.0) -> Processor | None:
    """The processor, once its Kafka clients could be built: a broker unreachable at start (the clients
    bootstrap in their constructors and give up after ``bootstrap_timeout_ms``) is waited for, not a
    crash — the processor is often started together with the broker, or while it is away (issue 18).
    So is a missing ``ASCOLTO_TOPIC`` (:func:`settings.topics.require_topic`, asked without creating it),
    one error line naming it per attempt: the topic may still be on its way (a KafkaTopic resource).
    The heartbeat says ``starting`` before each attempt. None when ``stop`` is set first."""
    heartbeat = Heartbeat(settings.processor_heartbeat_file, settings.instance, notify=settings.notify_socket)
    while not stop.is_set():
        try:
            heartbeat.write(STARTING)
        except OSError as exc:
            log.warning("cannot write the heartbeat %s (%r)", heartbeat.path, exc)
        try:
            if not any_broker_reachable(settings.broker):  # no client built against none: a SIGTERM waited for it
                raise KafkaError("no broker of the list accepts a connection")
            # asked without creating it: subscribed to a missing topic, the consumer polled nothing for ever
            require_topic(settings.broker, settings.topic, settings.kafka_options)
            return Processor(settings)
        except TopicMissing as exc:
            log.error("%s; retrying in %.0fs", exc.args[0], retry_s)
            stop.wait(retry_s)
        except KafkaError as exc:
            log.warning("cannot reach the broker %s (ASCOLTO_BROKER) yet (%r); retrying in %.0fs", settings.broker,
                        exc, retry_s)
            stop.wait(retry_s)
    heartbeat.remove()
    return None


def run_forever(settings: Settings) -> int:
    """Run one processor until SIGINT/SIGTERM; returns the exit status (3 when halted).

    SIGUSR1 writes every thread's stack to stderr and lets the processor go on (a stuck member is
    read, not guessed at: docs/operations.md)."""
    import faulthandler
    import signal

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        processor = _build(settings, stop)
        if processor is None:
            return 0
        processor.run(stop)
    except Halt as exc:
        log.critical("HALTED: %s", exc)
        return 3
    except Exception as exc:
        if (failed := file_error(exc)) is None:
            raise
        log.critical("STOPPED: %s", failed)
        return EXIT_FILE_ERROR
    return 0
