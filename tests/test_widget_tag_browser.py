"""The widget's tag as a PA web developer pastes it — and mistypes it — in Debian chromium.

The walkthrough of 3 December 2026: a tag without ``data-service`` (left out, empty, or misspelt
``data-servizio``) showed nothing and said nothing: no request, no console warning, so the developer
could not tell a missing attribute from a slow collector. The widget now warns, naming the attribute
and where its value comes from. No collector is needed: the page and ``widget.js`` (as served) are
routed in the browser, and a request to the collector would show up as an unrouted one.
"""
from __future__ import annotations

from importlib import resources

import pytest

from collector.public import served_widget
from tests.browser import BROWSER

pytestmark = BROWSER
SITE = "http://pa.test"
WIDGET = served_widget(resources.files("collector").joinpath("static", "widget.js").read_text("utf-8"))
PAGE = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Certificati</title></head>
<body><main><h1>Il tuo certificato è pronto</h1>
{tag}
</main></body></html>"""


@pytest.fixture
def page(browser):
    context = browser.new_context()
    p = context.new_page()
    yield p
    context.close()


def _open(page, tag: str) -> tuple[list[str], list[str]]:
    warnings, requests = [], []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.route(f"{SITE}/", lambda route: route.fulfill(content_type="text/html; charset=utf-8",
                                                        body=PAGE.format(tag=tag)))
    page.route(f"{SITE}/widget.js", lambda route: route.fulfill(content_type="application/javascript", body=WIDGET))
    page.goto(f"{SITE}/")
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(300)
    return warnings, requests


@pytest.mark.parametrize("mode", ["", ' type="module"'])
@pytest.mark.parametrize("attrs", ["", 'data-service=""', 'data-servizio="demo-roma-anagrafe"'])
def test_a_tag_without_a_service_key_warns_the_developer(page, attrs, mode):
    warnings, requests = _open(page, f'<script src="{SITE}/widget.js" {attrs}{mode} async></script>')
    assert requests == [f"{SITE}/", f"{SITE}/widget.js"], requests  # nothing asked of a collector
    ours = [w for w in warnings if w.startswith("Ascolto:")]
    assert len(ours) == 1, warnings
    assert 'data-service="SERVICE_KEY"' in ours[0] and "ascolto registry add-service" in ours[0], ours[0]


def test_a_tag_with_its_key_does_not_warn(page):
    """The control: a tag with its key asks the collector for its questionnaire and warns of nothing else."""
    warnings, requests = _open(page, f'<script src="{SITE}/widget.js" data-service="demo-roma-anagrafe" async></script>')
    assert f"{SITE}/v1/services/demo-roma-anagrafe/questionnaire?lang=it" in requests
    assert not [w for w in warnings if "data-service" in w], warnings


def test_a_page_view_not_drawn_by_the_sampling_rate_says_so_to_the_developer(page):
    """A service with --sampling-rate 0.25 showed nothing on three reloads in four, with nothing in the
    console: the developer took it for a broken tag. The view not drawn says so (console.info, not a
    warning: nothing is wrong), with the rate and how to see the questionnaire while checking."""
    import json

    from questionnaires import default_catalog

    doc = dict(default_catalog().get("cx-core", 1).render("it"), service="demo-roma-anagrafe",
               service_name="Certificati", sampling_rate=0.0)
    infos = []
    page.on("console", lambda m: infos.append(m.text) if m.type == "info" else None)
    page.route(f"{SITE}/v1/services/demo-roma-anagrafe/questionnaire?lang=it",
               lambda route: route.fulfill(content_type="application/json", body=json.dumps(doc),
                                           headers={"Access-Control-Allow-Origin": SITE}))
    warnings, _ = _open(page, f'<script src="{SITE}/widget.js" data-service="demo-roma-anagrafe" async></script>')
    page.wait_for_timeout(300)
    assert page.get_by_role("button", name="Invia").count() == 0  # not invited: nothing shown
    ours = [i for i in infos if i.startswith("Ascolto:")]
    assert len(ours) == 1 and "sampling" in ours[0] and "0 " in ours[0] and "data-test" in ours[0], infos
    assert not [w for w in warnings if w.startswith("Ascolto:")], warnings


KEY = 'data-service="demo-roma-anagrafe"'


@pytest.mark.parametrize("attr, value, fallback", [
    ("data-lang", "xx", '"it" (it, en, de, fr or sl)'),
    ("data-mode", "weird", 'data-mode="inline" (or give "floating")'),
    ("data-heading-level", "9", "an h6 (2 to 6)"),
    ("data-heading-level", "1", "an h2 (2 to 6)"),
    ("data-heading-level", "due", "an h2 (2 to 6)"),
])
def test_a_value_the_widget_does_not_know_is_warned_naming_the_attribute_the_value_and_the_fallback(
        page, attr, value, fallback):
    """``data-lang="xx"``, ``data-mode="weird"`` and ``data-heading-level="9"`` fell back without a word, while a
    wrong ``data-target`` or a missing ``data-service`` warn: each warns now, in the same style."""
    warnings, requests = _open(page, f'<script src="{SITE}/widget.js" {KEY} {attr}="{value}" async></script>')
    ours = [w for w in warnings if w.startswith(f"Ascolto: {attr}=")]
    assert ours == [f'Ascolto: {attr}="{value}" is not a value the widget knows for service "demo-roma-anagrafe", '
                    f"so it uses {fallback}."], warnings
    assert f"{SITE}/v1/services/demo-roma-anagrafe/questionnaire?lang=it" in requests  # still shown, as said


def test_a_language_it_cannot_speak_falls_back_to_the_pages_and_says_so(page):
    page.route(f"{SITE}/de", lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=PAGE.replace(
        'lang="it"', 'lang="de"').format(tag=f'<script src="{SITE}/widget.js" {KEY} data-lang="tedesco" async></script>')))
    warnings, requests = [], []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("request", lambda r: requests.append(r.url))
    page.route(f"{SITE}/widget.js", lambda route: route.fulfill(content_type="application/javascript", body=WIDGET))
    page.goto(f"{SITE}/de")
    page.wait_for_timeout(300)
    assert [w for w in warnings if "data-lang" in w] == [
        'Ascolto: data-lang="tedesco" is not a value the widget knows for service "demo-roma-anagrafe", so it uses '
        '"de" (it, en, de, fr or sl).'], warnings
    assert f"{SITE}/v1/services/demo-roma-anagrafe/questionnaire?lang=de" in requests


@pytest.mark.parametrize("attrs", ['data-lang="en"', 'data-lang="de-AT"', 'data-mode="inline"', 'data-mode="floating"',
                                   'data-heading-level="3"', 'data-heading-level="6"'])
def test_the_values_it_knows_warn_of_nothing(page, attrs):
    warnings, _ = _open(page, f'<script src="{SITE}/widget.js" {KEY} {attrs} async></script>')
    assert not [w for w in warnings if w.startswith("Ascolto: data-")], warnings
