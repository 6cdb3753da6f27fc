"""The outbox tables' shared columns (``OutboxRow``) and claiming a due row: the notification
outbox (``engine/delivery.py``) and the push batches (``engine/push_delivery.py``) both take their
next row here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from listener.storage.base import UTCDateTime, utcnow

DUE = ("pending", "failed")


class OutboxRow:
    """Mixin: what every outbox row carries: its ``status`` (``pending`` until tried; ``failed``
    is due again at ``next_attempt_at``), ``attempts``, the receiver's ``last_error``, and when it
    was written and sent."""

    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


T = TypeVar("T", bound=OutboxRow)


def claim_due(
    session: Session,
    model: type[T],
    now: datetime,
    *,
    skip: Collection[int] = (),
    ids: list[int] | None = None,
    where: Iterable[Any] = (),
) -> T | None:
    """The ``model`` row (an ``OutboxRow`` table with an ``id``) that is due
    (pending or failed, ``next_attempt_at <= now``) and has waited longest; not one of ``skip``,
    one of ``ids`` when given, matching every ``where`` condition. On PostgreSQL the row is locked
    ``FOR UPDATE SKIP LOCKED``: several workers never take the same one."""
    m: Any = model
    stmt = (
        select(model)
        .where(m.status.in_(DUE), m.next_attempt_at <= now, *where)
        .order_by(m.next_attempt_at, m.id)
        .limit(1)
    )
    if skip:
        stmt = stmt.where(m.id.not_in(skip))
    if ids is not None:
        stmt = stmt.where(m.id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalar(stmt)
