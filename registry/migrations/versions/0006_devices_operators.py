"""Kiosk devices per service; the console role ``operator``, scoped to one entity (issue 14;
``api_token.entity_ipa`` comes from 0005).

Revision ID: 0006_devices_operators
Revises: 0005_entity_onboarding
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_devices_operators"
down_revision = "0005_entity_onboarding"
branch_labels = None
depends_on = None

_OLD_ROLES = "role IN ('admin', 'monitoring', 'statistician', 'entity')"
_NEW_ROLES = "role IN ('admin', 'monitoring', 'statistician', 'entity', 'operator')"


def upgrade() -> None:
    op.create_table(
        "kiosk_device",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_key", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["service_key"], ["service.key"]),
        sa.UniqueConstraint("prefix", name="uq_kiosk_device_prefix"),
        sa.CheckConstraint("channel IN ('kiosk', 'front_office')", name="ck_kiosk_device_channel"),
    )
    op.create_index("ix_kiosk_device_service_key", "kiosk_device", ["service_key"])
    with op.batch_alter_table("api_token", recreate="always") as batch:
        batch.drop_constraint("ck_api_token_role", type_="check")
        batch.create_check_constraint("ck_api_token_role", _NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM api_token WHERE role = 'operator'")
    with op.batch_alter_table("api_token", recreate="always") as batch:
        batch.drop_constraint("ck_api_token_role", type_="check")
        batch.create_check_constraint("ck_api_token_role", _OLD_ROLES)
    op.drop_index("ix_kiosk_device_service_key", table_name="kiosk_device")
    op.drop_table("kiosk_device")
