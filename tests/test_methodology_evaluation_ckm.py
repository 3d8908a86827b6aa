"""Before/after changes and trends of published cells include the cell-key perturbation, as every
published interval does (docs/methodology.md §10).

warehouse.evaluation recomputed sampling-only statistics from the published k and n: two published
cells of 10 answers drawn from the *same* distribution had a change interval that missed 0 about one
time in seven (0.85 coverage). Each published cell now carries its perturbation variance
(cube.table(noise=True), cube.published_cell) and the comparisons add it. Real p-table, record-key
arithmetic and warehouse.protect.publish; references statsmodels (Newcombe, Wilson) and scipy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from warehouse import evaluation as ev
from warehouse import stats
from warehouse.ckmnoise import cell_noise_var
from warehouse.protect import Protection, publish

NAMES = ["0", "25", "50", "75", "100"]
PROBS = np.array([.1, .15, .25, .3, .2])  # five-point ease: true positive share 50 %, true mean 58.75


def _published(n: int, reps: int, seed: int, prot: Protection = Protection()) -> pd.DataFrame:
    """``reps`` published cells of ``n`` answers drawn from :data:`PROBS` (uniform record keys), with
    the perturbation variances the cube gives them (``sv`` share, ``mv`` mean)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(reps):
        answers, keys = rng.choice(5, size=n, p=PROBS), rng.integers(0, 2 ** 32, size=n)
        row = {"period": "2026-10", "n": n, "k": int(keys.sum() % 2 ** 32), "pool": "cx-core@1"}
        for j, c in enumerate(NAMES):
            row[f"c_{c}"], row[f"k_{c}"] = int((answers == j).sum()), int(keys[answers == j].sum() % 2 ** 32)
        row["c_pos"], row["k_pos"] = int((answers >= 3).sum()), int(keys[answers >= 3].sum() % 2 ** 32)
        rows.append(row)
    df = pd.DataFrame(rows)
    out = publish(df, "ease", ["period"], prot)
    sv, mv = cell_noise_var("ease", df["pool"].tolist(), out["n"], out["top2"], out["mean"], prot)
    return out.assign(sv=sv, mv=mv)


def test_the_cells_noise_variance_is_the_one_its_published_interval_adds():
    out = _published(12, 40, seed=1)
    out = out[out["conf_status"] == "F"]
    k = out["top2"] * out["n"] / 100
    lo, hi = stats.wilson(k, out["n"], noise_var=out["sv"])
    np.testing.assert_allclose(100 * lo, out["top2_lower"], atol=1e-9)
    np.testing.assert_allclose(100 * hi, out["top2_upper"], atol=1e-9)
    m = out[out["mean_status"] == "ok"]
    ref = stats.mean_ci(m["n"], m["mean"] * m["n"], (m["sd"] ** 2 * (m["n"] - 1) + m["n"] * m["mean"] ** 2),
                        noise_var=m["mv"])
    np.testing.assert_allclose(ref["lower"], m["mean_lower"], atol=1e-6)


def test_without_noise_the_change_is_statsmodels_newcombe_and_with_it_wilson_at_the_effective_n():
    k0, n0, k1, n1 = 7, 20, 15, 25
    c = ev.share_change(k0, n0, k1, n1)
    ref = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff")
    assert c.ci == pytest.approx((100 * ref[0], 100 * ref[1]))
    v0, v1 = 0.004, 0.003  # the share's perturbation variances (0–1 scale)
    e = []
    for k, n, v in ((k0, n0, v0), (k1, n1, v1)):
        centre = (k + 1.959964 ** 2 / 2) / (n + 1.959964 ** 2)
        e.append(n / (1 + n * v / (centre * (1 - centre))))
    (l0, u0), (l1, u1) = (proportion_confint(k / n * ne, ne, method="wilson") for k, n, ne in ((k0, n0, e[0]), (k1, n1, e[1])))
    d = k1 / n1 - k0 / n0
    noisy = ev.share_change(k0, n0, k1, n1, noise_var0=v0, noise_var1=v1)
    assert noisy.ci == pytest.approx((100 * (d - np.hypot(k1 / n1 - l1, u0 - k0 / n0)),
                                      100 * (d + np.hypot(u1 - k1 / n1, k0 / n0 - l0))), rel=1e-6)
    assert noisy.p_value > c.p_value and noisy.mdc > c.mdc
    m0, m1 = ev.mean_change(20, 55.0, 20.0, 25, 65.0, 22.0), ev.mean_change(20, 55.0, 20.0, 25, 65.0, 22.0,
                                                                            noise_var0=4.0, noise_var1=3.0)
    v0, v1 = 20.0 ** 2 / 20, 22.0 ** 2 / 25  # Welch with the known noise variance 4 + 3 added
    df = (v0 + v1 + 7.0) ** 2 / (v0 ** 2 / 19 + v1 ** 2 / 24)
    half = sps.t.ppf(0.975, df) * np.sqrt(v0 + v1 + 7.0)
    assert m1.ci == pytest.approx((10 - half, 10 + half))
    assert m1.ci[1] - m1.ci[0] > m0.ci[1] - m0.ci[0] and m1.p_value > m0.p_value and m1.mdc > m0.mdc


def test_a_change_between_two_cells_of_the_same_distribution_covers_zero_as_stated():
    """250 pairs of published cells of 10 answers, the same true distribution: the 95% intervals of the
    change (share and mean) hold 0 at least 94 % of the time with the noise; sampling only, far less."""
    a, b = _published(10, 250, seed=2), _published(10, 250, seed=3)
    hits = {"share": [0, 0], "mean": [0, 0]}
    used = {"share": 0, "mean": 0}
    for x, y in zip(a.itertuples(), b.itertuples()):
        if x.conf_status != "F" or y.conf_status != "F":
            continue
        k0, k1 = round(x.top2 * x.n / 100), round(y.top2 * y.n / 100)
        for j, (v0, v1) in enumerate(((0.0, 0.0), (x.sv, y.sv))):
            c = ev.share_change(k0, int(x.n), k1, int(y.n), noise_var0=v0, noise_var1=v1)
            hits["share"][j] += c.ci[0] <= 0 <= c.ci[1]
        used["share"] += 1
        if x.mean_status == "ok" and y.mean_status == "ok":
            for j, (v0, v1) in enumerate(((0.0, 0.0), (x.mv, y.mv))):
                c = ev.mean_change(int(x.n), x.mean, x.sd, int(y.n), y.mean, y.sd, noise_var0=v0, noise_var1=v1)
                hits["mean"][j] += c.ci[0] <= 0 <= c.ci[1]
            used["mean"] += 1
    cover = {k: [h / used[k] for h in v] for k, v in hits.items()}
    assert min(used.values()) > 200
    for k, (sampling, noisy) in cover.items():
        assert noisy >= 0.94 and sampling < 0.92, (k, cover)


def test_a_flat_trend_of_published_months_is_rarely_called_rising_or_falling():
    """120 series of six published months of 12 answers, the same true share each month: with the
    months weighted to their effective n the 95% trend test calls at most 5 % of them rising or falling.
    (Unweighted, the quasi-binomial scale absorbed most of the noise here: 3.5 % in a 200-series run;
    the weighting makes the known noise part of the model rather than of a scale from six months.)"""
    months = [_published(12, 120, seed=10 + m) for m in range(6)]
    called = used = 0
    for i in range(120):
        rows = [m.iloc[i] for m in months if m.iloc[i]["conf_status"] == "F"]
        try:
            t = ev.trend([f"2026-{j + 1:02d}" for j in range(len(rows))], [round(r.top2 * r.n / 100) for r in rows],
                         [int(r.n) for r in rows], noise_var=[r.sv for r in rows])
        except ev.EvaluationError:
            continue
        used += 1
        called += t.verdict != "no detectable trend"
    assert used > 100 and called / used <= 0.05, (called, used)


def test_noise_variances_are_checked():
    with pytest.raises(ev.EvaluationError) as e:
        ev.share_change(3, 10, 5, 10, noise_var0=-1.0)
    assert e.value.field == "baseline_noise_var"
    with pytest.raises(ev.EvaluationError) as e:
        ev.trend(["2026-01", "2026-02", "2026-03"], [5, 6, 7], [20, 20, 20], noise_var=[0.01, 0.01])
    assert e.value.field == "periods"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from tests.test_improve_pages import seed

    return seed(tmp_path_factory.mktemp("evaluation-ckm"))


def test_the_plans_evaluation_adds_the_published_cells_noise(seeded):
    """The console's evaluation of plan 1 (real app, DuckDB, registry): its change interval is
    share_change's with the two published cells' noise variances, wider than the sampling-only one."""
    from tests.test_improve_pages import SERVICE, client_as
    from warehouse import cube
    from warehouse.console import create_app
    from warehouse.dataset import Warehouse

    settings, tokens = seeded
    body = client_as(create_app(settings), tokens, "monitoring").get(
        "/api/v1/improve/plans/1/evaluation?follow_up=2026-10").json
    with Warehouse(settings) as wh:
        b, f = (cube.published_cell(wh.cursor(), Protection.from_settings(settings), "satisfaction", "service",
                                    SERVICE, p) for p in ("2026-08", "2026-10"))
    assert b["top2_noise_var"] > 0 and f["top2_noise_var"] > 0 and b["mean_noise_var"] > 0
    k0, k1 = round(b["top2"] * b["n"] / 100), round(f["top2"] * f["n"] / 100)
    noisy = ev.share_change(k0, b["n"], k1, f["n"], noise_var0=b["top2_noise_var"], noise_var1=f["top2_noise_var"])
    plain = ev.share_change(k0, b["n"], k1, f["n"])
    assert body["change"]["ci"] == pytest.approx(list(noisy.ci))
    assert noisy.ci[0] < plain.ci[0] and noisy.ci[1] > plain.ci[1]
