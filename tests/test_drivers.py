"""Key-driver analysis and the importance × performance matrix, on synthetic data with a known truth."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from tests.warehouse_rows import response, write
from warehouse.dataset import open_dataset
from warehouse.drivers import DRIVERS, DriversRefused, analyse, drivers_for, johnson_weights, lmg_weights, load_rows
from warehouse.priorities import matrix, plain_list
from warehouse.protect import Protection


def _five(v: np.ndarray) -> np.ndarray:
    """A latent score onto a 5-point scale stored as 0–100."""
    z = (v - v.mean()) / v.std()
    return (np.clip(np.round(3 + 1.1 * z), 1, 5) - 1) * 25


def planted(n: int = 600, seed: int = 11, main: str = "speed") -> pd.DataFrame:
    """Correlated aspects; satisfaction made mostly from ``main``."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=n)
    x = {d: 0.6 * common + rng.normal(size=n) for d in DRIVERS}
    sat = 1.6 * x[main] + sum(0.25 * x[d] for d in DRIVERS if d != main) + 1.2 * rng.normal(size=n)
    frame = pd.DataFrame({d: _five(x[d]) for d in DRIVERS})
    frame["task_completed"] = np.select([x["task_completed"] > 0.4, x["task_completed"] > -0.6], [100.0, 50.0], 0.0)
    frame["satisfaction"] = _five(sat)
    return frame


@pytest.mark.parametrize("method", ["lmg", "johnson"])
def test_a_planted_driver_ranks_first_with_its_interval_above_every_other_estimate(method):
    result = analyse(planted(), method=method)
    first = result.drivers[0]
    assert first.aspect == "speed" and first.rank == 1
    others = [d for d in result.drivers if d.aspect != "speed"]
    assert first.weight_ci[0] > max(d.weight for d in others)
    assert first.share_ci[0] > max(d.share for d in others)
    for d in result.drivers:
        assert d.weight_ci[0] <= d.weight <= d.weight_ci[1]


@pytest.mark.parametrize("method", ["lmg", "johnson"])
def test_weights_sum_to_the_r2_of_the_regression(method):
    rows = planted(seed=5)
    result = analyse(rows, method=method)
    task = pd.get_dummies(rows["task_completed"], prefix="task", drop_first=True, dtype=float)  # a category
    ols = sm.OLS(rows["satisfaction"], sm.add_constant(pd.concat([rows[list(DRIVERS[:-1])], task], axis=1))).fit()
    assert sum(d.weight for d in result.drivers) == pytest.approx(ols.rsquared, rel=1e-9)
    assert result.r2 == pytest.approx(ols.rsquared, rel=1e-9)
    assert sum(d.share for d in result.drivers) == pytest.approx(100)
    assert result.r2_ci[0] < ols.rsquared < result.r2_ci[1]


def test_lmg_is_the_shapley_value_of_r2_by_brute_force_over_orders():
    """Ease, clarity, speed and task completion (two dummies entering together): the average over
    all 24 orders of entry of each aspect's added R²."""
    from itertools import permutations

    from warehouse.drivers import design

    rows = planted(n=300, seed=2)[["ease", "clarity", "speed", "task_completed", "satisfaction"]]
    x, groups = design(rows.to_numpy(), ("ease", "clarity", "speed", "task_completed"))
    assert groups == [[0], [1], [2], [3, 4]]
    corr = np.corrcoef(x, rowvar=False)[None]
    task = pd.get_dummies(rows["task_completed"], prefix="t", drop_first=True, dtype=float)
    columns = {"ease": rows[["ease"]], "clarity": rows[["clarity"]], "speed": rows[["speed"]], "task_completed": task}

    def r2(names):
        if not names:
            return 0.0
        return sm.OLS(rows["satisfaction"], sm.add_constant(pd.concat([columns[c] for c in names], axis=1))).fit().rsquared

    brute = dict.fromkeys(columns, 0.0)
    for order in permutations(brute):
        for i, name in enumerate(order):
            brute[name] += (r2(order[:i + 1]) - r2(order[:i])) / 24
    np.testing.assert_allclose(lmg_weights(corr, groups)[0], list(brute.values()), rtol=1e-9)
    np.testing.assert_allclose(johnson_weights(corr, groups)[0].sum(), r2(tuple(columns)), rtol=1e-9)


def test_the_bootstrap_is_deterministic_and_ignores_row_order():
    rows = planted(seed=8)
    a = analyse(rows, n_boot=300)
    b = analyse(rows.sample(frac=1, random_state=1).reset_index(drop=True), n_boot=300)
    assert a == b
    assert analyse(rows, n_boot=300, seed=1) != a


def test_refusals_name_the_reason_and_never_the_exact_n():
    rows = planted(n=99, seed=3)
    with pytest.raises(DriversRefused) as exc:
        analyse(rows)
    assert exc.value.code == "too_few_responses" and exc.value.field == "n"
    assert "100" in str(exc.value) and "99" not in str(exc.value)
    assert analyse(rows, min_n=50).drivers  # the minimum is configurable
    no_trust = planted()
    no_trust["trust"] = np.nan
    with pytest.raises(DriversRefused) as exc:
        analyse(no_trust)
    assert (exc.value.code, exc.value.field) == ("items_not_asked", "trust")
    assert analyse(no_trust, drivers=("ease", "clarity", "speed", "task_completed")).drivers[0].aspect == "speed"
    flat = planted()
    flat["clarity"] = 50.0
    with pytest.raises(DriversRefused) as exc:
        analyse(flat)
    assert (exc.value.code, exc.value.field) == ("no_variance", "clarity")
    almost = planted()
    almost["satisfaction"] = 50.0
    almost.loc[:1, "satisfaction"] = 75.0  # 2 of 600 differ: many bootstrap replicates would have no R²
    with pytest.raises(DriversRefused) as exc:
        analyse(almost)
    assert (exc.value.code, exc.value.field) == ("no_variance", "satisfaction")
    rare = planted()
    rare["clarity"] = 50.0
    rare.loc[:1, "clarity"] = 75.0  # a rare answer: replicates without it give clarity no weight
    assert analyse(rare).driver("clarity").weight_ci[0] >= 0
    with pytest.raises(DriversRefused) as exc:
        analyse(planted().iloc[:0])
    assert exc.value.code == "too_few_responses"  # an empty cut is too small, not "not asked"
    with pytest.raises(DriversRefused) as exc:
        analyse(planted(), method="ols")
    assert exc.value.field == "method"


def test_the_published_form_has_model_outputs_only():
    result = analyse(planted(), n_boot=200)
    public = result.to_dict()
    assert "n" not in public and all(set(d) == {"aspect", "weight", "weight_ci", "share", "share_ci", "rank"}
                                     for d in public["drivers"])
    shown = result.to_dict(include_n=True)["n"]  # the published n: perturbed by the cell-key method
    assert shown == result.published_n(Protection()) and abs(shown - 600) <= Protection().D
    assert result.to_dict(include_n=True, protection=Protection(enabled=False))["n"] == 600


def test_load_rows_reads_one_unit_and_period_from_parquet(tmp_path):
    rows = []
    rng = np.random.default_rng(4)
    for period, service, count in (("2026-09", "svc-a", 130), ("2026-10", "svc-a", 20), ("2026-09", "svc-b", 40)):
        for _ in range(count):
            r = response(period=period, service=service, satisfaction=int(rng.integers(1, 6)),
                         ease=int(rng.integers(1, 6)), clarity=int(rng.integers(1, 6)))
            sp = float(rng.integers(0, 5) * 25)
            r.update(speed=sp, trust=float(rng.integers(0, 5) * 25), task_completed=float(rng.choice([0, 50, 100])))
            r["satisfaction"] = float(np.clip(sp + rng.choice([-25, 0, 0, 25]), 0, 100))
            rows.append(r)
    write(tmp_path, rows)
    with open_dataset(tmp_path) as con:
        assert len(load_rows(con, start="2026-09", end="2026-09", service="svc-a")) == 130
        assert len(load_rows(con, start="2026-Q3", end="2026", entity="c_h501")) == 190
        result = drivers_for(con, start="2026-09", end="2026-10", service="svc-a", n_boot=200)
        assert result.drivers[0].aspect == "speed" and result.n == 150
        with pytest.raises(DriversRefused) as exc:
            drivers_for(con, start="2026-09", end="2026-10", service="svc-b")
        assert exc.value.code == "too_few_responses"
        with pytest.raises(DriversRefused) as exc:
            load_rows(con, start="2026-09", end="2026-10", service="svc-a", entity="c_h501")
        assert exc.value.code == "invalid_parameter"
        with pytest.raises(DriversRefused) as exc:
            load_rows(con, start="2026-13", end="2026-10", service="svc-a")
        assert exc.value.field == "start"
        with pytest.raises(DriversRefused) as exc:
            load_rows(con, start="2026-09", end="2026-10", service="x'; DROP")
        assert exc.value.field == "service"


def test_the_matrix_splits_at_the_mean_importance_and_the_benchmark_or_mean_performance():
    result = analyse(planted(), n_boot=300)
    perf = {"speed": 40.0, "ease": 80.0, "clarity": 55.0, "trust": 70.0, "task_completed": 90.0}
    m = matrix(result, perf)
    cells = {c.aspect: c for c in m.cells}
    assert m.importance_split == 20.0 and m.performance_rule == "mean"
    assert cells["speed"].quadrant == "improve_first" and not cells["speed"].importance_uncertain
    assert cells["clarity"].quadrant == "low_priority" and cells["ease"].quadrant == "possible_overkill"
    # against a benchmark, speed above its national share is to keep up
    bench = matrix(result, perf, benchmark={"speed": 35.0, "ease": 85.0, "clarity": 50.0, "trust": 75.0,
                                             "task_completed": 95.0})
    assert {c.aspect: c.quadrant for c in bench.cells}["speed"] == "keep_up"
    assert {c.aspect: c.quadrant for c in bench.cells}["clarity"] == "possible_overkill"
    assert bench.performance_rule == "benchmark"
    it, en = plain_list(m, "it"), plain_list(m, "en")
    assert it[0] == "migliorare prima: rapidità (importanza alta, performance bassa)"
    assert en[0] == "improve first: speed (high importance, low performance)"
    assert len(it) == 5
    # a suppressed performance gets no quadrant and is said so
    hidden = matrix(result, {**perf, "trust": None})
    assert {c.aspect: c.quadrant for c in hidden.cells}["trust"] is None
    assert plain_list(hidden, "en")[-1].endswith("performance not published)")
    with pytest.raises(DriversRefused) as exc:
        matrix(result, {**perf, "speed": 140})
    assert exc.value.field == "performance.speed"
    with pytest.raises(DriversRefused):
        plain_list(m, "de")


def test_load_rows_reads_the_released_rows_only_counting_groups_within_each_service(tmp_path):
    """Route 24: a row enters when its quasi-identifier group holds at least k rows of its own service — the
    microdata's own rule (:mod:`warehouse.released`), the group counted over the service's every row, not
    only over the unit's months or cut, and never filled up by another service's rows."""
    def rows(entity, n, channel, period="2026-09"):
        return [response(period=period, entity=entity, channel=channel, satisfaction=1 + i % 5, ease=1 + i % 3,
                         clarity=2) for i in range(n)]

    # c_h501: 120 web answers and 5 by app in 2026-09 (a group of 5 of its service: released), 2 by app in
    # 2026-10 (withheld); c_f205 (the same PA type, region and service type): 3 by app in 2026-09, in the
    # same group as c_h501's 5 — 8 in all, but 3 of its own service: withheld
    write(tmp_path, [*rows("c_h501", 120, "web"), *rows("c_h501", 5, "app"), *rows("c_f205", 3, "app"),
                     *rows("c_h501", 120, "web", "2026-10"), *rows("c_h501", 2, "app", "2026-10")])
    with open_dataset(tmp_path) as con:
        assert len(load_rows(con, start="2026-09", end="2026-09", entity="c_h501")) == 125
        assert len(load_rows(con, start="2026-10", end="2026-10", entity="c_h501")) == 120
        assert len(load_rows(con, start="2026-09", end="2026-10", entity="c_h501")) == 245
        assert len(load_rows(con, start="2026-10", end="2026-10", entity="c_h501", k=2)) == 122
        assert len(load_rows(con, start="2026-09", end="2026-09", entity="c_f205")) == 0
        assert len(load_rows(con, start="2026-09", end="2026-09", entity="c_f205", k=3)) == 3
        assert len(load_rows(con, start="2026-09", end="2026-09", service_type="anagrafe.certificati")) == 125
