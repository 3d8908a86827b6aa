"""The console's response-rate page (issue 14 §5): ``/quality/response-rates``.

Per service and period: impressions, starts and submissions reported by the widget, response rate
and break-off rate (Wilson 95% intervals) — all published through :mod:`warehouse.protect` by
:mod:`warehouse.response_rates`; with ``?service=KEY``, the item non-response of that service. A month
still running says so in its row ("Copertura del periodo": :func:`warehouse.console.data.coverage_text`):
its counts are not yet a whole month's. Statuses are words (:func:`warehouse.console.data.status_text`),
a suppressed cell is "oscurato", never a dash or a code; an unknown ``service`` is a 404 naming it.
The quality page links here.
"""
from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template, request

from dataset.recordkey import secret_for

from ..numbers import number
from ..protect import Protection
from ..response_rates import item_nonresponse, rates
from . import i18n
from .data import coverage_text, status_text
from .auth import not_found, require

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
    """A published figure as the reader's language writes it (:func:`warehouse.numbers.number`); "—"
    when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return number(value, i18n.lang(), digits)


@bp.get("/quality/response-rates")
@require("dashboards")
def page():
    settings = current_app.config["ASCOLTO_SETTINGS"]
    protection = Protection.from_settings(settings)
    service = request.args.get("service") or None
    if service and not _known_service(service):  # not "no counts received" for a key that names nothing
        raise not_found("service", f"No service {service!r} in the registry.")
    where = {"service": service} if service else None
    table = rates(settings.data_dir, protection, ("service", "channel", "period"), where)
    items = item_nonresponse(settings.data_dir, protection, service,
                             secret=secret_for(settings.data_dir, settings.ckm_secret)) if service else None
    rows = [{**r, "status": status_text(r), "coverage": coverage_text(r["period"], None)}
            for r in table.to_dict("records")]
    items = None if items is None else [{**r, "status": status_text(r), "coverage": coverage_text(r["period"], None)}
                                        for r in items.to_dict("records")]
    return render_template("rates.html", rows=rows, items=items, service=service, fmt=fmt, page="quality")


def _known_service(key: str) -> bool:
    from registry import Service, session_scope

    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return s.get(Service, key) is not None
