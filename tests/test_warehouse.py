"""Indicators over the Parquet dataset, through DuckDB, the CLI and the console API."""
from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ascolto.cli import main
from ascolto.config import Settings
from warehouse.console import create_app
from warehouse.dataset import open_dataset
from warehouse.indicators import QueryError, by_pa_and_service_type


def _write(root, period, pa_type, service_type, scores):
    d = root / "responses" / f"period={period}" / f"pa_type={pa_type}"
    d.mkdir(parents=True, exist_ok=True)
    n = len(list(d.glob("*.parquet")))
    pq.write_table(pa.table({
        "submission_id": [f"{period}-{pa_type}-{n}-{i}" for i in range(len(scores))],
        "service_type": [service_type] * len(scores),
        "satisfaction": pa.array(scores, pa.float64()),
        "ease": pa.array([None] * len(scores), pa.float64()),
    }), d / f"part-000-{n:012d}-{n:012d}.parquet")


@pytest.fixture
def data_dir(tmp_path):
    _write(tmp_path, "2026-10", "L6", "anagrafe.certificati", [100, 75, 50])
    _write(tmp_path, "2026-10", "L6", "anagrafe.certificati", [25])
    _write(tmp_path, "2026-10", "C16", "previdenza.domanda-prestazione", [0, 100, None])
    _write(tmp_path, "2026-11", "L6", "anagrafe.certificati", [100])
    return tmp_path


def test_satisfaction_by_pa_type_and_service_type_for_a_period(data_dir):
    with open_dataset(data_dir) as con:
        rows = by_pa_and_service_type(con, "satisfaction", "2026-10")
    assert rows == [
        {"period": "2026-10", "pa_type": "C16", "service_type": "previdenza.domanda-prestazione", "n": 2, "mean": 50.0},
        {"period": "2026-10", "pa_type": "L6", "service_type": "anagrafe.certificati", "n": 4, "mean": 62.5},
    ]


def test_all_periods_and_unanswered_indicators(data_dir):
    with open_dataset(data_dir) as con:
        assert [r["period"] for r in by_pa_and_service_type(con)] == ["2026-10", "2026-10", "2026-11"]
        assert by_pa_and_service_type(con, "ease") == []


def test_empty_dataset_answers_with_no_rows(tmp_path):
    with open_dataset(tmp_path) as con:
        assert by_pa_and_service_type(con) == []


@pytest.mark.parametrize("kwargs, field", [({"indicator": "happiness"}, "indicator"),
                                          ({"period": "2026-13"}, "period"),
                                          ({"period": "'; DROP TABLE x; --"}, "period")])
def test_bad_parameters_are_refused_by_name(data_dir, kwargs, field):
    with open_dataset(data_dir) as con, pytest.raises(QueryError) as exc:
        by_pa_and_service_type(con, **kwargs)
    assert exc.value.field == field


def test_console_api_serves_the_indicator(data_dir):
    client = create_app(Settings(data_dir=data_dir)).test_client()
    resp = client.get("/api/v1/indicators?period=2026-11")
    assert resp.status_code == 200
    assert resp.get_json() == {"indicator": "satisfaction", "period": "2026-11", "rows": [
        {"period": "2026-11", "pa_type": "L6", "service_type": "anagrafe.certificati", "n": 1, "mean": 100.0}]}
    bad = client.get("/api/v1/indicators?indicator=nope")
    assert bad.status_code == 400 and "indicator" in bad.get_json()["fields"]
    assert client.get("/api/v1/nothing").get_json()["error"] == "not_found"


def test_cli_prints_the_indicator(data_dir):
    runner = CliRunner()
    result = runner.invoke(main, ["indicators", "--period", "2026-10", "--json"],
                           env={"ASCOLTO_DATA_DIR": str(data_dir)})
    assert result.exit_code == 0, result.output
    assert [r["n"] for r in json.loads(result.output)] == [2, 4]
    table = runner.invoke(main, ["indicators"], env={"ASCOLTO_DATA_DIR": str(data_dir)})
    assert "anagrafe.certificati" in table.output and "62.5" in table.output
    bad = runner.invoke(main, ["indicators", "--period", "oct"], env={"ASCOLTO_DATA_DIR": str(data_dir)})
    assert bad.exit_code == 2 and "--period" in bad.output
