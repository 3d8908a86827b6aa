"""What national monitoring staff and a PA manager met on the console's service type page, second round:
a comparison of services says "servizi" in its notes (not "enti"), the breakdown cards of a question the
questionnaires do not ask say "non rilevato" with the reason (not a bare "Nessun dato."), a value of low
reliability is marked in the funnel's table as in the service types list, the EB interval is rounded once."""
from __future__ import annotations

import re

import pytest

from tests.test_console_ties import PERIOD, STYPE, _client

#: three entities (one service each): fewer than the funnel's 5 units, so the page is a table with a note
FEW = {"inps": (40, 30), "inail": (30, 20), "r_lombar": (20, 5)}


@pytest.fixture(scope="module")
def few(tmp_path_factory):
    return _client(tmp_path_factory.mktemp("few-services"), FEW)


def _notes(html: str) -> str:
    return " ".join(re.findall(r'<p class="small" data-(?:note="funnel"|ranking-note="\w+")>(.*?)</p>', html, re.S))


@pytest.mark.parametrize("lang, services, entities", [
    ("it", "Con meno di 5 servizi pubblicati", "enti"), ("en", "fewer than 5 published services", "entit")])
def test_a_comparison_of_services_says_services_in_its_notes(few, lang, services, entities):
    q = f"freq=M&period={PERIOD}&lang={lang}"
    html = few.get(f"/service-types/{STYPE}?level=service&{q}").get_data(as_text=True)
    notes = _notes(html)
    assert services in notes and entities not in notes, notes
    # the entities' comparison still speaks of entities
    assert entities in _notes(few.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True))


def test_an_empty_comparison_of_services_says_no_service_answered(few):
    q = f"freq=M&period={PERIOD}&region=ITC1"  # no unit in Piemonte
    html = few.get(f"/service-types/{STYPE}?level=service&{q}").get_data(as_text=True)
    note = re.search(r'data-note="funnel">(.*?)</p>', html, re.S).group(1)
    assert "Nessun servizio di questo tipo" in note and "tutti i servizi" in note and "ente" not in note
    en = few.get(f"/service-types/{STYPE}?level=service&{q}&lang=en").get_data(as_text=True)
    assert "No service of this type" in re.search(r'data-note="funnel">(.*?)</p>', en, re.S).group(1)


def _rows(html: str, table: str = "funnel") -> list[dict[str, str]]:
    body = html.split(f'data-table="{table}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [{k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)}
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_a_value_of_low_reliability_is_marked_in_the_funnels_table_as_its_status_says(few):
    """The funnel table's status column said "bassa affidabilità" and its value column did not mark it,
    where the service types list (and every ``value()`` cell) does."""
    html = few.get(f"/service-types/{STYPE}?freq=M&period={PERIOD}").get_data(as_text=True)
    rows = {r["entity"]: r for r in _rows(html)}
    lombardia, inps = rows["r_lombar"], rows["inps"]  # 20 answers (< 30), 40 answers
    assert lombardia["status"] == "bassa affidabilità" and lombardia["value"].endswith("(bassa affidabilità)")
    assert inps["status"] == "pubblicato" and "affidabilità" not in inps["value"]
    en = few.get(f"/service-types/{STYPE}?freq=M&period={PERIOD}&lang=en").get_data(as_text=True)
    assert {r["entity"]: r for r in _rows(en)}["r_lombar"]["value"].endswith("(low reliability)")


def test_the_eb_interval_is_rounded_once(few):
    """The EB interval's bounds came from the comparison at 2 decimals and were rounded again to 1 (46.15
    → "46,1" or "46,2"); they read as the comparison gives them, to the 2 decimals of the EB estimate, on
    the page and in its CSV."""
    from tests import console_csv

    q = f"freq=M&period={PERIOD}"
    api = {u["entity"]: u["eb"] for u in few.get(f"/api/v1/compare?service_type={STYPE}&{q}").get_json()["units"]}
    rows = {r["entity"]: r for r in _rows(few.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True))}
    header, *csv = console_csv.rows(few.get(f"/csv/service-type/{STYPE}/funnel?{q}"))
    by_csv = {r[header.index("Codice IPA")]: r for r in csv}
    for e, eb in api.items():
        lo, hi = eb["ci"]
        assert (rows[e]["eb_lower"], rows[e]["eb_upper"]) == (f"{lo:.2f}".replace(".", ","), f"{hi:.2f}".replace(".", ","))
        assert [float(by_csv[e][header.index(h)].replace(",", ".")) for h in ("IC 95% EB inf.", "IC 95% EB sup.")] == [lo, hi]
    assert any(round(x, 1) != x for eb in api.values() for x in eb["ci"])  # a bound with a second decimal to lose


def _cards(html: str) -> dict[str, str]:
    """The breakdown cards' text, by chart id (tags dropped)."""
    from html import unescape

    return {cid: unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split(f'id="fig-{cid}"', 1)[1]
                                                   .split("</figure>", 1)[0])))
            for cid in ("by-instrument", "by-channel")}


def test_breakdown_cards_of_a_question_not_asked_say_not_collected_and_why(tmp_path):
    """The "Per strumento e scala" and "Per canale" cards said a bare "Nessun dato." when the
    questionnaires concerned do not ask the question (as the trend cards no longer do): the URP desks'
    type uses the smiley faces only (no ease); Brescia's only service is on the Designers Italia rating
    (no satisfaction)."""
    from registry import connect, ops, session_scope
    from settings import Settings
    from tests.warehouse_rows import response, write

    client = _client(tmp_path, FEW)
    with session_scope(connect(Settings(data_dir=tmp_path).database_url)) as s:
        ops.add_entity(s, actor="test", ipa_code="c_b157", name="Comune di Brescia", category="L6",
                       comune_istat="017029")
        ops.add_service(s, actor="test", key="bs-tari", entity_ipa="c_b157", name="TARI",
                        service_type="tributi.pagamento", questionnaire_id="di-rating-servizio")
    write(tmp_path, [response(period=PERIOD, entity="c_b157", service="bs-tari", service_type="tributi.pagamento",
                              questionnaire="di-rating-servizio", ease=4) for _ in range(12)]
          + [response(period=PERIOD, entity="c_h501", service="roma-urp", service_type="sportello.urp",
                      questionnaire="faccia", satisfaction=5) for _ in range(12)])
    q = f"freq=M&period={PERIOD}"
    for url, reason in ((f"/service-types/sportello.urp?indicator=ease&{q}", "questionari di questo tipo di servizio"),
                        (f"/entities/c_b157?indicator=satisfaction&{q}", "questionari dei servizi dell'ente")):
        for cid, text in _cards(client.get(url).get_data(as_text=True)).items():
            assert "Non rilevato" in text and reason in text and "Nessun dato" not in text, (url, cid, text)
    # the same page's funnel and trend say it too, not "no entity answered" and "Nessun dato."
    urp = client.get(f"/service-types/sportello.urp?indicator=ease&{q}").get_data(as_text=True)
    for cid in ("funnel", "trend"):
        card = urp.split(f'id="fig-{cid}"', 1)[1].split("</figure>", 1)[0]
        assert "Non rilevato: i questionari di questo tipo" in card and "Nessun" not in card, (cid, card)
    en = _cards(client.get(f"/service-types/sportello.urp?indicator=ease&{q}&lang=en").get_data(as_text=True))
    assert all("Not collected: the questionnaires of this service type" in t for t in en.values()), en
    # a question asked, with no answers in the selection, is still "Nessun dato." (no reason to give)
    asked = _cards(client.get(f"/service-types/{STYPE}?indicator=satisfaction&region=ITC1&{q}").get_data(as_text=True))
    assert all("Nessun dato." in t and "Non rilevato" not in t for t in asked.values()), asked
    # and where the question is asked, the cards have their tables
    assert all("Scarica CSV" in t for t in _cards(client.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True)).values())
