"""The warehouse: raw views, the incremental rollup, cuts with statistics, comparisons, the console API, the CLI."""
from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from ascolto.cli import main
from settings import Settings
from tests.warehouse_rows import fixed_secret, response, write
from warehouse import cube, rollup
from warehouse.comparability import NotComparable, QueryError
from tests.console_auth import api_client
from warehouse.dataset import Warehouse, open_dataset
from warehouse.protect import Protection

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods


def _write_minimal(root, period, pa_type, service_type, scores):
    fixed_secret(root)
    d = root / "responses" / f"period={period}" / f"pa_type={pa_type}"
    d.mkdir(parents=True, exist_ok=True)
    n = len(list(d.glob("*.parquet")))
    pq.write_table(pa.table({
        "submission_id": [f"{period}-{pa_type}-{n}-{i}" for i in range(len(scores))],
        "service_type": [service_type] * len(scores),
        "satisfaction": pa.array(scores, pa.float64()),
        "ease": pa.array([None] * len(scores), pa.float64()),
    }), d / f"part-000-{n:012d}-{n:012d}.parquet")


@pytest.fixture
def small_dir(tmp_path):
    """Files with only a few columns: readers must tolerate missing (and added) columns."""
    _write_minimal(tmp_path, "2026-10", "L6", "anagrafe.certificati", [100, 75, 50])
    _write_minimal(tmp_path, "2026-10", "L6", "anagrafe.certificati", [25])
    _write_minimal(tmp_path, "2026-10", "C16", "previdenza.domanda-prestazione", [0, 100, None])
    _write_minimal(tmp_path, "2026-11", "L6", "anagrafe.certificati", [100])
    return tmp_path


def test_raw_view_remains_available_to_statisticians(small_dir):
    with open_dataset(small_dir) as con:
        assert con.execute("SELECT count(satisfaction), avg(satisfaction) FROM responses WHERE period = '2026-10' "
                           "AND pa_type = 'L6'").fetchone() == (4, 62.5)
    with open_dataset(small_dir / "nothing") as con:
        assert con.execute("SELECT count(*) FROM responses").fetchone() == (0,)


@pytest.mark.parametrize("kwargs, field", [({"indicator": "happiness"}, "indicator"), ({"start": "2026-13"}, "from"),
                                          ({"start": "'; DROP TABLE x; --"}, "from")])
def test_bad_parameters_are_refused_by_name(kwargs, field):
    with pytest.raises(QueryError) as exc:
        cube.Cut(**kwargs).validate()
    assert exc.value.field == field


def test_rollup_is_incremental_and_tracks_changes(data_dir):
    first = rollup.refresh(data_dir)
    assert first["input_files"] == 2 and first["rollup_files"] == 2
    assert not rollup.is_stale(data_dir)
    assert rollup.refresh(data_dir) == {"input_files": 0, "rollup_files": 0, "compacted": 0, "removed_inputs": 0}
    [new] = write(data_dir, [response(satisfaction=1)])
    assert rollup.is_stale(data_dir)
    assert rollup.refresh(data_dir)["input_files"] == 1
    # a replay rewrites a file in place: its rollup is rebuilt, not added to
    rows = pq.read_table(new)
    pq.write_table(rows, new)
    os.utime(new, ns=(1, 1))
    assert rollup.refresh(data_dir)["input_files"] == 1
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        total = con.execute("SELECT sum(n) FROM rollup WHERE indicator = 'satisfaction'").fetchone()[0]
        raw = con.execute("SELECT count(satisfaction) FROM responses").fetchone()[0]
    assert total == raw == 132 + 40 + 1
    new.unlink()
    assert rollup.refresh(data_dir)["removed_inputs"] == 1
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        assert wh.cursor().execute("SELECT sum(n) FROM rollup WHERE indicator = 'satisfaction'").fetchone()[0] == 172


def test_compaction_merges_rollup_files_of_a_partition(tmp_path):
    for i in range(rollup.COMPACT_AT + 1):
        write(tmp_path, [response(satisfaction=1 + i % 5, day=1 + i)])
        rollup.refresh(tmp_path)
    m = rollup.read_manifest(tmp_path)
    assert len(m["outputs"]) == 1 and len(m["inputs"]) == rollup.COMPACT_AT + 1
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        con = wh.cursor()
        assert con.execute("SELECT sum(n), sum(25 * c_25 + 50 * c_50 + 75 * c_75 + 100 * c_100)::DOUBLE FROM rollup "
                           "WHERE indicator = 'satisfaction'").fetchone() == \
            con.execute("SELECT count(*), sum(satisfaction) FROM responses").fetchone()


def _key_sum(con, data_dir, where: str) -> int:
    from dataset.recordkey import KEY_SCALE, key_int, local_secret

    secret = local_secret(data_dir)
    ids = [r[0] for r in con.execute(f"SELECT submission_id FROM responses WHERE {where}").fetchall()]
    return sum(key_int(secret, i) for i in ids) % KEY_SCALE


def test_rollup_matches_the_raw_rows_for_every_measure(data_dir):
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        got = con.execute("""SELECT sum(n), sum(c_0), sum(c_25), sum(c_50), sum(c_75), sum(c_100)
                             FROM rollup WHERE indicator = 'ease' AND entity = 'c_h501'""").fetchone()
        raw = con.execute("""SELECT count(ease), count_if(ease = 0), count_if(ease = 25), count_if(ease = 50),
                                    count_if(ease = 75), count_if(ease = 100)
                             FROM responses WHERE entity = 'c_h501'""").fetchone()
        assert got == raw
        cats = con.execute("SELECT sum(n), sum(c_clarity), sum(c_technical) FROM rollup WHERE indicator = 'went_well'").fetchone()
        assert cats == con.execute("SELECT count_if(len(went_well) > 0), count_if(list_contains(went_well, 'clarity')), 0 "
                                   "FROM responses").fetchone()
        # key sums: the record keys (computed here from submission_id: these rows have no stored key) summed mod 2³²
        k, k100 = con.execute("SELECT sum(k) % 4294967296, sum(k_100) % 4294967296 FROM rollup "
                              "WHERE indicator = 'ease' AND entity = 'c_h501'").fetchone()
        assert k == _key_sum(con, data_dir, "entity = 'c_h501' AND ease IS NOT NULL")
        assert k100 == _key_sum(con, data_dir, "entity = 'c_h501' AND ease = 100")
        volume = con.execute("SELECT sum(n) FROM rollup WHERE indicator = 'responses'").fetchone()[0]
        assert volume == con.execute("SELECT count(*) FROM responses").fetchone()[0]


def test_cut_statistics_match_the_raw_rows_when_unperturbed(data_dir):
    """The arithmetic from category counts to statistics, checked with the perturbation off."""
    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        cut = cube.Cut(indicator="satisfaction", by=["entity"], freq="Q", filters={"service_type": ["anagrafe.certificati"]})
        df = cube.table(con, cut, Protection(enabled=False))
        protected = cube.table(con, cut, Protection())
        raw = con.execute("SELECT entity, count(*), avg(satisfaction), stddev_samp(satisfaction), "
                          "avg((satisfaction >= 75)::INT) FROM responses WHERE service_type = 'anagrafe.certificati' "
                          "AND satisfaction IS NOT NULL GROUP BY ALL").fetchall()
    by = {r["entity"]: r for r in df.to_dict("records")}
    pub = {r["entity"]: r for r in protected.to_dict("records")}
    for entity, n, mean, sd, top in raw:
        if n >= 3:
            assert by[entity]["n"] == n and by[entity]["period"] == "2026-Q4"
            assert by[entity]["mean"] == pytest.approx(mean) and by[entity]["sd"] == pytest.approx(sd)
            assert by[entity]["top2"] == pytest.approx(100 * top)
        if pub[entity]["conf_status"] == "F":
            assert abs(pub[entity]["n"] - n) <= 2
    assert by["c_d612"]["conf_status"] == "A"  # n=2 < 3; perturbed, it may be published (with n' in 3..4)
    assert pub["c_d612"]["conf_status"] == "A" or 3 <= pub["c_d612"]["n"] <= 4
    assert pub["c_h501"]["obs_status"] == "A" and pub["c_l219"]["conf_status"] == "F"  # no complementary suppression


def test_console_indicators_route(data_dir):
    client = api_client(Settings(data_dir=data_dir))
    body = client.get("/api/v1/indicators?by=pa_type,service_type&freq=M&period=2026-10").get_json()
    assert body["indicator"] == "satisfaction" and {"cx-core", "faccia", "mod-anagrafe"} <= set(body["instruments"])
    assert "di-rating-servizio" not in body["instruments"]
    [row] = body["rows"]
    assert row["pa_type"] == "L6" and abs(row["n"] - 132) <= 2 and row["conf_status"] == "F" and row["obs_status"] == "A"
    assert row["mean_ci"][0] < row["mean"] < row["mean_ci"][1]
    assert sum(row["distribution"].values()) == pytest.approx(100, abs=0.05)
    # ease combines cx-core and the Designers Italia stars, as their harmonization declares
    ease = client.get("/api/v1/indicators?indicator=ease&by=questionnaire&freq=A").get_json()
    got = {r["questionnaire"]: r["n"] for r in ease["rows"]}
    assert set(got) == {"cx-core", "di-rating-servizio"} and abs(got["cx-core"] - 132) <= 2 and abs(got["di-rating-servizio"] - 12) <= 2
    ww = client.get("/api/v1/indicators?indicator=went_well&by=&freq=A").get_json()["rows"][0]
    assert ww["shares"]["clarity"]["share"] == pytest.approx(100.0, abs=3.0)
    small = client.get("/api/v1/indicators?by=entity&service_type=anagrafe.certificati&freq=A").get_json()["rows"]
    d612 = {r["entity"]: r for r in small}["c_d612"]  # n = 2: suppressed, or published as 3 or 4
    assert d612["conf_status"] == "A" or 3 <= d612["n"] <= 4
    assert all(r["mean"] is None and r["n"] is None for r in small if r["conf_status"] != "F")


@pytest.mark.parametrize("query, status, field", [
    ("indicator=happiness", 400, "indicator"), ("by=colour", 400, "by"), ("freq=W", 400, "freq"),
    ("period=2026-13", 400, "period"), ("pa_type=L6';--", 400, "pa_type"),
    ("indicator=satisfaction&questionnaire=di-rating-servizio", 422, "questionnaire"),
])
def test_console_refuses_with_reasons(data_dir, query, status, field):
    client = api_client(Settings(data_dir=data_dir))
    resp = client.get(f"/api/v1/indicators?{query}")
    body = resp.get_json()
    assert resp.status_code == status and set(body) == {"error", "message", "fields"} | ({"reason"} if status == 422 else set()) and field in body["fields"]


def test_comparisons_across_service_types_are_refused(data_dir):
    client = api_client(Settings(data_dir=data_dir))
    for q in ("", "&service_type=anagrafe.certificati,previdenza.domanda-prestazione"):
        resp = client.get(f"/api/v1/compare?indicator=satisfaction{q}")
        assert resp.status_code == 422 and resp.get_json()["error"] == "not_comparable"
        assert "service type" in resp.get_json()["message"]
    with pytest.raises(NotComparable):
        cube.Cut(indicator="clarity", filters={"questionnaire": ["di-rating-servizio"]}).validate()


def test_compare_entities_of_one_service_type(data_dir):
    client = api_client(Settings(data_dir=data_dir))
    # the fixture's month, named: with no period the API takes the latest complete one, which moves with the clock
    body = client.get("/api/v1/compare?service_type=anagrafe.certificati&indicator=satisfaction&measure=mean"
                      "&overdispersion=multiplicative&period=2026-10").get_json()
    assert abs(body["benchmark"]["n"] - 132) <= 2 and body["funnel"]["n"][0] == 3
    units = {u["entity"]: u for u in body["units"]}
    d612 = units["c_d612"]  # n = 2: suppressed (no n, value or rank), or published with a perturbed n of 3 or 4
    assert (d612["conf_status"] == "A" and d612["n"] is None and d612["value"] is None and d612["rank"] is None) \
        or (d612["conf_status"] == "F" and 3 <= d612["n"] <= 4 and d612["rank"])
    assert units["c_l219"]["conf_status"] == "F"
    ranked = [u for u in body["units"] if u["rank"] and u["entity"] != "c_d612"]
    assert [u["entity"] for u in ranked] == ["c_h501", "c_a944", "c_f205", "c_l219"]
    assert all(u["eb"]["ci"][0] <= u["eb"]["estimate"] <= u["eb"]["ci"][1] for u in ranked)
    assert all(u["rank_interval"][0] <= u["rank"] <= u["rank_interval"][1] for u in ranked)
    # the units differ far more than chance allows: the χ² test rejects, so (and only so) the limits are widened
    assert body["test"]["overdispersed"] and body["test"]["phi"] > 1 and body["method"] == "normal_multiplicative"
    lo95, hi95 = units["c_a944"]["limits"]["95"]
    lo998, hi998 = units["c_a944"]["limits"]["99.8"]
    assert lo998 <= lo95 < body["benchmark"]["value"] < hi95 <= hi998  # clipped to the scale
    assert all(u["fdr"]["flag"] in ("above", "below", "within") for u in ranked)
    share = client.get("/api/v1/compare?service_type=anagrafe.certificati&overdispersion=additive&period=2026-10").get_json()
    assert share["measure"] == "positive_share" and 0 <= share["benchmark"]["value"] <= 100
    assert share["method"] in ("exact_binomial", "normal_additive") and share["test"]["tau2"] >= 0
    assert client.get("/api/v1/compare?service_type=anagrafe.certificati&measure=top2").status_code == 200


def test_the_benchmark_cell_is_the_sum_of_the_unit_cells(data_dir):
    """compare() builds the benchmark from the units' rows instead of a second scan: it must be the very
    cell the API publishes for the service type (same counts, key sums, pool, hence the same noise)."""
    import pandas as pd

    from warehouse.compare import total

    with Warehouse(Settings(data_dir=data_dir)) as wh:
        con = wh.cursor()
        for indicator in ("satisfaction", "ease", "went_well"):
            for level in ("entity", "service"):
                f = {"service_type": ["anagrafe.certificati"]}
                year = dict(freq="A", start="2026", end="2026")  # a span cell is one calendar period
                raw = cube.aggregate(con, cube.Cut(indicator=indicator, by=[level], filters=f, **year), span=True)
                direct = cube.aggregate(con, cube.Cut(indicator=indicator, filters=f, **year), span=True)
                assert len(raw) > 1, (indicator, level)
                pd.testing.assert_frame_equal(total(raw, level), direct)


def test_meta_route(data_dir):
    body = api_client(Settings(data_dir=data_dir)).get("/api/v1/meta").get_json()
    assert body["periods"] == ["2026-10", "2026-11"]
    assert {k: body["disclosure"][k] for k in ("min_n", "low_n", "microdata_k", "max_deviation", "variance")} == \
        {"min_n": 3, "low_n": 30, "microdata_k": 5, "max_deviation": 2, "variance": 1.0}
    ease = next(i for i in body["indicators"] if i["name"] == "ease")
    assert ease["kind"] == "score" and {"cx-core", "di-rating-servizio", "mod-tributi"} <= set(ease["instruments"])
    assert "faccia" not in ease["instruments"]


def test_console_sees_new_files_after_the_check_interval(tmp_path):
    settings = Settings(data_dir=tmp_path, rollup_check_s=0)
    client = api_client(settings)
    assert client.get("/api/v1/indicators").get_json()["rows"] == []
    write(tmp_path, [response(satisfaction=5) for _ in range(30)])
    assert abs(client.get("/api/v1/indicators?freq=A").get_json()["rows"][0]["n"] - 30) <= 2
    assert client.get("/api/v1/nothing").get_json()["error"] == "not_found"


def test_thresholds_are_configuration(data_dir):
    client = api_client(Settings(data_dir=data_dir, disclosure_min_n=50))
    rows = client.get("/api/v1/indicators?by=pa_type&freq=A").get_json()["rows"]
    assert {r["pa_type"]: r["conf_status"] for r in rows} == {"C16": "A", "L6": "F"}  # 40 ± 2 < 50 ≤ 132 ± 2
    loose = api_client(Settings(data_dir=data_dir, ckm_max_deviation=4, ckm_variance=3.0))
    n = {r["pa_type"]: r["n"] for r in loose.get("/api/v1/indicators?by=pa_type&freq=A").get_json()["rows"]}
    assert abs(n["C16"] - 40) <= 4 and abs(n["L6"] - 132) <= 4


def test_cli_refresh_status_and_published_indicators(small_dir):
    runner = CliRunner()
    env = {"ASCOLTO_DATA_DIR": str(small_dir)}
    assert json.loads(runner.invoke(main, ["warehouse", "status"], env=env).output)["stale"] is True
    out = runner.invoke(main, ["warehouse", "refresh"], env=env)
    assert out.exit_code == 0 and json.loads(out.output)["input_files"] == 4
    assert json.loads(runner.invoke(main, ["warehouse", "status"], env=env).output)["stale"] is False
    result = runner.invoke(main, ["indicators", "--period", "2026-10", "--json"], env=env)
    rows = json.loads(result.output)
    assert [r["pa_type"] for r in rows] == ["C16", "L6"]  # true n 2 and 4
    assert all((r["n"] is None) == (r["mean"] is None) == (r["conf_status"] == "A") for r in rows)
    assert all(r["n"] is None or abs(r["n"] - n) <= 2 for r, n in zip(rows, (2, 4)))
    bad = runner.invoke(main, ["indicators", "--period", "oct"], env=env)
    assert bad.exit_code == 2 and "--period" in bad.output


def test_compaction_during_a_rollup_refresh_waits_for_it(tmp_path, monkeypatch):
    """`ascolto compact` runs while a refresh has listed its input files: the refresh must still read them
    all (it holds the dataset lock, so compaction waits), and the next refresh sees the compacted file."""
    import threading

    from processor.compact import compact

    for i in range(6):
        write(tmp_path, [response(satisfaction=1 + i % 5, day=1 + i) for _ in range(3)])
    real = rollup._columns
    done = threading.Event()

    def columns_then_compact(*args):  # (con, paths): the refresh has listed its files and reads them now
        if not done.is_set():
            t = threading.Thread(target=lambda: (compact(tmp_path, min_rows=1_000), done.set()), daemon=True)
            t.start()
            t.join(timeout=1.5)  # without the lock, compaction swaps the files away right here
        return real(*args)

    monkeypatch.setattr(rollup, "_columns", columns_then_compact)
    first = rollup.refresh(tmp_path)
    assert first["input_files"] == 6
    assert done.wait(10)  # compaction ran once the refresh released the lock
    monkeypatch.setattr(rollup, "_columns", real)
    assert rollup.is_stale(tmp_path)
    rollup.refresh(tmp_path)
    assert len(rollup.read_manifest(tmp_path)["inputs"]) == 1
    with Warehouse(Settings(data_dir=tmp_path)) as wh:
        assert wh.cursor().execute("SELECT sum(n) FROM rollup WHERE indicator = 'satisfaction'").fetchone()[0] == 18


def test_warehouse_status_says_when_the_rollup_is_not_built_yet(small_dir):
    """A new user's `ascolto warehouse status` read `stale: true, input_files: 0` until the console first built
    the rollup, as if the data were lost or out of date: it says the rollup is not built yet, how it gets
    built, and how many responses files there are to build it from."""
    runner = CliRunner()
    env = {"ASCOLTO_DATA_DIR": str(small_dir)}

    def status():
        out = runner.invoke(main, ["warehouse", "status"], env=env)
        assert out.exit_code == 0, out.output
        return json.loads(out.output)

    assert status() == {"built": False, "stale": True, "input_files": 0, "responses_files": 4, "rollup_files": 0,
                        "note": "not built yet: the console builds it as it starts, any reader (ascolto indicators, "
                                "ascolto export) as it first reads, or ascolto warehouse refresh now"}
    assert runner.invoke(main, ["warehouse", "refresh"], env=env).exit_code == 0
    built = status()
    assert built["built"] is True and built["stale"] is False and built["input_files"] == built["responses_files"] == 4
    assert built["note"] == "up to date: it covers every responses file"
    _write_minimal(small_dir, "2026-11", "C16", "previdenza.domanda-prestazione", [50])
    assert status()["note"] == ("stale: 1 responses file changed since the last refresh; the next reader (the console "
                                "within ASCOLTO_ROLLUP_CHECK_S seconds) or ascolto warehouse refresh brings it up to date")
