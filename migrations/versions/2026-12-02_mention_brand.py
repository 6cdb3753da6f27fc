"""mention brand links: a mention is linked to every brand whose query it matches

``mention.brand_id`` stays the primary brand (the first match: own-brand queries before competitor
ones); ``mention_brand`` holds the other matches only, with the mention's ``published_at`` so the
brand feed can walk them newest first (why: ``MentionBrand`` in listener/storage/models.py).
Existing mentions have exactly one brand, their ``brand_id``, so there is nothing to backfill.

Revision ID: ae5f6a7b8c9d
Revises: 9d4e5f6a7b8c
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import listener.storage.base

revision: str = "ae5f6a7b8c9d"
down_revision: str | None = "9d4e5f6a7b8c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mention_brand",
        sa.Column("mention_id", BigId, nullable=False),
        sa.Column("brand_id", BigId, nullable=False),
        sa.Column("published_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brand.id"], name=op.f("fk_mention_brand_brand_id_brand"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["mention.id"],
            name=op.f("fk_mention_brand_mention_id_mention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mention_id", "brand_id", name=op.f("pk_mention_brand")),
    )
    op.create_index("ix_mention_brand_brand_id_mention_id", "mention_brand", ["brand_id", "mention_id"])
    op.create_index(
        "ix_mention_brand_brand_id_published_at_mention_id",
        "mention_brand",
        ["brand_id", "published_at", "mention_id"],
    )


def downgrade() -> None:
    # the extra links are lost; every mention keeps its primary brand (mention.brand_id)
    op.drop_index("ix_mention_brand_brand_id_published_at_mention_id", table_name="mention_brand")
    op.drop_index("ix_mention_brand_brand_id_mention_id", table_name="mention_brand")
    op.drop_table("mention_brand")
