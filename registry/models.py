"""SQLAlchemy models of the registry. Portable across SQLite and PostgreSQL.

The schema is owned by the Alembic migrations in ``registry/migrations/``: a change to a model
here goes with a new migration there (``tests/test_registry.py`` checks that they agree).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

ROLES = ("admin", "monitoring", "statistician", "entity", "operator", "backend")
#: National staff: every entity's figures and comments.
NATIONAL_ROLES = ("admin", "monitoring", "statistician")
#: roles whose token is scoped to one entity (``Token.entity_ipa``): ``entity`` sees its workspace,
#: ``operator`` records answers given at its desks, ``backend`` lets that administration's own back end
#: post to the collector's API (``Authorization: Bearer``; no console access: :data:`CONSOLE_ROLES`)
SCOPED_ROLES = ("entity", "operator", "backend")
#: the roles that may sign in to the console (a ``backend`` token is a machine credential of the collector)
CONSOLE_ROLES = ("admin", "monitoring", "statistician", "entity", "operator")


class Base(DeclarativeBase):
    pass


class UTCDateTime(TypeDecorator):
    """A UTC instant: stored naive (as UTC) on every backend, returned timezone-aware.

    SQLite has no time zones and PostgreSQL's ``timestamp with time zone`` converts to the session
    zone; storing naive UTC behaves identically on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def in_test_mode(flag: bool, until: datetime | None, now: datetime | None = None) -> bool:
    """Whether a service's test mode counts as on at ``now`` (default: this instant): switched on
    (``flag``) and not expired, ``now < until``. The one rule every reader applies (the collector
    through :attr:`registry.readmodel.ServiceView.test_mode`, the console, the CLI): test mode is only
    ever on for a bounded time, so a switch left on stops taking real citizens' answers as check-ups
    by itself. A flag without an expiry (set by hand past the CLI, migration 0012 gave the rows it
    found one) counts as off: the answers count."""
    return bool(flag) and until is not None and (now or utcnow()) < until


class Entity(Base):
    """A public administration, identified by its IPA code."""

    __tablename__ = "entity"

    ipa_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(8), index=True)  # IPA category code = PA type
    region_istat: Mapped[str] = mapped_column(String(2))  # Istat region code, e.g. "12"
    region_nuts: Mapped[str] = mapped_column(String(5))  # NUTS-2 code, e.g. "ITI4"
    comune_istat: Mapped[str | None] = mapped_column(String(6), nullable=True)
    # the name in other languages than Italian, {lang: name} (migration 0009; registry.names)
    names: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)

    services: Mapped[list["Service"]] = relationship(back_populates="entity")


class Service(Base):
    """A digital (or front-office) service that collects feedback under a public key."""

    __tablename__ = "service"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_ipa: Mapped[str] = mapped_column(ForeignKey("entity.ipa_code"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    service_type: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="web")
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sampling_rate: Mapped[float] = mapped_column(Float, default=1.0)
    # test mode (migration 0007): every answer is a check-up, stored apart and never counted
    test_mode: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # ... until this instant only (migration 0012): on means test_mode and now < test_mode_until
    # (:func:`in_test_mode`); None while off
    test_mode_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the name in other languages than Italian, {lang: name} (migration 0009; registry.names)
    names: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)

    entity: Mapped[Entity] = relationship(back_populates="services")

    def in_test_mode(self, now: datetime | None = None) -> bool:
        """Test mode on at ``now`` (:func:`in_test_mode`)."""
        return in_test_mode(self.test_mode, self.test_mode_until, now)


class Token(Base):
    """An API token of the internal console. Only a SHA-256 of the secret is stored.

    The secret handed out once is ``asc_<prefix>_<random>``; ``prefix`` is public (it finds the
    row), the whole secret is what is hashed.
    """

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="ck_api_token_role"),
                      UniqueConstraint("prefix", name="uq_api_token_prefix"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # None: never
    # bumped by a sign-out: console sessions carry the generation they were made in (see tokens.py)
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # role ``entity``: the one administration the token sees (its workspace); ``entity_manager``: it may
    # issue further entity tokens of that administration (migration 0005)
    entity_ipa: Mapped[str | None] = mapped_column(ForeignKey("entity.ipa_code", name="fk_api_token_entity"),
                                                   nullable=True)
    entity_manager: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # the manager token a public /join handed its requester: unusable until an admin approves the
    # request (registry.onboarding; migration 0010), revoked if it is rejected
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    @property
    def active(self) -> bool:
        """Usable: not revoked, not expired, and not waiting for its join request's approval."""
        return self.revoked_at is None and not self.expired() and not self.pending

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())


class AuditEntry(Base):
    """One change to the registry: who, what, when, and the object before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))  # create, update, assign, activate, deactivate, revoke
    object_type: Mapped[str] = mapped_column(String(16))  # entity, service, token
    object_key: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    context: Mapped[str | None] = mapped_column(String(300), nullable=True)  # e.g. "import-ipa enti.csv line 42"
