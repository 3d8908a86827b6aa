"""Item non-response is published through warehouse.protect like every other figure: perturbed counts,
suppression below min_n, and a 95% interval that covers the sampling *and* the cell-key noise.

It was computed in warehouse/response_rates.py from perturbed counts with no interval at all. Real
p-table and record-key arithmetic; the references are statsmodels' Wilson interval."""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from warehouse.protect import Protection
from warehouse.protect_rates import publish_item_nonresponse

DIMS = ["period", "questionnaire", "version", "item"]


def _cells(n: int, p: float, reps: int, seed: int) -> pd.DataFrame:
    """``reps`` cells of ``n`` submissions an item applied to, each left unanswered with probability ``p``,
    with uniform record keys."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(reps):
        keys = rng.integers(0, 2 ** 32, size=n)
        miss = rng.random(n) < p
        rows.append({"period": "2026-10", "questionnaire": "cx-core", "version": 1, "item": f"q{i}",
                     "applicable": n, "k_applicable": int(keys.sum() % 2 ** 32),
                     "missing": int(miss.sum()), "k_missing": int(keys[miss].sum() % 2 ** 32)})
    return pd.DataFrame(rows)


def test_without_noise_the_interval_is_statsmodels_wilson():
    df = _cells(40, 0.2, 30, seed=1)
    out = publish_item_nonresponse(df, DIMS, Protection(enabled=False))
    lo, hi = proportion_confint(df["missing"], df["applicable"], alpha=0.05, method="wilson")
    np.testing.assert_allclose(out["nonresponse"], 100 * df["missing"] / df["applicable"])
    np.testing.assert_allclose(out["nonresponse_lower"], 100 * lo)
    np.testing.assert_allclose(out["nonresponse_upper"], 100 * hi)


def test_the_interval_adds_the_perturbations_variance():
    """Wilson at the effective n, n / deff with deff = 1 + n·V(1 + p²)/n² / (p̃(1 − p̃)) (a ratio of two
    counts perturbed apart, variance V = 1 each), computed here independently."""
    prot = Protection()
    out = publish_item_nonresponse(_cells(15, 0.3, 40, seed=2), DIMS, prot)
    out = out[out["conf_status"] == "F"]
    k, n = out["missing"].to_numpy(float), out["applicable"].to_numpy(float)
    p, centre = k / n, (k + 1.959964 ** 2 / 2) / (n + 1.959964 ** 2)
    n_eff = n / (1 + n * prot.V * (1 + p ** 2) / n ** 2 / (centre * (1 - centre)))
    lo, hi = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
    np.testing.assert_allclose(out["nonresponse_lower"], 100 * lo, atol=1e-4)
    np.testing.assert_allclose(out["nonresponse_upper"], 100 * hi, atol=1e-4)
    sampling = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert ((hi - lo) > (sampling[1] - sampling[0])).all()


def test_coverage_of_small_cells_reaches_95_percent():
    """1000 cells of 12 submissions, 25 % unanswered: the published 95% intervals cover the true share
    at least 94 % of the time (the sampling-only Wilson interval of the same perturbed counts covers less)."""
    prot = Protection()
    out = publish_item_nonresponse(_cells(12, 0.25, 1000, seed=3), DIMS, prot)
    shown = out[out["conf_status"] == "F"]
    assert len(shown) > 950
    covered = ((shown["nonresponse_lower"] <= 25) & (25 <= shown["nonresponse_upper"])).mean()
    lo, hi = proportion_confint(shown["missing"], shown["applicable"], alpha=0.05, method="wilson")
    naive = ((100 * lo <= 25) & (25 <= 100 * hi)).mean()
    assert covered >= 0.94, covered
    assert covered > naive, (covered, naive)


def test_withheld_where_its_counts_are_suppressed_and_consistent_with_the_cube():
    """A cell of 2 submissions: no counts, no share, no interval (Q, A). An item every respondent left
    unanswered keeps its cell's deviation: 100 % stays 100 %, and the applicable count is the cube's n
    of the same records (the same key, the same noise)."""
    prot = Protection()
    df = _cells(2, 0.5, 1, seed=4)
    everyone = _cells(9, 0.0, 1, seed=5).assign(item="all-missing")
    everyone["missing"], everyone["k_missing"] = everyone["applicable"], everyone["k_applicable"]
    out = publish_item_nonresponse(pd.concat([df, everyone], ignore_index=True), DIMS, prot).set_index("item")
    hidden = out.loc["q0"]
    assert (hidden["obs_status"], hidden["conf_status"]) == ("Q", "A")
    assert all(np.isnan(hidden[c]) for c in ("applicable", "missing", "nonresponse", "nonresponse_lower"))
    whole = out.loc["all-missing"]
    assert whole["nonresponse"] == 100 and whole["missing"] == whole["applicable"]
    assert whole["applicable"] == prot.perturb([9], [everyone["k_applicable"].iloc[0]])[0]
