"""The public site in German, in Debian chromium (Playwright) with axe-core, as tests/test_results_browser.py
checks the Italian and English pages: a reader of an Italian page switches to German and stays on the
same quarter; the German pages pass axe, say their language, and read their tables in German.
"""
from __future__ import annotations

import re

import pytest

from tests.browser import BROWSER, serious, serve_released
from tests.warehouse_rows import response

pytestmark = BROWSER
Q = "2026-Q3"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    rows = [response(period=m, entity="c_h501", service_type="anagrafe.certificati", satisfaction=1 + i % 5)
            for m in ("2026-07", "2026-08", "2026-09") for i in range(30)]
    rows += [response(period=m, entity="inps", pa_type="C16", service_type="previdenza.domanda-prestazione",
                      satisfaction=1 + i % 5) for m in ("2026-07", "2026-08", "2026-09") for i in range(4)]
    with serve_released(tmp_path_factory.mktemp("public-de-browser"), rows, [Q]) as url:
        yield url



def test_the_german_public_site_reads_in_german_and_passes_axe(base, browser):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    ctx = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = ctx.new_page()
    found = {}
    for path in ("/de/", f"/de/{Q}", "/de/methodology", "/de/service-types/previdenza.domanda-prestazione"):
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == "de", path
        found[path] = serious(Axe().run(page))

    page.goto(f"{base}/it/{Q}")  # an Italian reader switches to German and stays on the quarter
    page.get_by_role("navigation", name="Lingua").get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"{base}/de/{Q}")
    assert page.locator("html").get_attribute("lang") == "de"
    expect(page.get_by_role("heading", level=1)).to_have_text("Quartal 2026-Q3 (Juli–September 2026)")
    expect(page.locator("main p").first).to_contain_text("Veröffentlicht am 2. Dezember 2026")
    region = page.get_by_role("region", name="Gesamtstaatliche Ergebnisse 2026-Q3")
    expect(region.get_by_role("columnheader", name="Positiver Anteil %")).to_have_count(1)
    expect(region.get_by_role("columnheader", name="95-%-KI des Anteils")).to_have_count(1)
    satisfaction = region.locator('[data-indicator="SATISFACTION"]')
    expect(satisfaction.get_by_role("rowheader")).to_have_text("Zufriedenheit")
    expect(satisfaction.locator('[data-col="top2"]')).to_have_text(re.compile(r"^\d+,\d$"))  # a decimal comma
    low = page.locator('[data-table="pa-C16"] [data-indicator="SATISFACTION"] [data-col="status"]')
    expect(low).to_contain_text("geringe Verlässlichkeit (N < 30)")
    expect(page.get_by_role("heading", name="Antrag auf eine Sozialversicherungs- oder Fürsorgeleistung")).to_have_count(1)
    expect(page.get_by_role("link", name="Herunterladen: die Tabelle, für Tabellenkalkulationen (CSV)")).to_have_count(1)

    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    page.wait_for_url(f"{base}/en/{Q}")
    assert page.locator("html").get_attribute("lang") == "en"
    ctx.close()
    assert {k: v for k, v in found.items() if v} == {}
