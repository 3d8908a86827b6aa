"""The national overview page, and its trend chart that a service type's page draws too.

:func:`trend_chart`: an indicator's positive share, period after period, with its 95% interval. The
overview draws Italy's (every response); a service type's page draws its national benchmark (every
response of the type, whatever the page's unit filters choose). The last 12 periods of the chosen
frequency up to the chosen period, every figure from :func:`.data.table` (through
:mod:`warehouse.protect`), each period's coverage in words.
"""
from __future__ import annotations

from typing import Any


from .. import cube
from ..protect import Protection
from .data import (SHARE_COLUMNS, Chart, breakdown, cell, ci_band, count, coverage_text, indicator_arg, indicator_label,
                   period_choice, table)
from .i18n import gettext as _
from .overview_changes import CHANGE_COLUMNS, headline_changes, type_changes

#: the volumes chart's bar of a whole period, and of one holding only part of its months (lighter)
BAR, PARTIAL_BAR = "#0066cc", "rgba(0,102,204,0.35)"


def partial_key(text: str) -> dict[str, Any]:
    """A plotly annotation under a chart saying how its partial periods are drawn (``text``): the
    picture itself, not only its table, tells a period holding part of its months from a fall."""
    return {"text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": 1.08,
            "xanchor": "left", "font": {"size": 12}}


def trend_chart(con, settings, indicator: str, per: dict[str, Any], title: str, name: str,
                filters: dict[str, list[str]] | None = None) -> Chart:
    """Chart ``trend``: ``indicator``'s positive share per period (its line called ``name``), the
    interval of each published value drawn as a band under it; empty when ``per`` has no period."""
    p = per["period"]
    recent = [x for x in per["periods"] if p and x <= p][-12:]
    first = cube.first_data_month(con) if recent else None
    rows = [{"period": r["period"], **cell(r), "coverage": coverage_text(r["period"], first)} for r in
            table(con, settings, indicator=indicator, filters=filters or {}, freq=per["freq"], start=recent[0],
                  end=recent[-1])] if recent else []
    columns = [("period", "Periodo"), *SHARE_COLUMNS, ("coverage", "Copertura del periodo")]
    if not rows:
        return Chart("trend", title, columns, [])
    pub = [r for r in rows if r["share"] is not None]
    px = [r["period"] for r in pub]
    # a period holding part of its months (or still running) is an open marker, its coverage in the hover
    partial = [bool(r["coverage"]) for r in pub]
    plot = {"data": [ci_band(px, [r["share_lower"] for r in pub], [r["share_upper"] for r in pub], _("IC 95%"),
                             "rgba(0,102,204,0.15)"),
                     {"type": "scatter", "mode": "lines+markers", "x": px, "y": [r["share"] for r in pub],
                      "name": name, "line": {"color": BAR},
                      "marker": {"symbol": ["circle-open" if p else "circle" for p in partial],
                                 "size": [10 if p else 7 for p in partial]},
                      "text": [r["coverage"] for r in pub], "hovertemplate": "%{x}: %{y}<br>%{text}<extra></extra>"}],
            "layout": {"yaxis": {"range": [0, 100], "title": {"text": _("Quota positiva %")}},
                       "xaxis": {"type": "category", "categoryarray": [r["period"] for r in rows],
                                 "title": {"text": _("Periodo")}}}}
    if any(partial):
        plot["layout"]["annotations"] = [partial_key(_("○ cerchio vuoto: periodo parziale (vedi la tabella)"))]
    return Chart("trend", title, columns, rows, plot)


def volumes_chart(con, settings, per: dict[str, Any], recent: list[str]) -> Chart:
    """Chart ``volumes``: the published count of responses per period (through :mod:`warehouse.protect`),
    a period holding only part of its months drawn lighter, its coverage in the table and the hover."""
    first = cube.first_data_month(con)
    rows = [{"period": r["period"], "responses": count(r["n"]), "coverage": coverage_text(r["period"], first)}
            for r in table(con, settings, indicator=cube.RESPONSES, freq=per["freq"], start=recent[0],
                           end=recent[-1])] if recent else []
    layout = {"xaxis": {"type": "category", "title": {"text": _("Periodo")}}, "yaxis": {"title": {"text": _("Risposte")}}}
    if any(r["coverage"] for r in rows):
        layout["annotations"] = [partial_key(_("barra chiara: periodo parziale (vedi la tabella)"))]
    plot = {"data": [{"type": "bar", "x": [r["period"] for r in rows], "y": [r["responses"] for r in rows],
                      "marker": {"color": [PARTIAL_BAR if r["coverage"] else BAR for r in rows]}, "name": _("Risposte"),
                      "text": [r["coverage"] for r in rows], "textposition": "none",
                      "hovertemplate": "%{x}: %{y}<br>%{text}<extra></extra>"}],
            "layout": layout}
    return Chart("volumes", "Risposte per periodo", VOLUME_COLUMNS, rows, plot)


#: The overview's headline table (every score indicator in the period, its change since the previous period), as
#: its CSV heads it.
HEADLINE_COLUMNS = [("indicator_label", "Indicatore"), *SHARE_COLUMNS, *CHANGE_COLUMNS]
#: The volumes chart's table: responses per period, and its coverage as the trend's table says it (a first
#: period holding only its last months reads as a fall in responses without it).
VOLUME_COLUMNS = [("period", "Periodo"), ("responses", "Risposte"), ("coverage", "Copertura del periodo")]


def overview(con, settings, args, lang) -> dict[str, Any]:
    """The national overview: the period's total, the headline table with each indicator's change since the
    previous period, the service types whose share of the indicator changed detectably (``tables``, in
    that order: downloadable like a chart's; :mod:`.overview_changes`), the indicator's trend and volumes,
    its breakdown by instrument and channel."""
    indicator = indicator_arg(args)
    per = period_choice(con, args)
    protection = Protection.from_settings(settings)
    p = per["period"]
    if p is None:  # nothing yet: the same charts, empty, so that each download still carries its header
        return {"indicator": indicator, "per": per, "total": None, "services": 0, "entities": 0, "headline": [],
                "tables": [Chart("headline", "Indicatori principali", HEADLINE_COLUMNS, []),
                           type_changes(con, settings, indicator, per["freq"], None, per["periods"], lang)],
                "charts": [trend_chart(con, settings, indicator, per, "Quota positiva nazionale per periodo",
                                       indicator_label(indicator)),
                           Chart("volumes", "Risposte per periodo", VOLUME_COLUMNS, []),
                           *breakdown(con, settings, indicator, {}, per)]}
    every = cube.table(con, cube.Cut(indicator=cube.RESPONSES, freq=per["freq"], start=p, end=p), protection)
    total = every["n"].iloc[0] if len(every) else None
    lo, hi = cube._month_bounds(p, False), cube._month_bounds(p, True)
    services, entities = con.execute("SELECT count(DISTINCT service), count(DISTINCT entity) FROM rollup "
                                     "WHERE n > 0 AND period BETWEEN ? AND ?", [lo, hi]).fetchone()
    headline = headline_changes(con, settings, per["freq"], p, per["periods"])
    recent = [x for x in per["periods"] if x <= p][-12:]
    tables = [Chart("headline", "Indicatori principali",
                    HEADLINE_COLUMNS,
                    [{"indicator_label": indicator_label(h["indicator"]), **h} for h in headline]),
              type_changes(con, settings, indicator, per["freq"], p, per["periods"], lang)]
    return {
        "indicator": indicator, "per": per, "total": count(total), "services": int(services), "entities": int(entities),
        "headline": headline, "tables": tables,
        "charts": [
            trend_chart(con, settings, indicator, per, "Quota positiva nazionale per periodo",
                        indicator_label(indicator)),
            volumes_chart(con, settings, per, recent),
            *breakdown(con, settings, indicator, {}, per),
        ],
    }
