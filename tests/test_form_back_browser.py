"""The hosted no-JS form in a real browser (Debian chromium via Playwright): what going back does.

After the thank-you page the browser's Back button returns to the form, and Chrome refills the
answers sent; pressing Send again must not store a second response from the same person.
"""
from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser import BROWSER, CITIZEN_UA
from tests.test_widget_browser import SERVICE, stack  # noqa: F401

pytestmark = BROWSER


def _responses(stack) -> int:  # noqa: F811
    from warehouse.dataset import open_dataset

    with open_dataset(stack.settings.data_dir) as con:
        return con.execute("SELECT count(*) FROM responses").fetchone()[0]


def test_going_back_after_the_thanks_and_sending_again_counts_once(stack, browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, locale="it-IT", user_agent=CITIZEN_UA)
    page = context.new_page()
    try:
        page.goto(f"{stack.collector}/v1/services/{SERVICE}/form?lang=it&page=/back.html")
        opened = time.monotonic()
        sid = page.locator("input[name=submission_id]").get_attribute("value")
        page.get_by_role("group", name="Complessivamente").get_by_role("radio", name="4").check()
        page.get_by_role("radio", name="Sì").check()
        page.get_by_role("textbox").fill("Tutto bene")
        time.sleep(max(0.0, 1.7 - (time.monotonic() - opened)))  # a person takes longer than 1.5 s
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()

        page.go_back()  # Chrome refills the answers sent...
        expect(page.get_by_role("button", name="Invia")).to_be_visible()
        expect(page.get_by_role("group", name="Complessivamente").get_by_role("radio", name="4")).to_be_checked()
        expect(page.get_by_role("textbox")).to_have_value("Tutto bene")
        # ...and the form carries the submission id they were sent with: sending them again is a duplicate
        assert page.locator("input[name=submission_id]").get_attribute("value") == sid
        page.get_by_role("button", name="Invia").click()
        expect(page.get_by_role("heading", name="Grazie!")).to_be_visible()
    finally:
        context.close()
    stack.wait_row(sid)
    time.sleep(1.5)  # the processor's batches are 0.3 s: a second response would be there by now
    assert _responses(stack) == 1
