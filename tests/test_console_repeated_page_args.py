"""A page's query parameter given twice is refused on the page, naming it — never the first value taken
silently (``/service-types/X?indicator=ease&indicator=trust`` showed ease, the reader believing trust), as
the API refuses one (the same check: ``api.refuse_unknown_args``). No page parameter is multi-valued, and
no link or GET form of the console repeats one. Real console app over the workspace test data."""
from __future__ import annotations

import html as markup
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.workspace_data import ROMA, build_workspace
from warehouse.console import create_app
from warehouse.console.api import PAGE_MULTI_ARGS

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

STYPE = "anagrafe.certificati"
#: (page, a parameter it reads, two values it accepts one at a time)
REPEATED = [
    ("/", "indicator", "ease", "trust"),
    (f"/service-types/{STYPE}", "indicator", "ease", "trust"),
    (f"/service-types/{STYPE}", "level", "entity", "service"),
    ("/service-types/", "freq", "M", "Q"),
    (f"/entities/{ROMA}", "period", "2026-09", "2026-10"),
    ("/regions", "indicator", "ease", "trust"),
    ("/attention", "level", "entity", "service"),
    (f"/workspace/{ROMA}", "indicator", "ease", "trust"),
    (f"/workspace/{ROMA}/comments", "channel", "web", "app"),
    (f"/workspace/{ROMA}/services.csv", "period", "2026-09", "2026-10"),
    (f"/csv/service-type/{STYPE}/trend", "freq", "M", "Q"),
    (f"/channels?entity={ROMA}&", "freq", "M", "Q"),
    ("/coverage", "period", "2026-09", "2026-10"),
    ("/exports/download", "format", "csv", "sdmx-csv"),
]
PAGES = ["/", "/service-types/", f"/service-types/{STYPE}", f"/service-types/{STYPE}?level=service",
         f"/entities/{ROMA}", "/entities/", "/regions", "/attention", "/quality", "/exports", f"/workspace/{ROMA}",
         f"/workspace/{ROMA}/comments", f"/channels?entity={ROMA}", "/coverage", "/quality/response-rates"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings, tokens = build_workspace(tmp_path_factory.mktemp("repeated-args"))
    c = create_app(settings.with_(collector_metrics_url="http://127.0.0.1:9/metrics")).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['admin']}"
    return c


def _url(page: str, name: str, *values: str) -> str:
    sep = "" if page.endswith("&") else "?"
    return page + sep + "&".join(f"{name}={v}" for v in values)


@pytest.mark.parametrize("page, name, a, b", REPEATED)
def test_a_page_parameter_given_twice_is_refused_naming_it(client, page, name, a, b):
    for v in (a, b):  # each value alone is read
        assert client.get(_url(page, name, v)).status_code in (200, 303), (page, v)
    resp = client.get(_url(page, name, a, b))
    assert resp.status_code == 400, (page, resp.status_code)
    html = markup.unescape(resp.get_data(as_text=True))
    assert "<h1>Errore 400</h1>" in html and "Traceback" not in html  # the page's own error layout
    assert f"Parametro non valido: «{name}»: è indicato 2 volte nell'indirizzo" in html, html[-2000:]
    english = markup.unescape(client.get(_url(page, name, a, b) + "&lang=en").get_data(as_text=True))
    assert f"Invalid parameter: «{name}»: {name} is given 2 times: give it once." in english


def test_the_api_keeps_its_own_refusal_and_a_single_value_still_reads(client):
    resp = client.get("/api/v1/indicators?pa_type=L6&pa_type=C16")
    assert resp.status_code == 400 and resp.json["fields"] == {
        "pa_type": ["pa_type is given 2 times: give it once (several values comma-separated: pa_type=a,b)."]}
    assert client.get("/static/console.css?v=1&v=2").status_code == 200  # a file, not a page


@pytest.mark.parametrize("page", PAGES)
def test_no_link_nor_get_form_of_a_page_repeats_a_parameter(client, page):
    """The refusal never meets a reader who clicked: every link of a page gives each parameter once, and
    every GET form names each field once (PAGE_MULTI_ARGS is empty: no page reads several values)."""
    assert PAGE_MULTI_ARGS == frozenset()
    html = client.get(page).get_data(as_text=True)
    for href in re.findall(r'href="([^"]+)"', html):
        names = [k for k, _v in parse_qsl(urlsplit(markup.unescape(href)).query, keep_blank_values=True)]
        assert len(names) == len(set(names)), (page, href)
    for form in re.findall(r'<form[^>]*method="get"[^>]*>(.*?)</form>', html, re.S | re.I):
        names = re.findall(r'<(?:select|input)[^>]*\bname="([^"]+)"', form)
        assert len(names) == len(set(names)), (page, names)


@pytest.mark.parametrize("route, name, a, b", [
    (f"/api/v1/workspace/{ROMA}", "period", "2026-09", "2026-10"),
    (f"/api/v1/workspace/{ROMA}/comments", "channel", "web", "app"),
    ("/api/v1/coverage", "period", "2026-09", "2026-10"),
])
def test_an_api_route_that_reads_no_cut_refuses_a_parameter_given_twice_too(client, route, name, a, b):
    """The API's routes that check no cut's parameters (the workspace's, the coverage's) took the first of two
    values silently; every /api/ route now gives the API's own JSON 400 naming it."""
    assert client.get(_url(route, name, a)).status_code == 200, route
    resp = client.get(_url(route, name, a, b))
    assert resp.status_code == 400 and resp.is_json, (route, resp.status_code)
    assert resp.json["fields"] == {
        name: [f"{name} is given 2 times: give it once (several values comma-separated: {name}=a,b)."]}


@pytest.mark.parametrize("path", ["/no-such-page", "/api/v1/no-such-route"])
def test_an_address_that_is_no_route_is_a_404_even_with_a_parameter_given_twice(client, path):
    """The refusal of a repeated parameter ran before routing, so a mistyped address with ``?a=1&a=2``
    answered 400 "a is given 2 times" instead of saying that the address does not exist."""
    assert client.get(f"{path}?indicator=ease&indicator=trust").status_code == 404
