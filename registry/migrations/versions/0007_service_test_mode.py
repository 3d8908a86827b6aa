"""A service's test mode (issue 19): while on, its answers are check-ups, stored apart, never counted.

Follows issue 14's 0006_devices_operators.

Revision ID: 0007_service_test_mode
Revises: 0006_devices_operators
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_service_test_mode"
down_revision = "0006_devices_operators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service") as b:
        b.add_column(sa.Column("test_mode", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("service") as b:
        b.drop_column("test_mode")
