"""Typed SQLAlchemy 2 models for the foundation: brands, queries, sources, mentions, API keys, audit.

Later features add their own tables (and migrations) next to these. Every timestamp is aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listener.storage.base import Base, BigId, Json, Timestamped, UTCDateTime, utcnow
from listener.storage.names import UniquelyNamed

MENTION_STATUSES = ("new", "in_progress", "replied", "resolved", "ignored")
MENTION_KINDS = ("post", "comment", "review", "news")
SENTIMENT_LABELS = ("positive", "negative", "neutral", "unscored")
ROLES = ("viewer", "agent", "manager", "admin")
QUERY_ROLES = ("own", "competitor")
BLOCKED_STATUSES = ("paused", "needs_credentials")  # source statuses the worker does not run

brand_competitor = Table(
    "brand_competitor",
    Base.metadata,
    Column("brand_id", ForeignKey("brand.id", ondelete="CASCADE"), primary_key=True),
    Column("competitor_id", ForeignKey("brand.id", ondelete="CASCADE"), primary_key=True),
)


class Brand(UniquelyNamed, Timestamped, Base):
    """A brand we listen for (or a competitor of one: competitors are brands too)."""

    __tablename__ = "brand"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[str]] = mapped_column(Json, default=list)
    products: Mapped[list[str]] = mapped_column(Json, default=list)
    lexicon: Mapped[dict[str, float]] = mapped_column(Json, default=dict)
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    # extra topics for this brand: {topic: {language: [phrases]}}, merged with the global taxonomy
    topics: Mapped[dict[str, dict[str, list[str]]]] = mapped_column(Json, default=dict)

    competitors: Mapped[list[Brand]] = relationship(
        secondary=brand_competitor,
        primaryjoin=lambda: Brand.id == brand_competitor.c.brand_id,
        secondaryjoin=lambda: Brand.id == brand_competitor.c.competitor_id,
        order_by=lambda: Brand.name,
        lazy="selectin",
    )


class Query(Timestamped, Base):
    """A boolean query (docs/queries.md) that links mentions to a brand, as its own or a competitor's."""

    __tablename__ = "query"
    __table_args__ = (CheckConstraint("role IN ('own', 'competitor')", name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    expression: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), default="own")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    brand: Mapped[Brand] = relationship(lazy="joined")


class Source(Timestamped, Base):
    """A place collected on a schedule (a feed, a search, an app's reviews), with its health."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(32), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="ok")
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentions_collected: Mapped[int] = mapped_column(Integer, default=0)  # stored
    items_seen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # the collector returned
    items_unmatched: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # no brand query
    items_duplicate: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # already stored
    rate_limit_remaining: Mapped[int | None] = mapped_column(Integer)
    rate_limit_reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # history backfill progress (listener.worker.backfill): {"days", "oldest", "position", "done", ...}
    backfill: Mapped[dict[str, Any] | None] = mapped_column(Json)


class Mention(Base):
    """One post, comment, review or news item about a brand, with its analysis and workflow state."""

    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        # the feed: newest first, optionally per brand / platform / label / status (keyset on id)
        Index("ix_mention_feed", "published_at", "id"),
        Index("ix_mention_brand_feed", "brand_id", "published_at", "id"),
        Index("ix_mention_brand_label_feed", "brand_id", "sentiment_label", "published_at", "id"),
        Index("ix_mention_brand_status_feed", "brand_id", "status", "published_at", "id"),
        Index("ix_mention_platform_feed", "platform", "published_at", "id"),
        Index("ix_mention_assignee", "assignee", "published_at"),
        Index("ix_mention_duplicate_of", "duplicate_of"),
        Index("ix_mention_in_reply_to", "platform", "in_reply_to"),
        # rare high-reach authors (min_reach): the feed index alone scans ~all rows for them
        Index("ix_mention_author_reach", "author_reach"),
        # q= text search (ILIKE '%…%') on PostgreSQL: trigram GIN indexes (pg_trgm)
        Index(
            "ix_mention_text_trgm", "text", postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"}
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_mention_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}
        ).ddl_if(dialect="postgresql"),
        CheckConstraint("status IN ('new', 'in_progress', 'replied', 'resolved', 'ignored')", name="status"),
        CheckConstraint("kind IN ('post', 'comment', 'review', 'news')", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(512))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id", ondelete="SET NULL"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    url: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="post")
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    author_handle: Mapped[str | None] = mapped_column(String(200))
    author_name: Mapped[str | None] = mapped_column(String(200))
    author_reach: Mapped[int | None] = mapped_column(BigId)
    engagement: Mapped[dict[str, int]] = mapped_column(Json, default=dict)
    rating: Mapped[float | None] = mapped_column(Float)
    # what the platform says beyond the common fields: a review's app version, device, OS version
    details: Mapped[dict[str, str]] = mapped_column(Json, default=dict, server_default=sql_text("'{}'"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # analysis (nlp/): filled on ingest, refreshed by `listener reanalyze`
    language: Mapped[str | None] = mapped_column(String(8))
    language_hint: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float | None] = mapped_column(Float)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_label: Mapped[str] = mapped_column(String(16), default="unscored")
    sentiment_drivers: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    topics: Mapped[list[str]] = mapped_column(Json, default=list)
    entities: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)
    crisis_terms: Mapped[list[str]] = mapped_column(Json, default=list)
    keyphrases: Mapped[list[str]] = mapped_column(Json, default=list)
    analysis_versions: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    analyzed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a person's correction; reanalysis never overwrites it
    sentiment_override_by: Mapped[str | None] = mapped_column(String(200))
    sentiment_override_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # workflow
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("mention.id", ondelete="SET NULL"))
    in_reply_to: Mapped[str | None] = mapped_column(String(512))  # platform id of the post it answers
    status: Mapped[str] = mapped_column(String(16), default="new")
    assignee: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(Json, default=list)
    notes: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)
    case_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)  # given when needed
    stream_seq: Mapped[int | None] = mapped_column(BigId, index=True, unique=True)  # storage/stream.py
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    brand: Mapped[Brand | None] = relationship(lazy="raise")


class MentionBrand(Base):
    """A further brand a mention is linked to, beyond its primary ``Mention.brand_id``.

    A mention is linked to every brand whose query it matches (docs/queries.md). The first match in
    priority order (own-brand queries before competitor ones) stays in ``Mention.brand_id``; only
    the *other* matches are rows here, so "linked to B" reads ``brand_id = B OR a row here``
    (``storage.mentions.brand_condition``). Why not every link, primary included: the feed filtered
    by brand walks ``ix_mention_brand_feed`` (brand_id, published_at, id) on ``mention`` for the
    primary links, which are nearly all links, and merges in the newest extra links, walked the same
    way through ``ix_mention_brand_brand_id_published_at_mention_id`` here (``feed_page``). With the
    primary links in this table as well, that second walk would cover every mention of the brand,
    each row a probe into ``mention`` to test the page's other filters.

    ``published_at`` is the mention's (copied on insert; a mention's publication time never
    changes), so the extra links can be walked newest first. Deleting the mention or the brand
    deletes the row; ``storage.mentions.promote_links`` makes an extra link the primary one when a
    mention's primary brand is deleted."""

    __tablename__ = "mention_brand"
    __table_args__ = (
        Index("ix_mention_brand_brand_id_mention_id", "brand_id", "mention_id"),
        Index("ix_mention_brand_brand_id_published_at_mention_id", "brand_id", "published_at", "mention_id"),
    )

    mention_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("mention.id", ondelete="CASCADE"), primary_key=True
    )
    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brand.id", ondelete="CASCADE"), primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; the key itself is shown once, at creation."""

    __tablename__ = "api_key"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'agent', 'manager', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Taxonomy(Base):
    """The global topic taxonomy when edited through the API (absent: the packaged default).

    ``data`` is ``{"topics": {topic: {language: [phrases]}}, "crisis": {language: [terms]}}``."""

    __tablename__ = "taxonomy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))


class AuditEvent(Base):
    """Who changed what, when: ``changes`` maps a field to ``[old, new]``."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


# Feature tables live in modules of their own; importing them here puts them on Base.metadata.
from listener.storage.alert_models import AlertRule, Channel, Incident, Notification, Silence  # noqa: E402
from listener.storage.people_models import LoginFailure, User  # noqa: E402
from listener.storage.push_models import PushBatch, PushSubscription  # noqa: E402, F401
from listener.storage.reply_models import CaseCounter, Reply, ReplyDefault, ReplyTemplate  # noqa: E402

__all__ = [
    "AlertRule",
    "ApiKey",
    "AuditEvent",
    "LoginFailure",
    "Brand",
    "Channel",
    "Incident",
    "Mention",
    "MentionBrand",
    "Notification",
    "Query",
    "Reply",
    "ReplyTemplate",
    "Silence",
    "Source",
    "Taxonomy",
    "brand_competitor",
    "CaseCounter",
    "ReplyDefault",
    "User",
]
