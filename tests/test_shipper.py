"""The write-ahead log's group commit and the shipper's contract, against the real broker.

Group commit: concurrent submissions each return only once their line is in the log, each line
exactly once. Shipper: lines reach the topic grouped per service key in log order; nothing is
removed or marked shipped while the broker does not acknowledge; a segment is removed only once
sealed and shipped; a restarted shipper resumes from its positions.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
from kafka import KafkaConsumer

from collector.durable import Durability, Unavailable
from collector.shipper import Shipper, read_state, records
from collector.spool import PREALLOCATE, Spool, written_part
from deploy.broker import free_port
from questionnaires.envelope import decode_record
from tests.conftest import wait_for


def _lines(spool_dir) -> list[bytes]:
    return [line for p in sorted(spool_dir.glob("*.spool")) for line in written_part(p.read_bytes()).splitlines()]


def test_concurrent_submissions_each_return_once_their_line_is_in_the_log(tmp_path):
    spool = Spool(tmp_path, max_bytes=10**9)
    durability = Durability(spool)
    returned: list[bytes] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        for j in range(50):
            value = b'{"n":"%d-%d"}' % (i, j)
            assert durability.submit("svc", value) == "spool"
            assert b"svc\t" + value in _lines(tmp_path)  # on disk when submit returns
            with lock:
                returned.append(b"svc\t" + value)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(_lines(tmp_path)) == Counter(returned) and len(returned) == 800


def test_a_log_that_cannot_take_the_group_answers_unavailable(tmp_path):
    durability = Durability(Spool(tmp_path, max_bytes=10))
    with pytest.raises(Unavailable):
        durability.submit("svc", b'{"too":"big for the bound"}')
    assert _lines(tmp_path) == []


def test_records_group_the_lines_of_each_key_in_log_order():
    data = b'a\t{"i":1}\na\t{"i":2}\nb\t{"i":3}\na\t{"i":4}\nno-tab-line\nb\t{"i":5}\n'
    out = records(data)
    assert [(k, n) for k, _, n in out] == [(b"a", 3), (b"b", 2)]  # interleaved keys: one record each
    assert {k: [e["i"] for e in decode_record(v)] for k, v, _ in out} == {b"a": [1, 2, 4], b"b": [3, 5]}
    big = records(b"".join(b'a\t{"i":%d}\n' % i for i in range(1200)))
    assert [n for _, _, n in big] == [500, 500, 200]  # at most 500 a record
    assert [e["i"] for _, v, _ in big for e in decode_record(v)] == list(range(1200))


def _consume(settings, n: int) -> list[tuple[bytes, dict]]:
    consumer = KafkaConsumer(settings.topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=4000, enable_auto_commit=False)
    out = []
    for rec in consumer:
        out.extend((rec.key, e) for e in decode_record(rec.value))
        if len(out) >= n:
            break
    consumer.close()
    return out


def _run(shipper: Shipper):
    stop = threading.Event()
    thread = threading.Thread(target=shipper.run, args=(stop,), daemon=True)
    thread.start()

    def halt():
        stop.set()
        thread.join(20)
    return halt


def test_nothing_is_marked_shipped_or_removed_while_the_broker_is_away_then_all_of_it_in_order(settings):
    writer = Spool(settings.spool_dir, max_bytes=10**9)
    lines = [b'k%d\t{"i":%d}' % (i % 2, i) for i in range(40)]
    writer.append(lines[:20])
    writer.seal()  # a sealed segment, and an active one still being written
    writer.append(lines[20:])
    away = Shipper(settings.with_(broker=f"127.0.0.1:{free_port()}", produce_timeout_s=0.5))
    halt = _run(away)
    wait_for(lambda: read_state(settings.spool_dir).get("broker") is False, timeout_s=20, message="broker away")
    halt()
    assert sorted(_lines(settings.spool_dir)) == sorted(lines)  # nothing removed
    assert not json.loads((settings.spool_dir / "shipper.pos").read_text() or "{}")  # nothing marked shipped

    halt = _run(Shipper(settings))
    try:
        got = _consume(settings, 40)
        by_key = {}
        for key, env in got:
            by_key.setdefault(key, []).append(env["i"])
        assert by_key == {b"k0": list(range(0, 40, 2)), b"k1": list(range(1, 40, 2))}  # each key in log order
        wait_for(lambda: len(list(settings.spool_dir.glob("*.spool"))) == 1, message="sealed segment removed")
        assert writer.is_writing()  # the active segment stays until its writer seals it
        writer.seal()
        wait_for(lambda: not list(settings.spool_dir.glob("*.spool")), message="sealed at last, removed")
    finally:
        halt()


def test_a_restarted_shipper_resumes_from_its_positions(settings):
    writer = Spool(settings.spool_dir, max_bytes=10**9)
    writer.append([b'k\t{"i":%d}' % i for i in range(5)])
    halt = _run(Shipper(settings))
    assert len(_consume(settings, 5)) == 5
    halt()  # stopping writes the positions
    writer.append([b'k\t{"i":%d}' % i for i in range(5, 8)])
    halt = _run(Shipper(settings))
    try:
        wait_for(lambda: read_state(settings.spool_dir).get("backlog_bytes") == 0, message="shipped")
        assert sorted(env["i"] for _, env in _consume(settings, 8)) == list(range(8))  # no line sent twice
    finally:
        halt()
        writer.seal()


def test_only_one_shipper_per_log_is_active(settings):
    first, second = Shipper(settings), Shipper(settings)
    halt_first = _run(first)
    wait_for(lambda: read_state(settings.spool_dir).get("pid"), message="first active")
    halt_second = _run(second)
    Spool(settings.spool_dir, max_bytes=10**9).append([b'k\t{"i":1}'])
    wait_for(lambda: first.shipped == 1, message="the active one ships")
    assert second.shipped == 0
    halt_first()
    Spool(settings.spool_dir, max_bytes=10**9).append([b'k\t{"i":2}'])
    wait_for(lambda: second.shipped == 1, timeout_s=20, message="the standby takes over")
    halt_second()


def test_a_backlog_longer_than_one_read_ships_without_waiting_between_passes(settings):
    """The shipper lingers between passes only when a pass read everything there was: with a linger
    of a minute, a log of several reads still reaches the topic at once."""
    writer = Spool(settings.spool_dir, max_bytes=10**9)
    writer.append([b'k\t{"i":%d,"pad":"%s"}' % (i, b"x" * 200) for i in range(200)])
    shipper = Shipper(settings, read_bytes=4096, linger_s=60)
    halt = _run(shipper)
    try:
        wait_for(lambda: shipper.shipped == 200, timeout_s=20, message="whole backlog shipped without lingering")
    finally:
        halt()
        writer.seal()


def test_the_preallocated_zeros_are_neither_shipped_nor_taken_for_a_backlog(settings):
    """A segment being written holds zeros past its lines (collector.spool: preallocated), and a
    segment whose writer died keeps them: the shipper sends the lines only, removes the dead
    writer's segment once shipped, and does not count the zeros as more to read."""
    writer = Spool(settings.spool_dir, max_bytes=10**9)
    writer.append([b'k\t{"i":%d}' % i for i in range(3)])
    [active] = settings.spool_dir.glob("*.spool")
    assert active.stat().st_size >= PREALLOCATE
    dead = settings.spool_dir / "1-00000001.spool"  # a writer that died: never sealed, no lock held
    dead.write_bytes(b'k\t{"i":3}\nk\t{"i":4}\nk\t{"i":' + bytes(PREALLOCATE))
    shipper = Shipper(settings, read_bytes=4096)
    try:
        assert shipper.ship_once() == 5
        assert not shipper._more  # nothing more to read: no pass without lingering
        assert not dead.exists()  # its torn line was never acknowledged
        assert shipper.backlog_bytes() == 0
        assert sorted(env["i"] for _, env in _consume(settings, 5)) == [0, 1, 2, 3, 4]
    finally:
        shipper._close()
        writer.seal()


def test_zeros_inside_a_dead_writers_lines_lose_the_line_they_cut_not_the_lines_after(settings, caplog):
    """A damaged block: zeros in the middle of a sealed segment's lines (tests/faults: the collector
    crashed whole, its disk damaged). The shipper stopped at them and removed the segment as if
    they were its preallocated tail, losing every acknowledged line after them silently. The line
    they cut is lost (logged, counted); the lines after them are shipped, its zero tail is not."""
    dead = settings.spool_dir / "1-00000001.spool"
    settings.spool_dir.mkdir(parents=True, exist_ok=True)
    lines = b"".join(b'k\t{"i":%d}\n' % i for i in range(6))
    cut = lines.index(b'{"i":2}') + 3
    dead.write_bytes(lines[:cut] + bytes(5) + lines[cut + 5:] + b'k\t{"i":' + bytes(PREALLOCATE))
    shipper = Shipper(settings, read_bytes=4096)
    try:
        with caplog.at_level("ERROR", logger="ascolto.shipper"):
            while shipper.ship_once():
                pass
        assert not dead.exists()
        assert sorted(env["i"] for _, env in _consume(settings, 5)) == [0, 1, 3, 4, 5]
        assert any("is damaged" in r.getMessage() for r in caplog.records)
    finally:
        shipper._close()


def test_lines_written_into_zeros_the_shipper_already_read_are_shipped(settings):
    """The shipper reads a segment being written past its lines, into the preallocated zeros; the
    lines written there afterwards must be read from the file, not from what was read before (a
    buffered reader seeking back into its buffer would see the old zeros forever, and then remove
    the sealed segment unshipped)."""
    writer = Spool(settings.spool_dir, max_bytes=10**9)
    shipper = Shipper(settings, read_bytes=1000)  # a read smaller than a buffered reader's buffer
    try:
        writer.append([b'k\t{"i":%d}' % i for i in range(3)])
        assert shipper.ship_once() == 3
        writer.append([b'k\t{"i":%d}' % i for i in range(3, 5)])
        assert shipper.ship_once() == 2
        writer.seal()
        assert shipper.ship_once() == 0 and not list(settings.spool_dir.glob("*.spool"))
        assert sorted(env["i"] for _, env in _consume(settings, 5)) == [0, 1, 2, 3, 4]
    finally:
        shipper._close()


def test_an_idle_shipper_reports_a_broker_it_cannot_reach(settings):
    """With nothing in the log the shipper never contacted the broker, and reported it up: /readyz
    "ready" and ascolto_shipper_broker_up 1 for a collector whose ASCOLTO_BROKER was wrong, until the
    first citizen's answer found out. (A missing ASCOLTO_TOPIC is reported the same way, asked without
    creating it: tests/test_topic_check.py.)"""
    halt = _run(Shipper(settings.with_(produce_timeout_s=0.5, broker=f"127.0.0.1:{free_port()}")))
    try:
        wait_for(lambda: read_state(settings.spool_dir).get("broker") is False, timeout_s=20,
                 message="the idle shipper reports the broker away")
        assert read_state(settings.spool_dir)["broker"] is False  # not flipped back by the next idle pass
    finally:
        halt()
    halt = _run(Shipper(settings))  # the right broker and topic, idle: up
    try:
        wait_for(lambda: read_state(settings.spool_dir).get("broker") is True, timeout_s=20, message="broker up")
    finally:
        halt()


def test_a_broker_that_goes_away_while_the_log_is_empty_is_reported_and_back_again(settings, tmp_path):
    """Found in the ops review: a broker stopped after the last submission was shipped stayed ``broker: true``
    (``/readyz`` ready, ``ascolto_shipper_broker_up`` 1, no ``AscoltoShipperBrokerDown``) for as long as the
    log stayed empty, the broker gone for minutes; the first answer after it found out."""
    from deploy.broker import LocalBroker, ensure_topics

    port = free_port()
    broker = LocalBroker(port, log_path=tmp_path / "idle.log").start()
    s = settings.with_(broker=broker.bootstrap, produce_timeout_s=1.0)
    ensure_topics(s.broker, {s.topic: 1})
    writer = Spool(s.spool_dir, max_bytes=10**9)
    halt = _run(Shipper(s, idle_check_s=0.5))
    try:
        writer.append([b'k\t{"i":0}'])
        assert len(_consume(s, 1)) == 1  # shipped: the shipper holds a producer, and the log is empty
        broker.stop()
        wait_for(lambda: read_state(s.spool_dir).get("broker") is False, timeout_s=10,
                 message="the broker gone while the log is empty reported")
        broker = LocalBroker(port, log_path=tmp_path / "idle.log").start()  # back (Tansu's memory: topic anew)
        ensure_topics(s.broker, {s.topic: 1})
        wait_for(lambda: read_state(s.spool_dir).get("broker") is True, timeout_s=20, message="broker back")
    finally:
        halt()
        writer.seal()
        broker.stop()


def test_an_idle_shipper_asks_the_brokers_for_their_topics_once_not_at_every_turn(settings, monkeypatch):
    """Found in the ops review: a shipper without a producer (a collector that has taken no answer yet, and
    every collector after a broker outage until its next answer) ran the probe — a TCP connection, a Kafka
    admin client, a metadata request — at every turn of its loop: about 50 a second, a quarter of a core
    per idle collector and as many connections to the brokers. Once per start or failure now."""
    from collector import shipper as module

    asked = []
    real = module.require_topic
    monkeypatch.setattr(module, "require_topic", lambda *a, **k: (asked.append(1), real(*a, **k))[1])
    halt = _run(Shipper(settings))
    try:
        wait_for(lambda: read_state(settings.spool_dir).get("broker") is True, timeout_s=20, message="broker up")
        time.sleep(2.0)  # 200 turns of the loop
    finally:
        halt()
    assert len(asked) == 1


def _network_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t not in before and t.name == "ascolto-shipper-network-thread"]


def test_a_producer_dropped_with_records_still_pending_stops_its_network_thread(settings, tmp_path):
    """The broker goes away while the shipper's producer holds records it sent: the produce fails and
    the shipper starts a new producer later. The old one was closed with ``close(timeout=0)``, which in
    kafka-python flushes first and raised before closing (records pending): its I/O thread kept running,
    retrying the gone broker with its sockets open, one more at every outage, for the process's life
    (found as a thread left behind by tests/test_durability.py's outage test: tests/leaks.py)."""
    from deploy.broker import LocalBroker, ensure_topics

    before = set(threading.enumerate())
    broker = LocalBroker(free_port(), log_path=tmp_path / "gone.log").start()
    s = settings.with_(broker=broker.bootstrap, produce_timeout_s=1.0)
    ensure_topics(s.broker, {s.topic: 1})
    writer = Spool(s.spool_dir, max_bytes=10**9)
    halt = _run(Shipper(s))
    try:
        writer.append([b'k\t{"i":0}'])
        assert len(_consume(s, 1)) == 1
        assert len(_network_threads(before)) == 1  # the producer's
        broker.stop()
        writer.append([b'k\t{"i":1}'])  # sent, never acknowledged: pending when the produce gives up
        wait_for(lambda: read_state(s.spool_dir).get("broker") is False, timeout_s=20, message="broker away")
        wait_for(lambda: not _network_threads(before), timeout_s=10,
                 message="the dropped producer's network thread to end")
    finally:
        halt()
        writer.seal()
        broker.stop()


def test_a_pass_reads_the_lines_before_the_zeros_across_chunks_and_stops_at_its_limit(tmp_path):
    """The shipper reads a segment a chunk at a time (collector.spool.READ_CHUNK): lines spanning
    several chunks come whole, the preallocated zeros after them are not returned, and a pass
    stops at its limit with its complete lines only."""
    from collector.spool import READ_CHUNK, read_lines

    lines = b"".join(b"svc\t" + str(i).encode().rjust(995, b"x") + b"\n" for i in range(700))  # 700,000 bytes
    assert len(lines) > 2 * READ_CHUNK
    path = tmp_path / "segment"
    path.write_bytes(lines + b"\0" * 1_000_000)
    with open(path, "rb", buffering=0) as fh:
        assert read_lines(fh, 0, 4 * 1024 * 1024) == (lines, lines)
        assert read_lines(fh, 1000, 4 * 1024 * 1024) == (lines[1000:], lines[1000:])
        written, complete = read_lines(fh, 0, 300_000)
        assert written == lines[:300_000] and complete == lines[:300_000]
        written, complete = read_lines(fh, 0, 300_500)
        assert written == lines[:300_500] and complete == lines[:300_000]
