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


def test_a_period_shown_in_part_is_said_so(data_dir):
    """A running period's figures are provisional (as the exports' PROVISIONAL=Y), and a period that
    is running or begun before the data says so under the table; a whole period says nothing."""
    from warehouse.periods import today_rome

    from .warehouse_rows import response, write

    now = today_rome().strftime("%Y-%m")
    write(data_dir, [response(period=now, day=1, entity="c_f205", region="ITC4", satisfaction=4)
                     for _ in range(40)])
    running = _run(data_dir, "--period", now)
    assert running.exit_code == 0, running.output
    lines = running.output.splitlines()
    assert lines[1].startswith(now) and lines[1].endswith("provisional")
    assert lines[-1] == f"{now}: Period in progress: partial data, the period has not ended yet."
    year = _run(data_dir, "--period", "2026").output  # the data begin in 2026-10
    assert "Partial data: the data begin in 2026-10, after the period starts." in year.splitlines()[-1]
    whole = _run(data_dir, "--period", "2026-10").output
    assert "provisional" not in whole and "Partial" not in whole and "progress" not in whole


def test_json_says_which_periods_are_shown_in_part(data_dir):
    """``--json`` gave the rows of a running or partly covered period with nothing saying so (the table
    did): each row carries its period's ``partial``, the API's shape and wording."""
    from warehouse.periods import today_rome

    from .warehouse_rows import response, write

    now = today_rome().strftime("%Y-%m")
    write(data_dir, [response(period=now, day=1, entity="c_f205", region="ITC4", satisfaction=4)
                     for _ in range(40)])
    running = json.loads(_run(data_dir, "--period", now, "--json").output)
    assert running and all(r["partial"]["running"] and r["partial"]["partial"] for r in running)
    assert running[0]["partial"]["note"]["en"] == "Period in progress: partial data, the period has not ended yet."
    assert "dati parziali" in running[0]["partial"]["note"]["it"]
    year = json.loads(_run(data_dir, "--period", "2026", "--json").output)  # the data begin in 2026-10
    assert year and all(r["partial"]["data_from"] == "2026-10" for r in year)
    assert "the data begin in 2026-10" in year[0]["partial"]["note"]["en"]
    whole = json.loads(_run(data_dir, "--period", "2026-10", "--json").output)
    assert whole and all(r["partial"] == {"partial": False, "running": False, "data_from": None, "note": None}
                         for r in whole)


def test_went_well_prints_the_share_of_each_category(data_dir):
    """``--indicator went_well`` printed only n: the shares per category, its figures, were left out of the
    table (they were in --json only). The table gives each category's share, as --json does."""
    table = _run(data_dir, "--period", "2026-10", "--indicator", "went_well")
    assert table.exit_code == 0, table.output
    rows = json.loads(_run(data_dir, "--period", "2026-10", "--indicator", "went_well", "--json").output)
    lines = table.output.splitlines()
    assert lines[0].split()[:5] == ["period", "pa_type", "service_type", "n", "clarity%"]
    assert "a response may choose several" in lines[-1]
    published = [r for r in rows if r["n"] is not None]
    assert published
    for r in published:
        line = next(x for x in lines[1:] if x.split()[:3] == [r["period"], r["pa_type"], r["service_type"]])
        cells = line.split()[3:10]
        assert cells[0] == str(r["n"])
        assert cells[1:7] == [f"{r['shares'][c]['share']:.1f}" for c in
                              ("clarity", "completeness", "orientation", "technical", "speed", "other")]


def _strict(text: str):
    """JSON as any other program parses it: NaN and Infinity are not JSON (JavaScript's JSON.parse, jq)."""
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def test_json_of_a_suppressed_cell_is_strict_json_with_null_statuses(tmp_path):
    """A suppressed cell (2 responses) has no status of its figures: null, as its values — it was NaN,
    which no JSON parser but Python's reads."""
    from .warehouse_rows import response, write

    data = tmp_path / "var"
    write(data, [response(period="2026-10", satisfaction=4, went_well=["clarity"]) for _ in range(2)]
          + [response(period="2026-10", pa_type="C16", service_type="previdenza.pensioni", entity="inps",
                      satisfaction=4, went_well=["clarity"]) for _ in range(40)])
    for indicator, statuses in (("satisfaction", ("positive_share_status", "mean_status")),
                                ("went_well", ("shares_status",))):
        result = _run(data, "--period", "2026-10", "--indicator", indicator, "--json")
        assert result.exit_code == 0, result.output
        (row,) = [r for r in _strict(result.output) if r["pa_type"] == "L6"]
        assert row["conf_status"] == "A" and row["n"] is None
        assert all(row[s] is None for s in statuses), row
