"""The rollup's first build over many small files (what ``make run`` leaves) and the console's warm-up.

The build aggregates every new file in one DuckDB statement (not one per partition chunk); the
figures must not depend on that: a one-statement build equals the raw rows, and equals a build made
file by file (the incremental path, with its compaction). The console starts building as it starts,
and pages arriving meanwhile wait for that one build and see all of it.
"""
from __future__ import annotations

import random
from datetime import date
import shutil
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from settings import Settings
from warehouse import rollup
from warehouse.dataset import Warehouse
from tests.console_auth import token
from tests.warehouse_rows import response, write

PERIODS = ("2026-07", "2026-08", "2026-09", "2026-10")
UNITS = (("L6", "anagrafe.certificati", "c_h501"), ("L6", "anagrafe.certificati", "c_f205"),
         ("C16", "previdenza.domanda-prestazione", "inps"))


def _batch(rnd: random.Random, period: str) -> list[dict]:
    """One processor batch of ``period``: an answer of every unit (so a file of each PA type), an
    automated one now and then."""
    out = []
    for pa_type, stype, entity in UNITS:
        r = response(period=period, day=rnd.randint(1, 28), pa_type=pa_type, service_type=stype, entity=entity,
                     satisfaction=rnd.randint(1, 5), ease=rnd.choice((None, 1, 3, 5)),
                     went_well=rnd.sample(["clarity", "speed"], rnd.randint(0, 2)))
        if rnd.random() < 0.3:
            r["module_scores"] = [("mod-tributi:amount_clarity", float(rnd.choice((0, 25, 50, 75, 100))))]
        if rnd.random() < 0.1:
            r["device"] = "bot"  # kept in responses, counted nowhere
        out.append(r)
    return out


def _old_file(data_dir: Path) -> None:
    """A file of an older schema (no received_at, record_key, module_scores, device) beside current ones."""
    d = data_dir / "responses" / "period=2026-09" / "pa_type=L6"
    pq.write_table(pa.table({"submission_id": ["old-1", "old-2"], "service": ["svc-old"] * 2, "entity": ["c_h501"] * 2,
                             "service_type": ["anagrafe.certificati"] * 2, "satisfaction": [100.0, 0.0]}),
                   d / "part-001-000000000001-000000000001-old.parquet")


ROUNDS = rollup.COMPACT_AT + 1
FILES = ROUNDS * len(PERIODS) * 2 + 1


def _many_small_files(data_dir: Path, refresh_each: bool = False) -> None:
    """:data:`ROUNDS` small files per partition (4 periods, 2 PA types), plus one of an older schema:
    :data:`FILES` in all. ``refresh_each``: refresh the rollup after every round, as a reader would
    while they arrive (each partition then gets more than ``COMPACT_AT`` rollup files: compacted)."""
    rnd = random.Random(11)
    for _ in range(ROUNDS):
        for period in PERIODS:
            write(data_dir, _batch(rnd, period))
        if refresh_each:
            rollup.refresh(data_dir)
    _old_file(data_dir)


def _month_grain(data_dir: Path) -> list[tuple]:
    with Warehouse(Settings(data_dir=data_dir), auto_refresh=False) as wh:
        return wh.cursor().execute("SELECT * FROM rollup ORDER BY ALL").fetchall()


def test_one_statement_over_many_partitions_equals_the_raw_rows(tmp_path):
    _many_small_files(tmp_path)
    stats = rollup.refresh(tmp_path)
    assert stats["input_files"] == FILES and stats["rollup_files"] == 8  # one rollup file per partition
    manifest = rollup.read_manifest(tmp_path)
    with Warehouse(Settings(data_dir=tmp_path), auto_refresh=False) as wh:
        con = wh.cursor()
        for out in manifest["outputs"]:  # every rollup file holds its own partition's rows only
            period, pa_type = rollup._PART.match(out.rsplit("/", 1)[0]).groups()
            assert con.execute(f"SELECT DISTINCT period, pa_type FROM '{rollup.rollup_dir(tmp_path) / out}'"
                               ).fetchall() in ([(period, pa_type)], [])
        got = con.execute("""SELECT period, pa_type, sum(n), sum(c_0), sum(c_25), sum(c_50), sum(c_75),
                                    sum(c_100), sum(c_pos) FROM rollup WHERE indicator = 'satisfaction'
                             GROUP BY ALL ORDER BY ALL""").fetchall()
        raw = con.execute("""SELECT period, pa_type, count(satisfaction), count_if(satisfaction = 0),
                                    count_if(satisfaction = 25), count_if(satisfaction = 50),
                                    count_if(satisfaction = 75), count_if(satisfaction = 100),
                                    count_if(satisfaction >= 75) FROM responses
                             WHERE device IS DISTINCT FROM 'bot' GROUP BY ALL ORDER BY ALL""").fetchall()
        assert got == raw
        module = "count(module_scores['mod-tributi:amount_clarity'])"
        for indicator, counted in (("responses", "count(*)"), ("went_well", "count_if(len(went_well) > 0)"),
                                   ("mod-tributi:amount_clarity", module)):
            got = con.execute(f"SELECT period, pa_type, sum(n) FROM rollup WHERE indicator = '{indicator}' "
                              "GROUP BY ALL ORDER BY ALL").fetchall()
            raw = con.execute(f"SELECT period, pa_type, {counted} FROM responses WHERE device IS DISTINCT FROM 'bot' "
                              f"GROUP BY ALL HAVING {counted} > 0 ORDER BY ALL").fetchall()
            assert got == raw, indicator
        # the older file's rows have no received_at: their day is the period's first
        assert con.execute("SELECT DISTINCT day FROM rollup_daily WHERE service = 'svc-old'").fetchall() == \
            [(date(2026, 9, 1),)]


def test_one_statement_build_equals_a_build_file_by_file(tmp_path, monkeypatch):
    """The same files rolled up three ways: file by file as they arrive (incremental refreshes and
    compaction), all in one statement, and one statement per chunk: every measure, key sums included,
    is the same."""
    by_file = tmp_path / "by-file"
    _many_small_files(by_file, refresh_each=True)
    assert rollup.refresh(by_file)["input_files"] == 1  # the older file, alone
    assert len(rollup.read_manifest(by_file)["outputs"]) == 8 + 1  # each partition compacted, then the older file
    at_once, per_chunk = tmp_path / "at-once", tmp_path / "per-chunk"
    for d in (at_once, per_chunk):
        shutil.copytree(by_file / "responses", d / "responses")
        shutil.copy(by_file / "ckm-secret", d / "ckm-secret")
    assert rollup.refresh(at_once)["input_files"] == FILES
    monkeypatch.setattr(rollup, "BATCH_BYTES", 1)  # every chunk a statement of its own
    assert rollup.refresh(per_chunk)["input_files"] == FILES
    expected = _month_grain(by_file)
    assert len(expected) > 50
    assert _month_grain(at_once) == expected
    assert _month_grain(per_chunk) == expected


def test_files_written_after_the_first_build_are_added_incrementally(tmp_path):
    _many_small_files(tmp_path)
    rollup.refresh(tmp_path)
    new = write(tmp_path, _batch(random.Random(3), "2026-10") + _batch(random.Random(4), "2026-11"))
    stats = rollup.refresh(tmp_path)
    assert stats["input_files"] == len(new) == 4 and not rollup.is_stale(tmp_path)
    incremental = _month_grain(tmp_path)
    shutil.rmtree(rollup.rollup_dir(tmp_path))
    rollup.refresh(tmp_path)
    assert _month_grain(tmp_path) == incremental


def _app(settings: Settings):
    from warehouse.console import create_app

    secret = token(settings, "admin")
    app = create_app(settings)
    return app, secret


def _get(app, secret: str, url: str):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_the_console_builds_the_rollup_as_it_starts(tmp_path):
    """Monitoring staff open the console right after start: the build has begun before they ask."""
    _many_small_files(tmp_path)
    assert not (tmp_path / "rollup").exists()
    app, _ = _app(Settings(data_dir=tmp_path))
    warm_up = app.config["ASCOLTO_WARM_UP"]
    assert warm_up is not None, "no build started with the console"
    warm_up.join(60)
    assert not warm_up.is_alive()
    assert len(rollup.read_manifest(tmp_path)["inputs"]) == FILES and not rollup.is_stale(tmp_path)


def test_pages_arriving_during_the_build_wait_for_that_one_build_and_see_all_of_it(tmp_path, monkeypatch):
    _many_small_files(tmp_path)
    builds = []
    real = rollup.refresh

    def counted(*args, **kwargs):
        builds.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(rollup, "refresh", counted)
    settings = Settings(data_dir=tmp_path, rollup_check_s=3600)
    app, secret = _app(settings)  # the warm-up is building now
    url = "/api/v1/indicators?indicator=satisfaction&freq=M&from=2026-07&to=2026-10&by=pa_type"
    answers: list = [None] * 4
    pages = [threading.Thread(target=lambda i=i: answers.__setitem__(i, _get(app, secret, url))) for i in range(4)]
    for t in pages:
        t.start()
    for t in pages:
        t.join(60)
    assert builds == ["rollup-warm-up"]  # built once, by the warm-up; the pages waited for it
    later, _ = _app(settings)  # another process reading the finished rollup
    expected = _get(later, secret, url)
    assert len(expected["rows"]) == 2 * len(PERIODS)  # C16 and L6 in every period
    assert all(a == expected for a in answers)


def test_a_file_written_after_the_warm_up_is_seen_by_the_first_page(tmp_path):
    _many_small_files(tmp_path)
    app, secret = _app(Settings(data_dir=tmp_path, rollup_check_s=3600))
    app.config["ASCOLTO_WARM_UP"].join(60)
    write(tmp_path, [response(period="2026-11", satisfaction=5) for _ in range(30)])
    rows = _get(app, secret, "/api/v1/indicators?indicator=satisfaction&freq=M")["rows"]
    assert "2026-11" in {r["period"] for r in rows}


def test_no_warm_up_before_there_are_responses(tmp_path):
    app, _ = _app(Settings(data_dir=tmp_path))
    assert app.config["ASCOLTO_WARM_UP"] is None
    assert not (tmp_path / "rollup").exists()
