"""The exports as an Istat statistician reads them (third pass): JSON-stat's ``status`` in its
smaller form, the release in Italian beside English, no English in an Italian export, the same cell
the same number in every format.

Real data through the warehouse (tests/warehouse_rows.py, the ``ended`` data of
tests/test_export_statistician.py: periods of 2025), read back by pyjstat, pysdmx and frictionless; no mocks."""
from __future__ import annotations

import json

import pytest

from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse
from warehouse.jsonstat import compact_status, statuses

from .test_export_statistician import _cell, ended  # noqa: F401  (fixture)
from .warehouse_rows import response, write

#: (region, PA type, service type) of each administration of :func:`sparse`: one combination each
SPARSE = [("ITI4", "L6", "anagrafe.certificati"), ("ITC4", "L5", "tributi.pagamento"),
          ("ITF3", "L4", "tributi.pagamento"), ("ITH3", "L6", "tributi.pagamento")]


@pytest.fixture
def sparse(tmp_path):
    """2025 data of four administrations, each its own region × PA type × service type: the area
    table's cube (5 areas × 4 PA types × 3 service types) is mostly combinations without responses."""
    rows = [response(period="2025-10", entity=f"e{a}_{i}", region=region, pa_type=pa, service_type=st,
                     satisfaction=1 + i % 5, ease=2 + i % 4)
            for a, (region, pa, st) in enumerate(SPARSE) for i in range(12)]
    write(tmp_path / "data", rows)
    return tmp_path / "data"


def _items(coll: dict) -> dict[tuple[str, str], dict]:
    return {(i["extension"]["table"], i["extension"]["unit"]): i for i in coll["link"]["item"]}


def test_a_sparse_cubes_status_is_an_array_aligned_with_its_values(sparse):
    """``status`` was always an object keyed by value index: in a sparse cube — most combinations of
    region × PA type × service type have no responses, each value ``O`` or ``M`` — that nearly doubled
    the file. JSON-stat 2.0 also allows an array as long as ``value``; each dataset now has the smaller
    of the two (an array here, an object where few values are flagged), and every status still belongs
    to its value: read back by pyjstat and by the spec's two forms, cell by cell against the table."""
    from pyjstat import pyjstat

    with Warehouse(Settings(data_dir=sparse)) as wh:
        df = export.publication_table(wh.cursor(), "A", "2025", "2025")
    area = _items(export.jsonstat(df, "A"))[("area", "PC")]
    assert isinstance(area["status"], list) and len(area["status"]) == len(area["value"])
    codes = statuses(area)
    as_object = {str(k): c for k, c in codes.items()}  # what was written before
    before, after = len(json.dumps(as_object)), len(json.dumps(area["status"]))
    assert len(codes) > len(area["value"]) / 2 and after < 0.7 * before, (before, after)
    # every null has a status; a cell nobody answered in is O in all four measures
    assert all(v is not None or k in codes for k, v in enumerate(area["value"]))
    nobody = dict(INDICATOR="SATISFACTION_POS", TIME_PERIOD="2025", REF_AREA="ITF3", PA_TYPE="L5",
                  SERVICE_TYPE="_T", INSTRUMENT="_T", SCALE="_T", CHANNEL="_T")
    assert [area["status"][k] for k in _cell(area, **nobody)] == ["O"] * 4
    # each row of the table: its value and status at its index
    rows = export.table_rows(df, "area")
    for r in rows[rows["UNIT_MEASURE"] == "PC"].to_dict("records"):
        [value, lower, upper, n] = _cell(area, **{d: r[d] for d in area["id"][:-1]})
        assert area["value"][value] == (None if r["OBS_STATUS"] == "Q" else r["OBS_VALUE"])
        assert area["value"][n] == (None if r["OBS_STATUS"] == "Q" else r["N_RESP"])
        assert codes.get(value, "A") == codes.get(n, "A") == r["OBS_STATUS"]
    # pyjstat reads the dataset, values where the spec puts them
    frame = pyjstat.Dataset.read(json.dumps(area)).write("dataframe", naming="id")
    assert len(frame) == len(area["value"])
    assert [None if v != v else v for v in frame["value"].tolist()] == area["value"]


def test_a_few_statuses_stay_an_object_and_none_is_empty():
    """The object is kept where it is the smaller: a few flagged values of a large dataset."""
    assert compact_status({"7": "U"}, 400) == {"7": "U"}
    assert compact_status({}, 400) == {}
    dense = compact_status({str(i): "O" for i in range(0, 400, 2)}, 400)
    assert isinstance(dense, list) and len(dense) == 400 and dense[:3] == ["O", None, "O"]
    for form in ({"7": "U"}, ["O", None, "U"], "O"):
        n = 3 if not isinstance(form, dict) else 400
        got = statuses({"value": [None] * n, "status": form})
        assert got == ({7: "U"} if isinstance(form, dict) else {0: "O", 2: "U"} if isinstance(form, list)
                       else {0: "O", 1: "O", 2: "O"})

