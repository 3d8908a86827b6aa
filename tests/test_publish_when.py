"""``ascolto publish`` of a quarter not yet ended says when it can be published: the first day after
it ends, in Rome time, at 06:00 (a quarter ends at midnight in Rome, an hour or two before UTC's; its
last answers are stored before it is read: warehouse.periods.PUBLISH_DELAY). Real
DuckDB/Parquet data, the real CLI."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from warehouse.dataset import Warehouse
from warehouse.jsonstat import statuses
from warehouse.periods import complete_from, is_complete
from warehouse.protect import Protection
from warehouse.publish import ReleaseError, publish

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def test_the_cli_says_the_first_day_a_running_quarter_can_be_published(data_dir):
    result = CliRunner().invoke(main, ["publish", "--period", "2099-Q4", "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    assert "period: 2099-Q4 has not ended yet" in result.output
    assert "it can be published from 2100-01-01 06:00 (Europe/Rome time)" in result.output


def test_the_day_stated_is_the_day_rome_enters_after_the_quarter(data_dir):
    settings = Settings(data_dir=data_dir)
    with Warehouse(settings) as wh:
        con, prot = wh.cursor(), Protection.from_settings(settings)
        with pytest.raises(ReleaseError) as e:  # 23:30 in Rome on 31 December: not yet
            publish(con, "2026-Q4", settings.releases_path, prot, now=datetime(2026, 12, 31, 22, 30, tzinfo=timezone.utc))
        assert e.value.field == "period" and "published from 2027-01-01 06:00 (Europe/Rome time)" in e.value.problem
        # 00:30 in Rome on 1 January: ended, but its last answers may still be landing (route 21): not yet
        with pytest.raises(ReleaseError):
            publish(con, "2026-Q4", settings.releases_path, prot, now=datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))
        # 06:30 in Rome on 1 January: the time stated has come
        path = publish(con, "2026-Q4", settings.releases_path, prot, now=datetime(2027, 1, 1, 5, 30, tzinfo=timezone.utc))
        assert (path / "manifest.json").exists()


@pytest.mark.parametrize("label, first", [("2026-Q1", date(2026, 4, 1)), ("2026-Q4", date(2027, 1, 1)),
                                          ("2026-11", date(2026, 12, 1)), ("2026-12", date(2027, 1, 1)),
                                          ("2026", date(2027, 1, 1))])
def test_complete_from_is_the_first_day_is_complete_holds(label, first):
    assert complete_from(label) == first
    assert is_complete(label, first) and not is_complete(label, date.fromordinal(first.toordinal() - 1))


def test_a_release_judges_whether_its_quarter_has_ended_once_for_every_file(tmp_path):
    """``publish`` decides at one instant (its ``now``) whether the quarter has ended — to allow the
    release, for the reference metadata's ``last_period_running`` — and the table's PROVISIONAL flags
    and "Period in progress" comments must say the same: a release frozen at 06:30 in Rome on the
    first day after its quarter holds no provisional figure, whatever the machine's calendar says.
    (The quarter is 2098-Q4, so the test does not depend on today's date.)"""
    import csv
    import json

    from tests.conftest import pinned_clock
    from tests.warehouse_rows import response, write

    write(tmp_path / "data", [response(period=m, satisfaction=4) for m in ("2098-10", "2098-11", "2098-12")
                              for _ in range(10)])
    settings = Settings(data_dir=tmp_path / "data")
    # the warehouse's clock as the release's: the quarter's figures are read once it has ended
    with pinned_clock(date(2099, 1, 1)), Warehouse(settings) as wh:
        path = publish(wh.cursor(), "2098-Q4", settings.releases_path, Protection.from_settings(settings),
                       now=datetime(2099, 1, 1, 5, 30, tzinfo=timezone.utc))
    rows = list(csv.DictReader((path / "table.csv").open(encoding="utf-8")))
    assert rows and {r["PROVISIONAL"] for r in rows} == {""} and {r["COMMENT_OBS"] for r in rows} == {""}
    assert json.loads((path / "metadata.json").read_text())["S.17 Data revision"]["last_period_running"] is False
    items = json.loads((path / "table.jsonstat.json").read_text())["link"]["item"]
    assert not any(s.endswith("P") for item in items for s in statuses(item).values())


def test_a_period_that_is_no_quarter_is_refused_before_the_dataset_is_looked_for(tmp_path):
    """``--period 2026-Q5`` (or ``2026-10``) was answered "no dataset in …: responses/ holds no Parquet file"
    wherever no dataset was found — the operator fixed the wrong thing. The period is judged first."""
    for period in ("2026-Q5", "2026-10"):
        result = CliRunner().invoke(main, ["publish", "--period", period, "--data-dir", str(tmp_path)])
        assert result.exit_code == 2, result.output
        assert f"period: {period!r} is not a quarter (YYYY-Qn)" in result.output and "no dataset" not in result.output
