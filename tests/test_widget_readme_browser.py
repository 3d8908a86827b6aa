"""The README's embed snippet, pasted as written into a PA page and served with the real collector, in Debian
chromium: the PA web developer's promises of README "Embedding the widget" — the tag renders the
questionnaire and an answer is accepted; the widget sets no cookie, keeps nothing in web storage, and
asks nothing of any host but the collector; without JavaScript the ``<noscript>`` link opens the form in
Italian, as its text says.
"""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.test_widget_browser import RAW, stack  # noqa: F401

pytestmark = BROWSER
README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def _readme_snippet() -> str:
    """The two lines the README says to paste (the html block after "prints the service key, then:")."""
    block = re.search(r"prints the service key, then:\s*```html\n(.*?)```", README, re.S).group(1)
    assert block.startswith("<script src=") and "<noscript>" in block, block
    return block


def _page(stack) -> str:  # noqa: F811
    RAW["/readme.html"] = ('<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Certificati</title></head>'
                           '<body><main><h1>Il tuo certificato è pronto</h1>\n'
                           + _readme_snippet().replace("https://COLLECTOR_HOST", "{collector}").replace("SERVICE_KEY", "{service}")
                           + '</main></body></html>')
    return f"{stack.site}/readme.html"


def test_the_readmes_snippet_renders_sends_and_leaves_nothing_in_the_browser(stack, browser):  # noqa: F811
    context = browser.new_context(locale="it-IT", viewport={"width": 1000, "height": 900})
    hosts: set[str] = set()
    cookies_set: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: hosts.add(re.sub(r"^(\w+://[^/]+).*$", r"\1", r.url)))
        page.on("response", lambda r: cookies_set.append(r.url) if "set-cookie" in r.headers else None)
        page.goto(_page(stack))
        form = page.get_by_role("form", name="La tua opinione sul servizio")
        expect(form).to_be_visible(timeout=10_000)
        form.get_by_role("radio", name="4").first.check()
        form.get_by_role("group", name="Sei riuscito/a").get_by_role("radio", name="Sì").check()
        form.get_by_role("textbox").fill("Tutto chiaro")
        page.wait_for_timeout(1600)  # a person takes longer than the minimum fill time
        form.get_by_role("button", name="Invia").click()
        expect(page.get_by_text("Grazie! La tua risposta è stata registrata.")).to_be_visible(timeout=15_000)
        page.evaluate("new Promise(r => { document.dispatchEvent(new Event('visibilitychange')); setTimeout(r, 300); })")
        assert hosts <= {stack.site, stack.collector}, hosts  # nothing from a third party
        assert cookies_set == [] and context.cookies() == []
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
        assert page.evaluate("indexedDB.databases().then(d => d.length)") == 0
    finally:
        context.close()


def test_without_javascript_the_readmes_noscript_link_opens_the_italian_form(stack, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(_page(stack))
        link = page.get_by_role("link", name="Dai il tuo parere sul servizio")
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("La tua opinione sul servizio")
        assert page.evaluate("document.documentElement.lang") == "it"
        expect(page.get_by_role("button", name="Invia")).to_be_visible()
    finally:
        context.close()
