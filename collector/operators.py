"""Operator entries at the collector (issue 14 §3; the rules live in :mod:`registry.operators`).

A submission carrying ``X-Ascolto-Operator`` is an entry recorded by contact-centre or counter staff
through the console: the credential must be an active ``operator`` token of the service's entity
(403 naming ``operator`` otherwise), the service must collect on ``phone`` or ``front_office``
(409 naming ``channel``), and the entry is audited — after it is durable, once per
``submission_id`` — naming the operator. The credential stands in for the origin check (the console
posts server to server).
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from registry import session_scope
from registry.operators import HEADER, OPERATOR_CHANNELS, audit_entry, verify_operator
from registry.readmodel import ServiceView

from .errors import ApiError

log = logging.getLogger(__name__)
__all__ = ["HEADER", "operator_for", "audit"]


def operator_for(value: str | None, cfg: ServiceView):
    """The operator token of ``value`` allowed to record for ``cfg`` (None when no header was sent)."""
    if value is None:
        return None
    with session_scope(current_app.extensions["ascolto.registry"]) as s:
        token = verify_operator(s, value)
        if token is not None:
            s.expunge(token)
    if token is None:
        raise ApiError(403, "operator_not_allowed", "The operator credential is not valid (revoked, expired or "
                       "signed out).", {"operator": ["Not a valid operator credential."]})
    if token.entity_ipa != cfg.entity:
        raise ApiError(403, "operator_not_allowed", f"The operator may not record for service {cfg.key!r}.",
                       {"operator": ["The service belongs to another entity."]})
    if cfg.channel not in OPERATOR_CHANNELS:
        raise ApiError(409, "channel_not_declared", f"Service {cfg.key!r} collects on {cfg.channel!r}; operators "
                       f"record only for {', '.join(OPERATOR_CHANNELS)} services.",
                       {"channel": [f"Not among {', '.join(OPERATOR_CHANNELS)}."]})
    return token


def audit(token, *, submission_id: str, service: str, channel: str) -> None:
    """Audit a durable entry; 503 when the audit cannot be written (a retry stores the entry once and
    audits it then)."""
    try:
        with session_scope(current_app.extensions["ascolto.registry"]) as s:
            audit_entry(s, token, submission_id=submission_id, service=service, channel=channel)
    except SQLAlchemyError:
        log.exception("operator entry %s could not be audited", submission_id)
        raise ApiError(503, "unavailable", "The entry could not be audited; retry it.",
                       headers={"Retry-After": "5"}) from None
