"""Issue 19 points 9 and 3: the quality page shows the collector's refusals by reason and by service,
read from the real collector's Prometheus ``/metrics`` over HTTP (``ASCOLTO_COLLECTOR_METRICS_URL``),
and counts the automated answers kept in the dataset but left out of the statistics."""
from __future__ import annotations

import re
import threading

import requests
from werkzeug.serving import make_server

from deploy.broker import free_port
from tests.conftest import submission
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app
from warehouse.console.data_quality import collector_refusals


def test_quality_page_counts_the_collectors_refusals_by_reason(settings, tmp_path):
    from collector.app import close_app, create_app as collector_app

    port = free_port()
    collector = collector_app(settings)
    server = make_server("127.0.0.1", port, collector, threaded=True)
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
        refusals = collector_refusals(f"{url}/metrics")
        after = dict(refusals["by_reason"])
        assert after["unknown_service"] - before.get("unknown_service", 0) == 3
        assert after["origin_not_allowed"] - before.get("origin_not_allowed", 0) == 1
        by_service = {(svc, r): n for svc, r, n in refusals["by_service"]}
        assert by_service[("demo-roma-anagrafe", "origin_not_allowed")] >= 1
        assert by_service[("unknown", "unknown_service")] >= 3 and "no-such-service" not in {s for s, _ in by_service}
        assert refusals["by_service"][-1][0] == "unknown"  # named services first
        console_settings, tokens = build(tmp_path / "console")
        # two automated answers (a crawler's) kept in the dataset: counted on the page, in no figure
        write(tmp_path / "console", [dict(response(period="2026-10", service="demo-roma-anagrafe", satisfaction=1),
                                          device="bot") for _ in range(2)])
        app = create_app(console_settings.with_(collector_metrics_url=f"{url}/metrics"))
        html = app.test_client().get("/quality", headers={"Authorization": f"Bearer {tokens['monitoring']}"}) \
            .get_data(as_text=True)
        assert f'data-kpi="refused">{sum(after.values())}<' in html
        table = html.split('data-table="refusals"', 1)[1].split("</table>", 1)[0]
        assert re.search(r'data-col="code">unknown_service</td><td data-col="submissions">' + str(after["unknown_service"]),
                         table)
        assert "servizio sconosciuto" in table and "origine non ammessa" in table
        table = html.split('data-table="refusals_by_service"', 1)[1].split("</table>", 1)[0]
        n = by_service[("demo-roma-anagrafe", "origin_not_allowed")]
        assert re.search(r'<td data-col="service">demo-roma-anagrafe</td><td data-col="reason">origine non ammessa</td>'
                         r'<td data-col="code">origin_not_allowed</td><td data-col="submissions">' + str(n) + "<", table)
        assert '<td data-col="service">sconosciuto o non letto</td>' in table
        assert 'data-kpi="automated">2<' in html
        table = html.split('data-table="automated"', 1)[1].split("</table>", 1)[0]
        assert '<td data-col="service">demo-roma-anagrafe</td><td data-col="responses">2</td>' in table
    finally:
        server.shutdown()
        close_app(collector)
    # the collector gone: the page says the metrics cannot be reached, and still answers
    html = app.test_client().get("/quality", headers={"Authorization": f"Bearer {tokens['monitoring']}"}) \
        .get_data(as_text=True)
    assert 'data-kpi="refused">—<' in html and "Metriche del collettore non raggiungibili" in html


def test_no_refusal_since_the_collector_started_says_so_rather_than_an_empty_card(tmp_path, monkeypatch):
    """The collector answering, nothing refused: both refusal cards showed a heading and "the collector's
    counters since its last start" with no table and no word that there was nothing — a reader could not
    tell zero refusals from a table that failed to load. Each now says none was refused."""
    import warehouse.console.data_quality as dq

    monkeypatch.setattr(dq, "collector_refusals", lambda url, timeout=1.0: {
        "ok": True, "by_reason": [], "by_service": [], "accepted": 12, "error": ""})
    console_settings, tokens = build(tmp_path / "console")
    client = create_app(console_settings).test_client()
    for lang, words in (("it", "Nessun invio rifiutato dall'ultimo avvio del collettore."),
                        ("en", "No submission refused since the collector last started.")):
        with client.session_transaction() as s:
            s["lang"] = lang
        page = client.get("/quality", headers={"Authorization": f"Bearer {tokens['monitoring']}"}) \
            .get_data(as_text=True).replace("&#39;", "'")
        assert 'data-kpi="refused">0<' in page
        for chart in ("refusals", "refusals_by_service"):
            note = re.search(rf'data-note="{chart}">(.*?)</p>', page, re.S).group(1)
            assert words in note, (lang, chart, note)
            assert "sconosciuto o non letto" not in note and "unknown or not read" not in note  # no row to explain
