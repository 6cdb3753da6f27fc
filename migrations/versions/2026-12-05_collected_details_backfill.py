"""collected details and backfill: ``mention.details`` and ``source.backfill``

``mention.details`` holds what a platform says about a mention beyond the common fields, as short
strings (a review's app version, device, Android version). ``source.backfill`` is the progress of a
history backfill (``listener collect --backfill DAYS`` or the ``backfill_days`` param), written in
the same transaction as the batch it fetched, so a crash resumes where it stopped. Existing rows
get ``{}`` and no backfill.

Revision ID: bf6a7b8c9d0e
Revises: ae5f6a7b8c9d
Create Date: 2026-12-05 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "bf6a7b8c9d0e"
down_revision: str | None = "ae5f6a7b8c9d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", Json, nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("backfill", Json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("backfill")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_column("details")
