"""The processor against the real broker: exactly-once rows, typed dead letters, replay, halt, metrics, privacy."""
from __future__ import annotations

import json
import random
import threading
import time
import uuid
from datetime import datetime, timezone

import duckdb
import pyarrow.dataset as ds
import pytest
from click.testing import CliRunner
from kafka import KafkaConsumer, TopicPartition

from ascolto.cli import main as cli
from processor.consumer import Halt, Processor
from processor.failed import FailedStore
from processor.ids import IdIndex
from questionnaires.envelope import encode_record, make_envelope
from registry import connect
from registry.db import session_scope
from registry import ops
from tests.conftest import processor_metrics_hold, wait_for
from tests.processor_workload import SERVICES, make_submission, produce, produce_mostly_invalid, response_ids, workload

PLANTED = ["RSSMRA85T10A562S", "mario.rossi@example.it", "333 1234567", "IT60X0542811101000000123456",
           "01234560017", "Giuseppe Verdi"]


def dlq_messages(settings, expected: int):
    consumer = KafkaConsumer(settings.dlq_topic, bootstrap_servers=settings.broker, auto_offset_reset="earliest",
                             consumer_timeout_ms=3000)
    out = [r for _, r in zip(range(expected + 50), consumer)]
    consumer.close()
    return out


def committed(settings) -> dict[int, int | None]:
    consumer = KafkaConsumer(bootstrap_servers=settings.broker, group_id=settings.group, enable_auto_commit=False)
    out = {p: consumer.committed(TopicPartition(settings.topic, p)) for p in range(3)}
    consumer.close()
    return out


def test_1000_submissions_with_duplicates_and_poison_give_exactly_the_valid_rows_and_typed_dead_letters(
        settings, processor_factory):
    records, subs, reasons = workload(seed=5)
    produce(settings, records)
    p = processor_factory()
    wait_for(lambda: len(response_ids(settings.data_dir)) >= len(subs), timeout_s=60, message="all rows")
    wait_for(lambda: sum(p.processor.stats.rejected.values()) >= len(reasons), message="dead letters")
    # metrics: a Prometheus textfile (a clean stop removes it)
    processor_metrics_hold(settings, "ascolto_processor_rows_written_total 1010.0",
                           'ascolto_processor_dead_letters_total{reason="unknown_service"} 5.0')
    p.close()
    ids = response_ids(settings.data_dir)
    assert len(ids) == len(set(ids)) == len(subs) == 1010
    assert set(ids) == {s["submission_id"] for s in subs}
    assert p.processor.stats.duplicates == 100
    # typed dead letters: the DLQ topic (reason headers) and the failed/ dataset
    dead = dlq_messages(settings, len(reasons))
    assert sorted(dict(m.headers)["ascolto.reason"].decode() for m in dead) == reasons
    failed = FailedStore(settings.data_dir).list()
    assert sorted(f["reason"] for f in failed) == reasons
    assert all(f["status"] == "pending" and f["topic"] == settings.topic and f["offset"] >= 0 for f in failed)
    # the answers dataset: every submission, one row per value, nothing twice
    con = duckdb.connect()
    a = f"read_parquet('{settings.data_dir}/answers/**/*.parquet', hive_partitioning=true)"
    assert con.execute(f"SELECT count(DISTINCT submission_id) FROM {a}").fetchone()[0] == 1010
    assert con.execute(f"SELECT count(*) FROM {a} WHERE item = 'satisfaction'").fetchone()[0] == 1010
    assert con.execute(f"SELECT count(*) - count(DISTINCT (submission_id, item, value)) FROM {a}").fetchone()[0] == 0


def test_planted_personal_data_never_reaches_parquet_or_exports(settings, processor_factory, tmp_path):
    rng = random.Random(7)
    comments = [f"Sono Giuseppe Verdi, CF RSSMRA85T10A562S, scrivete a mario.rossi@example.it o al 333 1234567; "
                f"rimborso su IT60X0542811101000000123456, P.IVA 01234560017 (#{i})" for i in range(20)]
    subs = [make_submission(rng, comment=c) for c in comments]
    poison = dict(make_submission(rng, service="no-such-service", comment=comments[0]))
    when = datetime(2026, 11, 20, tzinfo=timezone.utc)
    produce(settings, [(s["service"].encode(), encode_record([make_envelope(s, collector="c", device="d", received_at=when)]))
                       for s in subs + [poison]])
    p = processor_factory()
    wait_for(lambda: len(response_ids(settings.data_dir)) == 20 and sum(p.processor.stats.rejected.values()) == 1)
    processor_metrics_hold(settings, 'ascolto_processor_redactions_total{type="PIVA"} 20.0')
    p.close()
    export = tmp_path / "export.csv"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_parquet('{settings.data_dir}/responses/**/*.parquet', "
                    f"hive_partitioning=true)) TO '{export}' (HEADER)")
    files = [*settings.data_dir.rglob("*.parquet")]
    assert {f.relative_to(settings.data_dir).parts[0] for f in files} == {"responses", "answers", "failed"}
    for f in files:
        text = json.dumps(ds.dataset(f, format="parquet").to_table().to_pylist(), default=str, ensure_ascii=False)
        blobs = [text.encode(), f.read_bytes()]
        for planted in PLANTED:
            assert all(planted.encode() not in b for b in blobs), (planted, f)
    for planted in PLANTED:
        assert planted not in export.read_text()
    assert p.processor.stats.redactions == {"CF": 20, "EMAIL": 20, "PHONE": 20, "IBAN": 20, "PIVA": 20, "NOME": 20}


def test_failed_records_are_replayed_after_a_fix_idempotently(settings, processor_factory):
    rng = random.Random(11)
    when = datetime(2026, 11, 20, tzinfo=timezone.utc)
    early = [make_submission(rng, service="demo-new-service") for _ in range(4)]
    fine = [make_submission(rng) for _ in range(6)]
    produce(settings, [(s["service"].encode(), encode_record([make_envelope(s, collector="c", device="d", received_at=when)]))
                       for s in early + fine])
    p = processor_factory()
    wait_for(lambda: len(response_ids(settings.data_dir)) == 6 and sum(p.processor.stats.rejected.values()) == 4)
    p.close()
    env = {"ASCOLTO_DATA_DIR": str(settings.data_dir), "ASCOLTO_DATABASE_URL": settings.database_url,
           "ASCOLTO_BROKER": settings.broker}
    runner = CliRunner()
    out = runner.invoke(cli, ["failed", "list", "--pending"], env=env)
    assert out.exit_code == 0 and "4 failures; 4 unknown_service pending" in out.output
    out = runner.invoke(cli, ["failed", "replay", "--reason", "unknown_service"], env=env)
    # not fixed yet: they stay pending, and the exit status says so to a script
    assert out.exit_code == 1 and "4 replayed: 4 failed" in out.output, out.output
    assert runner.invoke(cli, ["failed", "replay", "--dry-run"], env=env).exit_code == 1
    with session_scope(connect(settings.database_url)) as s:  # the fix: the service is registered
        ops.add_service(s, actor="test", key="demo-new-service", entity_ipa="c_h501", name="Nuovo",
                        service_type="anagrafe.certificati", channel="web", allowed_origins=[],
                        questionnaire_id="cx-core", questionnaire_version=1)
    out = runner.invoke(cli, ["failed", "replay", "--since", "2000-01-01"], env=env)
    assert out.exit_code == 0 and "4 replayed: 4 written" in out.output, out.output
    ids = response_ids(settings.data_dir)
    assert sorted(ids) == sorted(s["submission_id"] for s in early + fine)
    assert runner.invoke(cli, ["failed", "replay"], env=env).output.strip() == "nothing to replay"
    out = runner.invoke(cli, ["failed", "list", "--json"], env=env)
    assert [json.loads(line)["status"] for line in out.output.splitlines()] == ["written"] * 4
    # a replay whose ledger was lost is still idempotent: the rows are already there
    (settings.data_dir / "failed" / "replayed.jsonl").unlink()
    assert "4 replayed: 4 duplicate" in runner.invoke(cli, ["failed", "replay"], env=env).output
    assert len(response_ids(settings.data_dir)) == 10


def test_a_dead_letter_no_fix_can_recover_is_dismissed_with_a_note(settings, processor_factory):
    """Undecodable records stayed "pending" in `failed list --pending` (and were tried by every
    replay) until `purge` removed their month: an operator could not say "this one will never work"."""
    rng = random.Random(12)
    fine = make_submission(rng)
    produce(settings, [(b"x", b"\x00 not an envelope"), (b"y", b"{\"schema\": 99}"),
                       (fine["service"].encode(), encode_record([make_envelope(fine, collector="c", device="d")]))])
    p = processor_factory()
    wait_for(lambda: len(response_ids(settings.data_dir)) == 1 and sum(p.processor.stats.rejected.values()) == 2)
    p.close()
    env = {"ASCOLTO_DATA_DIR": str(settings.data_dir), "ASCOLTO_DATABASE_URL": settings.database_url,
           "ASCOLTO_BROKER": settings.broker, "ASCOLTO_ACTOR": "ops:anna"}
    runner = CliRunner()
    listed = [json.loads(line) for line in runner.invoke(cli, ["failed", "list", "--json"], env=env).output.splitlines()]
    ids = [r["failure_id"] for r in listed]
    assert len(ids) == 2 and {r["status"] for r in listed} == {"pending"}
    refused = runner.invoke(cli, ["failed", "dismiss", ids[0], "nope/0/0/0", "--note", "garbage"], env=env)
    assert refused.exit_code == 1 and "nope/0/0/0" in refused.output  # no such letter (the state): nothing recorded
    assert runner.invoke(cli, ["failed", "dismiss", ids[0], "--note", " "], env=env).exit_code == 2
    out = runner.invoke(cli, ["failed", "dismiss", *ids, "--note", "a broken test producer, not citizens' answers"],
                        env=env)
    assert out.exit_code == 0 and "2 dismissed" in out.output, out.output
    assert "0 failures" in runner.invoke(cli, ["failed", "list", "--pending"], env=env).output
    assert runner.invoke(cli, ["failed", "replay"], env=env).output.strip() == "nothing to replay"
    statuses = [json.loads(line)["status"] for line in runner.invoke(cli, ["failed", "list", "--json"], env=env).output.splitlines()]
    assert statuses == ["dismissed", "dismissed"]
    ledger = [json.loads(line) for line in (settings.data_dir / "failed" / "replayed.jsonl").read_text().splitlines()]
    assert {(r["outcome"], r["actor"], r["note"]) for r in ledger} == {
        ("dismissed", "ops:anna", "a broken test producer, not citizens' answers")}
    assert runner.invoke(cli, ["failed", "dismiss", ids[0], "--note", "again"], env=env).exit_code == 1  # not pending



def test_a_retry_after_the_partition_count_changed_meets_its_first_copy_in_another_partition(
        settings, processor_factory):
    """The key (the service) picks the partition, murmur2 modulo the count: when the count changes, a
    service's records move to another partition, whose dedup index must still hold the service's rows.
    Tansu cannot add partitions to a topic, so the new count is a second topic (6 partitions) over the
    same dataset — the same state a processor meets after `kafka-topics --alter --partitions 6`."""
    from processor.consumer import key_partition

    moved = [s for s in SERVICES if key_partition(s, 3) != key_partition(s, 6)]
    assert moved  # else this workload would not tell anything
    rng = random.Random(23)
    when = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
    subs = [make_submission(rng, service=SERVICES[i % len(SERVICES)]) for i in range(60)]
    records = [(s["service"].encode(), encode_record([make_envelope(s, collector="c", device="d", received_at=when)]))
               for s in subs]
    produce(settings, records)  # 3 partitions
    first = processor_factory()
    wait_for(lambda: len(response_ids(settings.data_dir)) == 60, message="60 rows")
    first.close()

    from deploy.broker import ensure_topics

    later = settings.with_(topic=settings.topic + ".6", group=settings.group + "-6")
    ensure_topics(later.broker, {later.topic: 6, later.dlq_topic: 1})
    produce(later, records)  # every submission retried, now over 6 partitions
    second = processor_factory(later)
    wait_for(lambda: second.processor.stats.duplicates + second.processor.stats.written >= 60,
             message="the retries processed")
    second.close()
    assert second.processor.stats.written == 0 and second.processor.stats.duplicates == 60
    ids = response_ids(settings.data_dir)
    assert len(ids) == len(set(ids)) == 60


def test_a_mostly_invalid_window_halts_without_committing(settings):
    proc = Processor(produce_mostly_invalid(settings))  # 80 of 120 invalid
    with pytest.raises(Halt, match="invalid"):
        proc.run(threading.Event())
    assert committed(settings) == {0: None, 1: None, 2: None}
    assert response_ids(settings.data_dir) == [] and FailedStore(settings.data_dir).list() == []
    assert f'ascolto_processor_halted{{processor="{settings.instance}"}} 1.0' in settings.processor_metrics_file.read_text()


def test_a_halt_on_records_that_stay_invalid_says_how_to_get_past_them_and_that_way_works(settings, processor_factory):
    """A broken producer's records are in the topic for good: "fix the producer and restart" (the runbook and
    the HALTED line) halted again at every restart, and nothing said how to get past them. The line now says
    to run once with ASCOLTO_DLQ_WINDOW=0: the window becomes dead letters, the valid rows are written once."""
    halting = produce_mostly_invalid(settings)  # 40 valid, 80 undecodable
    with pytest.raises(Halt) as halted:
        Processor(halting).run(threading.Event())
    with pytest.raises(Halt):  # the same records: a plain restart halts again
        Processor(halting).run(threading.Event())
    assert committed(settings) == {0: None, 1: None, 2: None}
    assert "ASCOLTO_DLQ_WINDOW=0" in str(halted.value) and "ascolto failed" in str(halted.value)
    once = processor_factory(halting.with_(dlq_window=0))
    wait_for(lambda: len(FailedStore(settings.data_dir).list()) == 80 and len(response_ids(settings.data_dir)) == 40,
             timeout_s=60, message="the window dead-lettered and its valid rows written")
    once.close()
    joined = threading.Event()
    again = processor_factory(halting, on_assigned=lambda assigned: joined.set())  # restarted without it
    assert joined.wait(60), "the restarted processor joined its group"
    time.sleep(2 * halting.batch_max_seconds)  # a batch's time: nothing left to read, so nothing to halt on
    again.close()
    assert again.processor.halted is None and again.processor.stats.written == 0
    assert len(response_ids(settings.data_dir)) == 40
    assert {f["reason"] for f in FailedStore(settings.data_dir).list(pending_only=True)} == {"undecodable"}


def test_a_backlog_in_records_of_many_envelopes_is_read_in_byte_bounded_batches_exactly_once(settings, processor_factory):
    """What the shipper sends after an outage: records of 50 envelopes. Batches close at the byte bound
    (about three records here), not after 2,000 records, and every row is written once."""
    rng = random.Random(11)
    subs = [make_submission(rng, SERVICES[0]) for _ in range(600)]
    values = [encode_record([make_envelope(s, collector="c1", device="mobile") for s in subs[i:i + 50]])
              for i in range(0, 600, 50)]
    produce(settings, [(SERVICES[0].encode(), v) for v in values])
    s = settings.with_(batch_max_records=2000, batch_max_seconds=2.0, batch_max_bytes=3 * min(map(len, values)))
    p = processor_factory(s)
    wait_for(lambda: len(response_ids(settings.data_dir)) >= 600, timeout_s=60, message="all rows")
    p.close()
    ids = response_ids(settings.data_dir)
    assert len(ids) == len(set(ids)) == 600 and set(ids) == {x["submission_id"] for x in subs}
    assert p.processor.stats.batches >= 4  # 12 records, at most 3 a batch; without the bound 1 or 2


def test_id_index_is_a_set_of_ids():
    ids = [str(uuid.uuid4()) for _ in range(5000)]
    index = IdIndex(ids[:3000])
    assert all(i in index for i in ids[:3000]) and not any(i in index for i in ids[3000:])
    index.MERGE_AT = 100
    index.update(ids[3000:])
    index.add("not-a-uuid")
    assert all(i in index for i in ids) and "not-a-uuid" in index and "other" not in index
    assert len(index) == 5001


def test_the_metrics_textfile_has_no_created_series(tmp_path):
    """The textfile carried prometheus_client's `<counter>_created` samples (a start time per series,
    changing at every restart): noise node_exporter exported as series of their own. Only the
    counters' values are written, with or without the processor label."""
    from processor.metrics import Metrics

    for instance in ("p-1", None):
        m = Metrics(tmp_path / f"{instance}.prom", instance)
        m.records.inc(3)
        m.dead.labels("invalid").inc()
        m.write()
        text = (tmp_path / f"{instance}.prom").read_text()
        assert "_created" not in text
        assert ("ascolto_processor_records_total{processor=\"p-1\"} 3.0" if instance
                else "ascolto_processor_records_total 3.0") in text
