"""Issue 19 point 9: the collector counts every refusal by reason *and service*, the service label
bounded by the registry (a registered service's key, else one ``unknown`` bucket), through the real
collector app."""
from __future__ import annotations

import uuid
from pathlib import Path

from prometheus_client import REGISTRY

from collector.app import close_app, create_app
from tests.conftest import ORIGIN, submission, WIDGET

NAME = "ascolto_submissions_rejected_total"


def _count(reason: str, service: str) -> float:
    return REGISTRY.get_sample_value(NAME, {"reason": reason, "service": service}) or 0.0


def _services_seen() -> set[str]:
    return {s.labels["service"] for m in REGISTRY.collect() if m.name == NAME.removesuffix("_total")
            for s in m.samples if s.name == NAME}


def test_refusals_are_counted_by_reason_and_registered_service(client):
    keys = [("origin_not_allowed", "demo-roma-anagrafe"), ("invalid_answers", "demo-inps-pensione"),
            ("unknown_service", "unknown"), ("malformed", "unknown"), ("unsupported_media_type", "unknown"),
            ("questionnaire_not_assigned", "demo-roma-anagrafe")]
    before = {k: _count(*k) for k in keys}
    assert client.post("/v1/submissions", json=submission(), headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.get("/v1/services/demo-roma-anagrafe/questionnaire",
                      headers={"Origin": "https://evil.example"}).status_code == 403  # the URL's key
    assert client.post("/v1/submissions", json=submission("demo-inps-pensione", satisfaction=9), headers=WIDGET).status_code == 422
    assert client.post("/v1/submissions", json=dict(submission(), version=7), headers=WIDGET).status_code == 409
    made_up = [f"made-up-{uuid.uuid4().hex[:8]}" for _ in range(25)]
    for key in made_up:
        assert client.post("/v1/submissions", json=submission(key), headers=WIDGET).status_code == 404
    assert client.post("/v1/submissions", data=b"{", content_type="application/json", headers=WIDGET).status_code == 400
    assert client.post("/v1/submissions", data=b"x", content_type="text/plain", headers=WIDGET).status_code == 415
    delta = {k: _count(*k) - before[k] for k in keys}
    assert delta == {("origin_not_allowed", "demo-roma-anagrafe"): 2, ("invalid_answers", "demo-inps-pensione"): 1,
                     ("unknown_service", "unknown"): 25, ("malformed", "unknown"): 1,
                     ("unsupported_media_type", "unknown"): 1, ("questionnaire_not_assigned", "demo-roma-anagrafe"): 1}
    assert not set(made_up) & _services_seen()  # made-up keys never become label values
    # /metrics exposes the two labels
    text = client.get("/metrics").get_data(as_text=True)
    assert f'{NAME}{{reason="invalid_answers",service="demo-inps-pensione"}}' in text


def test_a_services_rate_limit_is_counted_under_that_service(settings):
    app = create_app(settings.with_(rate_limit_service="2/minute"))
    client = app.test_client()
    try:
        before = _count("rate_limited", "demo-asl-prenotazione"), _count("rate_limited", "unknown")
        codes = [client.post("/v1/submissions", json=submission("demo-asl-prenotazione"),
                             headers={"Origin": ORIGIN}).status_code for _ in range(3)]
        assert codes[:2] == [202, 202] and codes[2] == 429
        assert _count("rate_limited", "demo-asl-prenotazione") - before[0] == 1
        assert _count("rate_limited", "unknown") == before[1]
    finally:
        close_app(app)


def test_the_no_js_forms_rate_limit_is_counted_too(settings):
    app = create_app(settings.with_(rate_limit_ip="1/minute"))
    client = app.test_client()
    try:
        before = _count("rate_limited", "unknown")
        client.post("/v1/submissions/form", data={"service": "demo-roma-anagrafe"})  # the one allowed request
        resp = client.post("/v1/submissions/form", data={"service": "demo-roma-anagrafe"})
        assert resp.status_code == 429 and resp.mimetype == "text/html"
        assert _count("rate_limited", "unknown") - before == 1  # refused before the form was read
    finally:
        close_app(app)


FRESH_SCRAPE = """
import sys
from pathlib import Path
from settings import Settings
from collector.app import close_app, create_app
d = Path(sys.argv[1])
s = Settings(data_dir=d / "data", database_url=f"sqlite:///{d / 'registry.db'}", shipper="external",
             prometheus_multiproc_dir=sys.argv[2])
app = create_app(s)
try:
    sys.stdout.write(app.test_client().get("/metrics").get_data(as_text=True))
finally:
    close_app(app)
"""


def test_a_fresh_collector_exports_every_5xx_reason_at_zero(tmp_path):
    """rate()/increase() see a counter's first increment only against an earlier sample: the alerting
    series (ascolto_submissions_failed_total, AscoltoCollector5xx) exist at 0 before any refusal, in a
    fresh process under gunicorn's multiprocess collection — the first burst of an outage is seen."""
    import os
    import subprocess
    import sys

    from registry import connect
    from registry.demo import seed

    seed(connect(f"sqlite:///{tmp_path / 'registry.db'}"), [ORIGIN])
    multiproc = tmp_path / "prom"
    multiproc.mkdir()
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", FRESH_SCRAPE, str(tmp_path), str(multiproc)], capture_output=True,
                         text=True, timeout=120, env=dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(multiproc),
                                                           PYTHONPATH=root), cwd=root)
    assert out.returncode == 0, out.stderr[-2000:]
    for reason in ("unavailable", "registry_unavailable", "internal"):
        assert f'ascolto_submissions_failed_total{{reason="{reason}"}} 0.0' in out.stdout.splitlines(), reason
    assert "ascolto_submissions_rejected_total{" not in out.stdout  # per-service series: only with an event


def test_5xx_refusals_count_in_the_aggregate_too(client):
    def failed(reason):
        return REGISTRY.get_sample_value("ascolto_submissions_failed_total", {"reason": reason}) or 0.0

    before = failed("unavailable"), failed("registry_unavailable"), _count("unavailable", "demo-roma-anagrafe")
    from collector import errors
    with client.application.test_request_context("/v1/submissions"):
        errors.count_refusal("unavailable", "demo-roma-anagrafe")
        errors.count_refusal("malformed", "demo-roma-anagrafe")
    assert failed("unavailable") - before[0] == 1 and failed("registry_unavailable") == before[1]
    assert _count("unavailable", "demo-roma-anagrafe") - before[2] == 1
