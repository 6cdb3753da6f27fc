"""Incidents that explain themselves: what changed against the baseline (volume, negative share),
the terms and hashtags that are new or rising, the top authors by reach, 3–5 representative
mentions (cluster roots, not copies), platforms, and links that work. Read from stored mentions;
the API, Slack and email all show the same explanation."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.base import Scope
from listener.engine.window import hashtags, scoped
from listener.storage.models import AlertRule, Incident, Mention
from listener.storage.times import as_utc

log = logging.getLogger(__name__)

BASELINE = timedelta(days=7)
MIN_SPAN = timedelta(hours=1)
REPRESENTATIVE = 5
TERMS = 8
BASELINE_ROWS = 5000  # the newest baseline mentions read for term rates
RISING = 3.0  # a term is rising when its share of mentions is at least this many times its baseline share


def evidence_ids(incident: Incident) -> list[int]:
    """The mention ids an incident's evidence names (the story's, the window's top ones)."""
    return [i for i in (incident.evidence or {}).get("mention_ids") or [] if isinstance(i, int)]


def links(base_url: str, incident: Incident) -> dict[str, str]:
    """The incident's links: its page (``page_url``: evidence, deliveries, timeline, acknowledge /
    resolve / silence; its proposed replies, with a button to draft each for approval, at
    ``replies_url``), the inbox filtered to its evidence (``feed_url``), and the API record."""
    base = base_url.rstrip("/")
    page = f"{base}/incidents/{incident.id}"
    return {
        "feed_url": f"{base}/inbox?incident={incident.id}",
        "replies_url": f"{page}#replies",
        "incident_url": f"{base}/api/v1/incidents/{incident.id}",
        "page_url": page,
    }


def card(m: Mention, copies: int = 0) -> dict[str, Any]:
    """One mention as a message shows it (text clipped to 280 characters)."""
    return {
        "id": m.id,
        "url": m.url,
        "platform": m.platform,
        "author": m.author_handle,
        "reach": m.author_reach,
        "sentiment": m.sentiment_label,
        "language": m.language,
        "text": (m.text or "")[:280],
        "copies": copies,
    }


def _scope(rule: AlertRule, incident: Incident) -> Scope:
    raw = dict(rule.scope or {})
    if not raw.get("brand_ids") and incident.brand_id:
        raw["brand_ids"] = [incident.brand_id]
    return Scope.model_validate(raw)


def _terms(m: Mention) -> set[str]:
    return {t.lower() for t in (*(m.crisis_terms or ()), *(m.keyphrases or ()))} | {
        "#" + h for h in hashtags(m.text or "")
    }


def _share(n: int, total: int) -> float | None:
    return round(n / total, 3) if total else None


def explain(session: Session, rule: AlertRule, incident: Incident, *, base_url: str = "") -> dict[str, Any]:
    """The explanation of ``incident`` (JSON-ready)."""
    ids = evidence_ids(incident)
    rows = list(session.scalars(select(Mention).where(Mention.id.in_(ids)))) if ids else []
    out: dict[str, Any] = {"links": links(base_url, incident)}
    if not rows:
        return out
    times = [as_utc(m.published_at) for m in rows]
    start, end = min(times), max(times)
    if end - start < MIN_SPAN:
        start = end - MIN_SPAN
    span = end - start
    scope = _scope(rule, incident)
    before = start - BASELINE

    def count(since: datetime, until: datetime, negative: bool = False) -> int:
        stmt = scoped(select(func.count()).select_from(Mention), scope)
        stmt = stmt.where(Mention.published_at >= since, Mention.published_at <= until)
        if negative:
            stmt = stmt.where(Mention.sentiment_label == "negative")
        return int(session.scalar(stmt) or 0)

    now_n, now_neg = count(start, end), count(start, end, negative=True)
    base_end = start - timedelta(microseconds=1)
    base_n, base_neg = count(before, base_end), count(before, base_end, negative=True)
    expected = base_n * (span / BASELINE)
    out["baseline"] = {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "volume": {
            "current": now_n,
            "expected": round(expected, 2),
            "ratio": round(now_n / expected, 2) if expected else None,
        },
        "negative_share": {"current": _share(now_neg, now_n), "baseline": _share(base_neg, base_n)},
    }
    roots = [m for m in rows if m.duplicate_of is None] or rows
    # terms: share of the incident's mentions against the share of baseline mentions
    now_terms = Counter(t for m in roots for t in _terms(m))
    base_stmt = scoped(select(Mention), scope).where(
        Mention.published_at >= before, Mention.published_at < start
    )
    base_rows = session.scalars(base_stmt.order_by(Mention.published_at.desc()).limit(BASELINE_ROWS)).all()
    base_terms = Counter(t for m in base_rows for t in _terms(m))
    terms = []
    for term, n in now_terms.most_common():
        was = base_terms.get(term, 0)
        now_share, was_share = n / len(roots), (was / len(base_rows) if base_rows else 0.0)
        if was == 0 or now_share >= RISING * was_share:
            terms.append({"term": term, "mentions": n, "baseline_mentions": was, "new": was == 0})
    out["terms"] = terms[:TERMS]
    reach: dict[str, int] = {}
    for m in rows:
        if m.author_handle:
            reach[m.author_handle] = max(reach.get(m.author_handle, 0), m.author_reach or 0)
    out["top_authors"] = [
        {"handle": h, "reach": r} for h, r in sorted(reach.items(), key=lambda kv: -kv[1])[:5]
    ]
    copies = Counter(
        session.scalars(select(Mention.duplicate_of).where(Mention.duplicate_of.in_([m.id for m in roots])))
    )
    ranked = sorted(roots, key=lambda m: (m.sentiment_label != "negative", -(m.author_reach or 0), m.id))
    picked: list[Mention] = []
    for m in ranked:  # distinct authors first, so one loud account does not fill the list
        if len(picked) < REPRESENTATIVE and m.author_handle not in {p.author_handle for p in picked}:
            picked.append(m)
    picked += [m for m in ranked if m not in picked][: max(0, min(3, len(ranked)) - len(picked))]
    out["representative"] = [card(m, copies.get(m.id, 0)) for m in picked]
    out["platforms"] = dict(Counter(m.platform for m in rows).most_common())
    out["languages"] = dict(Counter(m.language or "unknown" for m in roots).most_common())
    return out
