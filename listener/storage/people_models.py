"""People: the agents, managers and admins behind API keys (a key may belong to one user).

A user carries what a reply is signed with (display name, signature, language) and a role that
caps the role of every key they hold; a disabled user's keys stop working. Issue 17 adds password
login on top of this table; nothing here assumes keys are the only way in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, String
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
