"""The dataset contract (:mod:`dataset`): one responses view, durable writes, locked reads, the sweep."""
from __future__ import annotations

import fcntl
import threading

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from dataset import files, layout
from dataset.durable import LOCK_NAME
from dataset.schema import ANSWERS_SCHEMA, RESPONSES_SCHEMA
from dataset.views import responses_view_sql
from warehouse.dataset import open_dataset

from .warehouse_rows import response, write


def _columns(con) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute("DESCRIBE responses").fetchall()}


def test_the_view_of_an_empty_dataset_has_every_column_typed(tmp_path):
    with open_dataset(tmp_path) as con:
        cols = _columns(con)
        assert con.execute("SELECT count(*) FROM responses").fetchone() == (0,)
    assert set(cols) == {*RESPONSES_SCHEMA.names, "period", "pa_type"}
    assert cols["module_scores"] == "MAP(VARCHAR, DOUBLE)" and cols["went_well"] == "VARCHAR[]"
    assert cols["received_at"] == "TIMESTAMP WITH TIME ZONE"


def test_files_of_an_older_schema_read_beside_current_ones(tmp_path):
    write(tmp_path, [response(satisfaction=5)])
    old = tmp_path / "responses" / "period=2026-10" / "pa_type=L6" / "part-001-000000000001-000000000001-old.parquet"
    pq.write_table(pa.table({"submission_id": ["x"], "satisfaction": [0.0]}), old)  # before module_scores etc.
    with open_dataset(tmp_path) as con:
        rows = con.execute("SELECT submission_id = 'x', satisfaction, module_scores IS NULL, pa_type FROM responses "
                           "ORDER BY 1").fetchall()
        assert _columns(con).keys() >= {*RESPONSES_SCHEMA.names, "period", "pa_type"}
    assert rows == [(False, 100.0, True, "L6"), (True, 0.0, True, "L6")]


def test_the_view_sees_files_written_after_it_was_created(tmp_path):
    write(tmp_path, [response(satisfaction=1)])
    con = duckdb.connect(":memory:")
    con.execute(responses_view_sql(tmp_path))
    write(tmp_path, [response(satisfaction=2)])
    assert con.execute("SELECT count(*) FROM responses").fetchone() == (2,)


def _tables(ids):
    responses = pa.Table.from_pylist([{"submission_id": i, "kafka_partition": 4} for i in ids], schema=RESPONSES_SCHEMA)
    answers = pa.Table.from_pylist([{"submission_id": i, "item": "q"} for i in ids], schema=ANSWERS_SCHEMA)
    return responses, answers


def test_rows_are_written_answers_first_with_deterministic_names_and_read_back(tmp_path):
    ids = ["b", "a"]
    paths = files.write_rows(tmp_path, {("2026-10", "L6"): _tables(ids)}, 4, 10, 12)
    name = layout.part_name(4, 10, 12, ["a", "b"])
    assert paths == [tmp_path / "responses" / "period=2026-10" / "pa_type=L6" / name]
    assert (tmp_path / "answers" / "period=2026-10" / "pa_type=L6" / name).exists()
    assert files.write_rows(tmp_path, {("2026-10", "L6"): _tables(ids)}, 4, 10, 12) == paths  # a replay: same file
    assert sorted(files.submission_ids(tmp_path, 4)) == ["a", "b"] and files.submission_ids(tmp_path, 5) == []
    assert not list(tmp_path.rglob(".*.tmp"))


def test_the_sweep_removes_an_uncommitted_batch_of_its_own_partition_only(tmp_path):
    files.write_rows(tmp_path, {("2026-10", "L6"): _tables(["a"])}, 4, 1, 1)
    orphan = tmp_path / "answers" / "period=2026-10" / "pa_type=L6" / layout.part_name(4, 2, 2, ["b"])
    other = tmp_path / "answers" / "period=2026-10" / "pa_type=L6" / layout.part_name(5, 2, 2, ["c"])
    tmp = tmp_path / "responses" / "period=2026-10" / "pa_type=L6" / f".{layout.part_name(4, 3, 3, ['d'])}.tmp"
    for f in (orphan, other, tmp):
        f.write_bytes(b"x")
    assert files.sweep(tmp_path, 4) == 2
    assert not orphan.exists() and not tmp.exists() and other.exists()
    assert files.submission_ids(tmp_path) == ["a"]


def test_a_locked_read_keeps_compaction_out_between_listing_and_reading(tmp_path):
    write(tmp_path, [response(satisfaction=5)])
    inside, release, blocked = threading.Event(), threading.Event(), []

    def read(listed):
        inside.set()
        release.wait(5)
        return [pq.read_table(f).num_rows for f in listed]

    reader = threading.Thread(target=lambda: blocked.append(files.read_listed(tmp_path, tmp_path / "responses", read)))
    reader.start()
    assert inside.wait(5)
    with open(tmp_path / LOCK_NAME, "a+b") as fh:  # what compaction takes for its swap
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got = True
        except BlockingIOError:
            got = False
    release.set()
    reader.join(5)
    assert got is False and blocked == [[1]]


def test_a_read_is_retried_when_a_listed_file_vanished(tmp_path):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise FileNotFoundError("No such file or directory: part-000.parquet")
        return "ok"
    assert files.read_retrying(flaky) == "ok" and len(calls) == 3
