"""SQLAlchemy models of the registry. Portable across SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Entity(Base):
    """A public administration, identified by its IPA code."""

    __tablename__ = "entity"

    ipa_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(8), index=True)  # IPA category code = PA type
    region_istat: Mapped[str] = mapped_column(String(2))  # Istat region code, e.g. "12"
    region_nuts: Mapped[str] = mapped_column(String(5))  # NUTS-2 code, e.g. "ITI4"
    comune_istat: Mapped[str | None] = mapped_column(String(6), nullable=True)

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

    entity: Mapped[Entity] = relationship(back_populates="services")
