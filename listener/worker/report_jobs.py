"""The worker's report job: every minute, queue the scheduled reports that are due
(``reporting.schedule``); the outbox job sends them like any other message."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from listener.reporting import schedule
from listener.settings import Settings
from listener.storage.db import session_scope

log = logging.getLogger(__name__)

REPORT_TICK_SECONDS = 60.0


def queue_reports(sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> int:
    """Queue the due reports (each schedule, period and language once); returns how many."""
    with session_scope(sessions) as session:
        rows = schedule.queue_due(session, now or datetime.now(UTC), settings)
    if rows:
        log.info("reports: %d scheduled report(s) queued", len(rows))
    return len(rows)


def report_round(sessions: sessionmaker[Session], settings: Settings) -> None:
    """The minute job: errors are logged and the next tick tries again."""
    try:
        queue_reports(sessions, settings)
    except Exception:  # the database went away or a report failed to render: retried next tick
        log.exception("queueing scheduled reports failed")
