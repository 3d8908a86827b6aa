"""National monitoring staff at the Department of Public Function, walked in Debian chromium.

They open a service type's comparison in Italian and in English, read what its rank intervals, EB
estimates and marks mean in the legend, download the funnel's table, follow a mistyped entity link,
then read the open-data site's quarter. axe finds nothing on any of these pages — not even the
"moderate" landmark findings (two banners, text outside every landmark) that the other browser
tests let through.
"""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone

import pytest
from werkzeug.serving import make_server

from tests.browser import BROWSER
from tests.console_data import build
from tests.test_console_browser import sign_in

pytestmark = BROWSER
STYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    from warehouse.console import create_app
    from warehouse.dataset import Warehouse
    from warehouse.protect import Protection
    from warehouse.public import create_app as public_app
    from warehouse.publish import publish

    settings, tokens = build(tmp_path_factory.mktemp("monitoring-persona"))
    with Warehouse(settings) as wh:
        publish(wh.cursor(), "2026-Q3", settings.releases_path, Protection.from_settings(settings),
                now=datetime(2026, 11, 29, 12, tzinfo=timezone.utc))
    servers = [make_server("127.0.0.1", 0, app, threaded=True)
               for app in (create_app(settings), public_app(settings.with_(public_rate_limit="100000/minute")))]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{s.server_port}" for s in servers], tokens
    for s in servers:
        s.shutdown()


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    return [f"{v['id']} ({v['impact']})" for v in Axe().run(page).response["violations"]]


def test_monitoring_staff_compare_a_service_type_and_read_the_public_quarter(sites, browser):
    (console, public), tokens = sites
    context, page = sign_in(browser, console, tokens["monitoring"], path=f"/service-types/{STYPE}")
    try:
        assert _violations(page) == []
        legend = page.locator("aside.legend")
        assert "dal 1° al 4° posto" in legend.inner_text()  # what a rank interval is, in words
        assert "si potrebbe riconoscere chi ha risposto" in legend.inner_text()  # why a cell is hidden
        with page.expect_download() as got:
            page.locator("#fig-funnel").get_by_role("link", name=re.compile("Scarica CSV")).click()
        head = open(got.value.path(), encoding="utf-8-sig").readline()
        assert head.startswith("Rango EB;Intervallo del rango;")
        page.get_by_role("link", name="ENG", exact=True).click()
        page.wait_for_function("document.documentElement.lang === 'en'")  # the choice stored
        page.wait_for_load_state()
        text = page.locator("main").inner_text()
        # the English page writes English numbers (the p-values include the cell-key noise since the funnel
        # counts it, so which p is shown depends on the data: its decimal point is what is checked)
        assert re.search(r"\bp [<=] 0\.\d", text) and not re.search(r"\bp [<=] 0,\d", text)
        assert "anywhere from 1st to 4th" in page.locator("aside.legend").inner_text()
        assert _violations(page) == []
        page.get_by_role("link", name="ITA", exact=True).click()
        page.wait_for_function("document.documentElement.lang === 'it'")  # the choice stored
        page.goto(console + "/entities/c_z999")  # an old link to an entity the registry does not have
        assert page.locator("main").inner_text().count("Nessun ente con codice IPA «c_z999» nel registro.") == 1
        assert _violations(page) == []
    finally:
        context.close()
    reader = browser.new_page()
    try:
        reader.goto(public + "/it/2026-Q3")
        row = reader.locator('[data-table="national"] tr[data-indicator="SATISFACTION"]')
        assert row.locator('[data-col="status"]').inner_text() == "valore normale (A/F)"
        assert reader.get_by_role("link", name="Scarica la tabella, per fogli di calcolo (CSV)").count() == 1
        assert _violations(reader) == []
    finally:
        reader.close()
