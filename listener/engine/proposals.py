"""Incidents propose replies: for each of the incident's languages, a public holding statement and a
DM for the affected customers, chosen from the template library by language, topics and crisis
terms (``alerts.replies.rank``), rendered with the brand's details. Templates the rule names
(``AlertRule.reply_templates``) come first. Drafting them goes through the reply workflow."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.replies import MentionFacts, TemplateError, TemplateFacts, rank, render, variables_of
from listener.auth import Principal
from listener.engine.drafting import draft_reply
from listener.engine.explain import evidence_ids
from listener.engine.suggestions import Library
from listener.errors import Unprocessable
from listener.people import team_name
from listener.settings import Settings
from listener.storage.models import AlertRule, Brand, Incident, Mention
from listener.storage.reply_models import Reply, ReplyTemplate

log = logging.getLogger(__name__)

CHANNELS = ("public", "dm")
MAX_LANGUAGES = 2
MAX_DM_RECIPIENTS = 50


def context(
    brand: Brand | None, incident: Incident, topic: str, settings: Settings, language: str | None = None
) -> dict[str, str]:
    """Template variables for a reply about the incident (not to one author: they are filled in
    per mention when a draft is made), signed by the brand's team in ``language``."""
    team = team_name(brand.name if brand else None, language, settings.reply_team_name)
    return {
        "author_name": "",
        "author_handle": "",
        "brand": brand.name if brand else "",
        # an incident is about the brand as a whole unless it names a product: the brand stands in
        "product": (brand.products[0] if brand.products else brand.name) if brand else "",
        "topic": topic.replace("_", " "),
        "platform": "",
        "agent_name": team,
        "signature": team,
        "case_id": f"INC-{incident.id:06d}",
        "link": settings.support_url or settings.public_url,
        "status_link": settings.status_url,
    }


def _facts(rows: list[Mention], language: str) -> MentionFacts:
    mine = [m for m in rows if m.language == language] or rows
    negative = sum(1 for m in mine if m.sentiment_label == "negative")
    scores = [m.sentiment_score for m in mine if m.sentiment_score is not None]
    score = sum(scores) / len(scores) if scores else (-0.5 if negative else 0.0)
    label = "negative" if negative * 2 >= len(mine) else ("positive" if score >= 0.05 else "neutral")
    topics = Counter(t for m in mine for t in (m.topics or ()))
    return MentionFacts(
        language=language,
        sentiment_score=min(score, -0.05) if label == "negative" else score,
        sentiment_label=label,
        topics=tuple(t for t, _ in topics.most_common(3)),
        crisis_terms=tuple(sorted({t.lower() for m in mine for t in (m.crisis_terms or ())})),
        platform="",
        kind="post",
    )


def check_named(session: Session, names: list[str]) -> list[str]:
    """The names among ``names`` that are no enabled template (empty: all fine)."""
    found = set(
        session.scalars(
            select(ReplyTemplate.name).where(ReplyTemplate.name.in_(names), ReplyTemplate.enabled)
        )
    )
    return [n for n in names if n not in found]


def propose(
    session: Session,
    rule: AlertRule,
    incident: Incident,
    rows: list[Mention],
    settings: Settings,
    *,
    base_url: str = "",
) -> list[dict[str, Any]]:
    """The replies to consider now, best first: per language of the incident (most mentions first),
    a public statement and a DM; the rule's named templates first where they fit the language."""
    if not rows:
        return []
    brand = session.get(Brand, incident.brand_id) if incident.brand_id else None
    library = Library.load(session)
    named = [str(n) for n in (rule.reply_templates or [])]
    by_name = {t.name: t for t in library.facts}
    languages = [
        lang for lang, _ in Counter(m.language for m in rows if m.language).most_common(MAX_LANGUAGES)
    ]
    draft_url = f"{base_url.rstrip('/')}/api/v1/incidents/{incident.id}/drafts"
    out: list[dict[str, Any]] = []
    for language in languages:
        facts = _facts(rows, language)
        ctx = context(brand, incident, facts.topics[0] if facts.topics else "", settings, language)
        for channel in CHANNELS:
            candidates: list[tuple[TemplateFacts, list[str]]] = [
                (by_name[n], ["named by the rule"])
                for n in named
                if n in by_name and by_name[n].language == language and by_name[n].channel == channel
            ]
            candidates += [
                (library_fact(library, s.template_id), s.reasons)
                for s in rank(facts, library.facts, channel=channel)
            ]
            for t, reasons in candidates:
                body = library.by_id[t.id].body
                if not ctx["link"] and "link" in variables_of(body):
                    continue
                try:
                    text = render(body, ctx)
                except TemplateError:
                    continue
                out.append(
                    {
                        "template_id": t.id,
                        "name": t.name,
                        "language": language,
                        "channel": channel,
                        "purpose": "holding statement" if channel == "public" else "DM to affected customers",
                        "text": text,
                        "reasons": reasons,
                        "draft": {"method": "POST", "url": draft_url, "body": {"template_id": t.id}},
                    }
                )
                break
    return out


def library_fact(library: Library, template_id: int) -> TemplateFacts:
    """The ranking facts of one template of ``library``."""
    return next(t for t in library.facts if t.id == template_id)


def recipients(
    session: Session, incident: Incident, channel: str, mention_ids: list[int] | None
) -> list[Mention]:
    """Whom a proposed reply goes to: the given evidence mentions, else for a public statement the
    most far-reaching negative cluster root, for a DM every negative root (every root when none is
    negative; at most 50). Unprocessable for ids outside the incident's evidence."""
    known = evidence_ids(incident)
    if mention_ids:
        outside = sorted(set(mention_ids) - set(known))
        if outside:
            raise Unprocessable(
                f"mention(s) {outside} are not in incident {incident.id}'s evidence",
                details=[{"field": "mention_ids", "outside": outside}],
            )
        return list(session.scalars(select(Mention).where(Mention.id.in_(mention_ids)).order_by(Mention.id)))
    rows = session.scalars(select(Mention).where(Mention.id.in_(known), Mention.duplicate_of.is_(None))).all()
    ranked = sorted(rows, key=lambda m: (m.sentiment_label != "negative", -(m.author_reach or 0), m.id))
    if channel == "public":
        return ranked[:1]
    negative = [m for m in ranked if m.sentiment_label == "negative"]
    return (negative or ranked)[:MAX_DM_RECIPIENTS]


def draft_proposal(
    session: Session,
    incident: Incident,
    settings: Settings,
    *,
    who: Principal,
    template_id: int,
    mention_ids: list[int] | None = None,
) -> list[Reply]:
    """Drafts of template ``template_id`` for the incident's recipients, through the reply workflow
    (each a ``draft`` awaiting approval, rendered for its mention)."""
    t = session.get(ReplyTemplate, template_id)
    if t is None or not t.enabled:
        raise Unprocessable(f"no enabled template with id {template_id}", details=[{"field": "template_id"}])
    targets = recipients(session, incident, t.channel, mention_ids)
    if not targets:
        raise Unprocessable(
            f"incident {incident.id} names no mention to reply to", details=[{"field": "mention_ids"}]
        )
    return [
        draft_reply(
            session, m, settings, who=who, channel=t.channel, template_id=t.id, incident_id=incident.id
        )
        for m in targets
    ]
