"""Retention: remove raw answers and free text older than the policy, keep every indicator.

``purge(data_dir, before)`` works on whole months: every ``period=YYYY-MM`` strictly before the
month of ``before`` is purged. In ``responses`` the ``comment`` column becomes null and the raw
``answers`` map empty — each file rewritten under a temporary name, fsynced and renamed over the
original, so a reader sees the old or the new file, never neither, and the indicator columns the
aggregates are built from are unchanged. The long ``answers`` dataset and the ``failed/`` records
(raw values) of those months are deleted, and so are the check-up answers (``test/``, never counted)
of the days before ``before``. Writers are held off by the dataset lock meanwhile.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataset.durable import dataset_lock
from dataset.files import write_parquet

log = logging.getLogger("ascolto.purge")


@dataclass
class PurgeReport:
    periods: list[str] = field(default_factory=list)
    files_rewritten: int = 0
    comments_removed: int = 0
    answer_maps_emptied: int = 0
    answers_files_deleted: int = 0
    failed_files_deleted: int = 0
    test_files_deleted: int = 0


def _period(path: Path) -> str | None:
    for part in path.parts:
        if part.startswith("period="):
            return part.removeprefix("period=")
    return None


def keep_months_cutoff(months: int, today: date) -> date:
    """The ``before`` that keeps the last ``months`` whole months before ``today``'s month (and that
    month): the first day of the month ``months`` months before it. ``months`` ≥ 1."""
    if months < 1:
        raise ValueError("months must be at least 1")
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def purge(data_dir: Path, before: date, *, dry_run: bool = False) -> PurgeReport:
    """Purge raw answers and free text of every month before ``before``'s month; report what went.

    With ``dry_run`` nothing is changed and the report says what would be.
    """
    cutoff = before.strftime("%Y-%m")
    report = PurgeReport()
    data_dir = Path(data_dir)
    # every file, a compaction's superseded inputs too (dataset.layout): no reader counts them, but they
    # hold the same free text
    responses = sorted(p for p in (data_dir / "responses").glob("period=*/pa_type=*/*.parquet")
                       if (_period(p) or "9999") < cutoff)
    answers = sorted(p for p in (data_dir / "answers").glob("period=*/**/*.parquet")
                     if (_period(p) or "9999") < cutoff)
    failed = sorted(p for p in (data_dir / "failed").glob("date=*/*.parquet")
                    if p.parent.name.removeprefix("date=") < before.isoformat())
    tests = sorted(p for p in (data_dir / "test").glob("date=*/*.parquet")
                   if p.parent.name.removeprefix("date=") < before.isoformat())
    report.periods = sorted({_period(p) for p in responses + answers if _period(p)})
    for path in responses:
        table = pq.read_table(path)
        comments = table.num_rows - table.column("comment").null_count if "comment" in table.column_names else 0
        maps = 0
        if "answers" in table.column_names:
            maps = sum(1 for m in table.column("answers").to_pylist() if m)
        if not comments and not maps:
            continue
        report.files_rewritten += 1
        report.comments_removed += comments
        report.answer_maps_emptied += maps
        if dry_run:
            continue
        if "comment" in table.column_names:
            i = table.column_names.index("comment")
            table = table.set_column(i, table.schema.field(i), pa.nulls(table.num_rows, table.schema.field(i).type))
        if "answers" in table.column_names:
            i = table.column_names.index("answers")
            empty = pa.array([[] for _ in range(table.num_rows)], type=table.schema.field(i).type)
            table = table.set_column(i, table.schema.field(i), empty)
        with dataset_lock(data_dir, exclusive=True):
            write_parquet(path, table)
    report.answers_files_deleted = len(answers)
    report.failed_files_deleted = len(failed)
    report.test_files_deleted = len(tests)
    if not dry_run:
        with dataset_lock(data_dir, exclusive=True):
            for path in answers + failed + tests:
                path.unlink(missing_ok=True)
        for root in (data_dir / "answers", data_dir / "failed", data_dir / "test"):
            for d in sorted(root.glob("**/"), key=lambda p: len(p.parts), reverse=True) if root.exists() else ():
                if d != root and not any(d.iterdir()):
                    shutil.rmtree(d, ignore_errors=True)
    log.info("purge before %s%s: %s", cutoff, " (dry run)" if dry_run else "", report)
    return report
