"""Durable acknowledgement: group commit of concurrent submissions to Kafka, falling back to the spool.

A request thread hands its encoded envelope to :meth:`Durability.submit` and blocks until the
envelope is durable: either the broker acknowledged the record carrying it (acks=all), or the
record was fsynced to the local :class:`~collector.spool.Spool`. One committer thread per process
takes every envelope waiting at that moment and sends them as one record (group commit), so the
per-record cost of the Kafka client is paid once per batch instead of once per request. A batch
becomes one record per service key (the record key, as the design asks); batches are sent
without waiting for the previous batch's acknowledgement (the client pipelines up to its
in-flight limit), and each acknowledgement releases its requests.

When a send fails the process switches to *spooling*: batches go straight to the spool, and a
replayer thread sends spooled records to the broker, in order, once it answers again; then the
process switches back. A record replayed after a crash may reach Kafka twice; the processor
stores each ``submission_id`` once.
"""
from __future__ import annotations

import logging
from collections import deque
import os
import threading
import time
from dataclasses import dataclass, field

from kafka import KafkaProducer
from kafka.errors import KafkaError

from questionnaires.envelope import BATCH_SCHEMA

from . import metrics
from .spool import Spool, SpoolFull

log = logging.getLogger("ascolto.collector")

_BATCH_HEAD = b'{"schema":"' + BATCH_SCHEMA.encode() + b'","envelopes":['


class Unavailable(RuntimeError):
    """Neither the broker nor the spool could take the submission: answer 503."""


@dataclass
class _Slot:
    key: bytes
    value: bytes
    done: threading.Event = field(default_factory=threading.Event)
    outcome: str | None = None  # "broker", "spool" or None (failed)


def batch_value(envelopes: list[bytes]) -> bytes:
    """The record value for already-encoded envelopes (see ``questionnaires.envelope``)."""
    if len(envelopes) == 1:
        return envelopes[0]
    return _BATCH_HEAD + b",".join(envelopes) + b"]}"


class Durability:
    """Per-process durability stage; start it in the process that serves requests (after fork)."""

    def __init__(self, bootstrap: str, topic: str, spool: Spool, *, timeout_s: float = 5.0,
                 max_batch: int = 500, max_batch_bytes: int = 900_000):
        self.bootstrap, self.topic, self.spool = bootstrap, topic, spool
        self.timeout_s, self.max_batch, self.max_batch_bytes = timeout_s, max_batch, max_batch_bytes
        self._queue: deque[_Slot] = deque()
        self._failed: list[tuple[bytes, bytes, list[_Slot]]] = []
        self._inflight = 0
        self._cond = threading.Condition()
        self._producer: KafkaProducer | None = None
        self._producer_lock = threading.Lock()
        self.spooling = False
        self._stop = threading.Event()
        self._pid: int | None = None
        self._threads: list[threading.Thread] = []

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "Durability":
        """Start the committer and replayer threads of this process (idempotent per process)."""
        if self._pid == os.getpid():
            return self
        self._pid, self._producer, self._queue, self._failed, self._inflight = os.getpid(), None, deque(), [], 0
        self._stop.clear()
        self._threads = [threading.Thread(target=self._commit_loop, name="ascolto-committer", daemon=True),
                         threading.Thread(target=self._replay_loop, name="ascolto-replayer", daemon=True)]
        for t in self._threads:
            t.start()
        return self

    def close(self) -> None:
        """Stop the threads after the queued envelopes are durable; close the producer."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for t in self._threads:
            t.join(self.timeout_s + 5)
        self.spool.seal()
        with self._producer_lock:
            if self._producer is not None:
                self._producer.close(timeout=5)
                self._producer = None
        self._pid = None

    # --- request side -------------------------------------------------------------------------

    def submit(self, key: str, envelope: bytes) -> str:
        """Block until ``envelope`` (for service ``key``) is durable; return ``"broker"`` or ``"spool"``.

        Raises :class:`Unavailable` when neither could take it in time.
        """
        self.start()
        slot = _Slot(key.encode("utf-8"), envelope)
        with self._cond:
            self._queue.append(slot)
            self._cond.notify()
        if not slot.done.wait(self.timeout_s * 2 + 5) or slot.outcome is None:
            raise Unavailable("the submission could not be made durable")
        return slot.outcome

    @property
    def state(self) -> str:
        return "spooling" if self.spooling else "direct"

    # --- committer ----------------------------------------------------------------------------

    def _take_batch(self) -> tuple[list[_Slot], list[tuple[bytes, bytes, list[_Slot]]]]:
        """Wait for work; return the queued slots and the records the broker failed to take."""
        with self._cond:
            while not self._queue and not self._failed and not self._stop.is_set():
                self._cond.wait(0.5)
            failed, self._failed = self._failed, []
            batch, size = [], 0
            while self._queue and len(batch) < self.max_batch and (
                    not batch or size + len(self._queue[0].value) < self.max_batch_bytes):
                slot = self._queue.popleft()
                batch.append(slot)
                size += len(slot.value)
            return batch, failed

    def _commit_loop(self) -> None:
        """Send each batch without waiting for the previous acks (up to the client's in-flight
        limit); acks complete the slots from the client's thread, failures come back here.
        Nothing may end this thread: an unexpected error fails its batch (503) and the loop goes on."""
        while True:
            batch, failed = self._take_batch()
            try:
                self._commit(batch, failed)
            except Exception:
                log.exception("committer error; the batch is answered 503")
                self._complete(batch + [s for _, _, slots in failed for s in slots], None)
            if not batch and self._stop.is_set() and not self._inflight:
                return

    def _commit(self, batch: list[_Slot], failed: list[tuple[bytes, bytes, list[_Slot]]]) -> None:
        if failed:
            self.spooling = True
            self._reset_producer()
            for key, value, slots in failed:
                self._spool([(key, value)], slots)
        by_key: dict[bytes, list[_Slot]] = {}
        for slot in batch:
            by_key.setdefault(slot.key, []).append(slot)
        for key, slots in by_key.items():
            value = batch_value([s.value for s in slots])
            if self.spooling:
                self._spool([(key, value)], slots)
                continue
            try:
                future = self._send(key, value)
            except (KafkaError, OSError) as exc:
                log.warning("broker unavailable (%s); spooling", exc)
                self.spooling = True
                self._reset_producer()
                self._spool([(key, value)], slots)
                continue
            with self._cond:
                self._inflight += 1
            future.add_callback(self._acked, slots, time.perf_counter())
            future.add_errback(self._not_acked, key, value, slots)

    def _acked(self, slots: list[_Slot], started: float, _metadata) -> None:
        metrics.PRODUCE_SECONDS.observe(time.perf_counter() - started)
        self._complete(slots, "broker")
        with self._cond:
            self._inflight -= 1

    def _not_acked(self, key: bytes, value: bytes, slots: list[_Slot], exc) -> None:
        """Runs in the Kafka client's thread: hand the record back to the committer to spool."""
        log.warning("broker did not acknowledge (%s); spooling", exc)
        with self._cond:
            self._inflight -= 1
            self._failed.append((key, value, slots))
            self._cond.notify()

    def _spool(self, records: list[tuple[bytes, bytes]], slots: list[_Slot]) -> None:
        try:
            self.spool.append([key + b"\t" + value for key, value in records])
        except SpoolFull as exc:
            log.error("spool cannot take submissions: %s", exc)
            self._complete(slots, None)
            return
        metrics.SPOOLED.inc(len(slots))
        self._complete(slots, "spool")

    @staticmethod
    def _complete(slots: list[_Slot], outcome: str | None) -> None:
        for slot in slots:
            slot.outcome = outcome
            slot.done.set()

    def _send(self, key: bytes, value: bytes):
        return self._get_producer().send(self.topic, key=key, value=value)

    def _reset_producer(self) -> None:
        """Drop the producer after a failure: a broker that comes back may not know its producer id."""
        with self._producer_lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout=0)
            except Exception:  # closing a broken client must not stop the stage
                log.debug("closing the failed producer", exc_info=True)

    def _get_producer(self) -> KafkaProducer:
        with self._producer_lock:
            if self._producer is None:
                self._producer = KafkaProducer(
                    bootstrap_servers=self.bootstrap, acks="all", linger_ms=0, retries=3,
                    max_request_size=1_048_576, max_block_ms=int(self.timeout_s * 1000),
                    request_timeout_ms=int(self.timeout_s * 1000),
                    delivery_timeout_ms=int(self.timeout_s * 1000) + 1000,
                    bootstrap_timeout_ms=int(self.timeout_s * 1000), client_id="ascolto-collector")
            return self._producer

    # --- replayer -----------------------------------------------------------------------------

    def _replay_loop(self) -> None:
        delay = 0.5
        while not self._stop.wait(delay):
            try:
                if self.spooling or self.spool.is_writing():
                    self.spool.seal()
                pending = self.spool.claimable()
                if not pending:
                    self.spooling = False if not self.spool.is_writing() else self.spooling
                    delay = 0.5
                    continue
                for path in pending:
                    self._replay(path)
                if not self.spool.claimable() and not self.spool.is_writing():
                    if self.spooling:
                        log.info("broker is back; spool replayed")
                    self.spooling = False
                delay = 0.2
            except (KafkaError, OSError) as exc:
                log.info("spool replay waits for the broker: %s", exc)
                self._reset_producer()
                delay = min(5.0, delay * 2)
            except Exception:  # the replayer must survive anything; it retries
                log.exception("spool replay failed")
                delay = 5.0

    def _replay(self, path) -> None:
        claim = self.spool.claim(path)
        if claim is None:
            return
        try:
            futures = [self._send(*line.split(b"\t", 1)) for line in claim.values()]
            for f in futures:
                f.get(timeout=self.timeout_s)
            metrics.REPLAYED.inc(len(futures))
            claim.done()
        finally:
            claim.release()
