"""What ``ascolto export`` says it wrote, each kind in its own words (:mod:`ascolto.cli_export_said`): the codelists
said "2 months exported" — they hold no month, but the labels of the codes a table of those months uses; csv
and parquet did not say the codelist file they write beside the table; the SDMX structure said nothing."""
from __future__ import annotations

import csv
from datetime import date

from click.testing import CliRunner

from ascolto.cli import main
from tests.conftest import pinned_clock


def _export(data_dir, *args):
    return CliRunner().invoke(main, ["export", *args], env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_each_kind_says_what_it_wrote(data_dir, tmp_path_factory):
    # data_dir holds 2026-10 and 2026-11 only
    out = tmp_path_factory.mktemp("out")
    with pinned_clock(date(2027, 1, 15)):
        r = _export(data_dir, "--format", "codelists", "--freq", "M", "--out", str(out / "cx.codelists.csv"))
        assert r.exit_code == 0, r.output
        with open(out / "cx.codelists.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        lists = len({row["codelist"] for row in rows})
        assert r.stderr.strip() == (f"ascolto: {len(rows)} codes in {lists} codelists: the labels of the codes the "
                                    "--freq M table of 2 months (2026-10 to 2026-11) uses.")
        assert "exported" not in r.stderr

        r = _export(data_dir, "--format", "parquet", "--freq", "M", "--out", str(out / "cx.parquet"))
        assert r.exit_code == 0, r.output
        assert r.stderr.strip() == ("ascolto: 2 months exported, 2026-10 to 2026-11; the labels of its codes in "
                                    "cx.codelists.csv beside it.")
        assert (out / "cx.codelists.csv").is_file()

        r = _export(data_dir, "--format", "sdmx-csv", "--freq", "M", "--out", str(out / "cx.sdmx.csv"))
        assert r.stderr.strip() == "ascolto: 2 months exported, 2026-10 to 2026-11."  # one file: nothing beside it

        r = _export(data_dir, "--format", "sdmx-structure", "--out", str(out / "cx.xml"))
        assert r.exit_code == 0, r.output
        assert r.stderr.startswith("ascolto: SDMX structure: data structure DSD_ASCOLTO_CX, dataflow DF_ASCOLTO_CX, "
                                   "1 concept scheme, "), r.stderr
        assert "codelists (no observation" in r.stderr and r.stderr.count("\n") == 1
