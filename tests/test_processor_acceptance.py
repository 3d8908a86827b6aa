"""Acceptance runs with real processor processes: SIGKILL at seeded random points, two members of one
group, and compaction under concurrent readers and a running processor."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import duckdb
import pytest

from processor.compact import compact
from processor.failed import FailedStore
from tests.conftest import wait_for
from tests.processor_workload import produce, response_ids, workload
from warehouse.dataset import open_dataset


def processor_process(settings, batch: int = 25, tag: str = "p") -> subprocess.Popen:
    env = dict(os.environ, ASCOLTO_BROKER=settings.broker, ASCOLTO_TOPIC=settings.topic,
               ASCOLTO_GROUP=settings.group, ASCOLTO_DATA_DIR=str(settings.data_dir),
               ASCOLTO_DATABASE_URL=settings.database_url, ASCOLTO_BATCH_MAX_RECORDS=str(batch),
               ASCOLTO_BATCH_MAX_SECONDS="0.05", ASCOLTO_MAX_POLL_INTERVAL_MS="3000",
               ASCOLTO_SESSION_TIMEOUT_MS="6000", ASCOLTO_COLLECTOR_ID=tag,
               ASCOLTO_PROCESSOR_INSTANCE=tag)
    return subprocess.Popen([sys.executable, "-m", "ascolto.cli", "processor"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def answers_check(data_dir) -> tuple[int, int]:
    """(distinct submissions in answers, duplicated answer rows)."""
    with duckdb.connect() as con:
        a = f"read_parquet('{data_dir}/answers/**/*.parquet', hive_partitioning=true)"
        return con.execute(f"SELECT count(DISTINCT submission_id), count(*) - count(DISTINCT (submission_id, item, value)) "
                           f"FROM {a}").fetchone()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1])
def test_sigkill_at_seeded_random_points_then_restart_gives_exactly_the_valid_rows(settings, seed):
    rng = random.Random(seed)
    records, subs, reasons = workload(seed=seed)
    produce(settings, records)
    expected = {s["submission_id"] for s in subs}
    for _ in range(3):  # three kills, each at a random moment of the run
        proc = processor_process(settings)
        try:
            target = len(response_ids(settings.data_dir)) + rng.randint(20, 200)
            wait_for(lambda: len(response_ids(settings.data_dir)) >= min(target, len(expected)), timeout_s=60,
                     message="rows before the kill")
            time.sleep(rng.uniform(0, 0.3))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
    proc = processor_process(settings)
    try:
        wait_for(lambda: len(response_ids(settings.data_dir)) >= len(expected), timeout_s=90, message="all rows")
        wait_for(lambda: {f["reason"] for f in FailedStore(settings.data_dir).list()} == set(reasons)
                 and len(FailedStore(settings.data_dir).list()) == len(reasons), timeout_s=30, message="dead letters")
        time.sleep(1.0)
    finally:
        stop(proc)
    ids = response_ids(settings.data_dir)
    assert len(ids) == len(set(ids)) == len(expected) and set(ids) == expected
    assert answers_check(settings.data_dir) == (len(expected), 0)
    assert sorted(f["reason"] for f in FailedStore(settings.data_dir).list()) == reasons


def assigned(settings, tag: str) -> int:
    """Partitions a member reports as assigned (its metrics textfile)."""
    import re

    path = settings.data_dir / "metrics" / f"processor-{tag}.prom"
    m = re.search(r"^ascolto_processor_assigned_partitions\{processor=\"%s\"\} (\S+)$" % re.escape(tag),
                  path.read_text() if path.exists() else "", re.M)
    return int(float(m.group(1))) if m else 0


def rows_of(data_dir) -> list[tuple]:
    with open_dataset(data_dir) as con:
        return con.execute("SELECT * EXCLUDE (answers, module_scores, received_at), epoch_ms(received_at), "
                           "map_keys(module_scores), answers::VARCHAR FROM responses ORDER BY submission_id").fetchall()


@pytest.mark.slow
def test_two_processes_in_one_group_produce_exactly_the_rows_of_one(settings, processor_factory):
    records, subs, _ = workload(seed=9)
    half = len(records) // 2
    produce(settings, records[:half])
    a = processor_process(settings, tag="a")
    b = None
    try:
        wait_for(lambda: len(response_ids(settings.data_dir)) >= 100, timeout_s=60, message="first member's rows")
        b = processor_process(settings, tag="b")  # joins: a rebalance while records are in flight
        wait_for(lambda: assigned(settings, "b") > 0 and assigned(settings, "a") + assigned(settings, "b") == 3,
                 timeout_s=60, message="partitions shared by two members")
        produce(settings, records[half:])
        wait_for(lambda: len(response_ids(settings.data_dir)) >= len(subs), timeout_s=90, message="all rows")
        time.sleep(1.5)
        metrics = {p.name: p.read_text() for p in (settings.data_dir / "metrics").glob("*.prom")}
    finally:
        stop(a)
        if b:
            stop(b)
    assert set(metrics) == {"processor-a.prom", "processor-b.prom"}
    assert all(f'ascolto_processor_rows_written_total{{processor="{name[10:-5]}"}} 0.0' not in m
               and f'ascolto_processor_rows_written_total{{processor="{name[10:-5]}"}}' in m
               for name, m in metrics.items()), "both members wrote"
    assert not [*(settings.data_dir / "metrics").glob("*.prom")], "a clean stop removes the member's textfile"
    # the same topic through one processor, in its own group and data dir, with the same record-key secret
    from dataset.recordkey import local_secret

    one = settings.with_(group=settings.group + "-one", data_dir=settings.data_dir.parent / "one",
                         ckm_secret=settings.ckm_secret or local_secret(settings.data_dir))
    p = processor_factory(one)
    wait_for(lambda: len(response_ids(one.data_dir)) >= len(subs), timeout_s=60, message="single processor")
    p.close()
    two_rows, one_rows = rows_of(settings.data_dir), rows_of(one.data_dir)
    assert len(two_rows) == len(subs) == len({r[0] for r in two_rows})
    assert two_rows == one_rows


def compact_while_processing(settings, processor_factory, seed: int, count) -> tuple[int, list, list, list]:
    """A processor writing 600 submissions in small batches while compaction runs a dozen times and two
    threads call ``count()`` — ``(rows, distinct ids)`` of what a reader sees — continuously; returns
    (inputs merged, the counts, the readers' errors, the submissions). Ends with a final compaction."""
    records, subs, _ = workload(seed=seed, n=600, dup_ratio=0.0, poison=0)
    produce(settings, records[:300])
    s = settings.with_(batch_max_records=10, batch_max_seconds=0.02)
    p = processor_factory(s)
    wait_for(lambda: len(response_ids(s.data_dir)) > 100, message="some rows")
    stop_readers = threading.Event()
    seen: list[tuple[int, int]] = []
    errors: list[str] = []

    def reader():
        while not stop_readers.is_set():
            try:
                seen.append(count())
            except duckdb.Error as exc:  # a query that listed inputs just before the swap or the removal
                errors.append(str(exc))

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers:
        t.start()
    merged = 0
    try:
        for i in range(12):
            if i == 3:
                produce(s, records[300:])
            merged += sum(d["inputs"] for d in compact(s.data_dir, min_rows=100_000, settle_s=0) if d["file"])
            time.sleep(0.1)
        wait_for(lambda: len(response_ids(s.data_dir)) >= len(subs), timeout_s=60, message="all rows")
        p.close()
        merged += sum(d["inputs"] for d in compact(s.data_dir, min_rows=100_000, settle_s=0) if d["file"])
    finally:
        stop_readers.set()
        for t in readers:
            t.join(30)
    return merged, seen, errors, subs


def assert_each_row_once(data_dir, merged, seen, errors, subs) -> None:
    assert merged > 10
    assert seen and all(n == distinct for n, distinct in seen), "a reader saw a merged file and its inputs"
    assert all(n <= len(subs) for n, _ in seen)
    assert all(any(m in e for m in ("No such file", "not found", "No files found")) for e in errors), errors[:3]
    ids = response_ids(data_dir)
    assert len(ids) == len(set(ids)) == len(subs)
    for leaf in (data_dir / "responses").glob("period=*/pa_type=*"):
        assert len(list(leaf.glob("*.parquet"))) == 1 and not list(leaf.glob("*.inputs")), \
            "every directory ends as one file, no input or supersedes file left"
    assert answers_check(data_dir)[0] == len(subs) and answers_check(data_dir)[1] == 0


@pytest.mark.slow
def test_compaction_while_the_processor_runs_never_shows_a_reader_both_or_neither(settings, processor_factory):
    def count():
        with open_dataset(settings.data_dir) as con:
            return con.execute("SELECT count(*), count(DISTINCT submission_id) FROM responses").fetchone()
    assert_each_row_once(settings.data_dir, *compact_while_processing(settings, processor_factory, 13, count))


@pytest.mark.slow
def test_superseding_compaction_while_the_processor_runs_counts_every_row_once(settings, processor_factory, monkeypatch):
    """The same on a volume without RENAME_EXCHANGE (NFS, CephFS: EINVAL played): readers that list the
    files (``dataset.layout.parquet_files``, as the rollup does) without any lock, and the glob view of a
    volume marked as superseding (the console's), never count a row twice while the processor keeps
    writing into the directories being compacted."""
    import errno

    from dataset import layout
    from processor import compact as compaction

    def refuse(a, b):
        raise OSError(errno.EINVAL, "Invalid argument")

    def count():  # (rows, distinct ids) of the listing and of the glob view: the one that counted twice, if any
        files = [str(f) for f in layout.parquet_files(settings.data_dir / "responses")]
        with duckdb.connect() as con:
            listed = con.execute("SELECT count(*), count(DISTINCT submission_id) FROM read_parquet(?)", [files]).fetchone()
        with open_dataset(settings.data_dir) as con:
            globbed = con.execute("SELECT count(*), count(DISTINCT submission_id) FROM responses").fetchone()
        return globbed if globbed[0] != globbed[1] else listed

    def slow_fsync(path, real=compaction.fsync_dir):  # an NFS round trip: each step of a supersede takes a while,
        real(path)                                   # so the readers query while inputs and merged file coexist
        time.sleep(0.03)

    monkeypatch.setattr(compaction, "exchange", refuse)
    monkeypatch.setattr(compaction, "fsync_dir", slow_fsync)
    assert_each_row_once(settings.data_dir, *compact_while_processing(settings, processor_factory, 17, count))
