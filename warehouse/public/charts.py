"""The public site's trend charts: the positive share of the headline indicators
(:data:`warehouse.public.highlights.HEADLINE`) in every released quarter, as a server-rendered SVG image —
nationally (``/<lang>/charts/national.svg``, on the home page) and per service type
(``/<lang>/charts/service-types/<code>.svg``, on the type's page). No script: the site's pages stay
script-free; the tables below each chart stay the accessible alternative.

Every plotted figure is a *published* release cell (:meth:`warehouse.public.releases.Release.cells` of each
quarter's latest version: ``top2`` with its 95% interval ``top2_lower``–``top2_upper``) — nothing is computed
from the data. A suppressed cell (``CONF_STATUS`` A, ``OBS_STATUS`` Q, or no value) is a gap, never a value; a
cell of fewer than ``low_n`` answers (``OBS_STATUS`` U) is drawn hollow, and the legend says why; the line
joining the points breaks at a gap and at a break in series (``OBS_STATUS`` B).

:func:`points` reads the cells; :func:`describe` says the chart in words (the ``<img>``'s alt text: each
indicator's first and latest published values); :func:`render` draws it with matplotlib (imported there
only, Agg backend: the site starts without it). The SVG is deterministic (``svg.hashsalt`` fixed, no date),
keeps its text as text (``svg.fonttype`` none: readable and searchable, drawn in the reader's sans-serif),
and marks each point: ``<g class="point" data-indicator data-period data-value data-lower data-upper
data-status>`` around the marker, with a ``<title>`` saying the value in the page's language.
"""
from __future__ import annotations

import io
import threading
import xml.etree.ElementTree as ET
from typing import Any, Mapping

from ..numbers import number
from .highlights import HEADLINE
from .i18n import LABELS, gettext
from .releases import TOTAL, Release

#: Each headline indicator's colour (the site's link blue and text black: ≥ 7:1 on white) and marker shape
#: (not colour alone: a circle and a square)
STYLE = {"SATISFACTION": ("#0059b3", "o"), "TASK_COMPLETED": ("#1a1a1a", "s")}
AXIS, GRID = "#4d5f70", "#d9dee3"
SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"

Y_LABEL = "% giudizi positivi"
CI = "barre: intervallo di confidenza al 95%"
LOW_N = "simbolo vuoto: meno di {n} risposte, bassa affidabilità"
GAP = "nessun simbolo: nessun valore pubblicato (oscurato per il segreto statistico)"
POINT = "{label}, {q}: {v}% (intervallo di confidenza al 95%: {lo}–{hi})"
LOW_POINT = "{label}, {q}: {v}% (intervallo di confidenza al 95%: {lo}–{hi}; meno di {n} risposte, bassa affidabilità)"
ALT = "Grafico della quota di giudizi positivi per trimestre, dal {first} al {last}, con intervalli di confidenza al 95%."
ALT_SERIES = "{label}: {v0}% nel {q0}, {v1}% nel {q1}."
ALT_ONE = "{label}: {v}% nel {q}."
ALT_NONE = "{label}: nessun valore pubblicato."
ALT_GAPS = "Trimestri senza un valore pubblicato: {qs}."
CAPTION = ("Quota di giudizi positivi per trimestre, con l'intervallo di confidenza al 95% di ogni valore; "
           "i valori sono nelle tabelle qui sotto.")
#: Every Italian (source) text of the charts: each must have its English and German (tests/test_public_german.py)
TEXTS = (Y_LABEL, CI, LOW_N, GAP, POINT, LOW_POINT, ALT, ALT_SERIES, ALT_ONE, ALT_NONE, ALT_GAPS, CAPTION)

_LOCK = threading.Lock()  # matplotlib's rcParams are global: one render at a time


def suppressed(cell: Mapping[str, Any] | None) -> bool:
    """A cell that gives no value: absent, suppressed (``CONF_STATUS`` A or ``OBS_STATUS`` Q) or without a share."""
    return (cell is None or cell.get("conf_status") == "A" or cell.get("obs_status") == "Q"
            or cell.get("top2") is None)


def points(releases: Mapping[str, Release], service_type: str = TOTAL) -> list[tuple[str, dict[str, dict | None]]]:
    """``[(quarter, {indicator: cell or None}), …]`` oldest first: every released quarter (for a service type,
    from the first that holds it to the last), each headline indicator's published cell there, None when it
    gives no value (:func:`suppressed`)."""
    quarters = sorted(releases)
    if service_type != TOTAL:
        held = [q for q in quarters if service_type in releases[q].values("service_type")]
        quarters = [q for q in quarters if held and held[0] <= q <= held[-1]]
    out = []
    for q in quarters:
        cells = {c["indicator"]: c for c in releases[q].cells(service_type=service_type)}
        out.append((q, {i: (None if suppressed(cells.get(i)) else cells[i]) for i in HEADLINE}))
    return out


def shown(data: list[tuple[str, dict[str, dict | None]]]) -> list[str]:
    """The headline indicators with at least one published value."""
    return [i for i in HEADLINE if any(cells[i] for _q, cells in data)]


def describe(data: list[tuple[str, dict[str, dict | None]]], lang: str) -> str:
    """The chart in words, in ``lang``: the quarters it spans, each indicator's first and latest published value
    (or that it has none) and the quarters without a value — the ``alt`` of its ``<img>``."""
    if not data:
        return ""
    out = [gettext(ALT, lang).format(first=data[0][0], last=data[-1][0])]
    for ind in HEADLINE:
        label = LABELS[lang][ind]
        values = [(q, cells[ind]["top2"]) for q, cells in data if cells[ind]]
        if not values:
            out.append(gettext(ALT_NONE, lang).format(label=label))
        elif len(values) == 1:
            out.append(gettext(ALT_ONE, lang).format(label=label, v=number(values[0][1], lang), q=values[0][0]))
        else:
            (q0, v0), (q1, v1) = values[0], values[-1]
            out.append(gettext(ALT_SERIES, lang).format(label=label, v0=number(v0, lang), q0=q0,
                                                        v1=number(v1, lang), q1=q1))
    gaps = [q for q, cells in data if any(cells[i] is None for i in HEADLINE)]
    if gaps:
        out.append(gettext(ALT_GAPS, lang).format(qs=", ".join(gaps)))
    return " ".join(out)


def _point_title(ind: str, q: str, c: Mapping[str, Any], lang: str, low_n: int) -> str:
    words = gettext(LOW_POINT if c.get("obs_status") == "U" else POINT, lang)
    return words.format(label=LABELS[lang][ind], q=q, v=number(c["top2"], lang), lo=number(c["top2_lower"], lang),
                        hi=number(c["top2_upper"], lang), n=low_n)


def render(data: list[tuple[str, dict[str, dict | None]]], lang: str, low_n: int) -> bytes:
    """The chart of :func:`points` as a UTF-8 SVG document, labelled in ``lang``; the same data give the same
    bytes. ``low_n``: the reliability threshold the legend names."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    rc = {"svg.hashsalt": "ascolto-public-charts", "svg.fonttype": "none", "font.family": "sans-serif",
          "font.sans-serif": ["DejaVu Sans"], "font.size": 10, "axes.edgecolor": AXIS, "xtick.color": AXIS,
          "ytick.color": AXIS, "text.color": "#1a1a1a", "axes.labelcolor": "#1a1a1a", "xtick.labelcolor": "#1a1a1a",
          "ytick.labelcolor": "#1a1a1a"}
    marks: list[tuple[str, dict[str, str]]] = []
    with _LOCK, matplotlib.rc_context(rc):
        fig = Figure(figsize=(8, 4.4))
        ax = fig.add_axes((0.08, 0.35, 0.9, 0.62))
        quarters = [q for q, _cells in data]
        offset = {"SATISFACTION": -0.08, "TASK_COMPLETED": 0.08}
        for ind in HEADLINE:
            colour, marker = STYLE[ind]
            segment: list[tuple[float, float]] = []
            for x, (q, cells) in enumerate(data):
                c = cells[ind]
                if c is None or c.get("obs_status") == "B":  # a gap, or a new series: the line breaks
                    if len(segment) > 1:
                        ax.plot(*zip(*segment), color=colour, linewidth=1)
                    segment = []
                if c is None:
                    continue
                px, y = x + offset[ind], float(c["top2"])
                segment.append((px, y))
                ax.vlines(px, c["top2_lower"], c["top2_upper"], colors=colour, linewidth=1.5)
                ax.hlines([c["top2_lower"], c["top2_upper"]], px - 0.05, px + 0.05, colors=colour, linewidth=1.5)
                gid = f"pt-{len(marks)}"
                low = c.get("obs_status") == "U"
                ax.plot([px], [y], linestyle="none", marker=marker, markersize=8, markeredgewidth=1.5,
                        markeredgecolor=colour, markerfacecolor="#ffffff" if low else colour, gid=gid, clip_on=False,
                        zorder=3)
                marks.append((gid, {"data-indicator": ind, "data-period": q, "data-value": repr(float(c["top2"])),
                                    "data-lower": repr(float(c["top2_lower"])),
                                    "data-upper": repr(float(c["top2_upper"])),
                                    "data-status": f"{c.get('obs_status')}/{c.get('conf_status')}",
                                    "title": _point_title(ind, q, c, lang, low_n)}))
            if len(segment) > 1:
                ax.plot(*zip(*segment), color=colour, linewidth=1)
        ax.set_ylim(0, 100)
        ax.set_yticks(range(0, 101, 20))
        ax.set_xlim(-0.5, max(len(quarters) - 0.5, 0.5))
        ax.set_xticks(range(len(quarters)), quarters, rotation=45 if len(quarters) > 8 else 0)
        ax.set_ylabel(gettext(Y_LABEL, lang))
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [Line2D([], [], color=STYLE[i][0], marker=STYLE[i][1], markersize=8, linestyle="none",
                          label=LABELS[lang][i]) for i in HEADLINE]
        handles += [Line2D([], [], color=AXIS, marker="o", markersize=8, markerfacecolor="#ffffff", linestyle="none",
                           markeredgewidth=1.5, label=gettext(LOW_N, lang).format(n=low_n)),
                    Line2D([], [], color=AXIS, marker="|", markersize=12, linestyle="none", markeredgewidth=1.5,
                           label=gettext(CI, lang)),
                    Line2D([], [], linestyle="none", label=gettext(GAP, lang))]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.0), ncols=1, frameon=False,
                   fontsize=9, handletextpad=0.6, labelspacing=0.35)
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return _mark(out.getvalue(), marks)


def _mark(svg: bytes, marks: list[tuple[str, dict[str, str]]]) -> bytes:
    """The SVG with each point's group (matplotlib's ``gid``) given its data attributes and its ``<title>``."""
    for prefix, uri in (("", SVG_NS), ("xlink", XLINK_NS), ("dc", "http://purl.org/dc/elements/1.1/"),
                        ("cc", "http://creativecommons.org/ns#"), ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")):
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(svg)
    groups = {g.get("id"): g for g in root.iter(f"{{{SVG_NS}}}g")}
    for gid, attrs in marks:
        g = groups[gid]
        g.set("class", "point")
        for k, v in attrs.items():
            if k != "title":
                g.set(k, v)
        title = ET.Element(f"{{{SVG_NS}}}title")
        title.text = attrs["title"]
        g.insert(0, title)
    return b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                                      xml_declaration=False)
