"""``ascolto indicators``: the period forms the product accepts, and no output without a dataset."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ascolto.cli import main


def _run(data_dir, *args):
    return CliRunner().invoke(main, ["indicators", *args], env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_a_quarter_or_a_year_gives_rows_of_that_period(data_dir):
    """The fixture: comuni (L6) in 2026-10, INPS (C16) in 2026-11."""
    for period in ("2026-Q4", "2026"):
        result = _run(data_dir, "--period", period, "--json")
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)
        assert {r["period"] for r in rows} == {period} and {r["pa_type"] for r in rows} == {"C16", "L6"}
    monthly = json.loads(_run(data_dir, "--period", "2026-10", "--json").output)
    assert {r["period"] for r in monthly} == {"2026-10"} and {r["pa_type"] for r in monthly} == {"L6"}


def test_a_malformed_period_or_one_without_data_is_refused_naming_period(data_dir):
    for period, words in (("2026-13", "YYYY-MM, YYYY-Qn or YYYY"), ("2026-Q5", "YYYY-Qn"),
                          ("2030-Q1", "2026-10 to 2026-11")):
        result = _run(data_dir, "--period", period)
        assert result.exit_code == 2 and "--period" in result.output and words in result.output, result.output


def test_without_a_dataset_it_fails_clearly_and_creates_nothing(tmp_path):
    empty = tmp_path / "var"
    empty.mkdir()
    result = _run(empty, "--period", "2026-10")
    assert result.exit_code == 1 and f"no dataset in {empty}" in result.output, result.output
    assert list(empty.iterdir()) == []  # no rollup/.lock
