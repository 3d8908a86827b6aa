"""What an entity's workspace shows (issue 15): its services' published figures and trends, its
position against the national benchmark of each of its service types, the went well / went wrong
reasons, and the citizens' comments.

Every figure comes from the protected cube (:mod:`warehouse.cube` → :mod:`warehouse.protect`) and
the comparison from :func:`warehouse.compare.compare` (published cells only). Comments are the
``comment`` column of the ``responses`` dataset (already redacted by the processor) of the entity's
own services: shown to the entity and to national staff only, never published, never aggregated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dataset.views import counted

from .. import cube
from ..comparability import QueryError, NotComparable
from ..compare import compare
from ..protect import Protection
from ..rollup import CATEGORIES
from . import data

REASONS = ("went_well", "went_wrong")
MAX_COMMENTS = 500        # rows on a page
MAX_CSV_COMMENTS = 50_000  # rows in a CSV download
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$|^\d{4}-Q[1-4]$|^\d{4}$")
# a response's rating on 1–5: its overall satisfaction, else the stars of the Designers Italia component
RATING_SQL = "CAST(round(coalesce(satisfaction, ease, clarity) / 25) AS INTEGER) + 1"


def position(con, settings, ipa: str, types: list[str], indicator: str, measure: str = "positive_share") -> list[dict[str, Any]]:
    """Per service type of the entity: the national benchmark, the entity's published value, n, funnel
    flag and EB rank among the type's entities, and the funnel limits (for the plot)."""
    out = []
    protection = Protection.from_settings(settings)
    for t in types:
        period, _complete = cube.latest_period(con, "M")  # as the API: the latest complete period, not all pooled
        cut = cube.Cut(indicator=indicator, filters={"service_type": [t]}, start=period, end=period).validate()
        try:
            body = compare(con, cut, measure=measure, level="entity", protection=protection)
        except NotComparable:  # a mean over scales or instruments (issue 13): the comparable share instead
            body = compare(con, cut, measure="positive_share", level="entity", protection=protection)
        own = next((u for u in body["units"] if u["entity"] == ipa), None)
        f = body.get("funnel") or {}
        out.append({"service_type": t, "label": data.type_label(t, "it"), "benchmark": body.get("benchmark"),
                    "value": data.num((own or {}).get("value")), "n": (own or {}).get("n"),
                    "flag": (own or {}).get("flag"), "rank": (own or {}).get("rank"),
                    "units": sum(1 for u in body["units"] if u["value"] is not None),
                    "conf_status": (own or {}).get("conf_status", "A"), "obs_status": (own or {}).get("obs_status", "Q"),
                    "funnel": {k: f.get(k, []) for k in ("n", "lower_95", "upper_95", "lower_99.8", "upper_99.8")}})
    return out


def funnel_chart(p: dict[str, Any], ipa: str, measure: str = "mean") -> "data.Chart":
    """The funnel of one service type with the national benchmark and the entity's own point only
    (the other entities are not named in a workspace)."""
    f = p["funnel"]
    bench = (p["benchmark"] or {}).get("value")
    own = [] if p["value"] is None else [p]
    lines = [("upper_99.8", "99,8%", "#a61919", "dot"), ("lower_99.8", None, "#a61919", "dot"),
             ("upper_95", "95%", "#995c00", "dash"), ("lower_95", None, "#995c00", "dash")]
    plot = {"data": [{"type": "scatter", "mode": "lines", "x": f["n"], "y": f[k], "name": name or "",
                      "showlegend": name is not None, "line": {"color": color, "dash": dash}}
                     for k, name, color, dash in lines] + [
        {"type": "scatter", "mode": "lines", "x": [min(f["n"] or [0]), max(f["n"] or [1])], "y": [bench, bench],
         "name": "Benchmark nazionale", "line": {"color": "#17324d"}},
        {"type": "scatter", "mode": "markers+text", "x": [r["n"] for r in own], "y": [r["value"] for r in own],
         "text": [ipa for _ in own], "textposition": "top center", "name": ipa, "marker": {"color": "#0066cc", "size": 12}}],
        "layout": {"xaxis": {"title": {"text": "N"}}, "yaxis": {"title": {"text": measure}, "range": [0, 105]}}}
    rows = [{"service_type": p["service_type"], "n": p["n"], "value": p["value"],
             "benchmark": bench, "flag": p["flag"], "obs_status": p["obs_status"], "conf_status": p["conf_status"]}]
    return data.Chart(f"funnel-{p['service_type']}", f"Funnel plot — {p['label']}",
                      [("service_type", "Tipo di servizio"), ("n", "N"), ("value", "Valore"),
                       ("benchmark", "Benchmark nazionale"), ("flag", "Posizione nel funnel"),
                       ("obs_status", "OBS_STATUS"), ("conf_status", "CONF_STATUS")], rows, plot if f["n"] else {})


def service_trends(con, settings, ipa: str, services: list[dict], indicator: str) -> list["data.Chart"]:
    """One monthly trend per service of the entity (published cells; suppressed months without a value)."""
    df = cube.table(con, cube.Cut(indicator=indicator, by=["service"], filters={"entity": [ipa]}),
                    Protection.from_settings(settings))
    by: dict[str, list[dict[str, Any]]] = {}
    for r in df.to_dict("records"):
        by.setdefault(r["service"], []).append({"period": r["period"], **data._cell(r)})
    charts = []
    for s in services:
        rows = by.get(s["key"])
        if not rows:
            continue
        pub = [r for r in rows if r["mean"] is not None]
        plot = {"data": [{"type": "scatter", "mode": "lines+markers", "x": [r["period"] for r in pub],
                          "y": [r["mean"] for r in pub], "name": s["name"], "line": {"color": "#0066cc"}}],
                "layout": {"yaxis": {"range": [0, 100]}, "xaxis": {"type": "category"}}}
        charts.append(data.Chart(f"service-{s['key']}", s["name"], [("period", "Periodo"), *data.STAT_COLUMNS], rows, plot))
    return charts


def reasons(con, settings, ipa: str, service: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Shares of each went well / went wrong category over the entity's (or one service's) responses
    that answered it, all periods together: published cells (shares and Wilson CIs from perturbed counts)."""
    filters = {"entity": [ipa], **({"service": [service]} if service else {})}
    out: dict[str, list[dict[str, Any]]] = {}
    for ind in REASONS:
        df = cube.table(con, cube.Cut(indicator=ind, filters=filters, freq="A"), Protection.from_settings(settings),
                        span=True)
        rows = []
        for r in df.to_dict("records"):
            for c in CATEGORIES[ind]:
                rows.append({"category": c, "n": data.count(r["n"]), "share": data.num(r[f"share_{c}"]),
                             "ci_lower": data.num(r[f"share_{c}_lower"]), "ci_upper": data.num(r[f"share_{c}_upper"]),
                             "obs_status": r["obs_status"], "conf_status": r["conf_status"]})
        rows.sort(key=lambda x: -(x["share"] or 0))
        out[ind] = rows
    return out


@dataclass
class CommentQuery:
    """Filters of the comments list; :meth:`parse` validates the request's arguments (QueryError
    naming the field otherwise)."""
    ipa: str
    services: list[str]
    service: str | None = None
    period: str | None = None
    rating: int | None = None
    channel: str | None = None
    q: str | None = None

    @classmethod
    def parse(cls, ipa: str, services: list[str], args) -> "CommentQuery":
        service = args.get("service") or None
        if service is not None and service not in services:
            raise QueryError("service", f"{service[:64]!r} is not a service of {ipa}.")
        period = args.get("period") or None
        if period is not None and not _PERIOD.match(period):
            raise QueryError("period", "A period is YYYY-MM, YYYY-Qn or YYYY.")
        rating = args.get("rating") or None
        if rating is not None:
            if rating not in ("1", "2", "3", "4", "5"):
                raise QueryError("rating", "rating is 1 to 5.")
            rating = int(rating)
        channel = args.get("channel") or None
        from questionnaires.envelope import CHANNELS
        if channel is not None and channel not in CHANNELS:
            raise QueryError("channel", f"channel is one of {', '.join(CHANNELS)}.")
        q = (args.get("q") or "").strip() or None
        if q is not None and len(q) > 100:
            raise QueryError("q", "at most 100 characters.")
        return cls(ipa, services, service, period, rating, channel, q)

    def sql(self) -> tuple[str, list[Any]]:
        conds = ["entity = ?", "comment IS NOT NULL", "length(trim(comment)) > 0", counted()]  # no automated ones
        params: list[Any] = [self.ipa]
        if self.service:
            conds.append("service = ?")
            params.append(self.service)
        if self.period:
            if len(self.period) == 7 and self.period[5] != "Q":
                conds.append("period = ?")
                params.append(self.period)
            else:
                months = [f"{self.period[:4]}-{m:02d}" for m in (
                    range(3 * int(self.period[-1]) - 2, 3 * int(self.period[-1]) + 1) if "Q" in self.period else range(1, 13))]
                conds.append(f"period IN ({', '.join('?' for _ in months)})")
                params += months
        if self.rating:
            conds.append(f"{RATING_SQL} = ?")
            params.append(self.rating)
        if self.channel:
            conds.append("channel = ?")
            params.append(self.channel)
        if self.q:
            conds.append("contains(lower(comment), ?)")
            params.append(self.q.lower())
        return " AND ".join(conds), params


COMMENT_COLUMNS = ("received_at", "period", "service", "channel", "rating", "comment")


def comments(con, query: CommentQuery, limit: int = MAX_COMMENTS) -> tuple[list[dict[str, Any]], int]:
    """The newest comments matching ``query`` (at most ``limit``) and how many match in all.

    Reads the raw ``responses`` view; a compaction swapping files between planning and reading makes
    DuckDB miss a listed file, so the query is tried again (up to three times) before giving up."""
    import duckdb

    for attempt in range(3):
        try:
            return _comments(con, query, limit)
        except duckdb.IOException:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _comments(con, query: CommentQuery, limit: int) -> tuple[list[dict[str, Any]], int]:
    where, params = query.sql()
    total = con.execute(f"SELECT count(*) FROM responses WHERE {where}", params).fetchone()[0]
    rows = con.execute(
        f"SELECT strftime(received_at AT TIME ZONE 'Europe/Rome', '%Y-%m-%d %H:%M') AS received_at, period, service, "
        f"channel, {RATING_SQL} AS rating, comment FROM responses WHERE {where} "
        f"ORDER BY received_at DESC, submission_id LIMIT {int(limit)}", params).fetchall()
    return [dict(zip(COMMENT_COLUMNS, r)) for r in rows], int(total)
