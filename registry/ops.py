"""The registry's service layer: functions that validate, write and audit.

Each function takes an open :class:`~sqlalchemy.orm.Session` and the ``actor`` making the change,
adds the change and its audit row to the session, flushes, and leaves the commit to the caller
(use :func:`registry.session_scope`). Refusals raise a :class:`registry.errors.RegistryError`
naming the field and the problem; nothing is written then.

The standard is read, never hard-coded: service types and the questionnaires they allow come from
``questionnaires.taxonomy``, published questionnaire versions from a
:class:`questionnaires.Catalog` (the shipped one unless a function is given another).
"""
from __future__ import annotations

import re
import secrets
from typing import Any, Iterable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Catalog, UnknownQuestionnaire, default_catalog
from questionnaires.envelope import CHANNELS
from questionnaires.taxonomy import ServiceType, UnknownCode, service_type as lookup_service_type, service_types

from . import audit, geo
from .errors import AlreadyExists, InvalidValue, NotAllowed, NotFound
from .models import Entity, Service

IPA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
CATEGORY = re.compile(r"^[A-Z]{1,4}[0-9]{0,3}$")
SERVICE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{2,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DEFAULT_PORTS = {"http": 80, "https": 443}


# ---------------------------------------------------------------------------------------------
# Validation of single values (also used by the IPA import)

def check_ipa_code(value: Any, field: str = "ipa_code") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, "is required")
    value = value.strip()
    if not IPA_CODE.match(value):
        raise InvalidValue(field, f"{value!r} is not an IPA code (letters, digits, _ . -; at most 32)")
    return value


def check_name(value: Any, field: str = "name", max_length: int = 300) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, "is required")
    value = " ".join(value.split())
    if _CONTROL.search(value):
        raise InvalidValue(field, "contains control characters")
    if len(value) > max_length:
        raise InvalidValue(field, f"is {len(value)} characters long, at most {max_length} allowed")
    return value


def check_category(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("category", "is required")
    value = value.strip().upper()
    if not CATEGORY.match(value):
        raise InvalidValue("category", f"{value!r} is not an IPA category code (e.g. L6, C16)")
    return value


def place(comune_istat: str | None = None, region_istat: str | None = None,
          region_nuts: str | None = None) -> geo.Place:
    """Where an entity is: from its comune when given (and the region then must agree), else
    from its region."""
    if comune_istat not in (None, ""):
        try:
            p = geo.from_comune(str(comune_istat))
        except geo.UnknownTerritory as exc:
            raise InvalidValue("comune_istat", str(exc)) from None
        if region_istat not in (None, "") and region_istat != p.region_istat:
            raise InvalidValue("region_istat", f"{region_istat!r} disagrees with comune {p.comune_istat!r} "
                                               f"(region {p.region_istat!r})")
        if region_nuts not in (None, "") and region_nuts != p.region_nuts:
            raise InvalidValue("region_nuts", f"{region_nuts!r} disagrees with comune {p.comune_istat!r} "
                                              f"(NUTS-2 {p.region_nuts!r})")
        return p
    if region_istat in (None, ""):
        raise InvalidValue("comune_istat", "a comune or a region Istat code is required")
    try:
        return geo.from_region(str(region_istat), region_nuts or None)
    except geo.UnknownTerritory as exc:
        field = "region_nuts" if "NUTS" in str(exc) else "region_istat"
        raise InvalidValue(field, str(exc)) from None


def check_service_key(value: Any) -> str:
    if not isinstance(value, str) or not SERVICE_KEY.match(value):
        raise InvalidValue("key", f"{value!r} is not a service key (3–64 letters, digits, _ or -)")
    return value


def new_service_key() -> str:
    """A fresh, unguessable public key (keys are public, but need not be enumerable)."""
    return "s-" + secrets.token_hex(8)


def check_channel(value: Any) -> str:
    if value not in CHANNELS:
        raise InvalidValue("channel", f"{value!r} is not one of {', '.join(CHANNELS)}")
    return value


def normalize_origin(value: Any) -> str:
    """``scheme://host[:port]`` as a browser sends it in ``Origin`` (lower case, no default port)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("allowed_origins", "an origin must be a non-empty string")
    raw = value.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise InvalidValue("allowed_origins", f"{raw!r} is not a URL origin") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidValue("allowed_origins", f"{raw!r} must be http(s)://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidValue("allowed_origins", f"{raw!r} is an origin only: no path, query, fragment or user")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + ("" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}")


def check_origins(values: Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        raise InvalidValue("allowed_origins", "must be a list of origins, not a string")
    out: list[str] = []
    for v in values:
        o = normalize_origin(v)
        if o not in out:
            out.append(o)
    return out


def check_sampling_rate(value: Any) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise InvalidValue("sampling_rate", f"{value!r} is not a number") from None
    if not 0.0 < rate <= 1.0:
        raise InvalidValue("sampling_rate", f"{rate} is outside (0, 1]")
    return rate


def check_service_type(code: Any) -> ServiceType:
    try:
        return lookup_service_type(code)
    except UnknownCode as exc:
        raise InvalidValue("service_type", f"{code!r} is not in the service-type taxonomy "
                                           f"(valid: {', '.join(exc.valid)})") from None


def check_type_fits_category(stype: ServiceType, category: str, entity: str) -> None:
    if category not in stype.pa_categories:
        fitting = [t.code for t in service_types().values() if category in t.pa_categories]
        raise NotAllowed("service_type", f"{stype.code!r} applies to PA categories "
                                         f"{', '.join(stype.pa_categories)}, not to {entity!r} ({category}); "
                                         f"types for {category}: {', '.join(fitting) or 'none'}")


def latest_version(qid: str, catalog: Catalog | None = None) -> int | None:
    """The newest published version of questionnaire ``qid``, or ``None``."""
    versions = [q.version for q in (catalog or default_catalog()) if q.id == qid]
    return max(versions) if versions else None


def check_questionnaire(stype: ServiceType, qid: Any, version: Any = None,
                        catalog: Catalog | None = None) -> tuple[str, int]:
    """``(qid, version)`` if the service type allows ``qid`` and ``version`` (default: the newest)
    is published; raises :class:`NotAllowed` or :class:`NotFound` otherwise."""
    if not isinstance(qid, str) or not qid:
        raise InvalidValue("questionnaire_id", "is required")
    if qid not in stype.questionnaires:
        raise NotAllowed("questionnaire_id", f"service type {stype.code!r} does not allow {qid!r} "
                                             f"(allowed: {', '.join(stype.questionnaires) or 'none'})")
    if version is None:
        version = latest_version(qid, catalog)
        if version is None:
            raise NotFound("questionnaire_id", f"no version of {qid!r} is published")
    if isinstance(version, bool) or not isinstance(version, int):
        try:
            version = int(str(version))
        except ValueError:
            raise InvalidValue("questionnaire_version", f"{version!r} is not a version number") from None
    try:
        (catalog or default_catalog()).get(qid, version)
    except UnknownQuestionnaire:
        raise NotFound("questionnaire_version", f"{qid!r} version {version} is not published") from None
    return qid, version


def default_questionnaire(stype: ServiceType, catalog: Catalog | None = None) -> tuple[str, int]:
    """The first questionnaire the service type allows, at its newest published version."""
    for qid in stype.questionnaires:
        v = latest_version(qid, catalog)
        if v is not None:
            return qid, v
    raise NotFound("questionnaire_id", f"no questionnaire allowed for {stype.code!r} is published")


# ---------------------------------------------------------------------------------------------
# Entities

def get_entity(session: Session, ipa_code: str) -> Entity:
    e = session.get(Entity, ipa_code)
    if e is None:
        raise NotFound("ipa_code", f"no entity {ipa_code!r}")
    return e


def add_entity(session: Session, *, actor: str, ipa_code: str, name: str, category: str,
               comune_istat: str | None = None, region_istat: str | None = None,
               region_nuts: str | None = None, context: str | None = None) -> Entity:
    """Create an entity. Region and NUTS-2 are derived from the comune when it is given."""
    actor = audit.check_actor(actor)
    ipa_code = check_ipa_code(ipa_code)
    fields = dict(name=check_name(name), category=check_category(category))
    p = place(comune_istat, region_istat, region_nuts)
    if session.get(Entity, ipa_code) is not None:
        raise AlreadyExists("ipa_code", f"entity {ipa_code!r} already exists")
    e = Entity(ipa_code=ipa_code, region_istat=p.region_istat, region_nuts=p.region_nuts,
               comune_istat=p.comune_istat, **fields)
    session.add(e)
    session.flush()
    audit.record(session, actor=actor, action="create", object_type="entity", object_key=ipa_code,
                 after=audit.snapshot(e), context=context)
    session.flush()
    return e


_UNSET: Any = object()


def update_entity(session: Session, ipa_code: str, *, actor: str, name: str = _UNSET, category: str = _UNSET,
                  comune_istat: str | None = _UNSET, region_istat: str = _UNSET, region_nuts: str = _UNSET,
                  context: str | None = None) -> Entity:
    """Change an entity's fields (only those given). Nothing is written, nor audited, when no
    value actually changes. Changing the comune re-derives the region."""
    actor = audit.check_actor(actor)
    e = get_entity(session, ipa_code)
    new: dict[str, Any] = {}
    if name is not _UNSET:
        new["name"] = check_name(name)
    if category is not _UNSET:
        new["category"] = check_category(category)
    if any(v is not _UNSET for v in (comune_istat, region_istat, region_nuts)):
        com = e.comune_istat if comune_istat is _UNSET else comune_istat
        reg = None if region_istat is _UNSET else region_istat
        nuts = None if region_nuts is _UNSET else region_nuts
        if com in (None, ""):  # known by region only: keep the current region unless another is given
            if reg is None:
                reg = e.region_istat
            if nuts is None and reg == e.region_istat:
                nuts = e.region_nuts
        p = place(com, reg, nuts)
        new.update(comune_istat=p.comune_istat, region_istat=p.region_istat, region_nuts=p.region_nuts)
    changed = {k: v for k, v in new.items() if getattr(e, k) != v}
    if not changed:
        return e
    if "category" in changed:
        check_services_fit(session, e.ipa_code, changed["category"])
    before = audit.snapshot(e)
    for k, v in changed.items():
        setattr(e, k, v)
    session.flush()
    audit.record(session, actor=actor, action="update", object_type="entity", object_key=e.ipa_code,
                 before=before, after=audit.snapshot(e), context=context)
    session.flush()
    return e


def check_services_fit(session: Session, ipa_code: str, category: str) -> None:
    """An entity may change category only if each of its services' types applies to the new one."""
    for key, stype_code in session.execute(
            select(Service.key, Service.service_type).where(Service.entity_ipa == ipa_code)):
        try:
            stype = lookup_service_type(stype_code)
        except UnknownCode:
            continue
        if category not in stype.pa_categories:
            raise NotAllowed("category", f"{category!r} does not fit service {key!r} of type {stype_code!r} "
                                         f"(applies to {', '.join(stype.pa_categories)})")


# ---------------------------------------------------------------------------------------------
# Services

def get_service(session: Session, key: str) -> Service:
    s = session.get(Service, key)
    if s is None:
        raise NotFound("key", f"no service {key!r}")
    return s


def add_service(session: Session, *, actor: str, entity_ipa: str, name: str, service_type: str,
                key: str | None = None, channel: str = "web", allowed_origins: Iterable[str] | None = None,
                questionnaire_id: str | None = None, questionnaire_version: int | None = None,
                sampling_rate: float = 1.0, active: bool = True, catalog: Catalog | None = None,
                context: str | None = None) -> Service:
    """Create a service of ``entity_ipa``.

    The service type must be in the taxonomy and apply to the entity's PA category. Without a
    questionnaire, the first one the type allows is assigned at its newest published version; with
    one, it must be allowed by the type, and its version (default: newest) published.
    """
    actor = audit.check_actor(actor)
    key = new_service_key() if key is None else check_service_key(key)
    name = check_name(name)
    stype = check_service_type(service_type)
    channel = check_channel(channel)
    origins = check_origins(allowed_origins)
    rate = check_sampling_rate(sampling_rate)
    if not isinstance(active, bool):
        raise InvalidValue("active", f"{active!r} is not a boolean")
    entity = session.get(Entity, check_ipa_code(entity_ipa, "entity_ipa"))
    if entity is None:
        raise NotFound("entity_ipa", f"no entity {entity_ipa!r}")
    check_type_fits_category(stype, entity.category, entity.ipa_code)
    if questionnaire_id is None:
        if questionnaire_version is not None:
            raise InvalidValue("questionnaire_id", "a version was given without a questionnaire")
        qid, version = default_questionnaire(stype, catalog)
    else:
        qid, version = check_questionnaire(stype, questionnaire_id, questionnaire_version, catalog)
    if session.get(Service, key) is not None:
        raise AlreadyExists("key", f"service {key!r} already exists")
    s = Service(key=key, entity_ipa=entity.ipa_code, name=name, service_type=stype.code, channel=channel,
                allowed_origins=origins, questionnaire_id=qid, questionnaire_version=version, active=active,
                sampling_rate=rate)
    session.add(s)
    session.flush()
    audit.record(session, actor=actor, action="create", object_type="service", object_key=key,
                 after=audit.snapshot(s), context=context)
    session.flush()
    return s


def _change_service(session: Session, s: Service, changes: dict[str, Any], *, actor: str, action: str,
                    context: str | None) -> Service:
    changed = {k: v for k, v in changes.items() if getattr(s, k) != v}
    if not changed:
        return s
    before = audit.snapshot(s)
    for k, v in changed.items():
        setattr(s, k, v)
    session.flush()
    audit.record(session, actor=actor, action=action, object_type="service", object_key=s.key,
                 before=before, after=audit.snapshot(s), context=context)
    session.flush()
    return s


def update_service(session: Session, key: str, *, actor: str, name: str = _UNSET, service_type: str = _UNSET,
                   channel: str = _UNSET, allowed_origins: Iterable[str] = _UNSET, sampling_rate: float = _UNSET,
                   catalog: Catalog | None = None, context: str | None = None) -> Service:
    """Change a service's descriptive fields (only those given; nothing audited if nothing changes).

    A new service type must apply to the entity and allow the questionnaire already assigned.
    Use :func:`assign_questionnaire` and :func:`set_active` for those.
    """
    actor = audit.check_actor(actor)
    s = get_service(session, key)
    changes: dict[str, Any] = {}
    if name is not _UNSET:
        changes["name"] = check_name(name)
    if service_type is not _UNSET:
        stype = check_service_type(service_type)
        check_type_fits_category(stype, s.entity.category, s.entity_ipa)
        check_questionnaire(stype, s.questionnaire_id, s.questionnaire_version, catalog)
        changes["service_type"] = stype.code
    if channel is not _UNSET:
        changes["channel"] = check_channel(channel)
    if allowed_origins is not _UNSET:
        changes["allowed_origins"] = check_origins(allowed_origins)
    if sampling_rate is not _UNSET:
        changes["sampling_rate"] = check_sampling_rate(sampling_rate)
    return _change_service(session, s, changes, actor=actor, action="update", context=context)


def assign_questionnaire(session: Session, key: str, questionnaire_id: str, version: int | None = None, *,
                         actor: str, catalog: Catalog | None = None, context: str | None = None) -> Service:
    """Assign questionnaire ``questionnaire_id`` at ``version`` (default: newest published).

    Refused with :class:`NotAllowed` when the service type does not allow it, and with
    :class:`NotFound` when that version is not published.
    """
    actor = audit.check_actor(actor)
    s = get_service(session, key)
    stype = check_service_type(s.service_type)
    qid, version = check_questionnaire(stype, questionnaire_id, version, catalog)
    return _change_service(session, s, {"questionnaire_id": qid, "questionnaire_version": version},
                           actor=actor, action="assign", context=context)


def set_active(session: Session, key: str, active: bool, *, actor: str, context: str | None = None) -> Service:
    """Activate or deactivate a service (an inactive service's submissions are refused)."""
    actor = audit.check_actor(actor)
    if not isinstance(active, bool):
        raise InvalidValue("active", f"{active!r} is not a boolean")
    s = get_service(session, key)
    return _change_service(session, s, {"active": active}, actor=actor,
                           action="activate" if active else "deactivate", context=context)


def activate(session: Session, key: str, *, actor: str, context: str | None = None) -> Service:
    return set_active(session, key, True, actor=actor, context=context)


def deactivate(session: Session, key: str, *, actor: str, context: str | None = None) -> Service:
    return set_active(session, key, False, actor=actor, context=context)


# ---------------------------------------------------------------------------------------------
# Listing

def list_entities(session: Session, *, category: str | None = None, region: str | None = None,
                  limit: int | None = None) -> list[Entity]:
    q = select(Entity).order_by(Entity.ipa_code)
    if category:
        q = q.where(Entity.category == category)
    if region:
        q = q.where((Entity.region_istat == region) | (Entity.region_nuts == region))
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))


def list_services(session: Session, *, entity_ipa: str | None = None, service_type: str | None = None,
                  active: bool | None = None, limit: int | None = None) -> list[Service]:
    q = select(Service).order_by(Service.key)
    if entity_ipa:
        q = q.where(Service.entity_ipa == entity_ipa)
    if service_type:
        q = q.where(Service.service_type == service_type)
    if active is not None:
        q = q.where(Service.active == active)
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))
