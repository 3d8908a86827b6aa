"""Issue 19 points 6, 7, 8, 13 without a browser: every visible label through the translations in both
languages (a scan of the rendered pages and of their charts' labels), the service-types list with the
headline share, sortable, the period stated everywhere, the funnel's note under 5 units, and the
export page's period lists following the frequency."""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from tests.console_data import build
from warehouse.console import create_app
from warehouse.console.i18n import EN

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

STYPE = "anagrafe.certificati"
PAGES = ["/", "/service-types/", f"/service-types/{STYPE}", f"/service-types/{STYPE}?measure=mean",
         "/service-types/previdenza.domanda-prestazione", "/entities/", "/entities/c_h501", "/regions", "/quality",
         "/exports", "/exports?freq=Q", "/attention", "/attention?level=service"]
#: codes that must never reach a reader
CODES = re.compile(r"(?<![\w-])(A/F|U/F|Q/A|within|above_95|above_99\.8|below_95|below_99\.8|primary|secondary|"
                   r"positive_share|mean_status|top2|L6|C16|ITI4|likert5|faces3|front_office)(?![\w-])")


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    settings, tokens = build(tmp_path_factory.mktemp("labels"))
    return create_app(settings.with_(collector_metrics_url="http://127.0.0.1:9/metrics")), tokens


def _visible(page: str) -> tuple[str, list[str]]:
    """The text a reader sees (tags, scripts, hidden inputs and attribute values other than labels
    removed) and the labels inside the charts' JSON (trace names, axis titles)."""
    labels = []
    for blob in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S):
        plot = json.loads(blob)
        labels += [t.get("name", "") for t in plot.get("data", [])]
        for axis in ("xaxis", "yaxis"):
            labels.append(((plot.get("layout", {}).get(axis) or {}).get("title") or {}).get("text", ""))
    body = re.sub(r"<script.*?</script>|<code>.*?</code>", " ", page, flags=re.S)
    body = re.sub(r'<td data-col="(entity|region|code|period)">.*?</td>', " ", body, flags=re.S)  # codes as data
    body = re.sub(r"<option[^>]*>\d{4}(-(Q\d|\d\d))?</option>", " ", body)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text), [x for x in labels if x]


@pytest.mark.parametrize("url", PAGES)
def test_english_pages_carry_no_italian_and_no_codes(app_tokens, url):
    app, tokens = app_tokens
    c = app.test_client()
    c.get("/lang/en", headers={"Authorization": f"Bearer {tokens['statistician']}"})
    page = c.get(url, headers={"Authorization": f"Bearer {tokens['statistician']}"}).get_data(as_text=True)
    assert 'lang="en"' in page
    text, labels = _visible(page)
    data_words = {"Regione"}  # in entities' names (data, not labels)
    italian = [it for it, en in EN.items() if it != en and len(it) > 4 and it not in data_words
               and (re.search(rf"(?<!\w){re.escape(it)}(?!\w)", text) or it in labels)]
    assert not italian, italian
    for word in ("Enti", "IC 95%", "uso interno", "oscurato", "Risposte", "Periodo", "Media"):
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text + " ".join(labels)), word
    assert not CODES.search(text), CODES.search(text).group(0)
    assert not any(CODES.search(x) or x in ("mean", "N", "satisfaction") for x in labels), labels


@pytest.mark.parametrize("url", ["/admin/entities", "/admin/services", "/admin/tokens", "/admin/audit"])
def test_english_admin_pages_carry_no_italian_labels(app_tokens, url):
    """The registry's administration in English said "Campi", "Contesto" (the audit log's columns),
    "Comune" (the entities' column) and, on the tokens' form, "Codice IPA dell'ente (solo token entity)"
    and "Responsabile (può creare token dell'ente)": labels outside the translations."""
    app, tokens = app_tokens
    page = app.test_client().get(url + "?lang=en", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert page.status_code == 200
    text, _labels = _visible(page.get_data(as_text=True))
    thead = " ".join(re.findall(r"<thead>(.*?)</thead>", page.get_data(as_text=True), re.S))
    italian = [it for it, en in EN.items() if it != en and len(it) > 4
               and it not in ("Regione", "Domanda")  # in entities' and services' Italian names (data)
               and re.search(rf"(?<!\w){re.escape(it)}(?!\w)", text)]
    assert not italian, italian
    assert not re.search(r">(Campi|Contesto|Comune)<", thead), thead


@pytest.mark.parametrize("url", PAGES)
def test_italian_pages_show_no_codes(app_tokens, url):
    app, tokens = app_tokens
    page = app.test_client().get(url, headers={"Authorization": f"Bearer {tokens['statistician']}"}).get_data(as_text=True)
    text, labels = _visible(page)
    assert not CODES.search(text), CODES.search(text).group(0)
    assert not any(x in ("mean", "N", "satisfaction", "Benchmark ", "Entities") for x in labels), labels


@pytest.mark.parametrize("url", ["/", "/login", "/join", f"/service-types/{STYPE}"])
def test_every_page_has_one_banner_a_screen_reader_can_jump_to(app_tokens, url):
    # the slim bar above the header was a second <header> at the top of the body: axe's
    # landmark-no-duplicate-banner, and a screen reader listed two banners with nothing to tell them apart.
    # It is part of the one banner (outside every landmark, its text would be axe's "region")
    app, tokens = app_tokens
    page = app.test_client().get(url, headers={"Authorization": f"Bearer {tokens['monitoring']}"}).get_data(as_text=True)
    assert len(re.findall(r"<header\b", page)) == 1 and 'role="banner"' not in page
    assert page.index("<header") < page.index('<div class="slim">') < page.index("</header>")


def test_service_types_list_shows_the_headline_share_sortable_and_the_period(app_tokens):
    app, tokens = app_tokens
    c = app.test_client()
    h = {"Authorization": f"Bearer {tokens['monitoring']}"}
    page = c.get("/service-types/?sort=share&dir=desc", headers=h).get_data(as_text=True)
    assert 'data-period="2026-10"' in page and 'aria-sort="descending"' in page
    shares = [float(x.replace(",", ".")) for x in re.findall(r'<td data-col="share">([\d,]+)', page)]  # 53,9
    assert len(shares) == 2 and shares == sorted(shares, reverse=True)
    api = c.get("/api/v1/indicators?by=service_type&period=2026-10", headers=h).get_json()["rows"]
    assert sorted(shares, reverse=True) == sorted((round(r["positive_share"], 1) for r in api), reverse=True)
    asc = c.get("/service-types/?sort=share&dir=asc", headers=h).get_data(as_text=True)
    assert [float(x.replace(",", ".")) for x in re.findall(r'<td data-col="share">([\d,]+)', asc)] == sorted(shares)
    assert c.get("/service-types/?sort=bogus", headers=h).status_code == 400


def test_a_sorted_columns_arrow_is_not_read_aloud(app_tokens):
    # a screen reader read the sorted column's link as "Risposte — ordina black down-pointing triangle":
    # th's aria-sort says the order; the arrow is for the eye only
    app, tokens = app_tokens
    page = app.test_client().get("/service-types/?sort=n&dir=desc",
                                 headers={"Authorization": f"Bearer {tokens['monitoring']}"}).get_data(as_text=True)
    [link] = re.findall(r'<th scope="col" aria-sort="descending"><a [^>]*>(.*?)</a></th>', page)
    assert re.sub(r'<span aria-hidden="true">[^<]*</span>', "", link).count("▼") == 0 and "▼" in link


def test_a_funnel_with_fewer_than_five_units_is_a_table_with_a_note(app_tokens):
    app, tokens = app_tokens
    page = app.test_client().get("/service-types/previdenza.domanda-prestazione",
                                 headers={"Authorization": f"Bearer {tokens['monitoring']}"}).get_data(as_text=True)
    assert 'data-note="funnel"' in page and 'id="plot-funnel"' not in page and 'data-table="funnel"' in page


def test_every_aggregating_page_states_its_period_and_offers_a_selector(app_tokens):
    app, tokens = app_tokens
    c = app.test_client()
    h = {"Authorization": f"Bearer {tokens['monitoring']}"}
    for url in ("/", "/service-types/", f"/service-types/{STYPE}", "/entities/c_h501", "/regions"):
        page = c.get(url, headers=h).get_data(as_text=True)
        assert re.search(r'data-period="20\d\d(-\d\d|-Q\d)?"', page) and 'name="period"' in page and 'name="freq"' in page, url
    q = c.get("/?freq=Q&period=2026-10", headers=h).get_data(as_text=True)  # the form switched to quarters
    assert 'data-period="2026-Q4"' in q


def test_export_page_period_lists_follow_the_frequency(app_tokens):
    app, tokens = app_tokens
    c = app.test_client()
    h = {"Authorization": f"Bearer {tokens['statistician']}"}
    months = c.get("/exports?freq=M", headers=h).get_data(as_text=True)
    quarters = c.get("/exports?freq=Q", headers=h).get_data(as_text=True)
    pick = lambda page: re.findall(r"<option>([^<]+)</option>", page.split('id="e-from"', 1)[1].split("</select>")[0])  # noqa: E731
    assert pick(months) == ["2026-08", "2026-09", "2026-10"] and pick(quarters) == ["2026-Q3", "2026-Q4"]
    assert 'name="freq" value="Q"' in quarters
    bad = c.get("/exports/download?format=csv&freq=Q&from=2026-11", headers=h)  # refused on the form's HTML page
    assert bad.status_code == 400 and bad.mimetype == "text/html" and "«from»" in bad.get_data(as_text=True)


def test_every_translated_text_of_the_templates_has_its_english(app_tokens):
    """``_("…")`` falls back to the Italian text when English lacks it: the check page's wrong-origin
    verdict, the join form's introduction and origins field, the entity page's faccia "rapporto"
    were Italian on English pages. Every literal the templates translate has its English (the
    printed faccia report is an Italian document and translates nothing)."""
    import glob
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "warehouse" / "console" / "templates"
    missing = {}
    for path in sorted(glob.glob(str(root / "*.html"))):
        text = Path(path).read_text("utf-8")
        keys = {m.group(1) for m in re.finditer(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', text)}
        lacking = sorted(k for k in keys if k not in EN and re.search(r"[a-zà-ù]{3}", k))
        if lacking:
            missing[Path(path).name] = lacking
    assert not missing, missing


@pytest.mark.parametrize("lang, group, question", [
    ("it", "Modulo: La tua opinione sul servizio: anagrafe e stato civile",
     "Quanto è stato facile trovare il servizio sul sito del Comune?"),
    ("en", "Module: Your opinion of the service: civil registry",
     "How easy was it to find the service on the municipality's website?")])
def test_a_module_indicator_is_named_by_its_question_in_the_menu_its_code_the_value(app_tokens, lang, group,
                                                                                     question):
    """The service type's "Indicatore" menu named a module's indicators by their code prefix
    ("mod-anagrafe: Quanto è stato facile…"). Each is named by its question, in the page's language,
    under the module's name (the instrument's label, as the "Strumento" menu names it); the code stays
    the option's value, and choosing it still draws the page."""
    app, tokens = app_tokens
    c = app.test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    resp = c.get(f"/service-types/{STYPE}?indicator=mod-anagrafe:findability&lang={lang}")
    assert resp.status_code == 200
    menu = re.search(r'<select id="f-indicator" name="indicator">(.*?)</select>', resp.get_data(as_text=True), re.S)
    options = {v: htmllib.unescape(t) for v, t in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>',
                                                              menu.group(1))}
    assert options["mod-anagrafe:findability"] == question
    assert "mod-anagrafe:fully_online" in options and not any("mod-" in t for t in options.values()), options
    assert re.search(rf'<optgroup label="{re.escape(htmllib.escape(group))}">'
                     r'<option value="mod-anagrafe:findability" selected>', menu.group(1)), menu.group(1)
    assert options["satisfaction"] == ("Soddisfazione" if lang == "it" else "Satisfaction")
