"""The collector's GETs that do work per request — the questionnaire a widget loads, the no-JS form and its
thank-you page, the kiosk page — under a per-client limit (``ASCOLTO_RATE_LIMIT_GET``), as its posts are.

They had none: anyone could hammer them, each request a registry lookup (a fresh one for every unknown key)
and a rendering. Now past the limit they answer 429 with ``Retry-After`` — JSON for the widget's JSON, a page
in the page's language for the HTML ones — counted apart from the posts' budget, under the same keyed bucket.
Constant documents (``widget.js``, ``kiosk.js``, ``/openapi.json``) and the probes are not limited.
"""
from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from collector.app import close_app, create_app
from tests.channel_support import KIOSK_SERVICE, register_device, seed as seed_wide
from tests.conftest import ORIGIN, WIDGET, submission

SERVICE = "demo-roma-anagrafe"
A, B = "203.0.113.41", "198.51.100.42"


@pytest.fixture
def limited(settings):
    """``limited(**settings)``: a test client of a collector over the wide demo registry with those
    settings, and the token of a kiosk device of :data:`KIOSK_SERVICE`."""
    seed_wide(settings)
    _, token = register_device(settings, KIOSK_SERVICE)
    apps = []

    def make(**options):
        apps.append(create_app(settings.with_(**options)))
        return apps[-1].test_client(), token
    yield make
    for app in apps:
        close_app(app)


def _paths(token: str) -> dict[str, str]:
    return {"questionnaire": f"/v1/services/{SERVICE}/questionnaire?lang=it",
            "form": f"/v1/services/{SERVICE}/form?lang=it",
            "thanks": f"/v1/services/{SERVICE}/form/thanks?lang=it",
            "kiosk": f"/v1/services/{KIOSK_SERVICE}/kiosk?device={token}"}


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize("route", ["questionnaire", "form", "thanks", "kiosk"])
def test_a_flood_of_gets_is_refused_429_past_the_limit_while_another_client_is_served(limited, route):
    client, token = limited(rate_limit_get="4/minute")
    path = _paths(token)[route]
    refused_before = _sample("ascolto_collector_reads_limited_total", route=route)
    rejected_before = _sample("ascolto_submissions_rejected_total", reason="rate_limited", service=SERVICE)
    flood = [client.get(path, headers=WIDGET, environ_base={"REMOTE_ADDR": A}) for _ in range(6)]
    assert [r.status_code for r in flood] == [200] * 4 + [429] * 2
    refused = flood[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    if route == "questionnaire":  # the widget's JSON, readable by the page (CORS), Retry-After exposed
        body = refused.get_json()
        assert body["error"] == "rate_limited" and "page and questionnaire loads" in body["message"]
        assert body["fields"] == {"request": ["Too many requests; retry after the time in Retry-After."]}
        assert refused.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    else:  # a browser's navigation: a page, in Italian, never stored
        page = refused.get_data(as_text=True)
        assert refused.mimetype == "text/html" and '<html lang="it">' in page and "Troppe richieste" in page
        assert "no-store" in refused.headers["Cache-Control"]
    if route in ("form", "thanks"):  # framed in a PA page (the hosted form): shown there, not blocked
        assert refused.headers["Content-Security-Policy"].endswith("frame-ancestors *")
        assert "<form" not in page and "<a " not in page  # nothing to act on: framing it is harmless
    if route == "kiosk":  # the totem loads itself again once the wait is over, without staff
        assert f'<meta http-equiv="refresh" content="{refused.headers["Retry-After"]}">' in page
    assert client.get(path, headers=WIDGET, environ_base={"REMOTE_ADDR": B}).status_code == 200
    assert _sample("ascolto_collector_reads_limited_total", route=route) == refused_before + 2
    # not refused submissions: the refusal-share alert is about answers, not page loads
    assert _sample("ascolto_submissions_rejected_total", reason="rate_limited", service=SERVICE) == rejected_before


def test_the_form_page_in_german_is_refused_in_german(limited):
    client, _ = limited(rate_limit_get="1/minute")
    path = f"/v1/services/{SERVICE}/form?lang=de"
    assert [client.get(path).status_code for _ in range(2)] == [200, 429]
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="de">' in page and "Zu viele Anfragen" in page


def test_gets_and_posts_have_budgets_of_their_own(limited):
    """Loading the questionnaire and the form never eats a client's budget of answers, nor the reverse:
    three GETs and three posts a minute each, from one address."""
    client, _ = limited(rate_limit_get="3/minute", rate_limit_ip="3/minute")
    env = {"REMOTE_ADDR": A}
    paths = _paths("")
    gets = [client.get(paths["questionnaire"], headers=WIDGET, environ_base=env).status_code for _ in range(3)]
    posts = [client.post("/v1/submissions", json=submission(), headers=WIDGET, environ_base=env).status_code
             for _ in range(3)]
    assert (gets, posts) == ([200] * 3, [202] * 3)
    assert client.get(paths["form"], environ_base=env).status_code == 429  # the GETs' budget is spent...
    assert client.post("/v1/submissions", json=submission(), headers=WIDGET, environ_base=env).status_code == 429
    other = {"REMOTE_ADDR": B}  # ... and the posts', for this client only
    assert client.post("/v1/submissions", json=submission(), headers=WIDGET, environ_base=other).status_code == 202
    assert client.get(paths["form"], environ_base=other).status_code == 200


def test_clients_behind_one_proxy_are_limited_apart_by_their_forwarded_address(limited):
    client, _ = limited(rate_limit_get="2/minute", proxy_count=1)
    path = _paths("")["questionnaire"]

    def get(forwarded: str) -> int:
        return client.get(path, headers={**WIDGET, "X-Forwarded-For": forwarded},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
    assert [get(A) for _ in range(3)] == [200, 200, 429]
    assert [get(B) for _ in range(2)] == [200, 200]


def test_the_questionnaire_revalidates_with_304_and_a_304_counts_once_like_any_load(limited):
    """The questionnaire is cacheable (ETag, ``public, max-age=300``): a browser does not ask again for
    five minutes, then asks with ``If-None-Match`` and gets 304. The 304 counts as one load: the limit is
    checked before the work its ETag needs, and a header anyone can send must not be a way around it."""
    client, _ = limited(rate_limit_get="3/minute")
    path = _paths("")["questionnaire"]
    first = client.get(path, headers=WIDGET)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.cache_control.public and first.cache_control.max_age == 300
    again = {**WIDGET, "If-None-Match": first.headers["ETag"]}
    assert [client.get(path, headers=again).status_code for _ in range(3)] == [304, 304, 429]


def test_constant_documents_and_probes_are_not_limited_and_the_description_revalidates(limited):
    """widget.js and kiosk.js (constant, cached by browsers, loaded by every PA page), /openapi.json (now
    constant bytes with an ETag too) and the probes are never refused, whatever the GETs' budget."""
    client, _ = limited(rate_limit_get="1/minute", rate_limit_ip="1/minute")
    for path in ("/widget.js", "/kiosk.js", "/openapi.json", "/healthz", "/readyz", "/metrics"):
        statuses = {client.get(path, environ_base={"REMOTE_ADDR": A}).status_code for _ in range(5)}
        assert statuses <= {200, 503} and 429 not in statuses, (path, statuses)
    spec = client.get("/openapi.json")
    assert spec.headers["ETag"] and spec.cache_control.public and spec.get_json()["openapi"]
    assert client.get("/openapi.json", headers={"If-None-Match": spec.headers["ETag"]}).status_code == 304
    widget = client.get("/widget.js")
    assert client.get("/widget.js", headers={"If-None-Match": widget.headers["ETag"]}).status_code == 304


def test_with_the_limits_switched_off_no_get_is_refused(limited):
    client, _ = limited(rate_limit_get="1/minute", rate_limit_enabled=False)
    assert {client.get(_paths("")["questionnaire"], headers=WIDGET).status_code for _ in range(3)} == {200}


def test_the_api_description_lists_the_429_of_every_limited_get(limited):
    client, _ = limited()
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/v1/services/{key}/questionnaire", "/v1/services/{key}/form", "/v1/services/{key}/form/thanks",
                 "/v1/services/{key}/kiosk"):
        assert "429" in paths[path]["get"]["responses"], path
    assert "429" not in paths["/widget.js"]["get"]["responses"]


def test_a_key_no_service_can_have_costs_no_registry_query_and_a_made_up_kiosk_pair_one(limited):
    """Each GET naming a new key was a registry query (cached per key for the TTL), whatever the key: one
    no service can have (the registry refuses it: ``registry.checks.SERVICE_KEY``) is now a 404 without a
    query, and the kiosk page asks for the device only of an active service (a made-up key and token: one
    query, not two). The queries are counted on the registry's engine itself."""
    from sqlalchemy import event

    client, _ = limited()
    statements: list[str] = []
    event.listen(client.application.extensions["ascolto.registry"].kw["bind"], "before_cursor_execute",
                 lambda *a: statements.append(a[2]))
    for key in ("ab", "x" * 65, "a%20b", "-lead", "k%C3%A9y", "key%0A"):
        for path in (f"/v1/services/{key}/questionnaire", f"/v1/services/{key}/form",
                     f"/v1/services/{key}/form/thanks", f"/v1/services/{key}/kiosk?device=kio_x"):
            assert client.get(path, headers=WIDGET).status_code == 404, path
    assert statements == []
    resp = client.get("/v1/services/no-such-service/kiosk?device=kio_00000000_" + "x" * 43)
    assert resp.status_code == 404 and len(statements) == 1


def test_reloads_of_the_questionnaire_are_rendered_once_and_a_registry_change_renders_it_again(
        limited, settings, monkeypatch):
    """A reload — 200, or 304 to its ``If-None-Match`` — rendered the questionnaire again (and hashed it) to
    find its ETag: as dear as the first load. It is rendered once per value of what it is made of; a change
    of the service (its sampling rate, here) gives a new body and ETag."""
    from questionnaires.model import Questionnaire
    from registry import connect, session_scope
    from registry.models import Service

    renders = []
    render = Questionnaire.render
    monkeypatch.setattr(Questionnaire, "render", lambda self, lang="it": renders.append(lang) or render(self, lang))
    client, _ = limited()
    path = _paths("")["questionnaire"]
    first = client.get(path, headers=WIDGET)
    again = [client.get(path, headers={**WIDGET, "If-None-Match": first.headers["ETag"]}).status_code
             for _ in range(3)] + [client.get(path, headers=WIDGET).status_code]
    assert (again, renders) == ([304, 304, 304, 200], ["it"])
    with session_scope(connect(settings.database_url)) as s:
        s.get(Service, SERVICE).sampling_rate = 0.25
    client.application.extensions["ascolto.services"]._cache.clear()  # as after the registry's TTL
    changed = client.get(path, headers={**WIDGET, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["sampling_rate"] == 0.25
    assert changed.headers["ETag"] != first.headers["ETag"] and renders == ["it", "it"]
