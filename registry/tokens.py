"""API tokens of the internal console: created, revoked and verified here; stored hashed.

A secret looks like ``asc_<prefix>_<random>``: ``prefix`` (8 hex digits) is public and finds the
row; the database keeps only the SHA-256 of the whole secret. The random part carries 256 bits,
so a fast hash is enough (nothing to brute-force); comparison is constant-time. The secret is
returned once, by :func:`create_token`, and cannot be recovered afterwards.

A token may expire (``expires_at``; None = never): past it, it verifies no more, like a revoked one.
Console sessions are bound to the token by :func:`session_binding` (an HMAC keyed with the stored
hash, over the token id and its ``session_generation``): a cookie naming a token id without the
binding gets nothing, even to someone who knows the cookie-signing secret; :func:`end_sessions`
(sign-out) bumps the generation, so every cookie issued before stops working at once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .errors import InvalidValue, NotFound
from .models import ROLES, SCOPED_ROLES, Entity, Token, utcnow
from .checks import check_name

SCHEME = "asc"
_SECRET = re.compile(rf"^{SCHEME}_([0-9a-f]{{8}})_([A-Za-z0-9_\-]{{43}})$")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret(session: Session, model, scheme: str) -> tuple[str, str]:
    """A public prefix unused in ``model`` (a table with a ``prefix`` column) and its secret
    ``<scheme>_<prefix>_<random>``: shown once, only :func:`hash_secret` of it is stored."""
    while True:
        prefix = secrets.token_hex(4)
        if session.scalar(select(model.id).where(model.prefix == prefix)) is None:
            return prefix, f"{scheme}_{prefix}_{secrets.token_urlsafe(32)}"


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidValue("role", f"{role!r} is not one of {', '.join(ROLES)}")
    return role


_DURATION = re.compile(r"^([1-9][0-9]{0,40})([hdw])$")


def parse_expiry(value: str | datetime | None, now: datetime | None = None) -> datetime | None:
    """An expiry instant (UTC) from ``None``/"" (never), a duration (``12h``, ``90d``, ``26w``), a date
    (``2027-01-31``: valid through that day, UTC) or an ISO 8601 instant (naive = UTC). It must be in
    the future; :class:`InvalidValue` on ``expires`` otherwise."""
    now = now or utcnow()
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        at = value
    else:
        raw = str(value).strip()
        m = _DURATION.match(raw)
        try:
            if m:
                unit = {"h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
                at = now + timedelta(**{unit: int(m.group(1))})
            elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
                at = datetime.fromisoformat(raw) + timedelta(days=1)
            else:
                at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except OverflowError:  # a well-formed date or duration past the calendar's end (year 9999)
            raise InvalidValue("expires", f"{raw[:40]!r} is too far in the future (at most 9999-12-30)") from None
        except ValueError:
            raise InvalidValue("expires", f"{raw[:40]!r} is not a duration (12h, 90d, 26w), a date (YYYY-MM-DD) "
                                          "or an ISO 8601 instant") from None
    at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
    if at <= now:
        raise InvalidValue("expires", f"{at.isoformat()} is not in the future")
    return at


def create_token(session: Session, *, role: str, label: str, actor: str, context: str | None = None,
                 expires: str | datetime | None = None, entity: str | None = None,
                 manager: bool = False) -> tuple[Token, str]:
    """A new token for ``role``; returns the row and the secret (shown once, never stored).

    ``expires``: see :func:`parse_expiry` (default: never). The scoped roles need ``entity`` (an IPA
    code in the registry): ``entity`` tokens see that administration's workspace, ``operator``
    tokens record answers for it, ``backend`` tokens let its own back end post to the collector's
    API (:mod:`collector.backends`); ``manager`` lets an ``entity`` token issue further entity tokens
    of its administration. National roles take neither."""
    actor = audit.check_actor(actor)
    role = check_role(role)
    label = check_name(label, "label", 200)
    expires_at = parse_expiry(expires)
    entity, manager = _check_scope(session, role, entity, manager)
    prefix, secret = new_secret(session, Token, SCHEME)
    token = Token(prefix=prefix, secret_sha256=hash_secret(secret), role=role, label=label,
                  created_at=utcnow(), created_by=actor, expires_at=expires_at, session_generation=0,
                  entity_ipa=entity, entity_manager=manager)
    session.add(token)
    session.flush()
    audit.record(session, actor=actor, action="create", object_type="token", object_key=prefix,
                 after=audit.snapshot(token), context=context)
    session.flush()
    return token, secret


def _check_scope(session: Session, role: str, entity: str | None, manager: bool) -> tuple[str | None, bool]:
    """The scope of a new token: scoped roles (``SCOPED_ROLES``) need an existing entity's IPA code;
    ``manager`` is for role ``entity`` only; national roles take neither.

    Raises :class:`InvalidValue` (field ``entity`` or ``manager``) or :class:`NotFound` (``entity``)."""
    if role not in SCOPED_ROLES:
        if entity is not None or manager:
            raise InvalidValue("entity", f"role {role!r} is not scoped to an entity "
                                         f"(scoped roles: {', '.join(SCOPED_ROLES)})")
        return None, False
    if not entity:
        raise InvalidValue("entity", f"role {role!r} needs the IPA code of an existing entity")
    if session.get(Entity, entity) is None:
        raise NotFound("entity", f"no entity {entity!r}")
    if not isinstance(manager, bool):
        raise InvalidValue("manager", f"{manager!r} is not a boolean")
    if manager and role != "entity":
        raise InvalidValue("manager", f"only role 'entity' may issue further tokens, not {role!r}")
    return entity, manager


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
    return audit.revoke(session, find_token(session, ref), object_type="token", actor=actor, context=context)


def matching_token(session: Session, secret: str) -> Token | None:
    """The token whose secret is ``secret``, whatever its state and role (revoked, expired, pending
    included), else ``None``: malformed, unknown prefix or wrong secret alike (constant-time compare)."""
    if not isinstance(secret, str):
        return None
    m = _SECRET.match(secret.strip())
    if not m:
        return None
    token = session.scalar(select(Token).where(Token.prefix == m.group(1)))
    if token is None or not hmac.compare_digest(token.secret_sha256, hash_secret(secret.strip())):
        return None
    return token


def verify_token(session: Session, secret: str, roles: Iterable[str] | None = None) -> Token | None:
    """The active token whose secret is ``secret`` (and whose role is in ``roles``, when given),
    else ``None``. Malformed, unknown, revoked, expired and wrong secrets all give ``None``."""
    token = matching_token(session, secret)
    if token is None or not token.active:  # unknown, revoked, expired or pending
        return None
    if roles is not None and token.role not in set(roles):
        return None
    return token


def refusal(secret: object, token: Token | None, role: str) -> str:
    """Why ``secret`` (whose :func:`matching_token` is ``token``) is not a usable token of ``role``, and
    what to do — words for the one who sent it. Only the holder of a real secret learns its state
    (revoked, expired, pending, another role); a forged secret of an existing prefix reads as an unknown
    one, so nothing tells which prefixes exist."""
    def new_one(entity: str | None) -> str:
        return (f"ask the national operators for a new one (ascolto registry token create --role {role}"
                + (f" --entity {entity or 'IPA'}" if role in SCOPED_ROLES else "") + ").")
    if token is None:
        if not (isinstance(secret, str) and _SECRET.match(secret.strip())):
            return (f"Not a token: a token is {SCHEME}_, 8 hexadecimal digits, _ and 43 characters: send the whole "
                    "secret printed when it was created.")
        return ("Unknown token: no token has this secret (check that the whole secret was copied), else "
                + new_one(None))
    if token.revoked_at is not None:
        return f"Revoked on {token.revoked_at:%Y-%m-%d %H:%M} UTC: " + new_one(token.entity_ipa)
    if token.expired():
        return f"Expired on {token.expires_at:%Y-%m-%d %H:%M} UTC: " + new_one(token.entity_ipa)
    if token.pending:
        return "Not yet usable: its administration's join request is waiting for approval."
    if token.role != role:
        return (f"A {token.role} token, of another role: only a token of role {role} may do this "
                "(a console token cannot post); ask the national operators for one.")
    return "Not usable for this: " + new_one(token.entity_ipa)


def secret_prefix(secret: object) -> str | None:
    """The public prefix of a well-formed secret (what may be logged about it), else None."""
    m = _SECRET.match(secret.strip()) if isinstance(secret, str) else None
    return m.group(1) if m else None


def session_binding(token: Token) -> str:
    """What a console session must carry to stand for ``token``: derived from the stored hash (which
    never leaves the database) and the token's current session generation."""
    msg = f"ascolto.console.session/{token.id}/{token.session_generation}".encode()
    return hmac.new(token.secret_sha256.encode(), msg, hashlib.sha256).hexdigest()


def end_sessions(session: Session, token_id: int) -> None:
    """Sign-out: every console session of the token made so far stops working (not audited: the
    token itself does not change)."""
    token = session.get(Token, token_id)
    if token is not None:
        token.session_generation = (token.session_generation or 0) + 1
        session.flush()


def list_tokens(session: Session, *, include_revoked: bool = False) -> list[Token]:
    q = select(Token).order_by(Token.id)
    if not include_revoked:
        q = q.where(Token.revoked_at.is_(None))
    return list(session.scalars(q))
