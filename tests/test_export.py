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
from warehouse.jsonstat import statuses, values

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

KEY = export.SDMX_DIMENSIONS[1:]


@pytest.fixture
def published(data_dir):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        return export.publication_table(wh.cursor(), "A")


def test_publication_table_has_margins_and_suppression(published):
    national = published[(published["REF_AREA"] == "IT") & (published["PA_TYPE"] == "_T")
                         & (published["SERVICE_TYPE"] == "_T") & (published["INSTRUMENT"] == "_T")
                         & (published["SCALE"] == "_T") & (published["CHANNEL"] == "_T")
                         & (published["INDICATOR"] == "SATISFACTION_POS")]
    assert abs(national["N_RESP"].iloc[0] - 172) <= 2 and national["CONF_STATUS"].tolist() == ["F"]
    small = published[published["CONF_STATUS"] == "A"]
    assert small["N_RESP"].isna().all() and small["OBS_VALUE"].isna().all()
    assert (published.loc[published["CONF_STATUS"] == "F", "N_RESP"] >= 3).all()
    assert set(published["CONF_STATUS"]) <= {"A", "F"} and set(published["OBS_STATUS"]) <= {"A", "U", "Q", "B"}
    assert set(published["PROVISIONAL"]) <= {"Y", ""}  # a running period: beside OBS_STATUS, not instead
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
    for c in ("OBS_STATUS", "PROVISIONAL", "CONF_STATUS"):
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
    assert list(df.columns)[:9] == export.SDMX_DIMENSIONS
    df["SERVICE_TYPE"] = df["SERVICE_TYPE"].str.replace("__", ".")  # SDMX identifiers have no dots
    _cmp(df.astype(str).replace({"<NA>": ""}), published)


def test_jsonstat_read_back_by_pyjstat(published, tmp_path, data_dir):
    from pyjstat import pyjstat

    path = tmp_path / "cx.json"
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "jsonstat", path, freq="A")
    text = path.read_text("utf-8")
    raw = json.loads(text)
    assert raw["class"] == "collection" and raw["updated"]
    items = raw["link"]["item"]
    # one dataset per table and unit of its series (PC shares, PT means)
    assert list(dict.fromkeys(i["extension"]["table"] for i in items)) == ["area", "instrument", "channel"]
    frames = [pyjstat.Dataset.read(json.dumps(i)).write("dataframe", naming="id") for i in items]
    wides = []
    for item, df in zip(items, frames):
        assert item["extension"]["confidentiality"]["max_deviation"] == 2 and "cell-key" in item["note"][0]
        assert item["role"] == {"time": ["TIME_PERIOD"], "geo": ["REF_AREA"], "metric": ["MEASURE"]}
        # self-describing: labels of codes (English by default, Italian in the extension), units per series
        cats = {d: item["dimension"][d]["category"] for d in item["id"]}
        assert cats["SERVICE_TYPE"]["label"].get("anagrafe.certificati", "Registry certificates") == "Registry certificates"
        assert cats["MEASURE"]["unit"]["N_RESP"]["decimals"] == 0 and "unit" not in cats["INDICATOR"]
        series = "SATISFACTION_POS" if item["extension"]["unit"] == "PC" else "SATISFACTION_MEAN"
        assert item["extension"]["labels"]["it"]["INDICATOR"].get(series, "Soddisfazione").startswith("Soddisfazione")
        # the SDMX OBS_STATUS codes, as in the CSV, + P when PROVISIONAL=Y
        assert set(statuses(item).values()) <= {"U", "B", "Q", "P", "UP", "BP", "M", "O"}  # M, O: no observation
        wide = df.pivot_table(index=item["id"][:-1], columns="MEASURE", values="value", aggfunc="first",
                              dropna=False).reset_index()
        size, dims = item["size"], item["id"]
        strides = [1] * len(size)
        for i in range(len(size) - 2, -1, -1):
            strides[i] = strides[i + 1] * size[i + 1]
        codes = statuses(item)
        found = []
        for r in wide.to_dict("records"):
            idx = sum(cats[d]["index"].index(r[d] if d != "MEASURE" else "OBS_VALUE") * s for d, s in zip(dims, strides))
            found.append(codes.get(idx, "-" if values(item)[idx] is None else "A"))
        # JSON-stat's one status per value: OBS_STATUS, + P when provisional (split back for the comparison)
        wide["OBS_STATUS"] = [s[:-1] or "A" if s.endswith("P") else s for s in found]
        wide["PROVISIONAL"] = ["Y" if s.endswith("P") else "" for s in found]
        # cells absent from the table: O (no responses) or M (withheld by the pooling guard), never a bare null
        assert "-" not in found
        wides.append(wide[~wide["OBS_STATUS"].isin(["M", "O"])])
    wide = pd.concat(wides).drop_duplicates(subset=KEY)
    wide["CONF_STATUS"] = ["A" if s == "Q" else "F" for s in wide["OBS_STATUS"]]
    _cmp(wide[KEY + ["OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP", "OBS_STATUS", "PROVISIONAL", "CONF_STATUS"]]
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
    # the codelists beside them label every code the table uses, in Italian and English
    codes = pd.read_csv(tmp_path / "cx.codelists.csv", keep_default_na=False)
    labelled = set(zip(codes["codelist"], codes["code"]))
    for col in ("REF_AREA", "PA_TYPE", "SERVICE_TYPE", "INSTRUMENT", "SCALE", "CHANNEL", "INDICATOR", "OBS_STATUS",
                "CONF_STATUS", "UNIT_MEASURE"):
        assert {(col, v) for v in published[col].dropna().unique()} <= labelled, col
    row = codes[(codes["codelist"] == "SCALE") & (codes["code"] == "faces3")]
    assert row.empty or row["label_en"].iloc[0] == "3 faces"
    sat = codes[(codes["codelist"] == "INDICATOR") & (codes["code"] == "SATISFACTION_POS")].iloc[0]
    assert sat["label_it"].startswith("Soddisfazione") and sat["label_en"].startswith("Satisfaction")


def test_sdmx_structure_is_sdmx_ml_3_and_reads_back(tmp_path, data_dir):  # noqa: F811
    from pysdmx.io import read_sdmx

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "sdmx-structure", tmp_path / "structure.xml")
    text = path.read_text("utf-8")
    assert "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message" in text
    msg = read_sdmx(str(path), validate=True)
    [dsd] = msg.get_data_structure_definitions()
    assert [c.id for c in dsd.components.dimensions] == export.SDMX_DIMENSIONS
    assert {c.id for c in dsd.components.attributes} == set(export.SDMX_ATTRIBUTES)
    flows = msg.get_dataflows()
    assert [f.short_urn for f in flows] == ["Dataflow=IT1:DF_ASCOLTO_CX(1.0)"]
    codelists = {c.id: c for c in msg.get_codelists()}
    assert "anagrafe__certificati" in {c.id for c in codelists["CL_SERVICE_TYPE"]}
    assert {c.id for c in codelists["CL_OBS_STATUS"]} == {"A", "U", "B", "Q", "M", "O"}  # M, O: no observation
    assert {c.id for c in codelists["CL_PROVISIONAL"]} == {"Y"}


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
    # c_d612's 2 rows: a count under min_n is not stated (route 17: it was a suppressed cell's exact n)
    assert meta["withheld_rows"] is None and meta["microdata_k"] == 5 and meta["tables"]["max_deviation"] == 2
    fields = {f.name: f for f in pkg.get_resource("responses-cx-core-v1").schema.fields}
    assert "item_comment" not in fields and "comment" not in fields and "submission_id" not in fields
    # the month is typed as one (a string column read "2026-10" as text; yearmonth validates and sorts it)
    assert fields["period"].type == "yearmonth"
    assert {(r["period"].year, r["period"].month) for r in rows} <= {(2026, 10), (2026, 11)}
    sat = fields["item_satisfaction"].to_descriptor()
    # the new dimensions: the instrument of each row, the scale and positive answers of each indicator
    assert {r["instrument"] for r in rows} == {"cx-core"}
    score = fields["satisfaction"].to_descriptor()
    assert score["scale"] == "likert5" and score["positive_answers"] == ["4", "5"] and score["instrument"] == "cx-core"
    assert set(sat["labels"]) >= {"it", "en"} and sat["constraints"] == {"minimum": 1, "maximum": 5}
    assert "NOT_ASKED" in pkg.get_resource("responses-cx-core-v1").schema.missing_values
    assert not any("example.com" in p.read_text() for p in (tmp_path / "pkg").glob("*.csv"))
    codebook = json.loads((tmp_path / "pkg" / "codebook.json").read_text())
    assert codebook["schema"] == "ascolto.codebook/1"


def test_the_packages_codebook_names_the_missing_values_as_the_rows_write_them(data_dir, tmp_path):
    """The rows say NOT_ASKED, NOT_ANSWERED, NOT_SCORED; the codebook shipped beside them (codebook.json,
    codebook.md) explained not_asked, not_answered, not_scored — codes found nowhere in the data."""
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5)
    schema = json.loads(path.read_text())["resources"][0]["schema"]
    rows = (tmp_path / "pkg" / "responses-cx-core-v1.csv").read_text()
    codebook = json.loads((tmp_path / "pkg" / "codebook.json").read_text())
    written = set(schema["missingValues"]) - {""}
    assert "NOT_ASKED" in rows and "NOT_ASKED" in written
    assert set(codebook["missing_values"]) == written
    assert all(schema["missingValueCodes"][c] == codebook["missing_values"][c] for c in written)
    book = (tmp_path / "pkg" / "codebook.md").read_text()
    assert all(f"- `{c}`:" in book for c in written)


def test_the_packages_codebook_is_in_the_packages_language(data_dir, tmp_path):
    """``--lang it`` gave an Italian descriptor beside an English codebook (codebook.json, codebook.md):
    the codebook follows the package's language, its missing values worded as the descriptor's."""
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5, lang="it")
    schema = json.loads(path.read_text())["resources"][0]["schema"]
    codebook = json.loads((tmp_path / "pkg" / "codebook.json").read_text())
    assert codebook["language"] == "it"
    assert all(schema["missingValueCodes"][c] == codebook["missing_values"][c] for c in codebook["missing_values"])
    assert (tmp_path / "pkg" / "codebook.md").read_text().startswith("# Ascolto — codebook dello standard")


def test_microdata_rows_do_not_give_away_the_order_of_the_answers(tmp_path):
    """The package keeps the month only, but its rows of a month and group were in the order they
    arrived: row 1 answered first, row 2 next… Whoever knew when one answer was sent (its writer) could
    place it, and the order of the others, inside the month. The rows are ordered by a hash of the
    submission id instead: the same order in every export, none by time."""
    from tests.warehouse_rows import response, write

    # one group (month, PA type, service type, region, channel, lang) answering on days 1–28; each
    # row's speed score is its day's rank (0–27), only so that the test can read the order back
    rows = [response(day=1 + i, satisfaction=4) for i in range(28)]
    for i, r in enumerate(rows):
        r["speed"] = float(i)
    write(tmp_path / "data", rows)
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        a = export.export(wh.cursor(), "datapackage", tmp_path / "a", microdata_k=5)
        export.export(wh.cursor(), "datapackage", tmp_path / "b", microdata_k=5)
    text = (a.parent / "responses-cx-core-v1.csv").read_text()
    order = [int(float(r["speed"])) for r in csv.DictReader(text.splitlines())]
    assert sorted(order) == list(range(28)) and order != list(range(28))  # all released, not by arrival
    assert text == (tmp_path / "b" / "responses-cx-core-v1.csv").read_text()  # the same order every time


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
    it = client.get("/api/v1/export/jsonstat?freq=A&lang=it").get_json()["link"]["item"][0]
    assert it["dimension"]["REF_AREA"]["category"]["label"]["IT"] == "Italia"
    assert client.get("/api/v1/export/codelists?freq=A").get_data(as_text=True).startswith("codelist,code,label_it")
    assert b"DataStructure" in client.get("/api/v1/export/sdmx-structure").data
    bad = client.get("/api/v1/export/jsonstat?lang=de")
    assert bad.status_code == 400 and "lang" in bad.get_json()["fields"]
    assert client.get("/api/v1/export/parquet?freq=A").data[:4] == b"PAR1"
    refused = client.get("/api/v1/export/datapackage")
    assert refused.status_code == 400 and list(refused.json["fields"]) == ["format"]
    # the statistician asking the API for the package is pointed at the console's zip, not only at the CLI
    assert "/exports/datapackage.zip?from=YYYY-MM&to=YYYY-MM" in refused.json["message"]


def test_the_cli_writes_the_jsonstat_in_either_language_as_the_console_does(data_dir, tmp_path):
    """The console's download has a "language of the labels"; ``ascolto export --format jsonstat`` wrote
    English only, so a statistician working from the command line could not get the Italian file. With
    ``--lang it`` it writes the same bytes as the console's ``lang=it`` download; the default stays English."""
    runner = CliRunner()
    env = {"ASCOLTO_DATA_DIR": str(data_dir)}
    client = api_client(Settings(data_dir=data_dir))
    for lang, label in (("it", "Ascolto — esperienza dei servizi pubblici"),
                        ("en", "Ascolto — customer experience of public services")):
        out = tmp_path / f"{lang}.json"
        result = runner.invoke(main, ["export", "--format", "jsonstat", "--out", str(out), "--freq", "A",
                                      "--lang", lang], env=env)
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text("utf-8"))["label"] == label
        assert out.read_bytes() == client.get(f"/api/v1/export/jsonstat?freq=A&lang={lang}").data
    default = tmp_path / "default.json"
    assert runner.invoke(main, ["export", "--format", "jsonstat", "--out", str(default), "--freq", "A"],
                         env=env).exit_code == 0
    assert default.read_bytes() == (tmp_path / "en.json").read_bytes()
    bad = runner.invoke(main, ["export", "--format", "jsonstat", "--out", str(tmp_path / "x.json"), "--lang", "de"],
                        env=env)
    assert bad.exit_code == 2 and "--lang" in bad.output


def test_microdata_count_the_questionnaire_version_as_a_quasi_identifier(tmp_path, monkeypatch):
    """Each version's rows go to a file of their own (``responses-<questionnaire>-v<version>.csv``), so the
    version is released with every row — yet the k-anonymity check grouped rows without it. When a
    service moves to a new version late in a month (its date is public), its few answers on the new
    version were released as a combination of one: a respondent known to have answered after the switch
    was singled out. Here a month of one service: 5 answers on v1 and 1 on v2 (a catalog knowing v2)."""
    import questionnaires
    from tests.warehouse_rows import response, write

    real = questionnaires.default_catalog()

    class TwoVersions:  # the shipped catalog, with cx-core v2 worded as v1
        def __getattr__(self, name):
            return getattr(real, name)

        def __iter__(self):
            return iter(real)

        def get(self, qid, version=None):
            return real.get(qid, 1 if (qid, version) == ("cx-core", 2) else version)

    monkeypatch.setattr(questionnaires, "default_catalog", lambda: TwoVersions())
    rows = [response(entity="c_h501", service="svc-a", satisfaction=1 + i % 5, day=1 + i) for i in range(5)]
    rows.append(response(entity="c_h501", service="svc-a", satisfaction=2, day=29, version=2))
    write(tmp_path / "data", rows)
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5)
    released = {p.name: sum(1 for _ in csv.DictReader(p.open(encoding="utf-8")))
                for p in (tmp_path / "pkg").glob("responses-*.csv")}
    assert released.get("responses-cx-core-v2.csv", 0) == 0, released  # a combination of one: withheld
    assert released.get("responses-cx-core-v1.csv") == 5
    meta = json.loads(path.read_text())["confidentiality"]
    assert meta["withheld_rows"] is None and "version" in meta["quasi_identifiers"]  # 1 row: under min_n


def test_microdata_count_k_over_what_a_row_says_and_leave_no_few_beside_one_unit(tmp_path):
    """k is counted over what a row says (same month, kind and region of administration, kind of service,
    channel, language, instrument), not per hidden entity and service. But a small municipality's two
    answers in a larger one's group of eight were released, and the larger one's own key-driver analysis —
    a function of its rows only — told which released rows were not its own: the small one's suppressed
    answers (route 24's residual, tests/test_confidentiality_drivers.py). Now a group whose rows but one
    entity's (or service's) number 1 to k−1 releases that one's rows only: the two are withheld like the
    only two answers of another region; the entity and the service are looked at, never released."""
    from tests.warehouse_rows import response, write

    rows = [response(entity="c_h501", satisfaction=1 + i % 5, day=1 + i) for i in range(6)]
    rows += [response(entity="c_g273", satisfaction=4, day=10 + i) for i in range(2)]  # same cell, another service
    rows += [response(entity="c_a944", region="ITH5", satisfaction=3, day=20 + i) for i in range(2)]  # alone
    rows += [response(entity=f"c_m{i}", region="ITC4", satisfaction=2, day=1 + i) for i in range(6)]  # 6 alike
    write(tmp_path / "data", rows)
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5)
    released = list(csv.DictReader((tmp_path / "pkg" / "responses-cx-core-v1.csv").open(encoding="utf-8")))
    # six municipalities' one answer each: released (any one's rows aside, five others: not a few to single out)
    assert [r["region"] for r in released].count("ITC4") == 6
    released = [r for r in released if r["region"] != "ITC4"]
    assert len(released) == 6 and {r["region"] for r in released} == {"ITI4"}
    meta = json.loads(path.read_text())["confidentiality"]
    assert meta["released_rows"] == 12
    assert meta["withheld_rows"] is None or abs(meta["withheld_rows"] - 4) <= 2  # perturbed, or "fewer than 3"
    assert "entity" not in meta["quasi_identifiers"] and "service" not in meta["quasi_identifiers"]
    assert "service" not in released[0] and "entity" not in released[0]


def test_rows_of_an_instrument_no_longer_in_the_catalog_are_not_counted_as_released(tmp_path):
    """``released_rows`` counted the k-anonymous rows of every instrument, also those of one the catalog
    no longer has, which are never written (no codebook to describe them): the package said 10 rows
    released and held 5."""
    from tests.warehouse_rows import response, write

    rows = [response(satisfaction=1 + i % 5, day=1 + i) for i in range(5)]
    rows += [response(questionnaire="cx-retired", day=10 + i) for i in range(5)]
    write(tmp_path / "data", rows)
    with Warehouse(Settings(data_dir=tmp_path / "data")) as wh:
        path = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5)
    written = sum(1 for p in (tmp_path / "pkg").glob("responses-*.csv")
                  for _ in csv.DictReader(p.open(encoding="utf-8")))
    meta = json.loads(path.read_text())["confidentiality"]
    assert written == 5 and meta["released_rows"] == 5 and abs(meta["withheld_rows"] - 5) <= 2  # perturbed


def test_a_period_shown_in_part_says_so_in_every_export(data_dir, tmp_path):
    """``--freq A`` for 2026, whose data begin in 2026-10, was published as a whole year (OBS_STATUS A
    once the year has ended) with nothing saying that it holds three months, while the console said
    "dati dal 2026-10". Its observations say why in COMMENT_OBS (CSV, SDMX-CSV, Parquet; a string
    attribute of the DSD), JSON-stat in a note on the period's category in the reader's language, the
    microdata package in its description; a period shown whole says nothing."""
    from datetime import date

    from pysdmx.io import read_sdmx

    later = date(2027, 2, 1)  # 2026 has ended: not provisional, yet partly covered
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        year = export.publication_table(wh.cursor(), "A", "2026", "2026", today=later)
        months = export.publication_table(wh.cursor(), "M", "2026-10", "2026-11", today=later)
        running = export.publication_table(wh.cursor(), "A", "2026", "2026", today=date(2026, 12, 1))
        csv_path = export.export(wh.cursor(), "csv", tmp_path / "cx.csv", "A", "2026", "2026")
        pkg = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", "A", "2026", "2026")
        structure = export.export(wh.cursor(), "sdmx-structure", tmp_path / "structure.xml")
    note = "Partial data: the data begin in 2026-10, after the period starts."
    assert set(year["COMMENT_OBS"]) == {note} and set(year["PROVISIONAL"]) == {""}
    assert set(months["COMMENT_OBS"]) == {""}  # each month is whole
    assert running.empty  # a year still running is not exported (published once it has ended)
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    assert rows and all(note in r["COMMENT_OBS"] for r in rows)
    for lang, words in (("en", note), ("it", "Dati parziali: i dati iniziano nel mese 2026-10")):
        for ds in export.jsonstat(year, "A", lang=lang)["link"]["item"]:
            assert ds["dimension"]["TIME_PERIOD"]["category"]["note"]["2026"][0].startswith(words)
    assert all("note" not in ds["dimension"]["TIME_PERIOD"]["category"]
               for ds in export.jsonstat(months, "M")["link"]["item"])
    dsd = read_sdmx(str(structure), validate=True).get_data_structure_definitions()[0]
    assert "COMMENT_OBS" in {a.id for a in dsd.components.attributes}
    described = json.loads(pkg.read_text())
    assert note in described["description"] and described["period"]["partial"]["data_from"] == "2026-10"


def test_the_parquet_export_warns_nothing(published, tmp_path, data_dir, recwarn):
    """``ascolto export --format parquet`` printed pandas' "UserWarning: Could not serialize
    pd.DataFrame.attrs: Object of type set is not JSON serializable" to the statistician: the frame's
    attrs (the withheld keys) are not the file's."""
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "parquet", tmp_path / "cx.parquet", freq="A")
    assert not [str(w.message) for w in recwarn if "attrs" in str(w.message)]
    assert b"attrs" not in (pq.read_schema(tmp_path / "cx.parquet").metadata or {}).get(b"pandas", b"")
