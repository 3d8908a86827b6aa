"""What ``ascolto export`` says on stderr where its file holds less than it seems (December 2026, data of
2026-10 and 2026-11 only: the year and its last quarter still run).

- ``--format metadata --freq A`` (then the default) wrote the reference metadata of a table with no ended
  year — time coverage 0 months, 0 administrations — and said only "reference metadata of the --freq A
  table …", exit 0: the tables' refusal (export_periods) now explains it on stderr, naming the finer
  ``--freq``; the file is still written (its methods hold for any range; the API answers 200 too).
- ``--format datapackage`` over a range that is not one calendar month, quarter or year said "a few rows
  withheld (fewer than the tables' minimum: not counted)" — the descriptor's ``withheld_rows`` is null
  there because such a range is never counted (docs/confidentiality.md, route 23), however many rows were
  withheld: it says so now."""
from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from ascolto.cli import main
from tests.conftest import pinned_clock

DECEMBER = date(2026, 12, 2)


def _export(data_dir, fmt, out, *args):
    return CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out), *args],
                              env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_metadata_of_a_table_with_no_ended_period_say_why_their_coverage_is_empty(data_dir, tmp_path):
    with pinned_clock(DECEMBER):
        r = _export(data_dir, "metadata", tmp_path / "m.json", "--freq", "A")
        assert r.exit_code == 0, r.output
        coverage = json.loads((tmp_path / "m.json").read_text("utf-8"))["S.3 Statistical presentation"][
            "S.3.8 Time coverage"]
        assert coverage["months_with_responses"] == 0
        assert "its time coverage is empty: no year with data has ended" in r.stderr, r.stderr
        assert "2026 is still running (published from 2027-01-01)" in r.stderr
        assert "--freq M (2026-10 to 2026-11)" in r.stderr
        r = _export(data_dir, "metadata", tmp_path / "m2.json", "--freq", "M")
        assert r.exit_code == 0 and "empty" not in r.stderr and r.stderr.strip().endswith("data as of 2026-11-15.")


def test_the_package_says_why_its_withheld_rows_are_not_counted(data_dir, tmp_path):
    with pinned_clock(DECEMBER):
        r = _export(data_dir, "datapackage", tmp_path / "pkg", "--freq", "M", "--from", "2026-10", "--to", "2026-11")
        assert r.exit_code == 0, r.output
        conf = json.loads((tmp_path / "pkg" / "datapackage.json").read_text("utf-8"))["confidentiality"]
        assert conf["withheld_rows"] is None and conf["withheld_rows_note"]
        assert "a few rows withheld" not in r.stderr, r.stderr
        assert "the rows withheld not counted (the range is not one calendar month, quarter or year" in r.stderr


def test_the_package_does_not_claim_whole_periods_for_an_open_range(data_dir, tmp_path):
    """``period.note`` said "the range covers whole periods of freq" for the default package (``--freq A``,
    no range), whose months run from the data's first to its last ended month: 2025-12 to 2026-11 is no
    whole year. An open end says what it is; a range given whole keeps the note."""
    with pinned_clock(DECEMBER):
        r = _export(data_dir, "datapackage", tmp_path / "a", "--freq", "A")
        assert r.exit_code == 0, r.output
        period = json.loads((tmp_path / "a" / "datapackage.json").read_text("utf-8"))["period"]
        assert period["freq"] == "A" and (period["from"], period["to"]) == ("2026-10", "2026-11")
        assert "whole periods" not in period["note"]
        assert "an open end is the first or last ended month with data" in period["note"], period
        r = _export(data_dir, "datapackage", tmp_path / "q", "--freq", "M", "--from", "2026-10", "--to", "2026-11")
        period = json.loads((tmp_path / "q" / "datapackage.json").read_text("utf-8"))["period"]
        assert period["note"] == "rows are monthly (field period); the range covers whole periods of freq"
