"""A service type with two published units (or one): no empirical-Bayes shrinkage (docs/methodology.md §9).

With two units the between-unit variance cannot be estimated (one degree of freedom; no proper posterior for τ
under a flat prior, and a proper prior would decide the shrinkage instead of the data): the plug-in interval,
τ̂² taken as known, covered a noisy unit beside a precise one 62-72 % of the time. Each unit now keeps its own
value and interval, its rank and rank interval follow from them, and the pair's difference is tested directly
(the rank interval is one place exactly when p < 5 %). Checked through the real warehouse and console
(tests.test_console_ties' client: a real DuckDB warehouse of written responses, cell-key noise off)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from tests.test_console_ties import PERIOD, STYPE, _client
from warehouse.ranking import eb_ranking

API = f"/api/v1/compare?service_type={STYPE}&freq=M&period={PERIOD}"
PAGE = f"/service-types/{STYPE}?freq=M&period={PERIOD}"


def test_two_units_keep_their_own_figures_and_the_rank_interval_is_the_direct_test():
    se = np.array([3.0, 4.0])
    for d in np.linspace(0.2, 14.0, 70):  # z from 0.04 to 2.8, the 5 % boundary (d = 9.8) among them
        y = np.array([70.0 + d, 70.0])
        if abs(d / 5.0 - 1.959964) < 0.01:
            continue
        r = eb_ranking(y, se)
        assert not r["shrinkage"] and r["estimate"].tolist() == y.tolist()
        assert np.allclose(r["upper"] - r["lower"], 2 * 1.959964 * se)
        diff = r["difference"]
        assert diff["estimate"] == pytest.approx(d) and diff["p_value"] == pytest.approx(2 * sps.norm.sf(d / 5.0))
        assert r["ranked"] == (d > 5.0)  # τ̂² (DerSimonian-Laird) > 0 exactly when |z| > 1
        if r["ranked"]:
            assert r["rank"].tolist() == [1, 2]
            single = (r["rank_lower"] == r["rank_upper"]).all()
            assert single == (diff["p_value"] < 0.05), (d, r["rank_lower"], r["rank_upper"])
        else:
            assert "τ² = 0" in r["reason"] and "two units" in r["reason"]
    one = eb_ranking(np.array([60.0]), np.array([5.0]))
    assert not one["ranked"] and one["difference"] is None and one["estimate"].tolist() == [60.0]


def test_three_units_are_still_shrunk():
    r = eb_ranking(np.array([40.0, 60.0, 80.0]), np.array([8.0, 8.0, 8.0]))
    assert r["shrinkage"] and r["difference"] is None and r["tau2"] > 0
    assert r["estimate"][0] > 40.0 and r["estimate"][2] < 80.0


@pytest.mark.parametrize("units, ranked, single, significant", [
    ({"c_h501": (40, 10), "inps": (40, 35)}, True, True, True),      # z ≈ 5.5: ranked, one place each
    ({"c_h501": (40, 20), "inps": (40, 27)}, True, False, False),    # z ≈ 1.6: ranked, both 1-2
    ({"c_h501": (40, 20), "inps": (40, 22)}, False, None, False),    # z ≈ 0.5: no ranking
])
def test_a_type_with_two_entities_through_the_api_and_the_page(tmp_path, units, ranked, single, significant):
    client = _client(tmp_path, units)
    body = client.get(API).get_json()
    by = {u["entity"]: u for u in body["units"]}
    rk = body["ranking"]
    assert rk["shrinkage"] is False and rk["ranked"] is ranked and "fewer than 3 units" in rk["note"]
    p0 = body["benchmark"]["value"] / 100
    for u in by.values():  # their own value and interval (cut at 100), not pulled towards each other
        assert u["eb"]["estimate"] == u["value"]
        half = 1.959964 * 100 * np.sqrt(p0 * (1 - p0) / u["n"])
        assert u["eb"]["ci"] == pytest.approx([u["value"] - half, min(u["value"] + half, 100.0)], abs=0.011)
    diff = rk["difference"]
    assert diff["units"] == ["inps", "c_h501"] and diff["significant"] is significant
    assert diff["estimate"] == pytest.approx(by["inps"]["value"] - by["c_h501"]["value"], abs=0.011)
    assert diff["ci"][0] <= diff["estimate"] <= diff["ci"][1]
    if ranked:
        assert (by["inps"]["rank"], by["c_h501"]["rank"]) == (1, 2)
        assert (by["inps"]["rank_interval"], by["c_h501"]["rank_interval"]) == (([1, 1], [2, 2]) if single else
                                                                              ([1, 2], [1, 2]))
    else:
        assert by["inps"]["rank"] is None and "two units" in rk["reason"]
    page = client.get(PAGE).get_data(as_text=True)
    assert "Due soli enti pubblicati" in page and "senza stime empirical-Bayes" in page
    assert f'data-difference="{"significant" if significant else "not_significant"}"' in page
    assert ("significativa al 5%" if significant else "nessuna evidenza che differiscano") in page
    assert ('data-ranking-note="ranked"' if ranked else 'data-ranking-note="unranked"') in page
    with client.session_transaction() as s:
        s["lang"] = "en"
    page = client.get(PAGE).get_data(as_text=True)
    assert "Only two published entities" in page and "Difference between" in page
    assert ("significant at 5%" if significant else "no evidence that they differ") in page
    assert "Due soli" not in page and "Differenza tra" not in page


def test_a_type_with_one_entity_has_its_own_figures_and_no_rank(tmp_path):
    client = _client(tmp_path, {"c_h501": (20, 10), "asl_rm1": (2, 1)})  # Roma, and a suppressed unit
    body = client.get(API).get_json()
    rk = body["ranking"]
    assert rk["ranked"] is False and rk["shrinkage"] is False and rk["difference"] is None
    assert "one unit" in rk["reason"]
    roma = {u["entity"]: u for u in body["units"]}["c_h501"]
    assert roma["rank"] is None and roma["rank_interval"] is None and roma["eb"]["estimate"] == roma["value"]
    page = client.get(PAGE).get_data(as_text=True)
    assert 'data-ranking-note="none"' in page and "data-difference" not in page and "Due soli" not in page
