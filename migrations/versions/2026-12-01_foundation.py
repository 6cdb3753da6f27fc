"""foundation: brands, queries, sources, mentions, api keys, audit

Revision ID: e25410ecf831
Revises:
Create Date: 2026-12-01 19:28:30.441695
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import listener.storage.base

revision: str = "e25410ecf831"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "api_key",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('viewer', 'agent', 'manager', 'admin')", name=op.f("ck_api_key_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity", "entity_id", "id"], unique=False)

    op.create_table(
        "brand",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "aliases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "products",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "lexicon",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("default_language", sa.String(length=8), nullable=False),
        sa.Column("created_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand")),
        sa.UniqueConstraint("name", name=op.f("uq_brand_name")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("interval_seconds", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("last_run_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_run_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mentions_collected", sa.Integer(), nullable=False),
        sa.Column("rate_limit_remaining", sa.Integer(), nullable=True),
        sa.Column("rate_limit_reset_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_next_run_at"), ["next_run_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_platform"), ["platform"], unique=False)

    op.create_table(
        "brand_competitor",
        sa.Column("brand_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("competitor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brand.id"], name=op.f("fk_brand_competitor_brand_id_brand"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["competitor_id"],
            ["brand.id"],
            name=op.f("fk_brand_competitor_competitor_id_brand"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("brand_id", "competitor_id", name=op.f("pk_brand_competitor")),
    )
    op.create_table(
        "mention",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=512), nullable=False),
        sa.Column("brand_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_handle", sa.String(length=200), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("author_reach", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "engagement",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("published_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("collected_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("language_hint", sa.String(length=8), nullable=True),
        sa.Column("language_confidence", sa.Float(), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("sentiment_label", sa.String(length=16), nullable=False),
        sa.Column(
            "sentiment_drivers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "topics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "entities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "crisis_terms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "keyphrases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "analysis_versions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("analyzed_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sentiment_override_by", sa.String(length=200), nullable=True),
        sa.Column("sentiment_override_at", listener.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duplicate_of", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "notes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('post', 'comment', 'review', 'news')", name=op.f("ck_mention_kind")),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'replied', 'resolved', 'ignored')",
            name=op.f("ck_mention_status"),
        ),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brand.id"], name=op.f("fk_mention_brand_id_brand"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["mention.id"],
            name=op.f("fk_mention_duplicate_of_mention"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_mention_source_id_source"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_mention_platform_external_id")),
    )
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.create_index("ix_mention_assignee", ["assignee", "published_at"], unique=False)
        batch_op.create_index("ix_mention_brand_feed", ["brand_id", "published_at", "id"], unique=False)
        batch_op.create_index(
            "ix_mention_brand_label_feed", ["brand_id", "sentiment_label", "published_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_mention_brand_status_feed", ["brand_id", "status", "published_at", "id"], unique=False
        )
        batch_op.create_index("ix_mention_duplicate_of", ["duplicate_of"], unique=False)
        batch_op.create_index("ix_mention_feed", ["published_at", "id"], unique=False)
        batch_op.create_index("ix_mention_platform_feed", ["platform", "published_at", "id"], unique=False)

    op.create_table(
        "query",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("brand_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("expression", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", listener.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('own', 'competitor')", name=op.f("ck_query_role")),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["brand.id"], name=op.f("fk_query_brand_id_brand"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_query")),
    )
    with op.batch_alter_table("query", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_query_brand_id"), ["brand_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("query", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_query_brand_id"))

    op.drop_table("query")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_platform_feed")
        batch_op.drop_index("ix_mention_feed")
        batch_op.drop_index("ix_mention_duplicate_of")
        batch_op.drop_index("ix_mention_brand_status_feed")
        batch_op.drop_index("ix_mention_brand_label_feed")
        batch_op.drop_index("ix_mention_brand_feed")
        batch_op.drop_index("ix_mention_assignee")

    op.drop_table("mention")
    op.drop_table("brand_competitor")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_platform"))
        batch_op.drop_index(batch_op.f("ix_source_next_run_at"))

    op.drop_table("source")
    op.drop_table("brand")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
    op.drop_table("api_key")
