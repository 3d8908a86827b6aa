"""Entities of one service type against the national benchmark: funnel plot and EB ranking.

Everything here is computed from *published* cells (:func:`warehouse.protect.publish`): the
benchmark is the published cell of the whole service type over the period, each unit is its
published cell, and φ, τ², the EB prior and the ranks use published units only — no statistic is
computed over suppressed data.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import stats
from .comparability import QueryError, check_comparison
from .cube import Cut, _num, aggregate
from .protect import FREE, Protection, publish

MEASURES = ("mean", "top2")
OVERDISPERSION = ("none", "multiplicative", "additive")
LEVELS = ("entity", "service")


def _flag(y: float, lims: dict, i: int) -> str:
    if y > lims[0.998][1][i]:
        return "above_99.8"
    if y > lims[0.95][1][i]:
        return "above_95"
    if y < lims[0.998][0][i]:
        return "below_99.8"
    if y < lims[0.95][0][i]:
        return "below_95"
    return "within"


def compare(con, cut: Cut, measure: str = "mean", overdispersion: str = "none", level: str = "entity",
            protection: Protection | None = None) -> dict[str, Any]:
    """Every ``level`` unit of ``cut.filters['service_type']`` (exactly one) vs the national benchmark.

    The benchmark θ0 is the published value of the type's cell over the period; a unit's standard
    error is σ/√n (σ: the benchmark cell's SD) for a mean, √(p0(1−p0)/n) for a share, n its published
    n. Control limits at 95% and 99.8% (optionally widened for overdispersion); ``flag`` says where the
    unit falls; ranks come only from empirical-Bayes shrunk estimates. Suppressed units carry no n,
    value, limit position or rank, and take no part in any statistic.
    """
    protection = protection or Protection()
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
    unit_cut = Cut(indicator=cut.indicator, by=[level], filters=cut.filters, freq="A", start=cut.start, end=cut.end)
    raw = aggregate(con, unit_cut, span=True)
    result: dict[str, Any] = {"indicator": cut.indicator, "service_type": cut.filters["service_type"][0],
                              "measure": measure, "overdispersion": overdispersion, "level": level,
                              "period": {"start": cut.start, "end": cut.end}}
    if raw.empty:
        return {**result, "benchmark": None, "units": [], "funnel": None}
    bench = publish(aggregate(con, Cut(indicator=cut.indicator, filters=cut.filters, freq="A", start=cut.start,
                                       end=cut.end), span=True), cut.indicator, [], protection).iloc[0]
    units = publish(raw, cut.indicator, [level], protection)
    vcol = "mean" if measure == "mean" else "top2"
    free = (units["conf_status"] == FREE).to_numpy() & (bench["conf_status"] == FREE)
    pub = units[free].reset_index(drop=True)
    n = pub["n"].to_numpy(dtype=float)
    y = pub[vcol].to_numpy(dtype=float)
    benchmark = {"n": None if bench["n"] != bench["n"] else int(bench["n"]), "value": _num(bench[vcol]),
                 "sd": _num(bench["sd"]) if measure == "mean" else None}
    body = {**result, "benchmark": benchmark}
    if bench["conf_status"] != FREE or len(pub) == 0:
        return {**body, "phi": None, "tau2": None, "eb": None, "funnel": None,
                "units": [_unit(level, r, None) for r in units.to_dict("records")]}
    target = float(bench[vcol])
    if measure == "mean":
        sigma = float(bench["sd"]) if np.isfinite(bench["sd"]) else 0.0
        se_of = lambda m: sigma / np.sqrt(m)  # noqa: E731
    else:
        p0 = target / 100
        se_of = lambda m: 100 * np.sqrt(p0 * (1 - p0) / m)  # noqa: E731
    se = se_of(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (y - target) / se, 0.0)
    phi = stats.overdispersion(z)
    tau2 = stats.additive_tau2(z, se) if overdispersion == "additive" else 0.0
    lims = {lv: stats.funnel_limits(target, se, lv, overdispersion, phi, tau2) for lv in stats.FUNNEL_LEVELS}
    est, est_lo, est_hi, mu, eb_tau2 = stats.empirical_bayes(y, np.where(se > 0, se, 1e-9))
    order = sorted(range(len(pub)), key=lambda i: -est[i])
    rank = {i: r + 1 for r, i in enumerate(order)}
    by_unit = {}
    for i, u in enumerate(pub[level]):
        flag = _flag(y[i], lims, i)
        by_unit[u] = {"value": _num(y[i]), "z": _num(z[i], 3),
                      "limits": {"95": [_num(lims[0.95][0][i]), _num(lims[0.95][1][i])],
                                 "99.8": [_num(lims[0.998][0][i]), _num(lims[0.998][1][i])]},
                      "flag": flag, "significant": flag != "within",
                      "eb": {"estimate": _num(est[i]), "ci": [_num(est_lo[i]), _num(est_hi[i])]}, "rank": rank[i]}
    out = [_unit(level, r, by_unit.get(r[level])) for r in units.to_dict("records")]
    out.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, str(u[level])))
    grid = np.unique(np.geomspace(max(1.0, n.min()), max(2.0, n.max()), 40).round()).astype(float)
    funnel = {"n": grid.astype(int).tolist()}
    for lv in stats.FUNNEL_LEVELS:
        lo, hi = stats.funnel_limits(target, se_of(grid), lv, overdispersion, phi, tau2)
        funnel[f"lower_{lv * 100:g}"] = [_num(v) for v in lo]
        funnel[f"upper_{lv * 100:g}"] = [_num(v) for v in hi]
    return {**body, "phi": _num(phi, 4), "tau2": _num(tau2, 4), "eb": {"mu": _num(mu), "tau2": _num(eb_tau2, 4)},
            "units": out, "funnel": funnel}


def _unit(level: str, r: dict, comp: dict | None) -> dict[str, Any]:
    """A unit's row: its published cell and, when it is published, its comparison."""
    free = comp is not None
    return {level: r[level], "n": int(r["n"]) if r["conf_status"] == FREE else None, "value": comp["value"] if free else None,
            "z": comp["z"] if free else None, "limits": comp["limits"] if free else None,
            "flag": comp["flag"] if free else None, "significant": comp["significant"] if free else None,
            "eb": comp["eb"] if free else None, "rank": comp["rank"] if free else None,
            "obs_status": r["obs_status"], "conf_status": r["conf_status"]}
