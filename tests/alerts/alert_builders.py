"""Builders for the alert tests (keyword defaults, no magic)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from itertools import count

from alerts.base import MentionView

NOW = datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
_ids = count(1)


def make_mention(**kw) -> MentionView:
    """A mention published a minute before NOW unless told otherwise."""
    kw.setdefault("id", next(_ids))
    kw.setdefault("published_at", NOW - timedelta(minutes=1))
    kw.setdefault("platform", "reddit")
    kw.setdefault("author_handle", f"user{kw['id']}")
    kw.setdefault("author_reach", 100)
    kw.setdefault("sentiment_label", "neutral")
    kw.setdefault("sentiment_score", 0.0)
    kw.setdefault("text", "a mention")
    return MentionView(**kw)


def seasonal_counts(
    end: datetime, days: int, per_hour: float = 100.0, interval: timedelta = timedelta(hours=1)
) -> list[tuple[datetime, float]]:
    """A deterministic, gently seasonal count series of ``days`` ending with the bucket before ``end``."""
    step_count = int(timedelta(days=days) / interval)
    start = end - step_count * interval
    scale = interval / timedelta(hours=1)
    out = []
    for i in range(step_count):
        t = start + i * interval
        cycle = 1 + 0.5 * math.cos(2 * math.pi * (t.hour - 15) / 24)
        wiggle = 1 + 0.05 * math.sin(i * 1.7)
        out.append((t, round(per_hour * scale * cycle * wiggle)))
    return out
