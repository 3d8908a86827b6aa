"""Durable, idempotent writes of row batches into the hive-partitioned ``responses`` dataset.

Layout: ``responses/period=YYYY-MM/pa_type=XX/part-PPP-FIRST-LAST-DIGEST.parquet`` where PPP is the
Kafka partition, FIRST/LAST the offsets of the batch and DIGEST a hash of the file's submission
ids: a replayed batch with the same rows rewrites the same file instead of adding one, and a
batch that merely reuses offsets (a topic recreated, offsets restarting at 0) can never
overwrite another batch's file. Each file is written under a hidden temporary name, fsynced,
renamed into place and its directory fsynced before :meth:`ParquetSink.write` returns.
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .canonical import RESPONSES_SCHEMA


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ParquetSink:
    def __init__(self, root: Path):
        self.root = Path(root)

    def write(self, rows: list[dict[str, Any]], partition: int, first: int, last: int) -> list[Path]:
        """Write ``rows`` (from Kafka ``partition``, offsets ``first``..``last``) durably."""
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in rows:
            groups[(row["period"], row["pa_type"])].append(row)
        written = []
        for (period, pa_type), group in sorted(groups.items()):
            directory = self.root / f"period={period}" / f"pa_type={pa_type}"
            directory.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256("\n".join(sorted(r["submission_id"] for r in group)).encode()).hexdigest()[:12]
            name = f"part-{partition:03d}-{first:012d}-{last:012d}-{digest}.parquet"
            tmp = directory / f".{name}.tmp"
            table = pa.Table.from_pylist(group, schema=RESPONSES_SCHEMA)
            with open(tmp, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, directory / name)
            _fsync_dir(directory)
            written.append(directory / name)
        return written

    def submission_ids(self) -> set[str]:
        """Every ``submission_id`` already in the dataset (the dedup state after a restart)."""
        if not self.root.exists() or not any(self.root.rglob("*.parquet")):
            return set()
        dataset = ds.dataset(self.root, format="parquet", partitioning="hive")
        return set(dataset.to_table(columns=["submission_id"]).column("submission_id").to_pylist())

