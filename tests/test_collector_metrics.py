"""The collector's /metrics under gunicorn: each worker writes its samples to PROMETHEUS_MULTIPROC_DIR
and the worker that serves a scrape aggregates them all (collector.metrics.exposition). No broker."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _worker_sets(directory: Path, value: int) -> int:
    """A separate process (a gunicorn worker) serves a scrape: it sets the spool gauge to ``value``;
    returns its pid."""
    code = ("import os, sys; from collector import metrics; metrics.SPOOL_BYTES.set(float(sys.argv[1])); "
            "print(os.getpid())")
    out = subprocess.run([sys.executable, "-c", code, str(value)], check=True, capture_output=True, text=True,
                         cwd=ROOT, env={"PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(ROOT),
                                        "PATH": "/usr/bin:/bin"})
    return int(out.stdout)


def _spool_bytes(directory: Path, monkeypatch) -> float:
    from collector import metrics

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))  # MultiProcessCollector reads it there
    text = metrics.exposition(str(directory))[0].decode()
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith("ascolto_spool_bytes")]
    assert len(values) == 1, text
    return values[0]


def test_the_spool_gauge_is_the_latest_reading_whichever_worker_took_it(tmp_path, monkeypatch):
    """A worker scraped during a broker outage (a full spool); after the backlog drained, another worker
    serves the scrapes: the gauge is what the spool holds now — under multiprocess_mode "max" it kept
    the outage's figure (and the 'spool > 50 %' alert firing) until that worker happened to serve a
    scrape again, and forever once that worker had exited (a SIGHUP reload, max_requests)."""
    full = _worker_sets(tmp_path, 200_000_000)
    time.sleep(0.01)
    _worker_sets(tmp_path, 1_024)
    assert _spool_bytes(tmp_path, monkeypatch) == 1_024
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(full, str(tmp_path))  # gunicorn's child_exit (deploy/gunicorn.conf.py)
    assert _spool_bytes(tmp_path, monkeypatch) == 1_024
