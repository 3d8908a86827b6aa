"""The workspace's services CSV (issue 15) gives the change against the previous period as the page shows
it, to one decimal — it wrote the raw float ("1,9230769230769218;-35,640527811501634"), a precision the
figures do not have and not the page's "+1,9 (IC 95% -35,6 – +39,9)". Pinned to a December: the months
shown have ended."""
from __future__ import annotations

import re

import pytest

from tests import console_csv
from tests.workspace_data import ROMA, build_workspace
from warehouse.console import create_app

pytestmark = pytest.mark.usefixtures("clock_december")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_workspace(tmp_path_factory.mktemp("workspace-csv-rounding"))


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_services_csv_gives_the_change_to_one_decimal_as_the_page(seeded, lang):
    settings, tokens = seeded
    client = create_app(settings).test_client()
    auth = {"Authorization": f"Bearer {tokens['entity']}"}
    query = f"freq=M&period=2026-10&lang={lang}"
    api = client.get(f"/api/v1/workspace/{ROMA}?{query}", headers=auth).get_json()
    changes = {s["key"]: s["change"] for s in api["services"] if s.get("change")}
    assert changes, api["services"]  # the premise: a service with a change against 2026-09
    rows = console_csv.rows(client.get(f"/workspace/{ROMA}/services.csv?{query}", headers=auth))
    head, body = rows[0], {r[1]: r for r in rows[1:]}
    for key, change in changes.items():
        row = dict(zip(head, body[key]))
        cells = [v for k, v in row.items() if k.startswith(("Rispetto", "Variazione", "Against", "Change"))]
        assert len(cells) == 3 and all(re.fullmatch(r"-?\d+\.\d", c) for c in cells), row
        assert [float(c) for c in cells] == [round(change["difference"], 1), *(round(x, 1) for x in change["ci"])]
    for row in rows[1:]:  # and no figure of the file with more decimals than the page gives
        assert not any(re.fullmatch(r"-?\d+\.\d{2,}", c) for c in row), row
