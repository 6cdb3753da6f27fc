"""Queueing an outbox row once: a scheduled message (a daily digest, a report) is keyed by its
idempotency key, so a second run of the scheduler, or a second worker, never queues it twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from listener.storage.models import Notification

log = logging.getLogger(__name__)


def queue_once(
    session: Session,
    *,
    key: str,
    channel_id: int,
    kind: str,
    payload: Callable[[], dict[str, Any]],
    now: datetime,
) -> Notification | None:
    """Add a pending outbox row (no incident) under idempotency ``key``, due at ``now``, unless a row
    with that key exists; ``payload`` is built only when the row is new. None when the key was taken
    already, or another worker queued it first (its insert won; the savepoint is rolled back)."""
    if session.scalar(select(Notification.id).where(Notification.idempotency_key == key)):
        return None
    row = Notification(
        incident_id=None,
        channel_id=channel_id,
        kind=kind,
        payload=payload(),
        idempotency_key=key,
        status="pending",
        attempts=0,
        next_attempt_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another worker queued it first
        log.info("%s %s was queued by another worker", kind, key)
        return None
    return row
