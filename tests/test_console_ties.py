"""Shared ranks on the console: two entities whose published empirical-Bayes estimates are equal share
a rank, written "3=" on the service type's page and in the entity's workspace, the next rank skipped
("1 2 3= 3= 5"), each tied unit's rank interval covering every place of the tie. Ties at the protection
boundary: units with exactly the disclosure threshold's n are ranked (and tied) like any other, a unit
below it takes no rank, makes no tie and moves nobody's rank; raise the threshold above them and the tie
disappears with them, the ranks closing up.

The cell-key noise is off (``ckm_enabled=False``): the n of each unit is its true n, so that the
boundary is exactly the configured ``disclosure_min_n``."""
from __future__ import annotations

import re

import pytest

from registry import connect, session_scope
from registry.demo import seed
from registry.tokens import create_token
from settings import Settings
from tests import console_csv
from tests.warehouse_rows import response, write

STYPE, PERIOD = "anagrafe.certificati", "2026-10"
#: entity → (responses, positive ones) in one month; Roma and Milano identical, at the threshold (3)
TIED = {"inps": (40, 30), "inail": (30, 20), "c_h501": (3, 2), "c_f205": (3, 2), "asl_rm1": (2, 2),
        "r_lombar": (20, 5)}
#: two entities whose EB estimates differ in the second decimal only (66.50 and 66.54)
NEAR = {"inps": (40, 30), "inail": (30, 20), "r_lombar": (20, 5), "c_h501": (4, 3), "c_f205": (7, 5)}

#: the registry's services of the entities that have one of the type (the entity pages list those)
SERVICES = {"c_h501": "demo-roma-anagrafe", "c_f205": "demo-milano-anagrafe"}


def _client(root, units, min_n=3, regions=None):
    settings = Settings(data_dir=root, rollup_check_s=0.0, ckm_enabled=False, disclosure_min_n=min_n)
    factory = connect(settings.database_url)
    seed(factory, ["https://www.comune.roma.it"])
    with session_scope(factory) as s:
        token = create_token(s, role="monitoring", label="ties", actor="test")[1]
    write(root, [response(period=PERIOD, entity=e, service=SERVICES.get(e, f"svc-{e}"), satisfaction=5 if i < pos else 2,
                          region=(regions or {}).get(e, "ITI4"))
                 for e, (n, pos) in units.items() for i in range(n)])
    from warehouse.console import create_app

    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture(scope="module")
def tied(tmp_path_factory):
    return _client(tmp_path_factory.mktemp("ties"), TIED)


def _funnel(client, query=f"freq=M&period={PERIOD}") -> dict[str, dict[str, str]]:
    html = client.get(f"/service-types/{STYPE}?{query}").get_data(as_text=True)
    body = html.split('data-table="funnel"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = [{k: re.sub(r"<[^>]+>", "", v).strip() for k, v in re.findall(r'data-col="(\w+)">(.*?)</td>', row, re.S)}
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return {r["entity"]: r for r in rows}


def _compare(client) -> dict[str, dict]:
    api = client.get(f"/api/v1/compare?service_type={STYPE}&freq=M&period={PERIOD}").get_json()
    return {u["entity"]: u for u in api["units"]}


def test_a_tie_at_the_disclosure_threshold_is_3_equals_and_the_next_rank_is_5(tied):
    api = _compare(tied)
    assert {e: (u["rank"], u["tied"]) for e, u in api.items()} == {
        "inps": (1, False), "inail": (2, False), "c_h501": (3, True), "c_f205": (3, True), "r_lombar": (5, False),
        "asl_rm1": (None, None)}  # n = 2 < 3: suppressed, no rank, no tie, nobody's rank moved
    assert api["c_h501"]["n"] == api["c_f205"]["n"] == 3  # exactly the threshold: published and ranked
    for e in ("c_h501", "c_f205"):  # the interval covers both places of the tie
        lo, hi = api[e]["rank_interval"]
        assert lo <= 3 and hi >= 4
    rows = _funnel(tied)
    assert {e: r["rank"] for e, r in rows.items()} == {"inps": "1", "inail": "2", "c_h501": "3=", "c_f205": "3=",
                                                      "r_lombar": "5", "asl_rm1": "—"}
    assert rows["c_h501"]["eb_estimate"] == rows["c_f205"]["eb_estimate"]  # what the "=" says
    assert rows["asl_rm1"]["n"] == rows["asl_rm1"]["eb_estimate"] == "oscurato"
    # the download holds the rank as a number on each tied unit (sortable), a suppressed unit's empty
    header, *body = console_csv.rows(tied.get(f"/csv/service-type/{STYPE}/funnel?freq=M&period={PERIOD}"))
    ranks = {r[header.index("Codice IPA")]: r[header.index("Rango EB")] for r in body}
    assert ranks == {"inps": "1", "inail": "2", "c_h501": "3", "c_f205": "3", "r_lombar": "5", "asl_rm1": ""}


def test_the_workspace_says_a_shared_rank_is_shared(tied):
    """The workspace's position table wrote Roma's shared rank as a bare "3", as if Roma alone held it."""
    for ipa in ("c_h501", "c_f205"):
        ws = tied.get(f"/api/v1/workspace/{ipa}?freq=M&period={PERIOD}").get_json()
        pos = next(p for p in ws["position"] if p["service_type"] == STYPE)
        assert (pos["rank"], pos["tied"]) == (3, True)
        html = tied.get(f"/workspace/{ipa}?freq=M&period={PERIOD}").get_data(as_text=True)
        row = html[html.index(f'<tr data-type="{STYPE}"'):].split("</tr>", 1)[0]
        assert re.search(r'<td data-col="rank">3=</td>', row), row
    html = tied.get(f"/workspace/inps?freq=M&period={PERIOD}").get_data(as_text=True)
    row = html[html.index(f'<tr data-type="{STYPE}"'):].split("</tr>", 1)[0]
    assert re.search(r'<td data-col="rank">1</td>', row), row


def test_above_the_threshold_the_tied_units_are_hidden_and_the_ranks_close_up(tmp_path):
    client = _client(tmp_path, TIED, min_n=4)
    api = _compare(client)
    assert {e: (u["rank"], u["tied"]) for e, u in api.items() if u["rank"] is not None} == {
        "inps": (1, False), "inail": (2, False), "r_lombar": (3, False)}
    rows = _funnel(client)
    assert [rows[e]["rank"] for e in ("c_h501", "c_f205", "asl_rm1")] == ["—", "—", "—"]
    assert not any(r["rank"].endswith("=") for r in rows.values())


def test_equal_estimates_on_the_page_share_a_rank_and_different_ranks_show_different_estimates(tmp_path):
    """The page wrote the EB estimate to one decimal while ranks are decided on two: Roma 66.50 and
    Milano 66.54 both read "66,5" with ranks 3 and 2, against the page's own rule (equal published
    estimates share a rank). The estimate the rank is decided on is shown."""
    client = _client(tmp_path, NEAR)
    api = _compare(client)
    assert api["c_f205"]["rank"] == 2 and api["c_h501"]["rank"] == 3 and not api["c_h501"]["tied"]
    rows = _funnel(client)
    shown = {e: r["eb_estimate"] for e, r in rows.items()}
    assert shown["c_f205"] != shown["c_h501"]
    for a in rows.values():
        for b in rows.values():
            if a["rank"] != "—" and b["rank"] != "—":
                assert (a["eb_estimate"] == b["eb_estimate"]) == (a["rank"] == b["rank"]), (a, b)
