"""Shared pieces of the spike detectors: ``Detection``, bucket arithmetic, sensitivity presets."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from statistics import NormalDist
from typing import Protocol

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Detection:
    """One firing bucket: when, what was seen, what was expected, how far off, and by which detector."""

    at: datetime
    value: float
    expected: float
    score: float
    detector: str
    buckets: int = 1  # how many newest buckets ``value`` and ``expected`` sum over


class Sensitivity(StrEnum):
    """User-facing sensitivity presets; each maps to a :class:`Preset`."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Preset:
    """Firing thresholds: robust score (for hourly buckets; other intervals scale it to the same
    false-alarm rate per week), minimum observed count, minimum observed/expected ratio."""

    threshold: float
    min_count: float
    min_ratio: float


PRESETS: dict[Sensitivity, Preset] = {
    Sensitivity.LOW: Preset(threshold=5.5, min_count=10, min_ratio=2.0),
    Sensitivity.MEDIUM: Preset(threshold=4.0, min_count=5, min_ratio=1.5),
    Sensitivity.HIGH: Preset(threshold=3.25, min_count=3, min_ratio=1.25),
}


def scaled_threshold(hourly: float, interval: timedelta) -> float:
    """The score threshold for ``interval`` giving the same Gaussian false-alarm rate per week as
    ``hourly`` gives on hourly buckets (more tests per week, a higher bar). Buckets finer than an hour
    share their noise with their neighbours, so they count as ``168·√(1 h / interval)`` tests a week
    rather than one each."""
    normal = NormalDist()
    per_week = max(timedelta(weeks=1) / interval, 1.0)
    if interval < HOUR:
        per_week = 168.0 * math.sqrt(HOUR / interval)
    p = normal.cdf(-hourly) * 168.0 / per_week
    return round(-normal.inv_cdf(min(p, 0.5)), 2)


class Detector(Protocol):
    """An incremental detector over one bucketed count series.

    ``update`` is called once per bucket in time order (a repeated ``at`` replaces the bucket's value,
    e.g. a partial bucket growing); gaps between buckets count as zero. Returns a ``Detection`` when
    the bucket is anomalous (the seasonal detector: on every bucket of an episode, from its onset
    until the series is back at its baseline), else ``None``. Memory is bounded by the detector's
    history length.
    """

    name: str
    interval: timedelta | None

    def update(self, at: datetime, value: float) -> Detection | None:
        """Add the bucket holding ``at``; a Detection when it fires."""
        ...


def as_utc(at: datetime) -> datetime:
    """Return ``at`` as an aware UTC datetime (naive values are taken to be UTC)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def bucket_index(at: datetime, interval: timedelta) -> int:
    """Integer index of the bucket of width ``interval`` (aligned on the Unix epoch) holding ``at``."""
    return int((as_utc(at) - EPOCH) // interval)


def buckets_per(period: timedelta, interval: timedelta) -> int:
    """How many buckets of ``interval`` fit in ``period`` (at least 1)."""
    return max(1, round(period / interval))


class BucketSeries:
    """A bounded, gap-filled series of bucket values with prefix sums for O(1) range sums."""

    def __init__(self, max_len: int) -> None:
        self.max_len = max(8, max_len)
        self.base = 0  # bucket index of values[0]
        self.values: list[float] = []
        self.cum: list[float] = [0.0]

    @property
    def last(self) -> int | None:
        """Index of the newest bucket, or None when empty."""
        return self.base + len(self.values) - 1 if self.values else None

    def put(self, idx: int, value: float) -> bool:
        """Store ``value`` at bucket ``idx``; fills skipped buckets with 0. False if ``idx`` is too old."""
        last = self.last
        if last is None:
            self.base = idx
        elif idx == last:
            self.cum[-1] += value - self.values[-1]
            self.values[-1] = value
            return True
        elif idx < last:
            return False
        elif idx - last > self.max_len:  # a gap longer than the memory: start afresh
            self.base, self.values, self.cum = idx, [], [0.0]
        else:
            for _ in range(idx - last - 1):
                self.values.append(0.0)
                self.cum.append(self.cum[-1])
        self.values.append(value)
        self.cum.append(self.cum[-1] + value)
        if len(self.values) > 2 * self.max_len:
            drop = len(self.values) - self.max_len
            self.base += drop
            self.values = self.values[drop:]
            total = 0.0
            self.cum = [0.0]
            for v in self.values:
                total += v
                self.cum.append(total)
        return True

    def get(self, idx: int) -> float | None:
        """Value at bucket ``idx`` or None when outside the stored range."""
        i = idx - self.base
        return self.values[i] if 0 <= i < len(self.values) else None

    def total(self, start: int, stop: int) -> float | None:
        """Sum over buckets ``[start, stop)``; None unless the whole range is stored."""
        a, b = start - self.base, stop - self.base
        if a < 0 or b > len(self.values) or a > b:
            return None
        return self.cum[b] - self.cum[a]

    def span(self) -> int:
        """Number of stored buckets."""
        return len(self.values)
