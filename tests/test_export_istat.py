"""The exports as an Istat statistician reads them (third pass): JSON-stat's ``status`` in its
smaller form, the release in Italian beside English, no English in an Italian export, the same cell
the same number in every format.

Real data through the warehouse (tests/warehouse_rows.py, the ``ended`` data of
tests/test_export_statistician.py: periods of 2025), read back by pyjstat, pysdmx and frictionless; no mocks."""
from __future__ import annotations

import json
import math

import pytest

from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse
from warehouse.jsonstat import compact_status, compact_values, statuses, values

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
    dense = values(area)  # ``value`` in either of its forms (test_a_sparse_cubes_values_are_an_object_keyed_by_index)
    assert isinstance(area["status"], list) and len(area["status"]) == len(dense)
    codes = statuses(area)
    as_object = {str(k): c for k, c in codes.items()}  # what was written before
    before, after = len(json.dumps(as_object)), len(json.dumps(area["status"]))
    assert len(codes) > len(dense) / 2 and after < 0.7 * before, (before, after)
    # every null has a status; a cell nobody answered in is O in all four measures
    assert all(v is not None or k in codes for k, v in enumerate(dense))
    nobody = dict(INDICATOR="SATISFACTION_POS", TIME_PERIOD="2025", REF_AREA="ITF3", PA_TYPE="L5",
                  SERVICE_TYPE="_T", INSTRUMENT="_T", SCALE="_T", CHANNEL="_T")
    assert [area["status"][k] for k in _cell(area, **nobody)] == ["O"] * 4
    # each row of the table: its value and status at its index
    rows = export.table_rows(df, "area")
    for r in rows[rows["UNIT_MEASURE"] == "PC"].to_dict("records"):
        [value, lower, upper, n] = _cell(area, **{d: r[d] for d in area["id"][:-1]})
        assert dense[value] == (None if r["OBS_STATUS"] == "Q" else r["OBS_VALUE"])
        assert dense[n] == (None if r["OBS_STATUS"] == "Q" else r["N_RESP"])
        assert codes.get(value, "A") == codes.get(n, "A") == r["OBS_STATUS"]
    # pyjstat reads the dataset, values where the spec puts them
    frame = pyjstat.Dataset.read(json.dumps(area)).write("dataframe", naming="id")
    assert len(frame) == len(dense)
    assert [None if v != v else v for v in frame["value"].tolist()] == dense


def test_a_sparse_cubes_values_are_an_object_keyed_by_index(sparse, tmp_path):
    """``value`` was always the dense array of every combination of the categories: in a sparse cube
    (instrument × scale, a module's indicators × its one service type, region × PA type × service type)
    nearly all ``null`` — the demo's quarterly export was 5.3 MB. JSON-stat 2.0 also allows ``value``
    as an object keyed by value index holding the values that are not ``null``; each dataset has the
    smaller of the two forms (as ``status``), and reads back the same: by :func:`values`, by pyjstat,
    and cell by cell against the table. Every ``null`` still has its status (``O``, ``M``, ``Q``)."""
    from pyjstat import pyjstat

    with Warehouse(Settings(data_dir=sparse)) as wh:
        df = export.publication_table(wh.cursor(), "A", "2025", "2025")
    area = _items(export.jsonstat(df, "A"))[("area", "PC")]
    assert isinstance(area["value"], dict) and None not in area["value"].values()
    dense = values(area)
    assert len(dense) == math.prod(area["size"]) and {str(k) for k, v in enumerate(dense) if v is not None} == \
        set(area["value"])
    assert len(json.dumps(area["value"])) < len(json.dumps(dense))  # the smaller form
    codes = statuses(area)
    assert all(v is not None or k in codes for k, v in enumerate(dense))  # no bare null
    rows = export.table_rows(df, "area")
    for r in rows[rows["UNIT_MEASURE"] == "PC"].to_dict("records"):
        [value, lower, upper, n] = _cell(area, **{d: r[d] for d in area["id"][:-1]})
        assert dense[value] == (None if r["OBS_STATUS"] == "Q" else r["OBS_VALUE"])
        assert dense[n] == (None if r["OBS_STATUS"] == "Q" else r["N_RESP"])
        assert codes.get(value, "A") == r["OBS_STATUS"]
    frame = pyjstat.Dataset.read(json.dumps(area)).write("dataframe", naming="id")
    assert [None if v != v else v for v in frame["value"].tolist()] == dense
    # the file as written (console download, ``ascolto export``, a release): no blanks between tokens
    body = export.render(df, "jsonstat", "A")[0].decode("utf-8")
    assert body == json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))
    # a dense dataset keeps the array; no value at all is the empty object
    assert compact_values([1.5, None, 2.0]) == [1.5, None, 2.0]
    assert compact_values([None] * 40 + [7.25]) == {"40": 7.25} and compact_values([None] * 3) == {}
    assert values({"size": [2, 2], "value": {"3": 1.0}}) == [None, None, None, 1.0]


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


def _texts(x, path=()) -> dict[tuple, str]:
    """{path: text} of the words of a JSON document (strings with a space: labels, notes, sentences)."""
    if isinstance(x, dict):
        return {p: t for k, v in x.items() for p, t in _texts(v, (*path, k)).items()}
    if isinstance(x, list):
        return {p: t for i, v in enumerate(x) for p, t in _texts(v, (*path, i)).items()}
    return {path: x} if isinstance(x, str) and " " in x.strip() else {}


def test_a_release_carries_its_jsonstat_and_its_protection_in_italian_too(ended, tmp_path):  # noqa: F811
    """A release's ``table.jsonstat.json`` (labels, notes, status labels, the protection) and its
    manifest's ``confidentiality`` were English only, beside a ``metadata.it.json``: the release now
    has ``table.jsonstat.it.json`` — the same collection, every text in Italian, the English labels in
    ``extension.labels.en`` — and ``confidentiality_it``, the same keys and numbers; checksummed and
    listed like the others, and the public site names both JSON-stat files by their language."""
    from datetime import datetime, timezone

    from warehouse.public import create_app
    from warehouse.publish import publish, verify

    with Warehouse(Settings(data_dir=ended)) as wh:
        release = publish(wh.cursor(), "2025-Q4", tmp_path / "rel", now=datetime(2026, 2, 1, tzinfo=timezone.utc))
    manifest = verify(release)
    assert {"table.jsonstat.json", "table.jsonstat.it.json"} <= set(manifest["files"])
    en = json.loads((release / "table.jsonstat.json").read_text("utf-8"))
    it = json.loads((release / "table.jsonstat.it.json").read_text("utf-8"))
    assert it["extension"]["reference_metadata"] == json.loads((release / "metadata.it.json").read_text("utf-8"))
    pairs = list(zip(en["link"]["item"], it["link"]["item"]))
    assert pairs and it["label"] != en["label"]
    for e, i in pairs:
        # the same figures and statuses, only the words differ
        assert (e["value"], e["status"], e["size"], e["extension"]["unit"]) == (i["value"], i["status"], i["size"],
                                                                               i["extension"]["unit"])
        words_en = _texts({k: v for k, v in e.items() if k != "extension"} | {"x": {
            k: e["extension"][k] for k in ("status", "ci_status", "confidentiality")}})
        words_it = _texts({k: v for k, v in i.items() if k != "extension"} | {"x": {
            k: i["extension"][k] for k in ("status", "ci_status", "confidentiality")}})
        assert words_en.keys() == words_it.keys() and len(words_en) > 15
        same = {p: t for p, t in words_en.items() if words_it[p] == t}
        assert not same, same  # every text translated
        assert i["extension"]["confidentiality"]["documentation"].endswith("/it/methodology")
        assert i["note"][0].startswith("Ogni valore") and i["extension"]["status"]["O"].startswith("Valore mancante")
        # each file gives the other language's labels of every code
        for d, labels in i["extension"]["labels"]["en"].items():
            assert labels == e["dimension"][d]["category"]["label"], d
        for d, labels in e["extension"]["labels"]["it"].items():
            assert labels == i["dimension"][d]["category"]["label"], d
    # the manifest's protection in both languages: the same keys and numbers
    conf, conf_it = manifest["confidentiality"], manifest["confidentiality_it"]
    assert conf.keys() == conf_it.keys()
    assert {k: v for k, v in conf.items() if isinstance(v, (int, float))} == \
        {k: v for k, v in conf_it.items() if isinstance(v, (int, float))}
    assert conf["method"].startswith("cell-key method") and conf_it["method"].startswith("metodo cell-key")
    assert conf_it["documentation"].endswith("/it/methodology") and conf["documentation"].endswith("/en/methodology")
    site = create_app(Settings(data_dir=ended, releases_dir=str(tmp_path / "rel"),
                               public_rate_limit="100000/minute")).test_client()
    page = site.get("/it/2025-Q4").get_data(as_text=True)
    assert "table.jsonstat.it.json" in page and "(etichette in italiano)" in page
    assert json.loads(site.get("/releases/2025-Q4/v1/table.jsonstat.it.json").get_data()) == it


def _csv(path) -> list[dict[str, str]]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _without(doc, *keys):
    """``doc`` without the entries named ``keys`` at any depth (the other language's labels, …)."""
    if isinstance(doc, dict):
        return {k: _without(v, *keys) for k, v in doc.items() if k not in keys}
    if isinstance(doc, list):
        return [_without(v, *keys) for v in doc]
    return doc


def test_an_italian_export_leaves_no_english_in_its_words(ended, tmp_path):  # noqa: F811
    """``ascolto export --lang it`` gave JSON-stat and the reference metadata in Italian, but the tables'
    COMMENT_OBS ("Partial data: the data begin in 2025-10, …") and the whole microdata package — its
    title, terms, description, protection note, the fields' and missing values' descriptions, the items'
    English wording as description — stayed English. Now every text of an Italian export is Italian
    (the other language stays where a file gives both: ``extension.labels``, ``labels``), the figures
    are the same as the English export's, and the package still validates (frictionless)."""
    from click.testing import CliRunner
    from frictionless import validate

    from ascolto.cli import main

    runner, env = CliRunner(), {"ASCOLTO_DATA_DIR": str(ended)}
    files = {"jsonstat": "t.json", "csv": "t.csv", "sdmx-csv": "t.sdmx.csv", "datapackage": "pkg"}
    for lang in ("it", "en"):
        for fmt, name in files.items():
            result = runner.invoke(main, ["export", "--format", fmt, "--out", str(tmp_path / lang / name), "--freq", "A",
                                          "--from", "2025", "--to", "2025", "--lang", lang], env=env)
            assert result.exit_code == 0, result.output
    it, en = tmp_path / "it", tmp_path / "en"
    # the tables: the same rows, COMMENT_OBS (2025 is shown from October: partial) in Italian
    for name in ("t.csv", "t.sdmx.csv"):
        rows_it, rows_en = _csv(it / name), _csv(en / name)
        assert {r["COMMENT_OBS"] for r in rows_it} == {"Dati parziali: i dati iniziano nel mese 2025-10, dopo "
                                                       "l'inizio del periodo."}
        assert {r["COMMENT_OBS"] for r in rows_en} == {"Partial data: the data begin in 2025-10, after the period starts."}
        assert [{**r, "COMMENT_OBS": ""} for r in rows_it] == [{**r, "COMMENT_OBS": ""} for r in rows_en]
    # the console's lang=it download is the CLI's file
    from tests.console_auth import api_client

    client = api_client(Settings(data_dir=ended), role="statistician")
    assert client.get("/api/v1/export/csv?freq=A&from=2025&to=2025&lang=it").get_data() == (it / "t.csv").read_bytes()
    # JSON-stat: every text but the other language's labels and the reference metadata (tested on its own)
    words = {lang: _texts(_without(json.loads((tmp_path / lang / "t.json").read_text("utf-8")), "labels",
                                   "reference_metadata")) for lang in ("it", "en")}
    assert words["it"].keys() == words["en"].keys() and len(words["it"]) > 30
    assert not {p: t for p, t in words["en"].items() if words["it"][p] == t}
    # the microdata package: every word of its descriptor in Italian, titles too (tests/test_datapackage_lang.py)
    assert validate(str(it / "pkg" / "datapackage.json")).valid
    pkg = {lang: json.loads((tmp_path / lang / "pkg" / "datapackage.json").read_text("utf-8")) for lang in ("it", "en")}
    assert (pkg["it"]["language"], pkg["en"]["language"]) == ("it", "en")
    assert pkg["it"]["reference_metadata_it"] == pkg["en"]["reference_metadata_it"]
    words = {lang: _texts(_without(p, "labels", "scale_label", "reference_metadata", "reference_metadata_it",
                                   "options")) for lang, p in pkg.items()}
    assert words["it"].keys() == words["en"].keys() and len(words["it"]) > 30
    same = {p: t for p, t in words["en"].items() if words["it"][p] == t}
    assert not same, same
    assert pkg["it"]["title"].startswith("Ascolto — risposte anonimizzate")
    assert pkg["it"]["confidentiality"]["note"].startswith("Ogni valore")
    fields = {f["name"]: f for f in pkg["it"]["resources"][0]["schema"]["fields"]}
    assert fields["item_satisfaction"]["description"] == fields["item_satisfaction"]["labels"]["it"]
    assert pkg["it"]["resources"][0]["schema"]["missingValueCodes"]["NOT_ASKED"].startswith("il quesito")
    # the same rows
    for r in pkg["it"]["resources"]:
        assert (it / "pkg" / r["path"]).read_bytes() == (en / "pkg" / r["path"]).read_bytes()


def test_the_same_cell_is_the_same_number_in_every_format(sparse, tmp_path):
    """A statistician's walk: every observation of the SDMX-CSV read by pysdmx with its structure, of
    the CSV, of the Parquet and of the JSON-stat read by pyjstat gives the same value, bounds, N_RESP,
    status and unit; suppressed cells (one response in a region) are empty everywhere, ``Q`` with
    CONF_STATUS ``A``; the units and decimals JSON-stat states are SDMX's; the periods are the same."""
    import math

    import pandas as pd
    from pysdmx.io import get_datasets
    from pyjstat import pyjstat

    from warehouse import codelists as cl

    write(sparse, [response(period="2025-10", entity=f"s{i}", region=region, pa_type="L6",
                            satisfaction=4, ease=4) for i, region in enumerate(["ITF1", "ITG1", "ITC2"])])
    with Warehouse(Settings(data_dir=sparse)) as wh:
        con = wh.cursor()
        paths = {fmt: export.export(con, fmt, tmp_path / name, freq="Q", start="2025-Q4", end="2025-Q4")
                 for fmt, name in (("csv", "t.csv"), ("sdmx-csv", "t.sdmx.csv"), ("parquet", "t.parquet"),
                                   ("jsonstat", "t.json"), ("sdmx-structure", "s.xml"))}
    key = list(cl.SDMX_DIMENSIONS)
    plain = pd.read_csv(paths["csv"], dtype=str, keep_default_na=False).set_index(key)
    [ds] = get_datasets(str(paths["sdmx-csv"]), str(paths["sdmx-structure"]))
    sdmx = ds.data.astype(object).assign(SERVICE_TYPE=lambda f: f["SERVICE_TYPE"].str.replace("__", "."))
    sdmx = sdmx.set_index(key)
    parquet = pd.read_parquet(paths["parquet"]).set_index(key)
    assert len(plain) == len(sdmx) == len(parquet) and (plain["OBS_STATUS"] == "Q").any()

    def num(v):
        return None if v is None or v is pd.NA or v == "" or (isinstance(v, float) and math.isnan(v)) else float(v)

    measures = ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP")
    jsonstat = {}
    for item in json.loads(paths["jsonstat"].read_text("utf-8"))["link"]["item"]:
        codes = statuses(item)
        frame = pyjstat.Dataset.read(json.dumps(item)).write("dataframe", naming="id")
        frame["status"] = [codes.get(i, "A") for i in range(len(frame))]
        units = item["dimension"]["MEASURE"]["category"]["unit"]
        assert units["OBS_VALUE"]["decimals"] == int(cl.SDMX_UNIT_ATTRIBUTES["DECIMALS"]) and units["N_RESP"]["decimals"] == 0
        for r in frame.to_dict("records"):
            jsonstat[(tuple(r[d] if d != "FREQ" else "Q" for d in key), r["MEASURE"])] = (
                num(r["value"]), r["status"], item["extension"]["unit"])
    for k, row in plain.iterrows():
        s, p = sdmx.loc[k], parquet.loc[k]
        for m in measures:
            value, status, unit = jsonstat[(k, m)]
            assert num(row[m]) == num(s[m]) == num(p[m]) == value, (k, m)
            assert row["OBS_STATUS"] == s["OBS_STATUS"] == p["OBS_STATUS"] == status, (k, m)
            assert row["UNIT_MEASURE"] == s["UNIT_MEASURE"] == unit
        assert row["CONF_STATUS"] == s["CONF_STATUS"] == ("A" if row["OBS_STATUS"] == "Q" else "F")
        assert (num(row["OBS_VALUE"]) is None) == (row["OBS_STATUS"] == "Q")
        assert str(s["DECIMALS"]) == cl.SDMX_UNIT_ATTRIBUTES["DECIMALS"] and str(s["UNIT_MULT"]) == "0"
    assert set(plain.index.get_level_values("TIME_PERIOD")) == {"2025-Q4"}
