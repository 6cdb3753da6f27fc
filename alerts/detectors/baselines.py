"""Baseline detectors the seasonal detector is measured against: rolling z-score and window ratio."""

from __future__ import annotations

import logging
import math
from collections import deque
from datetime import datetime, timedelta

from alerts.detectors.base import DAY, HOUR, Detection, as_utc, bucket_index, buckets_per

log = logging.getLogger(__name__)


class _Buckets:
    """Shared bucket bookkeeping: interval inference, gap filling with zeros, bounded memory."""

    def __init__(self, interval: timedelta | None, keep: int | None) -> None:
        self.interval = interval
        self._keep = keep
        self._first: datetime | None = None
        self._last: int | None = None
        self.values: deque[float] = deque()

    def size_for(self, interval: timedelta) -> int:  # pragma: no cover - overridden
        """How many past buckets to keep for ``interval``."""
        raise NotImplementedError

    def _push(self, at: datetime, value: float) -> bool:
        """Append the bucket; returns False when the bucket cannot be placed yet (or is stale)."""
        at = as_utc(at)
        if self.interval is None:
            if self._first is None or at == self._first:
                self._first = at
                self._seed = value
                return False
            self.interval = at - self._first
            if self.interval <= timedelta(0):
                self.interval, self._first = None, at
                return False
            self._push(self._first, self._seed)
        assert self.interval is not None
        if self._keep is None:
            self._keep = self.size_for(self.interval)
        n = bucket_index(at, self.interval)
        if self._last is not None and n < self._last:
            return False
        if self._last is not None and n == self._last:
            self.values[-1] = value
            return True
        if self._last is not None:
            for _ in range(min(n - self._last - 1, self._keep + 1)):
                self.values.append(0.0)
        self.values.append(value)
        self._last = n
        while len(self.values) > self._keep + 1:
            self.values.popleft()
        return True


class RollingZScoreDetector(_Buckets):
    """Plain z-score of the bucket against the mean/std of the previous ``window`` buckets.

    Defaults: window = one day of buckets (at least 24), threshold 3, ``min_count`` 5, std floor of one
    mention (so a flat zero history cannot give an infinite score).
    """

    name = "zscore"

    def __init__(
        self,
        interval: timedelta | None = None,
        *,
        window: int | None = None,
        threshold: float = 3.0,
        min_count: float = 5,
    ) -> None:
        super().__init__(interval, window)
        self.threshold = threshold
        self.min_count = min_count

    def size_for(self, interval: timedelta) -> int:
        """Default window length for ``interval``."""
        return max(24, buckets_per(DAY, interval))

    def update(self, at: datetime, value: float) -> Detection | None:
        """Add one bucket; return a Detection when its z-score exceeds the threshold."""
        if not self._push(at, float(value)):
            return None
        past = list(self.values)[:-1]
        if len(past) < (self._keep or 0):
            return None
        mean = sum(past) / len(past)
        std = max(1.0, math.sqrt(sum((v - mean) ** 2 for v in past) / len(past)))
        score = (value - mean) / std
        if score >= self.threshold and value >= self.min_count:
            return Detection(as_utc(at), float(value), round(mean, 3), round(score, 3), self.name)
        return None


class RatioDetector(_Buckets):
    """Compatibility mode: the sum over the current window against the previous window of equal length.

    Defaults: window = one hour of buckets (at least one bucket), fire at ratio ≥ 2 with at least
    ``min_count`` mentions in the current window. The score is the ratio.
    """

    name = "ratio"

    def __init__(
        self,
        interval: timedelta | None = None,
        *,
        window: int | None = None,
        ratio: float = 2.0,
        min_count: float = 5,
    ) -> None:
        super().__init__(interval, None if window is None else 2 * window)
        self.window = window
        self.ratio = ratio
        self.min_count = min_count

    def size_for(self, interval: timedelta) -> int:
        """Memory for ``interval``: two windows."""
        if self.window is None:
            self.window = buckets_per(HOUR, interval)
        return 2 * self.window

    def update(self, at: datetime, value: float) -> Detection | None:
        """Add one bucket; return a Detection (value: the current window's sum, expected: the
        previous window's) when current / previous ≥ ratio."""
        if not self._push(at, float(value)):
            return None
        assert self.window is not None
        if len(self.values) < 2 * self.window:
            return None
        vals = list(self.values)[-2 * self.window :]
        prev, cur = sum(vals[: self.window]), sum(vals[self.window :])
        score = cur / max(prev, 1.0)
        if score >= self.ratio and cur >= self.min_count:
            return Detection(as_utc(at), round(cur, 3), round(prev, 3), round(score, 3), self.name)
        return None
