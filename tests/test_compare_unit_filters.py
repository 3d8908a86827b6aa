"""A region (or PA type) filter chooses the entities listed, not the model they are judged by.

The comparison was fitted on the filtered units alone: Roma, alone in Lazio, lost the national
over-dispersion (exact binomial limits instead of widened ones), its FDR family (one test, no
multiplicity) and its shrinkage (no EB prior with one unit), and read "significantly below" in Lazio
where the national page reads "within" — the same entity, period and benchmark. Now the benchmark,
φ, τ², the FDR family, the ranks and the funnel are the type's, and each listed unit reads the same."""
from __future__ import annotations

import re

import pytest

from tests.test_console_ties import PERIOD, STYPE, _client

UNITS = {"c_h501": (20, 3), "inail": (30, 18), "asl_rm1": (25, 12), "c_f205": (20, 17), "r_lombar": (30, 15),
         "inps": (24, 12)}
REGIONS = {"c_f205": "ITC4", "r_lombar": "ITC4"}
SAME = ("n", "value", "z", "limits", "flag", "p_value", "fdr", "significant", "eb", "rank", "tied", "rank_interval")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return _client(tmp_path_factory.mktemp("unit-filters"), UNITS, regions=REGIONS)


def test_a_unit_reads_the_same_with_or_without_a_region_filter(client):
    base = f"/api/v1/compare?service_type={STYPE}&freq=M&period={PERIOD}"
    national = client.get(base).get_json()
    assert national["test"]["overdispersed"] and national["ranking"]["ranked"]
    by = {u["entity"]: u for u in national["units"]}
    for region, listed in (("ITI4", {"c_h501", "inail", "asl_rm1", "inps"}), ("ITC4", {"c_f205", "r_lombar"})):
        body = client.get(f"{base}&region={region}").get_json()
        assert {u["entity"] for u in body["units"]} == listed
        for k in ("benchmark", "method", "test", "funnel"):
            assert body[k] == national[k] if k != "benchmark" else body[k]["value"] == national[k]["value"], k
        assert body["ranking"]["tau2"] == national["ranking"]["tau2"]
        for u in body["units"]:
            assert {k: u[k] for k in SAME} == {k: by[u["entity"]][k] for k in SAME}, u["entity"]
    # Roma, the worst, is not "significantly below" in Lazio when it is not in Italy
    lazio = {u["entity"]: u for u in client.get(f"{base}&region=ITI4").get_json()["units"]}
    assert lazio["c_h501"]["fdr"]["flag"] == by["c_h501"]["fdr"]["flag"]


def _funnel(html: str) -> dict[str, dict[str, str]]:
    body = html.split('data-table="funnel"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = [{k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)}
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return {r["entity"]: r for r in rows}


def test_the_page_lists_the_regions_entities_with_their_national_figures_and_says_so(client):
    q = f"freq=M&period={PERIOD}"
    whole = _funnel(client.get(f"/service-types/{STYPE}?{q}").get_data(as_text=True))
    html = client.get(f"/service-types/{STYPE}?{q}&region=ITI4").get_data(as_text=True)
    lazio = _funnel(html)
    assert set(lazio) == {"c_h501", "inail", "asl_rm1", "inps"}
    for e, row in lazio.items():
        assert row == whole[e], e
    assert 'data-ranking-note="ranked"' in html  # ranked among all the type's entities, not "nothing to rank"
    assert "calcolati su tutti gli enti del tipo" in html


def test_a_type_with_one_published_unit_has_nothing_to_compare(tmp_path):
    client = _client(tmp_path, {"c_h501": (20, 10), "asl_rm1": (2, 1)})  # Roma, and a suppressed unit
    url = f"/service-types/{STYPE}?freq=M&period={PERIOD}"
    page = client.get(url).get_data(as_text=True)
    assert 'data-ranking-note="none"' in page and "nulla da confrontare" in page
    assert "non c'è evidenza di differenze" not in page
    with client.session_transaction() as s:
        s["lang"] = "en"
    assert "nothing to compare" in client.get(url).get_data(as_text=True)


def test_a_region_whose_every_unit_is_suppressed_draws_no_empty_funnel_and_says_why(tmp_path):
    """Piemonte's one entity hidden (2 answers): the funnel drew the type's limits and benchmark with not
    one point — empty axes under a heading, nothing saying why. Now no picture, a note that says why, and
    the table with the entity's status."""
    client = _client(tmp_path, {**UNITS, "c_l219": (2, 1)}, regions={**REGIONS, "c_l219": "ITC1"})
    html = client.get(f"/service-types/{STYPE}?freq=M&period={PERIOD}&region=ITC1").get_data(as_text=True)
    assert 'data-chart="funnel"' not in html
    assert 'data-note="funnel"' in html and "nessun valore pubblicato" in html.lower()
    assert _funnel(html)["c_l219"]["status"] == "oscurato"
    whole = client.get(f"/service-types/{STYPE}?freq=M&period={PERIOD}").get_data(as_text=True)
    assert 'data-chart="funnel"' in whole and 'data-note="funnel"' not in whole  # with points: drawn, no note
    with client.session_transaction() as s:
        s["lang"] = "en"
    en = client.get(f"/service-types/{STYPE}?freq=M&period={PERIOD}&region=ITC1").get_data(as_text=True)
    assert "no published value" in en.lower()
