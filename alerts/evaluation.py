"""Event-level scoring of detector alerts against labelled incidents.

Firing buckets close together form one *episode* (an incident the engine would open). An incident is
detected when any alert falls inside it; its delay is from its start to the first such alert; several
alerts or episodes inside one incident count once. An episode with no alert inside any incident is a
false alarm. Precision = detected / (detected + false alarms).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from alerts.detectors import Detector

log = logging.getLogger(__name__)


def default_rearm(interval: timedelta) -> timedelta:
    """Quiet time after which a new firing bucket opens a new episode: 3 buckets, at least an hour."""
    return max(3 * interval, timedelta(hours=1))


def group_episodes(
    times: Iterable[datetime], interval: timedelta, rearm: timedelta | None = None
) -> list[list[datetime]]:
    """Group firing-bucket times into episodes: a gap of ``rearm`` or more without firing starts anew."""
    rearm = default_rearm(interval) if rearm is None else rearm
    episodes: list[list[datetime]] = []
    for t in sorted(times):
        if episodes and t - episodes[-1][-1] < rearm + interval:
            episodes[-1].append(t)
        else:
            episodes.append([t])
    return episodes


def fire_times(rows: Iterable[tuple[datetime, float]], detector: Detector) -> list[datetime]:
    """Feed ``rows`` (time-ordered) to ``detector``; return the times of the buckets that fired."""
    return [hit.at for at, value in rows if (hit := detector.update(at, value)) is not None]


@dataclass(frozen=True)
class EventScore:
    """Event-level figures for one detector on one or more series."""

    incidents: int
    detected: int
    false_alarms: int
    weeks: float
    delays: tuple[timedelta, ...]

    @property
    def recall(self) -> float:
        """Share of incidents with at least one alert inside."""
        return self.detected / self.incidents if self.incidents else 1.0

    @property
    def precision(self) -> float:
        """Detected incidents over detected incidents plus false-alarm episodes."""
        total = self.detected + self.false_alarms
        return self.detected / total if total else 1.0

    @property
    def false_alarms_per_week(self) -> float:
        """False-alarm episodes per week of evaluated time."""
        return self.false_alarms / self.weeks if self.weeks else 0.0

    @property
    def median_delay(self) -> timedelta | None:
        """Median time from incident start to its first alert (None when nothing was detected)."""
        return median(self.delays) if self.delays else None

    def __add__(self, other: EventScore) -> EventScore:
        return EventScore(
            self.incidents + other.incidents,
            self.detected + other.detected,
            self.false_alarms + other.false_alarms,
            self.weeks + other.weeks,
            self.delays + other.delays,
        )


def score_alerts(
    alert_times: Sequence[datetime],
    incidents: Sequence[tuple[datetime, datetime]],
    *,
    start: datetime,
    end: datetime,
    interval: timedelta,
    rearm: timedelta | None = None,
) -> EventScore:
    """Score alerts (firing-bucket times) against incidents ``[start, end)`` within ``[start, end)``."""
    times = sorted(t for t in alert_times if start <= t < end)
    wanted = [(a, b) for a, b in incidents if start <= a < end]

    def inside(t: datetime) -> int | None:
        for i, (a, b) in enumerate(wanted):
            if a <= t < b:
                return i
        return None

    first: dict[int, datetime] = {}
    for t in times:
        i = inside(t)
        if i is not None and i not in first:
            first[i] = t
    false_alarms = sum(
        1 for ep in group_episodes(times, interval, rearm) if all(inside(t) is None for t in ep)
    )
    delays = tuple(first[i] - wanted[i][0] for i in sorted(first))
    weeks = (end - start) / timedelta(weeks=1)
    return EventScore(len(wanted), len(first), false_alarms, weeks, delays)
