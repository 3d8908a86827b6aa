"""The console's response-rate page (issue 14 §5): ``/quality/response-rates``.

Per service and period: impressions, starts and submissions reported by the widget, response rate
and break-off rate (Wilson 95% intervals) — all published through :mod:`warehouse.protect` by
:mod:`warehouse.response_rates`; with ``?service=KEY``, the item non-response of that service. The
quality page links here.
"""
from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template, request

from ..protect import Protection
from ..response_rates import item_nonresponse, rates
from . import i18n
from .auth import require

bp = Blueprint("rates", __name__)
i18n.EN.update({
    "Tassi di risposta": "Response rates", "Visualizzazioni": "Impressions", "Inizi": "Starts",
    "Invii": "Submissions", "Tasso di risposta": "Response rate", "Abbandono": "Break-off",
    "Mancate risposte per domanda": "Item non-response", "Domanda": "Item", "Applicabile a": "Applicable to",
    "Senza risposta": "Unanswered", "Nessun conteggio ricevuto dal widget.": "No counts received from the widget yet.",
    "Conteggi anonimi del widget (visualizzazioni, inizi, invii), perturbati come ogni conteggio pubblicato.":
        "Anonymous counts from the widget (impressions, starts, submissions), perturbed like every published count.",
})


def fmt(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}" if digits else f"{value:.0f}"


@bp.get("/quality/response-rates")
@require("dashboards")
def page():
    settings = current_app.config["ASCOLTO_SETTINGS"]
    protection = Protection.from_settings(settings)
    service = request.args.get("service") or None
    where = {"service": service} if service else None
    table = rates(settings.data_dir, protection, ("service", "channel", "period"), where)
    items = item_nonresponse(settings.data_dir, protection, service) if service else None
    return render_template("rates.html", rows=table.to_dict("records"), items=None if items is None
                           else items.to_dict("records"), service=service, fmt=fmt, page="quality")
