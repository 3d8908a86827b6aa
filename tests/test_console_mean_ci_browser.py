"""The mean's 95% interval on the console's tables (Debian chromium): the overview's headline table, its
breakdown tables (by channel, by instrument and scale), an entity's, and the channels page showed
"Media (0–100)" without its interval while every share stood beside its own. Each interval shown is the
protected cell's own (the API's ``mean_ci`` for the same cell, to the page's one decimal); a suppressed cell
shows no number of it; the CSV downloads carry its bounds as "Media: IC 95% inf./sup." ("Mean: 95% CI
low/high"); the page still fits a 375-px phone (the tables scroll in their own region)."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests import console_csv
from tests.browser import BROWSER, serve
from tests.console_data import build
from tests.test_console_browser import sign_in

pytestmark = [*BROWSER, pytest.mark.usefixtures("clock_2027")]  # fixed data of 2026, read as ended periods

PERIOD = "freq=M&period=2026-10"


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from warehouse.console import create_app

    settings, tokens = build(tmp_path_factory.mktemp("console-mean-ci"))
    url, server = serve(create_app(settings))
    try:
        yield url, tokens
    finally:
        server.shutdown()


def _get(base: str, token: str, path: str) -> bytes:
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read()


def _api(base: str, token: str, query: str) -> list[dict]:
    return json.loads(_get(base, token, "/api/v1/indicators?" + query))["rows"]


def _value(text: str) -> float:
    assert re.fullmatch(r"\d+,\d", text), text  # a number as the Italian page writes it, to one decimal
    return float(text.replace(",", "."))


def _same(shown: tuple[str, str] | str, ci: list) -> bool:
    """The bounds ``shown`` (a pair of texts, or "lo – hi") are the API's ``ci`` (two decimals) to the page's one."""
    lo, hi = shown.split(" – ") if isinstance(shown, str) else shown
    return ci[0] is not None and abs(_value(lo) - ci[0]) <= 0.05 + 1e-9 and abs(_value(hi) - ci[1]) <= 0.05 + 1e-9


def _cells(page, table: str, col: str) -> list[str]:
    return page.locator(f'table[data-table="{table}"] tbody td[data-col="{col}"]').all_inner_texts()


def test_the_means_interval_is_shown_beside_the_mean_as_the_api_gives_it(console, browser):
    base, tokens = console
    token = tokens["monitoring"]
    context, page = sign_in(browser, base, token, path="/?" + PERIOD)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{base}/?{PERIOD}")
    # the headline: every indicator's mean beside its interval, the API's for the same national cell
    headers = page.locator('table[data-table="headline"] thead th').all_inner_texts()
    assert headers.index("Media: IC 95%") == headers.index("Media (0–100)") + 1, headers
    checked = 0
    for ind in ("satisfaction", "ease"):
        [api] = _api(base, token, f"indicator={ind}&by=&{PERIOD}")
        assert api["mean"] is not None and api["mean_ci"][0] < api["mean"] < api["mean_ci"][1], api
        row = page.locator(f'table[data-table="headline"] tr[data-indicator="{ind}"]')
        assert abs(_value(row.locator('td[data-col="mean"]').inner_text().split(" ")[0]) - api["mean"]) <= 0.05 + 1e-9
        assert _same(row.locator('td[data-col="mean_ci"]').inner_text(), api["mean_ci"]), ind
        checked += 1
    assert checked == 2
    # the breakdown tables (chart data tables) show the mean's bounds beside the mean, each the API's
    for table, by in (("by-channel", "channel"), ("by-instrument", "instrument,scale")):
        api = _api(base, token, f"indicator=satisfaction&by={by}&{PERIOD}")
        shown = list(zip(_cells(page, table, "mean_lower"), _cells(page, table, "mean_upper")))
        assert shown and len(shown) == len(api), table
        assert all(_same(s, r["mean_ci"]) for s, r in zip(sorted(shown, key=lambda s: _value(s[0])),
                                                           sorted(api, key=lambda r: r["mean_ci"][0]))), (table, shown, api)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the tables scroll in their own region
    # the channels page: each period's channel and instrument, the mean's interval in its own column
    page.goto(f"{base}/channels?service_type=anagrafe.certificati&freq=M")
    api = _api(base, token, "indicator=satisfaction&by=channel,questionnaire&service_type=anagrafe.certificati"
                            "&freq=M&from=2026-08&to=2026-10")
    rows = page.locator('table[data-table="channels"] tbody tr')
    shown = {(rows.nth(i).locator("td").first.inner_text(), rows.nth(i).get_attribute("data-channel")):
             rows.nth(i).locator('td[data-col="mean_ci"]').inner_text() for i in range(rows.count())}
    assert len(shown) == 3 and set(shown) == {(r["period"], r["channel"]) for r in api}, shown
    assert all(_same(shown[r["period"], r["channel"]], r["mean_ci"]) for r in api), (shown, api)
    assert not page.errors
    context.close()


def test_a_suppressed_cell_shows_no_interval_of_its_mean(console, browser):
    base, tokens = console
    token = tokens["monitoring"]
    [api] = _api(base, token, f"indicator=satisfaction&by=&entity=c_l219&{PERIOD}")
    assert api["conf_status"] == "A" and api["mean_ci"] == [None, None]  # Torino: one answer, suppressed
    context, page = sign_in(browser, base, token, path=f"/entities/c_l219?{PERIOD}")
    for table in ("by-channel", "by-instrument"):
        cells = _cells(page, table, "mean_lower") + _cells(page, table, "mean_upper") + _cells(page, table, "mean")
        assert cells and all(c == "oscurato" for c in cells), (table, cells)  # as the share's bounds say it
    page.goto(f"{base}/channels?entity=c_l219&freq=M")
    shown = _cells(page, "channels", "mean_ci")
    assert shown and all(not re.search(r"\d", c) for c in shown), shown
    context.close()


def test_the_downloads_carry_the_means_bounds_named_as_the_shares(console):
    base, tokens = console
    token = tokens["monitoring"]
    [api] = _api(base, token, f"indicator=satisfaction&by=&{PERIOD}")
    header, *body = console_csv.rows(_get(base, token, f"/csv/overview/headline?{PERIOD}"))
    assert header[header.index("Media (0–100)"):][:3] == ["Media (0–100)", "Media: IC 95% inf.",
                                                          "Media: IC 95% sup."]
    row = dict(zip(header, body[0]))
    assert row["Indicatore"] == "Soddisfazione"
    assert all(abs(float(row[k]) - v) <= 0.05 + 1e-9 for k, v in zip(("Media: IC 95% inf.", "Media: IC 95% sup."),
                                                                       api["mean_ci"])), (row, api)
    english = console_csv.rows(_get(base, token, f"/csv/overview/headline?{PERIOD}&lang=en"))[0]
    assert {"Mean: 95% CI low", "Mean: 95% CI high", "95% CI low", "95% CI high"} <= set(english), english
    channels = console_csv.rows(_get(base, token, "/channels.csv?service_type=anagrafe.certificati&freq=M"))[0]
    assert channels[channels.index("Media (0–100)"):][:3] == ["Media (0–100)", "Media: IC 95% inf.",
                                                               "Media: IC 95% sup."], channels
    by_channel = console_csv.rows(_get(base, token, f"/csv/overview/by-channel?{PERIOD}"))[0]
    assert {"Media: IC 95% inf.", "Media: IC 95% sup."} <= set(by_channel), by_channel
    # the workspace's service trends (the older cell shape, data.STAT_COLUMNS): the mean's bounds beside it
    trend = console_csv.dicts(_get(base, tokens["admin"], "/workspace/c_h501/csv/service-demo-roma-anagrafe?freq=M"))
    api = {r["period"]: r for r in _api(base, token, "indicator=satisfaction&by=&service=demo-roma-anagrafe"
                                                     "&freq=M&from=2026-08&to=2026-10")}
    assert [r["Periodo"] for r in trend] == ["2026-08", "2026-09", "2026-10"], trend
    assert all(abs(float(r[k]) - v) <= 0.05 + 1e-9 for r in trend
               for k, v in zip(("Media: IC 95% inf.", "Media: IC 95% sup."), api[r["Periodo"]]["mean_ci"])), (trend, api)
