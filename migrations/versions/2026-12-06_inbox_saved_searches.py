"""inbox: saved searches per person (issue 17)

``saved_search``: a user's named inbox searches (the inbox's query string); deleted with the user.

Revision ID: inbox01a2b3c4
Revises: reports01a2b3
Create Date: 2026-12-06 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from listener.storage.base import UTCDateTime

revision: str = "inbox01a2b3c4"
down_revision: str | None = "reports01a2b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("user_id", BigId, sa.ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.String(2000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),
    )
    op.create_index("ix_saved_search_user", "saved_search", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_saved_search_user", table_name="saved_search")
    op.drop_table("saved_search")
