"""Why a console page shows no value, said on every page from one place (``warehouse.console.data.ABSENT``).

Clarity pools the Designers Italia *page* rating with the services' cx-core clarity, which the comparability
guard will not pool even as a positive share (the API's ``positive_share_status: "not_headline"``). The
overview's trend said "Nessun valore da disegnare: in ogni periodo le risposte sono meno di 3 (valore
oscurato) o mancano" above a table of 70 responses a month, and the regions page showed "—" for Lazio and
Lombardia while its legend explained only "oscurato". Now the chart says the actual reason of each kind of
absent value, each dash says which kind it is, and every legend explains each kind, in the same words.
Pinned to 2027: the months of 2026 have ended."""
from __future__ import annotations

import html as markup
import re

import pytest

from tests.console_data import PERIODS, build
from tests.warehouse_rows import response, write
from warehouse.console import create_app
from warehouse.console.data import ABSENT
from warehouse.console.i18n import EN

pytestmark = pytest.mark.usefixtures("clock_2027")


@pytest.fixture(scope="module")
def client_auth(tmp_path_factory):
    """The console's test data, plus clarity answered in Lazio and Lombardia both by the page rating and by
    cx-core in every month: each region's and Italy's clarity cells pool the two (``not_headline``)."""
    root = tmp_path_factory.mktemp("absent-values")
    settings, tokens = build(root)
    rows = []
    for period in PERIODS:
        for entity, region in (("c_h501", "ITI4"), ("c_f205", "ITC4")):
            rows += [response(period=period, day=1 + i % 27, entity=entity, region=region, service=f"svc-{entity}-pagina",
                              service_type="informazioni.pagina", questionnaire="di-rating-pagina",
                              clarity=5 if i % 4 else 2) for i in range(40)]
            rows += [response(period=period, day=1 + i % 27, entity=entity, region=region, satisfaction=4,
                              clarity=2 + i % 4) for i in range(40)]
    write(root, rows)
    return create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}, settings


def _page(client_auth, url: str) -> str:
    client, auth, _settings = client_auth
    r = client.get(url, headers=auth)
    assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[-800:])
    return markup.unescape(r.get_data(as_text=True))


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _words(kind: str, lang: str, min_n: int) -> tuple[str, str]:
    word, meaning = ABSENT[kind]
    if lang == "en":
        word, meaning = EN[word], EN[meaning]
    return word, meaning.format(n=min_n)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_overview_trend_says_its_share_is_not_published_not_that_responses_are_fewer_than_three(client_auth, lang):
    page = _page(client_auth, f"/?indicator=clarity&freq=M&period=2026-10&lang={lang}")
    undrawn = re.search(r'<p class="small" data-undrawn="trend">(.*?)</p>', page, re.S)
    assert undrawn, page[-3000:]
    said = _text(undrawn.group(1))
    word, meaning = _words("not_headline", lang, client_auth[2].disclosure_min_n)
    assert word in said and meaning[1:] in said, said
    assert "meno di 3" not in said and "fewer than 3" not in said, said
    # the table under it: the responses counted, the share's dash marked with its kind
    trend = page.split('data-table="trend"', 1)[1].split("</table>")[0]
    assert re.search(r'<td data-col="n">\d+</td>', trend), trend
    assert trend.count('data-absent="not_headline"') == len(PERIODS), trend


def test_a_regions_dash_says_which_kind_it_is_and_the_legend_explains_it(client_auth):
    page = _page(client_auth, "/regions?indicator=clarity&freq=Q&period=2026-Q3")
    word, meaning = _words("not_headline", "it", client_auth[2].disclosure_min_n)
    for region in ("ITI4", "ITC4"):  # Lazio, Lombardia
        row = re.search(rf'<tr data-region="{region}">(.*?)</tr>', page, re.S).group(1)
        share = re.search(r'<td data-col="share">(.*?)</td>', row, re.S).group(1)
        assert 'data-absent="not_headline"' in share and "—" in share, row
        assert _text(re.search(r'<td data-col="status">(.*?)</td>', row, re.S).group(1)) == word, row
    legend = re.search(r'<dt data-legend="not_headline">(.*?)</dt><dd>(.*?)</dd>', page, re.S)
    assert legend and word in _text(legend.group(1)) and _text(legend.group(2)) == meaning, page[-3000:]


PAGES = ["/", "/regions", "/service-types/", "/service-types/anagrafe.certificati", "/entities/",
         "/entities/c_h501", "/attention", "/quality"]


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_legend_explains_each_kind_of_dash_in_the_one_wording(client_auth, url, lang):
    page = _page(client_auth, f"{url}{'&' if '?' in url else '?'}indicator=clarity&lang={lang}")
    legend = re.search(r'<aside class="legend".*?</aside>', page, re.S)
    assert legend, url
    for kind in ("not_headline", "missing"):
        word, meaning = _words(kind, lang, client_auth[2].disclosure_min_n)
        entry = re.search(rf'<dt data-legend="{kind}">(.*?)</dt><dd>(.*?)</dd>', legend.group(0), re.S)
        assert entry, (url, kind, legend.group(0)[-1500:])
        assert "—" in entry.group(1) and word in _text(entry.group(1)) and _text(entry.group(2)) == meaning
