"""The processor's rebalance listeners: what a group member does when Kafka takes its partitions or gives
it new ones (:meth:`processor.consumer.Processor.on_revoked`, ``on_revoked_async``, ``on_assigned``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kafka import AsyncConsumerRebalanceListener, ConsumerRebalanceListener, KafkaConsumer

if TYPE_CHECKING:
    from .consumer import Processor


class _Rebalance(ConsumerRebalanceListener):
    """The listener for a consumer that calls it where it may block (the tests' fakes)."""

    def __init__(self, processor: "Processor"):
        self.processor = processor

    def on_partitions_revoked(self, revoked):
        self.processor.on_revoked(revoked)

    def on_partitions_assigned(self, assigned):
        self.processor.on_assigned(assigned)


class _AsyncRebalance(AsyncConsumerRebalanceListener):
    """The listener for kafka-python's consumer, which calls it on its IO thread, where a blocking
    commit raises ("Cannot block on net.run() from the IO thread"): the revocation's commit is awaited
    (:meth:`Processor.on_revoked_async`), so what was read is committed before the partitions go."""

    def __init__(self, processor: "Processor"):
        self.processor = processor

    async def on_partitions_revoked(self, revoked):
        await self.processor.on_revoked_async(revoked)

    async def on_partitions_assigned(self, assigned):
        self.processor.on_assigned(assigned)


def listener(processor: "Processor", consumer: Any) -> ConsumerRebalanceListener | AsyncConsumerRebalanceListener:
    """kafka-python's consumer gets the awaiting listener; an injected one (a fake) the plain one."""
    return _AsyncRebalance(processor) if isinstance(consumer, KafkaConsumer) else _Rebalance(processor)
