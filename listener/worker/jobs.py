"""What the worker's client-holding jobs share (``Publishing``, ``Pushing``): one long-lived HTTP
client, one transaction per tick, and a failure logged and left to the next tick."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Generic, TypeVar

import httpx
from sqlalchemy.orm import Session, sessionmaker

from listener.settings import Settings
from listener.storage.db import session_scope

log = logging.getLogger(__name__)

R = TypeVar("R")


class ClientJob(Generic[R]):
    """A job body: ``tick`` runs ``run(session, now)`` in one transaction and logs ``summary`` of
    its report; subclasses set ``what`` (for the log) and build ``client``."""

    what = "a worker job"

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, client: httpx.Client) -> None:
        self.sessions = sessions
        self.settings = settings
        self.client = client

    def run(self, session: Session, now: datetime) -> R:
        """One round of the job."""
        raise NotImplementedError

    def summary(self, report: R) -> str | None:
        """A log line for ``report``, or None when nothing happened."""
        return None

    def tick(self, now: datetime | None = None) -> R | None:
        """One round; None when it failed (the database went away: the next tick tries again)."""
        try:
            with session_scope(self.sessions) as session:
                report = self.run(session, now or datetime.now(UTC))
        except Exception:
            log.exception("%s failed", self.what)
            return None
        line = self.summary(report)
        if line:
            log.info("%s", line)
        return report

    def close(self) -> None:
        """Release the HTTP client."""
        self.client.close()
