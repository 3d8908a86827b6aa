"""The public site's trend charts (docs/public.md, "Trend charts"): the national and each service type's
positive share of the headline indicators in every released quarter, as server-rendered SVG images — one
marker per published cell at the published value, none for a suppressed quarter, hollow for a low-n one;
served with their own CSP and nosniff, byte-identical on every render, embedded in the home and
service-type pages with an alt text saying the chart in words. Real publications over real Parquet;
pinned to a December (2026-Q4 running)."""
from __future__ import annotations

import html as markup
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.numbers import number
from warehouse.protect import Protection
from warehouse.public.releases import Releases
from warehouse.publish import publish

pytestmark = pytest.mark.usefixtures("clock_december")

NOW = datetime(2026, 12, 2, 12, tzinfo=timezone.utc)
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
Q = {"2026-Q1": ("2026-01", "2026-02", "2026-03"), "2026-Q2": ("2026-04", "2026-05", "2026-06"),
     "2026-Q3": ("2026-07", "2026-08", "2026-09")}
TYPE = "anagrafe.certificati"


def _rows(quarter, n, positive, done, **kw):
    """``n`` answers over the quarter's months: ``positive`` satisfied (4 or 5), ``done`` of them task completed."""
    out = []
    for i in range(n):
        r = response(period=Q[quarter][i % 3], satisfaction=(4 + i % 2) if i < positive else (1 + i % 2), **kw)
        yes = i < done
        r.update(task_completed=100.0 if yes else 0.0, task_completed_raw="yes" if yes else "no",
                 task_completed_scale="yes-partly-no")
        out.append(r)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Nationally: 2026-Q1 one answer (suppressed), Q2 twelve (published, fewer than 30: low-n), Q3 ninety.
    Registry certificates in every quarter's answers; tax payments in Q3 only."""
    from warehouse.public import create_app

    root = tmp_path_factory.mktemp("public-charts")
    write(root, _rows("2026-Q1", 1, 1, 1) + _rows("2026-Q2", 12, 6, 9)
          + _rows("2026-Q3", 60, 45, 40) + _rows("2026-Q3", 30, 10, 20, service_type="tributi.pagamento"))
    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        for q in Q:
            publish(wh.cursor(), q, settings.releases_path, Protection.from_settings(settings), now=NOW)
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client(), settings


def cells(settings, quarter, service_type="_T"):
    return {c["indicator"]: c for c in Releases(settings.releases_path).get()[quarter].cells(service_type=service_type)}


def svg_points(body: bytes) -> tuple[ET.Element, dict[tuple[str, str], dict]]:
    """The SVG parsed, and each marker — ``(indicator, quarter)`` → its data attributes, title, plotted y
    (read back into the axis' 0–100 from the positions of the 0 and 100 ticks) and fill."""
    root = ET.fromstring(body)
    assert root.tag == SVG + "svg"
    groups = {g.get("id"): g for g in root.iter(SVG + "g")}
    defs = {p.get("id"): p for p in root.iter(SVG + "path") if p.get("id")}

    def tick_y(gid):
        return float(next(groups[gid].iter(SVG + "use")).get("y"))

    ticks = {"".join(t.itertext()).strip(): g.get("id") for g in groups.values() if (g.get("id") or "").startswith("ytick_")
             for t in g.iter(SVG + "text")}
    y0, y100 = tick_y(ticks["0"]), tick_y(ticks["100"])
    out = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") != "point":
            continue
        [use] = list(g.iter(SVG + "use"))
        assert use.get(XLINK)[1:] in defs  # the marker's shape is defined in the document
        fill = re.search(r"fill: (#[0-9a-f]{6})", use.get("style")).group(1)
        out[(g.get("data-indicator"), g.get("data-period"))] = {
            "value": float(g.get("data-value")), "status": g.get("data-status"), "fill": fill,
            "title": g.find(SVG + "title").text, "y": (y0 - float(use.get("y"))) / (y0 - y100) * 100}
    return root, out


def test_the_national_chart_marks_each_published_quarter_at_its_published_value(site):
    client, settings = site
    r = client.get("/it/charts/national.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    _root, points = svg_points(r.get_data())
    for q in ("2026-Q2", "2026-Q3"):
        published = cells(settings, q)
        for ind in ("SATISFACTION", "TASK_COMPLETED"):
            c, p = published[ind], points[(ind, q)]
            assert p["value"] == c["top2"] and abs(p["y"] - c["top2"]) < 0.05, (ind, q, p, c)
            assert p["status"] == f"{c['obs_status']}/{c['conf_status']}"
            assert number(c["top2"], "it") in p["title"] and number(c["top2_lower"], "it") in p["title"]
    # 2026-Q1 is suppressed: no marker, never a value
    assert cells(settings, "2026-Q1")["SATISFACTION"]["conf_status"] == "A"
    assert not [k for k in points if k[1] == "2026-Q1"] and len(points) == 4
    text = r.get_data(as_text=True)
    assert "2026-Q1" in text  # the quarter still has its place on the axis: a gap
    # every word as text, in Italian: the axis, the legend of the hollow symbol
    assert ">% giudizi positivi</text>" in text and "meno di 30 risposte, bassa affidabilità" in text


def test_a_low_n_quarter_is_hollow_and_a_reliable_one_filled(site):
    client, settings = site
    _root, points = svg_points(client.get("/it/charts/national.svg").get_data())
    assert cells(settings, "2026-Q2")["SATISFACTION"]["obs_status"] == "U"
    assert cells(settings, "2026-Q3")["SATISFACTION"]["obs_status"] == "A"
    for ind in ("SATISFACTION", "TASK_COMPLETED"):
        assert points[(ind, "2026-Q2")]["fill"] == "#ffffff"
        assert points[(ind, "2026-Q3")]["fill"] != "#ffffff"
        assert "meno di 30 risposte" in points[(ind, "2026-Q2")]["title"]


def test_the_german_and_english_charts_write_their_numbers_and_words(site):
    client, settings = site
    value = cells(settings, "2026-Q3")["SATISFACTION"]["top2"]
    _root, de = svg_points(client.get("/de/charts/national.svg").get_data())
    _root, en = svg_points(client.get("/en/charts/national.svg").get_data())
    assert de[("SATISFACTION", "2026-Q3")]["title"].startswith(f"Zufriedenheit, 2026-Q3: {number(value, 'de')} %")
    assert en[("SATISFACTION", "2026-Q3")]["title"].startswith(f"Satisfaction, 2026-Q3: {number(value, 'en')}%")
    assert ">% positive Bewertungen</text>" in client.get("/de/charts/national.svg").get_data(as_text=True)


def test_a_service_types_chart_is_its_cells_and_an_unknown_type_is_404(site):
    client, settings = site
    _root, points = svg_points(client.get(f"/it/charts/service-types/{TYPE}.svg").get_data())
    for q in ("2026-Q2", "2026-Q3"):
        assert points[("SATISFACTION", q)]["value"] == cells(settings, q, TYPE)["SATISFACTION"]["top2"]
    _root, tax = svg_points(client.get("/it/charts/service-types/tributi.pagamento.svg").get_data())
    c = cells(settings, "2026-Q3", "tributi.pagamento")["SATISFACTION"]
    assert set(tax) == {("SATISFACTION", "2026-Q3"), ("TASK_COMPLETED", "2026-Q3")}
    assert tax[("SATISFACTION", "2026-Q3")]["value"] == c["top2"] != points[("SATISFACTION", "2026-Q3")]["value"]
    assert client.get("/it/charts/service-types/nessuno.tipo.svg").status_code == 404
    assert client.get("/xx/charts/national.svg").status_code == 404


def test_the_svg_has_its_own_csp_and_nosniff_and_the_pages_keep_theirs(site):
    client, _settings = site
    for path in ("/it/charts/national.svg", f"/de/charts/service-types/{TYPE}.svg"):
        r = client.get(path)
        assert r.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        again = client.get(path, headers={"If-None-Match": r.headers["ETag"].strip('"')})
        assert again.status_code == 304
    page = client.get("/it/")
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'self'; img-src 'self'")


def _contrast(a: str, b: str = "#ffffff") -> float:
    def lum(h):
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
               for c in (int(h[i:i + 2], 16) / 255 for i in (1, 3, 5))]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_mark_text_and_line_contrasts_with_the_white_ground(site):
    """WCAG 1.4.11: the markers, error bars, lines, axes and text ≥ 3:1 on white (the light grid aside)."""
    from warehouse.public.charts import GRID

    text = site[0].get("/it/charts/national.svg").get_data(as_text=True)
    colours = set(re.findall(r"(?:fill|stroke): (#[0-9a-f]{6})", text)) - {"#ffffff", GRID}
    assert colours and "opacity" not in text
    assert {c: round(_contrast(c), 2) for c in colours if _contrast(c) < 3} == {}


def test_two_renders_are_byte_identical(site):
    from warehouse.public.charts import points, render

    client, settings = site
    data = points(Releases(settings.releases_path).get())
    first = render(data, "it", 30)
    assert first == render(data, "it", 30)
    assert first == client.get("/it/charts/national.svg").get_data()
    assert b"<dc:date>" not in first  # no date of rendering


@pytest.mark.parametrize("lang, words", [
    ("it", ("Grafico della quota di giudizi positivi per trimestre, dal 2026-Q1 al 2026-Q3", "Soddisfazione: {q2}% nel "
            "2026-Q2, {q3}% nel 2026-Q3.", "Trimestri senza un valore pubblicato: 2026-Q1.")),
    ("en", ("Chart of the share of positive judgements by quarter, from 2026-Q1 to 2026-Q3",
            "Satisfaction: {q2}% in 2026-Q2, {q3}% in 2026-Q3.", "Quarters without a published value: 2026-Q1.")),
    ("de", ("Diagramm des Anteils positiver Bewertungen nach Quartal, von 2026-Q1 bis 2026-Q3",
            "Zufriedenheit: {q2} % im Quartal 2026-Q2, {q3} % im Quartal 2026-Q3.",
            "Quartale ohne veröffentlichten Wert: 2026-Q1.")),
])
def test_the_home_page_embeds_the_chart_with_its_content_in_words(site, lang, words):
    client, settings = site
    page = client.get(f"/{lang}/").get_data(as_text=True)
    m = re.search(r'<img src="/' + lang + r'/charts/national.svg" alt="([^"]+)"', page)
    assert m, "no chart image"
    alt = markup.unescape(m.group(1))
    q2, q3 = (number(cells(settings, q)["SATISFACTION"]["top2"], lang) for q in ("2026-Q2", "2026-Q3"))
    for w in words:
        assert w.format(q2=q2, q3=q3) in alt, alt
    done = number(cells(settings, "2026-Q3")["TASK_COMPLETED"]["top2"], lang)
    assert done in alt
    assert re.search(r"<figcaption>[^<]{20,}</figcaption>", page)
    assert "<script" not in page


@pytest.mark.parametrize("lang", ["it", "en", "de"])
def test_a_service_type_page_embeds_its_chart(site, lang):
    client, settings = site
    page = client.get(f"/{lang}/service-types/{TYPE}").get_data(as_text=True)
    m = re.search(r'<img src="/' + lang + rf'/charts/service-types/{re.escape(TYPE)}.svg" alt="([^"]+)"', page)
    assert m, "no chart image"
    value = number(cells(settings, "2026-Q3", TYPE)["SATISFACTION"]["top2"], lang)
    assert value in markup.unescape(m.group(1))
    assert client.get(f"/{lang}/service-types/nessuno.tipo").status_code == 404


def test_the_site_starts_without_matplotlib():
    """The charts' library is imported when a chart is drawn, not when the site (and its chart module) starts."""
    code = ("import sys, warehouse.public, warehouse.public.charts; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
