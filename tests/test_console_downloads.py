"""A chart's CSV download is its table as the reader sees it: headed in the reader's language (an
English reader got Italian column names over English statuses), and named after the period it shows,
so that two periods downloaded for a briefing do not overwrite each other."""
from __future__ import annotations

import re

import pytest

from tests import console_csv
from tests.console_data import build
from tests.warehouse_rows import speed_driven, write
from warehouse.console import create_app

STYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    import numpy as np

    root = tmp_path_factory.mktemp("downloads")
    settings, tokens = build(root)
    write(root, speed_driven(np.random.default_rng(5), 320, service="demo-roma-anagrafe", entity="c_h501"))
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c


def _rows(resp) -> list[list[str]]:
    return console_csv.rows(resp)


@pytest.mark.parametrize("url", ["/csv/overview/trend?freq=M&period=2026-10",
                                 f"/csv/service-type/{STYPE}/funnel?freq=M&period=2026-10",
                                 "/csv/regions/regions?freq=Q&period=2026-Q3"])
def test_an_english_readers_download_is_headed_in_english(client, url):
    italian = _rows(client.get(url))
    english = _rows(client.get(url + "&lang=en"))
    assert italian[0] != english[0] and "Stato" in italian[0] and "Status" in english[0]
    assert "Stato" not in english[0] and "Quota positiva %" not in english[0]
    assert len(english) == len(italian)  # the same table, only its words change
    with client.session_transaction() as s:  # the ENG switch, as the page's download link is followed
        s["lang"] = "en"
    try:
        assert _rows(client.get(url))[0] == english[0]
    finally:
        with client.session_transaction() as s:
            s["lang"] = "it"


def test_a_download_is_named_after_the_period_it_shows(client):
    oct_ = client.get(f"/csv/service-type/{STYPE}/funnel?freq=M&period=2026-10").headers["Content-Disposition"]
    sep = client.get(f"/csv/service-type/{STYPE}/funnel?freq=M&period=2026-09").headers["Content-Disposition"]
    assert oct_ == f'attachment; filename="ascolto-service-type-{STYPE}-funnel-2026-10.csv"'
    assert sep != oct_ and "2026-09" in sep
    default = client.get("/csv/overview/trend").headers["Content-Disposition"]
    assert default.endswith('-2026-10.csv"')  # the latest complete month with data, which the page shows


def test_the_improvement_drivers_download_is_headed_in_english_too(client):
    url = "/improve/drivers.csv?service=demo-roma-anagrafe&period=2026-10"
    italian, english = client.get(url), client.get(url + "&lang=en")
    assert italian.status_code == english.status_code == 200
    assert _rows(italian)[0] != _rows(english)[0] and "Aspetto" in _rows(italian)[0]
    assert "Aspetto" not in _rows(english)[0]


def test_the_service_types_ranking_downloads_in_the_order_shown(client):
    """The service types' table (sortable: the ranking a briefing quotes) had no download, nor the
    status legend its 'bassa affidabilità' needs."""
    page = client.get("/service-types/?freq=M&period=2026-10&sort=share&dir=desc").get_data(as_text=True)
    assert "Legenda degli stati" in page
    href = re.search(r'href="(/csv/service-types/service-types[^"]*)" download', page).group(1).replace("&amp;", "&")
    resp = client.get(href)
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="ascolto-service-types-service-types-2026-10.csv"'
    rows = _rows(resp)
    assert rows[0] == ["Codice", "Tipo di servizio", "Risposte", "Quota positiva %", "IC 95% inf.", "IC 95% sup.",
                       "Stato"]
    shown = re.findall(r'<tr data-type="([^"]+)">', page)
    assert [r[0] for r in rows[1:]] == shown and len(shown) == 2  # the page's order: share, descending
    shares = [float(r[3]) for r in rows[1:]]
    assert shares == sorted(shares, reverse=True)
