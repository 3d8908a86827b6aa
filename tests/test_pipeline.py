"""End to end on the real broker: collector → Kafka → processor → Parquet → indicator query."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pyarrow.dataset as ds
import pytest
from kafka import KafkaConsumer, KafkaProducer

from tests.conftest import count_rows, month_ended, processor_metrics_hold, submission, wait_for, WIDGET
from dataset.recordkey import local_secret, record_key
from warehouse.cube import Cut, table
from warehouse.dataset import Warehouse, open_dataset
from warehouse.protect import Protection


def published(settings):
    """The published cube by PA type and service type (what `ascolto indicators` prints), and unprotected,
    once the month of the answers posted now has ended (a period is published once it has ended);
    while it runs, nothing of it is published."""
    cut = Cut(indicator="satisfaction", by=["pa_type", "service_type"], freq="M")
    with Warehouse(settings) as wh:
        assert table(wh.cursor(), cut, Protection(enabled=False)).empty  # the running month: not published
    with month_ended(), Warehouse(settings) as wh:
        return (table(wh.cursor(), cut, Protection.from_settings(settings)).to_dict("records"),
                table(wh.cursor(), cut, Protection(enabled=False)).to_dict("records"))

SERVICES = ["demo-roma-anagrafe", "demo-inps-pensione", "demo-asl-prenotazione", "demo-lombardia-bandi"]


def _post(client, n: int, start: int = 0) -> list[dict]:
    bodies = []
    for i in range(start, start + n):
        body = submission(SERVICES[i % len(SERVICES)], satisfaction=4 + (i // len(SERVICES)) % 2)
        assert client.post("/v1/submissions", json=body, headers=WIDGET).status_code == 202
        bodies.append(body)
    return bodies


def test_n_submissions_become_exactly_n_rows_across_a_clean_restart(client, settings, processor_factory):
    first = _post(client, 40)
    p = processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) >= 20, message="first rows")
    p.close()
    second = _post(client, 40, start=40)
    processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) >= 80, message="all rows")
    time.sleep(1.0)  # nothing more must arrive
    with open_dataset(settings.data_dir) as con:
        ids = con.execute("SELECT submission_id, record_key FROM responses").fetchall()
    assert sorted(i for i, _ in ids) == sorted(b["submission_id"] for b in first + second)
    # the processor stored each row's record key: the function of the secret and the submission id
    secret = settings.ckm_secret or local_secret(settings.data_dir)
    assert all(k == record_key(secret, i) for i, k in ids)
    rows, exact = published(settings)
    assert sum(r["n"] for r in exact) == 80 and all(abs(r["n"] - e["n"]) <= 2 for r, e in zip(rows, exact))
    assert {(r["pa_type"], r["service_type"]) for r in rows} == {
        ("L6", "anagrafe.certificati"), ("C16", "previdenza.domanda-prestazione"),
        ("L7", "sanita.prenotazione"), ("L4", "regione.bandi")}
    # satisfaction 4 and 5 on 1..5 → 75 and 100; half of each per service (exact), near it once perturbed
    assert all(r["mean"] == 87.5 for r in exact) and all(75 <= r["mean"] <= 100 for r in rows)



def test_the_processor_reports_how_fresh_each_committed_row_is(client, settings, processor_factory):
    """ascolto_processor_freshness_seconds: one observation per envelope, from its 202 to its commit."""
    _post(client, 12)
    p = processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 12, message="12 rows")
    text = processor_metrics_hold(settings, "ascolto_processor_freshness_seconds_count 12.0")
    p.close()
    from prometheus_client.parser import text_string_to_metric_families

    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith("ascolto_processor_freshness_seconds"):
                assert sample.labels.pop("processor") == settings.instance
                labels = ",".join(f'{k}="{v}"' for k, v in sample.labels.items())
                samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    assert samples["ascolto_processor_freshness_seconds_count"] == 12
    assert samples['ascolto_processor_freshness_seconds_bucket{le="+Inf"}'] == 12
    assert samples['ascolto_processor_freshness_seconds_bucket{le="60.0"}'] == 12  # posted moments ago
    assert 0 < samples["ascolto_processor_freshness_seconds_sum"] < 12 * 60

def test_rows_carry_canonical_indicators_enrichment_and_redacted_text(client, settings, processor_factory):
    body = submission("demo-inps-pensione", satisfaction=2, ease=1, task="partly", went_well=None,
                      went_wrong=["technical", "speed"],
                      comment="Sono RSSMRA85T10A562S, scrivetemi a mario.rossi@example.it o al 333 1234567")
    client.post("/v1/submissions", json=body, headers=WIDGET)
    processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 1)
    table = ds.dataset(settings.responses_dir, format="parquet", partitioning="hive").to_table()
    [row] = table.to_pylist()
    assert row["pa_type"] == "C16" and row["entity"] == "inps" and row["region"] == "ITI4"
    assert row["service_type"] == "previdenza.domanda-prestazione"
    assert (row["satisfaction"], row["satisfaction_raw"], row["satisfaction_scale"]) == (25.0, "2", "1-5")
    assert row["ease"] == 0.0 and row["clarity"] is None
    assert row["task_completed"] == 50.0
    assert row["went_wrong"] == ["speed", "technical"] and row["went_well"] == []
    assert row["comment"] == "Sono [CF], scrivetemi a [EMAIL] o al [PHONE]"
    raw = dict(row["answers"])
    assert "RSSMRA85T10A562S" not in raw["comment"] and "example.it" not in raw["comment"]
    files = list(settings.responses_dir.rglob("*.parquet"))
    assert [f.relative_to(settings.responses_dir).parts[:2] for f in files] == [
        (f"period={row['period']}", "pa_type=C16")]


def test_duplicates_are_stored_once_and_poison_goes_to_the_dead_letter_topic(client, settings, processor_factory):
    bodies = _post(client, 10)
    for body in bodies[:3]:  # the widget retried: same submission_id again
        assert client.post("/v1/submissions", json=body, headers=WIDGET).status_code == 202
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all")
    producer.send(settings.topic, key=b"x", value=b"\x00not json").get(10)
    producer.send(settings.topic, key=b"x", value=b'{"schema": "ascolto.submission/1"}').get(10)
    producer.close()
    p = processor_factory()
    wait_for(lambda: count_rows(settings.data_dir) == 10)
    wait_for(lambda: sum(p.processor.stats.rejected.values()) == 2, message="dead letters")
    consumer = KafkaConsumer(settings.dlq_topic, bootstrap_servers=settings.broker,
                             auto_offset_reset="earliest", consumer_timeout_ms=5000)
    dead = [dict(r.headers) for _, r in zip(range(2), consumer)]
    consumer.close()
    assert sorted(h["ascolto.reason"] for h in dead) == [b"invalid_envelope", b"undecodable"]
    assert p.processor.stats.duplicates == 3


def _processor_process(settings) -> subprocess.Popen:
    env = dict(os.environ, ASCOLTO_BROKER=settings.broker, ASCOLTO_TOPIC=settings.topic,
               ASCOLTO_GROUP=settings.group, ASCOLTO_DATA_DIR=str(settings.data_dir),
               ASCOLTO_DATABASE_URL=settings.database_url, ASCOLTO_BATCH_MAX_RECORDS="7",
               ASCOLTO_BATCH_MAX_SECONDS="0.05", ASCOLTO_MAX_POLL_INTERVAL_MS="3000",
               ASCOLTO_SESSION_TIMEOUT_MS="6000")
    return subprocess.Popen([sys.executable, "-m", "ascolto.cli", "processor"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_sigkilled_processor_restarts_without_losing_or_duplicating_rows(client, settings):
    bodies = _post(client, 150)
    proc = _processor_process(settings)
    try:
        wait_for(lambda: count_rows(settings.data_dir) >= 30, message="rows before the kill")
        proc.send_signal(signal.SIGKILL)  # mid-run: some batches written, maybe not committed
        proc.wait(10)
        bodies += _post(client, 50, start=150)
        proc = _processor_process(settings)
        wait_for(lambda: count_rows(settings.data_dir) >= 200, timeout_s=60, message="all rows")
        time.sleep(1.5)
    finally:
        proc.terminate()
        proc.wait(15)
    with open_dataset(settings.data_dir) as con:
        ids = [r[0] for r in con.execute("SELECT submission_id FROM responses").fetchall()]
    assert published(settings)[0][0]["n"] > 0
    assert len(ids) == 200
    assert set(ids) == {b["submission_id"] for b in bodies}
