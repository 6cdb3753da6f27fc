"""The worker's publish job: every few seconds, send the due replies of the publish queue
(``engine/publish_run.py``) with one long-lived guarded HTTP client."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from listener.engine.publish_run import PublishReport, publish_due
from listener.settings import Settings
from listener.worker.jobs import ClientJob
from publishers.http import make_client

PUBLISH_SECONDS = 5.0


class Publishing(ClientJob[PublishReport]):
    """Sends approved replies queued for their platform; errors are logged and retried next tick."""

    what = "publishing replies"

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(sessions, settings, make_client(settings))

    def run(self, session: Session, now: datetime) -> PublishReport:
        """Publish what is due."""
        return publish_due(session, self.client, self.settings, now)

    def summary(self, report: PublishReport) -> str | None:
        """Counts of what happened, when anything did."""
        if not (report.published or report.deferred or report.unconfirmed or report.failed):
            return None
        return (
            f"replies: {len(report.published)} published, {len(report.deferred)} deferred, "
            f"{len(report.unconfirmed)} unconfirmed, {len(report.failed)} failed"
        )
