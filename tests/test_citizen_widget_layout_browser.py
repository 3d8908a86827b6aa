"""The widget's layout where a PA site puts it, in Debian chromium against the real collector: a
narrow column of a wide page (a sidebar), where the phone's one-option-a-line layout never applied."""
from __future__ import annotations

from tests.browser import BROWSER
from tests.test_widget_browser import RAW, page, stack  # noqa: F401

pytestmark = BROWSER

#: The options whose content is wider than their box (a word spilling over the border, or cut by it).
SPILLED = """w => [...w.shadowRoot.querySelectorAll('.asc-opt')]
  .filter(o => o.scrollWidth > o.clientWidth + 1).map(o => o.textContent)"""


def test_a_scale_in_a_sidebar_keeps_its_words_inside_the_boxes(stack, page):  # noqa: F811
    """The row of five equal boxes became one option a line only on a narrow *screen* (a media query): in
    a 260 px sidebar of a desktop page each box was 34 px wide and "Überhaupt" ran over its border,
    cut by the next box. The widget now lays a scale out one option a line wherever its words do not fit
    its boxes, and as a row again where they do."""
    RAW["/sidebar.html"] = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Dienst</title></head><body>'
        '<div style="display:flex;gap:2rem"><main style="flex:1"><h1>Meldebescheinigungen</h1></main>'
        '<aside id="side" style="width:260px;flex:none">'
        '<script src="{collector}/widget.js" data-service="{service}" data-heading-level="3" async></script>'
        '</aside></div></body></html>')
    page.goto(f"{stack.site}/sidebar.html")
    widget = page.locator(".ascolto-widget")
    widget.get_by_role("button", name="Senden").wait_for(timeout=10_000)
    assert widget.evaluate(SPILLED) == []
    first = widget.get_by_role("radio", name="1 – Überhaupt nicht").first
    assert first.is_visible()
    # the sidebar made wide (a site's responsive layout): the boxes in a row again
    page.locator("#side").evaluate("a => a.style.width = '700px'")
    page.wait_for_timeout(300)
    assert widget.evaluate(SPILLED) == []
    boxes = [widget.get_by_role("radio", name=n).first.evaluate("i => i.closest('label').getBoundingClientRect().top")
             for n in ("1 – Überhaupt nicht", "2", "5 – Sehr")]
    assert len({round(t) for t in boxes}) == 1, boxes
