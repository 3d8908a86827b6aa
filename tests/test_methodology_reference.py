"""The published estimators against independent references (scipy, statsmodels) on small known cells,
edge cases included: n at the disclosure threshold, every answer the same, shares of 0 and 100 %, task
completion's three shares, faces. Through warehouse.protect.publish — the one path to a published
figure — with the protection off for the arithmetic, on for the thresholds."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from warehouse.protect import Protection, publish, scale_buckets

OFF = Protection(enabled=False)
LIKERT = {1: "0", 2: "25", 3: "50", 4: "75", 5: "100"}


def _cell(indicator: str, scores: list[float], pool: str, positive) -> pd.DataFrame:
    """One rollup cell of answers scored ``scores`` (0–100); ``positive``: which scores are positive."""
    rng = np.random.default_rng(len(scores))
    keys = rng.integers(0, 2 ** 32, size=len(scores))
    s = np.asarray(scores, dtype=float)
    row = {"period": "2026-10", "n": len(s), "k": int(keys.sum() % 2 ** 32), "pool": pool}
    for c in ("0", "25", "50", "75", "100"):
        sel = s == float(c)
        row[f"c_{c}"], row[f"k_{c}"] = int(sel.sum()), int(keys[sel].sum() % 2 ** 32)
    pos = np.array([positive(x) for x in s], dtype=bool)
    row["c_pos"], row["k_pos"] = int(pos.sum()), int(keys[pos].sum() % 2 ** 32)
    return pd.DataFrame([row])


def _likert(answers: list[int], indicator: str = "satisfaction") -> pd.DataFrame:
    return _cell(indicator, [float(LIKERT[a]) for a in answers], "cx-core@1", lambda x: x >= 75)


@pytest.mark.parametrize("answers", [[1, 2, 4, 4, 5, 5, 5], [3, 3, 4], [1, 1, 2, 2, 2], [4, 5, 5, 4, 4, 5]])
def test_a_likert_cell_matches_scipy_and_statsmodels(answers):
    out = publish(_likert(answers), "satisfaction", ["period"], OFF).iloc[0]
    x = np.array([float(LIKERT[a]) for a in answers])
    assert out["n"] == len(x) and out["mean"] == pytest.approx(x.mean()) and out["sd"] == pytest.approx(x.std(ddof=1))
    lo, hi = sps.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sps.sem(x))
    assert (out["mean_lower"], out["mean_upper"]) == pytest.approx((max(lo, 0), min(hi, 100)))
    k = int((x >= 75).sum())
    assert out["top2"] == pytest.approx(100 * k / len(x))
    ref = proportion_confint(k, len(x), alpha=0.05, method="wilson")
    assert (out["top2_lower"], out["top2_upper"]) == pytest.approx((100 * ref[0], 100 * ref[1]))
    for c in LIKERT.values():
        assert out[f"dist_{c}"] == pytest.approx(100 * (x == float(c)).mean())


def test_shares_of_0_and_100_percent_keep_wilson_bounds_inside_0_100():
    none = publish(_likert([1, 2, 2, 3]), "satisfaction", ["period"], OFF).iloc[0]
    assert none["top2"] == 0 and none["top2_lower"] == pytest.approx(0, abs=1e-9)
    assert none["top2_upper"] == pytest.approx(100 * proportion_confint(0, 4, method="wilson")[1])
    every = publish(_likert([4, 5, 5, 4]), "satisfaction", ["period"], OFF).iloc[0]
    assert every["top2"] == 100 and every["top2_upper"] == pytest.approx(100)
    assert every["top2_lower"] == pytest.approx(100 * proportion_confint(4, 4, method="wilson")[0])
    # with the perturbation the bounds stay inside [0, 100] and around the value
    for answers in ([1, 2, 2, 3], [4, 5, 5, 4], [5] * 40):
        on = publish(_likert(answers), "satisfaction", ["period"], Protection()).iloc[0]
        if on["conf_status"] == "F":
            assert 0 <= on["top2_lower"] <= on["top2"] <= on["top2_upper"] <= 100


def test_every_answer_the_same_is_degenerate_with_protection_off_and_on():
    for prot in (OFF, Protection()):
        out = publish(_likert([4] * 12), "satisfaction", ["period"], prot).iloc[0]
        assert out["mean_status"] == "degenerate" and out["mean"] == out["mean_lower"] == out["mean_upper"] == 75
        assert out["sd"] == 0


@pytest.mark.parametrize("n, published", [(1, False), (2, False), (3, True)])
def test_the_threshold_on_the_true_n(n, published):
    out = publish(_likert([5] * n), "satisfaction", ["period"], OFF).iloc[0]
    assert (out["conf_status"] == "F") is published and (out["obs_status"] == "Q") is not published
    if not published:
        assert np.isnan(out["n"]) and np.isnan(out["mean"]) and np.isnan(out["top2"])


def test_a_true_count_below_the_threshold_is_never_published_whatever_its_key():
    rows = []
    for k in np.linspace(0, 2 ** 32 - 1, 400).astype(np.int64):
        for n in (1, 2):
            rows.append({"period": str(k), "n": n, "k": int(k), "pool": "cx-core@1", "c_0": 0, "k_0": 0, "c_25": 0,
                         "k_25": 0, "c_50": 0, "k_50": 0, "c_75": 0, "k_75": 0, "c_100": n, "k_100": int(k),
                         "c_pos": n, "k_pos": int(k)})
    out = publish(pd.DataFrame(rows), "satisfaction", ["period"], Protection())
    assert (out["conf_status"] == "A").all() and out["n"].isna().all()


def test_task_completion_is_three_wilson_shares_adding_up_to_100():
    scores = [100.0] * 6 + [50.0] * 3 + [0.0] * 1
    out = publish(_cell("task_completed", scores, "cx-core@1", lambda x: x == 100), "task_completed",
                  ["period"], OFF).iloc[0]
    assert np.isnan(out["mean"]) and out["mean_status"] == "shares_only"
    for name, k in (("yes", 6), ("partly", 3), ("no", 1)):
        ref = proportion_confint(k, 10, alpha=0.05, method="wilson")
        assert out[f"share_{name}"] == pytest.approx(10 * k)
        assert (out[f"share_{name}_lower"], out[f"share_{name}_upper"]) == pytest.approx((100 * ref[0], 100 * ref[1]))
    assert out["share_yes"] + out["share_partly"] + out["share_no"] == pytest.approx(100)
    assert out["top2"] == out["share_yes"]


def test_faces_reach_three_categories_and_their_mean_is_the_faces_scores():
    assert scale_buckets("satisfaction", "faccia@1") == ("0", "50", "100")
    assert scale_buckets("satisfaction", "cx-core@1") == ("0", "25", "50", "75", "100")
    scores = [100.0] * 8 + [50.0] * 2
    out = publish(_cell("satisfaction", scores, "faccia@1", lambda x: x == 100), "satisfaction", ["period"], OFF).iloc[0]
    assert out["mean"] == pytest.approx(90) and out["top2"] == pytest.approx(80)
    lo, hi = sps.t.interval(0.95, 9, loc=90, scale=sps.sem(scores))
    assert (out["mean_lower"], out["mean_upper"]) == pytest.approx((lo, min(hi, 100)))
