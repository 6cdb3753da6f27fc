"""push: webhook subscriptions to new mentions and their batches (issue 18)

- ``push_subscription``: a named receiver URL, the feed filter (a query string), the signing secret,
  the stream position pushed up to (``cursor``), active or paused (with the reason) and the count
  of failed attempts in a row.
- ``push_batch``: the outbox of those subscriptions, one row per signed POST of up to
  ``LISTENER_PUSH_BATCH`` mentions, with its idempotency key; deleted with the subscription.

Revision ID: push01a2b3c4
Revises: inbox01a2b3c4
Create Date: 2026-12-06 07:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from listener.storage.base import UTCDateTime

revision: str = "push01a2b3c4"
down_revision: str | None = "inbox01a2b3c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "push_subscription",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(600), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("filter", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_delivered_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("state IN ('active', 'paused')", name=op.f("ck_push_subscription_state")),
        sa.UniqueConstraint("name", name=op.f("uq_push_subscription_name")),
    )
    op.create_index(op.f("ix_push_subscription_name_key"), "push_subscription", ["name_key"], unique=True)
    op.create_table(
        "push_batch",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "subscription_id",
            BigId,
            sa.ForeignKey(
                "push_subscription.id",
                ondelete="CASCADE",
                name=op.f("fk_push_batch_subscription_id_push_subscription"),
            ),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("payload", JSON, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'failed', 'sent')", name=op.f("ck_push_batch_status")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_push_batch_idempotency_key")),
    )
    op.create_index("ix_push_batch_due", "push_batch", ["status", "next_attempt_at"])
    op.create_index("ix_push_batch_subscription", "push_batch", ["subscription_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_push_batch_subscription", table_name="push_batch")
    op.drop_index("ix_push_batch_due", table_name="push_batch")
    op.drop_table("push_batch")
    op.drop_index(op.f("ix_push_subscription_name_key"), table_name="push_subscription")
    op.drop_table("push_subscription")
