"""replies: people behind keys, case numbers from a counter, default templates tracked by digest

- ``app_user`` (display name, signature, language, role, active); ``api_key.user_id`` and
  ``reply.created_by_user_id`` point at it (four-eyes compares people, not keys).
- ``mention.case_id`` (unique) is given from ``case_counter`` the first time a reply needs one.
- ``reply_default`` records which default templates an install has received and the digest of
  the version installed. Backfill: every default of the earlier library is recorded (so one that
  was deleted is never reinstalled); a built-in row never edited since it was installed (updated
  within a second of its creation) gets its own digest, so a newer default may refresh it; an
  edited or deleted one gets a digest nothing matches, so it is left alone.

Revision ID: b7c8d9e0f1a2
Revises: c0ec7c03e5a1
Create Date: 2026-12-05 23:45:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import listener.storage.base

revision: str = "b7c8d9e0f1a2"
down_revision: str | None = "c0ec7c03e5a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DT = listener.storage.base.UTCDateTime(timezone=True)
_TOPICS = (
    "delivery", "price", "billing-refund", "product-quality", "customer-service", "account-login",
    "app-bug-outage", "security-privacy", "legal", "safety-health",
)  # fmt: skip
_OTHERS = (
    "praise-recommendation-praise-public", "praise-dm", "generic-complaint-public", "generic-complaint-dm",
    "generic-question-public", "generic-question-dm", "review-1-star-public", "review-2-star-public",
    "review-3-star-public", "review-4-star-public", "review-5-star-public", "crisis-holding-public",
)  # fmt: skip
EARLIER_DEFAULTS = [
    f"{lang}-{name}"
    for lang in ("en", "tr")
    for name in [
        f"{t}-{kind}" for t in _TOPICS for kind in ("complaint-public", "complaint-dm", "praise-public")
    ]
    + list(_OTHERS)
]
NOT_OURS = "-" * 64  # a digest no template has: edited or deleted, never touched again


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", BigId, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("signature", sa.String(length=500), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DT, nullable=False),
        sa.Column("updated_at", UTC_DT, nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'agent', 'manager', 'admin')", name=op.f("ck_app_user_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_table(
        "case_counter",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_case_counter")),
    )
    defaults = op.create_table(
        "reply_default",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("installed_at", UTC_DT, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reply_default")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", BigId, nullable=True))
        batch_op.create_index(batch_op.f("ix_api_key_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_api_key_user_id_app_user"), "app_user", ["user_id"], ["id"], ondelete="SET NULL"
        )
    # plain ADD COLUMN and a unique index: no table copy of ``mention`` on SQLite
    op.add_column("mention", sa.Column("case_id", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_mention_case_id"), "mention", ["case_id"], unique=True)
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_user_id", BigId, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reply_created_by_user_id_app_user"),
            "app_user",
            ["created_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _backfill_defaults(defaults)


def _backfill_defaults(defaults: sa.Table) -> None:
    from listener.storage.replies import template_digest

    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT name, language, channel, tone, conditions, body, created_at, updated_at "
            "FROM reply_template WHERE builtin"
        )
    ).mappings()
    found = {r["name"]: r for r in rows}
    if not found:
        return  # the library was never installed: the first run installs it whole
    now = datetime.now(UTC)
    records = []
    for name in EARLIER_DEFAULTS:
        r = found.get(name)
        digest = NOT_OURS
        if r is not None and _untouched(r["created_at"], r["updated_at"]):
            digest = template_digest(dict(r))
        records.append({"name": name, "digest": digest, "installed_at": now})
    op.bulk_insert(defaults, records)


def _untouched(created: object, updated: object) -> bool:
    def aware(v: object) -> datetime:
        value = datetime.fromisoformat(v) if isinstance(v, str) else v
        assert isinstance(value, datetime)
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    return abs((aware(updated) - aware(created)).total_seconds()) < 1


def downgrade() -> None:
    with op.batch_alter_table("reply", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reply_created_by_user_id_app_user"), type_="foreignkey")
        batch_op.drop_column("created_by_user_id")
    op.drop_index(op.f("ix_mention_case_id"), table_name="mention")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_column("case_id")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_api_key_user_id_app_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_api_key_user_id"))
        batch_op.drop_column("user_id")
    op.drop_table("reply_default")
    op.drop_table("case_counter")
    op.drop_table("app_user")
