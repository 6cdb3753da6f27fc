"""The delivery log: every notification with its status, and a resend by hand for the ones that did
not arrive for sure (``unconfirmed``: sent, the answer timed out) or at all (``failed``, ``dead``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from listener.deps import Manager, OutboundDep, SessionDep, Viewer
from listener.engine import delivery
from listener.errors import Conflict, Unprocessable
from listener.schemas.alerts import NotificationRead
from listener.storage.alert_models import NOTIFICATION_STATUSES
from listener.storage.audit import record
from listener.storage.lookup import get_or_404, where_given
from listener.storage.models import Notification

router = APIRouter(tags=["alerts"])


@router.get("/notifications", summary="Delivery log: every notification with its status, newest first")
def list_notifications(
    session: SessionDep,
    _: Viewer,
    status: Annotated[str | None, Query(description="one of: " + ", ".join(NOTIFICATION_STATUSES))] = None,
    channel_id: int | None = None,
    incident_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[NotificationRead]:
    if status is not None and status not in NOTIFICATION_STATUSES:
        raise Unprocessable(
            f"unknown status {status!r}; use one of {', '.join(NOTIFICATION_STATUSES)}",
            details=[{"field": "status", "message": "unknown status"}],
        )
    stmt = where_given(
        select(Notification).order_by(Notification.id.desc()).limit(limit),
        (Notification.status, status),
        (Notification.channel_id, channel_id),
        (Notification.incident_id, incident_id),
    )
    return [NotificationRead.model_validate(n) for n in session.scalars(stmt)]


@router.post(
    "/notifications/{notification_id}/resend",
    summary="Resend an unconfirmed, failed or dead notification now (by hand; audited)",
    description="An `unconfirmed` notification was sent but its answer timed out, so it may have "
    "arrived: Listener never resends it on its own. Look at the channel first; a resend may show the "
    "message twice. Returns the notification after the attempt (409 for pending or sent ones).",
)
def resend_notification(
    notification_id: int, session: SessionDep, client: OutboundDep, who: Manager
) -> NotificationRead:
    n = get_or_404(session, Notification, notification_id, "notification", lock=True)
    now = datetime.now(UTC)
    try:
        before = delivery.resend(n, now)
    except ValueError as exc:
        raise Conflict(str(exc)) from None
    changes = {"status": [before, "pending"], "channel_id": n.channel_id}
    record(session, actor=who.name, entity="notification", entity_id=n.id, action="resend", changes=changes)
    delivery.deliver_pending(session, client, now, ids=[n.id], sleep=lambda _: None)
    session.refresh(n)
    return NotificationRead.model_validate(n)
