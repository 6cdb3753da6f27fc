"""Source leases: ``claim_due`` / ``claim_sources`` lease sources to one worker (compare-and-set, and
``FOR UPDATE SKIP LOCKED`` on PostgreSQL) so several workers never run one source twice; ``hold``
re-checks the lease when the run's results are written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from listener.storage.models import BLOCKED_STATUSES, Source

LEASE_SECONDS = 600


def _lease_free(now: datetime) -> Any:
    return or_(
        Source.lease_owner.is_(None), Source.lease_expires_at.is_(None), Source.lease_expires_at <= now
    )


def claim_due(
    session: Session, *, worker: str, now: datetime, lease_seconds: float = LEASE_SECONDS, limit: int = 10
) -> list[int]:
    """Lease up to ``limit`` due sources to ``worker``; returns their ids (the caller commits)."""
    due = and_(
        Source.enabled.is_(True),
        Source.status.not_in(BLOCKED_STATUSES),
        or_(Source.next_run_at.is_(None), Source.next_run_at <= now),
    )
    return _claim(session, due, worker=worker, now=now, lease_seconds=lease_seconds, limit=limit)


def claim_sources(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease_seconds: float = LEASE_SECONDS,
    source_ids: Iterable[int] | None = None,
    exclude: Iterable[int] = (),
    limit: int = 1,
) -> list[int]:
    """Lease sources whatever their schedule (``collect --once``): every enabled source that is not
    paused or waiting for credentials, or exactly ``source_ids`` (enabled, any status); never the
    ids in ``exclude``."""
    if source_ids is None:
        cond = and_(Source.enabled.is_(True), Source.status.not_in(BLOCKED_STATUSES))
    else:
        cond = and_(Source.enabled.is_(True), Source.id.in_(list(source_ids)))
    skip = list(exclude)
    if skip:
        cond = and_(cond, Source.id.not_in(skip))
    return _claim(session, cond, worker=worker, now=now, lease_seconds=lease_seconds, limit=limit)


def _claim(
    session: Session, cond: Any, *, worker: str, now: datetime, lease_seconds: float, limit: int
) -> list[int]:
    stmt = (
        select(Source.id)
        .where(cond, _lease_free(now))
        .order_by(Source.next_run_at.asc().nulls_first(), Source.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    candidates = list(session.scalars(stmt))
    expires = now + timedelta(seconds=lease_seconds)
    claimed = []
    for source_id in candidates:
        # compare-and-set: the UPDATE (on SQLite it takes the write lock) re-checks it all
        res = session.execute(
            update(Source)
            .where(Source.id == source_id, cond, _lease_free(now))
            .values(lease_owner=worker, lease_expires_at=expires)
            .execution_options(synchronize_session=False)
        )
        if res.rowcount == 1:
            claimed.append(source_id)
    return claimed


def hold(session: Session, *, source_id: int, worker: str, now: datetime) -> Source | None:
    """Open the write transaction with a guard UPDATE; the source if ``worker`` still holds it."""
    res = session.execute(
        update(Source)
        .where(Source.id == source_id, Source.lease_owner == worker)
        .values(last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    if res.rowcount != 1:
        return None
    return session.get(Source, source_id, populate_existing=True)
