"""Suggested replies and the reply workflow: draft (agent) → approve / reject (manager) → sent."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Agent, FilterDep, Manager, SessionDep, SettingsDep, Viewer
from listener.engine.drafting import draft_reply
from listener.engine.reply_flow import mark_sent, queue, replies_of, review
from listener.engine.suggestions import suggest
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
    return [ReplyRead.model_validate(r) for r in replies_of(session, mention_id)]


@router.get("/replies", summary="Replies by status (default: drafts awaiting approval), oldest first")
def reply_queue(
    session: SessionDep,
    _: Viewer,
    status: Annotated[Literal["draft", "approved", "rejected", "sent"], Query()] = "draft",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReplyRead]:
    return [ReplyRead.model_validate(r) for r in queue(session, status, limit)]


@router.post(
    "/replies/{reply_id}/approve",
    summary="Approve a draft (manager; not the person who drafted it, unless four-eyes is off)",
)
def approve(
    reply_id: int, body: ReviewIn, session: SessionDep, settings: SettingsDep, who: Manager
) -> ReplyRead:
    return ReplyRead.model_validate(
        review(session, settings, _reply(session, reply_id), who, "approved", body.comment)
    )


@router.post("/replies/{reply_id}/reject", summary="Reject a draft with a comment (manager)")
def reject(
    reply_id: int, body: RejectIn, session: SessionDep, settings: SettingsDep, who: Manager
) -> ReplyRead:
    return ReplyRead.model_validate(
        review(session, settings, _reply(session, reply_id), who, "rejected", body.comment)
    )


@router.post("/replies/{reply_id}/sent", summary="Mark an approved reply as sent")
def sent(reply_id: int, body: SentIn, session: SessionDep, who: Agent) -> ReplyRead:
    reply = mark_sent(
        session, _reply(session, reply_id), who, external_id=body.external_id, external_url=body.external_url
    )
    return ReplyRead.model_validate(reply)


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
