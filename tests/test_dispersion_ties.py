"""The Monte Carlo over-dispersion test counts a null replicate whose φ equals the observed one (warehouse.dispersion).

Shares are discrete: with units near 100 % most null replicates give exactly the observed winsorized φ. The
observed z-scores are computed in % by the funnel and the null's as shares, so the "same" φ differed in its last
bit, and the test read p = 0.02 (over-dispersed) for 30 entities at 100 % and one at 4 of 5 — then narrowed its
limits by √φ = √0.37 and put that entity far below the 99.8 % limit. Checked through the real warehouse and
console (tests.test_console_ties' client: a real DuckDB warehouse of written responses, cell-key noise off)."""
from __future__ import annotations

import numpy as np

from tests.test_console_ties import PERIOD, STYPE, _client
from warehouse import funnel as fn
from warehouse.dispersion import TIES


def test_thirty_entities_at_100_and_one_at_4_of_5_are_not_over_dispersed(tmp_path):
    units = {f"c_x{i:03d}": (5, 5) for i in range(30)}
    units["c_x000"] = (5, 4)
    body = _client(tmp_path, units).get(f"/api/v1/compare?service_type={STYPE}&freq=M&period={PERIOD}").get_json()
    test = body["test"]
    assert test["test"] == "monte_carlo" and test["units"] == 30
    assert test["overdispersed"] is False and test["p_value"] > 0.5, test
    assert body["method"] == "exact_binomial"
    low = {u["entity"]: u for u in body["units"]}["c_x000"]
    # P(X ≤ 4 | n = 5, p0 = 99.33 %) = 3.3 %: inside the 95 % limits, and no FDR flag
    assert low["flag"] == "within" and low["significant"] is False, low


def test_a_set_that_is_the_benchmark_itself_is_not_over_dispersed():
    n = np.full(12, 20.0)
    k = np.full(12, 20.0)
    k[0] = 19.0  # p0 = 99.99 %: every null replicate is this set, winsorized
    f = fn.proportion_funnel(k, n, p0=0.9999)
    assert f["test"]["p_value"] == 1.0 and f["method"] == "exact_binomial"
    assert TIES < 1e-6  # a tolerance for rounding, not for data


def test_under_the_null_near_100_the_test_rejects_at_most_5_percent():
    rng = np.random.default_rng(7)
    n = np.full(30, 10.0)
    rejected = [fn.proportion_funnel(rng.binomial(10, 0.98, 30).astype(float), n, p0=0.98)["test"]["overdispersed"]
                for _ in range(200)]
    assert np.mean(rejected) <= 0.05  # 3 % (6.5 % of these 200 sets when ties were lost to rounding)
