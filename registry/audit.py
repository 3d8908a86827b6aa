"""The audit log: every change the registry's functions make is written here, in the same
transaction as the change itself."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect, select
from sqlalchemy.orm import Session

from .errors import InvalidValue, NotAllowed
from .models import AuditEntry, Entity, Service, Token, utcnow

#: Columns never copied into the log.
_HIDDEN = {"secret_sha256"}

#: every ``object_type`` the registry audits (``ascolto registry log --type`` offers exactly these):
#: entities, services, console and back-end tokens, kiosk devices, join requests of the public form,
#: improvement plans, the operator entries of the console, and the releases of official figures
#: (``ascolto publish``: who published or revised which quarter, and why)
OBJECT_TYPES = ("entity", "service", "token", "device", "onboarding", "plan", "submission", "release")


def snapshot(obj: Entity | Service | Token) -> dict[str, Any]:
    """The object's columns as JSON-ready values (timestamps as ISO 8601; no secret hashes)."""
    out: dict[str, Any] = {}
    for attr in sa_inspect(obj).mapper.column_attrs:
        if attr.key in _HIDDEN:
            continue
        value = getattr(obj, attr.key)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, list):
            value = list(value)
        out[attr.key] = value
    return out


def check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise InvalidValue("actor", "who makes the change must be named")
    actor = actor.strip()
    if len(actor) > 100:
        raise InvalidValue("actor", "at most 100 characters")
    return actor


def entry(*, actor: str, action: str, object_type: str, object_key: str, before: dict | None = None,
          after: dict | None = None, context: str | None = None, at: datetime | None = None) -> dict[str, Any]:
    """An audit row as a dict (for bulk inserts)."""
    return {"at": at or utcnow(), "actor": check_actor(actor), "action": action, "object_type": object_type,
            "object_key": object_key, "before": before, "after": after,
            "context": None if context is None else context[:300]}


def record(session: Session, **kwargs: Any) -> AuditEntry:
    """Add one audit row to ``session`` (see :func:`entry` for the arguments)."""
    row = AuditEntry(**entry(**kwargs))
    session.add(row)
    return row


def history(session: Session, object_type: str | None = None, object_key: str | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    """Audit rows, newest first, optionally for one object type and key."""
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if object_type:
        q = q.where(AuditEntry.object_type == object_type)
    if object_key:
        q = q.where(AuditEntry.object_key == object_key)
    if limit:
        q = q.limit(limit)
    return list(session.scalars(q))


def revoke(session: Session, row: Any, *, object_type: str, actor: str, context: str | None = None) -> Any:
    """Mark ``row`` (a token or a device: ``prefix``, ``revoked_at``, ``revoked_by``) revoked by
    ``actor`` and audit it; raises :class:`NotAllowed` (field ``object_type``) if it already was (the
    registry's state refuses it: the value asked for is well formed)."""
    actor = check_actor(actor)
    if row.revoked_at is not None:
        raise NotAllowed(object_type, f"{row.prefix!r} was already revoked at {row.revoked_at.isoformat()}")
    before = snapshot(row)
    row.revoked_at, row.revoked_by = utcnow(), actor
    session.flush()
    record(session, actor=actor, action="revoke", object_type=object_type, object_key=row.prefix,
           before=before, after=snapshot(row), context=context)
    session.flush()
    return row
