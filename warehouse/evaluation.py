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
  0 or 100 %. Refused when the data cannot carry it (too few months or answers, months separated by
  time, no finite fit or interval); the odds ratio is per month and over the span observed, never
  extrapolated beyond it.

The wording describes what changed between periods; it never says why (no causal claim: other things
change between two periods besides the plan).
Invalid inputs raise :class:`EvaluationError` naming the field.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np
from scipy import stats as sps
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

from .likelihood import profile
from .numbers import number, signed

ALPHA = 0.05
POWER = 0.80
VERDICTS = ("improved", "worsened", "no detectable change")
TRENDS = ("rising", "falling", "no detectable trend")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

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


class EvaluationError(ValueError):
    """An input is invalid; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


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


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or not float(value).is_integer():
        raise EvaluationError(field, f"{field} is a whole number; got {value!r}.")
    return int(value)


def _check_level(level: float) -> float:
    if not isinstance(level, float) or not 0.5 < level < 1:
        raise EvaluationError("level", "level is a number between 0.5 and 1.")
    return level


def verdict(lo: float, hi: float) -> str:
    """``improved`` if the interval is above 0, ``worsened`` if below, else ``no detectable change``."""
    return "improved" if lo > 0 else "worsened" if hi < 0 else "no detectable change"


def _noise(v: Any, field: str) -> float:
    """A cell's perturbation variance (``None``: 0, a cell published without the cell-key method)."""
    if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not v >= 0 or v == np.inf):
        raise EvaluationError(field, f"{field} is a variance, a number of at least 0; got {v!r}.")
    return 0.0 if v is None else float(v)


def effective_n(k: float, n: float, noise_var: float, level: float = 0.95) -> float:
    """n / deff, deff = 1 + n·noise_var / (p̃(1 − p̃)), p̃ the Wilson centre: the sample size whose sampling
    variance equals the sampling *and* the perturbation's (:func:`warehouse.stats.wilson`)."""
    z2 = sps.norm.ppf(0.5 + level / 2) ** 2
    centre = (k + z2 / 2) / (n + z2)
    return n / (1 + n * noise_var / (centre * (1 - centre)))


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
                 noise_var0: float | None = 0.0, noise_var1: float | None = 0.0) -> Change:
    """Change of the positive share from baseline (k0 of n0) to follow-up (k1 of n1). ``noise_var0``/
    ``noise_var1``: the variance the cell-key perturbation adds to each published share (0–1 scale;
    :func:`warehouse.cube.published_cell`'s ``top2_noise_var``): Newcombe's interval is then from the Wilson
    intervals at the effective n's, the score test's standard error adds both (z = d / √(se² + v0 + v1)),
    the MDC is at the effective n's — the noise of two published cells is not taken for a change."""
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
    up, down = share_mdc(k0 / n0, effective_n(k0, n0, v0), effective_n(k1, n1, v1))
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


def target_check(target: float, measure: str, value: float, n: int, sd: float | None = None,
                 level: float = 0.95, ci: tuple[float, float] | None = None) -> dict[str, Any]:
    """Whether a follow-up figure reaches a plan's ``target`` (a level on 0–100, higher is better),
    with the follow-up's own uncertainty: its ``level`` interval — Wilson for a positive share
    (``measure="share"``, ``value`` in %, k = value × n / 100 as the callers read the published cell),
    t for a mean (``measure="mean"``, with ``sd``) — against the target. ``status``: ``reached`` when
    the whole interval is at or above the target, ``not_reached`` when it is below, ``uncertain`` when
    it holds the target: the point value alone would say "reached" (or "not") by chance — 61% against a
    target of 60 with 40 answers is as compatible with 45% as with 76%. Returns ``{"status", "ci"}``
    (``ci`` in points; a mean without a standard deviation has none: ``uncertain``). Inputs are the
    published figures, as everywhere in this module; ``ci``, when given, is the published cell's own 95%
    interval (which covers the cell-key perturbation too, docs/methodology.md §10) and is used as it is,
    so the interval that decides is the one the cube shows beside the figure."""
    n = _count(n, "follow_up_n")
    level = _check_level(level)
    if n < 1:
        raise EvaluationError("follow_up_n", f"follow_up_n must be at least 1; got {n}.")
    if measure not in ("share", "mean"):
        raise EvaluationError("measure", "measure is share or mean.")
    if ci is not None and None not in ci:
        ci = (float(ci[0]), float(ci[1]))
    elif measure == "share":
        lo, hi = proportion_confint(min(n, max(0, round(value * n / 100))), n, alpha=1 - level, method="wilson")
        ci = (100 * float(lo), 100 * float(hi))
    else:
        if sd is None or n < 2:
            ci = None
        else:
            h = float(sps.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n))
            ci = (max(0.0, value - h), min(100.0, value + h))
    if ci is None:
        return {"status": "uncertain", "ci": None}
    status = "reached" if ci[0] >= target else "not_reached" if ci[1] < target else "uncertain"
    return {"status": status, "ci": [ci[0], ci[1]]}


# ---------------------------------------------------------------------------------------------

#: the rules for a trend (:func:`trend`), stated: at least ``TREND_MIN_MONTHS`` months with answers and
#: at least ``TREND_MIN_EACH`` positive and as many other answers over them (the usual ten events per
#: parameter of a logistic model: Peduzzi et al. 1996) — below that the slope's interval is not to be
#: trusted however it comes out.
TREND_MIN_MONTHS = 3
TREND_MIN_EACH = 10
#: the refusals of :func:`trend` (English; the pages translate them by these exact texts)
TREND_TOO_FEW_MONTHS = "a trend needs at least three months with answers."
TREND_ALL_SAME = "every answer is positive (or none is): the trend cannot be estimated."
TREND_TOO_FEW_ANSWERS = (f"a trend needs at least {TREND_MIN_EACH} positive and {TREND_MIN_EACH} other answers "
                         "over its months: with fewer, a logistic slope and its interval are not reliable.")
TREND_SEPARATED = ("the months split into earlier ones with no positive answer and later ones with only positive "
                   "answers (or the reverse): the slope would be infinite, the trend cannot be estimated.")
TREND_NOT_FINITE = "the model does not converge to finite estimates on these months: the trend cannot be estimated."


@dataclass(frozen=True)
class Trend:
    months: int                         # months with answers in the fit
    first: str                          # first and last of them (YYYY-MM)
    last: str
    span_months: int                    # months from the first to the last (gaps included)
    slope: float                        # change of the log-odds of a positive answer per month
    slope_ci: tuple[float, float]
    odds_ratio_per_month: float
    odds_ratio_per_month_ci: tuple[float, float]
    odds_ratio_over_span: float         # from the first month to the last: the change observed, not beyond
    odds_ratio_over_span_ci: tuple[float, float]
    odds_ratio_per_year: float | None   # only when the span covers a year (else None: never extrapolated)
    odds_ratio_per_year_ci: tuple[float, float] | None
    p_value: float
    dispersion: float                   # Pearson χ²/df used as scale when > 1 (else 1)
    df: int | None                      # t degrees of freedom when the scale is estimated (else None: normal)
    fitted: dict[str, float]            # fitted positive share (%) per month given
    verdict: str
    level: float
    method: str                         # how the interval and p value were computed (:mod:`warehouse.likelihood`)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("slope_ci", "odds_ratio_per_month_ci", "odds_ratio_over_span_ci", "odds_ratio_per_year_ci"):
            d[key] = None if d[key] is None else list(d[key])
        return d


def _separated(t: np.ndarray, k: np.ndarray, n: np.ndarray) -> bool:
    """Whether the months are (quasi-)completely separated by time: some month splits them into earlier
    months with no positive answer and later ones with only positive answers (or the reverse), the
    splitting month itself mixed or not. The logistic slope's maximum-likelihood estimate then does not
    exist (it runs to ±infinity)."""
    order = np.argsort(t)
    k, n = k[order], n[order]
    none, every = k == 0, k == n
    for j in range(len(k)):
        if (none[:j].all() and every[j + 1:].all()) or (every[:j].all() and none[j + 1:].all()):
            return True
    return False


def trend(periods: Sequence[str], k: Sequence[int], n: Sequence[int], level: float = 0.95,
          noise_var: Sequence[float | None] | None = None) -> Trend:
    """Logistic trend of the positive share over months: ``periods`` are ``YYYY-MM`` labels (distinct,
    any order, gaps allowed), ``k`` positive answers and ``n`` answers in each. Months with n = 0
    (suppressed or empty) are left out.

    Refused (:class:`EvaluationError`, the reasons :data:`TREND_TOO_FEW_MONTHS`…): fewer than
    :data:`TREND_MIN_MONTHS` months with answers; every answer positive or none; fewer than
    :data:`TREND_MIN_EACH` positive or other answers; months (quasi-)separated by time (no finite
    slope); a fit that does not converge to finite estimates.

    The odds ratio is stated per month and over the span observed (first to last month); per year
    only when the span covers twelve months or more — never extrapolated beyond the months seen. The
    interval is the profile-likelihood interval, the p value the likelihood-ratio test (``method``).
    When the Pearson dispersion exceeds 1 it is the scale (quasi-binomial) and the interval and p value
    use the F(1, df) quantile with the residual degrees of freedom (the scale is estimated from few
    months). ``noise_var``: per month, the variance the cell-key perturbation adds to its published share
    (0–1; :func:`warehouse.cube.table`'s ``top2_noise_var``): each month's counts are then weighted down to
    its effective n (:func:`effective_n`), so the slope's interval covers the noise too — the rules above
    still count the published answers."""
    import warnings

    import statsmodels.api as sm

    level = _check_level(level)
    if len(set(periods)) != len(periods):
        raise EvaluationError("periods", "a month is repeated.")
    if not (len(periods) == len(k) == len(n) == len(periods if noise_var is None else noise_var)):
        raise EvaluationError("periods", "periods, k, n (and noise_var) must have the same length.")
    idx, ks, ns, labels, scale = [], [], [], [], []
    for i, (label, ki, ni) in enumerate(zip(periods, k, n)):
        m = _MONTH.match(label) if isinstance(label, str) else None
        if not m:
            raise EvaluationError("periods", f"periods[{i}] is not YYYY-MM; got {label!r}.")
        ki, ni = _count(ki, f"k[{i}]"), _count(ni, f"n[{i}]")
        if ni < 0 or not 0 <= ki <= max(ni, 0):
            raise EvaluationError(f"k[{i}]", f"k[{i}] must be between 0 and n[{i}] ({ni}); got {ki}.")
        if ni == 0:
            continue
        idx.append(int(m.group(1)) * 12 + int(m.group(2)) - 1)
        ks.append(ki)
        ns.append(ni)
        scale.append(effective_n(ki, ni, _noise(None if noise_var is None else noise_var[i], f"noise_var[{i}]")) / ni)
        labels.append(label)
    if len(idx) < TREND_MIN_MONTHS:
        raise EvaluationError("periods", TREND_TOO_FEW_MONTHS)
    t = np.asarray(idx, dtype=float) - min(idx)
    ks_a, ns_a = np.asarray(ks, dtype=float), np.asarray(ns, dtype=float)
    if ks_a.sum() in (0, ns_a.sum()):
        raise EvaluationError("k", TREND_ALL_SAME)
    if min(ks_a.sum(), (ns_a - ks_a).sum()) < TREND_MIN_EACH:
        raise EvaluationError("n", TREND_TOO_FEW_ANSWERS)
    if _separated(t, ks_a, ns_a):
        raise EvaluationError("k", TREND_SEPARATED)
    exog = sm.add_constant(t, has_constant="add")
    endog = np.column_stack([ks_a, ns_a - ks_a]) * np.asarray(scale)[:, None]
    model = sm.GLM(endog, exog, family=sm.families.Binomial())
    with warnings.catch_warnings():  # non-convergence and separation are checked below, and refused
        warnings.simplefilter("ignore")
        fit = model.fit()
        dispersion = float(fit.pearson_chi2 / fit.df_resid) if fit.df_resid > 0 else 1.0
        fit, dispersion = (model.fit(scale=dispersion), dispersion) if dispersion > 1 else (fit, 1.0)
    se = float(fit.bse[1])
    if not (fit.converged and np.isfinite(fit.params).all() and np.isfinite(se) and se > 0):
        raise EvaluationError("k", TREND_NOT_FINITE)
    df = int(fit.df_resid) if dispersion > 1 else None
    prof = profile(endog, exog, 1, scale=dispersion, df=df, level=level)
    slope, (lo, hi), p = prof.estimate, prof.ci, prof.p_value
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise EvaluationError("k", TREND_NOT_FINITE)
    fitted = {label: 100 * float(v) for label, v in zip(labels, fit.predict(exog))}
    span, order = int(t.max()), np.argsort(idx)
    per_year = span >= 12
    return Trend(months=len(idx), first=labels[order[0]], last=labels[order[-1]], span_months=span, slope=slope,
                 slope_ci=(lo, hi), odds_ratio_per_month=float(np.exp(slope)),
                 odds_ratio_per_month_ci=(float(np.exp(lo)), float(np.exp(hi))),
                 odds_ratio_over_span=float(np.exp(span * slope)),
                 odds_ratio_over_span_ci=(float(np.exp(span * lo)), float(np.exp(span * hi))),
                 odds_ratio_per_year=float(np.exp(12 * slope)) if per_year else None,
                 odds_ratio_per_year_ci=(float(np.exp(12 * lo)), float(np.exp(12 * hi))) if per_year else None,
                 p_value=p, dispersion=dispersion, df=df, fitted=fitted,
                 verdict="rising" if lo > 0 else "falling" if hi < 0 else "no detectable trend", level=level,
                 method=prof.method)
