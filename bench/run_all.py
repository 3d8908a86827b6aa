"""``make bench``: run every benchmark, side by side figures and ratios, into docs/performance.md.

Each benchmark runs as its own process (loopback only, bounded in time) and prints its figures;
those that print a ``RESULT {json}`` line feed the summary table. Nothing here is a timed test.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

from .common import ROOT, machine

BENCHES = [
    ("collector", ["-m", "bench.collector", "--seconds", "10"]),
    ("processor", ["-m", "bench.processor", "--submissions", "60000", "--rounds", "3", "--scaling", "2,6"]),
    ("warehouse", ["-m", "bench.warehouse", "--responses", "10000000"]),
    ("load", ["-m", "bench.load", "--rate", "200", "--seconds", "20"]),
]


NOTES = "<!-- notes: kept by make bench -->"


def _fmt(v, digits: int = 2) -> str:
    return "—" if v is None else f"{v:,.{digits}f}" if isinstance(v, float) else str(v)


def _grep(text: str, pattern: str) -> str:
    m = re.search(pattern, text)
    return m.group(1) if m else "not measured"


def summary(results: dict[str, dict], texts: dict[str, str]) -> list[str]:
    c, l = results.get("collector", {}), results.get("load", {})
    proc, wh = texts.get("processor", ""), texts.get("warehouse", "")
    rows = [
        ("Collector: durable 202/s vs bare Flask handler (same gunicorn config)", "≥ 0.8 ×",
         f"{_fmt(c.get('collector_rps'), 0)} vs {_fmt(c.get('bare_rps'), 0)} req/s; **{_fmt(c.get('ratio'))} ×** "
         f"(pairs {_fmt(c.get('ratio_min'))}–{_fmt(c.get('ratio_max'))}, load {_fmt(c.get('load_1min'), 1)})"),
        ("Collector: p99 latency at half its peak load", "< 50 ms",
         f"{_fmt(c.get('half_load_p99_ms'), 1)} ms at {_fmt(c.get('half_load_rate'))}/s"),
        ("Processor: end-to-end into committed Parquet vs raw kafka-python consume", "≥ 0.6 ×",
         f"**{_grep(proc, r'ratio processor/raw[^:]*: ([0-9.]+)')} ×** (one process, median of rounds "
         f"{_grep(proc, r'; rounds ([0-9.]+–[0-9.]+)')}; CPU-time ratio {_grep(proc, r'CPU-time ratio ([0-9.]+)')}; "
         "docs/processor.md#performance)"),
        ("Processor: memory", "< 500 MB", _grep(proc, r"processor peak RSS ([0-9]+ MB)")),
        ("Warehouse: national comparison over 10 M responses", "< 0.5 s",
         _grep(wh, r"protection on : (p50 [0-9.]+ ms, max [0-9.]+ ms)") + " with the cell-key protection on; off: "
         + _grep(wh, r"protection off: (p50 [0-9.]+ ms, max [0-9.]+ ms)")),
        ("Warehouse: console API p95", "< 100 ms",
         "worst " + _grep(wh, r"API worst p95: protection on ([0-9.]+ ms)") + " with the protection on, "
         + _grep(wh, r"API worst p95: protection on [0-9.]+ ms, off ([0-9.]+ ms)") + " off (uncached /compare included)"),
        ("Freshness: submission → aggregate p95 under steady load", "< 5 s",
         f"{_fmt(l.get('freshness_p95_s'))} s at {_fmt(l.get('offered_rate'), 0)}/s "
         f"({_fmt(l.get('in_warehouse'))} of {_fmt(l.get('accepted'))} reconciled, {_fmt(l.get('duplicates'))} duplicates)"),
    ]
    out = ["| target (DESIGN §10) | goal | measured |", "| --- | --- | --- |"]
    out += [f"| {a} | {b} | {m} |" for a, b, m in rows]
    return out


def main() -> None:
    outputs, results = {}, {}
    for name, args in BENCHES:
        print(f"== {name}", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=3600)
        text = "\n".join(line for line in done.stdout.splitlines() if not line.startswith('{"time"'))
        outputs[name] = (text.strip() or done.stderr[-3000:], time.monotonic() - started, done.returncode)
        for line in done.stdout.splitlines():
            if line.startswith("RESULT "):
                results[name] = json.loads(line[len("RESULT "):])
        print(text, flush=True)
    doc = ["# Performance", "",
           f"Measured by `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {machine()}. "
           "Every ratio is measured side by side in one run; figures vary with what else the machine runs.", "",
           *summary(results, {k: v[0] for k, v in outputs.items()}), ""]
    for name, (text, secs, rc) in outputs.items():
        doc += [f"## {name} ({secs:.0f} s{'' if rc == 0 else f', exit {rc}'})", "", "```",
                *[line for line in text.splitlines() if not line.startswith("RESULT ")], "```", ""]
    path = ROOT / "docs" / "performance.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if NOTES in old:  # the written analysis below the marker survives a new run
        doc += [NOTES + old.split(NOTES, 1)[1].rstrip("\n"), ""]
    path.write_text("\n".join(doc), encoding="utf-8")
    print("wrote docs/performance.md")


if __name__ == "__main__":
    main()
