"""The kiosk page as a citizen at the counter meets it, in Debian chromium: WCAG 2.1 AA, the bar AgID
holds Italian PAs to, at every impact axe gives (not only "serious" and "critical"), and the queue's
live region present in the accessibility tree before it first speaks."""
from __future__ import annotations

from tests.browser import BROWSER
from tests.channel_support import KIOSK_SERVICE, register_device
from tests.test_channels_browser import browser, stack  # noqa: F401

pytestmark = BROWSER
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def wcag_violations(results) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe found, whatever its impact."""
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"] if set(v["tags"]) & set(WCAG_21_AA)]


def _kiosk(stack, browser, lang="it"):  # noqa: F811
    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang={lang}")
    return context, page


def test_a_citizen_with_low_vision_may_zoom_the_kiosk(stack, browser):  # noqa: F811
    """``user-scalable=no`` took pinch-zoom away on the totem's tablet (WCAG 1.4.4, Resize text)."""
    from axe_playwright_python.sync_playwright import Axe

    context, page = _kiosk(stack, browser)
    try:
        viewport = page.locator('meta[name="viewport"]').get_attribute("content")
        assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
        assert wcag_violations(Axe().run(page)) == []
    finally:
        context.close()


def test_the_queue_note_is_a_live_region_before_it_first_speaks(stack, browser):  # noqa: F811
    """A live region hidden with display:none while empty is not in the accessibility tree: the first
    "answers waiting to be sent" it says (the network gone) may never be spoken."""
    context, page = _kiosk(stack, browser)
    try:
        note = page.get_by_role("status")
        assert note.count() == 1 and note.inner_text() == ""
        assert note.get_attribute("aria-live") == "polite"
    finally:
        context.close()
