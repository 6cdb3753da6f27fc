"""The seasonal baseline behind :class:`~alerts.detectors.seasonal.SeasonalSpikeDetector`.

``SeasonalProfile`` stores a bounded, gap-filled count series and answers "how many mentions would
bucket ``n`` normally hold, judging only from the buckets before it":

* daily part: for each of the last 7 days (21 for a daily series), the count in a neighbourhood of
  ``±h`` buckets around the same time of day; a trimmed mean over the days (one day in seven dropped
  at each end, so an incident day or a holiday cannot move it), per bucket. ``h`` starts at ±30
  minutes and widens (up to ±¼ day) for sparse streams until each day's sample holds about 30
  expected mentions;
* weekly part: for each of the last 4 weeks, the volume within ±4 hours of the same time of week
  against the trimmed mean of the days before it; pooled over the weeks (the week with the highest ratio
  left out, so one incident cannot skew it), shrunk towards 1 by a pseudo-count when volumes are small
  and soft-thresholded by two standard errors (a factor the data cannot tell from 1 is not applied).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import timedelta
from statistics import median

from alerts.detectors.base import DAY, BucketSeries, buckets_per

log = logging.getLogger(__name__)

POOL_TARGET = 30.0  # expected mentions per day-sample before the neighbourhood stops widening
PSEUDO = 30.0  # pseudo-count shrinking the weekly factor (and the level correction) towards 1


class SeasonalProfile:
    """Bucketed history plus the robust seasonal expectation for any stored bucket."""

    weeks = 4

    def __init__(self, interval: timedelta) -> None:
        if interval <= timedelta(0):
            raise ValueError("interval must be positive")
        self.interval = interval
        self.days = 7 if interval < DAY else 21  # a daily series needs more days to say anything
        self.period_day = buckets_per(DAY, interval)
        self.period_week = 7 * self.period_day if interval <= DAY else None
        self.pool_min = round(timedelta(minutes=30) / interval) if interval < DAY else 0
        self.pool_max = self.period_day // 4 if self.period_day >= 4 else 0
        self.week_pool = min(self.period_day // 2, max(self.pool_min, round(timedelta(hours=4) / interval)))
        span = (self.weeks + 1) * (self.period_week or 0) + (self.days + 1) * self.period_day
        self.series = BucketSeries(span + 2 * self.week_pool + 2)

    def _pool(self, n: int) -> int:
        s = self.series
        start = max(s.base, n - self.days * self.period_day)
        total = s.total(start, n)
        if not total or n <= start:
            return self.pool_max
        rate = total / (n - start)
        need = math.ceil((POOL_TARGET / rate - 1) / 2)
        return min(max(need, self.pool_min), self.pool_max)

    def _day_median(self, c: int, half: int) -> float | None:
        """Trimmed mean over the days before bucket ``c`` of the sum over ``±half`` buckets around it."""
        pd, total = self.period_day, self.series.total
        sums = [
            t
            for d in range(1, self.days + 1)
            if (t := total(c - d * pd - half, c - d * pd + half + 1)) is not None
        ]
        return robust_mean(sums) if len(sums) >= 3 else None

    def expected(self, n: int) -> float | None:
        """Expected count at bucket ``n`` from the buckets before it; None without 3 days of history."""
        found = self.estimate(n)
        return None if found is None else found[0]

    def estimate(self, n: int) -> tuple[float, int] | None:
        """``(expected, basis)``: the expected count at bucket ``n`` and how many buckets of history
        it rests on (its own uncertainty is about that of a count ``expected · basis``)."""
        h = self._pool(n)
        a = self._day_median(n, h)
        if a is None:
            return None
        used = self.days - 2 * math.ceil(self.days / 7)  # day samples left after trimming
        return a / (2 * h + 1) * self.weekly(n), (2 * h + 1) * used

    def weekly(self, n: int) -> float:
        """Time-of-week factor for bucket ``n`` (1.0 without two weeks of history)."""
        if self.period_week is None:
            return 1.0
        hw, pairs = self.week_pool, []
        for w in range(1, self.weeks + 1):
            c = n - w * self.period_week
            num = self.series.total(c - hw, c + hw + 1)
            den = self._day_median(c, hw) if num is not None else None
            if num is not None and den is not None:
                pairs.append((num, den))
        if len(pairs) < 2:
            return 1.0
        if len(pairs) >= 3:
            pairs.remove(max(pairs, key=lambda p: (p[0] + 1) / (p[1] + 1)))
        num, den = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        factor = (num + PSEUDO) / (den + PSEUDO)
        ratios = [(a + PSEUDO / len(pairs)) / (b + PSEUDO / len(pairs)) for a, b in pairs]
        return min(max(soft_threshold(factor, ratios), 0.2), 5.0)


def soft_threshold(estimate: float, samples: list[float]) -> float:
    """Shrink a multiplicative correction towards 1 by two standard errors of the samples behind it:
    a correction the data cannot tell from noise is not applied (it would only add noise)."""
    if len(samples) < 2:
        return 1.0
    mean = sum(samples) / len(samples)
    stderr = math.sqrt(sum((s - mean) ** 2 for s in samples) / (len(samples) - 1) / len(samples))
    excess = abs(estimate - 1.0) - 2.0 * stderr
    return 1.0 + math.copysign(max(excess, 0.0), estimate - 1.0)


def robust_mean(values: list[float]) -> float:
    """Trimmed mean: one value in seven dropped at each end (an incident day above, a holiday below);
    the median below five values. Nearly as efficient as the mean on sparse counts, and robust."""
    if len(values) < 5:
        return median(values)
    cut = math.ceil(len(values) / 7)
    middle = sorted(values)[cut:-cut]
    return sum(middle) / len(middle)


def solve_alpha(pairs: Sequence[tuple[float, float]], default: float = 0.04) -> float:
    """Over-dispersion ``alpha`` of ``(observed, expected)`` pairs by the method of moments on the
    Anscombe deviates ``u = 2(√(x+⅜) − √(μ+⅜))``: the alpha at which the mean of ``u² / (1 + alpha·μ)``
    is 1 (a negative binomial with variance ``μ + alpha·μ²``; Poisson: 0).

    Deliberately not robust: the bursts of the last two weeks count in full, so a brand whose volume
    bursts often needs a bigger burst to alarm than a steady one (on real mention counts a fit on the
    median left the heavy tail out and fired five times a week per brand). ``default`` with under 4 pairs.
    """
    if len(pairs) < 4:
        return default
    stride = max(1, len(pairs) // 400)
    rows = [(4 * (math.sqrt(v + 0.375) - math.sqrt(m + 0.375)) ** 2, m) for v, m in list(pairs)[::stride]]

    def g(alpha: float) -> float:
        return sum(u2 / (1 + alpha * m) for u2, m in rows) / len(rows)

    if g(0.0) <= 1.0:
        return 0.0
    lo, hi = math.log(1e-6), math.log(1e4)  # bisection on log alpha: 16 steps, about 1% precision
    for _ in range(16):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if g(math.exp(mid)) > 1.0 else (lo, mid)
    return math.exp(hi)
