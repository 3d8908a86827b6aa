"""A service's test mode expires by itself: ``service.test_mode_until``.

Test mode (0007) was on until someone switched it off, so a service left in it took real citizens'
answers as check-ups, never counted, for good. From here on it is on only while
``now < test_mode_until`` (:func:`registry.models.in_test_mode`). A service found in test mode gets
an expiry of :data:`GRACE_HOURS` hours from the upgrade: whoever is checking a page keeps the day,
and a mode forgotten long ago stops by itself a day later (a forgotten mode needs nobody to notice).
The downgrade drops the column (test mode back to on until switched off).

Follows 0011_token_id_sequence.

Revision ID: 0012_test_mode_until
Revises: 0011_token_id_sequence
Create Date: 2026-12-02
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0012_test_mode_until"
down_revision = "0011_token_id_sequence"
branch_labels = None
depends_on = None

#: the expiry given to a service found in test mode, in hours from the upgrade
GRACE_HOURS = 24


def upgrade() -> None:
    with op.batch_alter_table("service") as b:  # batch: SQLite
        b.add_column(sa.Column("test_mode_until", sa.DateTime(), nullable=True))  # naive UTC (UTCDateTime)
    service = sa.table("service", sa.column("test_mode", sa.Boolean()), sa.column("test_mode_until", sa.DateTime()))
    until = (datetime.now(timezone.utc) + timedelta(hours=GRACE_HOURS)).replace(tzinfo=None, microsecond=0)
    op.execute(service.update().where(service.c.test_mode == sa.true()).values(test_mode_until=until))


def downgrade() -> None:
    with op.batch_alter_table("service") as b:
        b.drop_column("test_mode_until")
