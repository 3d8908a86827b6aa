"""Issue 14 in a real browser (Debian chromium via Playwright): the faces in the widget, and the kiosk
page — touch, reset for the next citizen, the offline queue sent once when the network returns.

One in-process stack for the module (collector and processor threads, the session's Tansu broker,
the wide demo registry) as in ``tests/test_widget_browser.py``; every answer is looked up in the
warehouse by its ``submission_id``. ``ASCOLTO_SCREENSHOTS=docs/screenshots`` rewrites the screenshots.
"""
from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from deploy.broker import ensure_topics, free_port
from registry import connect, ops, session_scope
from registry.demo_wide import seed_wide
from settings import Settings
from tests.browser import BROWSER, launch
from tests.channel_support import DESK_SERVICE, KIOSK_SERVICE, register_device
from tests.conftest import ProcessorThread, wait_for
from tests.test_widget_browser import serious, shot

pytestmark = BROWSER
SAMPLED_SERVICE = "demo-venezia-urp"  # faccia, front_office; sampling_rate 0.5 in this stack

PAGE = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Sportello URP</title></head>
<body><main><h1>Sportello URP</h1>
<script src="{collector}/widget.js" data-service="{service}" async></script></main></body></html>"""


class Stack:
    def __init__(self, settings, collector, site):
        self.settings, self.collector, self.site = settings, collector, site

    def rows(self, submission_id: str) -> list[tuple]:  # channel, face, reasons
        from warehouse.dataset import open_dataset

        with open_dataset(self.settings.data_dir) as con:
            return con.execute("SELECT channel, satisfaction_raw, went_wrong FROM responses WHERE submission_id = ?",
                               [submission_id]).fetchall()

    def wait_row(self, submission_id: str) -> tuple:
        return wait_for(lambda: self.rows(submission_id), timeout_s=30, message=f"{submission_id} stored")[0]


@pytest.fixture(scope="module")
def stack(broker, tmp_path_factory):
    from werkzeug.serving import make_server

    from collector.app import close_app, create_app

    tag = uuid.uuid4().hex[:8]
    site_port, collector_port = free_port(), free_port()
    site, collector = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{collector_port}"
    settings = Settings(data_dir=tmp_path_factory.mktemp("channels-stack"), broker=broker.bootstrap,
                        topic=f"k-{tag}.submissions", group=f"k-{tag}", collector_id="browser-test",
                        produce_timeout_s=5.0, batch_max_records=200, batch_max_seconds=0.3,
                        max_poll_interval_ms=3000, session_timeout_ms=6000, min_fill_ms=0,
                        registry_ttl_s=0.0)  # a registry change (a reassignment) is seen by the next request
    ensure_topics(broker.bootstrap, {settings.topic: 1, settings.dlq_topic: 1})
    seed_wide(connect(settings.database_url), [site])
    with session_scope(connect(settings.database_url)) as s:  # the sampling test's service invites half
        ops.update_service(s, SAMPLED_SERVICE, actor="test", sampling_rate=0.5)
    app = create_app(settings)
    server = make_server("127.0.0.1", collector_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):  # /?s=SERVICE_KEY[&other=...] (default: the desk service)
            key = parse_qs(urlsplit(self.path).query).get("s", [DESK_SERVICE])[0]
            body = PAGE.format(collector=collector, service=key).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
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


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


def test_the_widget_draws_three_faces_answerable_with_the_keyboard(stack, browser):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(locale="it-IT", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(stack.site + "/")
    faces = page.get_by_role("radio")
    page.get_by_role("radio", name="Soddisfatto/a", exact=True).wait_for()
    names = [faces.nth(i).evaluate("e => e.labels[0].textContent") for i in range(3)]
    assert names == ["Soddisfatto/a", "Né soddisfatto/a né insoddisfatto/a", "Insoddisfatto/a"]
    assert page.evaluate("""() => { const host = [...document.querySelectorAll('*')].find(e => e.shadowRoot);
        return [...host.shadowRoot.querySelectorAll('.asc-faces svg[aria-hidden=true]')].length; }""") == 3
    page.get_by_role("radio", name="Soddisfatto/a", exact=True).focus()
    page.keyboard.press("ArrowRight")  # radios: arrows move and select
    assert page.get_by_role("radio", name="Né soddisfatto/a né insoddisfatto/a", exact=True).is_checked()
    assert serious(Axe().run(page)) == []
    shot(page, "widget-faces.png", full_page=True)
    context.close()


def test_the_kiosk_by_touch_resets_for_the_next_citizen_and_sends_its_offline_queue_once(stack, browser):
    from axe_playwright_python.sync_playwright import Axe

    _, token = register_device(stack.settings, KIOSK_SERVICE)
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}, has_touch=True,
                                  is_mobile=False)
    page = context.new_page()
    posts: list[tuple[str, int]] = []
    page.on("response", lambda r: posts.append((r.request.post_data_json["submission_id"], r.status))
            if r.url.endswith("/v1/submissions") and r.request.method == "POST" else None)
    page.goto(f"{stack.collector}/v1/services/{KIOSK_SERVICE}/kiosk?device={token}&reset=2")
    assert serious(Axe().run(page)) == []
    shot(page, "kiosk.png")

    # a citizen online: a tap on a face, a reason, send; thanks; back to the faces after the reset
    page.get_by_role("button", name="Soddisfatto/a", exact=True).tap()
    page.get_by_role("button", name="Ho atteso poco", exact=True).tap()
    assert page.get_by_role("button", name="Ho atteso poco", exact=True).get_attribute("aria-pressed") == "true"
    shot(page, "kiosk-reasons.png")
    page.get_by_role("button", name="Invia", exact=True).tap()
    page.get_by_role("heading", name="Grazie per il tuo parere!").wait_for()
    page.get_by_role("button", name="Soddisfatto/a", exact=True).wait_for(timeout=5000)  # reset
    assert page.evaluate("[...document.querySelectorAll('.reason')].every(b => b.ariaPressed === 'false')")
    wait_for(lambda: len(posts) == 1, timeout_s=10, message="the first answer sent")
    first, status = posts[0]
    assert status == 202 and stack.wait_row(first)[:2] == ("kiosk", "satisfied")

    # the network goes away: two citizens answer; the queue keeps them (no identifiers), nothing lost
    context.set_offline(True)
    for _ in range(2):
        page.get_by_role("button", name="Insoddisfatto/a", exact=True).tap()
        page.get_by_role("button", name="Ho atteso troppo", exact=True).tap()
        page.get_by_role("button", name="Invia", exact=True).tap()
        page.get_by_role("button", name="Insoddisfatto/a", exact=True).wait_for(timeout=5000)
    queued = page.evaluate(f"JSON.parse(localStorage.getItem('ascolto.kiosk.queue.{KIOSK_SERVICE}'))")
    assert len(queued) == 2 and all(set(q) == {"submission_id", "service", "questionnaire", "version", "lang",
                                                 "answers", "context"} for q in queued)
    assert page.get_by_role("status").inner_text().endswith(": 2")
    context.set_offline(False)  # "online": the queue is sent, in order, each once
    wait_for(lambda: page.evaluate(f"localStorage.getItem('ascolto.kiosk.queue.{KIOSK_SERVICE}')") == "[]",
             timeout_s=20, message="the queue emptied")
    ids = [q["submission_id"] for q in queued]
    for sid in ids:
        assert stack.wait_row(sid) == ("kiosk", "dissatisfied", ["speed"])
        assert len(stack.rows(sid)) == 1
    assert [s for s, st in posts if st == 202] == [first] + ids
    context.close()


def test_the_operator_page_records_one_entry_per_press_with_the_keyboard(stack, browser):
    from axe_playwright_python.sync_playwright import Axe
    from werkzeug.serving import make_server

    from registry.tokens import create_token
    from warehouse.console import create_app

    with session_scope(connect(stack.settings.database_url)) as s:
        secret = create_token(s, role="operator", label="Sportello URP Roma", actor="test:admin", entity="c_h501")[1]
    console = create_app(stack.settings.with_(collector_internal_url=stack.collector, console_secure_cookie=False))
    server = make_server("127.0.0.1", 0, console, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    context = browser.new_context(locale="it-IT", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    entries: list[tuple[str, int]] = []
    page.on("response", lambda r: entries.append((r.request.post_data_json["submission_id"], r.status))
            if r.url.endswith("/operator/entries") else None)
    try:
        page.goto(base + "/login")
        page.get_by_label("Token di accesso").fill(secret)
        page.get_by_role("button", name="Accedi").click()
        page.get_by_role("heading", name="Registrazione giudizi").wait_for()
        assert serious(Axe().run(page)) == []
        for face in ("Soddisfatto/a", "Soddisfatto/a", "Insoddisfatto/a"):  # keyboard: focus, Enter
            page.get_by_role("button", name=face, exact=True).focus()
            page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Insoddisfatto/a · 3", timeout=15000)
        assert page.get_by_role("status").inner_text() == "Insoddisfatto/a · 3"
        assert [st for _, st in entries] == [202, 202, 202]
        shot(page, "console-operator.png", full_page=True)
        got = [stack.wait_row(sid)[:2] for sid, _ in entries]
        assert got == [("front_office", "satisfied"), ("front_office", "satisfied"), ("front_office", "dissatisfied")]
    finally:
        context.close()
        server.shutdown()
