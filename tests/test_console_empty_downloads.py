"""A chart's CSV download always carries its header, even when there is nothing to count yet: a
monitoring user's script (or spreadsheet template) reads the columns by name, and a new install or
an empty selection used to download a file with no header row at all (the overview's trend and
volumes had no columns when the warehouse held no period)."""
from __future__ import annotations

import pytest

from registry import connect, session_scope
from registry.demo import seed
from registry.tokens import create_token
from settings import Settings
from tests import console_csv
from tests.console_data import build
from warehouse.console import create_app

CHARTS = ["trend", "volumes", "by-instrument", "by-channel", "headline"]


def _client(settings, token):
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return c


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    """(an install with data, a new install whose warehouse holds no response yet)"""
    full_settings, tokens = build(tmp_path_factory.mktemp("full"))
    empty = Settings(data_dir=tmp_path_factory.mktemp("empty"), rollup_check_s=0.0)
    factory = connect(empty.database_url)
    seed(factory, ["https://www.comune.roma.it"])
    with session_scope(factory) as s:
        token = create_token(s, role="monitoring", label="test monitoring", actor="test")[1]
    return _client(full_settings, tokens["monitoring"]), _client(empty, token)


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("chart", CHARTS)
def test_an_empty_download_has_the_same_header_as_a_full_one(clients, chart, lang):
    full, empty = clients
    url = f"/csv/overview/{chart}?lang={lang}"
    got = empty.get(url)
    assert got.status_code == 200, got.get_data(as_text=True)[:300]
    header, *body = console_csv.rows(got)
    assert body == []  # nothing to count: no row, no invented zero
    assert header and header == console_csv.rows(full.get(url))[0]  # the columns a script reads by name


def test_the_empty_overview_shows_the_same_charts_as_a_full_one(clients):
    """A new install's overview lays out every chart a full one does (each empty, without a picture)."""
    _full, empty = clients
    page = empty.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for chart in ("trend", "volumes", "by-instrument", "by-channel"):
        assert f'id="fig-{chart}"' in html


def test_an_entitys_trend_before_its_data_is_refused_naming_the_period_not_a_404(clients):
    """An entity's page read for a period before any data, and its trend's download, were a 404 "page not
    found", as if the chart did not exist (then a header-only file and a "Nessun dato." page, as if nobody had
    answered). Both are now the API's 400 for such a period: it names ``period`` and the months with data
    (tests/test_console_period_without_data.py); the period with data downloads as before."""
    full, _empty = clients
    url = "/csv/entity/c_h501/trend-anagrafe.certificati?freq=M"
    before = full.get(url + "&period=2020-01")
    assert before.status_code == 400 and "«period»" in before.get_data(as_text=True)
    assert console_csv.rows(full.get(url + "&period=2026-10"))[0][0]
    page = full.get("/entities/c_h501?freq=M&period=2020-01")
    assert page.status_code == 400 and 'id="fig-trend-anagrafe.certificati"' not in page.get_data(as_text=True)
