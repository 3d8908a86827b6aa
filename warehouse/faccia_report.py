"""The periodic "Mettiamoci la faccia" report of one entity (issue 14 §6): data only.

Faces by channel and month (the ``faccia`` instrument's ``satisfaction``: happy 100, neutral 50,
sad 0), the positive share (the happy face) with its Wilson 95% interval, and the reasons chosen
(``went_well`` after a happy face, ``went_wrong`` otherwise) — every figure a published cell of
:func:`warehouse.cube.table`, so perturbed and suppressed like any other (warehouse/protect.py).
"""
from __future__ import annotations

import math
from typing import Any

from questionnaires import default_catalog
from questionnaires.harmonize import CATEGORY_CODES

from . import codelists
from .cube import Cut, coverage, table
from .periods import calendar_period, is_complete, months, period_of
from .protect import Protection

INSTRUMENT = "faccia"
FACES = (("100", "Soddisfatto/a"), ("50", "Né soddisfatto/a né insoddisfatto/a"), ("0", "Insoddisfatto/a"))


def _v(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def channel_label(code: str, lang: str = "it") -> str:
    """The channel ``code`` in words of ``lang``: the CHANNEL codelist's (*Sportello*, *Front office*), as
    every page and export names it."""
    return codelists.label("CHANNEL", code, lang)


def _reason_labels(indicator: str, lang: str = "it") -> dict[str, str]:
    """Wording of each category in ``lang`` as the faccia questionnaire asks it (Italian where the
    option has no such translation; options mapped onto one category joined by " / "; else the code)."""
    q = default_catalog().get(INSTRUMENT, 1)
    rule = q.harmonization.get(indicator, {})
    item = next((i for i in q.items if i.code == rule.get("item")), None)
    out: dict[str, list[str]] = {}
    for o in item.options if item else ():
        out.setdefault(rule.get("map", {}).get(o.code, o.code), []).append(o.label.get(lang) or o.label["it"])
    return {c: " / ".join(v) for c, v in out.items()}


def report(con, entity: str, protection: Protection, start: str | None = None, end: str | None = None,
           lang: str = "it") -> dict:
    """The report's figures for ``entity`` over [start, end] (months ``YYYY-MM``; default: all), its
    words (channels, reasons) in ``lang`` (``it`` or ``en``; the figures are the same in every language).

    The months' rows cover the range; the totals by channel and the reasons (``channels``,
    ``reasons``) cover ``totals_period``: the calendar month, quarter or year the range is
    (:func:`warehouse.periods.calendar_period`), or with no range given the year of the latest month
    with data — its quarter, or that month, while the year (the quarter) is still running: a running
    period is not published (:func:`warehouse.periods.require_ended`);
    None (no totals) for any other range — a total over an arbitrary range would be a cell with
    noise of its own (docs/confidentiality.md, route 13).
    ``running``: the report's last month when it is still running (:func:`warehouse.cube.coverage`),
    else None — its figures, and the totals and reasons, are partial; each month's row says it too
    (``running``)."""
    filters = {"entity": [entity], "questionnaire": [INSTRUMENT]}
    faces = table(con, Cut("satisfaction", ["channel"], filters, "M", start, end), protection)
    rows = []
    for r in faces.to_dict("records"):
        rows.append({"period": r["period"], "channel": r["channel"],
                     "channel_label": channel_label(r["channel"], lang), "n": _v(r["n"]),
                     "faces": [_v(r.get(f"dist_{code}")) for code, _ in FACES],
                     "positive": _v(r["top2"]), "lower": _v(r["top2_lower"]), "upper": _v(r["top2_upper"]),
                     "status": r["obs_status"]})
    periods = sorted({r["period"] for r in rows})
    first, last = (periods[0], periods[-1]) if periods else (None, None)
    if start is None and end is None:  # the last month's year, else quarter, else itself: the first ended
        totals_period = next((p for p in (last[:4], period_of(last, "Q"), last) if is_complete(p)), None) \
            if last else None
    else:
        totals_period = calendar_period(start or first, end or last) if (start or first) and (end or last) else None
    channels: list[dict] = []
    reasons: dict[str, list] = {"went_well": [], "went_wrong": []}
    if totals_period:
        t0, t1 = months(totals_period, "period")
        totals = table(con, Cut("satisfaction", ["channel"], filters, "M", t0, t1), protection, span=True)
        channels = [{"channel": r["channel"], "channel_label": channel_label(r["channel"], lang),
                     "n": _v(r["n"]), "positive": _v(r["top2"]), "lower": _v(r["top2_lower"]),
                     "upper": _v(r["top2_upper"]), "status": r["obs_status"]} for r in totals.to_dict("records")]
        for indicator in reasons:
            reasons[indicator] = _reasons(table(con, Cut(indicator, [], filters, "M", t0, t1), protection, span=True),
                                          indicator, lang)
    for r in rows:
        r["running"] = coverage(r["period"], None)["running"]
    return {"entity": entity, "faces": FACES, "rows": rows, "channels": channels, "reasons": reasons,
            "totals_period": totals_period, "first": first, "last": last,
            "running": last if last and coverage(last, None)["running"] else None}


def _reasons(t, indicator: str, lang: str = "it") -> list[dict]:
    """The published shares of each reason in the span cell ``t``, largest first."""
    if not len(t) or math.isnan(t.iloc[0]["n"]):
        return []
    r, labels, found = t.iloc[0], _reason_labels(indicator, lang), []
    for code in CATEGORY_CODES:
        share = _v(r.get(f"share_{code}"))
        if share:
            found.append({"code": code, "label": labels.get(code, code), "share": share,
                          "lower": _v(r.get(f"share_{code}_lower")), "upper": _v(r.get(f"share_{code}_upper"))})
    return sorted(found, key=lambda x: -x["share"])
