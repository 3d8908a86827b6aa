"""The logistic trend of a positive share over months (:func:`trend`), with its rules. Pure functions.

Contract
--------
Inputs are published monthly figures (perturbed k of n, each month's perturbation variance), as for
:mod:`warehouse.evaluation`. The slope of the log-odds per month is the aggregated binomial GLM's (the
row-level logistic regression's), its interval the profile-likelihood interval and its p value the
likelihood-ratio test (:func:`warehouse.likelihood.profile`), with the Pearson dispersion as the scale
and F(1, df) when it exceeds 1. Refused (:class:`EvaluationError`, ``reason`` a key of :data:`REASONS`,
``detail`` the numbers its message names) when the months cannot carry a trend:

- fewer than :data:`TREND_MIN_MONTHS` (6) months with answers: the residual degrees of freedom are
  months − 2, and the quasi-binomial scale and the F(1, df) quantile estimated from fewer than 4 of them
  make the interval absurdly wide and unstable (F(1, 1) with 3 months: t = 12.7; docs/methodology.md §11.3);
- months holding more than one **series** of the indicator (``series``: each published month's series,
  :mod:`warehouse.series_breaks`) — months on both sides of a questionnaire break, or months in which
  the unit's parts (the services of an entity, a region, the country) answer both the old version and
  one declaring a break: the share of the two series measures different things, a change of instrument
  would read as a trend;
- too few positive or other answers, all answers alike, months separated by time, no finite fit.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .evaluation_base import MONTH, EvaluationError, _check_level, _count, _noise, effective_n
from .likelihood import profile
from .series_breaks import mixing

TRENDS = ("rising", "falling", "no detectable trend")

#: the rules for a trend (:func:`trend`), stated. ``TREND_MIN_MONTHS``: the slope's residual degrees of
#: freedom are months − 2; with the dispersion estimated from them (quasi-binomial) the interval uses
#: F(1, months − 2): its t quantile is 12.71 with 3 months, 4.30 with 4, 3.18 with 5 and 2.78 with 6 (the
#: normal's 1.96), and the scale itself, χ²(df)/df, has a relative standard error √(2/df): 141 % with 3
#: months, 71 % with 6 — below 6 months the interval is mostly the noise of its own scale
#: (docs/methodology.md §11.3, the coverage by simulation in tests/test_evaluation_trend_rules.py).
#: ``TREND_MIN_EACH``: at least that many positive and as many other answers (the usual ten events per
#: parameter of a logistic model: Peduzzi et al. 1996).
TREND_MIN_MONTHS = 6
TREND_MIN_EACH = 10
#: months a trend must cover for a seasonal pattern not to be mistaken for it (two whole years): below,
#: ``Trend.seasonal_caveat`` is set and the page says so — a line fitted to months of one season
#: against another (the summer's, the tax deadlines') reads the season as a trend.
SEASONAL_MONTHS = 24
#: the refusals of :func:`trend` (English; the pages translate them by ``reason``: :data:`REASONS`)
TREND_TOO_FEW_MONTHS = ("a trend needs at least {need} months with published answers; these have {got}: with fewer, "
                        "the interval of the slope rests on a month-to-month variation estimated from too few "
                        "months and is not reliable. Choose a range of at least {need} months.")
TREND_ALL_SAME = "every answer is positive (or none is): the trend cannot be estimated."
TREND_TOO_FEW_ANSWERS = (f"a trend needs at least {TREND_MIN_EACH} positive and {TREND_MIN_EACH} other answers "
                         "over its months: with fewer, a logistic slope and its interval are not reliable.")
TREND_SEPARATED = ("the months split into earlier ones with no positive answer and later ones with only positive "
                   "answers (or the reverse): the slope would be infinite, the trend cannot be estimated.")
TREND_NOT_FINITE = "the model does not converge to finite estimates on these months: the trend cannot be estimated."
TREND_BREAK = ("the months mix two series of this question: a questionnaire break in {first} (a new version of the "
               "questionnaire changed it), and only the new series is present from {month} on. The answers of the "
               "two series measure different things, and a trend over both would mix the change of instrument "
               "with a change of the service. Trend the months from {month} on, or those before {first}.")
#: the same refusal while no month holds only the new series yet (``detail["month"]`` None)
TREND_BREAK_ONGOING = ("the months mix two series of this question: a questionnaire break in {first} (a new version "
                       "of the questionnaire changed it), and no month holds only the new series yet (some answers "
                       "still come from the old version). A trend over both would mix the change of instrument with "
                       "a change of the service. Trend the months before {first}.")
#: reason → message template (``detail`` fills it)
REASONS = {"too_few_months": TREND_TOO_FEW_MONTHS, "all_same": TREND_ALL_SAME, "too_few_answers": TREND_TOO_FEW_ANSWERS,
           "separated": TREND_SEPARATED, "not_finite": TREND_NOT_FINITE, "break": TREND_BREAK}


def _refuse(field: str, reason: str, **detail: Any) -> EvaluationError:
    template = TREND_BREAK_ONGOING if reason == "break" and detail.get("month") is None else REASONS[reason]
    return EvaluationError(field, template.format(**detail), reason=reason, detail=detail)


def too_few_months(got: int) -> EvaluationError:
    """The refusal of a trend over ``got`` months (fewer than :data:`TREND_MIN_MONTHS`), naming the
    months it needs: what :func:`trend` raises, and what the API answers for a range too short."""
    return _refuse("periods", "too_few_months", need=TREND_MIN_MONTHS, got=got)


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
    seasonal_caveat: bool               # the months cover less than two years: a seasonal pattern can read as a trend

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
          noise_var: Sequence[float | None] | None = None,
          series: Mapping[str, Sequence[str] | None] | None = None) -> Trend:
    """Logistic trend of the positive share over months: ``periods`` are ``YYYY-MM`` labels (distinct,
    any order, gaps allowed), ``k`` positive answers and ``n`` answers in each. Months with n = 0
    (suppressed or empty) are left out.

    Refused (:class:`EvaluationError` with its ``reason``, :data:`REASONS`): fewer than
    :data:`TREND_MIN_MONTHS` months with answers (the message names how many it needs); months with
    answers holding more than one series of the indicator — ``series``: month (YYYY-MM) → that published
    month's series labels (:func:`warehouse.series_breaks.labels`), the unit's whole published history
    or at least these months; the refusal's ``detail`` names ``first``, the first month holding the newer
    series, and ``month``, the first from which only it is present (None: not yet;
    :func:`warehouse.series_breaks.mixing`); every answer positive or none; fewer than
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
    import statsmodels.api as sm

    level = _check_level(level)
    if len(set(periods)) != len(periods):
        raise EvaluationError("periods", "a month is repeated.")
    if not (len(periods) == len(k) == len(n) == len(periods if noise_var is None else noise_var)):
        raise EvaluationError("periods", "periods, k, n (and noise_var) must have the same length.")
    idx, ks, ns, labels, scale = [], [], [], [], []
    for i, (label, ki, ni) in enumerate(zip(periods, k, n)):
        m = MONTH.match(label) if isinstance(label, str) else None
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
        raise too_few_months(len(idx))
    mixed = mixing(labels, series or {})
    if mixed:
        raise _refuse("periods", "break", **mixed)
    t = np.asarray(idx, dtype=float) - min(idx)
    ks_a, ns_a = np.asarray(ks, dtype=float), np.asarray(ns, dtype=float)
    if ks_a.sum() in (0, ns_a.sum()):
        raise _refuse("k", "all_same")
    if min(ks_a.sum(), (ns_a - ks_a).sum()) < TREND_MIN_EACH:
        raise _refuse("n", "too_few_answers")
    if _separated(t, ks_a, ns_a):
        raise _refuse("k", "separated")
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
        raise _refuse("k", "not_finite")
    df = int(fit.df_resid) if dispersion > 1 else None
    prof = profile(endog, exog, 1, scale=dispersion, df=df, level=level)
    slope, (lo, hi), p = prof.estimate, prof.ci, prof.p_value
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise _refuse("k", "not_finite")
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
                 method=prof.method, seasonal_caveat=span + 1 < SEASONAL_MONTHS)
