"""A mention's thread: the customer's post, our replies to it, and the customer's answers the
collectors saw (mentions whose ``in_reply_to`` is the platform id of one of our sent replies; on
platforms with flat threads, such as YouTube, answers under the same comment by the same author
after our reply)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from listener.storage.models import Mention
from listener.storage.reply_models import Reply

FLAT_THREADS = frozenset({"youtube"})  # every reply sits under the top-level comment


@dataclass(slots=True)
class Thread:
    mention: Mention
    replies: list[Reply]
    answers: list[Mention]
    answers_to: Mention | None  # when this mention is itself an answer to one of our replies


def thread_of(session: Session, m: Mention) -> Thread:
    """The thread around ``m`` (see the module docstring)."""
    replies = list(session.scalars(select(Reply).where(Reply.mention_id == m.id).order_by(Reply.id)))
    sent = [r for r in replies if r.status == "sent"]
    ours = [r.external_id for r in sent if r.external_id]
    conditions = [Mention.in_reply_to.in_(ours)] if ours else []
    first = min((r.platform_sent_at or r.sent_at for r in sent if r.sent_at), default=None)
    if m.platform in FLAT_THREADS and first is not None:
        same_author = or_(
            and_(Mention.author_handle.is_not(None), Mention.author_handle == m.author_handle),
            and_(Mention.author_name.is_not(None), Mention.author_name == m.author_name),
        )
        conditions.append(
            and_(Mention.in_reply_to == m.external_id, Mention.published_at > first, same_author)
        )
    answers: list[Mention] = []
    if conditions:
        stmt = (
            select(Mention)
            .where(Mention.platform == m.platform, Mention.id != m.id, or_(*conditions))
            .order_by(Mention.published_at, Mention.id)
            .limit(100)
        )
        answers = list(session.scalars(stmt))
    return Thread(mention=m, replies=replies, answers=answers, answers_to=_answers_to(session, m))


def _answers_to(session: Session, m: Mention) -> Mention | None:
    if not m.in_reply_to:
        return None
    stmt = (
        select(Mention)
        .join(Reply, Reply.mention_id == Mention.id)
        .where(Reply.external_id == m.in_reply_to, Reply.status == "sent", Mention.platform == m.platform)
        .limit(1)
    )
    return session.scalar(stmt)
