"""Steady load through the whole stack: accepted/s, latency, freshness, reconciliation.

    python -m bench.load [--rate 200] [--seconds 20]

Starts a local broker, the collector under gunicorn (deploy/gunicorn.conf.py) and one processor,
drives the collector at a steady rate with realistic submissions (deploy/loadgen.py, loopback
only, bounded in count and time), watches the warehouse for each acknowledged submission, and
prints accepted/s, p50/p99 latency, freshness (202 → row in committed Parquet) p50/p95, and the
reconciliation (every 202 exactly once). Not part of ``make test``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from deploy.broker import LocalBroker, free_port
from deploy.loadgen import LoadDriver

from .common import BENCH_ORIGIN, bench_stack_env, machine, start_gunicorn, stop


def _pct(xs: list[float], p: float) -> float:
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")


class Watcher:
    """Polls the committed Parquet files and notes when each submission id first appears."""

    def __init__(self, data_dir: Path):
        self.root = data_dir / "responses"
        self.seen: dict[str, float] = {}
        self.files: set[Path] = set()
        self.duplicates = 0
        self._stop = threading.Event()

    def poll(self) -> None:
        import pyarrow.parquet as pq

        for f in self.root.glob("period=*/pa_type=*/*.parquet") if self.root.exists() else ():
            if f in self.files:
                continue
            self.files.add(f)
            now = time.monotonic()
            for sid in pq.read_table(f, columns=["submission_id"]).column(0).to_pylist():
                if sid in self.seen:
                    self.duplicates += 1
                else:
                    self.seen[sid] = now

    def run(self) -> None:
        while not self._stop.wait(0.1):
            self.poll()

    def stop(self) -> None:
        self._stop.set()


def run(rate: float, seconds: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-load-"))
    with LocalBroker(log_path=tmp / "broker.log") as broker:
        env, _ = bench_stack_env(broker.bootstrap, tmp, ASCOLTO_MAX_POLL_INTERVAL_MS="3000",
                                 ASCOLTO_SESSION_TIMEOUT_MS="6000", ASCOLTO_BATCH_MAX_SECONDS="0.5")
        port = free_port()
        collector = start_gunicorn("collector.app:create_app()", port, env)
        processor = subprocess.Popen([sys.executable, "-m", "ascolto.cli", "processor"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        watcher = Watcher(tmp)
        watch = threading.Thread(target=watcher.run, daemon=True)
        try:
            time.sleep(4)  # the processor joins its group (the local broker waits for the rebalance timeout)
            watch.start()
            driver = LoadDriver(f"http://127.0.0.1:{port}", count=int(rate * seconds), rate=rate, threads=16,
                                origin=BENCH_ORIGIN)
            result = driver.run()
            accepted = result.accepted
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not accepted <= set(watcher.seen):
                time.sleep(0.2)
            time.sleep(1.0)
            watcher.poll()
        finally:
            watcher.stop()
            stop(collector)
            processor.terminate()
            processor.wait(20)
    fresh = sorted(watcher.seen[k] - result.outcomes[k].accepted_at for k in accepted if k in watcher.seen)
    lat = result.latencies_ms()
    return {
        "offered_rate": rate, "seconds": seconds,
        "accepted_per_s": len(accepted) / (result.finished - result.started),
        "p50_ms": _pct(lat, 50), "p99_ms": _pct(lat, 99),
        "freshness_p50_s": _pct(fresh, 50), "freshness_p95_s": _pct(fresh, 95),
        "accepted": len(accepted), "in_warehouse": len(set(watcher.seen) & accepted),
        "missing": len(accepted - set(watcher.seen)), "extra": len(set(watcher.seen) - accepted),
        "duplicates": watcher.duplicates,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0, help="submissions per second offered")
    ap.add_argument("--seconds", type=int, default=20)
    args = ap.parse_args()
    r = run(args.rate, args.seconds)
    print(f"machine: {machine()}; steady load {r['offered_rate']:.0f}/s for {r['seconds']} s through the whole stack")
    print(f"accepted/s {r['accepted_per_s']:.0f}; latency p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms")
    print(f"freshness (202 -> committed Parquet) p50 {r['freshness_p50_s']:.2f} s, p95 {r['freshness_p95_s']:.2f} s "
          f"(target p95 < 5 s)")
    print(f"reconciled: {r['in_warehouse']} of {r['accepted']} acknowledged in the warehouse; missing {r['missing']}, "
          f"extra {r['extra']}, duplicates {r['duplicates']}")
    print("RESULT " + json.dumps({"bench": "load", **r}))


if __name__ == "__main__":
    main()
