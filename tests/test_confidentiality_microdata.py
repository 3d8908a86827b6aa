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


def test_route_23_the_withheld_count_over_many_ranges_does_not_give_each_months(tmp_path):
    """Route 23 (red team, December 2026): route 13 on the microdata. The package takes any range of months
    (``from``/``to``), and its quasi-identifiers include the month, so the rows it withholds over a range
    are the union of each month's: ``withheld_rows`` of every range was a fresh perturbation of a sum of
    the monthly counts. Each month's only small group is a small entity's 1 or 2 answers (a cell the cube
    suppresses; a month's own package says "fewer than 3"). Asked for every range of 12 months (78
    packages), the likelihood of each of the 4,096 configurations under the published p-table picked the
    true one — every month's count exact — with posterior 0.87. Now the count is stated only for one
    calendar month, quarter or year, or every period (that period's own rows: the same figure whatever
    else is asked); any other range says it is not counted (``withheld_rows`` null with
    ``withheld_rows_note``): the decoding is back to chance (posterior 0.003, 7 months of 12)."""
    import numpy as np

    rows, hidden = [], []
    for i, m in enumerate(MONTHS):
        rows += [response(period=m, entity="c_h501", region="ITI4", satisfaction=1 + j % 5) for j in range(10)]
        hidden.append(1 + (i * 7 % 5) % 2)
        rows += [response(period=m, entity="c_l219", region="ITC1", satisfaction=4) for _ in range(hidden[-1])]
    write(tmp_path, rows)
    settings = Settings(data_dir=tmp_path)
    client = api_client(settings)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'statistician')}"
    design, shown, low = [], [], []
    for i in range(len(MONTHS)):
        for j in range(i, len(MONTHS)):
            resp = client.get(f"/exports/datapackage.zip?from={MONTHS[i]}&to={MONTHS[j]}")
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
            conf = json.loads(zipfile.ZipFile(io.BytesIO(resp.get_data())).read("datapackage.json"))["confidentiality"]
            row = [1.0 if i <= t <= j else 0.0 for t in range(len(MONTHS))]
            if conf["withheld_rows"] is not None:
                design.append(row)
                shown.append(conf["withheld_rows"])
            elif not conf.get("withheld_rows_note"):  # "fewer than 3": the sum is 1 or 2
                low.append(row)
    best, posterior = _decode(design, shown, low)
    exact = int((best == np.array(hidden)).sum())
    assert exact < len(MONTHS) and posterior < 0.9, f"every hidden month's count recovered (posterior {posterior:.3f})"
    assert len(design) <= 12 + 4 + 1, "a count over a range that is not a calendar period"


def _decode(design, shown, low):
    """The attacker's decoding: the p-table is published, so every configuration of the twelve hidden
    counts (1 or 2 each) has a likelihood — each stated count its deviation's probability, each null
    "fewer than 3" the probability of a true or perturbed count under 3. Returns (months of the most
    likely configuration, its posterior probability)."""
    import itertools

    import numpy as np

    from warehouse.ptable import build

    table = build(2, 1.0)
    p = {i: dict(zip(table.deviations[i].tolist(), table.probs[i].tolist())) for i in range(3)}

    def dev(count: int, d: int) -> float:
        return p[min(count, 2)].get(d, 0.0)

    A, L = np.array(design), np.array(low)
    best, logs = None, []
    configs = list(itertools.product((1, 2), repeat=A.shape[1]))
    for h in configs:
        h = np.array(h)
        sums = A @ h
        ll = sum(np.log(max(dev(int(s), int(o - s)), 1e-300)) for s, o in zip(sums, shown))
        for s in (L @ h if len(L) else []):  # "fewer than 3": true under 3, or perturbed under 3
            ll += np.log(max(1.0 if s < 3 else sum(dev(int(s), d) for d in range(-2, 3) if s + d < 3), 1e-300))
        logs.append(ll)
    logs = np.array(logs)
    post = np.exp(logs - logs.max())
    post /= post.sum()
    best = np.array(configs[int(post.argmax())])
    return best, float(post.max())
