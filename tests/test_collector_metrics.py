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


def _gauges(client) -> dict[str, float]:
    text = client.get("/metrics").get_data(as_text=True)
    names = ("ascolto_shipper_up", "ascolto_shipper_broker_up", "ascolto_spool_backlog_bytes")
    return {line.split(" ")[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line.split(" ")[0] in names}


def test_metrics_tell_whether_the_shipper_reaches_the_broker_and_how_much_waits(settings):
    """A broker outage leaves /readyz at 200 "degraded" (no probe flags it): Prometheus must see it.
    The shipper's report (shipper.json, what /readyz reads) is exported as gauges."""
    from collector.app import close_app, create_app
    from collector.shipper import read_state
    from tests.conftest import ORIGIN, submission, wait_for
    from deploy.broker import free_port

    away = settings.with_(broker=f"127.0.0.1:{free_port()}", produce_timeout_s=0.5)
    app = create_app(away)
    try:
        client = app.test_client()
        assert client.post("/v1/submissions", json=submission(), headers={"Origin": ORIGIN}).status_code == 202
        wait_for(lambda: read_state(away.spool_dir).get("broker") is False
                 and read_state(away.spool_dir).get("backlog_bytes"), timeout_s=30, message="broker away")
        gauges = _gauges(client)
        assert gauges["ascolto_shipper_up"] == 1 and gauges["ascolto_shipper_broker_up"] == 0
        assert gauges["ascolto_spool_backlog_bytes"] > 0
    finally:
        close_app(app)
    app = create_app(settings)  # the broker is back: the same spool ships
    try:
        client = app.test_client()
        wait_for(lambda: read_state(settings.spool_dir).get("broker") is True
                 and read_state(settings.spool_dir).get("backlog_bytes") == 0, timeout_s=30, message="shipped")
        assert _gauges(client) == {"ascolto_shipper_up": 1, "ascolto_shipper_broker_up": 1,
                                   "ascolto_spool_backlog_bytes": 0}
    finally:
        close_app(app)
    (settings.spool_dir / "shipper.json").unlink(missing_ok=True)  # no shipper reports
    app = create_app(settings.with_(shipper="external"))
    try:
        gauges = _gauges(app.test_client())
        assert gauges["ascolto_shipper_up"] == 0 and gauges["ascolto_shipper_broker_up"] == 0
    finally:
        close_app(app)
