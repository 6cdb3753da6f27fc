"""source counts: items seen, dropped as matching no query, and duplicates, next to mentions stored

``mentions_collected`` (stored) already exists; the three new counters make ``listener sources``
honest about what a source fetched and why some of it was not stored
(seen = stored + unmatched + duplicates).

Revision ID: c0ec7c03e5a1
Revises: bf6a7b8c9d0e
Create Date: 2026-12-05 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0ec7c03e5a1"
down_revision: str | None = "bf6a7b8c9d0e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("items_seen", "items_unmatched", "items_duplicate")


def upgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
