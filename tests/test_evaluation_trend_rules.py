"""The rules of a trend (:mod:`warehouse.evaluation_trend`): the months it needs, the coverage of its
interval by simulation against the truth planted, its numbers against statsmodels' GLM, and its refusal
across a questionnaire break. Deterministic seeds; pure functions (the console's refusals:
tests/test_improve_trend_refusals.py)."""
from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from scipy.special import expit

from warehouse import likelihood
from warehouse.evaluation import TREND_MIN_MONTHS, EvaluationError, trend

MONTHS6 = [f"2026-{m:02d}" for m in range(1, 7)]


def _series(rng, n: int, slope: float, rho: float, months: int = 6) -> np.ndarray:
    """Positive answers per month: n answers each around logit⁻¹(0.2 + slope·t), the month's own share
    drawn from a beta of intra-month correlation ``rho`` (0: binomial, no month-to-month variation)."""
    p = expit(0.2 + slope * np.arange(months))
    if rho > 0:
        p = rng.beta(p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho)
    return rng.binomial(n, p)


@pytest.mark.parametrize("rho", [0.0, 0.02])
def test_the_slopes_95_interval_covers_the_true_slope_at_the_minimum_months(rho):
    """240 series of 6 months of 40 answers, a true slope of 0.1 log-odds a month: the profile interval
    (quasi-binomial with F(1, 4) whenever the Pearson dispersion exceeds 1) holds the true slope in at
    least 93 % of them — binomial months (rho 0) and months varying beyond sampling (rho 0.02, a
    dispersion about 1.8) alike. Each fit is also checked against statsmodels: the slope is the binomial
    GLM's, the dispersion its Pearson χ²/df, the p value the quasi-likelihood F test of
    the two GLMs' deviances (or the LR χ² test when the dispersion is not above 1)."""
    rng = np.random.default_rng(2026)
    t = sm.add_constant(np.arange(6.0))
    covered = 0
    for i in range(240):
        k = _series(rng, 40, 0.1, rho)
        r = trend(MONTHS6, [int(x) for x in k], [40] * 6)
        covered += r.slope_ci[0] <= 0.1 <= r.slope_ci[1]
        if i < 25:
            endog = np.column_stack([k, 40 - k])
            full = sm.GLM(endog, t, family=sm.families.Binomial()).fit()
            null = sm.GLM(endog, t[:, :1], family=sm.families.Binomial()).fit()
            assert r.slope == pytest.approx(full.params[1], rel=1e-6, abs=1e-9)
            lr, phi = null.deviance - full.deviance, full.pearson_chi2 / full.df_resid
            if phi > 1:
                assert r.dispersion == pytest.approx(phi, rel=1e-8) and r.df == 4
                assert r.p_value == pytest.approx(sps.f.sf(lr / phi, 1, 4), rel=1e-5)
            else:
                assert r.dispersion == 1.0 and r.df is None
                assert r.p_value == pytest.approx(sps.chi2.sf(lr, 1), rel=1e-5)
            assert (r.verdict != "no detectable trend") == (r.p_value < 0.05)
    assert covered / 240 >= 0.93, covered


def test_fewer_months_than_the_minimum_are_refused_naming_the_months_needed():
    """Three months gave F(1, 1) intervals (t = 12.7) — 0,00–35.005.454 for an odds ratio; now every
    count below the minimum is refused, the message naming the months needed and those given."""
    assert TREND_MIN_MONTHS == 6
    rng = np.random.default_rng(3)
    for months in range(3, 6):
        labels = [f"2026-{m:02d}" for m in range(1, months + 1)]
        with pytest.raises(EvaluationError) as exc:
            trend(labels, [int(x) for x in _series(rng, 100, 0.1, 0.02, months)], [100] * months)
        assert exc.value.field == "periods" and exc.value.reason == "too_few_months"
        assert exc.value.detail == {"need": 6, "got": months}
        assert f"at least 6 months with published answers; these have {months}" in str(exc.value)
    # a suppressed (n = 0) month does not count: six labels, five with answers
    with pytest.raises(EvaluationError) as exc:
        trend(MONTHS6, [50, 52, 0, 55, 57, 60], [100, 100, 0, 100, 100, 100])
    assert exc.value.detail == {"need": 6, "got": 5}


def test_a_trend_never_crosses_a_questionnaire_break():
    """A new questionnaire version that changed the question (a declared break) first appears in 2026-04:
    the months before and after are different series, so a trend over 2026-01..2026-09 is refused naming
    the break; from the break on it is a trend of one series."""
    months = [f"2026-{m:02d}" for m in range(1, 10)]
    k, n = [50, 52, 51, 70, 71, 72, 70, 73, 74], [100] * 9
    series = {m: ("cx-core@1",) if m < "2026-04" else ("cx-core@2",) for m in months}
    with pytest.raises(EvaluationError) as exc:
        trend(months, k, n, series=series)
    assert exc.value.reason == "break" and exc.value.field == "periods"
    assert exc.value.detail == {"first": "2026-04", "month": "2026-04"}
    assert "questionnaire break in 2026-04" in str(exc.value) and "from 2026-04 on" in str(exc.value)
    assert trend(months, k, n).verdict == "rising"  # what it read before: the new instrument as a rise
    after = trend(months[3:], k[3:], n[3:], series=series)
    assert after.verdict == "no detectable trend" and after.months == 6
    # another questionnaire beside cx-core is not another series (a share pools instruments)
    assert trend(months[3:], k[3:], n[3:], series={m: ("cx-core@2", "faccia@1") for m in months}).months == 6


def test_a_trend_over_months_that_mix_both_series_is_refused_naming_where_one_series_begins():
    """The parts of a unit switch in different months: 2026-03 to 2026-05 hold both series, only the new
    one is present from 2026-06. A trend from 2026-04 (after the first switch: no break month inside it)
    pooled the two; now refused naming 2026-06 — the first month of the new series alone — and, while
    every month still holds the old series too, refused saying no such month exists yet."""
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    k, n = [50, 52, 51, 60, 62, 70, 71, 72, 70, 73, 74, 72], [100] * 12
    series = {m: ("cx-core@1",) if m < "2026-03" else ("cx-core@1", "cx-core@2") if m < "2026-06"
              else ("cx-core@2",) for m in months}
    series["2026-07"] = None  # a suppressed month holds no published series: it is not read
    with pytest.raises(EvaluationError) as exc:
        trend(months[3:], k[3:], n[3:], series=series)
    assert exc.value.reason == "break" and exc.value.detail == {"first": "2026-03", "month": "2026-06"}
    assert "only the new series is present from 2026-06 on" in str(exc.value)
    assert trend(months[5:], k[5:], n[5:], series=series).months == 7
    ongoing = {m: ("cx-core@1", "cx-core@2") if m >= "2026-03" else ("cx-core@1",) for m in months}
    with pytest.raises(EvaluationError) as exc:
        trend(months[3:], k[3:], n[3:], series=ongoing)
    assert exc.value.detail == {"first": "2026-03", "month": None}
    assert "no month holds only the new series yet" in str(exc.value) and "before 2026-03" in str(exc.value)


def test_the_profiles_fast_intercept_refit_is_statsmodels_glm():
    """The profile refits the intercept with the slope held (an offset) some 60 times a trend; its
    one-equation solution gives statsmodels' GLM deviance, weighted (non-integer) counts included."""
    rng = np.random.default_rng(11)
    for _ in range(20):
        k = rng.integers(0, 30, 6).astype(float)
        endog = np.column_stack([k, rng.integers(1, 30, 6)]) * rng.uniform(0.4, 1, 6)[:, None]
        offset = rng.normal(0, 1, 6)
        fit = sm.GLM(endog, np.ones((6, 1)), family=sm.families.Binomial(), offset=offset).fit()
        assert likelihood._intercept_deviance(endog, offset) == pytest.approx(fit.deviance, rel=1e-9, abs=1e-9)
    assert likelihood._intercept_deviance(np.column_stack([np.zeros(3), np.ones(3)]), np.zeros(3)) is None
