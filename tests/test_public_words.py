"""The public site in words a reader who is not a statistician understands, in Italian and English.

The Status column read "A/F", "U/F", "Q/A": a citizen had to decode two letters in the legend, where
"A" means "normal value" as an observation status and "suppressed" as a confidentiality status. The
cell now says "valore normale", "bassa affidabilità (N < 30)" or "oscurato", the codes beside it.
The open data files were listed by file name only ("Scarica table.sdmx.csv"): each says what it is for.
"""
from __future__ import annotations

import html as markup
import re
from datetime import datetime, timezone

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.public import create_app
from warehouse.publish import publish

Q = "2026-Q3"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("public-status")
    months = ("2026-07", "2026-08", "2026-09")
    write(root, [response(period=m, entity="c_h501", service_type="anagrafe.certificati", satisfaction=1 + i % 5)
                 for m in months for i in range(30)]  # a normal national cell
          + [response(period=m, entity="inps", pa_type="C16", service_type="previdenza.domanda-prestazione",
                      satisfaction=1 + i % 5) for m in months for i in range(4)])  # 12 responses: low reliability
    settings = Settings(data_dir=root)
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings),
                now=datetime(2026, 11, 29, 12, tzinfo=timezone.utc))
    return create_app(settings.with_(public_rate_limit="100000/minute")).test_client()


def _status(html: str, table: str) -> str:
    body = html.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    row = re.search(r'<tr data-indicator="SATISFACTION">(.*?)</tr>', body, re.S).group(1)
    cell = re.search(r'<td data-col="status">(.*?)</td>', row, re.S).group(1)
    return markup.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


@pytest.mark.parametrize("lang, normal, low", [("it", "valore normale (A/F)", "bassa affidabilità (N < 30) (U/F)"),
                                               ("en", "normal value (A/F)", "low reliability (N < 30) (U/F)")])
def test_each_cell_says_its_status_in_words_with_its_codes(site, lang, normal, low):
    html = site.get(f"/{lang}/{Q}").get_data(as_text=True)
    assert _status(html, "national") == normal
    assert _status(html, "pa-C16") == low


@pytest.mark.parametrize("lang, words", [
    ("it", {"table.csv": "la tabella, per fogli di calcolo", "table.sdmx.csv": "per sistemi statistici",
            "codelists.csv": "i codici e le loro etichette", "metadata.json": "metodi, copertura e revisioni",
            "manifest.json": "per verificare i file"}),
    ("en", {"table.csv": "the table, for spreadsheets", "table.sdmx.csv": "for statistical systems",
            "codelists.csv": "the codes and their labels", "metadata.json": "methods, coverage and revisions",
            "manifest.json": "to check the files"})])
def test_each_open_data_file_says_what_it_is_for(site, lang, words):
    html = markup.unescape(site.get(f"/{lang}/{Q}").get_data(as_text=True))
    files = html.split('data-files', 1)[1].split("</ul>", 1)[0]
    for name, text in words.items():
        link = re.search(rf'<li><a href="[^"]*/{re.escape(name)}"[^>]*>(.*?)</a>', files, re.S)
        assert link and text in link.group(1), (name, link and link.group(1))
        assert name in files  # the file's own name stays beside its description


def test_a_reader_over_the_rate_limit_gets_a_page_in_the_language_of_the_address(tmp_path):
    """A browser over the limit was shown the API's English JSON ("rate_limited"). A page says, in
    the language of its address, to wait and retry; files and data keep their JSON; both say when."""
    app = create_app(Settings(data_dir=tmp_path, public_rate_limit="1/minute"))
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for url, lang, words in (("/it/", "it", "Troppe richieste"), ("/en/methodology", "en", "Too many requests")):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"127.0.0.{2 + len(lang) + len(url)}"  # a bucket of its own
        assert c.get(url, headers=browser).status_code == 200
        r = c.get(url, headers=browser)
        html = r.get_data(as_text=True)
        assert r.status_code == 429 and r.mimetype == "text/html" and int(r.headers["Retry-After"]) >= 1
        assert f'<html lang="{lang}">' in html and words in html and "Pagina non trovata" not in html, html
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "127.0.0.99"
    c.get("/data/releases.json")
    r = c.get("/data/releases.json", headers=browser)
    assert r.status_code == 429 and r.json["error"] == "rate_limited" and r.json["fields"]


@pytest.mark.parametrize("lang, first, obs, conf", [
    ("it", "la prima lettera è lo stato del valore, la seconda la riservatezza",
     "Stato del valore: A valore normale · U bassa affidabilità (N < 30) · B interruzione della serie · Q oscurato.",
     "Riservatezza: F pubblicabile · A oscurato."),
    ("en", "the first letter is the value's status, the second its confidentiality",
     "Value status: A normal value · U low reliability (N < 30) · B break in series · Q suppressed.",
     "Confidentiality: F free (publishable) · A suppressed.")])
def test_the_legend_keeps_the_two_code_lists_apart(site, lang, first, obs, conf):
    """The legend read "A: valore normale · U: … · Q: oscurato / F: pubblicabile · A: oscurato": one
    run of codes in which "A" was both "valore normale" and "oscurato", and "Q: oscurato / F:
    pubblicabile" looked like one pair — a citizen reading "(A/F)" beside a figure could take it for
    suppressed. Each list is now named, and the legend says which letter of "(A/F)" is which."""
    html = site.get(f"/{lang}/{Q}").get_data(as_text=True)
    legend = html.split('data-legend="status">', 1)[1].split("</p>", 1)[0]
    text = re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", "", legend))).strip()
    assert first in text and obs in text and conf in text, text
    assert " / " not in text


@pytest.mark.parametrize("lang, months", [("it", "luglio–settembre 2026"), ("en", "July–September 2026")])
def test_a_quarter_says_its_months(site, lang, months):
    """Every heading and list named a quarter by its code only ("Trimestre 2026-Q3"): a citizen had to
    know that Q3 is July to September. The quarter's page, the home page's headline and list, and the
    service types' pages say its months beside the code, in the page's language."""
    for path in (f"/{lang}/{Q}", f"/{lang}/", f"/{lang}/service-types/anagrafe.certificati"):
        html = site.get(path).get_data(as_text=True)
        assert f"({months})" in html or f"({months}," in html, path
    h1 = re.search(r"<h1>(.*?)</h1>", site.get(f"/{lang}/{Q}").get_data(as_text=True), re.S).group(1)
    assert Q in h1 and months in h1


@pytest.mark.parametrize("lang, words", [
    ("it", "Due valori (per esempio di due trimestri) con intervalli molto sovrapposti possono non essere davvero diversi."),
    ("en", "Two values (of two quarters, say) whose intervals overlap a lot may not really differ.")])
def test_the_legend_warns_that_overlapping_intervals_may_not_differ(site, lang, words):
    """The console's legend tells its readers that two values with much-overlapping intervals may not
    really differ; the public site — read by journalists comparing one quarter with the last — did not."""
    for path in (f"/{lang}/", f"/{lang}/{Q}", f"/{lang}/service-types/anagrafe.certificati", f"/{lang}/methodology"):
        legend = site.get(path).get_data(as_text=True).split('data-legend="ci">', 1)[1].split("</p>", 1)[0]
        assert words in markup.unescape(legend), path
