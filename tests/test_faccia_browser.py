"""A PA's office reads its own "Mettiamoci la faccia" report in Debian chromium (Playwright, axe-core):
from its workspace, as its own ``entity`` token, in Italian and — with the ENG switch — in English."""
from __future__ import annotations

import random
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser import BROWSER, serious
from tests.console_data import build
from tests.test_console_browser import sign_in
from tests.test_faccia_report import _faccia
from tests.warehouse_rows import write

pytestmark = BROWSER


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from registry import connect, ops, session_scope
    from registry.tokens import create_token
    from warehouse.console import create_app

    root = tmp_path_factory.mktemp("faccia-browser")
    settings, _tokens = build(root)
    rnd = random.Random(5)
    write(root, [_faccia(period, "front_office", face, rnd) for period in ("2026-09", "2026-10")
                 for face, k in (("satisfied", 30), ("neutral", 6), ("dissatisfied", 6)) for _ in range(k)])
    with session_scope(connect(settings.database_url)) as s:
        ops.add_service(s, actor="test", entity_ipa="c_h501", name="URP - sportello", service_type="sportello.urp",
                        key="roma-front_office", channel="front_office", questionnaire_id="faccia")
        secret = create_token(s, role="entity", entity="c_h501", label="Roma - servizi digitali", actor="test")[1]
    server = make_server("127.0.0.1", 0, create_app(settings.with_(console_secure_cookie=False)), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", secret
    server.shutdown()



def test_the_entity_reads_its_faccia_report_from_its_workspace_in_italian_and_english(console, browser):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    base, secret = console
    ctx = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = ctx.new_page()
    page.goto(base + "/login")
    page.get_by_label("Token di accesso").fill(secret)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"{base}/workspace/c_h501")
    page.get_by_role("link", name="Mettiamoci la faccia — rapporto").click()
    page.wait_for_url(f"{base}/entities/c_h501/faccia")
    expect(page.get_by_role("heading", name="Giudizi per canale e mese")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Sportello")).to_be_visible()
    found = {"it": serious(Axe().run(page))}
    page.get_by_role("link", name="ENG", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'en'")  # the choice stored
    expect(page.get_by_role("heading", name="Judgements by channel and month")).to_be_visible()
    expect(page.get_by_role("heading", name="What went well")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Front office")).to_be_visible()
    expect(page.locator("article.mlf")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    found["en"] = serious(Axe().run(page))
    page.get_by_role("link", name="Back to the entity's workspace").click()
    page.wait_for_url(f"{base}/workspace/c_h501")
    ctx.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_the_report_fits_a_phone_its_wide_table_scrolls_alone(console, browser):
    """On a 390-px phone the judgements' table by channel and month (nine columns) widened the whole page
    to 845 px: every line of the report scrolled sideways. The table scrolls in its own region."""
    base, secret = console
    ctx, page = sign_in(browser, base, secret, path="/entities/c_h501/faccia")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("heading", name="Giudizi per canale e mese").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("region", name="Giudizi per canale e mese").count() == 1
    ctx.close()
