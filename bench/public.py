"""The public open-data site under loopback load: latency per kind of path, cold first hits, memory.

    python -m bench.public [--responses 200000] [--months 12] [--services 3000] [--seconds 15] [--clients 16]
                           [--workers 2] [--threads 4] [--dir DIR]

Generates a synthetic dataset (bench/warehouse.py's ``generate``: ``--responses`` spread over the
``--months`` months ending 2025-12 — 12 gives four quarters, 36 twelve — across about ``--services``
services, two to an entity), publishes every whole quarter in it (warehouse/publish.py), and starts
``warehouse.public:create_app()`` under gunicorn (deploy/gunicorn.conf.py; workers and threads as the
k8s pod's, deploy/k8s/public.yaml; rate limit raised so it does not refuse the load). ``--dir`` keeps the
data there and reuses it when its releases exist (then the generation options are ignored).

Every public path kind is requested (the addresses found as a reader finds them: service types and chart
images from the pages' own links, release files from each quarter's JSON): home, methodology, quarter and
service-type pages in it/en/de, the pages' chart SVGs, the Atom feed per language, the series (CSV and
SDMX-CSV), each quarter's JSON, the catalogue and every release file. First one sequential pass in which
each path is requested once after the start: its latency is the **cold** time (rendered by the worker that
got it; the first chart also imports matplotlib, the first page may wait for the releases' warm-up load).
Then every client requests every path once (so each worker has rendered them, not timed), then
``--clients`` threads drive it for ``--seconds``, each request picking a kind at random, then one path of
it (so a rare kind is measured as often as a common one). Prints requests/s and p50/p95/p99 overall and
per kind, the PSS of every gunicorn process (``/proc/PID/smaps_rollup``) idle after the start and after the
load, the pod's total against the memory limit of deploy/k8s/public.yaml, the releases' size on disk and the
load average (other work may share the machine). The client threads share the machine's cores with the
server. Not part of ``make test``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from deploy.broker import free_port

from .common import ROOT, descendants, machine, stop
from .warehouse import generate, pct

LANGS = ("it", "en", "de")
KINDS = ("home", "methodology", "quarter", "service_type", "chart_national", "chart_type", "feed", "series_csv",
         "series_sdmx", "data_json", "catalog", "release_file")


def _release(root: Path, responses: int, months: int, n_services: int) -> tuple[list[str], dict]:
    """Generate (unless ``root`` already holds releases) and publish every whole quarter; the quarters
    released and the seconds each step took."""
    from settings import Settings
    from warehouse.dataset import Warehouse
    from warehouse.periods import period_of
    from warehouse.protect import Protection
    from warehouse.publish import ReleaseError, publish

    settings = Settings(data_dir=root, rollup_check_s=0.0)
    if settings.releases_path.is_dir() and any(settings.releases_path.iterdir()):
        return sorted(p.name for p in settings.releases_path.iterdir() if p.is_dir()), {"reused": str(root)}
    times = {"generate_s": round(generate(root, responses, months=months, n_services=n_services), 1)}
    t = time.perf_counter()
    done = []
    with Warehouse(settings) as wh:
        con = wh.cursor()
        times["rollup_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        quarters = sorted({period_of(m, "Q") for (m,) in con.execute(
            "SELECT DISTINCT period FROM rollup WHERE length(period) = 7").fetchall()})
        for q in quarters:
            try:
                publish(con, q, settings.releases_path, Protection.from_settings(settings),
                        now=datetime.now(timezone.utc))
                done.append(q)
            except ReleaseError:
                pass  # a quarter not over yet
    times["publish_s"] = round(time.perf_counter() - t, 1)
    return done, times


def _pss_mib(pid: int) -> float:
    """The process's proportional set size (``/proc/PID/smaps_rollup``) in MiB; NaN when gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return float("nan")
    m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def _memory(master: int) -> dict:
    workers = [p for p in descendants(master) if p != master]
    return {"master": round(_pss_mib(master), 1), "workers": [round(_pss_mib(p), 1) for p in sorted(workers)]}


def _disk(path: Path) -> tuple[int, float, float]:
    """Files, apparent MiB and allocated MiB (``st_blocks``) under ``path``."""
    files = [p.stat() for p in path.rglob("*") if p.is_file()]
    return len(files), sum(s.st_size for s in files) / 2 ** 20, sum(s.st_blocks * 512 for s in files) / 2 ** 20


def _limit_mib() -> float | None:
    """The public pod's memory limit in deploy/k8s/public.yaml (its Deployment's container), in MiB
    (``…Mi`` or ``…Gi``); None when it states none."""
    import yaml

    for doc in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "public.yaml").read_text()):
        if (doc or {}).get("kind") == "Deployment":
            limit = doc["spec"]["template"]["spec"]["containers"][0].get("resources", {}).get("limits", {}).get("memory")
            if limit and limit[-2:] in ("Mi", "Gi"):
                return int(limit[:-2]) * (1024 if limit.endswith("Gi") else 1)
    return None


def _get(url: str) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read()
    return time.perf_counter() - t0, body


class Site:
    """The paths of each kind, found while requesting each one once (the cold pass)."""

    def __init__(self, base: str, quarters: list[str]):
        self.base, self.quarters = base, quarters
        self.paths: dict[str, list[str]] = defaultdict(list)
        self.cold: dict[str, list[float]] = defaultdict(list)  # kind → each path's first latency, in order

    def hit(self, kind: str, path: str) -> bytes:
        if path in self.paths[kind]:
            return b""
        secs, body = _get(self.base + path)
        self.paths[kind].append(path)
        self.cold[kind].append(secs)
        return body

    def _links(self, kind: str, html: bytes, pattern: str) -> None:
        for path in dict.fromkeys(re.findall(pattern, html.decode())):
            self.hit(kind, path)

    def walk(self) -> None:
        types: list[str] = []
        for lang in LANGS:
            self._links("chart_national", self.hit("home", f"/{lang}/"), r'src="(/[a-z]{2}/charts/national\.svg)"')
        for q in self.quarters:
            for lang in LANGS:
                html = self.hit("quarter", f"/{lang}/{q}").decode()
                types += [t for t in re.findall(rf'href="/{lang}/service-types/([^"/]+)"', html) if t not in types]
        for lang in LANGS:
            for t in types:
                self._links("chart_type", self.hit("service_type", f"/{lang}/service-types/{t}"),
                            r'src="(/[a-z]{2}/charts/service-types/[^"]+\.svg)"')
            self.hit("methodology", f"/{lang}/methodology")
            self.hit("feed", f"/{lang}/feed.atom")
        self.hit("series_csv", "/data/series.csv")
        self.hit("series_sdmx", "/data/series.sdmx.csv")
        self.hit("catalog", "/data/releases.json")
        for q in self.quarters:
            for path in json.loads(self.hit("data_json", f"/data/{q}.json"))["files"].values():
                self.hit("release_file", path)


def _warm(base: str, paths: list[str], clients: int) -> None:
    """Every client requests every path once, in its own order: each worker renders what it will serve."""
    def one(seed: int) -> None:
        mine = paths[:]
        random.Random(seed).shuffle(mine)
        for p in mine:
            urllib.request.urlopen(base + p, timeout=60).read()

    threads = [threading.Thread(target=one, args=(1000 + i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _load(base: str, paths: dict[str, list[str]], seconds: int, clients: int) -> tuple[dict, dict, float]:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    kinds = [k for k in KINDS if paths.get(k)]
    start = time.monotonic()
    stop_at = start + seconds

    def client(seed: int) -> None:
        rnd = random.Random(seed)
        mine: dict[str, list[float]] = defaultdict(list)
        bad: dict[str, int] = defaultdict(int)
        while time.monotonic() < stop_at:
            kind = rnd.choice(kinds)
            t0 = time.perf_counter()
            try:
                urllib.request.urlopen(base + rnd.choice(paths[kind]), timeout=10).read()
                mine[kind].append(time.perf_counter() - t0)
            except (OSError, urllib.error.HTTPError):
                bad[kind] += 1
        with lock:
            for k, xs in mine.items():
                lat[k].extend(xs)
            for k, n in bad.items():
                errors[k] += n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors, time.monotonic() - start


def _stats(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"n": len(xs), **{f"p{p}_ms": round(1000 * pct(xs, p), 1) if xs else float("nan") for p in (50, 95, 99)},
            "max_ms": round(1000 * xs[-1], 1) if xs else float("nan")}


def run(responses: int, months: int, n_services: int, seconds: int, clients: int, workers: int, threads: int,
        root: Path | None = None) -> dict:
    tmp = root or Path(tempfile.mkdtemp(prefix="ascolto-bench-public-"))
    tmp.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    quarters, times = _release(tmp, responses, months, n_services)
    if not quarters:
        raise SystemExit("no whole quarter in the generated data")
    releases = tmp / "releases"
    port = free_port()
    env = dict(os.environ, ASCOLTO_DATA_DIR=str(tmp), ASCOLTO_PUBLIC_RATE_LIMIT="100000000/minute",
               ASCOLTO_LOG_LEVEL="WARNING", ASCOLTO_WORKERS=str(workers), ASCOLTO_THREADS=str(threads))
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "warehouse.public:create_app()"],
                            env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        time.sleep(1.0)  # every worker booted (healthz answered by the first)
        idle = _memory(proc.pid)
        site = Site(base, quarters)
        t = time.perf_counter()
        site.walk()
        walk_s = time.perf_counter() - t
        every = [p for k in KINDS for p in site.paths[k]]
        _warm(base, every, clients)
        load_at_start = os.getloadavg()
        lat, errors, took = _load(base, site.paths, seconds, clients)
        after = _memory(proc.pid)
        load_after = os.getloadavg()
    finally:
        stop(proc)
        files, apparent, allocated = _disk(releases)
        if root is None:
            shutil.rmtree(tmp, ignore_errors=True)
    everything = [x for xs in lat.values() for x in xs]
    limit = _limit_mib()
    pod = after["master"] + sum(sorted(after["workers"], reverse=True)[:2])  # the pod's 2 workers + master
    return {
        "machine": machine(), "data": {"responses": responses, "months": months, "services": n_services,
                                       "quarters": f"{len(quarters)} ({quarters[0]} … {quarters[-1]})", **times},
        "releases_on_disk": f"{files} files, {apparent:.1f} MiB ({allocated:.1f} MiB allocated)",
        "server": f"{workers} workers × {threads} threads, {clients} clients, {seconds} s",
        "load_avg": {"before_generation": load_before, "before_load": load_at_start, "after_load": load_after},
        "rps": round(len(everything) / took, 1), "errors": sum(errors.values()), "overall": _stats(everything),
        "kinds": {k: {"paths": len(site.paths[k]), **_stats(lat.get(k, [])), "errors": errors.get(k, 0),
                      "cold_first_ms": round(1000 * site.cold[k][0], 1) if site.cold[k] else None,
                      "cold_max_ms": round(1000 * max(site.cold[k]), 1) if site.cold[k] else None}
                  for k in KINDS},
        "cold_pass_s": round(walk_s, 1),
        "pss_idle_mib": idle, "pss_after_mib": after, "pod_mib": round(pod, 1), "limit_mib": limit,
        "pod_share_of_limit": round(pod / limit, 2) if limit else None,
    }


def report(out: dict) -> None:
    d = out["data"]
    print(f"machine: {out['machine']}; {out['server']}")
    print(f"data: {d['responses']:,} responses, {d['months']} months, ~{d['services']:,} services "
          f"(~{d['services'] // 2:,} entities); quarters released: {d['quarters']}")
    print("  " + ", ".join(f"{k} {v}" for k, v in d.items() if k.endswith("_s") or k == "reused"))
    print(f"releases on disk: {out['releases_on_disk']}")
    la = out["load_avg"]
    print("load average (1/5/15 min): " + "; ".join(f"{k.replace('_', ' ')} {a:.2f} {b:.2f} {c:.2f}"
                                                    for k, (a, b, c) in la.items()))
    o = out["overall"]
    print(f"\noverall: {out['rps']:,} requests/s, {o['n']:,} requests, {out['errors']} errors; "
          f"p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, p99 {o['p99_ms']} ms, max {o['max_ms']} ms")
    print(f"\n{'kind':<15}{'paths':>6}{'reqs':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'cold 1st':>10}"
          f"{'cold max':>10}{'err':>5}   (ms)")
    for k, s in out["kinds"].items():
        print(f"{k:<15}{s['paths']:>6}{s['n']:>7}{s['p50_ms']:>8}{s['p95_ms']:>8}{s['p99_ms']:>8}{s['max_ms']:>8}"
              f"{str(s['cold_first_ms']):>10}{str(s['cold_max_ms']):>10}{s['errors']:>5}")
    print(f"(cold pass: every path once, sequentially, {out['cold_pass_s']} s)")
    for label, key in (("idle after start", "pss_idle_mib"), ("after the load", "pss_after_mib")):
        m = out[key]
        print(f"PSS {label}: master {m['master']} MiB, workers " + ", ".join(f"{w} MiB" for w in m["workers"]))
    if out["limit_mib"]:
        print(f"pod (2 workers + master): {out['pod_mib']} MiB = {100 * out['pod_share_of_limit']:.0f}% of the "
              f"{out['limit_mib']} Mi limit (deploy/k8s/public.yaml); over 60%: "
              f"{'YES' if out['pod_share_of_limit'] > 0.6 else 'no'}")
    slow = [k for k, s in out["kinds"].items() if (s["cold_max_ms"] or 0) > 2000]
    print(f"p95 < 100 ms: {'yes' if o['p95_ms'] < 100 else 'NO'}; kinds over 100 ms p95: "
          f"{[k for k, s in out['kinds'].items() if s['p95_ms'] > 100] or 'none'}; cold over 2 s: {slow or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--responses", type=int, default=200_000)
    ap.add_argument("--months", type=int, default=12, help="months ending 2025-12 (3 per quarter)")
    ap.add_argument("--services", type=int, default=3000, help="about this many services, two to an entity")
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (the k8s pod's 2)")
    ap.add_argument("--threads", type=int, default=4, help="threads per worker (the k8s pod's 4)")
    ap.add_argument("--dir", type=Path, default=None, help="keep the data here; reuse its releases if present")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    a = ap.parse_args()
    out = run(a.responses, a.months, a.services, a.seconds, a.clients, a.workers, a.threads, a.dir)
    report(out)
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
