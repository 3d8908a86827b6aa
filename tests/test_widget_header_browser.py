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

#: The words (between spaces or hyphens: the breaks the text itself offers) of the dialog's title and service
#: name that the browser laid out on more than one line, each with the lines' tops; and whether anything of the header runs past the dialog's right edge.
SPLIT = """w => {
  const root = w.shadowRoot, head = root.querySelector('.asc-head'), split = [];
  for (const el of head.querySelectorAll('.asc-title, .asc-svc')) {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      for (const m of t.data.matchAll(/[^\\s-]+/g)) {
        const r = document.createRange();
        r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
        const tops = [...new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)))];
        if (tops.length > 1) split.push([m[0], tops]);
      }
    }
  }
  const dlg = root.querySelector('.asc-dlg').getBoundingClientRect();
  const over = [...head.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > dlg.right + 0.5)
    .map(e => e.className || e.tagName);
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
            got = page.locator(".ascolto-widget").evaluate(SPLIT)
            assert got == {"split": [], "over": [], "wide": False}, (lang, width, got)
        finally:
            context.close()
