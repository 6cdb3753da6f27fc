"""Send the publish queue: claim one due reply, commit it as ``sending``, post it, record what the
platform said, commit; repeat.

Never a duplicate post: the row is committed as ``sending`` before the request goes out, so a
worker that dies mid-send leaves it ``sending`` and, after ``STUCK_AFTER``, ``unconfirmed`` (never
``queued``). A timeout or a dropped connection after the request went out is ``unconfirmed`` too:
a person checks the platform and resolves it. Only answers that say nothing was posted (429,
500/503, no connection) queue the reply again. On PostgreSQL the claim is ``FOR UPDATE SKIP
LOCKED``, and on either database the claim is a conditional ``UPDATE … WHERE status = 'queued'``:
two workers never send the same reply.

Rate limits: a 429 (or the platform's own "too much") defers the reply to the reset time the
platform gave, and every other queued reply for that platform with it; the round skips that
platform from then on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from listener.engine.publishing import log_reply, mark_sent, target_of
from listener.settings import Settings
from listener.storage.models import Mention
from listener.storage.publish_models import ReplyPublication
from listener.storage.reply_models import Reply
from publishers.base import Deferred, Outgoing, Published, PublishError, RateLimited, Unconfirmed
from publishers.http import validate
from publishers.registry import get_publisher

log = logging.getLogger(__name__)

BASE_BACKOFF = 60.0  # seconds, doubled per attempt
MAX_BACKOFF = 1800.0
STUCK_AFTER = timedelta(minutes=10)  # a send still "sending" this long: its worker died


@dataclass
class PublishReport:
    published: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    unconfirmed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` transient failures."""
    return timedelta(seconds=min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF))


def publish_due(
    session: Session, client: httpx.Client, settings: Settings, now: datetime, *, limit: int = 50
) -> PublishReport:
    """Send up to ``limit`` due replies, oldest first; commits before and after each request."""
    report = PublishReport()
    session.commit()
    _give_up_stuck(session, now, report)
    blocked: set[str] = set()
    for _ in range(limit):
        pub = _claim(session, now, blocked)
        if pub is None:
            break
        reply = session.get(Reply, pub.reply_id)
        mention = session.get(Mention, reply.mention_id) if reply is not None else None
        if reply is None or mention is None or reply.status != "approved":
            pub.status, pub.last_error = "failed", "the reply is no longer approved"
            report.failed.append(pub.reply_id)
            session.commit()
            continue
        if not _take(session, pub, now):  # another worker took it between our read and our write
            continue
        try:
            done = _send(client, settings, reply, mention, pub)
        except RateLimited as exc:
            retry_at = max(exc.retry_at or now + backoff(1), now)
            _defer(pub, exc.reason, exc.status, retry_at, count=False)
            session.execute(
                update(ReplyPublication)
                .where(ReplyPublication.platform == pub.platform, ReplyPublication.status == "queued",
                       ReplyPublication.next_attempt_at < retry_at)
                .values(next_attempt_at=retry_at)
            )  # fmt: skip
            blocked.add(pub.platform)
            report.deferred.append(reply.id)
        except Deferred as exc:
            if pub.attempts >= settings.publish_attempts:
                _fail(pub, f"gave up after {pub.attempts} attempts: {exc.reason}", exc.status)
                report.failed.append(reply.id)
            else:
                _defer(pub, exc.reason, exc.status, now + backoff(pub.attempts), count=True)
                report.deferred.append(reply.id)
        except Unconfirmed as exc:
            pub.status, pub.last_error = "unconfirmed", exc.reason
            report.unconfirmed.append(reply.id)
        except PublishError as exc:
            _fail(pub, exc.reason, exc.status)
            report.failed.append(reply.id)
        except Exception as exc:  # noqa: BLE001 - a bug after the request may have gone out: never resend
            log.exception("publishing reply %s failed unexpectedly", reply.id)
            pub.status, pub.last_error = (
                "unconfirmed",
                f"unexpected error while sending: {type(exc).__name__}",
            )
            report.unconfirmed.append(reply.id)
        else:
            _published(session, reply, pub, done, now)
            report.published.append(reply.id)
        if pub.status != "published":
            log_reply(session, pub.requested_by, reply, f"reply_publish_{pub.status}", error=pub.last_error)
        session.commit()
    return report


def _send(
    client: httpx.Client, settings: Settings, reply: Reply, mention: Mention, pub: ReplyPublication
) -> Published:
    cls = get_publisher(mention.platform)
    if cls is None:
        raise PublishError(f"no publisher for {mention.platform}")
    validate(cls, reply.text, reply.channel)
    outgoing = Outgoing(
        target=target_of(mention), text=reply.text, channel=reply.channel, key=pub.idempotency_key
    )
    return cls(client, settings).reply(outgoing)


def _published(session: Session, reply: Reply, pub: ReplyPublication, done: Published, now: datetime) -> None:
    mark_sent(session, reply, who=pub.requested_by, external_id=done.external_id, external_url=done.url,
              now=now, platform_sent_at=done.published_at)  # fmt: skip
    pub.status, pub.last_error, pub.last_status_code = "published", None, None
    log_reply(session, pub.requested_by, reply, "reply_sent", external_url=done.url, via=pub.platform)


def _defer(pub: ReplyPublication, reason: str, status: int | None, when: datetime, *, count: bool) -> None:
    pub.status, pub.next_attempt_at, pub.last_error, pub.last_status_code = "queued", when, reason, status
    if not count:
        pub.attempts -= 1  # waiting for a rate-limit window is not a failed attempt


def _fail(pub: ReplyPublication, reason: str, status: int | None) -> None:
    pub.status, pub.last_error, pub.last_status_code = "failed", reason, status


def _claim(session: Session, now: datetime, blocked: set[str]) -> ReplyPublication | None:
    stmt = (
        select(ReplyPublication)
        .where(ReplyPublication.status == "queued", ReplyPublication.next_attempt_at <= now)
        .order_by(ReplyPublication.next_attempt_at, ReplyPublication.id)
        .limit(1)
    )
    if blocked:
        stmt = stmt.where(ReplyPublication.platform.not_in(blocked))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalar(stmt)


def _take(session: Session, pub: ReplyPublication, now: datetime) -> bool:
    """Mark ``pub`` as ``sending`` only if it is still queued (one conditional UPDATE, so two
    workers on either database never both take it) and commit: from here on the reply may reach
    the platform and is never ``queued`` again by itself."""
    taken = session.execute(
        update(ReplyPublication)
        .where(ReplyPublication.id == pub.id, ReplyPublication.status == "queued")
        .values(status="sending", sending_at=now, attempts=ReplyPublication.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    session.refresh(pub)
    return taken == 1


def _give_up_stuck(session: Session, now: datetime, report: PublishReport) -> None:
    """Sends left ``sending`` by a worker that died become ``unconfirmed`` (checked by a person)."""
    stuck = session.scalars(
        select(ReplyPublication).where(
            ReplyPublication.status == "sending", ReplyPublication.sending_at < now - STUCK_AFTER
        )
    ).all()
    for pub in stuck:
        pub.status, pub.last_error = "unconfirmed", "the worker stopped while sending; check the platform"
        report.unconfirmed.append(pub.reply_id)
    session.commit()
