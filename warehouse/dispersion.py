"""The funnels' over-dispersion test (Spiegelhalter 2005), calibrated where the z-scores are winsorized.

φ is the mean of the units' squared z-scores, **winsorized at 10 % in each tail** with at least
:data:`WINSOR_MIN_UNITS` units (so that the very outliers a funnel looks for do not pass for
over-dispersion). Winsorizing shrinks φ: with no over-dispersion its mean is about 0.68, not 1, and
I·φ is not χ²(I − 1). Compared with χ²(I − 1) as it was, the test rejected in 0–2 % of simulated sets of
20–200 units alike (not 5 %), and the φ that widened the limits was about 0.68 × the true dispersion, so
widened 95 % limits held about 89 % of the units of an over-dispersed type and 1–2 % fell outside the
99.8 % ones instead of 0.2 % (tests/test_methodology_simulation_units.py). So, with ≥ 10 units:

- the **p-value** is a Monte Carlo (parametric bootstrap) p-value: the units' figures are drawn
  :data:`REPLICATES` times under the null — no over-dispersion: each unit at the benchmark with its own n
  (a share: Binomial(n, p0) plus the cell-key perturbation, rounded and clipped, as
  :func:`warehouse.funnel.null_pmf`; a mean: its normal z) — their winsorized φ computed the same way,
  p = (1 + #{φ* ≥ φ}) / (1 + replicates), φ* equal to φ up to a relative :data:`TIES` counted (the
  counts are discrete: many replicates give exactly the observed φ); a fixed seed (:data:`SEED`): the same data give the same test;
- the reported **φ** is *calibrated*: the winsorized mean of z² divided by its mean over the null
  replicates (≈ 1 without over-dispersion; the multiplicative model's factor, z ~ N(0, φ)); the raw value
  is ``phi_winsorized``; τ² (additive model) is computed from it.

With fewer units nothing is winsorized: φ is the plain mean of z² and I·φ is compared with χ²(I − 1)
(Pearson's heterogeneity test), as before.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from scipy import stats as sps

WINSOR = 0.1
WINSOR_MIN_UNITS = 10
ALPHA = 0.05
REPLICATES = 199
#: a unit's null count is drawn exactly (binomial) below this variance m·p0(1 − p0), by its normal approximation above
NORMAL_VARIANCE = 100.0
SEED = 20050415
#: relative tolerance under which a null replicate's φ counts as equal to the observed one (rounding, not data)
TIES = 1e-9


def winsorized_phi(z: np.ndarray, winsor: float = WINSOR) -> np.ndarray:
    """Per row of ``z`` (replicates × units, or one row), the mean of the squared z-scores winsorized at
    ``winsor`` in each tail, exactly as ``scipy.stats.mstats.winsorize`` does it (the int(winsor·I) lowest
    values set to the next one, likewise at the top)."""
    z = np.atleast_2d(np.asarray(z, dtype=float))
    units = z.shape[1]
    low, high = int(winsor * units), units - int(winsor * units) - 1
    s = np.partition(z, (low, high), axis=1)
    return np.mean(np.clip(z, s[:, [low]], s[:, [high]]) ** 2, axis=1)


def overdispersion_test(z, se=None, alpha: float = ALPHA,
                        null_z: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None) -> dict[str, Any]:
    """Spiegelhalter's over-dispersion test on the units' z-scores (module doc).

    ``null_z(ok, rng)``: replicates × units z-scores drawn under the null for the units kept (``ok``, a
    boolean mask); needed to calibrate a winsorized φ (≥ 10 units) — without it the z-scores are taken as
    standard normal. Returns ``{units, phi, phi_winsorized, statistic, df, p_value, test, replicates,
    winsorized, overdispersed, tau2}``: ``test`` ``chi2`` (``df`` = I − 1, ``statistic`` = I·φ) or
    ``monte_carlo`` (``df`` None, ``statistic`` = I·φ calibrated, ``replicates``). ``tau2``: the additive
    between-unit variance (Iφ − (I − 1)) / (Σw − Σw²/Σw), w = 1/se², floored at 0 (0 without ``se``).
    With fewer than 2 units nothing is tested.
    """
    z = np.asarray(z, dtype=float)
    ok = np.isfinite(z)
    if se is not None:
        se = np.asarray(se, dtype=float)
        ok &= np.isfinite(se) & (se > 0)
    z_ok = z[ok]
    units = int(len(z_ok))
    if units < 2:
        return {"units": units, "phi": 1.0, "phi_winsorized": None, "statistic": None, "df": None, "p_value": None,
                "test": None, "replicates": None, "winsorized": False, "overdispersed": False, "tau2": 0.0}
    winsorized = units >= WINSOR_MIN_UNITS
    if winsorized:
        rng = np.random.default_rng(SEED)
        null = null_z(ok, rng) if null_z is not None else rng.standard_normal((REPLICATES, units))
        raw, null_phi = float(winsorized_phi(z_ok)[0]), winsorized_phi(null)
        phi = raw / float(null_phi.mean())
        # φ* ≥ φ up to rounding: the counts are discrete, and the observed z-scores and the null's are the same
        # numbers computed in two ways (in % and as shares) — 98 % of replicates equal to the observed φ but one
        # ulp below it made p 0.02 for 30 units at 100 % but one at 4 of 5 (tests/test_dispersion_ties.py)
        p_value = float((1 + np.sum(null_phi >= raw - TIES * abs(raw))) / (1 + len(null_phi)))
        test, df, replicates = "monte_carlo", None, int(len(null_phi))
    else:
        raw = None
        phi = float(np.mean(z_ok ** 2))
        p_value = float(sps.chi2.sf(units * phi, units - 1))
        test, df, replicates = "chi2", units - 1, None
    statistic = units * phi
    tau2 = 0.0
    if se is not None:
        w = 1 / se[ok] ** 2
        tau2 = float(max(0.0, (statistic - (units - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))
    return {"units": units, "phi": phi, "phi_winsorized": raw, "statistic": statistic, "df": df, "p_value": p_value,
            "test": test, "replicates": replicates, "winsorized": winsorized, "overdispersed": bool(p_value < alpha),
            "tau2": tau2}


def share_null_z(n, p0: float, noise_sd, pooled: bool) -> Callable[[np.ndarray, np.random.Generator], np.ndarray]:
    """The null z-scores of a proportions funnel: per replicate each unit's published count drawn as
    Binomial(n, p0) plus the perturbation (sd ``noise_sd`` answers; rounded, clipped to 0 … n),
    z = (k/n − p0)/√(p0(1 − p0)/n + sd²/n²) as the funnel computes it — p0 re-pooled in each replicate
    when the funnel's benchmark is the units' pooled share (``pooled``)."""
    n, sd = np.asarray(n, dtype=float), np.asarray(noise_sd, dtype=float)

    def draw(ok: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        m, s = n[ok], np.broadcast_to(sd, n.shape)[ok]
        k = _counts(m, p0, rng)
        if (s > 0).any():
            k = np.clip(k + np.rint(rng.standard_normal(k.shape) * s), 0, m)
        p = k.sum(axis=1, keepdims=True) / m.sum() if pooled else np.full((REPLICATES, 1), p0)
        with np.errstate(invalid="ignore", divide="ignore"):
            se = np.sqrt(p * (1 - p) / m + s ** 2 / m ** 2)
            return np.where(se > 0, (k / m - p) / se, 0.0)
    return draw


def _counts(m: np.ndarray, p0: float, rng: np.random.Generator) -> np.ndarray:
    """:data:`REPLICATES` × units null counts: Binomial(m, p0) drawn exactly where its variance m·p0(1 − p0) is
    under :data:`NORMAL_VARIANCE`, its rounded normal approximation (clipped to 0 … m) above it, where the
    binomial's skewness |1 − 2p0|/√variance is under 0.1 and its z-score as good as normal; the exact draw costs
    about ten times as much (2,400 units: 48 of the test's 61 ms)."""
    var = m * p0 * (1 - p0)
    exact = var < NORMAL_VARIANCE
    k = np.empty((REPLICATES, len(m)))
    if exact.any():
        k[:, exact] = rng.binomial(m[exact].astype(np.int64), p0, size=(REPLICATES, int(exact.sum())))
    if (~exact).any():
        big = ~exact
        k[:, big] = np.clip(np.rint(m[big] * p0 + np.sqrt(var[big]) * rng.standard_normal((REPLICATES, int(big.sum())))),
                            0, m[big])
    return k
