"""The floating widget's dialog header with a long service name, in Debian chromium against the real collector.

A PA's service names are long ("Meldebescheinigungen, Aufenthaltsbescheinigungen und Personenstandsurkunden
online"). The dialog's header put the title and the service's name in a column beside the Close button,
as narrow as 8em on a phone: a German word that fits a line of the dialog was cut in two mid-word
("Aufenthaltsbescheini|gungen"), without a hyphen, where the citizen reads which service they judge.
The name wraps at word boundaries in Italian, English and German, on a phone and on a desktop; only a
word longer than a whole line is broken (never past the screen's edge).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registry import connect
from registry.ops import set_names, update_service
from registry.db import session_scope
from tests.browser import BROWSER
from tests.test_widget_browser import RAW, SERVICE, stack  # noqa: F401

pytestmark = BROWSER

NAMES = {
    "it": ("Rilascio di certificazioni anagrafiche e autocertificazioni precompilate online", "Invia",
           "Dai il tuo parere"),
    "en": ("Civil registry certificates and precompiled self-certifications online", "Send", "Give feedback"),
    "de": ("Meldebescheinigungen, Aufenthaltsbescheinigungen und Personenstandsurkunden online", "Senden",
           "Ihre Meinung"),
}

#: The words (between spaces or hyphens: the breaks the text itself offers) of the elements ``sel`` of the
#: widget that the browser laid out on more than one line, each with the lines' tops; the words, elements of
#: ``sel`` and elements within them that reach past ``box`` (the dialog, the button); and whether the page
#: scrolls sideways.
SPLIT = """(w, [sel, box]) => {
  const root = w.shadowRoot, split = [], over = [];
  for (const el of root.querySelectorAll(sel)) {
    const edge = el.closest(box).getBoundingClientRect();
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      if (t.parentElement.closest('.asc-vh')) continue;  // not shown
      for (const m of t.data.matchAll(/[^\\s-]+/g)) {
        const r = document.createRange();
        r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
        const rects = [...r.getClientRects()].filter(x => x.width > 0);
        const tops = [...new Set(rects.map(x => Math.round(x.top)))];
        if (tops.length > 1) split.push([m[0], tops]);
        if (rects.some(x => x.right > edge.right + 0.5 || x.left < edge.left - 0.5)) over.push(m[0]);
      }
    }
    for (const e of [el, ...el.querySelectorAll('*')]) {
      const r = e.getBoundingClientRect();
      if (!e.closest('.asc-vh') && (r.right > edge.right + 0.5 || r.left < edge.left - 0.5 || r.right > innerWidth)) {
        over.push(e.className.baseVal ?? e.className);
      }
    }
  }
  return {split, over, wide: document.documentElement.scrollWidth > document.documentElement.clientWidth};
}"""


@pytest.fixture(scope="module")
def long_names(stack):  # noqa: F811
    """The demo service renamed with long names (this module's own registry: no other module sees them)."""
    with session_scope(connect(stack.settings.database_url)) as s:
        update_service(s, SERVICE, actor="test:header", name=NAMES["it"][0])
        set_names(s, "service", SERVICE, {"en": NAMES["en"][0], "de": NAMES["de"][0]}, actor="test:header")
    return stack


@pytest.mark.parametrize("lang", ["it", "en", "de"])
def test_a_long_service_name_wraps_between_words_in_the_dialogs_header(long_names, browser, lang):
    name, _, open_label = NAMES[lang]
    path = f"/header-{lang}.html"
    RAW[path] = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                 f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Servizio</title></head>'
                 f'<body><main><h1>Servizio</h1><script src="{{collector}}/widget.js" data-service="{{service}}" '
                 f'data-mode="floating" async></script></main></body></html>')
    for width in (320, 375, 1000):
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto(f"{long_names.site}{path}")
            page.get_by_role("button", name=open_label).click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            expect(dialog.locator("p.asc-svc")).to_have_text(name)
            got = page.locator(".ascolto-widget").evaluate(SPLIT, [".asc-title, .asc-svc", ".asc-dlg"])
            assert got == {"split": [], "over": [], "wide": False}, (lang, width, got)
        finally:
            context.close()


def test_two_floating_buttons_show_a_long_service_name_whole_words_within_the_button(long_names, browser):
    """With two services' floating buttons on a page each shows its service's name. Laid out as a row of
    flex items (icon, "Ihre Meinung", the name), a long German name on a phone ran past the button's right
    edge ("Meldebescheinigu", "Aufenthaltsbescheinig" cut by it and by the screen), "Ihre Meinung" was
    squeezed onto two lines and the icon to nothing. The label now flows as one text: it wraps between
    words inside the button, the icon kept."""
    RAW["/header-two.html"] = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Dienst</title></head>'
        '<body><main><h1>Dienst</h1>'
        '<script src="{collector}/widget.js" data-service="{service}" data-mode="floating" async></script>'
        '<script src="{collector}/widget.js" data-service="demo-inps-pensione" data-mode="floating" async></script>'
        '</main></body></html>')
    for width in (320, 375, 1000):
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto(f"{long_names.site}/header-two.html")
            fab = page.get_by_role("button", name=f"Ihre Meinung – {NAMES['de'][0]}")
            expect(page.locator(".asc-who")).to_have_count(2, timeout=15_000)  # both buttons there: names shown
            expect(fab).to_contain_text(NAMES["de"][0])
            widget = page.locator(".ascolto-widget").filter(has=fab)
            got = widget.evaluate(SPLIT, [".asc-fab", ".asc-fab"])
            assert got == {"split": [], "over": [], "wide": False}, (width, got)
            icon = widget.evaluate("w => w.shadowRoot.querySelector('.asc-fab svg').getBoundingClientRect().width")
            assert icon >= 16, (width, icon)
            fab.click()  # still a button that opens its dialog
            expect(page.get_by_role("dialog", name=f"Ihre Meinung zum Dienst {NAMES['de'][0]}")).to_be_visible()
        finally:
            context.close()
