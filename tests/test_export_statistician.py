"""The exports as an Istat statistician reads them (second pass): SDMX's unit attributes, the
reference metadata in Italian, cells without data told apart from suppressed ones, every label in
both languages, whether an item was required.

Real data through the warehouse (tests/warehouse_rows.py), periods of 2025 (ended), read back by
pysdmx, pyjstat and frictionless's JSON; no mocks."""
from __future__ import annotations

import csv
import json

import pytest

from settings import Settings
from warehouse import codelists as cl
from warehouse import export
from warehouse.dataset import Warehouse
from warehouse.jsonstat import statuses, values

from .warehouse_rows import response, write


@pytest.fixture
def ended(tmp_path):
    """2025 data: one service type in Lazio (PA type L6) and in Lombardia (L5), ended periods only.
    Lombardia has no L6 and Lazio no L5: those region × PA-type cells have no responses at all."""
    rows = [response(period="2025-10", entity=f"c_l{i}", region="ITI4", pa_type="L6", satisfaction=1 + i % 5,
                     ease=2 + i % 4, task="yes") for i in range(40)]
    rows += [response(period="2025-11", entity=f"c_m{i}", region="ITC4", pa_type="L5", satisfaction=2 + i % 4,
                      ease=3, task="no") for i in range(35)]
    # page ratings (stars) of the same service in Lazio: its ease mean would pool two scales, withheld
    rows += [response(period="2025-10", entity="c_l0", region="ITI4", pa_type="L6", questionnaire="di-rating-servizio",
                      ease=4 + i % 2) for i in range(12)]
    write(tmp_path / "data", rows)
    return tmp_path / "data"


def _cell(item: dict, **coords) -> list[int]:
    """The value indices (one per MEASURE) of the cell at ``coords`` of a JSON-stat dataset."""
    import numpy as np

    dims = item["id"][:-1]
    at = [item["dimension"][d]["category"]["index"].index(coords[d]) for d in dims]
    cell = int(np.ravel_multi_index(at, item["size"][:-1]))
    return [cell * item["size"][-1] + j for j in range(item["size"][-1])]


def test_a_jsonstat_cell_without_data_has_a_status_apart_from_a_suppressed_one(ended, tmp_path):
    """JSON-stat holds every combination of its categories: a region × PA type nobody answered in
    was ``null`` with no status — the same as nothing, and unlike a suppressed ``Q`` only by the
    absence of a code. Now it has ``O`` (SDMX CL_OBS_STATUS: missing value, no responses) and a
    mean the pooling guard withholds has ``M`` (not defined for this cell); SDMX-CSV has no row for
    either (an SDMX observation not reported), and the structure's CL_OBS_STATUS declares both."""
    from pysdmx.io import read_sdmx

    with Warehouse(Settings(data_dir=ended)) as wh:
        con = wh.cursor()
        df = export.publication_table(con, "A", "2025", "2025")
        export.export(con, "sdmx-csv", tmp_path / "sdmx.csv", freq="A", start="2025", end="2025")
        structure = export.export(con, "sdmx-structure", tmp_path / "structure.xml")
    coll = export.jsonstat(df, "A", lang="en")
    items = {(i["extension"]["table"], i["extension"]["unit"]): i for i in coll["link"]["item"]}
    for item in items.values():
        assert all(v is not None or k in statuses(item) for k, v in enumerate(values(item)))  # no bare null
        assert set(statuses(item).values()) <= set(item["extension"]["status"])
        assert item["extension"]["no_observation"] == ["M", "O"]
    area = items[("area", "PC")]
    nobody = dict(INDICATOR="SATISFACTION_POS", TIME_PERIOD="2025", REF_AREA="ITI4", PA_TYPE="L5",
                  SERVICE_TYPE="_T", INSTRUMENT="_T", SCALE="_T", CHANNEL="_T")
    assert {statuses(area).get(k) for k in _cell(area, **nobody)} == {"O"}
    assert all(values(area)[k] is None for k in _cell(area, **nobody))
    assert area["extension"]["status"]["O"].startswith("Missing value: no responses")
    # the ease mean in Lazio pools the 1–5 item and the stars: withheld, M
    pooled = dict(nobody, INDICATOR="EASE_MEAN", PA_TYPE="L6")
    key = tuple(dict(pooled, FREQ="A")[d] for d in cl.SDMX_DIMENSIONS)
    assert key in df.attrs["withheld"]
    means = items[("area", "PT")]
    assert {statuses(means).get(k) for k in _cell(means, **pooled)} == {"M"}
    # SDMX-CSV has a row for neither (an observation not reported); its structure declares both codes
    with open(tmp_path / "sdmx.csv", newline="", encoding="utf-8") as fh:
        keys = {tuple(r[d] for d in cl.SDMX_DIMENSIONS) for r in csv.DictReader(fh)}
    assert tuple(dict(nobody, FREQ="A")[d] for d in cl.SDMX_DIMENSIONS) not in keys
    assert tuple(cl.sdmx_id(v) for v in key) not in keys
    codes = {c.id for c in {c.id: c for c in read_sdmx(str(structure)).get_codelists()}["CL_OBS_STATUS"]}
    assert {"M", "O"} <= codes


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
        assert labels["LOWER_BOUND"] == {"it": "Limite inferiore dell'intervallo di confidenza al 95%",
                                         "en": "Lower bound of the 95% confidence interval"}[other]
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


def _flat(x, path=()):
    """{path: leaf} of a nested dict (lists kept whole)."""
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            out.update(_flat(v, (*path, k)))
        return out
    return {path: x}


def test_the_reference_metadata_are_in_italian_when_the_export_is(ended, tmp_path):
    """The quality report (SIMS) was English only, inside an Italian JSON-stat too. ``--lang it`` (the
    console's download ``lang=it``) now gives it in Italian — the concepts named as Istat's quality
    reports name them ("S.13 Accuratezza e affidabilità", "S.14 Tempestività e puntualità", "S.15
    Coerenza e comparabilità", "S.7 Riservatezza") and every text in Italian — with the same
    structure, sub-keys and numbers as the English one; JSON-stat in Italian carries the Italian one,
    the console serves the CLI's bytes, and English stays the default."""
    from click.testing import CliRunner

    from ascolto.cli import main
    from tests.console_auth import api_client
    from warehouse import refmeta_text

    env = {"ASCOLTO_DATA_DIR": str(ended)}
    runner = CliRunner()
    metas = {}
    for lang in ("it", "en"):
        out = tmp_path / f"meta.{lang}.json"
        result = runner.invoke(main, ["export", "--format", "metadata", "--out", str(out), "--freq", "Q",
                                      "--from", "2025-Q4", "--to", "2025-Q4", "--lang", lang], env=env)
        assert result.exit_code == 0, result.output
        metas[lang] = json.loads(out.read_text("utf-8"))
    it, en = metas["it"], metas["en"]
    assert it["language"] == "it" and en["language"] == "en"
    for key in ("S.7 Riservatezza", "S.13 Accuratezza e affidabilità", "S.14 Tempestività e puntualità",
                "S.15 Coerenza e comparabilità", "S.17 Revisione dei dati", "S.18 Trattamento statistico"):
        assert key in it, key
    assert "S.13 Accuracy and reliability" in en and not any(k.startswith("S.13 Acc") for k in it if "ffidab" not in k)
    assert it["S.13 Accuratezza e affidabilità"]["sampling_error"].startswith("Quote positive: intervallo di Wilson")
    assert "meno di 30 risposte" in it["S.13 Accuratezza e affidabilità"]["sampling_error"]
    assert it["S.7 Riservatezza"]["documentation"].endswith("/it/methodology")
    # the same structure: each key's SIMS code, the sub-keys, and every number and flag the same
    fi, fe = _flat(it), _flat(en)
    assert [tuple(p.split(" ")[0] for p in k) for k in fi] == [tuple(p.split(" ")[0] for p in k) for k in fe]
    sentences = 0
    for (ki, vi), (ke, ve) in zip(fi.items(), fe.items()):
        if isinstance(vi, str) and len(ve) > 40 and " " in ve and ki[-1] != "standard":  # translated (S.7's method too)
            assert vi != ve, ki
            sentences += 1
        elif not isinstance(vi, str) or ki[-2:-1] == ("S.3.8 Copertura temporale",) or ki[-1] == "requested":
            assert vi == ve or ki[-1] == "questionnaires", ki  # numbers, months, flags: the same
    assert sentences >= 20
    # every text has both languages, the same fields to fill
    assert all(it_ and en_ for it_, en_ in refmeta_text.T.values())
    # JSON-stat in Italian carries the Italian report; the console's lang=it download is the CLI's file
    client = api_client(Settings(data_dir=ended), role="statistician")
    resp = client.get("/api/v1/export/metadata?freq=Q&from=2025-Q4&to=2025-Q4&lang=it")
    assert resp.status_code == 200 and resp.get_json() == it
    stat = client.get("/api/v1/export/jsonstat?freq=Q&from=2025-Q4&to=2025-Q4&lang=it").get_json()
    assert stat["extension"]["reference_metadata"] == it
    assert client.get("/api/v1/export/metadata?freq=Q&from=2025-Q4&to=2025-Q4").get_json() == en  # default en
