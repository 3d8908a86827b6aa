"""Models of self-service onboarding (issue 15): a PA's request for a service, and the collector's
recent widget requests per service and origin (what "check my page" reads).

The tables are owned by migration ``0005_entity_onboarding`` (``registry/migrations/versions``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime

STATUSES = ("pending", "approved", "rejected")


class OnboardingRequest(Base):
    """A service requested through the public form; an admin approves (creating the services and
    activating the requester's pending manager token, if any) or rejects it. Every change is in the
    audit log."""

    __tablename__ = "onboarding_request"
    __table_args__ = (CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_onboarding_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ipa_code: Mapped[str] = mapped_column(String(32), index=True)
    service_name: Mapped[str] = mapped_column(String(300))
    service_type: Mapped[str] = mapped_column(String(64))
    allowed_origins: Mapped[list[str]] = mapped_column(JSON)
    channels: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)  # why rejected
    service_keys: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)  # once approved
    # the pending manager token handed to the requester at /join (an entity without a manager;
    # migration 0010): activated by the approval, revoked by a rejection
    token_prefix: Mapped[str | None] = mapped_column(String(16), nullable=True)

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.id, "ipa_code": self.ipa_code, "service_name": self.service_name,
                "service_type": self.service_type, "allowed_origins": list(self.allowed_origins or ()),
                "channels": list(self.channels or ()), "status": self.status, "reason": self.reason,
                "service_keys": self.service_keys, "token_prefix": self.token_prefix}


class OriginSeen(Base):
    """Widget requests (questionnaire loads and submissions) one collector saw for a service from an
    origin on one UTC day, added up over workers and collectors; ``allowed``: the origin is declared."""

    __tablename__ = "origin_seen"

    service_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    origin: Mapped[str] = mapped_column(String(200), primary_key=True)  # "-" when no Origin header
    day: Mapped[str] = mapped_column(String(10), primary_key=True)      # YYYY-MM-DD (UTC)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)            # 403 origin_not_allowed
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
