"""Operator entries (issue 14 §3): who may record a citizen's judgement, and the audit of each entry.

An ``operator`` console token is scoped to one entity (``Token.entity_ipa``). The console forwards
each entry to the collector's API with the header ``X-Ascolto-Operator: <token id>.<binding>``,
where the binding is :func:`registry.tokens.session_binding` — an HMAC keyed with the token's stored
hash, the same credential a console session carries, so a revocation, an expiry or a sign-out ends
it at once. :func:`verify_operator` is the collector's check; :func:`audit_entry` writes one audit
row per entry (object type ``submission``, keyed by its ``submission_id``, written once).
"""
from __future__ import annotations

import hmac
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .models import AuditEntry, Token
from .tokens import session_binding

HEADER = "X-Ascolto-Operator"
OPERATOR_CHANNELS = ("phone", "front_office")
_CREDENTIAL = re.compile(r"^([0-9]{1,12})\.([0-9a-f]{64})$")


def credential(token: Token) -> str:
    """The header value the console sends for ``token`` (never logged)."""
    return f"{token.id}.{session_binding(token)}"


def verify_operator(session: Session, value: object) -> Token | None:
    """The active ``operator`` token that ``value`` stands for, else None."""
    m = _CREDENTIAL.match(value.strip()) if isinstance(value, str) else None
    if not m:
        return None
    token = session.get(Token, int(m.group(1)))
    if token is None or token.role != "operator" or not token.active or not token.entity_ipa:
        return None
    if not hmac.compare_digest(m.group(2), session_binding(token)):
        return None
    return token


def actor(token: Token) -> str:
    return f"operator:{token.prefix}:{token.label}"[:100]


def audit_entry(session: Session, token: Token, *, submission_id: str, service: str, channel: str) -> bool:
    """Record that ``token`` entered ``submission_id``; False when it was already recorded (a retry)."""
    seen = session.scalar(select(AuditEntry.id).where(AuditEntry.object_type == "submission",
                                                      AuditEntry.object_key == submission_id))
    if seen is not None:
        return False
    audit.record(session, actor=actor(token), action="record", object_type="submission", object_key=submission_id,
                 after={"service": service, "channel": channel, "entity": token.entity_ipa})
    session.flush()
    return True
