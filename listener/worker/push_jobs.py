"""The worker's push job: every ``LISTENER_PUSH_POLL_SECONDS``, write the new batches of the
webhook subscriptions and deliver them (``engine/push_delivery.py``) with one long-lived guarded
HTTP client (the outbound-address policy is checked on every connection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from listener.engine.delivery import outbound_client
from listener.engine.push_delivery import PushReport, push_round
from listener.settings import Settings
from listener.worker.jobs import ClientJob


class Pushing(ClientJob[PushReport]):
    """Pushes new mentions to the subscriptions' receivers; errors are logged, retried next tick."""

    what = "pushing mentions"

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(sessions, settings, outbound_client(settings))

    def run(self, session: Session, now: datetime) -> PushReport:
        """Batch and deliver."""
        return push_round(session, self.client, self.settings, now)

    def summary(self, report: PushReport) -> str | None:
        """Counts of what happened, when anything did."""
        if not (report.queued or report.sent or report.retried or report.paused):
            return None
        return (
            f"push: {report.queued} batch(es) queued, {len(report.sent)} sent, "
            f"{len(report.retried)} to retry, {len(report.paused)} subscription(s) paused"
        )
