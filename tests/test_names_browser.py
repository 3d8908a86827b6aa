"""The widget names its service in the page's language, in Debian chromium against the real collector.

The registry (registry.demo.NAMES) holds "Certificati anagrafici online" of demo-roma-anagrafe in
English, German, French and Slovenian, and "Certificati anagrafici online" of demo-milano-anagrafe in
English only. The widget showed the Italian name whatever its language; now a German page names the
form in German, and a French page of the Milan service, which has no French name, gets the Italian
one marked ``lang="it"`` (a screen reader speaks it as Italian, WCAG 3.1.2).
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.test_widget_browser import RAW, page, stack  # noqa: F401

pytestmark = BROWSER


def _open(page, stack, path: str, lang: str, service: str, attrs: str = "") -> None:  # noqa: F811
    RAW[path] = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Servizio</title></head>'
                 f'<body><main><h1>Servizio</h1><script src="{{collector}}/widget.js" data-service="{service}"{attrs} '
                 f'async></script></main></body></html>')
    page.goto(f"{stack.site}{path}")


def test_a_german_page_names_the_form_in_german(stack, page):  # noqa: F811
    _open(page, stack, "/names-de.html", "de", "demo-roma-anagrafe")
    form = page.get_by_role("form", name="Meldebescheinigungen online")
    expect(form).to_be_visible(timeout=10_000)
    name = page.locator(".asc-vh", has_text="Meldebescheinigungen online")
    expect(name).to_have_count(1)
    assert name.get_attribute("lang") is None  # in the page's language: nothing to mark
    assert "Certificati anagrafici" not in page.locator(".ascolto-widget").inner_text()


def test_a_page_in_a_language_without_a_name_gets_the_italian_one_marked_italian(stack, page):  # noqa: F811
    _open(page, stack, "/names-fr.html", "fr", "demo-milano-anagrafe")
    expect(page.get_by_role("form", name="Certificati anagrafici online")).to_be_visible(timeout=10_000)
    expect(page.locator('.asc-vh[lang="it"]', has_text="Certificati anagrafici online")).to_have_count(1)


def test_the_floating_button_says_the_english_name(stack, page):  # noqa: F811
    _open(page, stack, "/names-en.html", "en", "demo-roma-anagrafe", ' data-mode="floating"')
    fab = page.get_by_role("button", name="Give feedback – Online civil registry certificates")
    expect(fab).to_be_visible(timeout=10_000)
    fab.click()
    dialog = page.get_by_role("dialog", name="Online civil registry certificates")
    expect(dialog).to_be_visible()
    expect(dialog.locator("p.asc-svc")).to_have_text("Online civil registry certificates")
