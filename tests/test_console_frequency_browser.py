"""A new member of staff in December of the data's first year (Debian chromium) picks "Annuale" in a page's
frequency menu: no year has ended, so the page is a 400 naming «period» — which was a dead end, with no way on
but the browser's back button. It now offers the latest ended period of the next finer frequency that has one
(the same page, every other choice kept), as a running period's refusal offers the latest ended one."""
from __future__ import annotations

import pytest

from tests.browser import BROWSER, serve
from tests.console_data import build
from tests.test_console_browser import sign_in

pytestmark = [*BROWSER, pytest.mark.usefixtures("clock_december")]  # 2026-12-15: 2026-Q3 ended, 2026 running


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The console's seeded months 2026-08 to 2026-10 (tests/console_data.py)."""
    from warehouse.console import create_app

    settings, tokens = build(tmp_path_factory.mktemp("console-frequency"))
    url, server = serve(create_app(settings))
    yield url, tokens
    server.shutdown()


@pytest.mark.parametrize("path", ["/regions", "/service-types/anagrafe.certificati", "/entities/c_h501"])
def test_a_frequency_none_of_whose_periods_has_ended_offers_a_finer_one(console, browser, path):
    base, tokens = console
    context, page = sign_in(browser, base, tokens["monitoring"], path=path)
    page.get_by_label("Indicatore").select_option("ease")
    page.get_by_label("Frequenza").select_option("A")
    page.get_by_role("button", name="Applica").click()
    assert page.locator("h1").inner_text() == "Errore 400"
    assert "«period»" in page.locator("p.lead").inner_text() and "Nessun anno con dati" in page.locator("p.lead").inner_text()
    page.get_by_role("link", name="Mostra 2026-Q3 (Trimestrale)").click()
    assert page.locator("h1").inner_text() != "Errore 400"
    assert page.locator(".period-stated").inner_text().startswith("Periodo: 2026-Q3 (Trimestrale)")
    assert page.get_by_label("Indicatore").input_value() == "ease"  # every other choice kept
    assert page.get_by_label("Frequenza").input_value() == "Q"
    page.get_by_role("link", name="ENG", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'en'")  # the choice stored before the next visit
    page.goto(base + path + "?freq=A&period=2026")
    page.get_by_role("link", name="Show 2026-Q3 (Quarterly)").click()
    assert page.locator(".period-stated").inner_text().startswith("Period: 2026-Q3 (Quarterly)")
    assert not [e for e in page.errors if "400" not in e]  # the refused page's own status is logged
    context.close()
