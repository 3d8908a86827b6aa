"""The kiosk switched to a citizen's language, on a network that is gone: it keeps answering (the
README's promise) instead of leaving the totem on the browser's own "no connection" page."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.channel_support import KIOSK_SERVICE, register_device
from tests.test_channels_browser import browser, stack  # noqa: F401

pytestmark = BROWSER


def _english_kiosk(stack, browser):  # noqa: F811
    """A touch tablet showing the kiosk in English on an Italian device (``home=it``), reset after 2 s."""
    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang=en&home=it&reset=2")
    page.get_by_role("heading", level=1).wait_for()
    return context, page


def test_offline_the_thank_you_screen_ends_on_the_faces_not_on_the_browsers_error_page(stack, browser):  # noqa: F811
    """The thank-you screen's end loaded the device's language anew (``location.replace``): offline, the
    totem showed chromium's "No internet" page, and nobody could answer until staff reloaded it. Now the
    faces come back in the language the page has, the answer waits in the queue, and it is sent once the
    network returns; the device's language is loaded on a later reset, once the collector answers."""
    context, page = _english_kiosk(stack, browser)
    try:
        context.set_offline(True)
        page.locator(".face").first.tap()
        if page.locator("#send").is_visible():  # the satisfied face may ask for reasons too
            page.wait_for_timeout(500)
            page.locator("#send").tap()
        expect(page.locator("#q-thanks")).to_be_visible()
        page.wait_for_timeout(4000)  # the 2 s reset, and the probe of a network that is gone
        assert page.url.startswith(stack.collector), page.url
        expect(page.locator(".face").first).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Answers waiting to be sent: 1")
        context.set_offline(False)
        expect(page.get_by_role("status")).to_have_text("", timeout=10_000)  # sent on "online"
    finally:
        context.close()


def test_offline_a_language_link_keeps_the_kiosk_on_screen(stack, browser):  # noqa: F811
    """A tap on another language while the network was gone navigated to the browser's error page: the
    totem was dead for the rest of the outage. The page now stays; online, the link opens as before."""
    context, page = _english_kiosk(stack, browser)
    try:
        context.set_offline(True)
        page.get_by_role("link", name="Deutsch").tap()
        page.wait_for_timeout(1500)
        assert page.url.startswith(stack.collector) and "lang=en" in page.url, page.url
        expect(page.locator(".face").first).to_be_visible()
        context.set_offline(False)
        page.get_by_role("link", name="Deutsch").tap()
        page.wait_for_url("**lang=de**")
        expect(page.locator("html")).to_have_attribute("lang", "de")
    finally:
        context.close()
