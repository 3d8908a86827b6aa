"""``ascolto publish --period 2026-Q4`` on 2026-12-03 said only "2026-Q4 has not ended yet … it can be published
from 2027-01-01", while the other refusals of a running period name one to ask for instead: it now names the
latest ended quarter with data (:func:`warehouse.export_periods.latest_ended`, the one suggestion of the console
and ``ascolto indicators``), or says that none has ended. Real DuckDB/Parquet data."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from settings import Settings
from tests.conftest import pinned_clock
from tests.warehouse_rows import response, write
from warehouse.dataset import Warehouse
from warehouse.publish import ReleaseError, publish


NOW = datetime(2026, 12, 3, 11, tzinfo=timezone.utc)  # publish reads the wall clock, not the pinned one


def _refused(root, periods) -> str:
    """``publish``'s refusal of 2026-Q4 on 2026-12-03 (as ``ascolto publish --period 2026-Q4`` says it)."""
    write(root / "data", [response(period=p, satisfaction=4 - i % 2) for p in periods for i in range(30)])
    with pinned_clock(date(2026, 12, 3)), Warehouse(Settings(data_dir=root / "data")) as wh:
        with pytest.raises(ReleaseError) as exc:
            publish(wh.cursor(), "2026-Q4", root / "rel", now=NOW)
        assert exc.value.field == "period" and not (root / "rel").exists()  # nothing written
        if "2026-05" in periods:
            assert publish(wh.cursor(), "2026-Q2", root / "rel", now=NOW).name == "v1"  # the suggestion publishes
    return exc.value.problem


def test_publish_of_the_running_quarter_names_the_latest_ended_quarter_with_data(tmp_path):
    said = _refused(tmp_path, ("2026-05", "2026-10", "2026-11"))  # 2026-Q3 has no data
    assert said.startswith("2026-Q4 has not ended yet: only a whole quarter is published"), said
    assert said.endswith("(Europe/Rome time); ask for an ended one, such as 2026-Q2 (--period 2026-Q2)"), said


def test_publish_says_when_no_quarter_with_data_has_ended(tmp_path):
    said = _refused(tmp_path, ("2026-10",))
    assert said.endswith("(Europe/Rome time); no quarter with data has ended yet"), said
