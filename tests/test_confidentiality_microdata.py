"""Route 17 (red team, third round): the Data Package's count of withheld rows was exact.

The microdata package releases only rows whose quasi-identifiers are shared by at least k (5)
responses, and said how many it withheld: ``confidentiality.withheld_rows`` and the description's
"N rows withheld", the exact count. A statistician asking the package month by month read, for a
month whose only small group is one entity's one or two answers (a cell the cube suppresses), that
cell's exact count. Now the count is published like any count: perturbed by the cell-key method
(its rows' record keys) and withheld itself when its true or perturbed value is under ``min_n``.
"""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from settings import Settings
from tests.console_auth import api_client, token
from tests.warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def test_route_17_the_packages_withheld_rows_do_not_give_a_suppressed_cells_count(tmp_path):
    """Each month: 10 answers in one large group (released) and 1 or 2 of a small entity elsewhere
    (withheld; the cube suppresses its cell). The statistician reads each month's package: on the
    old count, withheld_rows was that suppressed cell's exact n every month."""
    rows, hidden = [], {}
    for i, m in enumerate(MONTHS):
        rows += [response(period=m, entity="c_h501", region="ITI4", satisfaction=1 + j % 5) for j in range(10)]
        hidden[m] = 1 + i % 2
        rows += [response(period=m, entity="c_l219", region="ITC1", satisfaction=4) for _ in range(hidden[m])]
    write(tmp_path, rows)
    settings = Settings(data_dir=tmp_path)
    client = api_client(settings)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'statistician')}"
    pinned = []
    for m in MONTHS:
        cube = client.get(f"/api/v1/indicators?indicator=responses&by=region&freq=M&period={m}").get_json()["rows"]
        assert {r["region"]: r["conf_status"] for r in cube}["ITC1"] == "A"  # the cube hides the small cell
        resp = client.get(f"/exports/datapackage.zip?from={m}&to={m}")
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        package = json.loads(zipfile.ZipFile(io.BytesIO(resp.get_data())).read("datapackage.json"))
        conf = package["confidentiality"]
        assert conf["released_rows"] == 10
        shown = conf["withheld_rows"]
        if shown == hidden[m] or f"{hidden[m]} rows withheld" in package["description"]:
            pinned.append(m)
    assert pinned == []
