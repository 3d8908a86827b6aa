"""Where ``ascolto export`` writes: its output path, the codelists beside it, and what it never touches."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def _cli(data_dir: Path, *args: str):
    return CliRunner().invoke(main, ["export", *args], env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_codelists_are_named_from_the_whole_stem(data_dir, tmp_path_factory):
    """Two exports whose names differ only after a dot keep their own codelist files."""
    tmp_path = tmp_path_factory.mktemp("out")
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        export.export(wh.cursor(), "csv", tmp_path / "cx.2026-10.csv", freq="M", start="2026-10", end="2026-10")
        export.export(wh.cursor(), "parquet", tmp_path / "cx.2026-11.parquet", freq="M", start="2026-11", end="2026-11")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cx.2026-10.codelists.csv", "cx.2026-10.csv", "cx.2026-11.codelists.csv", "cx.2026-11.parquet"]
    october = pd.read_csv(tmp_path / "cx.2026-10.codelists.csv", keep_default_na=False)
    november = pd.read_csv(tmp_path / "cx.2026-11.codelists.csv", keep_default_na=False)
    # October has no INPS (C16) responses, November only them: each file labels its own export's codes
    assert "C16" not in set(october.loc[october["codelist"] == "PA_TYPE", "code"])
    assert "C16" in set(november.loc[november["codelist"] == "PA_TYPE", "code"])


def _refused(result, *words: str) -> None:
    """A click usage error naming --out: exit 2, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "--out" in result.output, result.output
    for w in words:
        assert w in result.output, result.output


def _tree(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_datapackage_never_deletes_a_directory_of_other_files(data_dir, tmp_path_factory):
    """`--out .` or `--out ~/exports`: a directory holding the user's files is refused, untouched."""
    home = tmp_path_factory.mktemp("home")
    (home / "thesis.tex").write_text("years of work")
    (home / "sub").mkdir()
    (home / "sub" / "data.csv").write_text("a,b\n")
    before = _tree(home)
    _refused(_cli(data_dir, "--format", "datapackage", "--out", str(home)), "holds no Ascolto data package")
    assert _tree(home) == before and sorted(p.name for p in home.iterdir()) == ["sub", "thesis.tex"]


def test_datapackage_replaces_only_a_previous_package(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports") / "pkg"
    assert _cli(data_dir, "--format", "datapackage", "--out", str(out)).exit_code == 0
    first = sorted(p.name for p in out.iterdir())
    assert "datapackage.json" in first and "responses-cx-core-v1.csv" in first
    # a previous package listing a resource the new one no longer has: that file is ours, and goes
    descriptor = json.loads((out / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "responses-old-v1", "path": "responses-old-v1.csv"})
    (out / "datapackage.json").write_text(json.dumps(descriptor))
    (out / "responses-old-v1.csv").write_text("row\n")
    result = _cli(data_dir, "--format", "datapackage", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == first  # replaced, nothing stale, no staging left
    assert json.loads((out / "datapackage.json").read_text())["name"] == "ascolto-microdata"
    # a file the user added to the package's directory is not ours: refused, everything kept
    (out / "my-notes.md").write_text("mine")
    before = _tree(out)
    _refused(_cli(data_dir, "--format", "datapackage", "--out", str(out)), "my-notes.md")
    assert _tree(out) == before


def test_datapackage_into_an_empty_directory(data_dir, tmp_path_factory):
    """The package goes into the directory itself (`--out .` stays the working directory, with its
    permissions and links), not into a new one made after deleting it."""
    out = tmp_path_factory.mktemp("empty")
    out.chmod(0o700)  # the user's choice: kept (a deleted and recreated directory gets the umask's mode)
    result = _cli(data_dir, "--format", "datapackage", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o700
    assert {"datapackage.json", "codebook.json", "codebook.md"} <= {p.name for p in out.iterdir()}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_datapackage_onto_a_file_is_refused(data_dir, tmp_path_factory):
    target = tmp_path_factory.mktemp("f") / "existing.csv"
    target.write_text("keep me")
    _refused(_cli(data_dir, "--format", "datapackage", "--out", str(target)), "is a file")
    assert target.read_text() == "keep me" and [p.name for p in target.parent.iterdir()] == ["existing.csv"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonstat", "sdmx-structure"])
def test_a_table_export_onto_a_directory_is_refused_and_leaves_nothing(data_dir, tmp_path_factory, fmt):
    parent = tmp_path_factory.mktemp("t")
    (parent / "out").mkdir()
    _refused(_cli(data_dir, "--format", fmt, "--out", str(parent / "out")), "is a directory")
    assert sorted(p.name for p in parent.rglob("*")) == ["out"]  # no .out.tmp, no out.codelists.csv


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("where", [".", "", "/"])
def test_a_table_export_onto_the_working_or_root_directory_is_refused(data_dir, tmp_path_factory, monkeypatch, fmt,
                                                                      where):
    """`--out .` (or `--out ""`, `--out /`) for csv or parquet: a directory, refused naming --out like any other
    (it was a ValueError traceback, exit 1: the codelists' name was derived from a path with no name)."""
    cwd = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(cwd)
    result = _cli(data_dir, "--format", fmt, "--out", where)
    _refused(result, "is a directory", "give a file name")
    assert "Traceback" not in result.output and list(cwd.iterdir()) == []


def test_a_table_export_below_a_file_is_refused(data_dir, tmp_path_factory):
    parent = tmp_path_factory.mktemp("t")
    (parent / "notadir").write_text("x")
    _refused(_cli(data_dir, "--format", "csv", "--out", str(parent / "notadir" / "cx.csv")), "is not a directory")
    assert sorted(p.name for p in parent.rglob("*")) == ["notadir"]


def _package(data_dir: Path, out: Path, *args: str) -> dict:
    result = _cli(data_dir, "--format", "datapackage", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return json.loads((out / "datapackage.json").read_text())


def _months(out: Path) -> dict[str, set[str]]:
    return {p.name: set(pd.read_csv(p, dtype=str)["period"]) for p in out.glob("responses-*.csv")}


def test_datapackage_holds_exactly_the_requested_months_and_says_which(data_dir, tmp_path_factory):
    """The fixture has October (comuni, cx-core and di-rating) and November 2026 (INPS, cx-core)."""
    out = tmp_path_factory.mktemp("p")
    november = _package(data_dir, out / "nov", "--freq", "M", "--from", "2026-11", "--to", "2026-11")
    assert _months(out / "nov") == {"responses-cx-core-v1.csv": {"2026-11"}}
    assert november["period"]["from"] == november["period"]["to"] == "2026-11"
    assert november["confidentiality"]["released_rows"] == 40 and november["confidentiality"]["withheld_rows"] == 0
    # --freq Q: the quarter is turned into its months (rows stay monthly)
    quarter = _package(data_dir, out / "q4", "--freq", "Q", "--from", "2026-Q4", "--to", "2026-Q4")
    assert _months(out / "q4")["responses-cx-core-v1.csv"] == {"2026-10", "2026-11"}
    assert [quarter["period"][k] for k in ("from", "to", "freq")] == ["2026-10", "2026-12", "Q"]
    # no range: every month, the coverage taken from the data
    everything = _package(data_dir, out / "all")
    assert (everything["period"]["from"], everything["period"]["to"]) == ("2026-10", "2026-11")


def test_microdata_carry_restricted_terms_not_an_open_licence(data_dir, tmp_path_factory):
    descriptor = _package(data_dir, tmp_path_factory.mktemp("p") / "pkg")
    assert "licenses" not in descriptor and "CC-BY" not in json.dumps(descriptor)
    assert descriptor["access"].startswith("restricted") and "statistician role" in descriptor["access"]
    assert "no redistribution" in descriptor["terms"] and "statistical purposes only" in descriptor["terms"]


@pytest.mark.parametrize("fmt, name", [("csv", "cx.csv"), ("sdmx-structure", "cx.xml"), ("datapackage", "pkg")])
def test_a_typo_in_out_is_refused_not_created_as_a_tree(data_dir, tmp_path_factory, fmt, name):
    """`--out /srv/expotrs/2026/cx.csv` (a typo of exports) silently created /srv/expotrs/2026: only the last
    directory is created, inside one that exists; a deeper missing one is refused naming --out and it, nothing
    created (warehouse.outpath.check_parent)."""
    parent = tmp_path_factory.mktemp("srv")
    result = _cli(data_dir, "--format", fmt, "--out", str(parent / "expotrs" / "2026" / name))
    _refused(result, f"{parent / 'expotrs'} does not exist", "create")
    assert list(parent.iterdir()) == []
    # the last directory is created when its parent exists (a new month's folder, a package's directory)
    (parent / "exports").mkdir()
    where = parent / "exports" / ("" if fmt == "datapackage" else "2026") / name  # the package: its own directory
    result = _cli(data_dir, "--format", fmt, "--out", str(where))
    assert result.exit_code == 0, result.output
    assert where.exists()
