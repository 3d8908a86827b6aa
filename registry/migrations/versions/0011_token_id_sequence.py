"""PostgreSQL: the sequence behind ``api_token.id`` restarts past the largest id.

0005, 0006 and 0008 rebuild ``api_token`` (``batch_alter_table(recreate="always")``: SQLite cannot alter a
check constraint). On PostgreSQL the rebuilt table's ``SERIAL`` comes with a new sequence starting at 1
while the copied rows keep their ids, so after upgrading a registry that held tokens every
``ascolto registry token create`` (and every console sign-up of an entity) failed with a duplicate key on
``api_token_pkey`` until the sequence had been walked past them. This sets the column's sequence to the
largest id (nothing to do on SQLite, whose rowids follow the table). The downgrade changes nothing.

Follows 0010_pending_join_tokens.

Revision ID: 0011_token_id_sequence
Revises: 0010_pending_join_tokens
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op

revision = "0011_token_id_sequence"
down_revision = "0010_pending_join_tokens"
branch_labels = None
depends_on = None

#: the sequence behind ``table.id`` (owned by the column, whatever its name) past the largest id; is_called
#: false on an empty table, so its next value is 1
RESYNC = ("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
          "FROM {table}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RESYNC.format(table="api_token"))


def downgrade() -> None:
    pass
