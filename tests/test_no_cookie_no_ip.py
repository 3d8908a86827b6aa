"""Red team, privacy: no response of the collector sets a cookie and no log line nor file it writes holds
the client's address — on every route, on its error paths too (bad JSON, an oversized body, an unknown
service, a wrong method, a missing route), with the address given directly and through the proxy's
``X-Forwarded-For``."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from collector.app import close_app
from tests.conftest import ORIGIN, submission

IP, FORWARDED = "203.0.113.57", "198.51.100.203"


def _requests(client, app) -> list:
    env = {"REMOTE_ADDR": IP}
    head = {"Origin": ORIGIN, "X-Forwarded-For": FORWARDED, "User-Agent": "Mozilla/5.0 (iPhone; Mobile)"}
    out = [client.post("/v1/submissions", json=submission(comment="dal mio IP 151.38.12.4 non va"),
                       headers=head, environ_base=env),
           client.post("/v1/submissions", data=b"{not json", headers={**head, "Content-Type": "application/json"},
                       environ_base=env),
           client.post("/v1/submissions", data=b"x" * 40_000, headers={**head, "Content-Type": "application/json"},
                       environ_base=env),
           client.post("/v1/submissions", json=submission(service="no-such-service"), headers=head, environ_base=env),
           client.post("/v1/submissions", json={"answers": {}}, headers=head, environ_base=env),
           client.get("/v1/no-such-route", headers=head, environ_base=env),
           client.delete("/v1/submissions", headers=head, environ_base=env),
           client.options("/v1/submissions", headers={**head, "Access-Control-Request-Method": "POST"}, environ_base=env)]
    for rule in app.url_map.iter_rules():  # every GET route, its arguments filled with a made-up key
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", "demo-roma-anagrafe").replace(f"<path:{arg}>", "x").replace(
                f"<string:{arg}>", "demo-roma-anagrafe")
        out.append(client.get(path, headers=head, environ_base=env))
    return out


def test_no_route_sets_a_cookie_nor_logs_or_stores_the_clients_address(client, settings, caplog):
    app = client.application
    with caplog.at_level(logging.DEBUG):
        responses = _requests(client, app)
        close_app(app)
    statuses = {r.status_code for r in responses}
    assert 202 in statuses and {400, 404, 405, 413} & statuses, statuses
    assert all(r.status_code < 500 for r in responses), [(r.request.path, r.status_code) for r in responses]
    assert [r.request.path for r in responses if "Set-Cookie" in r.headers] == []
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, '__dict__', {})!r}" for r in caplog.records)
    assert IP not in logged and FORWARDED not in logged
    for path in Path(settings.data_dir).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert IP.encode() not in data and FORWARDED.encode() not in data, path


def test_the_comments_planted_address_is_not_on_disk(client, settings):
    resp = client.post("/v1/submissions", json=submission(comment="dal mio IP 151.38.12.4 non si apre"),
                       headers={"Origin": ORIGIN}, environ_base={"REMOTE_ADDR": IP})
    assert resp.status_code == 202
    close_app(client.application)
    files = [p for p in Path(settings.data_dir).rglob("*") if p.is_file()]
    assert files and not [p for p in files if b"151.38.12.4" in p.read_bytes()]


def test_no_page_of_the_public_site_sets_a_cookie_nor_logs_the_readers_address(tmp_path, caplog):
    from settings import Settings
    from warehouse.public import create_app

    app = create_app(Settings(data_dir=tmp_path / "data", public_rate_limit="100000/minute"))
    c = app.test_client()
    env, head = {"REMOTE_ADDR": IP}, {"X-Forwarded-For": FORWARDED}
    with caplog.at_level(logging.DEBUG):
        paths = ["/", "/it/", "/en/", "/it/methodology", "/en/methodology", "/it/no-such", "/en/releases/9999-Q9",
                 "/robots.txt", "/%ff"]
        paths += [r.rule for r in app.url_map.iter_rules() if not r.arguments and "GET" in r.methods]
        responses = [c.get(p, headers=head, environ_base=env) for p in paths] + [c.post("/", environ_base=env)]
    assert all(r.status_code < 500 for r in responses), [(r.request.path, r.status_code) for r in responses]
    assert [r.request.path for r in responses if "Set-Cookie" in r.headers] == []
    logged = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    assert IP not in logged and FORWARDED not in logged


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_the_limited_gets_429s_neither_log_nor_store_nor_label_the_clients_address(settings, caplog, store):
    """The GETs under ``ASCOLTO_RATE_LIMIT_GET`` (questionnaire, form, thank-you page, kiosk), flooded past
    it directly and through the proxy: no log line, file, metrics label nor limiter key (in memory or
    Redis) holds the client's address — only its keyed bucket, as for the posts' limit."""
    import redis

    from collector.app import create_app
    from tests.channel_support import KIOSK_SERVICE, register_device, seed as seed_wide
    from tests.test_abuse import REDIS_URL

    options = {"rate_limit_get": "1/minute", "rate_limit_ip": "1/minute", "proxy_count": 1}
    if store == "redis":
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip("no Redis server at 127.0.0.1:6379")
        options["redis_url"] = REDIS_URL
    seed_wide(settings)
    _, token = register_device(settings, KIOSK_SERVICE)
    app = create_app(settings.with_(**options))
    client = app.test_client()
    paths = ["/v1/services/demo-roma-anagrafe/questionnaire", "/v1/services/demo-roma-anagrafe/form",
             "/v1/services/demo-roma-anagrafe/form/thanks", f"/v1/services/{KIOSK_SERVICE}/kiosk?device={token}",
             "/v1/services/no-such-service/questionnaire"]
    with caplog.at_level(logging.DEBUG):
        try:
            responses = [client.get(p, headers={"Origin": ORIGIN, "X-Forwarded-For": forwarded},
                                    environ_base={"REMOTE_ADDR": "10.0.0.9"})
                         for forwarded in (IP, FORWARDED) for p in paths for _ in range(2)]
            responses.append(client.post("/v1/submissions", json=submission(), headers={
                "Origin": ORIGIN, "X-Forwarded-For": IP}, environ_base={"REMOTE_ADDR": "10.0.0.9"}))
            metrics = client.get("/metrics").get_data(as_text=True)
            limits = app.extensions["ascolto.limits"]
            if store == "redis":
                keys = [k.decode() for k in redis.Redis.from_url(REDIS_URL).keys("*ascolto*")]
            else:
                keys = [f"{scope}/{key}" for scope, key in limits._local._windows]
            bucket = limits.client_bucket(IP)
        finally:
            close_app(app)
    assert [r.status_code for r in responses].count(429) >= len(paths) * 2 - 1  # limited on every route
    assert all(r.status_code < 500 for r in responses)
    assert any("get" in k and bucket in k for k in keys) and any("ip" in k and bucket in k for k in keys)
    for where, text in (("logs", "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)),
                        ("metrics", metrics), ("limiter keys", "\n".join(keys)),
                        ("pages", "\n".join(r.get_data(as_text=True) for r in responses))):
        assert IP not in text and FORWARDED not in text, where
    for path in Path(settings.data_dir).rglob("*"):
        if path.is_file():
            assert IP.encode() not in path.read_bytes() and FORWARDED.encode() not in path.read_bytes(), path
