"""Overlap the durable writes of one batch with the fetch and transform of the next.

    … ─▶ Guarding ─▶ Offloading ══(writer thread: WritingRows ─▶ DeadLettering)══▶ Committing

:class:`Offloading` is a strategy (the contract of :mod:`processor.strategies`) that runs the
durable steps of a batch — its rows and ``failed/`` records written, fsynced and renamed, its dead
letters acknowledged — in one writer thread, while the consumer thread goes on polling Kafka and
transforming the next batch. Writing releases the GIL for most of its time (Parquet encoding,
zstd, ``fsync``), so the two overlap even on one core.

Guarantees kept:

- **Order.** One writer thread, batches in submission order; a batch's offsets are handed to the
  next step (:class:`processor.strategies.Committing`, on the consumer thread: kafka-python's
  consumer is not thread-safe) only after its durable steps returned, and batches are committed
  in the order they were submitted — never a later batch's offsets before an earlier one's.
- **Bounded memory (backpressure).** At most ``max_pending`` batches are handed to the writer and
  not yet committed; ``submit`` raises :class:`MessageRejected` beyond that, so the consumer loop
  pauses its partitions (at most ``max_pending`` + 1 batches are held in memory).
- **Failures.** An exception of the writer (a failed write, a DLQ send not acknowledged) is raised
  on the consumer thread by the next ``poll``/``join``/``submit``; nothing of that batch or any
  later one is committed.
- ``join()`` waits for every batch handed over and commits them, in order; ``drain()`` does the
  same without touching anything upstream (used when the chain halts: the batches already
  accepted are committed, the offending one is not).
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from .strategies import Batch, MessageRejected, Strategy, Terminal


class _Sink(Terminal):
    """The end of the writer-side chain: takes the batch (the consumer thread commits it)."""

    def submit(self, batch: Batch) -> None:
        pass


class Offloading:
    """Runs ``inner`` (built on :meth:`terminal`) for each batch in one writer thread; hands finished batches
    on to ``next_step`` from :meth:`poll`/:meth:`join`, in order."""

    terminal = _Sink  # what the inner chain ends with

    def __init__(self, inner: Strategy[Batch], next_step: Strategy[Batch], max_pending: int = 1):
        self.inner, self.next = inner, next_step
        self.max_pending = max(1, max_pending)
        self._pending: deque[tuple[Batch, Future]] = deque()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ascolto-writer")

    def submit(self, batch: Batch) -> None:
        self._forward_done()
        if len(self._pending) >= self.max_pending:
            raise MessageRejected("the writer is busy with earlier batches")
        self._pending.append((batch, self._pool.submit(self.inner.submit, batch)))

    def poll(self) -> None:
        self._forward_done()
        self.next.poll()

    def drain(self) -> None:
        """Wait for every batch handed to the writer and commit them, in order."""
        while self._pending:
            batch, future = self._pending[0]
            future.result()  # raises the writer's exception: nothing of it (or later) committed
            self._pending.popleft()
            self.next.submit(batch)

    def abandon(self) -> None:
        """Wait for the writer to finish what it was handed (success or not), then forget it uncommitted:
        its rows are durable or absent, and read again from the committed offsets they are deduplicated."""
        while self._pending:
            _, future = self._pending.popleft()
            try:
                future.result()
            except BaseException:  # noqa: BLE001 — abandoned: neither written for sure nor committed
                pass

    def join(self) -> None:
        self.drain()
        self.next.join()

    def close(self) -> None:
        try:
            self._pool.shutdown(wait=True)
        finally:
            self.inner.close()
            self.next.close()

    def _forward_done(self) -> None:
        while self._pending and self._pending[0][1].done():
            batch, future = self._pending.popleft()
            try:
                future.result()
            except BaseException:
                self._pending.appendleft((batch, future))  # keep it: later calls raise again, never commit
                raise
            self.next.submit(batch)

    def pending(self) -> int:
        return len(self._pending)
