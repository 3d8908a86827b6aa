"""A member that loses partitions in a rebalance commits what it read before they go.

kafka-python 3 calls a group's rebalance listener on its IO thread, where a blocking commit raises
("Cannot block on net.run() from the IO thread"): the processor logged "could not commit before the
rebalance" at every rebalance and the next owner read the uncommitted tail again (only deduplication
kept the rows exact). Against the real broker: a second member joins while the first holds an open
batch of every record."""
from __future__ import annotations

import logging
import time

from kafka import KafkaConsumer, TopicPartition

from processor.consumer import consumer_config
from tests.conftest import wait_for
from tests.processor_workload import produce, response_ids, workload


def test_the_partitions_a_joining_member_takes_are_committed_before_they_go(settings, processor_factory, caplog):
    records, subs, _ = workload(seed=5, n=60, dup_ratio=0.0, poison=0)
    produce(settings, records)
    held = settings.with_(batch_max_records=100_000, batch_max_seconds=600.0)  # one open batch until the revoke
    first = processor_factory(held, consumer_factory=lambda: ReadCounting(**consumer_config(held)))
    wait_for(lambda: first.processor.consumer.read == len(records), timeout_s=30,
             message="every record read into the open batch")
    assert response_ids(settings.data_dir) == []  # nothing written, nothing committed yet
    second = KafkaConsumer(bootstrap_servers=settings.broker, group_id=settings.group, enable_auto_commit=False,
                           max_poll_interval_ms=3000, session_timeout_ms=6000, auto_offset_reset="earliest")
    try:
        with caplog.at_level(logging.WARNING, logger="processor"):
            second.subscribe([settings.topic])
            deadline = time.monotonic() + 30
            while not second.assignment() and time.monotonic() < deadline:
                second.poll(timeout_ms=200, max_records=1)
            assert second.assignment(), "the second member joined"
            committed = {tp: second.committed(tp) for tp in _next_offsets(settings)}
        assert committed == _next_offsets(settings), "the first member committed every record it read before its partitions went"
        assert sorted(response_ids(settings.data_dir)) == sorted(s["submission_id"] for s in subs)
        assert not [r for r in caplog.records if "could not commit before the rebalance" in r.getMessage()]
    finally:
        second.close(autocommit=False)


class ReadCounting(KafkaConsumer):
    """kafka-python's consumer, as the processor builds it, counting the records its polls returned: what
    the processor has read (a record polled is in the open batch before the next poll, where a rebalance
    is run)."""

    read = 0

    def poll(self, *args, **kwargs):
        polled = super().poll(*args, **kwargs)
        self.read += sum(len(records) for records in polled.values())
        return polled


def _next_offsets(settings) -> dict[TopicPartition, int]:
    """Each partition's offset after its last record, as a reader of the whole topic sees it."""
    reader = KafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False, consumer_timeout_ms=2000)
    try:
        partitions = [TopicPartition(settings.topic, p) for p in range(3)]
        reader.assign(partitions)
        reader.seek_to_beginning()
        out: dict[TopicPartition, int] = {}
        for rec in reader:
            tp = TopicPartition(rec.topic, rec.partition)
            out[tp] = max(out.get(tp, 0), rec.offset + 1)
        return out
    finally:
        reader.close()
