"""Durable, idempotent writes of row batches into the hive-partitioned ``responses`` and ``answers`` datasets.

Layout: ``responses/period=YYYY-MM/pa_type=XX/part-PPP-FIRST-LAST-DIGEST.parquet`` where PPP is the
Kafka partition, FIRST/LAST the offsets of the batch and DIGEST a hash of the file's submission
ids: a replayed batch with the same rows rewrites the same file instead of adding one, and a
batch that merely reuses offsets (a topic recreated, offsets restarting at 0) can never
overwrite another batch's file. ``answers/`` has the same directories and file names.

Each file is written under a hidden temporary name (``.NAME.tmp``, which no reader's
``*.parquet`` glob matches), fsynced, renamed into place and its directory fsynced. The answers
file of a batch is written before its responses file: a responses file therefore always has its
answers, and an answers file without its responses file is the leftover of a crash before the
commit, removed by :meth:`ParquetSink.sweep` when the partition is next assigned (the replay
writes it again). Writes hold the dataset lock shared, so that compaction (which holds it
exclusively for the moment of its directory swap) never swaps a directory under a write.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .canonical import ANSWERS_SCHEMA, RESPONSES_SCHEMA

log = logging.getLogger("ascolto.processor")
LOCK_NAME = ".dataset.lock"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def dataset_lock(data_dir: Path, exclusive: bool = False) -> Iterator[None]:
    """The advisory lock between writers (shared) and compaction's directory swaps (exclusive)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_NAME, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_parquet(path: Path, table: pa.Table) -> None:
    """``table`` at ``path`` durably: temporary name, fsync, rename, fsync of the directory."""
    tmp = path.parent / f".{path.name}.tmp"
    with open(tmp, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _groups(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["period"], row["pa_type"])].append(row)
    return groups


def read_retrying(fn, attempts: int = 8):
    """Run a dataset read; retry when compaction moved a listed file away in between."""
    for i in range(attempts):
        try:
            return fn()
        except (FileNotFoundError, OSError) as exc:
            if i == attempts - 1 or "No such file" not in str(exc) and not isinstance(exc, FileNotFoundError):
                raise
            time.sleep(0.05 * (i + 1))


class ParquetSink:
    def __init__(self, data_dir: Path, keyer=None):
        """``keyer``: ``submission_ids -> record keys`` (:func:`ascolto.recordkey.keyer`) filling ``record_key``."""
        self.data_dir = Path(data_dir)
        self.keyer = keyer
        self.root = self.data_dir / "responses"
        self.answers_root = self.data_dir / "answers"

    def write(self, rows: list[dict[str, Any]], answer_rows: list[dict[str, Any]], partition: int, first: int,
              last: int) -> list[Path]:
        """Write ``rows`` and their ``answer_rows`` (from Kafka ``partition``, offsets ``first``..``last``) durably."""
        answers: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in answer_rows:
            answers[(row["period"], row["pa_type"])].append(row)
        return self._write(_groups(rows), partition, first, last, lambda key, group, responses: pa.Table.from_pylist(
            answers[key], schema=ANSWERS_SCHEMA))

    def write_works(self, works: list, partition: int, first: int, last: int) -> list[Path]:
        """:meth:`write` for processed envelopes (:class:`processor.steps.Work`), the tables built column-wise:
        the answers' per-submission columns are the responses' columns repeated (Arrow ``take``)."""
        by_row = {id(w.row): w.answer_items for w in works}

        def answers_table(key, group: list[dict], responses: pa.Table) -> pa.Table:
            items = [by_row[id(r)] for r in group]
            flat = [t for ts in items for t in ts]
            index = pa.array(np.repeat(np.arange(len(group), dtype=np.int64), [len(ts) for ts in items]))
            cols = list(zip(*flat)) if flat else [()] * 5
            own = dict(zip(("item", "item_type", "value", "indicator", "score"), cols))
            return pa.Table.from_arrays(
                [responses.column(f.name).take(index) if f.name not in own else pa.array(own[f.name], f.type)
                 for f in ANSWERS_SCHEMA], schema=ANSWERS_SCHEMA)
        return self._write(_groups([w.row for w in works]), partition, first, last, answers_table)

    def _write(self, groups: dict, partition: int, first: int, last: int, answers_table) -> list[Path]:
        written = []
        with dataset_lock(self.data_dir):
            for (period, pa_type), group in sorted(groups.items()):
                rel = Path(f"period={period}") / f"pa_type={pa_type}"
                digest = hashlib.sha256("\n".join(sorted(r["submission_id"] for r in group)).encode()).hexdigest()[:12]
                name = f"part-{partition:03d}-{first:012d}-{last:012d}-{digest}.parquet"
                responses = pa.Table.from_pylist(group, schema=RESPONSES_SCHEMA)
                if self.keyer is not None:
                    i = RESPONSES_SCHEMA.get_field_index("record_key")
                    keys = self.keyer(responses.column("submission_id").to_pylist())
                    responses = responses.set_column(i, RESPONSES_SCHEMA.field(i), pa.array(keys, pa.float64()))
                answers = answers_table((period, pa_type), group, responses)
                for root, table in ((self.answers_root, answers), (self.root, responses)):
                    directory = root / rel
                    directory.mkdir(parents=True, exist_ok=True)
                    write_parquet(directory / name, table)
                    fsync_dir(directory)
                written.append(self.root / rel / name)
        return written

    def submission_ids(self, partition: int | None = None) -> list[str]:
        """The ``submission_id``s already in ``responses`` (of one Kafka partition, or all)."""
        if not self.root.exists():
            return []

        def read() -> list[str]:
            files = [str(p) for p in self.root.rglob("*.parquet")]
            if not files:
                return []
            dataset = ds.dataset(files, format="parquet", schema=pa.schema([RESPONSES_SCHEMA.field("submission_id"),
                                                   RESPONSES_SCHEMA.field("kafka_partition")]))
            flt = None if partition is None else ds.field("kafka_partition") == partition
            return dataset.to_table(columns=["submission_id"], filter=flt).column("submission_id").to_pylist()
        return read_retrying(read)

    def sweep(self, partition: int) -> int:
        """Remove leftovers of a crash for ``partition``: temporary files and answers files without
        their responses file. Call only for partitions this process owns. Returns files removed."""
        removed = 0
        with dataset_lock(self.data_dir):
            for root in (self.root, self.answers_root):
                for tmp in root.rglob(f".part-{partition:03d}-*.tmp") if root.exists() else ():
                    tmp.unlink(missing_ok=True)
                    removed += 1
            if self.answers_root.exists():
                for f in self.answers_root.rglob(f"part-{partition:03d}-*.parquet"):
                    if not (self.root / f.relative_to(self.answers_root)).exists():
                        log.info("removing answers of an uncommitted batch: %s", f)
                        f.unlink(missing_ok=True)
                        removed += 1
        return removed
