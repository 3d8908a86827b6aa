"""The README's framed no-JS form, answered on a PA page in Debian chromium (the walkthrough of 3 December 2026).

The frame is 1120 px high and its Send button at its bottom: sending scrolls the PA page down to it. The
thank-you page's message stood at the top of the frame, above the PA page's view, so the citizen looked
at the empty lower part of the frame and saw nothing happen. The form has no script, a cross-origin frame
may not autofocus ("Blocked autofocusing … in a cross-origin subframe") nor scroll the page to a fragment:
the thank-you page (and a refusal's page) centres its message in the frame's height instead, where the
PA page's view of the frame is wherever it was scrolled to reach the button.
"""
from __future__ import annotations

import pytest

from tests.browser import BROWSER, send_framed_form
from tests.test_widget_browser import RAW, stack  # noqa: F401

pytestmark = BROWSER
FRAMED = ('<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Servizio</title></head>'
          '<body><main><h1>Servizio</h1><p>La tua richiesta è stata completata.</p>'
          '<iframe src="{collector}/v1/services/{service}/form?lang=it" title="Il tuo parere sul servizio" '
          'width="100%" height="1120" style="border:0"></iframe></main></body></html>')


@pytest.mark.parametrize("height", [900, 700])
def test_the_framed_forms_thanks_come_into_the_pages_view(stack, browser, height):  # noqa: F811
    context = browser.new_context(locale="it-IT", viewport={"width": 1000, "height": height})
    page = context.new_page()
    try:
        RAW["/framed-view.html"] = FRAMED
        page.goto(f"{stack.site}/framed-view.html")
        frame = page.frame_locator("iframe")
        send_framed_form(page, frame)
        thanks = frame.get_by_role("status")  # "La tua risposta è stata registrata."
        thanks.wait_for(timeout=10_000)
        assert page.evaluate("window.scrollY") > 0  # the page was scrolled to reach the button
        box = thanks.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= height, (box, page.evaluate("window.scrollY"))
    finally:
        context.close()
