"""How much the cell-key perturbation moves a unit's published figure, for the comparisons' tests.

:mod:`warehouse.protect` widens each published interval by the perturbation's variance (V per count,
docs/methodology.md §10). A comparison (:mod:`warehouse.compare`) tests each unit's published figure
against the benchmark: under the null hypothesis the published figure carries the sampling noise
*and* this perturbation, so the funnel's limits, positions and p-values, and the empirical-Bayes
standard errors, need the perturbation's size at the benchmark value — given here per unit from its
questionnaire versions (``pool``), never from its counts (the figures are the published ones).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .protect import Protection, positive_buckets, scale_buckets
from .rollup import SCORE_POINTS


def share_noise_sd(indicator: str, pools: Sequence[str], p0: float, protection: Protection) -> np.ndarray:
    """Per unit, the sd (in answers) the perturbation adds to its published count of positive answers
    when its share is ``p0`` (0–1): √(V·((1 − p0)²·a + p0²·b)) where the share is counted over the answer
    categories its scale reaches (a of them positive, b not: five points 2 and 3, faces 1 and 2), else
    √(V·(1 + p0²)) for a count of positive answers over n perturbed apart (0–10 scales)."""
    V = protection.noise_variance

    def sd(key: str) -> float:
        pos = positive_buckets(indicator, key)
        if pos is None:
            return float(np.sqrt(V * (1 + p0 ** 2)))
        a = len(pos)
        return float(np.sqrt(V * ((1 - p0) ** 2 * a + p0 ** 2 * (len(scale_buckets(indicator, key)) - a))))
    return _per_pool(pools, sd)


def mean_noise_sd(indicator: str, pools: Sequence[str], target: float, protection: Protection) -> np.ndarray:
    """Per unit, the perturbation's sd of n × its published mean (points × answers) when its mean is
    ``target``: √(V·Σ (x_j − target)²) over the answer categories x_j its scale reaches; the mean's
    own is that over n."""
    V = protection.noise_variance

    def sd(key: str) -> float:
        x = np.array([SCORE_POINTS[c] for c in scale_buckets(indicator, key)])
        return float(np.sqrt(V * ((x - target) ** 2).sum()))
    return _per_pool(pools, sd)


def _per_pool(pools: Sequence[str], sd: Callable[[str], float]) -> np.ndarray:
    """``sd`` of each unit's pool (a missing pool: ``""``), computed once per distinct pool."""
    cache: dict[str, float] = {}
    out = []
    for p in pools:
        key = p if isinstance(p, str) else ""
        if key not in cache:
            cache[key] = sd(key)
        out.append(cache[key])
    return np.array(out, dtype=float)


def cell_noise_var(indicator: str, pools: Sequence[str], n, top2, mean, protection: Protection) -> tuple[np.ndarray, np.ndarray]:
    """Per published cell, the variance the perturbation adds to its positive share (0–1 scale) and to
    its mean (points²), at the cell's own published n, positive share ``top2`` (%) and ``mean`` — the
    terms :func:`warehouse.protect.publish` adds to the cell's intervals (:func:`share_noise_sd`,
    :func:`mean_noise_sd` over n, squared). NaN where n, the share or the mean is not published. What a
    before/after comparison or a trend of published cells (:mod:`warehouse.evaluation`) adds to the
    sampling variance it recomputes from the published k and n."""
    n, top2, mean = (np.asarray(a, dtype=float) for a in (n, top2, mean))
    share_var, mean_var = np.full(len(n), np.nan), np.full(len(n), np.nan)
    for i, pool in enumerate(pools):
        if not (np.isfinite(n[i]) and n[i] > 0):
            continue
        if np.isfinite(top2[i]):
            share_var[i] = (share_noise_sd(indicator, [pool], top2[i] / 100, protection)[0] / n[i]) ** 2
        if np.isfinite(mean[i]):
            mean_var[i] = (mean_noise_sd(indicator, [pool], mean[i], protection)[0] / n[i]) ** 2
    return share_var, mean_var
