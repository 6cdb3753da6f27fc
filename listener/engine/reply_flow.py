"""The reply workflow after drafting: review (approve / reject, the four-eyes rule) and marking an
approved reply sent. The API's ``/replies/{id}/…`` and the pages call these."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.auth import Principal
from listener.engine import publishing
from listener.engine.four_eyes import FourEyes, drafted_by
from listener.engine.publishing import log_reply, sent_by_hand
from listener.errors import Conflict
from listener.settings import Settings
from listener.storage.base import utcnow
from listener.storage.reply_models import Reply


def review(
    session: Session, settings: Settings, reply: Reply, who: Principal, status: str, comment: str | None
) -> Reply:
    """Approve or reject a draft (``status`` is ``approved`` or ``rejected``); Conflict when it is
    no draft, FourEyes when ``who`` drafted it and the four-eyes rule is on."""
    if reply.status != "draft":
        raise Conflict(f"reply {reply.id} is {reply.status}; only drafts can be approved or rejected")
    if status == "approved" and settings.reply_four_eyes and drafted_by(reply, who):
        raise FourEyes(
            f"you drafted reply {reply.id}; another manager must approve it (four-eyes rule; "
            "LISTENER_REPLY_FOUR_EYES=false lets one person draft and approve)"
        )
    reply.status, reply.reviewed_by, reply.reviewed_at = status, who.name, utcnow()
    reply.review_comment = comment
    session.flush()
    log_reply(session, who.name, reply, f"reply_{status}", comment=comment)
    return reply


def mark_sent(
    session: Session,
    reply: Reply,
    who: Principal,
    *,
    external_id: str | None = None,
    external_url: str | None = None,
) -> Reply:
    """Mark an approved reply sent by hand (the mention becomes ``replied`` unless it is further on;
    a queued publish stops); Conflict when the reply is not approved or a publisher is sending it."""
    if reply.status != "approved":
        raise Conflict(f"reply {reply.id} is {reply.status}; only approved replies can be marked sent")
    sent_by_hand(session, reply)  # a queued, failed or unconfirmed publish stops: never posted twice
    publishing.mark_sent(
        session, reply, who=who.name, external_id=external_id, external_url=external_url, now=utcnow()
    )
    session.flush()
    log_reply(session, who.name, reply, "reply_sent", external_url=external_url)
    return reply


def replies_of(session: Session, mention_id: int) -> list[Reply]:
    """A mention's replies, oldest first."""
    return list(session.scalars(select(Reply).where(Reply.mention_id == mention_id).order_by(Reply.id)))


def queue(session: Session, status: str = "draft", limit: int = 50) -> list[Reply]:
    """Replies of one status (drafts: the approval queue), oldest first."""
    stmt = select(Reply).where(Reply.status == status).order_by(Reply.id).limit(limit)
    return list(session.scalars(stmt))
