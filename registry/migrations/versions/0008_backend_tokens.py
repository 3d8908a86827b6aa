"""The token role ``backend``, scoped to one entity: its back end posts to ``POST /v1/submissions``
with ``Authorization: Bearer <token>`` (own per-token rate limit, no per-IP limit); once an entity
has an active one, its services refuse posts that carry neither an ``Origin`` nor a valid token.
Only the role constraint changes (``api_token.entity_ipa`` comes from 0005).

Follows 0007_service_test_mode.

Revision ID: 0008_backend_tokens
Revises: 0007_service_test_mode
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op

revision = "0008_backend_tokens"
down_revision = "0007_service_test_mode"
branch_labels = None
depends_on = None

_OLD_ROLES = "role IN ('admin', 'monitoring', 'statistician', 'entity', 'operator')"
_NEW_ROLES = "role IN ('admin', 'monitoring', 'statistician', 'entity', 'operator', 'backend')"


def upgrade() -> None:
    with op.batch_alter_table("api_token", recreate="always") as batch:
        batch.drop_constraint("ck_api_token_role", type_="check")
        batch.create_check_constraint("ck_api_token_role", _NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM api_token WHERE role = 'backend'")
    with op.batch_alter_table("api_token", recreate="always") as batch:
        batch.drop_constraint("ck_api_token_role", type_="check")
        batch.create_check_constraint("ck_api_token_role", _OLD_ROLES)
