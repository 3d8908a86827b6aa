"""Funnel plots (Spiegelhalter 2005): control limits around a benchmark, over the whole range of n.

- **Proportions** (positive shares, yes-shares): exact binomial limits — for a two-sided coverage
  ``level`` and sample size n, the ``(1 − level)/2`` and ``(1 + level)/2`` quantiles of
  Binomial(n, p0) interpolated between integers (Spiegelhalter 2005, appendix A.1.1), divided by n
  and clipped to [0, 100] %. (p0 = 80 %, n = 5 gives [27.1, 98.5] at 95 %; the normal
  approximation gave [44.9, 115.1].) The interpolation makes the curves smooth for drawing; a
  unit's position is decided by the exact tail probabilities (above the 95 % limit when
  P(X ≥ k) < 2.5 %), which the interpolated line overstates for very small n: 5 positive of 5 is
  drawn just above 98.5 % but is ``within`` (P(X = 5) = 33 %).
- **Means** (within one scale only): θ0 ± z·σ/√n, clipped to the scale's bounds.
- **Over-dispersion** is applied only when the data show it: φ = mean of the squared z-scores
  (winsorized at 10 % each side when there are at least 10 units, then calibrated by its mean under
  the null and tested by Monte Carlo, :mod:`warehouse.dispersion`; with fewer, the 10 % tails hold
  less than one unit, the z-scores are used as they are — ``winsorized: False`` says so — and I·φ is
  compared with χ²(I − 1)); the test rejects at ``alpha`` (5 %). Only then are the limits
  widened — multiplicatively (se·√φ) or additively (√(se² + τ²)) — and the normal approximation is
  used for them (still clipped). Every result says which limits were used (``method``).

All percentages are on 0–100. Functions return numpy arrays; the console draws ``curve`` over n.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats as sps

from .dispersion import ALPHA, WINSOR, WINSOR_MIN_UNITS, overdispersion_test, share_null_z  # noqa: F401 (re-exported)

LEVELS = (0.95, 0.998)
MODELS = ("multiplicative", "additive")


def _key(level: float) -> str:
    return f"{level * 100:g}"


def _noisy(n, p0: float, noise_sd) -> np.ndarray:
    """Per n, the cell-key noise's sd (in answers) where it matters: 0 where its variance is below 1 % of
    the binomial variance n·p0·(1 − p0) (from a few hundred answers on with the default p-table)."""
    n = np.asarray(n, dtype=float)
    sd = np.broadcast_to(np.asarray(noise_sd, dtype=float), n.shape)
    return np.where(sd ** 2 >= 0.01 * n * p0 * (1 - p0), sd, 0.0)


def null_pmf(n: int, p0: float, noise_sd: float = 0.0) -> np.ndarray:
    """The distribution (on 0 … n) of a unit's *published* count of positive answers when its true share
    is the benchmark ``p0``: Binomial(n, p0) plus the cell-key perturbation, a noise of sd ``noise_sd``
    answers (:func:`warehouse.ckmnoise.share_noise_sd`) taken as normal and discretised to whole answers,
    clipped to 0 … n as the published count is. ``noise_sd`` 0: the binomial itself. (Cached: a funnel
    asks for the same n several times — limits at two levels, positions, p-values, the curves.)"""
    return _null_pmf(int(n), float(p0), float(noise_sd)).copy()


@lru_cache(maxsize=8192)
def _null_pmf(n: int, p0: float, noise_sd: float) -> np.ndarray:
    pmf = sps.binom.pmf(np.arange(n + 1), n, p0)
    if noise_sd > 0:
        w = int(np.ceil(6 * noise_sd))
        full = np.convolve(pmf, _kernel(noise_sd))
        pmf = full[w:w + n + 1].copy()
        pmf[0] += full[:w].sum()
        pmf[-1] += full[w + n + 1:].sum()
    pmf.setflags(write=False)
    return pmf


@lru_cache(maxsize=256)
def _kernel(noise_sd: float) -> np.ndarray:
    """A normal of sd ``noise_sd`` on the integers −⌈6·sd⌉ … ⌈6·sd⌉ (each integer's unit interval)."""
    e = np.arange(-int(np.ceil(6 * noise_sd)), int(np.ceil(6 * noise_sd)) + 1)
    k = sps.norm.cdf(e + 0.5, scale=noise_sd) - sps.norm.cdf(e - 0.5, scale=noise_sd)
    return k / k.sum()


@lru_cache(maxsize=8192)
def _null_cdf(n: int, p0: float, noise_sd: float) -> np.ndarray:
    cdf = np.cumsum(_null_pmf(n, p0, noise_sd))
    cdf.setflags(write=False)
    return cdf


def _pmf_limit(pmf: np.ndarray, p: float, n: int, cdf: np.ndarray | None = None) -> float:
    """Spiegelhalter's interpolated quantile (A.1.1) of a distribution on 0 … n, as a share of n."""
    cdf = np.cumsum(pmf) if cdf is None else cdf
    r = int(min(np.searchsorted(cdf, p - 1e-12), n))
    below = cdf[r - 1] if r > 0 else 0.0
    alpha = (cdf[r] - p) / (cdf[r] - below) if cdf[r] > below else 0.0
    return (r - alpha) / n


def binomial_limits(p0: float, n, level: float, noise_sd=0.0):
    """Exact (interpolated) binomial control limits, in %, for a benchmark proportion ``p0`` (0–1)
    at two-sided coverage ``level`` for each n (n ≥ 1), clipped to [0, 100]. With ``noise_sd`` (answers;
    scalar or per n) the quantiles are those of the published count, :func:`null_pmf`."""
    n = np.asarray(n, dtype=float)
    if not 0 < p0 < 1:  # a degenerate benchmark (every answer positive, or none): no variation at all
        v = np.full(n.shape, 100 * p0 if np.isfinite(p0) else np.nan)
        return v, v.copy()
    sd = _noisy(n, p0, noise_sd)
    if (sd > 0).any():
        out = [np.empty(n.shape), np.empty(n.shape)]
        plain = binomial_limits(p0, n, level)
        for idx in np.ndindex(n.shape):
            if sd[idx] > 0:
                key = (int(n[idx]), float(p0), float(sd[idx]))
                for j, p in enumerate(((1 - level) / 2, (1 + level) / 2)):
                    out[j][idx] = np.clip(100 * _pmf_limit(_null_pmf(*key), p, key[0], _null_cdf(*key)), 0.0, 100.0)
            else:
                out[0][idx], out[1][idx] = plain[0][idx], plain[1][idx]
        return out[0], out[1]
    out = []
    for p in ((1 - level) / 2, (1 + level) / 2):
        r = sps.binom.ppf(p, n, p0)
        f_r, f_below = sps.binom.cdf(r, n, p0), sps.binom.cdf(r - 1, n, p0)
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = np.where(f_r > f_below, (f_r - p) / (f_r - f_below), 0.0)
        out.append(np.clip(100 * (r - alpha) / n, 0.0, 100.0))
    return out[0], out[1]


def normal_limits(target: float, se, level: float, bounds: tuple[float, float] = (0.0, 100.0)):
    """θ0 ± z·se at two-sided coverage ``level``, clipped to ``bounds``."""
    z = sps.norm.ppf(0.5 + level / 2)
    se = np.asarray(se, dtype=float)
    return np.clip(target - z * se, *bounds), np.clip(target + z * se, *bounds)


def _flags(y, limits: dict[str, tuple]) -> np.ndarray:
    lo95, hi95 = limits["95"]
    lo998, hi998 = limits["99.8"]
    y = np.asarray(y, dtype=float)
    return np.select([y > hi998, y > hi95, y < lo998, y < lo95], ["above_99.8", "above_95", "below_99.8", "below_95"],
                     "within")


def binom_two_sided(k, n, p0: float, noise_sd=0.0) -> np.ndarray:
    """Two-sided exact binomial p-values, as ``scipy.stats.binomtest`` computes them (the sum of the
    probabilities of every outcome no more likely than the observed one, relative tolerance 1e-7),
    one pmf array per unit instead of one ``binomtest`` object (20× faster for hundreds of units).
    With ``noise_sd`` (answers, per unit) the same test on the published count's :func:`null_pmf`."""
    k, n = np.atleast_1d(k), np.atleast_1d(np.asarray(n, dtype=float))
    sd = _noisy(n, p0, noise_sd)
    out = np.full(len(k), np.nan)
    for i, (ki, ni) in enumerate(zip(k, n)):
        if ni > 0:
            pmf = _null_pmf(int(ni), float(p0), float(sd[i]))
            out[i] = min(1.0, float(pmf[pmf <= pmf[int(ki)] * (1 + 1e-7)].sum()))
    return out


def exact_flags(k, n, p0: float, levels, noise_sd=0.0) -> np.ndarray:
    """Positions by the exact binomial tail probabilities: above the ``level`` limit when
    P(X ≥ k) < (1 − level)/2, below when P(X ≤ k) < (1 − level)/2 (X ~ Binomial(n, p0); with
    ``noise_sd``, X the published count, :func:`null_pmf`)."""
    up, down = sps.binom.sf(k - 1, n, p0), sps.binom.cdf(k, n, p0)
    sd = _noisy(n, p0, noise_sd)
    if (sd > 0).any():
        up, down = np.array(up, dtype=float, ndmin=1), np.array(down, dtype=float, ndmin=1)
        for i in np.flatnonzero(np.atleast_1d(sd) > 0):
            cdf = _null_cdf(int(np.atleast_1d(n)[i]), float(p0), float(np.atleast_1d(sd)[i]))
            ki = int(np.atleast_1d(k)[i])
            up[i], down[i] = 1 - (cdf[ki - 1] if ki > 0 else 0.0), cdf[ki]
    hi_lv, lo_lv = max(levels), min(levels)
    a_hi, a_lo = (1 - hi_lv) / 2, (1 - lo_lv) / 2
    return np.select([up < a_hi, up < a_lo, down < a_hi, down < a_lo],
                     [f"above_{_key(hi_lv)}", f"above_{_key(lo_lv)}", f"below_{_key(hi_lv)}", f"below_{_key(lo_lv)}"],
                     "within")


def _grid(n_max: float, points: int = 120, n_min: float = 1.0) -> np.ndarray:
    """Integer sample sizes from ``n_min`` to ``n_max`` (inclusive), geometrically spaced."""
    n_min = max(1.0, float(np.ceil(n_min)))
    n_max = max(n_min + 1, float(np.ceil(n_max)))
    return np.unique(np.concatenate([[n_min], np.geomspace(n_min, n_max, points).round(), [n_max]]))


def proportion_funnel(k, n, p0: float | None = None, model: str = "multiplicative", levels=LEVELS,
                      alpha: float = ALPHA, n_max: float | None = None, n_min: float = 1.0,
                      noise_sd=0.0) -> dict[str, Any]:
    """Funnel for shares: ``k`` positive of ``n`` per unit (arrays), benchmark ``p0`` (0–1; default
    the pooled Σk/Σn).

    Returns ``{benchmark, y, z, test, method, limits: {"95": (lo, hi), "99.8": …}, flag, p_value,
    curve: {"n", "95": (lo, hi), "99.8": …}}`` (percentages). ``method`` is ``exact_binomial`` when
    the over-dispersion test does not reject, else ``normal_multiplicative`` or ``normal_additive``
    (``model``). ``p_value`` per unit (two-sided): the exact binomial test without over-dispersion,
    the normal test on the widened se with it — for :func:`warehouse.ranking.fdr_flags`.

    ``noise_sd`` (answers; scalar or per unit, :func:`warehouse.protect.share_noise_sd`): the sd the
    cell-key perturbation adds to a unit's published count of positive answers. Every limit, position,
    p-value and z-score is then that of the *published* count (:func:`null_pmf`; standard errors
    √(p0(1 − p0)/n + noise_sd²/n²)); the curves use the units' median ``noise_sd``. Without it units
    of 10–30 answers with no real difference read p < 5 % about 9 % of the time, and the noise passed
    for over-dispersion (tests/test_methodology_funnel.py).
    """
    if model not in MODELS:
        raise ValueError(f"unknown over-dispersion model {model!r}")
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    pooled = p0 is None
    if pooled:
        p0 = float(k.sum() / n.sum()) if n.sum() > 0 else float("nan")
    unit_sd = np.broadcast_to(np.asarray(noise_sd, dtype=float), n.shape)
    curve_sd = float(np.median(unit_sd)) if unit_sd.size else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 100 * k / n

        def se_of(m, sd):
            m = np.asarray(m, dtype=float)
            return 100 * np.sqrt(p0 * (1 - p0) / m + np.asarray(sd, dtype=float) ** 2 / m ** 2)
        se = se_of(n, unit_sd)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (y - 100 * p0) / se, 0.0)
    test = overdispersion_test(z, se, alpha, null_z=share_null_z(n, p0, unit_sd, pooled) if 0 < p0 < 1 else None)
    grid = _grid(n_max if n_max is not None else n.max() * 1.1, n_min=n_min)

    def limits_at(m, sd) -> dict[str, tuple]:
        if not test["overdispersed"]:
            return {_key(lv): binomial_limits(p0, m, lv, sd) for lv in levels}
        s = se_of(m, sd)
        s = s * np.sqrt(test["phi"]) if model == "multiplicative" else np.sqrt(s ** 2 + test["tau2"])
        return {_key(lv): normal_limits(100 * p0, s, lv) for lv in levels}

    if test["overdispersed"]:
        method = f"normal_{model}"
        s = se * np.sqrt(test["phi"]) if model == "multiplicative" else np.sqrt(se ** 2 + test["tau2"])
        with np.errstate(invalid="ignore", divide="ignore"):
            p_value = 2 * sps.norm.sf(np.abs((y - 100 * p0) / s))
    else:
        method = "exact_binomial"
        p_value = binom_two_sided(k, n, p0, unit_sd)
    limits = limits_at(n, unit_sd)
    flag = _flags(y, limits) if test["overdispersed"] else exact_flags(k, n, p0, levels, unit_sd)
    return {"benchmark": 100 * p0, "y": y, "z": z, "test": test, "method": method, "limits": limits,
            "flag": flag, "p_value": p_value, "curve": {"n": grid, **limits_at(grid, curve_sd)}}


def mean_funnel(y, n, target: float, sigma: float, model: str = "multiplicative", levels=LEVELS,
                bounds: tuple[float, float] = (0.0, 100.0), alpha: float = ALPHA,
                n_max: float | None = None, n_min: float = 1.0, noise_sd=0.0) -> dict[str, Any]:
    """Funnel for means of one scale: unit means ``y`` of ``n`` answers, benchmark ``target``, σ
    the SD of individual answers; normal limits clipped to ``bounds``, widened only when the
    over-dispersion test rejects. Same result shape as :func:`proportion_funnel` (``method``
    ``normal`` or ``normal_<model>``). ``noise_sd`` (scalar or per unit,
    :func:`warehouse.ckmnoise.mean_noise_sd`): the perturbation's, standard errors √(σ²/n + noise_sd²/n²)
    (the curves: the units' median)."""
    if model not in MODELS:
        raise ValueError(f"unknown over-dispersion model {model!r}")
    y, n = np.asarray(y, dtype=float), np.asarray(n, dtype=float)
    unit_sd = np.broadcast_to(np.asarray(noise_sd, dtype=float), n.shape)
    curve_sd = float(np.median(unit_sd)) if unit_sd.size else 0.0

    def se_of(m, sd=curve_sd):
        m = np.asarray(m, dtype=float)
        return np.sqrt(sigma ** 2 / m + np.asarray(sd, dtype=float) ** 2 / m ** 2)
    se = se_of(n, unit_sd)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (y - target) / se, 0.0)
    test = overdispersion_test(z, se, alpha)

    def widened(s):
        if not test["overdispersed"]:
            return s
        return s * np.sqrt(test["phi"]) if model == "multiplicative" else np.sqrt(s ** 2 + test["tau2"])

    grid = _grid(n_max if n_max is not None else n.max() * 1.1, n_min=n_min)
    limits = {_key(lv): normal_limits(target, widened(se), lv, bounds) for lv in levels}
    with np.errstate(invalid="ignore", divide="ignore"):
        p_value = 2 * sps.norm.sf(np.abs((y - target) / widened(se)))
    return {"benchmark": target, "y": y, "z": z, "test": test,
            "method": f"normal_{model}" if test["overdispersed"] else "normal", "limits": limits,
            "flag": _flags(y, limits), "p_value": p_value,
            "curve": {"n": grid, **{_key(lv): normal_limits(target, widened(se_of(grid)), lv, bounds)
                                    for lv in levels}}}
