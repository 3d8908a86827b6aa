"""The per-partition locks that fence a zombie member off (processor.fence): real lock files, real processes
contending for them, the paused partition resumed once its lock is free, and the dataset's readers and
compaction blind to ``.locks/``."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kafka.structs import TopicPartition

from processor.fence import LOCKS_DIR, Fence, Fenced, PartitionLocks
from tests.conftest import wait_for

from .processor_fakes import FakeConsumer, record_value, submission

ROOT = Path(__file__).resolve().parents[1]
TOPIC = "t.submissions"

HOLDER = textwrap.dedent("""
    import sys, time
    from processor.fence import PartitionLocks
    locks = PartitionLocks(sys.argv[1], sys.argv[2], "other")
    print("held" if all(locks.acquire(int(p)) for p in sys.argv[3:]) else "refused", flush=True)
    time.sleep(600)
""")


def holder(data_dir: Path, *partitions: int) -> subprocess.Popen:
    """Another process holding ``partitions``' locks (it says ``held`` once it does) until it is killed."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir), TOPIC, *map(str, partitions)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def other(tmp_path):
    started: list[subprocess.Popen] = []

    def start(*partitions: int) -> subprocess.Popen:
        proc = holder(tmp_path / "data", *partitions)
        started.append(proc)
        return proc
    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_a_lock_another_process_holds_is_refused_until_that_process_dies(tmp_path, other):
    locks = PartitionLocks(tmp_path / "data", TOPIC, "me")
    proc = other(1)
    assert not locks.acquire(1), "two processes held one partition's lock"
    assert locks.acquire(2) and locks.holds(2) and not locks.holds(1)
    assert locks.holder(1).startswith(f"other pid {proc.pid}")
    proc.send_signal(signal.SIGKILL)  # no clean release: the OS drops the lock with the process
    proc.wait(10)
    assert locks.acquire(1) and locks.still_held(1)
    assert locks.holder(1).startswith("me pid ")


def test_a_released_lock_is_taken_by_the_other_process(tmp_path, other):
    locks = PartitionLocks(tmp_path / "data", TOPIC, "me")
    assert locks.acquire(0)
    probe = subprocess.run([sys.executable, "-c", HOLDER.replace("time.sleep(600)", ""), str(tmp_path / "data"), TOPIC,
                            "0"], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert probe.stdout.strip() == "refused"
    locks.release(0)
    assert not locks.holds(0) and not locks.still_held(0)
    other(0)  # takes it now
    assert not locks.acquire(0)


class Recorder:
    def __init__(self):
        self.swept: list[int] = []
        self.waiting: list[int] = []


def fence(tmp_path, clock=lambda: 0.0) -> tuple[Fence, Recorder]:
    seen = Recorder()
    return Fence(PartitionLocks(tmp_path / "data", TOPIC, "me"), seen.swept.append, seen.waiting.append,
                 clock), seen


def test_a_partition_whose_lock_is_held_stays_paused_and_resumes_once_taken(tmp_path, other):
    consumer = FakeConsumer(TOPIC, {0: [], 1: [], 2: []})
    f, seen = fence(tmp_path)
    proc = other(1)
    f.assigned(consumer, consumer.assignment())
    assert consumer.paused == {1} and sorted(seen.swept) == [0, 2] and seen.waiting[-1] == 1
    assert sorted(f.resumable(consumer.assignment())) == [TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 2)]
    with pytest.raises(Fenced):
        f.require(1)  # never written while another member holds it
    consumer.resume(*consumer.assignment())  # the loop's backpressure resumes everything ...
    f.retry(consumer)
    assert consumer.paused == {1}  # ... and the waiting partition is paused again
    proc.kill()
    proc.wait(10)
    f.retry(consumer)
    assert consumer.paused == set() and seen.waiting[-1] == 0 and sorted(seen.swept) == [0, 1, 2]
    f.require(1)
    f.revoked(consumer.assignment())
    assert not any(f.locks.holds(p) for p in (0, 1, 2))
    with pytest.raises(Fenced):
        f.require(0)  # revoked: no write until it is assigned again


def test_a_lock_lost_under_the_member_refuses_its_next_write(tmp_path, other):
    f, _ = fence(tmp_path)
    consumer = FakeConsumer(TOPIC, {0: []})
    f.assigned(consumer, consumer.assignment())
    f.require(0)
    # what an expired NFS lease does: the lock is gone, another member holds it now
    import fcntl
    fcntl.flock(f.locks._held[0], fcntl.LOCK_UN)
    other(0)
    with pytest.raises(Fenced, match="was lost"):
        f.require(0)


def test_a_processor_waits_for_a_partition_another_member_holds_then_writes_it_once(tmp_path, other):
    """The processor's loop with a member holding partition 1: 0 is consumed, 1 stays paused (nothing of it
    read, nothing written) until that member dies; then 1 is read and written, and the locks go on revoke."""
    from processor.consumer import Processor, _Rebalance
    from settings import Settings

    from .processor_fakes import FakeLookup, FakeProducer

    subs = [submission() for _ in range(4)]
    log = {p: [(b"svc-a", record_value(s)) for s in subs[2 * p:2 * p + 2]] for p in (0, 1)}
    s = Settings(data_dir=tmp_path / "data", topic=TOPIC, batch_max_records=50, batch_max_seconds=0.0,
                 dlq_window=0)
    consumer = FakeConsumer(TOPIC, log)
    proc = Processor(s, consumer=consumer, producer=FakeProducer(), lookup=FakeLookup())
    member = other(1)
    consumer.subscribe([TOPIC], listener=_Rebalance(proc))
    for _ in range(5):
        proc.step(timeout_ms=0)
    proc.flush()
    assert consumer.committed == {0: 2} and consumer.position.get(1, 0) == 0
    assert proc.metrics.waiting_lock._value.get() == 1
    member.kill()
    member.wait(10)
    wait_for(lambda: proc.step(timeout_ms=0) or consumer.committed.get(1) == 2, message="partition 1 consumed")
    assert proc.metrics.waiting_lock._value.get() == 0
    from dataset import files
    assert sorted(files.submission_ids(s.data_dir)) == sorted(x["submission_id"] for x in subs)
    proc.on_revoked(consumer.assignment())
    assert not proc.fence.locks.partitions()


def test_readers_and_compaction_ignore_the_lock_files(tmp_path):
    """``.locks/`` beside the dataset is not data: the warehouse reads the rows, compaction merges them."""
    from processor.compact import compact
    from processor.sink import ParquetSink
    from tests.conftest import count_rows

    data = tmp_path / "data"
    locks = PartitionLocks(data, TOPIC, "me")
    assert locks.acquire(0) and (data / LOCKS_DIR / f"{TOPIC}-0.lock").exists()
    from .test_processor_strategies import make, run_until_caught_up
    proc, consumer = make(tmp_path, {p: [(b"svc-a", record_value(submission())) for _ in range(3)] for p in (1, 2)})
    run_until_caught_up(proc, consumer)
    assert count_rows(data) == 6
    assert [d for d in compact(data, min_rows=10, settle_s=0) if d["file"]], "nothing compacted"
    assert count_rows(data) == 6 and len(ParquetSink(data).submission_ids()) == 6
    assert (data / LOCKS_DIR / f"{TOPIC}-0.lock").exists() and locks.still_held(0)
