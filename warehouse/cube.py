"""Indicators for any cut of the rollup, with their statistics and disclosure control applied.

A *table* is one indicator at one frequency, grouped by a time period and by some of
:data:`DIMENSIONS`, optionally restricted by filters, optionally with margins (``_T`` totals along
each grouping dimension). Every cell carries n, its statistics, ``conf_status`` and ``obs_status``;
suppressed cells carry no statistic at all (see :mod:`warehouse.disclosure`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from questionnaires.harmonize import CATEGORY_CODES, CATEGORY_INDICATORS, SCORE_INDICATORS

from . import disclosure, stats
from .comparability import QueryError, check_indicator
from .rollup import BUCKETS

DIMENSIONS = ("pa_type", "service_type", "region", "entity", "service", "channel", "questionnaire")
FREQS = {"M": r"^\d{4}-(0[1-9]|1[0-2])$", "Q": r"^\d{4}-Q[1-4]$", "A": r"^\d{4}$"}
UNKNOWN = "_U"  # a dimension value missing in the data (e.g. an unregistered region)
_CODE = re.compile(r"^[A-Za-z0-9._:@-]{1,80}$")
SCORE_STATS = ["mean", "mean_lower", "mean_upper", "sd", "top2", "top2_lower", "top2_upper",
               *[f"dist_{b[0][1:]}" for b in BUCKETS]]
CATEGORY_STATS = [f"{p}{c}{s}" for c in CATEGORY_CODES for p, s in (("share_", ""), ("share_", "_lower"),
                                                                       ("share_", "_upper"))]


@dataclass
class Cut:
    indicator: str = "satisfaction"
    by: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    freq: str = "M"
    start: str | None = None  # first period (label of freq), inclusive
    end: str | None = None    # last period, inclusive
    margins: bool = False

    def validate(self) -> "Cut":
        if self.freq not in FREQS:
            raise QueryError("freq", f"freq must be one of M, Q, A; got {self.freq!r}.")
        for name in ("start", "end"):
            v = getattr(self, name)
            if v is not None and not (re.match(FREQS["M"], v) or re.match(FREQS["Q"], v) or re.match(FREQS["A"], v)):
                raise QueryError("period", f"A period is YYYY-MM, YYYY-Qn or YYYY; got {v!r}.")
        for d in self.by:
            if d not in DIMENSIONS:
                raise QueryError("by", f"Unknown dimension {d!r}; one of {', '.join(DIMENSIONS)}.")
        if len(set(self.by)) != len(self.by):
            raise QueryError("by", "A dimension is repeated.")
        for d, values in self.filters.items():
            if d not in DIMENSIONS:
                raise QueryError(d, f"Unknown dimension {d!r}.")
            for v in values:
                if not _CODE.match(v):
                    raise QueryError(d, f"Malformed code {v!r}.")
        check_indicator(self.indicator, self.filters.get("questionnaire"))
        return self


def _month_bounds(label: str, last: bool) -> str:
    if re.match(FREQS["M"], label):
        return label
    year = label[:4]
    if re.match(FREQS["Q"], label):
        q = int(label[-1])
        return f"{year}-{(3 * q if last else 3 * q - 2):02d}"
    return f"{year}-{'12' if last else '01'}"


def time_expr(freq: str) -> str:
    if freq == "M":
        return "period"
    if freq == "Q":
        return "substr(period, 1, 4) || '-Q' || ((CAST(substr(period, 6, 2) AS INTEGER) + 2) // 3)"
    return "substr(period, 1, 4)"


def _where(cut: Cut) -> tuple[str, list[Any]]:
    conds, params = ["indicator = ?"], [cut.indicator]
    if cut.start:
        conds.append("period >= ?")
        params.append(_month_bounds(cut.start, last=False))
    if cut.end:
        conds.append("period <= ?")
        params.append(_month_bounds(cut.end, last=True))
    for d, values in sorted(cut.filters.items()):
        conds.append(f"{d} IN ({', '.join('?' for _ in values)})")
        params += values
    return " AND ".join(conds), params


def aggregate(con, cut: Cut) -> pd.DataFrame:
    """Sum the rollup over ``cut``: one row per cell with ``period``, the ``by`` dimensions, and the
    additive measures."""
    cut.validate()
    where, params = _where(cut)
    t = time_expr(cut.freq)
    measures = ("sum(n)::BIGINT AS n, sum(sum) AS s, sum(sumsq) AS ss, sum(top2)::BIGINT AS t2, "
                + ", ".join(f"sum({b[0]})::BIGINT AS {b[0]}" for b in BUCKETS) + ", "
                + ", ".join(f"sum(c_{c})::BIGINT AS c_{c}" for c in CATEGORY_CODES))
    if cut.margins and cut.by:
        dims = ", ".join(f"CASE WHEN grouping({d}) = 1 THEN '{disclosure.TOTAL}' ELSE coalesce({d}, '{UNKNOWN}') END AS {d}"
                         for d in cut.by)
        sql = (f"SELECT {t} AS period, {dims}, {measures} FROM rollup WHERE {where} "
               f"GROUP BY GROUPING SETS ({', '.join(_sets(cut.by, t))})")
    else:
        dims = "".join(f", coalesce({d}, '{UNKNOWN}') AS {d}" for d in cut.by)
        sql = f"SELECT {t} AS period{dims}, {measures} FROM rollup WHERE {where} GROUP BY ALL"
    df = con.execute(sql, params).df()
    df = df[df["n"] > 0].sort_values(["period", *cut.by], kind="stable").reset_index(drop=True)
    return df


def _sets(by: list[str], t: str) -> list[str]:
    from itertools import combinations

    out = []
    for r in range(len(by), -1, -1):
        for combo in combinations(by, r):
            out.append("(" + ", ".join([t, *combo]) + ")")
    return out


def with_statistics(df: pd.DataFrame, cut: Cut, min_n: int, low_n: int) -> pd.DataFrame:
    """Add statistics, then apply disclosure control (values of suppressed cells become NaN)."""
    df = df.copy()
    n = df["n"].to_numpy(dtype=float)
    if cut.indicator in SCORE_INDICATORS:
        mean, sd = stats.mean_sd(n, df["s"], df["ss"])
        lo, hi = stats.t_interval(n, mean, sd)
        plo, phi = stats.wilson(df["t2"], n)
        df["mean"], df["mean_lower"], df["mean_upper"], df["sd"] = mean, lo, hi, sd
        with np.errstate(invalid="ignore", divide="ignore"):
            df["top2"] = 100 * df["t2"] / n
            for b in BUCKETS:
                df[f"dist_{b[0][1:]}"] = 100 * df[b[0]] / n
        df["top2_lower"], df["top2_upper"] = 100 * plo, 100 * phi
        value_cols = SCORE_STATS
    else:
        for c in CATEGORY_CODES:
            plo, phi = stats.wilson(df[f"c_{c}"], n)
            df[f"share_{c}"] = 100 * df[f"c_{c}"] / n
            df[f"share_{c}_lower"], df[f"share_{c}_upper"] = 100 * plo, 100 * phi
        value_cols = CATEGORY_STATS
    keys = [tuple(r) for r in df[["period", *cut.by]].itertuples(index=False, name=None)]
    lines = disclosure.dimension_lines(len(cut.by) + 1)[1:]
    lines += disclosure.time_lines(0, cut.freq)
    conf = disclosure.suppress(keys, df["n"].tolist(), lines, min_n=min_n)
    df["conf_status"] = conf
    df["obs_status"] = [disclosure.obs_status(c, v, low_n) for c, v in zip(conf, df["n"])]
    hidden = df["conf_status"] != disclosure.FREE
    df.loc[hidden, value_cols] = np.nan
    raw = ["s", "ss", "t2", *[b[0] for b in BUCKETS], *[f"c_{c}" for c in CATEGORY_CODES]]
    return df.drop(columns=raw)[["period", *cut.by, "n", *value_cols, "obs_status", "conf_status"]]


def table(con, cut: Cut, min_n: int = 3, low_n: int = 30) -> pd.DataFrame:
    """The published table of ``cut``: cells with statistics and disclosure control."""
    return with_statistics(aggregate(con, cut), cut, min_n, low_n)


def _num(v: Any, digits: int = 2) -> float | None:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return None
    return round(float(v), digits)


def rows_json(df: pd.DataFrame, cut: Cut) -> list[dict[str, Any]]:
    """Cells as the console API's JSON rows."""
    out = []
    for r in df.to_dict("records"):
        row = {"period": r["period"], **{d: r[d] for d in cut.by}, "n": int(r["n"])}
        if cut.indicator in SCORE_INDICATORS:
            row.update({
                "mean": _num(r["mean"]), "mean_ci": [_num(r["mean_lower"]), _num(r["mean_upper"])],
                "top2": _num(r["top2"]), "top2_ci": [_num(r["top2_lower"]), _num(r["top2_upper"])],
                "distribution": {b[0][1:]: _num(r[f"dist_{b[0][1:]}"]) for b in BUCKETS},
            })
        else:
            row["shares"] = {c: {"share": _num(r[f"share_{c}"]),
                                 "ci": [_num(r[f"share_{c}_lower"]), _num(r[f"share_{c}_upper"])]}
                             for c in CATEGORY_CODES}
        row["obs_status"], row["conf_status"] = r["obs_status"], r["conf_status"]
        out.append(row)
    return out


__all__ = ["Cut", "DIMENSIONS", "FREQS", "aggregate", "table", "rows_json", "CATEGORY_INDICATORS", "SCORE_INDICATORS"]
