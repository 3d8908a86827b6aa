"""The processor's Kafka clients: the group member's consumer and the dead-letter producer, built from
:class:`settings.Settings`, and the partition Kafka's default partitioner gives a key."""
from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.partitioner.default import murmur2

from settings import Settings


def consumer_config(settings: Settings) -> dict[str, Any]:
    """The group member's consumer configuration (``KafkaConsumer(**consumer_config(settings))``):
    explicit commits only, from the earliest offset of a new group, the group's timeouts and the
    ``ASCOLTO_KAFKA_*`` security settings."""
    return dict(
        bootstrap_servers=settings.broker, group_id=settings.group, client_id="ascolto-processor",
        enable_auto_commit=False, auto_offset_reset="earliest",
        max_poll_records=settings.batch_max_records,
        max_poll_interval_ms=settings.max_poll_interval_ms,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=max(100, settings.session_timeout_ms // 3), **settings.kafka_options)


def kafka_consumer(settings: Settings) -> KafkaConsumer:
    """The group member's consumer (:func:`consumer_config`)."""
    return KafkaConsumer(**consumer_config(settings))


def kafka_producer(settings: Settings) -> KafkaProducer:
    """The dead-letter producer (acks=all: a dead letter is durable before its offset is committed)."""
    return KafkaProducer(bootstrap_servers=settings.broker, acks="all", client_id="ascolto-dlq",
                         **settings.kafka_options)


def key_partition(key: str, count: int) -> int:
    """The partition of ``count`` that Kafka's default partitioner (Java's and kafka-python's: murmur2 of
    the key's bytes, sign bit cleared, modulo the count) gives a record keyed ``key``."""
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % count
