"""The workspace's funnel table — the chart's accessible alternative and its CSV — says what the
position table above it says, in words, in the page's language."""
from __future__ import annotations

import re

import pytest

from tests import console_csv
from tests.workspace_data import ROMA, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("workspace-funnel"))


@pytest.fixture(scope="module")
def client(seeded):
    return create_app(seeded[0]).test_client()


def test_the_funnel_table_says_the_position_and_status_in_words(client, seeded):
    """Beside the position table's "entro i limiti", the funnel's table (read by a screen reader in
    place of the chart, and downloaded as CSV) gave "anagrafe.certificati", "within", "A", "F": a code
    for the service type, the flag in English and two SDMX codes where every other table of the page
    says the status in words."""
    auth = {"Authorization": f"Bearer {seeded[1]['entity']}"}
    ws = client.get(f"/api/v1/workspace/{ROMA}", headers=auth).json
    flag = ws["position"][0]["flag"]
    assert flag  # a benchmark, so a funnel position
    html = client.get(f"/workspace/{ROMA}", headers=auth).get_data(as_text=True)
    shown = re.search(r'<td data-col="flag">([^<]*)</td>', html).group(1)
    rows = console_csv.dicts(client.get(f"/workspace/{ROMA}/csv/funnel-anagrafe.certificati", headers=auth))
    assert len(rows) == 1
    row = rows[0]
    assert "OBS_STATUS" not in row and "CONF_STATUS" not in row
    assert row["Tipo di servizio"] == "Certificati anagrafici"
    assert row["Posizione nel funnel"] == shown != flag
    assert row["Stato"] in ("pubblicato", "bassa affidabilità")
    assert "Quota positiva %" in row
    en = console_csv.dicts(client.get(f"/workspace/{ROMA}/csv/funnel-anagrafe.certificati?lang=en", headers=auth))[0]
    assert en["Funnel position"] != flag and ("limits" in en["Funnel position"] or "benchmark" in en["Funnel position"])


def test_the_comments_period_field_says_a_year_is_a_period_too(client, seeded):
    """The comments' filter takes a month, a quarter or a year (docs/public.md), and a year works, but
    its label said "Periodo (AAAA-MM, AAAA-Qn)": a manager looking for the year's comments could not know."""
    auth = {"Authorization": f"Bearer {seeded[1]['entity']}"}
    html = client.get(f"/workspace/{ROMA}/comments", headers=auth).get_data(as_text=True)
    assert '<label for="f-period">Periodo (AAAA-MM, AAAA-Qn, AAAA)</label>' in html
    en = client.get(f"/workspace/{ROMA}/comments?lang=en", headers=auth).get_data(as_text=True)
    assert '<label for="f-period">Period (YYYY-MM, YYYY-Qn, YYYY)</label>' in en
    assert client.get(f"/workspace/{ROMA}/comments?period=2026", headers=auth).status_code == 200


def test_the_funnel_labels_the_entitys_point_with_its_name(client, seeded):
    """The funnel's own point was labelled "c_h501" — the IPA code — beside a trend chart whose line is
    "Roma Capitale": the same entity named two ways on one page, one of them a code."""
    import json

    auth = {"Authorization": f"Bearer {seeded[1]['entity']}"}
    html = client.get(f"/workspace/{ROMA}", headers=auth).get_data(as_text=True)
    plots = {m.group(1): json.loads(m.group(2)) for m in
             re.finditer(r'<script type="application/json" id="plot-([^"]+)">(.*?)</script>', html, re.S)}
    own = plots["funnel-anagrafe.certificati"]["data"][-1]
    assert own["name"] == "Roma Capitale" and own["text"] == ["Roma Capitale"]
    assert any(t.get("name") == "Roma Capitale" for t in plots["trend-anagrafe.certificati"]["data"])
