"""An app's shutdown (collector.app.close_app) stops everything create_app started besides serving."""
from __future__ import annotations

import threading

from collector.app import close_app, create_app
from registry import connect, dispose
from registry.origins import recent
from tests.conftest import WIDGET, submission, wait_for
from tests.leaks import leftover_threads


def test_closing_an_app_ends_its_threads_and_writes_the_origin_counts_it_held(settings):
    """Each app's origin-count writer (registry.origins) waited for batches for the process's life —
    one more thread per app, with the registry's connections, left by every collector test (found by
    tests/leaks.py) — and the counts since the last hand-over were never written. The shipper thread
    was already stopped by ``Durability.close``, which ``close_app`` calls."""
    before = set(threading.enumerate())
    app = create_app(settings.with_(origin_flush_s=3600))
    client = app.test_client()
    for _ in range(3):  # the first is handed to the writer at once, the others held for an hour
        assert client.post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 202
    assert {t.name for t in leftover_threads(before)} >= {"ascolto-shipper", "ascolto-origins"}
    close_app(app)
    wait_for(lambda: not leftover_threads(before), timeout_s=10,
             message=f"the app's threads to end ({[t.name for t in leftover_threads(before)]})")
    factory = connect(settings.database_url, create=False)
    try:
        with factory() as s:
            assert [o["requests"] for o in recent(s, "demo-roma-anagrafe")] == [3]
    finally:
        dispose(factory)


def test_a_collector_worker_stopping_under_gunicorn_writes_the_origin_counts_it_held(broker, tmp_path):
    """Under gunicorn nothing closed a worker's app: a worker stopped (a deploy, a restart) lost the
    origin counts of its last seconds (written every 10 s) — the check page's "requests from your page".
    ``worker_exit`` in deploy/gunicorn.conf.py closes it (real gunicorn, broker and SQLite registry)."""
    import json
    import subprocess
    import urllib.request

    from deploy.broker import free_port
    from deploy.up import COLLECTOR_APP, gunicorn_cmd
    from registry.demo import seed
    from settings import child_environment, load

    env = child_environment(ASCOLTO_DATA_DIR=str(tmp_path / "data"), ASCOLTO_BROKER=broker.bootstrap,
                            ASCOLTO_TOPIC=f"t-{tmp_path.name}.submissions", ASCOLTO_WORKERS="1",
                            ASCOLTO_ORIGIN_FLUSH_S="3600")
    database_url = load(env).database_url
    seed(connect(database_url), [WIDGET["Origin"]])
    port, log = free_port(), tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(gunicorn_cmd(COLLECTOR_APP, port), env=env, stdout=out, stderr=out)
    try:
        def ready():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
            except OSError:
                assert proc.poll() is None, log.read_text()
                return False
        wait_for(ready, timeout_s=120, message="the collector under gunicorn")
        for _ in range(3):  # the first is handed to the writer at once, the others held for an hour
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/submissions", method="POST",
                                         data=json.dumps(submission()).encode(),
                                         headers={"Content-Type": "application/json", **WIDGET})
            assert urllib.request.urlopen(req, timeout=10).status == 202
    finally:
        proc.terminate()
        proc.wait(60)
    factory = connect(database_url, create=False)
    try:
        with factory() as s:
            assert [o["requests"] for o in recent(s, "demo-roma-anagrafe")] == [3], log.read_text()[-2000:]
    finally:
        dispose(factory)
