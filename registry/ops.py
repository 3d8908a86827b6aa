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

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Catalog
from questionnaires.taxonomy import UnknownCode, service_type as lookup_service_type

from . import audit, geo
from .checks import (check_category, check_channel, check_channel_fits, check_ipa_code, check_name, check_origins,
                     check_questionnaire, check_standard_category,
                     check_sampling_rate, check_service_key, check_service_type, check_type_fits_category,
                     default_questionnaire, new_service_key, place)
from .errors import AlreadyExists, InvalidValue, NotAllowed, NotFound
from .models import Entity, Service, utcnow
from .names import check_names


# ---------------------------------------------------------------------------------------------
# Entities

def get_entity(session: Session, ipa_code: str) -> Entity:
    e = session.get(Entity, ipa_code)
    if e is None:
        raise NotFound("ipa_code", f"no entity {ipa_code!r}")
    return e


def add_entity(session: Session, *, actor: str, ipa_code: str, name: str, category: str,
               comune_istat: str | None = None, region_istat: str | None = None,
               region_nuts: str | None = None, names: dict[str, str] | None = None,
               context: str | None = None) -> Entity:
    """Create an entity. Region and NUTS-2 are derived from the comune when it is given; ``names``:
    its name in other languages than Italian (:mod:`registry.names`)."""
    actor = audit.check_actor(actor)
    ipa_code = check_ipa_code(ipa_code)
    fields = dict(name=check_name(name), category=check_standard_category(category),
                  names=check_names(names) or None)
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
                  names: dict[str, str] | None = _UNSET, context: str | None = None) -> Entity:
    """Change an entity's fields (only those given; ``names``, the names in other languages than
    Italian, replaced whole: :mod:`registry.names`). Nothing is written, nor audited, when no
    value actually changes. Changing the comune re-derives the region.

    The region follows the comune: for an entity that keeps its comune (``comune_istat`` not given),
    a ``region_istat`` or ``region_nuts`` equal to the comune's is accepted (nothing changes), another
    is refused — :class:`RegionFollowsComune` (an :class:`InvalidValue`) on that field naming the
    comune, its region and the two ways out (the entity's new comune, or ``comune_istat=""`` with the
    region to place it by region only). A code that is none, or a region and NUTS-2 that disagree
    with each other, are refused as such (:class:`InvalidValue`)."""
    actor = audit.check_actor(actor)
    e = get_entity(session, ipa_code)
    new: dict[str, Any] = {}
    if name is not _UNSET:
        new["name"] = check_name(name)
    if names is not _UNSET:
        new["names"] = check_names(names) or None
    if category is not _UNSET:
        new["category"] = check_category(category)
    if any(v is not _UNSET for v in (comune_istat, region_istat, region_nuts)):
        com = e.comune_istat if comune_istat is _UNSET else comune_istat
        reg = None if region_istat is _UNSET else region_istat
        nuts = None if region_nuts is _UNSET else region_nuts
        if comune_istat is _UNSET and com not in (None, ""):
            _follows_comune(e, reg, nuts)
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
    if "category" in changed:  # an imported entity's category outside the standard may stay, not be chosen
        check_standard_category(changed["category"])
        check_services_fit(session, e.ipa_code, changed["category"])
    before = audit.snapshot(e)
    for k, v in changed.items():
        setattr(e, k, v)
    session.flush()
    audit.record(session, actor=actor, action="update", object_type="entity", object_key=e.ipa_code,
                 before=before, after=audit.snapshot(e), context=context)
    session.flush()
    return e


class RegionFollowsComune(InvalidValue):
    """``update_entity`` given a region or NUTS-2 code other than that of the comune the entity keeps."""


def _follows_comune(e: Entity, region_istat: str | None, region_nuts: str | None) -> None:
    """Refuse a region or NUTS-2 code other than that of the comune entity ``e`` keeps (update_entity):
    one that is no code at all as such (:class:`InvalidValue`), another as :class:`RegionFollowsComune`."""
    if region_istat not in (None, "") and region_istat not in geo.REGIONS:
        raise InvalidValue("region_istat", f"{region_istat!r} is not an Istat region code (01–20)")
    if region_nuts not in (None, "") and region_nuts not in {n for _, n in geo.REGIONS.values()} | set(
            geo.PROVINCE_NUTS.values()):
        raise InvalidValue("region_nuts", f"{region_nuts!r} is not the NUTS-2 code of an Italian region")
    if region_istat not in (None, "") and region_nuts not in (None, ""):
        place(None, region_istat, region_nuts)  # the two agree
    p = place(e.comune_istat)
    for field, given, own in (("region_istat", region_istat, p.region_istat),
                              ("region_nuts", region_nuts, p.region_nuts)):
        if given not in (None, "") and given != own:
            raise RegionFollowsComune(
                field, f"{given!r} disagrees with comune {p.comune_istat!r} of entity {e.ipa_code!r} (region "
                       f"{p.region_istat!r}, NUTS-2 {p.region_nuts!r}): the region follows the comune — give the "
                       "entity's new comune, or clear its comune to place it by region only")


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
                names: dict[str, str] | None = None, context: str | None = None) -> Service:
    """Create a service of ``entity_ipa`` (``names``: its name in other languages than Italian,
    :mod:`registry.names`).

    The service type must be in the taxonomy and apply to the entity's PA category. Without a
    questionnaire, the first one the type allows is assigned at its newest published version; with
    one, it must be allowed by the type, and its version (default: newest) published.
    """
    actor = audit.check_actor(actor)
    key = new_service_key() if key is None else check_service_key(key)
    name = check_name(name)
    other_names = check_names(names) or None
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
    check_channel_fits(qid, version, channel, catalog)
    if session.get(Service, key) is not None:
        raise AlreadyExists("key", f"service {key!r} already exists")
    s = Service(key=key, entity_ipa=entity.ipa_code, name=name, service_type=stype.code, channel=channel,
                allowed_origins=origins, questionnaire_id=qid, questionnaire_version=version, active=active,
                sampling_rate=rate, names=other_names)
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
                   names: dict[str, str] | None = _UNSET, catalog: Catalog | None = None,
                   context: str | None = None) -> Service:
    """Change a service's descriptive fields (only those given; nothing audited if nothing changes;
    ``names``, the names in other languages than Italian, replaced whole: :mod:`registry.names`).

    A new service type must apply to the entity and allow the questionnaire already assigned.
    Use :func:`assign_questionnaire` and :func:`set_active` for those.
    """
    actor = audit.check_actor(actor)
    s = get_service(session, key)
    changes: dict[str, Any] = {}
    if name is not _UNSET:
        changes["name"] = check_name(name)
    if names is not _UNSET:
        changes["names"] = check_names(names) or None
    if service_type is not _UNSET:
        stype = check_service_type(service_type)
        check_type_fits_category(stype, s.entity.category, s.entity_ipa)
        check_questionnaire(stype, s.questionnaire_id, s.questionnaire_version, catalog)
        changes["service_type"] = stype.code
    if channel is not _UNSET:
        changes["channel"] = check_channel(channel)
        check_channel_fits(s.questionnaire_id, s.questionnaire_version, changes["channel"], catalog)
    if allowed_origins is not _UNSET:
        # a service holding more than the bound (set before it existed) may shrink, never grow
        changes["allowed_origins"] = check_origins(allowed_origins, limit=len(s.allowed_origins or ()))
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
    check_channel_fits(qid, version, s.channel, catalog)
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


#: how long test mode stays on when no duration is given, and the longest it may (hours)
TEST_MODE_HOURS, TEST_MODE_MAX_HOURS = 24, 168


def set_test_mode(session: Session, key: str, on: bool, *, actor: str, hours: int = TEST_MODE_HOURS,
                  context: str | None = None, now: datetime | None = None) -> Service:
    """Switch a service's test mode: while on, every answer it receives is a check-up, stored apart
    from the statistics (``$DATA/test/``) and never counted. On for ``hours`` hours from ``now``
    (1–:data:`TEST_MODE_MAX_HOURS`, else :class:`InvalidValue` naming ``hours``): it then expires by
    itself (``test_mode_until``, :func:`registry.models.in_test_mode`); switching it on again sets a
    new expiry. Off clears the expiry. Audited as ``test-mode-on``/``-off``, the expiry in the entry's
    ``after``."""
    actor = audit.check_actor(actor)
    if not isinstance(on, bool):
        raise InvalidValue("test_mode", f"{on!r} is not a boolean")
    if on and (isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= TEST_MODE_MAX_HOURS):
        raise InvalidValue("hours", f"{hours!r} is not a whole number of hours from 1 to {TEST_MODE_MAX_HOURS}")
    s = get_service(session, key)
    until = (now or utcnow()).replace(microsecond=0) + timedelta(hours=hours) if on else None
    return _change_service(session, s, {"test_mode": on, "test_mode_until": until}, actor=actor,
                           action="test-mode-on" if on else "test-mode-off", context=context)


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


def set_names(session: Session, kind: str, key: str, names: Mapping[str, str | None], *, actor: str,
              context: str | None = None):
    """Set (a name) or remove (None or empty) the names in the languages of ``names`` of entity or
    service ``key`` (``kind``), keeping its other languages; ``"it"`` sets the Italian ``name`` (which
    cannot be removed). Validated, written and audited as any change (:mod:`registry.ops`); nothing
    is written when nothing changes. Returns the row."""
    if kind not in ("entity", "service"):
        raise InvalidValue("kind", f"{kind!r}: names belong to an entity or a service")
    row = get_entity(session, key) if kind == "entity" else get_service(session, key)
    if not isinstance(names, Mapping):
        raise InvalidValue("names", "must be an object {language: name}")
    given = dict(names)
    italian = given.pop("it", None)
    merged = {**(row.names or {}), **given}
    changes: dict[str, Any] = {"names": check_names(merged) or None}
    if italian is not None:
        changes["name"] = italian
    update = update_entity if kind == "entity" else update_service
    return update(session, key, actor=actor, context=context, **changes)
