"""Sending approved replies from Listener: the publishers, queueing a reply (or retrying a
failure), resolving an unconfirmed send, and a mention's thread."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from listener.deps import Agent, SessionDep, SettingsDep, Viewer
from listener.engine.publishing import queue_reply, resolve_unconfirmed
from listener.pipeline.feed import mention_reads
from listener.schemas.common import ReadModel
from listener.schemas.mentions import MentionRead
from listener.schemas.replies import ReplyRead, ResolveIn
from listener.storage.base import utcnow
from listener.storage.lookup import get_or_404
from listener.storage.models import Mention
from listener.storage.reply_models import Reply
from listener.storage.threads import thread_of
from publishers.registry import describe

router = APIRouter(tags=["replies"])


class ThreadRead(ReadModel):
    mention: MentionRead = Field(description="The customer's post")
    replies: list[ReplyRead] = Field(description="Our replies to it, oldest first (drafts included)")
    answers: list[MentionRead] = Field(description="The customer's answers to our sent replies, oldest first")
    answers_to: MentionRead | None = Field(
        None, description="When this mention answers one of our replies: the post that reply answered"
    )


@router.get("/publishers", summary="Platforms Listener can post replies on, and what each allows")
def publishers(settings: SettingsDep, _: Viewer) -> list[dict[str, Any]]:
    return describe(settings)


@router.post(
    "/replies/{reply_id}/publish",
    status_code=202,
    summary="Send an approved reply to its platform (or retry a failed send)",
)
def publish(reply_id: int, session: SessionDep, settings: SettingsDep, who: Agent) -> ReplyRead:
    r = get_or_404(session, Reply, reply_id, "reply", lock=True)
    queue_reply(session, r, settings, who=who.name, now=utcnow())
    session.refresh(r)
    return ReplyRead.model_validate(r)


@router.post(
    "/replies/{reply_id}/publish/resolve",
    summary="After an unconfirmed send: the reply is on the platform (posted) or must be sent again",
)
def resolve(reply_id: int, body: ResolveIn, session: SessionDep, who: Agent) -> ReplyRead:
    r = get_or_404(session, Reply, reply_id, "reply", lock=True)
    resolve_unconfirmed(session, r, who=who.name, posted=body.posted, external_id=body.external_id,
                        external_url=body.external_url, now=utcnow())  # fmt: skip
    session.refresh(r)
    return ReplyRead.model_validate(r)


@router.get("/mentions/{mention_id}/thread", summary="The mention, our replies and the customer's answers")
def thread(mention_id: int, session: SessionDep, _: Viewer) -> ThreadRead:
    t = thread_of(session, get_or_404(session, Mention, mention_id, "mention"))
    reads = mention_reads(session, [t.mention, *t.answers, *([t.answers_to] if t.answers_to else [])])
    return ThreadRead(
        mention=reads[0],
        replies=[ReplyRead.model_validate(r) for r in t.replies],
        answers=reads[1 : 1 + len(t.answers)],
        answers_to=reads[-1] if t.answers_to else None,
    )
