"""Coverage: the brand looks calm because we stopped listening. One Match per source feeding the
scope that is paused, needs credentials, or has brought nothing for several of its usual intervals
while it used to be busy. Pure: the engine passes the sources in ``Window.sources``."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import ClassVar

from pydantic import Field

from alerts.base import Audience, Match, RuleParams, RuleType, SourceView, Window
from alerts.rules.common import evidence

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 600.0


class CoverageParams(RuleParams):
    """When a source feeding the scope counts as lost."""

    quiet_intervals: float = Field(
        5,
        ge=1,
        le=1000,
        description="silent for this many of its usual intervals (between mentions, "
        "or between collections when that is longer)",
    )
    min_busy_mentions: int = Field(
        10, ge=1, description="only sources that brought at least this many mentions in the look-back"
    )
    lookback_days: int = Field(30, ge=1, le=90, description="how far back a source counts as feeding")

    def lookback(self) -> timedelta:
        """The days over which a source's pace is learnt."""
        return timedelta(days=self.lookback_days)


def usual_interval(s: SourceView) -> timedelta:
    """The source's usual gap: between its mentions over the look-back (first to last), or its
    collection interval when that is longer."""
    schedule = timedelta(seconds=s.interval_seconds or DEFAULT_INTERVAL_SECONDS)
    if s.first_mention_at is None or s.last_mention_at is None or s.busy_mentions < 2:
        return schedule
    return max(schedule, (s.last_mention_at - s.first_mention_at) / (s.busy_mentions - 1))


def problem(s: SourceView, params: CoverageParams, now: datetime) -> str | None:
    """Why ``s`` no longer covers the brand, or None."""
    if not s.enabled or s.status == "paused":
        why = f": {s.last_error}" if s.last_error else ""
        return f"is paused{why}"
    if s.status == "needs_credentials":
        return "needs credentials" + (f": {s.last_error}" if s.last_error else "")
    if s.busy_mentions < params.min_busy_mentions or s.last_mention_at is None:
        return None
    usual = usual_interval(s)
    silent = now - s.last_mention_at
    if silent >= params.quiet_intervals * usual:
        hours = silent.total_seconds() / 3600
        return (
            f"has collected nothing for {hours:.1f} h (usually one every "
            f"{usual.total_seconds() / 60:.0f} min; "
            f"{s.busy_mentions} in the {params.lookback_days} days before)"
        )
    return None


class CoverageRule:
    """One Match per source that stopped covering the scope (keyed by source: one incident each,
    resolved when the source collects again)."""

    type: ClassVar[RuleType] = RuleType.COVERAGE
    Params: ClassVar[type[RuleParams]] = CoverageParams
    audience: ClassVar[Audience] = Audience.TEAM

    def evaluate(self, params: CoverageParams, window: Window, now: datetime) -> list[Match]:
        """Matches for the sources in ``window.sources`` that are paused, lack credentials or went
        silent."""
        out = []
        for s in window.sources:
            why = problem(s, params, now)
            if why is None:
                continue
            silent_h = (now - s.last_mention_at).total_seconds() / 3600 if s.last_mention_at else 0.0
            out.append(
                Match(
                    dedupe_key=f"coverage:source:{s.id}",
                    summary=f"Source '{s.name}' ({s.platform}) {why}",
                    value=round(silent_h, 2),
                    evidence=evidence(
                        [],
                        current=silent_h,
                        source={
                            "id": s.id,
                            "name": s.name,
                            "platform": s.platform,
                            "status": s.status,
                            "enabled": s.enabled,
                        },
                        last_mention_at=s.last_mention_at.isoformat() if s.last_mention_at else None,
                        last_success_at=s.last_success_at.isoformat() if s.last_success_at else None,
                    ),
                )
            )
        return out
