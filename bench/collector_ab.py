"""Two builds of the collector side by side: is a change faster, beyond what the machine varies?

    python -m bench.collector_ab BASE [CANDIDATE] [--rounds 8] [--seconds 6] [--connections 32]

``BASE`` and ``CANDIDATE`` are git revisions; ``CANDIDATE`` defaults to this checkout as it is
(uncommitted changes included). Each revision is checked out into a temporary worktree; both
collectors run at once under the same gunicorn options, on one broker and one registry, each with
its own write-ahead log and shipper, and wrk loads them in alternating rounds, so each pair of
rounds sees the same machine. Prints each side's req/s and CPU per request (workers and shipper)
by round, the candidate ÷ base ratio of every pair, and whether the difference exceeds the
pairs' spread. On a shared two-core machine rounds of one build vary by ±15 %: one
``bench.collector`` run before and one after a change cannot show a gain of a few per cent
(issue 18, the seventh pass), this can. Not part of ``make bench``.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from deploy.broker import LocalBroker, free_port
from deploy.up import COLLECTOR_APP, worker_options

from .common import ROOT, bench_stack_env, cpu_seconds, descendants, machine, start_gunicorn, stop, wrk


def _checkout(rev: str, into: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(into), rev], check=True)
    return into


def _round(url: str, seconds: int, connections: int, pid: int) -> tuple[float, float]:
    """req/s of one wrk run and the CPU µs per request of the server's processes meanwhile."""
    pids = descendants(pid)
    before = cpu_seconds(pids)
    r = wrk(url, seconds, connections)
    after = cpu_seconds(pids)
    return r["rps"], sum(v - before.get(p, 0.0) for p, v in after.items()) / max(1, r["requests"]) * 1e6


def run(base: str, candidate: str | None, rounds: int, seconds: int, connections: int) -> dict:
    """Both builds side by side; returns per side the rounds' req/s and CPU, and the pair ratios."""
    tmp = Path(tempfile.mkdtemp(prefix="ascolto-ab-"))
    roots = {"base": _checkout(base, tmp / "base"),
             "candidate": ROOT if candidate is None else _checkout(candidate, tmp / "candidate")}
    procs = {}
    try:
        with LocalBroker(log_path=tmp / "broker.log") as broker:
            env, _ = bench_stack_env(broker.bootstrap, tmp / "data")
            urls = {}
            for name, root in roots.items():
                side = dict(env, ASCOLTO_SPOOL_DIR=str(tmp / f"log-{name}"))
                port = free_port()
                procs[name] = start_gunicorn(COLLECTOR_APP, port, side, worker_options(COLLECTOR_APP), root=root)
                urls[name] = f"http://127.0.0.1:{port}/v1/submissions"
                wrk(urls[name], 4, connections)  # warm-up
            runs = {name: [] for name in roots}
            for _ in range(rounds):
                for name in roots:
                    runs[name].append(_round(urls[name], seconds, connections, procs[name].pid))
    finally:
        for proc in procs.values():
            stop(proc)
        for name, root in roots.items():
            if root != ROOT:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(root)], check=False)
    pairs = sorted(c[0] / b[0] for b, c in zip(runs["base"], runs["candidate"]))
    return {"runs": runs, "pairs": pairs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", help="git revision of the base build")
    ap.add_argument("candidate", nargs="?", default=None, help="git revision (default: this checkout as it is)")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    r = run(args.base, args.candidate, args.rounds, args.seconds, args.connections)
    print(f"machine: {machine()}; {args.rounds} alternating rounds of {args.seconds}s, {args.connections} connections")
    names = {"base": args.base, "candidate": args.candidate or "this checkout"}
    for name, rs in r["runs"].items():
        print(f"{name:9} ({names[name]}): req/s median {statistics.median(x for x, _ in rs):,.0f} "
              f"{[round(x) for x, _ in rs]}; CPU µs per request (workers, shipper) median "
              f"{statistics.median(c for _, c in rs):.0f}")
    pairs = r["pairs"]
    median = statistics.median(pairs)
    verdict = ("within the pairs' spread: no difference shown" if pairs[0] <= 1 <= pairs[-1]
               else "faster in every pair" if pairs[0] > 1 else "slower in every pair")
    print(f"candidate ÷ base, by pair: median {median:.3f}; pairs {', '.join(f'{x:.3f}' for x in pairs)}; {verdict}")


if __name__ == "__main__":
    main()
