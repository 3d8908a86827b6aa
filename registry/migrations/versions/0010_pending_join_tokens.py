"""A join's manager token is pending until an admin approves the join.

``api_token.pending``: the token exists (its requester holds the secret, shown once at ``/join``) but
verifies nowhere until the approval clears it; ``onboarding_request.token_prefix`` names it.

Revision ID: 0010_pending_join_tokens
Revises: 0009_names_per_language
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_pending_join_tokens"
down_revision = "0009_names_per_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token") as b:
        b.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("onboarding_request") as b:
        b.add_column(sa.Column("token_prefix", sa.String(16), nullable=True))


def downgrade() -> None:
    # a pending token would become usable without its approval: revoke what was still waiting
    op.execute("UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP, revoked_by = 'migration:0009-downgrade' "
               "WHERE pending AND revoked_at IS NULL")
    with op.batch_alter_table("onboarding_request") as b:
        b.drop_column("token_prefix")
    with op.batch_alter_table("api_token") as b:
        b.drop_column("pending")
