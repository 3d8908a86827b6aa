"""The cell-key method: the p-table's stated properties, the protection's invariants over random data
(hypothesis), and an LP audit of random 3-D tables with margins."""
from __future__ import annotations

import io
import json

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.test_confidentiality_attacks import lp_audit
from dataset.recordkey import KEY_SCALE, key_int, local_secret, record_key
from warehouse import cube, export, ptable
from warehouse.jsonstat import values as jsonstat_values
from warehouse.protect import TOTAL, Protection, SCORE_STATS
from warehouse.rollup import EMPTY_ROLLUP, KEYS, MEASURES, SCORE_POINTS

SECRET = "a-test-key-for-the-ckm-9f3e1b7c5a2d4e6f80"


# --- record keys ---------------------------------------------------------------------------------

def test_record_keys_are_deterministic_uniform_and_secret():
    keys = np.array([record_key(SECRET, f"sub-{i}") for i in range(20_000)])
    assert record_key(SECRET, "sub-1") == keys[1] and ((0 <= keys) & (keys < 1)).all()
    assert abs(keys.mean() - 0.5) < 0.01 and abs(keys.var() - 1 / 12) < 0.003  # U(0,1): mean 1/2, var 1/12
    assert np.histogram(keys, bins=10, range=(0, 1))[0].min() > 1_800
    assert record_key(SECRET + "x", "sub-1") != keys[1]  # another secret, other keys
    assert keys[1] * KEY_SCALE == key_int(SECRET, "sub-1")  # exact multiples of 2⁻³²


def test_placeholder_secrets_are_refused_and_the_local_one_is_stable(tmp_path):
    from settings import load

    for bad in ("change-me", "secret", "aaaaaaaaaaaaaaaaaaaa", "short"):
        with pytest.raises(ValueError, match="ASCOLTO_CKM_SECRET"):
            load({"ASCOLTO_CKM_SECRET": bad})

    with pytest.raises(ValueError, match="ASCOLTO_CKM_SECRET"):
        load({"ASCOLTO_CKM_SECRET": "changeme"})
    assert load({"ASCOLTO_CKM_SECRET": SECRET}).ckm_secret == SECRET
    assert local_secret(tmp_path) == local_secret(tmp_path) and len(local_secret(tmp_path)) == 64


# --- the p-table ---------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None, derandomize=True)
@given(D=st.integers(1, 5), V=st.floats(0.2, 4.0), js=st.integers(0, 2))
def test_ptable_has_its_stated_properties(D, V, js):
    t = ptable.build(D, V, js)
    assert (t.probs[0] == (t.deviations[0] == 0)).all()  # an empty cell stays empty
    for i in range(1, D + 1):
        p, d = t.probs[i], t.deviations[i]
        assert p.sum() == pytest.approx(1) and (p >= 0).all() and t.upper[i][-1] == 1.0
        assert not (p[i + d < 0] > 1e-12).any()  # no negative result
        assert not (p[(i + d >= 1) & (i + d <= js) & (d != 0)] > 1e-12).any()  # blocked small values
        assert p @ d == pytest.approx(0, abs=1e-7)  # unbiased
        support = np.array([x for x in d if i + x >= 0 and not (1 <= i + x <= js and x != 0)])
        vmax = ptable._max_variance(support)
        assert p @ (d * d) == pytest.approx(min(V, vmax), abs=1e-6)  # the variance asked for, where feasible
        if V < vmax - 1e-6:  # maximum entropy: log p is a quadratic in d on the support
            on = np.isin(d, support)
            coef = np.polyfit(d[on], np.log(p[on]), 2)
            assert np.abs(np.polyval(coef, d[on]) - np.log(p[on])).max() < 1e-5
    # rows for counts >= D are the symmetric row D
    assert (t.deviation(np.full(5, D + 7), np.linspace(0, 0.99, 5)) ==
            t.deviation(np.full(5, D), np.linspace(0, 0.99, 5))).all()


def test_ptable_lookup_follows_the_probabilities():
    t = ptable.build(2, 1.0)
    u = (np.arange(100_000) + 0.5) / 100_000
    for i in (1, 2, 9):
        dev = t.deviation(np.full(len(u), i), u)
        row = t.probs[min(i, 2)]
        freq = np.array([(dev == d).mean() for d in range(-2, 3)])
        assert np.abs(freq - row).max() < 1e-4 and (i + dev >= 0).all() and np.abs(dev).max() <= 2


# --- random data: the same cell everywhere; |n' - n| <= D; nothing below 3 --------------------------

DIM_VALUES = {"pa_type": ["L6", "C16"], "service_type": ["s.a", "s.b", "s.c"], "region": ["ITC4", "ITI4", "ITH5"]}
PERIODS = ["2025-01", "2025-02", "2025-05"]


def _con(records: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A DuckDB ``rollup`` table built from records (period, pa_type, service_type, region, value 0–4),
    with record keys from :data:`SECRET` — the rollup's own layout, one row per record and category."""
    con = duckdb.connect(":memory:")
    con.execute(f"CREATE TABLE rollup AS {EMPTY_ROLLUP}")
    rows = []
    for i, (period, pa, stype, region, v) in enumerate(records):
        k = key_int(SECRET, f"r{i}")
        cat = list(SCORE_POINTS)[v]
        rec = {"period": period, "pa_type": pa, "day": f"{period}-01", "service": f"svc-{stype}-{region}",
               "entity": f"e-{region}", "service_type": stype, "region": region, "channel": "web",
               "questionnaire": "cx-core", "version": "1", "instrument": "cx-core", "scale": "likert5",
               "indicator": "satisfaction",
               **{m: 0 for m in MEASURES}, "n": 1, "k": k, f"c_{cat}": 1, f"k_{cat}": k}
        rows.append(rec)
    if rows:
        con.register("incoming", pd.DataFrame(rows))
        con.execute("INSERT INTO rollup SELECT period, pa_type, day::DATE, " + ", ".join(KEYS)
                    + ", indicator, " + ", ".join(MEASURES) + " FROM incoming")
    return con


records_strategy = st.lists(st.tuples(st.sampled_from(PERIODS), st.sampled_from(DIM_VALUES["pa_type"]),
                                      st.sampled_from(DIM_VALUES["service_type"]),
                                      st.sampled_from(DIM_VALUES["region"]), st.integers(0, 4)),
                            min_size=1, max_size=60)


def _cell(df: pd.DataFrame, where: dict) -> dict:
    sel = np.ones(len(df), dtype=bool)
    for k, v in where.items():
        sel &= (df[k] == v).to_numpy()
    [row] = df[sel].to_dict("records")
    return row


def _same(a: dict, b: dict) -> bool:
    keys = ["n", *SCORE_STATS, "conf_status"]
    return all((pd.isna(a[k]) and pd.isna(b[k])) or (a[k] == b[k] if isinstance(a[k], str) else a[k] == pytest.approx(b[k]))
               for k in keys)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(records=records_strategy, pa=st.sampled_from(DIM_VALUES["pa_type"]), stype=st.sampled_from(DIM_VALUES["service_type"]))
def test_the_same_cell_is_published_the_same_from_every_path_and_period_range(records, pa, stype):
    con = _con(records)
    p = Protection()
    present = [r for r in records if r[1] == pa and r[2] == stype]
    if not present:
        return
    months = sorted({r[0] for r in present})
    # 1. filter vs group-by vs margins table vs a period range covering the same records
    direct = cube.table(con, cube.Cut(by=[], filters={"pa_type": [pa], "service_type": [stype]}, freq="A"), p)
    grouped = cube.table(con, cube.Cut(by=["pa_type", "service_type"], freq="A"), p)
    margins = cube.table(con, cube.Cut(by=["region", "pa_type", "service_type"], freq="A", margins=True), p)
    ranged = cube.table(con, cube.Cut(by=["service_type"], filters={"pa_type": [pa]}, freq="A",
                                      start="2024", end="2025-Q4"), p)
    a = _cell(direct, {"period": "2025"})
    assert _same(a, _cell(grouped, {"pa_type": pa, "service_type": stype}))
    assert _same(a, _cell(margins, {"region": TOTAL, "pa_type": pa, "service_type": stype}))
    assert _same(a, _cell(ranged, {"service_type": stype}))
    if len(months) == 1:  # one month holds every record: the month, its quarter and its year are one cell
        m = months[0]
        monthly = cube.table(con, cube.Cut(by=[], filters={"pa_type": [pa], "service_type": [stype]}, freq="M",
                                           start=m, end=m), p)
        quarterly = cube.table(con, cube.Cut(by=[], filters={"pa_type": [pa], "service_type": [stype]}, freq="Q"), p)
        assert _same(a, monthly.iloc[0].to_dict()) and _same(a, quarterly.iloc[0].to_dict())
    # 2. every export format carries the same figures as the API rows
    rows = cube.rows_json(margins, cube.Cut(by=["region", "pa_type", "service_type"], freq="A", margins=True))
    pub = export.publication_table(con, "A", indicators=["satisfaction"], protection=p)
    mean = pub[(pub["INDICATOR"] == "SATISFACTION_MEAN") & (pub["INSTRUMENT"] == "_T") & (pub["SCALE"] == "_T")
               & (pub["CHANNEL"] == "_T")]  # the table by area
    for r in rows:
        m = mean[(mean["REF_AREA"] == (r["region"] if r["region"] != TOTAL else "IT")) & (mean["PA_TYPE"] == r["pa_type"])
                 & (mean["SERVICE_TYPE"] == r["service_type"])]
        assert len(m) == 1
        got = m.iloc[0]
        assert (pd.isna(got["N_RESP"]) and r["n"] is None) or int(got["N_RESP"]) == r["n"]
        assert (pd.isna(got["OBS_VALUE"]) and r["mean"] is None) or round(got["OBS_VALUE"], 2) == pytest.approx(r["mean"])


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(records=records_strategy, by=st.sampled_from([["pa_type"], ["pa_type", "service_type"],
                                                     ["region", "pa_type", "service_type"]]),
       freq=st.sampled_from(["M", "Q", "A"]), margins=st.booleans())
def test_perturbation_is_bounded_and_nothing_below_three_is_published(records, by, freq, margins):
    con = _con(records)
    cut = cube.Cut(indicator="satisfaction", by=by, freq=freq, margins=margins)
    df = cube.table(con, cut, Protection())
    true = cube.table(con, cut, Protection(enabled=False, min_n=1))
    assert len(df) == len(true)
    pub = df["conf_status"] == "F"
    assert (np.abs(df.loc[pub, "n"] - true.loc[pub, "n"]) <= 2).all()
    assert (df.loc[pub, "n"] >= 3).all() and df.loc[pub, "mean"].notna().all()
    hidden = df[~pub]
    assert hidden["n"].isna().all() and hidden[SCORE_STATS].isna().all().all() and (hidden["obs_status"] == "Q").all()
    for row in cube.rows_json(df, cut):  # the API rows
        if row["conf_status"] != "F":
            assert row["n"] is None and row["mean"] is None and row["top2"] is None and row["mean_ci"] == [None, None]
            assert set(row["distribution"].values()) == {None}
        else:
            assert row["n"] >= 3
    # every export format of the publication table
    table = export.publication_table(con, freq, indicators=["satisfaction"])
    hid = table["CONF_STATUS"] != "F"
    assert table.loc[hid, ["OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP"]].isna().all().all()
    assert (table.loc[~hid, "N_RESP"] >= 3).all()
    back = pq.read_table(io.BytesIO(export.render(table, "parquet", freq)[0])).to_pandas()
    assert back.loc[back["CONF_STATUS"] != "F", ["OBS_VALUE", "N_RESP"]].isna().all().all()
    for fmt in ("csv", "sdmx-csv"):
        text = pd.read_csv(io.BytesIO(export.render(table, fmt, freq)[0]), dtype=str, keep_default_na=False)
        assert (text.loc[text["CONF_STATUS"] != "F", ["OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "N_RESP"]] == "").all().all()
        assert (text.loc[text["CONF_STATUS"] == "F", "N_RESP"].astype(int) >= 3).all()
    for js in json.loads(export.render(table, "jsonstat", freq)[0])["link"]["item"]:  # a collection of tables
        values = np.array(jsonstat_values(js), dtype=object).reshape(js["size"])  # either form of ``value``
        n_resp = values[..., js["dimension"]["MEASURE"]["category"]["index"].index("N_RESP")]
        assert all(v is None or v >= 3 for v in n_resp.ravel())


# --- the LP audit (:func:`tests.test_confidentiality_attacks.lp_audit`) ---------------------------------

def _random_table(rng: np.random.Generator) -> list[tuple]:
    shape = (3, 3, 3)
    records = []
    counts = rng.choice([0, 1, 2, 3, 5, 8, 15], size=shape, p=[0.1, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15])
    for (a, b, c), n in np.ndenumerate(counts):
        for _ in range(n):
            records.append(("2025-01", DIM_VALUES["pa_type"][a % 2] if a < 2 else "L4", ["s.a", "s.b", "s.c"][b],
                            DIM_VALUES["region"][c], int(rng.integers(0, 5))))
    return records


def _published_cells(con, p: Protection) -> dict[tuple, dict]:
    df = cube.table(con, cube.Cut(by=["pa_type", "service_type", "region"], freq="A", margins=True), p)
    return {(r["pa_type"], r["service_type"], r["region"]): {"n": r["n"], "status": r["conf_status"]}
            for r in df.to_dict("records")}


def test_lp_audit_finds_no_exactly_determined_hidden_cell():
    rng = np.random.default_rng(2026)
    hidden_total, exact_disclosed = 0, 0
    for _ in range(12):
        con = _con(_random_table(rng))
        cells = _published_cells(con, Protection())
        hidden_total += sum(c["status"] != "F" for k, c in cells.items() if TOTAL not in k)
        assert lp_audit(cells, D=2) == []
        # the same audit against exact publication (suppression of n < 3 only) does find cells
        exact = _published_cells(con, Protection(enabled=False))
        exact_disclosed += len(lp_audit(exact, D=0))
    assert hidden_total >= 20 and exact_disclosed >= 5


def test_the_sinks_batch_keyer_is_the_one_record_key_function():
    """The processor's batch keyer (hmac state copied per id) gives exactly dataset.recordkey.record_key,
    which the warehouse uses for rows written without the column."""
    import uuid

    from dataset.recordkey import keyer, record_key
    ids = [str(uuid.uuid4()) for _ in range(200)] + ["", "è-non-ascii"]
    for secret in ("s3cret-for-the-test", "another one"):
        assert keyer(secret)(ids) == [record_key(secret, i) for i in ids]
