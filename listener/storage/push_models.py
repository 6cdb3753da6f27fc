"""Push: webhook subscriptions to new mentions and their outbox of batches.

A ``PushSubscription`` follows the mention stream (``storage/stream.py``: positions given in commit
order, so nothing is skipped) from its ``cursor``, through the feed's filter saved as a query string.
Each ``PushBatch`` is one signed POST of up to ``LISTENER_PUSH_BATCH`` mentions, written in the
transaction that moves the cursor past them; its ``idempotency_key`` is fixed when it is written and
travels with every attempt, so the receiver can drop a repeat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from listener.storage.base import Base, BigId, Json, UTCDateTime, utcnow
from listener.storage.claims import OutboxRow
from listener.storage.names import UniquelyNamed

PUSH_STATES = ("active", "paused")
# pending: not tried yet; failed: tried, due again at next_attempt_at; sent: the receiver said 2xx
BATCH_STATUSES = ("pending", "failed", "sent")
OPEN_BATCH = ("pending", "failed")


class PushSubscription(UniquelyNamed, Base):
    """Where new mentions matching ``filter`` (the feed's query string) are pushed, signed with
    ``secret`` (HMAC-SHA256; shown once, when created or rotated). ``cursor`` is the stream position
    of the last mention batched; ``failures`` counts failed attempts in a row, and at
    ``LISTENER_PUSH_MAX_FAILURES`` the subscription is ``paused`` with ``paused_reason``."""

    __tablename__ = "push_subscription"
    __table_args__ = (CheckConstraint("state IN ('active', 'paused')", name="state"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    filter: Mapped[str] = mapped_column(String(2000), default="")
    secret: Mapped[str] = mapped_column(String(200))
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str] = mapped_column(String(16), default="active")
    paused_reason: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PushBatch(OutboxRow, Base):
    """One batch of a subscription: the mentions at stream positions ``first``..``last``
    (``count`` of them). ``payload`` is the exact JSON sent, kept until the receiver took it."""

    __tablename__ = "push_batch"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'failed', 'sent')", name="status"),
        Index("ix_push_batch_due", "status", "next_attempt_at"),
        Index("ix_push_batch_subscription", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscription.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any] | None] = mapped_column(Json)
