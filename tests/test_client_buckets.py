"""Per-client limits count under a keyed bucket, never the raw address (settings.buckets, the one home):
the public site, the console's sign-in throttle and its /join form keyed their limits on the address
itself — in memory, and as Redis key names anyone reading Redis could list. The collector already used
the keyed BLAKE2b; now they all do, with the same key per installation, and a Redis that hangs fails
open within its timeout instead of holding the request."""
from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
import redis

from collector.ratelimit import RateLimits
from settings.buckets import ClientBuckets
from tests.workspace_data import build_workspace

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("buckets"))


def _apps(settings):
    from warehouse.console import create_app as console_app
    from warehouse.public import create_app as public_app

    console = console_app(settings)
    console.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested by test_console_security.py
    return console, public_app(settings)


def _traffic(console, public, address: str) -> None:
    """A public page, a failed console sign-in (bearer) and a /join post, all from ``address``."""
    env = {"REMOTE_ADDR": address}
    assert public.test_client().get("/healthz", environ_base=env).status_code in (200, 404)
    r = console.test_client().get("/api/v1/meta", headers={"Authorization": "Bearer asc_nothing"}, environ_base=env)
    assert r.status_code == 401
    assert console.test_client().post("/join", data={"ipa_code": ""}, environ_base=env).status_code == 422


def _memory_keys(storage) -> set[str]:
    return {str(k) for table in ("storage", "events", "expirations") for k in getattr(storage, table, {})}


def test_in_memory_no_limiter_keeps_a_raw_address_only_its_keyed_bucket(seeded):
    settings = seeded[0]
    console, public = _apps(settings)
    address = "203.0.113.9"
    _traffic(console, public, address)
    bucket = ClientBuckets(settings).bucket(address)
    storages = {"public": public.extensions["ascolto.public_limit"][0].storage,
                "join": console.extensions["ascolto.join_limit"][0].storage,
                "sign-in": console.config["ASCOLTO_SIGNIN_THROTTLE"]._strategy.storage}
    for name, storage in storages.items():
        keys = _memory_keys(storage)
        assert keys and not any(address in k for k in keys), (name, keys)
        assert any(bucket in k for k in keys), (name, keys)
    # one home, one key per installation: every limiter of these processes names the client alike
    assert RateLimits(settings).client_bucket(address) == bucket == public.extensions["ascolto.public_limit"][2](address) \
        == console.extensions["ascolto.join_limit"][2](address)
    assert ClientBuckets(settings.with_(form_secret="another-installation-0123456789abcdef")).bucket(address) != bucket


def test_in_redis_no_key_names_a_client_address(seeded):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    settings = seeded[0].with_(redis_url=REDIS_URL)
    console, public = _apps(settings)
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # fresh per run: Redis is shared
    _traffic(console, public, address)
    r = redis.Redis.from_url(REDIS_URL)
    assert list(r.scan_iter(match=f"*{address}*")) == []
    bucket = ClientBuckets(settings).bucket(address)
    keys = [k.decode() for k in r.scan_iter(match=f"*{bucket}*")]
    for namespace in ("ascolto-public", "ascolto-join", "ascolto-console-signin"):
        assert any(namespace in k for k in keys), (namespace, keys)


def test_a_redis_that_accepts_and_never_answers_lets_requests_through_within_its_timeout(seeded):
    """The public site and /join opened Redis without a socket timeout: a Redis that hung held every
    page. Every limiter now gives it up after settings.buckets.REDIS_TIMEOUT_S and lets the request pass."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes the handshake; nothing ever answers
    try:
        settings = seeded[0].with_(redis_url=f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        console, public = _apps(settings)
        done: list = []
        worker = threading.Thread(target=lambda: done.append(_traffic(console, public, "198.51.100.20")), daemon=True)
        t0 = time.monotonic()
        worker.start()
        worker.join(30)
        assert done == [None], "a request waited on the silent Redis"
        assert time.monotonic() - t0 < 10  # 1 s per Redis command, no retry (4 commands)
    finally:
        silent.close()
