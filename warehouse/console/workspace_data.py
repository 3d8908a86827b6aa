"""What an entity's workspace shows (issue 15): its services' published figures and trends, its
position against the national benchmark of each of its service types, the went well / went wrong
reasons, and the citizens' comments.

Every figure comes from the protected cube (:mod:`warehouse.cube` → :mod:`warehouse.protect`) and
the comparison from :func:`warehouse.compare.compare` (published cells only). Comments are the
``comment`` column of the ``responses`` dataset (already redacted by the processor) of the entity's
own services: shown to the entity and to national staff only, never published, never aggregated.

Comments go through the cell-key method too (docs/confidentiality.md, "Comments"): a comment is listed
only when its finest cell — entity × service × channel × month, counted like the cube's ``responses``
— is published (perturbed n ≥ 3, not suppressed), at most n' + D − 1 of a cell; no count of comments, no per-comment rating and no
rating filter are released (they would rebuild exact counts and means of hidden cells by subtraction).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dataset.views import counted

from .. import cube
from ..comparability import QueryError
from ..periods import is_complete, require_ended, today_rome
from ..protect import FREE, SHARES_PUBLISHED, Protection
from ..rollup import CATEGORIES, RESPONSES
from . import data

REASONS = ("went_well", "went_wrong")
MAX_COMMENTS = 500        # rows on a page
MAX_CSV_COMMENTS = 50_000  # rows in a CSV download
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$|^\d{4}-Q[1-4]$|^\d{4}$")


#: Entities with a **published** figure (perturbed n ≥ 3, ``conf_status`` F) in the service type and period that
#: a benchmark, flag, rank and funnel need. Fewer: the "national" benchmark would be one or two other
#: entities' figures. A suppressed entity does not count: its few answers hardly move the benchmark (which
#: stays the figure of one or two others), the flags and ranks are computed among published units only
#: (DESIGN §7: no statistic over unpublished data), and counting it would tell an entity that a hidden
#: cell it cannot see holds answers.
MIN_BENCHMARK_UNITS = 3


def position(con, settings, ipa: str, types: list[str], indicator: str, measure: str = "positive_share", *,
             freq: str = "M", period: str | None = None, not_asked: set[str] = frozenset()) -> list[dict[str, Any]]:
    """Per service type of the entity, in the page's period (``freq``, ``period``; default the latest
    period at ``freq``): the national benchmark, the entity's published value, n, funnel flag and EB
    rank among the type's entities (``tied`` when it shares it: shown "3=") with its 95% interval (``rank_interval``:
    the positions the entity may hold, shown beside the rank — a rank alone reads as a certain place), and the
    funnel limits (for the plot). ``ci``: the entity's own figure's 95% interval; ``rank_reason``
    ``"unranked"`` where the benchmark and the own figure are shown but the type's entities are not ranked
    (no evidence of differences between them, τ² = 0).

    The benchmark, flag, rank and funnel are withheld (``benchmark_reason`` says why) when fewer than
    :data:`MIN_BENCHMARK_UNITS` entities of the type, the own included, have a published figure in the
    period (``units``: how many have; suppressed entities are not counted), or when the comparability guard
    refuses to pool the type's instruments even for the positive share (``not_comparable``). ``not_asked``: the types whose
    services' questionnaires do not ask ``indicator`` — shown as not collected, not as suppressed."""
    out = []
    protection = Protection.from_settings(settings)
    if period is None:
        period, _complete = cube.latest_period(con, freq)
    for t in types:
        row = {"service_type": t, "label": data.type_label(t, data.current_lang()), "period": period, "freq": freq,
               "benchmark": None, "benchmark_shown": None, "benchmark_reason": None, "value": None, "n": None, "flag": None, "rank": None, "tied": None,
               "rank_interval": None, "rank_reason": None, "ci": None,
               "units": 0, "collected": t not in not_asked, "conf_status": None, "obs_status": None,
               "funnel": {k: [] for k in ("n", "lower_95", "upper_95", "lower_99.8", "upper_99.8")}}
        out.append(row)
        if not row["collected"]:
            row["benchmark_reason"] = "not_collected"
            continue
        if period is None:
            row["benchmark_reason"] = "no_data"
            continue
        cut = cube.Cut(indicator=indicator, filters={"service_type": [t]}, freq=freq, start=period,
                       end=period).validate()
        # a mean over scales or instruments (issue 13): the comparable share instead
        body, _refused, withheld = data.comparison(con, cut, measure, level="entity", protection=protection)
        if withheld:  # not even the share pools (the page rating's clarity, not_headline): this
            row["benchmark_reason"] = "not_comparable"  # type's row says so; the page was a 422
            continue
        own = next((u for u in body["units"] if u["entity"] == ipa), None)
        published = sum(1 for u in body["units"] if u["conf_status"] == FREE)
        # every value rounded once, from its cell, as the other pages show it (data.shown_value)
        mine = cube.Cut(indicator=indicator, filters={"service_type": [t], "entity": [ipa]}, freq=freq, start=period,
                        end=period).validate()
        value, ci = _own(con, protection, mine, body["measure"]) if own and own["value"] is not None else (None, None)
        row.update(value=value, ci=ci, n=(own or {}).get("n"), units=published,
                   conf_status=(own or {}).get("conf_status"), obs_status=(own or {}).get("obs_status"))
        if own is None:
            row["benchmark_reason"] = "no_own_data"
        if published < MIN_BENCHMARK_UNITS:
            row["benchmark_reason"] = "too_few_units"
            continue
        f = body.get("funnel") or {}
        row.update(benchmark=body.get("benchmark"), benchmark_shown=data.shown_value(con, protection, cut, body["measure"]),
                   flag=(own or {}).get("flag"), rank=(own or {}).get("rank"),
                   tied=(own or {}).get("tied"), rank_interval=(own or {}).get("rank_interval"),
                   funnel={k: f.get(k, []) for k in ("n", "lower_95", "upper_95", "lower_99.8", "upper_99.8")})
        if row["value"] is not None and row["rank"] is None and not (body.get("ranking") or {}).get("ranked"):
            row["rank_reason"] = "unranked"  # no evidence of differences (τ² = 0): said, not a bare dash
    return out


def _own(con, protection, cut: "cube.Cut", measure: str) -> tuple[float | None, list[float | None] | None]:
    """The value of ``cut``'s one published cell in ``measure`` (its positive share, or its mean) and its 95%
    interval (Wilson, or t), each rounded once as the other pages round them (:func:`.data.shown_value`);
    ``(None, None)`` when the cell is suppressed or empty."""
    df = cube.table(con, cut, protection)
    if not len(df) or df["conf_status"].iloc[0] == "A":
        return None, None
    v, lo, hi = ("mean", "mean_lower", "mean_upper") if measure == "mean" else ("top2", "top2_lower", "top2_upper")
    return data.num(df[v].iloc[0]), [data.num(df[lo].iloc[0]), data.num(df[hi].iloc[0])]


BENCHMARK_REASONS = {
    "too_few_units": "nessun benchmark: meno di 3 enti con un dato pubblicato per questo tipo di servizio nel periodo",
    "not_collected": "non rilevato: i questionari dei servizi non pongono questa domanda",
    "no_data": "nessun dato nel periodo",
    "no_own_data": "nessuna risposta dell'ente nel periodo",
    "not_comparable": "nessun benchmark: per questo tipo di servizio l'indicatore è raccolto con strumenti che non si "
                      "confrontano (per esempio la chiarezza di una pagina e quella di un servizio)",
}


def funnel_chart(p: dict[str, Any], ipa: str, name: str | None = None,
                 measure: str = "positive_share") -> "data.Chart":
    """The funnel of one service type with the national benchmark and the entity's own point only
    (the other entities are not named in a workspace), labelled ``name`` (the registry's, in the
    reader's language, as the trend's line beside it), else ``ipa``; the y axis is the measure
    :func:`position` compared (the positive share unless asked otherwise), titled in the page's language."""
    ytitle = data._("Quota positiva %") if measure == "positive_share" else data._("Media (0–100)")
    f = p["funnel"]
    bench = p.get("benchmark_shown")
    own = [] if p["value"] is None else [p]
    lines = [("upper_99.8", "99,8%", "#a61919", "dot"), ("lower_99.8", None, "#a61919", "dot"),
             ("upper_95", "95%", "#995c00", "dash"), ("lower_95", None, "#995c00", "dash")]
    plot = {"data": [{"type": "scatter", "mode": "lines", "x": f["n"], "y": f[k], "name": name or "",
                      "showlegend": name is not None, "line": {"color": color, "dash": dash}}
                     for k, name, color, dash in lines] + [
        {"type": "scatter", "mode": "lines", "x": [min(f["n"] or [0]), max(f["n"] or [1])], "y": [bench, bench],
         "name": data._("Benchmark nazionale"), "line": {"color": "#17324d"}},
        {"type": "scatter", "mode": "markers+text", "x": [r["n"] for r in own], "y": [r["value"] for r in own],
         "text": [name or ipa for _ in own], "textposition": "top center", "name": name or ipa, "marker": {"color": "#0066cc", "size": 12}}],
        "layout": {"xaxis": {"title": {"text": data._("Numero di risposte")}}, "yaxis": {"title": {"text": ytitle}, "range": [0, 105]}}}
    # the chart's table (its accessible alternative and its CSV) says what the position table above it
    # says, in words: the service type's name, the funnel position and the status — it gave the codes
    # ("anagrafe.certificati", "within", "A", "F") beside a table saying "entro i limiti"
    from .i18n_results import code_label

    status = data.status_text({"conf_status": p["conf_status"], "obs_status": p["obs_status"]}) if p["n"] else "—"
    rows = [{"service_type": p["label"], "n": p["n"], "value": p["value"],
             "benchmark": bench, "flag": code_label(p["flag"]), "status": status}]
    return data.Chart(f"funnel-{p['service_type']}", f"Funnel plot — {p['label']}",
                      [("service_type", "Tipo di servizio"), ("n", "Risposte"), ("value", "Quota positiva %"
                                                                          if measure == "positive_share" else "Media (0–100)"),
                       ("benchmark", "Benchmark nazionale"), ("flag", "Posizione nel funnel"),
                       ("status", "Stato")], rows, plot if f["n"] else {})


def service_trends(con, settings, ipa: str, services: list[dict], indicator: str,
                   window: dict[str, str] | None) -> list["data.Chart"]:
    """One trend per service of the entity over ``window`` (``freq``, ``start``, ``end``: the page's
    trend window, the 12 periods ending at the chosen one — none without a chosen period): published
    cells, suppressed periods without a value, a running or partly covered period said so in the
    ``coverage`` column, as the service types' trends; its 95% interval drawn as a band
    (:func:`warehouse.console.data.ci_band`)."""
    if not window:
        return []
    cut = cube.Cut(indicator=indicator, by=["service"], filters={"entity": [ipa]}, **window).validate()
    df = cube.table(con, cut, Protection.from_settings(settings))
    first = cube.first_data_month(con)
    by: dict[str, list[dict[str, Any]]] = {}
    for r in df.to_dict("records"):
        by.setdefault(r["service"], []).append({"period": r["period"], **data._cell(r),
                                                "coverage": data.coverage_text(r["period"], first)})
    charts = []
    for s in services:
        rows = by.get(s["key"])
        if not rows:
            continue
        # the positive share, as the table's first figure (and every other trend of the console)
        pub = [r for r in rows if r["top2"] is not None]
        plot = {"data": [data.ci_band([r["period"] for r in pub], [r["top2_lower"] for r in pub],
                                      [r["top2_upper"] for r in pub], data._("IC 95%"), "rgba(0,102,204,0.15)"),
                         {"type": "scatter", "mode": "lines+markers", "x": [r["period"] for r in pub],
                          "y": [r["top2"] for r in pub], "name": s["name"], "line": {"color": "#0066cc"}}],
                "layout": {"yaxis": {"range": [0, 100], "title": {"text": data._("Quota positiva %")}},
                           "xaxis": {"type": "category", "title": {"text": data._("Periodo")}}}}
        charts.append(data.Chart(f"service-{s['key']}", s["name"],
                                 [("period", "Periodo"), *data.STAT_COLUMNS, ("coverage", "Copertura del periodo")],
                                 rows, plot))
    return charts


def reasons(con, settings, ipa: str, service: str | None = None, *, freq: str = "M",
            period: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Shares of each went well / went wrong category over the entity's (or one service's) responses
    that answered it in the page's period (``freq``, ``period``; nothing without a period), like every
    other figure of the page: published cells (shares and Wilson CIs from perturbed counts); a category
    none of the entity's questionnaires offers is left out (it has no share).

    Where the entity's cell pools single- with multiple-choice reasons or different category sets, the
    cube withholds its shares (``shares_status``, the comparability guard's reason): the rows are then
    the cells of each instrument (``instrument`` set, ``split`` = that reason), each published or
    suppressed on its own, instead of an empty table; otherwise ``instrument`` and ``split`` are None."""
    filters = {"entity": [ipa], **({"service": [service]} if service else {})}
    out: dict[str, list[dict[str, Any]]] = {ind: [] for ind in REASONS}
    if period is None:
        return out
    protection = Protection.from_settings(settings)
    for ind in REASONS:
        cut = cube.Cut(indicator=ind, filters=filters, freq=freq, start=period, end=period).validate()
        df = cube.table(con, cut, protection)
        split = None
        if len(df) and df["conf_status"].iloc[0] == FREE and df["shares_status"].iloc[0] not in SHARES_PUBLISHED:
            split = df["shares_status"].iloc[0]
            cut = cube.Cut(indicator=ind, by=["instrument"], filters=filters, freq=freq, start=period,
                           end=period).validate()
            df = cube.table(con, cut, protection)
        rows = []
        for r in df.to_dict("records"):
            for c in CATEGORIES[ind]:
                if r["conf_status"] != "A" and data.num(r[f"share_{c}"]) is None:
                    continue  # a category the entity's questionnaires do not offer: nothing to show
                rows.append({"category": c, "n": data.count(r["n"]), "share": data.num(r[f"share_{c}"]),
                             "ci_lower": data.num(r[f"share_{c}_lower"]), "ci_upper": data.num(r[f"share_{c}_upper"]),
                             "obs_status": r["obs_status"], "conf_status": r["conf_status"],
                             "instrument": r.get("instrument"), "split": split})
        rows.sort(key=lambda x: (x["instrument"] or "", -(x["share"] or 0)))
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
        if period is not None:
            require_ended(period, "period")  # a running period: its comments are listed once it has ended
        if args.get("rating"):  # counts of comments per rating would rebuild the protected cells' figures
            raise QueryError("rating", "Comments are not filtered by rating: the published shares give the ratings.")
        channel = args.get("channel") or None
        from questionnaires.envelope import CHANNELS
        if channel is not None and channel not in CHANNELS:
            raise QueryError("channel", f"channel is one of {', '.join(CHANNELS)}.")
        q = (args.get("q") or "").strip() or None
        if q is not None and len(q) > 100:
            raise QueryError("q", "at most 100 characters.")
        return cls(ipa, services, service, period, channel, q)

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
        if self.channel:
            conds.append("channel = ?")
            params.append(self.channel)
        if self.q:
            conds.append("contains(lower(comment), ?)")
            params.append(self.q.lower())
        return " AND ".join(conds), params


#: A comment is dated by its month only, and listed within a month in an order that is not the order of
#: arrival (by its random submission id): a time to the minute (or the arrival order) lets the entity's
#: staff match a comment to their own records of a quiet counter or phone line — to the citizen.
COMMENT_COLUMNS = ("period", "service", "channel", "comment")
_CELL_SQL = f"coalesce(service, '{cube.UNKNOWN}') || '|' || coalesce(channel, '{cube.UNKNOWN}') || '|' || period"


@dataclass
class Comments:
    """The comments of a selection that may be shown: ``rows`` (newest month first, dated by month only, no rating), whether there
    are more than shown (``truncated``; never how many), the selection's cells with too few answers
    (``withheld``: service, channel, period — cells the protected cube already lists as suppressed) and
    its cells of the month still running (``running``: listed once the month is over)."""
    rows: list[dict[str, Any]]
    truncated: bool
    withheld: list[dict[str, str]]
    running: list[dict[str, str]] = field(default_factory=list)


def comment_cells(con, settings, query: CommentQuery,
                  today=None) -> tuple[dict[str, int], list[dict[str, str]], list[dict[str, str]]]:
    """The entity's monthly service × channel cells of ``responses`` in the protected cube: for each
    published one of a complete month (key ``service|channel|period``) how many of its comments may be
    listed, the suppressed ones matching the selection, and those of a month still running on ``today``
    (Europe/Rome, :func:`warehouse.periods.is_complete`) matching it.

    A month's comments are listed once it is over: the list of the running month grew as answers
    arrived, and staff who read it before and after a citizen's visit saw that citizen's comment appear
    — the arrival the month-only dates hide (route 18, docs/confidentiality.md).

    A published cell lists at most n' + D − 1 comments (n' its perturbed n, D the p-table's maximum
    deviation): a cell where every respondent commented would otherwise show its true n, which the
    published n' only bounds to [n' − D, n' + D]; the cap leaves at least two values possible."""
    protection = Protection.from_settings(settings)
    df = cube.table(con, cube.Cut(indicator=RESPONSES, by=["service", "channel"], filters={"entity": [query.ipa]}),
                    protection)
    published, withheld, running = {}, [], []
    months = None
    today = today or today_rome()
    if query.period:
        months = {query.period} if len(query.period) == 7 and query.period[5] != "Q" else None
    for r in df.to_dict("records"):
        chosen = ((not query.service or r["service"] == query.service) and (not query.channel or r["channel"] == query.channel)
                  and (not query.period or (r["period"] in months if months else _in_period(r["period"], query.period))))
        if not is_complete(r["period"], today):
            if chosen:
                running.append({"service": r["service"], "channel": r["channel"], "period": r["period"]})
        elif r["conf_status"] == FREE:
            n = int(r["n"])  # without noise (D = 0) the published n is the true one: nothing to hide
            published[f"{r['service']}|{r['channel']}|{r['period']}"] = n + protection.D - 1 if protection.D > 0 else n
        elif chosen:
            withheld.append({"service": r["service"], "channel": r["channel"], "period": r["period"]})
    return published, withheld, running


def _in_period(month: str, period: str) -> bool:
    if month[:4] != period[:4]:
        return False
    return "Q" not in period or (int(month[5:7]) + 2) // 3 == int(period[-1])


def comments(con, settings, query: CommentQuery, limit: int = MAX_COMMENTS) -> Comments:
    """The newest comments matching ``query`` in published cells only (at most ``limit``).

    Reads the raw ``responses`` view; a compaction swapping files between planning and reading makes
    DuckDB miss a listed file, so the query is tried again (up to three times) before giving up."""
    import duckdb

    published, withheld, running = comment_cells(con, settings, query)
    for attempt in range(3):
        try:
            rows = _comments(con, query, published, limit)
            return Comments(rows[:limit], len(rows) > limit, withheld, running)
        except duckdb.IOException:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _comments(con, query: CommentQuery, published: dict[str, int], limit: int) -> list[dict[str, Any]]:
    """The selection's comments among each published cell's listable ones: the first ``cap`` of the
    cell's comments by ``submission_id`` — the same ones whatever the filters, so no two selections
    together list more of a cell than its cap. Newest month first, by ``submission_id`` within a month
    (:data:`COMMENT_COLUMNS`: no time, no arrival order)."""
    if not published:
        return []
    where, params = query.sql()
    keys, caps = list(published), list(published.values())
    rows = con.execute(
        f"WITH c AS (SELECT *, {_CELL_SQL} AS cell_key, row_number() OVER (PARTITION BY {_CELL_SQL} "
        f"ORDER BY submission_id) AS cell_rank FROM responses WHERE entity = ? AND comment IS NOT NULL "
        f"AND length(trim(comment)) > 0 AND {counted()}) "
        f"SELECT period, service, channel, comment FROM c WHERE {where} "
        f"AND cell_rank <= (?::INTEGER[])[list_position(?, cell_key)] "
        f"ORDER BY period DESC, submission_id LIMIT {int(limit) + 1}",
        [query.ipa, *params, caps, keys]).fetchall()
    return [dict(zip(COMMENT_COLUMNS, r)) for r in rows]
