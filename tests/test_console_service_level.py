"""What national monitoring staff met looking for the worst service of a type on the demo data.

The service type's page compares services too (``level=service``), as ``/api/v1/compare`` does: it
showed only entities, each pooling its services (Roma's web certificates with its app's). The legend
says why a total is not the sum of its rows; the entities list says "non rilevato" where it said "—"."""
from __future__ import annotations

import re

import pytest

from tests import console_csv
from tests.test_console_ties import PERIOD, STYPE, _client
from tests.warehouse_rows import response, write

UNITS = {"c_h501": (20, 14), "c_f205": (20, 15), "inps": (30, 12), "inail": (25, 20), "r_lombar": (18, 9)}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("service-level")
    client = _client(root, UNITS)
    # Roma's second service of the type: few and unhappy answers, hidden inside Roma's entity figure
    write(root, [response(period=PERIOD, entity="c_h501", service="roma-app", satisfaction=1) for _ in range(10)])
    return client


def _funnel(html: str) -> list[dict[str, str]]:
    body = html.split('data-table="funnel"', 1)[1].split("</table>", 1)[0]
    head = re.findall(r'<th scope="col">(.*?)</th>', body)
    rows = [{k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)}
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)]
    return head, rows


def test_the_page_ranks_services_as_the_api_does(client):
    q = f"freq=M&period={PERIOD}"
    api = client.get(f"/api/v1/compare?service_type={STYPE}&level=service&{q}").get_json()
    html = client.get(f"/service-types/{STYPE}?level=service&{q}").get_data(as_text=True)
    head, rows = _funnel(html)
    assert head[2:4] == ["Chiave", "Servizio"]
    assert [r["service"] for r in rows] == [u["service"] for u in api["units"]]
    assert rows[-1]["service"] == "roma-app"  # the worst service, which the entities' view pooled into Roma
    by = {r["service"]: r for r in rows}
    # the registry's name, with its entity's: a type's services often share their name
    assert by["demo-roma-anagrafe"]["name"] == "Certificati anagrafici online — Roma Capitale"
    for u in api["units"]:
        assert by[u["service"]]["rank"] == f"{u['rank']}{'=' if u['tied'] else ''}"
    assert '<option value="service" selected>servizi</option>' in html
    got = client.get(f"/csv/service-type/{STYPE}/funnel?level=service&{q}")
    assert f"ascolto-service-type-{STYPE}-funnel-services-{PERIOD}.csv" in got.headers["Content-Disposition"]
    assert f"ascolto-service-type-{STYPE}-funnel-{PERIOD}.csv" in client.get(
        f"/csv/service-type/{STYPE}/funnel?{q}").headers["Content-Disposition"]  # the entities' file, as before
    header, *body = console_csv.rows(got)
    assert header[2:4] == ["Chiave", "Servizio"] and [r[2] for r in body] == [u["service"] for u in api["units"]]
    entities = client.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True)
    assert _funnel(entities)[0][2:4] == ["Codice IPA", "Ente"] and "roma-app" not in entities


def test_an_unknown_level_is_a_400_naming_it(client):
    r = client.get(f"/service-types/{STYPE}?level=region")
    assert r.status_code == 400 and "level" in r.get_data(as_text=True)


def test_the_legend_says_a_total_need_not_be_the_sum_of_its_rows(client):
    """The overview's national count (304 in the demo) is not the sum of the service types' (308): each
    cell is perturbed on its own. The legend said the figures are perturbed, not what that does to sums."""
    for url, said in (("/", "un totale può differire di poco dalla somma delle sue righe"),
                      ("/?lang=en", "a total may differ slightly from the sum of its rows")):
        legend = client.get(url).get_data(as_text=True).split('<aside class="legend"', 1)[1].split("</aside>", 1)[0]
        assert said in legend


def test_an_entity_whose_questionnaires_do_not_ask_satisfaction_is_not_collected_in_the_list(tmp_path):
    """The entities list counts satisfaction answers; an administration on the Designers Italia rating
    (which does not ask it) read "—", as if it had no answers at all: it says "non rilevato", in the
    CSV's status too."""
    from registry import connect, ops, session_scope

    client = _client(tmp_path, UNITS)
    from settings import Settings
    factory = connect(Settings(data_dir=tmp_path).database_url)
    with session_scope(factory) as s:
        ops.add_entity(s, actor="test", ipa_code="c_b157", name="Comune di Brescia", category="L6",
                       comune_istat="017029")
        ops.add_service(s, actor="test", key="bs-tari", entity_ipa="c_b157", name="TARI",
                        service_type="tributi.pagamento", questionnaire_id="di-rating-servizio")
    write(tmp_path, [response(period=PERIOD, entity="c_b157", service="bs-tari", service_type="tributi.pagamento",
                              questionnaire="di-rating-servizio", ease=4) for _ in range(12)])
    html = client.get("/entities/").get_data(as_text=True)
    row = html[html.index('href="/entities/c_b157"'):].split("</tr>", 1)[0]
    assert "non rilevato" in row and "data-not-collected" in row
    header, *rows = console_csv.rows(client.get("/csv/entities/entities"))
    brescia = next(r for r in rows if r[1] == "c_b157")
    assert brescia[header.index("Risposte")] == "" and brescia[header.index("Stato")] == "non rilevato"
    roma = next(r for r in rows if r[1] == "c_h501")
    assert roma[header.index("Stato")] != "non rilevato" and int(roma[header.index("Risposte")]) > 0
