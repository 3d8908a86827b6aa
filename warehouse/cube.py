"""Indicators for any cut of the rollup, published through the cell-key method.

A *table* is one indicator at one frequency, grouped by a time period and by some of
:data:`DIMENSIONS`, optionally restricted by filters, optionally with margins (``_T`` totals along
each grouping dimension). :func:`aggregate` sums the rollup's counts and record-key sums over the
cut (internal: never output); :func:`table` hands them to :func:`warehouse.protect.publish`, so every
cell carries the perturbed n, statistics from perturbed counts, ``conf_status`` and ``obs_status``;
suppressed cells carry neither n nor a statistic. To add a dimension, add it to :data:`DIMENSIONS`
(and to the rollup's ``KEYS``); statistics live in :mod:`warehouse.stats` and are chosen in
:func:`warehouse.protect.publish`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from questionnaires.harmonize import CATEGORY_CODES, CATEGORY_INDICATORS, SCORE_INDICATORS

from .ckmnoise import cell_noise_var
from .comparability import QueryError, check_indicator
from . import data_months
from .periods import (calendar_period, ended_sql, freq_of, is_complete, loaded_today, period_of, quarter_near,
                      require_ended_range, today_rome, validate_range)
from .protect import SUPPRESSED, TASK, TASK_POINTS, TOTAL, Protection, publish, value_columns
from .rollup import ALL_SCORES, CATEGORIES, RESPONSES, SCORE_POINTS, sum_mod
from .series_breaks import break_versions as _break_versions, labels  # tests patch cube._break_versions

DIMENSIONS = ("pa_type", "service_type", "region", "entity", "service", "channel", "instrument", "scale",
              "questionnaire")
FREQS = {"M": r"^\d{4}-(0[1-9]|1[0-2])$", "Q": r"^\d{4}-Q[1-4]$", "A": r"^\d{4}$"}
UNKNOWN = "_U"  # a dimension value missing in the data (e.g. an unregistered region)
CODE = re.compile(r"^[A-Za-z0-9._:@-]{1,80}$")


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
        validate_range(self.freq, self.start, self.end)  # whole periods of freq (400 naming from / to)
        require_ended_range(self.start, self.end, freq=self.freq)  # a running period is not published (400 naming to / from)
        for d in self.by:
            if d not in DIMENSIONS:
                raise QueryError("by", f"Unknown dimension {d!r}; one of {', '.join(DIMENSIONS)}.")
        if len(set(self.by)) != len(self.by):
            raise QueryError("by", "A dimension is repeated.")
        for d, values in self.filters.items():
            if d not in DIMENSIONS:
                raise QueryError(d, f"Unknown dimension {d!r}.")
            for v in values:
                if not CODE.match(v):
                    raise QueryError(d, f"Malformed code {v!r}.")
        if self.indicator != RESPONSES:  # the count of responses exists for every instrument
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


def measures_sql(indicator: str) -> str:
    """The sums a cut needs: count and key sum of the cell and of each category of ``indicator``."""
    names = ["n", "k", *[f"{p}_{c}" for p in ("c", "k") for c in CATEGORIES[indicator]]]
    sums = ", ".join(f"{sum_mod(m)} AS {m}" if m[0] == "k" else f"sum({m})::BIGINT AS {m}" for m in names)
    if indicator not in ALL_SCORES and indicator not in CATEGORY_INDICATORS:
        return sums
    # the questionnaire versions in the cell: what the comparability guard judges a mean by, and which
    # categories its respondents were offered (never output)
    return sums + (", string_agg(DISTINCT coalesce(questionnaire, '?') || '@' || coalesce(version, '?'), ',' "
                   "ORDER BY coalesce(questionnaire, '?') || '@' || coalesce(version, '?')) AS pool")


SPAN = "span"  # the ``period`` label of a cell spanning the whole requested range (``span=True``)


def aggregate(con, cut: Cut, span: bool = False) -> pd.DataFrame:
    """Sum the rollup over ``cut``: one row per cell with ``period``, the ``by`` dimensions, the counts
    and key sums (true values: for :func:`warehouse.protect.publish` only, never for output).

    ``span``: one time cell over the whole range (``period`` = :data:`SPAN`) instead of one per ``freq``
    period — e.g. a unit of a comparison over its period. The range must be one calendar month,
    quarter or year (:func:`warehouse.periods.calendar_period`) or every period (no ``start``, no
    ``end``), else :class:`QueryError` naming ``to``: a span cell over any other range would carry
    noise of its own, and many ranges could be averaged (route 13)."""
    cut.validate()
    if span and (cut.start is not None or cut.end is not None):
        require_calendar_span(cut.start, cut.end)
    where, params = _where(cut)
    where += f" AND {ended_sql(con, cut.freq, span, cut.end)}"  # ended when the data were loaded (route 22)
    t = f"'{SPAN}'" if span else time_expr(cut.freq)
    measures = measures_sql(cut.indicator)
    if cut.margins and cut.by and not span:
        dims = ", ".join(f"CASE WHEN grouping({d}) = 1 THEN '{TOTAL}' ELSE coalesce({d}, '{UNKNOWN}') END AS {d}"
                         for d in cut.by)
        sql = (f"SELECT {t} AS period, {dims}, {measures} FROM rollup WHERE {where} "
               f"GROUP BY GROUPING SETS ({', '.join(_sets(cut.by, t))})")
    else:
        dims = "".join(f", coalesce({d}, '{UNKNOWN}') AS {d}" for d in cut.by)
        group = ", ".join(f"{i + 2}" for i in range(len(cut.by)))
        sql = f"SELECT {t} AS period{dims}, {measures} FROM rollup WHERE {where}" + (
            f" GROUP BY {group}" if span and cut.by else "" if span else " GROUP BY ALL")
    df = con.execute(sql, params).df()
    if not span:  # a running quarter or year (its ended months) would be republished at each month's end
        df = df[[is_complete(p) for p in df["period"]]] if len(df) else df
    df = df[df["n"] > 0].sort_values(["period", *cut.by], kind="stable").reset_index(drop=True)
    return df


def require_calendar_span(start: str | None, end: str | None) -> str:
    """The calendar period ``start``..``end`` covers (see :func:`warehouse.periods.calendar_period`);
    :class:`QueryError` naming ``to`` for any other range."""
    label = calendar_period(start, end)
    if label is None:
        quarter, first, last = quarter_near(start, end)
        raise QueryError("to", (
            f"A figure over a range (a comparison's units, a report's totals) is given for one calendar month, "
            f"quarter or year only; from={start or '-'}, to={end or '-'} is not one. Ask for one period "
            f"(period={quarter}, or from={first}&to={last}): each other range would be a new cell with noise of "
            f"its own, and many ranges together could uncover a hidden cell (docs/confidentiality.md)."))
    return label


def _sets(by: list[str], t: str) -> list[str]:
    from itertools import combinations

    out = []
    for r in range(len(by), -1, -1):
        for combo in combinations(by, r):
            out.append("(" + ", ".join([t, *combo]) + ")")
    return out


def table(con, cut: Cut, protection: Protection | None = None, *, span: bool = False, noise: bool = False,
          series: bool = False) -> pd.DataFrame:
    """The published table of ``cut`` (see :func:`warehouse.protect.publish`; ``span``: :func:`aggregate`).

    A published cell in the first period a questionnaire version with a declared break for the
    indicator appears in (within the cell's own dimensions) is flagged ``obs_status = B``. ``noise``
    (score indicators): also ``top2_noise_var`` and ``mean_noise_var``, the variance the perturbation adds
    to each cell's published share (0–1) and mean (:func:`warehouse.ckmnoise.cell_noise_var`), for
    comparisons of published cells (:mod:`warehouse.evaluation`); never output as figures. ``series``: also
    ``series``, the series of the indicator a published cell's answers come from
    (:func:`warehouse.series_breaks.labels`; None for a suppressed cell), for the rules of a trend."""
    raw = aggregate(con, cut, span)
    out = publish(raw, cut.indicator, ["period", *cut.by], protection or Protection())
    if series:
        versions, pools = _break_versions(cut.indicator), raw["pool"] if "pool" in raw else [""] * len(out)
        out["series"] = [None if c == SUPPRESSED else labels(p, versions) for p, c in zip(pools, out["conf_status"])]
    if noise and cut.indicator in ALL_SCORES:
        pools = raw["pool"].tolist() if "pool" in raw else [""] * len(out)
        out["top2_noise_var"], out["mean_noise_var"] = cell_noise_var(
            cut.indicator, pools, out["n"], out["top2"], out["mean"], protection or Protection())
    if not span and len(out):
        _flag_breaks(con, cut, raw, out)
    return out


def _flag_breaks(con, cut: Cut, raw: pd.DataFrame, out: pd.DataFrame) -> None:
    """Set ``obs_status = B`` on published cells of the first period (at ``cut.freq``) in which a
    version with a declared break appears among the cell's answers (the whole history is searched,
    not only the requested range). A margin's answers are those of the cells it sums: its first
    period is the earliest of theirs (the national total breaks when the break first appears anywhere)."""
    versions = _break_versions(cut.indicator)
    if not versions:
        return
    where, params = _where(Cut(indicator=cut.indicator, filters=cut.filters, freq=cut.freq))
    dims = [d for d in cut.by]
    pairs = " OR ".join("(questionnaire = ? AND version = ?)" for _ in versions)
    for q, v in versions:
        params += [q, str(v)]
    sel = "".join(f", coalesce({d}, '{UNKNOWN}') AS {d}" for d in dims)
    firsts = con.execute(f"SELECT {time_expr(cut.freq).replace('period', 'min(period)')} AS first{sel} "
                         f"FROM rollup WHERE {where} AND ({pairs}) AND n > 0"
                         + (f" GROUP BY {', '.join(str(i + 2) for i in range(len(dims)))}" if dims else ""),
                         params).fetchall()
    first = {tuple(r[1:]): r[0] for r in firsts}
    if not first:
        return
    if cut.margins:  # a margin (``_T`` along some dimensions) starts with the earliest of the cells it sums
        for key, p in list(first.items()):
            for mask in product((False, True), repeat=len(key)):
                total = tuple(TOTAL if m else k for k, m in zip(key, mask))
                if any(mask) and (total not in first or p < first[total]):
                    first[total] = p
    keys = list(zip(*[out[d].to_numpy() for d in dims])) if dims else [()] * len(out)
    hit = np.array([first.get(k) == p for k, p in zip(keys, out["period"].to_numpy())])
    out.loc[hit & (out["conf_status"].to_numpy() != "A"), "obs_status"] = "B"


def period_labels(con, freq: str, today=None) -> list[str]:
    """The period labels at ``freq`` that have data and have ended (:func:`warehouse.periods.is_complete` on
    ``today``, and :func:`warehouse.periods.ended_sql`), oldest first: the periods a menu offers."""
    running = loaded_today(con)  # a period ended by the running month the data were loaded with (ended_sql's rule)
    running = running.isoformat()[:7] if running else None
    labels = sorted({period_of(m, freq) for m in data_months.months(con)})
    return [p for p in labels if (running is None or _month_bounds(p, True) < running) and is_complete(p, today)]


def latest_period(con, freq: str, today=None) -> tuple[str | None, bool]:
    """The latest *complete* period at ``freq`` with data (it ended before the current month, Europe/Rome:
    :func:`warehouse.periods.is_complete`), and True; (None, False) when none has ended yet — a running
    period is never published. What the console and the API use when no period is given."""
    labels = period_labels(con, freq, today)
    return (labels[-1], True) if labels else (None, False)


def first_data_month(con) -> str | None:
    """The first month with data (``YYYY-MM``), None without data."""
    months = data_months.months(con)
    return months[0] if months else None


def last_day(con, first: str = "0000-01", last: str = "9999-12") -> str | None:
    """The day of the newest response (the day-grain rollup), else its month; None without data. Of the
    months ``first``–``last`` (``YYYY-MM``) only when given: a range's (:func:`warehouse.refmeta.reference_metadata`)."""
    import duckdb
    try:
        day = con.execute("SELECT max(day) FROM rollup_daily WHERE period BETWEEN ? AND ?", [first, last]).fetchone()[0]
        return day.isoformat() if day is not None else None
    except duckdb.Error:  # a bare ``rollup`` table (tests of the arithmetic)
        return con.execute("SELECT max(period) FROM rollup WHERE period BETWEEN ? AND ?", [first, last]).fetchone()[0]


def coverage(label: str | None, first: str | None, end: str | None = None, today=None) -> dict[str, Any]:
    """Whether the period ``label`` (or the range ``label``–``end``, labels of one frequency) is shown
    whole: ``running`` when its (last) period has not ended (:func:`warehouse.periods.is_complete`, the
    one definition of complete), ``data_from`` the first month with data (``first``) when the data begin
    after the period starts and inside it (the first period of the series holds only its last months);
    ``partial`` when either holds. A period that has not started yet is not a running one: every period
    a page or API is asked for is refused before it gets here (:func:`warehouse.periods.require_started`)."""
    if not label:
        return {"partial": False, "running": False, "data_from": None}
    end = end or label
    running = not is_complete(end, today or today_rome())
    start = _month_bounds(label, last=False)
    data_from = first if first and start < first <= _month_bounds(end, last=True) else None
    return {"partial": running or data_from is not None, "running": running, "data_from": data_from}


#: What a period shown in part (:func:`coverage`) says, in (Italian, English): the one wording of the
#: console, the API, ``ascolto indicators`` and the exports (``COMMENT_OBS``, JSON-stat notes).
PARTIAL_NOTES = {
    "running": ("Periodo in corso: dati parziali, il periodo non è ancora finito.",
                "Period in progress: partial data, the period has not ended yet."),
    "data_from": ("Dati parziali: i dati iniziano nel mese {m}, dopo l'inizio del periodo.",
                  "Partial data: the data begin in {m}, after the period starts."),
}


def partial_note(cov: dict[str, Any], lang: str = "en") -> str:
    """A period's coverage (:func:`coverage`) in words in ``lang`` (``it`` or ``en``); empty when it is
    shown whole."""
    li = 1 if lang == "en" else 0
    notes = [PARTIAL_NOTES["running"][li]] if cov.get("running") else []
    if cov.get("data_from"):
        notes.append(PARTIAL_NOTES["data_from"][li].format(m=cov["data_from"]))
    return " ".join(notes)


def latest_full_period(con, freq: str, today=None) -> str | None:
    """The latest period at ``freq`` that is complete and covered by data from its first month."""
    first = first_data_month(con)
    full = [p for p in period_labels(con, freq) if not coverage(p, first, today=today)["partial"]]
    return full[-1] if full else None


def require_means(df: pd.DataFrame, cut: Cut) -> None:
    """Refuse (:class:`~warehouse.comparability.NotComparable`, HTTP 422) a request for means when any
    cell of ``df`` withholds its mean: the cell pools scales, instruments, wordings or series, or the
    indicator is published as shares (task completion). The reason is the guard's."""
    from .comparability import REASONS, NotComparable

    if cut.indicator not in ALL_SCORES:
        what = "a count of responses: use n" if cut.indicator == RESPONSES else "categorical: use its shares per category"
        raise NotComparable(f"{cut.indicator!r} is {what}.", {"statistic": ["mean"]}, "not_a_score")
    refused = df[df["mean_status"].isin(list(REASONS))] if "mean_status" in df else df.iloc[0:0]
    if len(refused):
        reason = str(refused["mean_status"].iloc[0])
        cells = [", ".join(f"{d}={r[d]}" for d in ["period", *cut.by]) for r in refused.head(5).to_dict("records")]
        raise NotComparable(
            f"A mean of {cut.indicator!r} cannot pool {REASONS[reason]} (cells: {'; '.join(cells)}). Use the positive "
            "share, which is comparable across them, or split the cells by instrument and scale (by=instrument,scale).",
            {"statistic": [f"{reason}: {c}" for c in cells]}, reason)


def _num(v: Any, digits: int = 2) -> float | None:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return None
    return round(float(v), digits)


def nums(values, digits: int = 2) -> list[float | None]:
    """:func:`_num` of every element of a float array, at list speed (None where not finite)."""
    return [round(v, digits) if v - v == 0 else None for v in np.asarray(values, dtype=float).tolist()]


def _status(v: Any) -> str | None:
    """A figure's status word, None for a suppressed cell's (pandas turns the None of
    :data:`warehouse.protect.STATUS_COLUMNS` into NaN, which is not JSON)."""
    return None if v is None or (isinstance(v, float) and v != v) else str(v)


def rows_json(df: pd.DataFrame, cut: Cut) -> list[dict[str, Any]]:
    """Cells as the console API's JSON rows (a suppressed cell: ``n``, every value and every status of a
    figure null — strict JSON, never NaN). Built from the table's columns (:func:`nums`: each rounded once,
    as a list), not row by row: 375 entities' rows took 30 ms of a request on a slow machine."""
    col = {c: df[c].tolist() for c in ("period", *cut.by, "n", "obs_status", "conf_status")}

    def pair(key: str) -> tuple[list, list, list]:
        return nums(df[key]), nums(df[f"{key}_lower"]), nums(df[f"{key}_upper"])

    def shares(codes) -> dict[str, tuple[list, list, list]]:
        return {c: pair(f"share_{c}") for c in codes}

    def statuses(key: str) -> list[str | None]:
        return [_status(v) for v in df[key].tolist()]

    score = cut.indicator in ALL_SCORES
    if score:
        (t2, t2_lo, t2_hi), (mean, mean_lo, mean_hi) = pair("top2"), pair("mean")
        t2_status, mean_status = statuses("top2_status"), statuses("mean_status")
        dist = {c: nums(df[f"dist_{c}"]) for c in SCORE_POINTS}
        task = shares(TASK_POINTS) if cut.indicator == TASK else None
        cats = None
    else:
        cats = shares(CATEGORIES[cut.indicator])
        cats_status = statuses("shares_status") if CATEGORIES[cut.indicator] else None
    out = []
    for i, n in enumerate(col["n"]):
        row = {"period": col["period"][i], **{d: col[d][i] for d in cut.by}, "n": None if n != n else int(n)}
        if score:
            row.update({
                "positive_share": t2[i], "positive_share_ci": [t2_lo[i], t2_hi[i]], "positive_share_status": t2_status[i],
                "mean": mean[i], "mean_ci": [mean_lo[i], mean_hi[i]], "mean_status": mean_status[i],
                "top2": t2[i], "top2_ci": [t2_lo[i], t2_hi[i]],
                "distribution": {c: v[i] for c, v in dist.items()},
            })
            if task is not None:
                row["shares"] = {a: {"share": v[i], "ci": [lo[i], hi[i]]} for a, (v, lo, hi) in task.items()}
        else:
            row["shares"] = {c: {"share": v[i], "ci": [lo[i], hi[i]]} for c, (v, lo, hi) in cats.items()}
            if cats_status is not None:  # ok, or the guard's reason for withholding the shares (n stays)
                row["shares_status"] = cats_status[i]
        row["obs_status"], row["conf_status"] = col["obs_status"][i], col["conf_status"][i]
        out.append(row)
    return out


__all__ = ["Cut", "DIMENSIONS", "FREQS", "aggregate", "table", "rows_json", "value_columns", "CATEGORY_INDICATORS",
           "SCORE_INDICATORS", "CATEGORY_CODES", "Protection"]


def _finite(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else float(v)


def published_cell(con, protection: Protection, indicator: str, dim: str, code: str, period: str) -> dict[str, Any] | None:
    """The published cell of ``indicator`` for one unit (``dim`` = ``code``) and one period label
    (``YYYY-MM``, ``YYYY-Qn``, ``YYYY``), through the protected cube: ``{"n", "top2", "mean", "sd",
    "published", "top2_ci", "mean_ci", "obs_status"}`` (values ``None`` when suppressed; the intervals the
    cube publishes, which cover the perturbation too; ``obs_status`` the cell's: ``U`` low reliability,
    ``B`` break in series…), ``top2_noise_var`` and ``mean_noise_var`` (the perturbation's variance of the
    share, 0–1, and of the mean, :func:`table`'s ``noise``: what :mod:`warehouse.evaluation` adds to the
    sampling variance), ``series`` (:func:`table`'s); ``None`` when the unit has no answers then.
    What an improvement plan's baseline and the console's improvement pages read."""
    cut = Cut(indicator=indicator, filters={dim: [code]}, freq=freq_of(period, "period"), start=period,
              end=period).validate()
    df = table(con, cut, protection, noise=True, series=True)
    if df.empty:
        return None
    r = df.iloc[0]
    top2, n = _finite(r["top2"]), _finite(r["n"])
    return {"n": None if n is None else int(n), "top2": top2, "mean": _finite(r["mean"]), "sd": _finite(r["sd"]),
            "published": top2 is not None, "top2_ci": (_finite(r["top2_lower"]), _finite(r["top2_upper"])),
            "mean_ci": (_finite(r["mean_lower"]), _finite(r["mean_upper"])), "obs_status": str(r["obs_status"]),
            "top2_noise_var": _finite(r.get("top2_noise_var")), "mean_noise_var": _finite(r.get("mean_noise_var")),
            "series": r["series"]}
