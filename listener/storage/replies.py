"""Reply templates and replies: the default library, acceptance counts, response statistics."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import resources
from statistics import median
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Brand, Mention
from listener.storage.reply_models import Reply, ReplyDefault, ReplyTemplate

log = logging.getLogger(__name__)


def default_library() -> list[dict[str, Any]]:
    """The team's default templates (``alerts/templates/replies/defaults.json``)."""
    text = resources.files("alerts").joinpath("templates/replies/defaults.json").read_text(encoding="utf-8")
    return json.loads(text)


def template_digest(t: Mapping[str, Any]) -> str:
    """What identifies a version of a template: its language, channel, tone, conditions and body."""
    conditions = t.get("conditions") or {}
    if isinstance(conditions, str):  # raw SQL on SQLite returns JSON text
        conditions = json.loads(conditions)
    blob = json.dumps(
        [t.get("language"), t.get("channel"), t.get("tone"), conditions, t.get("body")],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def ensure_default_templates(session: Session) -> dict[str, int]:
    """Bring the default library in: a default this install never received is added (unless a
    template of that name exists already); one it received and nobody edited since is refreshed to
    the newer version; edited or deleted defaults are left alone. Runs at every start and after
    ``listener migrate``; returns ``{"added": n, "updated": n}``."""
    received = {d.name: d for d in session.scalars(select(ReplyDefault))}
    rows = {t.name: t for t in session.scalars(select(ReplyTemplate))}
    added = updated = 0
    for t in default_library():
        digest = template_digest(t)
        seen = received.get(t["name"])
        row = rows.get(t["name"])
        if seen is None:
            if row is None:
                session.add(ReplyTemplate(**t, builtin=True, enabled=True, created_by="listener"))
                added += 1
            session.add(ReplyDefault(name=t["name"], digest=digest if row is None else _NOT_OURS))
        elif seen.digest != digest and row is not None and row.builtin and _digest_of(row) == seen.digest:
            for key in ("language", "channel", "tone", "conditions", "body"):
                setattr(row, key, t[key])
            seen.digest = digest
            updated += 1
    session.flush()
    if added or updated:
        log.info("default reply templates: %d added, %d updated", added, updated)
    return {"added": added, "updated": updated}


_NOT_OURS = "-" * 64


def _digest_of(row: ReplyTemplate) -> str:
    return template_digest(
        {"language": row.language, "channel": row.channel, "tone": row.tone, "conditions": row.conditions,
         "body": row.body}
    )  # fmt: skip


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
    """Per group (brand, platform, sentiment or ``all``: one group): mentions, mentions with a
    sent reply, the response rate and the median minutes from publication to the first sent reply."""
    first_sent = (
        select(Reply.mention_id, func.min(Reply.sent_at).label("first_sent"))
        .where(Reply.status == "sent")
        .group_by(Reply.mention_id)
        .subquery()
    )
    key = {
        "brand": Mention.brand_id,
        "platform": Mention.platform,
        "sentiment": Mention.sentiment_label,
        "all": literal("all"),
    }[group_by]
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


def last_sent_reply(session: Session, mention_id: int) -> Reply | None:
    """The reply most recently sent for a mention, if any."""
    stmt = (
        select(Reply)
        .where(Reply.mention_id == mention_id, Reply.status == "sent")
        .order_by(Reply.sent_at.desc(), Reply.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def rejected_templates(session: Session, mention_id: int) -> frozenset[int]:
    """The templates whose drafts were rejected for this mention."""
    stmt = select(Reply.template_id).where(
        Reply.mention_id == mention_id, Reply.status == "rejected", Reply.template_id.is_not(None)
    )
    return frozenset(session.scalars(stmt))
