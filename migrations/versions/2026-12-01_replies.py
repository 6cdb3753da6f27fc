"""replies: reply templates and replies

Revision ID: 6a1b2c3d4e5f
Revises: d09e93a4a59d
Create Date: 2026-12-01 19:49:07.188508
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import listener.storage.base

revision: str = "6a1b2c3d4e5f"
down_revision: str | None = "d09e93a4a59d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reply_template",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("tone", sa.String(length=32), nullable=False),
        sa.Column(
            "conditions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('dm', 'public')", name=op.f("ck_reply_template_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_template")),
        sa.UniqueConstraint("name", name=op.f("uq_reply_template_name")),
    )
    op.create_table(
        "reply",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mention_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("sent_by", sa.String(length=200), nullable=True),
        sa.Column("sent_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.String(length=512), nullable=True),
        sa.Column("external_url", sa.Text(), nullable=True),
        sa.CheckConstraint("channel IN ('dm', 'public')", name=op.f("ck_reply_channel")),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'rejected', 'sent')", name=op.f("ck_reply_status")
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"], ["mention.id"], name=op.f("fk_reply_mention_id_mention"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["reply_template.id"],
            name=op.f("fk_reply_template_id_reply_template"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply")),
    )
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.create_index("ix_reply_mention", ["mention_id", "id"], unique=False)
        batch_op.create_index("ix_reply_status", ["status", "id"], unique=False)
        batch_op.create_index("ix_reply_template", ["template_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_index("ix_reply_template")
        batch_op.drop_index("ix_reply_status")
        batch_op.drop_index("ix_reply_mention")

    op.drop_table("reply")
    op.drop_table("reply_template")
