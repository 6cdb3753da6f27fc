"""reports: the mention stream's sequence, scheduled reports, and the outbox's ``report`` kind

- ``mention.stream_seq``: the position of a mention in ``/api/v1/stream``, given after commit in
  commit order (unique; NULL until the sequencer has seen the row). Existing mentions get their id.
- ``report_schedule``: a brand's daily / weekly / monthly report to e-mail recipients.
- ``notification.kind`` also takes ``report`` (idempotency key per schedule, period and locale).

Revision ID: reports01a2b3
Revises: accounts01a2b3
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import listener.storage.base

revision: str = "reports01a2b3"
down_revision: str | None = "accounts01a2b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('opened', 'escalated', 'resolved', 'test', 'digest')"
NEW_KINDS = "kind IN ('opened', 'escalated', 'resolved', 'test', 'digest', 'report')"
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DT = listener.storage.base.UTCDateTime(timezone=True)


def _kinds(condition: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notification_kind"), condition)


def upgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stream_seq", BIG, nullable=True))
    op.execute("UPDATE mention SET stream_seq = id")
    op.create_index("ix_mention_stream_seq", "mention", ["stream_seq"], unique=True)
    op.create_table(
        "report_schedule",
        sa.Column("id", BIG, nullable=False),
        sa.Column("brand_id", BIG, nullable=False),
        sa.Column("channel_id", BIG, nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("recipients", JSON, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("send_hour", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.CheckConstraint(
            "frequency IN ('daily', 'weekly', 'monthly')", name=op.f("ck_report_schedule_frequency")
        ),
        sa.CheckConstraint("send_hour >= 0 AND send_hour <= 23", name=op.f("ck_report_schedule_send_hour")),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brand.id"], name=op.f("fk_report_schedule_brand_id_brand"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_report_schedule_channel_id_channel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedule")),
    )
    op.create_index("ix_report_schedule_brand", "report_schedule", ["brand_id", "id"])
    _kinds(NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE kind = 'report'")
    _kinds(OLD_KINDS)
    op.drop_index("ix_report_schedule_brand", table_name="report_schedule")
    op.drop_table("report_schedule")
    op.drop_index("ix_mention_stream_seq", table_name="mention")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_column("stream_seq")
