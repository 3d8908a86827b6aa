"""Model of kiosk devices: a totem or tablet registered for one service (issue 14).

A device holds a token (``kio_<prefix>_<secret>``, only its SHA-256 stored, like console tokens);
its answers carry the device's ``channel`` (``kiosk`` or ``front_office``) whatever the page sends.
The table is owned by migration ``0005`` (``registry/migrations/versions``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime

DEVICE_CHANNELS = ("kiosk", "front_office")


class KioskDevice(Base):
    """A registered device of a service; revoked devices are kept (the audit refers to them)."""

    __tablename__ = "kiosk_device"
    __table_args__ = (CheckConstraint(f"channel IN {DEVICE_CHANNELS!r}", name="ck_kiosk_device_channel"),
                      UniqueConstraint("prefix", name="uq_kiosk_device_prefix"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_key: Mapped[str] = mapped_column(ForeignKey("service.key"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None
