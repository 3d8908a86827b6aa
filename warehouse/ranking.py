"""Rankings that say how uncertain they are: empirical-Bayes estimates with rank intervals, ties as
ties, no ranking without heterogeneity, and multiple-comparison-adjusted significance flags.

- :func:`eb_ranking`: normal–normal empirical Bayes (τ² by DerSimonian–Laird through
  :func:`warehouse.stats.empirical_bayes`). When τ̂² = 0 every shrunk estimate equals μ̂: there is
  no evidence that the units differ, and **no ranks are given** (``ranked: False`` with the
  reason). Otherwise each unit's rank is the competition rank ("1224") of its estimate rounded to
  the published precision — equal published estimates share a rank and are marked ``tied`` — and a
  95 % **rank interval** comes from the posterior θᵢ ~ N(θᵢ*, vᵢ), independent across units: the
  2.5th and 97.5th percentiles of each unit's rank, computed numerically without sampling
  (:func:`warehouse.rankdist.rank_quantiles`: exact leave-one-out Poisson-binomial counts up to 40
  units, a refined normal approximation beyond, integrated over the unit's own posterior), so the
  same data always give the same intervals. The interval is widened where needed to contain the
  published rank (and, for tied units, every place of the tie).
- **Fewer than 3 units: no shrinkage** (:data:`MIN_SHRINK`). With two units the between-unit variance
  has one degree of freedom: a flat prior on τ gives no proper posterior, and a proper one (half-Cauchy or
  half-normal, scale 10–25 points) decides the shrinkage instead of the data — it narrowed the intervals by
  0–13 % against the units' own, by how much set by the prior's scale, and covered 92–94 % where the units
  really differ (τ = 15) — and the plug-in interval (τ̂² taken as known) covered a noisy unit beside a
  precise one 62–72 % of the time (docs/methodology.md §9). So each unit keeps its own estimate and interval (y ± z·s: 95 % by
  construction), the ranks and rank intervals are those of the units' own normals, and with two units
  ``difference`` is the direct test of y₀ − y₁ (its interval and two-sided p-value): the rank interval
  is a single place exactly when p < 1 − ``level``. The "no ranking when τ̂² = 0" rule is the same (with
  two units τ̂² = 0 exactly when |y₀ − y₁| ≤ its standard error).
- :func:`fdr_flags`: "significantly above/below" after the Benjamini–Hochberg false discovery rate
  adjustment (``statsmodels.stats.multitest.multipletests``) of the units' two-sided p-values:
  among all flagged units at most ``alpha`` are expected to be false alarms.

Rank 1 is the highest estimate (the best, for a positive share or a mean of satisfaction).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from . import stats
from .ebtau import MIN_UNITS, posterior_sd
from .rankdist import rank_quantiles

DECIMALS = 2
#: Units below this count are not shrunk (no proper posterior for τ; see the module).
MIN_SHRINK = MIN_UNITS


def competition_ranks(values, decimals: int = DECIMALS) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (1 = highest) of ``values`` rounded to ``decimals``, equal values sharing the lowest
    rank ("1224"), and whether each rank is shared (tied)."""
    v = np.round(np.asarray(values, dtype=float), decimals)
    ranks = sps.rankdata(-v, method="min").astype(int)
    return ranks, np.bincount(ranks)[ranks] > 1


def eb_ranking(y, se, level: float = 0.95, decimals: int = DECIMALS) -> dict[str, Any]:
    """Empirical-Bayes estimates and ranks with intervals for units with estimates ``y`` and
    standard errors ``se`` (se > 0).

    3 or more units (``shrinkage`` True): ``estimate`` is the plug-in shrunk estimate and ``lower``/``upper``
    the estimate ± z × the root mean square error with τ² integrated out over its posterior
    (:func:`warehouse.ebtau.posterior_sd`) — the plug-in interval, τ̂² taken as known, covered the true values
    84 % of the time with 10 units of τ = 3 and 23–78 % where τ̂² = 0. The rank intervals use the plug-in
    posteriors (they cover ≥ 95 %, the units being treated as independent). Fewer than :data:`MIN_SHRINK`
    units (``shrinkage`` False): each unit's own ``y`` and y ± z·se, ranks and rank intervals from those
    (see the module); with exactly two, ``difference`` = ``{estimate: y₀ − y₁, lower, upper, z, p_value}``
    (else None).

    Returns ``{mu, tau2, shrinkage, difference, ranked, reason, estimate, lower, upper, rank, tied,
    rank_lower, rank_upper}``; when τ̂² = 0 (or fewer than 2 units) ``ranked`` is False, ``reason`` says why
    and ``rank``, ``tied``, ``rank_lower``, ``rank_upper`` are None.
    """
    y, se = np.asarray(y, dtype=float), np.asarray(se, dtype=float)
    est, lo_plug, hi_plug, mu, tau2 = stats.empirical_bayes(y, se, level)
    z = sps.norm.ppf(0.5 + level / 2)
    shrink = len(y) >= MIN_SHRINK
    if shrink:  # the published interval: τ² integrated out (warehouse.ebtau); the plug-in one covered 23-78 % where τ̂² = 0
        sd_tau = posterior_sd(y, se, est)
        lo, hi = est - z * sd_tau, est + z * sd_tau
    else:  # one or two units: their own figures (the plug-in covered a noisy unit beside a precise one 62-72 %)
        est, lo, hi = y.copy(), y - z * se, y + z * se
        lo_plug, hi_plug = lo, hi
    out: dict[str, Any] = {"mu": mu, "tau2": tau2, "shrinkage": shrink, "difference": _difference(y, se, z),
                           "estimate": est, "lower": lo, "upper": hi,
                           "rank": None, "tied": None, "rank_lower": None, "rank_upper": None}
    if len(y) < 2:
        return {**out, "ranked": False, "reason": "one unit: nothing to rank"}
    if tau2 <= 0 and not shrink:
        return {**out, "ranked": False,
                "reason": "two units whose difference is no larger than its own standard error (estimated between-unit "
                          "variance τ² = 0): no evidence that they differ, so any order would be arbitrary"}
    if tau2 <= 0:
        return {**out, "ranked": False,
                "reason": "no evidence of differences between units (estimated between-unit variance τ² = 0): every "
                          "empirical-Bayes estimate equals the common mean, so any order would be arbitrary"}
    rank, tied = competition_ranks(est, decimals)
    sd = (hi_plug - lo_plug) / (2 * z)  # the ranks' posteriors: the plug-in model's (their intervals cover ≥ 95 %)
    q = (1 - level) / 2
    rank_lower, rank_upper = rank_quantiles(est, sd, (q, 1 - q))
    # a rank interval always contains the published rank (ties included)
    rank_lower = np.minimum(rank_lower, rank)
    rank_upper = np.maximum(rank_upper, rank + np.bincount(rank)[rank] - 1)
    return {**out, "ranked": True, "reason": "", "rank": rank, "tied": tied,
            "rank_lower": rank_lower, "rank_upper": rank_upper}


def _difference(y: np.ndarray, se: np.ndarray, z: float) -> dict[str, float] | None:
    """Two units: y₀ − y₁ with its interval (± z × √(s₀² + s₁²)), its z statistic and two-sided p-value."""
    if len(y) != 2:
        return None
    d, s = float(y[0] - y[1]), float(np.hypot(se[0], se[1]))
    return {"estimate": d, "lower": d - z * s, "upper": d + z * s, "z": d / s, "p_value": float(2 * sps.norm.sf(abs(d) / s))}


def fdr_flags(p_values, direction, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Benjamini–Hochberg adjusted significance: ``q_value`` per unit and ``flag`` ``above`` /
    ``below`` (the sign of ``direction``, e.g. y − benchmark) where q < ``alpha``, else ``within``.
    Units with a missing p-value get ``q_value`` NaN and flag ``within``."""
    p = np.asarray(p_values, dtype=float)
    d = np.asarray(direction, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        q[ok] = multipletests(p[ok], alpha=alpha, method="fdr_bh")[1]
    sig = np.where(ok, q < alpha, False)
    flag = np.where(sig & (d > 0), "above", np.where(sig & (d < 0), "below", "within"))
    return {"q_value": q, "flag": flag}
