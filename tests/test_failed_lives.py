"""Dead letters of two lives of one topic (deleted and recreated, or the local broker's memory storage
restarted: offsets start again at 0) against the real broker: both kept, told apart, replayed once each."""
from __future__ import annotations

import dataclasses
import json
import random
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner
from kafka import KafkaProducer

from ascolto.cli import main as cli
from deploy.broker import LocalBroker, ensure_topics, port_is_free
from processor.failed import FAILED_SCHEMA, FailedStore
from questionnaires.envelope import encode_record, make_envelope
from registry import connect, ops
from registry.db import session_scope
from tests.conftest import wait_for
from tests.processor_workload import make_submission, response_ids


def _poison(settings, sub) -> None:
    """``sub`` (of a service the registry does not know) as the first record of partition 0."""
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all")
    envelope = make_envelope(sub, collector="c", device="d", received_at=datetime(2026, 11, 20, tzinfo=timezone.utc))
    producer.send(settings.topic, key=sub["service"].encode(), value=encode_record([envelope]), partition=0)
    producer.flush(30)
    producer.close()


def _register(settings, key: str) -> None:
    with session_scope(connect(settings.database_url)) as s:
        ops.add_service(s, actor="test", key=key, entity_ipa="c_h501", name=key, service_type="anagrafe.certificati",
                        channel="web", allowed_origins=[], questionnaire_id="cx-core", questionnaire_version=1)


def _second_life(tmp_path) -> LocalBroker:
    """A broker of its own (memory storage: a new life of every topic), on a port of 28000-28199."""
    port = next(p for p in range(28150, 28200) if port_is_free(p))
    return LocalBroker(port=port, log_path=tmp_path / "tansu-2.log").start()


def test_a_dead_letter_of_a_recreated_topic_neither_overwrites_nor_inherits_the_first_lifes_letter(
        settings, processor_factory, tmp_path):
    """A dead letter's id was topic/partition/offset/index: the second life's first letter had the
    first life's id, its failed/ file the same name (written the same day, it replaced the first letter's
    file: the first letter lost) and the first letter's ledger line (shown "written", never replayed)."""
    rng = random.Random(21)
    first = make_submission(rng, service="svc-first-life")
    second = make_submission(rng, service="svc-second-life")
    env = {"ASCOLTO_DATA_DIR": str(settings.data_dir), "ASCOLTO_DATABASE_URL": settings.database_url}
    runner = CliRunner()

    _poison(settings, first)
    p = processor_factory()
    wait_for(lambda: sum(p.processor.stats.rejected.values()) == 1, message="the first life's dead letter")
    p.close()
    _register(settings, "svc-first-life")
    out = runner.invoke(cli, ["failed", "replay"], env={**env, "ASCOLTO_BROKER": settings.broker})
    assert out.exit_code == 0 and "1 replayed: 1 written" in out.output, out.output

    broker = _second_life(tmp_path)
    try:
        later = dataclasses.replace(settings, broker=broker.bootstrap)
        ensure_topics(later.broker, {later.topic: 3, later.dlq_topic: 1})
        _poison(later, second)
        p = processor_factory(later)
        wait_for(lambda: sum(p.processor.stats.rejected.values()) == 1, message="the second life's dead letter")
        p.close()
        env["ASCOLTO_BROKER"] = later.broker

        letters = FailedStore(settings.data_dir).list()
        assert [(r["offset"], r["partition"]) for r in letters] == [(0, 0), (0, 0)]  # the same coordinates
        services = [json.loads(r["value"])["submission"]["service"] for r in letters]
        assert services == ["svc-first-life", "svc-second-life"]  # both kept, oldest first
        assert [r["status"] for r in letters] == ["written", "pending"]
        assert letters[0]["failure_id"] != letters[1]["failure_id"]
        listed = runner.invoke(cli, ["failed", "list", "--pending", "--json"], env=env)
        assert [json.loads(line)["failure_id"] for line in listed.output.splitlines()] == [letters[1]["failure_id"]]

        _register(settings, "svc-second-life")
        out = runner.invoke(cli, ["failed", "replay"], env=env)
        assert out.exit_code == 0 and "1 replayed: 1 written" in out.output, out.output
        assert runner.invoke(cli, ["failed", "replay"], env=env).output.strip() == "nothing to replay"
        ids = response_ids(settings.data_dir)  # each letter reached the dataset, once
        assert sorted(ids) == sorted([first["submission_id"], second["submission_id"]])
        assert [r["status"] for r in FailedStore(settings.data_dir).list()] == ["written", "written"]
    finally:
        broker.stop()


def _legacy_letter(store: FailedStore, service: str, day: datetime) -> None:
    """A dead letter as processors of before the digest wrote it (id topic/partition/offset/index) at t/0/0."""
    value = encode_record([make_envelope(make_submission(random.Random(service), service=service), collector="c",
                                         device="d", received_at=day)])
    row = {"failure_id": "t/0/0/0", "reason": "unknown_service", "detail": service, "topic": "t", "partition": 0,
           "offset": 0, "envelope_index": 0, "key": service.encode(), "value": value, "failed_at": day, "processor": ""}
    directory = store.root / f"date={day:%Y-%m-%d}"
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist([row], schema=FAILED_SCHEMA), directory / "failed-000-000000000000-000000000000-x.parquet")


def test_two_letters_of_before_the_digest_with_one_id_are_both_listed_each_with_its_own_status(tmp_path):
    """Letters of two lives written on two days before the digest share their id: the list showed the
    first only (the second hidden: never pending, never replayed), and a ledger line of the first's replay
    now marks only the letter that had failed when it was recorded."""
    store = FailedStore(tmp_path)
    _legacy_letter(store, "svc-one", datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    store.record_replays([{"failure_id": "t/0/0/0", "outcome": "written", "at": "2026-11-20T10:00:00+00:00"}])
    _legacy_letter(store, "svc-two", datetime(2026, 11, 21, 9, tzinfo=timezone.utc))
    letters = store.list()
    assert [(r["detail"], r["status"]) for r in letters] == [("svc-one", "written"), ("svc-two", "pending")]
    assert [r["detail"] for r in store.list(pending_only=True)] == ["svc-two"]


def test_a_ledger_line_edited_by_hand_is_skipped_not_a_traceback(tmp_path):
    """A JSON line that is no ledger record (an array, an object without failure_id, a null outcome) made
    `failed list`, `replay` and `dismiss` end in a KeyError/AttributeError traceback."""
    store = FailedStore(tmp_path)
    _legacy_letter(store, "svc-one", datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    (store.root / "replayed.jsonl").write_text('[1]\n{"nope": 1}\n{"failure_id": "t/0/0/0", "outcome": null}\n"s"\n'
                                               '{"failure_id": "t/0/0/0", "outcome": "written", "at": "2026-11-20T10:00:00+00:00"}\n')
    assert [r["status"] for r in store.list()] == ["written"]
    out = CliRunner().invoke(cli, ["failed", "list"], env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert out.exit_code == 0 and "1 failures; 1 unknown_service written" in out.output, out.output
