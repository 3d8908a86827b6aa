"""Entity tokens (role ``entity``, scoped to one IPA code), onboarding requests, widget origins seen.

Issue 15. Named clearly so the lead can renumber it if another 0005 lands first.

Revision ID: 0005_entity_onboarding
Revises: 0004
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_entity_onboarding"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('admin', 'monitoring', 'statistician')"
NEW_ROLES = "role IN ('admin', 'monitoring', 'statistician', 'entity')"


def upgrade() -> None:
    with op.batch_alter_table("api_token", recreate="always") as b:
        b.drop_constraint("ck_api_token_role", type_="check")
        b.create_check_constraint("ck_api_token_role", NEW_ROLES)
        b.add_column(sa.Column("entity_ipa", sa.String(32), nullable=True))
        b.add_column(sa.Column("entity_manager", sa.Boolean(), nullable=False, server_default="0"))
        b.create_foreign_key("fk_api_token_entity", "entity", ["entity_ipa"], ["ipa_code"])
    op.create_table(
        "onboarding_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ipa_code", sa.String(32), nullable=False),
        sa.Column("service_name", sa.String(300), nullable=False),
        sa.Column("service_type", sa.String(64), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("service_keys", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_onboarding_status"),
    )
    op.create_index("ix_onboarding_request_ipa_code", "onboarding_request", ["ipa_code"])
    op.create_table(
        "origin_seen",
        sa.Column("service_key", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("service_key", "origin", "day"),
    )


def downgrade() -> None:
    op.drop_table("origin_seen")
    op.drop_index("ix_onboarding_request_ipa_code", table_name="onboarding_request")
    op.drop_table("onboarding_request")
    op.execute("DELETE FROM api_token WHERE role = 'entity'")
    with op.batch_alter_table("api_token", recreate="always") as b:
        b.drop_constraint("fk_api_token_entity", type_="foreignkey")
        b.drop_column("entity_manager")
        b.drop_column("entity_ipa")
        b.drop_constraint("ck_api_token_role", type_="check")
        b.create_check_constraint("ck_api_token_role", OLD_ROLES)
