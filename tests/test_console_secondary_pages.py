"""The console's secondary pages — the channels, the response rates, the "Mettiamoci la faccia" report
and coverage (page and API) — as the main pages (tests/test_console_faults.py): a period covered by
the data only in part is said; a period still running is not shown (its figures are published once it
has ended) and refused when asked for; coverage defaults to a complete quarter and names what it
counts. Real DuckDB/Parquet data; the real clock (``NOW``: the running month, with answers)."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

import pytest

from dataset.funnel import write_funnel
from tests import console_csv
from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app
from warehouse.periods import period_of, is_complete, today_rome

NOW = today_rome().strftime("%Y-%m")
NOW_Q = period_of(NOW, "Q")
NOW_Y = NOW[:4]


def _funnel(period: str, n: int) -> list[dict]:
    at = datetime(int(period[:4]), int(period[5:]), 1, 9, tzinfo=timezone.utc)
    return [{"report_id": uuid.uuid4().hex, "received_at": at, "day": f"{period}-01", "service": "demo-roma-anagrafe",
             "entity": "c_h501", "pa_type": "L6", "service_type": "anagrafe.certificati", "region": "ITI4",
             "channel": "web", "questionnaire": "cx-core", "version": 1, "impressions": 1, "starts": 1,
             "submissions": int(i % 2 == 0), "record_key": (i * 0.137) % 1, "kafka_partition": 0,
             "kafka_offset": i, "period": period} for i in range(n)]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("partial-pages")
    settings, tokens = build(root)  # 2026-08 to 2026-10
    rows = [response(period=NOW, day=1, entity="c_h501", service="demo-roma-anagrafe", region="ITI4", satisfaction=s)
            for s in (5, 4, 4, 3, 5, 2, 4, 5, 4, 4)]
    for period in ("2026-09", NOW):  # Roma's front office, on the faces
        for face, value in (("satisfied", 100.0), ("neutral", 50.0), ("dissatisfied", 0.0)) * 4:
            row = response(period=period, day=2, entity="c_h501", service="roma-front_office",
                           service_type="sportello.urp", channel="front_office", questionnaire="faccia")
            row.update(satisfaction=value, satisfaction_raw=face, satisfaction_scale=None,
                       answers=[("face", f'"{face}"')])
            rows.append(row)
    write(root, rows)
    write_funnel(root, _funnel("2026-09", 40) + _funnel(NOW, 40), 0, 0, 79)
    c = create_app(settings).test_client()
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    return c


def _en(client, url: str) -> str:
    with client.session_transaction() as s:
        s["lang"] = "en"
    try:
        return client.get(url).get_data(as_text=True)
    finally:
        with client.session_transaction() as s:
            s["lang"] = "it"


def _coverage_of(page: str, table: str) -> dict[str, str]:
    body = page.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0]
    return {re.search(r"<td>(\d{4}(?:-Q\d|-\d\d)?)</td>", r).group(1): re.search(r'data-col="coverage">([^<]*)<', r).group(1)
            for r in body.split("<tr")[2:]}


def test_the_channel_view_says_which_periods_are_partly_covered_and_leaves_out_the_running_one(client):
    page = client.get("/channels?entity=c_h501&freq=Q").get_data(as_text=True)
    cov = _coverage_of(page, "channels")
    assert NOW_Q not in cov and "in corso" not in cov.values()  # published once it has ended
    assert cov["2026-Q3"] == "parziale: dati dal 2026-08"  # the data begin in its last two months
    assert "Copertura del periodo" in page
    year = _coverage_of(client.get("/channels?service_type=anagrafe.certificati").get_data(as_text=True), "channels")
    assert NOW_Y not in year


def test_the_response_rates_leave_out_the_month_in_progress(client):
    page = client.get("/quality/response-rates").get_data(as_text=True)
    assert f"<td>{NOW}</td>" not in page and f'data-partial="{NOW}"' not in page and ">in corso<" not in page
    assert "<td>2026-09</td>" in page and "Copertura del periodo" in page
    one = client.get("/quality/response-rates?service=demo-roma-anagrafe").get_data(as_text=True)
    items = one.split('id="items"', 1)[1]
    assert NOW not in items and "2026-09" in items
    assert "Period coverage" in _en(client, "/quality/response-rates")


def test_the_faccia_report_leaves_out_the_running_month(client):
    page = client.get("/entities/c_h501/faccia").get_data(as_text=True)
    assert 'data-partial="running"' not in page and f"<td>{NOW}" not in page and "<td>2026-09</td>" in page
    running = client.get(f"/entities/c_h501/faccia?start={NOW}")
    assert running.status_code == 400 and f"il periodo {NOW} è in corso" in running.get_data(as_text=True)
    past = client.get("/entities/c_h501/faccia?start=2026-09&end=2026-09").get_data(as_text=True)
    assert "data-partial" not in past and "in corso" not in past


def test_coverage_refuses_a_running_quarter_on_the_page_and_in_the_api(client):
    resp = client.get(f"/api/v1/coverage?quarter={NOW_Q}")
    assert resp.status_code == 400 and list(resp.get_json()["fields"]) == ["quarter"]
    assert "still running: its figures are published once it has ended" in resp.get_json()["message"]
    page = client.get(f"/coverage?quarter={NOW_Q}")
    assert page.status_code == 400 and f"il periodo {NOW_Q} è in corso" in page.get_data(as_text=True)
    first = client.get("/api/v1/coverage?quarter=2026-Q3").get_json()["partial"]
    assert first["partial"] and first["data_from"] == "2026-08" and not first["running"]
    assert 'data-partial="data_from"' in client.get("/coverage?quarter=2026-Q3").get_data(as_text=True)


def test_coverage_defaults_to_the_latest_complete_quarter_not_the_running_one(client):
    body = client.get("/api/v1/coverage").get_json()
    assert NOW_Q not in body["quarters"] and body["quarter"] == body["quarters"][-1]
    assert is_complete(body["quarter"]) and not body["partial"]["running"]
    page = client.get("/coverage").get_data(as_text=True)
    assert f"<option selected>{body['quarter']}</option>" in page and 'data-partial="running"' not in page


def test_coverage_names_the_pa_categories_and_writes_numbers_in_the_readers_language(client):
    page = client.get("/coverage").get_data(as_text=True)
    row = re.search(r'<tr data-category="L6">.*?</tr>', page).group(0)
    assert "Comuni" in row and "<code>L6</code>" in row  # the label, the code beside it
    assert re.search(r'data-kpi="services-progress">\d+,\d%<', page)  # 2,7%: Italian
    en = _en(client, "/coverage")
    assert "Municipalities" in re.search(r'<tr data-category="L6">.*?</tr>', en).group(0)
    assert re.search(r'data-kpi="services-progress">\d+\.\d%<', en)


def test_a_quarter_without_responses_is_refused_not_every_service_under_the_minimum(client):
    resp = client.get("/api/v1/coverage?quarter=2025-Q1")
    assert resp.status_code == 400 and list(resp.get_json()["fields"]) == ["quarter"]
    assert "2025-Q1" in resp.get_json()["message"] and "2026-Q3" in resp.get_json()["message"]  # where the data are
    assert "has not started" in client.get("/api/v1/coverage?quarter=2030-Q1").get_json()["message"]
    page = client.get("/coverage?quarter=2030-Q1")
    assert page.status_code == 400 and "quarter" in page.get_data(as_text=True)
    # said in Italian on an Italian page, not "non valido: «quarter». (No responses in …)"
    assert "No responses" not in page.get_data(as_text=True)
    old = client.get("/coverage?quarter=2001-Q1").get_data(as_text=True)
    assert "nessuna risposta nel 2001-Q1: i dati coprono i trimestri da" in old and "No responses" not in old


def test_unknown_codes_on_the_secondary_pages_are_refused_naming_them(client):
    typo = client.get("/channels?service_type=anagrafe.certificat")
    assert typo.status_code == 400 and "service_type" in typo.get_data(as_text=True)
    assert client.get("/channels?service_type=anagrafe.certificati").status_code == 200
    nope = client.get("/quality/response-rates?service=demo-roma-anagraf")
    assert nope.status_code == 404 and "demo-roma-anagraf" in nope.get_data(as_text=True)
    assert client.get("/quality/response-rates?service=demo-roma-anagrafe").status_code == 200
    # the faccia report names its own parameters, start and end (not the cube's from/to)
    back = client.get("/entities/c_h501/faccia?start=2026-10&end=2026-09")
    assert back.status_code == 400 and "«start»" in back.get_data(as_text=True)
    assert "«from»" not in back.get_data(as_text=True)
    bad = client.get("/entities/c_h501/faccia?end=2026-13")
    assert bad.status_code == 400 and "«end»" in bad.get_data(as_text=True)


def test_the_channel_view_given_both_an_entity_and_a_type_says_what_to_give_in_the_readers_language(client):
    # the Italian page read "Parametro non valido: «entity». (Give exactly one of entity or service_type.)"
    both = "/channels?entity=c_h501&service_type=anagrafe.certificati"
    refused = client.get(both)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "indicare uno solo tra entity e service_type" in text and "Give" not in text
    assert "Give exactly one of entity or service_type." in _en(client, both)


def test_a_bare_channel_view_offers_the_choice_of_a_service_type_or_an_entity(client):
    """Typed in the address bar, ``/channels`` alone was a 400: it is a page that offers the choice —
    a service type of the taxonomy, or an entity's IPA code — and no table (nothing is chosen, so
    nothing is counted). The download, a machine's call, still refuses naming the field."""
    from questionnaires.taxonomy import service_types

    for url in ("/channels", "/channels?entity=&service_type="):  # the choice's own form sent empty
        bare = client.get(url)
        text = bare.get_data(as_text=True)
        assert bare.status_code == 200, text[:300]
        assert 'data-table="channels"' not in text and "Scarica CSV" not in text
        assert 'name="service_type"' in text and 'name="entity"' in text
        offered = set(re.findall(r'<option value="([^"]+)"', text.split('name="service_type"', 1)[1].split("</select>")[0]))
        assert offered == set(service_types())  # every type of the taxonomy, none invented
        assert "Certificati anagrafici" in text and "Scegli un tipo di servizio" in text
    en = _en(client, "/channels")
    assert "Choose a service type" in en and "Registry certificates" in en and "IPA code" in en and "Scegli" not in en
    chosen = client.get("/channels?service_type=anagrafe.certificati&entity=")  # what the first form sends
    assert chosen.status_code == 200 and 'data-table="channels"' in chosen.get_data(as_text=True)
    typed = client.get("/channels?entity=c_h501&service_type=")  # what the second form sends
    assert typed.status_code == 200 and 'data-table="channels"' in typed.get_data(as_text=True)
    csv = client.get("/channels.csv")
    assert csv.status_code == 400 and "entity" in csv.get_data(as_text=True)


def test_the_quality_pages_volumes_leave_out_the_month_in_progress(client):
    """On the 1st of a month its volume was a day's (said "in corso"); a month's volume is now published
    once it has ended."""
    page = client.get("/quality").get_data(as_text=True)
    cov = {}
    for r in page.split('data-table="volumes"', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]:
        period = re.search(r'data-col="period">([^<]+)<', r).group(1)
        cov.setdefault(period, set()).add(re.search(r'data-col="coverage">(?:<span class="st">)?([^<]*)<', r).group(1))
    assert NOW not in cov and cov["2026-09"] == {"—"}
    csv_rows = client.get("/csv/quality/volumes").get_data(as_text=True).splitlines()
    assert csv_rows[0].endswith("Copertura del periodo") and not any(r.startswith(NOW) for r in csv_rows[1:])


def test_the_api_serves_the_count_of_responses_instead_of_failing(client):
    """/api/v1/indicators?indicator=responses (the count the quality and coverage pages read; the cube
    takes it) was a 500: the answer looked up the instruments declaring 'responses'."""
    resp = client.get("/api/v1/indicators?indicator=responses&by=entity&freq=Q&period=2026-Q3")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.get_json()
    assert "cx-core" in body["instruments"] and "faccia" in body["instruments"]
    roma = next(r for r in body["rows"] if r["entity"] == "c_h501")
    assert roma["n"] > 0 and roma["conf_status"] == "F" and roma["shares"] == {}
    october = client.get("/api/v1/indicators?indicator=responses&by=entity&freq=M&period=2026-10").get_json()
    torino = next(r for r in october["rows"] if r["entity"] == "c_l219")  # one response: protected as every count
    assert (torino["conf_status"], torino["n"]) == ("A", None) or torino["n"] >= 3
    mean = client.get("/api/v1/indicators?indicator=responses&by=&freq=Q&period=2026-Q3&statistic=mean")
    assert mean.status_code == 422 and "count of responses" in mean.get_json()["message"]


def test_the_channel_view_has_its_filters_its_download_and_names_the_entity(client):
    """The channel view took its indicator and frequency from the URL only, had no download, and was
    headed by the IPA code; a briefing needs the form, the CSV of the table and the entity's name."""

    url = "/channels?entity=c_h501&indicator=satisfaction&freq=Q"
    page = client.get(url).get_data(as_text=True)
    assert "<h1>" in page and "Roma Capitale" in page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert '<option value="satisfaction" selected>' in page and '<option value="Q" selected>' in page
    assert '<input type="hidden" name="entity" value="c_h501">' in page
    href = re.search(r'<a class="btn btn-outline" href="([^"]+)" download>', page).group(1).replace("&amp;", "&")
    assert href.startswith("/channels.csv?") and "indicator=satisfaction" in href and "freq=Q" in href
    resp = client.get(href)
    assert resp.headers["Content-Disposition"] == 'attachment; filename="ascolto-channels-c_h501-satisfaction-Q.csv"'
    rows = console_csv.rows(resp)
    shown = page.split('data-table="channels"', 1)[1].split("</tbody>", 1)[0].count("<tr data-channel=")
    assert len(rows) - 1 == shown and rows[0][:3] == ["Periodo", "Canale", "Strumento"]
    assert {r[1] for r in rows[1:]} == {"Web", "Sportello"}
    en = console_csv.rows(client.get(href + "&lang=en"))
    assert en[0][:3] == ["Period", "Channel", "Instrument"] and {r[1] for r in en[1:]} == {"Web", "Front office"}
    by_type = client.get("/channels?service_type=anagrafe.certificati").get_data(as_text=True)
    assert "Certificati anagrafici" in by_type.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_an_ipa_code_typed_with_spaces_around_it_is_the_entitys(client):
    """The choice's form takes a typed IPA code: one pasted with a space around it (as copied from a
    spreadsheet or an e-mail) is the same entity, not a 404 for " c_h501"."""
    clean = client.get("/channels?entity=c_h501&service_type=&freq=Q")  # 2026-Q3 (the year has not ended)
    pasted = client.get("/channels?entity=%20c_h501%09&service_type=&freq=Q")
    assert pasted.status_code == 200 and 'data-table="channels"' in pasted.get_data(as_text=True)
    assert _table_rows(pasted) == _table_rows(clean) != []
    csv = client.get("/channels.csv?entity=%20c_h501%20")
    assert csv.status_code == 200 and csv.headers["Content-Disposition"].endswith('-c_h501-satisfaction-A.csv"')


def _table_rows(resp) -> list[str]:
    return re.findall(r"<tr data-channel=.*?</tr>", resp.get_data(as_text=True), re.S)
