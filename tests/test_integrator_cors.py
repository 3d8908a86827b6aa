"""What a PA page's script reads when it calls the collector wrongly: the JSON error naming the
problem, not an opaque CORS failure ("TypeError: Failed to fetch"). Routing failed for these
requests (a mistyped path, a wrong method), so no blueprint's CORS ran: the error answers carry
the API's CORS headers themselves. Through the real collector app (``client`` fixture)."""
from __future__ import annotations

from tests.conftest import ORIGIN, WIDGET, submission

PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type"}


def _readable_by_the_page(resp) -> None:
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in resp.headers["Vary"]  # the answer depends on the Origin: caches must keep them apart
    assert "Access-Control-Allow-Credentials" not in resp.headers  # the API takes no cookies, never asks for them
    assert resp.headers["Content-Type"] == "application/json"


def test_a_mistyped_path_is_a_404_the_page_can_read(client):
    # fetch("…/v1/submission", {method: "POST", headers: {"Content-Type": "application/json"}}): the
    # browser first asks with a preflight; a 404 there would stop the request before any answer
    pre = client.options("/v1/submission", headers=PREFLIGHT)
    assert pre.status_code == 204 and pre.data == b""
    assert pre.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert pre.headers["Access-Control-Allow-Headers"] == "Content-Type"
    # ... and the request itself meets the JSON 404 naming the path
    r = client.post("/v1/submission", json=submission(), headers=WIDGET)
    assert r.status_code == 404 and r.json["error"] == "not_found"
    assert r.json["fields"] == {"path": ["No endpoint '/v1/submission' in this API; "
                                         "its endpoints are listed at /openapi.json."]}
    _readable_by_the_page(r)


def test_a_wrong_method_is_a_405_the_page_can_read_with_its_allow_header(client):
    r = client.get("/v1/submissions", headers=WIDGET)  # a page that GETs the intake
    assert r.status_code == 405 and r.json["fields"] == {
        "method": ["GET is not allowed here; allowed: POST, OPTIONS."]}
    _readable_by_the_page(r)
    assert r.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert "Allow" in r.headers["Access-Control-Expose-Headers"]


def test_without_an_origin_the_errors_carry_no_cors_grant_but_still_vary(client):
    for r in (client.get("/v1/submission"), client.get("/v1/submissions")):
        assert r.status_code in (404, 405)
        assert "Access-Control-Allow-Origin" not in r.headers
        assert "Origin" in r.headers["Vary"]  # a cached copy of this one must not be served to a page


def test_a_plain_options_to_an_unknown_path_is_still_a_404(client):
    r = client.options("/v1/submission", headers={"Origin": ORIGIN})  # not a preflight: no request method asked
    assert r.status_code == 404 and r.json["fields"]["path"]
    _readable_by_the_page(r)
