"""The console API's JSON rows (:func:`warehouse.cube.rows_json`), built from the table's columns since 2026-12-05
(375 entities' rows took 30 ms of a request, row by row): the same rows as the reading of each cell on its own,
for a score, task completion and a category indicator, suppressed cells and breakdowns included."""
from __future__ import annotations

import math

import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse.cube import Cut, rows_json, table
from warehouse.dataset import Warehouse
from warehouse.protect import Protection


def _cell(v):
    """A figure as the API writes it, read from one cell: None when missing or not finite, else 2 decimals."""
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else round(float(v), 2)


def _word(v):
    return None if v is None or (isinstance(v, float) and v != v) else str(v)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("rows")
    rows = []
    for i in range(300):  # big cells, and entities of a few answers (suppressed)
        row = response(period=["2026-07", "2026-08", "2026-09"][i % 3], entity=f"c_{i % 40:04d}",
                       satisfaction=1 + i % 5, ease=1 + i % 4, went_well=("clarity",) if i % 2 else ("technical",))
        row.update(task_completed=100.0 if i % 3 else 0.0, task_completed_raw="yes" if i % 3 else "no",
                   task_completed_scale="yes-partly-no")
        rows.append(row)
    write(root, rows)
    with Warehouse(Settings(data_dir=root)) as wh:
        yield wh.cursor()


@pytest.mark.parametrize("indicator, by", [("satisfaction", ["entity"]), ("satisfaction", []),
                                           ("ease", ["region", "pa_type"]), ("task_completed", ["entity"]),
                                           ("went_well", ["entity"]), ("went_well", [])])
def test_the_rows_are_each_cells_figures(con, indicator, by):
    cut = Cut(indicator=indicator, by=by, freq="M")
    df = table(con, cut, Protection())
    rows = rows_json(df, cut)
    assert len(rows) == len(df) > 0
    assert any(r["conf_status"] == "F" for r in rows) and any(r["conf_status"] == "A" for r in rows) == ("entity" in by)
    for row, (_, cell) in zip(rows, df.iterrows()):
        assert row["period"] == cell["period"] and all(row[d] == cell[d] for d in by)
        assert row["n"] == (None if cell["n"] != cell["n"] else int(cell["n"]))
        assert (row["obs_status"], row["conf_status"]) == (cell["obs_status"], cell["conf_status"])
        if "top2" in df:
            assert row["positive_share"] == row["top2"] == _cell(cell["top2"])
            assert row["positive_share_ci"] == row["top2_ci"] == [_cell(cell["top2_lower"]), _cell(cell["top2_upper"])]
            assert row["mean"] == _cell(cell["mean"]) and row["mean_ci"] == [_cell(cell["mean_lower"]),
                                                                              _cell(cell["mean_upper"])]
            assert (row["positive_share_status"], row["mean_status"]) == (_word(cell["top2_status"]),
                                                                           _word(cell["mean_status"]))
            assert row["distribution"] == {c[5:]: _cell(cell[c]) for c in df if c.startswith("dist_")}
        shares = {c[6:-6] for c in df if c.startswith("share_") and c.endswith("_lower")}
        if shares:
            assert row["shares"] == {c: {"share": _cell(cell[f"share_{c}"]), "ci": [_cell(cell[f"share_{c}_lower"]),
                                                                                    _cell(cell[f"share_{c}_upper"])]}
                                     for c in shares}
        if "shares_status" in df:
            assert row["shares_status"] == _word(cell["shares_status"])
