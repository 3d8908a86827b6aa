"""The console as national monitoring staff read it, second round: a suppressed cell says so in its N
column too, downloads keep the page's language, charts have a text alternative that describes them,
and the remaining tables download as CSV."""
from __future__ import annotations

import re

import pytest

from dataset.funnel import write_funnel
from tests import console_csv
from tests.console_data import build
from tests.test_console_secondary_pages import _funnel
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

STYPE = "anagrafe.certificati"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from registry import connect, session_scope
    from registry.models import Entity

    root = tmp_path_factory.mktemp("monitoring2")
    settings, tokens = build(root)
    # the widget's counts of Roma's registry office: a month of 40 reports, one of 2 (suppressed)
    write_funnel(root, _funnel("2026-09", 40) + _funnel("2026-10", 2), 0, 0, 41)
    faces = []  # Roma's front office on the faces: 12 judgements a month, one in August (suppressed)
    for period, times in (("2026-08", 0), ("2026-09", 4), ("2026-10", 4)):
        judged = (("satisfied", 100.0), ("neutral", 50.0), ("dissatisfied", 0.0)) * times or (("satisfied", 100.0),)
        for face, value in judged:
            row = response(period=period, day=2, entity="c_h501", service="roma-front_office",
                           service_type="sportello.urp", channel="front_office", questionnaire="faccia")
            row.update(satisfaction=value, satisfaction_raw=face, satisfaction_scale=None, answers=[("face", f'"{face}"')])
            faces.append(row)
    write(root, faces)
    with session_scope(connect(settings.database_url)) as s:  # Torino: one answer in all, suppressed
        s.add(Entity(ipa_code="c_l219", name="Comune di Torino", category="L6", region_istat="01",
                     region_nuts="ITC1"))
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c


def _page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def _rows(resp) -> list[list[str]]:
    return console_csv.rows(resp)


def _n_cell(html: str, row_attr: str) -> str:
    row = re.search(rf'<tr {row_attr}>(.*?)</tr>', html, re.S).group(1)
    return re.search(r'<td data-col="n">(.*?)</td>', row, re.S).group(1)


SUPPRESSED = '<span class="st st-q">oscurato</span>'


def test_a_suppressed_cells_n_says_oscurato_as_its_value_does(client):
    """Torino (ITC1, c_l219) has one answer: its value said "oscurato" but its N column "—", which reads
    as "no data" rather than "withheld by statistical secrecy"."""
    regions = _page(client, "/regions?freq=M&period=2026-10")
    assert _n_cell(regions, 'data-region="ITC1"') == SUPPRESSED
    entity = _page(client, "/entities/c_l219?freq=M&period=2026-10")
    assert f'<td data-col="n">{SUPPRESSED}</td>' in entity  # its trend and breakdown tables
    entities = _page(client, "/entities/")
    row = re.search(r'<tr><th scope="row"><a href="/entities/c_l219">.*?</tr>', entities, re.S).group(0)
    assert SUPPRESSED in row and "Legenda degli stati" in entities
    ranking = _page(client, f"/service-types/{STYPE}?freq=M&period=2026-10&region=ITC1")  # chart tables
    assert f'<td data-col="n">{SUPPRESSED}</td>' in ranking
    assert '<td data-col="n"><span class="st">—</span></td>' not in regions + ranking


def test_the_suppressed_n_reads_the_same_in_the_csv_and_the_api(client):
    """The CSV leaves a suppressed N empty (numbers stay machine-readable) and says "oscurato" in its
    status column; the API gives null with CONF_STATUS A: never a number, never zero."""
    rows = _rows(client.get("/csv/regions/regions?freq=M&period=2026-10"))
    head, torino = rows[0], next(r for r in rows if r[0] == "ITC1")
    assert torino[head.index("Risposte")] == "" and torino[head.index("Stato")] == "oscurato"


@pytest.mark.parametrize("url", ["/?freq=M&period=2026-10&lang=en", "/regions?freq=M&period=2026-10&lang=en",
                                 "/service-types/?freq=M&period=2026-10&lang=en",
                                 f"/service-types/{STYPE}?freq=M&period=2026-10&lang=en",
                                 "/entities/c_h501?freq=M&period=2026-10&lang=en"])
def test_a_page_opened_in_english_downloads_english_files(client, url):
    """A page opened with ?lang=en (a shared link) gave download links without lang: the file came
    back in Italian under an English page."""
    html = _page(client, url)
    assert '<html lang="en">' in html
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/csv/[^"]*)" download', html)]
    assert links
    for href in links:
        assert "lang=en" in href, href
        head = _rows(client.get(href))[0]
        assert "Stato" not in head and "Risposte" not in head, (href, head)


def test_the_ita_switch_on_a_page_opened_in_english_turns_it_italian(client):
    """ITA on /regions?lang=en went back to /regions?lang=en: the argument won over the switch and the
    page stayed English. The switch drops it and keeps the other arguments."""
    html = _page(client, "/regions?freq=M&period=2026-10&lang=en")
    ita = re.search(r'href="([^"]*)" lang="it"', html).group(1).replace("&amp;", "&")
    resp = client.get(ita)
    try:
        assert resp.status_code == 303
        assert resp.headers["Location"] == "/regions?freq=M&period=2026-10"
        assert '<html lang="it">' in _page(client, resp.headers["Location"])
    finally:
        with client.session_transaction() as s:
            s["lang"] = "it"


def _internal_links(html: str) -> list[str]:
    """The page's internal links and GET forms' targets, but the files the same in every language
    (the vendored plotly, /static) and the ITA / ENG switch."""
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', html)]
    return [h for h in hrefs if not h.startswith(("/static/", "/vendor/", "/lang/"))]


@pytest.mark.parametrize("url", ["/?freq=M&period=2026-10&lang=en", "/service-types/?freq=M&period=2026-10&lang=en",
                                 "/entities/?lang=en", "/regions?freq=M&period=2026-10&lang=en"])
def test_a_shared_english_link_stays_english_after_a_click(client, url):
    """Someone who opened a shared link with ?lang=en landed back in Italian after one click: the nav,
    a row's link to a service type or an entity, a filter form all dropped the argument."""
    html = _page(client, url)
    links = _internal_links(html)
    assert any(h.startswith("/service-types/") for h in links) and any(h.startswith("/entities/") for h in links)
    for href in links:
        assert re.search(r"[?&]lang=en(&|$)", href), href
    for href in {h for h in links if not h.startswith(("/csv/", "/api/"))
                 and ("/service-types/" + STYPE in h or "/entities/c_h501" in h or h.startswith("/regions"))}:
        assert '<html lang="en">' in _page(client, href), href  # the click lands in English
    # a filter form (GET: its query replaces the action's) carries the language too
    for form in re.findall(r'<form[^>]*method="get"[^>]*>.*?</form>', html, re.S):
        assert '<input type="hidden" name="lang" value="en">' in form
    # the files that are the same in every language are not given it; an Italian page gives none
    assert not any("lang=" in h for h in re.findall(r'src="([^"]*)"', html))
    assert not any("lang=" in h for h in _internal_links(_page(client, url.replace("lang=en", "lang=xx"))))


def test_addresses_built_while_answering_an_english_page_keep_its_language(client):
    """Redirects and form actions are built with url_for: they keep the page's ?lang=en; an explicit
    lang=None drops it; static files never get it."""
    with client.application.test_request_context("/regions?lang=en"):
        from flask import url_for
        assert url_for("pages.entities") == "/entities/?lang=en"
        assert url_for("pages.entities", lang=None) == "/entities/"
        assert url_for("static", filename="charts.js") == "/static/charts.js"
    with client.application.test_request_context("/regions"):
        from flask import url_for
        assert url_for("pages.entities") == "/entities/"


@pytest.mark.parametrize("url,words", [
    ("/?freq=M&period=2026-10", ("grafico di Quota positiva % per Periodo", "Soddisfazione", "(3 righe)")),
    ("/?freq=M&period=2026-10&lang=en", ("chart of Positive share % by Period", "Satisfaction", "(3 rows)")),
    (f"/service-types/{STYPE}?freq=M&period=2026-10", ("grafico di Quota positiva % per Numero di risposte",
                                                        "Benchmark nazionale"))])
def test_a_charts_text_alternative_says_what_it_draws_not_that_it_is_a_table(client, url, words):
    """The picture's role="img" label read "<title> — Tabella dei dati del grafico": a screen reader
    announced a chart as a data table. It says what the chart draws and where the table is; the table
    itself stays right after it."""
    html = _page(client, url)
    labels = re.findall(r'role="img" aria-label="([^"]*)"', html)
    assert labels
    for label in labels:
        assert "Tabella dei dati del grafico" not in label and "Data table of the chart" not in label
    assert all(w in labels[0] for w in words), labels[0]
    after = html.split('role="img"', 1)[1]
    assert after.index("<details") < after.index("</figure>") and 'data-table="' in after.split("</figure>")[0]


@pytest.mark.parametrize("url", ["/entities/c_h501?indicator=ease&freq=Q&period=2026-Q3",
                                 f"/service-types/{STYPE}?indicator=ease&freq=Q&period=2026-Q3"])
def test_the_channels_link_keeps_the_indicator_and_the_frequency(client, url):
    """The entity's "Canali" link dropped the indicator chosen: Facilità on the page, Soddisfazione
    (annual) on the channels page it opened."""
    html = _page(client, url)
    href = re.search(r'href="([^"]*)" data-link="channels"', html).group(1).replace("&amp;", "&")
    assert "indicator=ease" in href and "freq=Q" in href
    channels = _page(client, href)
    assert '<option value="ease" selected>' in channels and "<caption>Facilità — Canali</caption>" in channels


def test_an_empty_service_type_table_says_why_naming_the_filters(client):
    """/service-types/<code>?region=ITC1 with no entity of that type in Piemonte said only "Nessun
    dato.", and the form's region showed "Tutte" although Piemonte was applied."""
    html = _page(client, "/service-types/previdenza.domanda-prestazione?freq=M&period=2026-10&region=ITC1")
    note = re.search(r'data-note="funnel">(.*?)</p>', html, re.S).group(1)
    assert "Nessun ente di questo tipo di servizio ha risposte a questa domanda nel periodo 2026-10" in note
    assert "Regione: Piemonte" in note
    assert re.search(r'<option value="ITC1"\s+selected>Piemonte</option>', html)
    english = _page(client, "/service-types/previdenza.domanda-prestazione?freq=M&period=2026-10&region=ITC1&lang=en")
    assert "No entity of this service type has answers to this question in the period 2026-10" in english


def _download(client, page_url: str, pattern: str):
    html = _page(client, page_url)
    href = re.search(rf'href="({pattern}[^"]*)" download', html).group(1).replace("&amp;", "&")
    resp = client.get(href)
    assert resp.status_code == 200, href
    return html, resp


def test_the_overview_headline_downloads_as_csv_named_after_its_period(client):
    """The overview's headline table (every indicator in the period: what a briefing quotes first)
    had no download, unlike the charts under it."""
    html, resp = _download(client, "/?freq=M&period=2026-10", "/csv/overview/headline")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="ascolto-overview-headline-2026-10.csv"'
    rows = _rows(resp)
    assert rows[0] == ["Indicatore", "Risposte", "Quota positiva %", "IC 95% inf.", "IC 95% sup.", "Media (0–100)",
                       "Media: IC 95% inf.", "Media: IC 95% sup.", "Nota sulla media", "Stato", "Periodo precedente", "Variazione sul periodo precedente",
                       "Variazione: IC 95% inf.", "Variazione: IC 95% sup.", "Esito"]  # the change: test_overview_changes
    assert [r[0] for r in rows[1:]] == ["Soddisfazione", "Facilità", "Chiarezza", "Rapidità", "Fiducia",
                                        "Completamento"][:len(rows) - 1] and len(rows) > 2
    shown = re.search(r'<tr data-indicator="satisfaction">.*?<td data-col="n">([^<]*)</td>', html, re.S).group(1)
    assert rows[1][1] == shown.replace(".", "")  # the same published n as the page
    english = _rows(client.get("/csv/overview/headline?freq=M&period=2026-10&lang=en"))
    assert english[0][0] == "Indicator" and english[1][0] == "Satisfaction"


def test_the_entities_list_downloads_as_csv_suppressed_said_so(client):
    html, resp = _download(client, "/entities/", "/csv/entities/entities")
    rows = _rows(resp)
    assert rows[0] == ["Ente", "Codice IPA", "Categoria IPA", "Regione", "Risposte", "Stato"]
    by_ipa = {r[1]: r for r in rows[1:]}
    assert set(by_ipa) == set(re.findall(r'<a href="/entities/([^"]+)">', html))
    assert by_ipa["c_l219"][4] == "" and by_ipa["c_l219"][5] == "oscurato"  # never a number, never zero
    assert by_ipa["c_h501"][2:4] == ["Comuni", "Lazio"] and int(by_ipa["c_h501"][4]) > 0


def test_the_response_rates_download_as_csv_suppressed_rows_empty(client):
    """The response rates (and a service's item non-response) had no download: a table the monitoring
    staff copy into every report. Named after the periods they span; a suppressed row's figures empty,
    its status "oscurato", as the page says it."""
    html, resp = _download(client, "/quality/response-rates", "/quality/response-rates.csv")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="ascolto-response-rates-2026-09_2026-10.csv"'
    rows = _rows(resp)
    head = rows[0]
    assert head[:6] == ["Servizio", "Canale", "Periodo", "Visualizzazioni", "Inizi", "Invii"] and head[-2] == "Stato"
    sep, oct_ = ({r[head.index("Periodo")]: r for r in rows[1:]}[p] for p in ("2026-09", "2026-10"))
    assert sep[head.index("Stato")] == "pubblicato" and int(sep[head.index("Visualizzazioni")]) > 0
    assert oct_[head.index("Stato")] == "oscurato" and oct_[3:12] == [""] * 9  # never a number, never zero
    assert html.count(SUPPRESSED) >= 1
    _html, items = _download(client, "/quality/response-rates?service=demo-roma-anagrafe&lang=en",
                             "/quality/response-rates.csv")
    assert _rows(items)[0][0] == "Service"  # the page's language, and this service's rates
    assert len(set(_rows(items)[0])) == len(_rows(items)[0]) and "Break-off: 95% CI low" in _rows(items)[0]
    assert len(set(head)) == len(head)  # each interval named after its rate
    _html, items = _download(client, "/quality/response-rates?service=demo-roma-anagrafe",
                             r"/quality/response-rates.csv\?service=demo-roma-anagrafe&amp;table=items")
    assert items.headers["Content-Disposition"] == \
        'attachment; filename="ascolto-item-nonresponse-demo-roma-anagrafe-2026-08_2026-10.csv"'
    assert _rows(items)[0][:4] == ["Periodo", "Questionario", "Versione", "Domanda"] and len(_rows(items)) > 9


def test_the_item_nonresponse_names_each_question_in_the_readers_language(client):
    """The item non-response listed "cx-core v1 · satisfaction", "went_wrong": the questionnaire's
    codes, in English on the Italian page. Each row says the question as respondents read it, in the
    reader's language (its code beside it); the CSV has the text beside the code."""
    import html as markup

    it = markup.unescape(_page(client, "/quality/response-rates?service=demo-roma-anagrafe"))
    assert "Complessivamente, quanto sei soddisfatto/a del servizio?" in it
    assert "Sei riuscito/a a fare quello che volevi?" in it
    assert "Dove hai incontrato le maggiori difficoltà?" not in it  # a conditional item: route 25
    en = markup.unescape(_page(client, "/quality/response-rates?service=demo-roma-anagrafe&lang=en"))
    assert "Overall, how satisfied are you with the service?" in en and "quanto sei soddisfatto" not in en
    _html, items = _download(client, "/quality/response-rates?service=demo-roma-anagrafe",
                             r"/quality/response-rates.csv\?service=demo-roma-anagrafe&amp;table=items")
    head, *rows = _rows(items)
    assert head[3:5] == ["Domanda", "Testo della domanda"]
    assert ["satisfaction", "Complessivamente, quanto sei soddisfatto/a del servizio?"] in [r[3:5] for r in rows]


def test_the_coverage_tables_download_as_csv_named_after_what_they_are_of(client):
    """Coverage (onboarding by category, silent services, services under the minimum n) had no
    download. The quarter's table is named after its quarter, the others after Italy's date."""
    from warehouse.periods import today_rome

    html = _page(client, "/coverage?quarter=2026-Q3")
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/coverage\.csv[^"]*)" download', html)]
    assert len(links) == 3
    got = {}
    for href in links:
        resp = client.get(href)
        assert resp.status_code == 200, href
        got[re.search(r"table=([\w-]+)", href).group(1)] = (resp.headers["Content-Disposition"], _rows(resp))
    name, rows = got["under-min-n"]
    assert name == 'attachment; filename="ascolto-coverage-under-min-n-2026-Q3.csv"'
    assert rows[0] == ["Chiave", "Servizio", "Codice IPA", "Ente", "N", "Stato"]
    shown = re.findall(r'<tr data-service="([^"]+)"><th scope="row">[^<]*<code>[^<]*</code></th><td>[^<]*</td>'
                       r'<td data-col="n">', html)
    assert [r[0] for r in rows[1:]] == shown and shown  # the rows the page shows, in its order
    name, rows = got["silent"]
    assert name == f'attachment; filename="ascolto-coverage-silent-{today_rome().isoformat()}.csv"'
    assert rows[0][-2:] == ["Ultima risposta", "Giorni senza risposte"]
    assert got["by-category"][1][0] == ["Tipo di PA", "Categoria IPA", "Servizi", "Enti"]
    assert "Comuni" in [r[1] for r in got["by-category"][1][1:]]
    assert client.get("/coverage.csv?table=nope").status_code == 400
    english = _rows(client.get("/coverage.csv?table=silent&lang=en"))
    assert english[0][-1] == "Days without answers"


def test_the_faccia_report_downloads_its_tables_as_csv_in_the_consoles_language(client):
    """The "Mettiamoci la faccia" report (its judgements by channel and month, the table an office
    publishes) had no download. Named after the entity and its months; a suppressed month's figures
    empty and "oscurato"; in the console's language like every other download (with ``lang=en`` its
    headers, channels, statuses and coverage stayed Italian)."""
    html = _page(client, "/entities/c_h501/faccia?start=2026-08&end=2026-10")
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/entities/c_h501/faccia\.csv[^"]*)" download', html)]
    assert len(links) == 1 and all("start=2026-08" in h and "end=2026-10" in h for h in links)  # months only:
    # totals by channel are given for a calendar month, quarter or year (confidentiality route 13)
    quarter = _page(client, "/entities/c_h501/faccia?start=2026-07&end=2026-09")
    links += [h.replace("&amp;", "&") for h in re.findall(r'href="(/entities/c_h501/faccia\.csv[^"]*table=channels[^"]*)" download',
                                                           quarter)]
    assert len(links) == 2
    months = client.get(next(h for h in links if "table=months" in h))
    assert months.headers["Content-Disposition"] == 'attachment; filename="ascolto-faccia-c_h501-2026-08_2026-10.csv"'
    rows = _rows(months)
    assert rows[0][:3] == ["Mese", "Canale", "Giudizi"] and rows[0][-2:] == ["Stato", "Copertura del periodo"]
    by_month = {r[0]: r for r in rows[1:]}
    assert by_month["2026-08"][2:9] == [""] * 7 and by_month["2026-08"][9] == "oscurato"
    assert by_month["2026-09"][1] == "Sportello" and int(by_month["2026-09"][2]) > 0
    channels = _rows(client.get(next(h for h in links if "table=channels" in h)))
    assert channels[0] == ["Periodo", "Canale", "Giudizi", "Positivi (%)", "IC 95% inf.", "IC 95% sup.", "Stato"]
    english = _rows(client.get(next(h for h in links if "table=channels" in h) + "&lang=en"))
    assert english[0] == ["Period", "Channel", "Judgements", "Positive (%)", "95% CI low", "95% CI high", "Status"]
    assert [r[1] for r in english[1:]] == [{"Sportello": "Front office", "Telefono": "Phone", "Totem": "Kiosk"}
                                          .get(r[1], r[1]) for r in channels[1:]]
    assert {r[-1] for r in english[1:]} <= {"published", "low reliability", "suppressed", "break in series"}
    months_en = _rows(client.get(next(h for h in links if "table=months" in h) + "&lang=en"))
    assert months_en[0] == ["Month", "Channel", "Judgements", "Satisfied (%)", "Neither satisfied nor dissatisfied (%)",
                            "Dissatisfied (%)", "Positive (%)", "95% CI low", "95% CI high", "Status", "Period coverage"]
    en_by_month = {r[0]: r for r in months_en[1:]}
    assert en_by_month["2026-08"][9] == "suppressed" and en_by_month["2026-09"][1] == "Front office"
    assert en_by_month["2026-09"][2:9] == by_month["2026-09"][2:9]  # the same figures, machine-readable
    assert client.get("/entities/c_h501/faccia.csv?table=nope").status_code == 400
    assert client.get("/entities/nobody/faccia.csv").status_code == 404


def test_the_response_rates_name_each_service_in_the_pages_language(client):
    """The response rates listed services by key alone (``demo-roma-anagrafe (web)``): a key may be a
    random string that tells the monitoring staff nothing. Each row now names the service (in the
    page's language: registry names per language, Italian where there is none) beside its key, and its
    channel in words; a service's own page too."""
    italian = _page(client, "/quality/response-rates")
    assert re.search(r'<th scope="row" data-service="demo-roma-anagrafe"><a href="[^"]+">Certificati anagrafici '
                     r'online</a> <code>demo-roma-anagrafe</code> \(Web\)</th>', italian)
    english = _page(client, "/quality/response-rates?lang=en")
    assert ">Online civil registry certificates</a> <code>demo-roma-anagrafe</code> (Web)</th>" in english
    one = _page(client, "/quality/response-rates?service=demo-roma-anagrafe&lang=en")
    assert "<h1>Response rates · Online civil registry certificates <code>demo-roma-anagrafe</code></h1>" in one
