"""Coverage monitoring for national staff (issue 15): how far onboarding is from the target, which
services have gone silent, and which are under the minimum n for a publishable quarter.

``GET /coverage`` (page), ``GET /coverage.csv?table=`` (each of its tables) and ``GET /api/v1/coverage``
(JSON), permission ``dashboards``; the quarter
``?quarter=YYYY-Qn``, by default the latest complete quarter with data
(:func:`warehouse.cube.latest_period`, as every page's default period; a quarter still running is
refused, 400 naming ``quarter``: its figures are published once it has ended). Targets: ``ASCOLTO_COVERAGE_TARGET_SERVICES`` (300) and
``ASCOLTO_COVERAGE_TARGET_ENTITIES`` (100); a quarter without any response is a 400 naming
``quarter`` and saying which quarters the data cover. Silence:
no response for ``ASCOLTO_SILENT_DAYS`` (14) days (from every stored answer, the running month's
too: ``responses_stored``, a date of arrival and no count — docs/confidentiality.md); the minimum n is ``ASCOLTO_RELIABILITY_MIN_N``
(30: below it a published cell is flagged low reliability). A service's quarterly n is its
*published* (perturbed) n from :mod:`warehouse.protect`, like every other figure. A quarter still
running, or one the data cover only from a later month, is said so (``partial``: the API's
``{partial, running, data_from, note: {it, en}}`` of :func:`warehouse.console.data.partial_json`;
``null`` without a quarter): its n are not yet a quarter's.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, jsonify, render_template, request

from dataset.views import counted
from registry import session_scope
from registry.models import Service
from registry.names import name_in

from .. import cube
from ..comparability import QueryError
from ..protect import FREE, Protection
from ..rollup import RESPONSES
from ..periods import require_ended, today_rome
from . import data, i18n
from .auth import require

bp = Blueprint("coverage", __name__)
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


def report(con, settings, factory, quarter: str | None = None, now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    quarters = cube.period_labels(con, "Q")  # the ended ones: a running quarter is not published
    if quarter is not None and not _QUARTER.match(quarter):
        raise QueryError("quarter", "A quarter is YYYY-Qn.")
    if quarter is not None:
        require_ended(quarter, "quarter")  # not begun or still running: 400 naming it
    if quarter is not None and quarter not in quarters:  # not every service "under the minimum" with n = 0
        raise QueryError("quarter", f"No responses in {quarter}: the data cover "
                                    + (f"{quarters[0]} to {quarters[-1]}." if quarters else "no quarter yet."))
    # none asked: the latest *complete* quarter with data, as every page's default period
    # (cube.latest_period): a running quarter is never published
    quarter = quarter or cube.latest_period(con, "Q")[0]
    with session_scope(factory) as s:
        services = [(x.key, name_in(x, i18n.lang()), x.entity_ipa, x.entity.category,
                     name_in(x.entity, i18n.lang()))
                    for x in s.query(Service).filter(Service.active.is_(True)).order_by(Service.key)]
    by_cat: dict[str, dict] = {}
    for _, _, ipa, cat, _ in services:
        c = by_cat.setdefault(cat, {"category": cat, "services": 0, "entities": set()})
        c["services"] += 1
        c["entities"].add(ipa)
    categories = [{"category": c["category"], "services": c["services"], "entities": len(c["entities"])}
                  for c in sorted(by_cat.values(), key=lambda c: c["category"])]
    entities = len({ipa for _, _, ipa, _, _ in services})
    last = {k: datetime.fromtimestamp(t, timezone.utc) for k, t in
            con.execute(f"SELECT service, epoch(max(received_at)) FROM responses_stored WHERE {counted()} GROUP BY 1").fetchall()
            if t is not None}
    cutoff = now - timedelta(days=settings.silent_days)
    silent = []
    for key, name, ipa, cat, ename in services:
        at = last.get(key)
        if at is None or at < cutoff:
            silent.append({"service": key, "name": name, "entity": ipa, "entity_name": ename, "category": cat,
                           "last_response": at.strftime("%Y-%m-%d") if at else None,
                           "days": (now - at).days if at else None})
    under = []
    if quarter:
        pub = cube.table(con, cube.Cut(indicator=RESPONSES, by=["service"], freq="Q", start=quarter, end=quarter),
                         Protection.from_settings(settings))
        n_of = {r["service"]: (int(r["n"]) if r["conf_status"] == FREE else None) for r in pub.to_dict("records")}
        for key, name, ipa, cat, ename in services:
            n = n_of.get(key, 0)
            if n is None or n < settings.reliability_min_n:
                under.append({"service": key, "name": name, "entity": ipa, "entity_name": ename, "category": cat,
                              "n": n, "suppressed": n is None and key in n_of})
    partial = data.partial_json(cube.coverage(quarter, cube.first_data_month(con))) if quarter else None
    return {"targets": {"services": settings.coverage_target_services, "entities": settings.coverage_target_entities},
            "onboarded": {"services": len(services), "entities": entities},
            "progress": {"services": round(100 * len(services) / max(1, settings.coverage_target_services), 1),
                         "entities": round(100 * entities / max(1, settings.coverage_target_entities), 1)},
            "by_category": categories, "silent_days": settings.silent_days, "silent": silent,
            "quarter": quarter, "partial": partial, "quarters": quarters, "min_n": settings.reliability_min_n, "under_min_n": under}


def _report() -> dict:
    app = current_app
    return report(app.config["ASCOLTO_WAREHOUSE"]().cursor(), app.config["ASCOLTO_SETTINGS"],
                  app.config["ASCOLTO_REGISTRY"], request.args.get("quarter") or None)


@bp.get("/coverage")
@require("dashboards")
def page():
    return render_template("coverage.html", d=_report(), page="coverage")


#: The page's tables as their CSV downloads give them (``/coverage.csv?table=``).
TABLES = {
    "by-category": [("category", "Tipo di PA"), ("category_label", "Categoria IPA"), ("services", "Servizi"),
                    ("entities", "Enti")],
    "silent": [("service", "Chiave"), ("name", "Servizio"), ("entity", "Codice IPA"), ("entity_name", "Ente"),
               ("last_response", "Ultima risposta"), ("days", "Giorni senza risposte")],
    "under-min-n": [("service", "Chiave"), ("name", "Servizio"), ("entity", "Codice IPA"), ("entity_name", "Ente"),
                    ("n", "N"), ("status", "Stato")],
}
i18n.EN.update({"Giorni senza risposte": "Days without answers"})


@bp.get("/coverage.csv")
@require("dashboards")
def download():
    """One of the page's tables (``table``: by-category, silent, under-min-n) as CSV
    (:func:`warehouse.console.data.table_csv`), headed in the reader's language; named after what it
    is of: the quarter for the services under the minimum n (``ascolto-coverage-under-min-n-2026-Q3.csv``),
    Italy's date for the registry's state (``ascolto-coverage-silent-2026-11-30.csv``). A suppressed
    service's N is empty, its status "oscurato"."""
    table = request.args.get("table", "")
    if table not in TABLES:
        raise QueryError("table", f"table must be one of {', '.join(TABLES)}.")
    d = _report()
    if table == "by-category":
        rows = [{**c, "category_label": data.code_label("PA_TYPE", c["category"])} for c in d["by_category"]]
    elif table == "silent":
        rows = d["silent"]
    else:
        rows = [{**s, "status": i18n.gettext("oscurato") if s["n"] is None else ""} for s in d["under_min_n"]]
    when = d["quarter"] if table == "under-min-n" else today_rome().isoformat()
    return data.table_csv(TABLES[table], rows, f"ascolto-coverage-{table}{'-' + when if when else ''}.csv")


@bp.get("/api/v1/coverage")
@require("dashboards")
def api():
    return jsonify(_report())
