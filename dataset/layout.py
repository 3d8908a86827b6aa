"""Where the dataset's files live and how they are named (stdlib only).

::

    $DATA/responses/period=YYYY-MM/pa_type=XX/part-PPP-FIRST-LAST-DIGEST.parquet   one row per submission
    $DATA/answers/period=YYYY-MM/pa_type=XX/part-PPP-FIRST-LAST-DIGEST.parquet     same names; long form
    $DATA/failed/date=YYYY-MM-DD/failed-PPP-FIRST-LAST-DIGEST.parquet              typed dead letters
    $DATA/test/date=YYYY-MM-DD/part-PPP-FIRST-LAST-DIGEST.parquet                  check-up answers, never counted
    $DATA/responses/…/compacted-DIGEST.parquet                                      output of compaction

PPP is the Kafka partition, FIRST/LAST the offsets of the batch and DIGEST a hash of the file's
submission ids: a replayed batch with the same rows rewrites the same file instead of adding one,
and a batch that merely reuses offsets (a topic recreated) can never overwrite another's file.
Module indicators are stored in ``responses.module_scores`` and in ``answers`` (no directory of
their own). ``period`` and ``pa_type`` are hive partition directories, not file columns.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

RESPONSES, ANSWERS, FAILED = "responses", "answers", "failed"
#: Check-up answers (a service's test mode, the widget's ``data-test``): apart from the statistics
#: (:mod:`dataset.testrows`); nothing that counts reads it.
TEST = "test"
#: The datasets holding rows per submission (written together, compacted and purged together).
ROW_DATASETS = (ANSWERS, RESPONSES)
PART_GLOB = "period=*/pa_type=*"
#: DuckDB's hive types of the partition columns (strings, never inferred as numbers or dates).
HIVE_TYPES = {"period": "VARCHAR", "pa_type": "VARCHAR"}


def partition_dir(period: str, pa_type: str) -> Path:
    """The hive directory (relative to a dataset root) of one (period, PA type)."""
    return Path(f"period={period}") / f"pa_type={pa_type}"


def date_dir(day: str) -> Path:
    """The directory (relative to its root) of one day ``YYYY-MM-DD`` of ``failed`` or ``test``."""
    return Path(f"date={day}")


def digest(names: Iterable[str], length: int = 12) -> str:
    """A short, order-independent hash of names (submission ids, input file names)."""
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:length]


def part_name(partition: int, first: int, last: int, submission_ids: Iterable[str]) -> str:
    """The file name of a batch's rows of one Kafka partition (see the module docstring)."""
    return f"part-{partition:03d}-{first:012d}-{last:012d}-{digest(submission_ids)}.parquet"


def part_prefix(partition: int) -> str:
    """The prefix of every file name written from Kafka ``partition`` (its crash sweep matches it)."""
    return f"part-{partition:03d}-"


def compacted_name(input_names: Iterable[str]) -> str:
    """The merged file of a compaction; does not start with ``part-`` so no crash sweep removes it."""
    return f"compacted-{digest(input_names, 16)}.parquet"


def parquet_files(root: Path) -> list[Path]:
    """The visible Parquet files under a dataset root (temporary ``.NAME.tmp`` files excluded), sorted."""
    root = Path(root)
    return sorted(p for p in root.rglob("*.parquet") if not p.name.startswith(".")) if root.is_dir() else []
