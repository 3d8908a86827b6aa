"""The one SQL definition of the ``responses`` view (DuckDB), for every reader, and of the rows that
count (:func:`counted`).

:func:`responses_view_sql` is ``CREATE OR REPLACE VIEW responses AS`` the union *by name* of an
empty relation typed by :data:`dataset.schema.RESPONSES_SCHEMA` (plus the hive columns) and the
Parquet files: every column exists with its type even when the dataset is empty or a file predates
a column (``module_scores`` in old files reads as NULL), and files of different schema versions
read together. The files are globbed when a query runs, so a view sees files written after it was
created (and, after a compaction, may need its query retried — :func:`dataset.files.read_retrying`).
The glob does not read a compaction's supersedes files (:mod:`dataset.layout`): on a filesystem without
``RENAME_EXCHANGE`` it may count a directory's inputs twice while they sit beside their merged file.
The rollup (every table, release and table export) lists through :func:`dataset.layout.parquet_files`;
the item non-response and the microdata package read ``listed`` views; the console's key drivers and
comments still read the glob (docs/operations.md, "Compaction").
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from . import layout
from .schema import RESPONSES_SCHEMA


#: The device class the collector gives an automated submission (a crawler's, a script's or a headless
#: browser's user agent: ``collector/device.py``).
AUTOMATED = "bot"


def counted(device: str = '"device"') -> str:
    """The SQL predicate of the rows that count, over the ``device`` expression: every stored response
    but the automated ones. Those stay in ``responses`` for audit (the console's quality page counts
    them) and no figure reads them: the rollup (every published statistic), the key drivers, the
    microdata and the entity's comments all filter with this predicate."""
    return f"({device} IS DISTINCT FROM '{AUTOMATED}')"


def sql_type(t: pa.DataType) -> str:
    """The DuckDB type of an Arrow type used by the dataset schemas."""
    if pa.types.is_string(t):
        return "VARCHAR"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_map(t):
        return f"MAP({sql_type(t.key_type)}, {sql_type(t.item_type)})"
    if pa.types.is_list(t):
        return f"{sql_type(t.value_type)}[]"
    simple = {pa.int32(): "INTEGER", pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN",
              pa.binary(): "BLOB"}
    if t in simple:
        return simple[t]
    raise TypeError(f"no DuckDB type for {t}")


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def empty_select(schema: pa.Schema = RESPONSES_SCHEMA) -> str:
    """A SELECT of no rows with every column of ``schema`` and the hive columns, typed."""
    cols = [f'NULL::{sql_type(f.type)} AS "{f.name}"' for f in schema]
    cols += [f'NULL::{t} AS "{name}"' for name, t in layout.HIVE_TYPES.items()]
    return "SELECT " + ", ".join(cols) + " WHERE false"


def responses_view_sql(data_dir: Path, name: str = "responses", listed: bool = False, temp: bool = False) -> str:
    """``CREATE OR REPLACE VIEW name`` over ``data_dir/responses`` (see the module docstring).

    ``listed``: over the files a reader counts now (:func:`dataset.layout.parquet_files`, a
    compaction's superseded inputs left out) instead of the glob — for a view queried at once and
    dropped (a file added later is not in it; one compacted away meanwhile is "not found": retry).
    ``temp``: a TEMP view, the connection's own (it shadows a shared view of the same name)."""
    root = Path(data_dir) / layout.RESPONSES
    body = empty_select()
    files = layout.parquet_files(root) if listed else layout.any_parquet(root)
    if files:
        hive = "{" + ", ".join(f"{_quote(k)}: {v}" for k, v in layout.HIVE_TYPES.items()) + "}"
        source = ("[" + ", ".join(_quote(str(f)) for f in files) + "]") if listed else _quote(str(root / "**" / "*.parquet"))
        body += (f" UNION ALL BY NAME SELECT * FROM read_parquet({source}, "
                 f"union_by_name = true, hive_partitioning = true, hive_types = {hive})")
    return f"CREATE OR REPLACE {'TEMP ' if temp else ''}VIEW {name} AS {body}"
