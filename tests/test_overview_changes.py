"""National monitoring staff open the overview each month asking "what changed since the previous period,
and where?" — the page gave the period's figures only. Now its headline table gives each indicator's change
since the previous period of the same frequency (the difference in points, its 95% interval and a verdict,
from the two published cells, each indicator judged on its own as the public site judges it), or says why there
is none; and a card lists
the service types whose positive share changed detectably after Benjamini–Hochberg over every type
compared, each linked to its page, its table downloadable as CSV. Pinned to 2027: every month has ended."""
from __future__ import annotations

import csv
import html as markup
import io
import re

import pytest

from tests.console_data import build
from tests.warehouse_rows import response, write
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")

ROMA, INPS, MILANO = ("c_h501", "demo-roma-anagrafe", "anagrafe.certificati"), \
    ("inps", "demo-inps-pensione", "previdenza.domanda-prestazione"), ("c_f205", "svc-milano-sanita", "sanita.prenotazione")
#: (unit, month, answers, positive): the registry office's share rises clearly; INPS's by 10.5 points (p ≈ 0.043), which one
#: test at 95% would call a rise but not after Benjamini-Hochberg over the three types; the health bookings'
#: stays where it was
MONTHS = [(ROMA, "2026-11", 150, 45), (ROMA, "2026-12", 150, 105),
          (INPS, "2026-11", 200, 99), (INPS, "2026-12", 200, 120),
          (MILANO, "2026-11", 100, 50), (MILANO, "2026-12", 100, 50)]


def _rows() -> list[dict]:
    rows = []
    for (entity, service, stype), month, n, positive in MONTHS:
        pa_type = "C16" if entity == "inps" else "L6"
        rows += [response(period=month, day=1 + i % 28, entity=entity, service=service, service_type=stype,
                          pa_type=pa_type, satisfaction=5 if i < positive else 2, ease=5 if i % 5 < 3 else 2)
                 for i in range(n)]
    # clarity: one answer in November (suppressed), thirty in December
    rows += [response(period=m, day=1 + i % 28, entity=ROMA[0], service=ROMA[1], clarity=4 + i % 2)
             for m, k in (("2026-11", 1), ("2026-12", 30)) for i in range(k)]
    return rows


@pytest.fixture(scope="module")
def client_auth(tmp_path_factory):
    root = tmp_path_factory.mktemp("overview-changes")
    settings, tokens = build(root)
    write(root, _rows())
    return create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}


def _get(client_auth, url) -> str:
    client, auth = client_auth
    r = client.get(url, headers=auth)
    assert r.status_code == 200, (url, r.status_code)
    return markup.unescape(r.get_data(as_text=True))


def _row(page: str, indicator: str) -> str:
    return page[page.index(f'<tr data-indicator="{indicator}"'):].split("</tr>")[0]


def _card(page: str) -> str:
    return page[page.index('data-card="type-changes"'):].split("</section>")[0]


def test_the_headline_says_what_changed_since_the_previous_period(client_auth):
    """December against November: satisfaction rose clearly (its sign and verdict, with the interval); ease
    stayed where it was ("nessuna variazione rilevabile", not a rise of noise); clarity's November cell is
    suppressed (one answer): no change, and the cell says why."""
    page = _get(client_auth, "/?freq=M&period=2026-12")
    assert "Variazione sul periodo precedente" in page
    sat, ease, clarity = _row(page, "satisfaction"), _row(page, "ease"), _row(page, "clarity")
    assert 'data-verdict="improved"' in sat and "migliorato</strong> rispetto a 2026-11: +" in sat
    assert re.search(r"IC 95% \+\d+,\d – \+\d+,\d\)", sat)
    assert 'data-verdict="no detectable change"' in ease and "nessuna variazione rilevabile</strong> rispetto a 2026-11" in ease
    assert "data-verdict" not in clarity and 'data-no-change="suppressed"' in clarity
    assert "— <span class=\"small\">valore oscurato in uno dei due periodi" in clarity
    rows = list(csv.DictReader(io.StringIO(_get(client_auth, "/csv/overview/headline?freq=M&period=2026-12").lstrip("\ufeff")),
                               delimiter=";"))
    by = {r["Indicatore"]: r for r in rows}
    assert by["Soddisfazione"]["Esito"] == "migliorato" and float(by["Soddisfazione"]["Variazione: IC 95% inf."].replace(",", ".")) > 0
    assert by["Facilità"]["Esito"] == "nessuna variazione rilevabile" and by["Chiarezza"]["Variazione sul periodo precedente"] == ""
    assert by["Chiarezza"]["Esito"].startswith("valore oscurato")


def test_a_first_period_has_no_previous_to_compare_with(client_auth):
    page = _get(client_auth, "/?freq=M&period=2026-08")  # the first month with answers
    for ind in ("satisfaction", "ease"):
        row = _row(page, ind)
        assert 'data-no-change="first"' in row and "nessun periodo precedente con risposte" in row and "data-verdict" not in row
    assert "Nessun confronto: nessun periodo precedente con risposte." in _card(page)


def test_the_service_types_card_lists_the_types_changed_after_benjamini_hochberg(client_auth, tmp_path_factory):
    """Three types compared: the registry office's rise is listed, linked to its page with the same indicator
    and period; INPS's 10.5 points (p ≈ 0.043: "migliorato" judged alone) do not survive Benjamini–Hochberg
    over the three; the health bookings' share did not move."""
    from warehouse.changes import change_since
    from warehouse.console.data import cell, table
    from warehouse.dataset import Warehouse

    page = _get(client_auth, "/?freq=M&period=2026-12")
    card = _card(page)
    listed = re.findall(r'<tr data-service-type="([^"]+)"', card)
    assert listed == ["anagrafe.certificati"]
    assert "/service-types/anagrafe.certificati?indicator=satisfaction&freq=M&period=2026-12" in card
    assert 'data-verdict="improved"' in card and "tipi di servizio confrontati: 3" in card
    settings = client_auth[0].application.config["ASCOLTO_SETTINGS"]
    alone = {r["service_type"] + r["period"]: cell(r) for r in table(
        Warehouse(settings).cursor(), settings, True, indicator="satisfaction", by=["service_type"], freq="M",
        start="2026-11", end="2026-12")}
    inps = change_since(alone[INPS[2] + "2026-11"], alone[INPS[2] + "2026-12"], "2026-11")
    assert inps["verdict"] == "improved" and 0.0333 < inps["p_value"] < 0.05  # alone it would be listed


def test_the_card_says_so_when_no_type_changed(client_auth):
    card = _card(_get(client_auth, "/?freq=M&period=2026-10"))
    assert "data-service-type" not in card and 'data-table="type-changes"' not in card
    assert ("Nessun tipo di servizio con una variazione rilevabile rispetto a 2026-09, tenendo conto del numero di "
            "confronti (tipi di servizio confrontati: 2).") in card


def test_the_cards_csv_is_the_cards_table(client_auth):
    card = _card(_get(client_auth, "/?freq=M&period=2026-12"))
    text = _get(client_auth, "/csv/overview/type-changes?freq=M&period=2026-12").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["Codice"] for r in rows] == re.findall(r'<tr data-service-type="([^"]+)"', card)
    r = rows[0]
    shown = card.split('<tr data-service-type="anagrafe.certificati"')[1]
    assert f'<td data-col="share">{r["Quota positiva %"]}</td>' in shown
    assert f'<td data-col="previous_share">{r["Quota positiva nel periodo precedente %"]}</td>' in shown
    assert f': +{r["Variazione sul periodo precedente"]} punti (IC 95% +{r["Variazione: IC 95% inf."]} – ' \
           f'+{r["Variazione: IC 95% sup."]})' in shown
    assert r["Esito"] == "migliorato" and r["Periodo precedente"] == "2026-11" and r["Tipo di servizio"] in shown


def test_the_english_page_says_it_in_english(client_auth):
    page = _get(client_auth, "/?freq=M&period=2026-12&lang=en")
    assert "Change since previous period" in page and "Service types with a detectable change" in page
    assert "improved</strong> against 2026-11: +" in _row(page, "satisfaction")
    assert "no detectable change</strong> against 2026-11" in _row(page, "ease")
    assert "value suppressed in one of the two periods (too few responses)" in _row(page, "clarity")
    assert "Detectable changes against 2026-11, allowing for the number of comparisons" in _card(page)
    assert "Positive share in the previous period %" in _card(page)
    none = _card(_get(client_auth, "/?freq=M&period=2026-10&lang=en"))
    assert "No service type with a detectable change against 2026-09" in none
    text = _get(client_auth, "/csv/overview/type-changes?freq=M&period=2026-12&lang=en")
    assert "Change since previous period" in text and "improved" in text


def test_no_change_across_a_break_in_series(tmp_path, monkeypatch):
    """A questionnaire version declaring a break for satisfaction first answered in December (cx-core v2; the
    shipped standard has none yet, so it is declared here as the cube's own tests do): November and December
    hold different series, so no change is given — the cell says why — while ease, unbroken, keeps its
    change; the one service type answering both months is not compared either (as the public highlights)."""
    from warehouse import cube

    monkeypatch.setattr(cube, "_break_versions", lambda indicator: [("cx-core", 2)] if indicator == "satisfaction" else [])
    settings, tokens = build(tmp_path)
    write(tmp_path, [response(period=m, day=1 + i % 28, entity=ROMA[0], service=ROMA[1], version=v,
                              satisfaction=5 if i % 2 else 2, ease=5 if i % 3 else 2)
                     for m, v in (("2026-11", 1), ("2026-12", 2)) for i in range(60)])
    page = _get((create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}),
                "/?freq=M&period=2026-12")
    sat = _row(page, "satisfaction")
    assert 'data-no-change="break"' in sat and "serie interrotta: è cambiata la versione del questionario" in sat
    assert "data-verdict" in _row(page, "ease")
    assert "Nessun tipo di servizio ha valori pubblicati e confrontabili in entrambi i periodi (2026-11 e 2026-12)." \
        in _card(page)


def test_each_headline_indicator_is_judged_on_its_own_as_the_public_site_judges_it(tmp_path):
    """Satisfaction rises by about 11 points (its 95% interval just above 0), ease and clarity stay put: judged
    on its own — as the public site's highlights judge the national change — the rise is a rise; adjusted over
    the table's three indicators it would not be, and the console and the site would give one national change
    two verdicts (this test fails with Benjamini–Hochberg over the headline)."""
    settings, tokens = build(tmp_path)
    (entity, service, stype) = INPS
    write(tmp_path, [response(period=month, day=1 + i % 28, entity=entity, service=service, service_type=stype,
                              pa_type="C16", satisfaction=5 if i < positive else 2, ease=5 if i % 5 < 3 else 2,
                              clarity=5 if i % 2 else 2)
                     for month, positive in (("2026-11", 99), ("2026-12", 122)) for i in range(200)])
    page = _get((create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"}),
                "/?freq=M&period=2026-12")
    assert 'data-verdict="improved"' in _row(page, "satisfaction"), _row(page, "satisfaction")
    assert 'data-verdict="no detectable change"' in _row(page, "ease")


def test_no_change_from_a_cell_of_low_reliability(tmp_path):
    """December's satisfaction rests on 12 answers (OBS_STATUS U: fewer than ``ASCOLTO_RELIABILITY_MIN_N``):
    the public site's highlights state no change from such a cell, and the console stated one (its rule
    refused only missing, suppressed and broken cells). Now one rule (:func:`warehouse.changes.why_not`): no
    change, the page and its CSV say why; ease, answered by 60 in both months, keeps its change."""
    from warehouse.protect import Protection

    settings, tokens = build(tmp_path)
    def sat(m: str, i: int) -> int | None:  # November: 60 answers, half positive; December: 12, 11 positive
        return (5 if i % 2 else 2) if m == "2026-11" else (5 if i < 11 else 2) if i < 12 else None

    write(tmp_path, [response(period=m, day=1 + i % 28, entity=ROMA[0], service=ROMA[1], satisfaction=sat(m, i),
                              ease=5 if i % 3 else 2) for m in ("2026-11", "2026-12") for i in range(60)])
    client_auth = (create_app(settings).test_client(), {"Authorization": f"Bearer {tokens['monitoring']}"})
    page = _get(client_auth, "/?freq=M&period=2026-12")
    low_n = Protection.from_settings(settings).low_n
    sat = _row(page, "satisfaction")
    assert "data-verdict" not in sat and 'data-no-change="low_n"' in sat, sat
    assert f"bassa affidabilità in uno dei due periodi (meno di {low_n} risposte)" in sat
    assert "data-verdict" in _row(page, "ease")
    rows = list(csv.DictReader(io.StringIO(_get(client_auth, "/csv/overview/headline?freq=M&period=2026-12")
                                           .lstrip("\ufeff")), delimiter=";"))
    by = {r["Indicatore"]: r for r in rows}
    assert by["Soddisfazione"]["Variazione sul periodo precedente"] == ""
    assert by["Soddisfazione"]["Esito"] == f"valore di bassa affidabilità in uno dei due periodi (meno di {low_n} risposte)"
    en = _row(_get(client_auth, "/?freq=M&period=2026-12&lang=en"), "satisfaction")
    assert f"low-reliability value in one of the two periods (fewer than {low_n} responses)" in en
