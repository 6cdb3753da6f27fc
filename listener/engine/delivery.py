"""Deliver the notification outbox: claim one due row, send it, record the outcome, commit; repeat.

Exactly once: a row is written in the transaction that changed the incident, so a crash before the
send loses nothing (the row stays ``pending``); it is marked ``sent`` in the transaction that claimed
it, committed right after the send, so a restart never sends it again. On PostgreSQL the claim is
``FOR UPDATE SKIP LOCKED``: several workers never send the same row.

Never twice: when the request went out and the answer did not come (a timeout after sending), the
message may have arrived. A notifier whose receiver drops repeats by their idempotency key
(``idempotent``: webhooks, ``Idempotency-Key``) is retried with the same key; any other (Slack,
email) is marked ``unconfirmed`` and only resent by a person (``resend``, ``POST
/api/v1/notifications/{id}/resend``).

Each channel type's notifier, config and pacing come from ``alerts.notifiers.NOTIFIERS``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from alerts.notifiers import NOTIFIERS, Message, Notifier, NotifierConfig, Outcome
from alerts.notifiers.pacing import Pacer
from alerts.notifiers.rendering import channel_test_payload
from collectors.settings import CollectorSettings
from listener.storage.claims import claim_due
from listener.storage.models import Channel, Notification
from outbound.http import GuardedClient, guarded_client

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
BASE_BACKOFF = 30.0  # seconds, doubled per attempt
MAX_BACKOFF = 300.0  # a channel that was down is retried within 5 minutes of coming back
MAX_RETRY_AFTER = 3600.0
PACE_LOCK = 4243  # advisory lock namespace: (PACE_LOCK, channel id) while a paced message is sent
RESENDABLE = ("unconfirmed", "failed", "dead")
PACER = Pacer()  # this process's pacing memory (across delivery rounds)


def outbound_client(settings: CollectorSettings) -> GuardedClient:
    """The outbox's HTTP client: a 10 s timeout, and the outbound-address policy of ``settings``
    checked on every connection (and handed to the SMTP sender through the client). Built once by
    the caller (the app at start-up, the worker, the CLI) and passed in."""
    return guarded_client(settings.outbound_policy(), timeout=10.0, user_agent="listener-alerts")


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    unconfirmed: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)


def notifier_for(channel: Channel) -> tuple[Notifier, NotifierConfig] | Outcome:
    """The channel's notifier and its parsed config, or the dead Outcome saying why not."""
    notifier = NOTIFIERS.get(channel.type)
    if notifier is None:
        return Outcome("dead", f"unknown channel type {channel.type!r}")
    try:
        return notifier, notifier.Config.stored(channel.config or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return Outcome("dead", f"channel config is invalid: config.{where}: {first['msg']}")


def send_one(client: httpx.Client, channel: Channel, notification: Notification) -> Outcome:
    """Hand one outbox row to its channel's notifier (no pacing)."""
    found = notifier_for(channel)
    if isinstance(found, Outcome):
        return found
    notifier, config = found
    return notifier.send(client, config, _message(channel, notification))


def _message(channel: Channel, notification: Notification) -> Message:
    return Message(notification.payload or {}, notification.idempotency_key, channel.id)


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """When to try again after ``attempts`` failures (``Retry-After`` wins when the server gave one)."""
    if retry_after is not None:
        return timedelta(seconds=min(retry_after, MAX_RETRY_AFTER))
    return timedelta(seconds=min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF))


def _pace(
    session: Session,
    channel: Channel,
    notifier: Notifier,
    config: NotifierConfig,
    sleep: Callable[[float], None],
) -> None:
    """The notifier's pacing (``Pacing.min_gap`` between two messages to one receiver): within this
    process (``PACER``) and, on PostgreSQL, across workers: the channel's advisory lock, held until
    this message's commit, lets one sender at a time through, and the channel's last send time in
    the outbox says how long that sender still waits."""
    gap = notifier.pacing.min_gap
    if gap <= 0:
        return
    elsewhere = 0.0  # how long another worker's last message to this channel still asks for
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": PACE_LOCK, "b": channel.id})
        recent = session.scalars(
            select(Notification.sent_at)
            .where(Notification.channel_id == channel.id, Notification.sent_at.is_not(None))
            .order_by(Notification.id.desc())
            .limit(20)
        ).all()
        if recent:
            elsewhere = gap - (datetime.now(UTC) - max(recent)).total_seconds()
    field_name = notifier.pacing.key_field
    receiver = getattr(config, field_name) if field_name else channel.id
    PACER.wait((channel.type, receiver), gap, sleep, min(elsewhere, gap))


def deliver_pending(
    session: Session,
    client: httpx.Client,
    now: datetime,
    *,
    limit: int = 100,
    sleep: Callable[[float], None] = time.sleep,
    ids: list[int] | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` due notifications (only ``ids`` if given), oldest first; commits after
    each one. ``sleep`` waits out each notifier's pacing (Slack: one message a second)."""
    report = DeliveryReport()
    skip: set[int] = set()
    session.commit()  # start from a clean transaction: each claim is its own
    for _ in range(limit):
        n = claim_due(session, Notification, now, skip=skip, ids=ids)
        if n is None:
            break
        channel = session.get(Channel, n.channel_id)
        if channel is None or not channel.enabled:
            _record(n, Outcome("dead", "channel disabled or deleted"), now, report, idempotent=False)
            session.commit()
            continue
        found = notifier_for(channel)
        if isinstance(found, Outcome):
            _record(n, found, now, report, idempotent=False)
        else:
            notifier, config = found
            _pace(session, channel, notifier, config, sleep)
            n.attempts = (n.attempts or 0) + 1
            outcome = notifier.send(client, config, _message(channel, n))
            _record(n, outcome, now, report, idempotent=notifier.idempotent)
        if n.status == "failed":
            skip.add(n.id)
        session.commit()
    return report


def _record(
    n: Notification, outcome: Outcome, now: datetime, report: DeliveryReport, *, idempotent: bool
) -> None:
    """Write ``outcome`` on the row: sent; unconfirmed (retried only when a repeat is harmless);
    failed with its next attempt; or dead."""
    status = outcome.status
    if status == "unconfirmed" and idempotent:
        status = "retry"  # the receiver drops the repeat by its idempotency key
    if status == "sent":
        n.status, n.sent_at, n.last_error = "sent", datetime.now(UTC), None
        report.sent.append(n.id)
    elif status == "unconfirmed":
        n.status, n.sent_at, n.last_error = "unconfirmed", datetime.now(UTC), outcome.error
        report.unconfirmed.append(n.id)
        log.warning("notification %s to channel %s is unconfirmed: %s", n.id, n.channel_id, outcome.error)
    elif status == "retry" and (n.attempts or 0) < MAX_ATTEMPTS:
        n.status, n.last_error = "failed", outcome.error
        n.next_attempt_at = now + backoff(n.attempts or 0, outcome.retry_after)
        report.retried.append(n.id)
    else:
        n.status, n.last_error = "dead", outcome.error
        report.dead.append(n.id)
        log.warning("notification %s to channel %s is dead: %s", n.id, n.channel_id, outcome.error)


def resend(n: Notification, now: datetime) -> str:
    """Make an unconfirmed, failed or dead notification due again now (by hand: a person decided
    a repeat is acceptable); returns its previous status. Raises ValueError for any other."""
    if n.status not in RESENDABLE:
        raise ValueError(
            f"notification {n.id} is {n.status}; only {', '.join(RESENDABLE)} notifications are resent"
        )
    before = n.status
    n.status, n.next_attempt_at = "pending", now
    return before


def queue_test(session: Session, channel: Channel, now: datetime) -> Notification:
    """An outbox row with a test message for ``channel`` (no incident)."""

    payload = channel_test_payload(channel.name, now)
    n = Notification(
        incident_id=None,
        channel_id=channel.id,
        kind="test",
        payload=payload,
        idempotency_key=f"test-{channel.id}-{uuid.uuid4().hex}",
        status="pending",
        attempts=0,
        next_attempt_at=now,
    )
    session.add(n)
    session.flush()
    return n
