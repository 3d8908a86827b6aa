"""Self-service onboarding (issue 15): a PA's web manager requests a service through a public form;
an admin approves or rejects it. Validates, writes and audits like :mod:`registry.ops`.

- :func:`submit_request` checks the request against the IPA index as imported into the registry
  (the entity must exist: ``ascolto registry import-ipa``), the service-type taxonomy (the type must
  apply to the entity's IPA category), the origins (``scheme://host[:port]``, 1–10) and the channels
  (:data:`questionnaires.envelope.CHANNELS`, 1–7), and stores a ``pending`` request.
- :func:`approve` creates one service per requested channel (``ops.add_service``: the type's default
  questionnaire, a fresh unguessable key) and, only when the administration has no active *manager*
  token yet, one (:func:`registry.tokens.create_token`, the secret returned once), all in the
  caller's transaction. The form needs no sign-in and anyone may type any IPA code, so a request for
  an administration that already has a manager never hands the requester a token: the service is
  created and the existing manager finds it in her workspace (:func:`added_for`).
- :func:`reject` records the reason. A decided request is never decided again.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import select
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
                   allowed_origins: Iterable[str], channels: Iterable[str]) -> OnboardingRequest:
    """Validate and store a pending request (audited as :data:`PUBLIC_ACTOR`); raises a
    :class:`registry.errors.RegistryError` naming the field otherwise."""
    ipa = check_ipa_code(ipa_code)
    entity = session.get(Entity, ipa)
    if entity is None:
        raise NotFound("ipa_code", f"{ipa!r} is not in the IPA index known to Ascolto; check the code on indicepa.gov.it")
    name = check_name(service_name, "service_name", 300)
    stype = check_service_type(service_type)
    check_type_fits_category(stype, entity.category, ipa)
    origins = check_origins(list(allowed_origins))
    if not origins:
        raise InvalidValue("allowed_origins", "give the origin (https://host) of the pages that will carry the widget")
    if len(origins) > MAX_ORIGINS:
        raise InvalidValue("allowed_origins", f"at most {MAX_ORIGINS} origins")
    chans = _channels(list(channels))
    req = OnboardingRequest(ipa_code=ipa, service_name=name, service_type=stype.code, allowed_origins=origins,
                            channels=chans, status="pending", created_at=utcnow())
    session.add(req)
    session.flush()
    audit.record(session, actor=PUBLIC_ACTOR, action="create", object_type="onboarding",
                 object_key=str(req.id), after=req.snapshot())
    session.flush()
    return req


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
    """The approved requests of ``ipa`` that minted no manager token (it had one already): what its
    manager is told in her workspace — the services, when, requested by whom (the public form: the
    origins it declared) and approved by whom."""
    from .models import AuditEntry

    reqs = [r for r in list_requests(session, "approved") if r.ipa_code == ipa]
    minted = {a.context for a in session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "token", AuditEntry.action == "create",
        AuditEntry.context.in_([_context(r.id) for r in reqs])))} if reqs else set()
    return [{"id": r.id, "service_name": r.service_name, "service_keys": list(r.service_keys or ()),
             "channels": list(r.channels or ()), "allowed_origins": list(r.allowed_origins or ()),
             "requested_at": r.created_at.strftime("%Y-%m-%d %H:%M"), "requested_by": PUBLIC_ACTOR,
             "decided_at": r.decided_at.strftime("%Y-%m-%d %H:%M") if r.decided_at else "",
             "approved_by": r.decided_by} for r in reqs if _context(r.id) not in minted]


def approve(session: Session, request_id: int, *, actor: str) -> tuple[OnboardingRequest, Token | None, str | None]:
    """Create the request's services and, when the entity has no active manager token, one; returns
    (request, token, secret) — token and secret None when the entity already has a manager."""
    actor = audit.check_actor(actor)
    req = _pending(session, request_id)
    before = req.snapshot()
    keys = []
    for ch in req.channels:
        name = req.service_name if len(req.channels) == 1 else f"{req.service_name} ({ch})"
        svc = ops.add_service(session, actor=actor, entity_ipa=req.ipa_code, name=name[:300],
                              service_type=req.service_type, channel=ch, allowed_origins=req.allowed_origins,
                              context=f"onboarding request {req.id}")
        keys.append(svc.key)
    token = secret = None
    if active_manager(session, req.ipa_code) is None:
        token, secret = create_token(session, role="entity", label=f"manager {req.ipa_code} (onboarding {req.id})",
                                     actor=actor, entity=req.ipa_code, manager=True, context=_context(req.id))
    req.status, req.decided_at, req.decided_by, req.service_keys = "approved", utcnow(), actor, keys
    session.flush()
    audit.record(session, actor=actor, action="approve", object_type="onboarding", object_key=str(req.id),
                 before=before, after=req.snapshot())
    session.flush()
    return req, token, secret


def reject(session: Session, request_id: int, *, actor: str, reason: str) -> OnboardingRequest:
    actor = audit.check_actor(actor)
    req = _pending(session, request_id)
    reason = check_name(reason, "reason", 500)
    before = req.snapshot()
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
