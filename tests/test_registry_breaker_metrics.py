"""The registry circuit breaker's state on the collector's and the console's ``/metrics``
(registry.breaker_metrics): ``ascolto_registry_breaker_open`` 0/1, ``…_trips_total`` and
``…_refused_total``. Before, a breaker open for minutes showed nowhere but in 503s and log lines.

Tripped the cheapest real way: a PostgreSQL URL whose port refuses connections (no server needed);
closing it again needs the PostgreSQL at 127.0.0.1:5432 behind a proxy that falls silent (skipped
without it).
"""
from __future__ import annotations

import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from settings import Settings
from tests.conftest import ORIGIN, submission

REFUSING = "postgresql+psycopg2://ascolto:pw@127.0.0.1:1/ascolto"
BEARER = {"Authorization": "Bearer asc_abcdef01_" + "x" * 43}  # well-formed: looked up in the registry


@pytest.fixture(autouse=True)
def one_breaker_per_process():
    """A gunicorn worker builds one app, so one breaker sets the gauge; here each test builds its own,
    and an earlier test's breaker may have been left open."""
    from registry import breaker_metrics

    breaker_metrics.OPEN.set(0)


def samples(client) -> dict[str, float]:
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    return {s.name: s.value for f in text_string_to_metric_families(resp.get_data(as_text=True))
            for s in f.samples if s.name.startswith("ascolto_registry_breaker_")}


def test_the_console_exports_the_breaker_opening_and_refusing(tmp_path, monkeypatch):
    from registry import breaker as registry_breaker
    from warehouse.console import create_app

    monkeypatch.setattr(registry_breaker, "OPEN_S", 0.5)
    app = create_app(Settings(data_dir=tmp_path, database_url=REFUSING))
    client = app.test_client()
    before = samples(client)
    assert before["ascolto_registry_breaker_open"] == 0  # exported before anything happened
    assert client.get("/api/v1/meta", headers=BEARER).status_code == 503  # refused: the breaker opens
    assert client.get("/api/v1/meta", headers=BEARER).status_code == 503  # answered at once, not tried
    after = samples(client)
    assert after["ascolto_registry_breaker_open"] == 1
    assert after["ascolto_registry_breaker_trips_total"] == before["ascolto_registry_breaker_trips_total"] + 1
    assert after["ascolto_registry_breaker_refused_total"] == before["ascolto_registry_breaker_refused_total"] + 1



def test_the_gauge_falls_back_to_0_once_the_registry_answers_again(db_url, tmp_path, short_deadlines, monkeypatch):
    """A registry that fell silent (a proxy in front of the PostgreSQL at 127.0.0.1:5432), then answers."""
    from registry import breaker as registry_breaker, connect
    from registry.demo import seed
    from tests.registry_support import SilentProxy
    from warehouse.console import create_app

    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry")
    monkeypatch.setattr(registry_breaker, "OPEN_S", 0.5)
    seed(connect(db_url), [ORIGIN])
    proxy = SilentProxy(("127.0.0.1", 5432))
    try:
        proxied = db_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/") + "&connect_timeout=1"
        client = create_app(Settings(data_dir=tmp_path, database_url=proxied)).test_client()
        assert client.get("/api/v1/meta", headers=BEARER).status_code == 401  # the registry answers
        assert samples(client)["ascolto_registry_breaker_open"] == 0
        proxy.fall_silent()
        assert client.get("/api/v1/meta", headers=BEARER).status_code == 503  # given up after the deadline
        assert samples(client)["ascolto_registry_breaker_open"] == 1
        proxy.answer_again()
        time.sleep(0.6)  # the window passes: the next request is the trial, the server answers it
        assert client.get("/api/v1/meta", headers=BEARER).status_code == 401
        assert samples(client)["ascolto_registry_breaker_open"] == 0
    finally:
        proxy.close()


def test_the_collector_exports_the_breaker_with_its_other_metrics(settings):
    from collector.app import close_app, create_app

    app = create_app(settings.with_(database_url=REFUSING))
    try:
        client = app.test_client()
        before = samples(client)
        resp = client.post("/v1/submissions", json=submission(), headers={"Origin": ORIGIN})
        assert resp.status_code == 503 and resp.get_json()["error"] == "registry_unavailable"
        after = samples(client)
        assert after["ascolto_registry_breaker_open"] == 1
        assert after["ascolto_registry_breaker_trips_total"] == before["ascolto_registry_breaker_trips_total"] + 1
    finally:
        close_app(app)
