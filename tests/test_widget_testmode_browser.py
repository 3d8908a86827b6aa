"""Issue 19 point 3 in Debian chromium: the web manager's check-up with ``data-test`` on the script tag.

The widget says above the questions (and beside the thanks) that the answers are not counted, sends
``test: true`` and no funnel counts, and the answer arrives among the service's check-ups
(``test/``), never in ``responses``. A service in test mode (the questionnaire says ``"test": true``)
shows the same notice, whatever its sampling rate, while the widget adds nothing to its answers:
the collector marks them itself.
"""
from __future__ import annotations

import json

from dataset import testrows
from tests.browser import BROWSER
from tests.conftest import wait_for
from tests.test_widget_browser import SERVICE, _answer_minimal, page, serious, shot, stack  # noqa: F401 (fixtures)

pytestmark = BROWSER
NOTE = "Modalità di prova: le risposte non sono conteggiate."


def test_a_checkup_with_data_test_says_so_and_arrives_apart_from_the_statistics(stack, page):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    sent, funnel = [], []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/v1/submissions") else None)
    page.on("request", lambda r: funnel.append(r.url) if r.url.endswith("/v1/funnel") else None)
    page.goto(f"{stack.site}/checkup.html")
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.wait_for(timeout=10_000)
    note = form.get_by_text(NOTE)
    assert note.is_visible()
    # the notice comes before the first question
    assert page.evaluate("""() => { const root = document.querySelector('.ascolto-widget').shadowRoot;
        const n = root.querySelector('.asc-test'), q = root.querySelector('.asc-q');
        return !!(n.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert serious(Axe().run(page)) == []
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=15_000)
    assert page.get_by_text(NOTE).is_visible()  # still said beside the thanks
    shot(page, "widget-checkup.png", full_page=True)
    [detail] = page.evaluate("window.__submitted")
    assert detail["service"] == SERVICE and detail["test"] is True
    assert sent and all(body["test"] is True for body in sent)
    sid = detail["submission_id"]
    wait_for(lambda: sid in {r["submission_id"] for r in testrows.recent(stack.settings.data_dir, service=SERVICE)},
             timeout_s=30, message="the check-up among the service's test submissions")
    assert stack.row(sid) is None  # never among the responses
    page.goto("about:blank")  # the page hidden: a counted view would report its funnel counts now
    page.wait_for_timeout(300)
    assert funnel == []  # a check-up moves no response rate


def test_a_service_in_test_mode_shows_the_notice_and_the_collector_marks_the_answers(stack, page):  # noqa: F811
    def in_test_mode(route):
        resp = route.fetch()
        doc = dict(resp.json(), test=True, sampling_rate=0.0)  # a service in test mode, inviting nobody
        route.fulfill(response=resp, body=json.dumps(doc), headers=dict(resp.headers))

    page.route("**/v1/services/*/questionnaire*", in_test_mode)
    sent = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/v1/submissions") else None)
    page.goto(f"{stack.site}/inline.html")
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.wait_for(timeout=10_000)
    assert form.get_by_text(NOTE).is_visible()  # shown to the manager whatever the sampling rate
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=15_000)
    [detail] = page.evaluate("window.__submitted")
    assert detail["test"] is True
    assert sent and not any("test" in body for body in sent)  # the registry's test mode is the collector's to apply


def test_without_data_test_there_is_no_notice(stack, page):  # noqa: F811
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("form", name="La tua opinione sul servizio").wait_for(timeout=10_000)
    assert page.get_by_text(NOTE).count() == 0


def test_a_checkup_reloaded_after_its_answer_asks_again(stack, page):  # noqa: F811
    """A citizen's answer is noted in the page's history entry (a reload thanks instead of asking again,
    tests/test_citizen_widget_browser.py); a check-up's is not: the web manager reloads to check again."""
    page.goto(f"{stack.site}/checkup.html")
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=15_000)
    page.reload()
    form.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    assert page.evaluate("history.state") is None
