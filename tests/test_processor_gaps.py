"""Records the topic's retention deleted before the processor read them are lost visibly (processor.gaps).

kafka-python (``auto_offset_reset=earliest``) resets a partition whose committed offset, or whose position
while it runs, is below the log start offset to the log start, with an INFO line: the records in between
were lost without a trace. Now each such range is a ``retention_gap`` letter in failed/ (listed, not
replayable, dismissable), counted in ``ascolto_processor_records_lost_to_retention_total``, logged at ERROR
and shown apart on the console's data-quality page.

Tansu 0.6.0 (the local broker) applies no retention (``retention.ms`` of 500 ms: its log start is still 0
seconds later) and answers DeleteRecords with a panic ("not yet implemented"): its log start offset never
moves, so no committed offset can be below it. The test against it therefore puts a Kafka-protocol proxy
in front of it (:mod:`tests.retention_proxy`) that answers ListOffsets and Fetch as Apache Kafka does after
retention deleted a partition's oldest segments (the log start moved; a fetch below it OFFSET_OUT_OF_RANGE);
the group, its commits, the records and kafka-python's own reset are real."""
from __future__ import annotations

import json
import logging
import re

import pytest
from click.testing import CliRunner
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from ascolto.cli import main as cli
from deploy.broker import LocalBroker, ensure_topics, port_is_free
from dataset.failed import RETENTION_GAP, letters
from processor.failed import FailedStore
from processor.gaps import GapWatch
from tests.conftest import processor_metrics_hold, wait_for
from tests.processor_fakes import FakeConsumer, Rec, record_value, submission
from tests.processor_workload import response_ids
from tests.retention_proxy import RetentionProxy
from tests.test_processor_strategies import TOPIC, make, run_until_caught_up

LOST = "ascolto_processor_records_lost_to_retention_total"


def _gaps(data_dir) -> list[dict]:
    return [json.loads(r["value"]) | {"status": r["status"], "letter_id": r["letter_id"], "detail": r["detail"]}
            for r in letters(data_dir / "failed", reason=RETENTION_GAP)]


def test_a_committed_offset_below_the_log_start_is_a_kept_counted_logged_gap(tmp_path, caplog):
    subs, other = [submission() for _ in range(10)], submission()
    log = {0: [(b"svc-a", record_value(s)) for s in subs], 1: [(b"svc-a", record_value(other))]}
    proc, consumer = make(tmp_path, log, committed={0: 2})
    consumer.log_start[0] = 6  # retention deleted offsets 0-5; the group had read up to 2
    with caplog.at_level(logging.ERROR, logger="ascolto.processor"):
        run_until_caught_up(proc, consumer)
    assert _gaps(proc.settings.data_dir) == [
        {"kind": RETENTION_GAP, "topic": TOPIC, "partition": 0, "first_offset": 2, "last_offset": 5, "count": 4,
         "status": "pending", "letter_id": _gaps(proc.settings.data_dir)[0]["letter_id"],
         "detail": f"4 records of {TOPIC}/0, offsets 2-5, were deleted by the topic's retention before the processor "
                   "read them (log start offset 6): lost, not replayable"}]
    assert proc.metrics.records_lost._value.get() == 4
    assert [r for r in caplog.records if r.levelno == logging.ERROR and "offsets 2-5" in r.getMessage()]
    assert sorted(response_ids(proc.settings.data_dir)) == sorted(s["submission_id"] for s in subs[6:] + [other])


def test_a_gap_found_at_assignment_is_committed_past_once_kept(tmp_path):
    """No record after the gap (retention took all of them, no traffic since): the group's offset moves to the
    log start once the letter is durable, so a restarted member neither finds the gap again nor lags on it."""
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(5)]}
    proc, consumer = make(tmp_path, log, committed={0: 1})
    consumer.log_start[0] = 5
    kept = []
    consumer.on_commit = lambda offsets: kept.append(len(_gaps(proc.settings.data_dir)))
    run_until_caught_up(proc, consumer)
    assert consumer.committed == {0: 5} and kept == [1]  # committed after the letter was written
    again, consumer2 = make(tmp_path, log, committed=dict(consumer.committed))
    consumer2.log_start[0] = 5
    run_until_caught_up(again, consumer2)
    assert again.gaps.found == [] and len(_gaps(proc.settings.data_dir)) == 1


def test_retention_overtaking_a_running_member_is_a_gap_from_the_offset_it_expected(tmp_path):
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(5)]}
    proc, consumer = make(tmp_path, log)
    run_until_caught_up(proc, consumer)
    assert consumer.committed == {0: 5} and _gaps(proc.settings.data_dir) == []
    consumer.log[0] += [Rec(TOPIC, 0, o, b"svc-a", record_value(submission())) for o in range(5, 15)]
    consumer.log_start[0] = 11  # the member lagged: 5-10 deleted before its next fetch
    run_until_caught_up(proc, consumer)
    assert [(g["first_offset"], g["last_offset"], g["count"]) for g in _gaps(proc.settings.data_dir)] == [(5, 10, 6)]
    assert consumer.committed == {0: 15} and len(response_ids(proc.settings.data_dir)) == 5 + 4


class _Offsets:
    """The consumer calls :class:`GapWatch` makes, over records given by hand (offsets Kafka may skip)."""

    def __init__(self, start: int = 0, committed: int | None = None):
        self.start, self.committed_at, self.asked = start, committed, 0
        self.tp = TopicPartition(TOPIC, 0)

    def assignment(self):
        return {self.tp}

    def committed(self, tp, timeout_ms=None):
        return self.committed_at

    def beginning_offsets(self, tps, timeout_ms=None):
        self.asked += 1
        return {tp: self.start for tp in tps}

    def commit(self, offsets):
        self.committed_at = max(self.committed_at, *(m.offset for m in offsets.values()))


class _Store:
    def __init__(self):
        self.written = []

    def write(self, failures, partition, first, last, now=None):
        self.written += failures


class _Metrics:
    def __init__(self):
        from prometheus_client import CollectorRegistry, Counter
        self.records_lost = Counter("lost", "", registry=CollectorRegistry())

    def write(self):
        pass


def test_offsets_kafka_skips_while_the_log_start_stays_behind_are_no_gap():
    """Transaction markers or compaction leave holes in a partition's offsets: a jump is a loss only where the
    log start moved past the offset expected, and only up to the record delivered."""
    consumer, store = _Offsets(start=0, committed=0), _Store()
    watch = GapWatch(store, _Metrics())
    recs = lambda *offsets: [Rec(TOPIC, 0, o, None, b"") for o in offsets]  # noqa: E731
    watch.observe(consumer, [recs(0, 1, 2, 5, 6)])  # a marker at 3-4
    watch.observe(consumer, [recs(9, 10)])  # 7-8 markers
    assert store.written == [] and consumer.asked == 3  # the assignment, then each jump judged against the log start
    watch.observe(consumer, [recs(11)])
    assert consumer.asked == 3  # no jump, no question
    consumer.start = 14
    watch.observe(consumer, [recs(20, 21)])  # the log start (14) moved past 12: 12-13 lost; 14-19 skipped (markers)
    assert [(f.source.offset, json.loads(f.value)["last_offset"]) for f in store.written] == [(12, 13)]


def test_a_broker_away_defers_the_comparison_and_loses_nothing():
    from kafka.errors import KafkaTimeoutError

    class Away(_Offsets):
        failures = 2

        def beginning_offsets(self, tps, timeout_ms=None):
            assert timeout_ms, "bounded: the loop's heartbeat must not wait for the client's request timeout"
            if self.failures:
                self.failures -= 1
                raise KafkaTimeoutError("offsets")
            return super().beginning_offsets(tps)

    consumer, store = Away(start=6, committed=2), _Store()
    watch = GapWatch(store, _Metrics())
    watch.observe(consumer, [])  # the assignment's comparison fails: kept for later
    watch.observe(consumer, [[Rec(TOPIC, 0, 6, None, b"")]])  # delivered meanwhile: judged with it
    assert store.written == []
    watch.observe(consumer, [[Rec(TOPIC, 0, 7, None, b"")]])
    assert [(f.source.offset, json.loads(f.value)["count"]) for f in store.written] == [(2, 4)]
    assert consumer.committed_at == 2  # records were delivered meanwhile: the chain commits past the gap, not the watch


def test_a_gap_cannot_be_replayed_and_is_dismissed_once_noted(tmp_path):
    log = {0: [(b"svc-a", record_value(submission())) for _ in range(4)]}
    proc, consumer = make(tmp_path, log, committed={0: 1})
    consumer.log_start[0] = 3
    run_until_caught_up(proc, consumer)
    env = {"ASCOLTO_DATA_DIR": str(proc.settings.data_dir), "ASCOLTO_ACTOR": "test:cli"}
    listed = CliRunner().invoke(cli, ["failed", "list", "--reason", RETENTION_GAP], env=env)
    assert listed.exit_code == 0, listed.output
    gap = _gaps(proc.settings.data_dir)[0]
    assert gap["letter_id"] in listed.output and "offsets 1-2" in listed.output
    assert "lost to the topic's retention: 2 records" in listed.output.splitlines()[-1]
    replayed = CliRunner().invoke(cli, ["failed", "replay"], env=env)
    assert replayed.exit_code == 0, replayed.output  # skipped, said so: not a letter that "still fails"
    assert f"{gap['letter_id']}: skipped, not replayable" in replayed.output and "nothing to replay" in replayed.output
    assert FailedStore(proc.settings.data_dir).replayed() == {}  # no outcome recorded: it stays pending
    dismissed = CliRunner().invoke(cli, ["failed", "dismiss", gap["letter_id"], "--note", "outage of 2026-12"], env=env)
    assert dismissed.exit_code == 0, dismissed.output
    assert _gaps(proc.settings.data_dir)[0]["status"] == "dismissed"


def test_the_quality_page_shows_lost_records_apart_from_letters_to_replay(tmp_path, clock_2027):
    from tests.console_data import EXPECTED_FAILED, build
    from processor.gaps import gap_failure
    from warehouse.console import create_app

    settings, tokens = build(tmp_path)
    FailedStore(tmp_path).write([gap_failure("ascolto.submissions", 3, 100, 149, 150)], 3, 100, 149)
    c = create_app(settings.with_(collector_metrics_url="http://127.0.0.1:9/metrics")).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    html = c.get("/quality").get_data(as_text=True)
    assert re.search(r'data-kpi="failed">([^<]*)<', html).group(1) == str(sum(EXPECTED_FAILED.values()))
    assert re.search(r'data-kpi="lost">([^<]*)<', html).group(1) == "50"
    assert "Record persi (retention di Kafka)" in html and "Non sono record da rielaborare" in html
    rows = c.get("/csv/quality/lost").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0] == "Topic;Partizione;Primo offset;Ultimo offset;Record;Rilevati il;Stato"
    assert rows[1].startswith("ascolto.submissions;3;100;149;50;") and rows[1].endswith(";da archiviare")
    failed = c.get("/csv/quality/failed").get_data(as_text=True)
    assert "retention_gap" not in failed  # not among the letters to replay, replayed or dismissed
    english = c.get("/quality?lang=en").get_data(as_text=True)
    assert "Records lost (Kafka retention)" in english and "1 offset ranges, 1 to dismiss" in english


def _produce(settings, n: int) -> list[dict]:
    from questionnaires.envelope import encode_record, make_envelope
    from tests.conftest import submission as registered  # a service of the test registry

    subs = [registered() for _ in range(n)]
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all")
    for s in subs:
        value = encode_record([make_envelope(s, collector="c", device="d")])
        producer.send(settings.topic, key=s["service"].encode(), value=value, partition=0)
    producer.flush(30)
    producer.close()
    return subs


@pytest.fixture
def kafka_retention(settings, tmp_path):
    """``settings`` on a broker of their own behind a :class:`RetentionProxy` (ports of 28200-28299): the proxy's
    ``log_start`` gives the topic's partition 0 the log start Apache Kafka has after its retention."""
    port, proxied = [p for p in range(28200, 28300) if port_is_free(p)][:2]
    with LocalBroker(port=port, advertised_port=proxied, log_path=tmp_path / "tansu.log") as broker, \
            RetentionProxy(proxied, port) as proxy:
        s = settings.with_(broker=broker.bootstrap)
        ensure_topics(broker.bootstrap, {s.topic: 1, s.dlq_topic: 1})
        yield s, proxy


def test_records_retention_took_are_a_gap_at_assignment_and_while_running(kafka_retention, processor_factory):
    """Through the real client's own reset: kafka-python logs "Fetch offset 3 is out of range … Resetting offset
    … to offset 7" and reads on from 7 — before, that INFO line was all that said 3-6 were lost."""
    settings, proxy = kafka_retention
    tp = TopicPartition(settings.topic, 0)
    subs = _produce(settings, 10)
    group = KafkaConsumer(bootstrap_servers=settings.broker, group_id=settings.group, enable_auto_commit=False)
    group.commit({tp: OffsetAndMetadata(3, "", -1)})  # the group had read 0-2 before its outage
    group.close()
    proxy.log_start = {0: 7}  # retention deleted 0-6 meanwhile: 3-6 were never read
    p = processor_factory(settings)
    processor_metrics_hold(settings, f"{LOST} 4.0")
    wait_for(lambda: len(response_ids(settings.data_dir)) == 3, message="the records after the log start written")
    assert sorted(response_ids(settings.data_dir)) == sorted(s["submission_id"] for s in subs[7:])
    proxy.log_start = {0: 15}  # while it runs: 10-14 deleted before it fetched them
    later = _produce(settings, 8)
    processor_metrics_hold(settings, f"{LOST} 9.0")
    wait_for(lambda: len(response_ids(settings.data_dir)) == 6, message="the records after the new log start")
    assert sorted(response_ids(settings.data_dir)) == sorted(s["submission_id"] for s in subs[7:] + later[5:])
    p.close()
    # Kafka's answer and kafka-python's reset, while running at least (at the assignment the client may read the
    # committed offset only after the processor moved it to the log start: then it fetches from 7 at once)
    assert proxy.out_of_range >= 1
    assert [(g["partition"], g["first_offset"], g["last_offset"], g["count"]) for g in _gaps(settings.data_dir)] == [
        (0, 3, 6, 4), (0, 10, 14, 5)]
