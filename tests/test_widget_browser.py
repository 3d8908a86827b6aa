"""Acceptance of the widget and of the no-JS form in a real browser (Debian chromium via Playwright).

One in-process stack for the module: the real collector (werkzeug server in a thread), the real
processor (a thread), the session's Tansu broker, and a small "PA site" serving pages that embed
the widget with the one-tag snippet. Citizens answer with the keyboard only (Tab, Space, arrows,
Enter), and each answer is looked up in the warehouse's ``responses`` by its ``submission_id``.
axe-core (axe-playwright-python, bundled, no network) checks the rendered widget and form.

Set ``ASCOLTO_SCREENSHOTS=docs/screenshots`` to (re)write the screenshots of the docs.
"""
from __future__ import annotations

import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from settings import Settings
from deploy.broker import ensure_topics, free_port
from registry import connect
from registry.demo import seed
from tests.conftest import ProcessorThread, wait_for
from tests.browser import BROWSER

pytestmark = BROWSER
SERVICE = "demo-roma-anagrafe"
SHOTS = os.environ.get("ASCOLTO_SCREENSHOTS")

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{margin:0;font-family:"Titillium Web",system-ui,sans-serif;color:#1a1a1a}}
header{{background:#0066cc;color:#fff;padding:1rem 2rem}} main{{max-width:46rem;margin:0 auto;padding:1rem 2rem 6rem}}</style>
</head>
<body>
<header><p><strong>Roma Capitale</strong> · Servizi online</p></header>
<main>
<h1>{title}</h1>
<p>{done}</p>
<script src="{collector}/widget.js" data-service="{service}"{attrs} async></script>
<noscript><p><a href="{collector}/v1/services/{service}/form?lang={lang}&amp;page={path}">{nojs}</a></p></noscript>
</main>
</body>
</html>
"""
PAGES = {
    "/inline.html": dict(lang="it", title="Certificati anagrafici online", attrs="",
                         done="La tua richiesta è stata completata.", nojs="Dai il tuo parere sul servizio"),
    "/de.html": dict(lang="de", title="Meldebescheinigungen online", attrs=' data-lang="de"',
                     done="Ihr Antrag wurde abgeschlossen.", nojs="Ihre Meinung zum Dienst"),
    "/floating.html": dict(lang="it", title="Certificati anagrafici online", attrs=' data-mode="floating"',
                           done="La tua richiesta è stata completata.", nojs="Dai il tuo parere sul servizio"),
    "/strict.html": dict(lang="en", title="Online certificates", attrs="",
                         done="Your request is complete.", nojs="Give feedback"),
    # the web manager's check-up before going live (tests/test_widget_testmode_browser.py)
    "/checkup.html": dict(lang="it", title="Certificati anagrafici online", attrs=" data-test",
                          done="La tua richiesta è stata completata.", nojs="Dai il tuo parere sul servizio"),
}
#: Whole pages that other test modules serve from the PA site: path -> HTML ("{collector}", "{service}" filled in).
RAW: dict[str, str] = {}
STRICT_CSP = "default-src 'none'; script-src {c}; connect-src {c}; style-src 'self'; require-trusted-types-for 'script'"


class Stack:
    def __init__(self, settings: Settings, collector: str, site: str):
        self.settings, self.collector, self.site = settings, collector, site

    def row(self, submission_id: str):
        """The warehouse's row of a submission, or None while it is not there yet."""
        from warehouse.dataset import open_dataset

        with open_dataset(self.settings.data_dir) as con:
            cur = con.execute("SELECT * EXCLUDE (received_at) FROM responses WHERE submission_id = ?", [submission_id])
            found = cur.fetchone()
            if found is None:
                return None
            return dict(zip([d[0] for d in cur.description], found))

    def wait_row(self, submission_id: str) -> dict:
        return wait_for(lambda: self.row(submission_id), timeout_s=30, message=f"{submission_id} in the warehouse")


@pytest.fixture(scope="module")
def stack(broker, tmp_path_factory):
    from werkzeug.serving import make_server

    from collector.app import close_app, create_app

    tag = uuid.uuid4().hex[:8]
    site_port, collector_port = free_port(), free_port()
    site, collector = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{collector_port}"
    settings = Settings(data_dir=tmp_path_factory.mktemp("widget-stack"), broker=broker.bootstrap,
                        topic=f"w-{tag}.submissions", group=f"w-{tag}", collector_id="browser-test",
                        produce_timeout_s=5.0, batch_max_records=200, batch_max_seconds=0.3,
                        max_poll_interval_ms=3000, session_timeout_ms=6000,
                        registry_ttl_s=0.0)  # a registry change (a reassignment) is seen by the next request
    ensure_topics(broker.bootstrap, {settings.topic: 1, settings.dlq_topic: 1})
    seed(connect(settings.database_url), [site])
    app = create_app(settings)
    server = make_server("127.0.0.1", collector_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            spec = PAGES.get(self.path)
            if spec is None and self.path not in RAW:
                self.send_error(404)
                return
            if spec is None:
                body = RAW[self.path].replace("{collector}", collector).replace("{service}", SERVICE).encode()
            else:
                body = PAGE.format(collector=collector, service=SERVICE, path=self.path, **spec).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if self.path == "/strict.html":
                self.send_header("Content-Security-Policy", STRICT_CSP.format(c=collector))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    pages = ThreadingHTTPServer(("127.0.0.1", site_port), Site)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    processor = ProcessorThread(settings)
    try:
        yield Stack(settings, collector, site)
    finally:
        processor.close()
        pages.shutdown()
        server.shutdown()
        close_app(app)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="it-IT", viewport={"width": 1000, "height": 900})
    context.add_init_script("window.__submitted = []; document.addEventListener('ascolto:submitted', "
                            "e => window.__submitted.push(e.detail));")
    p = context.new_page()
    yield p
    context.close()


FOCUSED = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e) return null;
  const ids = (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  const root = e.getRootNode();
  return {tag: e.tagName.toLowerCase(), type: e.type || null, value: e.value ?? null, checked: !!e.checked,
          name: e.name || null, label: e.labels && e.labels[0] ? e.labels[0].textContent : null,
          text: e.textContent, invalid: e.getAttribute('aria-invalid'),
          described: ids.map(i => (root.getElementById(i) || {}).textContent || '')};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, predicate, limit: int = 30, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies ``predicate``; return it."""
    for _ in range(limit):
        page.keyboard.press(key)
        f = focused(page)
        if f and predicate(f):
            return f
    raise AssertionError(f"never reached the wanted element with {key}; last focused: {focused(page)}")


def radio(value: str, name_part: str | None = None):
    return lambda f: f["type"] == "radio" and f["value"] == value and (name_part is None or name_part in f["name"])


def serious(results) -> list[str]:
    if os.environ.get("ASCOLTO_AXE_DEBUG"):
        print(json.dumps([(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]))
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def shot(page, name: str, **kw) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), **kw)


# --- the acceptance paths -----------------------------------------------------------------------

def test_inline_widget_answered_with_the_keyboard_only_reaches_the_warehouse(stack, page):
    page.goto(f"{stack.site}/inline.html")
    form = page.get_by_role("form", name="La tua opinione sul servizio")
    form.wait_for(timeout=10_000)
    assert form.get_by_role("group", name="Dove hai incontrato").is_hidden()

    f = tab_to(page, radio("1", "satisfaction"))
    assert f["label"] == "1 – Per niente"
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    f = focused(page)
    assert f["value"] == "5" and f["checked"] and f["label"] == "5 – Moltissimo"
    page.keyboard.press("Tab")  # ease
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == "3" and focused(page)["checked"]
    tab_to(page, radio("yes", "task"))
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    # satisfaction 5 > 3: "went well" appeared, "went wrong" did not
    assert form.get_by_role("group", name="Dove hai incontrato").is_hidden()
    f = tab_to(page, lambda f: f["type"] == "checkbox")
    assert f["value"] == "clarity" and f["label"] == "Le indicazioni erano chiare"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # orientation
    f = tab_to(page, lambda f: f["tag"] == "textarea")
    assert "Caratteri disponibili: 500 su 500." in f["described"]
    page.keyboard.type("Molto comodo, grazie")
    assert "Caratteri disponibili: 480 su 500." in focused(page)["described"]
    shot(page, "widget-inline.png", full_page=True)
    f = tab_to(page, lambda f: f["tag"] == "button")
    assert f["text"] == "Invia"
    page.keyboard.press("Enter")

    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=15_000)
    assert "Grazie!" in focused(page)["text"]  # focus moved to the confirmation
    [detail] = page.evaluate("window.__submitted")
    assert detail["service"] == SERVICE and uuid.UUID(detail["submission_id"])
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    row = stack.wait_row(detail["submission_id"])
    assert row["lang"] == "it" and row["satisfaction"] == 100 and row["task_completed"] == 100
    answers = {k: json.loads(v) for k, v in dict(row["answers"]).items()}
    assert answers == {"satisfaction": 5, "ease": 3, "task": "yes", "went_well": ["clarity", "orientation"],
                       "comment": "Molto comodo, grazie"}


def test_german_widget_speaks_german_announces_errors_and_reaches_the_warehouse(stack, page):
    page.goto(f"{stack.site}/de.html")
    page.get_by_role("button", name="Senden").wait_for(timeout=10_000)
    host_lang = page.evaluate("document.querySelector('.ascolto-widget').lang")
    assert host_lang == "de"
    assert page.get_by_text("(Pflichtfeld)").count() == 2

    tab_to(page, radio("1", "satisfaction"))
    page.keyboard.press("ArrowRight")  # 2: "went wrong" applies
    assert focused(page)["value"] == "2"
    f = tab_to(page, lambda f: f["tag"] == "button")
    assert f["text"] == "Senden"
    page.keyboard.press("Enter")  # the required "task" is missing
    f = focused(page)
    assert f["type"] == "radio" and "task" in f["name"]  # focus moved to the first invalid answer
    assert f["invalid"] == "true" and "Diese Antwort ist erforderlich." in f["described"]
    assert page.get_by_role("status").filter(has_text="Bitte prüfen Sie die markierten Antworten.").count() == 1
    page.keyboard.press("Space")
    assert focused(page)["invalid"] is None and focused(page)["described"] == []  # error cleared
    f = tab_to(page, lambda f: f["type"] == "checkbox")
    assert f["value"] == "clarity" and "went_wrong" in f["name"]
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "button")
    page.keyboard.press("Enter")

    page.get_by_text("Danke! Ihre Antwort wurde gespeichert.").wait_for(timeout=15_000)
    [detail] = page.evaluate("window.__submitted")
    row = stack.wait_row(detail["submission_id"])
    assert row["lang"] == "de" and row["satisfaction"] == 25
    answers = {k: json.loads(v) for k, v in dict(row["answers"]).items()}
    assert answers == {"satisfaction": 2, "task": "yes", "went_wrong": ["clarity"]}


def test_floating_button_opens_an_accessible_dialog_and_returns_focus(stack, page):
    page.goto(f"{stack.site}/floating.html")
    fab = page.get_by_role("button", name="Dai il tuo parere")
    fab.wait_for(timeout=10_000)
    assert fab.get_attribute("aria-haspopup") == "dialog" and fab.get_attribute("aria-expanded") == "false"
    tab_to(page, lambda f: f["tag"] == "button" and "Dai il tuo parere" in f["text"])
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="La tua opinione sul servizio")
    dialog.wait_for()
    expect(fab).to_have_attribute("aria-expanded", "true")
    assert focused(page)["type"] == "radio" and "satisfaction" in focused(page)["name"]  # focus moved in
    shot(page, "widget-floating.png")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    f = focused(page)
    assert f["tag"] == "button" and "Dai il tuo parere" in f["text"]  # focus returned
    expect(fab).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Space")  # open again and answer
    dialog.wait_for()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == "4"
    tab_to(page, radio("yes", "task"))
    page.keyboard.press("ArrowRight")  # "partly"
    assert focused(page)["value"] == "partly" and focused(page)["checked"]
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Invia")
    page.keyboard.press("Enter")
    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=15_000)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert "Dai il tuo parere" in focused(page)["text"]
    [detail] = page.evaluate("window.__submitted")
    row = stack.wait_row(detail["submission_id"])
    assert row["satisfaction"] == 75 and row["task_completed"] == 50


def test_without_javascript_the_form_fallback_is_answered_and_reaches_the_warehouse(stack, browser):
    context = browser.new_context(java_script_enabled=False, locale="it-IT", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{stack.site}/inline.html")
        link = page.get_by_role("link", name="Dai il tuo parere sul servizio")
        assert link.is_visible()
        page.keyboard.press("Tab")
        assert page.locator("a:focus").count() == 1
        page.keyboard.press("Enter")
        page.wait_for_url("**/v1/services/demo-roma-anagrafe/form?lang=it&page=/inline.html")
        opened = time.monotonic()
        sid = page.locator("input[name=submission_id]").get_attribute("value")
        assert page.get_by_role("button", name="Invia").is_visible()

        for _ in range(4):  # the links to the form's other languages come first (English … Slovenščina)
            page.keyboard.press("Tab")
        assert page.locator("a[hreflang=sl]:focus").count() == 1
        page.keyboard.press("Tab")
        assert page.locator("#q-satisfaction-0:focus").count() == 1
        page.keyboard.press("ArrowRight")  # 2
        page.keyboard.press("Tab")  # ease
        page.keyboard.press("Tab")  # clarity
        page.keyboard.press("Tab")  # speed
        page.keyboard.press("Tab")  # trust
        page.keyboard.press("Tab")  # task
        assert page.locator("#q-task-0:focus").count() == 1
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # "no"
        page.keyboard.press("Tab")  # went_well (applies only when > 3: answered anyway, will be dropped)
        page.keyboard.press("Space")
        for _ in range(6):
            page.keyboard.press("Tab")  # to went_wrong's first option
        assert page.locator("#q-went_wrong-0:focus").count() == 1
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # completeness
        while page.locator("textarea:focus").count() == 0:
            page.keyboard.press("Tab")
        page.keyboard.type("Troppi passaggi")
        page.keyboard.press("Tab")
        assert page.locator("button:focus").count() == 1
        time.sleep(max(0.0, 1.7 - (time.monotonic() - opened)))  # a person takes longer than 1.5 s
        page.keyboard.press("Enter")
        page.wait_for_url("**/form/thanks?lang=it&back=**")
        assert page.get_by_role("heading", name="Grazie!").is_visible()
        assert page.get_by_text("La tua risposta è stata registrata.").is_visible()
        assert context.cookies() == []
        back = page.get_by_role("link", name="Torna alla pagina da cui sei arrivato/a")
        assert back.get_attribute("href") == f"{stack.site}/inline.html"  # the page the form came from
        back.click()
        page.wait_for_url(f"{stack.site}/inline.html")
    finally:
        context.close()
    row = stack.wait_row(sid)
    assert row["lang"] == "it" and row["satisfaction"] == 25 and row["task_completed"] == 0
    answers = {k: json.loads(v) for k, v in dict(row["answers"]).items()}
    assert answers == {"satisfaction": 2, "task": "no", "went_wrong": ["clarity", "completeness"],
                       "comment": "Troppi passaggi"}


def test_without_javascript_errors_are_summarized_focused_and_linked(stack, browser):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(f"{stack.collector}/v1/services/{SERVICE}/form?lang=de")
        for _ in range(5):  # the four other languages' links, then the first question
            page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")
        while page.locator("button:focus").count() == 0:
            page.keyboard.press("Tab")
        time.sleep(1.6)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.title().startswith("Fehler: ")
        assert page.locator("#summary:focus").count() == 1  # autofocus: read first
        assert page.get_by_role("alert").get_by_role("link").count() == 1
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the link to the field in error
        page.wait_for_url("**#q-task-0")
        assert page.locator("#q-task-err").inner_text().endswith("Diese Antwort ist erforderlich.")
        assert page.locator("#q-satisfaction-1").is_checked()  # what was answered is kept
    finally:
        context.close()


# --- robustness -------------------------------------------------------------------------------

def _answer_minimal(page) -> None:
    """Satisfaction 4 and task "yes" with the keyboard, then focus on the send button."""
    tab_to(page, radio("1", "satisfaction"))
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    tab_to(page, radio("yes", "task"))
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "button")


def test_retries_reuse_the_submission_id_honour_retry_after_and_store_once(stack, page):
    seen: list[tuple[float, dict]] = []
    cors = {"Access-Control-Allow-Origin": stack.site, "Access-Control-Expose-Headers": "Retry-After"}

    def handle(route):
        if route.request.method != "POST":
            return route.continue_()
        seen.append((time.monotonic(), json.loads(route.request.post_data)))
        if len(seen) == 1:  # the collector accepts it, but the answer is lost on the way back
            route.fetch()
            return route.abort("connectionreset")
        if len(seen) == 2:
            return route.fulfill(status=429, headers=dict(cors, **{"Retry-After": "3"}), content_type="application/json",
                                 body='{"error": "rate_limited", "message": "Slow down.", "fields": {}}')
        return route.continue_()

    page.route("**/v1/submissions", handle)
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.keyboard.press("Enter")
    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=20_000)
    assert len(seen) == 3
    ids = {body["submission_id"] for _, body in seen}
    assert len(ids) == 1  # one answer set, one id, on every attempt
    assert seen[2][0] - seen[1][0] >= 3.0  # Retry-After honoured (the backoff alone would be ≤ 2 s)
    assert all(body["context"]["hp"] == "" and int(body["context"]["fill_ms"]) > 0 for _, body in seen)
    [sid] = ids
    stack.wait_row(sid)
    time.sleep(1.0)  # give a duplicate the time to show up, were it not deduplicated
    from warehouse.dataset import open_dataset
    with open_dataset(stack.settings.data_dir) as con:
        assert con.execute("SELECT count(*) FROM responses WHERE submission_id = ?", [sid]).fetchone()[0] == 1


def test_offline_the_widget_waits_for_the_network_and_then_sends(stack, page):
    page.goto(f"{stack.site}/inline.html")
    page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
    _answer_minimal(page)
    page.context.set_offline(True)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Connessione assente").wait_for(timeout=10_000)
    time.sleep(1.0)
    assert page.evaluate("window.__submitted") == []
    page.context.set_offline(False)
    page.get_by_text("Grazie! La tua risposta è stata registrata.").wait_for(timeout=10_000)
    [detail] = page.evaluate("window.__submitted")
    stack.wait_row(detail["submission_id"])


def test_the_widget_works_under_a_strict_content_security_policy(stack, page):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{stack.site}/strict.html")
    button = page.get_by_role("button", name="Send")
    button.wait_for(timeout=10_000)
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 102, 204)"  # styled
    assert not [e for e in errors if "Content Security Policy" in e and "widget" in e.lower()], errors


# --- accessibility ------------------------------------------------------------------------------

def test_axe_finds_no_serious_or_critical_violations(stack, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(bypass_csp=True, locale="it-IT", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    found = {}
    try:
        page.goto(f"{stack.site}/inline.html")
        page.get_by_role("button", name="Invia").wait_for(timeout=10_000)
        found["inline"] = serious(axe.run(page))
        page.get_by_role("button", name="Invia").click()  # the error state
        page.get_by_text("Controlla le risposte segnalate.").wait_for()
        found["inline with errors"] = serious(axe.run(page))
        # the audit does see inside the widget's shadow root: an unlabelled field planted there is caught
        page.evaluate("document.querySelector('.ascolto-widget').shadowRoot.querySelector('form')"
                      ".appendChild(Object.assign(document.createElement('input'), {type: 'text'}))")
        assert any(v.startswith("label (critical)") for v in serious(axe.run(page)))

        page.goto(f"{stack.site}/floating.html")
        page.get_by_role("button", name="Dai il tuo parere").click()
        page.get_by_role("dialog").wait_for()
        found["floating dialog"] = serious(axe.run(page))

        page.goto(f"{stack.site}/de.html")
        page.get_by_role("button", name="Senden").wait_for(timeout=10_000)
        found["inline, German"] = serious(axe.run(page))

        page.goto(f"{stack.collector}/v1/services/{SERVICE}/form?lang=it")
        found["form"] = serious(axe.run(page))
        shot(page, "form-nojs.png", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Invia").click()
        found["form with errors"] = serious(axe.run(page))
        shot(page, "form-nojs-errors.png")
    finally:
        context.close()
    assert found == {k: [] for k in found}, json.dumps(found, indent=1)
