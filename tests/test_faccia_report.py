"""The "Mettiamoci la faccia" report of an entity (issue 14 §6): faces by channel and month, the
positive share with its interval, the reasons — published cells only — as a printable page."""
from __future__ import annotations

import random
import re

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

FACE = {"satisfied": 100.0, "neutral": 50.0, "dissatisfied": 0.0}


def _faccia(period: str, channel: str, face: str, rnd: random.Random, **kw) -> dict:
    row = response(period=period, day=rnd.randint(1, 28), entity="c_h501", service=f"roma-{channel}",
                   service_type="sportello.urp", channel=channel, questionnaire="faccia", **kw)
    row.update(satisfaction=FACE[face], satisfaction_raw=face, satisfaction_scale=None,
               answers=[("face", f'"{face}"')])
    if face == "satisfied":
        row["went_well"] = ["speed"] if rnd.random() < 0.7 else ["other"]
    else:
        row["went_wrong"] = ["speed"]
    return row


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from warehouse.console import create_app

    root = tmp_path_factory.mktemp("faccia")
    settings, tokens = build(root)
    rnd = random.Random(3)
    rows = []
    for period in ("2026-09", "2026-10"):
        for channel, (good, mid, bad) in (("front_office", (40, 8, 4)), ("phone", (20, 10, 10))):
            rows += [_faccia(period, channel, f, rnd) for f, k in (("satisfied", good), ("neutral", mid),
                                                                    ("dissatisfied", bad)) for _ in range(k)]
    write(root, rows)
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens['monitoring']}"
    client.settings = settings
    return client


@pytest.fixture(scope="module")
def roma(console):
    """A client holding Roma Capitale's own ``entity`` token (its digital-services office)."""
    from registry import connect, ops, session_scope
    from registry.tokens import create_token
    from warehouse.console import create_app

    with session_scope(connect(console.settings.database_url)) as s:  # its counter, as the rows' service
        ops.add_service(s, actor="test", entity_ipa="c_h501", name="URP - sportello", service_type="sportello.urp",
                        key="roma-front_office", channel="front_office", questionnaire_id="faccia")
        secret = create_token(s, role="entity", entity="c_h501", label="Roma - servizi digitali", actor="test")[1]
    client = create_app(console.settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def test_the_report_shows_faces_by_channel_and_month_with_intervals_and_reasons(console):
    resp = console.get("/entities/c_h501/faccia")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Mettiamoci la faccia" in html and 'lang="it"' in html and "da 2026-09 a 2026-10" in html
    months = re.findall(r"<tr><td>(2026-\d\d)</td><td>(Sportello|Telefono)</td><td>(\d+)</td>", html)
    assert [(m, c) for m, c, _ in months] == [("2026-09", "Sportello"), ("2026-09", "Telefono"),
                                              ("2026-10", "Sportello"), ("2026-10", "Telefono")]
    assert all(abs(int(n) - (52 if c == "Sportello" else 40)) <= 2 for _, c, n in months)  # perturbed by ≤ D
    desk = re.search(r'<th scope="row">Sportello</th><td>(\d+)</td><td>([\d,]+)</td><td>([\d,]+)–([\d,]+)</td>', html)
    share, lo, hi = (float(desk[i].replace(",", ".")) for i in (2, 3, 4))  # Italian numbers: 76,9
    assert lo < share < hi and abs(share - 100 * 80 / 104) < 4  # the happy face's share, with its CI
    assert "Ho atteso poco" in html and "Che cosa non ha funzionato" in html  # reasons in the instrument's words
    assert "@media print" in html and "@page" in html


def test_the_report_is_linked_from_the_entity_and_refuses_unknowns(console):
    assert "/entities/c_h501/faccia" in console.get("/entities/c_h501").get_data(as_text=True)
    assert console.get("/entities/nope/faccia").status_code == 404
    assert console.get("/entities/c_h501/faccia?start=2026-13").status_code == 400
    empty = console.get("/entities/inps/faccia").get_data(as_text=True)
    assert "Nessun giudizio raccolto" in empty


def test_the_report_refuses_a_month_that_has_not_started(console):
    """``start=2027-01&end=2027-03`` (in December 2026) gave an empty report as if the months were
    running with no answers; a month not yet begun is now a 400 naming the field, in Italian."""
    import html as html_lib

    from warehouse.periods import today_rome

    t = today_rome()
    nxt = f"{t.year + (t.month == 12)}-{t.month % 12 + 1:02d}"
    for query, field in ((f"start={nxt}", "start"), (f"start=2026-10&end={nxt}", "end")):
        r = console.get(f"/entities/c_h501/faccia?{query}")
        page = html_lib.unescape(r.get_data(as_text=True))
        assert r.status_code == 400 and f"«{field}»: il periodo {nxt} non è ancora iniziato" in page, query
    running = console.get(f"/entities/c_h501/faccia?start={t.year}-{t.month:02d}")  # published once it has ended
    assert running.status_code == 400 and f"«start»: il periodo {t.year}-{t.month:02d} è in corso" in \
        html_lib.unescape(running.get_data(as_text=True))


def test_the_channel_view_of_an_entity_and_of_a_service_type_keeps_instruments_apart(console):
    html = console.get("/channels?entity=c_h501").get_data(as_text=True)
    found = set(re.findall(r'<tr data-channel="(\w+)"[^>]*><td>2026</td><th scope="row">\w+</th><td data-instrument="([\w-]+)">', html))
    assert found == {("web", "cx-core"), ("front_office", "faccia"), ("phone", "faccia")}
    by_type = console.get("/channels?service_type=sportello.urp").get_data(as_text=True)
    assert 'data-channel="phone"' in by_type and 'data-channel="web"' not in by_type
    assert "/channels?entity=c_h501" in console.get("/entities/c_h501").get_data(as_text=True)
    assert console.get("/channels.csv").status_code == 400  # the page alone offers the choice (secondary pages)
    assert console.get("/channels?entity=c_h501&service_type=x").status_code == 400
    assert console.get("/channels?entity=nope").status_code == 404


def test_the_report_has_a_form_for_its_months(console):
    """The range was reachable only by editing the URL (start, end): a form chooses it, kept in the URL,
    hidden when printed."""
    page = console.get("/entities/c_h501/faccia?start=2026-10&end=2026-10").get_data(as_text=True)
    form = re.search(r'<form class="card filters no-print" method="get" action="/entities/c_h501/faccia">(.*?)</form>',
                     page, re.S).group(1)
    assert 'name="start" type="month" value="2026-10"' in form and 'name="end" type="month" value="2026-10"' in form
    assert "da 2026-10 a 2026-10" in page


def test_the_report_is_dated_in_italy(console, monkeypatch):
    """At 00:30 in Rome (23:30 UTC) the report said yesterday's date: it was the UTC date."""
    from datetime import date

    import warehouse.console.faccia as faccia

    monkeypatch.setattr(faccia, "today_rome", lambda: date(2026, 12, 1))
    assert "rapporto del 01/12/2026" in console.get("/entities/c_h501/faccia").get_data(as_text=True)


def test_the_report_speaks_english_to_an_english_reader(console):
    """The report was Italian only (headings, captions, channels, reasons, notes, numbers ``76,9``)
    whatever the console's language: with ``?lang=en`` (or the ENG switch) it is English, through the
    console's own translations; the figures are the very same published cells."""
    import html as html_lib

    it = console.get("/entities/c_h501/faccia").get_data(as_text=True)
    resp = console.get("/entities/c_h501/faccia?lang=en")
    assert resp.status_code == 200
    en = html_lib.unescape(resp.get_data(as_text=True))
    assert '<article class="mlf" lang="en">' in en and "from 2026-09 to 2026-10" in en
    for words in ("Judgements by channel (year 2026)", "Judgements by channel and month", "Satisfied (%)",
                  "What went well", "What did not go well", "I did not have to wait long",
                  "I had to wait too long", "Every figure is computed from counts perturbed by the cell-key method",
                  f"fewer than {console.settings.disclosure_min_n} judgements", "Back to the entity's page",
                  ">Front office<", ">Phone<"):
        assert words in en, words
    for italian in ("Giudizi per canale", "Che cosa ha funzionato", "Ho atteso poco", "Sportello", "Telefono",
                    "Ogni valore è calcolato", "Torna alla pagina", "rapporto del"):
        assert italian not in en, italian
    row = r'<th scope="row">{}</th><td>(\d+)</td><td>([\d.,]+)</td><td>([\d.,]+)–([\d.,]+)</td>'
    desk_it = re.search(row.format("Sportello"), it).groups()
    desk_en = re.search(row.format("Front office"), en).groups()
    assert desk_en == tuple(x.replace(",", ".") for x in desk_it) and "." in desk_en[1]  # 76.9, the same cell


def test_the_entity_reads_its_own_report_from_its_workspace(roma):
    """A PA's own ``entity`` token got 403 on its faccia report (dashboards only) and its workspace did not
    link it: now the workspace links it, the report and its CSV open for the entity's own IPA code only,
    and "back" leads to the workspace (the entity page is national staff's)."""
    work = roma.get("/workspace/c_h501").get_data(as_text=True)
    assert 'href="/entities/c_h501/faccia" data-link="faccia"' in work
    page = roma.get("/entities/c_h501/faccia")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<a href="/workspace/c_h501" data-link="back">' in html and "/entities/c_h501\"" not in html
    assert re.search(r"<tr><td>2026-09</td><td>Sportello</td><td>\d+</td>", html)
    assert roma.get("/entities/c_h501/faccia.csv?table=channels").status_code == 200
    for url in ("/entities/c_f205/faccia", "/entities/c_f205/faccia.csv", "/entities/c_h501"):
        assert roma.get(url).status_code == 403, url  # another entity's report; the national entity page


def test_the_totals_download_says_its_period(console):
    """The totals by channel downloaded without a period column, named after the months of the rows
    (``…-per-canale-2026-09_2026-10.csv``) although they cover the calendar year (with no range) or the
    quarter chosen: a spreadsheet of totals that did not say what they total. Each row says it, so does the name."""
    from tests import console_csv

    for query, period in (("", "2026"), ("&start=2026-10&end=2026-10", "2026-10"),
                          ("&start=2026-07&end=2026-09", "2026-Q3")):
        r = console.get(f"/entities/c_h501/faccia.csv?table=channels{query}")
        assert f'filename="ascolto-faccia-c_h501-per-canale-{period}.csv"' in r.headers["Content-Disposition"], query
        rows = console_csv.dicts(r)
        assert rows and {x["Periodo"] for x in rows} == {period}, query
    page = console.get("/entities/c_h501/faccia").get_data(as_text=True)
    assert "Giudizi per canale (anno 2026)" in page  # the page says the same period


def test_the_totals_download_over_a_range_that_is_no_calendar_period_says_why_it_has_none(console):
    """The page explains why a range of months that is no calendar month, quarter or year has no totals
    by channel; its CSV was a 200 with only the header row, which read as "no judgements at all"."""
    r = console.get("/entities/c_h501/faccia.csv?table=channels&start=2026-08&end=2026-09")
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "end" in body and "2026-08" in body and "2026-09" in body
    assert console.get("/entities/c_h501/faccia.csv?table=months&start=2026-08&end=2026-09").status_code == 200

