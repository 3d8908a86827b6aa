"""Entities of one service type against the national benchmark: funnel plot and EB ranking."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import disclosure, stats
from .comparability import QueryError, check_comparison
from .cube import Cut, _num, aggregate

MEASURES = ("mean", "top2")
OVERDISPERSION = ("none", "multiplicative", "additive")
LEVELS = ("entity", "service")


def compare(con, cut: Cut, measure: str = "mean", overdispersion: str = "none", level: str = "entity",
            min_n: int = 3, low_n: int = 30) -> dict[str, Any]:
    """Every ``level`` unit of ``cut.filters['service_type']`` (exactly one) vs the national benchmark.

    The benchmark θ0 is the pooled value over all the type's responses in the period; a unit's
    standard error is σ/√n (σ: the SD of individual scores) for a mean, √(p0(1−p0)/n) for a share.
    Control limits at 95% and 99.8% (optionally widened for overdispersion); ``flag`` says where the
    unit falls; ranks come only from empirical-Bayes shrunk estimates. Units with suppressed cells
    (n < min_n, and complementary) carry no value, limit position or rank.
    """
    check_comparison(cut.filters.get("service_type", []))
    if measure not in MEASURES:
        raise QueryError("measure", f"measure must be one of {', '.join(MEASURES)}.")
    if overdispersion not in OVERDISPERSION:
        raise QueryError("overdispersion", f"overdispersion must be one of {', '.join(OVERDISPERSION)}.")
    if level not in LEVELS:
        raise QueryError("level", f"level must be one of {', '.join(LEVELS)}.")
    from questionnaires.harmonize import SCORE_INDICATORS

    if cut.indicator not in SCORE_INDICATORS:
        raise QueryError("indicator", "Comparisons are made on score indicators.")
    # one cell per unit over the whole requested range: freq A with start/end kept, then summed
    unit_cut = Cut(indicator=cut.indicator, by=[level], filters=cut.filters, freq="A", start=cut.start, end=cut.end)
    df = aggregate(con, unit_cut)
    df = df.groupby(level, as_index=False)[["n", "s", "ss", "t2"]].sum()
    n = df["n"].to_numpy(dtype=float)
    total_n = n.sum()
    result: dict[str, Any] = {"indicator": cut.indicator, "service_type": cut.filters["service_type"][0],
                              "measure": measure, "overdispersion": overdispersion, "level": level,
                              "period": {"start": cut.start, "end": cut.end}}
    if total_n == 0:
        return {**result, "benchmark": None, "units": [], "funnel": None}
    if measure == "mean":
        y = df["s"].to_numpy() / n
        target = df["s"].sum() / total_n
        _, sigma = stats.mean_sd(total_n, df["s"].sum(), df["ss"].sum())
        sigma = float(sigma) if np.isfinite(sigma) else 0.0
        se = sigma / np.sqrt(n)
        se_of = lambda m: sigma / np.sqrt(m)  # noqa: E731
    else:
        y = 100 * df["t2"].to_numpy() / n
        p0 = df["t2"].sum() / total_n
        target = 100 * p0
        se = 100 * np.sqrt(p0 * (1 - p0) / n)
        se_of = lambda m: 100 * np.sqrt(p0 * (1 - p0) / m)  # noqa: E731
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (y - target) / se, 0.0)
    phi = stats.overdispersion(z)
    tau2 = stats.additive_tau2(z, se) if overdispersion == "additive" else 0.0
    lims = {lv: stats.funnel_limits(target, se, lv, overdispersion, phi, tau2) for lv in stats.FUNNEL_LEVELS}
    est, est_lo, est_hi, mu, eb_tau2 = stats.empirical_bayes(y, np.where(se > 0, se, 1e-9))
    keys = [(u,) for u in df[level].fillna("_U")]
    conf = disclosure.suppress(keys, df["n"].tolist(), disclosure.dimension_lines(1), min_n=min_n)
    ranked = sorted((i for i in range(len(df)) if conf[i] == disclosure.FREE), key=lambda i: -est[i])
    rank = {i: r + 1 for r, i in enumerate(ranked)}
    units = []
    for i in range(len(df)):
        free = conf[i] == disclosure.FREE
        lo95, hi95 = lims[0.95][0][i], lims[0.95][1][i]
        lo998, hi998 = lims[0.998][0][i], lims[0.998][1][i]
        if y[i] > hi998:
            flag = "above_99.8"
        elif y[i] > hi95:
            flag = "above_95"
        elif y[i] < lo998:
            flag = "below_99.8"
        elif y[i] < lo95:
            flag = "below_95"
        else:
            flag = "within"
        units.append({
            level: keys[i][0], "n": int(df["n"].iloc[i]),
            "value": _num(y[i]) if free else None,
            "z": _num(z[i], 3) if free else None,
            "limits": {"95": [_num(lo95), _num(hi95)], "99.8": [_num(lo998), _num(hi998)]},
            "flag": flag if free else None,
            "significant": bool(flag != "within") if free else None,
            "eb": {"estimate": _num(est[i]), "ci": [_num(est_lo[i]), _num(est_hi[i])]} if free else None,
            "rank": rank.get(i),
            "obs_status": disclosure.obs_status(conf[i], int(df["n"].iloc[i]), low_n), "conf_status": conf[i],
        })
    units.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, str(u[level])))
    grid = np.unique(np.geomspace(max(1.0, n.min()), max(2.0, n.max()), 40).round()).astype(float)
    funnel = {"n": grid.astype(int).tolist()}
    for lv in stats.FUNNEL_LEVELS:
        lo, hi = stats.funnel_limits(target, se_of(grid), lv, overdispersion, phi, tau2)
        funnel[f"lower_{lv * 100:g}"] = [_num(v) for v in lo]
        funnel[f"upper_{lv * 100:g}"] = [_num(v) for v in hi]
    return {**result,
            "benchmark": {"n": int(total_n), "value": _num(target) if total_n >= min_n else None,
                          "sd": _num(sigma) if measure == "mean" else None},
            "phi": _num(phi, 4), "tau2": _num(tau2, 4), "eb": {"mu": _num(mu), "tau2": _num(eb_tau2, 4)},
            "units": units, "funnel": funnel}
