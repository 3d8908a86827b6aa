"""The console's tables for a keyboard on a 375-px phone (Debian chromium): a table wider than the phone
scrolls inside its own container, so that container must take the keyboard's focus and be named — the
entity's services, the regions, coverage, channels and the audit log were plain ``div``s (axe's serious
``scrollable-region-focusable``: a keyboard user could not reach their hidden columns) and a region named
after its card's heading repeated the card's own name (``landmark-unique``) — and an entity page's empty
states: an entity without services showed the headers of an empty table, and one known only from its
answers linked to a "Mettiamoci la faccia" report that answered 404."""
from __future__ import annotations

import pytest

from registry import connect, session_scope
from registry.ops import add_entity
from tests.browser import BROWSER, serve
from tests.console_data import build
from tests.test_console_browser import sign_in

pytestmark = [*BROWSER, pytest.mark.usefixtures("clock_2027")]  # fixed data of 2026, read as ended periods
PAGES = ["/", "/entities/c_l219", "/entities/c_h501", "/regions", "/coverage",
         "/channels?service_type=anagrafe.certificati", "/quality/response-rates", "/workspace/c_h501",
         "/admin/audit", "/admin/services"]
#: Each table container: does it scroll sideways, can the keyboard reach it, its role and its accessible name
#: (aria-label, else the texts aria-labelledby names).
WRAPS = """() => [...document.querySelectorAll('.table-wrap')].filter(w => w.offsetParent !== null).map(w => ({
  table: (w.querySelector('table') || {}).dataset?.table || w.querySelector('table')?.id,
  scrolls: w.scrollWidth > w.clientWidth + 1, tabindex: w.tabIndex, role: w.getAttribute('role'),
  name: w.getAttribute('aria-label') || (w.getAttribute('aria-labelledby') || '').split(' ')
        .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim()}))"""


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The console's seeded data (tests/console_data.py: c_l219 answers but is not in the registry) and an
    entity registered without any service."""
    from warehouse.console import create_app

    settings, tokens = build(tmp_path_factory.mktemp("console-tables"))
    with session_scope(connect(settings.database_url)) as s:
        add_entity(s, actor="test", ipa_code="c_d969", name="Comune di Genova", category="L6", comune_istat="010025")
    url, server = serve(create_app(settings))
    yield url, tokens
    server.shutdown()


def test_a_table_wider_than_a_phone_scrolls_in_a_named_region_the_keyboard_reaches(console, browser):
    from axe_playwright_python.sync_playwright import Axe

    base, tokens = console
    context, page = sign_in(browser, base, tokens["admin"], path="/")
    page.set_viewport_size({"width": 375, "height": 812})
    scrolled, unreachable, axe = [], {}, {}
    for path in PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path  # the page itself never scrolls
        wraps = page.evaluate(WRAPS)
        names = [w["name"] for w in wraps]
        for w in wraps:
            if w["scrolls"]:
                scrolled.append((path, w["table"]))
            if w["tabindex"] != 0 or w["role"] != "region" or not w["name"] or names.count(w["name"]) > 1:
                unreachable.setdefault(path, []).append(w)
        found = [f"{v['id']}: {[n['target'] for n in v['nodes']][:2]}" for v in Axe().run(page).response["violations"]
                 if v["id"] in ("scrollable-region-focusable", "landmark-unique", "aria-valid-attr-value")]
        if found:
            axe[path] = found
    assert {("/regions", "regions"), ("/admin/audit", "audit")} <= set(scrolled), scrolled  # the phone's case, met
    assert not unreachable, unreachable
    assert not axe, axe
    # a keyboard user reaches the regions' table and scrolls it to its hidden columns
    page.goto(base + "/regions")
    region = page.get_by_role("region", name="(tabella)")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5000)  # (a smooth scroll)
    assert not page.errors
    context.close()


def test_entity_pages_empty_states_and_no_dead_link(console, browser):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["monitoring"], path="/entities/c_d969")
    services = page.locator('table[data-table="services"]')
    assert services.locator("tbody tr").all_inner_texts() == ["Nessun servizio di questo ente nel registro."]
    assert page.get_by_role("link", name="Mettiamoci la faccia — rapporto").count() == 1  # registered: its report
    page.get_by_role("link", name="ENG", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'en'")  # the choice stored
    assert services.locator("tbody tr").all_inner_texts() == ["No service of this entity in the registry."]
    page.get_by_role("link", name="ITA", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'it'")  # the choice stored
    # c_l219 is known only from its answers: no report of the registry's to link to (it was a 404)
    for path in ("/entities/c_l219", "/entities/c_h501"):
        page.goto(base + path)
        for href in page.locator("main a[href^='/']").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
            if "/csv/" in href or href.startswith("/exports"):
                continue
            assert context.request.get(base + href).status < 400, (path, href)
    assert page.get_by_role("link", name="Mettiamoci la faccia — rapporto").count() == 1  # c_h501's, registered
    context.close()


def test_the_same_figure_is_named_the_same_on_the_entity_page_and_its_workspace(console, browser):
    """The count of responses is "Risposte" on the entity page, the service type's funnel ("Numero di risposte")
    and the overview; the entity's workspace headed it "N" (its services, its position, its funnel's axis and CSV)."""
    base, tokens = console
    context, page = sign_in(browser, base, tokens["admin"], path="/entities/c_h501")
    heads = page.locator('table[data-table="services"] thead th').all_inner_texts()
    assert "Risposte" in heads
    page.goto(base + "/service-types/anagrafe.certificati")
    page.wait_for_selector('[data-chart="funnel"] .g-xtitle text')
    axis = page.locator('[data-chart="funnel"] .g-xtitle text').text_content()
    assert axis == "Numero di risposte"
    page.goto(base + "/workspace/c_h501")
    for table in ("services", "position"):
        heads = page.locator(f'table[data-table="{table}"] thead th').all_inner_texts()
        assert "Risposte" in heads and "N" not in heads, (table, heads)
    page.wait_for_selector('[data-chart^="funnel-"] .g-xtitle text')
    assert page.locator('[data-chart^="funnel-"] .g-xtitle text').all_text_contents() == [axis]
    assert "Risposte" in page.locator('table[data-table^="funnel-"] thead th').all_text_contents()
    with page.expect_download() as dl:
        page.locator('a[href*="/services.csv"]').first.click()
    assert "Risposte" in dl.value.path().read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    assert not page.errors
    context.close()
