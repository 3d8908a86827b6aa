"""Console pages of the improvement cycle (issue 16): the drivers matrix, the plan editor and the
evaluation of a plan — in the entity workspace and in the national views. Method:
``docs/methodology.md (From measurement to improvement)``; the figures are those of the JSON API (:mod:`.improve_api`).

| route | permission | what |
| --- | --- | --- |
| ``/improve/`` | dashboards | national index: service types' drivers, every entity's plans |
| ``/improve/drivers?service=|entity=|service_type=&period=`` | dashboards | drivers of any unit (national) |
| ``/improve/drivers.csv`` | dashboards | the matrix's rows |
| ``/workspace/<ipa>/services/<key>/drivers`` (+ ``.csv``) | workspace, own entity | a service's drivers |
| ``/workspace/<ipa>/plans`` GET/POST (+ ``.csv``, ``.json``) | workspace, own entity | list, create, export |
| ``/workspace/<ipa>/plans/<id>`` GET/POST | workspace, own entity | edit (new version), history |
| ``/workspace/<ipa>/plans/<id>/evaluation`` (+ ``.csv``, ``.json``) | workspace, own entity | before/after, trend |

Scoping: an ``entity`` token reaches only its own IPA code (:func:`.auth.require_entity`); a service or
plan of another entity under an IPA code is 404 for everyone (``scope_entity``). Edits go through
:mod:`registry.plans` (versioned, audited, ``expected_version`` refuses a stale form). Figures shown
next to the drivers, and every baseline, follow-up and monthly figure, are read from the protected
cube; the drivers are model outputs over at least ``min_n`` complete responses, whose n is shown only
to roles with ``exports``, perturbed by the cell-key method (:meth:`warehouse.drivers.DriverResult.published_n`). Refusals are shown with their reason (HTTP 422), never as empty charts.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from registry import RegistryError, session_scope
from registry import plans as plan_ops
from registry.errors import NotFound
from registry.models import Entity, Service
from registry.names import name_in

from .. import cube, drivers, evaluation
from ..comparability import QueryError
from ..periods import rome_minute
from . import i18n_improve
from .auth import require, require_entity
from .paths import query_args
from .data import table_csv
from .downloads import csv_response
from .i18n import lang
from .improve_api import _freq, _unit
from .improve_figures import default_period as _default_period, drivers_page, drivers_period, evaluation_page

bp = Blueprint("improve", __name__)


def _factory():
    return current_app.config["ASCOLTO_REGISTRY"]


def _con():
    return current_app.config["ASCOLTO_WAREHOUSE"]().cursor()




def _period(name: str = "period") -> str:
    period = request.args.get(name) or _default_period(_con())
    _freq(period, name)
    return period


def _csv(columns, rows, filename: str) -> Response:
    return table_csv(columns, rows, filename, **{"Cache-Control": "no-store"})


def _method() -> str:
    method = request.args.get("method", "lmg")
    if method not in drivers.METHODS:
        raise QueryError("method", f"method is one of {', '.join(drivers.METHODS)}.")
    return method


def _period_href(period: str) -> str:
    """This page with another period (the other arguments kept)."""
    own = request.view_args or {}
    return url_for(request.endpoint, **own, **{**query_args(*own), "period": period})


def _render_drivers(d: dict, csv_url: str, back: str | None, page: str):
    return render_template("improve_drivers.html", d=d, csv_href=csv_url, back=back, page=page,
                           csv_url=lambda *a, **k: csv_url, period_href=_period_href), 422 if d["refused"] else 200


@bp.get("/improve/")
@require("dashboards")
def national_index():
    """Where the national views start: the service types with answers (each to its drivers across
    entities) and every entity's plans (each to its editor and evaluation)."""
    from .data import service_types_present
    types = [t for t, _n in service_types_present(_con(), current_app.config["ASCOLTO_SETTINGS"])]
    with session_scope(_factory()) as s:
        rows = plan_ops.export_rows(s)
    return render_template("improve_index.html", types=types, rows=rows, period=_default_period(_con()),
                           page="service-types")


@bp.get("/improve/drivers")
@require("dashboards")
def national_drivers():
    dim, code = _unit()
    d = drivers_page(dim, code, _period(), _method())
    return _render_drivers(d, url_for("improve.national_drivers_csv", **query_args()), None, "service-types")


@bp.get("/improve/drivers.csv")
@require("dashboards")
def national_drivers_csv():
    dim, code = _unit()
    d = drivers_page(dim, code, _period(), _method())
    if d["refused"]:
        return Response(d["refused"]["message"], status=422, content_type="text/plain; charset=utf-8")
    return _csv(d["chart"].columns, d["chart"].rows, f"ascolto-drivers-{code}-{d['period']}.csv")


def _own_service(ipa: str, key: str) -> dict:
    with session_scope(_factory()) as s:
        svc = s.get(Service, key)
        if svc is None or svc.entity_ipa != ipa:
            abort(404)
        return {"key": svc.key, "name": name_in(svc, lang()), "service_type": svc.service_type}


@bp.get("/workspace/<ipa>/services/<key>/drivers")
@require_entity
def service_drivers(ipa: str, key: str):
    svc = _own_service(ipa, key)
    d = drivers_page("service", key, _period(), _method())
    d["service"], d["ipa"] = svc, ipa
    return _render_drivers(d, url_for("improve.service_drivers_csv", ipa=ipa, key=key, **query_args("ipa", "key")),
                           url_for("improve.plans", ipa=ipa), "workspace")


@bp.get("/workspace/<ipa>/services/<key>/drivers.csv")
@require_entity
def service_drivers_csv(ipa: str, key: str):
    _own_service(ipa, key)
    d = drivers_page("service", key, _period(), _method())
    if d["refused"]:
        return Response(d["refused"]["message"], status=422, content_type="text/plain; charset=utf-8")
    return _csv(d["chart"].columns, d["chart"].rows, f"ascolto-drivers-{key}-{d['period']}.csv")


# ---------------------------------------------------------------------------------------------
# Plans

FORM_FIELDS = ("indicator", "measure", "baseline_period", "baseline_value", "target_value", "deadline", "actions",
               "owner", "status")


def _form_values() -> dict:
    """The plan form's fields; a value may be written as a person writes it (``80,5``, ``80%``)."""
    out = {k: request.form.get(k, "").strip() if k != "actions" else request.form.get(k, "") for k in FORM_FIELDS}
    for k in ("baseline_value", "target_value"):
        if out[k] == "":
            out[k] = None
        else:
            try:
                out[k] = float(out[k].replace(",", ".").removesuffix("%").strip())
            except ValueError:
                pass  # registry.plans names the field and the problem
    return out


def _published_baseline(service_key: str, indicator: str, measure: str, period: str) -> float | None:
    """The published (protected) figure a plan's baseline value must be (:mod:`registry.plans`)."""
    from .improve_api import _published

    cell = _published(_con(), indicator, "service", service_key, period)
    if cell is None or not cell["published"]:
        return None
    return cell["top2"] if measure == "top2" else cell["mean"]


_PLAN_IT = [  # registry.plans' problems (English) in Italian, for the plan forms
    (r"is required.*", "è obbligatorio."),
    (r"(.+) is not a number", "{0} non è un numero."),
    (r"(\S+) is outside 0–100.*", "{0} è fuori dall'intervallo 0–100 (quote in % o punteggi 0–100)."),
    (r"(.+) is not a period \(.*", "{0} non è un periodo (AAAA-MM, AAAA-Qn o AAAA)."),
    (r"(.+) is not a period between (\d+) and (\d+)", "{0} non è un periodo tra il {1} e il {2}."),
    (r"(.+) is not a date between (\d+) and (\d+)", "{0} non è una data tra il {1} e il {2}."),
    (r"(.+) is not a date \(.*", "{0} non è una data (AAAA-MM-GG)."),
    (r"(\S+) is not after the baseline period (\S+)", "{0} non è dopo il periodo di riferimento {1}."),
    (r"(\S+) is in the future.*", "{0} è nel futuro: il riferimento è un periodo con dati."),
    (r"(\S+) has not ended yet.*", "{0} non è ancora concluso: il suo dato è parziale."),
    (r"(\S+) has no published figure.*", "{0} non ha un dato pubblicato per questo servizio (nessuna risposta, "
                                          "o dato oscurato)."),
    (r"(\S+) is not the published figure of (\S+), (\S+): leave.*",
     "{0} non è il dato pubblicato di {1}, {2}: lasciare vuoto, lo compila il sistema."),
    (r"(\S+) is not the published figure of (\S+), (\S+): it is.*",
     "{0} non è il dato pubblicato di {1}, {2}: non si modifica."),
    (r"(\S+) is not an improvement on the baseline (\S+).*",
     "{0} non è un miglioramento rispetto al valore di riferimento {1} (più alto è meglio)."),
    (r"(\S+) is already past", "{0} è già passata."),
    (r"no service (.+)", "nessun servizio {0} di questo ente."),
    (r"plan \d+ is at version.*", "il piano è stato modificato nel frattempo: ricaricalo e modificalo di nuovo."),
    (r"the questionnaire of service .* does not measure (\S+); it measures none of them",
     "il questionario del servizio non rileva {0} né un altro indicatore di questo elenco."),
    (r"the questionnaire of service .* does not measure (\S+); it measures (.+)",
     "il questionario del servizio non rileva {0}; rileva: {1}."),
    (r"the questionnaire of service .* does not measure (.+)", "il questionario del servizio non rileva {0}."),
    (r"contains control characters", "contiene caratteri di controllo."),
    (r"is (\d+) characters long, at most (\d+) allowed", "è lungo {0} caratteri, al massimo {1}."),
]


def _plan_error(exc: RegistryError) -> dict:
    """A plan form's refusal: the field, and the problem in the page's language (the field is named
    once, by the form)."""
    from .i18n import lang

    from .i18n_refusals import translate_problem

    message = exc.problem
    if lang() != "en":
        message = translate_problem(exc.problem, _PLAN_IT) or {
            "indicator": "non è un indicatore di questo elenco.", "measure": "non è una misura ammessa.",
            "status": "non è uno stato ammesso."}.get(exc.field, message)
        if exc.field == "indicator":  # the indicators as the form names them
            from .i18n import name_indicators

            message = name_indicators(message)
        import re

        message = re.sub(r"(?<=\d)\.(?=\d)", ",", message)  # 78,6 as the page writes it, not 78.6
    return {"field": exc.field, "message": message}


def not_asked_drivers(questionnaire: str | None) -> list[str]:
    """The aspects (and satisfaction) the key-driver analysis needs that ``questionnaire`` does not ask
    (the faces or a Designers Italia rating ask one or two): its analysis would always be refused, so the
    plans page names them instead of linking to a refusal. Empty for a questionnaire asking them all."""
    from ..comparability import declared
    from ..drivers import DRIVERS, OUTCOME

    if not questionnaire:
        return []
    asked = declared()
    return [x for x in (*DRIVERS, OUTCOME) if questionnaire not in asked.get(x, ())]


def _entity_and_services(s, ipa: str) -> tuple[str, list[Service]]:
    e = s.get(Entity, ipa)
    if e is None:
        abort(404)
    return name_in(e, lang()), list(s.query(Service).filter(Service.entity_ipa == ipa).order_by(Service.key))


@bp.route("/workspace/<ipa>/plans", methods=["GET", "POST"])
@require_entity
def plans(ipa: str):
    """The entity's plans (current versions) and the form recording a new one."""
    error, form = None, {}
    if request.method == "POST":
        form = _form_values()
        try:
            with session_scope(_factory()) as s:
                key = request.form.get("service_key", "")
                plan = plan_ops.add_plan(s, actor=g.user.actor, service_key=key, scope_entity=ipa,
                                         context=f"console {request.path}", published=_published_baseline,
                                         **{k: v for k, v in form.items() if k != "status" or v})
                pid = plan.id
            flash("Piano registrato.", "success")
            return redirect(url_for("improve.plan", ipa=ipa, plan_id=pid), 303)
        except RegistryError as exc:
            error = _plan_error(exc)
            form["service_key"] = request.form.get("service_key", "")
    with session_scope(_factory()) as s:
        name, services = _entity_and_services(s, ipa)
        from .i18n_refusals import DRIVER_FIELDS_IT
        words = (lambda f: DRIVER_FIELDS_IT.get(f, f)) if lang() == "it" else (lambda f: f.replace("_", " "))
        svc = [{"key": x.key, "name": name_in(x, lang()),
                "not_asked": [words(f) for f in not_asked_drivers(x.questionnaire_id)]} for x in services]
    default = _default_period(_con())
    for x in svc:  # the link opens a period the analysis can run in, or the page says why there is none
        x["period"] = None if x["not_asked"] else drivers_period(x["key"], default)
    with session_scope(_factory()) as s:
        rows = plan_ops.export_rows(s, entity_ipa=ipa)
    return render_template("improve_plans.html", ipa=ipa, name=name, services=svc, rows=rows, error=error, form=form,
                           indicators=cube.SCORE_INDICATORS, page="workspace", default_period=default,
                           min_n=drivers.MIN_N), 400 if error else 200


@bp.get("/workspace/<ipa>/plans.<fmt>")
@require_entity
def plans_export(ipa: str, fmt: str):
    if fmt not in ("csv", "json"):
        abort(404)
    with session_scope(_factory()) as s:
        if s.get(Entity, ipa) is None:
            abort(404)
        rows = plan_ops.export_rows(s, entity_ipa=ipa)
    name = f"ascolto-plans-{ipa}.{fmt}"
    if fmt == "csv":  # a spreadsheet's file (warehouse.console.downloads), columns as plan_ops.to_csv's
        return csv_response(plan_ops.EXPORT_COLUMNS, ([r.get(k) for k in plan_ops.EXPORT_COLUMNS] for r in rows),
                            name, **{"Cache-Control": "no-store"})
    return Response(plan_ops.to_json(rows), content_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _plan_detail(s, ipa: str, plan_id: int) -> dict:
    try:
        plan = plan_ops.get_plan(s, plan_id, scope_entity=ipa)
    except NotFound:
        abort(404)
    svc = s.get(Service, plan.service_key)
    history = [{**plan_ops.snapshot(v), "at": rome_minute(v.at), "actor": v.actor}  # Rome time, as the comments
               for v in plan_ops.versions(s, plan.id)]
    return {"plan_id": plan.id, "version": plan.version, "service_key": svc.key, "service_name": name_in(svc, lang()),
            "current": history[-1], "history": list(reversed(history))}


@bp.route("/workspace/<ipa>/plans/<int:plan_id>", methods=["GET", "POST"])
@require_entity
def plan(ipa: str, plan_id: int):
    """One plan: the edit form (a new version; a stale ``version`` is refused) and every version."""
    error, form, status = None, None, 200
    if request.method == "POST":
        form = _form_values()
        try:
            expected = int(request.form.get("version", ""))
        except ValueError:
            expected = -1
        try:
            with session_scope(_factory()) as s:
                plan_ops.update_plan(s, plan_id, actor=g.user.actor, expected_version=expected, scope_entity=ipa,
                                     context=f"console {request.path}", published=_published_baseline, **form)
            flash("Piano aggiornato.", "success")
            return redirect(url_for("improve.plan", ipa=ipa, plan_id=plan_id), 303)
        except NotFound:
            abort(404)
        except RegistryError as exc:
            error, status = _plan_error(exc), 409 if exc.field == "version" else 400
    with session_scope(_factory()) as s:
        p = _plan_detail(s, ipa, plan_id)
        svc = s.get(Service, p["service_key"])
        drivers_asked = not not_asked_drivers(svc.questionnaire_id if svc else None)
    default = _default_period(_con())
    drivers_at = drivers_period(p["service_key"], default) if drivers_asked else None
    drivers_args = {} if drivers_at == default else {"period": drivers_at}
    return render_template("improve_plan.html", ipa=ipa, p=p, form=form or p["current"], error=error,
                           indicators=cube.SCORE_INDICATORS, page="workspace", drivers_asked=drivers_at is not None,
                           drivers_args=drivers_args), status


@bp.get("/workspace/<ipa>/plans/<int:plan_id>/evaluation")
@require_entity
def plan_evaluation(ipa: str, plan_id: int):
    with session_scope(_factory()) as s:
        p = _plan_detail(s, ipa, plan_id)
    d = evaluation_page(p, request.args.get("follow_up"))
    href = url_for("improve.plan_evaluation_csv", ipa=ipa, plan_id=plan_id, **query_args("ipa", "plan_id"))
    return render_template("improve_evaluation.html", ipa=ipa, d=d, page="workspace",
                           csv_url=lambda *a, **k: href), 422 if d["refused"] else 200


@bp.get("/workspace/<ipa>/plans/<int:plan_id>/evaluation.json")
@require_entity
def plan_evaluation_json(ipa: str, plan_id: int):
    """The evaluation page as a download for the plan's report: the plan's current version, the
    before/after comparison (or why it is refused), the monthly trend and its months — the page's
    figures, published cells only (422 when the comparison is refused, as the page)."""
    from flask import jsonify

    with session_scope(_factory()) as s:
        p = _plan_detail(s, ipa, plan_id)
    d = evaluation_page(p, request.args.get("follow_up"))
    resp = jsonify({"plan_id": p["plan_id"], "version": p["version"], "service_key": p["service_key"],
                    "service_name": p["service_name"], "plan": p["current"], "follow_up_period": d["follow_up"],
                    "follow_up_partial": d["partial_note"] or None, "change": d["change"], "refused": d["refused"],
                    "trend": d["trend"], "trend_refused": d["trend_refused"], "months": d["chart"].rows})
    resp.headers["Content-Disposition"] = f'attachment; filename="ascolto-plan-{plan_id}-evaluation-{d["follow_up"]}.json"'
    resp.headers["Cache-Control"] = "no-store"
    return resp, 422 if d["refused"] else 200


@bp.get("/workspace/<ipa>/plans/<int:plan_id>/evaluation.csv")
@require_entity
def plan_evaluation_csv(ipa: str, plan_id: int):
    with session_scope(_factory()) as s:
        p = _plan_detail(s, ipa, plan_id)
    d = evaluation_page(p, request.args.get("follow_up"))
    return _csv(d["chart"].columns, d["chart"].rows, f"ascolto-plan-{plan_id}-trend.csv")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    i18n_improve.install()
    app.jinja_env.globals["improve_labels"] = {"status": i18n_improve.STATUS, "measure": i18n_improve.MEASURE,
                                               "trend": i18n_improve.TREND}
    app.jinja_env.globals["trend_min_each"] = evaluation.TREND_MIN_EACH
    app.jinja_env.globals["trend_min_months"] = evaluation.TREND_MIN_MONTHS
    app.jinja_env.globals["method_words"] = i18n_improve.METHOD
