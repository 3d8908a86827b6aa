"""Durable Parquet writes of row batches, the crash sweep, and reads that survive compaction.

Write contract (:func:`write_rows`): for one batch of one Kafka partition, per hive directory, the
``answers`` file is written before the ``responses`` file, each atomically
(:func:`dataset.durable.atomic_write`), all under the shared dataset lock (so compaction never
swaps a directory under a write). A responses file therefore always has its answers; an answers
file without its responses file is the leftover of a crash before the offsets were committed,
removed by :func:`sweep` when the partition is next assigned (the replay writes it again).

Read contract (:func:`read_listed`): list files and read them while holding the shared lock, so
that compaction (exclusive for its swap) cannot remove a listed file in between; or, for reads
that cannot hold the lock (a lazy DuckDB view), :func:`read_retrying`.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Collection, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import layout
from .durable import atomic_write, dataset_lock
from .schema import RESPONSES_SCHEMA

log = logging.getLogger("ascolto.dataset")
T = TypeVar("T")


def write_parquet(path: Path, table: pa.Table, sync_dir: bool = True) -> None:
    """``table`` at ``path`` durably (zstd; temporary name, fsync, rename, fsync of the directory)."""
    atomic_write(path, lambda fh: pq.write_table(table, fh, compression="zstd"), sync_dir=sync_dir)


def write_rows(data_dir: Path, tables: dict[tuple[str, str], tuple[pa.Table, pa.Table]], partition: int,
               first: int, last: int) -> list[Path]:
    """Write ``{(period, pa_type): (responses, answers)}`` of one batch of Kafka ``partition`` (offsets
    ``first``..``last``); returns the responses files. Idempotent for the same rows (same names).

    Each answers file is written before its responses file: a responses file on disk means its answers
    are too (:func:`sweep` removes answers left without one; the backup runbook copies ``responses/``
    before ``answers/`` on this ground, docs/operations.md)."""
    data_dir = Path(data_dir)
    written = []
    with dataset_lock(data_dir):
        for (period, pa_type), (responses, answers) in sorted(tables.items()):
            rel = layout.partition_dir(period, pa_type)
            name = layout.part_name(partition, first, last, responses.column("submission_id").to_pylist())
            for dataset, table in ((layout.ANSWERS, answers), (layout.RESPONSES, responses)):
                directory = data_dir / dataset / rel
                directory.mkdir(parents=True, exist_ok=True)
                write_parquet(directory / name, table)
            written.append(data_dir / layout.RESPONSES / rel / name)
    return written


def sweep(data_dir: Path, partition: int) -> int:
    """Remove leftovers of a crash for Kafka ``partition``: temporary files (of ``test/`` too) and answers
    files without their responses file. Call only for partitions this process owns. Returns files removed."""
    data_dir = Path(data_dir)
    responses, answers = data_dir / layout.RESPONSES, data_dir / layout.ANSWERS
    prefix = layout.part_prefix(partition)
    removed = 0
    with dataset_lock(data_dir):
        for root in (responses, answers, data_dir / layout.TEST):
            for tmp in root.rglob(f".{prefix}*.tmp") if root.exists() else ():
                tmp.unlink(missing_ok=True)
                removed += 1
        if answers.exists():
            for f in answers.rglob(f"{prefix}*.parquet"):
                if not (responses / f.relative_to(answers)).exists():
                    log.info("removing answers of an uncommitted batch: %s", f)
                    f.unlink(missing_ok=True)
                    removed += 1
    return removed


def read_retrying(fn: Callable[[], T], attempts: int = 8) -> T:
    """Run a dataset read; retry when compaction moved a listed file away in between."""
    for i in range(attempts):
        try:
            return fn()
        except (FileNotFoundError, OSError) as exc:
            vanished = isinstance(exc, FileNotFoundError) or "No such file" in str(exc)
            if i == attempts - 1 or not vanished:
                raise
            time.sleep(0.05 * (i + 1))
    raise AssertionError("unreachable")


def read_listed(data_dir: Path, root: Path, read: Callable[[list[Path]], T]) -> T:
    """``read(files)`` of the Parquet files under ``root``, listed and read under the shared dataset lock
    (compaction and purge cannot remove one in between); retried should the lock not cover a remover."""
    def attempt() -> T:
        with dataset_lock(data_dir):
            return read(layout.parquet_files(root))
    return read_retrying(attempt)


def submission_ids(data_dir: Path, partition: int | None = None, services: Collection[str] = ()) -> list[str]:
    """The ``submission_id``s already stored (of one Kafka partition, or all): in ``responses`` and among
    the check-ups (``test/``, :mod:`dataset.testrows`) — a submission is stored once, in one place.

    With ``partition``, also the rows of ``services`` wherever they were written: the processor passes the
    services the topic's partition count now sends to ``partition``, so that a retry arriving there after
    the count changed meets the row its first copy left in another partition."""
    schema = pa.schema([RESPONSES_SCHEMA.field("submission_id"), RESPONSES_SCHEMA.field("kafka_partition"),
                        RESPONSES_SCHEMA.field("service")])

    def read(files: list[Path]) -> list[str]:
        if not files:
            return []
        dataset = ds.dataset([str(f) for f in files], format="parquet", schema=schema)
        flt = None if partition is None else ds.field("kafka_partition") == partition
        if flt is not None and services:
            flt = flt | ds.field("service").isin(pa.array(sorted(services), pa.string()))
        return dataset.to_table(columns=["submission_id"], filter=flt).column("submission_id").to_pylist()
    return [sid for name in (layout.RESPONSES, layout.TEST) for sid in read_listed(data_dir, Path(data_dir) / name, read)]


def stored_services(data_dir: Path) -> set[str]:
    """The services of every row stored in ``responses`` and ``test/``."""
    schema = pa.schema([RESPONSES_SCHEMA.field("service")])

    def read(files: list[Path]) -> set[str]:
        if not files:
            return set()
        column = ds.dataset([str(f) for f in files], format="parquet", schema=schema).to_table(columns=["service"])
        return set(pc.unique(column.column("service")).drop_null().to_pylist())
    return {s for name in (layout.RESPONSES, layout.TEST) for s in read_listed(data_dir, Path(data_dir) / name, read)}
