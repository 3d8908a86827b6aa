"""The collector's readiness while the registry is away, on real sockets: a PostgreSQL (127.0.0.1:5432)
behind a proxy that falls silent, and a registry URL on a closed port. Before, /readyz stayed "ready"
while every submission of a service not cached was answered 503 registry_unavailable — only the breaker's
gauge showed it. Now /readyz stays 200 (a shared registry away must not empty the load balancer) but says
"degraded" with the reason ``registry``, within the probes' 3 s, and ascolto_collector_registry_up is 0."""
from __future__ import annotations

import time

import pytest

from collector.app import close_app, create_app
from deploy.broker import free_port
from registry import connect
from registry.demo import seed
from tests.conftest import ORIGIN, WIDGET, submission
from tests.registry_support import SilentProxy

pytestmark = pytest.mark.faults


def _metric(client, name: str) -> str:
    return next(line for line in client.get("/metrics").get_data(as_text=True).splitlines()
                if line.startswith(name + " ") or line.startswith(name + "{"))


def _ready(client) -> tuple[int, dict, float]:
    t0 = time.monotonic()
    resp = client.get("/readyz")
    return resp.status_code, resp.get_json(), time.monotonic() - t0


def test_a_silent_postgresql_registry_makes_readyz_degraded_not_unready(db_url, settings, short_deadlines):
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry behind a proxy")
    seed(connect(db_url), [ORIGIN])
    proxy = SilentProxy(("127.0.0.1", 5432))
    proxied = db_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/") + "&connect_timeout=1"
    app = create_app(settings.with_(database_url=proxied, registry_ttl_s=0))
    client = app.test_client()
    try:
        status, body, _ = _ready(client)
        assert status == 200 and body["registry"] is True and "registry" not in body["reasons"]
        assert _metric(client, "ascolto_collector_registry_up").endswith(" 1.0")
        proxy.fall_silent()
        assert client.post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 503
        status, body, took = _ready(client)
        assert status == 200 and took < 3, took  # in the load balancer still; within the probe's timeout
        assert body["status"] == "degraded" and body["registry"] is False and "registry" in body["reasons"]
        assert _metric(client, "ascolto_collector_registry_up").endswith(" 0.0")
        assert float(_metric(client, 'ascolto_submissions_failed_total{reason="registry_unavailable"}').split()[-1]) >= 1
        proxy.answer_again()
        deadline = time.monotonic() + 20  # the breaker's window passes, the probe's query is answered
        while _ready(client)[1]["registry"] is not True:
            assert time.monotonic() < deadline, "the registry never came back in /readyz"
            time.sleep(0.5)
        assert _metric(client, "ascolto_collector_registry_up").endswith(" 1.0")
    finally:
        close_app(app)
        proxy.close()


def test_a_registry_on_a_closed_port_is_degraded_with_its_reason(settings):
    app = create_app(settings.with_(database_url=f"postgresql+psycopg2://u:p@127.0.0.1:{free_port()}/ascolto"))
    client = app.test_client()
    try:
        status, body, took = _ready(client)
        assert status == 200 and took < 3 and body["status"] == "degraded" and body["registry"] is False
        assert "registry" in body["reasons"]
        assert client.post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 503
        assert _metric(client, "ascolto_collector_registry_up").endswith(" 0.0")
    finally:
        close_app(app)
