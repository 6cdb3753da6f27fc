"""Alert engine state: rules, incidents, silences, delivery channels and the notification outbox;
and the scheduled reports that go out through the same channels and outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from listener.storage.base import Base, BigId, Json, UTCDateTime, utcnow
from listener.storage.claims import OutboxRow
from listener.storage.names import UniquelyNamed

SEVERITIES = ("info", "warning", "critical")
INCIDENT_STATUSES = ("firing", "acknowledged", "resolved")
NOTIFICATION_KINDS = ("opened", "escalated", "resolved", "test", "digest", "report")
# unconfirmed: sent, but the answer never came (it may have arrived); only resent by hand
NOTIFICATION_STATUSES = ("pending", "sent", "failed", "unconfirmed", "dead")
CHANNEL_TYPE_LENGTH = 16  # the longest channel type name ``alerts.notifiers.NOTIFIERS`` may use

_OPEN = "status != 'resolved'"


class AlertRule(UniquelyNamed, Base):
    """One configured rule: ``type`` is an ``alerts.base.RuleType``; ``params`` (without the scope)
    and ``scope`` validate against that rule's ``Params``; ``channels`` are Channel ids."""

    __tablename__ = "alert_rule"
    __table_args__ = (
        CheckConstraint("severity IN ('info', 'warning', 'critical')", name="severity"),
        CheckConstraint("audience IN ('team', 'operators')", name="audience"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    scope: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    channels: Mapped[list[int]] = mapped_column(Json, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    audience: Mapped[str] = mapped_column(String(16), default="team")
    # reply template names its incidents propose first (the library's ranking fills the rest)
    reply_templates: Mapped[list[str]] = mapped_column(Json, default=list, server_default="[]")
    # an incident with no new match for this long resolves itself
    resolve_after_minutes: Mapped[int] = mapped_column(Integer, default=120)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Incident(Base):
    """Matches of one rule and scope key, grouped: firing → acknowledged → resolved."""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint("status IN ('firing', 'acknowledged', 'resolved')", name="status"),
        # at most one open incident per (rule, scope key), whatever the number of evaluators
        Index(
            "ix_incident_open",
            "rule_id",
            "scope_key",
            unique=True,
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        Index("ix_incident_status", "status", "last_seen"),
        Index("ix_incident_rule", "rule_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rule.id", ondelete="CASCADE"))
    scope_key: Mapped[str] = mapped_column(String(200))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="firing")
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    summary: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    value: Mapped[float] = mapped_column(Float, default=0.0)
    expected: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    peak_value: Mapped[float] = mapped_column(Float, default=0.0)
    last_notified_value: Mapped[float | None] = mapped_column(Float)
    matches: Mapped[int] = mapped_column(Integer, default=0)
    silenced: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class Silence(Base):
    """Suppresses notifications (not recording) of matching incidents between ``starts_at`` and
    ``ends_at``; each of rule / brand / topic that is set must match."""

    __tablename__ = "silence"
    __table_args__ = (Index("ix_silence_window", "ends_at", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rule.id", ondelete="CASCADE"))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"))
    topic: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Channel(UniquelyNamed, Base):
    """Where notifications go: ``type`` is a key of ``alerts.notifiers.NOTIFIERS`` (checked by the
    API against the registry, not by the database) and ``config`` that notifier's ``Config``."""

    __tablename__ = "channel"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(CHANNEL_TYPE_LENGTH))
    config: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Notification(OutboxRow, Base):
    """The outbox: one row per message to send, written with the incident change; sent at most once
    (``idempotency_key`` is unique and travels with the message)."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('opened', 'escalated', 'resolved', 'test', 'digest', 'report')", name="kind"
        ),
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'unconfirmed', 'dead')", name="status"),
        Index("ix_notification_due", "status", "next_attempt_at"),
        Index("ix_notification_incident", "incident_id", "id"),
        Index("ix_notification_channel", "channel_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)


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
