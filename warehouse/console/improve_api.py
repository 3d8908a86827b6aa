"""JSON API of the improvement cycle for the national roles, under ``/api/v1/improve`` (DESIGN §11).

Every route needs the ``dashboards`` permission (monitoring, statistician, admin). What is shown
derives from published figures only: the drivers are model outputs over at least ``min_n`` complete
responses (their n only for roles with ``exports``, perturbed like every published count), and every performance, baseline, follow-up and
monthly figure is read from the protected cube (:func:`_published`), suppressed cells included as
such. Method: ``docs/methodology.md (From measurement to improvement)``.

| route | parameters |
| --- | --- |
| ``GET /drivers`` | one of ``service``/``entity``/``service_type``; ``period`` (YYYY-MM, YYYY-Qn, YYYY); ``method`` (lmg, johnson); ``lang`` (it, en) |
| ``GET /trend`` | one unit as above; ``indicator``; ``from``, ``to`` (YYYY-MM, at least ``evaluation.TREND_MIN_MONTHS`` months apart) |
| ``GET /plans`` | ``entity``, ``service``, ``status`` |
| ``GET /plans/<id>`` | — (every version) |
| ``GET /plans/<id>/evaluation`` | ``follow_up`` (period); ``lang`` |

Refusals: 400 ``invalid_parameter`` (a malformed parameter, one the route does not read or given twice —
:func:`reads` —, or a unit that names nothing: :func:`_unit`), 404
``not_found`` (no such plan),
422 with the reason (``too_few_responses``, ``items_not_asked``, ``no_variance``, ``not_evaluable``).
"""
from __future__ import annotations

import functools
import math
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from registry import session_scope
from registry import plans as plan_ops
from registry.errors import NotFound, RegistryError
from registry.models import Service

from .. import cube, drivers, evaluation, periods, priorities
from .. import series_breaks
from ..comparability import QueryError
from ..cube import CODE as _CODE
from ..protect import Protection
from .api import refuse_unknown_args
from .auth import require
from .unit_codes import check_units, known_service_type, unknown_service_type

bp = Blueprint("improve_api", __name__, url_prefix="/api/v1/improve")
UNITS = ("service", "entity", "service_type")


def reads(*names: str):
    """A view reading only the query parameters ``names``: any other, or one given twice, is a 400 naming it
    (:func:`warehouse.console.api.refuse_unknown_args`; ``channel=app`` on ``/trend`` gave the unit's figures of
    every channel, the parameter unsaid). Applied under :func:`require`: the role is checked first."""
    known = frozenset(names)

    def wrap(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            refuse_unknown_args(known)
            return view(*args, **kwargs)
        return checked
    return wrap


def _settings():
    return current_app.config["ASCOLTO_SETTINGS"]


def _con():
    return current_app.config["ASCOLTO_WAREHOUSE"]().cursor()


def ckm_secret() -> str:
    """The record keys' secret (:func:`dataset.recordkey.secret_for`): the drivers' published n is
    perturbed with the cell key of its responses, computed for rows stored without a record key."""
    from dataset.recordkey import secret_for

    settings = _settings()
    return secret_for(settings.data_dir, settings.ckm_secret)


def _freq(label: Any, field: str) -> str:
    """The frequency of a period label (:func:`warehouse.periods.freq_of`: the shared refusal naming
    ``field``); a period that has not started yet or is still running is refused too
    (:func:`warehouse.periods.require_ended`: a period's figures are published once it has ended)."""
    freq = periods.freq_of(label, field)
    periods.require_ended(label, field)
    return freq


def _unit() -> tuple[str, str]:
    """The request's one unit ``(dimension, code)``. A code that names nothing is a 400 naming its
    parameter — a service type neither in the taxonomy nor in the data
    (:func:`.unit_codes.known_service_type`), an entity or service neither in the registry nor in the data
    (:func:`.unit_codes.check_units`) — not a refusal for too few responses."""
    given = [(d, request.args[d]) for d in UNITS if request.args.get(d)]
    if len(given) != 1:
        raise QueryError("service", "Give exactly one of service, entity or service_type.")
    dim, code = given[0]
    if not _CODE.match(code):
        raise QueryError(dim, f"Malformed code {code!r}.")
    if dim == "service_type" and not known_service_type(_con(), code):
        raise QueryError(dim, unknown_service_type(code))
    if dim != "service_type":
        check_units(_con(), current_app.config["ASCOLTO_REGISTRY"], {dim: [code]})
    return dim, code


def _lang() -> str:
    lang = request.args.get("lang", "it")
    if lang not in priorities.LANGS:
        raise QueryError("lang", f"lang is one of {', '.join(priorities.LANGS)}.")
    return lang


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)


def _count(v: Any) -> int | None:
    """A published (perturbed) n, or None for a suppressed cell."""
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else int(v)


def _published(con, indicator: str, dim: str, code: str, period: str) -> dict[str, Any] | None:
    """:func:`warehouse.cube.published_cell` with the console's protection. The only place this module
    reads the cube."""
    return cube.published_cell(con, Protection.from_settings(_settings()), indicator, dim, code, period)


def follow_up_problem(baseline: str, follow_up: str) -> str | None:
    """Why ``follow_up`` cannot be compared with ``baseline`` (English; the page translates), or None:
    it must begin after the baseline ends — the same, an earlier or an overlapping period would compare
    a period with itself or backwards, and the interval of the change assumes independent samples."""
    b_last = periods.months(baseline, "baseline_period")[1]
    f_first = periods.months(follow_up, "follow_up")[0]
    if follow_up == baseline:
        return "the follow-up period is the baseline period."
    if f_first <= b_last:
        return (f"the follow-up period {follow_up} must begin after the baseline period {baseline} ends "
                f"({b_last}): it is earlier or overlaps it.")
    return None


#: a plan's mean compared across a questionnaire break (English; the page translates by this text)
MEAN_ACROSS_BREAK = ("a questionnaire break in {month}: the baseline and the follow-up do not hold the same series of "
                     "the question (docs/methodology.md §5), and means of different series are not compared.")


def break_between(con, indicator: str, service: str, baseline: str, follow_up: str) -> str | None:
    """Whether the published baseline and follow-up cells of the service hold different series of
    ``indicator`` — one before and one after a questionnaire break, or either pooling both
    (:func:`warehouse.series_breaks.newest_if_mixed` of their ``series``, read through the protected cube):
    the first published month up to the follow-up's last holding the newer series (or, all such months
    suppressed, the earlier of the two periods holding it); None when they hold one series.
    A mean is not compared across it (:data:`MEAN_ACROSS_BREAK`); a share is, with the break said."""
    cells = {p: _published(con, indicator, "service", service, p) for p in (baseline, follow_up)}
    newest = series_breaks.newest_if_mixed(c.get("series") for c in cells.values() if c)
    if not newest:
        return None
    last = periods.months(follow_up, "follow_up")[1]
    months = {m["period"]: m.get("series") for m in _monthly(con, indicator, "service", service, None, last)}
    return series_breaks.first_new(months, newest) or series_breaks.first_new(
        {p: c.get("series") for p, c in cells.items() if c}, newest)


def follow_up_coverage(con, follow_up: str) -> dict[str, Any]:
    """Whether the follow-up period is shown whole (:func:`warehouse.cube.coverage`)."""
    return cube.coverage(follow_up, cube.first_data_month(con))


def _monthly(con, indicator: str, dim: str, code: str, start: str, end: str) -> list[dict[str, Any]]:
    cut = cube.Cut(indicator=indicator, filters={dim: [code]}, freq="M", start=start, end=end).validate()
    df = cube.table(con, cut, Protection.from_settings(_settings()), noise=True, series=True)
    # noise_var: the perturbation's variance of the month's share, series: the month's series of the
    # indicator (None when suppressed), for evaluation.trend's rules (neither shown); the interval and the
    # statuses for the evaluation page's table (MONTH_DETAIL: not in the trend API's months)
    return [{"period": r["period"], "n": _count(r["n"]), "top2": _num(r["top2"]), "noise_var": _num(r["top2_noise_var"]),
             "series": r["series"], "top2_lower": _num(r["top2_lower"]), "top2_upper": _num(r["top2_upper"]),
             "obs_status": r["obs_status"], "conf_status": r["conf_status"]} for r in df.to_dict("records")]


#: :func:`_monthly`'s keys that the trend API leaves out of its months (the rule's inputs and the page's detail)
MONTH_DETAIL = ("noise_var", "series", "top2_lower", "top2_upper", "obs_status", "conf_status")


# ---------------------------------------------------------------------------------------------

@bp.errorhandler(drivers.DriversRefused)
def _refused(exc: drivers.DriversRefused):
    status = 400 if exc.code == "invalid_parameter" else 422
    return jsonify({"error": exc.code, "message": str(exc), "fields": {f: [str(exc)] for f in exc.fields}}), status


@bp.errorhandler(evaluation.EvaluationError)
def _not_evaluable(exc: evaluation.EvaluationError):
    body = {"error": "not_evaluable", "message": str(exc), "fields": {exc.field: [str(exc)]}}
    if exc.reason:  # a rule of the estimator refused (e.g. a trend's too_few_months, break): its key and numbers
        body.update(reason=exc.reason, detail=exc.detail)
    return jsonify(body), 422


def month_count(start: str, end: str) -> int:
    """Months from ``start`` to ``end`` (YYYY-MM), both included."""
    return (int(end[:4]) - int(start[:4])) * 12 + int(end[5:]) - int(start[5:]) + 1


def trend_of(con, indicator: str, dim: str, code: str, months: list[dict[str, Any]]) -> evaluation.Trend:
    """:func:`warehouse.evaluation.trend` of the published ``months`` (:func:`_monthly`), refused when they
    hold more than one series of the indicator; the unit's whole published monthly history (its ``series``,
    read through the protected cube only when the months mix) names the month from which one series is
    present (:func:`warehouse.series_breaks.mixing`)."""
    usable = [m for m in months if m["top2"] is not None]
    series = {m["period"]: m.get("series") for m in usable}
    if series_breaks.newest_if_mixed(series.values()):
        series = {m["period"]: m.get("series") for m in _monthly(con, indicator, dim, code, None, None)}
    return evaluation.trend([m["period"] for m in usable], [round(m["top2"] * m["n"] / 100) for m in usable],
                            [m["n"] for m in usable], noise_var=[m.get("noise_var") for m in usable], series=series)


@bp.errorhandler(RegistryError)
def _registry(exc: RegistryError):
    status, error = (404, "not_found") if isinstance(exc, NotFound) else (400, "invalid_parameter")
    return jsonify({"error": error, "message": str(exc), "fields": {exc.field: [exc.problem]}}), status


@bp.get("/drivers")
@require("dashboards")
@reads(*UNITS, "period", "method", "lang")
def drivers_view():
    """Derived importance, the importance × performance matrix and the plain-language list."""
    dim, code = _unit()
    period = request.args.get("period")
    _freq(period, "period")
    lang = _lang()
    method = request.args.get("method", "lmg")
    con = _con()
    result = drivers.drivers_for(con, start=period, end=period, method=method, secret=ckm_secret(),
                                 protection=Protection.from_settings(_settings()), k=_settings().microdata_k,
                                 **{dim: code})
    aspects = [d.aspect for d in result.drivers]
    perf = {}
    for a in aspects:
        cell = _published(con, a, dim, code, period)
        perf[a] = cell["top2"] if cell else None
    bench = None
    if dim == "service":
        with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
            svc = s.get(Service, code)
            stype = svc.service_type if svc else None
        if stype:
            bench = {}
            for a in aspects:
                cell = _published(con, a, "service_type", stype, period)
                bench[a] = cell["top2"] if cell else None
    m = priorities.matrix(result, perf, bench)
    return jsonify({"unit": {dim: code}, "period": period,
                    "drivers": result.to_dict(include_n=g.user.can("exports"),
                                              protection=Protection.from_settings(_settings())),
                    "matrix": m.to_dict(),
                    "priorities": priorities.plain_list(m, lang), "lang": lang})


@bp.get("/trend")
@require("dashboards")
@reads(*UNITS, "indicator", "from", "to")
def trend_view():
    """Logistic trend of the positive share of ``indicator`` over the months ``from``..``to``."""
    dim, code = _unit()
    start, end = request.args.get("from"), request.args.get("to")
    for name, v in (("from", start), ("to", end)):
        if _freq(v, name) != "M":
            raise QueryError(name, f"{name} is a month, YYYY-MM.")
    indicator = request.args.get("indicator", "satisfaction")
    if indicator not in cube.SCORE_INDICATORS:
        raise QueryError("indicator", f"indicator must be one of {', '.join(cube.SCORE_INDICATORS)}.")
    if start > end:
        raise QueryError("from", f"from ({start}) is after to ({end}).")
    if (got := month_count(start, end)) < evaluation.TREND_MIN_MONTHS:  # a range too short: the request's fault
        raise QueryError("from", str(evaluation.too_few_months(got)))
    con = _con()
    months = _monthly(con, indicator, dim, code, start, end)
    result = trend_of(con, indicator, dim, code, months)
    shown = [{k: v for k, v in m.items() if k not in MONTH_DETAIL} for m in months]
    return jsonify({"unit": {dim: code}, "indicator": indicator, "months": shown, "trend": result.to_dict()})


@bp.get("/plans")
@require("dashboards")
@reads("entity", "service", "status")
def plans_view():
    """Plans (current versions), as the export's rows."""
    filters = {k: request.args[a] for a, k in (("entity", "entity_ipa"), ("service", "service_key"), ("status", "status"))
               if request.args.get(a)}
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        rows = plan_ops.export_rows(s, **filters)
    return jsonify({"columns": list(plan_ops.EXPORT_COLUMNS), "plans": rows})


def _plan(s, plan_id: int) -> dict[str, Any]:
    plan = plan_ops.get_plan(s, plan_id)
    return {"plan_id": plan.id, "service_key": plan.service_key, "version": plan.version,
            "created_at": plan.created_at.isoformat(timespec="seconds"), "created_by": plan.created_by,
            "versions": [{**plan_ops.snapshot(v), "at": v.at.isoformat(timespec="seconds"), "actor": v.actor}
                         for v in plan_ops.versions(s, plan.id)]}


@bp.get("/plans/<int:plan_id>")
@require("dashboards")
@reads()
def plan_view(plan_id: int):
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return jsonify(_plan(s, plan_id))


def target_of(change: evaluation.Change, target: float, cell: dict[str, Any]) -> dict[str, Any]:
    """:func:`warehouse.evaluation.target_check` of the follow-up ``cell`` (:func:`_published`) on its
    published interval, or its noise variance when the interval is missing (never sampling alone)."""
    share = change.measure == "share"
    return evaluation.target_check(target, change.measure, change.follow_up, cell["n"], cell["sd"],
                                   ci=cell["top2_ci" if share else "mean_ci"],
                                   noise_var=cell["top2_noise_var" if share else "mean_noise_var"])


@bp.get("/plans/<int:plan_id>/evaluation")
@require("dashboards")
@reads("follow_up", "lang")
def evaluation_view(plan_id: int):
    """The plan's indicator in its baseline period against ``follow_up``: CI of the change, verdict,
    minimum detectable change, and whether the follow-up value reaches the target
    (:func:`warehouse.evaluation.target_check`: ``target_status`` reached / not_reached / uncertain by
    the follow-up's own 95% interval ``target_ci``; ``target_reached`` only when reached). ``seasonal_caveat``:
    the two periods cover different months of the year, so part of the change may be seasonal
    (:func:`warehouse.evaluation.seasonal_caveat`)."""
    follow_up = request.args.get("follow_up")
    _freq(follow_up, "follow_up")
    lang = _lang()
    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        plan = _plan(s, plan_id)
    cur = plan["versions"][-1]
    problem = follow_up_problem(cur["baseline_period"], follow_up)
    if problem:
        raise QueryError("follow_up", problem)
    con = _con()
    cov = follow_up_coverage(con, follow_up)
    cells = {}
    for name, period in (("baseline", cur["baseline_period"]), ("follow_up", follow_up)):
        cell = _published(con, cur["indicator"], "service", plan["service_key"], period)
        if cell is None or not cell["published"]:
            raise evaluation.EvaluationError(name, f"the {name.replace('_', '-')} period {period} has no published "
                                                   f"figure for {cur['indicator']} of this service "
                                                   f"({'no answers' if cell is None else 'suppressed'}).")
        cells[name] = cell
    b, f = cells["baseline"], cells["follow_up"]
    crossed = break_between(con, cur["indicator"], plan["service_key"], cur["baseline_period"], follow_up)
    if crossed and cur["measure"] != "top2":
        raise evaluation.EvaluationError("follow_up", MEAN_ACROSS_BREAK.format(month=crossed))
    if cur["measure"] == "top2":
        change = evaluation.share_change(round(b["top2"] * b["n"] / 100), b["n"], round(f["top2"] * f["n"] / 100), f["n"],
                                         noise_var0=b["top2_noise_var"], noise_var1=f["top2_noise_var"])
    else:
        change = evaluation.mean_change(b["n"], b["mean"], b["sd"], f["n"], f["mean"], f["sd"],
                                            noise_var0=b["mean_noise_var"], noise_var1=f["mean_noise_var"])
    target = target_of(change, cur["target_value"], f)
    return jsonify({"plan": {k: plan[k] for k in ("plan_id", "service_key", "version")}, "indicator": cur["indicator"],
                    "measure": cur["measure"], "baseline_period": cur["baseline_period"], "follow_up_period": follow_up,
                    "target_value": cur["target_value"],
                    "follow_up_partial": cov["partial"], "follow_up_running": cov["running"],
                    "target_reached": target["status"] == "reached", "target_status": target["status"],
                    "target_ci": target["ci"], "target_reason": target["reason"], "break_between": crossed,
                    "seasonal_caveat": evaluation.seasonal_caveat(cur["baseline_period"], follow_up),
                    "change": change.to_dict(), "sentence": change.sentence(lang), "lang": lang})
