"""Profile-likelihood interval and likelihood-ratio test for one coefficient of a binomial GLM. Pure functions.

Contract
--------
:func:`profile` takes the aggregated counts of a logistic regression (``endog``: successes and
failures per row, ``exog``: the design, a constant included) and one column of ``exog``; it returns
the maximum-likelihood estimate of that coefficient (the row-level logistic regression's: the
aggregated binomial likelihood differs from it by a constant), and

- the **profile-likelihood interval** (Venables & Ripley 2002 §8.4; R's ``confint`` of a ``glm``):
  every value b of the coefficient whose profile deviance D(b) — the deviance of the model refitted
  with the coefficient fixed at b (an offset b·x, the other coefficients free) — rises above the
  fitted deviance D̂ by at most the quantile: (D(b) − D̂)/φ ≤ q², q the normal quantile (φ = 1) or,
  when the dispersion φ is estimated (quasi-binomial), Student's t with ``df`` degrees of freedom
  (i.e. the F(1, df) quantile, as ``anova(test="F")``). Unlike the Wald interval (estimate ± q·SE,
  symmetric by construction) it follows the likelihood: asymmetric near 0 % or 100 % and with small
  counts, invariant under reparametrisation (the odds-ratio interval is the exponent of the slope's);
- the **likelihood-ratio test** of the coefficient = 0, from the same profile: statistic
  (D(0) − D̂)/φ, p value from χ²(1) (φ = 1) or F(1, df). It is the test the interval inverts, so the
  interval excludes 0 exactly when p < 1 − level (no Wald p beside a likelihood interval).

A bound the profile never reaches (the deviance levels off below the cut: separation) is
``±inf``; callers refuse such fits. Invalid inputs raise ``ValueError``.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy import stats as sps
from scipy.special import expit

#: doublings of the search step before a bound is declared unreachable (±inf)
MAX_DOUBLINGS = 60


@dataclass(frozen=True)
class Profile:
    estimate: float
    ci: tuple[float, float]
    statistic: float       # (D(0) − D̂)/φ: the likelihood-ratio statistic of coefficient = 0
    p_value: float
    level: float
    method: str


def _binomial_deviance(k: np.ndarray, m: np.ndarray, mu: np.ndarray) -> float:
    """2 Σ [k log(k/μ) + (m − k) log((m − k)/(m − μ))], 0 · log 0 = 0 (statsmodels' binomial deviance)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(k > 0, k * np.log(k / mu), 0.0)
        b = np.where(m - k > 0, (m - k) * np.log((m - k) / (m - mu)), 0.0)
    return float(2 * (a + b).sum())


def _intercept_deviance(endog: np.ndarray, offset: np.ndarray) -> float | None:
    """The deviance of the intercept-only binomial GLM with ``offset``, its one equation
    Σ m·expit(a + offset) = Σ k solved by bracketing (what the statsmodels refit gives, some 50 times
    faster: a trend's profile refits it some 60 times). None when k is 0 or m everywhere (no root)."""
    k, m = endog[:, 0], endog.sum(axis=1)
    total = k.sum()
    if not 0 < total < m.sum():
        return None

    def score(a: float) -> float:
        return float((m * expit(a + offset)).sum() - total)

    lo, hi = -1.0, 1.0
    while score(lo) > 0:
        lo *= 2
    while score(hi) < 0:
        hi *= 2
    a = optimize.brentq(score, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)
    return _binomial_deviance(k, m, m * expit(a + offset))


def _deviance(endog: np.ndarray, others: np.ndarray, offset: np.ndarray) -> float:
    """Deviance of the binomial GLM of ``endog`` on ``others`` with ``offset`` (refitted)."""
    import statsmodels.api as sm

    if others.shape[1] == 1 and np.all(others == 1):  # the trend's profile: the intercept alone is free
        fast = _intercept_deviance(endog, offset)
        if fast is not None:
            return fast

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(endog, others, family=sm.families.Binomial(), offset=offset).fit()
    return float(fit.deviance)


def profile(endog, exog, column: int, *, scale: float = 1.0, df: int | None = None,
            level: float = 0.95) -> Profile:
    """Estimate, profile-likelihood interval and likelihood-ratio test of coefficient ``column``.

    ``endog``: (successes, failures) per row; ``exog``: the design (constant included); ``scale``:
    the dispersion φ (1 for the binomial; the Pearson χ²/df for a quasi-binomial fit, then ``df``
    its degrees of freedom: Student's t / F instead of the normal / χ²)."""
    import statsmodels.api as sm

    endog, exog = np.asarray(endog, dtype=float), np.asarray(exog, dtype=float)
    if endog.ndim != 2 or endog.shape[1] != 2 or exog.ndim != 2 or len(exog) != len(endog):
        raise ValueError("endog is (successes, failures) per row and exog a design with as many rows.")
    if exog.shape[1] < 2 or not 0 <= column < exog.shape[1]:
        raise ValueError(f"exog needs a column besides the profiled one, and column must index one; got {column}.")
    if not (np.isfinite(scale) and scale > 0) or not 0.5 < level < 1:
        raise ValueError("scale must be positive and level between 0.5 and 1.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    beta, d_hat = float(fit.params[column]), float(fit.deviance)
    se = float(fit.bse[column]) * np.sqrt(scale)
    x, others = exog[:, column], np.delete(exog, column, axis=1)
    dist = sps.t(df) if df else sps.norm()
    q = float(dist.ppf(0.5 + level / 2))

    def excess(b: float) -> float:  # (D(b) − D̂)/φ − q²: negative inside the interval
        return (_deviance(endog, others, b * x) - d_hat) / scale - q * q

    def bound(sign: int) -> float:
        step = q * (se if np.isfinite(se) and se > 0 else 1.0)
        inside = beta
        for _ in range(MAX_DOUBLINGS):
            out = beta + sign * step
            if excess(out) > 0:
                return float(optimize.brentq(excess, min(inside, out), max(inside, out), xtol=1e-12, rtol=1e-12))
            inside, step = out, 2 * step
        return sign * np.inf

    statistic = max(_deviance(endog, others, 0 * x) - d_hat, 0.0) / scale
    p = float(2 * dist.sf(np.sqrt(statistic)))  # = χ²(1) (normal) or F(1, df) (t) upper tail
    method = ("profile likelihood, chi-square(1); likelihood-ratio test" if not df else
              f"profile likelihood, quasi-binomial (dispersion {scale:.4g}), F(1, {df}); F test")
    return Profile(estimate=beta, ci=(bound(-1), bound(+1)), statistic=float(statistic), p_value=p, level=level,
                   method=method)
