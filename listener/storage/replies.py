"""Reply templates and replies: the default library, acceptance counts, response statistics."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from importlib import resources
from statistics import median
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Brand, Mention
from listener.storage.reply_models import Reply, ReplyTemplate

log = logging.getLogger(__name__)


def default_library() -> list[dict[str, Any]]:
    """The team's default templates (``alerts/templates/replies/defaults.json``)."""
    text = resources.files("alerts").joinpath("templates/replies/defaults.json").read_text(encoding="utf-8")
    return json.loads(text)


def ensure_default_templates(session: Session) -> int:
    """Install the default library on first run (when no built-in template exists yet); returns how
    many were added. Edited or deleted defaults are never reinstalled."""
    if session.scalar(select(func.count()).select_from(ReplyTemplate).where(ReplyTemplate.builtin)):
        return 0
    taken = set(session.scalars(select(ReplyTemplate.name)))
    added = 0
    for t in default_library():
        if t["name"] in taken:
            continue
        session.add(ReplyTemplate(**t, builtin=True, enabled=True, created_by="listener"))
        added += 1
    session.flush()
    return added


def add_platform_replies(session: Session, replies: list[tuple[int, str, dict[str, Any]]]) -> None:
    """Record the brand's replies that were already on the platform when a mention was collected
    (``(mention id, platform, {"text", "replied_at"})``) as sent public replies, so response rate
    and time to first response count them."""
    for mention_id, platform, reply in replies:
        when = reply.get("replied_at")
        who = f"{platform} (already on the platform)"
        session.add(
            Reply(mention_id=mention_id, channel="public", text=reply["text"], status="sent",
                  created_by=who, sent_by=who, sent_at=when, created_at=when)
        )  # fmt: skip
    session.flush()


def acceptance(session: Session) -> dict[int, tuple[int, int]]:
    """``{template_id: (drafts made from it, drafts approved or sent)}``."""
    accepted = func.sum(case((Reply.status.in_(("approved", "sent")), 1), else_=0))
    stmt = (
        select(Reply.template_id, func.count(), accepted)
        .where(Reply.template_id.is_not(None), Reply.status != "draft")
        .group_by(Reply.template_id)
    )
    return {tid: (int(used), int(acc or 0)) for tid, used, acc in session.execute(stmt)}


def response_stats(session: Session, f: MentionFilter, group_by: str) -> list[dict[str, Any]]:
    """Per group (brand, platform or sentiment): mentions, mentions with a sent reply, the response
    rate and the median minutes from publication to the first sent reply."""
    first_sent = (
        select(Reply.mention_id, func.min(Reply.sent_at).label("first_sent"))
        .where(Reply.status == "sent")
        .group_by(Reply.mention_id)
        .subquery()
    )
    key = {"brand": Mention.brand_id, "platform": Mention.platform, "sentiment": Mention.sentiment_label}[
        group_by
    ]
    stmt = apply_filter(
        select(key, Mention.published_at, first_sent.c.first_sent)
        .select_from(Mention)
        .outerjoin(first_sent, and_(first_sent.c.mention_id == Mention.id)),
        f,
    )
    names = dict(session.execute(select(Brand.id, Brand.name)).all()) if group_by == "brand" else {}
    groups: dict[Any, dict[str, Any]] = {}
    for k, published, sent in session.execute(stmt):
        g = groups.setdefault(k, {"mentions": 0, "responded": 0, "minutes": []})
        g["mentions"] += 1
        if sent is not None:
            g["responded"] += 1
            g["minutes"].append(max(0.0, (_aware(sent) - _aware(published)).total_seconds() / 60))
    out = []
    for k, g in sorted(groups.items(), key=lambda kv: -kv[1]["mentions"]):
        out.append(
            {
                "group": names.get(k, k) if group_by == "brand" else k,
                "mentions": g["mentions"],
                "responded": g["responded"],
                "response_rate": round(g["responded"] / g["mentions"], 4) if g["mentions"] else 0.0,
                "median_minutes_to_first_response": round(median(g["minutes"]), 1) if g["minutes"] else None,
            }
        )
    return out


def _aware(value: datetime | str) -> datetime:

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
