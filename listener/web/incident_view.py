"""What the incident pages show, gathered from storage: the list's rows, and for one incident its
deliveries and its timeline (opened, notified, acknowledged, silenced, resolved: from the incident,
its notifications and the audit log). Text is translated in the locale being rendered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from listener.storage.models import AlertRule, AuditEvent, Brand, Channel, Incident, Notification, Silence
from listener.web.i18n import format_when, gettext

LIST_LIMIT = 200
STATUS_FILTERS = ("open", "firing", "acknowledged", "resolved", "all")


@dataclass(frozen=True, slots=True)
class Event:
    """One line of an incident's timeline."""

    at: datetime
    text: str
    actor: str | None = None


def incident_rows(session: Session, status: str) -> list[dict[str, Any]]:
    """Incidents newest first (``open``: not resolved), with their rule's and brand's names."""
    stmt = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc()).limit(LIST_LIMIT)
    if status == "open":
        stmt = stmt.where(Incident.status != "resolved")
    elif status != "all":
        stmt = stmt.where(Incident.status == status)
    incidents = list(session.scalars(stmt))
    rules = {r.id: r.name for r in session.scalars(select(AlertRule))}
    brands = {b.id: b.name for b in session.scalars(select(Brand))}
    return [
        {
            "incident": i,
            "rule": rules.get(i.rule_id, "?"),
            "brand": brands.get(i.brand_id) if i.brand_id else None,
        }
        for i in incidents
    ]


def deliveries(session: Session, incident: Incident) -> list[dict[str, Any]]:
    """The incident's notifications, oldest first, with their channel's name and type."""
    rows = session.execute(
        select(Notification, Channel)
        .join(Channel, Channel.id == Notification.channel_id)
        .where(Notification.incident_id == incident.id)
        .order_by(Notification.id)
    )
    return [{"n": n, "channel": c.name, "type": c.type} for n, c in rows]


def active_silences(session: Session, incident: Incident, now: datetime) -> list[Silence]:
    """Silences in force now that cover the incident's rule and brand."""
    return list(
        session.scalars(
            select(Silence).where(
                Silence.starts_at <= now,
                Silence.ends_at > now,
                or_(Silence.rule_id.is_(None), Silence.rule_id == incident.rule_id),
                or_(Silence.brand_id.is_(None), Silence.brand_id == incident.brand_id),
            )
        )
    )


def timeline(session: Session, incident: Incident, sent: list[dict[str, Any]]) -> list[Event]:
    """What happened to the incident, oldest first (call inside ``i18n.use_locale``)."""
    events = [Event(incident.opened_at, gettext("Opened: %(summary)s", summary=incident.summary))]
    for row in sent:
        n = row["n"]
        if n.sent_at is not None:
            text = gettext(
                "%(kind)s message sent to %(channel)s", kind=gettext(n.kind), channel=row["channel"]
            )
            events.append(Event(n.sent_at, text))
        elif n.status == "failed":
            text = gettext(
                "Delivery to %(channel)s failed: %(error)s", channel=row["channel"], error=n.last_error
            )
            events.append(Event(n.created_at, text))
    audit = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "incident", AuditEvent.entity_id == incident.id)
        .order_by(AuditEvent.id)
    )
    words = {
        "acknowledge": gettext("Acknowledged"),
        "resolve": gettext("Resolved"),
        "silence": gettext("Silenced"),
    }
    audited = set()
    for e in audit:
        audited.add(e.action)
        text = words.get(e.action, e.action)
        if e.action == "silence" and e.changes.get("until"):
            until = format_when(datetime.fromisoformat(e.changes["until"]))
            text = gettext("Silenced until %(until)s", until=until)
        events.append(Event(e.at, text, e.actor))
    if incident.acknowledged_at and "acknowledge" not in audited:
        events.append(Event(incident.acknowledged_at, words["acknowledge"], incident.acknowledged_by))
    if incident.resolved_at and "resolve" not in audited:
        by = incident.resolved_by
        text = gettext("Resolved automatically (quiet again)") if by == "auto" else words["resolve"]
        events.append(Event(incident.resolved_at, text, None if by == "auto" else by))
    return sorted(events, key=lambda e: e.at)
