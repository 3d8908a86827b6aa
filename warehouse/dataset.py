"""DuckDB views over the hive-partitioned Parquet datasets written by the processor."""
from __future__ import annotations

from pathlib import Path

import duckdb

_EMPTY_RESPONSES = """
CREATE VIEW responses AS SELECT
  NULL::VARCHAR AS submission_id, NULL::TIMESTAMPTZ AS received_at, NULL::VARCHAR AS service,
  NULL::VARCHAR AS entity, NULL::VARCHAR AS service_type, NULL::VARCHAR AS region,
  NULL::VARCHAR AS channel, NULL::VARCHAR AS device, NULL::VARCHAR AS lang,
  NULL::VARCHAR AS questionnaire, NULL::INTEGER AS version,
  NULL::DOUBLE AS satisfaction, NULL::DOUBLE AS ease, NULL::DOUBLE AS clarity, NULL::DOUBLE AS speed,
  NULL::DOUBLE AS trust, NULL::DOUBLE AS task_completed,
  NULL::VARCHAR AS period, NULL::VARCHAR AS pa_type
WHERE false
"""


def open_dataset(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a ``responses`` view over ``data_dir/responses``.

    Files appear atomically (the processor renames them into place), so a reader sees whole
    batches only. With no data yet the view exists and is empty.
    """
    con = duckdb.connect(":memory:")
    root = Path(data_dir) / "responses"
    if root.exists() and any(root.rglob("*.parquet")):
        pattern = str(root / "**" / "*.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW responses AS SELECT * FROM read_parquet('{pattern}', "
                    "hive_partitioning = true, hive_types = {'period': VARCHAR, 'pa_type': VARCHAR})")
    else:
        con.execute(_EMPTY_RESPONSES)
    return con
