"""Where ``ascolto export`` writes: its output path, the codelists beside it, and what it never touches."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from warehouse import export
from warehouse.dataset import Warehouse


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
