"""``ascolto export --out`` in what Ascolto keeps in the data directory is refused (exit 2 naming ``--out``,
nothing written); beside it (``var/cx.csv``) an export is still written. (``releases/pkg``, its ``releases/``
missing, is refused earlier as a tree that would be created: tests/test_export_out.py.)

A table export into ``var/responses/`` (``--format parquet --out var/responses/cx.parquet``) was written,
exit 0, and read as responses by every reader after it: the warehouse no longer loaded (a DuckDB "Hive
partition mismatch" traceback from ``ascolto export``, the console down); ``--out var/ckm-secret`` replaced
the record keys' secret, which changes every published figure. Real data, the real CLI; no mocks."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from tests.warehouse_rows import response, write

pytestmark = pytest.mark.usefixtures("clock_2027")


@pytest.fixture
def var(tmp_path):
    write(tmp_path / "var", [response(period="2026-10", satisfaction=1 + i % 5) for i in range(20)])
    return tmp_path / "var"


def _tree(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _export(var: Path, *args: str):
    return CliRunner().invoke(main, ["export", *args], env={"ASCOLTO_DATA_DIR": str(var)})


@pytest.mark.parametrize("fmt, where", [("parquet", "responses/cx.parquet"), ("csv", "ckm-secret"),
                                        ("sdmx-csv", "rollup/cx.csv"), ("datapackage", "releases"),
                                        ("metadata", "registry.db"), ("jsonstat", "test/cx.json")])
def test_an_export_inside_the_data_directory_is_refused_and_the_data_stay_readable(var, fmt, where):
    before = _tree(var)
    r = _export(var, "--format", fmt, "--out", str(var / where))
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit), r.output
    assert "--out" in r.output and "of the data directory" in r.output, r.output
    assert _tree(var) == before  # nothing written, the secret as it was
    for beside in (var.parent / "cx.csv", var / "cx.csv"):  # outside the data directory, or beside its own files
        ok = _export(var, "--format", "csv", "--freq", "M", "--out", str(beside))
        assert ok.exit_code == 0, ok.output  # written, and the dataset reads
        assert beside.read_text("utf-8").count("\n") > 1
