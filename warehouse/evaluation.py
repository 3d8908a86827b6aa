"""Before/after evaluation of an indicator and its trend over months. Pure functions.

Contract
--------
Inputs are published figures the caller reads from the protected cube (perturbed counts, means and
standard deviations) — nothing here reads data, so nothing here can publish what the cube would not.
Every indicator is on 0–100 where higher is better; differences are *follow-up − baseline*, in points
(percentage points for shares). Each published cell's perturbation variance (``noise_var*``, from
:func:`warehouse.cube.published_cell` / :func:`warehouse.cube.table`) is added to the sampling variance
recomputed from its k and n, as the cube's own intervals do (docs/methodology.md §10).

- :func:`share_change`: positive shares (k of n). Interval for the difference: Newcombe's (1998)
  hybrid score interval (method 10, from the two Wilson intervals); test: the score test
  (``statsmodels.stats.proportion.test_proportions_2indep``, ``method="score"``).
- :func:`mean_change`: means with their SDs. Welch's interval and t test (Satterthwaite df).
- Verdict: ``improved`` when the whole interval is above 0, ``worsened`` when it is below 0, else
  ``no detectable change``. With it the **minimum detectable change** (MDC) at the achieved n: the
  smallest true change a two-sided 5% test detects with 80% power (shares: Cohen's h through
  ``NormalIndPower``, converted back to points around the baseline share; means: Cohen's d through
  ``TTestIndPower`` times the pooled SD). An MDC larger than the change a plan aims for says the
  samples cannot tell.
- :func:`trend`: logistic regression of the positive share on time (months since the first, gaps
  allowed) on aggregated counts (``statsmodels`` GLM, binomial, logit link: the row-level logistic
  regression's estimate), with the Pearson χ² dispersion used as the scale when it exceeds 1
  (quasi-binomial: months vary more than sampling alone explains). The slope's interval is the
  **profile-likelihood** interval and its p value the **likelihood-ratio** test it inverts
  (:func:`warehouse.likelihood.profile`: χ²(1), or F(1, df) with an estimated scale) — not Wald's
  estimate ± z·SE, which is symmetric by construction and misleading with small counts or shares near
  0 or 100 %. Refused when the data cannot carry it (fewer than six months, months across a
  questionnaire break, too few answers, months separated by time, no finite fit or interval); the odds
  ratio is per month and over the span observed, never extrapolated beyond it (it lives in
  :mod:`warehouse.evaluation_trend`, re-exported here).
- :func:`seasonal_caveat` (from :mod:`warehouse.evaluation_base`): whether the two periods cover different
  months of the year, so that a seasonal pattern can read as a change (the result and the page say so).
- :func:`target_check`: a follow-up figure against a plan's target, on the figure's published
  (noise-aware) interval — never on sampling alone.

The wording describes what changed between periods; it never says why (no causal claim: other things
change between two periods besides the plan).
Invalid inputs raise :class:`EvaluationError` naming the field.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats as sps
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

from .evaluation_base import EvaluationError, _check_level, _count, _noise, effective_n, seasonal_caveat
from .evaluation_trend import (TREND_ALL_SAME, TREND_BREAK, TREND_MIN_EACH, TREND_MIN_MONTHS, TREND_NOT_FINITE,
                               TREND_SEPARATED, TREND_TOO_FEW_ANSWERS, TREND_TOO_FEW_MONTHS, TRENDS, Trend,
                               too_few_months, trend)
from .numbers import number, signed

ALPHA = 0.05
POWER = 0.80
VERDICTS = ("improved", "worsened", "no detectable change")

_WORDS = {
    "it": {"improved": "migliorato", "worsened": "peggiorato", "no detectable change": "nessuna variazione rilevabile",
           "share": "la quota di giudizi positivi è passata", "mean": "il punteggio medio è passato",
           "sentence": "{what} da {b} a {f} ({d} punti, IC {lvl}% da {lo} a {hi})",
           "mdc": "con questi campioni una variazione è rilevata 8 volte su 10 solo se è di almeno {m} punti",
           "nomdc": "con questi campioni nessuna variazione in questa direzione è rilevabile"},
    "en": {"improved": "improved", "worsened": "worsened", "no detectable change": "no detectable change",
           "share": "the positive share went", "mean": "the mean score went",
           "sentence": "{what} from {b} to {f} ({d} points, {lvl}% CI {lo} to {hi})",
           "mdc": "with these samples a change is detected 80% of the time only if it is at least {m} points",
           "nomdc": "with these samples no change in this direction can be detected"},
}


@dataclass(frozen=True)
class Change:
    measure: str                       # "share" (points = percentage points) or "mean"
    baseline: float
    follow_up: float
    difference: float
    ci: tuple[float, float]
    level: float
    p_value: float
    verdict: str
    mdc: float | None                  # minimum detectable change in the observed direction (points)
    mdc_up: float | None
    mdc_down: float | None
    method: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ci"] = list(self.ci)
        return d

    def sentence(self, lang: str = "it") -> str:
        """A plain description, e.g. "improved: the positive share went from 60.0% to 70.0% (…)", its
        numbers written as the language writes them (:mod:`warehouse.numbers`: 60,0% in Italian)."""
        if lang not in _WORDS:
            raise EvaluationError("lang", f"lang is one of {', '.join(_WORDS)}.")
        w = _WORDS[lang]
        pct = "%" if self.measure == "share" else ""
        text = w["sentence"].format(what=w[self.measure], b=number(self.baseline, lang) + pct,
                                    f=number(self.follow_up, lang) + pct, d=signed(self.difference, lang),
                                    lvl=round(100 * self.level), lo=signed(self.ci[0], lang), hi=signed(self.ci[1], lang))
        tail = w["nomdc"] if self.mdc is None else w["mdc"].format(m=number(self.mdc, lang))
        return f"{w[self.verdict]}: {text}; {tail}."


def verdict(lo: float, hi: float) -> str:
    """``improved`` if the interval is above 0, ``worsened`` if below, else ``no detectable change``."""
    return "improved" if lo > 0 else "worsened" if hi < 0 else "no detectable change"


def newcombe_interval(k0: int, n0: int, k1: int, n1: int, level: float = 0.95,
                      noise_var0: float = 0.0, noise_var1: float = 0.0) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 − p0 (proportions, not points), from the two Wilson
    intervals — each at its effective n when its share carries a perturbation variance ``noise_var*``."""
    p0, p1 = k0 / n0, k1 / n1
    e0, e1 = effective_n(k0, n0, noise_var0, level), effective_n(k1, n1, noise_var1, level)
    l0, u0 = proportion_confint(p0 * e0, e0, alpha=1 - level, method="wilson")
    l1, u1 = proportion_confint(p1 * e1, e1, alpha=1 - level, method="wilson")
    return (d := p1 - p0) - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)


def share_mdc(p0: float, n0: int, n1: int, alpha: float = ALPHA, power: float = POWER) -> tuple[float | None, float | None]:
    """Minimum detectable increase and decrease (proportions) from a baseline share ``p0`` with
    samples n0 and n1: Cohen's h solved for the power, mapped back to shares. ``None`` where no
    share in that direction is far enough (e.g. the increase from a baseline near 100%)."""
    h = NormalIndPower().solve_power(effect_size=None, nobs1=n0, alpha=alpha, power=power, ratio=n1 / n0,
                                     alternative="two-sided")
    phi = np.arcsin(np.sqrt(p0))
    up, down = phi + h / 2, phi - h / 2
    return (float(np.sin(up) ** 2 - p0) if up <= np.pi / 2 else None,
            float(p0 - np.sin(down) ** 2) if down >= 0 else None)


def share_change(k0: int, n0: int, k1: int, n1: int, level: float = 0.95,
                 noise_var0: float | None = 0.0, noise_var1: float | None = 0.0, mdc: bool = True) -> Change:
    """Change of the positive share from baseline (k0 of n0) to follow-up (k1 of n1). ``noise_var0``/
    ``noise_var1``: the variance the cell-key perturbation adds to each published share (0–1 scale;
    :func:`warehouse.cube.published_cell`'s ``top2_noise_var``): Newcombe's interval is then from the Wilson
    intervals at the effective n's, the score test's standard error adds both (z = d / √(se² + v0 + v1)),
    the MDC is at the effective n's — the noise of two published cells is not taken for a change.
    ``mdc`` False: no MDC (its ``mdc*`` None) — a power search, most of the time, that a page listing many
    changes does not show (:func:`warehouse.changes.change_since`); every other field the same."""
    k0, n0, k1, n1 = (_count(v, f) for v, f in ((k0, "baseline_k"), (n0, "baseline_n"), (k1, "follow_up_k"),
                                                (n1, "follow_up_n")))
    for k, n, tag in ((k0, n0, "baseline"), (k1, n1, "follow_up")):
        if n < 2:
            raise EvaluationError(f"{tag}_n", f"{tag}_n must be at least 2; got {n}.")
        if not 0 <= k <= n:
            raise EvaluationError(f"{tag}_k", f"{tag}_k must be between 0 and {tag}_n ({n}); got {k}.")
    level = _check_level(level)
    v0, v1 = _noise(noise_var0, "baseline_noise_var"), _noise(noise_var1, "follow_up_noise_var")
    lo, hi = newcombe_interval(k0, n0, k1, n1, level, v0, v1)
    with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels also computes ratios of zero shares
        test = test_proportions_2indep(k1, n1, k0, n0, method="score", compare="diff")
    p = float(test.pvalue) if np.isfinite(test.pvalue) else 1.0  # 0/n against 0/n: no evidence of a change
    if v0 + v1 > 0 and k1 * n0 != k0 * n1 and np.isfinite(test.statistic) and test.statistic != 0:
        se = abs(k1 / n1 - k0 / n0) / abs(float(test.statistic))  # the score test's own standard error
        p = float(2 * sps.norm.sf(abs(k1 / n1 - k0 / n0) / np.sqrt(se ** 2 + v0 + v1)))
    up, down = share_mdc(k0 / n0, effective_n(k0, n0, v0), effective_n(k1, n1, v1)) if mdc else (None, None)
    d, ci = 100 * (k1 / n1 - k0 / n0), (100 * float(lo), 100 * float(hi))
    mdc_up, mdc_down = (None if v is None else 100 * v for v in (up, down))
    return Change(measure="share", baseline=100 * k0 / n0, follow_up=100 * k1 / n1, difference=d, ci=ci, level=level,
                  p_value=p, verdict=verdict(*ci), mdc=mdc_down if d < 0 else mdc_up, mdc_up=mdc_up,
                  mdc_down=mdc_down, method="newcombe-hybrid-score; score test")


def mean_change(n0: int, mean0: float, sd0: float, n1: int, mean1: float, sd1: float, level: float = 0.95,
                noise_var0: float | None = 0.0, noise_var1: float | None = 0.0) -> Change:
    """Change of a mean (0–100) from baseline to follow-up: Welch interval and t test. ``noise_var0``/
    ``noise_var1`` (points²; :func:`warehouse.cube.published_cell`'s ``mean_noise_var``): the variance the
    cell-key perturbation adds to each published mean, added to the standard error (Satterthwaite's df
    from the sampling terms, the noise's variance being known); the MDC grows with the standard error."""
    n0, n1 = _count(n0, "baseline_n"), _count(n1, "follow_up_n")
    for name, v in (("baseline_mean", mean0), ("follow_up_mean", mean1), ("baseline_sd", sd0), ("follow_up_sd", sd1)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not np.isfinite(v):
            raise EvaluationError(name, f"{name} is a number; got {v!r}.")
        if name.endswith("_mean") and not 0 <= v <= 100:
            raise EvaluationError(name, f"{name} is on 0–100; got {v!r}.")
        if name.endswith("_sd") and v < 0:
            raise EvaluationError(name, f"{name} cannot be negative; got {v!r}.")
    for n, tag in ((n0, "baseline"), (n1, "follow_up")):
        if n < 2:
            raise EvaluationError(f"{tag}_n", f"{tag}_n must be at least 2; got {n}.")
    if sd0 == 0 and sd1 == 0:
        raise EvaluationError("baseline_sd", "both standard deviations are 0: every answer is the same, there is "
                                             "nothing to test.")
    level, noise = _check_level(level), _noise(noise_var0, "baseline_noise_var") + _noise(noise_var1, "follow_up_noise_var")
    v0, v1 = sd0 ** 2 / n0, sd1 ** 2 / n1
    se = np.sqrt(v0 + v1 + noise)
    df = (v0 + v1 + noise) ** 2 / (v0 ** 2 / (n0 - 1) + v1 ** 2 / (n1 - 1))
    d = float(mean1 - mean0)
    tq = sps.t.ppf(0.5 + level / 2, df)
    ci = (float(d - tq * se), float(d + tq * se))
    p = float(2 * sps.t.sf(abs(d) / se, df))
    es = TTestIndPower().solve_power(effect_size=None, nobs1=n0, alpha=ALPHA, power=POWER, ratio=n1 / n0,
                                     alternative="two-sided")
    pooled = np.sqrt(((n0 - 1) * sd0 ** 2 + (n1 - 1) * sd1 ** 2) / (n0 + n1 - 2))
    mdc = float(es * pooled * np.sqrt((v0 + v1 + noise) / (v0 + v1)))
    return Change(measure="mean", baseline=float(mean0), follow_up=float(mean1), difference=d, ci=ci, level=level,
                  p_value=p, verdict=verdict(*ci), mdc=mdc, mdc_up=mdc, mdc_down=mdc, method="welch")


TARGET_STATUSES = ("reached", "not_reached", "uncertain")


#: why a target cannot be judged (``target_check``'s ``reason``; English, the pages translate by these texts)
TARGET_NO_INTERVAL = ("the follow-up figure has no published interval (nor the variance of its cell-key noise): "
                      "whether it reaches the target cannot be judged.")
TARGET_DEGENERATE = ("every follow-up answer is the same: the published interval is a single point, which does not "
                     "measure the uncertainty of so few answers; whether the target is reached cannot be judged.")


def target_check(target: float, measure: str, value: float, n: int, sd: float | None = None,
                 level: float = 0.95, ci: tuple[float, float] | None = None,
                 noise_var: float | None = None) -> dict[str, Any]:
    """Whether a follow-up figure reaches a plan's ``target`` (a level on 0–100, higher is better),
    judged on the follow-up's **published** interval — the one the cube shows beside the figure, which
    covers the sampling *and* the cell-key perturbation (docs/methodology.md §10): ``ci`` (the cell's
    ``top2_ci`` / ``mean_ci``, used as it is), else recomputed as the cube computes it from ``noise_var``
    (the cell's ``top2_noise_var`` on 0–1 or ``mean_noise_var`` in points²; 0 for a cell published without
    the perturbation): Wilson at the effective n for a share (``value`` in %, k = value × n / 100 as the
    callers read the cell; :func:`warehouse.stats.positive_share`), Student's t with n − 1 df on
    √(sd²/n + noise_var) for a mean (:func:`warehouse.stats.mean_ci`). With neither there is no sampling-only
    fallback (it would take the noise of a published cell for a result): ``uncertain`` with the ``reason``
    :data:`TARGET_NO_INTERVAL`; likewise a mean with a single-point interval (every answer the same,
    :data:`TARGET_DEGENERATE`) or fewer than 2 answers. ``status``: ``reached`` when the whole interval is
    at or above the target, ``not_reached`` when it is below, ``uncertain`` when it holds the target (61%
    against a target of 60 with 40 answers is as compatible with 45% as with 76%). Returns
    ``{"status", "ci", "reason"}`` (``ci`` in points or None; ``reason`` None when judged)."""
    from . import stats

    n = _count(n, "follow_up_n")
    level = _check_level(level)
    if n < 1:
        raise EvaluationError("follow_up_n", f"follow_up_n must be at least 1; got {n}.")
    if measure not in ("share", "mean"):
        raise EvaluationError("measure", "measure is share or mean.")
    if ci is not None and None not in ci and all(np.isfinite(float(x)) for x in ci):
        ci = (float(ci[0]), float(ci[1]))
    elif noise_var is not None and measure == "share":
        v = _noise(noise_var, "follow_up_noise_var")
        _, lo, hi = stats.positive_share(min(n, max(0, round(value * n / 100))), n, level, noise_var=v)
        ci = (float(lo), float(hi))
    elif noise_var is not None and sd is not None and n >= 2:
        v = _noise(noise_var, "follow_up_noise_var")
        lo, hi = stats.t_interval(n, value, np.sqrt(sd ** 2 + n * v), level) if sd > 0 else (value, value)
        ci = (float(lo), float(hi))
    else:
        return {"status": "uncertain", "ci": None, "reason": TARGET_NO_INTERVAL}
    if measure == "mean" and ci[0] == ci[1]:
        return {"status": "uncertain", "ci": [ci[0], ci[1]], "reason": TARGET_DEGENERATE}
    status = "reached" if ci[0] >= target else "not_reached" if ci[1] < target else "uncertain"
    return {"status": status, "ci": [ci[0], ci[1]], "reason": None}


