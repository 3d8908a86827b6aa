"""The "Mettiamoci la faccia" report page of an entity (issue 14 §6): ``/entities/<ipa>/faccia``.

Italian (numbers too: ``54,0``), its month range chosen by a form (``start``, ``end``: kept in the URL), printable (a print stylesheet gives a PDF-quality layout from the browser's "Stampa"),
linked from the entity page; the figures come from :mod:`warehouse.faccia_report` (published cells).
"""
from __future__ import annotations

import re
from flask import Blueprint, abort, current_app, render_template, request

from registry import Entity, session_scope

from ..comparability import QueryError
from ..faccia_report import report
from ..numbers import number
from ..periods import today_rome
from ..protect import Protection
from .auth import require

bp = Blueprint("faccia", __name__)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@bp.get("/entities/<ipa>/faccia")
@require("dashboards")
def page(ipa: str):
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        entity = s.get(Entity, ipa)
        name = entity.name if entity else None
    if name is None:
        abort(404)
    start, end = request.args.get("start") or None, request.args.get("end") or None
    for field, v in (("start", start), ("end", end)):  # errors name the parameters of this page
        if v is not None and not _MONTH.match(v):
            raise QueryError(field, f"{field} must be a month, YYYY-MM; got {v!r}.")
    if start and end and start > end:
        raise QueryError("start", f"start={start} is after end={end}.")
    settings = current_app.config["ASCOLTO_SETTINGS"]
    con = current_app.config["ASCOLTO_WAREHOUSE"]().cursor()
    data = report(con, ipa, Protection.from_settings(settings), start, end)
    return render_template("faccia_report.html", d=data, entity_name=name, page="entities",
                           made=today_rome().strftime("%d/%m/%Y"), start=start, end=end,  # Italy's date
                           it_number=lambda v, digits=1: number(v, "it", digits))
