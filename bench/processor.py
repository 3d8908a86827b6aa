"""Processor throughput vs the raw kafka-python consume rate of the same topic, side by side in one run.

    python -m bench.processor [--submissions 100000] [--index-ids 1000000]

Pre-fills a topic (6 partitions, local Tansu broker) with records like the collector produces
(batches of 1–8 envelopes keyed by service key, 5% duplicate submissions, 0.5% poison), then, each
in its own child process so that peak RSS is per phase:

1. raw: a bare ``KafkaConsumer`` reads every record of the topic (no decoding);
2. processor: :class:`processor.consumer.Processor` (new group) until every record's offset is
   committed, i.e. its rows are in durable Parquet and its dead letters acknowledged.

Rates are submissions (envelopes) per second, timed from the first record (raw) or the partition
assignment (processor) to the end. Prints both, the ratio (target >= 0.6) and peak RSS (target <
500 MB). ``--index-ids`` also measures the dedup index for that many ids. Not run by pytest.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ascolto.config import Settings
from deploy.broker import LocalBroker, ensure_topics
from questionnaires.envelope import encode_record, make_envelope
from registry import connect
from registry.demo import SERVICES, seed

from .common import machine

PARTITIONS = 6


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(n: int, rng: random.Random) -> list[tuple[bytes, bytes, int]]:
    """``n`` submissions (+5% duplicates, +0.5% poison) as collector-like (key, value, envelopes) records."""
    when = datetime.now(timezone.utc)
    comments = ["Tutto chiaro, grazie", "Il sito era lento nel pomeriggio", "Mi chiamo Mario Rossi, 333 1234567",
                "Non trovavo il modulo per il rimborso", None, None, None]
    subs = []
    for _ in range(n):
        sat = rng.randint(1, 5)
        answers = {"satisfaction": sat, "ease": rng.randint(1, 5), "clarity": rng.randint(1, 5),
                   "task": rng.choice(["yes", "partly", "no"]),
                   "went_well" if sat > 3 else "went_wrong": rng.sample(["clarity", "speed", "technical"], 2)}
        if (c := rng.choice(comments)):
            answers["comment"] = c
        subs.append({"submission_id": str(uuid.uuid4()), "service": rng.choice(SERVICES)[0], "questionnaire": "cx-core",
                     "version": 1, "lang": "it", "channel": "web", "answers": answers, "context": {"page": "/x"}})
    subs += rng.sample(subs, n // 20)
    out = []
    i = 0
    while i < len(subs):
        k = rng.randint(1, 8)
        chunk = subs[i:i + k]
        i += k
        by_key: dict[str, list] = {}
        for s in chunk:
            by_key.setdefault(s["service"], []).append(make_envelope(s, collector="bench", device="mobile", received_at=when))
        for key, envs in by_key.items():
            out.append((key.encode(), encode_record(envs), len(envs)))
        if rng.random() < 0.005 * k:
            out.append((b"x", b"\x00 poison", 1))
    return out


def prefill(settings: Settings, n: int, rng: random.Random) -> tuple[int, int]:
    """Produce ``n`` submissions (+5% duplicates, +0.5% poison); returns (records, envelopes)."""
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all", linger_ms=20, batch_size=256 * 1024)
    records = envelopes = 0
    for key, value, count in generate(n, rng):
        producer.send(settings.topic, key=key, value=value)
        records, envelopes = records + 1, envelopes + count
    producer.flush(60)
    producer.close()
    return records, envelopes


def _raw(settings: Settings, records: int, out: mp.Queue) -> None:
    consumer = KafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False, max_poll_records=2000,
                             fetch_max_bytes=50 * 1024 * 1024)
    parts = [TopicPartition(settings.topic, p) for p in range(PARTITIONS)]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    seen, t0 = 0, None
    while seen < records:
        for recs in consumer.poll(timeout_ms=500).values():
            t0 = t0 or time.perf_counter()
            seen += len(recs)
    out.put({"seconds": time.perf_counter() - t0, "records": seen, "rss_mb": _rss_mb()})
    consumer.close()


def _processor(settings: Settings, envelopes: int, out: mp.Queue) -> None:
    from processor.consumer import Processor

    class Timed(Processor):
        t0 = None

        def on_assigned(self, assigned):
            super().on_assigned(assigned)
            Timed.t0 = Timed.t0 or time.perf_counter()

    proc = Timed(settings)
    stop = threading.Event()
    thread = threading.Thread(target=proc.run, args=(stop,))
    thread.start()
    st = proc.stats
    while st.written + st.duplicates + sum(st.rejected.values()) < envelopes:
        time.sleep(0.01)
    elapsed = time.perf_counter() - Timed.t0
    stop.set()
    thread.join()
    out.put({"seconds": elapsed, "written": st.written, "duplicates": st.duplicates,
             "rejected": sum(st.rejected.values()), "batches": st.batches, "rss_mb": _rss_mb()})


def _index(n: int, out: mp.Queue) -> None:
    import gc
    import tracemalloc

    from processor.ids import IdIndex

    ids = [str(uuid.uuid4()) for _ in range(n)]
    gc.collect()
    before = _rss_mb()
    tracemalloc.start()
    index = IdIndex(ids)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    probe = ids[: 100_000] + [str(uuid.uuid4()) for _ in range(100_000)]
    t0 = time.perf_counter()
    hits = sum(1 for i in probe if i in index)
    lookup_us = (time.perf_counter() - t0) / len(probe) * 1e6
    tracemalloc.start()
    as_set = set(ids)
    set_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del as_set
    out.put({"ids": n, "index_mb": held / 2**20, "set_mb": (set_bytes + sum(map(len, ids)) + 49 * n) / 2**20,
             "lookup_us": lookup_us, "hits": hits, "rss_growth_mb": _rss_mb() - before})


def _child(target, *args) -> dict:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    result = q.get(timeout=1800)
    p.join(60)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=100_000)
    ap.add_argument("--index-ids", type=int, default=1_000_000, help="0 to skip the dedup index measure")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-bench-processor-"))
    with LocalBroker(log_path=tmp / "broker.log") as broker:
        settings = Settings(data_dir=tmp, broker=broker.bootstrap, batch_max_records=2000, batch_max_seconds=1.0,
                            group="bench-processor", dlq_window=0)
        ensure_topics(broker.bootstrap, {settings.topic: PARTITIONS, settings.dlq_topic: 1})
        seed(connect(settings.database_url), ["http://localhost"])
        t0 = time.perf_counter()
        records, envelopes = prefill(settings, args.submissions, random.Random(args.seed))
        print(f"machine: {machine()}; topic: {records} records, {envelopes} envelopes "
              f"(pre-filled in {time.perf_counter() - t0:.1f}s), {PARTITIONS} partitions")
        raw = _child(_raw, settings, records)
        proc = _child(_processor, settings, envelopes)
    raw_rate, proc_rate = envelopes / raw["seconds"], envelopes / proc["seconds"]
    print(f"{'':34} {'submissions/s':>14} {'records/s':>10} {'seconds':>8} {'peak RSS MB':>12}")
    print(f"{'raw kafka-python consume':34} {raw_rate:>14.0f} {records / raw['seconds']:>10.0f} {raw['seconds']:>8.2f} "
          f"{raw['rss_mb']:>12.0f}")
    print(f"{'processor into committed Parquet':34} {proc_rate:>14.0f} {records / proc['seconds']:>10.0f} "
          f"{proc['seconds']:>8.2f} {proc['rss_mb']:>12.0f}")
    print(f"ratio processor/raw: {proc_rate / raw_rate:.2f} (target >= 0.6); processor peak RSS {proc['rss_mb']:.0f} MB "
          f"(target < 500 MB); rows {proc['written']}, duplicates {proc['duplicates']}, dead letters "
          f"{proc['rejected']}, batches {proc['batches']}")
    if args.index_ids:
        ix = _child(_index, args.index_ids)
        print(f"dedup index, {ix['ids']} ids: {ix['index_mb']:.1f} MB (a set of the id strings: {ix['set_mb']:.0f} MB), "
              f"lookup {ix['lookup_us']:.1f} µs")


if __name__ == "__main__":
    main()
