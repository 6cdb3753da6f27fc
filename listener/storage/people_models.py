"""People: the agents, managers and admins behind API keys (a key may belong to one user).

A user carries what a reply is signed with (display name, signature, language) and a role that
caps the role of every key they hold; a disabled user's keys stop working. Issue 17 adds password
login on top of this table (``password_hash``, argon2id; ``LoginFailure`` for throttling), and
each person keeps their own saved inbox searches (``SavedSearch``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from listener.storage.base import Base, BigId, UTCDateTime, utcnow


class User(Base):
    """A person using Listener (``app_user``: ``user`` is reserved on PostgreSQL)."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'agent', 'manager', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored case-folded
    display_name: Mapped[str] = mapped_column(String(200))
    signature: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8), default="en")
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id; None: no password yet
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed password sign-in (the address tried, the client's IP), for login throttling."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_email_ip_at", "email", "ip", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedSearch(Base):
    """One saved inbox search of one user: ``query`` is the inbox's query string (filters only)."""

    __tablename__ = "saved_search"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_saved_search_user_name"),
        Index("ix_saved_search_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
