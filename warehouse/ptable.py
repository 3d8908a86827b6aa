"""The perturbation table (p-table) of the cell-key method, built the way sdcTools ``ptable`` does.

For an original count ``i`` the perturbed count is ``i + d`` with ``d`` drawn — deterministically,
by the cell key — from a distribution ``p_i(d)`` on ``max(-i, -D) … D`` (no negative result) that
has **zero mean**, variance **V** (or the largest variance the support allows, for the small counts
where V is out of reach) and, among all such distributions, **maximum entropy**: the least
informative noise for the given variance. Count 0 is never perturbed (empty cells stay empty, and
are not published anyway). For ``i ≥ D`` the support is no longer truncated, so every such count
uses row ``D`` (the "symmetric case"). Optionally, perturbed values ``1 … js`` are blocked (``js``).

The maximum-entropy distribution under mean and variance constraints is ``p(d) ∝ exp(a·d + b·d²)``;
the multipliers are found by minimising the convex dual with :func:`scipy.optimize.minimize`. When
the variance asked for equals the largest feasible one the solution sits on the boundary, and is
taken from :func:`scipy.optimize.linprog` instead.

Lookup: row ``min(i, D)``'s probabilities are laid end to end on [0, 1) in order of ``d``; the
cell key ``u`` selects the ``d`` whose interval contains it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize
from scipy.special import logsumexp


@dataclass(frozen=True)
class PTable:
    D: int
    V: float
    js: int
    deviations: np.ndarray  # (D+1, 2D+1): d = -D … D per row
    probs: np.ndarray       # (D+1, 2D+1): p_i(d), 0 outside the row's support
    upper: np.ndarray       # (D+1, 2D+1): cumulative upper bounds of the intervals on [0, 1)

    def deviation(self, counts, cell_keys) -> np.ndarray:
        """The perturbation of each count, given its cell key in [0, 1) (vectorised)."""
        counts = np.asarray(counts, dtype=np.int64)
        u = np.asarray(cell_keys, dtype=float)
        rows = np.minimum(counts, self.D)
        out = np.zeros(counts.shape, dtype=np.int64)
        for r in range(1, self.D + 1):
            sel = rows == r
            if sel.any():
                idx = np.searchsorted(self.upper[r], u[sel], side="right")
                out[sel] = self.deviations[r][np.minimum(idx, 2 * self.D)]
        return out

    def rows(self) -> list[dict]:
        """The table in ``ptable``'s long form: i, j (perturbed), p, v (deviation), interval bounds."""
        out = []
        for i in range(self.D + 1):
            lo = 0.0
            for d, p, hi in zip(self.deviations[i], self.probs[i], self.upper[i]):
                if p > 0:
                    out.append({"i": i, "j": i + int(d), "p": float(p), "v": int(d), "p_int_lb": lo, "p_int_ub": float(hi)})
                lo = float(hi)
        return out


def _support(i: int, D: int, js: int) -> np.ndarray:
    d = np.arange(-D, D + 1)
    j = i + d
    ok = (j >= 0) & ~((j >= 1) & (j <= js) & (j != i))
    return d[ok]


def _max_variance(d: np.ndarray) -> float:
    """The largest variance of a zero-mean distribution on ``d`` (a linear programme)."""
    res = optimize.linprog(-(d.astype(float) ** 2), A_eq=np.vstack([np.ones(len(d)), d]), b_eq=[1.0, 0.0],
                           bounds=[(0, 1)] * len(d), method="highs")
    return float(-res.fun) if res.success else 0.0


def _boundary(d: np.ndarray, v: float) -> np.ndarray:
    res = optimize.linprog(np.zeros(len(d)), A_eq=np.vstack([np.ones(len(d)), d, d.astype(float) ** 2]),
                           b_eq=[1.0, 0.0, v], bounds=[(0, 1)] * len(d), method="highs")
    return np.asarray(res.x)


def max_entropy(d: np.ndarray, v: float) -> np.ndarray:
    """The maximum-entropy distribution on ``d`` with mean 0 and variance ``v`` (feasible ``v``)."""
    d = d.astype(float)
    if v <= 0 or len(d) == 1:
        return (d == 0).astype(float)

    def dual(lam):  # log Z(λ) − λ·(0, v): convex; its minimum gives p ∝ exp(λ1 d + λ2 d²)
        z = lam[0] * d + lam[1] * d * d
        return logsumexp(z) - lam[1] * v

    def grad(lam):
        z = lam[0] * d + lam[1] * d * d
        p = np.exp(z - logsumexp(z))
        return np.array([p @ d, p @ (d * d) - v])

    res = optimize.minimize(dual, np.zeros(2), jac=grad, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000})
    z = res.x[0] * d + res.x[1] * d * d
    return np.exp(z - logsumexp(z))


@lru_cache(maxsize=8)
def build(D: int = 2, V: float = 1.0, js: int = 0) -> PTable:
    """The p-table for maximum deviation ``D``, variance ``V`` and blocked values ``1 … js``."""
    if D < 1 or V <= 0 or js < 0:
        raise ValueError("the p-table needs D >= 1, V > 0 and js >= 0")
    devs = np.tile(np.arange(-D, D + 1), (D + 1, 1))
    probs = np.zeros((D + 1, 2 * D + 1))
    probs[0, D] = 1.0
    for i in range(1, D + 1):
        d = _support(i, D, js)
        vmax = _max_variance(d)
        v = min(V, vmax)
        p = _boundary(d, v) if v >= vmax - 1e-9 else max_entropy(d, v)
        p = np.clip(p, 0, None)
        probs[i, d + D] = p / p.sum()
    upper = np.cumsum(probs, axis=1)
    upper[:, -1] = 1.0
    return PTable(D, V, js, devs, probs, upper)
