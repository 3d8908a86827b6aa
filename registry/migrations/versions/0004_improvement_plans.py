"""Improvement plans and their versions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "improvement_plan",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_key", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["service_key"], ["service.key"]),
    )
    op.create_index("ix_improvement_plan_service_key", "improvement_plan", ["service_key"])
    op.create_table(
        "improvement_plan_version",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(32), nullable=False),
        sa.Column("measure", sa.String(8), nullable=False),
        sa.Column("baseline_period", sa.String(7), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version"),
        sa.ForeignKeyConstraint(["plan_id"], ["improvement_plan.id"], name="fk_plan_version_plan"),
        sa.CheckConstraint("measure IN ('top2', 'mean')", name="ck_plan_version_measure"),
        sa.CheckConstraint("status IN ('active', 'completed', 'withdrawn')", name="ck_plan_version_status"),
    )


def downgrade() -> None:
    op.drop_table("improvement_plan_version")
    op.drop_index("ix_improvement_plan_service_key", table_name="improvement_plan")
    op.drop_table("improvement_plan")
