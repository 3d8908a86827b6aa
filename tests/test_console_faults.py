"""Faults the monitoring staff found in the console (December 2026), each with the behaviour expected:
the national benchmark under unit filters, partial periods said, the service-type filters applied
everywhere and unknown codes refused, Italian/English number formats, indicators not collected,
ranking honesty, translated refusals. Real DuckDB/Parquet data (:mod:`tests.console_data`)."""
from __future__ import annotations

import html
import re

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from tests.console_auth import get_as
from warehouse.console import create_app
from warehouse.periods import period_of, is_complete, today_rome

STYPE = "anagrafe.certificati"
NOW = today_rome().strftime("%Y-%m")
NOW_Q = period_of(NOW, "Q")


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    settings, tokens = build(root)
    # answers in the month running now (a period in progress, whatever the date of the run)
    write(root, [response(period=NOW, day=1, entity=e, service=k, region=r, satisfaction=s)
                 for e, k, r in (("c_h501", "demo-roma-anagrafe", "ITI4"), ("c_f205", "demo-milano-anagrafe", "ITC4"))
                 for s in (5, 4, 4, 3, 5, 2, 4, 5, 4, 4)]
          # Milano's star rating of the service: ease from a second instrument (a mean cannot pool them)
          + [response(period="2026-10", day=3, entity="c_f205", service="demo-milano-anagrafe", region="ITC4",
                      questionnaire="di-rating-servizio", ease=s) for s in (5, 4, 4, 3, 5, 2, 4, 5, 4, 4)])
    return create_app(settings), tokens


def _get(app_tokens, url, lang=None):
    app, tokens = app_tokens
    return get_as(app, tokens["monitoring"], url, lang)


# --- 1. a unit filter keeps the national benchmark -------------------------------------------------

def test_api_region_filter_keeps_the_national_benchmark(app_tokens):
    base = f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10"
    national = _get(app_tokens, base).get_json()
    roma = _get(app_tokens, base + "&region=ITI4").get_json()
    assert [u["entity"] for u in roma["units"]] == ["c_h501"]
    # the same published cell as without the filter, not Roma's own value
    assert roma["benchmark"]["value"] == national["benchmark"]["value"]
    assert roma["benchmark"]["n"] == national["benchmark"]["n"]
    assert roma["benchmark"]["value"] != roma["units"][0]["value"]
    assert roma["benchmark"]["scope"] == "national"
    assert roma["benchmark"]["filters"] == {"service_type": [STYPE]}
    assert roma["benchmark"]["unit_filters"] == {"region": ["ITI4"]}
    # Roma's z-score is against the national value: the same as in the national comparison
    z = {u["entity"]: u["z"] for u in national["units"]}
    assert roma["units"][0]["z"] == z["c_h501"]


def test_api_measure_filters_still_define_the_benchmark(app_tokens):
    both = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10&channel=web&pa_type=L6")
    body = both.get_json()
    assert body["benchmark"]["filters"] == {"service_type": [STYPE], "channel": ["web"]}
    assert body["benchmark"]["unit_filters"] == {"pa_type": ["L6"]}


def test_page_region_filter_compares_with_the_national_benchmark(app_tokens):
    whole = _get(app_tokens, f"/service-types/{STYPE}?freq=M&period=2026-10").get_data(as_text=True)
    milano = _get(app_tokens, f"/service-types/{STYPE}?freq=M&period=2026-10&region=ITC4").get_data(as_text=True)
    bench = lambda h: re.search(r'data-benchmark="([^"]*)"', h).group(1)  # noqa: E731
    assert bench(milano) == bench(whole) != ""
    assert 'data-benchmark-scope="national"' in milano
    assert "data-benchmark-note" in milano and "data-benchmark-note" not in whole


# --- 2. partial periods are said --------------------------------------------------------------------

@pytest.mark.parametrize("url", [f"/?freq=M&period={NOW}", f"/service-types/{STYPE}?freq=Q&period={NOW_Q}",
                                 f"/entities/c_h501?freq=M&period={NOW}", f"/regions?freq=Q&period={NOW_Q}"])
def test_a_chosen_period_in_progress_is_refused_naming_it(app_tokens, url):
    """A running period was shown, said partial; its figures are now published once it has ended."""
    resp = _get(app_tokens, url)
    page = html.unescape(resp.get_data(as_text=True))
    label = url.rsplit("=", 1)[1]
    assert resp.status_code == 400 and f"«period»: il periodo {label} è in corso: i suoi dati si pubblicano" in page
    en = _get(app_tokens, url, lang="en").get_data(as_text=True)
    assert "is still running: its figures are published once it has ended" in en


def test_a_first_period_the_data_cover_in_part_is_said(app_tokens):
    page = _get(app_tokens, f"/service-types/{STYPE}?freq=Q&period=2026-Q3").get_data(as_text=True)
    assert 'data-partial="data_from"' in page and "2026-08" in page
    whole = _get(app_tokens, f"/service-types/{STYPE}?freq=M&period=2026-09").get_data(as_text=True)
    assert "data-partial" not in whole
    # a trend shows which of its points are partial; the running quarter is not one of them
    page = _get(app_tokens, "/?freq=Q&period=2026-Q3").get_data(as_text=True)
    trend = page.split('data-table="trend"', 1)[1].split("</table>")[0]
    rows = {re.search(r'data-col="period">([^<]+)<', r).group(1): r for r in trend.split("<tr>")[2:]}
    assert "parziale: dati dal 2026-08" in rows["2026-Q3"]
    assert NOW_Q not in rows and "in corso" not in trend


def test_the_api_says_a_period_is_partial(app_tokens):
    running = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&freq=Q&period={NOW_Q}")
    assert running.status_code == 400 and "still running" in running.get_json()["fields"]["period"][0]
    first = _get(app_tokens, "/api/v1/indicators?by=&freq=Q&period=2026-Q3").get_json()["period"]["partial"]
    assert first["partial"] and first["data_from"] == "2026-08" and not first["running"]
    whole = _get(app_tokens, "/api/v1/indicators?by=&freq=M&period=2026-09").get_json()["period"]["partial"]
    assert not whole["partial"] and whole["note"] is None


def test_regions_default_to_a_complete_fully_covered_period(app_tokens):
    page = _get(app_tokens, "/regions").get_data(as_text=True)
    shown = re.search(r'data-period="([^"]+)"', page).group(1)
    assert is_complete(shown) and "data-partial" not in page


# --- 3. the service-type page's filters apply to the whole page; unknown codes are refused -------------

def _table_n(page: str, table: str) -> list[str]:
    body = page.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-col="n">([^<]*)<', body)


def test_the_breakdowns_follow_the_page_filters(app_tokens):
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    whole = _get(app_tokens, url).get_data(as_text=True)
    roma = _get(app_tokens, url + "&region=ITI4").get_data(as_text=True)
    funnel_n = _table_n(roma, "funnel")
    assert len(funnel_n) == 1
    # Roma alone: the channel breakdown is Roma's cell (one channel, web), not the whole type's
    assert _table_n(roma, "by-channel") == funnel_n
    assert _table_n(whole, "by-channel") != funnel_n
    csv = _get(app_tokens, f"/csv/service-type/{STYPE}/by-instrument?freq=M&period=2026-10&region=ITI4")
    assert csv.status_code == 200 and csv.get_data(as_text=True).count("\n") == 2  # header + Roma's one cell


@pytest.mark.parametrize("query", ["region=ITZZ", "pa_type=ZZ9", "channel=carrier-pigeon", "instrument=facia"])
def test_an_unknown_filter_code_is_a_400_naming_it(app_tokens, query):
    r = _get(app_tokens, f"/service-types/{STYPE}?{query}")
    assert r.status_code == 400
    assert query.split("=")[1] in r.get_data(as_text=True)


def test_an_unknown_service_type_is_a_404(app_tokens):
    assert _get(app_tokens, "/service-types/zzz").status_code == 404
    assert _get(app_tokens, "/csv/service-type/zzz/funnel").status_code == 404
    assert _get(app_tokens, "/service-types/previdenza.domanda-prestazione").status_code == 200


# --- 4. numbers as each language writes them; times in Europe/Rome -----------------------------------

def test_one_number_filter_writes_italian_and_english(app_tokens):
    app, _tokens = app_tokens
    for lang, expected in (("it", "1.154 · 53,9 · 0,125"), ("en", "1,154 · 53.9 · 0.125")):
        with app.test_request_context(f"/?lang={lang}"):
            assert app.jinja_env.from_string("{{ 1154|num(0) }} · {{ 53.94|num }} · {{ 0.125|num(3) }}").render() \
                == expected


@pytest.mark.parametrize("url", ["/?freq=M&period=2026-10", f"/service-types/{STYPE}?freq=M&period=2026-10",
                                 "/regions?freq=M&period=2026-10", "/entities/c_h501?freq=M&period=2026-10"])
def test_pages_write_decimals_as_their_language(app_tokens, url):
    it = _get(app_tokens, url).get_data(as_text=True)
    en = _get(app_tokens, url, lang="en").get_data(as_text=True)
    cells = lambda page: re.findall(r'data-col="share">(\d+[.,]\d)\b', page)  # noqa: E731
    assert cells(it) and all("," in v for v in cells(it)), cells(it)
    assert cells(en) and all("." in v for v in cells(en)), cells(en)
    bench = re.search(r"<strong>(\d+[.,]\d)%</strong>", it)
    assert bench is None or "," in bench.group(1)


def test_quality_page_shows_rome_time(app_tokens):
    page = _get(app_tokens, "/quality").get_data(as_text=True)
    assert re.search(r'data-kpi="fresh">\d{4}-\d\d-\d\d \d\d:\d\d CES?T<', page) and " UTC<" not in page


# --- 5. an indicator a service's questionnaire does not ask is "not collected", not 0 answers --------

def test_entity_page_says_not_collected_instead_of_zero(app_tokens):
    from registry import ops, session_scope
    from registry.models import Service

    app, _tokens = app_tokens
    with session_scope(app.config["ASCOLTO_REGISTRY"]) as s:
        if s.get(Service, "roma-pagine") is None:
            ops.add_service(s, actor="test", key="roma-pagine", entity_ipa="c_h501", name="Valutazione del servizio",
                            service_type=STYPE, channel="web", allowed_origins=["https://www.comune.roma.it"],
                            questionnaire_id="di-rating-servizio", questionnaire_version=1)
    row = lambda page, key: page.split(f'data-service="{key}"', 1)[1].split("</tr>", 1)[0]  # noqa: E731
    sat = _get(app_tokens, "/entities/c_h501?freq=M&period=2026-10").get_data(as_text=True)
    assert "non rilevato" in row(sat, "roma-pagine") and "data-not-collected" not in row(sat, "demo-roma-anagrafe")
    assert "not collected" in row(_get(app_tokens, "/entities/c_h501?freq=M&period=2026-10", lang="en")
                                  .get_data(as_text=True), "roma-pagine")
    # the entity's own workspace says the same
    ws = _get(app_tokens, "/workspace/c_h501?freq=M&period=2026-10").get_data(as_text=True)
    assert "data-not-collected" in row(ws, "roma-pagine") and "data-not-collected" not in row(ws, "demo-roma-anagrafe")
    # ease is what the service rating asks: no answers yet is 0, not "not collected"
    ease = _get(app_tokens, "/entities/c_h501?freq=M&period=2026-10&indicator=ease").get_data(as_text=True)
    assert re.search(r'data-col="n">0<', row(ease, "roma-pagine"))


# --- 6. ranking honesty: rank intervals, EB intervals, the note, φ, nothing to rank with one unit -------

def _funnel_rows(page: str) -> list[dict[str, str]]:
    body = page.split('data-table="funnel"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [{k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)}
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_ranks_come_with_their_intervals_the_note_and_phi(app_tokens):
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    page = _get(app_tokens, url).get_data(as_text=True)
    api = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10").get_json()
    rows = {r["entity"]: r for r in _funnel_rows(page)}
    ranked = [u for u in api["units"] if u["rank"] is not None]
    assert ranked and api["ranking"]["ranked"]
    for u in ranked:  # the rank, "=" when shared, and beside it (its own column) the interval it may be in
        lo, hi = u["rank_interval"]
        assert rows[u["entity"]]["rank"] == f"{u['rank']}{'=' if u['tied'] else ''}", rows[u["entity"]]
        assert rows[u["entity"]]["rank_interval"] == f"{lo}–{hi}", rows[u["entity"]]
        # the EB interval as the comparison rounds it (2 decimals, as the EB estimate), never rounded again
        assert rows[u["entity"]]["eb_lower"] == f"{u['eb']['ci'][0]:.2f}".replace(".", ",")
        assert rows[u["entity"]]["eb_upper"] == f"{u['eb']['ci'][1]:.2f}".replace(".", ",")
    assert 'data-ranking-note="ranked"' in page and "intervalli del rango al 95%" in page
    if api["method"].startswith("normal_"):  # limits widened for over-dispersion: φ is shown
        phi = api["test"]["phi"]
        assert f'data-phi="{round(phi, 2)}"' in page and f"φ = {phi:.2f}".replace(".", ",") in page
    en = _get(app_tokens, url, lang="en").get_data(as_text=True)
    assert "95% rank intervals" in en and "EB 95% CI low" in en


def test_the_funnel_download_holds_the_rank_alone_and_its_interval_in_its_own_column(app_tokens):
    """The rank column of the funnel's CSV said "3 (1–5)", repeating the next column's interval and
    leaving a text a spreadsheet cannot sort: now the rank alone (a number; a shared rank appears on
    each of its units), the interval in "Intervallo del rango" — the same as the API's."""
    from tests import console_csv

    api = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10").get_json()
    for lang, rank_col, interval_col in (("it", "Rango EB", "Intervallo del rango"), ("en", "EB rank", "Rank interval")):
        rows = {r["Codice IPA" if lang == "it" else "IPA code"]: r for r in console_csv.dicts(
            _get(app_tokens, f"/csv/service-type/{STYPE}/funnel?freq=M&period=2026-10&lang={lang}"))}
        ranked = [u for u in api["units"] if u["rank"] is not None]
        assert ranked and set(rows) == {u["entity"] for u in api["units"]}
        for u in ranked:
            lo, hi = u["rank_interval"]
            assert rows[u["entity"]][rank_col] == str(u["rank"]), rows[u["entity"]]
            assert rows[u["entity"]][interval_col] == f"{lo}–{hi}"
        for u in api["units"]:
            if u["rank"] is None:  # suppressed or unranked: both empty, never a made-up rank
                assert rows[u["entity"]][rank_col] == rows[u["entity"]][interval_col] == ""


def test_a_p_value_below_a_thousandth_is_written_in_each_readers_language(app_tokens):
    # "p < 0,001" on the English page: the template's constant 0.001|num(3) was computed once, when the
    # template was first compiled, in the language of whoever asked first — and kept for everyone
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    pages = {lang: _get(app_tokens, url, lang=lang).get_data(as_text=True) for lang in ("en", "it", "en")}
    assert "p &lt; 0,001" in pages["it"] and "p &lt; 0.001" in pages["en"]
    assert "0,001" not in pages["en"]


def test_the_legend_says_in_words_what_the_comparisons_columns_mean(app_tokens):
    # monitoring staff read "Intervallo del rango 1–4", "Stima EB", "Confronto (FDR)" with no word on what
    # they mean: the service type page's legend explains each column a non-statistician cannot guess
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    for lang, words in (("it", ("dal 1° al 4° posto", "i dati non dicono quale dei due va meglio",
                                "non finisce primo o ultimo per caso", "può essere dovuta al caso",
                                "molti enti insieme")),
                        ("en", ("anywhere from 1st to 4th", "the data do not say which of the two does better",
                                "does not come first or last by chance", "may be due to chance",
                                "many entities at once"))):
        page = _get(app_tokens, url, lang=lang).get_data(as_text=True)
        legend = page.split('<aside class="legend"', 1)[1].split("</aside>", 1)[0]
        assert [k for k in ("rank_interval", "eb_estimate", "flag", "fdr") if f'data-legend="{k}"' not in legend] == []
        assert [w for w in words if w not in legend] == [], lang
    other = _get(app_tokens, "/service-types/?freq=M&period=2026-10").get_data(as_text=True)
    assert 'data-legend="rank_interval"' not in other  # a page without ranks has no word on them


def test_the_legend_says_what_the_interval_and_the_marks_mean_to_a_reader_who_is_not_a_statistician(app_tokens):
    # every table has an "IC 95%" column and "oscurato" / "bassa affidabilità" marks, but the legend never
    # said what the interval is, why a cell is hidden, or what low reliability means for reading the value
    for lang, words in (("it", ("IC 95%", "i valori compatibili con le risposte raccolte",
                                "si potrebbe riconoscere chi ha risposto",
                                "può cambiare molto da un periodo all'altro per caso")),
                        ("en", ("95% CI", "the values compatible with the responses collected",
                                "who answered could be recognised",
                                "may change a lot from one period to the next by chance"))):
        page = _get(app_tokens, "/?freq=M&period=2026-10", lang=lang).get_data(as_text=True)
        legend = html.unescape(page.split('<aside class="legend"', 1)[1].split("</aside>", 1)[0])
        assert 'data-legend="ci"' in legend and [w for w in words if w not in legend] == [], lang


def test_widened_limits_are_explained_in_plain_words(app_tokens):
    # "allargati per la sovradispersione (moltiplicativa) … φ = 4,46 (test χ² 22,3, gl 4, p < 0,001)" is
    # all a reader was told: what it means for reading the funnel is said in words beside it
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    for lang, words in (("it", "gli enti differiscono tra loro più di quanto spieghi il caso"),
                        ("en", "the entities differ from one another by more than chance explains")):
        page = html.unescape(_get(app_tokens, url, lang=lang).get_data(as_text=True))
        method = re.search(r'<p class="small" data-method="normal_multiplicative">(.*?)</p>', page, re.S)
        assert method and words in method.group(1), lang


def test_one_unit_listed_is_still_compared_with_the_whole_type(app_tokens):
    """Milano alone in Lombardy was "nothing to compare": the region chose the model's units too. A
    region chooses the units listed; Milano is ranked and judged among all the type's entities, and the
    page says what the national one says (tests/test_compare_unit_filters.py)."""
    url = f"/service-types/{STYPE}?freq=M&period=2026-10"
    page = _get(app_tokens, url + "&region=ITC4").get_data(as_text=True)
    note = lambda h: re.search(r'data-ranking-note="(\w+)"', h).group(1)  # noqa: E731
    assert note(page) == note(_get(app_tokens, url).get_data(as_text=True)) != "none"
    assert "nulla da confrontare" not in page
    assert [r["entity"] for r in _funnel_rows(page)] == ["c_f205"]


# --- 7. refusals on Italian pages are in Italian ----------------------------------------------------

def test_the_mean_refusal_is_translated(app_tokens):
    url = f"/service-types/{STYPE}?freq=M&period=2026-10&indicator=ease&measure=mean"
    page = html.unescape(_get(app_tokens, url).get_data(as_text=True))
    refused = page.split("data-refused>", 1)[1].split("</div>", 1)[0]
    assert "Non confrontabile: la statistica unirebbe scale di risposta diverse" in refused
    assert "cannot pool" not in refused
    en = html.unescape(_get(app_tokens, url, lang="en").get_data(as_text=True))
    assert "cannot pool different response scales" in en.split("data-refused>", 1)[1].split("</div>", 1)[0]


def test_a_400_page_is_in_the_readers_language_the_api_in_english(app_tokens):
    url = f"/service-types/{STYPE}?instrument=bad%20code"
    page = _get(app_tokens, url)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Codice malformato" in text and "Malformed code" not in text
    assert "Malformed code" in _get(app_tokens, url, lang="en").get_data(as_text=True)
    unknown = html.unescape(_get(app_tokens, f"/service-types/{STYPE}?region=ITZZ").get_data(as_text=True))
    assert "Codice sconosciuto 'ITZZ'" in unknown and "the codes are in" not in unknown
    api = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&instrument=bad%20code").get_json()
    assert api["message"].startswith("Malformed code")


def test_the_drivers_refusal_is_translated(app_tokens):
    page = _get(app_tokens, "/improve/drivers?service=demo-inail-denuncia&period=2026-10")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "data-refused" in text
    message = text.split("data-refused", 1)[1].split("Motivo tecnico", 1)[0]
    assert not re.search(r"Fewer than|Not asked|Every response|Almost every", message), message


def test_a_region_without_answers_still_states_the_national_benchmark(app_tokens):
    base = f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-09"
    national = _get(app_tokens, base).get_json()["benchmark"]
    torino = _get(app_tokens, base + "&region=ITC1").get_json()  # Torino answered in October only
    assert torino["units"] == [] and torino["benchmark"]["value"] == national["value"] is not None
    assert torino["benchmark"]["scope"] == "national"


def test_the_breakdowns_name_their_instrument_scale_and_channel(app_tokens):
    """The breakdown tables by instrument and scale and by channel (overview, service type, entity
    pages and their CSVs) showed "—" where the instrument, the scale and the channel go: a rename
    (``_label`` → ``period_of``) had reached the keys ``instrument_label``, ``scale_label``,
    ``channel_label`` the tables read."""
    from tests import console_csv

    url = f"/service-types/{STYPE}?freq=M&period=2026-10&region=ITI4"
    page = _get(app_tokens, url).get_data(as_text=True)
    table = page.split('data-table="by-instrument"', 1)[1].split("</table>", 1)[0]
    first = re.search(r"<tbody><tr[^>]*>(.*?)</tr>", table, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", first, re.S)]
    assert cells[:2] == ["La tua opinione sul servizio", "Scala a 5 punti"], cells
    for chart, expected in (("by-instrument", ["La tua opinione sul servizio", "Scala a 5 punti"]),
                            ("by-channel", ["Web"])):
        body = _get(app_tokens, f"/csv/service-type/{STYPE}/{chart}?freq=M&period=2026-10&region=ITI4")
        rows = console_csv.rows(body)
        assert rows[1][:len(expected)] == expected, (chart, rows)


def test_the_funnel_plot_names_each_entity_when_pointed_at(app_tokens):
    """The funnel's points carried only their IPA codes: staff pointing at an outlier had to look the
    code up in the table below. Each point now tells its entity's name (and code) on hover."""
    import json

    page = _get(app_tokens, f"/service-types/{STYPE}?freq=M&period=2026-10").get_data(as_text=True)
    spec = json.loads(html.unescape(re.search(r'<script type="application/json" id="plot-funnel">(.*?)</script>',
                                              page, re.S).group(1)))
    [points] = [t for t in spec["data"] if t.get("mode") == "markers+text"]
    named = dict(zip(points["text"], points["hovertext"]))
    api = _get(app_tokens, f"/api/v1/compare?service_type={STYPE}&freq=M&period=2026-10").get_json()
    names = {r["entity"]: r["name"] for r in _funnel_rows(page) if r["name"]}
    assert named and names and set(named) <= {u["entity"] for u in api["units"]}
    for code, label in named.items():
        assert label == f"{names.get(code) or code} ({code})"
    assert any(names.get(code) and names[code] != code for code in named)  # a real name, not the code twice
    assert "%{hovertext}" in points["hovertemplate"]
