"""Push subscriptions: their checks when saved, their signing secrets, pausing and resuming, and
writing their batches (``engine/push_delivery.py`` sends them).

Batches follow the mention stream (``storage/stream.py``): positions are given in commit order, so
a subscription that reads "after my cursor" never skips a mention that committed late, as mention
ids could. For each active subscription with no batch in flight, the mentions after its cursor that
match its filter (the feed's own query, ``storage.mentions.apply_filter``) are written as ONE batch
of at most ``LISTENER_PUSH_BATCH``, in stream order, with the idempotency key
``push-<subscription>-<first position>-<last position>``, in the transaction that moves the
cursor past them. One batch in flight per subscription keeps them in order at the receiver; a
receiver that is down holds its subscription's cursor back instead of piling up batches.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DataError, StatementError
from sqlalchemy.orm import Session

from listener.errors import ListenerError, Unprocessable
from listener.filter_strings import filters_from_string
from listener.pipeline.feed import mention_reads
from listener.settings import Settings
from listener.storage.push import lock_for_batching, open_batch, waiting
from listener.storage.push_models import PushBatch, PushSubscription
from listener.storage.stream import between, head, number_new
from outbound.policy import OutboundPolicy, check_url

log = logging.getLogger(__name__)

EVENT = "mentions"  # the X-Listener-Event header of a push
REASON_LENGTH = 500


def new_secret() -> str:
    """A fresh signing secret (256 random bits)."""
    return "whsec_" + secrets.token_urlsafe(32)


def batch_key(subscription_id: int, first: int, last: int) -> str:
    """The idempotency key of the batch of stream positions ``first``..``last``."""
    return f"push-{subscription_id}-{first}-{last}"


def check_target(url: str, policy: OutboundPolicy) -> str:
    """The receiver URL when the outbound-address ``policy`` allows it (http(s), no loopback,
    private or metadata address unless ``LISTENER_OUTBOUND_ALLOW`` lists it); 422 naming ``url``."""
    try:
        return check_url(url.strip(), policy)
    except ValueError as exc:  # AddressRefused, or a URL urllib cannot split ("http://[::1")
        raise Unprocessable(f"url: {exc}", details=[{"field": "url", "message": str(exc)}]) from None


def check_filter(session: Session, query: str) -> str:
    """The filter as stored, when the feed would accept it and its brand (or incident) exists;
    422 naming ``filter.<parameter>`` otherwise."""
    stored = query.strip().removeprefix("?")
    found = filters_from_string(stored)
    try:
        between(session, 0, 0, found.resolve(session), 1)  # it runs: its values fit the database
    except ListenerError as exc:  # an unknown brand or incident
        raise Unprocessable(f"filter: {exc.message}", details=[{"field": "filter"}]) from None
    except (StatementError, OverflowError) as exc:
        if not unstorable(exc):
            raise
        raise Unprocessable("filter: a value is out of range", details=[{"field": "filter"}]) from None
    return stored


def unstorable(exc: Exception) -> bool:
    """True when the database refused a value (out of range, not storable), not the connection."""
    return isinstance(exc, DataError | OverflowError) or isinstance(getattr(exc, "orig", None), OverflowError)


def start_position(session: Session) -> int:
    """Where a new subscription starts: after every mention stored so far (numbered first)."""
    number_new(session)
    return head(session)


def pause(sub: PushSubscription, reason: str) -> None:
    """Stop pushing to ``sub``; ``reason`` is shown in the API until it is resumed."""
    sub.state, sub.paused_reason = "paused", reason[:REASON_LENGTH]
    log.warning("push subscription %s paused: %s", sub.id, sub.paused_reason)


def resume(session: Session, sub: PushSubscription, now: datetime) -> None:
    """Push to ``sub`` again: its failures are forgotten and the batch it was stuck on (if any) is
    due at once, with the same idempotency key."""
    sub.state, sub.paused_reason, sub.failures = "active", None, 0
    batch = open_batch(session, sub.id)
    if batch is not None:
        batch.next_attempt_at = now


def payload(sub: PushSubscription, key: str, mentions: list[dict[str, Any]]) -> dict[str, Any]:
    """What a batch says: the subscription, the batch's key and the mentions as the feed shows them."""
    return {"subscription": sub.id, "batch": key, "mentions": mentions}


def _batch_one(session: Session, sub: PushSubscription, settings: Settings, now: datetime) -> bool:
    try:
        f = filters_from_string(sub.filter).resolve(session)
    except ListenerError as exc:  # its brand (or incident) was deleted since it was saved
        pause(sub, f"the filter no longer works: {exc.message}")
        return False
    top = head(session)
    if top <= sub.cursor:
        return False
    rows = between(session, sub.cursor, top, f, settings.push_batch)
    full = len(rows) == settings.push_batch
    if not rows:
        sub.cursor = top  # nothing up to ``top`` matches: never look at those again
        return False
    first, last = int(rows[0].stream_seq or 0), int(rows[-1].stream_seq or 0)
    key = batch_key(sub.id, first, last)
    items = [read.model_dump(mode="json") for read in mention_reads(session, rows)]
    session.add(
        PushBatch(
            subscription_id=sub.id,
            idempotency_key=key,
            first=first,
            last=last,
            count=len(rows),
            payload=payload(sub, key, items),
            status="pending",
            attempts=0,
            next_attempt_at=now,
        )
    )
    sub.cursor = last if full else top
    return True


def queue_batches(session: Session, settings: Settings, now: datetime) -> int:
    """Number the new mentions, then write the next batch of every active subscription with none
    in flight (each in its own transaction with its cursor, committed here); returns how many."""
    number_new(session)
    queued = 0
    for subscription_id in waiting(session):
        try:
            sub = lock_for_batching(session, subscription_id)
            if sub is not None and _batch_one(session, sub, settings, now):
                queued += 1
            session.commit()
        except (StatementError, OverflowError) as exc:  # a value the database refuses: this one stops
            session.rollback()
            if not unstorable(exc):
                raise
            sub = session.get(PushSubscription, subscription_id)
            if sub is not None:
                pause(sub, "the filter cannot be run: a value is out of range")
            session.commit()
    return queued
