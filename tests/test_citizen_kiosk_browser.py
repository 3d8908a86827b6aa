"""The kiosk page as a citizen at the counter meets it, in Debian chromium: WCAG 2.1 AA, the bar AgID
holds Italian PAs to, at every impact axe gives (not only "serious" and "critical"), and the queue's
live region present in the accessibility tree before it first speaks."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import BROWSER
from tests.channel_support import KIOSK_SERVICE, register_device
from tests.test_channels_browser import browser, stack  # noqa: F401

pytestmark = BROWSER
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def wcag_violations(results) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe found, whatever its impact."""
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"] if set(v["tags"]) & set(WCAG_21_AA)]


def _kiosk(stack, browser, lang="it", collector=None):  # noqa: F811
    """A kiosk page in a new touch context: ``collector`` (default the stack's) serves it."""
    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    page.goto(f"{collector or stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang={lang}")
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


def test_a_stalled_send_does_not_stop_the_queue_for_the_rest_of_the_day(stack, browser):  # noqa: F811
    """A POST left without any answer (the totem's Wi-Fi dropping mid-request) kept the queue
    "flushing" for ever: every later answer waited in the browser's storage and none was sent until
    the page was reloaded. After 30 s without an answer the send is given up and tried again."""
    import json

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    bodies: list[dict] = []

    def handle(route):
        bodies.append(json.loads(route.request.post_data))
        if len(bodies) > 1:
            return route.continue_()
        # the first attempt: no answer at all

    try:
        page.clock.install()
        page.route("**/v1/submissions", handle)
        page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}")
        page.get_by_role("button", name="Soddisfatto/a", exact=True).tap()
        page.get_by_role("button", name="Invia", exact=True).tap()
        page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
        queue = f"localStorage.getItem('ascolto.kiosk.queue.{KIOSK_SERVICE}')"
        page.clock.run_for(31_000)  # the stalled send given up
        for _ in range(8):  # the 15 s flush sends it again (the abort lands in real time: a few ticks)
            if len(bodies) > 1:
                break
            page.wait_for_timeout(250)
            page.clock.run_for(15_000)
        stack.wait_row(bodies[0]["submission_id"])
        assert page.evaluate(queue) == "[]"
        assert len(bodies) >= 2 and {b["submission_id"] for b in bodies} == {bodies[0]["submission_id"]}
    finally:
        context.close()


def test_a_slow_reader_is_warned_and_given_more_time_before_the_reasons_are_sent(stack, browser):  # noqa: F811
    """On the reasons screen 30 s without a touch sent the answer as it was: a citizen still reading
    the reasons (or finding them with a screen reader) lost the chance to give them, unwarned
    (WCAG 2.2.1, Timing Adjustable). Now the kiosk asks first and waits 20 s more for one touch."""
    import json

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/v1/submissions") else None)
    try:
        page.clock.install()
        page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}")
        page.get_by_role("button", name="Insoddisfatto/a", exact=True).tap()
        page.get_by_role("heading", name="Vuoi dirci perché? (facoltativo)").wait_for()
        more = page.get_by_role("button", name="Sì, altro tempo")
        expect(more).to_be_hidden()
        page.clock.run_for(30_500)
        expect(more).to_be_visible()
        expect(more).to_be_focused()  # one key, or one touch, away
        expect(more).to_have_accessible_description(
            "Ti serve altro tempo? Tra 20 secondi la risposta sarà inviata così com'è.")
        page.clock.run_for(15_000)
        more.tap()
        expect(more).to_be_hidden()
        page.clock.run_for(25_000)  # 40 s after the first 30: still there, nothing sent
        assert bodies == []
        page.get_by_role("button", name="Ho atteso troppo", exact=True).tap()
        page.clock.run_for(30_500)
        expect(more).to_be_visible()
        page.clock.run_for(20_500)  # no touch: sent as it is, with the reason given
        page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
        assert len(bodies) == 1 and bodies[0]["answers"] == {"face": "dissatisfied", "went_wrong": ["speed"]}
    finally:
        context.close()


def test_a_rating_drawn_as_faces_is_answered_with_a_number_the_collector_accepts(stack, browser, tmp_path):  # noqa: F811
    """A questionnaire author may draw a 1–3 rating as faces: the kiosk shows its three faces (the
    scale's words, Italian fallbacks marked ``lang="it"``, no WCAG 2.1 AA violation) and the touched
    face is sent as the rating's point, a number, which the real collector accepts (202).

    The questionnaire is served by a collector of its own (``create_app(catalog=...)``, the stack's
    registry and broker, its own data dir): patching the collector modules' catalog changed what the
    stack's collector — shared by the module's tests — served while this test ran."""
    from dataclasses import replace

    from axe_playwright_python.sync_playwright import Axe

    from collector.app import close_app, create_app
    from questionnaires.catalog import Catalog
    from tests.browser import serve
    from tests.test_kiosk import rating_faces

    app = create_app(replace(stack.settings, data_dir=tmp_path, spool_dir=None, run_dir=None),
                     catalog=Catalog([rating_faces()]))
    collector, server = serve(app)
    context, page = _kiosk(stack, browser, lang="en", collector=collector)
    try:
        faces = page.get_by_role("group", name="How do you rate the service?").get_by_role("button")
        expect(faces).to_have_count(3)
        assert wcag_violations(Axe().run(page)) == []
        faces.first.tap()  # the sad face: the lowest point opens the reason, worded in Italian only
        reason = page.get_by_role("button", name="L'attesa")
        expect(reason).to_have_attribute("lang", "it")
        reason.tap()
        with page.expect_response(lambda r: r.url.endswith("/v1/submissions")) as sent:
            page.get_by_role("button", name="Send", exact=True).tap()
        assert sent.value.status == 202
        assert sent.value.request.post_data_json["answers"] == {"voto": 1, "perche": ["attesa"]}
    finally:
        context.close()
        server.shutdown()
        close_app(app)


def test_a_kiosk_whose_service_got_another_questionnaire_loads_it_instead_of_losing_every_answer(stack, browser):  # noqa: F811
    """A totem stays open for days. Its service was reassigned in the registry (here to cx-core, which
    has no faces): every answer to the page's questionnaire was refused for good (409) and dropped,
    silently, for the rest of the day. Now, refused so, the page loads again once the thank-you screen
    resets, and says what the staff must know: this questionnaire cannot be shown on the kiosk."""
    from registry import connect, ops
    from registry.db import session_scope
    from registry.models import Service
    from tests.channel_support import register_device as add_device

    key = "demo-roma-totem"
    with session_scope(connect(stack.settings.database_url)) as s:
        if s.get(Service, key) is None:
            ops.add_service(s, actor="test", key=key, entity_ipa="c_h501", name="Anagrafe - totem",
                            service_type="anagrafe.certificati", channel="kiosk",
                            questionnaire_id="faccia", questionnaire_version=1)
        else:
            ops.assign_questionnaire(s, key, "faccia", 1, actor="test")
    _, token = add_device(stack.settings, key)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{stack.collector}/v1/services/{key}/kiosk?device={token}&reset=2")
        page.get_by_role("button", name="Soddisfatto/a", exact=True).tap()
        with session_scope(connect(stack.settings.database_url)) as s:  # meanwhile, in the registry
            ops.assign_questionnaire(s, key, "cx-core", 1, actor="test")
        with page.expect_response(lambda r: r.url.endswith("/v1/submissions")) as sent:
            page.get_by_role("button", name="Invia", exact=True).tap()
        assert (sent.value.status, sent.value.json()["error"]) == (409, "questionnaire_not_assigned")
        page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Il questionario assegnato al servizio non può essere mostrato da questa postazione: "
            "non ha una domanda con le faccine o non è pubblicato.", timeout=10_000)
        assert "/kiosk?device=" in page.url  # the same page, loaded again
    finally:
        context.close()


def test_a_double_tap_on_a_face_does_not_choose_a_reason_under_the_finger(stack, browser):  # noqa: F811
    """Many citizens double-tap as they double-click: the second tap of a double tap on a face landed on
    the reasons screen, which had replaced the faces under the finger, and chose a reason (or went
    back) that the citizen never read. A screen takes no touch for its first 0.4 s."""
    import json

    context, page = _kiosk(stack, browser)
    bodies: list[dict] = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data))
            if r.method == "POST" and r.url.endswith("/v1/submissions") else None)
    try:
        face = page.get_by_role("button", name="Soddisfatto/a", exact=True)
        face.wait_for()
        page.wait_for_timeout(500)  # the faces screen itself settled
        box = face.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.touchscreen.tap(x, y)
        page.get_by_role("heading", name="Vuoi dirci perché? (facoltativo)").wait_for()
        under = page.evaluate("""([x, y]) => [...document.querySelectorAll('#s-why button')].filter(b => {
            const r = b.getBoundingClientRect(); return r.width && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
        }).map(b => b.textContent)""", [x, y])
        assert under  # the reasons screen has a button right under the finger
        page.touchscreen.tap(x, y)  # the double tap's second tap
        page.wait_for_timeout(500)
        assert page.locator(".reason[aria-pressed=true]").count() == 0
        expect(page.get_by_role("heading", name="Vuoi dirci perché? (facoltativo)")).to_be_visible()
        page.get_by_role("button", name="Ho atteso poco", exact=True).tap()  # a deliberate tap still counts
        page.get_by_role("button", name="Invia", exact=True).tap()
        page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
        assert [b["answers"] for b in bodies] == [{"face": "satisfied", "went_well": ["speed"]}]
    finally:
        context.close()


def test_an_answer_queued_by_an_older_page_does_not_reload_a_current_one(stack, browser):  # noqa: F811
    """Answers queued before a reassignment are refused (409) when the page, loaded again, sends them:
    they say nothing of the page's own questionnaire, which is current, so the page does not reload
    (it did once per such answer, interrupting the citizen on the faces each time)."""
    import json
    import uuid

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    old = {"submission_id": str(uuid.uuid4()), "service": KIOSK_SERVICE, "questionnaire": "cx-core", "version": 1,
           "lang": "it", "answers": {"satisfaction": 4}, "context": {"page": "/kiosk"}}
    context.add_init_script(f"localStorage.setItem('ascolto.kiosk.queue.{KIOSK_SERVICE}', {json.dumps(json.dumps([old]))})")
    page = context.new_page()
    try:
        with page.expect_response(lambda r: r.url.endswith("/v1/submissions")) as refused:
            page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}")
        assert (refused.value.status, refused.value.json()["error"]) == (409, "questionnaire_not_assigned")
        page.evaluate("window.__same = true")
        page.wait_for_timeout(1000)
        assert page.evaluate("window.__same === true")  # not reloaded
        expect(page.get_by_role("button", name="Soddisfatto/a", exact=True)).to_be_visible()
    finally:
        context.close()


def test_a_german_speaker_answers_the_kiosk_in_german_and_the_next_person_finds_italian(stack, browser):  # noqa: F811
    """A counter in Alto Adige: the totem speaks the device's language (Italian) and a German speaker
    had no way to change it. The faces screen links to the questionnaire's other languages, each named
    in itself; "Zurück" on the reasons keeps German, and once the answer is given (or after a minute
    untouched) the page returns to Italian for the next person."""
    from axe_playwright_python.sync_playwright import Axe

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        page.clock.install()
        page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&lang=it&reset=3")
        languages = page.get_by_role("navigation", name="Altre lingue")
        expect(languages.get_by_role("link")).to_have_count(4)
        assert wcag_violations(Axe().run(page)) == []
        languages.get_by_role("link", name="Deutsch").tap()
        expect(page.get_by_role("heading", level=1)).to_have_text("Wie bewerten Sie den Dienst, den Sie heute erhalten haben?")
        page.get_by_role("group").get_by_role("button").last.tap()  # the sad face: the reasons
        page.get_by_role("button", name="Zurück", exact=True).tap()  # back to the faces, still in German
        expect(page.get_by_role("heading", level=1)).to_have_text("Wie bewerten Sie den Dienst, den Sie heute erhalten haben?")
        page.get_by_role("group").get_by_role("button").first.tap()
        if page.get_by_role("button", name="Senden", exact=True).is_visible():
            page.get_by_role("button", name="Senden", exact=True).tap()
        expect(page.get_by_role("heading", name="Danke für Ihre Meinung!")).to_be_visible()
        page.clock.run_for(3_500)  # the thank-you screen's reset: the device's language again
        expect(page.get_by_role("heading", level=1)).to_have_text("Come valuti il servizio che hai ricevuto oggi?")
        assert page.locator("html").get_attribute("lang") == "it"

        page.get_by_role("navigation", name="Altre lingue").get_by_role("link", name="English").tap()
        expect(page.get_by_role("heading", level=1)).to_have_text("How would you rate the service you received today?")
        page.clock.run_for(61_000)  # switched, then left untouched
        expect(page.get_by_role("heading", level=1)).to_have_text("Come valuti il servizio che hai ricevuto oggi?")
    finally:
        context.close()


QUEUE = f"localStorage.getItem('ascolto.kiosk.queue.{KIOSK_SERVICE}')"


def test_offline_an_answer_waits_on_the_shared_device_as_codes_only(stack, browser):  # noqa: F811
    """The README said the answers waiting in the page were "their submission_ids only", while the page keeps
    the submission as it will be posted, on a device every citizen at the counter touches. What is kept, exactly:
    the id, the service, the questionnaire and its version, the page's language, the codes of the face and of
    the reasons tapped, and the page "/kiosk" — no free text (the kiosk offers none: faccia's comment item is
    not shown), no device token, no time. Once the network returns it is sent and leaves the device."""
    import json
    import uuid

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}")
        assert page.locator("textarea, input").count() == 0  # nowhere to write free text
        context.set_offline(True)
        page.get_by_role("button", name="Insoddisfatto/a", exact=True).tap()
        page.get_by_role("button", name="Ho atteso troppo").tap()
        page.get_by_role("button", name="Invia", exact=True).tap()
        page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
        raw = page.evaluate(QUEUE)
        kept = json.loads(raw)
        assert len(kept) == 1 and str(uuid.UUID(kept[0]["submission_id"])) == kept[0]["submission_id"]
        assert {k: v for k, v in kept[0].items() if k != "submission_id"} == {
            "service": KIOSK_SERVICE, "questionnaire": "faccia", "version": 1, "lang": "it",
            "answers": {"face": "dissatisfied", "went_wrong": ["speed"]}, "context": {"page": "/kiosk"}}
        assert token not in raw and token.split("_")[1] not in raw  # the device's token stays in the page
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        stack.wait_row(kept[0]["submission_id"])
        page.wait_for_function(f"() => {QUEUE} === '[]'")  # sent: nothing of it left on the device
    finally:
        context.close()


def test_a_reason_that_is_not_a_code_never_waits_on_the_device(stack, browser):  # noqa: F811
    """Only codes are kept, whatever the page's buttons carry: a reason button altered to carry words (an
    extension, a page edited on the totem) does not put them in the device's storage; the face still counts."""
    import json

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}")
        context.set_offline(True)
        page.get_by_role("button", name="Insoddisfatto/a", exact=True).tap()
        reason = page.get_by_role("button", name="Ho atteso troppo")
        reason.evaluate("b => b.setAttribute('data-code', 'Mario Rossi, via Roma 1, tel. 333 1234567')")
        reason.tap()
        page.get_by_role("button", name="Invia", exact=True).tap()
        page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
        raw = page.evaluate(QUEUE)
        assert "Mario" not in raw and "333" not in raw, raw
        assert json.loads(raw)[0]["answers"] == {"face": "dissatisfied"}
    finally:
        context.close()
