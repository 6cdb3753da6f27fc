"""Suggested replies for a stored mention: facts from the row, templates from the library, ranking
and rendering from ``alerts.replies``. Used by the API and the pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.replies import (
    Escalation,
    Hole,
    MentionFacts,
    TemplateError,
    TemplateFacts,
    escalation_for,
    rank,
    render,
)
from listener.settings import Settings
from listener.storage.models import Brand, Mention
from listener.storage.replies import acceptance
from listener.storage.reply_models import ReplyTemplate

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Rendered:
    template: ReplyTemplate
    text: str
    score: float
    reasons: list[str]
    limit: int | None


@dataclass(slots=True)
class Suggestions:
    escalate: Escalation | None
    items: list[Rendered] = field(default_factory=list)
    note: str | None = None


def facts(m: Mention) -> MentionFacts:
    return MentionFacts(
        language=m.language,
        sentiment_score=m.sentiment_score,
        sentiment_label=m.sentiment_label,
        topics=tuple(m.topics or ()),
        crisis_terms=tuple(m.crisis_terms or ()),
        platform=m.platform,
        kind=m.kind,
        rating=m.rating,
    )


def context_for(session: Session, m: Mention, settings: Settings, agent: str) -> dict[str, str]:
    """The template variables for one mention."""
    brand = session.get(Brand, m.brand_id) if m.brand_id is not None else None
    products = [e.get("value") or e.get("text") for e in (m.entities or []) if e.get("type") == "product"]
    topic = next((t for t in (m.topics or []) if t != "praise_recommendation"), (m.topics or [""])[0])
    return {
        "author_name": m.author_name or "",
        "author_handle": ("@" + m.author_handle.lstrip("@")) if m.author_handle else "",
        "brand": brand.name if brand else "",
        "product": products[0] if products else (brand.products[0] if brand and brand.products else ""),
        "topic": topic.replace("_", " "),
        "platform": m.platform,
        "agent_name": agent,
        "case_id": f"CS-{m.id:06d}",
        "link": settings.support_url or settings.public_url,
    }


def limit_for(settings: Settings, platform: str, channel: str) -> int | None:
    """The longest text that can be posted publicly on ``platform`` (None: no known limit)."""
    return settings.reply_length_limits.get(platform) if channel == "public" else None


@dataclass(slots=True)
class Library:
    """The enabled templates and their acceptance record, read once per request or page."""

    by_id: dict[int, ReplyTemplate]
    facts: list[TemplateFacts]

    @classmethod
    def load(cls, session: Session) -> Library:
        templates = list(
            session.scalars(select(ReplyTemplate).where(ReplyTemplate.enabled).order_by(ReplyTemplate.id))
        )
        counts = acceptance(session)
        return cls(
            {t.id: t for t in templates},
            [
                TemplateFacts(
                    t.id, t.name, t.language, t.channel, t.tone, t.conditions or {}, *counts.get(t.id, (0, 0))
                )
                for t in templates
            ],
        )


def suggest(
    session: Session,
    m: Mention,
    settings: Settings,
    *,
    agent: str,
    channel: str | None = None,
    limit: int = 3,
    library: Library | None = None,
) -> Suggestions:
    """Ranked, rendered suggestions that fit the platform's length limit, and any escalation.
    Pass ``library`` when suggesting for many mentions, so the templates are read once."""
    library = library or Library.load(session)
    by_id = library.by_id
    ranked = rank(facts(m), library.facts, channel=channel)
    out = Suggestions(escalate=escalation_for(facts(m)))
    ctx = context_for(session, m, settings, agent)
    for s in ranked:
        t = by_id[s.template_id]
        try:
            text = render(t.body, ctx)
        except Hole:
            continue  # it would print a value this mention lacks ("the quality of !"): not offered
        except TemplateError as exc:
            log.warning("reply template %s (%r) skipped for mention %s: %s", t.id, t.name, m.id, exc)
            continue
        cap = limit_for(settings, m.platform, t.channel)
        if cap is not None and len(text) > cap:
            continue
        out.items.append(Rendered(t, text, s.score, s.reasons, cap))
        if len(out.items) >= limit:
            break
    if not out.items:
        out.note = (
            f"no template fits this mention (language {m.language or 'unknown'}); write a reply by hand"
        )
    return out
