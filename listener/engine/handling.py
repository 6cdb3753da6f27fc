"""What people do with incidents and channels, shared by the API and the pages: acknowledge,
resolve, silence, and send a channel a test message. Each records an audit event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.orm import Session

from listener.engine import delivery, evaluation
from listener.errors import Conflict, Unprocessable
from listener.settings import Settings
from listener.storage.audit import add_recorded, record, update_recorded
from listener.storage.lookup import get_or_404
from listener.storage.models import AlertRule, Brand, Channel, Incident, Notification, Silence

SILENCE_HOURS = (1, 4, 24, 72, 168)  # the lengths the pages offer for a silence


def _record_status(session: Session, incident: Incident, by: str, action: str, old: str, new: str) -> None:
    """Record ``by``'s change of the incident's status from ``old`` to ``new``."""
    changes = {"status": [old, new]}
    record(session, actor=by, entity="incident", entity_id=incident.id, action=action, changes=changes)


def acknowledge(session: Session, incident: Incident, *, by: str) -> bool:
    """Mark a firing incident acknowledged by ``by`` (True when it changed; Conflict when resolved)."""
    if incident.status == "resolved":
        raise Conflict("the incident is already resolved")
    if incident.status != "firing":
        return False
    incident.status = "acknowledged"
    incident.acknowledged_at = datetime.now(UTC)
    incident.acknowledged_by = by
    _record_status(session, incident, by, "acknowledge", "firing", "acknowledged")
    session.flush()
    return True


def resolve(session: Session, incident: Incident, *, by: str, settings: Settings) -> bool:
    """Resolve ``incident`` (the channels that were told hear of it, with links from ``settings``);
    True when it changed."""
    if incident.status == "resolved":
        return False
    old = incident.status
    rule = get_or_404(session, AlertRule, incident.rule_id, "alert rule")
    evaluation.resolve(session, rule, incident, datetime.now(UTC), by=by, settings=settings)
    _record_status(session, incident, by, "resolve", old, "resolved")
    return True


def add_silence(
    session: Session,
    *,
    by: str,
    ends_at: datetime,
    comment: str,
    starts_at: datetime | None = None,
    rule_id: int | None = None,
    brand_id: int | None = None,
    topic: str | None = None,
) -> Silence:
    """A silence of notifications (for a rule / brand / topic, where given) until ``ends_at``."""
    starts = starts_at or datetime.now(UTC)
    if ends_at <= starts:
        raise Unprocessable("ends_at must be after starts_at", details=[{"field": "ends_at"}])
    if rule_id is None and brand_id is None and topic is None:
        raise Unprocessable("a silence needs at least one of rule_id, brand_id or topic")
    if not comment.strip():
        raise Unprocessable("a silence needs a comment saying why", details=[{"field": "comment"}])
    if rule_id is not None and session.get(AlertRule, rule_id) is None:
        raise Unprocessable(f"no alert rule with id {rule_id}", details=[{"field": "rule_id"}])
    if brand_id is not None and session.get(Brand, brand_id) is None:
        raise Unprocessable(f"no brand with id {brand_id}", details=[{"field": "brand_id"}])
    silence = Silence(
        rule_id=rule_id,
        brand_id=brand_id,
        topic=topic,
        starts_at=starts,
        ends_at=ends_at,
        comment=comment,
        created_by=by,
    )
    changes: dict[str, Any] = {
        "rule_id": rule_id,
        "brand_id": brand_id,
        "topic": topic,
        "starts_at": starts.isoformat(),
        "ends_at": ends_at.isoformat(),
        "comment": comment,
    }
    add_recorded(session, silence, actor=by, entity="silence", changes=changes)
    return silence


def silence_incident(
    session: Session, incident: Incident, *, by: str, until: datetime, comment: str
) -> Silence:
    """Silence the incident's rule for its brand until ``until``; the incident is marked silenced."""
    silence = add_silence(
        session, by=by, ends_at=until, comment=comment, rule_id=incident.rule_id, brand_id=incident.brand_id
    )
    incident.silenced = True
    record(
        session,
        actor=by,
        entity="incident",
        entity_id=incident.id,
        action="silence",
        changes={"until": until.isoformat(), "silence_id": silence.id},
    )
    session.flush()
    return silence


def test_channel(session: Session, channel: Channel, client: httpx.Client) -> Notification:
    """Send ``channel`` a test message now through ``client`` (the app's outbound client); returns
    its delivery row (sent, failed or unconfirmed)."""
    now = datetime.now(UTC)
    n = delivery.queue_test(session, channel, now)
    delivery.deliver_pending(session, client, now, ids=[n.id], sleep=lambda _: None)
    session.refresh(n)
    return n


def end_silence(session: Session, silence: Silence, *, by: str) -> None:
    """End a silence now (notifications flow again); a future one is cut to nothing."""
    now = datetime.now(UTC)
    if silence.ends_at <= now:
        return
    ends = max(now, silence.starts_at)  # a future silence keeps no time at all
    audit = {"ends_at": [silence.ends_at.isoformat(), ends.isoformat()]}
    update_recorded(session, silence, {"ends_at": ends}, actor=by, entity="silence", audit=audit)
    session.flush()
