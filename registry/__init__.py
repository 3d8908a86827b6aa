"""The registry of entities, services and tokens (DESIGN §3), read by collector, processor and warehouse.

Writes go through the service layer (:mod:`registry.ops`, :mod:`registry.tokens`,
:mod:`registry.ipa`), which validates and audits every change; the schema is owned by the Alembic
migrations in ``registry/migrations`` (:mod:`registry.migrate`).
"""
from .db import connect, dispose, session_scope
from .errors import AlreadyExists, InvalidValue, NotAllowed, NotFound, RegistryError
from .models import ROLES, AuditEntry, Base, Entity, Service, Token
from .device_models import KioskDevice  # noqa: F401 (registers the device table on Base)
from .plan_models import ImprovementPlan, PlanVersion  # noqa: F401 (registers the plan tables on Base)
from .onboarding_models import OnboardingRequest, OriginSeen  # noqa: F401 (registers the onboarding tables)
from .tokens import verify_token

__all__ = [
    "connect", "dispose", "session_scope", "Base", "Entity", "Service", "Token", "AuditEntry", "ROLES",
    "RegistryError", "InvalidValue", "NotFound", "AlreadyExists", "NotAllowed", "verify_token",
]
