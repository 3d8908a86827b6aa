"""The "Mettiamoci la faccia" report page of an entity (issue 14 §6): ``/entities/<ipa>/faccia``.

In the console's language (Italian, or English with the ITA/ENG switch or ``?lang=en``: its words through
:mod:`.i18n_faccia`, the channels and reasons as the CHANNEL codelist and the questionnaire give them,
numbers as the language writes them: ``54,0`` / ``54.0``), its month range chosen by a form (``start``,
``end``: kept in the URL), printable (a print stylesheet gives a PDF-quality layout from the browser's
"Stampa"), linked from the entity page and from the entity workspace; the figures come from
:mod:`warehouse.faccia_report` (published cells). Its two tables of figures download as CSV
(``/entities/<ipa>/faccia.csv``, ``?table=channels``) in the console's language, as every other table
download (headers, statuses, channels, coverage in words of ``lang``; numbers machine-readable).

Who may read it: national staff, and an ``entity`` token for its own IPA code only (``@require_entity``:
the report is the administration's own, as its workspace is; 403 on another entity's).
"""
from __future__ import annotations

import re
from flask import Blueprint, current_app, g, render_template, request, url_for

from registry import Entity, session_scope
from registry.names import name_in

from ..comparability import QueryError
from ..export import span
from ..faccia_report import FACES, report
from ..periods import require_ended, today_rome
from ..protect import Protection

from . import i18n, i18n_faccia  # noqa: F401  (i18n_faccia: the report's English, merged into i18n.EN)
from .auth import not_found, require_entity
from .data import table_csv

bp = Blueprint("faccia", __name__)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


STATUS = {"Q": "oscurato", "U": "bassa affidabilità", "B": "interruzione di serie"}
#: The report's two tables of figures as their CSV downloads head them (Italian, translated by
#: :func:`warehouse.console.data.table_csv` for an English reader, as the page's heads are).
TABLES = {"months": [("period", "Mese"), ("channel_label", "Canale"), ("n", "Giudizi"),
                     *[(f"face_{code}", f"{label} (%)") for code, label in FACES], ("positive", "Positivi (%)"),
                     ("lower", "IC 95% inf."), ("upper", "IC 95% sup."), ("status", "Stato"),
                     ("coverage", "Copertura del periodo")],
          "channels": [("period", "Periodo"), ("channel_label", "Canale"), ("n", "Giudizi"), ("positive", "Positivi (%)"),
                       ("lower", "IC 95% inf."), ("upper", "IC 95% sup."), ("status", "Stato")]}


def _csv_row(r: dict) -> dict:
    """A report row as its CSV gives it: figures rounded as the page shows them, a suppressed row's
    all empty (never a number); the status, the channel and the coverage words of the console's
    language (Italian: the report's own words)."""
    hidden = r["status"] == "Q"
    out = {**r, "status": i18n.gettext(STATUS.get(r["status"], "pubblicato")),
           "coverage": i18n.gettext("in corso") if r.get("running") else ""}
    for k in ("n", "positive", "lower", "upper"):
        out[k] = None if hidden or r.get(k) is None else (int(r[k]) if k == "n" else round(r[k], 1))
    for (code, _label), f in zip(FACES, r.get("faces") or ()):
        out[f"face_{code}"] = None if hidden or f is None else round(f, 1)
    return out


@bp.get("/entities/<ipa>/faccia.csv")
@require_entity
def download(ipa: str):
    """The report's judgements by channel and month (``table=months``, the default) or by channel over
    the report's calendar period (``table=channels``: the month, quarter or year of its totals, in its
    ``Periodo`` column) as CSV, in the console's language (``lang``); named after the entity and the months
    the rows cover (``ascolto-faccia-c_h501-2026-09_2026-11.csv``) or, for the totals, their period
    (``ascolto-faccia-c_h501-per-canale-2026.csv``: with no range the rows span every month with data, the
    totals only the latest year). The totals over a range that is no calendar period are a 400 naming ``end``,
    as the page explains (route 13, docs/confidentiality.md)."""
    table = request.args.get("table", "months")
    if table not in TABLES:
        raise QueryError("table", f"table must be one of {', '.join(TABLES)}.")
    d, _name, start, end = _report(ipa)
    if table == "channels" and d["totals_period"] is None and (start or end):
        # the page says why it shows no totals; the file said nothing (a 200 with only its header row)
        raise QueryError("end", (
            f"A figure over a range (a report's totals by channel) is given for one calendar month, quarter or "
            f"year only; from={start or '-'}, to={end or '-'} is not one. Ask for one (start=2026-01&end=2026-03): "
            f"each other range would be a new cell with noise of its own, and many ranges together could uncover "
            f"a hidden cell (docs/confidentiality.md)."))
    if table == "months":
        rows, name = d["rows"], f"faccia-{ipa}{span(d['first'], d['last'])}"
    else:
        rows = [{**r, "period": d["totals_period"]} for r in d["channels"]]
        name = f"faccia-{ipa}-per-canale" + (f"-{d['totals_period']}" if d["totals_period"] else span(d["first"], d["last"]))
    return table_csv(TABLES[table], [_csv_row(r) for r in rows], f"ascolto-{name}.csv")


@bp.get("/entities/<ipa>/faccia")
@require_entity
def page(ipa: str):
    """The report as a page. Its date is Italy's (``01/12/2026``; ISO ``2026-12-01`` in English, which no
    reader misreads as 12 January); "back" goes where the reader came from: the entity page for national
    staff, the workspace for an ``entity`` token (which may not open the entity page)."""
    data, name, start, end = _report(ipa)
    today = today_rome()
    workspace = not g.user.can("dashboards")
    back = url_for("workspace.page", ipa=ipa) if workspace else url_for("pages.entity", ipa=ipa)
    return render_template("faccia_report.html", d=data, entity_name=name,
                           page="workspace" if workspace else "entities", back=back, back_to_workspace=workspace,
                           made=today.isoformat() if i18n.lang() == "en" else today.strftime("%d/%m/%Y"),
                           start=start, end=end)


def _report(ipa: str):
    """The report of ``ipa`` for the request's months ``start``–``end``, the entity's name and the months
    (404 for an unknown entity, 400 naming a malformed or inverted month)."""
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        entity = s.get(Entity, ipa)
        name = name_in(entity, i18n.lang()) if entity else None
    if name is None:
        raise not_found("ipa", f"No entity with IPA code {ipa!r} in the registry.")
    start, end = request.args.get("start") or None, request.args.get("end") or None
    for field, v in (("start", start), ("end", end)):  # errors name the parameters of this page
        if v is not None and not _MONTH.match(v):
            raise QueryError(field, f"{field} must be a month, YYYY-MM; got {v!r}.")
        if v is not None:
            require_ended(v, field)  # not yet begun or still running: refused (published once it has ended)
    if start and end and start > end:
        raise QueryError("start", f"start={start} is after end={end}.")
    settings = current_app.config["ASCOLTO_SETTINGS"]
    con = current_app.config["ASCOLTO_WAREHOUSE"]().cursor()
    return report(con, ipa, Protection.from_settings(settings), start, end, lang=i18n.lang()), name, start, end
