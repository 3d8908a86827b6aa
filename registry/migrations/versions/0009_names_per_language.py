"""Names per language: ``entity.names`` and ``service.names``, JSON objects ``{lang: name}`` of the
languages other than Italian (en, de, fr, sl). The Italian name stays ``name`` (mandatory); a page in
another language shows that language's name when there is one, else the Italian (registry.names).
Nullable (a row made before holds none: read as ``{}``), so adding it rewrites no row.

Follows 0008_backend_tokens.

Revision ID: 0009_names_per_language
Revises: 0008_backend_tokens
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_names_per_language"
down_revision = "0008_backend_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("entity", "service"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("names", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in ("service", "entity"):
        with op.batch_alter_table(table) as b:
            b.drop_column("names")
