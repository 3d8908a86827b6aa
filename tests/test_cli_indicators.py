"""``ascolto indicators``: the period forms the product accepts, and no output without a dataset."""
from __future__ import annotations

import json

from click.testing import CliRunner
import pytest

from ascolto.cli import main

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


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
    for period, words, code in (("2026-13", "YYYY-MM, YYYY-Qn or YYYY", 2), ("2026-Q5", "YYYY-Qn", 2),
                                ("2030-Q1", "has not started yet", 2), ("2025-Q1", "2026-10 to 2026-11", 1)):
        result = _run(data_dir, "--period", period)  # wrong input exits 2; no data there (the state) 1
        assert result.exit_code == code and "--period" in result.output and words in result.output, result.output


def test_without_a_dataset_it_fails_clearly_and_creates_nothing(tmp_path):
    empty = tmp_path / "var"
    empty.mkdir()
    result = _run(empty, "--period", "2026-10")
    assert result.exit_code == 1 and f"no dataset in {empty}" in result.output, result.output
    assert list(empty.iterdir()) == []  # no rollup/.lock


def test_a_running_period_is_refused_and_one_shown_in_part_is_said_so(data_dir):
    """A running period is refused naming ``--period`` (its figures are published once it has ended;
    they were printed as "provisional"), and a period begun before the data says so under the table; a
    whole period says nothing."""
    from warehouse.periods import today_rome

    from .warehouse_rows import response, write

    now = today_rome().strftime("%Y-%m")
    write(data_dir, [response(period=now, day=1, entity="c_f205", region="ITC4", satisfaction=4)
                     for _ in range(40)])
    for args in (["--period", now], ["--period", now, "--json"]):
        running = _run(data_dir, *args)
        assert running.exit_code == 2 and "--period" in running.output, running.output
        assert f"period={now} is still running: its figures are published once it has ended" in running.output
    assert now not in _run(data_dir).output  # every period: the ended ones
    year = _run(data_dir, "--period", "2026").output  # the data begin in 2026-10
    assert "Partial data: the data begin in 2026-10, after the period starts." in year.splitlines()[-1]
    whole = _run(data_dir, "--period", "2026-10").output
    assert "provisional" not in whole and "Partial" not in whole and "progress" not in whole


def test_json_says_which_periods_are_shown_in_part(data_dir):
    """``--json`` gave the rows of a partly covered period with nothing saying so (the table did): each
    row carries its period's ``partial``, the API's shape and wording."""
    year = json.loads(_run(data_dir, "--period", "2026", "--json").output)  # the data begin in 2026-10
    assert year and all(r["partial"]["data_from"] == "2026-10" and not r["partial"]["running"] for r in year)
    assert "2026-10" in year[0]["partial"]["note"]["en"]


def test_a_period_without_data_is_refused_as_a_period_not_an_export(data_dir):
    """``ascolto indicators --period 1999`` said "(from=1999, to=1999) … nothing to export": it names
    the period asked for and where the data are, and prints no export's words."""
    result = _run(data_dir, "--period", "1999")
    assert result.exit_code == 1 and "Error: --period: " in result.output, result.output  # no data: the state
    assert "No responses in 1999 (period=1999)" in result.output and "2026-10 to 2026-11" in result.output
    assert "export" not in result.output and "from=" not in result.output


def test_the_score_table_says_what_its_columns_and_reason_codes_mean(data_dir):
    """A statistician read "mean 63.0" for a question answered 1 to 5, and "(mean: mixed_scales)", with
    nothing in the terminal saying that the mean is of 0-100 scores nor what the code means: the table
    ends with a legend of its columns and of every reason code it shows, and how to split the cell."""
    pooled = _run(data_dir, "--period", "2026-10", "--indicator", "ease")
    assert pooled.exit_code == 0, pooled.output
    assert "(mean: mixed_scales)" in pooled.output
    legend = " ".join(pooled.output.split())
    assert "mean: of the answers' scores on 0-100" in legend and "pos%: the positive share, % of n" in legend
    assert "mean: mixed_scales: the cell pools different response scales, so no mean is published" in legend
    assert "by=service_type,instrument" in legend
    whole = _run(data_dir, "--period", "2026-10").output  # one scale: a mean, the column legend, no reason
    assert "scores on 0-100" in whole and "mixed_scales" not in whole


def test_a_mean_withheld_by_the_items_nature_is_not_called_a_pool(capsys):
    """task_completed's rows said "(mean: shares_only)" and the legend would have told to split the cell
    by instrument: its yes / partly / no answers have no mean whatever the split, and the legend says so."""
    from ascolto.cli_indicators import print_table

    row = {"period": "2026-10", "pa_type": "L6", "service_type": "anagrafe.certificati", "n": 40,
           "positive_share": 77.5, "mean": None, "mean_status": "shares_only", "conf_status": "F", "obs_status": "A"}
    print_table([row], "task_completed", {}, str)
    out = " ".join(capsys.readouterr().out.split())
    assert "(mean: shares_only)" in out
    assert "mean: shares_only: no mean: yes / partly / no answers (published as three shares" in out
    assert "pools" not in out and "by=service_type,instrument" not in out
