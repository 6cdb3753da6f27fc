"""History backfill: walk a source's older pages, one bounded step per run, resumable.

A backfill is asked for with ``listener collect --backfill DAYS [--source ID]`` or the
``backfill_days`` param of a platform that can walk its history (HN, Reddit, Mastodon, Bluesky,
YouTube, X within its 7-day window: their collectors have ``backfill``). Its progress lives in
``source.backfill``: ``{"days", "oldest", "position", "done", "steps"}``. Each run of the source
(``run_source``) first collects the new mentions, then takes one backfill step (the collector's
``backfill(params, position, oldest)``), and stores both batches, the cursor and the new position
in ONE transaction: a crash repeats at most the step in flight, and the ``(platform, external_id)``
key drops what it fetched twice, so nothing is doubled. A step that meets a rate limit or an error
leaves the position as it was and says so in the source's warning; the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.base import CollectorError, RetryLater
from collectors.normalise import iso, parse_datetime
from collectors.records import RawMention
from collectors.registry import get_collector
from listener.storage.db import session_scope
from listener.storage.models import Source

log = logging.getLogger(__name__)

MAX_STEPS = 500  # one `collect --backfill` never loops for ever


@dataclass(slots=True)
class Step:
    """One step's outcome: older mentions, the state to store, a warning when it could not run."""

    mentions: list[RawMention] = field(default_factory=list)
    state: dict[str, Any] | None = None
    warning: str | None = None


def can_backfill(platform: str) -> bool:
    """Whether the platform's collector walks older pages."""
    return hasattr(get_collector(platform), "backfill")


def fresh(days: int, now: datetime) -> dict[str, Any]:
    """A new backfill reaching ``days`` back from ``now``."""
    return {
        "days": days,
        "oldest": iso(now - timedelta(days=days)),
        "position": None,
        "done": False,
        "steps": 0,
    }


def target(params: BaseModel, state: dict[str, Any] | None, now: datetime) -> dict[str, Any] | None:
    """The backfill to work on: the stored one while it is pending, else a new one when the source's
    ``backfill_days`` param asks for a reach the stored one (done or absent) did not have."""
    if state and not state.get("done"):
        return state
    days = getattr(params, "backfill_days", None)
    if days and (not state or state.get("days") != days):
        return fresh(days, now)
    return state


def step(collector: Any, params: BaseModel, state: dict[str, Any] | None) -> Step:
    """Take one step of a pending backfill; errors leave the position unchanged (with a warning)."""
    if not state or state.get("done") or not hasattr(collector, "backfill"):
        return Step(state=state)
    oldest = parse_datetime(state.get("oldest"))
    if oldest is None:
        return Step(state={**state, "done": True}, warning="backfill state had no oldest time; dropped")
    try:
        page = collector.backfill(params, state.get("position"), oldest)
    except RetryLater as exc:
        return Step(state=state, warning=f"backfill waits: {exc}")
    except CollectorError as exc:
        return Step(state=state, warning=f"backfill step failed: {exc}")
    steps = int(state.get("steps") or 0) + 1
    return Step(page.mentions, {**state, "position": page.position, "done": page.done, "steps": steps})


def start(sessions: sessionmaker[Session], days: int, source_id: int | None, now: datetime) -> list[int]:
    """Give the chosen sources (one, or every enabled one whose platform can backfill) a backfill of
    ``days``; a pending one with the same reach is resumed where it stopped. Returns their ids."""
    with session_scope(sessions) as session:
        which = Source.id == source_id if source_id is not None else Source.enabled.is_(True)
        rows = list(session.scalars(select(Source).where(which).order_by(Source.id)))
        chosen = []
        for source in rows:
            if not can_backfill(source.platform):
                continue
            current = source.backfill or {}
            if current.get("done") or current.get("days") != days:
                source.backfill = fresh(days, now)
            chosen.append(source.id)
        return chosen


def pending(sessions: sessionmaker[Session], ids: list[int]) -> list[int]:
    """Those of ``ids`` whose backfill is not done."""
    with session_scope(sessions) as session:
        rows = session.execute(select(Source.id, Source.backfill).where(Source.id.in_(ids))).all()
        return [sid for sid, state in rows if not (state or {}).get("done")]


def run(
    settings: Any,
    sessions: sessionmaker[Session],
    days: int,
    source_id: int | None,
    *,
    now: datetime,
    run_once: Callable[..., list[Any]],
    on_result: Callable[[Any], None] | None = None,
) -> tuple[list[int], list[int]]:
    """``collect --backfill``: run the chosen sources step after step until each is done or stops
    (an error, a rate limit); returns ``(done ids, unfinished ids)``. Unfinished ones continue at the
    worker's next runs, or with the same command."""
    ids = start(sessions, days, source_id, now)
    active = list(ids)
    for _ in range(MAX_STEPS):
        active = pending(sessions, active)
        if not active:
            break
        stopped = []
        for sid in active:
            results = run_once(settings, sessions, sid, on_result=on_result)
            if not results or results[0].error or results[0].backfill_warning:
                stopped.append(sid)
        active = [sid for sid in active if sid not in stopped]
    unfinished = pending(sessions, ids)
    return [i for i in ids if i not in unfinished], unfinished
