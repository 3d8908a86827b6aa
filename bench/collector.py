"""Collector throughput and latency vs a bare Flask handler, side by side in one run.

    python -m bench.collector [--seconds 10] [--rounds 5] [--connections 32]

Both apps run under the same gunicorn configuration, the collector's (deploy/gunicorn.conf.py with
``deploy.up.worker_options``: gevent workers); the collector
acknowledges only durable submissions (fsynced in its write-ahead log), and its shipper process,
started by the gunicorn master, produces them to the broker on the same machine meanwhile. The
rounds alternate (bare, collector, bare, collector, ...), so each pair sees the same machine; the
headline ratio is the median of the per-pair ratios, printed with their spread and the load
average (the machine may be shared), and the CPU per request of each side's processes (workers,
the shipper, the broker; from ``/proc``) and of the workers by thread (the main thread's user and system time, the
others: the thread pool), which says where the difference goes. Also: p50/p99 of the collector at half its peak rate, and a
check that every 202 is on the topic. Loopback only; bounded in time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import uuid
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from questionnaires.envelope import decode_record
from deploy.broker import LocalBroker, free_port
from deploy.up import COLLECTOR_APP, worker_options

from .common import (bench_stack_env, cpu_seconds, descendants, hey_at_rate, machine, process_role, start_gunicorn,
                     stop, thread_cpu_seconds, wrk)

#: the workers' CPU by thread (``_measured``'s ``threads_us``), in the order printed
WORKER_THREADS = ("main thread user", "main thread system", "other threads")


def _measured(url: str, seconds: int, connections: int, server_pid: int, broker_pid: int) -> dict:
    """One wrk run, with the CPU the server's processes (workers, shipper) and the broker spent
    meanwhile, in µs per request: where the cost of a request goes, on the same cores."""
    pids = descendants(server_pid) + [broker_pid]
    workers = [p for p in pids if p not in (server_pid, broker_pid) and process_role(p) == "gunicorn"]
    before, threads_before = cpu_seconds(pids), thread_cpu_seconds(workers)
    result = wrk(url, seconds, connections)
    after, threads_after = cpu_seconds(pids), thread_cpu_seconds(workers)
    cpu: dict[str, float] = {}
    for pid, spent in after.items():
        role = "broker" if pid == broker_pid else process_role(pid)
        if role == "gunicorn":
            role = "workers"
        cpu[role] = cpu.get(role, 0.0) + spent - before.get(pid, 0.0)
    per = 1e6 / max(1, result["requests"])
    result["cpu_us"] = {k: v * per for k, v in cpu.items() if v > 0}
    result["threads_us"] = {name: sum(t[i] - threads_before.get(pid, (0.0, 0.0, 0.0))[i]
                                      for pid, t in threads_after.items()) * per
                            for i, name in enumerate(WORKER_THREADS)}
    return result


def run(seconds: int, connections: int, rounds: int = 5, log_dir: str | None = None) -> dict:
    """Both servers run side by side; ``rounds`` alternating wrk runs each, compared pair by pair.
    ``log_dir``: where the collector's write-ahead log goes (default: the data dir, on disk)."""
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-bench-"))
    with LocalBroker(log_path=tmp / "broker.log") as broker:
        env, topic = bench_stack_env(broker.bootstrap, tmp)
        if log_dir:
            env["ASCOLTO_SPOOL_DIR"] = tempfile.mkdtemp(prefix="ascolto-bench-log-", dir=log_dir)
        apps = {"bare": "bench.bare_app:create_app()", "collector": COLLECTOR_APP}
        procs, urls = {}, {}
        try:
            for name, app in apps.items():
                port = free_port()
                procs[name] = start_gunicorn(app, port, env, worker_options(COLLECTOR_APP))
                urls[name] = f"http://127.0.0.1:{port}/v1/submissions"
                wrk(urls[name], 5, connections)  # warm-up: workers, the log's first segment, the shipper's producer
            runs = {name: [] for name in apps}
            for _ in range(rounds):  # alternate, so both see the same machine
                for name in apps:
                    runs[name].append(_measured(urls[name], seconds, connections, procs[name].pid,
                                                broker.process.pid))
            pairs = sorted(c["rps"] / b["rps"] for b, c in zip(runs["bare"], runs["collector"]))
            results = {"pair_ratios": pairs}
            results |= {name: {**sorted(rs, key=lambda r: r["rps"])[len(rs) // 2],
                              "rounds": [round(r["rps"]) for r in rs],
                              "requests": sum(r["requests"] for r in rs), "errors": sum(r["errors"] for r in rs)}
                       for name, rs in runs.items()}
            for name, rs in runs.items():
                roles = {k for r in rs for k in r["cpu_us"]}
                results[name]["cpu_us"] = {k: statistics.median(r["cpu_us"].get(k, 0.0) for r in rs) for k in roles}
                results[name]["threads_us"] = {k: statistics.median(r["threads_us"][k] for r in rs)
                                               for k in WORKER_THREADS}
            half = int(results["collector"]["rps"] / 2)
            body = tmp / "body.json"
            body.write_text(json.dumps({
                "submission_id": str(uuid.uuid4()), "service": "demo-roma-anagrafe",
                "questionnaire": "cx-core", "version": 1, "answers": {"satisfaction": 4, "task": "yes"}}))
            results["collector_half_load"] = hey_at_rate(urls["collector"], body, half, seconds)
        finally:
            for proc in procs.values():
                stop(proc)
        results["records_on_topic"], results["envelopes_on_topic"] = _count_topic(broker.bootstrap, topic)
    return results


def _count_topic(bootstrap: str, topic: str) -> tuple[int, int]:
    """Records and envelopes on ``topic`` (a record may carry a batch of envelopes)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, max_poll_records=2000)
    parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(parts)
    consumer.seek_to_beginning()
    end = consumer.end_offsets(parts)
    records = envelopes = 0
    while any(consumer.position(tp) < end[tp] for tp in parts):
        for batch in consumer.poll(timeout_ms=1000).values():
            for rec in batch:
                records += 1
                envelopes += len(decode_record(rec.value))
    consumer.close()
    return records, envelopes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=5, help="alternating runs of each server, compared pair by pair")
    ap.add_argument("--log-dir", default=None,
                    help="diagnostic only: put the collector's log there (e.g. /dev/shm, where fsync costs nothing) "
                         "to tell the disk's share of the cost from the CPU's")
    args = ap.parse_args()
    load_before = os.getloadavg()
    r = run(args.seconds, args.connections, args.rounds, args.log_dir)
    load_after = os.getloadavg()
    pairs = r["pair_ratios"]
    ratio = statistics.median(pairs)
    bare, col, half = r["bare"], r["collector"], r["collector_half_load"]
    accepted_202 = col["requests"] - col["errors"] + int(half["codes"].get("202", 0))
    where = f"; collector's log in {args.log_dir} (diagnostic, not the target)" if args.log_dir else ""
    print(f"machine: {machine()}; gunicorn: deploy/gunicorn.conf.py {' '.join(worker_options(COLLECTOR_APP))}; {args.connections} connections, {args.seconds}s{where}")
    print(f"{'median of ' + str(args.rounds) + ' rounds':24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7}  rounds req/s")
    for name, x in [("bare Flask handler", bare), ("collector (durable 202)", col)]:
        print(f"{name:24} {x['rps']:>9.0f} {x['p50_ms']:>8.2f} {x['p99_ms']:>8.2f} {x['errors']:>7}  {x['rounds']}")
    print(f"ratio collector/bare: median of the {len(pairs)} pairs {ratio:.2f} (target >= 0.8); pairs "
          f"{', '.join(f'{x:.2f}' for x in pairs)}; spread {pairs[0]:.2f}-{pairs[-1]:.2f}; "
          f"ratio of the medians {col['rps'] / bare['rps']:.2f}")
    for name, x in [("bare Flask handler", bare), ("collector (durable 202)", col)]:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(x["cpu_us"].items(), key=lambda kv: -kv[1]) if v >= 0.5)
        print(f"CPU per request, median of the rounds, µs: {name}: {parts}; total {sum(x['cpu_us'].values()):.0f}")
    for name, x in [("bare Flask handler", bare), ("collector (durable 202)", col)]:
        parts = ", ".join(f"{k} {x['threads_us'][k]:.0f}" for k in WORKER_THREADS)
        print(f"workers' CPU per request by thread, µs: {name}: {parts}")
    print(f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} cores")
    print(f"collector at half its peak ({half['rate']}/s offered, {half['rps']:.0f}/s served): "
          f"p50 {half['p50_ms']:.2f} ms, p99 {half['p99_ms']:.2f} ms (target p99 < 50 ms); statuses {half['codes']}")
    print("RESULT " + json.dumps({"bench": "collector", "bare_rps": bare["rps"], "collector_rps": col["rps"],
                                  "ratio": ratio, "ratio_min": pairs[0], "ratio_max": pairs[-1],
                                  "ratio_of_medians": col["rps"] / bare["rps"], "load_1min": load_before[0],
                                  "bare_p99_ms": bare["p99_ms"], "bare_cpu_us": bare["cpu_us"],
                                  "collector_cpu_us": col["cpu_us"], "bare_threads_us": bare["threads_us"],
                                  "collector_threads_us": col["threads_us"],
                                  "collector_p50_ms": col["p50_ms"], "collector_p99_ms": col["p99_ms"],
                                  "half_load_rate": half["rate"], "half_load_p99_ms": half["p99_ms"],
                                  "envelopes_on_topic": r["envelopes_on_topic"], "acknowledged": accepted_202}))
    print(f"on the topic: {r['envelopes_on_topic']} submissions in {r['records_on_topic']} records "
          f"(every one of the {accepted_202} measured 202s, plus the warm-up's)")


if __name__ == "__main__":
    main()
