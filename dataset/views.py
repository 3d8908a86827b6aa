"""The one SQL definition of the ``responses`` view (DuckDB), for every reader, and of the rows that
count (:func:`counted`).

:func:`responses_view_sql` is ``CREATE OR REPLACE VIEW responses AS`` the union *by name* of an
empty relation typed by :data:`dataset.schema.RESPONSES_SCHEMA` (plus the hive columns) and the
Parquet files: every column exists with its type even when the dataset is empty or a file predates
a column (``module_scores`` in old files reads as NULL), and files of different schema versions
read together. The files are globbed when a query runs, so a view sees files written after it was
created (and, after a compaction, may need its query retried — :func:`dataset.files.read_retrying`).
On a volume where compaction supersedes (no ``RENAME_EXCHANGE``: :data:`dataset.layout.SUPERSEDING`)
the glob view also reads the supersedes files when a query runs and leaves out the inputs they name, as
every listing does (:func:`dataset.layout.superseded`); elsewhere it is the plain glob (compaction swaps
whole directories there).
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
        options = f"union_by_name = true, hive_partitioning = true, hive_types = {hive}"
        if not listed and layout.superseding(data_dir):
            body += f" UNION ALL BY NAME {_unsuperseded(root, options)}"
        else:
            body += f" UNION ALL BY NAME SELECT * FROM read_parquet({source}, {options})"
    return f"CREATE OR REPLACE {'TEMP ' if temp else ''}VIEW {name} AS {body}"


def _unsuperseded(root: Path, options: str) -> str:
    """The glob's rows but those of files a supersedes file names beside its existing merged file
    (:func:`dataset.layout.superseded`, in SQL): the files and the supersedes files are both read when a
    query runs. Costs a file-name column and an anti-join per row, so only on a superseding volume."""
    parquet, sup = _quote(str(root / "**" / "*.parquet")), _quote(str(root / "**" / f"*.parquet{layout.SUPERSEDES}"))
    named = (f"SELECT parse_dirpath(s.filename) || '/' || unnest(json_extract_string(s.content, '$[*]')) AS f "
             f"FROM read_text({sup}) s WHERE json_valid(s.content) "
             f"AND left(s.filename, -{len(layout.SUPERSEDES)}) IN (SELECT file FROM glob({parquet}))")
    return (f"SELECT * EXCLUDE (filename) FROM read_parquet({parquet}, {options}, filename = true) "
            f"WHERE filename NOT IN (SELECT f FROM ({named}) WHERE f IS NOT NULL)")
