"""taxonomy: the editable global topic taxonomy and per-brand topics

Revision ID: d09e93a4a59d
Revises: e25410ecf831
Create Date: 2026-12-01 19:39:45.666436
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import listener.storage.base

revision: str = "d09e93a4a59d"
down_revision: str | None = "e25410ecf831"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "taxonomy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy")),
    )
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "topics",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),  # existing brands get no extra topics
            )
        )
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.alter_column("topics", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.drop_column("topics")

    op.drop_table("taxonomy")
