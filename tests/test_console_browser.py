"""Acceptance of the console in Debian chromium (Playwright): sign in as each role, every page, the
numbers shown against the API, refusals, charts drawn by the locally served plotly.js, axe-core.

Set ``ASCOLTO_SCREENSHOTS=docs/screenshots`` to (re)write the screenshots of the docs.
"""
from __future__ import annotations

import re

import json
import os
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.console_data import build
from tests.browser import BROWSER, serious

pytestmark = [*BROWSER, pytest.mark.usefixtures("clock_2027")]  # fixed data of 2026, read as ended periods
SHOTS = os.environ.get("ASCOLTO_SCREENSHOTS")
STYPE = "anagrafe.certificati"
DASHBOARDS = ["/", "/service-types/", f"/service-types/{STYPE}", "/entities/", "/entities/c_h501", "/regions", "/quality"]
EXPORTS = ["/exports"]
ADMIN = ["/admin/entities", "/admin/services", "/admin/tokens", "/admin/audit"]


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from warehouse.console import create_app

    settings, tokens = build(tmp_path_factory.mktemp("console-browser"))
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tokens
    server.shutdown()


def api(base: str, token: str, path: str):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def sign_in(browser, base: str, token: str, lang: str = "it", path: str = "/"):
    """Ask for ``path`` without a session: the console sends to the sign-in form and back (issue 19.5)."""
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    page.goto(base + path)
    assert "/login?next=" in page.url and page.locator("h1").inner_text() == "Accesso alla console"
    page.get_by_label("Token di accesso").fill(token)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(base + path)
    if lang == "en":
        page.get_by_role("link", name="ENG", exact=True).click()
        page.wait_for_function("document.documentElement.lang === 'en'")  # the choice stored
    return context, page


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)



def axe_clean(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    return serious(Axe().run(page))


def test_monitoring_officer_walks_the_national_picture(console, browser):
    """The monitoring officer's path (issue 19): sign in from a deep link, the overview's positive
    share for a stated period, the instrument/channel breakdown, service types by share, one type's
    funnel, an entity, regions, data quality — axe on every page."""
    base, tokens = console
    found = {}
    context, page = sign_in(browser, base, tokens["monitoring"], path="/regions?indicator=ease")
    try:
        found["/regions"] = axe_clean(page)
        assert page.locator("#f-indicator").input_value() == "ease"  # back where the link pointed
        page.goto(base + "/")
        rows = api(base, tokens["monitoring"], "/api/v1/indicators?by=&indicator=satisfaction&from=2026-08&to=2026-10")["rows"]
        page.wait_for_selector("#fig-trend .plot .main-svg")  # plotly.js drew the chart, served locally
        # the chart writes its numbers as the table does (53,9 in Italian), not plotly's own 53.9
        assert page.evaluate("document.querySelector('#fig-trend .plot').closest('.js-plotly-plot')._fullLayout.separators") == ",."
        assert page.locator(".period-stated").get_attribute("data-period") == "2026-10"
        cells = page.locator('[data-table="trend"] tbody tr')
        assert cells.count() == len(rows)
        for i, r in enumerate(rows):
            assert cells.nth(i).locator('[data-col="n"]').text_content().strip() == str(r["n"])
            shown = cells.nth(i).locator('[data-col="share"]').text_content().strip().split()[0]
            # one decimal, written the Italian way (53,9), of the same published share (the API rounds to two first)
            assert re.fullmatch(r"\d+,\d", shown) and abs(float(shown.replace(",", ".")) - r["positive_share"]) <= 0.051
        head = page.locator('[data-table="headline"] tr[data-indicator="satisfaction"]')
        assert head.locator('[data-col="n"]').text_content().strip() == str(rows[-1]["n"])
        assert page.get_by_role("heading", name="Per strumento e scala").count() == 1  # the breakdown is reachable
        found["/"] = axe_clean(page)
        shot(page, "console-overview.png")
        page.get_by_label("Periodo", exact=True).select_option("2026-09")
        page.get_by_role("button", name="Applica").click()
        page.wait_for_url("**period=2026-09**")
        assert page.locator(".period-stated").get_attribute("data-period") == "2026-09"
        # service types by the headline share, sortable
        page.get_by_role("link", name="Tipi di servizio").first.click()
        page.get_by_role("link", name="Soddisfazione: quota positiva %").click()
        assert page.locator("th[aria-sort]").count() == 1
        found["/service-types/"] = axe_clean(page)
        shot(page, "console-service-types.png")
        page.get_by_role("link", name="Certificati anagrafici", exact=False).first.click()
        page.wait_for_selector("#fig-funnel .plot .main-svg")
        body = api(base, tokens["monitoring"], f"/api/v1/compare?service_type={STYPE}")
        for u in body["units"]:
            row = page.locator(f'[data-table="funnel"] tbody tr:has(td[data-col="entity"]:text-is("{u["entity"]}"))')
            value = row.locator('[data-col="value"]').text_content().strip()
            if u["conf_status"] == "A":
                assert value.startswith("oscurato"), u
            else:
                assert value.split()[0] == f"{u['value']:.1f}".replace(".", ",")  # Italian decimals
        # limits are curves over the whole n range on an integer axis
        plot = json.loads(page.locator("#plot-funnel").text_content())
        assert plot["layout"]["xaxis"]["tickformat"] == "d" and plot["data"][0]["x"][0] == 3
        assert len(plot["data"][0]["x"]) > 20
        found[f"/service-types/{STYPE}"] = axe_clean(page)
        shot(page, "console-service-type.png")
        page.goto(base + "/service-types/previdenza.domanda-prestazione")
        assert page.locator('[data-note="funnel"]').count() == 1 and page.locator("#fig-funnel .plot").count() == 0
        found["/service-types/previdenza"] = axe_clean(page)
        page.goto(base + "/entities/c_h501")
        page.wait_for_selector(f'[id="fig-trend-{STYPE}"] .plot .main-svg')
        found["/entities/c_h501"] = axe_clean(page)
        shot(page, "console-entity.png")
        page.goto(base + "/regions?freq=A&period=2026")  # (the default is a complete, fully covered period)
        reg = api(base, tokens["monitoring"], "/api/v1/indicators?by=region&freq=A&period=2026")["rows"]
        for r in reg:
            cell = page.locator(f'tr[data-region="{r["region"]}"] [data-col="share"]').inner_text()
            assert cell.startswith("oscurato") if r["positive_share"] is None else \
                abs(float(cell.split()[0].replace(",", ".")) - r["positive_share"]) <= 0.051  # Italian: 53,9
        shot(page, "console-regions.png")
        page.goto(base + "/quality")
        assert page.locator('[data-kpi="failed"]').inner_text() == "5"
        found["/quality"] = axe_clean(page)
        shot(page, "console-quality.png")
        assert page.get_by_role("link", name="Amministrazione").count() == 0
        for path in EXPORTS + ADMIN:
            resp = page.goto(base + path)
            assert resp.status == 403 and page.locator("h1").inner_text() == "Accesso negato", path
        assert [e for e in page.errors if "Failed to load resource" not in e] == []
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_statistician_separates_instruments_and_exports_self_describing_files(console, browser):
    """The statistician's path: a mean that would pool scales is refused with the reason and the share
    shown instead, the instrument breakdown, the export page whose periods follow the frequency, the
    data, its codelists and the SDMX structure — axe on every page."""
    base, tokens = console
    found = {}
    context, page = sign_in(browser, base, tokens["statistician"], path="/exports")
    try:
        found["/exports"] = axe_clean(page)
        page.get_by_label("Frequenza").select_option("Q")
        page.wait_for_url("**freq=Q**")
        options = page.locator("#e-from option").all_text_contents()
        assert options[1:] == ["2026-Q3", "2026-Q4"]
        shot(page, "console-exports.png")
        for fmt, name in (("csv", "ascolto-Q.csv"), ("codelists", "ascolto-Q.codelists.csv"),
                          ("sdmx-structure", "ascolto-structure.sdmx.xml")):
            page.get_by_label("Formato").select_option(fmt)
            with page.expect_download() as dl:
                page.get_by_role("button", name="Scarica", exact=True).click()
            assert dl.value.suggested_filename == name
            text = Path(dl.value.path()).read_text("utf-8")
            assert {"csv": "INSTRUMENT,SCALE,CHANNEL", "codelists": "codelist,code,label_it,label_en",
                    "sdmx-structure": "DataStructure"}[fmt] in text
        page.goto(base + f"/service-types/{STYPE}?measure=mean")
        found["/service-types (mean)"] = axe_clean(page)
        page.goto(base + "/service-types/previdenza.domanda-prestazione?measure=mean")
        assert page.locator("#f-measure").input_value() in ("mean", "positive_share")
        page.goto(base + "/")
        page.get_by_role("heading", name="Per strumento e scala").scroll_into_view_if_needed()
        assert page.locator('[data-table="by-instrument"] tbody tr').count() >= 1
        page.goto(base + "/lang/en?next=/")
        found["/ (en)"] = axe_clean(page)
        assert page.locator("h1").inner_text() == "National overview"
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_admin_administers(console, browser):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["admin"])
    try:
        page.goto(base + "/admin/tokens")
        page.get_by_label("Ruolo").select_option("monitoring")
        page.get_by_label("Etichetta").fill("Ufficio monitoraggio AgID")
        page.get_by_role("button", name="Crea").click()
        secret = page.locator("#new-secret").inner_text()
        assert secret.startswith("asc_")
        assert api(base, secret, "/api/v1/meta")["dimensions"]
        prefix = secret.split("_")[1]
        page.goto(base + "/admin/tokens")
        assert page.locator("#new-secret").count() == 0
        page.locator(f'tr[data-token="{prefix}"]').get_by_role("button").click()
        assert page.locator(f'tr[data-token="{prefix}"] td').nth(4).inner_text() != "—"
        page.goto(base + "/admin/audit")
        assert page.locator('[data-table="audit"]').get_by_text(prefix).count() >= 2  # create + revoke
        shot(page, "console-admin-audit.png")
        page.goto(base + "/admin/services")
        shot(page, "console-admin-services.png")
    finally:
        context.close()


def test_english_is_available(console, browser):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["monitoring"], lang="en")
    try:
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "National overview"
        page.wait_for_selector("#fig-trend .plot .main-svg")
        assert page.evaluate("document.querySelector('#fig-trend .plot').closest('.js-plotly-plot')._fullLayout.separators") == ".,"
    finally:
        context.close()


def test_axe_finds_no_serious_or_critical_violations_on_any_page(console, browser):
    from axe_playwright_python.sync_playwright import Axe

    base, tokens = console
    axe = Axe()
    found = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/")  # to the sign-in form
    found["/login"] = serious(axe.run(page))
    page.get_by_label("Token di accesso").fill("asc_wrong")
    page.get_by_role("button", name="Accedi").click()
    found["/login (error)"] = serious(axe.run(page))
    context.close()
    context, page = sign_in(browser, base, tokens["admin"])
    try:
        for path in DASHBOARDS + EXPORTS + ADMIN:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            found[path] = serious(axe.run(page))
        page.goto(base + "/lang/en?next=/")
        found["/ (en)"] = serious(axe.run(page))
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
