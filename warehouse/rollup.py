"""The rollup: additive aggregates per day × service × indicator, maintained incrementally.

Layout (``data_dir/rollup``)::

    rollup/_manifest.json                                  which input files each rollup file covers
    rollup/period=YYYY-MM/pa_type=XX/roll-<digest>.parquet  aggregates of some input files of that partition

One rollup row per (period, pa_type, day, service, entity, service_type, region, channel,
questionnaire, version, instrument, scale, indicator) with additive measures only, what the cell-key method needs
(docs/confidentiality.md): ``n`` and ``k`` — the count and the sum of record keys — and, per answer
category, ``c_<cat>`` and ``k_<cat>``: the five rating points of a score indicator (``0 25 50 75 100``
on 0–100: 1–5 ratings, faces, yes/partly/no), its *positive* answers (``c_pos``: the top categories of
the item's own scale, the happy face, "yes" — :mod:`questionnaires.scales`) and the option codes of a
categorical one. ``instrument`` and ``scale`` are the measure's (:func:`questionnaires.scales.lookup`
of (questionnaire, version, indicator)); module indicators (``mod-x:name``, from the responses'
``module_scores``) are rolled up like the canonical ones. Key sums are
integers modulo 2³² (record keys × 2³²), so any cut is a ``GROUP BY`` with ``sum()`` over it, exactly
and in any order, and merging two rollup files is too. Rows written before the ``record_key`` column
existed get their key computed here from ``submission_id`` (the same function, the same value).
Only the rows that count are rolled up (:func:`dataset.views.counted`): answers the collector classified
as automated (``device`` ``bot``) stay in ``responses`` for audit and reach no published figure; check-up
answers (test mode) are not in ``responses`` at all (:mod:`dataset.testrows`).

:func:`refresh` compares the input files (relative path, size, mtime) with the manifest: files
that are new are aggregated into one new rollup file per partition (all in one statement); a changed
or vanished file invalidates the rollup file covering it, whose still-valid inputs are aggregated again. A partition
with more than :data:`COMPACT_AT` rollup files is compacted by merging its rollup files (not by
rescanning raw rows). Writers take an exclusive ``flock`` on ``rollup/.lock``; readers load under a
shared one. Files are written to a temporary name and renamed, the manifest last. Input files are
listed and read under the dataset lock (shared, like the processor's writers), so ``ascolto compact``
cannot remove them in between; it waits for the refresh, and the next refresh sees its result.
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

from dataset import layout
from dataset.durable import dataset_lock
from dataset.recordkey import KEY_SCALE, key_int, secret_for
from dataset.views import counted
from questionnaires.harmonize import CATEGORY_CODES, CATEGORY_INDICATORS, SCORE_INDICATORS


SCHEMA = "ascolto.rollup/4"  # /4: automated answers (device "bot") left out
MANIFEST = "_manifest.json"
COMPACT_AT = 8
CHUNK_FILES = 256
KEYS = ("service", "entity", "service_type", "region", "channel", "questionnaire", "version", "instrument", "scale")
#: Keys read from the responses (the others are the measure's, joined on questionnaire and version).
RAW_KEYS = KEYS[:7]
#: Answer categories of a score indicator: the points on 0–100 every instrument's scale maps to
#: (a value is counted at the nearest point: bucket bounds half-way between them).
SCORE_POINTS = {"0": 0.0, "25": 25.0, "50": 50.0, "75": 75.0, "100": 100.0}
BUCKETS = (("0", None, 12.5), ("25", 12.5, 37.5), ("50", 37.5, 62.5), ("75", 62.5, 87.5), ("100", 87.5, None))
#: The count of positive answers of a score indicator (per the item's own scale).
POSITIVE = "pos"
#: The pseudo-indicator counting responses (every row, whatever it answered): volumes are published too.
RESPONSES = "responses"
#: ``scale`` of the responses pseudo-indicator (SDMX "not applicable").
NOT_APPLICABLE = "_Z"


def _module_indicators() -> tuple[str, ...]:
    from questionnaires.scales import measures

    return tuple(sorted({m.indicator for m in measures() if not m.canonical and m.kind == "score"}))


#: Module indicators (``mod-x:name``) of the shipped modules: score items, rolled up like the core ones.
MODULE_INDICATORS = _module_indicators()
#: Every score indicator the rollup holds.
ALL_SCORES = (*SCORE_INDICATORS, *MODULE_INDICATORS)
#: Categories per kind of indicator (what ``c_<cat>``/``k_<cat>`` exist for).
CATEGORIES = {**{i: (*SCORE_POINTS, POSITIVE) for i in ALL_SCORES}, **{i: CATEGORY_CODES for i in CATEGORY_INDICATORS},
              RESPONSES: ()}
ALL_CATEGORIES = (*SCORE_POINTS, POSITIVE, *CATEGORY_CODES)
COUNTS = ("n", *[f"c_{c}" for c in ALL_CATEGORIES])
KEY_SUMS = ("k", *[f"k_{c}" for c in ALL_CATEGORIES])
MEASURES = (*COUNTS, *KEY_SUMS)
_PART = re.compile(r"^period=(\d{4}-\d{2})/pa_type=([^/]+)$")


def rollup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "rollup"


def scan_inputs(data_dir: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (size, mtime_ns)}`` of every responses Parquet file a reader counts
    (:func:`dataset.layout.visible`)."""
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
            entries = {f.name: f for f in os.scandir(tdir.path)}
            for name in layout.visible(tdir.path, entries):  # a compaction's superseded inputs left out
                st = entries[name].stat()
                out[f"{pdir.name}/{tdir.name}/{name}"] = (st.st_size, st.st_mtime_ns)
    return out


def read_manifest(data_dir: Path) -> dict[str, Any]:
    path = rollup_dir(data_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
        if manifest.get("schema") == SCHEMA:
            return manifest
    except (OSError, ValueError):
        pass
    return {"schema": SCHEMA, "inputs": {}, "outputs": {}}  # none, or an older layout: rebuilt


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


def sum_mod(expr: str) -> str:
    """A key sum reduced modulo 2³² (what every level of the rollup stores)."""
    return f"(coalesce(sum({expr}), 0) % {KEY_SCALE})::BIGINT"


def measure_table():
    """One row per (questionnaire, version, indicator) of the shipped standard: its ``instrument``,
    ``scale`` and ``pos_min`` (the lowest 0–100 score counted as positive: positive answers are the
    top-scored ones of the item's own scale, :func:`questionnaires.scales.positive_answers`).
    A pyarrow table (no pandas import: the CLI's refresh would spend most of a second on it)."""
    import pyarrow as pa

    from questionnaires.scales import measures

    rows = []
    for m in measures():
        pos = [m.scores[a] for a in m.positive if m.scores.get(a) is not None]
        rows.append({"questionnaire": m.questionnaire, "version": m.version, "indicator": m.indicator,
                     "instrument": m.instrument, "scale": m.scale, "pos_min": min(pos) if pos else None})
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("questionnaire", pa.string()), ("version", pa.int64()), ("indicator", pa.string()),
        ("instrument", pa.string()), ("scale", pa.string()), ("pos_min", pa.float64())]))


#: Positive answers of rows whose (questionnaire, version) the standard does not know (older test
#: files without a questionnaire): the two top points of five, the rule the scales replace.
FALLBACK_POS_MIN = 62.5


def _aggregate_sql(paths: list[str], columns: set[str]) -> str:
    """SELECT producing rollup rows for raw ``paths`` (of any partitions), each row led by ``out``: the
    rollup file it goes to. ``chunk_of`` is the table (path, out, period, pa_type) of every path,
    ``ckm_key`` the UDF computing a record key (×2³²) from a ``submission_id`` for rows that have
    none stored, and ``measure_map`` the table of :func:`measure_table`. One statement for many
    small files: DuckDB's planning costs ~0.3 s a statement, whatever the rows (docs/performance.md)."""
    def col(name: str, typ: str = "VARCHAR") -> str:
        return f'r."{name}"' if name in columns else f"NULL::{typ}"

    first = "CAST(c.period || '-01' AS DATE)"  # rows without received_at (older files): the period's first day
    day = (f"coalesce(CAST(timezone('Europe/Rome', r.received_at::TIMESTAMPTZ) AS DATE), {first})"
           if "received_at" in columns else first)
    stored = f"CAST(r.record_key * {KEY_SCALE} AS BIGINT)" if "record_key" in columns else "NULL::BIGINT"
    rk = f"CASE WHEN {stored} IS NOT NULL THEN {stored} ELSE ckm_key({col('submission_id')}) END"
    files = "[" + ", ".join(_sql_str(p) for p in paths) + "]"
    mods = (", " + ", ".join(f"({col('module_scores', 'MAP(VARCHAR, DOUBLE)')})[{_sql_str(m)}]::DOUBLE AS \"{m}\""
                             for m in MODULE_INDICATORS)) if MODULE_INDICATORS else ""
    base = (f"SELECT c.out, c.period, c.pa_type, {day} AS day, " + ", ".join(f"{col(k)} AS {k}" for k in RAW_KEYS[:6])
            + f", CAST({col('version', 'INTEGER')} AS VARCHAR) AS version, {rk} AS rk, "
            + ", ".join(f"{col(i, 'DOUBLE')}::DOUBLE AS {i}" for i in SCORE_INDICATORS) + mods + ", "
            + ", ".join(f"{col(i, 'VARCHAR[]')} AS {i}" for i in CATEGORY_INDICATORS)
            + f" FROM read_parquet({files}, union_by_name = true, hive_partitioning = false, filename = '_file') r"
            + f" JOIN chunk_of c ON c.path = r._file WHERE {counted(col('device'))}")  # automated: never counted
    raw_keys = ", ".join(f"b.{k}" for k in RAW_KEYS)
    keys = "out, period, pa_type, day, " + ", ".join(KEYS)
    head = keys

    def joined(indicator: str, scale_default: str = "NULL") -> str:
        """base with the measure's instrument, scale and positive threshold for ``indicator``."""
        return (f"(SELECT b.out, b.period, b.pa_type, b.day, {raw_keys}, coalesce(m.instrument, b.questionnaire) "
                f"AS instrument, coalesce(m.scale, {scale_default}) AS scale, m.pos_min, "
                f"b.* EXCLUDE (out, period, pa_type, day, {', '.join(RAW_KEYS)}) "
                f"FROM base b LEFT JOIN measure_map m ON m.questionnaire = b.questionnaire "
                f"AND CAST(m.version AS VARCHAR) = b.version AND m.indicator = {_sql_str(indicator)})")

    def measures(present: str, conds: dict[str, str]) -> str:
        out = [f"count_if({present})::BIGINT AS n", f"{sum_mod(f'CASE WHEN {present} THEN rk END')} AS k"]
        for c in ALL_CATEGORIES:
            cond = conds.get(c)
            out.append(f"count_if({cond})::BIGINT AS c_{c}" if cond else f"0::BIGINT AS c_{c}")
        for c in ALL_CATEGORIES:
            cond = conds.get(c)
            out.append(f"{sum_mod(f'CASE WHEN {cond} THEN rk END')} AS k_{c}" if cond else f"0::BIGINT AS k_{c}")
        return ", ".join(out)

    parts = []
    for i in ALL_SCORES:
        q = f'"{i}"'
        conds = {name: " AND ".join([f"{q} IS NOT NULL"] + ([f"{q} >= {lo}"] if lo is not None else [])
                                    + ([f"{q} < {hi}"] if hi is not None else [])) for name, lo, hi in BUCKETS}
        conds[POSITIVE] = f"{q} IS NOT NULL AND {q} >= coalesce(pos_min, {FALLBACK_POS_MIN})"
        parts.append(f"SELECT {head}, {_sql_str(i)} AS indicator, {measures(f'{q} IS NOT NULL', conds)} "
                     f"FROM {joined(i)} GROUP BY {keys} HAVING count({q}) > 0")
    for i in CATEGORY_INDICATORS:
        conds = {c: f"coalesce(list_contains({i}, '{c}'), false)" for c in CATEGORY_CODES}
        parts.append(f"SELECT {head}, '{i}' AS indicator, {measures(f'coalesce(len({i}) > 0, false)', conds)} "
                     f"FROM {joined(i)} GROUP BY {keys} HAVING count_if(len({i}) > 0) > 0")
    parts.append(f"SELECT {head}, '{RESPONSES}' AS indicator, {measures('true', {})} "
                 f"FROM (SELECT b.*, coalesce(qi.instrument, b.questionnaire) AS instrument, "
                 f"'{NOT_APPLICABLE}' AS scale FROM base b LEFT JOIN (SELECT questionnaire, min(instrument) AS instrument "
                 f"FROM measure_map WHERE indicator IN ({', '.join(_sql_str(x) for x in SCORE_INDICATORS)}) "
                 f"GROUP BY 1) qi ON qi.questionnaire = b.questionnaire) GROUP BY {keys}")
    return f"WITH base AS ({base}) " + " UNION ALL ".join(parts)


def measure_sums(source_cols: tuple[str, ...] = MEASURES) -> str:
    """``sum()`` of each rollup measure, key sums reduced modulo 2³² (for merges and coarser grains)."""
    return ", ".join(sum_mod(m) + f" AS {m}" if m in KEY_SUMS else f"sum({m})::BIGINT AS {m}" for m in source_cols)


def _merge_sql(paths: list[str]) -> str:
    files = "[" + ", ".join(_sql_str(p) for p in paths) + "]"
    group = "period, pa_type, day, " + ", ".join(KEYS) + ", indicator"
    return f"SELECT {group}, {measure_sums()} FROM read_parquet({files}, hive_partitioning = false) GROUP BY {group}"


def _write(con: duckdb.DuckDBPyConnection, sql: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    con.execute(f"COPY ({sql}) TO {_sql_str(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


#: Input bytes aggregated by one statement at most (many small files: one statement; big ones: a few each).
BATCH_BYTES = 64 << 20


def _batches(jobs: list[tuple[str, list[str]]], sizes: dict[str, tuple[int, int]]) -> Iterator[list]:
    """``jobs`` (partition, chunk of input names) grouped so that a group's files total at most
    :data:`BATCH_BYTES` (a chunk bigger than that is a group of its own)."""
    batch, held = [], 0
    for part, chunk in jobs:
        size = sum(sizes[k][0] for k in chunk)
        if batch and held + size > BATCH_BYTES:
            yield batch
            batch, held = [], 0
        batch.append((part, chunk))
        held += size
    if batch:
        yield batch


def _aggregate(con: duckdb.DuckDBPyConnection, root: Path, out_root: Path,
               batch: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Aggregate every chunk of ``batch`` in one DuckDB statement, then write each chunk's rollup file
    (``period=…/pa_type=…/roll-<digest of its inputs>.parquet``, empty when no row counts); return
    ``[(rollup file, its inputs)]``. The temp table ``fresh`` is replaced by the next batch."""
    import pyarrow as pa

    rows, done = [], []
    for part, chunk in batch:
        period, pa_type = _PART.match(part).groups()
        out = f"{part}/roll-{_digest(chunk)}.parquet"
        rows += [{"path": str(root / k), "out": out, "period": period, "pa_type": pa_type} for k in chunk]
        done.append((out, chunk))
    paths = [r["path"] for r in rows]
    con.register("chunk_of", pa.Table.from_pylist(rows))
    con.execute(f"CREATE OR REPLACE TEMP TABLE fresh AS {_aggregate_sql(paths, _columns(con, paths))}")
    for out, _ in done:
        _write(con, f"SELECT * EXCLUDE (out) FROM fresh WHERE out = {_sql_str(out)}", out_root / out)
    return done


def _digest(names: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]


def _columns(con: duckdb.DuckDBPyConnection, paths: list[str]) -> set[str]:
    """The union of the columns of ``paths`` (one DuckDB statement: four times faster than pyarrow file by file)."""
    files = "[" + ", ".join(_sql_str(p) for p in paths) + "]"
    return {r[0] for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet({files}, union_by_name = true, hive_partitioning = false)").fetchall()}


def _register_keys(con: duckdb.DuckDBPyConnection, secret: str) -> None:
    import pyarrow as pa

    def ckm_key(ids):  # a pyarrow array of submission ids -> their keys × 2³² (no annotations: duckdb reads them)
        return pa.array([None if s is None else key_int(secret, s) for s in ids.to_pylist()], pa.int64())

    con.create_function("ckm_key", ckm_key, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("BIGINT"), type="arrow",
                       null_handling="special")


def _drop_old_layout(out_root: Path) -> None:
    """Rollup files of an older layout (another manifest schema) are removed before a rebuild."""
    import shutil

    try:
        schema = json.loads((out_root / MANIFEST).read_text("utf-8")).get("schema")
    except (OSError, ValueError):
        return
    if schema != SCHEMA:
        for d in out_root.glob("period=*"):
            shutil.rmtree(d, ignore_errors=True)


def refresh(data_dir: Path, progress: bool | None = False, secret: str | None = None) -> dict[str, int]:
    """Bring the rollup up to date; return counts of what was done.

    ``progress``: show a tqdm bar (None = only on a terminal). ``secret``: the record keys' secret
    (``Settings.ckm_secret``; None or "" = the data dir's own, :func:`dataset.recordkey.secret_for`).
    """
    data_dir = Path(data_dir)
    root, out_root = data_dir / layout.RESPONSES, rollup_dir(data_dir)
    secret = secret_for(data_dir, secret or "")
    with locked(data_dir, exclusive=True), dataset_lock(data_dir):
        _drop_old_layout(out_root)
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
        con.execute("SET threads TO 2; SET parquet_metadata_cache = true")  # footers read once (columns, rows)
        _register_keys(con, secret)
        con.register("measure_map", measure_table())
        stats = {"input_files": len(todo), "rollup_files": 0, "compacted": 0, "removed_inputs": len(changed - set(now))}
        from tqdm import tqdm

        jobs = [(part, names[i:i + CHUNK_FILES]) for part, names in by_part.items()
                for i in range(0, len(names), CHUNK_FILES)]
        quiet = None if progress is None else not progress
        with tqdm(total=len(todo), desc="rollup", unit="file", disable=quiet) as bar:
            for batch in _batches(jobs, now):
                for out, chunk in _aggregate(con, root, out_root, batch):
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
                + ", ".join(f"NULL::BIGINT AS {m}" for m in MEASURES)
                + " WHERE false")
