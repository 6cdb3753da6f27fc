"""Push subscription queries: the subscriptions waiting for their next batch, a subscription locked
for batching, its open batch, its recent batches and their counts per status."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from listener.storage.push_models import OPEN_BATCH, PushBatch, PushSubscription


def open_batches() -> Select[tuple[int]]:
    """The subscription ids that have a batch not yet delivered (a subquery)."""
    return select(PushBatch.subscription_id).where(PushBatch.status.in_(OPEN_BATCH))


def active_ids() -> Select[tuple[int]]:
    """The ids of the active subscriptions (a subquery)."""
    return select(PushSubscription.id).where(PushSubscription.state == "active")


def waiting(session: Session) -> list[int]:
    """Active subscriptions with no batch in flight: the ones a new batch may be written for (one
    at a time per subscription, so batches reach the receiver in order)."""
    stmt = (
        select(PushSubscription.id)
        .where(PushSubscription.state == "active", PushSubscription.id.not_in(open_batches()))
        .order_by(PushSubscription.id)
    )
    return list(session.scalars(stmt))


def lock_for_batching(session: Session, subscription_id: int) -> PushSubscription | None:
    """The subscription, locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL: another worker batching
    it makes this None), when it is still active with no batch in flight; else None."""
    stmt = select(PushSubscription).where(
        PushSubscription.id == subscription_id,
        PushSubscription.state == "active",
        PushSubscription.id.not_in(open_batches()),
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=PushSubscription)
    return session.scalar(stmt)


def open_batch(session: Session, subscription_id: int) -> PushBatch | None:
    """The subscription's batch not yet delivered, if any (there is at most one)."""
    stmt = select(PushBatch).where(
        PushBatch.subscription_id == subscription_id, PushBatch.status.in_(OPEN_BATCH)
    )
    return session.scalar(stmt.order_by(PushBatch.id).limit(1))


def batch_counts(session: Session, subscription_id: int) -> dict[str, int]:
    """How many of the subscription's batches are in each status."""
    rows = session.execute(
        select(PushBatch.status, func.count())
        .where(PushBatch.subscription_id == subscription_id)
        .group_by(PushBatch.status)
    )
    return {status: n for status, n in rows}


def recent_batches(session: Session, subscription_id: int, limit: int) -> list[PushBatch]:
    """The subscription's latest ``limit`` batches, newest first."""
    stmt = (
        select(PushBatch)
        .where(PushBatch.subscription_id == subscription_id)
        .order_by(PushBatch.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
