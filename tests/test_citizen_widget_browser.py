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


#: The style rules of some sheets, each with the @supports condition it sits in (or null).
RULES = """sheets => {
  const out = [];
  const walk = (rules, cond) => { for (const r of rules) {
    if (r instanceof CSSSupportsRule) walk(r.cssRules, r.conditionText);
    else if (r.cssRules && !r.selectorText) walk(r.cssRules, cond);
    else if (r.selectorText) out.push({selector: r.selectorText, outline: r.style.outlineStyle, cond});
  } };
  for (const s of sheets) walk(s.cssRules, null);
  return out;
}"""


def ring_without_has(rules: list[dict]) -> list[str]:
    """The outline styles a browser without ``:has()`` (Firefox ESR 115, Safari before 15.4) gives a
    focused radio or checkbox: it drops every rule whose selector uses ``:has`` (an unknown
    pseudo-class invalidates the whole rule) and every ``@supports selector(:has(...))`` block."""
    return [r["outline"] for r in rules
            if "input:focus-visible" in r["selector"] and ":has(" not in r["selector"]
            and ":has(" not in (r["cond"] or "") and r["outline"]]


def test_a_browser_without_has_still_draws_the_focus_ring_of_a_radio(stack, page):  # noqa: F811
    """The ring of a focused option was drawn on its box through ``.asc-opt:has(input:focus-visible)``
    while ``.asc-opt input:focus-visible{outline:none}`` removed the radio's own, for every browser: one
    without ``:has()`` showed a keyboard user no focus at all (WCAG 2.4.7). The own ring is removed
    only where ``:has()`` draws the box's; the widget and the no-JS form alike."""
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    widget = page.locator(".ascolto-widget").evaluate(f"h => ({RULES})(h.shadowRoot.adoptedStyleSheets)")
    assert ring_without_has(widget) and "none" not in ring_without_has(widget)
    page.goto(f"{stack.collector}/v1/services/demo-roma-anagrafe/form?lang=it")
    form = page.evaluate(f"({RULES})(document.styleSheets)")
    assert ring_without_has(form) and "none" not in ring_without_has(form)
    # where :has() works (this chromium) the ring is on the option's box, not twice
    page.get_by_role("radio", name="1 – Per niente").first.focus()
    page.keyboard.press("ArrowRight")
    radio = page.get_by_role("radio", name="2").first
    assert radio.evaluate("i => getComputedStyle(i).outlineStyle") == "none"
    assert radio.evaluate("i => getComputedStyle(i.closest('label')).outlineStyle") == "solid"


def test_check_the_answers_marked_goes_once_no_answer_is_marked(stack, page):  # noqa: F811
    """"Controlla le risposte segnalate." stayed under the button after the citizen had given every
    answer it marked, pointing at nothing."""
    page.goto(f"{stack.site}/inline.html")
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.get_by_role("button", name="Invia").click()
    status = form.get_by_role("status")
    expect(status).to_have_text("Controlla le risposte segnalate.")
    form.get_by_role("group", name="Complessivamente").get_by_role("radio", name="4").check()
    expect(status).to_have_text("Controlla le risposte segnalate.")  # "task" is still marked
    form.get_by_role("radio", name="Sì").check()
    expect(status).to_have_text("")


def test_of_two_tags_of_one_service_the_first_shows_the_questionnaire_whichever_runs_first(stack, page):  # noqa: F811
    """Two async tags of one service (a CMS block pasted twice): whichever script ran first showed the
    questionnaire after its own tag, so where the citizen found it changed from one page view to the
    next (and tests/test_widget_field_browser.py's module-and-classic test was flaky). The first tag in
    the page now always holds it; the other is ignored with the usual warning."""
    import time

    from tests.test_widget_field_browser import record, site_page

    warnings, _ = record(page)

    def slow(route):
        time.sleep(1.0)  # the first tag's script arrives last
        route.continue_()

    page.route("**/widget.js?first", slow)
    first = '<script src="{collector}/widget.js?first" data-service="{service}" async></script>'
    site_page(page, stack, "/twice-slow.html", first + "<p>…</p>{snippet}")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)  # both tags have run
    expect(page.locator(".ascolto-widget")).to_have_count(1)
    assert page.locator(".ascolto-widget").evaluate("w => w.previousElementSibling.src").endswith("/widget.js?first")
    assert [w for w in warnings if "second tag" in w]


def test_a_questionnaire_that_could_not_load_is_loaded_when_the_network_returns(stack, page):  # noqa: F811
    """The page itself arrived, then the phone went through a tunnel: the questionnaire's four tries
    (3, 6, 9 s apart) all failed and the widget gave up for the whole page view, so the citizen never
    saw it. Given up, it loads again when the browser says it is back online."""
    tries = []

    def offline(route):
        tries.append(route.request.url)
        route.abort("internetdisconnected")

    page.clock.install()
    page.route("**/questionnaire?*", offline)
    page.goto(f"{stack.site}/inline.html")
    for _ in range(12):  # 3 + 6 + 9 s of retries, each failure landing in real time
        if len(tries) >= 4:
            break
        page.wait_for_timeout(250)
        page.clock.run_for(3_000)
    page.wait_for_timeout(500)
    assert len(tries) == 4
    page.unroute("**/questionnaire?*")
    page.context.set_offline(True)
    page.context.set_offline(False)  # the browser's "online"
    expect(page.get_by_role("button", name="Invia")).to_be_visible(timeout=10_000)


def test_answers_to_a_questionnaire_reassigned_meanwhile_offer_the_updated_form(stack, page):  # noqa: F811
    """The web manager's service got another questionnaire while a citizen was answering: the
    collector refuses the answers to the old one (409 questionnaire_not_assigned), and the widget
    said only "a technical problem", the answers lost, its Send button still there to send the same
    refused answers again. Now it says what happened, links to the hosted form of the same service in
    the citizen's language (the focus on the link), and Send is disabled: pressing it sends nothing.

    The reassignment is the registry's own (``registry.ops.assign_questionnaire``), made while the
    page is open, on a service of this test's own (the stack's collector reads the registry afresh)."""
    from axe_playwright_python.sync_playwright import Axe

    from registry import connect, ops
    from registry.db import session_scope
    from registry.models import Service
    from tests.test_citizen_kiosk_browser import wcag_violations
    from tests.test_widget_browser import RAW
    from tests.test_widget_field_browser import record

    key = "demo-roma-riassegnato"
    with session_scope(connect(stack.settings.database_url)) as s:
        if s.get(Service, key) is None:
            ops.add_service(s, actor="test", key=key, entity_ipa="c_h501", name="Carta d'identità elettronica",
                            service_type="anagrafe.certificati", allowed_origins=[stack.site],
                            questionnaire_id="cx-core", questionnaire_version=1)
        else:
            ops.assign_questionnaire(s, key, "cx-core", 1, actor="test")
    RAW["/reassigned.html"] = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Identity card</title></head><body><main>'
        f'<h1>Identity card</h1><script src="{{collector}}/widget.js" data-service="{key}" async></script></main></body></html>')
    _, posts = record(page)
    page.goto(f"{stack.site}/reassigned.html")
    send = page.get_by_role("button", name="Send")
    send.wait_for(timeout=10_000)
    _answer_minimal(page)
    with session_scope(connect(stack.settings.database_url)) as s:  # meanwhile, in the registry
        ops.assign_questionnaire(s, key, "mod-anagrafe", 1, actor="test")
    with page.expect_response(lambda r: r.url.endswith("/v1/submissions")) as answered:
        page.keyboard.press("Enter")
    assert (answered.value.status, answered.value.json()["error"]) == (409, "questionnaire_not_assigned")
    status = page.get_by_role("status")
    expect(status).to_contain_text("The questionnaire of this service was updated while you were answering")
    again = status.get_by_role("link", name="Answer again in the updated form")
    expect(again).to_be_focused()  # the way on, one key away (the button the focus was on is disabled)
    assert again.get_attribute("href") == (
        f"{stack.collector}/v1/services/{key}/form?lang=en&page=%2Freassigned.html")
    expect(send).to_be_disabled()
    send.click(force=True)
    page.get_by_role("radio", name="Yes").first.focus()
    page.keyboard.press("Enter")  # the form's implicit submission
    page.wait_for_timeout(500)
    assert len(posts) == 1  # the refused answers were not sent again
    assert wcag_violations(Axe().run(page)) == []  # the link and the disabled button as well
    again.click()
    expect(page.get_by_role("button", name="Send")).to_be_visible()  # the hosted form, in English
    assert page.url.startswith(f"{stack.collector}/v1/services/{key}/form?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Your opinion of the service: civil registry")).to_be_visible()  # the new one


CHECKED = "() => [...document.querySelector('.ascolto-widget').shadowRoot.querySelectorAll('input:checked')].length"


def test_a_double_click_on_the_floating_button_leaves_the_dialog_open_and_chooses_nothing(stack, browser):  # noqa: F811
    """Many people double-click a button. On a desktop the second click of a double click on "Dai il tuo
    parere" fell on the dialog's backdrop and closed the dialog it had just opened; on a phone, where the
    dialog covers the button, the second tap chose the answer under the finger. The dialog takes no
    click for its first 0.4 s; after that a click on the backdrop closes it as before."""
    for viewport, phone in (({"width": 1000, "height": 900}, False), ({"width": 390, "height": 664}, True)):
        context = browser.new_context(locale="it-IT", viewport=viewport, is_mobile=phone, has_touch=phone)
        try:
            page = context.new_page()
            page.goto(f"{stack.site}/floating.html")
            fab = page.get_by_role("button", name="Dai il tuo parere")
            fab.wait_for(timeout=10_000)
            if phone:
                box = fab.bounding_box()
                x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                page.touchscreen.tap(x, y)
                page.touchscreen.tap(x, y)
            else:
                fab.dblclick()
            page.wait_for_timeout(600)
            dialog = page.get_by_role("dialog", name="La tua opinione sul servizio")
            expect(dialog).to_be_visible()
            assert page.evaluate(CHECKED) == 0, viewport
            if not phone:
                page.mouse.click(5, 5)  # a deliberate click on the backdrop still closes it
                expect(dialog).to_be_hidden()
                expect(fab).to_be_focused()
        finally:
            context.close()


def test_a_comment_pasted_over_the_limit_is_cut_and_the_cut_is_said(stack, page):  # noqa: F811
    """A citizen pasting a long text (an e-mail they had written) saw it cut at the limit without a
    word: the counter read "0 caratteri disponibili", and the end of their text was gone unsaid. The
    cut is said in the status line (spoken by a screen reader), in the widget's language."""
    page.goto(f"{stack.site}/strict.html")  # English
    page.get_by_role("button", name="Send").wait_for(timeout=10_000)
    comment = page.get_by_role("textbox")
    comment.focus()
    page.keyboard.insert_text("The office was fine but " * 30)  # 720 characters, as a paste
    status = page.get_by_role("status")
    expect(status).to_have_text("The text was too long and has been shortened.")
    expect(page.get_by_text("Characters left: 0 of 500.", exact=True)).to_be_visible()
    assert comment.evaluate("t => Array.from(t.value).length") == 500
    page.keyboard.press("Backspace")  # typing within the limit says nothing new
    expect(page.get_by_text("Characters left: 1 of 500.", exact=True)).to_be_visible()


def test_a_proxys_408_on_a_slow_upload_is_sent_again_not_refused_for_good(stack, page):  # noqa: F811
    """A reverse proxy in front of the collector answers 408 when a phone's upload is too slow: the
    widget took it for a refusal for good ("a technical problem", Send disabled). It is sent again,
    with the same submission_id, as a 429 or a 5xx is (the kiosk already did so)."""
    bodies: list[dict] = []

    def slow_once(route):
        if route.request.method != "POST":
            return route.continue_()
        bodies.append(json.loads(route.request.post_data))
        if len(bodies) == 1:
            return route.fulfill(status=408, headers={"Access-Control-Allow-Origin": stack.site}, body="")
        route.continue_()

    page.route("**/v1/submissions", slow_once)
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text(THANKS)).to_be_visible(timeout=15_000)
    assert len(bodies) >= 2 and len({b["submission_id"] for b in bodies}) == 1  # (a quick answer may wait once more)


def test_accents_pasted_decomposed_count_as_the_characters_the_citizen_sees(stack, page):  # noqa: F811
    """An "è" pasted as "e" + U+0300 (a PDF, a macOS file name) counted as two characters: 300 of them
    read "0 characters left" and were cut to 250. The widget counts the NFC form, as the collector does."""
    page.goto(f"{stack.site}/strict.html")  # English
    page.get_by_role("button", name="Send").wait_for(timeout=10_000)
    comment = page.get_by_role("textbox")
    comment.focus()
    page.keyboard.insert_text("e\u0300" * 300)
    expect(page.get_by_text("Characters left: 200 of 500.", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("")  # nothing cut
    assert comment.evaluate("t => Array.from(t.value.normalize('NFC')).length") == 300


def test_on_a_phone_at_200_percent_zoom_the_dialogs_close_button_stays_on_screen(stack, browser):  # noqa: F811
    """A 360 px phone at 200% zoom is 180 CSS px wide: the dialog's title and its Close button sat on
    one line that did not wrap, and Close was pushed past the screen's right edge (x up to 228 of 180);
    a long word of a question ("Complessivamente,") ran past the edge too. The head wraps, Close keeps
    its size on screen, and a word longer than a line is broken."""
    context = browser.new_context(locale="it-IT", viewport={"width": 180, "height": 640})
    page = context.new_page()
    try:
        page.goto(f"{stack.site}/floating.html")
        page.get_by_role("button", name="Dai il tuo parere").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        # nothing in the dialog lies past its right edge: no sideways scrolling to find Close or a word
        assert dialog.evaluate("d => d.scrollWidth - d.clientWidth") == 0
        dialog.evaluate("d => d.scrollTop = 0")
        box = dialog.get_by_role("button", name="Chiudi").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 180, box
        assert box["width"] >= 44 and box["height"] <= 48, box  # a button, not a column of letters
    finally:
        context.close()


def test_a_page_run_again_by_back_thanks_for_the_answer_sent_and_does_not_ask_again(stack, page):  # noqa: F811
    """A citizen who answered, went on to another page and came Back to one the browser loads anew (not
    from its back-forward cache: a no-store page, an unload handler) was offered the questionnaire again,
    as if never answered: answering again was a second response, with a new submission_id. The answer
    sent is noted in the page's own history entry — no cookie, no storage, the site's state kept — and
    the page run again says thanks instead; a new visit of the page is asked again."""
    page.goto(f"{stack.site}/inline.html")
    page.evaluate("history.replaceState({site: 'own'}, '')")  # the site's own state (a router's)
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.wait_for_timeout(1600)  # a person's pause (faster is sent again later, as automated)
    form.get_by_role("button", name="Invia").click()
    expect(page.get_by_text(THANKS)).to_be_visible(timeout=15_000)
    assert page.evaluate("history.state.site") == "own"

    page.evaluate("window.__same = 1")
    page.goto(f"{stack.site}/de.html")
    counts: list[dict] = []  # the funnel: a page that only thanks again counts no impression
    page.on("request", lambda r: counts.append(r.post_data_json) if r.url.endswith("/v1/funnel") else None)
    page.go_back()
    assert page.evaluate("window.__same") is None  # run anew, not restored from the back-forward cache
    for again in ("back", "reload"):
        expect(page.get_by_text(THANKS)).to_be_visible(timeout=10_000)
        expect(page.get_by_role("button", name="Invia")).to_have_count(0)
        assert page.evaluate("window.__submitted") == [], again  # not sent again
        page.evaluate("dispatchEvent(new Event('pagehide'))")  # the funnel reports what this view counted
        page.wait_for_timeout(300)
        page.reload()
    assert page.context.cookies() == [] and page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert [c for c in counts if c.get("impressions")] == []

    page.goto(f"{stack.site}/de.html")
    page.goto(f"{stack.site}/inline.html")  # a new visit (a new history entry): asked again
    expect(page.get_by_role("button", name="Invia")).to_be_visible(timeout=10_000)
