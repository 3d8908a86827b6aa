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
