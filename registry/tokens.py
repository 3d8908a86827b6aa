"""API tokens of the internal console: created, revoked and verified here; stored hashed.

A secret looks like ``asc_<prefix>_<random>``: ``prefix`` (8 hex digits) is public and finds the
row; the database keeps only the SHA-256 of the whole secret. The random part carries 256 bits,
so a fast hash is enough (nothing to brute-force); comparison is constant-time. The secret is
returned once, by :func:`create_token`, and cannot be recovered afterwards.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .errors import InvalidValue, NotFound
from .models import ROLES, Token, utcnow
from .checks import check_name

SCHEME = "asc"
_SECRET = re.compile(rf"^{SCHEME}_([0-9a-f]{{8}})_([A-Za-z0-9_\-]{{43}})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidValue("role", f"{role!r} is not one of {', '.join(ROLES)}")
    return role


def create_token(session: Session, *, role: str, label: str, actor: str,
                 context: str | None = None) -> tuple[Token, str]:
    """A new token for ``role``; returns the row and the secret (shown once, never stored)."""
    actor = audit.check_actor(actor)
    role = check_role(role)
    label = check_name(label, "label", 200)
    while True:
        prefix = secrets.token_hex(4)
        if session.scalar(select(Token.id).where(Token.prefix == prefix)) is None:
            break
    secret = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    token = Token(prefix=prefix, secret_sha256=hash_secret(secret), role=role, label=label,
                  created_at=utcnow(), created_by=actor)
    session.add(token)
    session.flush()
    audit.record(session, actor=actor, action="create", object_type="token", object_key=prefix,
                 after=audit.snapshot(token), context=context)
    session.flush()
    return token, secret


def find_token(session: Session, ref: str | int) -> Token:
    """A token by its id, its public prefix, or a whole secret (only its prefix is read)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and len(ref) < 8):
        token = session.get(Token, int(ref))
    else:
        m = _SECRET.match(ref) if isinstance(ref, str) else None
        prefix = m.group(1) if m else ref
        token = session.scalar(select(Token).where(Token.prefix == prefix))
    if token is None:
        raise NotFound("token", f"no token {ref if len(str(ref)) <= 16 else str(ref)[:16] + '…'!r}")
    return token


def revoke_token(session: Session, ref: str | int, *, actor: str, context: str | None = None) -> Token:
    """Revoke a token (by id or prefix); a revoked token never verifies again."""
    actor = audit.check_actor(actor)
    token = find_token(session, ref)
    if token.revoked_at is not None:
        raise InvalidValue("token", f"{token.prefix!r} was already revoked at {token.revoked_at.isoformat()}")
    before = audit.snapshot(token)
    token.revoked_at, token.revoked_by = utcnow(), actor
    session.flush()
    audit.record(session, actor=actor, action="revoke", object_type="token", object_key=token.prefix,
                 before=before, after=audit.snapshot(token), context=context)
    session.flush()
    return token


def verify_token(session: Session, secret: str, roles: Iterable[str] | None = None) -> Token | None:
    """The active token whose secret is ``secret`` (and whose role is in ``roles``, when given),
    else ``None``. Malformed, unknown, revoked and wrong secrets all give ``None``."""
    if not isinstance(secret, str):
        return None
    m = _SECRET.match(secret.strip())
    if not m:
        return None
    token = session.scalar(select(Token).where(Token.prefix == m.group(1)))
    if token is None or not hmac.compare_digest(token.secret_sha256, hash_secret(secret.strip())):
        return None
    if token.revoked_at is not None:
        return None
    if roles is not None and token.role not in set(roles):
        return None
    return token


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[Token]:
    q = select(Token).order_by(Token.id)
    if not include_revoked:
        q = q.where(Token.revoked_at.is_(None))
    return list(session.scalars(q))
