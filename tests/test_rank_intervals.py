"""Rank intervals without sampling (warehouse.rankdist) against large Monte Carlo references.

The reference ranks many joint draws of every unit's N(m, s²) (a fixed seed) and reads each unit's
2.5th / 97.5th rank percentile off its rank histogram — what eb_ranking did before, with 25× more
draws. Where the two differ by a rank, the reference's own probability at the bound must be within
its sampling noise (plus the refined normal's stated error) of the level.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr

from warehouse import rankdist, ranking, stats

Q = 0.025


def _mc_cdf(m, s, draws, seed, chunk=10_000):
    """P(rank ≤ r) per unit (rows) for r = 1..n (columns) from ``draws`` joint draws."""
    n = len(m)
    rng = np.random.default_rng(seed)
    hist = np.zeros(n * n, dtype=np.int64)
    for a in range(0, draws, chunk):
        theta = m + s * rng.standard_normal((min(chunk, draws - a), n))
        order = np.argsort(-theta, axis=1)
        rank0 = np.empty(order.shape, dtype=np.int64)
        np.put_along_axis(rank0, order, np.broadcast_to(np.arange(n), order.shape), axis=1)
        hist += np.bincount((np.arange(n) * n + rank0).ravel(), minlength=n * n)
    return np.cumsum(hist.reshape(n, n), axis=1) / draws


def _check_against_mc(m, s, draws, seed, approx_err):
    lo, hi = rankdist.rank_quantiles(m, s, (Q, 1 - Q))
    cdf = _mc_cdf(m, s, draws, seed)
    n = len(m)
    noise = 4 * np.sqrt(Q * (1 - Q) / draws) + approx_err
    for bound, level in ((lo, Q), (hi, 1 - Q)):
        ref = (cdf < level).sum(axis=1) + 1
        assert np.abs(bound - ref).max() <= 1, (bound - ref)
        at = cdf[np.arange(n), bound - 1]                                   # F(bound) ≥ level
        below = np.where(bound > 1, cdf[np.arange(n), np.maximum(bound - 2, 0)], 0.0)   # F(bound − 1) < level
        assert np.all(at >= level - noise) and np.all(below < level + noise)
    return lo, hi


def _bench_like(n_units, seed):
    """Entities like bench/warehouse.py's: heavy-tailed sizes, logistic entity effects, binomial shares."""
    rng = np.random.default_rng(seed)
    n = np.maximum((rng.pareto(1.2, n_units) + 0.2) * 400, 5).astype(int)
    p = 1 / (1 + np.exp(-(0.9 + 1.6 * rng.normal(0, 0.35, n_units))))
    y = 100 * rng.binomial(n, p) / n
    p0 = (y * n).sum() / (100 * n.sum())
    est, lo, hi, mu, tau2 = stats.empirical_bayes(y, 100 * np.sqrt(p0 * (1 - p0) / n))
    assert tau2 > 0
    return est, (hi - lo) / (2 * 1.959963984540054)


def test_exact_path_matches_a_100k_draw_monte_carlo():
    rng = np.random.default_rng(3)
    m, s = rng.normal(70, 8, 30), rng.uniform(0.3, 5, 30)
    assert len(m) <= rankdist.EXACT_UNITS
    _check_against_mc(m, s, 100_000, 11, approx_err=0.0)


def test_refined_normal_matches_a_100k_draw_monte_carlo_at_50_units():
    rng = np.random.default_rng(4)
    m, s = rng.normal(70, 10, 50), rng.uniform(0.5, 5, 50)
    _check_against_mc(m, s, 100_000, 12, approx_err=0.005)


def test_refined_normal_matches_a_100k_draw_monte_carlo_at_375_units():
    m, s = _bench_like(375, 5)
    assert len(m) > rankdist.EXACT_UNITS
    _check_against_mc(m, s, 100_000, 13, approx_err=0.005)


def test_two_units_are_exact():
    # P(unit 0 above unit 1) = Φ(−10/√18) = 0.0092: below 2.5 %, so unit 1 is surely first, unit 0 surely second
    lo, hi = rankdist.rank_quantiles([60.0, 70.0], [3.0, 3.0])
    assert lo.tolist() == [2, 1] and hi.tolist() == [2, 1]
    # 0.0304 ≥ 2.5 %: the lower unit may be first, the upper one may be second
    d = 1.875 * np.sqrt(18)
    assert ndtr(-d / np.sqrt(18)) == pytest.approx(0.0304, abs=1e-4)
    lo, hi = rankdist.rank_quantiles([60.0, 60.0 + d], [3.0, 3.0])
    assert lo.tolist() == [1, 1] and hi.tolist() == [2, 2]
    # the same with very different precisions (the grid must resolve the precise unit's own sd)
    sd = np.hypot(0.01, 5.0)
    for gap, expected in ((2.357 * sd, ([2, 1], [2, 1])), (1.875 * sd, ([1, 1], [2, 2]))):
        lo, hi = rankdist.rank_quantiles([60.0, 60.0 + gap], [0.01, 5.0])
        assert (lo.tolist(), hi.tolist()) == expected


def test_one_unit_and_order_of_the_units():
    assert [b.tolist() for b in rankdist.rank_quantiles([5.0], [1.0])] == [[1], [1]]
    for n_units in (25, 120):   # both paths: permuting the units permutes their bounds
        m, s = _bench_like(n_units, 8)
        perm = np.random.default_rng(1).permutation(n_units)
        lo, hi = rankdist.rank_quantiles(m, s)
        plo, phi = rankdist.rank_quantiles(m[perm], s[perm])
        assert plo.tolist() == lo[perm].tolist() and phi.tolist() == hi[perm].tolist()
        assert np.all((1 <= lo) & (lo <= hi) & (hi <= n_units))


def test_the_two_paths_agree_where_they_meet(monkeypatch):
    m, s = _bench_like(rankdist.EXACT_UNITS, 9)
    exact = rankdist.rank_quantiles(m, s)
    monkeypatch.setattr(rankdist, "EXACT_UNITS", 0)
    normal = rankdist.rank_quantiles(m, s)
    for a, b in zip(exact, normal):
        assert np.abs(a - b).max() <= 1


def test_a_very_precise_unit_does_not_break_the_grid():
    # se → 1e-9 (compare.py's floor for a zero se): the grid is capped, the bounds stay sane
    m = np.r_[np.linspace(40, 90, 60), 65.0]
    s = np.r_[np.full(60, 2.0), 1e-9]
    lo, hi = rankdist.rank_quantiles(m, s)
    assert np.all((1 <= lo) & (lo <= hi) & (hi <= 61))
    assert 25 <= lo[-1] <= hi[-1] <= 37     # about as many units above 65 as the others' spread allows


def test_eb_ranking_is_deterministic_and_contains_the_published_rank():
    y, se = _bench_like(200, 10)
    a, b = ranking.eb_ranking(y, se), ranking.eb_ranking(y, se)
    assert a["ranked"]
    assert a["rank_lower"].tolist() == b["rank_lower"].tolist() and a["rank_upper"].tolist() == b["rank_upper"].tolist()
    assert np.all(a["rank_lower"] <= a["rank"]) and np.all(a["rank"] <= a["rank_upper"])


def test_eb_ranking_of_two_units():
    r = ranking.eb_ranking(np.array([40.0, 80.0]), np.array([2.0, 2.0]))
    assert r["ranked"] and r["rank"].tolist() == [2, 1]
    assert r["rank_lower"].tolist() == [2, 1] and r["rank_upper"].tolist() == [2, 1]
