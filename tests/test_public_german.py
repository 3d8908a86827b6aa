"""The public site in German (``/de/``): public bodies of the Autonomous Province of Bolzano publish in
German too. Every text of the Italian pages has its German; the German pages say the same figures in
German words and numbers ("40,4", "2. Dezember 2026", "Juli–September 2026"), with ``<html lang="de">``,
a switcher to the other languages and hreflang alternates on every page, in every language.
"""
from __future__ import annotations

import html as markup
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.public import LANGS, create_app
from warehouse.public.i18n import EN, FILES, LABELS, MONTHS, label_in, marked, release_date
from warehouse.public.i18n_de import DE
from warehouse.publish import publish

Q = "2026-Q3"
TEMPLATES = Path(__file__).resolve().parents[1] / "warehouse" / "public" / "templates"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def italian_texts() -> set[str]:
    """Every Italian (source) text the pages translate: each ``_("…")`` of the templates, each file's
    description (``FILES``, translated as ``_(files[name])``) and each sentence of the highlights
    (:data:`warehouse.public.highlights.TEXTS`) and
    each of the trend charts (:data:`warehouse.public.charts.TEXTS`)."""
    found: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        source = path.read_text("utf-8")
        found |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', source)) | set(re.findall(r"_\('([^']*)'\)", source))
    from warehouse.public.charts import TEXTS as CHARTS  # the trend charts' words (legend, titles, alt text)
    from warehouse.public.highlights import TEXTS  # the key findings' sentences ("In sintesi"), said in Python

    return found | set(FILES.values()) | set(TEXTS) | set(CHARTS)


def test_every_italian_text_has_its_german_and_its_english():
    texts = italian_texts()
    assert len(texts) > 40  # the scan found the templates' texts
    assert sorted(texts - set(DE)) == []  # a text added to a page without its German fails here
    assert sorted(texts - set(EN)) == []
    assert sorted(set(EN) - set(DE)) == []
    assert all(DE[t].strip() and DE[t] != t for t in texts)
    for t in texts:  # the same placeholders, or .format() would fail or drop a number
        assert sorted(re.findall(r"{\w*}", DE[t])) == sorted(re.findall(r"{\w*}", t)), t
    assert set(LABELS["de"]) == set(LABELS["it"]) and len(MONTHS["de"]) == 12


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("public-de")
    months = ("2026-07", "2026-08", "2026-09")
    write(root, [response(period=m, entity="c_h501", service_type="anagrafe.certificati", satisfaction=1 + i % 5)
                 for m in months for i in range(30)])
    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings),
                now=datetime(2026, 12, 2, 12, tzinfo=timezone.utc))
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client()


def visible(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


PAGES = ("/", f"/{Q}", "/methodology", "/service-types/anagrafe.certificati")


@pytest.mark.parametrize("rest", PAGES)
def test_each_german_page_is_german_and_links_its_versions_in_every_language(site, rest):
    html = site.get(f"/de{rest}").get_data(as_text=True)
    assert '<html lang="de">' in html
    for lang in LANGS:
        assert f'<link rel="alternate" hreflang="{lang}" href="/{lang}{rest}">' in html
    nav = html.split('<nav aria-label="Sprache">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+">(\w+)</a>', nav) == [
        (f"/it{rest}", "it", "Italiano"), (f"/en{rest}", "en", "English")]
    text = visible(html)
    # no Italian sentence of the site is left on a German page (short words such as "Stato" are German too)
    left = [t for t in italian_texts() if len(t) > 12 and "{" not in t and t in text]
    assert left == []


@pytest.mark.parametrize("lang", ("it", "en"))
def test_the_italian_and_english_pages_link_their_german_version(site, lang):
    html = site.get(f"/{lang}/{Q}").get_data(as_text=True)
    assert f'<a href="/de/{Q}" lang="de" hreflang="de">Deutsch</a>' in html
    assert f'<link rel="alternate" hreflang="de" href="/de/{Q}">' in html


def test_a_quarter_in_german_words_and_numbers(site):
    page = site.get(f"/de/{Q}")
    assert page.status_code == 200
    text = visible(page.get_data(as_text=True))
    assert "Quartal 2026-Q3 (Juli–September 2026)" in text
    assert "Version 1 · Veröffentlicht am 2. Dezember 2026" in text
    assert "Art der öffentlichen Verwaltung: Gemeinden (L6)" in text  # the taxonomy's German names
    assert "Art des Dienstes: Meldeamtliche Bescheinigungen" in text
    assert "Herunterladen: die Tabelle, für Tabellenkalkulationen (CSV)" in text
    national = page.get_data(as_text=True).split('data-table="national"', 1)[1].split("</table>", 1)[0]
    assert "<th scope=\"col\">Positiver Anteil %</th>" in national and "95-%-KI des Anteils" in national
    row = re.search(r'<tr data-indicator="SATISFACTION">(.*?)</tr>', national, re.S).group(1)
    # the same protected figures as the Italian page, written with a decimal comma
    it_row = re.search(r'<tr data-indicator="SATISFACTION">(.*?)</tr>',
                       site.get(f"/it/{Q}").get_data(as_text=True).split('data-table="national"', 1)[1], re.S).group(1)
    figures = re.findall(r"\d+(?:,\d)?", row)
    assert figures == re.findall(r"\d+(?:,\d)?", it_row) and any("," in f for f in figures)
    assert "Zufriedenheit" in row and "normaler Wert" in row


def test_the_methodology_in_german(site):
    text = visible(site.get("/de/methodology").get_data(as_text=True))
    for words in ("Methodische Erläuterungen", "Konfidenzintervalle", "Cell-Key-Verfahren", "Statistische Geheimhaltung",
                  "Positiver Anteil", "Zufallsfehler", "Veröffentlichungen und Revisionen"):
        assert words in text, words
    assert "Methodological note" not in text and "Che cosa sono questi dati" not in text


def test_errors_are_german_pages_on_german_addresses(site):
    page = site.get("/de/2030-Q1", headers=BROWSER)
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert '<html lang="de">' in html and "Seite nicht gefunden" in html and "Zurück zu den Ergebnissen" in html


def test_dates_and_names_in_german_and_a_name_without_german_marked_italian():
    assert str(release_date("2026-12-02T10:00:00+00:00", "de")) == '<time datetime="2026-12-02">2. Dezember 2026</time>'
    assert str(release_date("2027-01-05T10:00:00+00:00", "de")).endswith(">5. Jänner 2027</time>")
    assert str(release_date("2026-12-02T10:00:00+00:00", "it")).endswith(">2 dicembre 2026</time>")
    comuni = {"it": "Comuni", "en": "Municipalities"}  # a label with no German: said in Italian, marked so
    assert str(marked(*label_in(comuni, "de"), "de")) == '<span lang="it">Comuni</span>'
    assert str(marked(*label_in({**comuni, "de": "Gemeinden"}, "de"), "de")) == "Gemeinden"
    assert str(marked(*label_in({"it": "A & B"}, "it"), "it")) == "A &amp; B"
