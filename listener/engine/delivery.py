"""Deliver the notification outbox: claim one due row, send it, record the outcome, commit; repeat.

Exactly once: a row is written in the transaction that changed the incident, so a crash before the
send loses nothing (the row stays ``pending``); it is marked ``sent`` in the transaction that claimed
it, committed right after the send, so a restart never sends it again. On PostgreSQL the claim is
``FOR UPDATE SKIP LOCKED``: several workers never send the same row. The only window left is a crash
between the remote accepting the message and our commit; the idempotency key travels with the
message (webhook ``Idempotency-Key``, email ``Message-ID``) so the receiver can drop that repeat.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from alerts.notifiers import Outcome, email, slack, webhook
from collectors.settings import CollectorSettings
from listener.storage.models import Channel, Notification
from outbound.http import GuardedClient, guarded_client, policy_of

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
BASE_BACKOFF = 30.0  # seconds, doubled per attempt
MAX_BACKOFF = 300.0  # a channel that was down is retried within 5 minutes of coming back
MAX_RETRY_AFTER = 3600.0
SLACK_MIN_GAP = 1.0  # at most one message a second per Slack webhook
SLACK_LOCK = 4243  # advisory lock namespace: (SLACK_LOCK, channel id) while a Slack message is sent


class SlackPacer:
    """At most one message a second per Slack webhook URL, across delivery rounds in this process
    (a backlog after an outage drains at Slack's rate instead of bursting at each round's start)."""

    def __init__(self, gap: float = SLACK_MIN_GAP) -> None:
        self.gap = gap
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str, sleep: Callable[[float], None], at_least: float = 0.0) -> None:
        """Sleep until ``url`` may take the next message (a second after its last one, and at
        least ``at_least`` seconds)."""
        with self._lock:
            last = self._last.get(url)
            pause = at_least if last is None else max(at_least, self.gap - (time.monotonic() - last))
            if pause > 0:
                sleep(pause)
            self._last[url] = time.monotonic()


SLACK_PACER = SlackPacer()


def outbound_client(settings: CollectorSettings) -> GuardedClient:
    """The outbox's HTTP client: a 10 s timeout, and the outbound-address policy of ``settings``
    checked on every connection (and handed to the SMTP sender through the client)."""
    return guarded_client(settings.outbound_policy(), timeout=10.0, user_agent="listener-alerts")


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)


def send_one(client: httpx.Client, channel: Channel, notification: Notification) -> Outcome:
    """Hand one outbox row to its channel's notifier."""

    config: dict[str, Any] = dict(channel.config or {})
    key = notification.idempotency_key
    payload = notification.payload or {}
    if channel.type == "slack":
        return slack.send(client, config, payload, key=key)
    if channel.type == "webhook":
        return webhook.send(client, config, payload, key=key)
    if channel.type == "email":
        return email.send(config, payload, key=key, channel_id=channel.id, policy=policy_of(client))
    return Outcome("dead", f"unknown channel type {channel.type!r}")


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """When to try again after ``attempts`` failures (``Retry-After`` wins when the server gave one)."""
    if retry_after is not None:
        return timedelta(seconds=min(retry_after, MAX_RETRY_AFTER))
    return timedelta(seconds=min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF))


def _claim(session: Session, now: datetime, skip: set[int], ids: list[int] | None) -> Notification | None:
    stmt = (
        select(Notification)
        .where(Notification.status.in_(("pending", "failed")), Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(1)
    )
    if skip:
        stmt = stmt.where(Notification.id.not_in(skip))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalar(stmt)


def _pace_slack(session: Session, channel: Channel, sleep: Callable[[float], None]) -> None:
    """One message a second per Slack webhook: within this process (``SLACK_PACER``) and, on
    PostgreSQL, across workers: the channel's advisory lock, held until this message's commit,
    lets one sender at a time through, and the channel's last send time in the outbox says how
    long that sender still waits."""
    elsewhere = 0.0  # how long another worker's last message to this channel still asks for
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": SLACK_LOCK, "b": channel.id})
        recent = session.scalars(
            select(Notification.sent_at)
            .where(Notification.channel_id == channel.id, Notification.sent_at.is_not(None))
            .order_by(Notification.id.desc())
            .limit(20)
        ).all()
        if recent:
            elsewhere = SLACK_MIN_GAP - (datetime.now(UTC) - max(recent)).total_seconds()
    SLACK_PACER.wait(str((channel.config or {}).get("webhook_url")), sleep, min(elsewhere, SLACK_MIN_GAP))


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
    each one. ``sleep`` paces Slack webhooks to one message a second (``SLACK_PACER``)."""
    report = DeliveryReport()
    skip: set[int] = set()
    session.commit()  # start from a clean transaction: each claim is its own
    for _ in range(limit):
        n = _claim(session, now, skip, ids)
        if n is None:
            break
        channel = session.get(Channel, n.channel_id)
        if channel is None or not channel.enabled:
            n.status, n.last_error = "dead", "channel disabled or deleted"
            report.dead.append(n.id)
            session.commit()
            continue
        if channel.type == "slack":
            _pace_slack(session, channel, sleep)
        outcome = send_one(client, channel, n)
        n.attempts = (n.attempts or 0) + 1
        if outcome.status == "sent":
            n.status, n.sent_at, n.last_error = "sent", datetime.now(UTC), None
            report.sent.append(n.id)
        elif outcome.status == "retry" and n.attempts < MAX_ATTEMPTS:
            n.status, n.last_error = "failed", outcome.error
            n.next_attempt_at = now + backoff(n.attempts, outcome.retry_after)
            report.retried.append(n.id)
            skip.add(n.id)
        else:
            n.status, n.last_error = "dead", outcome.error
            report.dead.append(n.id)
            log.warning("notification %s to channel %s is dead: %s", n.id, channel.id, outcome.error)
        session.commit()
    return report


def queue_test(session: Session, channel: Channel, now: datetime) -> Notification:
    """An outbox row with a test message for ``channel`` (no incident)."""

    payload = {
        "incident_id": None,
        "kind": "test",
        "rule": {"id": None, "name": "test message", "type": "test"},
        "severity": "info",
        "status": "test",
        "brand": None,
        "summary": f"Test message from Listener to channel {channel.name!r}",
        "value": 0,
        "expected": None,
        "score": None,
        "peak_value": 0,
        "first_seen": now.isoformat(),
        "last_seen": now.isoformat(),
        "resolved_at": None,
        "evidence": {},
        "samples": [],
        "incident_url": "",
        "feed_url": "",
        "page_url": "",
    }
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
