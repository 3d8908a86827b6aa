"""Entities of one service type against the national benchmark: funnel plot, FDR flags, EB ranking.

Everything here is computed from *published* cells (:func:`warehouse.protect.publish`): the
benchmark is the published cell of the whole service type over the period, each unit is its
published cell, and the over-dispersion test, the EB prior and the ranks use published units only —
no statistic is computed over suppressed data.

The measure is the **positive share** by default (comparable across instruments,
docs/methodology.md §3.1): exact binomial funnel limits (:func:`warehouse.funnel.proportion_funnel`),
widened only when the χ² over-dispersion test rejects (``method`` says which limits were used). A
**mean** is compared only when every unit's answers come from one scale, instrument, wording and
series: otherwise :func:`warehouse.comparability.guard` refuses (HTTP 422 with the ``reason``).
Ranks are empirical-Bayes ranks with 95 % intervals and ties (:func:`warehouse.ranking.eb_ranking`);
with τ̂² = 0 no ranks are given; with fewer than 3 published units nothing is shrunk (each unit's own value and
interval) and two units' ``ranking.difference`` is the direct test of their difference. "Significantly above/below" is the Benjamini–Hochberg flag
(:func:`warehouse.ranking.fdr_flags`); the funnel position stays as a descriptive aid.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dataset.recordkey import KEY_SCALE

from . import funnel as fn
from .comparability import NotComparable, QueryError, check_comparison, guard, pool_of
from .ckmnoise import mean_noise_sd, share_noise_sd
from .cube import SPAN, Cut, _num, aggregate, nums
from .protect import FREE, TASK, Protection, publish
from .ranking import eb_ranking, fdr_flags
from .rollup import ALL_SCORES

MEASURES = ("positive_share", "mean")
ALIASES = {"top2": "positive_share"}
MODELS = ("multiplicative", "additive")
LEVELS = ("entity", "service")
#: Fewer published units than this: a funnel plot is not informative (the console shows the table).
MIN_UNITS = 5
#: Filters that only select units (which administrations are shown): the benchmark ignores them and
#: stays the national pool of the service type (docs/methodology.md §7). Every other filter
#: (instrument, scale, channel, questionnaire) defines the measure and applies to the benchmark too.
UNIT_FILTERS = ("region", "pa_type", "entity", "service")
#: The ranking's note: with 3 or more units, and with fewer (no shrinkage: docs/methodology.md §9).
NOTE = ("ranks of empirical-Bayes estimates with 95% rank intervals; equal published estimates share a rank; "
        "'significant' is the Benjamini-Hochberg FDR flag (q < 5%) over all units")
FEW_NOTE = ("fewer than 3 units: no empirical-Bayes shrinkage (with two units the spread between units cannot be "
            "estimated, and shrinking would follow an assumption, not the data): each unit's estimate and 95% interval "
            "are its own value's, its rank and rank interval follow from them; with two units 'difference' is the "
            "direct test of the higher value minus the lower (95% interval, two-sided p), the rank interval a single "
            "place exactly when p < 5%")
#: Both measures (a share in %, a score) live on 0–100: the normal EB interval of a unit near either
#: end (a small unit at 100 %, say) is cut there; the ranks use the model's own interval.
SCALE = (0.0, 100.0)


def _guard_pool(raw, indicator: str, measure: str) -> None:
    listing = ",".join(p for p in raw["pool"].dropna() if p) if "pool" in raw else ""
    if measure == "mean" and indicator == TASK:
        raise NotComparable("Task completion is published as the shares of yes / partly / no, not as a mean: "
                            "compare the positive share (the share of \"yes\").", {"measure": ["mean"]},
                            "shares_only")
    guard("mean" if measure == "mean" else "positive_share", pool_of(indicator, listing), "funnel")


def compare(con, cut: Cut, measure: str = "positive_share", overdispersion: str = "multiplicative",
            level: str = "entity", protection: Protection | None = None, min_n: int | None = None) -> dict[str, Any]:
    """Every ``level`` unit of ``cut.filters['service_type']`` (exactly one) vs the national benchmark.

    ``overdispersion``: the model used *if* the over-dispersion test rejects (``multiplicative`` or
    ``additive``). Suppressed units carry no n, value, limits, flag or rank, and take no part in any
    statistic. Unit filters (:data:`UNIT_FILTERS`: region, PA type, entity, service) choose the units
    listed, not the model: the benchmark, the over-dispersion test, the EB prior, the FDR family, the
    ranks and the funnel are those of every unit of the type, so a unit reads the same (its cell, flag,
    estimate and rank among all the type's units) whatever the filter. ``funnel.curve`` spans the whole n range from ``min_n`` (the smallest publishable n)
    to beyond the largest unit, on integer n; ``funnel.informative`` is False with fewer than
    :data:`MIN_UNITS` published units.
    """
    protection = protection or Protection()
    measure = ALIASES.get(measure, measure)
    check_comparison(cut.filters.get("service_type", []))
    if measure not in MEASURES:
        raise QueryError("measure", f"measure must be one of {', '.join(MEASURES)}.")
    if overdispersion not in MODELS:
        raise QueryError("overdispersion", f"overdispersion must be one of {', '.join(MODELS)} (the model applied "
                                           "only when the over-dispersion test rejects).")
    if level not in LEVELS:
        raise QueryError("level", f"level must be one of {', '.join(LEVELS)}.")
    if cut.indicator not in ALL_SCORES:
        raise QueryError("indicator", "Comparisons are made on score indicators.")
    unit_cut = Cut(indicator=cut.indicator, by=[level], filters=cut.filters, freq=cut.freq, start=cut.start,
                   end=cut.end)
    raw = aggregate(con, unit_cut, span=True)
    bench_filters = benchmark_filters(cut.filters)
    if bench_filters == cut.filters:
        bench_raw = raw
    else:  # a region, PA type, ... selects the units shown; the benchmark stays national
        bench_raw = aggregate(con, Cut(indicator=cut.indicator, by=[level], filters=bench_filters, freq=cut.freq,
                                       start=cut.start, end=cut.end), span=True)
    result: dict[str, Any] = {"indicator": cut.indicator, "service_type": cut.filters["service_type"][0],
                              "measure": measure, "overdispersion": overdispersion, "level": level,
                              "period": {"start": cut.start, "end": cut.end}}
    empty = {"benchmark": None, "units": [], "funnel": None, "test": None, "method": None, "ranking": None}
    if bench_raw.empty:
        return {**result, **empty}
    if not raw.empty:
        _guard_pool(raw, cut.indicator, measure)
    if bench_raw is not raw:
        _guard_pool(bench_raw, cut.indicator, measure)
    bench = publish(total(bench_raw, level), cut.indicator, [], protection).iloc[0]
    vcol = "mean" if measure == "mean" else "top2"
    benchmark = {"n": None if bench["n"] != bench["n"] else int(bench["n"]), "value": _num(bench[vcol]),
                 "sd": _num(bench["sd"]) if measure == "mean" else None,
                 "scope": "national", "filters": bench_filters,
                 "unit_filters": {d: v for d, v in cut.filters.items() if d in UNIT_FILTERS}}
    body = {**result, **empty, "benchmark": benchmark}
    if raw.empty:  # no unit in the selection (a region without answers): the national benchmark alone
        return body
    # The model (φ, τ², the EB prior, the FDR family, the ranks) is fitted on every unit of the benchmark's
    # population — the type nationally — and the unit filters only choose the rows shown: fitted on the
    # selection, Roma alone in Lazio lost the national over-dispersion (exact binomial limits), its FDR
    # family and its shrinkage, and read "significantly below" where the national page says "within".
    units = publish(bench_raw, cut.indicator, [level], protection)
    shown = set(raw[level].tolist())
    free = (units["conf_status"] == FREE).to_numpy() & (bench["conf_status"] == FREE)
    pub = units[free].reset_index(drop=True)
    n = pub["n"].to_numpy(dtype=float)
    y = pub[vcol].to_numpy(dtype=float)
    if bench["conf_status"] != FREE or len(pub) == 0:
        return {**body, "units": [_unit(level, r, None) for r in _records(units, level) if r[level] in shown]}
    target = float(bench[vcol])
    n_min = float(min_n if min_n is not None else protection.min_n)
    n_max = max(float(n.max()) * 1.1, n_min + 1)
    # every unit's published figure carries the cell-key noise beside the sampling noise: the funnel's
    # limits, positions and p-values and the EB standard errors include it (warehouse.ckmnoise)
    pools = (bench_raw["pool"].fillna("").to_numpy() if "pool" in bench_raw else np.full(len(bench_raw), ""))[free]
    if measure == "mean":
        sigma = float(bench["sd"]) if np.isfinite(bench["sd"]) else 0.0
        noise = mean_noise_sd(cut.indicator, pools, target, protection)
        f = fn.mean_funnel(y, n, target, sigma, model=overdispersion, n_max=n_max, n_min=n_min, noise_sd=noise)
        se = np.sqrt(sigma ** 2 / n + noise ** 2 / n ** 2)
    else:
        k = np.round(y * n / 100)
        p0 = target / 100
        noise = share_noise_sd(cut.indicator, pools, p0, protection)
        f = fn.proportion_funnel(k, n, p0=p0, model=overdispersion, n_max=n_max, n_min=n_min, noise_sd=noise)
        se = 100 * np.sqrt(p0 * (1 - p0) / n + noise ** 2 / n ** 2)
    fdr = fdr_flags(f["p_value"], y - target)
    ranks = eb_ranking(y, np.where(se > 0, se, 1e-9))
    ranked = ranks["ranked"]
    lim = {key: (nums(f["limits"][key][0]), nums(f["limits"][key][1])) for key in ("95", "99.8")}
    cols = {"value": nums(y), "z": nums(f["z"], 3), "p_value": nums(f["p_value"], 4), "q_value": nums(fdr["q_value"], 4),
            "estimate": nums(ranks["estimate"]), "lower": nums(np.clip(ranks["lower"], *SCALE)),
            "upper": nums(np.clip(ranks["upper"], *SCALE)),
            "flag": f["flag"].tolist(), "fdr_flag": fdr["flag"].tolist()}
    if ranked:
        cols.update(rank=ranks["rank"].tolist(), tied=ranks["tied"].tolist(), rank_lower=ranks["rank_lower"].tolist(),
                    rank_upper=ranks["rank_upper"].tolist())
    by_unit = {}
    for i, u in enumerate(pub[level].tolist()):
        by_unit[u] = {
            "value": cols["value"][i], "z": cols["z"][i],
            "limits": {key: [lim[key][0][i], lim[key][1][i]] for key in lim},
            "flag": str(cols["flag"][i]), "p_value": cols["p_value"][i],
            "fdr": {"q_value": cols["q_value"][i], "flag": str(cols["fdr_flag"][i])},
            "significant": cols["fdr_flag"][i] != "within",
            "eb": {"estimate": cols["estimate"][i], "ci": [cols["lower"][i], cols["upper"][i]]},
            "rank": int(cols["rank"][i]) if ranked else None, "tied": bool(cols["tied"][i]) if ranked else None,
            "rank_interval": [int(cols["rank_lower"][i]), int(cols["rank_upper"][i])] if ranked else None}
    out = [_unit(level, r, by_unit.get(r[level])) for r in _records(units, level) if r[level] in shown]
    out.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, -(u["value"] or 0), str(u[level])))
    curve = f["curve"]
    keep = curve["n"] >= n_min
    grid = curve["n"][keep]
    funnel = {"n": grid.astype(int).tolist(), "informative": len(pub) >= MIN_UNITS, "min_units": MIN_UNITS}
    for key in ("95", "99.8"):
        funnel[f"lower_{key}"] = nums(curve[key][0][keep])
        funnel[f"upper_{key}"] = nums(curve[key][1][keep])
    test = {k: (_num(v, 4) if isinstance(v, float) else v) for k, v in f["test"].items()}
    ranking = {"ranked": ranks["ranked"], "reason": ranks["reason"], "mu": _num(ranks["mu"]),
               "tau2": _num(ranks["tau2"], 4), "shrinkage": ranks["shrinkage"],
               "difference": _difference(ranks["difference"], pub[level].tolist()),
               "note": NOTE if ranks["shrinkage"] else FEW_NOTE}
    return {**body, "method": f["method"], "test": test, "ranking": ranking, "units": out, "funnel": funnel}


def _difference(d: dict | None, codes: list) -> dict[str, Any] | None:
    """Two units' direct comparison (:func:`warehouse.ranking.eb_ranking`'s ``difference``), the higher
    published value first: ``{units: [higher, lower], estimate (≥ 0), ci, z, p_value, significant}``."""
    if d is None:
        return None
    sign = 1.0 if d["estimate"] >= 0 else -1.0
    ci = sorted((sign * d["lower"], sign * d["upper"]))
    return {"units": codes if sign > 0 else codes[::-1], "estimate": _num(sign * d["estimate"]),
            "ci": [_num(ci[0]), _num(ci[1])], "z": _num(abs(d["z"]), 3), "p_value": _num(d["p_value"], 4),
            "significant": bool(d["p_value"] < 0.05)}


def benchmark_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters of the national benchmark: ``filters`` without those that only select units
    (:data:`UNIT_FILTERS`): the service type and the measure-defining filters stay."""
    return {d: v for d, v in filters.items() if d not in UNIT_FILTERS}


def total(raw: pd.DataFrame, level: str) -> pd.DataFrame:
    """The one cell of every row of ``raw`` (:func:`~warehouse.cube.aggregate` by ``level`` with
    ``span``), equal to aggregating the cut without ``by``: counts add up, key sums add up modulo
    2³² (as the rollup's own), the questionnaire versions pool. Saves a second scan of the rollup."""
    out = {"period": pd.array([SPAN], dtype=raw["period"].dtype)}
    for c in raw.columns.drop(["period", level]):
        if c == "pool":
            out[c] = pd.array([",".join(sorted({v for p in raw[c].dropna().tolist() for v in p.split(",") if v}))],
                              dtype=raw[c].dtype)
        else:
            v = raw[c].to_numpy().sum()
            out[c] = np.array([v % KEY_SCALE if c == "k" or c.startswith("k_") else v], dtype=raw[c].dtype)
    return pd.DataFrame(out)


def _records(units: pd.DataFrame, level: str) -> list[dict[str, Any]]:
    """The columns of the published units that :func:`_unit` reads, as records (``to_dict`` of every
    column cost more than the rest of the output)."""
    names = [level, "n", "conf_status", "obs_status"]
    return [dict(zip(names, row)) for row in zip(*(units[c].tolist() for c in names))]


def _unit(level: str, r: dict, comp: dict | None) -> dict[str, Any]:
    """A unit's row: its published cell and, when it is published, its comparison."""
    free = comp is not None
    keys = ("value", "z", "limits", "flag", "p_value", "fdr", "significant", "eb", "rank", "tied", "rank_interval")
    return {level: r[level], "n": int(r["n"]) if r["conf_status"] == FREE else None,
            **{k: (comp[k] if free else None) for k in keys},
            "obs_status": r["obs_status"], "conf_status": r["conf_status"]}
