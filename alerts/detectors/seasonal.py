"""The default crisis detector: seasonal robust baseline, negative-binomial score, several scales.

For bucket ``n`` (periods per day and week derived from the interval):

* ``expected = A·F·C``: ``A·F`` from :class:`~alerts.detectors.profile.SeasonalProfile` (same time
  of day over 7 days, trimmed mean × time-of-week factor from 4 weeks); ``C ≥ 1`` follows an upward
  level shift or ramp within about half a day (median over the last day's 6 blocks of observed /
  expected, soft-thresholded by two standard errors); it never goes below 1, so quiet days and
  holidays never lower the bar;
* score: ``(observed − expected) / spread`` with ``spread = (√(x+⅜) + √(μ+⅜))/2 · √(1 + alpha·μ)``:
  the Anscombe Poisson deviate (a floor suited to counts) inflated by an over-dispersion ``alpha``
  fitted robustly (median) on the last 7 days of residuals; below 10 expected mentions the exact
  negative-binomial tail (the baseline's own uncertainty folded in) as a Gaussian-equivalent score;
* scales: the newest bucket and windows of 15 min, 1 h, 3 h, 6 h, 12 h (2–3 days for daily series),
  so 12 mentions spread over an afternoon fire like 12 in one bucket; a window overlapping buckets
  that already fired is skipped (the same mentions never alert twice);
* a scale fires when ``score ≥ threshold``, ``observed ≥ min_count`` and ``observed ≥ min_ratio ·
  expected``; the best firing scale is reported. Silent for ``warmup`` buckets (4 days; 14 daily).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from alerts.detectors.base import (
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
SCALES = tuple(timedelta(minutes=m) for m in (15, 60, 180, 360, 720))


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
        if interval >= timedelta(days=1):
            ks = {1, 2, 3}
        else:
            ks = {1} | {k for d in SCALES if 2 <= (k := round(d / interval)) <= max(1, pd // 2)}
        self.scales = sorted(ks) if self.multiscale else [1]
        self.threshold = (
            self._threshold
            if self._threshold is not None
            else scaled_threshold(self._preset_threshold, interval)
        )
        self.warmup = self._warmup if self._warmup is not None else max(4 * pd, 14)
        self.min_pairs = min(24, max(8, self.warmup // 2))
        size = min(max(7 * pd, 56), 2016)
        # residuals at the 1-bucket scale fit alpha; window sums reuse it, taking relative errors inside
        # a window as fully correlated (measured: per-scale fits bought nothing and cost 3x the time)
        self._pairs = {1: deque[tuple[float, float]](maxlen=size)}
        self._alpha: dict[int, float] = {}
        self._alpha_at = -(10**12)
        keep = max(self.level_span, self.scales[-1]) + 2
        self._mu0, self._mu = BucketSeries(keep), BucketSeries(keep)
        self._basis = 1
        self._last_fire: int | None = None
        self._open: tuple[int, float, float] | None = None  # newest bucket: (index, A·F, expected)

    # -- incremental --------------------------------------------------------------------------------
    def update(self, at: datetime, value: float) -> Detection | None:
        """Add the count of the bucket holding ``at`` (a repeated bucket replaces its value; skipped
        buckets count as 0); return a Detection when it fires."""
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
            return Detection(
                at,
                verdict.value,
                round(verdict.expected, 3),
                round(verdict.score, 3),
                self.name,
                verdict.buckets,
            )
        return None

    def _step(self, n: int, value: float) -> Assessment | None:
        if self._open is not None and n > self._open[0]:
            self._close()
        if not self.profile.series.put(n, value):
            log.debug("seasonal detector: ignoring out-of-order bucket %s", n)
            return None
        stale = not self._alpha or n - self._alpha_at >= self.profile.period_day
        if stale and len(self._pairs[1]) >= self.min_pairs:
            self._alpha = {k: solve_alpha(pairs) for k, pairs in self._pairs.items()}
            self._alpha_at = n
        found = self.profile.estimate(n)
        if found is None:
            self._open = None
            return None
        mu0, self._basis = found
        mu = mu0 * self._level(n)
        self._open = (n, mu0, mu)
        if not self._speaks():
            return None
        verdict = self._judge(n, mu, lambda lo, hi: self._mu.total(lo, hi))
        if verdict.firing:
            self._last_fire = n
        return verdict

    def _close(self) -> None:
        """Finalise the newest bucket: keep its residual, its expected and its clipped value."""
        assert self._open is not None
        n, mu0, mu = self._open
        self._mu0.put(n, mu0)
        self._mu.put(n, mu)
        self._record(n, lambda lo, hi: self._mu.total(lo, hi))
        self._open = None

    def _record(self, n: int, expected_sum) -> None:  # type: ignore[no-untyped-def]
        """Keep the residual of bucket ``n`` at every scale (window sums ending at ``n``)."""
        for k, pairs in self._pairs.items():
            observed, expected = self.profile.series.total(n - k + 1, n + 1), expected_sum(n - k + 1, n + 1)
            if observed is not None and expected is not None:
                pairs.append((observed, expected))

    def _speaks(self) -> bool:
        return self.profile.series.span() >= self.warmup and len(self._pairs[1]) >= self.min_pairs

    def _level(self, n: int, base=None) -> float:  # type: ignore[no-untyped-def]
        """Upward level correction: the median over the last day's blocks of observed / expected
        (shrunk by a pseudo-count), never below 1. An incident or outage filling under half the blocks
        cannot move it, quiet days and holidays never lower the bar; a level shift or ramp up is
        followed within about half a day."""
        if not self.level_adjust:
            return 1.0
        expected_sum = base or (lambda lo, hi: self._mu0.total(lo, hi))
        ratios = []
        for lo in range(n - self.level_span, n, self.level_block):
            observed, expected = (
                self.profile.series.total(lo, lo + self.level_block),
                expected_sum(lo, lo + self.level_block),
            )
            if observed is None or expected is None:
                return 1.0
            ratios.append((observed + PSEUDO) / (expected + PSEUDO))
        return min(max(soft_threshold(median(ratios), ratios), 1.0), 3.0)

    # -- batch (rules) ------------------------------------------------------------------------------
    def assess_last(self, points: list[tuple[datetime, float]], fraction: float = 1.0) -> Assessment | None:
        """Judge the last of ``points`` (a bucketed history, oldest first) in one go.

        ``fraction`` (0–1] is how much of the last bucket has elapsed: a partial bucket is held against
        that share of its expected count. None while the history is shorter than the warm-up.
        """
        if len(points) < 2:
            return None
        if self.interval is None:
            gaps = sorted(as_utc(b[0]) - as_utc(a[0]) for a, b in zip(points, points[1:], strict=False))
            self.configure(max(min(g for g in gaps if g > timedelta(0)), timedelta(seconds=1)))
        prof = self.profile
        for at, value in points:
            prof.series.put(bucket_index(at, prof.interval), float(value))
        n, pd = bucket_index(points[-1][0], prof.interval), prof.period_day
        if prof.expected(n) is None:
            return None
        history = min(max(2 * pd, 56), 600)  # residuals of the recent past fit the over-dispersion
        base: dict[int, float] = {}
        for j in range(n - history - self.scales[-1], n):
            if (mu0 := prof.expected(j)) is not None:
                base[j] = mu0

        def expected_sum(lo: int, hi: int) -> float | None:
            values = [base.get(j) for j in range(lo, hi)]
            return None if None in values else sum(values)  # type: ignore[arg-type]

        for j in range(n - history, n):
            if j in base:
                self._record(j, expected_sum)
        if not self._speaks():
            return None
        self._alpha = {k: solve_alpha(pairs) for k, pairs in self._pairs.items()}
        level = self._level(n, expected_sum)
        mu0, self._basis = prof.estimate(n) or (0.0, 1)
        mu = mu0 * level
        frac = min(max(fraction, 0.05), 1.0)  # a partial newest bucket expects its share only
        return self._judge(
            n, mu * frac, lambda lo, hi: None if (t := expected_sum(lo, hi)) is None else t * level
        )

    # -- the test -----------------------------------------------------------------------------------
    def _judge(self, n: int, mu: float, past_expected) -> Assessment:  # type: ignore[no-untyped-def]
        """Best verdict over the scales for bucket ``n`` whose expected count is ``mu``."""
        best: Assessment | None = None
        for k in self.scales:
            if k > 1 and self._last_fire is not None and n - k < self._last_fire < n:
                continue  # mentions that already raised an alert do not raise another
            observed = self.profile.series.total(n - k + 1, n + 1)
            before = past_expected(n - k + 1, n) if k > 1 else 0.0
            if observed is None or before is None:
                continue
            expected = before + mu
            verdict = self._verdict(observed, expected, k)
            if best is None or (verdict.firing, verdict.score) > (best.firing, best.score):
                best = verdict
        assert best is not None
        return best

    def _verdict(self, value: float, mu: float, k: int) -> Assessment:
        spread = self._spread(mu, value, k)
        score = (value - mu) / spread if value != mu else 0.0
        if mu < SMALL:  # few mentions: the exact tail, with the baseline's own uncertainty folded in
            basis_count = max(mu / k, 1e-3) * self._basis + 0.5
            score = nb_score(value, mu, 1.0 / (self._alpha.get(1, 0.04) + 1.0 / basis_count))
            spread = (value - mu) / score if score else spread
        firing = score >= self.threshold and value >= self.min_count and value >= self.min_ratio * mu
        return Assessment(value, mu, spread, score, firing, k)

    def _spread(self, mu: float, value: float | None = None, k: int = 1) -> float:
        """Poisson spread between the expected and observed level, inflated by over-dispersion.

        ``(√(x+⅜) + √(μ+⅜)) / 2 · √(1 + alpha·μ)``: then ``(x − μ) / spread`` is the Anscombe
        (variance-stabilised) Poisson deviate, honest about small counts, and ≈ ``(x − μ) /
        √(μ + alpha·μ²)`` for large ones."""
        alpha = self._alpha.get(k, self._alpha.get(1, 0.04))
        x = mu if value is None else max(value, 0.0)
        return (math.sqrt(x + 0.375) + math.sqrt(mu + 0.375)) / 2 * math.sqrt(1 + alpha * mu)
