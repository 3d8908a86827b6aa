"""Kiosk devices: registered per service, revoked, verified; every change audited (issue 14).

A device token is ``kio_<prefix>_<secret>`` (8 hex digits public, 256 random bits secret); only the
SHA-256 of the whole token is stored, and it is shown once, by :func:`add_device`. The kiosk page
is opened with it (``/v1/services/<key>/kiosk?device=TOKEN``) and sends it with every answer; the
collector then records the device's ``channel`` (``kiosk`` or ``front_office``), never the one the
page claims. A revoked device's answers are refused (within the read model's TTL).
"""
from __future__ import annotations

import hmac
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import UnknownQuestionnaire, default_catalog

from . import audit
from .checks import check_name
from .tokens import hash_secret, new_secret
from .device_models import DEVICE_CHANNELS, KioskDevice
from .errors import InvalidValue, NotAllowed, NotFound
from .models import Service, utcnow

SCHEME = "kio"
TOKEN = re.compile(rf"^{SCHEME}_([0-9a-f]{{8}})_([A-Za-z0-9_\-]{{43}})$")


def add_device(session: Session, *, service_key: str, label: str, actor: str, channel: str | None = None,
               context: str | None = None) -> tuple[KioskDevice, str]:
    """Register a device for ``service_key``; returns the row and its token (shown once).

    ``channel`` (default: the service's, when it is ``kiosk`` or ``front_office``, else ``kiosk``)
    must be a device channel and one the service's questionnaire declares (when it declares any)."""
    actor = audit.check_actor(actor)
    label = check_name(label, "label", 200)
    svc = session.get(Service, service_key)
    if svc is None:
        raise NotFound("service", f"no service {service_key!r}")
    if channel is None:
        channel = svc.channel if svc.channel in DEVICE_CHANNELS else "kiosk"
    if channel not in DEVICE_CHANNELS:
        raise InvalidValue("channel", f"{channel!r} is not a device channel ({', '.join(DEVICE_CHANNELS)})")
    try:
        declared = default_catalog().get(svc.questionnaire_id, svc.questionnaire_version).channels
    except UnknownQuestionnaire:
        declared = ()
    if declared and channel not in declared:
        raise NotAllowed("channel", f"questionnaire {svc.questionnaire_id} is not for the {channel} channel "
                                    f"(it declares {', '.join(declared)})")
    prefix, token = new_secret(session, KioskDevice, SCHEME)
    dev = KioskDevice(service_key=svc.key, prefix=prefix, secret_sha256=hash_secret(token), channel=channel,
                      label=label, created_at=utcnow(), created_by=actor)
    session.add(dev)
    session.flush()
    audit.record(session, actor=actor, action="create", object_type="device", object_key=prefix,
                 after=audit.snapshot(dev), context=context)
    session.flush()
    return dev, token


def find_device(session: Session, ref: str) -> KioskDevice:
    """A device by its public prefix or its whole token (only the prefix is read)."""
    m = TOKEN.match(ref) if isinstance(ref, str) else None
    prefix = m.group(1) if m else ref
    dev = session.scalar(select(KioskDevice).where(KioskDevice.prefix == prefix))
    if dev is None:
        raise NotFound("device", f"no device {str(ref)[:16]!r}")
    return dev


def revoke_device(session: Session, ref: str, *, actor: str, context: str | None = None) -> KioskDevice:
    """Revoke a device: its token opens nothing and its answers are refused from now on."""
    return audit.revoke(session, find_device(session, ref), object_type="device", actor=actor, context=context)


def list_devices(session: Session, *, service_key: str | None = None,
                 include_revoked: bool = False) -> list[KioskDevice]:
    """The devices (of ``service_key`` when given: :class:`NotFound` naming ``service`` when there is no
    such service, as :func:`add_device` says — an empty list would read as "it has none")."""
    q = select(KioskDevice).order_by(KioskDevice.id)
    if service_key and session.get(Service, service_key) is None:
        raise NotFound("service", f"no service {service_key!r}")
    if service_key:
        q = q.where(KioskDevice.service_key == service_key)
    if not include_revoked:
        q = q.where(KioskDevice.revoked_at.is_(None))
    return list(session.scalars(q))


def verify_device(session: Session, token: object) -> KioskDevice | None:
    """The active device whose token is ``token``, else None (malformed, unknown, revoked, wrong)."""
    m = TOKEN.match(token) if isinstance(token, str) else None
    if not m:
        return None
    dev = session.scalar(select(KioskDevice).where(KioskDevice.prefix == m.group(1)))
    if dev is None or not hmac.compare_digest(dev.secret_sha256, hash_secret(token)) or not dev.active:
        return None
    return dev
