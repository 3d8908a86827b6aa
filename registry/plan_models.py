"""Models of improvement plans (DESIGN §11): a plan for one service, and every version of it.

A plan's content is never edited in place: each edit adds an :class:`PlanVersion` and moves
:attr:`ImprovementPlan.version` to it, so the whole history stays (and each version is also in the
audit log). The tables are owned by migration ``0004`` (``registry/migrations/versions``).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, ForeignKeyConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, UTCDateTime

MEASURES = ("top2", "mean")
STATUSES = ("active", "completed", "withdrawn")


class ImprovementPlan(Base):
    """A plan's identity: which service it is for, who created it, and its current version."""

    __tablename__ = "improvement_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_key: Mapped[str] = mapped_column(ForeignKey("service.key"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the current version
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))

    versions: Mapped[list["PlanVersion"]] = relationship(back_populates="plan", order_by="PlanVersion.version")


class PlanVersion(Base):
    """One version of a plan's content (immutable once written)."""

    __tablename__ = "improvement_plan_version"
    __table_args__ = (
        ForeignKeyConstraint(["plan_id"], ["improvement_plan.id"], name="fk_plan_version_plan"),
        CheckConstraint(f"measure IN {MEASURES!r}", name="ck_plan_version_measure"),
        CheckConstraint(f"status IN {STATUSES!r}", name="ck_plan_version_status"),
    )

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32))        # a canonical score indicator, e.g. speed
    measure: Mapped[str] = mapped_column(String(8))           # top2 (positive share, %) or mean (0–100)
    baseline_period: Mapped[str] = mapped_column(String(7))   # YYYY-MM, YYYY-Qn or YYYY
    baseline_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_value: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column(Date)
    actions: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))

    plan: Mapped[ImprovementPlan] = relationship(back_populates="versions")
