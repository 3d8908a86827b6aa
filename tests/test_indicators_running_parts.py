"""``ascolto indicators --period 2026`` in December (the statistician's first try for this year's figures)
exited 2 with "period=2026 is still running … Ask for an ended one, such as 2025." — a year with no data
at all when the data begin in 2026, so the next try failed again ("No responses …"). The refusal now names
the running period's ended parts that have data, and the --period that shows each (the quarters and
months inside it, as ``ascolto export`` names the finer --freq). A running month has no ended part: the
message stays as it was."""
from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from ascolto.cli import main
from tests.conftest import pinned_clock


def _indicators(data_dir, period):
    return CliRunner().invoke(main, ["indicators", "--period", period], env={"ASCOLTO_DATA_DIR": str(data_dir)})


def test_a_running_year_or_quarter_refused_names_its_ended_parts_with_data(data_dir):
    # data_dir holds 2026-10 and 2026-11
    with pinned_clock(date(2026, 12, 2)):
        for period in ("2026", "2026-Q4"):
            r = _indicators(data_dir, period)
            assert r.exit_code == 2, r.output
            assert f"period={period} is still running" in r.stderr, r.stderr
            assert "Its ended parts with data: the months 2026-10 to 2026-11 (--period 2026-11)." in r.stderr, r.stderr
            assert "quarters" not in r.stderr  # 2026-Q4 runs: no quarter of 2026 with data has ended
            # nor has any year or quarter with data: not "such as 2025" or "2026-Q3", which hold none
            word = "year" if period == "2026" else "quarter"
            assert f"No {word} with data has ended yet." in r.stderr and "such as" not in r.stderr, r.stderr
        r = _indicators(data_dir, "2026-12")
        assert r.exit_code == 2 and "is still running" in r.stderr and "ended parts" not in r.stderr
        assert "such as 2026-11." in " ".join(r.stderr.split())  # the month before has data: named
        assert _indicators(data_dir, "2026-11").exit_code == 0
    with pinned_clock(date(2027, 1, 15)):
        r = _indicators(data_dir, "2027")
        assert r.exit_code == 2 and "ended parts" not in r.stderr, r.stderr  # nothing of 2027 has ended
