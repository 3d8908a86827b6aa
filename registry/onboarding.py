"""Self-service onboarding (issue 15): a PA's web manager requests a service through a public form;
an admin approves or rejects it (console ``/admin/onboarding`` or ``ascolto registry joins``).
Validates, writes and audits like :mod:`registry.ops`.

Safe by construction: the form needs no sign-in and anyone may type any IPA code, so nothing a
request brings is usable before an admin has approved it.

- :func:`submit_request` checks the request against the IPA index as imported into the registry
  (the entity must exist: ``ascolto registry import-ipa``), the service-type taxonomy (the type must
  apply to the entity's IPA category), the origins (``scheme://host[:port]``, 0–10: at least one when
  the channels include ``web``, the widget's; a counter, kiosk, phone, app, e-mail or SMS service has no
  page of the PA's to allow) and the channels (:data:`questionnaires.envelope.CHANNELS`, 1–7), and stores a ``pending`` request. For an
  administration without an active *manager* token it also creates one, **pending**
  (``Token.pending``: it verifies nowhere, :attr:`registry.models.Token.active`) and returns its
  secret, shown once to the requester only: the admin never sees or hands over a secret. For an
  administration with a manager no token is made: the existing manager finds the service in her
  workspace once approved (:func:`added_for`).
- :func:`approve` creates one service per requested channel (``ops.add_service``: the type's default
  questionnaire, a fresh unguessable key) and activates the request's pending token — unless the
  administration got an active manager meanwhile (another request approved first), in which case
  that token is revoked instead. Before approving, the admin checks with the administration through
  its official address (the IPA index's PEC) that it made request n. N: only the requester of that
  request holds the token the approval activates.
- :func:`reject` records the reason and revokes the request's pending token. A decided request is
  never decided again.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from questionnaires.envelope import CHANNELS

from . import audit, ops
from .checks import check_ipa_code, check_name, check_origins, check_service_type, check_type_fits_category
from .errors import InvalidValue, NotAllowed, NotFound
from .models import Entity, Token, utcnow
from .onboarding_models import OnboardingRequest
from .tokens import create_token

PUBLIC_ACTOR = "public:onboarding-form"
MAX_ORIGINS = 10


def _channels(values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise InvalidValue("channels", "must be a list of channels")
    out = []
    for v in values:
        if v not in CHANNELS:
            raise InvalidValue("channels", f"{str(v)[:40]!r} is not one of {', '.join(CHANNELS)}")
        if v not in out:
            out.append(v)
    if not out:
        raise InvalidValue("channels", "choose at least one channel")
    return out


def submit_request(session: Session, *, ipa_code: str, service_name: str, service_type: str,
                   allowed_origins: Iterable[str], channels: Iterable[str]) -> tuple[OnboardingRequest, str | None]:
    """Validate and store a pending request (audited as :data:`PUBLIC_ACTOR`); return it and, for an
    administration without an active manager, the secret of its pending manager token (shown once
    to the requester; unusable until :func:`approve`), else None. Raises a
    :class:`registry.errors.RegistryError` naming the field otherwise."""
    ipa = check_ipa_code(ipa_code)
    entity = session.get(Entity, ipa)
    if entity is None:
        raise NotFound("ipa_code", f"{ipa!r} is not in the IPA index known to Ascolto; check the code on indicepa.gov.it")
    name = check_name(service_name, "service_name", 300)
    stype = check_service_type(service_type)
    check_type_fits_category(stype, entity.category, ipa)
    origins = check_origins(list(allowed_origins))
    chans = _channels(list(channels))
    if not origins and "web" in chans:
        raise InvalidValue("allowed_origins", "give the origin (https://host) of the pages that will carry the widget")
    if len(origins) > MAX_ORIGINS:
        raise InvalidValue("allowed_origins", f"at most {MAX_ORIGINS} origins")
    req = OnboardingRequest(ipa_code=ipa, service_name=name, service_type=stype.code, allowed_origins=origins,
                            channels=chans, status="pending", created_at=utcnow())
    session.add(req)
    session.flush()
    secret = None
    if active_manager(session, ipa) is None:
        token, secret = create_token(session, role="entity", label=f"manager {ipa} (onboarding {req.id})",
                                     actor=PUBLIC_ACTOR, entity=ipa, manager=True, context=_context(req.id))
        token.pending, req.token_prefix = True, token.prefix
        session.flush()
    audit.record(session, actor=PUBLIC_ACTOR, action="create", object_type="onboarding",
                 object_key=str(req.id), after=req.snapshot())
    session.flush()
    return req, secret


def get_request(session: Session, request_id: int) -> OnboardingRequest:
    req = session.get(OnboardingRequest, request_id)
    if req is None:
        raise NotFound("request", f"no onboarding request {request_id}")
    return req


def _pending(session: Session, request_id: int) -> OnboardingRequest:
    req = get_request(session, request_id)
    if req.status != "pending":
        raise NotAllowed("request", f"request {request_id} was already {req.status}")
    return req


def active_manager(session: Session, ipa: str) -> Token | None:
    """An active (not revoked, not expired) manager token of entity ``ipa``, if any."""
    q = select(Token).where(Token.entity_ipa == ipa, Token.role == "entity", Token.entity_manager.is_(True),
                            Token.revoked_at.is_(None)).order_by(Token.id)
    return next((t for t in session.scalars(q) if t.active), None)


def _context(req_id: int) -> str:
    return f"onboarding request {req_id}"


def added_for(session: Session, ipa: str) -> list[dict[str, Any]]:
    """The approved requests of ``ipa`` whose approval activated no manager token (it had one already):
    what its manager is told in her workspace — the services, when, requested by whom (the public
    form: the origins it declared) and approved by whom."""
    from .models import AuditEntry

    reqs = [r for r in list_requests(session, "approved") if r.ipa_code == ipa]
    minted = {a.context for a in session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "token",  # activated by the approval (or, before 0009, made by it)
        or_(AuditEntry.action == "activate", and_(AuditEntry.action == "create", AuditEntry.actor != PUBLIC_ACTOR)),
        AuditEntry.context.in_([_context(r.id) for r in reqs])))} if reqs else set()
    return [{"id": r.id, "service_name": r.service_name, "service_keys": list(r.service_keys or ()),
             "channels": list(r.channels or ()), "allowed_origins": list(r.allowed_origins or ()),
             "requested_at": r.created_at.strftime("%Y-%m-%d %H:%M"), "requested_by": PUBLIC_ACTOR,
             "decided_at": r.decided_at.strftime("%Y-%m-%d %H:%M") if r.decided_at else "",
             "approved_by": r.decided_by} for r in reqs if _context(r.id) not in minted]


def _request_token(session: Session, req: OnboardingRequest) -> Token | None:
    """The request's own token (the one :func:`submit_request` made), if it is still unrevoked."""
    if not req.token_prefix:
        return None
    token = session.scalar(select(Token).where(Token.prefix == req.token_prefix))
    return token if token is not None and token.revoked_at is None else None


def approve(session: Session, request_id: int, *, actor: str) -> tuple[OnboardingRequest, Token | None]:
    """Create the request's services and activate the requester's pending manager token; return
    (request, the token now active) — None when the request had none (its administration had a
    manager when it was made) or the administration has an active manager by now (its token is then
    revoked: an administration's first manager is the one approved first)."""
    actor = audit.check_actor(actor)
    req = _pending(session, request_id)
    before = req.snapshot()
    keys = []
    for ch in req.channels:
        name = req.service_name if len(req.channels) == 1 else f"{req.service_name} ({ch})"
        svc = ops.add_service(session, actor=actor, entity_ipa=req.ipa_code, name=name[:300],
                              service_type=req.service_type, channel=ch, allowed_origins=req.allowed_origins,
                              context=_context(req.id))
        keys.append(svc.key)
    token = _request_token(session, req)
    if token is not None and token.pending:
        if active_manager(session, req.ipa_code) is None:
            token_before = audit.snapshot(token)
            token.pending = False
            session.flush()
            audit.record(session, actor=actor, action="activate", object_type="token", object_key=token.prefix,
                         before=token_before, after=audit.snapshot(token), context=_context(req.id))
        else:
            audit.revoke(session, token, object_type="token", actor=actor,
                         context=f"{_context(req.id)}: the administration has a manager already")
            token = None
    else:
        token = None
    req.status, req.decided_at, req.decided_by, req.service_keys = "approved", utcnow(), actor, keys
    session.flush()
    audit.record(session, actor=actor, action="approve", object_type="onboarding", object_key=str(req.id),
                 before=before, after=req.snapshot())
    session.flush()
    return req, token


def reject(session: Session, request_id: int, *, actor: str, reason: str) -> OnboardingRequest:
    actor = audit.check_actor(actor)
    req = _pending(session, request_id)
    reason = check_name(reason, "reason", 500)
    before = req.snapshot()
    token = _request_token(session, req)
    if token is not None:  # the requester's pending token never becomes usable
        audit.revoke(session, token, object_type="token", actor=actor, context=f"{_context(req.id)}: rejected")
    req.status, req.decided_at, req.decided_by, req.reason = "rejected", utcnow(), actor, reason
    session.flush()
    audit.record(session, actor=actor, action="reject", object_type="onboarding", object_key=str(req.id),
                 before=before, after=req.snapshot())
    session.flush()
    return req


def list_requests(session: Session, status: str | None = None) -> list[OnboardingRequest]:
    q = select(OnboardingRequest).order_by(OnboardingRequest.id.desc())
    if status:
        q = q.where(OnboardingRequest.status == status)
    return list(session.scalars(q))
