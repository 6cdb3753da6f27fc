"""The default spike detector: seasonal baseline, burst-aware count score, one episode per burst.

Derived on real 5-minute Twitter mention counts (NAB realTweets; ``benchmarks/detectors.py``). For
bucket ``n`` (periods per day and week derived from the interval):

* ``expected = A·F·C``: ``A·F`` from :class:`~alerts.detectors.profile.SeasonalProfile` (same time
  of day over 7 days, trimmed mean × time-of-week factor from 4 weeks); ``C ≥ 1`` follows an upward
  level shift within about half a day (median over the last day's 6 blocks of observed / expected,
  soft-thresholded by two standard errors), so a new level becomes the baseline instead of alarming
  for days; it never goes below 1, so quiet days and holidays never lower the bar;
* score per window (1 h, 6 h and 24 h; the bucket itself when it is an hour or longer; 1–3 days for
  daily series): the Anscombe deviate ``2(√(x+⅜) − √(μ+⅜))`` over ``√(1 + alpha·μ)``, below 10
  expected mentions the exact negative-binomial tail, so sparse night-time counts do not fire.
  ``alpha`` is fitted per window length by the method of moments on the last 14 days, bursts
  included: a brand whose volume bursts often needs a bigger burst to alarm than a steady one;
* each window length has the threshold that gives the same Gaussian false-alarm rate per week
  (:func:`~alerts.detectors.base.scaled_threshold`);
* **episodes**: an onset needs ``score ≥ threshold``, ``observed ≥ min_count`` and ``observed ≥
  min_ratio · expected`` in a window that does not overlap the previous episode; the episode then
  stays firing (one incident that grows) until the last hour has been within one spread of the
  baseline for an hour. Silent for ``warmup`` (3 days; 14 for daily series) plus a day of residuals.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from alerts.detectors import replays
from alerts.detectors.base import (
    DAY,
    HOUR,
    PRESETS,
    BucketSeries,
    Detection,
    Sensitivity,
    as_utc,
    bucket_index,
    scaled_threshold,
)
from alerts.detectors.profile import PSEUDO, SeasonalProfile, soft_threshold, solve_alpha
from alerts.detectors.tails import nb_score

log = logging.getLogger(__name__)

SMALL = 10.0  # expected counts below this are scored with the exact negative-binomial tail
LEVEL_BLOCKS = 6  # the last day is cut into this many blocks for the level correction
SCALES = (HOUR, 6 * HOUR, DAY)  # window lengths tested beside the bucket itself
RELEASE = 1.0  # an episode ends once the last hour has scored below this for QUIET
QUIET = HOUR
REPLAY_DAYS = 2  # assess_last replays this much history to find an ongoing episode
FIT_DAYS = 14  # days of residuals behind each scale's over-dispersion


@dataclass(frozen=True, slots=True)
class Assessment:
    """The detector's verdict on the newest bucket, at the scale (``buckets``) that matters most."""

    value: float
    expected: float
    spread: float
    score: float
    firing: bool
    buckets: int = 1


class SeasonalSpikeDetector:
    """Seasonal robust spike detector (module docstring); incremental :meth:`update`, batch
    :meth:`assess_last`. Memory: about 5 weeks of buckets."""

    name = "seasonal"

    def __init__(
        self,
        sensitivity: Sensitivity | str = Sensitivity.MEDIUM,
        interval: timedelta | None = None,
        *,
        threshold: float | None = None,
        min_count: float | None = None,
        min_ratio: float | None = None,
        level_adjust: bool = True,
        multiscale: bool = True,
        warmup: int | None = None,
    ) -> None:
        preset = PRESETS[Sensitivity(sensitivity)]
        self._threshold = threshold
        self._preset_threshold = preset.threshold
        self.min_count = preset.min_count if min_count is None else min_count
        self.min_ratio = preset.min_ratio if min_ratio is None else min_ratio
        self.level_adjust = level_adjust
        self.multiscale = multiscale
        self._warmup = warmup
        self.interval: timedelta | None = None
        self._pending: list[tuple[datetime, float]] = []
        if interval is not None:
            self.configure(interval)

    def configure(self, interval: timedelta) -> None:
        """Fix the bucket interval (otherwise inferred from the first two distinct bucket times)."""
        self.profile = SeasonalProfile(interval)
        self.interval = interval
        pd = self.profile.period_day
        self.level_block = max(1, pd // LEVEL_BLOCKS)
        self.level_span = self.level_block * (LEVEL_BLOCKS if pd >= LEVEL_BLOCKS else 7)
        ks = {1, 2, 3} if interval >= DAY else {max(1, round(d / interval)) for d in SCALES}
        self.scales = sorted(ks) if self.multiscale else [min(ks)]
        base = self._threshold if self._threshold is not None else self._preset_threshold
        self.thresholds = {k: scaled_threshold(base, k * interval) for k in self.scales}
        self.threshold = self.thresholds[self.scales[0]]
        self.hour = max(1, round(HOUR / interval))
        self.quiet = max(1, round(QUIET / interval))
        self.warmup = self._warmup if self._warmup is not None else max(3 * pd, 14)
        self.min_pairs = max(pd, 8)  # a day of residuals before the tail fit speaks
        size = max(FIT_DAYS * pd, 56)
        self._pairs = {k: deque[tuple[float, float]](maxlen=size) for k in self.scales}
        self._alpha: dict[int, float] = {}
        self._alpha_at = -(10**12)
        keep = max(self.level_span, self.scales[-1], size) + 2
        self._mu0, self._mu = BucketSeries(keep), BucketSeries(keep)
        self._basis = 1
        self._episode: tuple[int, int] | None = None  # (onset, last bucket still elevated)
        self._ended: int | None = None  # last bucket of the previous episode
        self._open: tuple[int, float, float] | None = None  # newest bucket: (index, A·F, expected)

    # -- incremental --------------------------------------------------------------------------------
    def update(self, at: datetime, value: float) -> Detection | None:
        """Add the count of the bucket holding ``at`` (a repeated bucket replaces its value; skipped
        buckets count as 0); return a Detection while an episode fires (its first one at the onset)."""
        at = as_utc(at)
        if self.interval is None:
            self._pending.append((at, float(value)))
            times = sorted({t for t, _ in self._pending})
            if len(times) < 2:
                return None
            self.configure(times[1] - times[0])
            pending, self._pending, result = self._pending, [], None
            for t, v in pending:
                result = self.update(t, v)
            return result
        n = bucket_index(at, self.profile.interval)
        last = self.profile.series.last
        if last is not None and last < n - 1 and n - last <= self.profile.series.max_len:
            for j in range(last + 1, n):  # skipped buckets held no mentions: judge them as zeros
                self._step(j, 0.0)
        verdict = self._step(n, float(value))
        if verdict is not None and verdict.firing:
            expected, score = round(verdict.expected, 3), round(verdict.score, 3)
            return Detection(at, verdict.value, expected, score, self.name, verdict.buckets)
        return None

    def _step(self, n: int, value: float, fraction: float = 1.0, judge: bool = True) -> Assessment | None:
        """Add bucket ``n``; with ``judge`` (else it only feeds the history) refit and judge it."""
        if self._open is not None and n > self._open[0]:
            self._close()
        if not self.profile.series.put(n, value):
            log.debug("seasonal detector: ignoring out-of-order bucket %s", n)
            return None
        fitted = judge and self._refit(n)
        found = self.profile.estimate(n)
        if found is None:
            self._open = None
            return None
        mu0, self._basis = found
        mu = mu0 * self._level(n)
        self._open = (n, mu0, mu)
        if not judge or self.profile.series.span() < self.warmup or not fitted:
            return None
        mu *= min(max(fraction, 0.05), 1.0)  # a partial newest bucket expects its share only
        return self._episodes(n, mu, self._judge(n, mu))

    def _refit(self, n: int) -> bool:
        """Refit each window's over-dispersion when a day has passed; False before enough residuals."""
        if len(self._pairs[self.scales[0]]) < self.min_pairs:
            return False
        if n - self._alpha_at >= self.profile.period_day:
            self._alpha = {k: solve_alpha(pairs) for k, pairs in self._pairs.items()}
            self._alpha_at = n
        return True

    def _episodes(self, n: int, mu: float, best: Assessment) -> Assessment:
        """Onset, continuation and end of an episode; the verdict fires while one lasts."""
        if self._episode is None:
            if not best.firing:
                return best
            self._episode = (n, n)
            return best
        onset, elevated = self._episode
        hourly = self._verdict(n, self.hour, mu)
        if hourly is not None and hourly.score >= RELEASE:
            elevated = n
        if n - elevated > self.quiet:  # calm for a whole hour after the last elevated bucket
            self._episode, self._ended = None, elevated
            return Assessment(best.value, best.expected, best.spread, best.score, False, best.buckets)
        self._episode = (onset, elevated)
        return Assessment(best.value, best.expected, best.spread, best.score, True, best.buckets)

    def _close(self) -> None:
        """Finalise the newest bucket: keep its expected counts and its residual at every scale."""
        assert self._open is not None
        n, mu0, mu = self._open
        self._mu0.put(n, mu0)
        self._mu.put(n, mu)
        for k, pairs in self._pairs.items():
            observed, expected = self.profile.series.total(n - k + 1, n + 1), self._mu.total(n - k + 1, n + 1)
            if observed is not None and expected is not None:
                pairs.append((observed, expected))
        self._open = None

    def _level(self, n: int) -> float:
        """Upward level correction: the median over the last day's blocks of observed / expected
        (shrunk by a pseudo-count), never below 1. An incident filling under half the blocks cannot
        move it, quiet days and holidays never lower the bar; a level shift or ramp up is followed
        within about half a day."""
        if not self.level_adjust:
            return 1.0
        ratios = []
        for lo in range(n - self.level_span, n, self.level_block):
            observed = self.profile.series.total(lo, lo + self.level_block)
            expected = self._mu0.total(lo, lo + self.level_block)
            if observed is None or expected is None:
                return 1.0
            ratios.append((observed + PSEUDO) / (expected + PSEUDO))
        return min(max(soft_threshold(median(ratios), ratios), 1.0), 3.0)

    # -- batch (rules) ------------------------------------------------------------------------------
    def assess_last(self, points: list[tuple[datetime, float]], fraction: float = 1.0) -> Assessment | None:
        """Judge the last of ``points`` (a bucketed history, oldest first) in one go.

        The older history only feeds the seasonal profile; the last 14 days (plus the widest window)
        give the residuals behind the over-dispersion, and the last 2 days are replayed as if live,
        which finds whether an episode is still going on. ``fraction`` (0–1] is how much of the last
        bucket has elapsed: a partial bucket is held against that share of its expected count. None
        during the warm-up.
        """
        if len(points) < 2:
            return None
        if self.interval is None:
            gaps = sorted(as_utc(b[0]) - as_utc(a[0]) for a, b in zip(points, points[1:], strict=False))
            self.configure(max(min(g for g in gaps if g > timedelta(0)), timedelta(seconds=1)))
        iv = self.profile.interval
        values: dict[int, float] = {bucket_index(at, iv): float(v) for at, v in points}
        n, first, pd = max(values), min(values), self.profile.period_day
        fit = n - (self._pairs[self.scales[0]].maxlen or 0) - max(self.scales[-1], self.level_span)
        live = n - REPLAY_DAYS * pd
        key = (self._settings(), n, len(values), hash(tuple(sorted(values.items()))[:-1]))
        if (state := replays.recall(key)) is not None:
            self.__dict__.update(state)
        else:
            for j in range(first, n):
                if j < fit:
                    self.profile.series.put(j, values.get(j, 0.0))
                else:
                    self._step(j, values.get(j, 0.0), 1.0, j >= live)
            if self._open is not None:  # finish the history, and any refit that is due, once
                self._close()
                self._refit(n)
            replays.remember(key, self.__dict__)
        return self._step(n, values[n], fraction, True)

    def _settings(self) -> tuple[object, ...]:
        return (self.interval, self.thresholds[self.scales[0]], self.min_count, self.min_ratio,
                self.level_adjust, self.multiscale, self.warmup)  # fmt: skip

    # -- the test -----------------------------------------------------------------------------------
    def _judge(self, n: int, mu: float) -> Assessment:
        """Verdict for bucket ``n`` (expected count ``mu``): the highest-scoring firing window, else
        the finest one."""
        verdicts = []
        for k in self.scales:
            if k > 1 and self._ended is not None and n - k < self._ended:
                continue  # mentions that already raised an alert do not raise another
            if (verdict := self._verdict(n, k, mu)) is not None:
                verdicts.append(verdict)
        firing = [v for v in verdicts if v.firing]
        if firing or not verdicts:
            return max(firing, key=lambda v: v.score, default=Assessment(0.0, mu, 1.0, 0.0, False))
        return verdicts[0]

    def _verdict(self, n: int, k: int, mu: float) -> Assessment | None:
        """Verdict on the window of the ``k`` newest buckets ending at ``n`` (``mu`` expected at ``n``)."""
        observed = self.profile.series.total(n - k + 1, n + 1)
        before = self._mu.total(n - k + 1, n) if k > 1 else 0.0
        if observed is None or before is None:
            return None
        expected = before + mu
        alpha = self._alpha.get(k, 0.04)
        if expected < SMALL:  # few mentions: the exact tail, with the baseline's own uncertainty folded in
            basis_count = max(expected / k, 1e-3) * self._basis + 0.5
            score = nb_score(observed, expected, 1.0 / (alpha + 1.0 / basis_count))
        else:
            deviate = 2 * (math.sqrt(observed + 0.375) - math.sqrt(expected + 0.375))
            score = deviate / math.sqrt(1 + alpha * expected)
        spread = (observed - expected) / score if score else math.sqrt(expected + 0.375)
        least = max(self.min_count, self.min_ratio * expected)
        firing = score >= self.thresholds[k] and observed >= least
        return Assessment(observed, expected, spread, score, firing, k)
