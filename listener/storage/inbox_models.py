"""The inbox's own rows: a person's saved searches (a name and the inbox's query string)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from listener.storage.base import Base, BigId, UTCDateTime, utcnow


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
