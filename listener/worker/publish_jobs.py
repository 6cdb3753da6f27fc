"""The worker's publish job: every few seconds, send the due replies of the publish queue
(``engine/publish_run.py``) with one long-lived guarded HTTP client."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from listener.engine.publish_run import PublishReport, publish_due
from listener.settings import Settings
from listener.storage.db import session_scope
from publishers.http import make_client

log = logging.getLogger(__name__)

PUBLISH_SECONDS = 5.0


class Publishing:
    """Sends approved replies queued for their platform; errors are logged and retried next tick."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self.client = make_client(self.settings)

    def tick(self, now: datetime | None = None) -> PublishReport | None:
        """One round of the queue; None when the database could not be reached."""
        try:
            with session_scope(self.sessions) as session:
                report = publish_due(session, self.client, self.settings, now or datetime.now(UTC))
        except Exception:  # the database went away: the next tick tries again
            log.exception("publishing replies failed")
            return None
        if report.published or report.deferred or report.unconfirmed or report.failed:
            log.info(
                "replies: %d published, %d deferred, %d unconfirmed, %d failed",
                len(report.published), len(report.deferred), len(report.unconfirmed), len(report.failed),
            )  # fmt: skip
        return report

    def close(self) -> None:
        """Release the HTTP client."""
        self.client.close()
