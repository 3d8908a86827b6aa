"""Statistics on additive aggregates: t intervals for means, Wilson intervals for shares, funnel-plot
control limits with overdispersion (Spiegelhalter 2005), empirical-Bayes shrinkage.

Every function is vectorised over numpy arrays; the distributions come from scipy and statsmodels.
The comparable statistics of issue 13 (docs/methodology.md): :func:`positive_share`,
:func:`category_shares` / :func:`task_shares`, and :func:`mean_ci` (a mean with its interval and
the interval's status: ``ok``, ``degenerate`` when every answer is the same, ``undefined`` when
n < 2). Funnels for proportions are in :mod:`warehouse.funnel`, rankings in :mod:`warehouse.ranking`.
"""
from __future__ import annotations

import numpy as np
from scipy import stats as sps
from scipy.stats import mstats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.proportion import proportion_confint

FUNNEL_LEVELS = (0.95, 0.998)


def mean_sd(n, s, ss):
    """Mean and sample standard deviation from n, Σx and Σx² (sd NaN where n < 2)."""
    n, s, ss = (np.asarray(a, dtype=float) for a in (n, s, ss))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        var = np.where(n > 1, (ss - n * mean ** 2) / (n - 1), np.nan)
    return mean, np.sqrt(np.clip(var, 0, None))


def t_interval(n, mean, sd, level: float = 0.95, bounds: tuple[float, float] | None = (0.0, 100.0)):
    """Student-t interval for a mean (NaN where n < 2), clipped to the scale's ``bounds``."""
    n, mean, sd = (np.asarray(a, dtype=float) for a in (n, mean, sd))
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n > 1, n - 1, np.nan)
        lo, hi = sps.t.interval(level, df, loc=mean, scale=sd / np.sqrt(n))
    if bounds is not None:
        lo, hi = np.clip(lo, *bounds), np.clip(hi, *bounds)
    return lo, hi


def wilson(k, n, level: float = 0.95, noise_var=0.0):
    """Wilson score interval for k successes out of n, as proportions (NaN where n = 0).

    ``noise_var`` (on the 0–1 scale, per cell; 0 by default): the variance the cell-key perturbation adds
    to k/n (:func:`ckm_ratio_var`, :func:`ckm_share_var`). The interval is then the Wilson interval at the
    effective sample size n / deff, deff = 1 + n·noise_var / (p̃(1 − p̃)), p̃ = (k + z²/2)/(n + z²) the
    Wilson centre (never 0 or 1) — the design-effect form of the Wilson interval (Korn & Graubard 1998),
    so that it covers the sampling *and* the perturbation noise and still stays in [0, 1]."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1)
    z2 = sps.norm.ppf(0.5 + level / 2) ** 2
    centre = (k + z2 / 2) / (safe + z2)
    noise = np.nan_to_num(np.asarray(noise_var, dtype=float), nan=0.0, posinf=0.0)  # n = 0: no interval anyway
    deff = 1 + safe * noise / (centre * (1 - centre))
    n_eff = safe / deff
    with np.errstate(invalid="ignore", divide="ignore"):
        lo, hi = proportion_confint(np.clip(k / safe, 0, 1) * n_eff, n_eff, alpha=1 - level, method="wilson")
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def ckm_share_var(p, n, inside, outside, V: float):
    """The variance the cell-key method adds to a share p = Σ_S c′ / Σ c′ of perturbed category counts c′
    (each perturbed independently with variance at most V), by the delta method:
    V·((1 − p)²·inside + p²·outside)/n², ``inside`` and ``outside`` the numbers of categories in and out
    of S that the scale reaches — empty ones too, since a published 0 may be a true 1 or 2 perturbed
    away (40 % of single answers are, with D = 2, V = 1). 0 for a share of every answer."""
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return V * ((1 - p) ** 2 * np.asarray(inside, dtype=float) + p ** 2 * np.asarray(outside, dtype=float)) / n ** 2


def ckm_ratio_var(p, n, V: float):
    """The variance the cell-key method adds to a ratio p = k′/n′ of two counts perturbed independently
    (variance at most V each), by the delta method: V·(1 + p²)/n²."""
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return V * (1 + p ** 2) / n ** 2


def overdispersion(z, winsor: float = 0.1) -> float:
    """Spiegelhalter's φ: the mean of the squared z-scores winsorized at ``winsor`` on each side — raw, about
    0.68 without over-dispersion: the funnels calibrate and test it in :mod:`warehouse.dispersion`."""
    z = np.asarray(z, dtype=float)
    z = z[np.isfinite(z)]
    if len(z) == 0:
        return 1.0
    wz = np.asarray(mstats.winsorize(z, limits=(winsor, winsor)), dtype=float) if len(z) >= 3 else z
    return float(np.mean(wz ** 2))


def additive_tau2(z, se) -> float:
    """Between-unit variance τ² of the additive random-effects funnel (Spiegelhalter 2005, eq. 5),
    from the raw winsorized φ: (Iφ − (I − 1)) / (Σw − Σw²/Σw), w = 1/se², floored at 0. The funnels use
    the calibrated φ instead (:func:`warehouse.dispersion.overdispersion_test`)."""
    z, se = np.asarray(z, dtype=float), np.asarray(se, dtype=float)
    ok = np.isfinite(z) & (se > 0)
    if ok.sum() < 2:
        return 0.0
    phi, w = overdispersion(z[ok]), 1 / se[ok] ** 2
    i = ok.sum()
    return float(max(0.0, (i * phi - (i - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))


def funnel_limits(target: float, se, level: float, method: str = "none", phi: float = 1.0, tau2: float = 0.0):
    """Control limits θ0 ± z·(adjusted se) at two-sided coverage ``level``.

    ``method``: ``none`` (se), ``multiplicative`` (se·√φ when φ > 1), ``additive`` (√(se² + τ²)).
    """
    z = sps.norm.ppf(0.5 + level / 2)
    se = np.asarray(se, dtype=float)
    if method == "multiplicative":
        se = se * np.sqrt(max(phi, 1.0))
    elif method == "additive":
        se = np.sqrt(se ** 2 + tau2)
    elif method != "none":
        raise ValueError(f"unknown overdispersion method {method!r}")
    return target - z * se, target + z * se


def empirical_bayes(y, se, level: float = 0.95):
    """Normal–normal empirical-Bayes shrinkage with τ² by DerSimonian–Laird (statsmodels).

    Returns (shrunk estimates, lower, upper, μ, τ²). The posterior variance includes the
    uncertainty of μ: (1 − B)·se² + B²·Var(μ̂), B = se²/(se² + τ²).
    """
    y, se = np.asarray(y, dtype=float), np.asarray(se, dtype=float)
    if len(y) == 1:
        return y.copy(), y - sps.norm.ppf(0.5 + level / 2) * se, y + sps.norm.ppf(0.5 + level / 2) * se, float(y[0]), 0.0
    with np.errstate(divide="ignore", invalid="ignore"):  # its other statistics (HKSJ, I²) for n = 2 or τ² = 0
        res = combine_effects(y, se ** 2, method_re="dl")
    tau2 = max(0.0, float(res.tau2))  # the DL moment estimate can be negative: truncated at 0
    wr = 1.0 / (se ** 2 + tau2)
    mu, var_mu = float(np.average(y, weights=wr)), 1.0 / np.sum(wr)
    b = se ** 2 / (se ** 2 + tau2) if tau2 > 0 else np.ones_like(se)
    est = mu + (1 - b) * (y - mu)
    var = (1 - b) * se ** 2 + b ** 2 * var_mu
    z = sps.norm.ppf(0.5 + level / 2)
    return est, est - z * np.sqrt(var), est + z * np.sqrt(var), mu, tau2


#: The variance of a cell is treated as 0 below this fraction of its mean square: Σx² − n·x̄² loses
#: about that much to floating-point cancellation, while the smallest real sd an answer scale with a
#: step h can give, h/√n, stays far above it (h = 25 on 0–100, n up to 10⁸).
NOISE_VAR = 1e-9

#: Reasons attached to the status of a mean's interval.
CI_REASONS = {
    "ok": "",
    "degenerate": "all answers in the cell are identical (sd = 0): the interval has zero width and expresses "
                  "no sampling uncertainty; it is not a confidence statement",
    "undefined": "fewer than 2 answers: no standard deviation, no interval",
}


def clean_sd(n, s, ss):
    """Mean and sd from n, Σx, Σx², with the sd set to exactly 0 where the variance is rounding noise
    (below :data:`NOISE_VAR` × the mean square). sd is NaN where n < 2."""
    n, s, ss = (np.asarray(a, dtype=float) for a in (n, s, ss))
    mean, sd = mean_sd(n, s, ss)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n > 1, (ss - n * mean ** 2) / (n - 1), np.nan)
        noise = NOISE_VAR * np.where(n > 0, ss / n, 0.0)
    sd = np.where(np.isfinite(var) & (var <= noise), 0.0, sd)
    return mean, sd


def mean_ci(n, s, ss, level: float = 0.95, bounds: tuple[float, float] = (0.0, 100.0),
            noise_var=0.0) -> dict[str, np.ndarray]:
    """A mean with its Student-t interval and the interval's status, from n, Σx, Σx².

    ``noise_var`` (per cell, points²; 0 by default): the variance the cell-key perturbation adds to the
    mean (:func:`ckm_mean_var`); the interval's standard error is then √(sd²/n + noise_var), t with
    n − 1 degrees of freedom.

    Only for cells of **one scale** (the comparability guard refuses the rest). Returns arrays
    ``mean``, ``sd``, ``lower``, ``upper`` and ``status``: ``ok``; ``degenerate`` where n ≥ 2 and
    sd = 0 (also when the sd is rounding noise, see :func:`clean_sd`) — lower = upper = mean, and
    the reason (:data:`CI_REASONS`) must be published with it; ``undefined`` where n < 2 (no
    interval, NaN). ``reason`` gives the text per cell.
    """
    n = np.asarray(n, dtype=float)
    mean, sd = clean_sd(n, s, ss)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd_total = np.sqrt(sd ** 2 + n * np.nan_to_num(np.asarray(noise_var, dtype=float)))
    lo, hi = t_interval(n, mean, np.where(sd > 0, sd_total, np.nan), level, bounds)
    status = np.where(n < 2, "undefined", np.where(sd == 0, "degenerate", "ok"))
    lo = np.where(status == "degenerate", mean, lo)
    hi = np.where(status == "degenerate", mean, hi)
    reason = np.array([CI_REASONS[x] for x in np.atleast_1d(status)], dtype=object).reshape(status.shape)
    return {"mean": mean, "sd": sd, "lower": lo, "upper": hi, "status": status, "reason": reason}


def ckm_mean_var(counts, points, n, V: float, reach=None):
    """The variance the cell-key method adds to a mean Σc′·x / Σc′ of perturbed category counts c′ (rows)
    at ``points`` x, by the delta method: V·Σ (x_j − mean)²/n² over the categories the scale reaches
    (``reach``, cells × categories; default all), empty ones too (see :func:`ckm_share_var`)."""
    counts, points, n = np.asarray(counts, dtype=float), np.asarray(points, dtype=float), np.asarray(n, dtype=float)
    reach = np.ones(counts.shape, dtype=bool) if reach is None else np.asarray(reach, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (counts @ points) / counts.sum(axis=1)
        return V * ((points[None, :] - mean[:, None]) ** 2 * reach).sum(axis=1) / n ** 2


def positive_share(k, n, level: float = 0.95, noise_var=0.0):
    """The share (%) of positive judgements, k of n, with its Wilson interval (%); NaN where n = 0.
    ``noise_var``: the perturbation's variance of k/n (0–1 scale), see :func:`wilson`.

    ``k`` counts the answers a :class:`questionnaires.scales.Measure` calls positive (top two points
    of the item's own scale, the happy face, "yes"), so the share is comparable across instruments.
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    lo, hi = wilson(k, n, level, noise_var)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, 100 * k / np.where(n > 0, n, 1), np.nan)
    return share, 100 * lo, 100 * hi


def category_shares(counts, n, level: float = 0.95) -> dict[str, tuple]:
    """``{category: (share %, lower %, upper %)}`` for counts per category out of ``n`` respondents,
    each with a Wilson interval (per category, not simultaneous)."""
    return {c: positive_share(k, n, level) for c, k in counts.items()}


TASK_ANSWERS = ("yes", "partly", "no")


def task_shares(yes, partly, no, level: float = 0.95) -> dict[str, tuple]:
    """Task completion as the shares (%) of yes / partly / no with Wilson intervals — not a 0–100
    score (which would assume "partly" lies half-way). n = yes + partly + no."""
    yes, partly, no = (np.asarray(a, dtype=float) for a in (yes, partly, no))
    return category_shares({"yes": yes, "partly": partly, "no": no}, yes + partly + no, level)
# --- statistics of a distribution over answer categories (what the cell-key method publishes) -----

def allocate(counts, n) -> np.ndarray:
    """``n`` whole answers per row shared out in proportion to the row's ``counts`` (cells ×
    categories; negative counts read as 0) by the largest-remainder method (ties to the first
    category): non-negative integers (as floats) adding up to ``n``. NaN rows where ``n`` is NaN or
    the counts add up to 0."""
    counts = np.clip(np.asarray(counts, dtype=float), 0, None)
    n = np.asarray(n, dtype=float)
    total = counts.sum(axis=1)
    ok = np.isfinite(n) & (total > 0)
    out = np.full(counts.shape, np.nan)
    if not ok.any():
        return out
    quota = counts[ok] * (n[ok] / total[ok])[:, None]
    whole = np.floor(quota)
    left = np.rint(n[ok] - whole.sum(axis=1)).astype(int)
    order = np.argsort(-(quota - whole), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(counts.shape[1])[None, :].repeat(len(order), axis=0), axis=1)
    out[ok] = whole + (rank < left[:, None])
    return out


def distribution(counts) -> np.ndarray:
    """Row-wise shares of category ``counts`` (cells × categories); NaN rows where the total is 0."""
    counts = np.clip(np.asarray(counts, dtype=float), 0, None)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, counts / np.where(total > 0, total, 1), np.nan)


def share_statistics(counts, n, V: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares in % of each category among ``n`` (multiple answers: they need not sum to 100), Wilson CIs
    widened for the perturbation of the category's count and of n (variance ``V`` each; :func:`ckm_ratio_var`)."""
    counts, n = np.asarray(counts, dtype=float), np.asarray(n, dtype=float)[:, None]
    k = np.clip(counts, 0, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, 100 * k / np.where(n > 0, n, 1), np.nan)
    nb = np.broadcast_to(n, k.shape)
    lo, hi = wilson(k, nb, noise_var=ckm_ratio_var(share / 100, nb, V))
    return share, 100 * lo, 100 * hi
