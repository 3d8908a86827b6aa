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

from .cube import Cut, coverage, table
from .protect import Protection

INSTRUMENT = "faccia"
CHANNEL_LABELS = {"front_office": "Sportello", "kiosk": "Totem", "phone": "Telefono", "web": "Web", "app": "App",
                  "email": "E-mail", "sms": "SMS"}
FACES = (("100", "Soddisfatto/a"), ("50", "Né soddisfatto/a né insoddisfatto/a"), ("0", "Insoddisfatto/a"))


def _v(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _reason_labels(indicator: str) -> dict[str, str]:
    """Italian wording of each category as the faccia questionnaire asks it (options mapped onto one
    category joined by " / "; else the code)."""
    q = default_catalog().get(INSTRUMENT, 1)
    rule = q.harmonization.get(indicator, {})
    item = next((i for i in q.items if i.code == rule.get("item")), None)
    out: dict[str, list[str]] = {}
    for o in item.options if item else ():
        out.setdefault(rule.get("map", {}).get(o.code, o.code), []).append(o.label["it"])
    return {c: " / ".join(v) for c, v in out.items()}


def report(con, entity: str, protection: Protection, start: str | None = None, end: str | None = None) -> dict:
    """The report's figures for ``entity`` over [start, end] (months ``YYYY-MM``; default: all).

    ``running``: the report's last month when it is still running (:func:`warehouse.cube.coverage`),
    else None — its figures, and the totals and reasons over the whole range, are partial; each
    month's row says it too (``running``)."""
    filters = {"entity": [entity], "questionnaire": [INSTRUMENT]}
    faces = table(con, Cut("satisfaction", ["channel"], filters, "M", start, end), protection)
    totals = table(con, Cut("satisfaction", ["channel"], filters, "M", start, end), protection, span=True)
    rows = []
    for r in faces.to_dict("records"):
        rows.append({"period": r["period"], "channel": r["channel"],
                     "channel_label": CHANNEL_LABELS.get(r["channel"], r["channel"]), "n": _v(r["n"]),
                     "faces": [_v(r.get(f"dist_{code}")) for code, _ in FACES],
                     "positive": _v(r["top2"]), "lower": _v(r["top2_lower"]), "upper": _v(r["top2_upper"]),
                     "status": r["obs_status"]})
    channels = [{"channel": r["channel"], "channel_label": CHANNEL_LABELS.get(r["channel"], r["channel"]),
                 "n": _v(r["n"]), "positive": _v(r["top2"]), "lower": _v(r["top2_lower"]),
                 "upper": _v(r["top2_upper"]), "status": r["obs_status"]} for r in totals.to_dict("records")]
    reasons = {}
    for indicator in ("went_well", "went_wrong"):
        t = table(con, Cut(indicator, [], filters, "M", start, end), protection, span=True)
        labels = _reason_labels(indicator)
        found = []
        if len(t) and not math.isnan(t.iloc[0]["n"]):
            r = t.iloc[0]
            for code in CATEGORY_CODES:
                share = _v(r.get(f"share_{code}"))
                if share:
                    found.append({"code": code, "label": labels.get(code, code), "share": share,
                                  "lower": _v(r.get(f"share_{code}_lower")), "upper": _v(r.get(f"share_{code}_upper"))})
        reasons[indicator] = sorted(found, key=lambda x: -x["share"])
    periods = sorted({r["period"] for r in rows})
    for r in rows:
        r["running"] = coverage(r["period"], None)["running"]
    last = periods[-1] if periods else None
    return {"entity": entity, "faces": FACES, "rows": rows, "channels": channels, "reasons": reasons,
            "first": periods[0] if periods else None, "last": last,
            "running": last if last and coverage(last, None)["running"] else None}
