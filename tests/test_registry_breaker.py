"""The registry's circuit breaker (registry.breaker) and the console's bounded /readyz, on real sockets: a
PostgreSQL (127.0.0.1:5432) behind a proxy that falls silent, and a server that completes the startup
and never answers a query. Before: every console request thread, and /readyz, was held for the whole
client-side deadline (35 s by default) for as long as the registry stayed silent."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from registry import breaker as registry_breaker
from registry import connect, dispose
from registry.breaker import CircuitOpen, guard
from registry.demo import seed
from settings import Settings
from tests.conftest import ORIGIN
from tests.registry_support import SilentProxy, hung_postgres

BEARER = {"Authorization": "Bearer asc_abcdef01_" + "x" * 43}  # well-formed: looked up in the registry


def _pg(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL registry")
    return db_url


def _timed(client, path, **kw):
    t0 = time.monotonic()
    resp = client.get(path, **kw)
    return resp, time.monotonic() - t0


def test_the_console_answers_at_once_while_the_breaker_is_open_and_recovers_after_it(
        db_url, tmp_path, short_deadlines, monkeypatch):
    from warehouse.console import create_app

    monkeypatch.setattr(registry_breaker, "OPEN_S", 3.0)
    url = _pg(db_url)
    seed(connect(url), [ORIGIN])
    proxy = SilentProxy(("127.0.0.1", 5432))
    proxied = url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/") + "&connect_timeout=1"
    try:
        app = create_app(Settings(data_dir=tmp_path, database_url=proxied))
        breaker = app.config["ASCOLTO_REGISTRY"].breaker
        client = app.test_client()
        assert client.get("/api/v1/meta", headers=BEARER).status_code == 401  # the registry answers
        proxy.fall_silent()
        first, took = _timed(client, "/api/v1/meta", headers=BEARER)
        assert first.status_code == 503 and 1.0 < took < 8, took  # the deadline, once
        assert breaker.opened == 1
        for _ in range(10):  # held 1.5 s (35 s in production) each before; now refused without I/O
            resp, took = _timed(client, "/api/v1/meta", headers=BEARER)
            assert resp.status_code == 503 and took < 0.3, took
            body = resp.get_json()
            assert body["error"] == "registry_unavailable" and body["fields"]["registry"] and resp.headers["Retry-After"]
        page, took = _timed(client, "/", headers={**BEARER, "Accept": "text/html"})
        assert page.status_code == 503 and took < 0.3 and "Il registro non risponde" in page.get_data(as_text=True)
        ready, took = _timed(client, "/readyz")  # (its dataset check opens the warehouse: a few tenths)
        assert ready.status_code == 503 and took < 1.0 and ready.get_json()["checks"]["registry"] == "unavailable"
        assert breaker.refused >= 11
        proxy.answer_again()
        time.sleep(3.1)  # the window passes: one trial, the server answers, the breaker closes
        assert client.get("/api/v1/meta", headers=BEARER).status_code == 401
        assert not breaker.is_open() and breaker.until == 0
        assert client.get("/readyz").get_json()["checks"]["registry"] == "ok"
    finally:
        proxy.close()


def test_readyz_is_bounded_to_a_couple_of_seconds_on_a_silent_registry_and_does_not_open_the_breaker(tmp_path):
    """Default deadlines (35 s for a statement): /readyz gives the registry up after REGISTRY_CHECK_S."""
    from warehouse.console import create_app
    from warehouse.console.ready import REGISTRY_CHECK_S

    port, startups, close = hung_postgres()
    try:
        app = create_app(Settings(data_dir=tmp_path, database_url=f"postgresql://a:pw@127.0.0.1:{port}/a?sslmode=disable"))
        resp, took = _timed(app.test_client(), "/readyz")
        assert resp.status_code == 503 and resp.get_json()["checks"]["registry"] == "unavailable"
        assert REGISTRY_CHECK_S <= took < REGISTRY_CHECK_S + 2, took
        assert startups  # it did reach the server: the query is what went unanswered
        assert app.config["ASCOLTO_REGISTRY"].breaker.opened == 0  # a slow probe is not an outage for the pages
    finally:
        close()


def test_a_live_servers_own_error_does_not_open_the_breaker(db_url):
    """A statement the server cancels (its statement_timeout, a lock) carries a pgcode: the server answers."""
    f = guard(connect(_pg(db_url)))
    try:
        with pytest.raises(OperationalError, match="canceling statement"):
            with f() as s:
                s.execute(text("SET LOCAL statement_timeout = 100"))
                s.execute(text("SELECT pg_sleep(2)"))
        assert f.breaker.opened == 0
        with f() as s:
            assert s.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        dispose(f)


def test_a_refused_connection_opens_it_and_one_trial_per_window_goes_through(monkeypatch):
    f = guard(connect("postgresql://a:pw@127.0.0.1:1/a", create=False), open_s=0.5)
    with pytest.raises(OperationalError):
        with f() as s:
            s.execute(text("SELECT 1"))
    assert f.breaker.opened == 1
    with pytest.raises(CircuitOpen, match="not tried again"):
        f()
    time.sleep(0.6)
    with pytest.raises(OperationalError):  # the trial: tried, refused again
        with f() as s:
            s.execute(text("SELECT 1"))
    with pytest.raises(CircuitOpen):
        f()
    assert f.breaker.opened == 1 and f.breaker.refused == 2
    dispose(f)


def test_sqlite_factories_are_not_guarded(tmp_path):
    f = connect(f"sqlite:///{tmp_path / 'r.db'}")
    assert guard(f) is f


def test_readyz_stays_within_the_probes_timeout_when_a_pooled_connection_fell_silent(db_url, tmp_path):
    """The pooled connection's ping, then a reconnection, then the query: each was capped to 2 s, together
    6 s — past the readiness probe's timeoutSeconds (3, deploy/k8s/console.yaml). The cap is one budget."""
    from warehouse.console import create_app
    from warehouse.console.ready import REGISTRY_CHECK_S

    url = _pg(db_url)
    seed(connect(url), [ORIGIN])
    proxy = SilentProxy(("127.0.0.1", 5432))
    try:
        app = create_app(Settings(data_dir=tmp_path, database_url=url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")))
        client = app.test_client()
        assert client.get("/readyz").get_json()["checks"]["registry"] == "ok"  # a connection in the pool
        proxy.fall_silent()
        resp, took = _timed(client, "/readyz")
        assert resp.get_json()["checks"]["registry"] == "unavailable"
        assert took < REGISTRY_CHECK_S + 0.9 < 3, took
    finally:
        proxy.close()


def test_a_probe_of_a_registry_whose_connections_are_all_busy_fails_within_its_bound(db_url):
    """A slow database holds every pooled connection (five and ten overflow): the probe then waited for a
    free one SQLAlchemy's pool_timeout, 30 s, holding its request thread far past the probe's own 2 s and
    the orchestrator's 3 s. Its bound covers that wait too; other callers keep the pool's timeout."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from registry.probe import ping

    factory = connect(db_url)
    engine = factory.kw["bind"]
    ping(factory, 0.5)
    held = [engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        t0 = time.monotonic()
        with pytest.raises(PoolTimeout):
            ping(factory, 0.5)
        assert time.monotonic() - t0 < 1.5
        assert engine.pool.timeout() == 30  # outside a probe: the pool's own wait
    finally:
        held.pop().close()
    try:
        ping(factory, 0.5)  # a connection free again: ready
    finally:
        for conn in held:
            conn.close()
        dispose(factory)
