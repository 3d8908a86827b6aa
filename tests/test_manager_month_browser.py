"""A PA manager's month in Debian chromium (Playwright) with axe-core: from the plan to its
evaluation by the link (no period chosen: the latest complete period with data, said on the page,
and the target judged on the follow-up's interval), and the workspace's services table with each
service's change since the previous period, on a desktop and on a 320 CSS px phone."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.browser import BROWSER
from tests.test_improve_browser import serious, sign_in
from tests.test_improve_pages import ROMA, SERVICE, seed

pytestmark = BROWSER


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from warehouse.console import create_app

    settings, tokens = seed(tmp_path_factory.mktemp("manager-month-browser"))
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tokens
    server.shutdown()


def test_from_the_plan_to_its_evaluation_and_the_services_changes(console, browser):
    from playwright.sync_api import expect

    base, tokens = console
    context, page = sign_in(browser, base, tokens["entity"])
    found = {}
    try:
        page.goto(f"{base}/workspace/{ROMA}/plans/1")
        page.get_by_role("link", name="Valutazione del piano").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Valutazione del piano #1")
        expect(page.get_by_role("columnheader", name="Verifica (2026-10)")).to_be_visible()
        expect(page.locator('[data-col="follow-up-note"]')).to_contain_text("l'ultimo periodo completo con dati")
        expect(page.locator('[data-col="target-sentence"]')).to_contain_text("Obiettivo 60,0")
        found["evaluation"] = serious(page)
        page.goto(f"{base}/workspace/{ROMA}?freq=M&period=2026-10")
        change = page.locator(f'tr[data-service="{SERVICE}"] td[data-col="change"]')
        expect(change).to_contain_text("rispetto a 2026-09")
        expect(page.get_by_role("columnheader", name="Rispetto al periodo precedente")).to_have_count(1)
        found["workspace"] = serious(page)
        page.set_viewport_size({"width": 320, "height": 640})
        page.reload()
        region = page.locator('div.table-wrap[role="region"][aria-labelledby="svc-h table-word"]')
        expect(region).to_be_visible()
        change.scroll_into_view_if_needed()
        expect(change).to_be_in_viewport()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320  # the table scrolls, not the page
        found["workspace 320px"] = serious(page)
        assert page.errors == []
    finally:
        context.close()
    assert found == {k: [] for k in found}, found
