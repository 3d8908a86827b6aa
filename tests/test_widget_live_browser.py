"""What the widget's status line (a polite live region) says to a screen reader while an answer waits for
the network, in Debian chromium against the real collector."""
from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.test_widget_browser import _answer_minimal, page, stack  # noqa: F401

pytestmark = BROWSER
RETRY = "Connessione assente o servizio occupato: riproveremo automaticamente finché questa pagina resta aperta."

#: Every text the status line was given (each is a change of a live region: a screen reader speaks it).
SPOKEN = """w => { const s = w.shadowRoot.querySelector('[role=status]'); window.__spoken = [];
  new MutationObserver(() => window.__spoken.push(s.textContent)).observe(s, {childList: true, characterData: true, subtree: true}); }"""


def test_the_retry_notice_is_spoken_once_not_at_every_retry(stack, page):  # noqa: F811
    """Each failed attempt wrote the same "Connessione assente…" into the live region again: a screen
    reader said it anew at every retry (after 1, 2, 4… s, then every minute while the outage lasted),
    over whatever the citizen was reading. It is said once; the thanks still follows when the answer is in."""
    attempts: list[int] = []

    def down(route):
        attempts.append(1)
        route.abort("internetdisconnected")

    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    page.locator(".ascolto-widget").evaluate(SPOKEN)
    page.route("**/v1/submissions", down)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 15
    while len(attempts) < 4 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert len(attempts) >= 4, attempts
    spoken = page.evaluate("window.__spoken")
    assert spoken.count(RETRY) == 1, spoken
    page.unroute("**/v1/submissions")
    page.context.set_offline(True)  # the network comes back: "online" sends at once
    page.context.set_offline(False)
    expect(page.get_by_text("Grazie! La tua risposta è stata registrata.")).to_be_visible(timeout=15_000)
