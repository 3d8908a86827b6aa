"""202 means durable: broker outages are bridged by the fsynced spool, replayed exactly once."""
from __future__ import annotations

import json
import time

import pytest

from collector.app import close_app, create_app
from collector.spool import PREALLOCATE, Spool, SpoolFull, written_part
from deploy.broker import LocalBroker, ensure_topics, free_port
from tests.conftest import ORIGIN, count_rows, submission, wait_for, WIDGET
from warehouse.dataset import open_dataset


def test_spool_appends_are_fsynced_lines_and_a_torn_tail_is_skipped(tmp_path):
    spool = Spool(tmp_path, max_bytes=10_000)
    spool.append([b"k\t{\"a\":1}", b"k\t{\"a\":2}"])
    spool.seal()
    [segment] = spool.claimable()
    with open(segment, "ab") as fh:
        fh.write(b"k\t{\"a\":3")  # a crash in the middle of an unacknowledged write
    claim = spool.claim(segment)
    assert list(claim.values()) == [b"k\t{\"a\":1}", b"k\t{\"a\":2}"]
    claim.done()
    assert spool.claimable() == [] and spool.size == 0


def test_a_segment_is_preallocated_while_written_and_its_lines_alone_once_sealed(tmp_path):
    """The writer syncs each group into zeros it wrote ahead (no size change to journal); readers
    and the size bound see only the lines, and sealing cuts the zeros off."""
    from collector.spool import data_size

    writer = Spool(tmp_path, max_bytes=10_000)
    lines = [b'k\t{"a":1}', b'k\t{"a":2}']
    writer.append(lines)
    [active] = tmp_path.glob("*.spool")
    data = b"\n".join(lines) + b"\n"
    assert active.stat().st_size == PREALLOCATE and written_part(active.read_bytes()) == data
    assert writer.size == len(data) == data_size(active)
    assert Spool(tmp_path, max_bytes=10_000).size == len(data)  # another process counts its lines too
    writer.append([b"k\t" + b"x" * 5000])  # within the bound: the zeros are not counted against it
    writer.seal()
    assert active.stat().st_size == len(data) + 5003
    claim = writer.claim(active)
    assert list(claim.values()) == lines + [b"k\t" + b"x" * 5000]
    claim.done()
    assert writer.size == 0


def test_a_reader_stops_at_the_zeros_a_dead_writer_left(tmp_path):
    """A writer that died leaves its segment unsealed by truncation: lines, maybe a torn one, zeros —
    and maybe zeros between lines where a write was torn by a crash. Nothing past the first zero is
    read (it was never acknowledged)."""
    from collector.spool import data_size

    spool = Spool(tmp_path, max_bytes=10**6)
    segment = tmp_path / "1-00000001.spool"
    segment.write_bytes(b'k\t{"a":1}\nk\t{"a":2}\nk\t{"a"' + bytes(100) + b':9}\nk\t{"a":3}\n' + bytes(1000))
    claim = spool.claim(segment)
    assert list(claim.values()) == [b'k\t{"a":1}', b'k\t{"a":2}']
    assert claim.read(0, 4096) == b'k\t{"a":1}\nk\t{"a":2}\n'
    claim.release()
    clean = tmp_path / "1-00000002.spool"  # written in order: where its lines end is exact
    clean.write_bytes(b'k\t{"a":1}\nk\t{"a":2}\n' + bytes(PREALLOCATE - 20))
    assert data_size(clean) == 20 and data_size(segment) >= 20


def test_spool_is_bounded(tmp_path):
    spool = Spool(tmp_path, max_bytes=100)
    spool.append([b"x" * 60])
    with pytest.raises(SpoolFull):
        spool.append([b"y" * 60])


def test_a_segment_being_written_cannot_be_claimed(tmp_path):
    writer = Spool(tmp_path, max_bytes=10_000)
    writer.append([b"k\tv"])
    other = Spool(tmp_path, max_bytes=10_000)  # another collector process on the same host
    [active] = list(tmp_path.glob("*.spool"))
    assert other.claim(active) is None
    writer.seal()
    assert other.claim(active) is not None


@pytest.mark.slow
def _accepted(client) -> float:
    """The collector's ``ascolto_submissions_accepted_total{path="spool"}`` (0 before the first 202)."""
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith('ascolto_submissions_accepted_total{path="spool"} '):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_broker_outage_submissions_get_202_and_reach_the_warehouse_exactly_once(tmp_path, settings, processor_factory):
    port = free_port()
    broker = LocalBroker(port, log_path=tmp_path / "a.log").start()
    s = settings.with_(broker=broker.bootstrap, produce_timeout_s=1.0)
    ensure_topics(s.broker, {s.topic: 3, s.dlq_topic: 1})
    app = create_app(s)
    client = app.test_client()
    accepted_before = _accepted(client)
    try:
        before = [submission() for _ in range(5)]
        assert all(client.post("/v1/submissions", json=b, headers=WIDGET).status_code == 202 for b in before)
        p = processor_factory(s)
        wait_for(lambda: count_rows(s.data_dir) == 5, message="rows before the outage")
        p.close()

        broker.stop()
        during = [submission("demo-inps-pensione") for _ in range(20)]
        statuses = [client.post("/v1/submissions", json=b, headers={"Origin": ORIGIN}).status_code for b in during]
        assert statuses == [202] * 20
        wait_for(lambda: client.get("/readyz").get_json()["status"] == "degraded", timeout_s=30,
                 message="the shipper reports the broker away")
        assert client.get("/readyz").get_json()["backlog_bytes"] > 0
        assert any(s.spool_dir.glob("*.spool"))
        # the widget retried one of them while the broker was away: still stored once
        assert client.post("/v1/submissions", json=during[0], headers=WIDGET).status_code == 202

        broker = LocalBroker(port, log_path=tmp_path / "b.log").start()  # back, on the same address
        ensure_topics(s.broker, {s.topic: 3, s.dlq_topic: 1})
        wait_for(lambda: client.get("/readyz").get_json() == {**client.get("/readyz").get_json(),
                                                               "status": "ready", "backlog_bytes": 0},
                 timeout_s=60, message="the spool shipped to the broker")
        after = [submission() for _ in range(5)]
        assert all(client.post("/v1/submissions", json=b, headers=WIDGET).status_code == 202 for b in after)

        processor_factory(s)
        wait_for(lambda: count_rows(s.data_dir) >= 30, timeout_s=60, message="all rows")
        time.sleep(1.0)
        with open_dataset(s.data_dir) as con:
            ids = [r[0] for r in con.execute("SELECT submission_id FROM responses").fetchall()]
        assert sorted(ids) == sorted(b["submission_id"] for b in before + during + after)
        assert _accepted(client) - accepted_before == 31  # every 202 (the counter is per process: a delta)
    finally:
        close_app(app)
        broker.stop()


def test_spool_left_by_a_dead_collector_process_is_replayed(settings):
    dead = settings.spool_dir
    dead.mkdir(parents=True, exist_ok=True)
    body = submission()
    envelope = {"schema": "ascolto.submission/1", "received_at": "2026-11-20T10:00:00.000Z",
                "collector": "gone", "device": "desktop", "submission": body}
    (dead / "999999-00000001.spool").write_bytes(b"demo-roma-anagrafe\t" + json.dumps(envelope).encode() + b"\n")
    app = create_app(settings)
    try:
        wait_for(lambda: not any(dead.glob("*.spool")), timeout_s=20, message="orphan replayed")
    finally:
        close_app(app)
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(settings.topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=5000)
    values = [json.loads(r.value) for _, r in zip(range(1), consumer)]
    consumer.close()
    assert values[0]["submission"]["submission_id"] == body["submission_id"]


def test_full_spool_and_no_broker_gives_503(settings):
    app = create_app(settings.with_(broker=f"127.0.0.1:{free_port()}", produce_timeout_s=0.5, spool_max_bytes=10))
    try:
        resp = app.test_client().post("/v1/submissions", json=submission(), headers=WIDGET)
        assert resp.status_code == 503 and resp.headers["Retry-After"]
        assert resp.get_json()["error"] == "unavailable"
    finally:
        close_app(app)


def test_a_full_disk_fails_the_append_cleanly_and_the_spool_recovers(tmp_path):
    import subprocess

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs (not root)")
    try:
        spool = Spool(disk, max_bytes=10**9)
        kept = []
        with pytest.raises(SpoolFull):
            for i in range(1000):
                value = b"k\t" + b"%04d" % i + b"x" * 500
                spool.append([value])
                kept.append(value)
        # the disk never had room for a preallocated chunk: the writer reserved what each group needed
        assert len(kept) >= 16, len(kept)
        spool.seal()
        for path in spool.claimable():
            claim = spool.claim(path)
            assert list(claim.values()) == kept  # every acknowledged value, and no torn or stale bytes
            claim.done()
        spool.append([b"k\tafter"])
        spool.seal()
        [path] = spool.claimable()
        assert list(spool.claim(path).values()) == [b"k\tafter"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_concurrent_submissions_are_group_committed_once_each_and_no_thread_waits_for_a_wake_up(tmp_path):
    """Threads submitting at once (several leaders, leaders whose own line another leader's group
    took): every submission returns "spool" within a slow sync's time, not after the timeout a
    missed wake-up would cost, and every line is in the log exactly once."""
    import threading

    from collector.durable import Durability

    class SlowSpool(Spool):
        def append(self, values, *, scrubbed=False):
            time.sleep(0.005)  # the disk's sync: other threads queue up meanwhile
            super().append(values, scrubbed=scrubbed)

    durability = Durability(SlowSpool(tmp_path, 1 << 30), timeout_s=3.0)
    latencies, errors = [], []

    def worker(n):
        for i in range(15):
            t = time.monotonic()
            try:
                assert durability.submit("svc", b'{"n":"%d-%d"}' % (n, i), scrubbed=True) == "spool"
            except Exception as exc:  # reported below
                errors.append(exc)
            latencies.append(time.monotonic() - t)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert max(latencies) < 1.5, max(latencies)
    lines = b"".join(written_part(p.read_bytes()) for p in tmp_path.glob("*.spool")).splitlines()
    assert sorted(lines) == sorted(b'svc\t{"n":"%d-%d"}' % (n, i) for n in range(24) for i in range(15))
