"""The improvement-cycle pages in Debian chromium (Playwright): the drivers matrix drawn by the
locally served plotly.js, the plan editor (create, edit, history, a stale form refused) and the
evaluation page, each checked with axe-core (no serious or critical violation).

Set ``ASCOLTO_SCREENSHOTS=docs/screenshots`` to (re)write the screenshots of the docs.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser import BROWSER
from tests.test_improve_pages import ROMA, SERVICE, seed

pytestmark = BROWSER
SHOTS = os.environ.get("ASCOLTO_SCREENSHOTS")


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from warehouse.console import create_app

    settings, tokens = seed(tmp_path_factory.mktemp("improve-browser"))
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tokens
    server.shutdown()


def sign_in(browser, base: str, token: str):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(base + "/login")
    page.get_by_label("Token di accesso").fill(token)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_load_state()
    return context, page


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_drivers_matrix_plan_editor_and_evaluation_in_chromium(console, browser):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["entity"])
    found = {}
    try:
        # drivers matrix of the entity's own service: chart drawn, speed first, plain list
        page.goto(f"{base}/workspace/{ROMA}/services/{SERVICE}/drivers?period=2026-10")
        page.wait_for_selector("#fig-drivers .plot .main-svg")
        assert page.locator('[data-list="priorities"] li').count() == 5
        assert "rapidità" in page.locator('[data-table="drivers"]').inner_text()
        found["drivers"] = serious(page)
        shot(page, "console-improve-drivers.png")
        # plan editor: record a plan, edit it, see the history; a stale form is refused
        page.goto(f"{base}/workspace/{ROMA}/plans")
        found["plans"] = serious(page)
        page.get_by_label("Servizio").select_option(SERVICE)
        page.get_by_label("Periodo di riferimento", exact=False).fill("2026-09")
        page.get_by_label("Obiettivo").fill("95")  # above the published baseline (filled in by the system)
        page.get_by_label("Scadenza").fill("2027-12-31")
        page.get_by_label("Responsabile del piano").fill("Ufficio anagrafe")
        page.get_by_label("Azioni").fill("Moduli più brevi; tempi di risposta pubblicati.")
        page.get_by_role("button", name="Registra il piano").click()
        page.wait_for_selector('[data-col="version"]')
        assert page.locator('[data-col="version"]').inner_text() == "1"
        stale = context.new_page()
        stale.goto(page.url)
        page.get_by_label("Obiettivo").fill("97")
        page.get_by_role("button", name="Salva una nuova versione").click()
        page.wait_for_selector('tr[data-version="2"]')
        found["plan"] = serious(page)
        shot(page, "console-improve-plan.png")
        stale.get_by_label("Obiettivo").fill("98")
        stale.get_by_role("button", name="Salva una nuova versione").click()
        stale.wait_for_selector('[data-error="version"]')
        assert stale.locator('tr[data-version="3"]').count() == 0
        found["plan (stale)"] = serious(stale)
        # evaluation of the seeded plan: before/after with the CI, verdict, MDC, trend chart
        page.goto(f"{base}/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10")
        page.wait_for_selector("#fig-trend .plot .main-svg")
        assert page.locator('[data-col="ci"]').inner_text().count("–") == 1
        assert page.locator('[data-col="verdict"]').inner_text() in ("migliorato", "peggiorato",
                                                                     "nessuna variazione rilevabile")
        found["evaluation"] = serious(page)
        shot(page, "console-improve-evaluation.png")
        assert page.errors == []
    finally:
        context.close()
    assert found == {k: [] for k in found}, found


def test_national_view_of_a_service_types_drivers_in_chromium(console, browser):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["monitoring"])
    try:
        page.goto(f"{base}/improve/")
        index = serious(page)
        page.get_by_label("Periodo", exact=False).fill("2026-10")
        page.get_by_role("button", name="Fattori").click()
        page.wait_for_selector("#fig-drivers .plot .main-svg")
        assert "service_type=anagrafe.certificati" in page.url
        assert page.locator('[data-list="priorities"] li').count() == 5
        assert (index, serious(page), page.errors) == ([], [], [])
        shot(page, "console-improve-service-type.png")
    finally:
        context.close()


def test_a_plans_evaluation_prints_the_evaluation_only(console, browser):
    # a manager prints the evaluation (or saves it as PDF) for the performance report: it printed the
    # console's menus, the sign-out button, the period form and the download buttons, and not what the
    # plan did (its actions) nor who answers for it
    from playwright.sync_api import expect

    base, tokens = console
    context, page = sign_in(browser, base, tokens["entity"])
    try:
        page.goto(f"{base}/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10")
        expect(page.locator('[data-col="actions"]')).to_have_text("Più sportelli online.")
        expect(page.locator('[data-col="owner"]')).to_have_text("Anagrafe")
        page.emulate_media(media="print")
        for hidden in (page.get_by_role("navigation", name="Menu"), page.get_by_role("button", name="Esci"),
                       page.get_by_role("button", name="Aggiorna"),
                       page.get_by_role("link", name="Scarica la valutazione (JSON)"),
                       page.get_by_text("usa «Stampa» del browser")):
            expect(hidden).to_be_hidden()
        expect(page.locator('[data-table="change"]')).to_be_visible()
        expect(page.locator('[data-col="actions"]')).to_be_visible()
        assert len(page.pdf(format="A4")) > 1000  # chromium prints it
    finally:
        context.close()


@pytest.mark.parametrize("role,paths", [
    ("entity", [f"/workspace/{ROMA}", f"/workspace/{ROMA}/comments", f"/workspace/{ROMA}/plans",
                f"/workspace/{ROMA}/plans/1", f"/workspace/{ROMA}/plans/1/evaluation?follow_up=2026-10"]),
    ("monitoring", ["/improve/"]),
])
def test_the_improvement_cycle_reflows_on_a_320px_screen(console, browser, role, paths):
    # WCAG 1.4.10 (400% zoom): the plan form's service list was 527 px wide, the workspace's reason
    # cards 484 px and the national service-type list 468 px, so the whole page scrolled sideways; the
    # wide tables (before/after, position, reasons, comments, plans) scrolled in regions a keyboard
    # could not reach (axe: scrollable-region-focusable, serious)
    from playwright.sync_api import expect

    base, tokens = console
    context, page = sign_in(browser, base, tokens[role])
    page.set_viewport_size({"width": 320, "height": 640})
    found, wide = {}, {}
    try:
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            found[path] = serious(page)
            if page.evaluate("() => document.documentElement.scrollWidth") > 320:
                wide[path] = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 322 && !(e.parentElement && e.parentElement.closest('.table-wrap')))
                    .slice(0, 3).map(e => e.tagName + '#' + e.id + '.' + e.className)""")
        if role == "entity":  # a keyboard reaches the before/after table's scroller, named for what it holds
            region = page.get_by_role("region", name="Tabella: Prima e dopo")
            region.focus()
            expect(region).to_be_focused()
    finally:
        context.close()
    assert wide == {} and found == {k: [] for k in found}, (wide, found)


def test_the_consoles_focus_ring_contrasts_with_what_is_around_it(console, browser):
    # WCAG 1.4.11: the console's focus ring was orange #f90 — about 2:1 on the page and on the blue
    # header and menu, where a manager working by keyboard could not see which link had the focus
    from tests.test_results_browser import _contrast

    base, tokens = console
    context, page = sign_in(browser, base, tokens["entity"])
    checked = {}
    try:
        page.goto(f"{base}/workspace/{ROMA}/plans")
        for _ in range(8):  # language links, sign-out (blue bars), the menu, then the page's links and buttons
            page.keyboard.press("Tab")
            ring = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                let p = e.parentElement; while (p && getComputedStyle(p).backgroundColor === 'rgba(0, 0, 0, 0)') p = p.parentElement;
                return [(e.textContent || e.tagName).trim().slice(0, 20), s.outlineStyle, parseFloat(s.outlineWidth),
                        s.outlineColor, p ? getComputedStyle(p).backgroundColor : 'rgb(255, 255, 255)']; }""")
            name, style, width, colour, behind = ring
            assert style != "none" and width >= 2, ring
            checked[name] = round(_contrast(colour, behind), 1)
    finally:
        context.close()
    assert len(checked) >= 6 and all(v >= 3 for v in checked.values()), checked
