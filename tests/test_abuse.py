"""Abuse protection: floods are limited per client and per service, without starving others."""
from __future__ import annotations

import pytest
import redis

from collector.app import close_app, create_app
from tests.conftest import submission, WIDGET


@pytest.fixture
def limited(settings):
    def make(**limits):
        app = create_app(settings.with_(**limits))
        made.append(app)
        return app.test_client()

    made = []
    yield make
    for app in made:
        close_app(app)


def test_a_flood_from_one_address_gets_429_with_retry_after_while_others_are_served(limited):
    client = limited(rate_limit_ip="5/minute")
    flood = [client.post("/v1/submissions", json=submission(), environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers=WIDGET)
             for _ in range(8)]
    assert [r.status_code for r in flood] == [202] * 5 + [429] * 3
    refused = flood[-1]
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["error"] == "rate_limited"
    assert "request" in refused.get_json()["fields"]
    other = client.post("/v1/submissions", json=submission(), environ_base={"REMOTE_ADDR": "198.51.100.7"}, headers=WIDGET)
    assert other.status_code == 202


def test_a_flood_on_one_service_does_not_limit_other_services(limited):
    client = limited(rate_limit_service="3/minute")
    statuses = [client.post("/v1/submissions", json=submission("demo-inps-pensione"),
                            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"}, headers=WIDGET).status_code for i in range(5)]
    assert statuses == [202, 202, 202, 429, 429]
    assert client.post("/v1/submissions", json=submission("demo-asl-prenotazione"), headers=WIDGET).status_code == 202


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url() -> str:
    """The local Redis, or a skip — asked when a test runs, never while tests are collected."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return REDIS_URL


def test_limits_are_shared_through_redis_between_collector_processes(limited, redis_url):
    import uuid

    ip = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # fresh per run: Redis is shared
    first = limited(rate_limit_ip="4/minute", redis_url=redis_url)
    second = limited(rate_limit_ip="4/minute", redis_url=redis_url)
    statuses = [c.post("/v1/submissions", json=submission(), environ_base={"REMOTE_ADDR": ip}, headers=WIDGET).status_code
                for c in (first, second, first, second, first, second)]
    assert statuses == [202, 202, 202, 202, 429, 429]


def test_redis_outage_does_not_turn_submissions_into_errors(limited):
    client = limited(rate_limit_ip="4/minute", redis_url="redis://127.0.0.1:1/0")
    assert client.post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 202


def test_the_no_js_form_is_rate_limited_with_a_page_not_json(limited):
    client = limited(rate_limit_ip="2/minute")
    statuses = []
    for _ in range(3):
        resp = client.post("/v1/submissions/form", data={"token": "x"}, environ_base={"REMOTE_ADDR": "203.0.113.77"})
        statuses.append(resp.status_code)
    assert statuses[-1] == 429
    assert resp.mimetype == "text/html" and int(resp.headers["Retry-After"]) > 0


def test_junk_service_names_share_one_bucket_and_do_not_touch_real_services(limited):
    """Issue 11.10: the bucket is keyed on the raw body's ``service`` before validation; 50 junk
    names must not make 50 buckets (memory) nor escape the limit by changing name."""
    client = limited(rate_limit_service="3/minute")
    junk = ["nope", "x" * 64, "../etc", "é-unicode", "no-such-service-1", "no-such-service-2"]
    statuses = [client.post("/v1/submissions", json=submission(name),
                            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"}, headers=WIDGET).status_code
                for i, name in enumerate(junk)]
    assert statuses == [404, 404, 404, 429, 429, 429]  # one shared bucket: changing the name does not help
    buckets = client.application.extensions["ascolto.limits"]._local._windows  # the per-worker counters
    assert {key for scope, key in buckets if scope == "service"} == {"-"}  # no bucket named by input
    assert client.post("/v1/submissions", json=submission("demo-inps-pensione"), headers=WIDGET).status_code == 202


def test_the_per_client_bucket_is_a_keyed_hash_of_the_address_shared_by_the_installation(limited, settings):
    """The per-client buckets (in memory, or Redis keys for the window) were named by an unkeyed BLAKE2b
    of the address: hashing every IPv4 address takes minutes, so whoever read Redis (or a memory dump)
    had the addresses of the window's clients back. The bucket is a keyed hash now — the same in every
    collector of one installation (they share the form secret), another in another installation."""
    import hashlib

    from collector.ratelimit import RateLimits

    client = limited(rate_limit_ip="5/minute")
    assert client.post("/v1/submissions", json=submission(), environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers=WIDGET).status_code == 202
    app_limits = client.application.extensions["ascolto.limits"]
    buckets = [key for scope, key in app_limits._local._windows if scope == "ip"]
    unkeyed = hashlib.blake2b(b"203.0.113.9", digest_size=12).hexdigest()
    assert buckets and unkeyed not in buckets and not any("203.0.113.9" in b for b in buckets)
    assert app_limits.client_bucket("203.0.113.9") in buckets
    again = RateLimits(settings)  # another collector process of the same installation
    assert again.client_bucket("203.0.113.9") == app_limits.client_bucket("203.0.113.9")
    other = RateLimits(settings.with_(form_secret="another-installation-0123456789abcdef"))
    assert other.client_bucket("203.0.113.9") != app_limits.client_bucket("203.0.113.9")


def test_without_redis_each_worker_counts_on_its_own_as_the_docs_say(limited):
    """The README said "120 requests per minute per IP" and operations.md "in memory only": with the
    default setup (no Redis, two workers) 130 posts from one address in a minute were all accepted.
    Without Redis each worker (here: two apps, two processes' worth of state) counts on its own, and
    the docs say so."""
    from pathlib import Path

    first, second = limited(rate_limit_ip="2/minute"), limited(rate_limit_ip="2/minute")
    statuses = [c.post("/v1/submissions", json=submission(), environ_base={"REMOTE_ADDR": "203.0.113.77"}, headers=WIDGET).status_code
                for c in (first, second, first, second, first, second)]
    assert statuses == [202, 202, 202, 202, 429, 429]  # 2 × 2 workers, not 2
    root = Path(__file__).resolve().parent.parent
    readme = " ".join((root / "README.md").read_text("utf-8").split())
    operations = " ".join((root / "docs" / "operations.md").read_text("utf-8").split())
    assert "**Without Redis each collector worker counts on its own**" in readme
    assert "120 × `ASCOLTO_WORKERS` (2 by default) × collector instances per minute" in readme
    assert "rate-limits per client IP, in memory only" not in operations
    assert "| `ASCOLTO_RATE_LIMIT_IP` | `120/minute` | collector | per client IP (needs correct `X-Forwarded-For`); " \
           "per worker without `ASCOLTO_REDIS_URL` |" in operations
