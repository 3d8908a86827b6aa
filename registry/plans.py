"""Improvement plans: record, edit (versioned), read and export (DESIGN §11).

Contract (the same as :mod:`registry.ops`): each function takes an open session and the ``actor``,
validates, writes the change and its audit row (object type ``plan``, key = the plan id, before and
after = the versions' contents) in the session, flushes and leaves the commit to the caller. Refusals
raise a :class:`registry.errors.RegistryError` naming the field; nothing is written then.

- A plan is for one service: the indicator (a canonical score indicator the service's questionnaire
  measures), the measure (``top2`` = positive share in %, or ``mean`` on 0–100), the baseline period
  (``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``) and optionally the baseline value, the target value, the
  deadline (after the baseline period), the actions (free text), the owner, and a status
  (``active``, ``completed``, ``withdrawn``).
- Every edit is a new version holding the whole content; earlier versions are never changed. An
  edit that changes nothing writes nothing. ``expected_version`` makes an edit conditional on the
  version the editor saw (a concurrent edit is refused instead of silently overwritten).
- ``scope_entity`` (an IPA code) restricts a caller to the plans of that entity's services — what
  an entity-scoped role gets; other plans then do not exist for it (``NotFound``).
- :func:`export_rows` + :func:`to_csv` / :func:`to_json`: the current version of each plan, flat, for
  an entity's performance plan (D.Lgs. 150/2009).
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import UnknownQuestionnaire, default_catalog
from questionnaires.harmonize import SCORE_INDICATORS
from questionnaires.periods import today_rome

from . import audit
from .errors import InvalidValue, NotAllowed, NotFound
from .models import Entity, Service, utcnow
from .plan_models import MEASURES, STATUSES, ImprovementPlan, PlanVersion

CONTENT = ("indicator", "measure", "baseline_period", "baseline_value", "target_value", "deadline", "actions",
           "owner", "status")
EXPORT_COLUMNS = ("plan_id", "version", "entity_ipa", "entity_name", "service_key", "service_name", "service_type",
                  "indicator", "measure", "baseline_period", "baseline_value", "target_value", "deadline", "owner",
                  "status", "actions", "updated_at", "updated_by", "created_at", "created_by")
MAX_ACTIONS = 5000
_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")
YEARS = (2000, 2100)  # a baseline or a deadline outside these years is a typing error (and 0000/9999 break dates)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # newlines and tabs are allowed in the actions


# ---------------------------------------------------------------------------------------------
# Validation of single values

def check_indicator(value: Any, service: Service) -> str:
    if value not in SCORE_INDICATORS:
        raise InvalidValue("indicator", f"{value!r} is not one of {', '.join(SCORE_INDICATORS)}")
    try:
        q = default_catalog().get(service.questionnaire_id, service.questionnaire_version)
    except UnknownQuestionnaire:
        return value  # an instrument no longer shipped: the plan may still be recorded
    if value not in q.harmonization:
        measured = [i for i in SCORE_INDICATORS if i in q.harmonization]
        raise NotAllowed("indicator", f"the questionnaire of service {service.key!r} ({q.id} v{q.version}) does "
                                      f"not measure {value!r}; it measures {', '.join(measured) or 'none of them'}")
    return value


def check_measure(value: Any) -> str:
    if value not in MEASURES:
        raise InvalidValue("measure", f"{value!r} is not one of {', '.join(MEASURES)}")
    return value


def check_status(value: Any) -> str:
    if value not in STATUSES:
        raise InvalidValue("status", f"{value!r} is not one of {', '.join(STATUSES)}")
    return value


def check_period(value: Any, field: str = "baseline_period") -> str:
    if not isinstance(value, str) or not _PERIOD.match(value.strip()):
        raise InvalidValue(field, f"{value!r} is not a period (YYYY-MM, YYYY-Qn or YYYY)")
    if not YEARS[0] <= int(value.strip()[:4]) <= YEARS[1]:
        raise InvalidValue(field, f"{value.strip()!r} is not a period between {YEARS[0]} and {YEARS[1]}")
    return value.strip()


def period_end(period: str) -> date:
    """The last day of a ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` period."""
    year = int(period[:4])
    month = 12 if len(period) == 4 else 3 * int(period[-1]) if "Q" in period else int(period[5:7])
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def check_value(value: Any, field: str, required: bool = True) -> float | None:
    if value is None or value == "":
        if required:
            raise InvalidValue(field, "is required")
        return None
    if isinstance(value, bool):
        raise InvalidValue(field, f"{value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidValue(field, f"{value!r} is not a number") from None
    if not 0 <= number <= 100:
        raise InvalidValue(field, f"{number:g} is outside 0–100 (indicators are shares in % or scores on 0–100)")
    return number


def check_deadline(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidValue("deadline", f"{value!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(value, date):
        raise InvalidValue("deadline", "is required (YYYY-MM-DD)")
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise InvalidValue("deadline", f"{value.isoformat()} is not a date between {YEARS[0]} and {YEARS[1]}")
    return value


def check_actions(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("actions", "is required: say what will be done")
    value = value.strip().replace("\r\n", "\n")
    if _CONTROL.search(value):
        raise InvalidValue("actions", "contains control characters")
    if len(value) > MAX_ACTIONS:
        raise InvalidValue("actions", f"is {len(value)} characters long, at most {MAX_ACTIONS} allowed")
    return value


def check_owner(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("owner", "is required: who answers for the plan")
    value = " ".join(value.split())
    if _CONTROL.search(value):
        raise InvalidValue("owner", "contains control characters")
    if len(value) > 200:
        raise InvalidValue("owner", f"is {len(value)} characters long, at most 200 allowed")
    return value


Published = Callable[[str, str, str, str], "float | None"]
"""``published(service_key, indicator, measure, period)``: the service's published (protected) figure of the
indicator in that period, in the plan's measure, or None (no answers, or suppressed)."""
_KEY = ("indicator", "measure", "baseline_period")


def has_started(period: str, today: date) -> bool:
    """Whether the period ``period`` (``YYYY-MM``, ``YYYY-Qn``, ``YYYY``) has started on ``today``: its
    first month is not after today's month. The one rule for "a period that has not started is
    refused" — a plan's baseline here, and every period the console is asked for
    (:func:`warehouse.periods.require_started`)."""
    return _month_index(period, last=False) <= today.year * 12 + today.month - 1


def _month_index(period: str, last: bool) -> int:
    year = int(period[:4])
    if len(period) == 4:
        month = 12 if last else 1
    elif "Q" in period:
        month = 3 * int(period[-1]) - (0 if last else 2)
    else:
        month = int(period[5:7])
    return year * 12 + month - 1


def _checked_against_data(service_key: str, out: dict[str, Any], published: Published, today: date,
                          old: dict[str, Any] | None) -> None:
    """The checks a plan needs the published data and today's date for (``out`` is updated):

    - the baseline period has ended (not future nor running: its figure would still move);
    - the baseline value is the published figure of the baseline period — filled in, and a different
      value given is refused (an echo of the old value, when the period/indicator/measure changed, is
      replaced);
    - the target is an improvement on it (every score indicator is "higher is better");
    - a new or changed deadline is not already past."""
    period, now = out["baseline_period"], today.year * 12 + today.month - 1
    if old is None or any(out[k] != old[k] for k in _KEY) or old.get("baseline_value") is None:
        if not has_started(period, today):
            raise InvalidValue("baseline_period", f"{period} is in the future: the baseline is a period with data")
        if _month_index(period, last=True) >= now:
            raise InvalidValue("baseline_period", f"{period} has not ended yet: its figure is still partial")
        value = published(service_key, out["indicator"], out["measure"], period)
        if value is None:
            raise NotAllowed("baseline_period", f"{period} has no published figure of {out['indicator']} for this "
                                                f"service (no answers, or suppressed)")
        value = round(float(value), 1)
        given = out["baseline_value"]
        echo = old is not None and given is not None and given == old.get("baseline_value")
        if given is not None and not echo and abs(given - value) > 0.05:
            raise InvalidValue("baseline_value", f"{given:g} is not the published figure of {period}, "
                                                 f"{value:g}: leave it empty, it is filled in")
        out["baseline_value"] = value
    elif out["baseline_value"] is None:
        out["baseline_value"] = old["baseline_value"]  # not given: kept (it is the system's)
    elif out["baseline_value"] != old["baseline_value"]:
        raise InvalidValue("baseline_value", f"{out['baseline_value']:g} is not the published figure of "
                                             f"{period}, {old['baseline_value']:g}: it is not edited")
    changed = old is None or out["target_value"] != old["target_value"] or out["baseline_value"] != old["baseline_value"]
    if changed and out["target_value"] <= out["baseline_value"]:
        raise InvalidValue("target_value", f"{out['target_value']:g} is not an improvement on the baseline "
                                           f"{out['baseline_value']:g} (higher is better)")
    if (old is None or out["deadline"] != old["deadline"]) and out["deadline"] < today:
        raise InvalidValue("deadline", f"{out['deadline'].isoformat()} is already past")


def _content(service: Service, fields: dict[str, Any], published: Published | None = None,
             today: date | None = None, old: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated content of a version (every field of :data:`CONTENT`). With ``published``, the
    baseline value comes from the data and the checks of :func:`_checked_against_data` apply; ``old``
    is the current content when editing."""
    unknown = sorted(set(fields) - set(CONTENT))
    if unknown:
        raise InvalidValue(unknown[0], "is not a field of a plan")
    out = {
        "indicator": check_indicator(fields.get("indicator"), service),
        "measure": check_measure(fields.get("measure")),
        "baseline_period": check_period(fields.get("baseline_period")),
        "baseline_value": check_value(fields.get("baseline_value"), "baseline_value", required=False),
        "target_value": check_value(fields.get("target_value"), "target_value"),
        "deadline": check_deadline(fields.get("deadline")),
        "actions": check_actions(fields.get("actions")),
        "owner": check_owner(fields.get("owner")),
        "status": check_status(fields.get("status")),
    }
    if out["deadline"] <= period_end(out["baseline_period"]):
        raise InvalidValue("deadline", f"{out['deadline'].isoformat()} is not after the baseline period "
                                       f"{out['baseline_period']}")
    if published is not None:
        _checked_against_data(service.key, out, published, today or today_rome(), old)
    return out


def snapshot(version: PlanVersion) -> dict[str, Any]:
    """A version's content as JSON-ready values (what the audit log and the exports hold)."""
    out = {name: getattr(version, name) for name in CONTENT}
    out["deadline"] = version.deadline.isoformat()
    out["version"] = version.version
    return out


# ---------------------------------------------------------------------------------------------
# Reading

def _service(session: Session, key: Any, scope_entity: str | None) -> Service:
    svc = session.get(Service, key) if isinstance(key, str) else None
    if svc is None or (scope_entity is not None and svc.entity_ipa != scope_entity):
        raise NotFound("service_key", f"no service {key!r}")
    return svc


def get_plan(session: Session, plan_id: Any, *, scope_entity: str | None = None) -> ImprovementPlan:
    try:
        pid = int(plan_id)
    except (TypeError, ValueError):
        raise InvalidValue("plan_id", f"{plan_id!r} is not a plan id") from None
    plan = session.get(ImprovementPlan, pid) if 0 < pid < 2 ** 31 else None  # beyond an INTEGER column
    if plan is None or (scope_entity is not None and session.get(Service, plan.service_key).entity_ipa != scope_entity):
        raise NotFound("plan_id", f"no plan {plan_id!r}")
    return plan


def current(session: Session, plan: ImprovementPlan) -> PlanVersion:
    return session.get(PlanVersion, (plan.id, plan.version))


def versions(session: Session, plan_id: Any, *, scope_entity: str | None = None) -> list[PlanVersion]:
    """Every version of a plan, oldest first."""
    plan = get_plan(session, plan_id, scope_entity=scope_entity)
    return list(session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan.id)
                                .order_by(PlanVersion.version)))


def list_plans(session: Session, *, entity_ipa: str | None = None, service_key: str | None = None,
               status: str | None = None, scope_entity: str | None = None
               ) -> list[tuple[ImprovementPlan, PlanVersion, Service]]:
    """Plans with their current version and service, by plan id; filters combine."""
    if status is not None:
        check_status(status)
    q = (select(ImprovementPlan, PlanVersion, Service)
         .join(PlanVersion, (PlanVersion.plan_id == ImprovementPlan.id) & (PlanVersion.version == ImprovementPlan.version))
         .join(Service, Service.key == ImprovementPlan.service_key).order_by(ImprovementPlan.id))
    if scope_entity is not None:
        q = q.where(Service.entity_ipa == scope_entity)
    if entity_ipa is not None:
        q = q.where(Service.entity_ipa == entity_ipa)
    if service_key is not None:
        q = q.where(ImprovementPlan.service_key == service_key)
    if status is not None:
        q = q.where(PlanVersion.status == status)
    return [tuple(r) for r in session.execute(q)]


# ---------------------------------------------------------------------------------------------
# Writing

def add_plan(session: Session, *, actor: str, service_key: str, indicator: str, baseline_period: str,
             target_value: float, deadline: date | str, actions: str, owner: str, measure: str = "top2",
             baseline_value: float | None = None, status: str = "active", scope_entity: str | None = None,
             context: str | None = None, published: Published | None = None,
             today: date | None = None) -> ImprovementPlan:
    """Record a new plan (version 1) for ``service_key``. With ``published`` (the service's published
    figures), the baseline value is the published one and the target must improve on it; the
    baseline period must have ended and the deadline must not be past (``today``, default Rome's)."""
    actor = audit.check_actor(actor)
    svc = _service(session, service_key, scope_entity)
    content = _content(svc, {"indicator": indicator, "measure": measure, "baseline_period": baseline_period,
                             "baseline_value": baseline_value, "target_value": target_value, "deadline": deadline,
                             "actions": actions, "owner": owner, "status": status},
                       published, today)
    now = utcnow()
    plan = ImprovementPlan(service_key=svc.key, version=1, created_at=now, created_by=actor)
    session.add(plan)
    session.flush()
    version = PlanVersion(plan_id=plan.id, version=1, at=now, actor=actor, **content)
    session.add(version)
    audit.record(session, actor=actor, action="create", object_type="plan", object_key=str(plan.id),
                 after={"service_key": svc.key, **snapshot(version)}, context=context, at=now)
    session.flush()
    return plan


def update_plan(session: Session, plan_id: Any, *, actor: str, expected_version: int | None = None,
                scope_entity: str | None = None, context: str | None = None, published: Published | None = None,
                today: date | None = None, **changes: Any) -> ImprovementPlan:
    """A new version of the plan with ``changes`` applied to the current content (any of
    :data:`CONTENT`); nothing is written when nothing changes. ``published``/``today``: as
    :func:`add_plan` (the baseline is re-read only when its period, indicator or measure change)."""
    actor = audit.check_actor(actor)
    plan = get_plan(session, plan_id, scope_entity=scope_entity)
    if expected_version is not None and expected_version != plan.version:
        raise NotAllowed("version", f"plan {plan.id} is at version {plan.version}, not {expected_version}: "
                                    f"it was edited meanwhile; reload it and edit again")
    old = current(session, plan)
    merged = {name: getattr(old, name) for name in CONTENT}
    unknown = sorted(set(changes) - set(CONTENT))
    if unknown:
        raise InvalidValue(unknown[0], "is not a field of a plan")
    merged.update(changes)
    content = _content(session.get(Service, plan.service_key), merged, published, today,
                       {name: getattr(old, name) for name in CONTENT})
    if all(content[name] == getattr(old, name) for name in CONTENT):
        return plan
    now = utcnow()
    version = PlanVersion(plan_id=plan.id, version=plan.version + 1, at=now, actor=actor, **content)
    session.add(version)
    plan.version = version.version
    audit.record(session, actor=actor, action="update", object_type="plan", object_key=str(plan.id),
                 before=snapshot(old), after=snapshot(version), context=context, at=now)
    session.flush()
    return plan


# ---------------------------------------------------------------------------------------------
# Export

def export_rows(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """One flat row per plan (its current version), columns :data:`EXPORT_COLUMNS`; filters as
    :func:`list_plans`."""
    rows = []
    for plan, version, svc in list_plans(session, **filters):
        entity = session.get(Entity, svc.entity_ipa)
        rows.append({
            "plan_id": plan.id, "version": version.version, "entity_ipa": svc.entity_ipa,
            "entity_name": entity.name if entity else None, "service_key": svc.key, "service_name": svc.name,
            "service_type": svc.service_type, **{k: v for k, v in snapshot(version).items() if k != "version"},
            "updated_at": version.at.isoformat(timespec="seconds"), "updated_by": version.actor,
            "created_at": plan.created_at.isoformat(timespec="seconds"), "created_by": plan.created_by,
        })
    return [{c: r[c] for c in EXPORT_COLUMNS} for r in rows]


def _cell(value: Any) -> Any:
    """Spreadsheet-safe text: a leading = + - @ would be read as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return out.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"columns": list(EXPORT_COLUMNS), "plans": rows}, ensure_ascii=False, indent=2)
