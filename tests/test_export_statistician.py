"""The exports as an Istat statistician reads them (second pass): SDMX's unit attributes, the
reference metadata in Italian, cells without data told apart from suppressed ones, every label in
both languages, whether an item was required.

Real data through the warehouse (tests/warehouse_rows.py), periods of 2025 (ended), read back by
pysdmx, pyjstat and frictionless's JSON; no mocks."""
from __future__ import annotations

import json

import pytest

from settings import Settings
from warehouse import codelists as cl
from warehouse import export
from warehouse.dataset import Warehouse

from .warehouse_rows import response, write


@pytest.fixture
def ended(tmp_path):
    """2025 data: one service type in Lazio (PA type L6) and in Lombardia (L5), ended periods only.
    Lombardia has no L6 and Lazio no L5: those region × PA-type cells have no responses at all."""
    rows = [response(period="2025-10", entity=f"c_l{i}", region="ITI4", pa_type="L6", satisfaction=1 + i % 5,
                     ease=2 + i % 4, task="yes") for i in range(40)]
    rows += [response(period="2025-11", entity=f"c_m{i}", region="ITC4", pa_type="L5", satisfaction=2 + i % 4,
                      ease=3, task="no") for i in range(35)]
    write(tmp_path / "data", rows)
    return tmp_path / "data"


def test_sdmx_csv_carries_unit_mult_and_decimals_coded_and_attached_to_the_series(ended, tmp_path):
    """SDMX-CSV declared UNIT_MEASURE only: a reader could not tell the magnitude (UNIT_MULT) nor the
    precision (DECIMALS) of OBS_VALUE. Both are now attributes of the DSD, coded with the SDMX
    cross-domain codes (CL_UNIT_MULT ``0`` units, CL_DECIMALS ``4``), attached to the series
    (INDICATOR, as UNIT_MEASURE) and written on every row; pysdmx reads the data back with the
    structure and every attribute's value is a code of its codelist. Plain CSV keeps its columns."""
    from pysdmx.io import get_datasets, read_sdmx

    from .test_export_standards import _violations

    with Warehouse(Settings(data_dir=ended)) as wh:
        con = wh.cursor()
        export.export(con, "sdmx-csv", tmp_path / "sdmx.csv", freq="A", start="2025", end="2025")
        export.export(con, "csv", tmp_path / "plain.csv", freq="A", start="2025", end="2025")
        structure = export.export(con, "sdmx-structure", tmp_path / "structure.xml")
    dsd = read_sdmx(str(structure), validate=True).get_data_structure_definitions()[0]
    attrs = {a.id: a for a in dsd.components.attributes}
    for a in ("UNIT_MEASURE", "UNIT_MULT", "DECIMALS"):
        assert attrs[a].attachment_level == "INDICATOR", a
        assert attrs[a].enumeration is not None, a
    assert {c.id for c in attrs["UNIT_MULT"].enumeration} == {"0"}
    assert {c.id for c in attrs["DECIMALS"].enumeration} == {"4"}
    [ds] = get_datasets(str(tmp_path / "sdmx.csv"), str(structure))
    assert len(ds.data) and _violations(ds) == []
    assert set(ds.data["UNIT_MULT"].astype(str)) == {"0"} and set(ds.data["DECIMALS"].astype(str)) == {"4"}
    assert set(ds.data["UNIT_MEASURE"]) == {"PC", "PT"}
    header = (tmp_path / "plain.csv").read_text().splitlines()[0].split(",")
    assert header == cl.COLUMNS and "UNIT_MULT" not in header


@pytest.mark.parametrize("lang,other", [("it", "en"), ("en", "it")])
def test_jsonstat_gives_the_measure_labels_in_the_other_language_too(ended, lang, other):
    """``extension.labels`` gave every coded dimension's labels in the other language but MEASURE's
    (value, bounds, number of responses): an English reader of an Italian file saw «limite inferiore»
    with no English beside it."""
    with Warehouse(Settings(data_dir=ended)) as wh:
        df = export.publication_table(wh.cursor(), "A", "2025", "2025")
    for item in export.jsonstat(df, "A", lang=lang)["link"]["item"]:
        labels = item["extension"]["labels"][other]["MEASURE"]
        assert set(labels) == set(item["dimension"]["MEASURE"]["category"]["index"])
        assert labels["LOWER_BOUND"] == {"it": "limite inferiore dell'IC al 95%", "en": "lower bound of the 95% CI"}[other]
        assert labels["N_RESP"] != item["dimension"]["MEASURE"]["category"]["label"]["N_RESP"]


def test_a_microdata_item_field_says_whether_the_item_was_required(tmp_path):
    """codebook.json says whether each item was required; the package's item fields did not, so a
    blank could not be read as "chose not to answer" (optional item) or "not asked / routed out"
    (required one). ``item_required`` is the codebook's own value, for every item field."""
    from questionnaires import default_catalog
    from questionnaires.codebook import _item_entry

    write(tmp_path / "data", [response(period="2025-10", satisfaction=1 + i % 5, ease=3) for i in range(6)])
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", freq="A", start="2025", end="2025",
                             microdata_k=5)
    [resource] = json.loads(path.read_text())["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"] if f["name"].startswith("item_")}
    q = default_catalog().get("cx-core", 1)
    expected = {it.code: _item_entry(q, it, "core")["required"] for it in q.items}  # codebook.json's entry
    assert True in expected.values() and False in expected.values()
    for code, required in expected.items():
        if f"item_{code}" in fields:
            assert fields[f"item_{code}"]["item_required"] is required, code
    assert fields["item_satisfaction"]["item_required"] is True
