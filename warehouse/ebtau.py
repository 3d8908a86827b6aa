"""How uncertain an empirical-Bayes estimate is once the between-unit variance τ² is known to be estimated.

:func:`warehouse.stats.empirical_bayes` shrinks each unit with the DerSimonian–Laird τ̂² plugged in: its
posterior variance (1 − B)·s² + B²·Var(μ̂) treats τ² as known. Where τ² is small against the units' own
standard errors the estimate of τ² is very uncertain, and τ̂² = 0 (truncated) shrinks every unit onto μ̂ with
the tiny variance of μ̂: the "95 %" intervals then covered the units' true values 23–78 % of the time
(5–100 units, τ = 3 points, standard errors 2–10; docs/methodology.md §9, tests/test_methodology_simulation_units.py).

:func:`posterior_sd` gives, per unit, the root mean square error of the published estimate ``centre`` under
the normal–normal model with τ integrated out over its marginal posterior — flat priors on μ and on τ
(Gelman et al., *Bayesian Data Analysis*, 3rd ed., §5.4 and §5.7): E_τ[v(τ)] + E_τ[(m(τ) − centre)²], m(τ)
and v(τ) the unit's conditional posterior mean and variance given τ. The τ posterior is evaluated on a grid
of :data:`COARSE` points (more with few units: :data:`CELLS` / units) from 0 to :data:`SPAN` × (the spread of
the estimates + their largest standard error), then on :data:`GRID` (or CELLS / units) points over the part
of it that holds its mass (deterministic; with fewer than 3 units a
flat prior on τ gives no proper posterior and nothing is integrated: :func:`warehouse.ranking.eb_ranking` then
shrinks nothing, docs/methodology.md §9).
"""
from __future__ import annotations

import numpy as np

GRID = 200
COARSE = 100
#: grid × units kept at about this many points where the units are few (a wide τ posterior, finely sampled)
CELLS = 40_000
SPAN = 10.0
MIN_UNITS = 3


def posterior_sd(y, se, centre) -> np.ndarray:
    """Per unit, √(E_τ[v(τ)] + E_τ[(m(τ) − centre)²]) (see the module). ``y``, ``se``: the units' estimates and
    standard errors (se > 0); ``centre``: the published (plug-in) estimates. Fewer than 3 units: NaN."""
    y, se, centre = (np.asarray(a, dtype=float) for a in (y, se, centre))
    if len(y) < MIN_UNITS:
        return np.full(len(y), np.nan)
    coarse, fine = max(COARSE, CELLS // len(y)), max(GRID, CELLS // len(y))
    tau = np.linspace(0.0, SPAN * (float(np.ptp(y)) + float(se.max())), coarse)
    p = _tau_posterior(y, se, tau, moments=False)[0]
    held = np.flatnonzero(p > 1e-12 * p.max())  # where the mass is: a fine grid there (a narrow posterior, many units)
    tau = np.linspace(tau[max(held[0] - 1, 0)], tau[min(held[-1] + 1, coarse - 1)], fine)
    p, m, v = _tau_posterior(y, se, tau)
    return np.sqrt(p @ (v + (m - centre[None, :]) ** 2))


def _tau_posterior(y: np.ndarray, se: np.ndarray, tau: np.ndarray,
                   moments: bool = True) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """On the grid ``tau``: the normalised weights of p(τ | y) (flat priors on μ and τ: ½ log Var(μ̂) +
    Σ log N(y_i; μ̂(τ), s_i² + τ²), BDA3 eq. 5.21, times the grid's uniform spacing), and per τ × unit the
    conditional posterior mean m and variance v = (1 − B)·s² + B²·Var(μ̂), B = s²/(s² + τ²) (None, None
    without ``moments``)."""
    var = se[None, :] ** 2 + tau[:, None] ** 2
    w = 1 / var
    v_mu = 1 / w.sum(axis=1, keepdims=True)
    mu = (w * y).sum(axis=1, keepdims=True) * v_mu
    # Σ log N(y_i; μ̂, s_i² + τ²) written out (scipy's norm.logpdf checks its arguments at every call: half the
    # time of this function at 2,400 units; tests/test_methodology_simulation_units.py pins the two equal)
    logp = 0.5 * np.log(v_mu[:, 0]) - 0.5 * (np.log(2 * np.pi * var) + (y[None, :] - mu) ** 2 * w).sum(axis=1)
    p = np.exp(logp - logp.max())
    if not moments:
        return p / p.sum(), None, None
    b = se[None, :] ** 2 * w
    return p / p.sum(), mu + (1 - b) * (y[None, :] - mu), (1 - b) * se[None, :] ** 2 + b ** 2 * v_mu
