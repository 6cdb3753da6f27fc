"""One story, one incident, on stored incidents: a per-mention rule's match joins the open incident
of its story (``alerts.stories``), which grows: its mentions are the union of the story's, its value
how many there are, its evidence recomputed over all of them."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import stories
from alerts.base import Match, Scope
from alerts.rules.common import evidence
from listener.engine.window import views_of
from listener.storage.models import AlertRule, Incident, Mention

log = logging.getLogger(__name__)

MAX_STORY_IDS = 500  # mention ids an incident's evidence keeps; the value still counts them all


def open_stories(session: Session, rule: AlertRule) -> dict[str, Incident]:
    """The rule's open incidents that are stories, by key."""
    rows = session.scalars(
        select(Incident).where(
            Incident.rule_id == rule.id,
            Incident.status != "resolved",
            Incident.scope_key.startswith("story:"),
        )
    )
    return {i.scope_key: i for i in rows}


def grow(session: Session, rule: AlertRule, match: Match) -> Match:
    """``match`` as its story's: keyed to the open incident sharing a token (if any), with the
    story's mentions, value and evidence; a match that is no story comes back unchanged."""
    if not match.story:
        return match
    found = open_stories(session, rule)
    key = stories.find({k: (i.evidence or {}).get("story") or [] for k, i in found.items()}, match.story)
    if key is None:
        extra = {"story": list(match.story), "story_mentions": len(match.mention_ids)}
        return replace(match, evidence={**match.evidence, **extra})
    incident = found[key]
    old = incident.evidence or {}
    tokens = sorted({*old.get("story", []), *match.story})
    known = set(old.get("mention_ids", []))
    ids = list(dict.fromkeys([*old.get("mention_ids", []), *match.mention_ids]))
    count = int(old.get("story_mentions") or len(known)) + sum(1 for i in match.mention_ids if i not in known)
    rows = session.scalars(select(Mention).where(Mention.id.in_([i for i in ids if isinstance(i, int)])))
    views = sorted(views_of(session, rows, Scope()), key=lambda v: (v.published_at, str(v.id)))
    first = views[0] if views else None
    terms = sorted(t.split(":", 1)[1] for t in tokens if t.startswith("term:"))
    about = ", ".join(terms) or "one story"
    return replace(
        match,
        dedupe_key=key,
        value=float(count),
        summary=f"{count} mentions about {about}"
        + (f", first by @{first.author_handle or 'unknown'} on {first.platform}" if first else ""),
        mention_ids=tuple(ids[:MAX_STORY_IDS]),
        evidence={
            **evidence(views, current=count),
            "url": first.url if first else None,
            "text": first.text if first else None,
            "story": tokens,
            "story_mentions": count,
        },
    )
