"""An incident change's outbox rows: whether a silence holds the notification back, and one row per
enabled channel of the rule (digest channels hear of it in their daily digest), written in the
transaction that changed the incident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from listener.engine.digest import is_digest
from listener.engine.payload import payload
from listener.settings import Settings
from listener.storage.models import AlertRule, Channel, Incident, Notification, Silence


def silenced(session: Session, rule: AlertRule, incident: Incident, now: datetime) -> bool:
    """True when an active silence covers this incident (rule, brand and topic, where set)."""
    rows = session.scalars(
        select(Silence).where(
            Silence.starts_at <= now,
            Silence.ends_at > now,
            or_(Silence.rule_id.is_(None), Silence.rule_id == rule.id),
            or_(Silence.brand_id.is_(None), Silence.brand_id == incident.brand_id),
        )
    ).all()
    if not rows:
        return False
    topics = {t.lower() for t in (rule.scope or {}).get("topics") or []}
    topics |= {t.lower() for t in (incident.evidence or {}).get("top_terms") or []}
    topics |= {t.lower() for t in (incident.evidence or {}).get("topics") or []}
    if incident.scope_key.startswith("new_term:"):
        topics.add(incident.scope_key.split(":", 1)[1].lower())
    return any(s.topic is None or s.topic.lower() in topics for s in rows)


def enqueue(
    session: Session, rule: AlertRule, incident: Incident, kind: str, now: datetime, *, settings: Settings
) -> int:
    """Write one outbox row per enabled channel of ``rule`` (digest channels wait for their daily
    digest); returns how many."""

    channel_ids = [int(c) for c in rule.channels or []]
    if not channel_ids:
        return 0
    channels = [
        c
        for c in session.scalars(
            select(Channel).where(Channel.id.in_(channel_ids), Channel.enabled.is_(True))
        )
        if not is_digest(c)  # a digest channel hears of it in its daily digest instead
    ]
    if not channels:
        return 0
    seq = session.scalar(
        select(func.count()).select_from(Notification).where(Notification.incident_id == incident.id)
    )
    body = payload(session, rule, incident, kind, settings)
    for channel in channels:
        session.add(
            Notification(
                incident_id=incident.id,
                channel_id=channel.id,
                kind=kind,
                payload=body,
                idempotency_key=f"incident-{incident.id}-{seq or 0}-{kind}-channel-{channel.id}",
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
        )
    session.flush()
    return len(channels)
