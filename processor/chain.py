"""The processor's chain composed from its parts (:mod:`processor.strategies`, :mod:`processor.offload`).

    Batching ─▶ Transforming ─▶ Guarding ─▶ Offloading ══(writer thread: WritingRows ─▶ DeadLettering)══▶ Committing

Every side effect is one of the :class:`Parts`, so tests build the same chain with fakes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .failed import FailedStore
from .ids import IdIndex
from .metrics import Metrics
from .offload import Offloading
from .sink import ParquetSink
from .steps import STEPS, ServiceLookup
from .strategies import (Batch, Batching, Committing, DeadLettering, Guarding, InvalidRatioGuard, Stats, Strategy,
                         Transforming, WritingRows)


@dataclass
class Parts:
    """What the chain is built from: every side effect is one of these, so tests pass fakes."""
    consumer: Any            # commit(offsets)
    producer: Any            # send(topic, key=, value=, headers=) -> future with get(timeout=); close(timeout=)
    lookup: ServiceLookup    # facts(service key) -> registry.readmodel.ServiceView | None
    sink: ParquetSink
    failed: FailedStore
    index: Callable[[int], IdIndex]
    clock: Callable[[], float]
    metrics: Metrics
    stats: Stats = field(default_factory=Stats)


def build_chain(parts: Parts, *, dlq_topic: str, max_records: int, max_seconds: float, guard: InvalidRatioGuard,
                steps=STEPS, writer_pending: int = 1, max_bytes: int = 0) -> Batching:
    """The processor's chain, first step returned; composed explicitly, the commit last.

    ``writer_pending`` > 0: the durable steps (WritingRows, DeadLettering) run in a writer thread
    (:class:`processor.offload.Offloading`) with at most that many batches in flight, overlapping
    the next fetch and transform; 0: they run inline on the consumer thread."""
    commit = Committing(parts.consumer, parts.stats, parts.metrics)
    if writer_pending > 0:
        inner = WritingRows(DeadLettering(Offloading.terminal(), parts.producer, dlq_topic, parts.stats, parts.metrics),
                            parts.sink, parts.failed, parts.index, parts.stats, parts.metrics)
        durable: Strategy[Batch] = Offloading(inner, commit, writer_pending)
    else:
        durable = WritingRows(DeadLettering(commit, parts.producer, dlq_topic, parts.stats, parts.metrics),
                              parts.sink, parts.failed, parts.index, parts.stats, parts.metrics)
    return Batching(Transforming(Guarding(durable, guard), parts.lookup, steps), max_records, max_seconds, parts.clock,
                    max_bytes)


def drain_writer(chain: Batching) -> None:
    """Commit the batches already accepted by the writer (after a :class:`Halt`: the offending batch was
    abandoned upstream and is not among them); a no-op for an inline chain."""
    step = next((s for s in _steps(chain) if hasattr(s, "drain")), None)
    if step is not None:
        step.drain()


def _steps(chain: Batching):
    step: Any = chain
    while step is not None:
        yield step
        step = getattr(step, "next", None)


def abandon(chain: Batching) -> None:
    """Forget everything the chain holds, uncommitted, once the writer has finished what it was handed:
    for a consumer that is replaced (:meth:`processor.consumer.Processor.renew_consumer`). Nothing is
    lost — the records are read again from the committed offsets and rows already written are skipped
    as duplicates."""
    for step in _steps(chain):
        if hasattr(step, "abandon"):
            step.abandon()


def committing(chain: Batching) -> Committing:
    """The chain's last step, which commits on the consumer."""
    return next(step for step in _steps(chain) if isinstance(step, Committing))


def rebind_consumer(chain: Batching, consumer: Any) -> None:
    """Commit on ``consumer`` from now on (the replaced consumer is closed)."""
    committing(chain).consumer = consumer
