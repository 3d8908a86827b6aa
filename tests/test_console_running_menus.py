"""A new monitoring user's first hour in December, after the rule "a period is published once it has
ended" (docs/confidentiality.md, route 20): the clock pinned at 2026-12-15, the data in 2026-08 …
2026-11 plus answers of the running month. Every page says why the running period is in no menu;
switching the default month's form to quarters or years shows the latest ended one (it was a 400); the
"Fattori" links and the drivers refusal's suggestions never open a running quarter or year (they were
400 pages); the exports form refuses a running period on an HTML page (it was the API's JSON), opens on
quarters while the year runs and says why no year can be exported (it opened on years, an empty menu); the
data-quality page shows the newest answer stored (the README's "within a few seconds") while its volumes
stop at the last ended month, saying so. Real DuckDB/Parquet data (:mod:`tests.console_data`)."""
from __future__ import annotations

import html
import re
from datetime import date

import numpy as np
import pytest

from registry import connect, session_scope
from registry.tokens import create_token
from tests.conftest import pinned_clock
from tests.console_data import build
from tests.warehouse_rows import response, speed_driven, write
from tests.console_auth import get_as
from warehouse.console import create_app

ROMA, SERVICE, STYPE = "c_h501", "demo-roma-anagrafe", "anagrafe.certificati"


pytestmark = pytest.mark.usefixtures("clock_december")


@pytest.fixture(scope="module")
def app_tokens(tmp_path_factory):
    root = tmp_path_factory.mktemp("running-menus")
    settings, tokens = build(root)  # 2026-08 to 2026-10
    rng = np.random.default_rng(5)  # 70 + 70 complete answers: neither month has 100, their quarter has
    write(root, speed_driven(rng, 70, service=SERVICE, entity=ROMA, period="2026-10")
          + speed_driven(rng, 70, service=SERVICE, entity=ROMA, period="2026-11")
          + [response(period="2026-12", day=2, entity=ROMA, service=SERVICE, region="ITI4", satisfaction=s)
             for s in (5, 4, 4, 3, 5)])  # answers of the running month: stored, not published
    with session_scope(connect(settings.database_url)) as s:
        tokens["entity"] = create_token(s, role="entity", label="roma", actor="test", entity=ROMA)[1]
    return create_app(settings), tokens


def _get(app_tokens, url, role="monitoring", lang=None):
    app, tokens = app_tokens
    return get_as(app, tokens[role], url, lang)


@pytest.mark.parametrize("url", ["/", "/service-types/", f"/service-types/{STYPE}", f"/entities/{ROMA}", "/regions",
                                 f"/workspace/{ROMA}"])
def test_every_period_menu_says_why_the_running_period_is_not_in_it(app_tokens, url):
    role = "entity" if url.startswith("/workspace") else "monitoring"
    for freq, running in (("M", "2026-12"), ("Q", "2026-Q4"), ("A", "2026")):
        resp = _get(app_tokens, f"{url}?freq={freq}", role)
        page = html.unescape(resp.get_data(as_text=True))
        assert resp.status_code == 200, (url, freq)
        menu = page.split('name="period"', 1)[1].split("</select>")[0]
        assert f'value="{running}"' not in menu
        note = re.search(r'<p class="small" data-note="running">([^<]*)</p>', page).group(1)
        assert note == (f"Il periodo in corso ({running}) non è mostrato: i dati di un periodo si pubblicano quando "
                        "il periodo è finito."), (url, freq)
    en = html.unescape(_get(app_tokens, f"{url}?freq=Q", role, lang="en").get_data(as_text=True))
    assert "The period in progress (2026-Q4) is not shown: a period's figures are published once it has ended." in en


@pytest.mark.parametrize("url", ["/", "/service-types/", f"/service-types/{STYPE}", f"/entities/{ROMA}",
                                 f"/workspace/{ROMA}"])
def test_switching_the_default_month_to_quarters_or_years_shows_the_latest_ended_one(app_tokens, url):
    """The default page shows 2026-11; its form, switched to "Trimestrale" and applied, sends
    freq=Q&period=2026-11, whose quarter 2026-Q4 is still running: that was a 400 page."""
    role = "entity" if url.startswith("/workspace") else "monitoring"
    default = _get(app_tokens, url, role).get_data(as_text=True)
    assert 'data-period="2026-11"' in default
    for freq, shown, running in (("Q", "2026-Q3", "2026-Q4"), ("A", None, "2026")):
        resp = _get(app_tokens, f"{url}?freq={freq}&period=2026-11", role)
        page = html.unescape(resp.get_data(as_text=True))
        if shown is None:  # no year with data has ended (the data begin in 2026): the refusal names it
            assert resp.status_code == 400 and f"il periodo {running} è in corso" in page
            assert "Nessun anno con dati è ancora concluso." in page and "2025" not in page  # 2025 has no data
            continue
        assert resp.status_code == 200 and f'data-period="{shown}"' in page, (url, freq)
        assert (f"2026-11 non è un periodo di questa frequenza e il periodo che lo contiene, {running}, è in corso "
                f"(i suoi dati si pubblicano quando è finito): mostrato {shown}, l'ultimo concluso con dati.") in page
    en = html.unescape(_get(app_tokens, f"{url}?freq=Q&period=2026-11", role, lang="en").get_data(as_text=True))
    assert "the one containing it, 2026-Q4, is still running" in en and "showing 2026-Q3" in en


def test_a_running_period_refused_says_which_ended_one_to_ask_for(app_tokens):
    page = html.unescape(_get(app_tokens, "/?freq=Q&period=2026-Q4").get_data(as_text=True))
    assert ("il periodo 2026-Q4 è in corso: i suoi dati si pubblicano quando è finito, dal 2027-01-01. Chiedere un "
            "periodo concluso, per esempio 2026-Q3.") in page
    api = _get(app_tokens, "/api/v1/indicators?freq=A&period=2026").get_json()
    assert api["fields"]["period"][0].endswith("No year with data has ended yet.")  # not 2025: it has no data


def test_the_fattori_link_and_the_refusal_never_offer_a_running_quarter_or_year(app_tokens):
    """70 + 70 complete answers in October and November: the running quarter 2026-Q4 has enough, but
    its link was a 400 page ("il periodo 2026-Q4 è in corso")."""
    plans = _get(app_tokens, f"/workspace/{ROMA}/plans", "entity").get_data(as_text=True)
    item = re.search(rf'<li data-service="{SERVICE}">(.*?)</li>', plans).group(1)
    assert "/drivers" not in item and "data-too-few" in item
    assert "un trimestre o un anno conta quando è finito" in html.unescape(item)
    refused = _get(app_tokens, f"/workspace/{ROMA}/services/{SERVICE}/drivers?period=2026-11", "entity")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-refused="too_few_responses"' in page and "data-longer" not in page


def test_the_exports_form_refuses_a_running_period_on_an_html_page(app_tokens):
    for query, field, label in (("freq=Q&from=2026-Q3&to=2026-Q4", "to", "2026-Q4"), ("freq=A&from=2026", "from", "2026")):
        resp = _get(app_tokens, f"/exports/download?format=csv&{query}", "statistician")
        page = html.unescape(resp.get_data(as_text=True))
        assert resp.status_code == 400 and resp.mimetype == "text/html", query
        assert f"«{field}»: il periodo {label} è in corso" in page
    ok = _get(app_tokens, "/exports/download?format=csv&freq=Q&from=2026-Q3&to=2026-Q3", "statistician")
    assert ok.status_code == 303 and "/api/v1/export/csv" in ok.headers["Location"]


def test_the_exports_form_opens_on_months_whatever_the_date(app_tokens):
    """One default frequency, months, as the CLI's and the API's (docs/warehouse.md): years left out every month of
    the running year; the form no longer opens on the coarsest frequency with an ended period."""
    page = _get(app_tokens, "/exports", "statistician").get_data(as_text=True)
    assert re.search(r'<option value="M" selected>', page)
    assert "data-none-ended" not in page
    with pinned_clock(date(2027, 1, 15)):  # 2026 has ended: still months by default
        assert re.search(r'<option value="M" selected>', _get(app_tokens, "/exports", "statistician").get_data(as_text=True))


def test_the_exports_form_says_why_no_year_can_be_exported_and_which_frequencies_can(app_tokens):
    page = html.unescape(_get(app_tokens, "/exports?freq=A", "statistician").get_data(as_text=True))
    said = re.search(r"<p [^>]*data-none-ended>(.*?)</p>", page, re.S)[1]
    assert said.startswith("Parametro non valido: «freq»: nessun anno con dati è concluso")
    assert "Il periodo 2026 è in corso (si pubblica dal 2027-01-01)" in said
    assert "frequenza trimestrale (2026-Q3) oppure frequenza mensile (2026-08 – 2026-11)" in said
    en = html.unescape(_get(app_tokens, "/exports?freq=A", "statistician", lang="en").get_data(as_text=True))
    assert "No year with data has ended" in en and "freq=Q (2026-Q3)" in en
    resp = _get(app_tokens, "/exports/download?format=csv&freq=A", "statistician")  # the form sent as it stands
    assert resp.status_code == 400 and resp.mimetype == "text/html"  # not the API's JSON in the browser
    assert "«freq»: nessun anno con dati è concluso" in html.unescape(resp.get_data(as_text=True))


def test_the_quality_page_shows_the_newest_answer_and_says_the_running_month_is_not_counted(app_tokens):
    page = html.unescape(_get(app_tokens, "/quality").get_data(as_text=True))
    assert re.search(r'data-kpi="fresh">2026-12-02 \d\d:\d\d CET<', page)  # the running month's answer, stored
    volumes = page.split('data-table="volumes"', 1)[1].split("</table>")[0]
    assert "2026-11" in volumes and "2026-12" not in volumes
    assert ('data-note="volumes">I dati di un periodo si pubblicano quando il periodo è finito: il periodo in corso '
            "non è mostrato.") in page


@pytest.mark.parametrize("url", ["/regions", "/", "/service-types/", f"/entities/{ROMA}", f"/workspace/{ROMA}"])
def test_a_quarter_on_the_monthly_view_is_never_shown_as_a_month(app_tokens, url):
    """``/regions?freq=M&period=2026-Q3`` was a 200 labelled "2026-Q3 (Mensile)" (a quarter's figures under
    the monthly view's name): the label's own frequency (warehouse.periods.freq_of) must agree with freq.
    The page's form sends it when the frequency is switched under a quarter: it shows the quarter's last
    month, saying so, as a month on the quarterly view shows its quarter."""
    role = "entity" if url.startswith("/workspace") else "monitoring"
    for query, shown, freq_name in (("freq=M&period=2026-Q3", "2026-09", "Mensile"),
                                    ("freq=Q&period=2026-09", "2026-Q3", "Trimestrale")):
        resp = _get(app_tokens, f"{url}?{query}", role)
        page = html.unescape(resp.get_data(as_text=True))
        assert resp.status_code == 200, (url, query)
        stated = re.search(r'<p class="period-stated" data-period="([^"]*)">.*?<strong>([^<]*)</strong> \((\w+)\)',
                           page)
        assert stated.groups() == (shown, shown, freq_name), (url, query)
        assert f"{query.split('=')[-1]} non è un periodo di questa frequenza: mostrato {shown}." in page


@pytest.mark.parametrize("query, problem", [
    ("freq=M&period=2026-Q3", "period=2026-Q3 is a quarter, but freq=M publishes months: ask freq=Q&period=2026-Q3, "
                              "or from=2026-07&to=2026-09 for its months."),
    ("freq=Q&period=2026", "period=2026 is a year, but freq=Q publishes quarters: ask freq=A&period=2026, or "
                           "from=2026-Q1&to=2026-Q4 for its quarters."),
    ("freq=Q&period=2026-09", "period=2026-09 is a month, but freq=Q publishes quarters: ask freq=M&period=2026-09, "
                              "or period=2026-Q3, the quarter holding it."),
    ("freq=Q&period=2026-11", "period=2026-11 is a month, but freq=Q publishes quarters: ask freq=M&period=2026-11 "
                              "(the quarter holding it, 2026-Q4, is still running: published from 2027-01-01)."),
])
def test_the_api_refuses_a_period_of_another_frequency_naming_period(app_tokens, query, problem):
    """The API has no form to follow: freq=M&period=2026-Q3 answered three monthly rows per cell for "the
    period 2026-Q3" (a range is from/to); now a 400 naming period, saying what to ask instead — never a
    running period (freq=Q&period=2026-11 in December offered period=2026-Q4, a 400 in turn)."""
    for path in ("/api/v1/indicators", "/api/v1/compare"):
        resp = _get(app_tokens, f"{path}?{query}")
        assert resp.status_code == 400 and resp.get_json()["fields"] == {"period": [problem]}, path


def test_the_api_takes_the_frequency_of_the_period_named_when_freq_is_not_given(app_tokens):
    """period=2026-Q3 with no freq asks a quarter (freq defaulted to M and made it a 400 asking for freq=Q);
    with no period either, the default stays monthly."""
    resp = _get(app_tokens, "/api/v1/indicators?period=2026-Q3")
    assert resp.status_code == 200 and resp.get_json()["freq"] == "Q", resp.get_data(as_text=True)
    rows = _get(app_tokens, "/api/v1/indicators?period=2026-Q3&by=pa_type").get_json()["rows"]
    assert rows and {r["period"] for r in rows} == {"2026-Q3"}
    assert _get(app_tokens, "/api/v1/indicators?freq=M&period=2026-Q3").status_code == 400  # freq given: kept


def test_the_english_400_page_names_the_parameter_as_the_italian_one_does(app_tokens):
    """The English page read "Error 400 period=2026-Q4 is still running …" without the Italian page's
    "Parametro non valido: «period»:" lead: both say which parameter is refused, then why."""
    def lead(lang):
        resp = _get(app_tokens, "/regions?freq=Q&period=2026-Q4", lang=lang)
        assert resp.status_code == 400
        return html.unescape(re.search(r'<p class="lead">(.*?)</p>', resp.get_data(as_text=True), re.S).group(1))

    assert lead("it") == ("Parametro non valido: «period»: il periodo 2026-Q4 è in corso: i suoi dati si pubblicano "
                          "quando è finito, dal 2027-01-01. Chiedere un periodo concluso, per esempio 2026-Q3.")
    assert lead("en") == ("Invalid parameter: «period»: period=2026-Q4 is still running: its figures are published "
                          "once it has ended, from 2027-01-01. Ask for an ended one, such as 2026-Q3.")
    api = _get(app_tokens, "/api/v1/indicators?freq=Q&period=2026-Q4", lang="en").get_json()  # the API: unchanged
    assert api["message"].startswith("period=2026-Q4 is still running")


def test_a_running_period_refused_on_a_page_links_the_same_page_with_the_ended_one(app_tokens):
    """A bookmarked or shared link of last month (``period=2026-12`` in December) was a dead end: a 400
    page saying "ask for 2026-11" with no way to it but editing the address. The page now links the
    same page, every other choice kept (the query's ``lang=en`` too), with the period it suggests."""
    url = f"/service-types/{STYPE}?freq=M&period=2026-12&region=ITI4&lang=en"
    resp = _get(app_tokens, url)
    assert resp.status_code == 400
    link = re.search(r'<a[^>]*data-instead="period"[^>]*href="([^"]+)"[^>]*>(.*?)</a>',
                     resp.get_data(as_text=True), re.S)
    assert link, resp.get_data(as_text=True)
    href = html.unescape(link.group(1))
    assert href.startswith(f"/service-types/{STYPE}?") and "period=2026-11" in href
    assert "freq=M" in href and "region=ITI4" in href and "lang=en" in href and "2026-12" not in href
    assert "2026-11" in link.group(2)
    assert _get(app_tokens, href).status_code == 200
    it = _get(app_tokens, "/?freq=Q&period=2026-Q4").get_data(as_text=True)
    assert re.search(r'data-instead="period"[^>]*href="/\?[^"]*period=2026-Q3', it) and "Mostra 2026-Q3" in it
    api = _get(app_tokens, "/api/v1/indicators?freq=M&period=2026-12")  # the API's JSON: unchanged
    assert api.status_code == 400 and set(api.get_json()) == {"error", "message", "fields"}
