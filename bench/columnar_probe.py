"""A design probe for issue 18: what would a column-wise transform in DuckDB cost per submission?

    python -m bench.columnar_probe [--submissions 50000] [--batch 2000]
    python -m bench.columnar_probe --lane [--submissions 50000] [--batch 2000] [--rounds 3]

Not the processor: a measurement of the candidate design that docs/performance.md discusses. The
same records as ``bench.processor`` (collector-like batches of cx-core envelopes, 5% duplicates,
0.5% poison) are handed to DuckDB as one Arrow column of record values per batch; one SQL
statement (its stages materialized: inlined, DuckDB evaluated the parse once per use), generated from the questionnaire's definition (items and harmonization rules, the
data :mod:`questionnaires.harmonize` reads), parses the envelopes and answers, checks them
(types, ranges, options, unknown items, required and ``show_if``), computes the canonical
indicators and the period (Europe/Rome), and returns the ``responses`` columns and the long
``answers`` rows as Arrow tables. Left out (what a real lane would add): the registry join, the
redaction of text cells, record keys, dedup, the exact JSON text of the ``answers`` map, and the
fall-back of every row the SQL does not accept to the Python steps. Printed: µs of CPU per
submission of the Python steps (:func:`processor.steps.transform`) and of the SQL on the same
batches, with DuckDB on one thread and on two, the statement planned per batch or prepared once
over a staging table, and the Parquet encoding of the result.
``--lane`` measures the design end to end against the raw consume, both in child processes on a
topic of the local broker (the records of ``bench.processor``): the consumer thread fetches with the
raw consume's client and hands each batch of record values to a DuckDB thread, which runs the
prepared statement and encodes both tables as Parquet; the wall ratio is the lane's pace (the slower
of the two threads) against the raw consume's.
Not run by pytest nor by ``make bench``.
"""
from __future__ import annotations

import argparse
import collections
import gc
import io
import json
import time

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from questionnaires import default_catalog
from questionnaires.envelope import BATCH_SCHEMA, ENVELOPE_SCHEMA

from .processor import generate_batches

_ENV = {"schema": "VARCHAR", "received_at": "VARCHAR", "collector": "VARCHAR", "device": "VARCHAR",
        "submission": {"submission_id": "VARCHAR", "service": "VARCHAR", "questionnaire": "VARCHAR",
                       "version": "JSON", "lang": "VARCHAR", "channel": "VARCHAR", "answers": "JSON",
                       "context": {"page": "VARCHAR"}}}
_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "=", "ne": "<>"}


def _lit(v) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def transform_sql(q) -> str:
    """One statement over table ``batch(partition, offset, value)``: the responses columns of the
    envelopes of questionnaire ``q`` that pass every check, and an ``items`` list for the long form.
    The answers are read once into a typed struct; a present key whose value did not convert is
    a type error (``json_transform`` gives NULL for it)."""
    sqltype = {"rating": "BIGINT", "choice": "VARCHAR", "multi": "VARCHAR[]", "boolean": "BOOLEAN", "text": "VARCHAR"}
    types = {it.code: sqltype.get(it.type, "VARCHAR") for it in q.items}
    checks, long = [], []
    for it in q.items:
        v = f"a.{it.code}"
        present = f"list_contains(keys, {_lit(it.code)})"
        # present in the JSON and not null there, or absent: a present value that did not convert is a type error
        checks.append(f"({v} IS NOT NULL OR NOT {present})")  # (a JSON null is refused here: the Python path decides)
        if it.type == "rating":
            checks.append(f"({v} IS NULL OR {v} BETWEEN {it.scale_min} AND {it.scale_max})")
        elif it.type == "choice":
            checks.append(f"({v} IS NULL OR {v} IN ({', '.join(map(_lit, it.option_codes))}))")
        elif it.type == "multi":
            opts = "[" + ", ".join(map(_lit, it.option_codes)) + "]"
            checks.append(f"({v} IS NULL OR (len({v}) > 0 AND list_has_all({opts}, {v}) AND "
                          f"len(list_distinct({v})) = len({v})))")
        elif it.type == "text" and it.max_length:
            checks.append(f"({v} IS NULL OR length({v}) <= {it.max_length})")
        shown = "true"
        if it.show_if is not None:
            c = it.show_if
            value = _lit(c.value) if isinstance(c.value, str) else c.value
            shown = f"coalesce(a.{c.item} {_OPS[c.op]} {value}, false)"
            checks.append(f"({v} IS NULL OR {shown})")
        if it.required:
            checks.append(f"(NOT {shown} OR {v} IS NOT NULL)")
        kind = _lit(it.type)
        if it.type == "multi":
            long.append(f"CASE WHEN {v} IS NULL THEN [] ELSE list_transform({v}, lambda x: "
                        f"{{'item': {_lit(it.code)}, 'item_type': {kind}, 'value': x}}) END")
        else:
            long.append(f"CASE WHEN {v} IS NULL THEN [] ELSE [{{'item': {_lit(it.code)}, 'item_type': {kind}, "
                        f"'value': {v}::VARCHAR}}] END")
    ind = []
    for name, rule in q.harmonization.items():
        v = f"a.{rule['item']}"
        if rule["method"] == "linear":
            it = q.item(rule["item"])
            lo, hi = it.scale_min, it.scale_max
            ind += [f"round(({v} - {lo}) * 100.0 / {hi - lo}, 4) AS {name}", f"{v}::VARCHAR AS {name}_raw",
                    f"CASE WHEN {v} IS NULL THEN NULL ELSE '{lo}-{hi}' END AS {name}_scale"]
        elif rule["method"] == "map":
            cases = " ".join(f"WHEN {_lit(k)} THEN {'NULL' if s is None else float(s)}" for k, s in rule["map"].items())
            ind += [f"CASE {v}::VARCHAR {cases} END AS {name}", f"{v}::VARCHAR AS {name}_raw", f"NULL AS {name}_scale"]
        else:
            mapping = rule.get("map") or {}
            tr = " ".join(f"WHEN x = {_lit(k)} THEN {_lit(c)}" for k, c in mapping.items())
            expr = f"list_transform({v}, lambda x: CASE {tr} ELSE x END)" if tr else v
            ind.append(f"coalesce(list_sort(list_distinct({expr})), []) AS {name}")
    struct = json.dumps({**_ENV, "envelopes": [_ENV]})  # a batch record, or one envelope
    answers = json.dumps(types)
    known = "[" + ", ".join(_lit(it.code) for it in q.items) + "]"
    return f"""
WITH recs AS MATERIALIZED (SELECT partition, "offset", from_json(CASE WHEN json_valid(value) THEN value END, '{struct}') AS r FROM batch),
envs AS MATERIALIZED (SELECT partition, "offset", unnest(r.envelopes) AS e FROM recs WHERE r.schema = '{BATCH_SCHEMA}'
         UNION ALL SELECT partition, "offset", struct_pack(schema := r.schema, received_at := r.received_at,
           collector := r.collector, device := r.device, submission := r.submission) FROM recs WHERE r.schema <> '{BATCH_SCHEMA}'),
parsed AS MATERIALIZED (
  SELECT partition, "offset", e, try_cast(e.received_at AS TIMESTAMPTZ) AS received_at,
         json_transform(e.submission.answers, '{answers}') AS a, json_keys(e.submission.answers) AS keys
  FROM envs
  WHERE e.schema = '{ENVELOPE_SCHEMA}' AND e.submission.questionnaire = {_lit(q.id)}
    AND json_type(e.submission.version) IN ('UBIGINT', 'BIGINT') AND e.submission.version::BIGINT = {q.version}
    AND regexp_full_match(e.submission.submission_id, '{_UUID}') AND json_type(e.submission.answers) = 'OBJECT'),
checked AS (
  SELECT * FROM parsed
  WHERE received_at IS NOT NULL AND list_has_all({known}, keys) AND {' AND '.join(checks)})
SELECT strftime(timezone('Europe/Rome', received_at), '%Y-%m') AS period, e.submission.submission_id AS submission_id,
       received_at, e.submission.service AS service, e.submission.channel AS channel, e.device AS device,
       e.submission.lang AS lang, {_lit(q.id)} AS questionnaire, {q.version} AS version, {', '.join(ind)},
       e.submission.context.page AS page, partition AS kafka_partition, "offset" AS kafka_offset,
       list_concat({', '.join(long)}) AS items
FROM checked
"""


def _tables(out: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The responses columns and the long answers (submission_id, item) of the statement's result."""
    long = out.select(["submission_id", "items"]).to_batches()
    flat = pa.table({"submission_id": pa.concat_arrays([x.column(0) for x in long]).take(
        pa.concat_arrays([x.column(1) for x in long]).value_parent_indices()) if long else pa.array([], pa.string()),
        "item": pa.concat_arrays([x.column(1).flatten() for x in long]).field("item") if long else pa.array([])})
    return out.drop_columns(["items"]), flat


def _lane(settings, records: int, partitions: int, batch: int, out) -> None:
    """The lane end to end in this process: the consumer thread fetches (the raw consume's client and
    settings) and hands each ``batch`` of record values to a DuckDB thread, which runs the prepared
    statement and encodes both Parquet tables (zstd) — the pace of the slower of the two. A warm-up
    pass, then one timed pass from the seek to the last batch encoded."""
    import queue
    import threading

    from .processor import _cpu_s, _rss_mb, raw_consumer

    con = duckdb.connect(config={"threads": 1})
    con.execute('CREATE TEMP TABLE batch (partition INTEGER, "offset" BIGINT, value VARCHAR)')
    con.execute("PREPARE transform AS " + transform_sql(default_catalog().get("cx-core", 1)))
    handoff: queue.Queue = queue.Queue(maxsize=1)  # one batch waits while one is transformed
    accepted = [0]

    def transform_lane() -> None:
        while (item := handoff.get()) is not None:
            parts_, offsets, values = item
            incoming = pa.table({"partition": pa.array(parts_, pa.int32()), "offset": pa.array(offsets, pa.int64()),
                                 "value": pa.array(values, pa.binary()).cast(pa.string(), safe=False)})
            con.execute("DELETE FROM batch")
            con.execute("INSERT INTO batch SELECT * FROM incoming")
            responses, answers = _tables(con.sql("EXECUTE transform").to_arrow_table())
            pq.write_table(responses, io.BytesIO(), compression="zstd")
            pq.write_table(answers, io.BytesIO(), compression="zstd")
            accepted[0] += responses.num_rows
            handoff.task_done()
        handoff.task_done()

    worker = threading.Thread(target=transform_lane, daemon=True)
    worker.start()
    consumer, tps = raw_consumer(settings, partitions)

    def one_pass() -> None:
        consumer.seek_to_beginning(*tps)
        seen, held = 0, ([], [], [])
        while seen < records:
            for recs in consumer.poll(timeout_ms=500).values():
                seen += len(recs)
                for rec in recs:
                    held[0].append(rec.partition)
                    held[1].append(rec.offset)
                    held[2].append(rec.value)
                if len(held[2]) >= batch:
                    handoff.put(held)
                    held = ([], [], [])
        if held[2]:
            handoff.put(held)
        handoff.join()  # every batch transformed and encoded
    one_pass()
    accepted[0] = 0
    t0, c0 = time.perf_counter(), _cpu_s()
    one_pass()
    seconds, cpu = time.perf_counter() - t0, _cpu_s() - c0
    handoff.put(None)
    worker.join()
    out.put({"seconds": seconds, "cpu_s": cpu, "accepted": accepted[0], "rss_mb": _rss_mb()})
    consumer.close()


def lane_main(submissions: int, batch: int, rounds: int) -> None:
    """``--lane``: the raw consume and the lane, alternated in child processes, on one broker's topic."""
    import random
    import statistics
    import tempfile
    from pathlib import Path

    from settings import Settings
    from deploy.broker import LocalBroker, ensure_topics

    from .processor import PARTITIONS, _child, _raw, prefill

    tmp = Path(tempfile.mkdtemp(prefix="ascolto-lane-"))
    with LocalBroker(log_path=tmp / "broker.log") as broker:
        settings = Settings(data_dir=tmp, broker=broker.bootstrap)
        ensure_topics(broker.bootstrap, {settings.topic: PARTITIONS})
        records, envelopes = prefill(settings, submissions, random.Random(1))
        print(f"topic: {records} records, {envelopes} envelopes, {PARTITIONS} partitions; lane batches of {batch} records")
        ratios = []
        for n in range(rounds):
            raw = _child(_raw, settings, records, PARTITIONS)
            lane = _child(_lane, settings, records, PARTITIONS, batch)
            ratios.append(raw["seconds"] / lane["seconds"])
            print(f"round {n + 1}: raw {envelopes / raw['seconds']:,.0f}/s ({raw['cpu_s'] / envelopes * 1e6:.1f} µs CPU "
                  f"per submission); lane {envelopes / lane['seconds']:,.0f}/s ({lane['cpu_s'] / envelopes * 1e6:.1f} µs "
                  f"CPU, {lane['accepted']} accepted, peak RSS {lane['rss_mb']:.0f} MB); ratio {ratios[-1]:.2f}")
        print(f"lane ÷ raw consume: median {statistics.median(ratios):.2f} (rounds {min(ratios):.2f}–{max(ratios):.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=50000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--lane", action="store_true", help="the lane end to end beside the fetch, against the raw consume")
    ap.add_argument("--rounds", type=int, default=3, help="--lane: alternated rounds")
    args = ap.parse_args()
    if args.lane:
        return lane_main(args.submissions, args.batch, args.rounds)
    from processor.steps import transform

    batches, envelopes = generate_batches(args.submissions, args.batch)
    q = default_catalog().get("cx-core", 1)
    sql = transform_sql(q)
    Rec = collections.namedtuple("Rec", "topic partition offset key value")

    class Facts:  # the registry's answer for every service: enrichment is not what is measured
        pa_type, service, entity, service_type, region = "L6", "s", "e", "t", "r"

    class Lookup:
        def facts(self, key):
            return Facts

    gc.collect()
    gc.freeze()
    t = time.process_time()
    accepted = 0
    for b in batches:
        accepted += len(transform([Rec("t", hash(k) % 6, i, k, v) for i, (k, v, _) in enumerate(b)], Lookup()).accepted)
    python_us = (time.process_time() - t) / envelopes * 1e6
    print(f"{envelopes} envelopes in {len(batches)} batches of {args.batch} records")
    print(f"python steps (processor.steps.transform): {python_us:6.1f} µs CPU per submission ({accepted} accepted)")
    for threads, prepared in ((1, False), (2, False), (1, True), (2, True)):
        con = duckdb.connect(config={"threads": threads})
        con.execute(sql.replace("FROM batch", "FROM (SELECT 0 AS partition, 0 AS \"offset\", '{}' AS value)"))  # warm
        if prepared:  # planned once over a staging table: each batch pays its execution only
            con.execute('CREATE TEMP TABLE batch (partition INTEGER, "offset" BIGINT, value VARCHAR)')
            con.execute("PREPARE transform AS " + sql)
        t, wall, rows, parquet = time.process_time(), time.perf_counter(), 0, 0.0
        for b in batches:
            incoming = pa.table({"partition": pa.array([hash(k) % 6 for k, _, _ in b], pa.int32()),
                                 "offset": pa.array(range(len(b)), pa.int64()),
                                 "value": pa.array([v for _, v, _ in b], pa.binary()).cast(pa.string(), safe=False)})
            if prepared:
                con.execute("DELETE FROM batch")
                con.execute("INSERT INTO batch SELECT * FROM incoming")
                out = con.sql("EXECUTE transform").to_arrow_table()
            else:
                batch = incoming  # noqa: F841 — the statement reads it by name (DuckDB's replacement scan)
                out = con.sql(sql).to_arrow_table()
            rows += out.num_rows
            p = time.process_time()
            responses, flat = _tables(out)
            pq.write_table(responses, io.BytesIO(), compression="zstd")
            pq.write_table(flat, io.BytesIO(), compression="zstd")
            parquet += time.process_time() - p
        cpu = time.process_time() - t
        how = "prepared once" if prepared else "planned per batch"
        print(f"duckdb, {how}, {threads} thread(s): {(cpu - parquet) / envelopes * 1e6:6.1f} µs CPU per submission "
              f"({(time.perf_counter() - wall) / envelopes * 1e6:.1f} µs wall with the Parquet encoding), "
              f"{rows} accepted; Parquet (zstd) of the result {parquet / envelopes * 1e6:.1f} µs")
        con.close()


if __name__ == "__main__":
    main()
