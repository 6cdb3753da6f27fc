"""Deliver push batches: claim a due batch, POST it signed, record the answer, commit; repeat.

The POST is the generic webhook's (``alerts.notifiers.webhook``): the exact body bytes, signed
with HMAC-SHA256 under the subscription's secret (``X-Listener-Signature: sha256=<hex>``), with
``Idempotency-Key`` (the batch's key, the same on every attempt) and ``X-Listener-Event:
mentions``. 2xx: sent. 408, 429, 5xx, no connection: retried with the outbox's backoff
(``Retry-After`` honoured). A timeout after sending: retried too, with the same key (the receiver
that got it the first time drops the repeat). Each failed attempt counts against the subscription;
``LISTENER_PUSH_MAX_FAILURES`` in a row pause it with the last answer as the reason. An answer
retrying cannot help (another 4xx, an address the outbound policy refuses at connect time) pauses
it at once. A paused subscription's batch waits, unsent, until it is resumed.

Exactly once per batch: the batch row is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and
marked in the transaction committed right after the send, like the notification outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy.orm import Session

from alerts.notifiers.base import Outcome
from alerts.notifiers.webhook import body, post_signed
from listener.engine.delivery import backoff
from listener.engine.push import EVENT, pause, queue_batches
from listener.settings import Settings
from listener.storage.claims import claim_due
from listener.storage.push import active_ids
from listener.storage.push_models import PushBatch, PushSubscription

log = logging.getLogger(__name__)

ROUNDS = 20  # batch-and-deliver rounds per worker tick: a backlog drains without waiting a tick


@dataclass
class PushReport:
    queued: int = 0
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    paused: list[int] = field(default_factory=list)  # subscription ids


def send_batch(client: httpx.Client, sub: PushSubscription, batch: PushBatch, timeout: float) -> Outcome:
    """POST one batch to its subscription's receiver, signed (see the module docstring)."""
    data = body(batch.payload or {}, batch.idempotency_key)
    return post_signed(
        client, sub.url, data, key=batch.idempotency_key, event=EVENT, secret=sub.secret, timeout=timeout
    )


def record(
    sub: PushSubscription, batch: PushBatch, outcome: Outcome, now: datetime, max_failures: int
) -> str:
    """Write ``outcome`` on the batch and its subscription; returns ``sent``, ``retry`` or
    ``paused``. A sent batch keeps its key and positions, not its body."""
    if outcome.status == "sent":
        at = datetime.now(UTC)
        batch.status, batch.sent_at, batch.last_error, batch.payload = "sent", at, None, None
        sub.failures, sub.last_error, sub.last_delivered_at = 0, None, at
        return "sent"
    error = outcome.error or outcome.status
    batch.status, batch.last_error = "failed", error
    sub.failures, sub.last_error = (sub.failures or 0) + 1, error
    if outcome.status == "dead":  # retrying cannot help: a person fixes the receiver, then resumes
        batch.next_attempt_at = now
        pause(sub, f"the receiver refused batch {batch.idempotency_key} (not retried): {error}")
        return "paused"
    batch.next_attempt_at = now + backoff(batch.attempts or 0, outcome.retry_after)
    if sub.failures >= max_failures:
        pause(sub, f"{sub.failures} failed attempts in a row; the last: {error}")
        return "paused"
    return "retry"


def deliver_batches(
    session: Session, client: httpx.Client, settings: Settings, now: datetime, *, limit: int = 100
) -> PushReport:
    """Send up to ``limit`` due batches of active subscriptions, oldest first; commits after each."""
    report = PushReport()
    skip: set[int] = set()
    session.commit()  # start from a clean transaction: each claim is its own
    for _ in range(limit):
        batch = claim_due(
            session, PushBatch, now, skip=skip, where=[PushBatch.subscription_id.in_(active_ids())]
        )
        if batch is None:
            break
        sub = session.get(PushSubscription, batch.subscription_id)
        if sub is None:  # deleted while claimed: the batch went with it
            session.commit()
            continue
        batch.attempts = (batch.attempts or 0) + 1
        outcome = send_batch(client, sub, batch, settings.push_timeout_seconds)
        result = record(sub, batch, outcome, now, settings.push_max_failures)
        if result == "sent":
            report.sent.append(batch.id)
        elif result == "paused":
            report.paused.append(sub.id)
        else:
            report.retried.append(batch.id)
            skip.add(batch.id)
        session.commit()
    return report


def push_round(
    session: Session, client: httpx.Client, settings: Settings, now: datetime | None = None
) -> PushReport:
    """Write the next batches, deliver what is due, and again while batches went out (at most
    ``ROUNDS`` times): the worker's push job."""
    report = PushReport()
    for _ in range(ROUNDS):
        at = now or datetime.now(UTC)
        report.queued += queue_batches(session, settings, at)
        done = deliver_batches(session, client, settings, at)
        report.sent += done.sent
        report.retried += done.retried
        report.paused += done.paused
        if not done.sent:
            break
    return report
