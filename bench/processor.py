"""Processor throughput vs the raw kafka-python consume rate of the same topic, side by side in one run.

    python -m bench.processor [--submissions 100000] [--rounds 3] [--index-ids 1000000] [--baseline GIT_REF]
                              [--members 2] [--scaling 2,6] [--batch 2000] [--writer-pending 1] [--backlog 300]

Pre-fills a topic (6 partitions, local Tansu broker) with records like the collector produces
(batches of 1–8 envelopes keyed by service key, 5% duplicate submissions, 0.5% poison), then, each
in its own child process so that peak RSS is per phase, ``--rounds`` times in alternation (so that
both see the same share of a shared machine):

1. raw: a bare ``KafkaConsumer`` reads every record of the topic (no decoding): a warm-up pass, then
   pass after pass (each from its seek to its last record) until it has been timed for
   ``RAW_MIN_SECONDS`` (one pass of 50,000 submissions lasts well under a second: too short to time
   on shared cores); its figures are per pass;
2. processor: :class:`processor.consumer.Processor` (new group, new data dir) until every record's
   offset is committed, i.e. its rows are in durable Parquet and its dead letters acknowledged;
   timed from its first assignment, reported through the processor's ``on_assigned`` injection point.

Each round gives a wall-clock ratio (processor rate ÷ raw rate) and a CPU-time ratio (raw CPU
seconds ÷ processor CPU seconds, every thread of the child): the headline is the median wall ratio
with the spread of the rounds; the CPU-time ratio is what the work costs whatever else the machine
runs, and is the figure that two runs reproduce. The load average is printed with the figures.

``--backlog N`` also fills a topic with records as the shipper packs a backlog (N submissions at a
time, split by service key: tens of envelopes per record) and runs the raw consume and one processor
on it: the peak RSS the headline reports includes it (a batch's memory is bounded by the bytes of
its records, ``ASCOLTO_BATCH_MAX_BYTES``, not only by their count).
``--baseline`` also runs the processor code of a git ref (before/after in one run), ``--members`` a
group of several processor processes (timed until the group's commits reach every partition's end),
``--scaling P,P`` a table of 1 and ``--members`` processes on topics of P partitions (each compared
with a raw consume of its topic just before). ``BENCH_PROFILE=FILE`` profiles the processor thread.
After the rounds, a raw consume and the same consume decoding every record value as the processor's
first step does give the floor of any processor on this client (printed as "floor").
Rates are submissions (envelopes) per second. Prints the ratios (target >= 0.6) and peak RSS (target
< 500 MB). ``--index-ids`` also measures the dedup index for that many ids. Not run by pytest.
"""
from __future__ import annotations

import argparse
import os
import dataclasses
import functools
import logging
import multiprocessing as mp
import random
import resource
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from settings import Settings
from deploy.broker import LocalBroker, ensure_topics
from questionnaires.envelope import EnvelopeError, decode_record, encode_record, make_envelope
from registry import connect
from registry.demo import SERVICES, seed
from privacy import redact_value

from .common import ROOT, machine
from .dedup_index import measure as _index

PARTITIONS = 6
RAW_MIN_SECONDS = 3.0  # the raw consumer re-reads the topic until it has been timed this long


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process so far (every thread): the work done, whatever else the machine runs."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def generate(n: int, rng: random.Random, together: int = 0) -> list[tuple[bytes, bytes, int]]:
    """``n`` submissions (+5% duplicates, +0.5% poison) as collector-like (key, value, envelopes) records: each
    submission redacted as the collector's intake does before its log (so the text of the topic holds
    placeholders, as in production; the processor redacts it again and finds nothing new)."""
    when = datetime.now(timezone.utc)
    comments = ["Tutto chiaro, grazie", "Il sito era lento nel pomeriggio", "Mi chiamo Mario Rossi, 333 1234567",
                "Non trovavo il modulo per il rimborso", None, None, None]
    subs = []
    for _ in range(n):
        sat = rng.randint(1, 5)
        answers = {"satisfaction": sat, "ease": rng.randint(1, 5), "clarity": rng.randint(1, 5),
                   "task": rng.choice(["yes", "partly", "no"]),
                   "went_well" if sat > 3 else "went_wrong": rng.sample(["clarity", "speed", "technical"], 2)}
        if (c := rng.choice(comments)):  # personal data is never the same twice: a number of its own each time
            answers["comment"] = c.replace("1234567", str(rng.randint(1000000, 9999999))) if "333" in c else c
        sub = {"submission_id": str(uuid.uuid4()), "service": rng.choice(SERVICES)[0], "questionnaire": "cx-core",
               "version": 1, "lang": "it", "channel": "web", "answers": answers, "context": {"page": "/x"}}
        subs.append(redact_value(sub)[0])  # what the collector's intake logs: the text already redacted
    subs += rng.sample(subs, n // 20)
    out = []
    i = 0
    while i < len(subs):
        k = together or rng.randint(1, 8)  # submissions that reached the log together (split by key)
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


def generate_batches(n: int, batch: int) -> tuple[list[list[tuple[bytes, bytes, int]]], int]:
    """The records of :func:`generate` (seed 1) in batches of ``batch`` records, and how many envelopes
    they carry: what the design probes (``bench.columnar_probe``, ``bench.pyarrow_json_probe``) read."""
    recs = generate(n, random.Random(1))
    return [recs[i:i + batch] for i in range(0, len(recs), batch)], sum(count for *_, count in recs)


def prefill(settings: Settings, n: int, rng: random.Random, together: int = 0) -> tuple[int, int]:
    """Produce ``n`` submissions (+5% duplicates, +0.5% poison); returns (records, envelopes)."""
    producer = KafkaProducer(bootstrap_servers=settings.broker, acks="all", linger_ms=20, batch_size=256 * 1024)
    records = envelopes = 0
    for key, value, count in generate(n, rng, together):
        producer.send(settings.topic, key=key, value=value)
        records, envelopes = records + 1, envelopes + count
    producer.flush(60)
    producer.close()
    return records, envelopes


def raw_consumer(settings: Settings, partitions: int) -> tuple[KafkaConsumer, list[TopicPartition]]:
    """The raw consume's client, assigned every partition of the topic (no group, no commits)."""
    consumer = KafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False, max_poll_records=2000,
                             fetch_max_bytes=50 * 1024 * 1024, fetch_max_wait_ms=10)
    parts = [TopicPartition(settings.topic, p) for p in range(partitions)]
    consumer.assign(parts)
    return consumer, parts


def _raw(settings: Settings, records: int, partitions: int, out: mp.Queue, decode: bool = False) -> None:
    """A bare consumer reads the topic once (warm-up: connections, metadata), then pass after pass, each
    timed from its ``seek_to_beginning`` to its last record, until ``RAW_MIN_SECONDS`` are timed.
    ``fetch_max_wait_ms`` is short so that a fetch left waiting at the end of the log does not delay
    the next pass (while records are there a fetch returns at once whatever the setting).
    ``decode``: also parse every record value as the processor's first step does
    (:func:`questionnaires.envelope.decode_record`, the poison refused) — the floor of any processor
    that reads JSON records with this client, before it validates or writes anything."""
    consumer, parts = raw_consumer(settings, partitions)

    def one_pass() -> int:
        consumer.seek_to_beginning(*parts)
        seen = 0
        while seen < records:
            for recs in consumer.poll(timeout_ms=500).values():
                seen += len(recs)
                if decode:
                    for rec in recs:
                        try:
                            decode_record(rec.value)
                        except EnvelopeError:
                            pass
        return seen
    one_pass()
    passes, wall, cpu, seen = 0, 0.0, 0.0, 0
    while wall < RAW_MIN_SECONDS:
        t0, c0 = time.perf_counter(), _cpu_s()
        seen += one_pass()
        passes, wall, cpu = passes + 1, wall + time.perf_counter() - t0, cpu + _cpu_s() - c0
    # times and CPU per pass: the figures of one read of the topic, averaged over the passes
    out.put({"seconds": wall / passes, "cpu_s": cpu / passes, "passes": passes, "records": seen // passes,
             "rss_mb": _rss_mb()})
    consumer.close()


def _started(settings: Settings, on_assigned):
    """A processor whose first assignment is timed through its ``on_assigned`` injection point. The
    processor of an older ``--baseline`` ref may predate that parameter: then the assignment is
    watched from outside (``consumer.assignment()``), never by subclassing."""
    import inspect

    from processor.consumer import Processor

    if "on_assigned" in inspect.signature(Processor).parameters:
        return Processor(settings, on_assigned=on_assigned)
    proc = Processor(settings)

    def watch():
        while not proc.consumer.assignment():
            time.sleep(0.005)
        on_assigned(proc.consumer.assignment())
    threading.Thread(target=watch, daemon=True).start()
    return proc


class _GcClock:
    """CPU seconds spent in the cyclic garbage collector (``gc.callbacks``), every thread of the process."""

    def __init__(self):
        import gc
        self.seconds, self.collections, self._start = 0.0, 0, 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.thread_time()  # the collecting thread holds the GIL throughout
        else:
            self.seconds += time.thread_time() - self._start
            self.collections += 1


def _processor(settings: Settings, envelopes: int, out: mp.Queue) -> None:
    gc_clock = _GcClock()
    t0: list[float] = []
    proc = _started(settings, lambda _: t0 or t0.extend((time.perf_counter(), _cpu_s(), gc_clock.seconds,
                                                         gc_clock.collections)))
    stop = threading.Event()
    run = proc.run
    if os.environ.get("BENCH_PROFILE"):  # cProfile of the processor thread into this file
        def run(flag, _run=proc.run):
            import cProfile
            cProfile.runctx("_run(flag)", globals(), {"_run": _run, "flag": flag}, os.environ["BENCH_PROFILE"])
    thread = threading.Thread(target=run, args=(stop,))
    thread.start()
    st = proc.stats
    while st.written + st.duplicates + sum(st.rejected.values()) < envelopes:
        time.sleep(0.01)
    elapsed, cpu = time.perf_counter() - t0[0], _cpu_s() - t0[1]
    stop.set()
    thread.join()
    out.put({"seconds": elapsed, "cpu_s": cpu, "gc_s": gc_clock.seconds - t0[2],
             "gc_collections": gc_clock.collections - t0[3],
             "written": st.written, "duplicates": st.duplicates,
             "rejected": sum(st.rejected.values()), "batches": st.batches, "rss_mb": _rss_mb()})


def _member(settings: Settings, stop, out: mp.Queue) -> None:
    """One member of a group of several: runs until ``stop``; reports its assignment time (wall clock)."""
    t0: list[float] = []
    proc = _started(settings, lambda _: t0 or t0.append(time.time()))
    flag = threading.Event()
    thread = threading.Thread(target=proc.run, args=(flag,))
    thread.start()
    stop.wait()
    flag.set()
    thread.join()
    st = proc.stats
    out.put({"t0": t0[0] if t0 else None, "written": st.written, "duplicates": st.duplicates,
             "rejected": sum(st.rejected.values()), "batches": st.batches, "rss_mb": _rss_mb()})


def _group(settings: Settings, members: int, partitions: int = PARTITIONS) -> dict:
    """``members`` processor processes in one group; timed from the first assignment until the group's
    committed offsets reach the end of every partition."""
    ctx = mp.get_context("fork")
    out, stop = ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_member, args=(settings, stop, out)) for _ in range(members)]
    for p in procs:
        p.start()
    parts = [TopicPartition(settings.topic, p) for p in range(partitions)]
    watcher = KafkaConsumer(bootstrap_servers=settings.broker, group_id=settings.group, enable_auto_commit=False)
    ends = watcher.end_offsets(parts)
    while any((watcher.committed(tp) or 0) < ends[tp] for tp in parts):
        time.sleep(0.02)
    t_end = time.time()
    watcher.close()
    stop.set()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    return {"seconds": t_end - min(r["t0"] for r in results if r["t0"]),
            **{k: sum(r[k] for r in results) for k in ("written", "duplicates", "rejected", "batches")},
            "rss_mb": max(r["rss_mb"] for r in results)}


def _baseline_code(ref: str, into: Path) -> Path:
    """The ``processor`` package and the packages below it as of git ``ref``, extracted under ``into``."""
    into.mkdir(parents=True)
    # the packages the processor of that time imported: ascolto (its settings then), dataset, settings (later)
    paths = [p for p in ("processor", "questionnaires", "dataset", "settings", "ascolto")
             if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{ref}:{p}"], capture_output=True).returncode == 0]
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, *paths], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _baseline(settings: Settings, envelopes: int, code: Path) -> dict:
    """:func:`_processor` run in a fresh interpreter whose ``processor``/``questionnaires`` come from ``code``."""
    import json as _json
    import pickle
    import sys

    arg = code / "settings.pickle"
    arg.write_bytes(pickle.dumps((settings, envelopes)))
    script = (f"import sys; sys.path[:0] = [{str(code)!r}, {str(ROOT)!r}]\n"
              "import json, logging, pickle, queue\n"
              "logging.getLogger('ascolto.processor').setLevel(logging.ERROR)\n"
              "import processor, bench.processor as b\n"
              f"assert processor.__file__.startswith({str(code)!r}), processor.__file__\n"
              f"settings, envelopes = pickle.loads(open({str(arg)!r}, 'rb').read())\n"
              "q = queue.Queue(); b._processor(settings, envelopes, q); print('RESULT', json.dumps(q.get()))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=code, capture_output=True, text=True, timeout=3600)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not line:
        raise RuntimeError(f"baseline run failed:\n{proc.stderr[-3000:]}")
    return _json.loads(line[-1][7:])


def _child(target, *args) -> dict:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    result = q.get(timeout=1800)
    p.join(60)
    return result


def _phase(settings: Settings, tmp: Path, name: str) -> Settings:
    """Settings for one processor phase: its own group and data directory (same topic and registry)."""
    (tmp / name).mkdir()
    return dataclasses.replace(settings, data_dir=tmp / name, group=f"bench-processor-{name}",
                               database_url=settings.database_url)


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} (rounds {min(values):.2f}–{max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3,
                    help="raw and processor alternate this many times on the same topic; the ratio is the median")
    ap.add_argument("--index-ids", type=int, default=1_000_000, help="0 to skip the dedup index measure")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=2000, help="ASCOLTO_BATCH_MAX_RECORDS of the processors")
    ap.add_argument("--writer-pending", type=int, default=1, help="ASCOLTO_WRITER_PENDING (0: writes inline)")
    ap.add_argument("--baseline", metavar="GIT_REF", default="",
                    help="also run the processor as of GIT_REF (e.g. the merge base with main) on the same topic")
    ap.add_argument("--members", type=int, default=2, help="also run a group of this many processors (0: skip)")
    ap.add_argument("--backlog", type=int, default=300, metavar="N",
                    help="also a topic of records as the shipper packs a backlog: N submissions at a time, split by "
                         "service key (0: skip)")
    ap.add_argument("--scaling", metavar="P,P", default="",
                    help="scaling table: for each partition count, a topic of it, raw vs 1 and --members processes")
    args = ap.parse_args()
    logging.getLogger("ascolto.processor").setLevel(logging.ERROR)  # not the per-dead-letter warnings
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-bench-processor-"))
    rounds: list[tuple[dict, dict]] = []
    before: list[dict] = []  # the --baseline run of each round
    extra: list[tuple[str, dict, dict]] = []  # (label, run, the raw run it is compared with)
    scaling: list[tuple[int, int, dict, dict]] = []
    with LocalBroker(log_path=tmp / "broker.log") as broker:
        settings = Settings(data_dir=tmp, broker=broker.bootstrap, batch_max_records=args.batch, batch_max_seconds=1.0,
                            group="bench-processor", dlq_window=0, writer_pending=args.writer_pending)
        ensure_topics(broker.bootstrap, {settings.topic: PARTITIONS, settings.dlq_topic: 1})
        seed(connect(settings.database_url), ["http://localhost"])
        t0 = time.perf_counter()
        records, envelopes = prefill(settings, args.submissions, random.Random(args.seed))
        print(f"machine: {machine()}; topic: {records} records, {envelopes} envelopes "
              f"(pre-filled in {time.perf_counter() - t0:.1f}s), {PARTITIONS} partitions; batches of {args.batch}, "
              f"writer pending {args.writer_pending}; {_load()}", flush=True)
        code = _baseline_code(args.baseline, tmp / "baseline-code") if args.baseline else None
        for n in range(args.rounds):  # alternate, so that all see the same share of the machine
            raw = _child(_raw, settings, records, PARTITIONS)
            one = _child(_processor, _phase(settings, tmp, f"one{n}"), envelopes)
            rounds.append((raw, one))
            said = ""
            if code is not None:
                before.append(_baseline(_phase(settings, tmp, f"baseline{n}"), envelopes, code))
                said = (f", before ({args.baseline[:12]}) {envelopes / before[-1]['seconds']:,.0f}/s ratio "
                        f"{raw['seconds'] / before[-1]['seconds']:.2f} (CPU {raw['cpu_s'] / before[-1]['cpu_s']:.2f})")
            print(f"round {n + 1}: raw {envelopes / raw['seconds']:,.0f}/s, processor {envelopes / one['seconds']:,.0f}/s,"
                  f" ratio {raw['seconds'] / one['seconds']:.2f} (CPU {raw['cpu_s'] / one['cpu_s']:.2f}){said}; {_load()}",
                  flush=True)
        floor = (_child(_raw, settings, records, PARTITIONS), _child(functools.partial(_raw, decode=True), settings, records, PARTITIONS))
        if args.members > 1:
            raw = _child(_raw, settings, records, PARTITIONS)
            extra.append((f"  {args.members} group members (processes)",
                          _group(_phase(settings, tmp, f"group{args.members}"), args.members), raw))
        backlog = None
        if args.backlog:  # the records a backlog becomes: the memory bound is the batch's bytes, not its records
            topic = dataclasses.replace(settings, topic="bench.backlog")
            ensure_topics(broker.bootstrap, {topic.topic: PARTITIONS, topic.dlq_topic: 1})
            recs_b, envs_b = prefill(topic, args.submissions, random.Random(args.seed), together=args.backlog)
            backlog = {"records": recs_b, "envelopes": envs_b, "raw": _child(_raw, topic, recs_b, PARTITIONS),
                       "processor": _child(_processor, _phase(topic, tmp, "backlog"), envs_b)}
        for parts in [int(p) for p in args.scaling.split(",") if p]:
            topic = dataclasses.replace(settings, topic=f"bench.p{parts}")
            ensure_topics(broker.bootstrap, {topic.topic: parts, topic.dlq_topic: 1})
            recs_p, _ = prefill(topic, args.submissions, random.Random(args.seed))
            for members in sorted({1, max(1, args.members)}):
                raw = _child(_raw, topic, recs_p, parts)
                run = _group(_phase(topic, tmp, f"p{parts}m{members}"), members, parts)
                scaling.append((parts, members, run, raw))
    print(f"{'':38} {'submissions/s':>14} {'records/s':>10} {'seconds':>8} {'ratio':>6} {'CPU µs/sub':>10} "
          f"{'peak RSS MB':>12}")

    def line(label: str, r: dict, raw: dict | None) -> None:
        ratio = f"{raw['seconds'] / r['seconds']:>6.2f}" if raw else f"{'':>6}"
        cpu = f"{r['cpu_s'] / envelopes * 1e6:>10.1f}" if "cpu_s" in r else f"{'':>10}"
        print(f"{label:38} {envelopes / r['seconds']:>14.0f} {records / r['seconds']:>10.0f} {r['seconds']:>8.2f} "
              f"{ratio} {cpu} {r['rss_mb']:>12.0f}")
    for n, (raw, one) in enumerate(rounds):
        line(f"raw kafka-python consume, round {n + 1}", raw, None)
        line(f"processor into committed Parquet, {n + 1}", one, raw)
        if before:
            line(f"processor @ {args.baseline[:12]} (before), {n + 1}", before[n], raw)
    line("raw consume again", floor[0], None)
    line("  + JSON decode of every record (floor)", floor[1], floor[0])
    reference = rounds[-1][1]
    for label, r, raw in extra:
        line(label, r, raw)
    for label, r in [(lbl, r) for lbl, r, _ in extra] + [(f"round {n + 1}", one) for n, (_, one) in enumerate(rounds)] \
            + [(f"before {n + 1}", r) for n, r in enumerate(before)]:
        assert (r["written"], r["duplicates"], r["rejected"]) == (reference["written"], reference["duplicates"],
                                                                 reference["rejected"]), (label, r)
    if backlog:
        recs_b, envs_b = backlog["records"], backlog["envelopes"]
        print(f"backlog-shaped records ({args.backlog} submissions at a time, split by service key: {recs_b} records, "
              f"{envs_b / recs_b:.0f} envelopes each on average):")
        for label, r in (("  raw kafka-python consume", backlog["raw"]),
                         ("  processor into committed Parquet", backlog["processor"])):
            ratio = f"{backlog['raw']['seconds'] / r['seconds']:>6.2f}" if r is backlog["processor"] else f"{'':>6}"
            print(f"{label:38} {envs_b / r['seconds']:>14.0f} {recs_b / r['seconds']:>10.0f} {r['seconds']:>8.2f} "
                  f"{ratio} {r['cpu_s'] / envs_b * 1e6:>10.1f} {r['rss_mb']:>12.0f}")
    if scaling:
        print("scaling (submissions/s into committed Parquet; ratio to a raw consume of the same topic just before):")
        print(f"{'partitions':>10} {'members':>8} {'submissions/s':>14} {'ratio':>6} {'peak RSS MB':>12}")
        for parts, members, r, raw in scaling:
            print(f"{parts:>10} {members:>8} {envelopes / r['seconds']:>14.0f} {raw['seconds'] / r['seconds']:>6.2f} "
                  f"{r['rss_mb']:>12.0f}")
    ratios = [raw["seconds"] / one["seconds"] for raw, one in rounds]
    cpu_ratios = [raw["cpu_s"] / one["cpu_s"] for raw, one in rounds]
    rss = max([one["rss_mb"] for _, one in rounds] + ([backlog["processor"]["rss_mb"]] if backlog else []))
    print(f"ratio processor/raw (one process): {statistics.median(ratios):.2f} (target >= 0.6); rounds "
          f"{min(ratios):.2f}–{max(ratios):.2f}; CPU-time ratio {_spread(cpu_ratios)}; processor peak RSS "
          f"{rss:.0f} MB (target < 500 MB; backlog-shaped records included); rows {reference['written']}, duplicates {reference['duplicates']}, "
          f"dead letters {reference['rejected']}, batches {reference['batches']}; {_load()}")
    print(f"floor: consume + JSON decode alone reaches {floor[0]['seconds'] / floor[1]['seconds']:.2f} of the raw rate "
          f"({floor[1]['cpu_s'] / envelopes * 1e6:.1f} µs CPU per submission against {floor[0]['cpu_s'] / envelopes * 1e6:.1f})")
    print("processor CPU in the garbage collector: " + ", ".join(
        f"{one['gc_s'] / envelopes * 1e6:.1f} µs/sub ({one['gc_collections']} collections)" for _, one in rounds))
    if before:
        print(f"before ({args.baseline[:12]}), same rounds: ratio "
              f"{_spread([raw['seconds'] / b['seconds'] for (raw, _), b in zip(rounds, before)])}; CPU-time ratio "
              f"{_spread([raw['cpu_s'] / b['cpu_s'] for (raw, _), b in zip(rounds, before)])}")
    if args.index_ids:
        ix = _child(_index, args.index_ids)
        print(f"dedup index, {ix['ids']} ids: {ix['index_mb']:.1f} MB (a set of the id strings: {ix['set_mb']:.0f} MB), "
              f"lookup {ix['lookup_us']:.1f} µs")


if __name__ == "__main__":
    main()
