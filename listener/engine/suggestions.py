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
    variables_of,
)
from listener.auth import Principal
from listener.engine.cases import case_id_for
from listener.people import profile_for
from listener.settings import Settings
from listener.storage.models import Brand, Mention
from listener.storage.replies import acceptance, last_sent_reply, rejected_templates
from listener.storage.reply_models import Reply, ReplyTemplate

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
    answered: Reply | None = None  # the sent reply, for a mention already replied or resolved


ANSWERED = ("replied", "resolved")


def facts(m: Mention, *, language: str | None = None, rejected: frozenset[int] = frozenset()) -> MentionFacts:
    """What ranking needs from the row; ``language`` stands in when none was detected."""
    return MentionFacts(
        language=m.language or language,
        sentiment_score=m.sentiment_score,
        sentiment_label=m.sentiment_label,
        topics=tuple(m.topics or ()),
        crisis_terms=tuple(m.crisis_terms or ()),
        platform=m.platform,
        kind=m.kind,
        rating=m.rating,
        text=" ".join(filter(None, (m.title, m.text))),
        rejected=rejected,
    )


def context_for(session: Session, m: Mention, settings: Settings, who: Principal) -> dict[str, str]:
    """The template variables for one mention, signed by ``who``'s profile (or the team's).
    ``case_id`` is left out: :func:`with_case_id` adds it when a template needs it."""
    brand = session.get(Brand, m.brand_id) if m.brand_id is not None else None
    profile = profile_for(
        session,
        who.user_id,
        brand=brand.name if brand else None,
        language=m.language,
        custom_team=settings.reply_team_name,
    )
    products = [e.get("value") or e.get("text") for e in (m.entities or []) if e.get("type") == "product"]
    topic = next((t for t in (m.topics or []) if t != "praise_recommendation"), (m.topics or [""])[0])
    return {
        "author_name": m.author_name or "",
        "author_handle": ("@" + m.author_handle.lstrip("@")) if m.author_handle else "",
        "brand": brand.name if brand else "",
        "product": products[0] if products else (brand.products[0] if brand and brand.products else ""),
        "topic": topic.replace("_", " "),
        "platform": m.platform,
        "agent_name": profile.display_name,
        "signature": profile.signature,
        "link": settings.support_url or settings.public_url,
        "status_link": settings.status_url,
    }


def with_case_id(
    session: Session, m: Mention, settings: Settings, ctx: dict[str, str], body: str
) -> dict[str, str]:
    """``ctx`` plus the mention's case id when ``body`` uses it (given from the counter on first use)."""
    if "case_id" in variables_of(body) and "case_id" not in ctx:
        ctx["case_id"] = case_id_for(session, m, settings.case_id_format)
    return ctx


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
    who: Principal,
    channel: str | None = None,
    limit: int = 3,
    library: Library | None = None,
    include_answered: bool = False,
) -> Suggestions:
    """Ranked, rendered suggestions that fit the platform's length limit, and any escalation. A
    mention already replied or resolved gets its sent reply instead (``include_answered`` asks for
    suggestions all the same). Pass ``library`` when suggesting for many mentions."""
    if m.status in ANSWERED and not include_answered:
        sent = last_sent_reply(session, m.id)
        how = "the sent reply is shown" if sent else "no reply was sent through Listener"
        return Suggestions(escalate=None, answered=sent, note=f"this mention is {m.status}: {how}")
    library = library or Library.load(session)
    by_id = library.by_id
    profile_language = _agent_language(session, who)
    mention_facts = facts(m, language=profile_language, rejected=rejected_templates(session, m.id))
    ranked = rank(mention_facts, library.facts, channel=channel)
    out = Suggestions(escalate=escalation_for(mention_facts))
    ctx = context_for(session, m, settings, who)
    for s in ranked:
        t = by_id[s.template_id]
        try:
            text = render(t.body, with_case_id(session, m, settings, ctx, t.body))
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


def _agent_language(session: Session, who: Principal) -> str | None:
    """The language of the person's profile: replies to a mention of unknown language use it."""
    return profile_for(session, who.user_id, brand=None, language=None).language


def card_help(
    session: Session, rows: list[Mention], settings: Settings, who: Principal
) -> dict[int, Suggestions]:
    """One public suggestion per feed card that needs help (negative, crisis terms, reviews), or
    the sent reply of a card already answered; ``{mention id: Suggestions}`` (the feed and inbox)."""
    wanted = [
        m
        for m in rows
        if m.sentiment_label == "negative" or m.crisis_terms or m.kind == "review" or m.status in ANSWERED
    ]
    library = Library.load(session) if wanted else None
    return {
        m.id: suggest(session, m, settings, who=who, channel="public", limit=1, library=library)
        for m in wanted
    }
