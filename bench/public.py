"""The public open-data site under loopback load: p95 latency (target < 100 ms, DESIGN §10 style).

    python -m bench.public [--responses 200000] [--seconds 15] [--clients 16]

Generates a synthetic dataset (bench/warehouse.py), publishes every whole quarter in it
(warehouse/publish.py), starts ``warehouse.public:create_app()`` under gunicorn (deploy/gunicorn.conf.py,
rate limit raised so it does not refuse the load), and drives it from ``--clients`` threads over
loopback with a mix of the site's pages, JSON and downloads for ``--seconds``. Prints requests/s and
p50/p95/p99. Not part of ``make test``.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from deploy.broker import free_port

from .common import machine, stop
from .warehouse import generate


def _pct(xs: list[float], p: float) -> float:
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")


def _release(root: Path, responses: int) -> list[str]:
    from settings import Settings
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.publish import ReleaseError, publish

    generate(root, responses)
    settings = Settings(data_dir=root, rollup_check_s=0.0)
    done = []
    with Warehouse(settings) as wh:
        con = wh.cursor()
        quarters = [r[0] for r in con.execute(
            "SELECT DISTINCT substr(period, 1, 4) || '-Q' || ((CAST(substr(period, 6, 2) AS INTEGER) + 2) // 3) "
            "FROM rollup ORDER BY 1").fetchall()]
        for q in quarters:
            try:
                publish(con, q, settings.releases_path, Protection.from_settings(settings),
                        now=datetime.now(timezone.utc))
                done.append(q)
            except ReleaseError:
                pass  # a quarter not over yet
    return done


def run(responses: int, seconds: int, clients: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-bench-public-"))
    quarters = _release(tmp, responses)
    if not quarters:
        raise SystemExit("no whole quarter in the generated data")
    port = free_port()
    env = dict(os.environ, ASCOLTO_DATA_DIR=str(tmp), ASCOLTO_PUBLIC_RATE_LIMIT="100000000/minute",
               ASCOLTO_LOG_LEVEL="WARNING")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(Path("deploy/gunicorn.conf.py").resolve()),
                             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "warehouse.public:create_app()"],
                            env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        q = quarters[-1]
        with urllib.request.urlopen(f"{base}/data/{q}.json") as r:
            import json
            stypes = list(json.loads(r.read())["service_type"])
        paths = ["/it/", "/en/", f"/it/{q}", f"/en/{q}", f"/data/{q}.json", "/data/releases.json",
                 f"/releases/{q}/v1/table.csv", *[f"/it/service-types/{t}" for t in stypes[:5]]]
        for p in paths:  # warm: each release loaded once per worker
            urllib.request.urlopen(base + p).read()
        lat: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            mine = []
            while time.monotonic() < stop_at:
                t0 = time.perf_counter()
                try:
                    urllib.request.urlopen(base + rnd.choice(paths), timeout=5).read()
                    mine.append(time.perf_counter() - t0)
                except (OSError, urllib.error.HTTPError):
                    with lock:
                        errors[0] += 1
            with lock:
                lat.extend(mine)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lat.sort()
        return {"machine": machine(), "requests": len(lat), "errors": errors[0], "rps": round(len(lat) / seconds, 1),
                "p50_ms": round(1000 * _pct(lat, 50), 1), "p95_ms": round(1000 * _pct(lat, 95), 1),
                "p99_ms": round(1000 * _pct(lat, 99), 1), "quarters": quarters, "paths": len(paths)}
    finally:
        stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--responses", type=int, default=200_000)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--clients", type=int, default=16)
    a = ap.parse_args()
    out = run(a.responses, a.seconds, a.clients)
    for k, v in out.items():
        print(f"{k:>10}: {v}")
    print(f"p95 < 100 ms: {'yes' if out['p95_ms'] < 100 else 'NO'}")


if __name__ == "__main__":
    main()
