"""The processor's strategy chain with in-memory fakes (no broker): exactly-once order, dedup, dead
letters, halt, batching by age, backpressure. The same code runs against Tansu in test_processor*.py."""
from __future__ import annotations

import threading
import time

import pytest

from settings import Settings
from dataset import files
from processor.consumer import Halt, Processor
from processor.failed import FailedStore
from processor.strategies import Batching, MessageRejected

from .processor_fakes import FakeClock, FakeConsumer, FakeLookup, FakeProducer, record_value, submission

TOPIC = "t.submissions"


def make(tmp_path, log, *, producer=None, clock=None, lookup=None, committed=None, **settings):
    s = Settings(data_dir=tmp_path / "data", topic=TOPIC, batch_max_records=settings.pop("batch", 50),
                 batch_max_seconds=settings.pop("seconds", 0.0), dlq_window=settings.pop("window", 0), **settings)
    consumer = FakeConsumer(TOPIC, log, committed=committed)
    proc = Processor(s, consumer=consumer, producer=producer or FakeProducer(), lookup=lookup or FakeLookup(),
                     clock=clock or FakeClock())
    return proc, consumer


def run_until_caught_up(proc, consumer, turns: int = 50):
    consumer.subscribe([TOPIC], listener=proc_listener(proc))
    for _ in range(turns):
        proc.step(timeout_ms=0)
        if consumer.caught_up():
            return
    proc.flush()


def proc_listener(proc):
    from processor.consumer import _Rebalance
    return _Rebalance(proc)


def ids(proc) -> list[str]:
    return sorted(files.submission_ids(proc.settings.data_dir))


def test_rows_and_dead_letters_are_durable_before_their_offsets_are_committed(tmp_path):
    subs = [submission() for _ in range(6)]
    log = {0: [(b"svc-a", record_value(*subs[:3])), (b"x", b"\x00 poison"), (b"svc-a", record_value(subs[3]))],
           1: [(b"svc-b", record_value(submission("svc-b", sid=subs[4]["submission_id"]))),
               (b"svc-a", record_value(subs[5]))]}
    producer = FakeProducer()
    proc, consumer = make(tmp_path, log, producer=producer)
    seen = []

    def check(offsets):  # at commit time, everything before the offsets is already on disk and acknowledged
        seen.append((sorted(ids(proc)), len(FailedStore(proc.settings.data_dir).list()), len(producer.sent)))
    consumer.on_commit = check
    run_until_caught_up(proc, consumer)
    assert consumer.committed == {0: 3, 1: 2}
    assert seen == [(sorted(s["submission_id"] for s in subs), 1, 1)]
    assert producer.sent[0]["headers"]["ascolto.reason"] == b"undecodable"
    assert producer.sent[0]["headers"]["ascolto.source"] == f"{TOPIC}/0/1".encode()


def test_the_same_submission_id_is_written_once_within_and_across_batches(tmp_path):
    a, b = submission(), submission()
    log = {0: [(b"svc-a", record_value(a, a)), (b"svc-a", record_value(b)), (b"svc-a", record_value(a))]}
    proc, consumer = make(tmp_path, log, batch=2)
    run_until_caught_up(proc, consumer)
    assert ids(proc) == sorted([a["submission_id"], b["submission_id"]])
    assert (proc.stats.written, proc.stats.duplicates, proc.stats.batches) == (2, 2, 2)


def test_a_crash_before_the_commit_replays_the_batch_without_a_second_row(tmp_path):
    subs = [submission() for _ in range(4)]
    log = {0: [(b"svc-a", record_value(s)) for s in subs]}
    proc, consumer = make(tmp_path, log)

    def crash(offsets):
        raise RuntimeError("killed between write and commit")
    consumer.on_commit = crash
    with pytest.raises(RuntimeError):
        run_until_caught_up(proc, consumer)
    assert consumer.committed == {} and len(ids(proc)) == 4
    proc.fence.release_all()  # its process died: the OS released its partitions' locks (processor.fence)
    again, consumer2 = make(tmp_path, log)  # a new member starts from the last committed offset (none)
    run_until_caught_up(again, consumer2)
    assert consumer2.committed == {0: 4} and len(ids(again)) == 4
    assert (again.stats.written, again.stats.duplicates) == (0, 4)


def test_an_unacknowledged_dead_letter_commits_nothing(tmp_path):
    log = {0: [(b"svc-a", record_value(submission())), (b"x", b"garbage")]}
    proc, consumer = make(tmp_path, log, producer=FakeProducer(error=TimeoutError("no ack")))
    with pytest.raises(TimeoutError):
        run_until_caught_up(proc, consumer)
    assert consumer.committed == {}


def test_a_mostly_invalid_window_halts_with_nothing_written_or_committed(tmp_path):
    log = {0: [(b"svc-a", record_value(submission()))] + [(b"x", b"garbage %d" % i) for i in range(9)]}
    proc, consumer = make(tmp_path, log, window=10, dlq_max_ratio=0.5)
    consumer.subscribe([TOPIC], listener=proc_listener(proc))
    with pytest.raises(Halt):
        proc.step(timeout_ms=0)
        proc.flush()
    assert consumer.committed == {} and ids(proc) == [] and FailedStore(proc.settings.data_dir).list() == []


def test_a_halted_run_closes_and_reports(tmp_path):
    log = {0: [(b"x", b"garbage %d" % i) for i in range(10)]}
    proc, consumer = make(tmp_path, log, window=10, dlq_max_ratio=0.5)
    with pytest.raises(Halt):
        proc.run(threading.Event())
    assert consumer.closed and consumer.committed == {}
    assert f'ascolto_processor_halted{{processor="{proc.settings.instance}"}} 1.0' in proc.settings.processor_metrics_file.read_text()


def test_a_batch_is_handed_on_when_full_or_old_enough_by_the_injected_clock(tmp_path):
    clock = FakeClock()
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(3)]}
    proc, consumer = make(tmp_path, log, clock=clock, batch=100, seconds=1.0)
    consumer.subscribe([TOPIC], listener=proc_listener(proc))
    proc.step(timeout_ms=0)
    clock.now = 0.9
    settle(proc, consumer, {0: 3}, seconds=0.3)
    assert consumer.committed == {}
    clock.now = 1.0
    settle(proc, consumer, {0: 3})  # the writer thread commits it on a following turn; the clock stands still
    assert consumer.committed == {0: 3}


def settle(proc, consumer, expected, seconds=10.0):
    """Turn the loop (without advancing any clock) until ``expected`` is committed or ``seconds`` passed."""
    deadline = time.monotonic() + seconds
    while consumer.committed != expected and time.monotonic() < deadline:
        proc.step(timeout_ms=0)
        time.sleep(0.01)


def test_the_next_batch_is_transformed_while_the_writer_writes_and_commits_keep_their_order(tmp_path):
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(7)]}
    proc, consumer = make(tmp_path, log, batch=2, writer_pending=1)
    gate, commits = threading.Event(), []
    write = proc.sink.write_works
    proc.sink.write_works = lambda *a: (gate.wait(10), write(*a))[1]
    consumer.on_commit = lambda offsets: commits.append({tp.partition: m.offset for tp, m in offsets.items()})
    consumer.subscribe([TOPIC], listener=proc_listener(proc))
    for _ in range(3):
        proc.step(timeout_ms=0)
    held = proc.chain._held  # batch 2 waits for the writer (busy with batch 1) already transformed
    assert held is not None and held.out is not None and len(held.out.accepted) == 2
    assert consumer.paused == {0} and consumer.committed == {} and ids(proc) == []  # bounded: one batch in flight
    gate.set()
    settle(proc, consumer, {0: 7})
    proc.flush()
    assert commits == [{0: 2}, {0: 4}, {0: 6}, {0: 7}] and len(ids(proc)) == 7


def test_a_failed_write_commits_neither_its_batch_nor_any_later_one(tmp_path):
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(6)]}
    proc, consumer = make(tmp_path, log, batch=2, writer_pending=1)
    write, calls = proc.sink.write_works, []

    def failing(*a):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return write(*a)
    proc.sink.write_works = failing
    with pytest.raises(OSError, match="disk full"):
        run_until_caught_up(proc, consumer)
        time.sleep(0.2)
        proc.flush()
    assert consumer.committed == {0: 2}


@pytest.mark.parametrize("writer_pending", [0, 1])
def test_a_halt_commits_the_batches_before_the_window_and_nothing_of_it(tmp_path, writer_pending):
    good = [(b"svc-a", record_value(submission())) for _ in range(4)]
    log = {0: good + [(b"x", b"garbage %d" % i) for i in range(4)]}
    proc, consumer = make(tmp_path, log, batch=4, window=4, dlq_max_ratio=0.5, writer_pending=writer_pending)
    with pytest.raises(Halt):
        proc.run(threading.Event())
    assert consumer.committed == {0: 4} and len(ids(proc)) == 4
    assert FailedStore(proc.settings.data_dir).list() == []


class Gate:
    """A next step that rejects while closed (a slow downstream)."""

    def __init__(self):
        self.open, self.taken = False, []

    def submit(self, batch):
        if not self.open:
            raise MessageRejected("busy")
        self.taken.append(len(batch.records))

    def poll(self):
        pass

    def join(self):
        pass

    def close(self):
        pass


def test_backpressure_pauses_the_consumer_and_loses_nothing(tmp_path):
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(7)]}
    proc, consumer = make(tmp_path, log)
    gate = Gate()
    proc.chain = Batching(gate, max_records=2, max_seconds=60, clock=FakeClock())
    consumer.subscribe([TOPIC], listener=proc_listener(proc))
    proc.step(timeout_ms=0)  # 7 polled: a batch of 2 is held by the gate, the rest waits in the loop
    assert consumer.paused == {0} and gate.taken == []
    proc.step(timeout_ms=0)
    assert consumer.position[0] == 7 and consumer.paused == {0}  # paused: nothing more is fetched
    gate.open = True
    for _ in range(4):
        proc.step(timeout_ms=0)
    proc.flush()
    assert consumer.paused == set() and consumer.pauses == 1 and gate.taken == [2, 2, 2, 1]


def test_batching_rejects_while_its_batch_is_refused_and_hands_it_over_on_poll():
    gate = Gate()
    batching = Batching(gate, max_records=1, max_seconds=60, clock=FakeClock())
    batching.submit("r1")
    with pytest.raises(MessageRejected):
        batching.submit("r2")
    gate.open = True
    batching.poll()
    batching.submit("r2")
    assert gate.taken == [1, 1]


def test_a_run_keeps_the_cyclic_gc_out_of_its_batches_and_restores_it(tmp_path):
    """Automatic collections would walk the batches alive again and again; the run collects every
    GC_EVERY batches instead, and gives the collector back when it returns."""
    import gc

    from processor.consumer import GC_EVERY
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(2 * (GC_EVERY + 2))]}
    proc, consumer = make(tmp_path, log, batch=2)
    stop, enabled, passes = threading.Event(), [], []

    def on_commit(offsets):
        enabled.append(gc.isenabled())
        if max(m.offset for m in offsets.values()) >= len(log[0]):
            stop.set()
    consumer.on_commit = on_commit

    def count(phase, info):
        if phase == "start":
            passes.append(info["generation"])
    gc.callbacks.append(count)
    try:
        proc.run(stop)
    finally:
        gc.callbacks.remove(count)
    assert consumer.committed == {0: len(log[0])} and len(enabled) == GC_EVERY + 2
    assert not any(enabled) and gc.isenabled()
    assert len(passes) <= 3  # the one before the run (tune_gc), one after GC_EVERY batches, perhaps one idle


def test_freshness_counts_each_envelope_in_the_bucket_its_delay_falls_in():
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from prometheus_client import CollectorRegistry, generate_latest

    from processor.metrics import Freshness

    registry = CollectorRegistry()
    fresh = Freshness(registry, buckets=(1.0, 5.0))
    now = 1_800_000_000.0

    def work(age):
        return SimpleNamespace(env={"received_at": datetime.fromtimestamp(now - age, timezone.utc)})

    fresh.observe_batch(now, [work(0.5), work(1.0), work(4.0), work(3600.0), SimpleNamespace(env=None)])
    text = generate_latest(registry).decode()
    assert 'ascolto_processor_freshness_seconds_bucket{le="1.0"} 2.0' in text  # a bound is inclusive
    assert 'ascolto_processor_freshness_seconds_bucket{le="5.0"} 3.0' in text
    assert 'ascolto_processor_freshness_seconds_bucket{le="+Inf"} 4.0' in text
    assert "ascolto_processor_freshness_seconds_count 4.0" in text
    assert "ascolto_processor_freshness_seconds_sum 3605.5" in text


def test_batching_closes_a_batch_when_its_record_values_reach_max_bytes():
    """The byte bound, beside the count: three records of 400 bytes fill a 1,000-byte batch."""
    from .processor_fakes import Rec

    gate = Gate()
    gate.open = True
    batching = Batching(gate, max_records=100, max_seconds=60, clock=FakeClock(), max_bytes=1000)
    for i in range(7):
        batching.submit(Rec(TOPIC, 0, i, b"k", b"x" * 400))
    batching.join()
    assert gate.taken == [3, 3, 1]


def test_a_backlog_of_large_records_is_read_in_batches_bounded_by_bytes_and_written_once(tmp_path):
    """A record may carry hundreds of envelopes (the shipper packs a backlog so): a batch is bounded
    by the size of its records' values, not only by their count, so memory stays bounded."""
    subs = [submission() for _ in range(300)]
    values = [record_value(*subs[i:i + 50]) for i in range(0, 300, 50)]  # 6 records of 50 envelopes
    log = {0: [(b"svc-a", v) for v in values]}
    proc, consumer = make(tmp_path, log, batch=2000, batch_max_bytes=2 * min(map(len, values)), writer_pending=0)
    run_until_caught_up(proc, consumer)
    assert proc.stats.batches == 3  # without the bound: one batch of all 300 envelopes
    assert ids(proc) == sorted(s["submission_id"] for s in subs)
    assert consumer.committed[0] == 6


def test_processors_sharing_the_metrics_directory_export_distinct_series_and_a_restart_adds_no_file(tmp_path):
    """node_exporter merges the textfiles of ``DATA_DIR/metrics`` (shared by every member): two samples of
    one name and label set collide and one is dropped, and a file left by a dead process is exported
    forever. Each processor writes the file of its instance, its samples labelled with it."""
    from prometheus_client.parser import text_string_to_metric_families

    def member(instance: str, pid: int):
        proc, consumer = make(tmp_path, {0: [(b"svc-a", record_value(submission()))]},
                              processor_instance=instance, collector_id=f"host-{pid}")
        run_until_caught_up(proc, consumer)
        return proc

    member("p1", 100), member("p2", 200)
    restarted = member("p1", 101)  # ascolto-processor@1 restarted: a new pid, the same instance
    textfiles = sorted((tmp_path / "data" / "metrics").glob("*.prom"))
    assert [p.name for p in textfiles] == ["processor-p1.prom", "processor-p2.prom"]
    seen: dict[tuple, str] = {}
    for path in textfiles:
        for family in text_string_to_metric_families(path.read_text()):
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                assert key not in seen, f"{key} in both {seen.get(key)} and {path.name}"
                seen[key] = path.name
                assert sample.labels["processor"] == path.stem.removeprefix("processor-")
    assert ("ascolto_processor_halted", (("processor", "p2"),)) in seen
    restarted.run(_set(threading.Event()))  # a clean stop: the member left, its file goes with its heartbeat
    assert [p.name for p in (tmp_path / "data" / "metrics").glob("*.prom")] == ["processor-p2.prom"]


def _set(event: threading.Event) -> threading.Event:
    event.set()
    return event
