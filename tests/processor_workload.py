"""The processor tests' workload: collector-like records with duplicates and poison, produced to the real
broker, and the ids read back from the dataset (shared by test_processor and test_processor_acceptance)."""
from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timezone

import pyarrow.dataset as ds
from kafka import KafkaProducer

from questionnaires.envelope import encode_record, make_envelope
from settings import Settings

SERVICES = ["demo-roma-anagrafe", "demo-inps-pensione", "demo-asl-prenotazione", "demo-lombardia-bandi",
            "demo-milano-anagrafe", "demo-inail-denuncia"]


def make_submission(rng: random.Random, service: str | None = None, comment: str | None = None) -> dict:
    sat = rng.randint(1, 5)
    answers = {"satisfaction": sat, "ease": rng.randint(1, 5), "task": rng.choice(["yes", "partly", "no"])}
    answers["went_well" if sat > 3 else "went_wrong"] = rng.sample(["clarity", "speed", "technical", "other"], 2)
    if comment:
        answers["comment"] = comment
    return {"submission_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "service": service or rng.choice(SERVICES), "questionnaire": "cx-core", "version": 1, "lang": "it",
            "channel": "web", "answers": answers, "context": {"page": "/servizio"}}


def workload(seed: int, n: int = 1000, dup_ratio: float = 0.10, poison: int = 20):
    """Records like the collector's (batches of 1–8 envelopes keyed by service), with duplicates and poison.

    Returns (records as (key, value), the unique valid submissions, expected failure reasons).
    """
    rng = random.Random(seed)
    subs = [make_submission(rng) for _ in range(n)]
    sends = subs + [rng.choice(subs) for _ in range(int(n * dup_ratio))]  # the widget retried
    rng.shuffle(sends)
    when = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
    by_service: dict[str, list] = {}
    for s in sends:
        by_service.setdefault(s["service"], []).append(make_envelope(s, collector="c1", device="mobile", received_at=when))
    records, reasons = [], []
    for service, envs in by_service.items():
        i = 0
        while i < len(envs):
            k = rng.randint(1, 8)
            records.append((service.encode(), encode_record(envs[i:i + k])))
            i += k
    kinds = ["undecodable", "invalid_envelope", "unknown_service", "invalid_answers"]
    for j in range(poison):
        kind = kinds[j % 4]
        reasons.append(kind)
        if kind == "undecodable":
            records.append((b"x", b"\x00\xffnot json " + str(j).encode()))
        elif kind == "invalid_envelope":
            records.append((b"x", json.dumps({"schema": "ascolto.submission/1", "n": j}).encode()))
        else:
            bad = make_submission(rng, service="no-such-service" if kind == "unknown_service" else SERVICES[0])
            if kind == "invalid_answers":
                bad["answers"]["satisfaction"] = 9
            good = make_submission(rng, service=bad["service"] if kind == "invalid_answers" else SERVICES[1])
            subs.append(good)  # poison inside a batch record must not take its neighbour down
            records.append((bad["service"].encode(), encode_record([
                make_envelope(bad, collector="c1", device="mobile", received_at=when),
                make_envelope(good, collector="c1", device="mobile", received_at=when)])))
    rng.shuffle(records)
    return records, subs, sorted(reasons)


def produce(settings, records) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all", linger_ms=5)
    for key, value in records:
        producer.send(settings.topic, key=key, value=value)
    producer.flush(30)
    producer.close()


def response_ids(data_dir) -> list[str]:
    root = data_dir / "responses"
    if not root.exists() or not any(root.rglob("*.parquet")):  # the directory may exist before any file
        return []
    return ds.dataset(root, format="parquet", partitioning="hive").to_table(columns=["submission_id"]).column(0).to_pylist()


def produce_mostly_invalid(settings) -> Settings:
    """40 valid submissions and 80 undecodable records (two thirds invalid) on the topic; returns the
    settings of a processor whose invalid-ratio guard (a window of 100, at most half) halts on them."""
    rng = random.Random(3)
    good = [(s["service"].encode(), encode_record([make_envelope(s, collector="c", device="d")]))
            for s in (make_submission(rng) for _ in range(40))]
    produce(settings, good + [(b"x", b"garbage %d" % i) for i in range(80)])
    return settings.with_(batch_max_records=500, batch_max_seconds=1.0, dlq_window=100, dlq_max_ratio=0.5)
