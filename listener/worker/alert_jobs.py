"""Job bodies for the worker's alert engine: evaluate windowed rules, queue due daily digests, then
deliver the outbox. Each owns its sessions (one transaction per evaluation; one per message)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from listener.engine import delivery, digest, evaluation
from listener.engine.delivery import outbound_client
from listener.settings import Settings
from listener.storage.db import session_scope

log = logging.getLogger(__name__)


def evaluate_rules(
    sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None
) -> evaluation.EvaluationReport:
    """One evaluation round (every minute): incidents and their outbox rows, committed together."""
    with session_scope(sessions) as session:
        report = evaluation.evaluate(session, now or datetime.now(UTC), settings=settings)
    if report.opened or report.escalated or report.resolved:
        log.info(
            "alerts: %d opened, %d escalated, %d resolved, %d notification(s) queued",
            len(report.opened),
            len(report.escalated),
            len(report.resolved),
            report.notifications,
        )
    return report


def queue_digests(sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> int:
    """Queue the daily digests that are due (each channel and day once); returns how many."""

    with session_scope(sessions) as session:
        rows = digest.queue_due(session, now or datetime.now(UTC), base_url=settings.base_url)
    if rows:
        log.info("alerts: %d daily digest(s) queued", len(rows))
    return len(rows)


def deliver(
    sessions: sessionmaker[Session], client: httpx.Client, now: datetime | None = None
) -> delivery.DeliveryReport:
    """Send what is due in the outbox with the caller's ``client`` (``delivery.outbound_client``)."""
    with session_scope(sessions) as session:
        return delivery.deliver_pending(session, client, now or datetime.now(UTC))


def evaluate_round(sessions: sessionmaker[Session], settings: Settings, now: datetime | None = None) -> None:
    """Evaluate windowed rules, then queue due digests: the worker's minute job."""
    evaluate_rules(sessions, settings, now)
    queue_digests(sessions, settings, now)


def tick(
    sessions: sessionmaker[Session], settings: Settings, client: httpx.Client, now: datetime | None = None
) -> None:
    """Evaluate, queue due digests, then deliver (one pass of both worker jobs, in order)."""
    evaluate_round(sessions, settings, now)
    deliver(sessions, client, now)


class Outbox:
    """The worker's delivery job: every second, send what is due with one long-lived HTTP client
    (a new client per round costs ~20 ms of the ingest -> Slack latency)."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.client = outbound_client(settings)

    def tick(self) -> None:
        """Deliver due notifications; errors are logged and retried on the next tick."""
        try:
            report = deliver(self.sessions, self.client)
        except Exception:  # the database went away: the next tick tries again
            log.exception("alert delivery failed")
            return
        if report.sent or report.retried or report.unconfirmed or report.dead:
            log.info(
                "alerts: %d sent, %d to retry, %d unconfirmed, %d dead",
                len(report.sent),
                len(report.retried),
                len(report.unconfirmed),
                len(report.dead),
            )

    def close(self) -> None:
        """Release the HTTP client."""
        self.client.close()
