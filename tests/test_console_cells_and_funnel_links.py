"""Two small things a new monitoring user trips over on the console (clock: December 2026; the data:
2026-08 to 2026-10, :mod:`tests.console_data`).

- The data-quality page's "Celle" card gave a count without saying which period it counts: the cells of the
  last (up to 12) ended months with data. It now says so, in the page's language.
- The funnel page (one service type's comparison) listed the units it plots as plain text, while every
  other list of entities links each to its page: each unit's name now links to its entity page (a service's:
  its administration's), keeping the indicator, frequency and period shown, as the entity page's links do."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.console_data import build
from warehouse.console import create_app

STYPE = "anagrafe.certificati"

pytestmark = pytest.mark.usefixtures("clock_december")


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("cells-funnel"))
    return create_app(settings), tokens


def _get(app_tokens, url):
    app, tokens = app_tokens
    resp = app.test_client().get(url, headers={"Authorization": f"Bearer {tokens['monitoring']}"})
    assert resp.status_code == 200, (url, resp.status_code)
    return html.unescape(resp.get_data(as_text=True))


def test_the_cells_card_says_which_months_it_counts(app_tokens):
    page = _get(app_tokens, "/quality")
    card = re.search(r'<li class="card kpi">(?:(?!</li>).)*data-kpi="cells".*?</li>', page, re.S).group(0)
    assert 'data-kpi-period="cells">soddisfazione, mesi da 2026-08 a 2026-10</span>' in card, card
    en = _get(app_tokens, "/quality?lang=en")
    assert 'data-kpi-period="cells">satisfaction, months 2026-08 to 2026-10</span>' in en


@pytest.mark.parametrize("level", ["entity", "service"])
def test_the_funnels_units_link_to_their_entity_pages_keeping_indicator_and_period(app_tokens, level):
    page = _get(app_tokens, f"/service-types/{STYPE}?indicator=ease&freq=M&period=2026-09&level={level}")
    table = page.split('data-table="funnel"', 1)[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]  # after the header
    assert len(rows) >= 5
    for row in rows:
        link = re.search(r'<td data-col="name"><a href="([^"]+)" data-unit-link>([^<]+)</a></td>', row)
        assert link, row
        url = urlsplit(link.group(1))
        ipa = url.path.rsplit("/", 1)[1]
        assert url.path == f"/entities/{ipa}"
        assert parse_qs(url.query) == {"indicator": ["ease"], "freq": ["M"], "period": ["2026-09"]}
        if level == "entity":
            assert f'<td data-col="entity">{ipa}</td>' in row
    first = re.search(r'data-unit-link', table) and re.search(r'<a href="([^"]+)" data-unit-link>', table).group(1)
    assert 'data-period="2026-09"' in _get(app_tokens, first)  # the entity page opens on the same period
