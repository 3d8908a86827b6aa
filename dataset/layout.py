"""Where the dataset's files live and how they are named (stdlib only).

::

    $DATA/responses/period=YYYY-MM/pa_type=XX/part-PPP-FIRST-LAST-DIGEST.parquet   one row per submission
    $DATA/answers/period=YYYY-MM/pa_type=XX/part-PPP-FIRST-LAST-DIGEST.parquet     same names; long form
    $DATA/failed/date=YYYY-MM-DD/failed-PPP-FIRST-LAST-DIGEST.parquet              typed dead letters
    $DATA/test/date=YYYY-MM-DD/part-PPP-FIRST-LAST-DIGEST.parquet                  check-up answers, never counted
    $DATA/responses/…/compacted-DIGEST.parquet                                      output of compaction
    $DATA/responses/…/compacted-DIGEST.parquet.inputs   the inputs it supersedes, while they may still be there

PPP is the Kafka partition, FIRST/LAST the offsets of the batch and DIGEST a hash of the file's
submission ids: a replayed batch with the same rows rewrites the same file instead of adding one,
and a batch that merely reuses offsets (a topic recreated) can never overwrite another's file.
Module indicators are stored in ``responses.module_scores`` and in ``answers`` (no directory of
their own). ``period`` and ``pa_type`` are hive partition directories, not file columns.

**Superseded files.** Where the filesystem cannot swap two directories in one call (NFS, CephFS, SMB:
no ``RENAME_EXCHANGE``), compaction links its merged file in beside its inputs and then removes them
(:mod:`processor.compact`). For that moment, and after a crash within it, a *supersedes* file
``compacted-DIGEST.parquet.inputs`` beside the merged file names the inputs (JSON list); every listing
here leaves out a file named by the supersedes file of a merged file that exists
(:func:`superseded`), so a listed read never counts a row twice; a globbing reader does the same
in SQL once the volume is marked as superseding (:data:`SUPERSEDING`, :mod:`dataset.views`).
"""
from __future__ import annotations

import hashlib
import json
import os
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


#: The suffix of a supersedes file (``compacted-DIGEST.parquet`` + it); no reader's ``*.parquet`` matches it.
SUPERSEDES = ".inputs"
#: ``$DATA/`` + this: compaction supersedes on this volume (written once, before its first supersede, and
#: kept); a globbing reader that finds it reads the supersedes files too (:mod:`dataset.views`).
SUPERSEDING = ".compaction-supersedes"


def superseding(data_dir: Path) -> bool:
    """Whether compaction supersedes on the volume of ``data_dir`` (:data:`SUPERSEDING`)."""
    return (Path(data_dir) / SUPERSEDING).exists()


def supersedes_name(merged: str) -> str:
    """The name of the supersedes file of the merged file ``merged`` (see the module docstring)."""
    return merged + SUPERSEDES


def superseded(directory: Path, names: Iterable[str]) -> set[str]:
    """Of a directory's file ``names``, those superseded: named by the supersedes file of a merged file
    that is among ``names``. A supersedes file whose merged file is absent (a crash before the merged
    file was linked in) supersedes nothing; one that cannot be read or parsed supersedes nothing either
    (compaction writes it whole, atomically, before the merged file appears)."""
    names = set(names)
    out: set[str] = set()
    for name in names:
        if name.endswith(".parquet" + SUPERSEDES) and name[:-len(SUPERSEDES)] in names:
            try:
                listed = json.loads((Path(directory) / name).read_text("utf-8"))
            except (OSError, ValueError):
                continue
            out.update(n for n in listed if isinstance(n, str) and n != name[:-len(SUPERSEDES)])
    return out


def visible(directory: Path, names: Iterable[str]) -> list[str]:
    """Of a directory's file ``names``, the Parquet files a reader counts, sorted: no temporary
    (``.NAME.tmp``) or hidden file, no file superseded by a merged one."""
    names = list(names)
    gone = superseded(directory, names) if any(n.endswith(SUPERSEDES) for n in names) else set()
    return sorted(n for n in names if n.endswith(".parquet") and not n.startswith(".") and n not in gone)


def parquet_files(root: Path) -> list[Path]:
    """The Parquet files a reader counts under a dataset root (:func:`visible` of each directory), sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    out = []
    for directory, _, names in os.walk(root):
        out.extend(Path(directory) / n for n in visible(directory, names))
    return sorted(out)


def any_parquet(root: Path) -> bool:
    """Whether a dataset root holds any Parquet file a reader counts (stops at the first)."""
    root = Path(root)
    return root.is_dir() and next((p for p in root.rglob("*.parquet") if not p.name.startswith(".")), None) is not None
