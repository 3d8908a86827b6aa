"""Every app's shutdown (``close_app``, registered as ``app.extensions["ascolto.close"]``, which gunicorn's
``worker_exit`` calls: deploy/gunicorn.conf.py) closes what ``create_app`` opened.

Before it, a stopped console worker kept its registry's PostgreSQL connections and every app its rate
limiters' Redis connections until the process ended: the servers counted them against their connection
limits (every test that built an app left them for the rest of the session). Counted on the real
servers: PostgreSQL's ``pg_stat_activity`` and Redis's ``CLIENT LIST``, by a name of this test's own
(``application_name``, ``client_name``) so that other clients of the servers do not count.
"""
from __future__ import annotations

import threading
import uuid

import duckdb
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from registry import connect, dispose
from settings import Settings
from tests.conftest import wait_for
from tests.leaks import leftover_threads
from tests.registry_support import postgres
from tests.warehouse_rows import response, write

REDIS_URL = "redis://127.0.0.1:6379/0"


def _console(settings: Settings):
    from warehouse.console import create_app

    app = create_app(settings)
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested by test_console_security.py
    return app


def _console_traffic(app) -> None:
    """``/readyz`` (a query on the registry), a failed bearer sign-in (the sign-in throttle) and a ``/join``
    post (its own limiter)."""
    client = app.test_client()
    assert client.get("/readyz").status_code in (200, 503)  # 503: no dataset yet
    assert client.get("/api/v1/meta", headers={"Authorization": "Bearer asc_nothing"}).status_code == 401
    assert client.post("/join", data={"ipa_code": ""}).status_code == 422


def _pg_connections(name: str) -> int:
    engine = create_engine(postgres()[0], poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"),
                                {"n": name}).scalar_one()
    finally:
        engine.dispose()


def _redis_clients(name: str) -> int:
    r = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        return sum(1 for c in r.client_list() if c.get("name") == name)
    finally:
        r.close()


@pytest.fixture
def redis_name():
    """A client name of this test's own, in a Redis URL's query (redis-py sends ``CLIENT SETNAME``)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return f"ascolto-shutdown-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_closing_the_console_closes_its_registry_connections(db_url, tmp_path):
    dispose(connect(db_url))  # the schema migrated, as ascolto up does
    name = f"ascolto-shutdown-{uuid.uuid4().hex[:8]}"
    app = _console(Settings(data_dir=tmp_path / "data", database_url=f"{db_url}&application_name={name}"))
    _console_traffic(app)
    assert _pg_connections(name) >= 1  # pooled by the registry's engine, open while the app lives
    app.extensions["ascolto.close"]()
    wait_for(lambda: _pg_connections(name) == 0, timeout_s=10,
             message="the console's registry connections to close")


def test_closing_the_console_closes_its_limiters_redis_connections(tmp_path, redis_name):
    settings = Settings(data_dir=tmp_path / "data", redis_url=f"{REDIS_URL}?client_name={redis_name}")
    dispose(connect(settings.database_url))
    app = _console(settings)
    _console_traffic(app)
    assert _redis_clients(redis_name) >= 2  # the sign-in throttle's and the /join limiter's
    app.extensions["ascolto.close"]()
    wait_for(lambda: _redis_clients(redis_name) == 0, timeout_s=10,
             message="the console's limiter connections to close")


def test_closing_the_public_site_closes_its_limiters_redis_connections(tmp_path, redis_name):
    from warehouse.public import create_app

    app = create_app(Settings(data_dir=tmp_path / "data", redis_url=f"{REDIS_URL}?client_name={redis_name}"))
    assert app.test_client().get("/healthz").status_code == 200  # counted by the limiter
    assert _redis_clients(redis_name) == 1
    app.extensions["ascolto.close"]()
    wait_for(lambda: _redis_clients(redis_name) == 0, timeout_s=10,
             message="the public site's limiter connections to close")


def test_closing_the_console_ends_its_warm_up_and_closes_its_duckdb_once_for_all(tmp_path):
    """The warm-up (the rollup's build) is waited for, never cut short; the warehouse's DuckDB connection
    is closed and not opened again; a second close (the hook after a test's own) does nothing."""
    from warehouse.console import close_app

    write(tmp_path / "data", [response(satisfaction=4)])  # a dataset: the console starts its rollup's warm-up
    settings = Settings(data_dir=tmp_path / "data")
    dispose(connect(settings.database_url))
    before = set(threading.enumerate())
    app = _console(settings)
    assert app.config["ASCOLTO_WARM_UP"] is not None
    app.extensions["ascolto.close"]()
    assert not [t for t in leftover_threads(before) if t.name == "rollup-warm-up"]
    opened = app.config["ASCOLTO_WAREHOUSE"]._warehouse  # opened by the warm-up
    with pytest.raises(duckdb.ConnectionException):
        opened._con.execute("SELECT 1")
    with pytest.raises(RuntimeError, match="closed"):
        app.config["ASCOLTO_WAREHOUSE"]()
    close_app(app)  # idempotent


def test_closing_the_public_site_ends_its_warm_up_and_may_be_repeated(tmp_path):
    from warehouse.public import close_app, create_app

    (tmp_path / "data" / "releases").mkdir(parents=True)
    settings = Settings(data_dir=tmp_path / "data")
    before = set(threading.enumerate())
    app = create_app(settings)
    assert app.config["ASCOLTO_WARM_UP"] is not None
    close_app(app)
    assert not [t for t in leftover_threads(before) if t.name == "releases-warm-up"]
    assert not [t for t in leftover_threads(before) if isinstance(t, threading.Timer)]  # the memory limiter's
    app.extensions["ascolto.close"]()  # idempotent


def test_closing_the_collector_closes_its_rate_limits_redis_connections(settings, redis_name):
    """The collector's ``close_app`` closed its shipper, origin writer and registry, not the rate limits'
    Redis connections (``ASCOLTO_REDIS_URL``)."""
    from collector.app import close_app, create_app
    from tests.conftest import WIDGET, submission

    app = create_app(settings.with_(redis_url=f"{REDIS_URL}?client_name={redis_name}"))
    try:
        assert app.test_client().post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 202
        assert _redis_clients(redis_name) == 1
    finally:
        close_app(app)
    wait_for(lambda: _redis_clients(redis_name) == 0, timeout_s=10,
             message="the collector's rate-limit connections to close")
