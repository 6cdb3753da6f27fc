"""The publish queue: one row per reply sent (or being sent) to its platform by a publisher.

``idempotency_key`` is the reply's, fixed when it is first queued (Mastodon takes it as the
``Idempotency-Key``). ``status``: ``queued`` (waiting for ``next_attempt_at``) → ``sending``
(claimed and committed before the request goes out) → ``published``; or ``unconfirmed`` (the
request went out, no answer: never resent until a person resolves it), ``failed`` (the platform's
reason in ``last_error``; a person retries) or ``by_hand`` (marked sent by a person).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from listener.storage.base import Base, BigId, UTCDateTime, utcnow

PUBLISH_STATUSES = ("queued", "sending", "unconfirmed", "failed", "published", "by_hand")


class ReplyPublication(Base):
    """A reply's trip to its platform: attempts, the next one, the platform's last answer."""

    __tablename__ = "reply_publication"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'sending', 'unconfirmed', 'failed', 'published', 'by_hand')", name="status"
        ),
        Index("ix_reply_publication_due", "status", "next_attempt_at", "id"),
        Index("ix_reply_publication_platform", "platform", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(200))
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
