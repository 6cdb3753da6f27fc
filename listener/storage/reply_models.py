"""Reply templates and replies (the customer-service workflow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from listener.storage.base import Base, BigId, Json, UTCDateTime, utcnow
from listener.storage.names import UniquelyNamed
from listener.storage.publish_models import ReplyPublication

REPLY_STATUSES = ("draft", "approved", "rejected", "sent")
CHANNELS = ("dm", "public")


class ReplyTemplate(UniquelyNamed, Base):
    """A ready reply: Jinja2 ``body`` (sandboxed), the situations it fits (``conditions``)."""

    __tablename__ = "reply_template"
    __table_args__ = (CheckConstraint("channel IN ('dm', 'public')", name="channel"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8))
    tone: Mapped[str] = mapped_column(String(32), default="neutral")
    # {"topics": [...], "sentiment": [min, max], "platforms": [...], "kinds": [...],
    #  "rating": [min, max], "crisis": true|false|null}
    conditions: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    body: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reply(Base):
    """A reply to one mention: draft → approved / rejected → sent."""

    __tablename__ = "reply"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'approved', 'rejected', 'sent')", name="status"),
        CheckConstraint("channel IN ('dm', 'public')", name="channel"),
        Index("ix_reply_mention", "mention_id", "id"),
        Index("ix_reply_status", "status", "id"),
        Index("ix_reply_template", "template_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mention.id", ondelete="CASCADE"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("reply_template.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[str] = mapped_column(String(200))
    # the person behind the drafting key (four-eyes compares people, not keys)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_id: Mapped[str | None] = mapped_column(String(512))
    external_url: Mapped[str | None] = mapped_column(Text)
    # when the platform says the reply appeared (a publisher's answer); response times count from it
    platform_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    publication: Mapped[ReplyPublication | None] = relationship(lazy="selectin", viewonly=True)


class CaseCounter(Base):
    """The last case number handed out per scope (the year, when the case-id format uses it)."""

    __tablename__ = "case_counter"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ReplyDefault(Base):
    """A default template this install has received, with the digest of the version installed: a
    newer default replaces the row only while it still matches that digest (not edited), and a
    default that was deleted is never installed again."""

    __tablename__ = "reply_default"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
