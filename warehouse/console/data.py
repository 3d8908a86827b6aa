"""What each dashboard page shows, computed from the warehouse (the same functions as the API).

Every builder returns a dict with ``charts``: each :class:`Chart` has the rows its table
alternative shows, and the CSV download of a chart is exactly those rows and columns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionnaires.harmonize import SCORE_INDICATORS
from questionnaires.taxonomy import UnknownCode, service_type as lookup_type, service_types
from registry import geo

from .. import cube
from ..compare import compare
from ..comparability import QueryError
from ..protect import FREE, Protection

SUPPRESSED = ("A",)


@dataclass
class Chart:
    id: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict[str, Any]]
    plot: dict[str, Any] = field(default_factory=dict)  # plotly {data, layout}
    caption: str = ""


def num(v: Any, digits: int = 1) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else round(f, digits)


def count(v: Any) -> int | None:
    """A published count (None when suppressed)."""
    f = num(v, 0)
    return None if f is None else int(f)


def type_label(code: str, lang: str) -> str:
    try:
        label = lookup_type(code).label
        return label.get(lang) or label.get("it") or code
    except UnknownCode:
        return code


def region_label(nuts: str) -> str:
    for name, code in geo.REGIONS.values():
        if code == nuts:
            return name
    return {"ITH1": "Provincia autonoma di Bolzano", "ITH2": "Provincia autonoma di Trento", "_U": "—"}.get(nuts, nuts)


def _cell(r: dict[str, Any]) -> dict[str, Any]:
    """A cube row's published statistics (None when suppressed)."""
    return {"n": None if r["conf_status"] != FREE else int(r["n"]), "mean": num(r.get("mean")), "mean_lower": num(r.get("mean_lower")),
            "mean_upper": num(r.get("mean_upper")), "top2": num(r.get("top2")),
            "top2_lower": num(r.get("top2_lower")), "top2_upper": num(r.get("top2_upper")),
            "obs_status": r["obs_status"], "conf_status": r["conf_status"]}


def _table(con, settings, **kw) -> list[dict[str, Any]]:
    cut = cube.Cut(**kw).validate()
    df = cube.table(con, cut, Protection.from_settings(settings))
    return df.to_dict("records")


def indicator_arg(args) -> str:
    ind = args.get("indicator", "satisfaction")
    if ind not in SCORE_INDICATORS:
        raise QueryError("indicator", f"indicator must be one of {', '.join(SCORE_INDICATORS)}.")
    return ind


def _ci_trace(x, lo, hi, name, color):
    return {"type": "scatter", "x": x + x[::-1], "y": hi + lo[::-1], "fill": "toself", "mode": "lines",
            "line": {"width": 0}, "fillcolor": color, "name": name, "hoverinfo": "skip"}


STAT_COLUMNS = [("n", "N"), ("mean", "Media (0–100)"), ("mean_lower", "IC 95% inf."), ("mean_upper", "IC 95% sup."),
                ("top2", "Top-2-box %"), ("obs_status", "OBS_STATUS"), ("conf_status", "CONF_STATUS")]


def overview(con, settings, args, lang) -> dict[str, Any]:
    indicator = indicator_arg(args)
    protection = Protection.from_settings(settings)
    every = cube.table(con, cube.Cut(indicator=cube.RESPONSES), protection, span=True)
    total = every["n"].iloc[0] if len(every) else 0
    services, entities = con.execute(
        "SELECT count(DISTINCT service), count(DISTINCT entity) FROM rollup WHERE n > 0").fetchone()
    volumes = [(r["period"], r["n"]) for r in _table(con, settings, indicator=cube.RESPONSES)]
    headline = []
    for ind in SCORE_INDICATORS:
        rows = _table(con, settings, indicator=ind)
        if rows:
            last = rows[-1]
            headline.append({"indicator": ind, "period": last["period"], **_cell(last)})
    trend = [{"period": r["period"], **_cell(r)} for r in _table(con, settings, indicator=indicator)]
    x = [r["period"] for r in trend]
    pub = [r for r in trend if r["mean"] is not None]
    px = [r["period"] for r in pub]
    plot = {"data": [_ci_trace(px, [r["mean_lower"] or r["mean"] for r in pub],
                               [r["mean_upper"] or r["mean"] for r in pub], "IC 95%", "rgba(0,102,204,0.15)"),
                     {"type": "scatter", "mode": "lines+markers", "x": px, "y": [r["mean"] for r in pub],
                      "name": indicator, "line": {"color": "#0066cc"}}],
            "layout": {"yaxis": {"range": [0, 100], "title": {"text": "0–100"}},
                       "xaxis": {"type": "category", "categoryarray": x}}}
    return {
        "indicator": indicator, "total": count(total), "services": int(services), "entities": int(entities),
        "headline": headline,
        "charts": [
            Chart("trend", "Media nazionale per mese", [("period", "Periodo"), *STAT_COLUMNS], trend, plot),
            Chart("volumes", "Risposte per mese", [("period", "Periodo"), ("responses", "Risposte")],
                  [{"period": p, "responses": count(c)} for p, c in volumes],
                  {"data": [{"type": "bar", "x": [p for p, _ in volumes], "y": [count(c) for _, c in volumes],
                             "marker": {"color": "#0066cc"}, "name": "Risposte"}],
                   "layout": {"xaxis": {"type": "category"}}}),
        ],
    }


def unit_totals(con, settings, dim: str, indicator: str = "satisfaction") -> dict[str, int | None]:
    """The published n of each value of ``dim`` over every period (None when suppressed)."""
    pub = cube.table(con, cube.Cut(indicator=indicator, by=[dim], freq="A"), Protection.from_settings(settings), span=True)
    return {r[dim]: (None if r["conf_status"] != FREE else int(r["n"])) for r in pub.to_dict("records")}


def service_types_present(con, settings) -> list[tuple[str, int | None]]:
    return sorted((t, n) for t, n in unit_totals(con, settings, "service_type").items() if t != cube.UNKNOWN)


def service_type_page(con, settings, args, lang, code: str, names: dict[str, str]) -> dict[str, Any]:
    indicator = indicator_arg(args)
    measure = args.get("measure", "mean")
    filters = {"service_type": [code]}
    for d in ("region", "pa_type"):
        if args.get(d):
            filters[d] = [args[d]]
    cut = cube.Cut(indicator=indicator, filters=filters, start=args.get("from") or None,
                   end=args.get("to") or None).validate()
    protection = Protection.from_settings(settings)
    body = compare(con, cut, measure=measure, overdispersion=args.get("overdispersion", "multiplicative"), level="entity",
                   protection=protection)
    own: dict[str, Any] = {}
    # the units' own intervals: their published cells over the same period as the comparison
    by_entity = cube.Cut(indicator=indicator, by=["entity"], filters=filters, start=cut.start, end=cut.end).validate()
    own = {r["entity"]: r for r in cube.table(con, by_entity, protection, span=True).to_dict("records")}
    lo_key, hi_key = ("mean_lower", "mean_upper") if measure == "mean" else ("top2_lower", "top2_upper")
    rows = []
    for u in body["units"]:
        o = own.get(u["entity"], {})
        rows.append({"entity": u["entity"], "name": names.get(u["entity"], u["entity"]), "n": u["n"],
                     "value": num(u["value"]),
                     "ci_lower": num(o.get(lo_key)) if u["value"] is not None else None,
                     "ci_upper": num(o.get(hi_key)) if u["value"] is not None else None,
                     "flag": u["flag"], "eb_estimate": num((u.get("eb") or {}).get("estimate")),
                     "rank": u["rank"], "obs_status": u["obs_status"], "conf_status": u["conf_status"]})
    f = body["funnel"] or {"n": [], "upper_99.8": [], "lower_99.8": [], "upper_95": [], "lower_95": []}
    bench = (body["benchmark"] or {}).get("value")
    pub = [r for r in rows if r["value"] is not None]
    plot = {"data": [
        {"type": "scatter", "mode": "lines", "x": f["n"], "y": f["upper_99.8"], "name": "99,8%",
         "line": {"color": "#a61919", "dash": "dot"}},
        {"type": "scatter", "mode": "lines", "x": f["n"], "y": f["lower_99.8"], "name": "99,8% ",
         "line": {"color": "#a61919", "dash": "dot"}, "showlegend": False},
        {"type": "scatter", "mode": "lines", "x": f["n"], "y": f["upper_95"], "name": "95%",
         "line": {"color": "#995c00", "dash": "dash"}},
        {"type": "scatter", "mode": "lines", "x": f["n"], "y": f["lower_95"], "name": "95% ",
         "line": {"color": "#995c00", "dash": "dash"}, "showlegend": False},
        {"type": "scatter", "mode": "lines", "x": [min(f["n"] or [0]), max(f["n"] or [1])], "y": [bench, bench],
         "name": "Benchmark", "line": {"color": "#17324d"}},
        {"type": "scatter", "mode": "markers+text", "x": [r["n"] for r in pub], "y": [r["value"] for r in pub],
         "text": [r["entity"] for r in pub], "textposition": "top center", "name": "Enti",
         "marker": {"color": "#0066cc", "size": 10}},
    ], "layout": {"xaxis": {"title": {"text": "N"}}, "yaxis": {"title": {"text": measure}, "range": [0, 105]}}}
    columns = [("rank", "Rango EB"), ("entity", "Codice IPA"), ("name", "Ente"), ("n", "N"), ("value", "Valore"),
               ("ci_lower", "IC 95% inf."), ("ci_upper", "IC 95% sup."), ("eb_estimate", "Stima EB"),
               ("flag", "Posizione nel funnel"), ("obs_status", "OBS_STATUS"), ("conf_status", "CONF_STATUS")]
    return {"code": code, "label": type_label(code, lang), "indicator": indicator, "measure": measure,
            "benchmark": body["benchmark"], "compare": body, "filters": filters,
            "charts": [Chart("funnel", "Funnel plot", columns, rows, plot)]}


def entity_page(con, settings, args, lang, ipa: str, services: list[dict]) -> dict[str, Any]:
    indicator = indicator_arg(args)
    types = [t for (t,) in con.execute("SELECT DISTINCT service_type FROM rollup WHERE entity = ? AND n > 0 "
                                       "ORDER BY 1", [ipa]).fetchall()]
    svc = {r["service"]: r for r in _table(con, settings, indicator=indicator, by=["service"],
                                          filters={"entity": [ipa]}, freq="A")}
    charts = []
    for t in types:
        own = {r["period"]: _cell(r) for r in _table(con, settings, indicator=indicator,
                                                    filters={"entity": [ipa], "service_type": [t]})}
        nat = {r["period"]: _cell(r) for r in _table(con, settings, indicator=indicator, filters={"service_type": [t]})}
        rows = [{"period": p, "n": own[p]["n"], "mean": own[p]["mean"], "mean_lower": own[p]["mean_lower"],
                 "mean_upper": own[p]["mean_upper"], "obs_status": own[p]["obs_status"],
                 "conf_status": own[p]["conf_status"], "national_n": nat.get(p, {}).get("n"),
                 "national_mean": nat.get(p, {}).get("mean")} for p in sorted(own)]
        plot = {"data": [{"type": "scatter", "mode": "lines+markers", "x": [r["period"] for r in rows],
                          "y": [r["mean"] for r in rows], "name": ipa, "line": {"color": "#0066cc"}},
                         {"type": "scatter", "mode": "lines", "x": [r["period"] for r in rows],
                          "y": [r["national_mean"] for r in rows], "name": "Benchmark nazionale",
                          "line": {"color": "#17324d", "dash": "dash"}}],
                "layout": {"yaxis": {"range": [0, 100]}, "xaxis": {"type": "category"}}}
        charts.append(Chart(f"trend-{t}", type_label(t, lang),
                            [("period", "Periodo"), ("n", "N"), ("mean", "Media (0–100)"), ("mean_lower", "IC 95% inf."),
                             ("mean_upper", "IC 95% sup."), ("obs_status", "OBS_STATUS"), ("conf_status", "CONF_STATUS"),
                             ("national_n", "N nazionale"), ("national_mean", "Media nazionale")], rows, plot))
    service_rows = []
    for s in services:
        key = s["key"]
        cell = _cell(svc[key]) if key in svc else None
        service_rows.append({**s, "cell": cell})
    return {"ipa": ipa, "indicator": indicator, "services": service_rows, "charts": charts, "types": types}


def regions_page(con, settings, args, lang) -> dict[str, Any]:
    indicator = indicator_arg(args)
    freq = args.get("freq", "A")
    rows = _table(con, settings, indicator=indicator, by=["region"], freq=freq,
                  start=args.get("period") or None, end=args.get("period") or None)
    periods = sorted({r["period"] for r in rows})
    period = args.get("period") or (periods[-1] if periods else None)
    out = [{"region": r["region"], "name": region_label(r["region"]), **_cell(r)}
           for r in rows if r["period"] == period]
    out.sort(key=lambda r: r["name"])
    values = sorted(r["mean"] for r in out if r["mean"] is not None)
    for r in out:
        if r["mean"] is None:
            r["band"] = "none"
        elif len(values) < 3:
            r["band"] = "mid"
        else:
            rank = values.index(r["mean"]) / (len(values) - 1)
            r["band"] = "low" if rank < 1 / 3 else "high" if rank > 2 / 3 else "mid"
    return {"indicator": indicator, "freq": freq, "period": period, "periods": periods,
            "charts": [Chart("regions", "Regioni", [("region", "NUTS-2"), ("name", "Regione"), *STAT_COLUMNS], out)]}


def quality_page(con, settings, args, lang) -> dict[str, Any]:
    import duckdb

    volumes = [(r["period"], r["pa_type"], r["n"]) for r in _table(con, settings, indicator=cube.RESPONSES, by=["pa_type"])]
    fresh = con.execute("SELECT strftime(max(received_at) AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M UTC') FROM responses").fetchone()[0]
    failed_root = Path(settings.data_dir) / "failed"
    failed: list[tuple[str, int]] = []
    if failed_root.exists() and any(failed_root.rglob("*.parquet")):
        pattern = str(failed_root / "**" / "*.parquet").replace("'", "''")
        with duckdb.connect(":memory:") as fc:
            failed = fc.execute(f"SELECT reason, count(*) FROM read_parquet('{pattern}', union_by_name = true, "
                                "hive_partitioning = false) GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    cells = _table(con, settings, indicator="satisfaction", by=["service_type", "entity"], margins=True)
    counts = {"published": 0, "low": 0, "suppressed": 0}
    for c in cells:
        if c["conf_status"] != FREE:
            counts["suppressed"] += 1
        elif c["obs_status"] == "U":
            counts["low"] += 1
        else:
            counts["published"] += 1
    supp = [{"status": k, "cells": v} for k, v in counts.items()]
    return {"fresh": fresh, "failed_total": sum(int(c) for _, c in failed), "cells": len(cells), "charts": [
        Chart("volumes", "Risposte per mese e tipo di PA", [("period", "Periodo"), ("pa_type", "Tipo di PA"),
                                                             ("responses", "Risposte")],
              [{"period": p, "pa_type": t, "responses": count(c)} for p, t, c in volumes],
              {"data": [{"type": "bar", "name": t, "x": [p for p, tt, _ in volumes if tt == t],
                         "y": [count(c) for _, tt, c in volumes if tt == t]} for t in sorted({v[1] for v in volumes})],
               "layout": {"barmode": "stack", "xaxis": {"type": "category"}}}),
        Chart("failed", "Record scartati (DLQ) per motivo", [("reason", "Motivo"), ("records", "Record")],
              [{"reason": r, "records": int(c)} for r, c in failed]),
        Chart("suppression", "Celle per stato (soddisfazione, mese × tipo di servizio × ente, con margini)",
              [("status", "Stato"), ("cells", "Celle")], supp),
    ]}


def known_service_types(lang: str) -> list[tuple[str, str]]:
    return sorted(((c, type_label(c, lang)) for c in service_types()), key=lambda t: t[1])
