"""Compaction: merge the small files of each hive directory into one file, safely while processors run.

For each ``responses/period=…/pa_type=…`` directory with at least two files under
``compact_min_rows`` rows, the small files are read, merged (ordered by Kafka partition and offset)
and written, with the matching ``answers`` files merged the same way, under a staging directory
(``$DATA/.staging``, outside every dataset). Then, holding the dataset lock exclusively (writers
hold it shared for the moment of their writes, so no file appears meanwhile), a complete copy of
the directory is built beside it — the merged file plus hard links of every file that was not an
input — and swapped with the live directory in **one** ``renameat2(RENAME_EXCHANGE)`` call: a
reader's ``responses/**/*.parquet`` glob sees either the inputs or the merged file, never both,
never neither. The old directory (the inputs) is then deleted. A query that listed the inputs
before the swap and opens one after it gets "file not found" (its files are gone), never a
double count: retry it. Linux only (``renameat2``, ext4/xfs/btrfs/tmpfs).

The merged file is named ``compacted-DIGEST.parquet`` (DIGEST of the input names): it does not
start with ``part-PPP-`` so the processor's crash sweep never mistakes it for an orphan.
"""
from __future__ import annotations

import ctypes
import logging
import os
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset import layout
from dataset.durable import dataset_lock, fsync_dir
from dataset.files import write_parquet
from dataset.schema import ANSWERS_SCHEMA, RESPONSES_SCHEMA

log = logging.getLogger("ascolto.compact")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = ctypes.CDLL(None, use_errno=True)


def exchange(a: Path, b: Path) -> None:
    """Atomically swap two paths (same filesystem)."""
    if _libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"renameat2(RENAME_EXCHANGE) {a} <-> {b}: {os.strerror(err)}")


def _read(files: list[Path], schema: pa.Schema) -> pa.Table:
    tables = []
    for f in files:
        t = pq.ParquetFile(f).read()
        cols = [t.column(n).cast(schema.field(n).type) if n in t.column_names
                else pa.nulls(t.num_rows, schema.field(n).type) for n in schema.names]
        tables.append(pa.Table.from_arrays(cols, schema=schema))
    table = pa.concat_tables(tables)
    return table.take(pc.sort_indices(table, [("kafka_partition", "ascending"), ("kafka_offset", "ascending")]))


def compact(data_dir: Path, min_rows: int = 100_000) -> list[dict]:
    """Compact every hive directory of ``responses`` (and ``answers``); returns what was merged."""
    data_dir = Path(data_dir)
    responses = data_dir / "responses"
    done = []
    for leaf in sorted(responses.glob("period=*/pa_type=*")) if responses.exists() else []:
        rel = leaf.relative_to(responses)
        small = [f for f in sorted(leaf.glob("*.parquet")) if pq.ParquetFile(f).metadata.num_rows < min_rows]
        if len(small) < 2:
            continue
        staging = data_dir / ".staging" / f"compact-{uuid.uuid4().hex[:12]}"
        try:
            done.append(_compact_leaf(data_dir, rel, small, staging))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return done


def _compact_leaf(data_dir: Path, rel: Path, small: list[Path], staging: Path) -> dict:
    names = [f.name for f in small]
    name = layout.compacted_name(names)
    merged = _read(small, RESPONSES_SCHEMA)
    ids = merged.column("submission_id")
    if pc.count_distinct(ids).as_py() != len(ids):
        raise RuntimeError(f"{rel}: the inputs hold duplicate submission ids; not compacting")
    answer_inputs = [data_dir / "answers" / rel / n for n in names if (data_dir / "answers" / rel / n).exists()]
    plan = [("responses", merged, RESPONSES_SCHEMA, names)]
    if answer_inputs:
        plan.append(("answers", _read(answer_inputs, ANSWERS_SCHEMA), ANSWERS_SCHEMA, [f.name for f in answer_inputs]))
    for dataset, table, _, _ in plan:
        new = staging / dataset / rel
        new.mkdir(parents=True)
        write_parquet(new / name, table)
    with dataset_lock(data_dir, exclusive=True):
        live = {dataset: data_dir / dataset / rel for dataset, *_ in plan}
        for dataset, _, _, inputs in plan:
            missing = [n for n in inputs if not (live[dataset] / n).exists()]
            if missing:  # another compaction got there first
                log.warning("%s/%s: inputs gone (%s); skipped", dataset, rel, missing[:3])
                return {"dir": str(rel), "inputs": 0, "rows": 0, "file": None}
        for dataset, _, _, inputs in plan:
            new, cur = staging / dataset / rel, live[dataset]
            for f in cur.iterdir():
                if f.name not in inputs:
                    os.link(f, new / f.name)
            fsync_dir(new)
            exchange(new, cur)
            fsync_dir(cur.parent)
    log.info("compacted %s: %d files, %d rows -> %s", rel, len(small), merged.num_rows, name)
    return {"dir": str(rel), "inputs": len(small), "rows": merged.num_rows, "file": name}
