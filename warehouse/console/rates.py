"""The console's response-rate page (issue 14 §5): ``/quality/response-rates``.

Per service (its name in the page's language, and its key) and period: impressions, starts and
submissions reported by the widget, response rate
and break-off rate (Wilson 95% intervals) — all published through :mod:`warehouse.protect` by
:mod:`warehouse.response_rates`; with ``?service=KEY``, the item non-response of that service. A month
still running says so in its row ("Copertura del periodo": :func:`warehouse.console.data.coverage_text`):
its counts are not yet a whole month's. Statuses are words (:func:`warehouse.console.data.status_text`),
a suppressed cell is "oscurato", never a dash or a code; an unknown ``service`` is a 404 naming it.
Both tables download as CSV (``/quality/response-rates.csv``, ``?table=items`` for the item
non-response). The quality page links here.
"""
from __future__ import annotations

import math

from flask import Blueprint, current_app, render_template, request

from dataset.recordkey import secret_for

from ..numbers import number
from ..protect import Protection
from ..response_rates import item_nonresponse, rates
from . import i18n
from ..export import span
from .data import code_label, coverage_text, num, status_text, table_csv
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


RATE_COLUMNS = [("service", "Servizio"), ("channel", "Canale"), ("period", "Periodo"),
                ("impressions", "Visualizzazioni"), ("starts", "Inizi"), ("submissions", "Invii"),
                ("response_rate", "Tasso di risposta %"), ("response_rate_lower", "Tasso di risposta: IC 95% inf."),
                ("response_rate_upper", "Tasso di risposta: IC 95% sup."), ("break_off", "Abbandono %"),
                ("break_off_lower", "Abbandono: IC 95% inf."), ("break_off_upper", "Abbandono: IC 95% sup."),
                ("status", "Stato"), ("coverage", "Copertura del periodo")]
ITEM_COLUMNS = [("period", "Periodo"), ("questionnaire", "Questionario"), ("version", "Versione"), ("item", "Domanda"),
                ("item_label", "Testo della domanda"),
                ("applicable", "Applicabile a"), ("missing", "Senza risposta"), ("nonresponse", "Senza risposta %"),
                ("nonresponse_lower", "Senza risposta: IC 95% inf."), ("nonresponse_upper", "Senza risposta: IC 95% sup."),
                ("status", "Stato"), ("coverage", "Copertura del periodo")]
i18n.EN.update({"Senza risposta %": "Unanswered %", "Tasso di risposta %": "Response rate %",
                "Tasso di risposta: IC 95% inf.": "Response rate: 95% CI low",
                "Tasso di risposta: IC 95% sup.": "Response rate: 95% CI high", "Abbandono %": "Break-off %",
                "Abbandono: IC 95% inf.": "Break-off: 95% CI low", "Abbandono: IC 95% sup.": "Break-off: 95% CI high",
                "Testo della domanda": "Question text",
                "Senza risposta: IC 95% inf.": "Unanswered: 95% CI low", "Senza risposta: IC 95% sup.": "Unanswered: 95% CI high"})


def item_label(questionnaire: str, version, item: str) -> str:
    """The question ``item`` of ``questionnaire`` v``version`` as respondents read it, in the reader's
    language (Italian where it has none); the code itself for a questionnaire or item the standard
    set no longer has."""
    from questionnaires import UnknownQuestionnaire, default_catalog
    from questionnaires.vocabulary import label

    try:
        q = default_catalog().get(questionnaire, int(version))
    except (UnknownQuestionnaire, TypeError, ValueError):
        return item
    found = next((i for i in q.items if i.code == item), None)
    return label(found.label, i18n.lang()) if found is not None else item


def _published(r: dict, columns) -> dict:
    """A row as its CSV gives it: a suppressed row's figures empty (its status says "oscurato"), the
    others rounded as the page shows them, never NaN."""
    counts = ("impressions", "starts", "submissions", "applicable", "missing", "version")
    hidden = r.get("conf_status") == "A"
    out = {}
    for k, _label in columns:
        v = r.get(k)
        if isinstance(v, float) or k in counts:
            v = None if hidden and k != "version" else (num(v, 0 if k in counts else 1))
            v = int(v) if v is not None and k in counts else v
        out[k] = v
    return out


@bp.get("/quality/response-rates.csv")
@require("dashboards")
def download():
    """The page's tables as CSV (:func:`warehouse.console.data.table_csv`): the rates, or with
    ``?table=items`` (and ``service``) the item non-response; named after the service and the
    periods they span (``ascolto-response-rates-demo-roma-anagrafe-2026-09_2026-11.csv``)."""
    v = _view()
    items = request.args.get("table") == "items"
    if items and v["items"] is None:
        raise not_found("service", "The item non-response is a service's: give service=KEY.")
    rows, columns = (v["items"], ITEM_COLUMNS) if items else (v["rows"], RATE_COLUMNS)
    periods = sorted(r["period"] for r in rows)
    name = "-".join(x for x in ("response-rates" if not items else "item-nonresponse", v["service"]) if x)
    return table_csv(columns, [_published(r, columns) for r in rows],
                     f"ascolto-{name}{span(periods[0], periods[-1]) if periods else ''}.csv")


@bp.get("/quality/response-rates")
@require("dashboards")
def page():
    v = _view()
    return render_template("rates.html", **v, fmt=fmt, page="quality")


def _view() -> dict:
    """The rates of every service (or of ``service``) by channel and period, and that service's item
    non-response (None without one); statuses and coverage in words."""
    settings = current_app.config["ASCOLTO_SETTINGS"]
    protection = Protection.from_settings(settings)
    service = request.args.get("service") or None
    if service and not _known_service(service):  # not "no counts received" for a key that names nothing
        raise not_found("service", f"No service {service!r} in the registry.")
    where = {"service": service} if service else None
    secret = secret_for(settings.data_dir, settings.ckm_secret)
    con = current_app.config["ASCOLTO_WAREHOUSE"]().cursor()  # the answers' keys: the cube's own sums
    table = rates(settings.data_dir, protection, ("service", "channel", "period"), where, secret, con)
    items = item_nonresponse(settings.data_dir, protection, service, secret=secret) if service else None
    names = _service_names()
    rows = [{**r, "status": status_text(r), "coverage": coverage_text(r["period"], None),
             "name": names.get(r["service"], r["service"]), "channel_label": code_label("CHANNEL", r["channel"])}
            for r in table.to_dict("records")]
    items = None if items is None else [{**r, "status": status_text(r), "coverage": coverage_text(r["period"], None),
                                         "item_label": item_label(r["questionnaire"], r["version"], r["item"])}
                                        for r in items.to_dict("records")]
    return {"rows": rows, "items": items, "service": service,
            "service_name": names.get(service) if service else None}


def _service_names() -> dict[str, str]:
    """Every service's name in the page's language (Italian where the registry has none in it): a
    service key may be a random string, which tells a reader nothing."""
    from registry import Service, session_scope
    from registry.names import name_in

    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return {x.key: name_in(x, i18n.lang()) for x in s.query(Service).all()}


def _known_service(key: str) -> bool:
    from registry import Service, session_scope

    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return s.get(Service, key) is not None
