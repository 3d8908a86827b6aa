"""The rollup: additive aggregates per day × service × indicator, maintained incrementally.

Layout (``data_dir/rollup``)::

    rollup/_manifest.json                                  which input files each rollup file covers
    rollup/period=YYYY-MM/pa_type=XX/roll-<digest>.parquet  aggregates of some input files of that partition

One rollup row per (period, pa_type, day, service, entity, service_type, region, channel,
questionnaire, indicator) with additive measures only — ``n``, ``sum``, ``sumsq``, ``top2``, the
five-bucket rating distribution ``d0 … d100`` and the category counts ``c_<code>`` — so any cut is a
``GROUP BY`` with ``sum()`` over it, and merging two rollup files is too.

:func:`refresh` compares the input files (relative path, size, mtime) with the manifest: files
that are new are aggregated into one new rollup file per partition; a changed or vanished file
invalidates the rollup file covering it, whose still-valid inputs are aggregated again. A partition
with more than :data:`COMPACT_AT` rollup files is compacted by merging its rollup files (not by
rescanning raw rows). Writers take an exclusive ``flock`` on ``rollup/.lock``; readers load under a
shared one. Files are written to a temporary name and renamed, the manifest last.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pyarrow.parquet as pq

from dataset import layout
from questionnaires.harmonize import CATEGORY_CODES, CATEGORY_INDICATORS, SCORE_INDICATORS

MANIFEST = "_manifest.json"
COMPACT_AT = 8
CHUNK_FILES = 256
KEYS = ("service", "entity", "service_type", "region", "channel", "questionnaire")
#: Rating distribution buckets on 0–100, centred on the values a 5-point scale gives.
BUCKETS = (("d0", None, 12.5), ("d25", 12.5, 37.5), ("d50", 37.5, 62.5), ("d75", 62.5, 87.5), ("d100", 87.5, None))
TOP2_MIN = 75.0
MEASURES = ("n", "sum", "sumsq", "top2", *[b[0] for b in BUCKETS], *[f"c_{c}" for c in CATEGORY_CODES])
_PART = re.compile(r"^period=(\d{4}-\d{2})/pa_type=([^/]+)$")


def rollup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "rollup"


def scan_inputs(data_dir: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (size, mtime_ns)}`` of every responses Parquet file."""
    root = Path(data_dir) / layout.RESPONSES
    out: dict[str, tuple[int, int]] = {}
    if not root.is_dir():
        return out
    for pdir in os.scandir(root):
        if not (pdir.is_dir() and pdir.name.startswith("period=")):
            continue
        for tdir in os.scandir(pdir.path):
            if not (tdir.is_dir() and tdir.name.startswith("pa_type=")):
                continue
            for f in os.scandir(tdir.path):
                if f.name.endswith(".parquet") and not f.name.startswith("."):
                    st = f.stat()
                    out[f"{pdir.name}/{tdir.name}/{f.name}"] = (st.st_size, st.st_mtime_ns)
    return out


def read_manifest(data_dir: Path) -> dict[str, Any]:
    path = rollup_dir(data_dir) / MANIFEST
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"schema": "ascolto.rollup/1", "inputs": {}, "outputs": {}}


def is_stale(data_dir: Path, manifest: dict[str, Any] | None = None) -> bool:
    """True when the responses files differ from those the rollup covers."""
    manifest = manifest or read_manifest(data_dir)
    seen = {k: (v["size"], v["mtime_ns"]) for k, v in manifest["inputs"].items()}
    return scan_inputs(data_dir) != seen


@contextlib.contextmanager
def locked(data_dir: Path, exclusive: bool) -> Iterator[None]:
    d = rollup_dir(data_dir)
    d.mkdir(parents=True, exist_ok=True)
    with open(d / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _aggregate_sql(paths: list[str], columns: set[str], period: str, pa_type: str) -> str:
    """SELECT producing rollup rows for raw ``paths`` (all of one partition)."""
    def col(name: str, typ: str = "VARCHAR") -> str:
        return f'"{name}"' if name in columns else f"NULL::{typ}"

    day = ("CAST(timezone('Europe/Rome', received_at::TIMESTAMPTZ) AS DATE)" if "received_at" in columns
           else f"DATE '{period}-01'")
    files = "[" + ", ".join(_sql_str(p) for p in paths) + "]"
    base = (f"SELECT {day} AS day, " + ", ".join(f"{col(k)} AS {k}" for k in KEYS) + ", "
            + ", ".join(f"{col(i, 'DOUBLE')}::DOUBLE AS {i}" for i in SCORE_INDICATORS) + ", "
            + ", ".join(f"{col(i, 'VARCHAR[]')} AS {i}" for i in CATEGORY_INDICATORS)
            + f" FROM read_parquet({files}, union_by_name = true, hive_partitioning = false)")
    keys = "day, " + ", ".join(KEYS)
    head = f"{_sql_str(period)} AS period, {_sql_str(pa_type)} AS pa_type, {keys}"
    zero_cats = ", ".join(f"0::BIGINT AS c_{c}" for c in CATEGORY_CODES)
    parts = []
    for i in SCORE_INDICATORS:
        buckets = []
        for name, lo, hi in BUCKETS:
            cond = " AND ".join(([f"{i} >= {lo}"] if lo is not None else []) + ([f"{i} < {hi}"] if hi is not None else []))
            buckets.append(f"count_if({cond})::BIGINT AS {name}")
        parts.append(f"SELECT {head}, '{i}' AS indicator, count({i})::BIGINT AS n, sum({i}) AS sum, "
                     f"sum({i} * {i}) AS sumsq, count_if({i} >= {TOP2_MIN})::BIGINT AS top2, {', '.join(buckets)}, "
                     f"{zero_cats} FROM base GROUP BY {keys} HAVING count({i}) > 0")
    zero_buckets = ", ".join(f"0::BIGINT AS {b[0]}" for b in BUCKETS)
    for i in CATEGORY_INDICATORS:
        cats = ", ".join(f"count_if(list_contains({i}, '{c}'))::BIGINT AS c_{c}" for c in CATEGORY_CODES)
        parts.append(f"SELECT {head}, '{i}' AS indicator, count_if(len({i}) > 0)::BIGINT AS n, NULL::DOUBLE AS sum, "
                     f"NULL::DOUBLE AS sumsq, 0::BIGINT AS top2, {zero_buckets}, {cats} FROM base "
                     f"GROUP BY {keys} HAVING count_if(len({i}) > 0) > 0")
    return f"WITH base AS ({base}) " + " UNION ALL ".join(parts)


def _merge_sql(paths: list[str]) -> str:
    files = "[" + ", ".join(_sql_str(p) for p in paths) + "]"
    group = "period, pa_type, day, " + ", ".join(KEYS) + ", indicator"
    sums = ", ".join(f"sum({m}){'' if m in ('sum', 'sumsq') else '::BIGINT'} AS {m}" for m in MEASURES)
    return f"SELECT {group}, {sums} FROM read_parquet({files}, hive_partitioning = false) GROUP BY {group}"


def _write(con: duckdb.DuckDBPyConnection, sql: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    con.execute(f"COPY ({sql}) TO {_sql_str(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def _digest(names: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]


def _columns(paths: list[str]) -> set[str]:
    cols: set[str] = set()
    for p in paths:
        cols |= set(pq.read_schema(p).names)
    return cols


def refresh(data_dir: Path, progress: bool | None = False) -> dict[str, int]:
    """Bring the rollup up to date; return counts of what was done.

    ``progress``: show a tqdm bar (None = only on a terminal).
    """
    data_dir = Path(data_dir)
    root, out_root = data_dir / layout.RESPONSES, rollup_dir(data_dir)
    with locked(data_dir, exclusive=True):
        manifest = read_manifest(data_dir)
        now = scan_inputs(data_dir)
        inputs: dict[str, dict] = manifest["inputs"]
        outputs: dict[str, list[str]] = manifest["outputs"]
        changed = {k for k, v in inputs.items() if now.get(k) != (v["size"], v["mtime_ns"])}
        dirty = {inputs[k]["out"] for k in changed}
        todo = {k for k in now if k not in inputs or k in changed}
        for out in dirty:
            todo |= {k for k in outputs.pop(out, []) if k in now}
            (out_root / out).unlink(missing_ok=True)
        for k in list(inputs):
            if k in changed or inputs[k]["out"] in dirty:
                del inputs[k]
        by_part: dict[str, list[str]] = {}
        for k in sorted(todo):
            by_part.setdefault(k.rsplit("/", 1)[0], []).append(k)
        con = duckdb.connect(":memory:")
        con.execute("SET threads TO 2")
        stats = {"input_files": len(todo), "rollup_files": 0, "compacted": 0, "removed_inputs": len(changed - set(now))}
        total = sum(len(v) for v in by_part.values())
        from tqdm import tqdm

        with tqdm(total=total, desc="rollup", unit="file", disable=None if progress is None else not progress) as bar:
            for part, names in by_part.items():
                period, pa_type = _PART.match(part).groups()
                for start in range(0, len(names), CHUNK_FILES):
                    chunk = names[start:start + CHUNK_FILES]
                    paths = [str(root / k) for k in chunk]
                    out = f"{part}/roll-{_digest(chunk)}.parquet"
                    _write(con, _aggregate_sql(paths, _columns(paths), period, pa_type), out_root / out)
                    outputs[out] = chunk
                    for k in chunk:
                        inputs[k] = {"size": now[k][0], "mtime_ns": now[k][1], "out": out}
                    stats["rollup_files"] += 1
                    bar.update(len(chunk))
        # compaction: merge a partition's rollup files when there are too many
        parts: dict[str, list[str]] = {}
        for out in outputs:
            parts.setdefault(out.rsplit("/", 1)[0], []).append(out)
        for part, outs in parts.items():
            if len(outs) <= COMPACT_AT:
                continue
            covered = sorted(k for o in outs for k in outputs[o])
            new = f"{part}/roll-{_digest(covered)}.parquet"
            _write(con, _merge_sql([str(out_root / o) for o in outs]), out_root / new)
            for o in outs:
                del outputs[o]
                if o != new:
                    (out_root / o).unlink(missing_ok=True)
            outputs[new] = covered
            for k in covered:
                inputs[k]["out"] = new
            stats["compacted"] += 1
        con.close()
        manifest.update(inputs=inputs, outputs=outputs)
        tmp = out_root / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, sort_keys=True), "utf-8")
        os.replace(tmp, out_root / MANIFEST)
        for d in sorted(out_root.glob("period=*/pa_type=*"), reverse=True):
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
    return stats


def output_files(data_dir: Path, manifest: dict[str, Any] | None = None) -> list[str]:
    manifest = manifest or read_manifest(data_dir)
    return [str(rollup_dir(data_dir) / o) for o in sorted(manifest["outputs"])]


EMPTY_ROLLUP = ("SELECT NULL::VARCHAR AS period, NULL::VARCHAR AS pa_type, NULL::DATE AS day, "
                + ", ".join(f"NULL::VARCHAR AS {k}" for k in KEYS) + ", NULL::VARCHAR AS indicator, "
                + ", ".join(f"NULL::{'DOUBLE' if m in ('sum', 'sumsq') else 'BIGINT'} AS {m}" for m in MEASURES)
                + " WHERE false")
