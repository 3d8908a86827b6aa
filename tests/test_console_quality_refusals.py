"""Issue 19 point 9: the quality page shows the collector's refusals by reason, read from the real
collector's Prometheus ``/metrics`` over HTTP (``ASCOLTO_COLLECTOR_METRICS_URL``)."""
from __future__ import annotations

import re
import threading

import requests
from werkzeug.serving import make_server

from deploy.broker import free_port
from tests.conftest import submission
from tests.console_data import build
from warehouse.console import create_app
from warehouse.console.data_quality import collector_refusals


def test_quality_page_counts_the_collectors_refusals_by_reason(settings, tmp_path):
    from collector.app import create_app as collector_app

    port = free_port()
    server = make_server("127.0.0.1", port, collector_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}"
        before = dict(collector_refusals(f"{url}/metrics")["by_reason"])
        for _ in range(3):
            assert requests.post(f"{url}/v1/submissions", json=submission(service="no-such-service"),
                                 timeout=5).status_code == 404
        assert requests.post(f"{url}/v1/submissions", json=submission(), timeout=5,
                             headers={"Origin": "https://evil.example"}).status_code == 403
        after = dict(collector_refusals(f"{url}/metrics")["by_reason"])
        assert after["unknown_service"] - before.get("unknown_service", 0) == 3
        assert after["origin_not_allowed"] - before.get("origin_not_allowed", 0) == 1
        console_settings, tokens = build(tmp_path / "console")
        app = create_app(console_settings.with_(collector_metrics_url=f"{url}/metrics"))
        html = app.test_client().get("/quality", headers={"Authorization": f"Bearer {tokens['monitoring']}"}) \
            .get_data(as_text=True)
        assert f'data-kpi="refused">{sum(after.values())}<' in html
        table = html.split('data-table="refusals"', 1)[1].split("</table>", 1)[0]
        assert re.search(r'data-col="code">unknown_service</td><td data-col="submissions">' + str(after["unknown_service"]),
                         table)
        assert "servizio sconosciuto" in table and "origine non ammessa" in table
    finally:
        server.shutdown()
    # the collector gone: the page says the metrics cannot be reached, and still answers
    html = app.test_client().get("/quality", headers={"Authorization": f"Bearer {tokens['monitoring']}"}) \
        .get_data(as_text=True)
    assert 'data-kpi="refused">—<' in html and "Metriche del collettore non raggiungibili" in html
