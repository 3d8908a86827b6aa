"""Red team, privacy: no response of the collector sets a cookie and no log line nor file it writes holds
the client's address — on every route, on its error paths too (bad JSON, an oversized body, an unknown
service, a wrong method, a missing route), with the address given directly and through the proxy's
``X-Forwarded-For``."""
from __future__ import annotations

import logging
from pathlib import Path


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
