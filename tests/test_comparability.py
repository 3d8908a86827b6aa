"""Comparable statistics (issue 13): positive shares across instruments, exact funnels with tested
over-dispersion, EB rankings with intervals and ties, FDR flags, CI edge cases, whole periods, and
the comparability guard. Known answers are computed independently here."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats as sps

from questionnaires import scales
from warehouse import comparability, funnel, periods, ranking, stats
from warehouse.comparability import NotComparable, QueryError

MEASURES = scales.lookup()
FACES = MEASURES[("faccia", 1, "satisfaction")]
WEB = MEASURES[("cx-core", 1, "satisfaction")]


def positives(measure, counts: dict[str, int]) -> int:
    return sum(c for raw, c in counts.items() if measure.is_positive(raw))


def test_identical_opinions_on_faces_and_five_points_give_one_share_and_sit_within_the_funnel():
    # 80 % satisfied, 20 % in the middle, on each instrument: three entities each
    faces = {"satisfied": 80, "neutral": 20}
    web = {"4": 80, "3": 20}
    k = [positives(FACES, faces)] * 3 + [positives(WEB, web)] * 3
    n = [100] * 6
    share, lo, hi = stats.positive_share(k, n)
    assert share.tolist() == [80.0] * 6 and len(set(lo.tolist())) == 1 and len(set(hi.tolist())) == 1
    # the old 0–100 means differ by construction of the scales: 90 on faces, 70 on the web form
    assert sum(FACES.scores[a] * c for a, c in faces.items()) / 100 == 90
    assert sum(WEB.scores[a] * c for a, c in web.items()) / 100 == 70
    f = funnel.proportion_funnel(k, n)
    assert f["benchmark"] == pytest.approx(80.0)
    assert f["flag"].tolist() == ["within"] * 6 and f["method"] == "exact_binomial"
    # and a mean funnel over this pool is refused, naming the reason
    with pytest.raises(NotComparable) as exc:
        comparability.guard("mean", [FACES, WEB], use="funnel")
    assert exc.value.reason == "mixed_scales" and "faces3: faccia@1" in exc.value.fields["scale"][0]
    comparability.guard("positive_share", [FACES, WEB], use="funnel")


def test_exact_binomial_funnel_limits_stay_inside_0_100():
    lo, hi = funnel.binomial_limits(0.8, 5, 0.95)
    # by hand (Spiegelhalter 2005, A.1.1): upper r = 5, α = (1 − .975)/(1 − F(4)); lower r = 2
    f = lambda r: sps.binom.cdf(r, 5, 0.8)  # noqa: E731
    assert float(hi) == pytest.approx(100 * (5 - (1 - 0.975) / (1 - f(4))) / 5)
    assert float(lo) == pytest.approx(100 * (2 - (f(2) - 0.025) / (f(2) - f(1))) / 5)
    assert (round(float(lo), 1), round(float(hi), 1)) == (27.1, 98.5)
    # the normal approximation it replaces: [44.9, 115.1] at 95 %, [24.7, 135.3] at 99.8 %
    lo998, hi998 = funnel.binomial_limits(0.8, 5, 0.998)
    assert 0 <= lo998 < lo and hi < hi998 <= 100
    # positions follow the exact tail probabilities, not the smoothed line: 5 of 5 is within
    small = funnel.exact_flags(np.array([5, 1, 0, 4]), np.full(4, 5), 0.8, funnel.LEVELS)
    assert small.tolist() == ["within", "below_95", "below_99.8", "within"]
    assert funnel.proportion_funnel([5, 4, 4, 3], [5, 5, 5, 5], p0=0.8)["flag"].tolist() == ["within"] * 4
    assert funnel.binomial_limits(1.0, [5, 50], 0.95)[0].tolist() == [100.0, 100.0]   # degenerate benchmark
    curve = funnel.proportion_funnel([4, 40, 400], [5, 50, 500])["curve"]
    assert curve["n"][0] == 1 and curve["n"][-1] >= 500
    for key in ("95", "99.8"):
        assert np.all((curve[key][0] >= 0) & (curve[key][1] <= 100) & (curve[key][0] <= curve[key][1]))
    # the limits narrow as n grows
    assert np.all(np.diff(curve["95"][1][curve["n"] >= 20]) <= 1e-9)


def test_overdispersion_is_applied_only_when_the_test_rejects():
    n = np.full(12, 400.0)
    # twelve units spread as normal quantiles 1.1 × the binomial sd: φ a little over 1, not significant
    calm = funnel.proportion_funnel([284, 289, 292, 295, 297, 299, 301, 303, 305, 308, 311, 316], n)
    assert 1 < calm["test"]["phi"] and not calm["test"]["overdispersed"]   # φ > 1 but not significant
    assert calm["method"] == "exact_binomial"
    # ≥ 10 units: the winsorized φ is calibrated and tested against its own null replicates (warehouse.dispersion)
    assert calm["test"]["test"] == "monte_carlo" and calm["test"]["df"] is None
    assert calm["test"]["p_value"] * (calm["test"]["replicates"] + 1) == pytest.approx(
        round(calm["test"]["p_value"] * (calm["test"]["replicates"] + 1)))
    assert calm["test"]["phi"] == pytest.approx(calm["test"]["statistic"] / 12)
    # fewer than 10 units: the plain φ against χ²(I − 1)
    nine = funnel.proportion_funnel([284, 289, 292, 295, 299, 303, 305, 308, 316], n[:9])
    assert nine["test"]["test"] == "chi2" and nine["test"]["df"] == 8
    assert nine["test"]["p_value"] == pytest.approx(sps.chi2.sf(9 * nine["test"]["phi"], 8))
    wild = funnel.proportion_funnel([240, 360, 200, 380, 300, 260, 340, 220, 330, 270, 350, 250], n)
    assert wild["test"]["overdispersed"] and wild["method"] == "normal_multiplicative"
    p0 = wild["benchmark"] / 100
    z = np.sqrt(wild["test"]["phi"]) * 1.959964 * 100 * np.sqrt(p0 * (1 - p0) / 400)
    assert wild["limits"]["95"][1][0] == pytest.approx(min(100, wild["benchmark"] + z), rel=1e-5)
    add = funnel.proportion_funnel([240, 360, 200, 380, 300, 260, 340, 220, 330, 270, 350, 250], n, model="additive")
    assert add["method"] == "normal_additive" and add["test"]["tau2"] > 0


def test_winsorizing_needs_ten_units_and_says_so():
    z = np.array([-3, -1, -0.5, 0, 0, 0.5, 1, 1, 2, 4], dtype=float)
    ten = funnel.overdispersion_test(z)
    assert ten["winsorized"] and ten["phi_winsorized"] == pytest.approx(1.25)   # -3 → -1, 4 → 2
    # calibrated by the winsorized mean of z² over standard normal replicates (about 0.68, not 1)
    assert 1.25 / 0.8 < ten["phi"] < 1.25 / 0.6
    nine = funnel.overdispersion_test(z[1:])
    assert not nine["winsorized"] and nine["phi"] == pytest.approx(np.mean(z[1:] ** 2))
    assert funnel.overdispersion_test([1.0])["statistic"] is None


def test_mean_funnel_is_clipped_to_the_scale():
    f = funnel.mean_funnel([95.0, 90.0, 50.0], [3, 100, 100], target=90.0, sigma=30.0)
    assert f["limits"]["99.8"][1][0] == 100.0 and f["method"] in ("normal", "normal_multiplicative")


def test_ties_are_ranked_as_ties_with_intervals():
    y, se = np.array([70.0, 70.0, 80.0, 60.0, 75.0]), np.full(5, 2.0)
    r = ranking.eb_ranking(y, se)
    assert r["ranked"] and r["tau2"] > 0
    assert r["rank"].tolist() == [3, 3, 1, 5, 2] and r["tied"].tolist() == [True, True, False, False, False]
    assert np.all(r["rank_lower"] <= r["rank"]) and np.all(r["rank"] <= r["rank_upper"])
    assert r["rank_upper"][0] >= 4          # a tied pair's interval spans both places
    again = ranking.eb_ranking(y, se)       # fixed seed: reproducible
    assert again["rank_lower"].tolist() == r["rank_lower"].tolist()
    # a noisy unit gets a wider rank interval than a precise one with the same estimate
    wide = ranking.eb_ranking(np.array([70.0, 70.0, 80.0, 60.0, 75.0]), np.array([2, 20, 2, 2, 2.0]))
    assert (wide["rank_upper"][1] - wide["rank_lower"][1]) > (wide["rank_upper"][0] - wide["rank_lower"][0])


def test_no_ranking_when_tau2_is_zero():
    r = ranking.eb_ranking(np.array([50.0, 50.5, 49.5]), np.full(3, 10.0))
    assert r["tau2"] == 0 and not r["ranked"] and r["rank"] is None and "τ² = 0" in r["reason"]
    assert r["estimate"] == pytest.approx([50.0] * 3)


def test_significance_flags_are_fdr_adjusted():
    p = np.array([0.001, 0.04, 0.03, 0.5, 0.2, 0.6, 0.7, 0.8, 0.9, 0.95])
    d = np.array([1, -1, -1, 1, 1, -1, 1, -1, 1, 1])
    out = ranking.fdr_flags(p, d)
    # Benjamini–Hochberg by hand: q_(i) = min_{j ≥ i} p_(j)·m/j
    order = np.argsort(p)
    q = np.minimum.accumulate((p[order] * 10 / np.arange(1, 11))[::-1])[::-1]
    expected = np.empty(10)
    expected[order] = np.minimum(q, 1)
    assert out["q_value"] == pytest.approx(expected)
    assert out["flag"].tolist() == ["above"] + ["within"] * 9   # 0.04 and 0.03 are not significant after FDR
    assert ranking.fdr_flags([np.nan, 0.001], [1, -1])["flag"].tolist() == ["within", "below"]


def test_a_mean_of_identical_answers_has_a_degenerate_interval_with_its_reason():
    ci = stats.mean_ci([4, 1, 3], [300, 75, 150], [22500, 5625, 8750])
    assert ci["status"].tolist() == ["degenerate", "undefined", "ok"]
    assert (ci["lower"][0], ci["upper"][0], ci["sd"][0]) == (75.0, 75.0, 0.0)
    assert "identical" in ci["reason"][0] and "fewer than 2" in ci["reason"][1]
    assert np.isnan(ci["lower"][1]) and ci["lower"][2] < 50 < ci["upper"][2]


def test_rounding_noise_is_a_zero_sd_but_a_real_small_sd_is_kept():
    x = np.full(7, 66.6667)                            # seven answers of 3 on a 1–4 scale
    s, ss = x.sum(), (x ** 2).sum()
    _, raw_sd = stats.mean_sd(7, s, ss)
    assert 0 < raw_sd < 1e-5                           # Σx² − n·x̄² leaves noise, not spread
    ci = stats.mean_ci(7, s, ss)
    assert ci["status"].tolist() == "degenerate" and ci["sd"] == 0
    # 10⁷ answers of 75 and one of 100: the smallest spread a 5-point scale can show
    n = 10_000_001
    s, ss = 75.0 * (n - 1) + 100, 5625.0 * (n - 1) + 10_000
    assert stats.mean_ci(n, s, ss)["status"].tolist() == "ok"


def test_task_completion_is_three_shares_not_a_score():
    out = stats.task_shares(80, 10, 10)
    assert [float(out[a][0]) for a in ("yes", "partly", "no")] == [80.0, 10.0, 10.0]
    lo, hi = stats.wilson(80, 100)
    assert float(out["yes"][1]) == pytest.approx(100 * lo) and float(out["yes"][2]) == pytest.approx(100 * hi)


@pytest.mark.parametrize("freq, start, end, field", [
    ("A", "2026-01", "2026-02", "to"),
    ("Q", "2026-11", None, "from"),
    ("Q", "2026-01", "2026-04", "to"),
    ("A", "2026-Q2", "2026", "from"),
    ("M", "2026-03", "2026-01", "from"),
    ("M", "2026-13", None, "from"),
    ("W", None, None, "freq"),
])
def test_period_ranges_must_cover_whole_periods(freq, start, end, field):
    with pytest.raises(QueryError) as exc:
        periods.validate_range(freq, start, end)
    assert exc.value.field == field and str(exc.value).startswith(f"{field}") or f" {field}=" in str(exc.value)


def test_whole_period_ranges_are_accepted():
    assert periods.validate_range("A", "2026-01", "2026-12") == ("2026-01", "2026-12")
    assert periods.validate_range("Q", "2026-Q4", "2027") == ("2026-10", "2027-12")
    assert periods.validate_range("M", "2026", "2026") == ("2026-01", "2026-12")
    assert periods.validate_range("Q", period="2026-Q4") == ("2026-10", "2026-12")
    assert periods.validate_range("Q") == (None, None)


@pytest.mark.parametrize("freq, period", [("A", "2026-02"), ("M", "2026"), ("M", "2026-Q3"), ("Q", "2026")])
def test_one_period_is_a_period_of_freq_itself(freq, period):
    """``freq=M&period=2026`` covered whole months, and was published as the monthly "2026": one period is
    one cell of its own frequency (a range of months is from/to), refused naming period otherwise."""
    with pytest.raises(QueryError, match=rf"^period={period} is a \w+, but freq={freq} publishes ") as exc:
        periods.validate_range(freq, period=period)
    assert exc.value.field == "period"


def test_guard_allows_a_mean_within_one_scale_instrument_and_wording():
    pool = comparability.pool("satisfaction", [("cx-core", 1), ("mod-tributi", 1), ("mod-sanita", 1)])
    comparability.guard("mean", pool, use="ranking")     # modules ask cx-core's own item
    comparability.guard("task_shares", comparability.pool("task_completed"))
    with pytest.raises(NotComparable) as exc:
        comparability.guard("task_shares", pool)
    assert exc.value.reason == "not_task"


def test_guard_refuses_wordings_instruments_and_breaks():
    reworded = replace(WEB, questionnaire="cx-core", version=2, wording="another")
    with pytest.raises(NotComparable) as exc:
        comparability.guard("mean", [WEB, reworded])
    assert exc.value.reason == "mixed_wordings" and "cx-core@2" in str(exc.value)
    broken = replace(WEB, version=2, series=2)
    with pytest.raises(NotComparable) as exc:
        comparability.guard("mean", [WEB, broken], use="funnel")
    assert exc.value.reason == "break_in_series"
    comparability.guard("positive_share", [WEB, broken, reworded])   # shares pool across them
    other = replace(WEB, instrument="other-survey", questionnaire="other-survey")
    with pytest.raises(NotComparable) as exc:
        comparability.guard("mean", [WEB, other])
    assert exc.value.reason == "mixed_instruments"


def test_guard_on_shares_headline_and_categories():
    with pytest.raises(NotComparable) as exc:
        comparability.guard("positive_share", comparability.pool("clarity"))
    assert exc.value.reason == "not_headline" and "page" in str(exc.value)
    comparability.guard("positive_share", comparability.pool("clarity", headline_only=True))
    comparability.guard("positive_share", comparability.pool("clarity", [("di-rating-pagina", 1)]))
    with pytest.raises(NotComparable) as exc:
        comparability.guard("category_shares", comparability.pool("went_well"))
    assert exc.value.reason == "mixed_response_formats"
    with pytest.raises(NotComparable) as exc:
        comparability.guard("category_shares", comparability.pool("went_well", [("cx-core", 1), ("faccia", 1)]))
    assert exc.value.reason == "mixed_option_sets"
    comparability.guard("category_shares", comparability.pool("went_wrong", [("cx-core", 1), ("mod-scuola", 1)]))
    with pytest.raises(NotComparable) as exc:
        comparability.guard("mean", comparability.pool("went_well", [("cx-core", 1)]))
    assert exc.value.reason == "not_a_score"
    with pytest.raises(QueryError):
        comparability.guard("median", [WEB])


def test_positive_counts_come_from_a_join_on_the_raw_answer():
    """What the rollup will do: join responses with scales.answer_rows() on (questionnaire, version,
    raw answer) and count the positive answers per scale — 80/20 on faces and on five points alike."""
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    answers = pd.DataFrame(scales.answer_rows())
    responses = pd.DataFrame(
        [{"questionnaire": "faccia", "version": 1, "satisfaction_raw": r} for r in ["satisfied"] * 8 + ["neutral"] * 2]
        + [{"questionnaire": "mod-tributi", "version": 1, "satisfaction_raw": r} for r in ["4"] * 8 + ["3"] * 2])
    con.register("answer_rows", answers)
    con.register("responses", responses)
    got = con.execute("""
        SELECT a.instrument, a.scale, count(*) AS n, sum(a.positive::INT) AS k, avg(a.score) AS mean
        FROM responses r JOIN answer_rows a
          ON a.questionnaire = r.questionnaire AND a.version = r.version
         AND a.indicator = 'satisfaction' AND a.raw = r.satisfaction_raw
        GROUP BY ALL ORDER BY 1""").fetchall()
    assert got == [("cx-core", "likert5", 10, 8, 70.0), ("faccia", "faces3", 10, 8, 90.0)]
