"""publish: the reply publish queue, the platform's time of a sent reply, mentions' reply-to ids

- ``reply_publication``: one row per reply sent by a publisher (idempotency key, status, attempts,
  next attempt, the platform's last answer).
- ``reply.platform_sent_at``: when the platform says our reply appeared (response times use it).
- ``mention.in_reply_to``: the platform id of the post a mention answers (threads).

Revision ID: publish01a2b3
Revises: e1a2b3c4d5e6
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import listener.storage.base

revision: str = "publish01a2b3"
down_revision: str | None = "e1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DT = listener.storage.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reply_publication",
        sa.Column("id", BigId, nullable=False),
        sa.Column("reply_id", BigId, nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DT, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("sending_at", UTC_DT, nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'unconfirmed', 'failed', 'published', 'by_hand')",
            name=op.f("ck_reply_publication_status"),
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"], ["reply.id"], name=op.f("fk_reply_publication_reply_id_reply"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_publication")),
        sa.UniqueConstraint("reply_id", name=op.f("uq_reply_publication_reply_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_reply_publication_idempotency_key")),
    )
    op.create_index("ix_reply_publication_due", "reply_publication", ["status", "next_attempt_at", "id"])
    op.create_index("ix_reply_publication_platform", "reply_publication", ["platform", "status"])
    with op.batch_alter_table("reply") as batch_op:
        batch_op.add_column(sa.Column("platform_sent_at", UTC_DT, nullable=True))
    with op.batch_alter_table("mention") as batch_op:
        batch_op.add_column(sa.Column("in_reply_to", sa.String(length=512), nullable=True))
    op.create_index("ix_mention_in_reply_to", "mention", ["platform", "in_reply_to"])


def downgrade() -> None:
    op.drop_index("ix_mention_in_reply_to", table_name="mention")
    with op.batch_alter_table("mention") as batch_op:
        batch_op.drop_column("in_reply_to")
    with op.batch_alter_table("reply") as batch_op:
        batch_op.drop_column("platform_sent_at")
    op.drop_index("ix_reply_publication_platform", table_name="reply_publication")
    op.drop_index("ix_reply_publication_due", table_name="reply_publication")
    op.drop_table("reply_publication")
