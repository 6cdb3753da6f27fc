"""Queueing an approved reply for its platform's publisher, and what people do with the queue:
retry a failure, resolve an unconfirmed send, mark a reply sent by hand.

Sending itself is ``engine/publish_run.py`` (the worker). The reply stays ``approved`` until its
platform confirms it; then it is ``sent`` with the platform's id, URL and time, and the mention
``replied``. A reply's publication row (``storage/publish_models.py``) keeps its idempotency key for
life: retrying a failure sends with the same key.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from listener.errors import Conflict, Unprocessable
from listener.settings import Settings
from listener.storage.audit import record
from listener.storage.models import Mention
from listener.storage.publish_models import ReplyPublication
from listener.storage.reply_models import Reply
from publishers.base import InvalidReply, Target
from publishers.http import HttpPublisher, validate
from publishers.registry import PUBLISHERS, get_publisher


def target_of(m: Mention) -> Target:
    """The customer's post as a publisher needs it."""
    return Target(
        platform=m.platform,
        external_id=m.external_id,
        url=m.url,
        in_reply_to=m.in_reply_to,
        author_handle=m.author_handle,
        details=dict(m.details or {}),
    )


def checked_publisher(reply: Reply, m: Mention, settings: Settings) -> type[HttpPublisher]:
    """The publisher that can send ``reply``; Unprocessable (422) saying why not: no publisher for
    the platform, a channel it does not offer, a text beyond its limits, credentials not set."""
    cls = get_publisher(m.platform)
    if cls is None:
        known = ", ".join(sorted(PUBLISHERS))
        raise Unprocessable(
            f"Listener cannot post on {m.platform} (it can on {known}); send it yourself and mark it sent",
            details=[{"field": "platform", "platform": m.platform}],
        )
    try:
        validate(cls, reply.text, reply.channel)
    except InvalidReply as exc:
        raise Unprocessable(exc.reason, details=exc.details) from None
    if not cls(None, settings).configured():  # type: ignore[arg-type] - no request is made
        raise Unprocessable(
            f"{m.platform} replies need credentials: set {', '.join(cls.credentials)}",
            details=[{"field": "credentials", "variables": list(cls.credentials)}],
        )
    return cls


def queue_reply(
    session: Session, reply: Reply, settings: Settings, *, who: str, now: datetime
) -> ReplyPublication:
    """Queue an approved reply for sending, or queue a failed one again (same idempotency key).
    Conflict when it is not approved, already sent, being sent or unconfirmed."""
    if reply.status != "approved":
        raise Conflict(f"reply {reply.id} is {reply.status}; only approved replies can be published")
    m = session.get(Mention, reply.mention_id)
    assert m is not None  # the foreign key cascades
    checked_publisher(reply, m, settings)
    pub = publication_of(session, reply)
    if pub is None:
        pub = ReplyPublication(
            reply_id=reply.id,
            platform=m.platform,
            idempotency_key=f"listener-reply-{reply.id}-{uuid.uuid4().hex[:16]}",
            status="queued",
            attempts=0,
            next_attempt_at=now,
            requested_by=who,
        )
        session.add(pub)
    elif pub.status == "failed":
        pub.status, pub.next_attempt_at, pub.attempts, pub.requested_by = "queued", now, 0, who
    elif pub.status != "queued":
        raise Conflict(_state(reply.id, pub.status))
    session.flush()
    log_reply(session, who, reply, "reply_publish_queued", platform=m.platform)
    return pub


def resolve_unconfirmed(
    session: Session,
    reply: Reply,
    *,
    who: str,
    posted: bool,
    external_id: str | None,
    external_url: str | None,
    now: datetime,
) -> ReplyPublication:
    """A person checked the platform after an unconfirmed send: ``posted`` marks the reply sent
    (with the id and URL they found); otherwise it is queued again. Conflict unless unconfirmed."""
    pub = publication_of(session, reply)
    if pub is None or pub.status != "unconfirmed":
        raise Conflict(f"reply {reply.id} has no unconfirmed send to resolve")
    if posted:
        mark_sent(session, reply, who=who, external_id=external_id, external_url=external_url, now=now)
        pub.status = "published"
    else:
        pub.status, pub.next_attempt_at = "queued", now
    session.flush()
    log_reply(session, who, reply, "reply_publish_resolved", posted=posted)
    return pub


def mark_sent(
    session: Session,
    reply: Reply,
    *,
    who: str,
    external_id: str | None,
    external_url: str | None,
    now: datetime,
    platform_sent_at: datetime | None = None,
) -> None:
    """The reply is on the platform: ``sent`` with its id and URL, the mention ``replied``."""
    reply.status, reply.sent_by, reply.sent_at = "sent", who, now
    reply.external_id, reply.external_url, reply.platform_sent_at = (
        external_id,
        external_url,
        platform_sent_at,
    )
    m = session.get(Mention, reply.mention_id)
    if m is not None and m.status in ("new", "in_progress"):
        m.status = "replied"


def sent_by_hand(session: Session, reply: Reply) -> None:
    """Before "mark sent": Conflict while a publisher is sending it; a queued, failed or unconfirmed
    publication stops (``by_hand``) so the worker never posts it too."""
    pub = publication_of(session, reply)
    if pub is None:
        return
    if pub.status == "sending":
        raise Conflict(_state(reply.id, pub.status))
    if pub.status in ("queued", "failed", "unconfirmed"):
        pub.status = "by_hand"


def publication_of(session: Session, reply: Reply) -> ReplyPublication | None:
    """The reply's publication row, locked on PostgreSQL for the caller's transaction."""
    stmt = session.query(ReplyPublication).filter(ReplyPublication.reply_id == reply.id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return stmt.one_or_none()


def _state(reply_id: int, status: str) -> str:
    return {
        "sending": f"reply {reply_id} is being sent right now",
        "unconfirmed": f"reply {reply_id} was sent but the platform never confirmed it: check the platform, "
        "then resolve it (POST /replies/{id}/publish/resolve) or mark it sent",
        "published": f"reply {reply_id} is already on the platform",
        "by_hand": f"reply {reply_id} was marked sent by hand",
    }.get(status, f"reply {reply_id} is {status}")


def log_reply(session: Session, who: str, reply: Reply, action: str, **extra: object) -> None:
    """Audit a step of a reply on its mention's history."""
    changes = {"reply_id": reply.id, "status": reply.status, **extra}
    record(session, actor=who, entity="mention", entity_id=reply.mention_id, action=action, changes=changes)
