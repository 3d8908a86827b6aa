"""Issue 19 point 1, in Debian chromium: the widget on a page whose origin the service does not allow.

The citizen reads a distinct message ("Questo modulo non è attivo su questa pagina", not "try again
later"), the developer a console warning naming the origin and the service key, and a 403 is never
retried — neither the questionnaire's nor a submission's.
"""
from __future__ import annotations

import time

from tests.browser import BROWSER
from tests.test_widget_browser import SERVICE, _answer_minimal, page, serious, shot, stack  # noqa: F401

pytestmark = BROWSER
OFF = {"it": "Questo modulo non è attivo su questa pagina.", "en": "This form is not active on this page."}


def _record(page):
    warnings, requests = [], []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("request", lambda r: requests.append((r.method, r.url)) if "/v1/" in r.url else None)
    return warnings, requests


def test_a_page_of_another_origin_says_the_form_is_not_active_and_warns_the_developer(stack, page):  # noqa: F811
    other = stack.site.replace("127.0.0.1", "localhost")  # same pages, an origin the service does not allow
    warnings, requests = _record(page)
    page.goto(f"{other}/inline.html")
    note = page.get_by_role("status")
    note.wait_for(timeout=10_000)
    assert note.text_content() == OFF["it"]
    shot(page, "widget-not-active.png")
    assert page.get_by_role("button", name="Invia").count() == 0  # nothing to answer in vain
    time.sleep(4)  # longer than the widget's first retry would wait
    assert [m for m, u in requests] == ["GET"]  # the questionnaire once, never retried
    [warning] = [w for w in warnings if "Ascolto" in w]
    assert other in warning and f'"{SERVICE}"' in warning
    # the developer reads the command that allows it, not only "add it to the service in the registry"
    assert f"`ascolto registry origins {SERVICE} --add {other}`" in warning, warning
    from axe_playwright_python.sync_playwright import Axe
    assert serious(Axe().run(page)) == []


def test_a_refused_submission_is_not_retried_and_is_explained(stack, page):  # noqa: F811
    posts = []

    def refuse(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.post_data)
        return route.fulfill(status=403, headers={"Access-Control-Allow-Origin": stack.site},
                             content_type="application/json",
                             body='{"error": "origin_not_allowed", "message": "No.", '
                                  '"fields": {"Origin": ["Not among the service\'s allowed origins."]}}')

    warnings, _ = _record(page)
    page.route("**/v1/submissions", refuse)
    page.goto(f"{stack.site}/strict.html")  # English, under a strict CSP
    page.get_by_role("button", name="Send").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_text(OFF["en"]).wait_for(timeout=10_000)
    time.sleep(3)
    assert len(posts) == 1
    assert not page.get_by_text("Please try again later").count()
    assert any(stack.site in w and f'"{SERVICE}"' in w for w in warnings)
