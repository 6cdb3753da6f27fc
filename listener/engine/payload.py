"""The JSON snapshot of an incident that one notification carries (notifiers render it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.storage.models import AlertRule, Brand, Incident, Mention


def payload(
    session: Session, rule: AlertRule, incident: Incident, kind: str, base_url: str = ""
) -> dict[str, Any]:
    """A JSON snapshot of the incident for one message: everything a notifier needs."""
    brand = session.get(Brand, incident.brand_id) if incident.brand_id else None
    since = (incident.first_seen - timedelta(hours=1)).isoformat()
    feed = f"{base_url.rstrip('/')}/feed?since={since}"
    if brand is not None:
        feed += f"&brand={brand.id}"
    return {
        "incident_id": incident.id,
        "kind": kind,
        "rule": {"id": rule.id, "name": rule.name, "type": rule.type},
        "severity": incident.severity,
        "status": incident.status,
        "brand": brand.name if brand is not None else None,
        "summary": incident.summary,
        "value": incident.value,
        "expected": incident.expected,
        "score": incident.score,
        "peak_value": incident.peak_value,
        "first_seen": incident.first_seen.isoformat(),
        "last_seen": incident.last_seen.isoformat(),
        "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        "evidence": incident.evidence,
        "samples": samples(session, incident),
        "incident_url": f"{base_url.rstrip('/')}/api/v1/incidents/{incident.id}",
        "feed_url": feed,
    }


def samples(session: Session, incident: Incident) -> list[dict[str, Any]]:
    """Up to 5 sample mentions with links (from the evidence's sample ids)."""
    ids = [i for i in (incident.evidence or {}).get("sample_mention_ids") or [] if isinstance(i, int)][:5]
    if not ids:
        return []
    rows = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(ids)))}
    return [
        {
            "id": m.id,
            "url": m.url,
            "platform": m.platform,
            "author": m.author_handle,
            "reach": m.author_reach,
            "sentiment": m.sentiment_label,
            "text": (m.text or "")[:280],
        }
        for i in ids
        if (m := rows.get(i)) is not None
    ]
