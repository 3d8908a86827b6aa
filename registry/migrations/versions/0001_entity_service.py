"""Entities and services: the registry's first tables.

Identical to what ``Base.metadata.create_all`` made before migrations existed, so such a database
is stamped at this revision and upgraded from here (see ``registry.migrate``).

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity",
        sa.Column("ipa_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("region_istat", sa.String(2), nullable=False),
        sa.Column("region_nuts", sa.String(5), nullable=False),
        sa.Column("comune_istat", sa.String(6), nullable=True),
        sa.PrimaryKeyConstraint("ipa_code"),
    )
    op.create_index("ix_entity_category", "entity", ["category"])
    op.create_table(
        "service",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("entity_ipa", sa.String(32), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("service_type", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("questionnaire_id", sa.String(64), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sampling_rate", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["entity_ipa"], ["entity.ipa_code"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_service_entity_ipa", "service", ["entity_ipa"])
    op.create_index("ix_service_service_type", "service", ["service_type"])


def downgrade() -> None:
    op.drop_index("ix_service_service_type", table_name="service")
    op.drop_index("ix_service_entity_ipa", table_name="service")
    op.drop_table("service")
    op.drop_index("ix_entity_category", table_name="entity")
    op.drop_table("entity")
