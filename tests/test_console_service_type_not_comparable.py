"""The national console's page of a service type whose entities answer the indicator with instruments the
comparability guard will not pool, even as a positive share, in a funnel or ranking (clarity: the Designers
Italia *page* rating, stars, beside other entities' cx-core service clarity — ``not_headline``). The whole page
was a 422 "Non confrontabile": the staff lost the trend, the volumes and the breakdown with the comparison.
Now the page is shown; in place of the comparison it says why it is not made (the guard's reason, naming the
instrument it would pool) in the page's language, and links the same page split by instrument, each one a
comparison the guard allows. The API keeps its 422 (contract). Pinned to 2027: 2026-10 has ended."""
from __future__ import annotations

import html as markup
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")

PAGE_TYPE = "informazioni.pagina"
QUERY = "indicator=clarity&freq=M&period=2026-10"


@pytest.fixture(scope="module")
def client_auth(tmp_path_factory):
    root = tmp_path_factory.mktemp("service-type-not-comparable")
    settings, tokens = build(root)
    rows = [response(period="2026-10", day=1 + i % 27, entity="c_h501", service="svc-roma-pagina",
                     service_type=PAGE_TYPE, questionnaire="di-rating-pagina", clarity=5 if i % 4 else 2)
            for i in range(40)]
    rows += [response(period="2026-10", day=1 + i % 27, entity=e, service=f"svc-{e}-pagina", service_type=PAGE_TYPE,
                      region=region, satisfaction=3, clarity=2 + i % 3)
             for e, region in (("c_f205", "ITC4"), ("c_a944", "ITH5"), ("c_f839", "ITF3")) for i in range(30)]
    write(root, rows)
    return create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}


def _page(client_auth, url):
    client, auth = client_auth
    r = client.get(url, headers=auth)
    assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[-800:])
    return markup.unescape(r.get_data(as_text=True))


@pytest.mark.parametrize("lang, words", [
    ("it", ("Confronto non fatto", "di-rating-pagina", "Per strumento")),
    ("en", ("Comparison not made", "di-rating-pagina", "By instrument"))])
@pytest.mark.parametrize("level", ["entity", "service"])
def test_the_page_is_shown_and_says_why_there_is_no_comparison(client_auth, lang, words, level):
    page = _page(client_auth, f"/service-types/{PAGE_TYPE}?{QUERY}&level={level}&lang={lang}")
    box = re.search(r"<div[^>]*data-not-comparable[^>]*>(.*?)</div>", page, re.S)
    assert box, page[-3000:]
    text = re.sub(r"<[^>]+>", "", box.group(1))
    for w in words:
        assert w in text, text
    # the rest of the page stands: the trend (its volumes; why it draws no share) and the split by instrument
    assert 'data-table="funnel"' not in page and "data-benchmark=" not in page
    trend = page.split('data-table="trend"', 1)[1].split("</table>")[0]
    assert re.search(r'<td data-col="period">2026-10</td><td data-col="n">\d+</td>', trend), trend
    # why it draws no share: the positive share is not published for these pooled instruments (the one
    # wording of every page, data.ABSENT), not "fewer than 3 responses"
    undrawn = re.search(r'data-undrawn="trend">(.*?)</p>', page, re.S)
    assert undrawn and ("quota positiva non pubblicata" if lang == "it" else "positive share not published") \
        in undrawn.group(1), page[-3000:]
    by_instrument = page.split('data-table="by-instrument"', 1)[1].split("</table>")[0]
    assert by_instrument.count("<tr>") == 3, by_instrument  # the header, cx-core, di-rating-pagina
    # the links: the same page, one instrument each, the other arguments kept — and each one renders a comparison
    links = re.findall(r'<a href="([^"]+)" data-split-instrument', box.group(1))
    assert sorted(parse_qs(urlsplit(h).query)["instrument"][0] for h in links) == ["cx-core", "di-rating-pagina"]
    for h in links:
        url = urlsplit(h)
        assert url.path == f"/service-types/{PAGE_TYPE}"
        q = parse_qs(url.query)
        assert q["indicator"] == ["clarity"] and q["period"] == ["2026-10"] and q["freq"] == ["M"]
        assert q["level"] == [level] and q["lang"] == [lang]
        split = _page(client_auth, h)
        assert "data-not-comparable" not in split and 'data-table="funnel"' in split


def test_the_api_keeps_its_422(client_auth):
    client, auth = client_auth
    r = client.get(f"/api/v1/compare?service_type={PAGE_TYPE}&{QUERY}&level=entity", headers=auth)
    assert r.status_code == 422 and r.get_json()["reason"] == "not_headline", r.get_json()


def test_the_funnels_csv_says_why_it_has_no_rows(client_auth):
    """The funnel's CSV of that page (no link on the page, but a bookmarked or scripted address) was a table
    of headers only, as if no entity had answered; now it is the guard's 422, as ``/api/v1/compare``, saying why."""
    client, auth = client_auth
    r = client.get(f"/csv/service-type/{PAGE_TYPE}/funnel?{QUERY}", headers=auth)
    assert r.status_code == 422 and r.mimetype == "text/html", (r.status_code, r.get_data(as_text=True)[:300])
    assert "Non confrontabile" in markup.unescape(r.get_data(as_text=True))
    # the page's other tables still download
    ok = client.get(f"/csv/service-type/{PAGE_TYPE}/trend?{QUERY}", headers=auth)
    assert ok.status_code == 200 and ok.mimetype == "text/csv"
