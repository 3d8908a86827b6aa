"""Compaction: merge the small files of each hive directory into one file, safely while processors run.

For each ``responses/period=…/pa_type=…`` directory with at least two files under
``compact_min_rows`` rows, the small files are read, merged (ordered by Kafka partition and offset)
and written, with the matching ``answers`` files merged the same way, under a staging directory
(``$DATA/.staging``, outside every dataset). Then, holding the dataset lock exclusively (writers
hold it shared for the moment of their writes, so no file appears meanwhile), each dataset's
directory is changed — ``answers`` first, so that a crash in between never leaves a responses file
without its answers — in one of two ways, by what the filesystem can do:

- **Swap** (ext4, xfs, btrfs, tmpfs): a complete copy of the directory is built beside it — the merged
  file plus hard links of every file that was not an input — and swapped with the live directory in
  **one** ``renameat2(RENAME_EXCHANGE)`` call: even an unlocked ``responses/**/*.parquet`` glob sees
  either the inputs or the merged file, never both, never neither. The old directory is then deleted.
- **Supersede** (NFS, CephFS, SMB and the other shared filesystems: no ``RENAME_EXCHANGE``): a
  supersedes file naming the inputs is written, the merged file is renamed in beside them, the inputs
  are removed, then the supersedes file (:mod:`dataset.layout`, "Superseded files"). Every listed read
  (:func:`dataset.layout.parquet_files`: the rollup behind every published figure, the exports'
  and the processor's reads) leaves the named inputs out from the moment the merged file appears, and
  a pass cut short by a crash is finished by the next (:func:`finish_superseded`). The first such pass
  marks the volume (:func:`mark_superseding`) and waits for the globbing readers to switch to views
  that read the supersedes files too (:mod:`dataset.views`); a glob outside Ascolto must do the same.

A query that listed the inputs before the change and opens one after it gets "file not found", never a
double count: retry it. Linux only (``renameat2``; the supersede path needs only rename and unlink).

The merged file is named ``compacted-DIGEST.parquet`` (DIGEST of the input names): it does not
start with ``part-PPP-`` so the processor's crash sweep never mistakes it for an orphan.
"""
from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset import layout
from dataset.durable import atomic_write, dataset_lock, fsync_dir
from dataset.files import write_parquet
from dataset.schema import ANSWERS_SCHEMA, RESPONSES_SCHEMA

log = logging.getLogger("ascolto.compact")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = ctypes.CDLL(None, use_errno=True)


#: What ``renameat2(RENAME_EXCHANGE)`` answers where the filesystem (NFS, CephFS, SMB, FUSE) or the
#: kernel cannot do it.
_UNSUPPORTED = {errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS}


def exchange(a: Path, b: Path) -> None:
    """Atomically swap two paths (same filesystem). Raises OSError (errno in ``_UNSUPPORTED`` where the
    filesystem cannot)."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is None:  # a C library without it
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"renameat2(RENAME_EXCHANGE) {a} <-> {b}: {os.strerror(err)}")


def can_swap(staging: Path) -> bool:
    """Whether the filesystem of ``staging`` swaps two directories in one call (tried on two empty ones)."""
    a, b = staging / "probe-a", staging / "probe-b"
    a.mkdir(parents=True, exist_ok=True)
    b.mkdir(exist_ok=True)
    try:
        exchange(a, b)
        return True
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
        log.info("the dataset's filesystem has no RENAME_EXCHANGE: compaction supersedes its inputs")
        return False
    finally:
        a.rmdir()
        b.rmdir()


def finish_superseded(data_dir: Path) -> int:
    """Finish what a compaction cut short on the supersede path: remove the inputs named by each
    supersedes file whose merged file exists, then the supersedes file; a supersedes file without its
    merged file (cut before the rename) is removed alone. Takes the dataset lock exclusively; returns
    the files removed."""
    data_dir = Path(data_dir)
    removed = 0
    with dataset_lock(data_dir, exclusive=True):
        for dataset in layout.ROW_DATASETS:
            root = data_dir / dataset
            for sup in sorted(root.glob(f"{layout.PART_GLOB}/*.parquet{layout.SUPERSEDES}")) if root.is_dir() else ():
                leaf, merged = sup.parent, sup.name[:-len(layout.SUPERSEDES)]
                if (leaf / merged).exists():
                    for name in sorted(layout.superseded(leaf, [sup.name, merged])):
                        if (leaf / name).exists():
                            (leaf / name).unlink()
                            removed += 1
                    fsync_dir(leaf)
                sup.unlink()
                fsync_dir(leaf)
                removed += 1
    return removed


def _supersede(merged: Path, live: Path, inputs: list[str]) -> None:
    """The supersede path for one directory (module docstring): the supersedes file, the merged file
    renamed in, the inputs removed, the supersedes file removed; each step durable before the next."""
    sup = live / layout.supersedes_name(merged.name)
    atomic_write(sup, lambda fh: fh.write(json.dumps(sorted(inputs)).encode("utf-8")))
    os.replace(merged, live / merged.name)
    fsync_dir(live)
    for name in inputs:
        (live / name).unlink(missing_ok=True)
    fsync_dir(live)
    sup.unlink()
    fsync_dir(live)


def _read(files: list[Path], schema: pa.Schema) -> pa.Table:
    tables = []
    for f in files:
        t = pq.ParquetFile(f).read()
        cols = [t.column(n).cast(schema.field(n).type) if n in t.column_names
                else pa.nulls(t.num_rows, schema.field(n).type) for n in schema.names]
        tables.append(pa.Table.from_arrays(cols, schema=schema))
    table = pa.concat_tables(tables)
    return table.take(pc.sort_indices(table, [("kafka_partition", "ascending"), ("kafka_offset", "ascending")]))


def mark_superseding(data_dir: Path, settle_s: float) -> None:
    """Mark the volume as one where compaction supersedes (:data:`dataset.layout.SUPERSEDING`), once: the
    globbing readers switch to views that read the supersedes files at their next freshness check, so the
    first marking waits ``settle_s`` (longer than their check interval) before anything is superseded."""
    mark = Path(data_dir) / layout.SUPERSEDING
    if mark.exists():
        return
    atomic_write(mark, lambda fh: fh.write(b"compaction supersedes on this volume (no RENAME_EXCHANGE): "
                                           b"processor/compact.py\n"))
    log.warning("the volume has no RENAME_EXCHANGE: marked as superseding; waiting %.0f s for readers", settle_s)
    time.sleep(settle_s)


def compact(data_dir: Path, min_rows: int = 100_000, settle_s: float = 15.0) -> list[dict]:
    """Compact every hive directory of ``responses`` (and ``answers``); returns what was merged, a dict a
    directory: ``dir``, ``inputs``, ``rows``, ``file`` (None: skipped) and ``how`` (``swap`` or ``supersede``).
    ``settle_s``: how long the first pass that marks the volume as superseding waits (:func:`mark_superseding`)."""
    data_dir = Path(data_dir)
    responses = data_dir / "responses"
    if finished := finish_superseded(data_dir):  # a pass cut short on the supersede path
        log.warning("finished a compaction cut short: %d superseded files removed", finished)
    done: list[dict] = []
    swap: bool | None = None  # known at the first directory to compact
    for leaf in sorted(responses.glob(layout.PART_GLOB)) if responses.exists() else []:
        rel = leaf.relative_to(responses)
        small = [leaf / n for n in layout.visible(leaf, os.listdir(leaf))
                 if pq.ParquetFile(leaf / n).metadata.num_rows < min_rows]
        if len(small) < 2:
            continue
        staging = data_dir / ".staging" / f"compact-{uuid.uuid4().hex[:12]}"
        try:
            if swap is None:
                swap = can_swap(staging)
                if not swap:
                    mark_superseding(data_dir, settle_s)
            done.append(_compact_leaf(data_dir, rel, small, staging, swap))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return done


def _compact_leaf(data_dir: Path, rel: Path, small: list[Path], staging: Path, swap: bool = True) -> dict:
    names = [f.name for f in small]
    name = layout.compacted_name(names)
    merged = _read(small, RESPONSES_SCHEMA)
    ids = merged.column("submission_id")
    if pc.count_distinct(ids).as_py() != len(ids):
        raise RuntimeError(f"{rel}: the inputs hold duplicate submission ids; not compacting")
    answer_inputs = [data_dir / "answers" / rel / n for n in names if (data_dir / "answers" / rel / n).exists()]
    plan = [("responses", merged, RESPONSES_SCHEMA, names)]
    if answer_inputs:  # answers first: a responses file on disk means its answers are too (dataset.files)
        plan.insert(0, ("answers", _read(answer_inputs, ANSWERS_SCHEMA), ANSWERS_SCHEMA, [f.name for f in answer_inputs]))
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
                return {"dir": str(rel), "inputs": 0, "rows": 0, "file": None, "how": "swap" if swap else "supersede"}
        for dataset, _, _, inputs in plan:
            new, cur = staging / dataset / rel, live[dataset]
            if not swap:
                _supersede(new / name, cur, inputs)
                continue
            for f in cur.iterdir():
                if f.name not in inputs:
                    os.link(f, new / f.name)
            fsync_dir(new)
            exchange(new, cur)
            fsync_dir(cur.parent)
    log.info("compacted %s: %d files, %d rows -> %s", rel, len(small), merged.num_rows, name)
    return {"dir": str(rel), "inputs": len(small), "rows": merged.num_rows, "file": name,
            "how": "swap" if swap else "supersede"}
