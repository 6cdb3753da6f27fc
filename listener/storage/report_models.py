"""Scheduled reports: which brand's report goes to whom, how often, through which email channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from listener.storage.base import Base, BigId, Json, UTCDateTime, utcnow

FREQUENCIES = ("daily", "weekly", "monthly")
REPORT_LOCALES = ("en", "tr")


class ReportSchedule(Base):
    """A brand's daily, weekly or monthly report, mailed through an email ``channel`` (its SMTP
    settings and sender) to ``recipients`` (``[{"email", "locale"}]``, one message per locale)
    at ``send_hour`` local time (``timezone``) after each period ends."""

    __tablename__ = "report_schedule"
    __table_args__ = (
        CheckConstraint("frequency IN ('daily', 'weekly', 'monthly')", name="frequency"),
        CheckConstraint("send_hour >= 0 AND send_hour <= 23", name="send_hour"),
        Index("ix_report_schedule_brand", "brand_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    send_hour: Mapped[int] = mapped_column(Integer, default=8)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
