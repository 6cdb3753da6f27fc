"""The demo's alerting: a spike rule on Acme's negative mentions, a local channel, and a replay of
the sample's two weeks so the 2026-11-19 crisis opens an incident (visible in the API, delivered)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from listener.engine import evaluation
from listener.settings import Settings
from listener.storage.db import session_scope
from listener.storage.models import AlertRule, Brand, Channel

log = logging.getLogger(__name__)

RULE_NAME = "Acme negative spike"
REPLAY_FROM = datetime(2026, 11, 19, 0, tzinfo=UTC)
REPLAY_UNTIL = datetime(2026, 11, 20, 6, tzinfo=UTC)


def seed_alerts(session: Session, *, channel: dict | None = None) -> AlertRule:
    """The demo rule (idempotent) and, if given, its channel ``{"name", "type", "config"}``."""
    rule = session.scalar(select(AlertRule).where(AlertRule.name == RULE_NAME))
    if rule is not None:
        return rule
    acme = session.scalar(select(Brand).where(Brand.name == "Acme"))
    if acme is None:
        raise LookupError("seed the demo brands first")
    channel_ids = []
    if channel is not None:
        found = session.scalar(select(Channel).where(Channel.name == channel["name"]))
        if found is None:
            found = Channel(
                name=channel["name"], type=channel["type"], config=channel["config"], enabled=True
            )
            session.add(found)
            session.flush()
        channel_ids = [found.id]
    rule = AlertRule(
        name=RULE_NAME,
        type="spike",
        params={"sensitivity": "medium"},
        scope={"brand_ids": [acme.id], "sentiment_labels": ["negative"]},
        severity="critical",
        channels=channel_ids,
        created_by="demo",
    )
    session.add(rule)
    session.flush()
    return rule


def replay(
    sessions: sessionmaker[Session],
    settings: Settings,
    start: datetime = REPLAY_FROM,
    end: datetime = REPLAY_UNTIL,
    step: timedelta = timedelta(minutes=30),
    now: datetime | None = None,
) -> list[int]:
    """Evaluate every ``step`` from ``start`` to ``end`` as if live, then once at ``now`` (default:
    the real time), as the worker's next tick would: incidents quiet since the replay resolve
    themselves instead of staying ``firing``. Returns the incidents opened."""
    opened: list[int] = []
    at = start
    while at <= end:
        with session_scope(sessions) as session:
            opened += evaluation.evaluate(session, at, settings=settings).opened
        at += step
    now = now or datetime.now(UTC)
    if now > end:
        with session_scope(sessions) as session:
            opened += evaluation.evaluate(session, now, settings=settings).opened
    return opened
