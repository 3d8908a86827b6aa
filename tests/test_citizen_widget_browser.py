"""The widget as a citizen meets it, in Debian chromium against the real collector: with a screen
reader (its live region there before it first speaks) and on a network that stalls (an answer
whose request hangs is sent again, not left "Sending…" for ever)."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.test_widget_browser import _answer_minimal, page, stack  # noqa: F401

pytestmark = BROWSER
THANKS = "Grazie! La tua risposta è stata registrata."


def test_the_status_is_a_live_region_before_it_first_speaks(stack, page):  # noqa: F811
    """The status line ("Invio in corso…", "Controlla le risposte segnalate.", the thank-you) was
    display:none while empty, so out of the accessibility tree: the first thing it said appeared
    with the region itself, which screen readers do not reliably announce."""
    page.goto(f"{stack.site}/inline.html")
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    status = form.get_by_role("status")
    expect(status).to_have_count(1)
    expect(status).to_have_text("")
    assert status.get_attribute("aria-live") == "polite"
    form.get_by_role("button", name="Invia").click()
    expect(status).to_have_text("Controlla le risposte segnalate.")


def test_a_request_that_hangs_is_given_up_and_sent_again_with_the_same_id(stack, page):  # noqa: F811
    """On a stalled mobile connection the POST got no answer for minutes: the citizen read
    "Invio in corso…" with no end, and coming back online did not help (no retry was pending).
    After 30 s (the collector's own worker timeout) the widget says it keeps trying and sends the
    same answer set again, with the same submission_id."""
    bodies: list[dict] = []

    def handle(route):
        if route.request.method != "POST":
            return route.continue_()
        bodies.append(json.loads(route.request.post_data))
        if len(bodies) > 1:
            return route.continue_()
        # the first attempt: no answer at all, as on a stalled connection

    page.clock.install()
    page.route("**/v1/submissions", handle)
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.clock.run_for(2000)  # a person takes a moment to answer
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_have_text("Invio in corso…")
    page.clock.run_for(29_000)
    expect(status).to_have_text("Invio in corso…")  # a slow answer is still waited for
    page.clock.run_for(2_000)
    expect(status).to_contain_text("riproveremo automaticamente")
    page.clock.run_for(2_000)  # the first backoff (at most 1 s)
    expect(page.get_by_text(THANKS)).to_be_visible(timeout=10_000)
    assert len(bodies) == 2 and bodies[0]["submission_id"] == bodies[1]["submission_id"]
    stack.wait_row(bodies[0]["submission_id"])
