"""Compaction on a filesystem that cannot swap two directories in one call (NFS, CephFS, SMB: no
``renameat2(RENAME_EXCHANGE)``), as the shipped Kubernetes volume is: the supersede path
(processor/compact.py). The kernel's refusal is played by ``exchange`` raising EINVAL, what NFS answers;
everything else (files, the dataset lock, the rollup, DuckDB) is real."""
from __future__ import annotations

import errno
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset import layout
from dataset.schema import ANSWERS_SCHEMA
from processor import compact as compaction
from processor.purge import purge
from settings import Settings
from tests.warehouse_rows import response, write
from warehouse import rollup
from warehouse.dataset import Warehouse

pytestmark = pytest.mark.usefixtures("clock_2027")


@pytest.fixture
def no_exchange(monkeypatch):
    """The filesystem refuses RENAME_EXCHANGE, as NFS does (EINVAL)."""
    def refuse(a, b):
        raise OSError(errno.EINVAL, "Invalid argument")
    monkeypatch.setattr(compaction, "exchange", refuse)


def _small_files(data_dir, n_files=5, per_file=3, comment=None):
    """``n_files`` batches of one leaf, each with its answers file beside it (the processor's pairs)."""
    paths = []
    for i in range(n_files):
        path, = write(data_dir, [response(satisfaction=1 + i % 5, day=1 + i, comment=comment) for _ in range(per_file)])
        ids = pq.read_table(path, columns=["submission_id"]).column(0).to_pylist()
        answers = data_dir / "answers" / path.parent.relative_to(data_dir / "responses")
        answers.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist([{"submission_id": s, "item": "satisfaction", "value": "3",
                                              "kafka_partition": 0, "kafka_offset": i} for s in ids],
                                            schema=ANSWERS_SCHEMA), answers / path.name)
        paths.append(path)
    return paths


def _satisfaction_n(data_dir) -> int:
    rollup.refresh(data_dir)
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        return wh.cursor().execute("SELECT sum(n) FROM rollup WHERE indicator = 'satisfaction'").fetchone()[0]


def test_a_filesystem_refusing_the_swap_is_recognised_and_the_probe_leaves_nothing(tmp_path, no_exchange):
    assert not compaction.can_swap(tmp_path / "staging")
    assert not any((tmp_path / "staging").iterdir())  # the probe leaves nothing


def test_the_local_filesystem_still_swaps(tmp_path):
    assert compaction.can_swap(tmp_path / "staging")


def test_without_rename_exchange_compaction_merges_every_directory_once(tmp_path, no_exchange):
    """Before: the swap raised EINVAL and the hourly CronJob failed on every RWX volume it ships with."""
    inputs = _small_files(tmp_path)
    leaf = inputs[0].parent
    done = compaction.compact(tmp_path, min_rows=1_000, settle_s=0)
    assert [d["inputs"] for d in done] == [5]
    for dataset in ("responses", "answers"):
        left = sorted(p.name for p in (tmp_path / dataset / leaf.relative_to(tmp_path / "responses")).iterdir())
        assert left == [done[0]["file"]], f"{dataset}: the inputs and the supersedes file are gone"
    assert pq.read_table(leaf / done[0]["file"]).num_rows == 15
    assert _satisfaction_n(tmp_path) == 15
    assert compaction.compact(tmp_path, min_rows=1_000, settle_s=0) == []  # one file: nothing more to merge


def test_a_crash_after_the_merged_file_appeared_counts_no_row_twice_and_the_next_pass_finishes(
        tmp_path, no_exchange, monkeypatch):
    """Killed between renaming the merged file in and removing its inputs: both are on disk. Every listed
    reader (the rollup behind every published figure, the processor's reads) leaves the inputs out, and
    the next compaction removes them."""
    inputs = _small_files(tmp_path)
    leaf = inputs[0].parent
    before = _satisfaction_n(tmp_path)
    real_fsync = compaction.fsync_dir

    def crash_after_the_rename(path):
        if any(p.name.startswith("compacted-") for p in path.iterdir()) and any(p.name.startswith("part-") for p in path.iterdir()):
            raise KeyboardInterrupt("killed")
        real_fsync(path)

    monkeypatch.setattr(compaction, "fsync_dir", crash_after_the_rename)
    with pytest.raises(KeyboardInterrupt):
        compaction.compact(tmp_path, min_rows=1_000, settle_s=0)
    monkeypatch.setattr(compaction, "fsync_dir", real_fsync)
    names = sorted(p.name for p in (tmp_path / "answers" / leaf.relative_to(tmp_path / "responses")).iterdir())
    merged = next(n for n in names if n.startswith("compacted-") and n.endswith(".parquet"))
    assert layout.supersedes_name(merged) in names and sum(n.startswith("part-") for n in names) == 5
    answers_root = tmp_path / "answers"
    assert [p.name for p in layout.parquet_files(answers_root)] == [merged]  # the inputs: left out
    assert all(p.name.startswith("part-") for p in layout.parquet_files(tmp_path / "responses"))  # not reached yet
    assert _satisfaction_n(tmp_path) == before == 15

    assert compaction.finish_superseded(tmp_path) == 6  # five inputs and the supersedes file
    assert sorted(p.name for p in (answers_root / leaf.relative_to(tmp_path / "responses")).iterdir()) == [merged]
    done = compaction.compact(tmp_path, min_rows=1_000, settle_s=0)  # the responses directory is compacted now
    assert [d["inputs"] for d in done] == [5]
    assert _satisfaction_n(tmp_path) == 15


def test_both_on_disk_in_responses_the_rollup_counts_each_row_once(tmp_path):
    """The state a crash leaves in ``responses`` itself: the merged file, its inputs and the supersedes file."""
    inputs = _small_files(tmp_path, n_files=3)
    leaf = inputs[0].parent
    table = pa.concat_tables([pq.read_table(p) for p in inputs])
    merged = layout.compacted_name(p.name for p in inputs)
    (leaf / layout.supersedes_name(merged)).write_text(json.dumps([p.name for p in inputs]))
    pq.write_table(table, leaf / merged)
    assert set(rollup.scan_inputs(tmp_path)) == {f"{leaf.parent.name}/{leaf.name}/{merged}"}
    assert _satisfaction_n(tmp_path) == 9
    compaction.finish_superseded(tmp_path)
    assert sorted(p.name for p in leaf.iterdir()) == [merged]
    assert _satisfaction_n(tmp_path) == 9


def test_a_supersedes_file_without_its_merged_file_supersedes_nothing(tmp_path):
    """Killed after writing the supersedes file, before the rename: the inputs are the data."""
    inputs = _small_files(tmp_path, n_files=2)
    leaf = inputs[0].parent
    sup = leaf / layout.supersedes_name(layout.compacted_name(p.name for p in inputs))
    sup.write_text(json.dumps([p.name for p in inputs]))
    assert layout.parquet_files(tmp_path / "responses") == sorted(inputs)
    assert compaction.finish_superseded(tmp_path) == 1 and not sup.exists()
    assert layout.parquet_files(tmp_path / "responses") == sorted(inputs)


def test_purge_scrubs_the_free_text_of_superseded_inputs_too(tmp_path, clock_2027):
    """No reader counts a superseded input, but it holds the same comments until it is removed."""
    inputs = _small_files(tmp_path, n_files=2, comment="lentissimo")
    leaf = inputs[0].parent
    merged = layout.compacted_name(p.name for p in inputs)
    (leaf / layout.supersedes_name(merged)).write_text(json.dumps([p.name for p in inputs]))
    pq.write_table(pa.concat_tables([pq.read_table(p) for p in inputs]), leaf / merged)
    from datetime import date

    purge(tmp_path, date(2027, 1, 1))
    for f in leaf.glob("*.parquet"):
        assert pq.read_table(f, columns=["comment"]).column(0).null_count == pq.ParquetFile(f).metadata.num_rows, f.name


def test_the_item_nonresponse_reads_a_listed_view_that_counts_each_row_once(tmp_path):
    """A published figure read straight from the files (the item non-response's counts) lists them: with a
    merged file beside its inputs, each answer counts once."""
    from dataset.views import responses_view_sql
    from warehouse.dataset import open_dataset
    from warehouse.response_rates import answer_keys

    _superseded_state(tmp_path)
    assert answer_keys(tmp_path, ["service"])["n"].tolist() == [9]
    with open_dataset(tmp_path) as con:
        con.execute(responses_view_sql(tmp_path, listed=True))
        assert con.execute("SELECT count(*) FROM responses").fetchone() == (9,)


def _superseded_state(data_dir, n_files=3):
    """A merged file beside its inputs and their supersedes file: what a compaction killed halfway, or in
    the moment between its rename and its removals, leaves."""
    inputs = _small_files(data_dir, n_files=n_files)
    leaf = inputs[0].parent
    merged = layout.compacted_name(p.name for p in inputs)
    (leaf / layout.supersedes_name(merged)).write_text(json.dumps([p.name for p in inputs]))
    pq.write_table(pa.concat_tables([pq.read_table(p) for p in inputs]), leaf / merged)


def _package_rows(path) -> int:
    import csv

    return sum(sum(1 for _ in csv.DictReader(f.open(encoding="utf-8"))) for f in path.parent.glob("responses-*.csv"))


def test_the_microdata_package_reads_one_listing_and_counts_each_row_once(tmp_path):
    """The package runs many queries (coverage, counts, rows, metadata) over the raw ``responses``: given the
    data dir they read the files listed once (warehouse.dataset.pin), the named inputs left out."""
    from warehouse import export

    _superseded_state(tmp_path)  # on a volume not (yet) marked as superseding: the glob view is plain
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        pinned = export.export(wh.cursor(), "datapackage", tmp_path / "pkg", microdata_k=5, data_dir=tmp_path)
        globbed = export.export(wh.cursor(), "datapackage", tmp_path / "raw", microdata_k=5)
        assert wh.cursor().execute("SELECT count(*) FROM responses").fetchone() == (18,)  # the shared view: unpinned
    assert _package_rows(pinned) == 9
    assert _package_rows(globbed) == 18  # what the plain glob reads in that moment


def test_a_pinned_cursor_keeps_its_listing_and_the_running_month_rule(tmp_path):
    """Rows written after the pin are not in the pinned cursor's views (its queries agree with each other),
    and its ``responses`` leaves out the running month as the shared one does."""
    from warehouse.dataset import pin

    write(tmp_path, [response(satisfaction=5) for _ in range(4)])
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        cur = wh.cursor()
        pin(cur, tmp_path)
        write(tmp_path, [response(satisfaction=5) for _ in range(3)])
        write(tmp_path, [response(period="2027-01", satisfaction=5)])  # clock_2027: the running month
        assert cur.execute("SELECT count(*) FROM responses").fetchone() == (4,)
        assert cur.execute("SELECT count(*) FROM responses_stored").fetchone() == (4,)
        fresh = wh.cursor()
        assert fresh.execute("SELECT count(*) FROM responses").fetchone() == (7,)
        assert fresh.execute("SELECT count(*) FROM responses_stored").fetchone() == (8,)
        pin(fresh, tmp_path)
        assert fresh.execute("SELECT count(*) FROM responses").fetchone() == (7,)
        assert fresh.execute("SELECT count(*) FROM responses_stored").fetchone() == (8,)


def test_ascolto_compact_says_it_superseded(tmp_path, no_exchange):
    """The operator reads which way the volume was compacted (and so why `.inputs` files may appear)."""
    from click.testing import CliRunner

    from ascolto.cli import main

    _small_files(tmp_path, n_files=3)
    result = CliRunner().invoke(main, ["compact", "--min-rows", "1000"],
                                env={"ASCOLTO_DATA_DIR": str(tmp_path), "ASCOLTO_ROLLUP_CHECK_S": "0"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == ("1 directories compacted (superseding their inputs: the volume has no "
                                              "RENAME_EXCHANGE)")



def test_on_a_superseding_volume_the_glob_view_counts_each_row_once_and_sees_new_files(tmp_path):
    """The console's shared ``responses`` view (key drivers, comments) and ``open_dataset`` glob the files
    when a query runs; once the volume is marked as superseding they read the supersedes files too."""
    from warehouse.dataset import open_dataset

    _superseded_state(tmp_path)
    with Warehouse(Settings(data_dir=tmp_path, rollup_check_s=0)) as wh:
        assert wh.cursor().execute("SELECT count(*) FROM responses").fetchone() == (18,)  # plain glob
        (tmp_path / layout.SUPERSEDING).write_text("")
        cur = wh.cursor()  # the next freshness check switches the views
        assert cur.execute("SELECT count(*), count(DISTINCT submission_id) FROM responses").fetchone() == (9, 9)
        write(tmp_path, [response(satisfaction=4) for _ in range(2)])
        assert cur.execute("SELECT count(*) FROM responses").fetchone() == (11,)  # still globbed per query
        compaction.finish_superseded(tmp_path)
        assert cur.execute("SELECT count(*) FROM responses").fetchone() == (11,)
    with open_dataset(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM responses").fetchone() == (11,)


def test_a_malformed_or_orphan_supersedes_file_hides_nothing_from_the_glob_view(tmp_path):
    from warehouse.dataset import open_dataset

    inputs = _small_files(tmp_path, n_files=2)
    (tmp_path / layout.SUPERSEDING).write_text("")
    leaf = inputs[0].parent
    (leaf / layout.supersedes_name(layout.compacted_name(["x"]))).write_text(json.dumps([p.name for p in inputs]))
    (leaf / "compacted-broken.parquet.inputs").write_text("{not json")
    pq.write_table(pq.read_table(inputs[0]).slice(0, 0), leaf / "compacted-broken.parquet")
    with open_dataset(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM responses").fetchone() == (6,)


def test_the_first_superseding_pass_marks_the_volume_and_waits_for_the_readers(tmp_path, no_exchange, monkeypatch):
    slept = []
    monkeypatch.setattr(compaction.time, "sleep", slept.append)
    _small_files(tmp_path, n_files=2)
    compaction.compact(tmp_path, min_rows=1_000, settle_s=11)
    assert layout.superseding(tmp_path) and slept == [11]
    _small_files(tmp_path, n_files=2)
    compaction.compact(tmp_path, min_rows=1_000, settle_s=11)
    assert slept == [11]  # marked once


def test_a_swapping_volume_is_never_marked(tmp_path):
    _small_files(tmp_path, n_files=2)
    assert compaction.compact(tmp_path, min_rows=1_000)[0]["how"] == "swap"
    assert not layout.superseding(tmp_path)
