"""The collector pod's preStop hook (deploy/k8s/collector.yaml), run as Kubernetes runs it against a real
collector: it waits for what the brokers have not acknowledged (``backlog_bytes`` of ``/readyz``), not for
the live segment's bytes (``spool_bytes``, shipped lines included until the segment is sealed at 8 MiB)
— on that, every pod stop took the whole 60 s."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import yaml
from werkzeug.serving import make_server

from tests.conftest import ORIGIN, wait_for

ROOT = Path(__file__).resolve().parents[1]


def _prestop_script() -> str:
    for doc in yaml.safe_load_all((ROOT / "deploy/k8s/collector.yaml").read_text("utf-8")):
        if doc and doc.get("kind") == "StatefulSet":
            (c,) = doc["spec"]["template"]["spec"]["containers"]
            command = c["lifecycle"]["preStop"]["exec"]["command"]
            assert command[:2] == ["python", "-c"]
            return command[2]
    raise AssertionError("no collector StatefulSet")


def test_the_prestop_hook_ends_once_the_spool_is_shipped(settings):
    from collector.app import close_app, create_app

    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = app.test_client()
        body = {"submission_id": str(uuid.uuid4()), "service": "demo-roma-anagrafe", "questionnaire": "cx-core",
                "version": 1, "lang": "it", "answers": {"satisfaction": 4, "task": "yes"}, "context": {"fill_ms": 5000}}
        assert client.post("/v1/submissions", json=body, headers={"Origin": ORIGIN}).status_code == 202
        wait_for(lambda: client.get("/readyz").get_json()["backlog_bytes"] == 0, timeout_s=30, message="shipped")
        assert client.get("/readyz").get_json()["spool_bytes"] > 0  # the live segment keeps its shipped line
        script = _prestop_script().replace("http://127.0.0.1:8000/", f"http://127.0.0.1:{server.server_port}/")
        assert f":{server.server_port}/readyz" in script
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", script], check=True, timeout=90)
        assert time.monotonic() - started < 20  # its 5 s to leave the endpoints, then at once: nothing to ship
    finally:
        server.shutdown()
        close_app(app)
