"""The ``funnel`` dataset (issue 14 §5): the widget's anonymous counts, one row per report.

::

    $DATA/funnel/period=YYYY-MM/funnel-PPP-FIRST-LAST-DIGEST.parquet

Columns: :data:`FUNNEL_SCHEMA` — the report's random ``report_id`` (never an identifier of a
person), ``day`` (Europe/Rome) of the collector's clock, the service and its registry facts at the
time, the three counts and the record key of the cell-key method. A replayed batch rewrites the
same file (names from the Kafka offsets and the report ids); readers count each ``report_id`` once
(:data:`FUNNEL_VIEW_SQL`), so a batch replayed with other boundaries after a crash is not counted twice.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from . import layout
from .durable import dataset_lock
from .files import write_parquet

FUNNEL = "funnel"
FUNNEL_SCHEMA = pa.schema([
    pa.field("report_id", pa.string(), nullable=False),
    pa.field("received_at", pa.timestamp("ms", tz="UTC")),
    pa.field("day", pa.string()),
    pa.field("service", pa.string()),
    pa.field("entity", pa.string()),
    pa.field("pa_type", pa.string()),
    pa.field("service_type", pa.string()),
    pa.field("region", pa.string()),
    pa.field("channel", pa.string()),
    pa.field("questionnaire", pa.string()),
    pa.field("version", pa.int32()),
    pa.field("impressions", pa.int32()),
    pa.field("starts", pa.int32()),
    pa.field("submissions", pa.int32()),
    pa.field("record_key", pa.float64()),
    pa.field("kafka_partition", pa.int32()),
    pa.field("kafka_offset", pa.int64()),
])


def funnel_name(partition: int, first: int, last: int, report_ids) -> str:
    return f"funnel-{partition:03d}-{first:012d}-{last:012d}-{layout.digest(report_ids)}.parquet"


def write_funnel(data_dir: Path, rows: list[dict], partition: int, first: int, last: int) -> list[Path]:
    """Write ``rows`` (dicts with :data:`FUNNEL_SCHEMA`'s columns and ``period``) of one batch of Kafka
    ``partition`` durably, one file per period, under the shared dataset lock."""
    by_period: dict[str, list[dict]] = {}
    for r in rows:
        by_period.setdefault(r["period"], []).append(r)
    out = []
    with dataset_lock(Path(data_dir)):
        for period, group in sorted(by_period.items()):
            table = pa.Table.from_pylist(group, schema=FUNNEL_SCHEMA)
            directory = Path(data_dir) / FUNNEL / f"period={period}"
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / funnel_name(partition, first, last, [r["report_id"] for r in group])
            write_parquet(path, table)
            out.append(path)
    return out


def funnel_view_sql(data_dir: Path) -> str | None:
    """SQL of the deduplicated funnel rows (one per ``report_id``) with ``period``; None when empty."""
    root = Path(data_dir) / FUNNEL
    if not layout.any_parquet(root):
        return None
    glob = str(root / "period=*" / "*.parquet").replace("'", "''")
    return (f"SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY report_id ORDER BY kafka_offset) "
            f"AS rn FROM read_parquet('{glob}', hive_partitioning = true, hive_types = {{'period': VARCHAR}})) "
            f"WHERE rn = 1")
