"""The JSON snapshot of an incident that one notification carries (notifiers render it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.engine.explain import card, evidence_ids, explain
from listener.engine.proposals import propose
from listener.settings import Settings
from listener.storage.models import AlertRule, Brand, Incident, Mention


def brief(
    session: Session, rule: AlertRule, incident: Incident, settings: Settings, *, base_url: str = ""
) -> dict[str, Any]:
    """What the incident means and what to answer: its explanation (``engine.explain``) and the
    replies it proposes (``engine.proposals``), as the API, Slack and email show them."""
    base = base_url or settings.base_url
    explanation = explain(session, rule, incident, base_url=base)
    ids = evidence_ids(incident)
    rows = list(session.scalars(select(Mention).where(Mention.id.in_(ids)))) if ids else []
    roots = [m for m in rows if m.duplicate_of is None] or rows
    return {
        "explanation": explanation,
        "proposed_replies": propose(session, rule, incident, roots, settings, base_url=base),
    }


def payload(
    session: Session,
    rule: AlertRule,
    incident: Incident,
    kind: str,
    base_url: str = "",
    settings: Settings | None = None,
) -> dict[str, Any]:
    """A JSON snapshot of the incident for one message: everything a notifier needs. Links start
    at ``base_url`` (default: ``LISTENER_PUBLIC_URL`` via ``Settings.base_url``)."""
    settings = settings or Settings()
    info = brief(session, rule, incident, settings, base_url=base_url)
    brand = session.get(Brand, incident.brand_id) if incident.brand_id else None
    urls = info["explanation"]["links"]
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
        "samples": info["explanation"].get("representative") or samples(session, incident),
        "explanation": info["explanation"],
        "proposed_replies": info["proposed_replies"],
        "incident_url": urls["incident_url"],
        "feed_url": urls["feed_url"],
        "page_url": urls["page_url"],
    }


def samples(session: Session, incident: Incident) -> list[dict[str, Any]]:
    """Up to 5 sample mentions with links (from the evidence's sample ids)."""
    ids = [i for i in (incident.evidence or {}).get("sample_mention_ids") or [] if isinstance(i, int)][:5]
    if not ids:
        return []
    rows = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(ids)))}
    return [card(m) for i in ids if (m := rows.get(i)) is not None]
