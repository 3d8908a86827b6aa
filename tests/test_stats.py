"""Known-answer tests of the warehouse statistics, against values computed independently here."""
from __future__ import annotations

import numpy as np
import pytest

from warehouse import stats


def test_wilson_interval_for_8_of_10():
    lo, hi = stats.wilson(8, 10)
    assert (round(float(lo), 3), round(float(hi), 3)) == (0.490, 0.943)
    # the Wilson formula by hand
    z, p, n = 1.959964, 0.8, 10
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert lo == pytest.approx(centre - half, abs=1e-5) and hi == pytest.approx(centre + half, abs=1e-5)


def test_wilson_is_nan_without_responses():
    lo, hi = stats.wilson(np.array([0, 3]), np.array([0, 3]))
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and hi[1] == pytest.approx(1.0)


def test_t_interval_of_a_mean_from_sums():
    x = np.array([50, 50, 75, 75, 75, 100], dtype=float)
    mean, sd = stats.mean_sd(len(x), x.sum(), (x ** 2).sum())
    assert mean == pytest.approx(x.mean()) and sd == pytest.approx(x.std(ddof=1))
    lo, hi = stats.t_interval(len(x), mean, sd)
    half = 2.570582 * x.std(ddof=1) / np.sqrt(6)  # t(0.975, 5) from the tables
    assert (lo, hi) == (pytest.approx(x.mean() - half, abs=1e-4), pytest.approx(x.mean() + half, abs=1e-4))
    assert (round(float(lo), 2), round(float(hi), 2)) == (51.08, 90.58)


def test_t_interval_is_clipped_to_the_scale_and_undefined_for_one_response():
    lo, hi = stats.t_interval(np.array([4, 1]), np.array([62.5, 50]), np.array([32.27, np.nan]))
    assert hi[0] == 100 and 0 < lo[0] < 62.5
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_funnel_limits():
    lo, hi = stats.funnel_limits(70.0, 20 / np.sqrt(25), 0.95)
    assert (round(float(lo), 3), round(float(hi), 3)) == (62.160, 77.840)
    lo, hi = stats.funnel_limits(70.0, 4.0, 0.998)
    assert (round(float(lo), 3), round(float(hi), 3)) == (57.639, 82.361)
    lo, hi = stats.funnel_limits(70.0, 4.0, 0.95, "multiplicative", phi=2.25)
    assert float(hi) == pytest.approx(70 + 1.959964 * 6, abs=1e-4)
    lo, hi = stats.funnel_limits(70.0, 4.0, 0.95, "multiplicative", phi=0.5)  # underdispersion: no narrowing
    assert float(hi) == pytest.approx(77.84, abs=1e-3)
    lo, hi = stats.funnel_limits(70.0, 4.0, 0.95, "additive", tau2=9.0)
    assert float(hi) == pytest.approx(70 + 1.959964 * 5, abs=1e-4)


def test_overdispersion_winsorizes_the_z_scores():
    z = np.array([-3, -1, -0.5, 0, 0, 0.5, 1, 1, 2, 4], dtype=float)
    # winsorized at 10% each side: -3 → -1, 4 → 2
    assert stats.overdispersion(z) == pytest.approx(np.mean(np.array([-1, -1, -.5, 0, 0, .5, 1, 1, 2, 2]) ** 2))
    assert stats.overdispersion(z) == pytest.approx(1.25)
    # additive τ² with unit standard errors: (Iφ − (I − 1)) / (Σw − Σw²/Σw) = (12.5 − 9) / 9
    assert stats.additive_tau2(z, np.ones(10)) == pytest.approx(3.5 / 9)


def test_empirical_bayes_shrinkage_on_a_hand_example():
    y, se = np.array([60.0, 70.0, 80.0]), np.array([5.0, 5.0, 10.0])
    # DerSimonian–Laird by hand
    w = 1 / se ** 2
    fixed = (w * y).sum() / w.sum()
    q = (w * (y - fixed) ** 2).sum()
    tau2 = max(0.0, (q - 2) / (w.sum() - (w ** 2).sum() / w.sum()))
    assert tau2 == pytest.approx(37.5)
    wr = 1 / (se ** 2 + tau2)
    mu = (wr * y).sum() / wr.sum()
    b = se ** 2 / (se ** 2 + tau2)
    expected = mu + (1 - b) * (y - mu)
    var = (1 - b) * se ** 2 + b ** 2 / wr.sum()
    est, lo, hi, got_mu, got_tau2 = stats.empirical_bayes(y, se)
    assert got_tau2 == pytest.approx(37.5) and got_mu == pytest.approx(mu)
    assert est == pytest.approx(expected)
    assert hi - lo == pytest.approx(2 * 1.959964 * np.sqrt(var), rel=1e-5)
    assert round(float(est[0]), 2) == 63.11
    # shrinkage pulls towards μ, most where the standard error is largest
    assert abs(est[2] - mu) / abs(y[2] - mu) < abs(est[0] - mu) / abs(y[0] - mu)


def test_empirical_bayes_without_heterogeneity_gives_the_common_mean():
    est, *_ , tau2 = stats.empirical_bayes(np.array([50.0, 50.5, 49.5]), np.array([10.0, 10.0, 10.0]))
    assert tau2 == 0 and est == pytest.approx([50.0] * 3)


def test_allocate_shares_out_whole_answers_that_add_up_to_n():
    from warehouse.stats import allocate

    out = allocate([[4, 3, 0], [1, 1, 1], [2, -1, 5], [0, 0, 0], [2, 2, 5]], [5, 7, 3, 3, float("nan")])
    assert out[:3].tolist() == [[3, 2, 0], [3, 2, 2], [1, 0, 2]]  # ties to the first; a negative count is 0
    assert np.isnan(out[3:]).all()  # nothing to share out, or no n
    rng = np.random.default_rng(7)
    counts, n = rng.integers(-2, 40, size=(500, 5)), rng.integers(3, 200, size=500).astype(float)
    out = allocate(counts, n)
    ok = np.clip(counts, 0, None).sum(axis=1) > 0
    assert (out[ok].sum(axis=1) == n[ok]).all() and (out[ok] == np.round(out[ok])).all() and (out[ok] >= 0).all()
    quota = np.clip(counts[ok], 0, None) * (n[ok] / np.clip(counts[ok], 0, None).sum(axis=1))[:, None]
    assert (np.abs(out[ok] - quota) < 1).all()  # each within one answer of its exact share
