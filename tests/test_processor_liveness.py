"""The processor's group-membership watchdog (processor/liveness.py) and the consumer renewal it drives
(Processor.renew_consumer), with the in-memory fakes: a Kafka client that never completes its join is
replaced, and the replacement resumes from the committed offsets with every row exactly once."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, TopicAuthorizationFailedError

from dataset import files
from processor.consumer import Processor, _Rebalance
from processor.liveness import JoinWatchdog
from settings import Settings, load

from .processor_fakes import FakeClock, FakeConsumer, FakeLookup, FakeProducer, record_value, submission

TOPIC = "t.submissions"


class NeverJoins(FakeConsumer):
    """A client whose group join never completes (issue 18): no assignment, polls return nothing."""

    def subscribe(self, topics, listener=None):
        self.listener = listener

    def assignment(self):
        return set()

    def poll(self, timeout_ms=0):
        return {}


def test_the_watchdog_counts_only_time_out_of_the_group():
    clock = FakeClock()
    dog = JoinWatchdog(10, clock)
    clock.now = 9.9
    assert not dog.expired()
    clock.now = 10
    assert dog.expired()
    dog.joined()
    clock.now = 100
    assert not dog.expired() and dog.out_for() == 0
    dog.left()  # a rebalance starts: out of the group from now
    clock.now = 105
    assert not dog.expired() and dog.out_for() == 5
    clock.now = 110
    assert dog.expired()
    dog.restart()
    assert not dog.expired()
    assert not JoinWatchdog(0, clock).expired() and not JoinWatchdog(-1, clock).expired()


def test_the_join_timeout_outlasts_a_legitimate_join():
    assert Settings().join_timeout_s == 300 + 10 + 30
    assert Settings(max_poll_interval_ms=3000, session_timeout_ms=6000).join_timeout_s == 39
    assert Settings(group_join_timeout_s=12).join_timeout_s == 12
    assert load({"ASCOLTO_GROUP_JOIN_TIMEOUT_S": "45"}).join_timeout_s == 45
    assert load({"ASCOLTO_GROUP_JOIN_TIMEOUT_S": "-1"}).join_timeout_s < 0  # never


def _processor(tmp_path, consumers: list, clock: FakeClock) -> Processor:
    s = Settings(data_dir=tmp_path / "data", topic=TOPIC, batch_max_records=2, batch_max_seconds=0.0, dlq_window=0,
                 group_join_timeout_s=30)
    made = iter(consumers)
    return Processor(s, producer=FakeProducer(), lookup=FakeLookup(), clock=clock, consumer_factory=lambda: next(made))


def _start(proc: Processor) -> None:  # what run() does before its loop
    proc.consumer.subscribe([TOPIC], listener=_Rebalance(proc))
    proc.watchdog.restart()


def _drive(proc, consumer, turns: int = 500) -> None:
    """Step until ``consumer`` has everything committed (the writer is a real thread)."""
    for _ in range(turns):
        proc.step(timeout_ms=0)
        if consumer.caught_up():
            return
        time.sleep(0.002)
    proc.flush()


def _rows(proc) -> Counter:
    return Counter(files.submission_ids(proc.settings.data_dir))


def test_a_consumer_that_never_joins_is_replaced_and_the_new_one_consumes(tmp_path):
    subs = [submission() for _ in range(5)]
    log = {0: [(b"svc-a", record_value(s)) for s in subs[:3]], 1: [(b"svc-a", record_value(s)) for s in subs[3:]]}
    stuck, fresh = NeverJoins(TOPIC, log), FakeConsumer(TOPIC, log)
    clock = FakeClock()
    proc = _processor(tmp_path, [stuck, fresh], clock)
    _start(proc)
    for _ in range(5):
        clock.now += 5  # 25 s out of the group: not yet
        proc.step(timeout_ms=0)
    assert proc.consumer is stuck and proc.renewals == 0
    clock.now += 5
    proc.step(timeout_ms=0)
    assert proc.consumer is fresh and proc.renewals == 1
    assert stuck.closed and stuck.committed == {}
    _drive(proc, fresh)
    assert fresh.caught_up()
    assert _rows(proc) == Counter(s["submission_id"] for s in subs)
    clock.now += 1000  # in the group now: never replaced again
    proc.step(timeout_ms=0)
    assert proc.consumer is fresh and proc.renewals == 1


def test_the_replacement_resumes_from_the_committed_offsets_and_writes_nothing_twice(tmp_path):
    subs = [submission() for _ in range(6)]
    log = {0: [(b"svc-a", record_value(s)) for s in subs]}
    first = FakeConsumer(TOPIC, log, max_records=4)
    clock = FakeClock()
    fresh = FakeConsumer(TOPIC, log)
    proc = _processor(tmp_path, [first, fresh], clock)
    _start(proc)
    proc.step(timeout_ms=0)  # 4 records: two batches of 2 (the second one waits for the writer)
    while proc._carry:
        proc.step(timeout_ms=0)
    proc.flush()             # committed: offset 4
    assert first.committed == {0: 4}

    def gone(offsets):  # then the broker goes away: the next commits fail (bounded by request_timeout_ms)
        raise KafkaTimeoutError("commit")
    first.on_commit = gone
    proc.step(timeout_ms=0)  # the last 2 records are written but cannot be committed
    while proc._carry:
        proc.step(timeout_ms=0)
    proc.flush()
    assert first.committed == {0: 4} and len(_rows(proc)) == 6
    first.listener.on_partitions_revoked(first.assignment())  # the client loses the group, never rejoins
    first.poll = lambda timeout_ms=0: {}
    clock.now += 31
    fresh.committed, fresh.position = dict(first.committed), dict(first.committed)
    proc.step(timeout_ms=0)
    assert proc.consumer is fresh and first.closed
    _drive(proc, fresh)
    assert fresh.caught_up() and fresh.committed == {0: 6}
    assert _rows(proc) == Counter(s["submission_id"] for s in subs)  # the replayed two were skipped
    assert proc.stats.duplicates == 2


def test_a_replacement_that_cannot_be_built_is_retried(tmp_path):
    log = {0: [(b"svc-a", record_value(submission()))]}
    clock = FakeClock()
    attempts = []

    def factory():
        attempts.append(clock.now)
        if len(attempts) == 1:
            return NeverJoins(TOPIC, log)
        if len(attempts) == 2:
            raise KafkaTimeoutError("Unable to bootstrap")
        return FakeConsumer(TOPIC, log)
    s = Settings(data_dir=tmp_path / "data", topic=TOPIC, batch_max_records=1, batch_max_seconds=0.0, dlq_window=0,
                 group_join_timeout_s=30)
    proc = Processor(s, producer=FakeProducer(), lookup=FakeLookup(), clock=clock, consumer_factory=factory)
    _start(proc)
    clock.now = 30
    proc.step(timeout_ms=0)
    assert proc.consumer is None and len(attempts) == 2
    proc.step(timeout_ms=0)  # tried again at once: no consumer, nothing to watch
    assert proc.consumer is not None and len(attempts) == 3
    _drive(proc, proc.consumer)
    assert len(_rows(proc)) == 1


def test_an_injected_consumer_without_a_factory_is_never_replaced(tmp_path):
    clock = FakeClock()
    stuck = NeverJoins(TOPIC, {0: []})
    s = Settings(data_dir=tmp_path / "data", topic=TOPIC, group_join_timeout_s=1)
    proc = Processor(s, consumer=stuck, producer=FakeProducer(), lookup=FakeLookup(), clock=clock)
    _start(proc)
    clock.now = 1000
    proc.step(timeout_ms=0)
    assert proc.consumer is stuck


def test_a_revoke_whose_commit_is_refused_forgets_the_batches_and_the_next_owner_replays(tmp_path):
    """kafka-python 3 calls the rebalance listener on its IO thread and refuses a blocking commit there
    (RuntimeError): the revoke must not fail poll(); its batches stay uncommitted and are replayed."""
    subs = [submission() for _ in range(4)]
    log = {0: [(b"svc-a", record_value(s)) for s in subs]}
    clock = FakeClock()
    first, fresh = FakeConsumer(TOPIC, log), FakeConsumer(TOPIC, log)
    proc = _processor(tmp_path, [first, fresh], clock)
    _start(proc)

    def refused(offsets):
        raise RuntimeError("Cannot block on net.run() from the IO thread itself.")
    first.on_commit = refused
    proc.step(timeout_ms=0)
    first.listener.on_partitions_revoked(first.assignment())  # no exception out of the listener
    assert first.committed == {} and proc.halted is None
    first.poll = lambda timeout_ms=0: {}
    clock.now += 31
    proc.step(timeout_ms=0)
    assert proc.consumer is fresh
    _drive(proc, fresh)
    assert fresh.committed == {0: 4}
    assert _rows(proc) == Counter(s["submission_id"] for s in subs)


def _failing_first(fn, errors: list):
    """``fn``, except that its first calls raise ``errors`` in turn."""
    left = iter(errors)

    def call(*args, **kwargs):
        exc = next(left, None)
        if exc is not None:
            raise exc
        return fn(*args, **kwargs)
    return call


def test_a_poll_that_fails_while_the_broker_is_away_does_not_end_the_processor(tmp_path):
    """kafka-python 3 can raise its connection error out of ``poll()`` while the broker is away (its
    coordinator lookup refreshes the metadata and lets the refusal through): in a fault-suite run the
    processor exited with it and consumed nothing more. It polls again, and every row comes once."""
    subs = [submission() for _ in range(4)]
    consumer = FakeConsumer(TOPIC, {0: [(b"svc-a", record_value(s)) for s in subs]})
    proc = _processor(tmp_path, [consumer], FakeClock())
    proc.poll_retry_s = 0.0
    _start(proc)
    consumer.poll = _failing_first(consumer.poll, [KafkaConnectionError("111 ECONNREFUSED")] * 3)
    for _ in range(3):
        proc.step(timeout_ms=0)
    assert proc.halted is None and consumer.position == {}
    _drive(proc, consumer)
    assert consumer.committed == {0: 4}
    assert _rows(proc) == Counter(s["submission_id"] for s in subs)


def test_a_poll_that_fails_for_good_is_not_hidden(tmp_path):
    """A non-retriable error (the group may not read the topic) is configuration, not an outage:
    it ends the loop, where the operator sees it."""
    consumer = FakeConsumer(TOPIC, {0: []})
    proc = _processor(tmp_path, [consumer], FakeClock())
    _start(proc)
    consumer.poll = _failing_first(consumer.poll, [TopicAuthorizationFailedError()])
    with pytest.raises(TopicAuthorizationFailedError):
        proc.step(timeout_ms=0)


def test_a_commit_that_fails_while_the_broker_is_away_is_covered_by_the_next(tmp_path):
    """The rows of a batch whose commit met the broker away are written; the next batch's commit
    covers its offsets, and nothing is written twice."""
    subs = [submission() for _ in range(4)]
    consumer = FakeConsumer(TOPIC, {0: [(b"svc-a", record_value(s)) for s in subs]})
    proc = _processor(tmp_path, [consumer], FakeClock())
    _start(proc)
    consumer.on_commit = _failing_first(lambda offsets: None, [KafkaConnectionError("111 ECONNREFUSED")])
    _drive(proc, consumer)
    assert proc.halted is None and consumer.committed == {0: 4}
    assert _rows(proc) == Counter(s["submission_id"] for s in subs)
