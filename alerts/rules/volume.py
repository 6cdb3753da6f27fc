"""Rule types over bucketed volume series: spike, reach_spike, flatline."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import ClassVar, Literal

from pydantic import Field

from alerts.base import Audience, Match, RuleParams, RuleType, Series, Window
from alerts.detectors import SeasonalSpikeDetector, Sensitivity
from alerts.detectors.base import EPOCH, bucket_index
from alerts.detectors.profile import SeasonalProfile
from alerts.rules.common import evidence, ids, partial_fraction, recent

log = logging.getLogger(__name__)


def up_to_now(series: Series, interval: timedelta, now: datetime) -> Series:
    """``series`` ending with the bucket that holds ``now`` (appended as 0 when absent); buckets
    after ``now`` are dropped."""
    current = EPOCH + bucket_index(now, interval) * interval
    out = [(t, v) for t, v in series if t <= now]
    if not out or out[-1][0] < current:
        out.append((current, 0.0))
    return out


def tail(series: Series, interval: timedelta, k: int) -> list[float]:
    """The last ``k`` bucket values of ``series``, zero-filled where buckets are missing."""
    last = bucket_index(series[-1][0], interval)
    values = [0.0] * k
    for t, v in series:
        i = bucket_index(t, interval) - (last - k + 1)
        if 0 <= i < k:
            values[i] = v
    return values


def _span(buckets: int, interval: timedelta) -> str:
    minutes = buckets * interval / timedelta(minutes=1)
    return f"{minutes / 60:g} h" if minutes >= 60 else f"{minutes:g} min"


class SpikeParams(RuleParams):
    """Mention volume far above normal: seasonal detector (default) or current/previous window ratio."""

    mode: Literal["seasonal", "ratio"] = "seasonal"
    sensitivity: Sensitivity = Sensitivity.MEDIUM
    min_count: float | None = Field(None, ge=0, description="fewest mentions that may fire (preset if unset)")
    ratio: float = Field(2.0, gt=1, description="ratio mode: current / previous window")
    ratio_window_minutes: int = Field(60, ge=1, le=7 * 24 * 60)

    def lookback(self) -> timedelta:
        """Mentions of the widest window the detector may report (24 h), for the evidence."""
        return max(timedelta(hours=24), timedelta(minutes=2 * self.ratio_window_minutes))

    def history(self) -> timedelta:
        """Five weeks of buckets: 7 days for the daily part, 4 weeks more for the weekly factor."""
        return timedelta(days=36)


class SpikeRule:
    """Volume spike over ``window.counts``; one Match (key ``spike``) while it lasts."""

    type: ClassVar[RuleType] = RuleType.SPIKE
    Params: ClassVar[type[RuleParams]] = SpikeParams
    audience: ClassVar[Audience] = Audience.TEAM
    dedupe: ClassVar[str] = "spike"
    unit: ClassVar[str] = "mentions"

    def series(self, window: Window) -> Series:
        """The series this rule watches."""
        return window.counts

    def min_count(self, params: SpikeParams) -> float | None:
        """The minimum observed value that may fire."""
        return params.min_count

    def evaluate(self, params: SpikeParams, window: Window, now: datetime) -> list[Match]:
        """A Match when the newest bucket(s) are a spike."""
        raw = self.series(window)
        if not raw:
            return []
        series, iv = up_to_now(raw, window.interval, now), window.interval
        if params.mode == "ratio":
            k = max(1, round(timedelta(minutes=params.ratio_window_minutes) / iv))
            values = tail(series, iv, 2 * k)
            prev, cur = sum(values[:k]), sum(values[k:])
            least = 5.0 if self.min_count(params) is None else self.min_count(params)
            if cur < least or cur < params.ratio * max(prev, 1.0):
                return []
            value, expected, score, buckets = cur, prev, cur / max(prev, 1.0), k
        else:
            det = SeasonalSpikeDetector(params.sensitivity, iv, min_count=self.min_count(params))
            verdict = det.assess_last(series, partial_fraction(series, iv, now))
            if verdict is None or not verdict.firing:
                return []
            value, expected, score, buckets = verdict.value, verdict.expected, verdict.score, verdict.buckets
        span = _span(buckets, iv)
        hits = recent(params, window, now, buckets * iv / timedelta(minutes=1))
        return [
            Match(
                dedupe_key=self.dedupe,
                summary=f"{value:,.0f} {self.unit} in the last {span}, {expected:,.1f} expected "
                f"(score {score:.1f})",
                value=float(value),
                expected=float(expected),
                score=float(score),
                mention_ids=ids(hits),
                evidence=evidence(
                    hits, current=value, expected=expected, score=score, span=span, mode=params.mode
                ),
            )
        ]


class ReachSpikeParams(SpikeParams):
    """Summed author reach far above normal (a far-reaching pile-on, even at modest volume)."""

    min_reach: float = Field(10_000, ge=0, description="least summed reach that may fire")


class ReachSpikeRule(SpikeRule):
    """The spike test over ``window.reach`` (summed author reach per bucket)."""

    type: ClassVar[RuleType] = RuleType.REACH_SPIKE
    Params: ClassVar[type[RuleParams]] = ReachSpikeParams
    dedupe: ClassVar[str] = "reach_spike"
    unit: ClassVar[str] = "reach"

    def series(self, window: Window) -> Series:
        """Summed author reach per bucket."""
        return window.reach

    def min_count(self, params: SpikeParams) -> float | None:
        """The reach floor."""
        return params.min_reach if isinstance(params, ReachSpikeParams) else params.min_count


class FlatlineParams(RuleParams):
    """Volume far below normal over ``window_minutes``: usually a broken source, not a quiet public."""

    window_minutes: int = Field(120, ge=1, le=7 * 24 * 60)
    max_ratio: float = Field(0.2, gt=0, lt=1, description="fire when observed <= this share of expected")
    min_expected: float = Field(20, gt=0, description="only when at least this many were expected")

    def history(self) -> timedelta:
        """Five weeks of buckets, as for the spike rule."""
        return timedelta(days=36)


class FlatlineRule:
    """Observed volume over the look-back against the seasonal expectation; for operators."""

    type: ClassVar[RuleType] = RuleType.FLATLINE
    Params: ClassVar[type[RuleParams]] = FlatlineParams
    audience: ClassVar[Audience] = Audience.OPERATORS

    def evaluate(self, params: FlatlineParams, window: Window, now: datetime) -> list[Match]:
        """A Match when far fewer mentions arrived than the seasonal profile expects."""
        if not window.counts:
            return []
        iv = window.interval
        series = up_to_now(window.counts, iv, now)
        profile = SeasonalProfile(iv)
        for t, v in series:
            profile.series.put(bucket_index(t, iv), v)
        k = max(1, math.ceil(timedelta(minutes=params.window_minutes) / iv))
        last = bucket_index(series[-1][0], iv)
        expected = 0.0
        for j in range(last - k + 1, last + 1):
            mu = profile.expected(j)
            if mu is None:
                return []
            expected += mu * (partial_fraction(series, iv, now) if j == last else 1.0)
        observed = sum(tail(series, iv, k))
        if expected < params.min_expected or observed > params.max_ratio * expected:
            return []
        return [
            Match(
                dedupe_key="flatline",
                summary=f"Only {observed:,.0f} mentions in {params.window_minutes} min, "
                f"{expected:,.0f} expected",
                value=float(observed),
                expected=round(expected, 3),
                score=round(observed / expected, 3),
                evidence=evidence([], current=observed, expected=expected, audience="operators"),
            )
        ]
