"""The months with data (:mod:`warehouse.data_months`): written with the rollup as it loads, read by the menus,
the default periods and the range checks instead of a scan of the whole rollup (60–100 ms a console request on
the bench's 10 M responses, the quarterly menu computing a quarter's label on every row; 2026-12-05).

What they answer must be what the scans answered: each is checked here against the statement it replaced, on a
warehouse holding ended years, ended and running quarters and the running month, and on a bare rollup."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from settings import Settings
from tests.warehouse_rows import response, write
from warehouse import data_months
from warehouse.comparability import QueryError
from warehouse.cube import first_data_month, period_labels, time_expr
from warehouse.data_range import require_data
from warehouse.dataset import Warehouse
from warehouse.periods import ended_sql, is_complete, running_month

MONTHS = ["2025-02", "2025-11", "2026-01", "2026-05", "2026-08", "2026-10", running_month()]


def _scanned_labels(con, freq: str) -> list[str]:
    """:func:`warehouse.cube.period_labels` as it was: one scan of the rollup."""
    rows = con.execute(f"SELECT DISTINCT {time_expr(freq)} FROM rollup WHERE n > 0 AND {ended_sql(con, freq)} "
                       "ORDER BY 1").fetchall()
    return [r[0] for r in rows if is_complete(r[0])]


def _scanned_refusal(con, freq, start, end) -> bool:
    """Whether :func:`warehouse.data_range.require_data` refused the range as it was (min/max, then a count)."""
    lo, hi = con.execute("SELECT min(period), max(period) FROM rollup WHERE n > 0").fetchone()
    from warehouse.periods import validate_range
    first, last = validate_range(freq, start, end)
    first, last = first or lo, last or hi
    return not con.execute("SELECT count(*) FROM rollup WHERE n > 0 AND period BETWEEN ? AND ?",
                           [first, last]).fetchone()[0]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("months")
    write(root, [response(period=m, satisfaction=1 + i % 5) for m in MONTHS for i in range(3)])
    with Warehouse(Settings(data_dir=root)) as wh:
        yield wh.cursor()


def test_a_loaded_warehouse_holds_its_months_with_data(loaded):
    ended = MONTHS[:-1]  # the running month's answers are not loaded: published once it has ended
    assert loaded.execute(f"SELECT period FROM {data_months.LOADED_MONTHS} ORDER BY 1").fetchall() == [
        (m,) for m in ended]
    assert data_months.months(loaded) == ended


@pytest.mark.parametrize("freq", ["M", "Q", "A"])
def test_the_menus_are_those_the_scan_gave(loaded, freq):
    labels = period_labels(loaded, freq)
    assert labels == _scanned_labels(loaded, freq)
    assert running_month() not in labels and labels  # the running month is never offered
    assert first_data_month(loaded) == "2025-02"


@pytest.mark.parametrize("freq, start, end", [
    ("M", "2025-03", "2025-10"), ("M", "2025-02", "2025-02"), ("M", None, "2024-12"), ("M", "2026-11", None),
    ("Q", "2025-Q2", "2025-Q3"), ("Q", "2025-Q4", "2026-Q1"), ("A", "2024", "2024"), ("A", "2025", None)])
def test_the_range_checks_refuse_what_the_scan_refused(loaded, freq, start, end):
    try:
        require_data(loaded, freq, start, end)
        refused = False
    except QueryError:
        refused = True
    assert refused == _scanned_refusal(loaded, freq, start, end), (freq, start, end)


def test_a_bare_rollup_is_scanned():
    con = duckdb.connect()
    con.execute("CREATE TABLE rollup AS SELECT * FROM (VALUES ('2025-01', 0), ('2025-03', 4), ('2025-02', 2)) "
                "t(period, n)")
    assert data_months.months(con) == ["2025-02", "2025-03"]
    assert period_labels(con, "Q", today=date(2026, 1, 1)) == ["2025-Q1"]
    assert first_data_month(con) == "2025-02"
