"""Every export read back by an independent reader, with values and suppression surviving the trip."""
from __future__ import annotations

import csv
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from warehouse import export
from tests.console_auth import api_client
from warehouse.dataset import Warehouse

KEY = ["REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INDICATOR", "TIME_PERIOD"]


@pytest.fixture
def published(data_dir):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        return export.publication_table(wh.cursor(), "A")


def test_publication_table_has_margins_and_suppression(published):
    national = published[(published["REF_AREA"] == "IT") & (published["PA_TYPE"] == "_T")
                         & (published["SERVICE_TYPE"] == "_T") & (published["INDICATOR"] == "SATISFACTION_MEAN")]
    assert abs(national["N_RESP"].iloc[0] - 172) <= 2 and national["CONF_STATUS"].tolist() == ["F"]
    small = published[published["CONF_STATUS"] == "A"]
    assert small["N_RESP"].isna().all() and small["OBS_VALUE"].isna().all()
    assert (published.loc[published["CONF_STATUS"] == "F", "N_RESP"] >= 3).all()
    assert set(published["CONF_STATUS"]) <= {"A", "F"} and set(published["OBS_STATUS"]) <= {"A", "U", "Q"}
    assert (published["CKM_PERTURBED"] == (published["CONF_STATUS"] == "F").map({True: "Y", False: ""})).all()


def _cmp(df: pd.DataFrame, published: pd.DataFrame):
    df = df.copy()
    for c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND"):
        df[c] = pd.to_numeric(df[c].replace("", None))
    df["N_RESP"] = pd.to_numeric(df["N_RESP"].replace("", None))
    merged = published.merge(df, on=KEY, suffixes=("", "_back"))
    assert len(merged) == len(published) == len(df)
    for c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP"):
        a, b = merged[c].astype(float), merged[f"{c}_back"].astype(float)
        assert ((a.isna() & b.isna()) | ((a - b).abs() < 1e-3)).all(), c
    for c in ("OBS_STATUS", "CONF_STATUS"):
        assert (merged[c] == merged[f"{c}_back"]).all(), c


def test_sdmx_csv_read_back_by_pysdmx(published, tmp_path, data_dir):
    from pysdmx.io import read_sdmx

    path = tmp_path / "cx.csv"
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "sdmx-csv", path, freq="A")
    msg = read_sdmx(path)
    [ds] = msg.data
    assert ds.short_urn == "Dataflow=IT1:DF_ASCOLTO_CX(1.0)"
    df = ds.data
    assert list(df.columns)[:6] == export.SDMX_DIMENSIONS
    _cmp(df.astype(str).replace({"<NA>": ""}), published)


def test_jsonstat_read_back_by_pyjstat(published, tmp_path, data_dir):
    from pyjstat import pyjstat

    path = tmp_path / "cx.json"
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "jsonstat", path, freq="A")
    text = path.read_text("utf-8")
    df = pyjstat.Dataset.read(text).write("dataframe", naming="id")
    wide = df.pivot_table(index=["INDICATOR", "TIME_PERIOD", "REF_AREA", "PA_TYPE", "SERVICE_TYPE"],
                          columns="MEASURE", values="value", aggfunc="first", dropna=False).reset_index()
    raw = json.loads(text)
    assert raw["extension"]["confidentiality"]["max_deviation"] == 2 and "cell-key" in raw["note"][0]
    # status per suppressed cell, at the index of its OBS_VALUE
    size, dims = raw["size"], raw["id"]
    cats = {d: raw["dimension"][d]["category"]["index"] for d in dims}
    strides = [1] * len(size)
    for i in range(len(size) - 2, -1, -1):
        strides[i] = strides[i + 1] * size[i + 1]
    statuses = []
    for r in wide.to_dict("records"):
        idx = sum(cats[d].index(r[d] if d != "MEASURE" else "OBS_VALUE") * s for d, s in zip(dims, strides))
        statuses.append(raw["status"].get(str(idx), "-" if raw["value"][idx] is None else ""))
    wide["status"] = statuses
    wide = wide[wide["status"] != "-"]  # cells absent from the table
    statuses = wide["status"].tolist()
    wide["CONF_STATUS"] = [s if s in ("A", "D") else "F" for s in statuses]
    wide["OBS_STATUS"] = ["Q" if s in ("A", "D") else "U" if s == "U" else "A" for s in statuses]
    _cmp(wide[KEY + ["OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP", "OBS_STATUS", "CONF_STATUS"]]
         .astype(object).where(wide.notna(), ""), published)


def test_parquet_and_csv_read_back(published, tmp_path, data_dir):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "parquet", tmp_path / "cx.parquet", freq="A")
        export.export(wh.cursor(), "csv", tmp_path / "cx.csv", freq="A")
    table = pq.read_table(tmp_path / "cx.parquet")
    assert table.schema.field("OBS_VALUE").type == "double" and table.schema.field("N_RESP").type == "int64"
    _cmp(table.to_pandas().astype(object).where(table.to_pandas().notna(), ""), published)
    with open(tmp_path / "cx.csv", newline="") as fh:
        _cmp(pd.DataFrame(list(csv.DictReader(fh))), published)


def test_datapackage_validates_and_releases_only_k_anonymous_rows(data_dir, tmp_path):
    from frictionless import Package, validate

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5)
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    pkg = Package(str(path))
    names = {r.name for r in pkg.resources}
    assert names == {"responses-cx-core-v1", "responses-di-rating-servizio-v1"}
    rows = pkg.get_resource("responses-cx-core-v1").read_rows()
    # quasi-identifier combinations: every entity's rows share one (same month, service, channel, lang), so all
    # are released but c_d612's 2; the 12 di-rating rows of c_h501 form their own combination (questionnaire)
    assert {r["region"] for r in rows} == {"ITI4", "ITC4", "ITH5", "ITC1"}
    assert len(rows) == 40 + 35 + 30 + 25 + 40
    meta = json.loads(path.read_text())["confidentiality"]
    assert meta["withheld_rows"] == 2 and meta["microdata_k"] == 5 and meta["tables"]["max_deviation"] == 2
    fields = {f.name: f for f in pkg.get_resource("responses-cx-core-v1").schema.fields}
    assert "item_comment" not in fields and "comment" not in fields and "submission_id" not in fields
    sat = fields["item_satisfaction"].to_descriptor()
    assert set(sat["labels"]) >= {"it", "en"} and sat["constraints"] == {"minimum": 1, "maximum": 5}
    assert "NOT_ASKED" in pkg.get_resource("responses-cx-core-v1").schema.missing_values
    assert not any("example.com" in p.read_text() for p in (tmp_path / "pkg").glob("*.csv"))
    codebook = json.loads((tmp_path / "pkg" / "codebook.json").read_text())
    assert codebook["schema"] == "ascolto.codebook/1"


def test_cli_export_every_format(data_dir, tmp_path):
    runner = CliRunner()
    env = {"ASCOLTO_DATA_DIR": str(data_dir)}
    for fmt, name in (("csv", "a.csv"), ("parquet", "a.parquet"), ("sdmx-csv", "s.csv"), ("jsonstat", "a.json"),
                      ("datapackage", "pkg")):
        result = runner.invoke(main, ["export", "--format", fmt, "--out", str(tmp_path / name), "--freq", "Q"], env=env)
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).exists()
    bad = runner.invoke(main, ["export", "--format", "csv", "--out", str(tmp_path / "x"), "--from", "oct"], env=env)
    assert bad.exit_code == 2


def test_console_export_routes(data_dir, published):
    client = api_client(Settings(data_dir=data_dir))
    resp = client.get("/api/v1/export/sdmx-csv?freq=A")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/vnd.sdmx.data+csv")
    lines = resp.get_data(as_text=True).splitlines()
    assert lines[0].startswith("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA") and len(lines) == len(published) + 1
    assert client.get("/api/v1/export/jsonstat?freq=A").get_json()["version"] == "2.0"
    assert client.get("/api/v1/export/parquet?freq=A").data[:4] == b"PAR1"
    assert client.get("/api/v1/export/datapackage").status_code == 400
