"""The console shows the uncertainty of what it ranks and draws: the entity page's trend per
service type and the workspace's per service (tests/test_workspace.py) draw their intervals, as the
national trend does; the regions' bands rank reliable values only."""
from __future__ import annotations

import pytest

from tests.console_data import build
from warehouse.console import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("trends"))
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c


def test_the_entity_trend_draws_the_entitys_interval_not_a_bare_line(client):
    """An entity's monthly share, often on a few dozen answers, was drawn as a bare line beside the
    benchmark: swings inside the interval read as real. The chart draws the 95% interval of each
    published value as a band under the line, as the national trend does; its table has the bounds."""
    import json
    import re

    html = client.get("/entities/c_f205?freq=M&period=2026-10").get_data(as_text=True)
    plot = json.loads(re.search(r'<script type="application/json" id="plot-trend-anagrafe.certificati">(.*?)</script>',
                                html, re.S).group(1))
    band = next((t for t in plot["data"] if t.get("fill") == "toself"), None)
    assert band is not None, [t.get("name") for t in plot["data"]]
    table = html.split('data-table="trend-anagrafe.certificati"', 1)[1].split("</table>", 1)[0]
    lo = [float(v.replace(",", ".")) for v in re.findall(r'data-col="share_lower">([\d,]+)<', table)]
    hi = [float(v.replace(",", ".")) for v in re.findall(r'data-col="share_upper">([\d,]+)<', table)]
    assert len(lo) == 3 and band["y"] == hi + lo[::-1]
    assert band["x"] == ["2026-08", "2026-09", "2026-10", "2026-10", "2026-09", "2026-08"]
    assert plot["data"].index(band) == 0  # drawn under the lines


def test_regions_of_low_reliability_are_not_banded_high_or_low(client):
    """Piemonte at 100% on 7 answers (interval 65-100) was banded "alto" in the demo, and its value
    moved the terciles of the others. Bands rank reliable values only; such a region says why not."""
    import re

    html = client.get("/regions?freq=Q&period=2026-Q3").get_data(as_text=True)
    bands = dict(re.findall(r'<tr data-region="(\w+)">.*?data-band="(\w+)"', html, re.S))
    assert bands["ITH5"] == "unreliable"  # Bologna: 24 answers in the quarter
    assert "non classificata (bassa affidabilità)" in html
    assert {bands[r] for r in ("ITI4", "ITC4", "ITF3", "ITG1")} <= {"high", "mid", "low"}
    assert "almeno 30 risposte" in html
    en = client.get("/regions?freq=Q&period=2026-Q3&lang=en").get_data(as_text=True)
    assert "not banded (low reliability)" in en and "at least 30 responses" in en
    rows = client.get("/csv/regions/regions?freq=Q&period=2026-Q3").get_data(as_text=True)
    assert any(r.startswith("ITH5;") and "non classificata" in r for r in rows.splitlines())  # Excel-it: ';'-separated


def test_with_fewer_than_three_reliable_regions_nothing_is_banded(client):
    """In October only Lazio had 30 answers: it was banded "medio", the middle third of one value,
    as if it sat in the middle of Italy. Terciles need three reliable regions; fewer say so."""
    import re

    html = client.get("/regions?freq=M&period=2026-10").get_data(as_text=True)
    bands = dict(re.findall(r'<tr data-region="(\w+)">.*?data-band="(\w+)"', html, re.S))
    assert bands["ITI4"] == "few" and not {"high", "mid", "low"} & set(bands.values()), bands
    assert "non classificata (meno di 3 regioni affidabili)" in html
    en = client.get("/regions?freq=M&period=2026-10&lang=en").get_data(as_text=True)
    assert "not banded (fewer than 3 reliable regions)" in en


def _contrast_with_white(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour.lstrip("#")[i:i + 2], 16) / 255) for i in (0, 2, 4))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@pytest.mark.parametrize("url, chart", [("/?freq=M&period=2026-10", "trend"),
                                        ("/entities/c_f205?freq=M&period=2026-10", "trend-anagrafe.certificati")])
def test_the_interval_band_has_an_edge_a_reader_can_see(client, url, chart):
    """The 95% interval was a fill at 15% opacity with no edge: about 1.2:1 against the white chart,
    under the 3:1 a graphic needed to read the figure must have (WCAG 1.4.11), so the uncertainty
    all but vanished on many screens and in print. The band is outlined in a colour of at least 3:1."""
    import json
    import re

    html = client.get(url).get_data(as_text=True)
    plot = json.loads(re.search(rf'<script type="application/json" id="plot-{re.escape(chart)}">(.*?)</script>',
                                html, re.S).group(1))
    band = next(t for t in plot["data"] if t.get("fill") == "toself")
    assert band["line"]["width"] >= 1 and _contrast_with_white(band["line"]["color"]) >= 3, band["line"]


def test_the_entity_trend_names_the_entity_not_its_code(client):
    """The entity's line was labelled "c_f205" in the chart's legend and in what a screen reader reads
    of the picture ("serie: IC 95%, c_f205, …"): the entity's name, as the page's heading has it."""
    import html as markup
    import json
    import re

    page = client.get("/entities/c_f205?freq=M&period=2026-10").get_data(as_text=True)
    plot = json.loads(re.search(r'<script type="application/json" id="plot-trend-anagrafe.certificati">(.*?)</script>',
                                page, re.S).group(1))
    assert "Comune di Milano" in [t.get("name") for t in plot["data"]]
    alt = markup.unescape(re.search(r'data-chart="trend-anagrafe.certificati" role="img" aria-label="([^"]*)"',
                                    page).group(1))
    assert "Comune di Milano" in alt and "c_f205" not in alt, alt


def test_a_service_type_page_draws_its_national_benchmark_over_time(client):
    """The service type's page compared its entities in one period, but nowhere in the console could
    monitoring staff see how the service type itself went, period after period. The page draws its
    national benchmark's trend (the last 12 periods to the one chosen) with its interval, the same
    figures as the API's, and downloads it as CSV."""
    import json
    import re

    html = client.get("/service-types/anagrafe.certificati?freq=M&period=2026-10").get_data(as_text=True)
    plot = json.loads(re.search(r'<script type="application/json" id="plot-trend">(.*?)</script>', html, re.S).group(1))
    band = next(t for t in plot["data"] if t.get("fill") == "toself")
    line = next(t for t in plot["data"] if t.get("mode") == "lines+markers")
    assert line["x"] == ["2026-08", "2026-09", "2026-10"] and line["name"] == "Certificati anagrafici"
    api = client.get("/api/v1/indicators?indicator=satisfaction&freq=M&from=2026-08&to=2026-10"
                     "&service_type=anagrafe.certificati").get_json()["rows"]
    assert line["y"] == [round(r["positive_share"], 1) for r in api]  # through warehouse.protect, as the API
    assert len(band["x"]) == 6
    csv = client.get("/csv/service-type/anagrafe.certificati/trend?freq=M&period=2026-10")
    assert csv.status_code == 200 and len(csv.get_data(as_text=True).strip().splitlines()) == 4


def test_the_volumes_table_says_a_period_holds_only_part_of_its_months(client):
    """The overview's "Risposte per periodo" drew the demo's first quarter (data from its last month) as a
    third of the others, with nothing beside it saying why, while the trend's table said "parziale": a
    monitoring officer read a fall in responses. The volumes table (and its CSV) carries the same coverage."""
    from tests import console_csv

    html = client.get("/?freq=Q&period=2026-Q3").get_data(as_text=True)
    trend = html.split('data-table="trend"', 1)[1].split("</table>", 1)[0]
    volumes = html.split('data-table="volumes"', 1)[1].split("</table>", 1)[0]
    said = [w for w in ("parziale: dati dal 2026-07", "parziale: dati dal 2026-08") if w in trend]
    assert said, trend[:600]
    assert said[0] in volumes
    rows = console_csv.dicts(client.get("/csv/overview/volumes?freq=Q&period=2026-Q3"))
    assert rows[0]["Copertura del periodo"] == said[0]


def test_the_charts_draw_a_partial_period_apart_from_a_fall(client):
    """The tables said "parziale", the pictures did not: the demo's first quarter (data from its last
    month) drew as a third of the others. Its bar is lighter and its trend point an open circle, and a
    key above each chart says so, in the page's language."""
    import json
    import re

    def plot(html, chart):
        return json.loads(re.search(rf'id="plot-{chart}">(.*?)</script>', html, re.S).group(1))

    html = client.get("/?freq=Q&period=2026-Q3").get_data(as_text=True)
    volumes, trend = plot(html, "volumes"), plot(html, "trend")
    bars = volumes["data"][0]
    partial = [i for i, t in enumerate(bars["text"]) if t.startswith("parziale")]
    assert partial == [0], bars["text"]
    from warehouse.console.data_overview import BAR, PARTIAL_BAR

    assert bars["marker"]["color"] == [PARTIAL_BAR] + [BAR] * (len(bars["x"]) - 1)
    assert "periodo parziale" in volumes["layout"]["annotations"][0]["text"]
    line = trend["data"][1]
    assert line["marker"]["symbol"] == ["circle-open"] + ["circle"] * (len(line["x"]) - 1)
    assert "periodo parziale" in trend["layout"]["annotations"][0]["text"]
    english = client.get("/?freq=Q&period=2026-Q3&lang=en").get_data(as_text=True)
    assert "partial period" in plot(english, "volumes")["layout"]["annotations"][0]["text"]


def test_a_chart_of_whole_periods_has_no_partial_key(client):
    """Months are whole from the demo's first month on: no open circle, no key."""
    import json
    import re

    html = client.get("/?freq=M").get_data(as_text=True)
    volumes = json.loads(re.search(r'id="plot-volumes">(.*?)</script>', html, re.S).group(1))
    assert "annotations" not in volumes["layout"]
    assert set(volumes["data"][0]["marker"]["color"]) == {"#0066cc"}
