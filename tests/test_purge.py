"""Retention: `ascolto purge` removes raw answers and free text of old months, keeps every aggregate."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone

from click.testing import CliRunner
from kafka import KafkaProducer

from ascolto.cli import main
from questionnaires.envelope import encode_record, make_envelope
from tests.conftest import count_rows, wait_for
from warehouse.cube import Cut, table
from warehouse.dataset import Warehouse

OLD, NEW = datetime(2025, 3, 10, 9, tzinfo=timezone.utc), datetime(2026, 10, 5, 9, tzinfo=timezone.utc)
SECRET = "scrivetemi pure, grazie mille"


def _produce(settings, when: datetime, n: int) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all")
    for i in range(n):
        sub = {"submission_id": str(uuid.uuid4()), "service": "demo-roma-anagrafe", "questionnaire": "cx-core",
               "version": 1, "lang": "it", "channel": "web", "context": {"page": "/x"},
               "answers": {"satisfaction": 1 + i % 5, "task": "yes", "comment": f"{SECRET} {i}",
                           **({"went_well": ["clarity"]} if 1 + i % 5 > 3 else {})}}
        env = make_envelope(sub, collector="t", device="desktop", received_at=when)
        producer.send(settings.topic, key=b"demo-roma-anagrafe", value=encode_record([env])).get(10)
    producer.close()


def _aggregates(settings) -> list:
    with Warehouse(settings) as wh:
        out = []
        for indicator in ("satisfaction", "task_completed", "went_well"):
            df = table(wh.cursor(), Cut(indicator=indicator, by=["service_type"], freq="M").validate())
            out.append(df.to_json(orient="records", default_handler=str))
        return out


def _parquet_bytes(settings) -> bytes:
    import pyarrow.parquet as pq

    chunks = []
    for f in sorted(settings.data_dir.glob("responses/**/*.parquet")):
        chunks.append(json.dumps(pq.read_table(f).to_pylist(), default=str).encode())
    return b"".join(chunks)


def test_purge_keeps_aggregates_and_removes_old_free_text_and_raw_answers(settings, processor_factory):
    _produce(settings, OLD, 12)
    _produce(settings, NEW, 8)
    p = processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 20)
    p.close()
    before = _aggregates(settings)
    runner = CliRunner()
    env = {"ASCOLTO_DATA_DIR": str(settings.data_dir)}

    dry = runner.invoke(main, ["purge", "--before", "2026-01-01", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["periods"] == ["2025-03"] and report["comments_removed"] == 12 and report["answer_maps_emptied"] == 12
    assert _parquet_bytes(settings).count(SECRET.encode()) == 2 * 20  # comment + raw answers; dry run changed nothing

    done = runner.invoke(main, ["purge", "--before", "2026-01-01"], env=env)
    assert done.exit_code == 0, done.output
    text = _parquet_bytes(settings)
    assert text.count(SECRET.encode()) == 2 * 8  # only the recent month keeps its comments
    assert not list((settings.data_dir / "answers").glob("period=2025-03/**/*.parquet"))
    assert list((settings.data_dir / "answers").glob("period=2026-10/**/*.parquet"))
    assert count_rows(settings.data_dir) == 20
    assert _aggregates(settings) == before  # every indicator, every cell, unchanged

    again = json.loads(runner.invoke(main, ["purge", "--before", "2026-01-01"], env=env).output)
    assert again["files_rewritten"] == 0  # idempotent


def test_purge_rejects_a_malformed_date(tmp_path):
    result = CliRunner().invoke(main, ["purge", "--before", "last year"], env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "--before" in result.output


def test_purge_refuses_a_before_that_reaches_into_the_running_month(tmp_path, clock_december):
    """`--before 2099-01-01 --dry-run` was accepted: it would purge the running month (still being
    written) and every ended one. In December 2026 a --before later than 2026-12-01 is a usage error
    naming --before and the latest date allowed; that date itself purges the ended months."""
    env = {"ASCOLTO_DATA_DIR": str(tmp_path)}
    for before in ("2099-01-01", "2026-12-02"):
        for dry in ([], ["--dry-run"]):
            result = CliRunner().invoke(main, ["purge", "--before", before, *dry], env=env)
            assert result.exit_code == 2 and "--before" in result.output, result.output
            assert "running month (2026-12-01)" in result.output and "Give 2026-12-01 or earlier" in result.output
    ok = CliRunner().invoke(main, ["purge", "--before", "2026-12-01", "--dry-run"], env=env)
    assert ok.exit_code == 0 and json.loads(ok.output)["before"] == "2026-12-01", ok.output


def test_keep_months_purges_whole_months_before_the_kept_ones():
    from processor.purge import keep_months_cutoff

    assert keep_months_cutoff(24, date(2026, 12, 1)) == date(2024, 12, 1)
    assert keep_months_cutoff(1, date(2026, 1, 31)) == date(2025, 12, 1)
    assert keep_months_cutoff(12, date(2026, 3, 15)) == date(2025, 3, 1)


def test_purge_takes_one_of_before_and_keep_months(tmp_path):
    env = {"ASCOLTO_DATA_DIR": str(tmp_path)}
    for args in ([], ["--before", "2026-01-01", "--keep-months", "24"], ["--keep-months", "0"]):
        result = CliRunner().invoke(main, ["purge", *args, "--dry-run"], env=env)
        assert result.exit_code == 2 and ("--keep-months" in result.output or "--before" in result.output), args
    ok = CliRunner().invoke(main, ["purge", "--keep-months", "1200", "--dry-run"], env=env)
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.output)
    assert report["periods"] == [] and report["before"].endswith("-01")
