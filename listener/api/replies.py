"""Suggested replies and the reply workflow: draft (agent) → approve / reject (manager) → sent."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.auth import Principal
from listener.deps import Agent, FilterDep, Manager, SessionDep, SettingsDep, Viewer
from listener.engine.drafting import draft_reply
from listener.engine.four_eyes import FourEyes, drafted_by
from listener.engine.publishing import log_reply, mark_sent, sent_by_hand
from listener.engine.suggestions import suggest
from listener.errors import Conflict
from listener.schemas.replies import (
    EscalationRead,
    RejectIn,
    ReplyCreate,
    ReplyRead,
    ReviewIn,
    SentIn,
    SuggestionRead,
    SuggestionsRead,
)
from listener.settings import Settings
from listener.storage.base import utcnow
from listener.storage.lookup import get_or_404
from listener.storage.models import Mention
from listener.storage.replies import acceptance, response_stats
from listener.storage.reply_models import Reply, ReplyTemplate

router = APIRouter(tags=["replies"])


def _mention(session: Session, mention_id: int) -> Mention:
    return get_or_404(session, Mention, mention_id, "mention")


def _reply(session: Session, reply_id: int) -> Reply:
    return get_or_404(session, Reply, reply_id, "reply", lock=True)


@router.get("/mentions/{mention_id}/suggestions", summary="Ranked reply suggestions for a mention")
def suggestions(
    mention_id: int,
    session: SessionDep,
    settings: SettingsDep,
    who: Viewer,
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
    channel: Annotated[Literal["dm", "public"] | None, Query()] = None,
    include_answered: Annotated[
        bool, Query(description="Suggest even when the mention is already replied or resolved")
    ] = False,
) -> SuggestionsRead:
    m = _mention(session, mention_id)
    found = suggest(
        session, m, settings, who=who, channel=channel, limit=limit, include_answered=include_answered
    )
    esc = found.escalate
    return SuggestionsRead(
        mention_id=m.id,
        language=m.language,
        escalate=EscalationRead(to=esc.to, why=esc.why, terms=list(esc.terms)) if esc else None,
        suggestions=[
            SuggestionRead(
                template_id=r.template.id,
                name=r.template.name,
                channel=r.template.channel,
                text=r.text,
                length=len(r.text),
                limit=r.limit,
                score=r.score,
                reasons=r.reasons,
            )
            for r in found.items
        ],
        note=found.note,
        status=m.status,
        answered=ReplyRead.model_validate(found.answered) if found.answered else None,
    )


@router.post("/mentions/{mention_id}/replies", status_code=201, summary="Draft a reply")
def create_reply(
    mention_id: int, body: ReplyCreate, session: SessionDep, settings: SettingsDep, who: Agent
) -> ReplyRead:
    m = _mention(session, mention_id)
    reply = draft_reply(
        session, m, settings, who=who, channel=body.channel, template_id=body.template_id, text=body.text
    )
    return ReplyRead.model_validate(reply)


@router.get("/mentions/{mention_id}/replies", summary="Replies to a mention, oldest first")
def mention_replies(mention_id: int, session: SessionDep, _: Viewer) -> list[ReplyRead]:
    _mention(session, mention_id)
    rows = session.scalars(select(Reply).where(Reply.mention_id == mention_id).order_by(Reply.id))
    return [ReplyRead.model_validate(r) for r in rows]


@router.get("/replies", summary="Replies by status (default: drafts awaiting approval), oldest first")
def reply_queue(
    session: SessionDep,
    _: Viewer,
    status: Annotated[Literal["draft", "approved", "rejected", "sent"], Query()] = "draft",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReplyRead]:
    rows = session.scalars(select(Reply).where(Reply.status == status).order_by(Reply.id).limit(limit))
    return [ReplyRead.model_validate(r) for r in rows]


def _review(
    session: Session, settings: Settings, reply_id: int, who: Principal, status: str, comment: str | None
) -> Reply:
    r = _reply(session, reply_id)
    if r.status != "draft":
        raise Conflict(f"reply {reply_id} is {r.status}; only drafts can be approved or rejected")
    if status == "approved" and settings.reply_four_eyes and drafted_by(r, who):
        raise FourEyes(
            f"you drafted reply {reply_id}; another manager must approve it (four-eyes rule; "
            "LISTENER_REPLY_FOUR_EYES=false lets one person draft and approve)"
        )
    r.status, r.reviewed_by, r.reviewed_at, r.review_comment = status, who.name, utcnow(), comment
    session.flush()
    log_reply(session, who.name, r, f"reply_{status}", comment=comment)
    return r


@router.post(
    "/replies/{reply_id}/approve",
    summary="Approve a draft (manager; not the person who drafted it, unless four-eyes is off)",
)
def approve(
    reply_id: int, body: ReviewIn, session: SessionDep, settings: SettingsDep, who: Manager
) -> ReplyRead:
    return ReplyRead.model_validate(_review(session, settings, reply_id, who, "approved", body.comment))


@router.post("/replies/{reply_id}/reject", summary="Reject a draft with a comment (manager)")
def reject(
    reply_id: int, body: RejectIn, session: SessionDep, settings: SettingsDep, who: Manager
) -> ReplyRead:
    return ReplyRead.model_validate(_review(session, settings, reply_id, who, "rejected", body.comment))


@router.post(
    "/replies/{reply_id}/sent",
    summary="Mark an approved reply as sent by hand (stops a queued, failed or unconfirmed publish)",
)
def mark_sent_by_hand(reply_id: int, body: SentIn, session: SessionDep, who: Agent) -> ReplyRead:
    r = _reply(session, reply_id)
    if r.status != "approved":
        raise Conflict(f"reply {reply_id} is {r.status}; only approved replies can be marked sent")
    sent_by_hand(session, r)
    mark_sent(
        session, r, who=who.name, external_id=body.external_id, external_url=body.external_url, now=utcnow()
    )
    session.flush()
    log_reply(session, who.name, r, "reply_sent", external_url=body.external_url)
    session.refresh(r)
    return ReplyRead.model_validate(r)


@router.get("/stats/responses", summary="Response rate and median time to first response")
def responses(
    session: SessionDep,
    _: Viewer,
    filters: FilterDep,
    group_by: Annotated[Literal["brand", "platform", "sentiment"], Query()] = "brand",
) -> list[dict]:
    return response_stats(session, filters, group_by)


@router.get("/stats/templates", summary="How often each template's drafts were approved or sent")
def template_stats(session: SessionDep, _: Viewer) -> list[dict]:
    counts = acceptance(session)
    names = dict(session.execute(select(ReplyTemplate.id, ReplyTemplate.name)).all())
    return [
        {
            "template_id": tid,
            "name": names.get(tid),
            "reviewed": used,
            "accepted": acc,
            "acceptance_rate": round(acc / used, 4) if used else None,
        }
        for tid, (used, acc) in sorted(counts.items())
    ]
